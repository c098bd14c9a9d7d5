"""Request dependencies: the application state, the caller, and the purpose of the call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from orchestrator.api.auth import Authenticator, Principal, Unauthenticated
from orchestrator.api.auth.policy import Policy
from orchestrator.application.queries import QueryService
from orchestrator.bootstrap import Container


@dataclass(frozen=True)
class AppState:
    """Everything a route needs, set once by :func:`orchestrator.api.app.create_app`."""

    container: Container
    queries: QueryService
    policy: Policy
    authenticator: Authenticator
    #: the authenticator never blocks (no I/O: the users file, read at start), so it runs
    #: on the event loop; otherwise (OIDC: may fetch the issuer's keys) in a worker thread
    inline_auth: bool = False

    def authenticate(self, token: str | None) -> Principal:
        """The caller with bearer ``token``. Raises Unauthenticated (401)."""
        if not token:
            raise Unauthenticated("a bearer token is required")
        return self.authenticator.authenticate(token)

    def context(self, caller: Principal, doelbinding: str | None) -> Ctx:
        """The request context of ``caller`` (raises ValueError for a bad purpose)."""
        return Ctx(caller, self.policy.purpose(caller, doelbinding), self)


def state(request: Request) -> AppState:
    result: AppState = request.app.state.ketenregie
    return result


_bearer = HTTPBearer(auto_error=False, description="OIDC access token or API token")


@dataclass(frozen=True)
class Ctx:
    """One request: the caller, the stated (or default) purpose, and the application."""

    principal: Principal
    purpose: str
    app: AppState

    @property
    def policy(self) -> Policy:
        return self.app.policy


async def context(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    doelbinding: Annotated[
        str | None,
        Header(
            alias="Doelbinding",
            max_length=200,
            description="Purpose of this request (recorded in the audit trail); "
            "default: the purpose of the caller's role",
        ),
    ] = None,
) -> Ctx:
    # async, and authenticating here rather than in a ``principal`` sub-dependency: FastAPI
    # runs every sync dependency in a worker-thread hop of its own, and each hop costs CPU
    # and latency; with a non-blocking authenticator a request makes one hop (its endpoint)
    app = state(request)
    token = credentials.credentials if credentials else None
    if app.inline_auth:
        caller = app.authenticate(token)
    else:
        caller = await run_in_threadpool(app.authenticate, token)
    return app.context(caller, doelbinding)


CtxDep = Annotated[Ctx, Depends(context)]

#: error responses every authenticated route may give (documented for clients and
#: schemathesis)
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    for status, description in (
        (400, "Invalid request (invalidParams lists every field error)"),
        (401, "No or invalid credentials"),
        (403, "Not allowed"),
        (404, "Not found, or not visible to the caller"),
        (409, "Conflict with the current state"),
        (413, "Request body too large"),
        (422, "Understood but not processable"),
    )
}
