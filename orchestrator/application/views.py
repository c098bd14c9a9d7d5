"""What use cases return: read-only views, independent of the store's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orchestrator.store.records import (
    AuditRecord,
    HumanTaskRecord,
    IncidentRecord,
    InstanceRecord,
    JobRecord,
)


@dataclass(frozen=True)
class InstanceView:
    """A process instance as callers see it (no engine state)."""

    id: str
    definition_id: str
    process_key: str
    process_version: int
    business_key: str | None
    status: str
    variables: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None
    started_by: str
    version: int

    @classmethod
    def of(cls, record: InstanceRecord) -> InstanceView:
        return cls(
            id=record.id,
            definition_id=record.definition_id,
            process_key=record.process_key,
            process_version=record.process_version,
            business_key=record.business_key,
            status=record.status,
            variables=dict(record.variables),
            started_at=record.started_at,
            ended_at=record.ended_at,
            started_by=record.started_by,
            version=record.version,
        )


@dataclass(frozen=True)
class TaskView:
    """An open human task on a worklist."""

    id: str
    instance_id: str
    element_id: str
    name: str | None
    lane: str | None
    candidate_groups: tuple[str, ...]
    candidate_users: tuple[str, ...]
    assignee: str | None
    due_at: datetime | None
    organisation: str | None
    business_key: str | None
    process_key: str
    process_version: int
    form: dict[str, Any]
    created_at: datetime
    claimed_at: datetime | None

    @classmethod
    def of(cls, record: HumanTaskRecord) -> TaskView:
        return cls(
            id=record.id,
            instance_id=record.instance_id,
            element_id=record.element_id,
            name=record.name,
            lane=record.lane,
            candidate_groups=tuple(record.candidate_groups),
            candidate_users=tuple(record.candidate_users),
            assignee=record.assignee,
            due_at=record.due_at,
            organisation=record.organisation,
            business_key=record.business_key,
            process_key=record.process_key,
            process_version=record.process_version,
            form=dict(record.form),
            created_at=record.created_at,
            claimed_at=record.claimed_at,
        )


@dataclass(frozen=True)
class JobView:
    """An external task as handed to (or reported by) an adapter worker."""

    id: str
    topic: str
    instance_id: str
    element_id: str
    variables: dict[str, Any]
    attempts: int
    max_attempts: int
    status: str
    due_at: datetime
    locked_by: str | None
    lock_expires_at: datetime | None
    last_error: str | None

    @classmethod
    def of(cls, record: JobRecord) -> JobView:
        return cls(
            id=record.id,
            topic=record.topic,
            instance_id=record.instance_id,
            element_id=record.element_id,
            variables=dict(record.variables),
            attempts=record.attempts,
            max_attempts=record.max_attempts,
            status=record.status,
            due_at=record.due_at,
            locked_by=record.locked_by,
            lock_expires_at=record.lock_expires_at,
            last_error=record.last_error,
        )


@dataclass(frozen=True)
class IncidentView:
    """A problem an operator can retry or resolve."""

    id: str
    instance_id: str | None
    job_id: str | None
    element_id: str | None
    kind: str
    message: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    retryable: bool

    @classmethod
    def of(cls, record: IncidentRecord) -> IncidentView:
        return cls(
            id=record.id,
            instance_id=record.instance_id,
            job_id=record.job_id,
            element_id=record.element_id,
            kind=record.kind,
            message=record.message,
            created_at=record.created_at,
            resolved_at=record.resolved_at,
            resolved_by=record.resolved_by,
            retryable=record.resolved_at is None
            and (record.job_id is not None or record.step is not None),
        )


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail."""

    at: datetime
    actor: str
    organisation: str | None
    action: str
    instance_id: str | None
    process_key: str | None
    business_key: str | None
    element_id: str | None
    task_id: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, record: AuditRecord) -> AuditEntry:
        return cls(
            at=record.at,
            actor=record.actor,
            organisation=record.organisation,
            action=record.action,
            instance_id=record.instance_id,
            process_key=record.process_key,
            business_key=record.business_key,
            element_id=record.element_id,
            task_id=record.task_id,
            details=dict(record.details),
        )
