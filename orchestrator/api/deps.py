"""Request dependencies: the application state, the caller, and the purpose of the call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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


def state(request: Request) -> AppState:
    result: AppState = request.app.state.ketenregie
    return result


_bearer = HTTPBearer(auto_error=False, description="OIDC access token or API token")


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller. Raises Unauthenticated (401)."""
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("a bearer token is required")
    return state(request).authenticator.authenticate(credentials.credentials)


@dataclass(frozen=True)
class Ctx:
    """One request: the caller, the stated (or default) purpose, and the application."""

    principal: Principal
    purpose: str
    app: AppState

    @property
    def policy(self) -> Policy:
        return self.app.policy


def context(
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
    # authenticates here rather than through a ``principal`` sub-dependency: FastAPI runs
    # every sync dependency in its own worker-thread hop, and each hop costs latency
    caller = principal(request, credentials)
    app = state(request)
    return Ctx(caller, app.policy.purpose(caller, doelbinding), app)


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
