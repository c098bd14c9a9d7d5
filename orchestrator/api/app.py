"""The HTTP API: ``create_app(container, authenticator)`` is the composition root.

Everything the routes use is passed in (no module-level settings, no globals), so tests
build as many apps as they like, each on its own database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from orchestrator.api import (
    audit,
    definitions,
    deployments,
    health,
    incidents,
    instances,
    messages,
    metrics,
    problems,
    tasks,
)
from orchestrator.api.auth import Authenticator
from orchestrator.api.auth.oidc import ClaimMapping, OidcAuthenticator, discovery_fetcher
from orchestrator.api.auth.policy import Policy
from orchestrator.api.auth.users import StaticTokenAuthenticator
from orchestrator.api.deps import AppState
from orchestrator.api.fastpath import CompletionFastPath
from orchestrator.api.middleware import ENTERED, ApiMiddleware
from orchestrator.api.schemas import Problem
from orchestrator.application.organisations import OrganisationMap
from orchestrator.application.queries import QueryService
from orchestrator.bootstrap import Container
from orchestrator.config import Settings

API_VERSION = "1.0.0"
PREFIX = "/api/v1"


def authenticator_from(settings: Settings) -> Authenticator:
    """The authenticator ``settings`` ask for: the users file, or OIDC."""
    if settings.auth_mode == "oidc":
        if not settings.oidc_issuer or not settings.oidc_audience:
            raise ValueError("auth_mode=oidc needs oidc_issuer and oidc_audience")
        return OidcAuthenticator(
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
            fetch_jwks=discovery_fetcher(settings.oidc_issuer, settings.oidc_jwks_url),
            claims=ClaimMapping(
                user=settings.oidc_user_claim,
                roles=settings.oidc_roles_claim,
                organisation=settings.oidc_organisation_claim,
            ),
        )
    assert settings.users_file is not None  # noqa: S101 - defaulted by Settings
    return StaticTokenAuthenticator.from_file(settings.users_file)


class _Api(FastAPI):
    """FastAPI, with task completions entering at :attr:`completion_entry`.

    Completions are most of the API's traffic, and each request passes FastAPI's outer
    layers first (its OpenTelemetry check, server-error, exception-telemetry and body-limit
    middleware), which cost more CPU than the rest of the HTTP handling of a completion.
    ``completion_entry`` is the app's own middleware (:class:`ApiMiddleware`), Starlette's
    server-error middleware with the app's 500 handler, and :class:`CompletionFastPath`; a
    request the fast path does not take goes on through the whole FastAPI stack
    (:class:`_Inside`), where the inner :class:`ApiMiddleware` lets it pass."""

    completion_entry: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        entry = self.completion_entry
        if (
            entry is not None
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].endswith("/complete")
        ):
            scope["app"] = self
            await entry(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class _Inside:
    """The rest of the way for a request that entered at ``completion_entry``."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[ENTERED] = True
        await FastAPI.__call__(self._app, scope, receive, send)


def create_app(
    container: Container,
    authenticator: Authenticator,
    *,
    metrics_dir: Path | None = None,
    fast_path: bool = True,
) -> FastAPI:
    """Build the API on a wired container.

    Args:
        container: the application services (see :func:`orchestrator.bootstrap.build`).
        authenticator: turns bearer tokens into principals.
        metrics_dir: prometheus_client's multiprocess directory when this app is served by
            one of several processes (``/metrics`` then adds up all of them).
        fast_path: answer well-formed task completions without FastAPI's routing
            (:mod:`.fastpath`); False only to compare the two in tests.
    """
    settings = container.settings
    app = _Api(
        title="Ketenregie",
        version=API_VERSION,
        description="BPMN orchestration of the work-and-income chain (NL API Design Rules).",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    queries = QueryService(container.runtime)
    app.state.ketenregie = AppState(
        container=container,
        queries=queries,
        policy=Policy(OrganisationMap(settings.organisation_map)),
        authenticator=authenticator,
        inline_auth=isinstance(authenticator, StaticTokenAuthenticator),
    )
    registry = metrics.Metrics(queries, container.store, multiprocess_dir=metrics_dir)
    problems.install(app)
    for module in (deployments, definitions, instances, tasks, messages, incidents, audit, health):
        app.include_router(module.router, prefix=PREFIX)
    app.include_router(metrics.router(registry))
    api_options: dict[str, Any] = {
        "api_version": API_VERSION,
        "max_body": settings.api_max_body_bytes,
        "max_upload": settings.api_max_upload_bytes,
        "upload_paths": (f"{PREFIX}/deployments",),
        "observe": registry.observe,
    }
    app.add_middleware(ApiMiddleware, **api_options)
    if fast_path:
        problems_500 = app.exception_handlers.get(500) or app.exception_handlers.get(Exception)
        fast = CompletionFastPath(_Inside(app), api=app, prefix=PREFIX)
        app.completion_entry = ApiMiddleware(
            ServerErrorMiddleware(fast, handler=problems_500, debug=app.debug), **api_options
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                Problem.model_json_schema(
                    by_alias=True, ref_template="#/components/schemas/{model}"
                )
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
