"""The audit trail, for auditors: read-only (there is no route that changes it, and the
database refuses UPDATE and DELETE on it). Reading it is itself audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from orchestrator.api import convert
from orchestrator.api.deps import PROBLEM_RESPONSES, CtxDep
from orchestrator.api.schemas import AuditOut
from orchestrator.application.queries import AuditSearch

router = APIRouter(prefix="/audit", tags=["audit"], responses=PROBLEM_RESPONSES)

Text = Annotated[str | None, Query(max_length=200)]


@router.get("", response_model=AuditOut, summary="Search the audit trail")
def search_audit(
    ctx: CtxDep,
    instance_id: Annotated[str | None, Query(alias="instanceId", max_length=100)] = None,
    actor: Text = None,
    organisation: Text = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    business_key: Annotated[str | None, Query(alias="businessKey", max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditOut:
    ctx.policy.require(ctx.policy.can_read_audit(ctx.principal), "read the audit trail")
    criteria = AuditSearch(
        instance_id=instance_id,
        actor=actor,
        organisation=organisation,
        action=action,
        business_key=business_key,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    entries = ctx.app.queries.audit(criteria)
    ctx.app.queries.record(
        ctx.principal.actor(),
        "audit.searched",
        purpose=ctx.purpose,
        details={"found": len(entries)},
    )
    return AuditOut(items=[convert.audit_entry(e) for e in entries], limit=limit, offset=offset)
