"""Incidents, the transactional outbox and the append-only audit trail."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Connection, select, update

from orchestrator.store.records import AuditRecord, IncidentRecord, OutboxRecord, from_row
from orchestrator.store.tables import audit_events, incidents, outbox


class IncidentRepository:
    """Problems an operator must look at (failed jobs, uncaught errors, engine failures)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: IncidentRecord) -> None:
        self._conn.execute(incidents.insert().values(asdict(record)))

    def get(self, incident_id: str) -> IncidentRecord | None:
        row = self._conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
        return from_row(IncidentRecord, row) if row else None

    def find(
        self,
        *,
        instance_id: str | None = None,
        job_id: str | None = None,
        open_only: bool = True,
        limit: int = 100,
        offset: int = 0,
    ) -> list[IncidentRecord]:
        query = select(incidents)
        if instance_id is not None:
            query = query.where(incidents.c.instance_id == instance_id)
        if job_id is not None:
            query = query.where(incidents.c.job_id == job_id)
        if open_only:
            query = query.where(incidents.c.resolved_at.is_(None))
        rows = self._conn.execute(
            query.order_by(incidents.c.created_at, incidents.c.id).limit(limit).offset(offset)
        )
        return [from_row(IncidentRecord, r) for r in rows]

    def resolve(self, incident_id: str, at: datetime, by: str) -> bool:
        """Mark resolved; False when it was already resolved (or does not exist)."""
        result = self._conn.execute(
            update(incidents)
            .where(incidents.c.id == incident_id, incidents.c.resolved_at.is_(None))
            .values(resolved_at=at, resolved_by=by)
        )
        return result.rowcount == 1

    def set_message(self, incident_id: str, message: str) -> None:
        self._conn.execute(
            update(incidents).where(incidents.c.id == incident_id).values(message=message)
        )


class OutboxRepository:
    """Messages to publish after commit; the messaging layer marks them published."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: OutboxRecord) -> None:
        values = asdict(record)
        values.pop("id")
        self._conn.execute(outbox.insert().values(values))

    def unpublished(self, limit: int = 100) -> list[OutboxRecord]:
        rows = self._conn.execute(
            select(outbox).where(outbox.c.published_at.is_(None)).order_by(outbox.c.id).limit(limit)
        )
        return [from_row(OutboxRecord, r) for r in rows]


class AuditRepository:
    """Append-only: the database refuses UPDATE and DELETE on ``audit_events``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def append(self, record: AuditRecord) -> None:
        values = asdict(record)
        values.pop("id")
        self._conn.execute(audit_events.insert().values(values))

    def for_instance(self, instance_id: str, *, limit: int = 1000) -> list[AuditRecord]:
        rows = self._conn.execute(
            select(audit_events)
            .where(audit_events.c.instance_id == instance_id)
            .order_by(audit_events.c.id)
            .limit(limit)
        )
        return [from_row(AuditRecord, r) for r in rows]

    def task_completed(self, task_id: str) -> bool:
        """True when the trail records a completion of ``task_id``."""
        row = self._conn.execute(
            select(audit_events.c.id)
            .where(audit_events.c.task_id == task_id, audit_events.c.action == "task.completed")
            .limit(1)
        ).first()
        return row is not None
