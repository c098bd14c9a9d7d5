"""ASGI middleware: the ``API-Version`` header, body-size limits, request latency.

Plain ASGI (no ``BaseHTTPMiddleware``): it adds no task switch per request, which shows
in the latency of task completions.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orchestrator.api.problems import PROBLEM_JSON, TYPE_BASE, BodyTooLarge

Observe = Callable[[str, str, int, float], None]  # method, route, status, seconds

#: scope key: the request already passed an :class:`ApiMiddleware` (the app's completion
#: entry, outside FastAPI's stack); the one inside that stack lets it pass
ENTERED = "ketenregie.api_middleware"


class ApiMiddleware:
    """Adds ``API-Version``, enforces body limits and reports each request's latency."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        api_version: str,
        max_body: int,
        max_upload: int,
        upload_paths: tuple[str, ...],
        observe: Observe | None = None,
    ) -> None:
        self._app = app
        self._version = api_version.encode()
        self._max_body = max_body
        self._max_upload = max_upload
        self._upload_paths = upload_paths
        self._observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or ENTERED in scope:
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        path = str(scope.get("path", ""))
        limit = self._max_upload if path in self._upload_paths else self._max_body
        status = 500

        async def send_with_version(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"api-version", self._version))
                message = {**message, "headers": headers}
            await send(message)

        try:
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                # refuse before reading a byte of it
                await _refuse(send_with_version, limit)
                return
            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise BodyTooLarge(limit)
                return message

            await self._app(scope, limited_receive, send_with_version)
        finally:
            if self._observe is not None:
                self._observe(
                    str(scope.get("method", "")),
                    _route_name(scope),
                    status,
                    time.perf_counter() - started,
                )


def _route_name(scope: Scope) -> str:
    """A label naming the handler (``tasks.complete``), never a path with ids in it."""
    endpoint = scope.get("endpoint")
    if endpoint is None:
        return "unmatched"
    module = str(getattr(endpoint, "__module__", "")).rsplit(".", 1)[-1]
    return f"{module}.{getattr(endpoint, '__name__', 'endpoint')}"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "type": TYPE_BASE + "too-large",
            "title": "Verzoek te groot",
            "status": 413,
            "detail": f"the request body exceeds {limit} bytes",
            "instance": f"urn:uuid:{uuid.uuid4()}",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
