"""Views of the application layer -> response bodies, with variables filtered."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from orchestrator.api.auth.policy import Visibility
from orchestrator.api.schemas import (
    AuditEntryOut,
    IncidentOut,
    InstanceSummaryOut,
    Out,
    TaskOut,
)
from orchestrator.application.views import AuditEntry, IncidentView, InstanceView, TaskView


def json_response(body: Out) -> Response:
    """``body`` as FastAPI sends a ``response_model`` (camelCase, every field), serialized once.

    A route that returns it keeps ``response_model`` for its OpenAPI document."""
    return Response(body.model_dump_json(by_alias=True), media_type="application/json")


def instance_summary(view: InstanceView, visible: Visibility) -> InstanceSummaryOut:
    return InstanceSummaryOut(
        id=view.id,
        process_key=view.process_key,
        process_version=view.process_version,
        business_key=view.business_key,
        status=view.status,
        started_at=view.started_at,
        ended_at=view.ended_at,
        variables=visible.filter(view.variables),
    )


def task(view: TaskView, variables: dict[str, Any] | None = None) -> TaskOut:
    return TaskOut(
        id=view.id,
        instance_id=view.instance_id,
        element_id=view.element_id,
        name=view.name,
        candidate_groups=list(view.candidate_groups),
        candidate_users=list(view.candidate_users),
        assignee=view.assignee,
        due_at=view.due_at,
        organisation=view.organisation,
        business_key=view.business_key,
        process_key=view.process_key,
        process_version=view.process_version,
        created_at=view.created_at,
        claimed_at=view.claimed_at,
        variables=variables,
    )


def incident(view: IncidentView) -> IncidentOut:
    return IncidentOut(
        id=view.id,
        instance_id=view.instance_id,
        job_id=view.job_id,
        element_id=view.element_id,
        kind=view.kind,
        message=view.message,
        created_at=view.created_at,
        resolved_at=view.resolved_at,
        resolved_by=view.resolved_by,
        retryable=view.retryable,
    )


def audit_entry(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        at=entry.at,
        actor=entry.actor,
        organisation=entry.organisation,
        action=entry.action,
        instance_id=entry.instance_id,
        process_key=entry.process_key,
        business_key=entry.business_key,
        element_id=entry.element_id,
        task_id=entry.task_id,
        details=entry.details,
    )
