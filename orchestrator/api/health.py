"""Liveness and readiness (unauthenticated: probes carry no credentials, and the answers
hold no data)."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from orchestrator.api.deps import state
from orchestrator.api.schemas import HealthOut

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", response_model=HealthOut, summary="The process is up")
def live() -> HealthOut:
    return HealthOut(status="ok", checks={})


@router.get(
    "/ready",
    response_model=HealthOut,
    summary="Ready to serve: the database answers",
    responses={503: {"model": HealthOut, "description": "Not ready"}},
)
def ready(request: Request, response: Response) -> HealthOut:
    try:
        with state(request).container.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("health.database_unavailable", error=type(error).__name__)
        response.status_code = 503
        return HealthOut(status="unavailable", checks={"database": "unavailable"})
    return HealthOut(status="ok", checks={"database": "ok"})
