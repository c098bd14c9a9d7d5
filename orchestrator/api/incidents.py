"""Incidents for operators: list, retry (optionally with changed variables), resolve."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from orchestrator.api import convert
from orchestrator.api.deps import PROBLEM_RESPONSES, Ctx, CtxDep
from orchestrator.api.instances import check_bsn
from orchestrator.api.schemas import IncidentOut, RetryIn

router = APIRouter(prefix="/incidents", tags=["incidents"], responses=PROBLEM_RESPONSES)

IncidentPath = Annotated[str, Path(alias="incidentId", max_length=100)]


def _operator(ctx: Ctx) -> None:
    ctx.policy.require(ctx.policy.is_operator(ctx.principal), "handle incidents")


@router.get("", response_model=list[IncidentOut], summary="Incidents (open ones by default)")
def list_incidents(
    ctx: CtxDep,
    instance_id: Annotated[str | None, Query(alias="instanceId", max_length=100)] = None,
    include_resolved: Annotated[bool, Query(alias="includeResolved")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[IncidentOut]:
    _operator(ctx)
    views = ctx.app.container.incidents.list(
        instance_id=instance_id, open_only=not include_resolved, limit=limit
    )
    return [convert.incident(v) for v in views]


@router.get("/{incidentId}", response_model=IncidentOut, summary="One incident")
def get_incident(ctx: CtxDep, incident_id: IncidentPath) -> IncidentOut:
    _operator(ctx)
    return convert.incident(ctx.app.container.incidents.get(incident_id))


@router.post("/{incidentId}/retry", response_model=IncidentOut, summary="Retry")
def retry(ctx: CtxDep, incident_id: IncidentPath, body: RetryIn | None = None) -> IncidentOut:
    """Re-arm the job or re-run the failed step, with ``variables`` changed if given."""
    _operator(ctx)
    variables = body.variables if body is not None else None
    if variables:
        check_bsn(variables)
    return convert.incident(
        ctx.app.container.incidents.retry(incident_id, ctx.principal.actor(), variables)
    )


@router.post("/{incidentId}/resolve", response_model=IncidentOut, summary="Resolve")
def resolve(ctx: CtxDep, incident_id: IncidentPath) -> IncidentOut:
    """Close the incident without retrying (fixed another way)."""
    _operator(ctx)
    return convert.incident(ctx.app.container.incidents.resolve(incident_id, ctx.principal.actor()))
