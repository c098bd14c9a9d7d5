"""Failed engine steps become incidents; the job or timer concerned is parked."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from orchestrator.application import domain_events, events, steps
from orchestrator.application.errors import EngineStepFailed, IncidentRaised
from orchestrator.application.identity import SYSTEM
from orchestrator.application.ids import new_id
from orchestrator.domain.errors import KetenregieError
from orchestrator.store.records import IncidentRecord, JobRecord
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

#: ``locked_until`` of a timer whose firing failed: held until its incident is retried
PARKED = datetime(9999, 12, 31, tzinfo=UTC)


def as_error(failure: steps.StepFailure, incident_id: str) -> KetenregieError:
    """The error the caller of a failed use case gets."""
    if failure.kind == "bpmn-error":
        return IncidentRaised(failure.message, incident_id=incident_id)
    return EngineStepFailed(
        f"the process cannot proceed: {failure.message}",
        incident_id=incident_id,
        element_id=failure.element_id,
    )


def add_incident(uow: UnitOfWork, now: datetime, failure: steps.StepFailure) -> str:
    """Write an incident for ``failure`` in ``uow``; park the job or timer it concerns."""
    step = failure.step
    job_id: str | None = None
    if step.op in ("complete_job", "throw_job_error") and step.task_id:
        job = _job_by_task(uow, failure.instance_id, step.task_id)
        if job is not None:
            job_id = job.id
            uow.jobs.change(job.id, status="incident", last_error=failure.message)
    if step.op == "fire_timers" and failure.instance_id:
        held = [
            t.id for t in uow.timers.for_instance(failure.instance_id) if t.task_id in step.task_ids
        ]
        uow.timers.hold(held, PARKED)
    incident = IncidentRecord(
        id=new_id(),
        instance_id=failure.instance_id,
        job_id=job_id,
        task_id=step.task_id,
        element_id=failure.element_id,
        kind=failure.kind,
        message=failure.message,
        step=step.to_json() if failure.kind == "engine-failure" else None,
        created_at=now,
        resolved_at=None,
        resolved_by=None,
    )
    uow.incidents.add(incident)
    domain_events.incident_raised(uow, now, incident)
    events.audit(
        uow,
        now,
        SYSTEM,
        "incident.raised",
        instance_id=failure.instance_id,
        element_id=failure.element_id,
        task_id=step.task_id,
        details={"incident_id": incident.id, "kind": failure.kind, "op": step.op},
    )
    log.warning(
        "incident.raised",
        incident_id=incident.id,
        instance_id=failure.instance_id,
        kind=failure.kind,
        element_id=failure.element_id,
    )
    return incident.id


def _job_by_task(uow: UnitOfWork, instance_id: str | None, task_id: str) -> JobRecord | None:
    if instance_id is None:
        return None
    for job in uow.jobs.for_instance(instance_id):
        if job.task_id == task_id:
            return job
    return None
