"""``POST /tasks/{taskId}/complete`` as plain ASGI: the hot route without FastAPI's routing.

Task completions are most of the API's traffic. FastAPI's per-request machinery (route
matching over every route, the body's content-type parse, dependency solving, two
exit stacks, response-model handling) cost more CPU than the middleware and the worker
hop together, so this ASGI layer answers a **well-formed** completion itself: it reads the
body, validates it with the route's own model (:class:`CompleteIn`) and runs
authentication, the purpose check and :func:`orchestrator.api.tasks.completed` in one
worker-thread call.

Anything else goes to the FastAPI route unchanged, with the body bytes it already read
replayed: a missing or non-bearer ``Authorization``, a content type other than
``application/json``, a ``Doelbinding`` header FastAPI would refuse (over 200 characters)
or given twice, a task id over 100 characters, a body that is not JSON or does not
validate. So every refusal of the request's *shape* (400 with ``invalidParams``, 401
before 400, ...) is FastAPI's own, and the OpenAPI document is that of the route.

Errors of a well-formed request (401 unknown token, 400 bad purpose or BSN, 403, 404,
409, 413 while reading) go through the application's exception handlers, exactly as
Starlette's ``ExceptionMiddleware`` picks them; anything unhandled propagates to the
server-error handler (500). ``scope["route"]``/``["endpoint"]`` are set as routing would
set them (request metrics, error logs).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orchestrator.api import convert, tasks
from orchestrator.api.auth import Principal
from orchestrator.api.deps import AppState
from orchestrator.api.schemas import CompleteIn

MAX_TASK_ID = 100  # as the route's path parameter
MAX_PURPOSE = 200  # as the route's Doelbinding header


class CompletionFastPath:
    """Answers well-formed task completions; passes every other request to ``app``."""

    def __init__(self, app: ASGIApp, *, api: FastAPI, prefix: str) -> None:
        """Args:
        app: the next ASGI layer (FastAPI's exception middleware and router).
        api: the application (its state, exception handlers and the route).
        prefix: the API's path prefix (``/api/v1``).
        """
        self._app = app
        self._api = api
        self._head = f"{prefix}/tasks/"
        self._tail = "/complete"
        self._route: APIRoute | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        task_id = self._task_id(scope)
        if task_id is None:
            await self._app(scope, receive, send)
            return
        found = _credentials(scope)
        if found is None:
            await self._app(scope, receive, send)
            return
        token, purpose = found
        received: list[Message] = []
        try:
            form = _form(await _read_body(receive, received))
        except Exception as error:  # noqa: BLE001 - re-raised unless handled (BodyTooLarge)
            await self._answer_error(scope, receive, send, received, error)
            return
        if form is None:
            await self._app(scope, _replaying(received, receive), send)
            return
        try:
            route = self._hot_route()
            scope["route"] = route
            scope["endpoint"] = route.endpoint
            scope["path_params"] = {"taskId": task_id}
            state: AppState = self._api.state.ketenregie
            batcher = state.container.store.batcher
            if batcher is None or state.container.runtime.prepare_steps:
                response = await run_in_threadpool(_complete, state, token, purpose, task_id, form)
            else:
                # the caller first (OIDC may fetch the issuer's keys: not on the writer)
                principal = (
                    state.authenticate(token)
                    if state.inline_auth
                    else await run_in_threadpool(state.authenticate, token)
                )
                response = await batcher.run(
                    partial(_complete_as, state, principal, purpose, task_id, form)
                )
        except Exception as error:  # noqa: BLE001 - re-raised unless a handler takes it
            await self._answer_error(scope, receive, send, received, error)
            return
        await response(scope, receive, send)

    async def _answer_error(
        self, scope: Scope, receive: Receive, send: Send, received: list[Message], error: Exception
    ) -> None:
        handler = _handler(self._api.exception_handlers, error)
        if handler is None:
            raise error
        answer = handler(Request(scope, _replaying(received, receive)), error)
        response = await answer if inspect.isawaitable(answer) else answer
        await response(scope, receive, send)

    def _task_id(self, scope: Scope) -> str | None:
        """The task id when ``scope`` is a POST to the completion route, else None."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
            return None
        path: str = scope["path"]
        if not (path.startswith(self._head) and path.endswith(self._tail)):
            return None
        task_id = path[len(self._head) : -len(self._tail)]
        if not task_id or "/" in task_id or len(task_id) > MAX_TASK_ID:
            return None
        return task_id

    def _hot_route(self) -> APIRoute:
        if self._route is None:
            # as FastAPI's routing sets it: the route as declared on the tasks router
            self._route = next(
                r
                for r in tasks.router.routes
                if isinstance(r, APIRoute) and r.endpoint is tasks.complete
            )
        return self._route


def _complete(
    state: AppState, token: str, purpose: str | None, task_id: str, form: CompleteIn
) -> Response:
    """The blocking part, in one worker-thread call: who, why, then the completion."""
    return _complete_as(state, state.authenticate(token), purpose, task_id, form)


def _complete_as(
    state: AppState, caller: Principal, purpose: str | None, task_id: str, form: CompleteIn
) -> Response:
    """Why, then the completion (on the store's write batcher, or in a worker thread)."""
    ctx = state.context(caller, purpose)
    return convert.json_response(tasks.completed(ctx, task_id, form))


def _credentials(scope: Scope) -> tuple[str, str | None] | None:
    """(bearer token, Doelbinding) when the headers are as the fast path takes them."""
    authorization = content_type = purpose = None
    purposes = 0
    for name, value in scope["headers"]:
        if name == b"authorization":
            if authorization is None:
                authorization = value
        elif name == b"content-type":
            if content_type is None:
                content_type = value
        elif name == b"doelbinding":
            purpose = value
            purposes += 1
    if authorization is None or content_type is None or purposes > 1:
        return None
    if content_type.split(b";", 1)[0].strip().lower() != b"application/json":
        return None
    # as FastAPI's HTTPBearer reads the header (latin-1, as Starlette decodes headers)
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    stated = purpose.decode("latin-1") if purpose is not None else None
    if stated is not None and len(stated) > MAX_PURPOSE:
        return None
    return token, stated


async def _read_body(receive: Receive, received: list[Message]) -> bytes:
    """The whole body; every message read is kept in ``received`` (for a replay)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request":
            return b""  # a disconnect: FastAPI's route, replayed, deals with it
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _form(body: bytes) -> CompleteIn | None:
    """The body as the route validates it (``json.loads``, then the model), or None."""
    if not body:
        return None
    try:
        return CompleteIn.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # not JSON, not UTF-8, not valid
        return None


def _replaying(received: list[Message], receive: Receive) -> Receive:
    """``receive`` that first gives the messages already read."""
    pending = list(received)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def _handler(handlers: Mapping[Any, Handler], error: Exception) -> Handler | None:
    """The handler Starlette's ExceptionMiddleware would pick (500s are left to the
    server-error middleware, as there)."""
    if isinstance(error, HTTPException) and error.status_code in handlers:
        return handlers[error.status_code]
    for cls in type(error).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
