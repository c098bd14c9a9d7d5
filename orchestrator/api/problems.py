"""Errors as ``application/problem+json`` (RFC 9457, NL API Design Rules).

Every error a caller can cause maps to a 4xx problem; ``invalidParams`` lists every field
error of a 400. An unexpected exception gives a 500 problem without internals; it is
logged with the problem's ``instance`` id so support can find it.
"""

from __future__ import annotations

import traceback
import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from orchestrator.api.auth import Unauthenticated
from orchestrator.application.errors import EngineStepFailed, IncidentRaised
from orchestrator.domain.errors import (
    Conflict,
    DecisionError,
    DeploymentRefused,
    ExpressionError,
    FieldError,
    Forbidden,
    KetenregieError,
    NotFound,
    ValidationFailed,
)

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://ketenregie.nl/problemen/"

_TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    413: "Verzoek te groot",
    415: "Mediatype niet ondersteund",
    422: "Niet verwerkbaar",
    500: "Interne fout",
}


class BodyTooLarge(HTTPException):
    """The request body exceeds the limit for its route (HTTP 413).

    An ``HTTPException``, so FastAPI passes it on while it reads a body instead of turning
    it into a generic 400.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body exceeds {limit} bytes")
        self.limit = limit


class BadRequest(Exception):
    """A request the API refuses before any use case runs (HTTP 400)."""

    def __init__(self, detail: str, invalid: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.invalid = list(invalid)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    invalid: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title or _TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail,
        "instance": f"urn:uuid:{uuid.uuid4()}",
    }
    if invalid:
        body["invalidParams"] = [
            {"name": e.name, "code": e.code, "reason": e.reason} for e in invalid
        ]
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _status_of(error: KetenregieError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, ValidationFailed):
        return 400
    if isinstance(
        error,
        DeploymentRefused | EngineStepFailed | IncidentRaised | DecisionError | ExpressionError,
    ):
        return 422
    return 400


def _field_errors(error: RequestValidationError) -> list[FieldError]:
    found = []
    for item in error.errors():
        location = [
            str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path", "header")
        ]
        name = ".".join(location) or str(item.get("loc", ("body",))[0])
        found.append(
            FieldError(name, str(item.get("msg", "invalid")), str(item.get("type", "invalid")))
        )
    return found


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem."""

    async def ketenregie_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, KetenregieError)  # noqa: S101 - registered for this type
        status = _status_of(error)
        extra: dict[str, Any] = {}
        invalid: list[FieldError] = []
        if isinstance(error, ValidationFailed):
            invalid = error.errors
        if isinstance(error, DeploymentRefused):
            extra["problems"] = [
                {
                    "message": p.message,
                    "file": p.file,
                    "line": p.line,
                    "elementId": p.element_id,
                    "elementName": p.element_name,
                    "severity": p.severity,
                }
                for p in error.problems
            ]
        if isinstance(error, EngineStepFailed | IncidentRaised):
            extra["incidentId"] = error.incident_id
        return problem(status, error.code, error.message, invalid=invalid, **extra)

    async def validation_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)  # noqa: S101
        fields = _field_errors(error)
        return problem(400, "validation", f"{len(fields)} invalid parameter(s)", invalid=fields)

    async def bad_request(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, BadRequest)  # noqa: S101
        return problem(400, "bad-request", error.detail, invalid=error.invalid)

    async def value_error(_: Request, error: Exception) -> JSONResponse:
        return problem(400, "bad-request", str(error))

    async def too_large(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, BodyTooLarge)  # noqa: S101
        return problem(413, "too-large", str(error.detail))

    async def unauthenticated(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Unauthenticated)  # noqa: S101
        return problem(401, "unauthenticated", error.reason, headers={"WWW-Authenticate": "Bearer"})

    async def http_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)  # noqa: S101
        code = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http")
        headers = dict(error.headers) if error.headers else None
        return problem(error.status_code, code, str(error.detail), headers=headers)

    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        response = problem(500, "internal", "an unexpected error occurred")
        # The stack without locals or the exception's text: either may hold task data.
        log.error(
            "api.unexpected_error",
            method=request.method,
            route=getattr(request.scope.get("route"), "path", None),
            error=type(error).__name__,
            stack="".join(traceback.format_tb(error.__traceback__)),
        )
        return response

    async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
        # the write was not acknowledged (a lock that did not come in time, a commit or
        # fsync that failed): nothing is promised, the caller may try again
        log.error(
            "api.database_unavailable",
            method=request.method,
            route=getattr(request.scope.get("route"), "path", None),
            error=type(error).__name__,
        )
        return problem(
            503,
            "database-unavailable",
            "the database did not take the change; try again",
            headers={"Retry-After": "1"},
        )

    app.add_exception_handler(KetenregieError, ketenregie_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(BadRequest, bad_request)
    app.add_exception_handler(ValueError, value_error)
    app.add_exception_handler(BodyTooLarge, too_large)
    app.add_exception_handler(Unauthenticated, unauthenticated)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(Exception, unexpected)
