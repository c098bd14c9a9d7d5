"""Small helpers for simulator endpoints: problem answers, idempotency keys, JSON bodies."""

from __future__ import annotations

import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse


def problem(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json answer (the ZGW ``Fout`` shape: ``code``, ``title``, ``detail``...)."""
    body = {
        "type": f"urn:ketenregie:simulator:{code}",
        "code": code,
        "title": detail,
        "status": status,
        "detail": detail,
        "instance": f"urn:uuid:{code}",
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class IdempotencyCache:
    """Answers already given, by ``Idempotency-Key``: a repeated request gets the same answer
    and changes nothing (how the REST partners de-duplicate retried jobs)."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], tuple[int, Any]] = {}
        self._lock = threading.Lock()

    def replay(self, request: Request) -> JSONResponse | None:
        """The earlier answer to this key on this path, if any."""
        key = request.headers.get("idempotency-key")
        if not key:
            return None
        with self._lock:
            seen = self._answers.get((request.url.path, key))
        if seen is None:
            return None
        status, body = seen
        return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})

    def remember(self, request: Request, status: int, body: Any) -> JSONResponse:
        """Keep the answer for this key (if the request had one) and return it."""
        key = request.headers.get("idempotency-key")
        if key:
            with self._lock:
                self._answers[(request.url.path, key)] = (status, body)
        return JSONResponse(body, status_code=status)


async def json_body(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None when it is not one."""
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
