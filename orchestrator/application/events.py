"""Audit trail entries and outbox messages, written inside the caller's unit of work.

Neither ever carries process variables in the audit trail (they may hold personal data):
audit details name variables, they do not copy them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from orchestrator.application.identity import Actor
from orchestrator.application.ids import new_id
from orchestrator.store.records import AuditRecord, InstanceRecord, JobRecord, OutboxRecord
from orchestrator.store.uow import UnitOfWork

EVENT_TYPE_PREFIX = "nl.ketenregie."


def audit(
    uow: UnitOfWork,
    at: datetime,
    actor: Actor,
    action: str,
    *,
    instance: InstanceRecord | None = None,
    instance_id: str | None = None,
    element_id: str | None = None,
    task_id: str | None = None,
    process_key: str | None = None,
    business_key: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit event."""
    uow.audit.append(
        AuditRecord(
            at=at,
            actor=actor.user_id,
            organisation=actor.organisation,
            action=action,
            instance_id=instance.id if instance else instance_id,
            process_key=instance.process_key if instance else process_key,
            business_key=instance.business_key if instance else business_key,
            element_id=element_id,
            task_id=task_id,
            details=dict(details or {}),
        )
    )


def event(
    uow: UnitOfWork,
    at: datetime,
    name: str,
    instance: InstanceRecord,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Queue a domain event (``instance.started``, ``task.created``, ...) in the outbox.

    The body holds ids and keys only; the messaging layer shapes it into a CloudEvent.
    """
    message_id = new_id()
    uow.outbox.add(
        OutboxRecord(
            message_id=message_id,
            kind="event",
            routing_key=name,
            headers={
                "type": EVENT_TYPE_PREFIX + name,
                "subject": instance.id,
                "time": at.isoformat(),
            },
            body={
                "instance_id": instance.id,
                "process_key": instance.process_key,
                "process_version": instance.process_version,
                "business_key": instance.business_key,
                **dict(data or {}),
            },
            created_at=at,
        )
    )


def job_message(uow: UnitOfWork, at: datetime, job: JobRecord, instance: InstanceRecord) -> None:
    """Queue a job for the adapters of ``job.topic`` (routing key = topic).

    A retry after a failure is queued with ``not_before`` = the job's next due time.
    """
    uow.outbox.add(
        OutboxRecord(
            message_id=new_id(),
            kind="job",
            routing_key=job.topic,
            headers={
                "job_id": job.id,
                "attempt": job.attempts + 1,
                "not_before": job.due_at.isoformat(),
            },
            body={
                "job_id": job.id,
                "topic": job.topic,
                "instance_id": instance.id,
                "process_key": instance.process_key,
                "business_key": instance.business_key,
                "element_id": job.element_id,
                "variables": job.variables,
            },
            created_at=at,
            # a retry is published when its backoff is over, not before
            available_at=job.due_at if job.due_at > at else None,
        )
    )
