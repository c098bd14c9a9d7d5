"""Incidents, the transactional outbox and the append-only audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, literal_column, or_, select, update

from orchestrator.store import fast
from orchestrator.store.records import (
    AuditRecord,
    IncidentRecord,
    OutboxRecord,
    from_row,
    names_of,
    values_of,
)
from orchestrator.store.tables import TASK_COMPLETED, audit_events, incidents, outbox

# written several times per engine step: built once (their cache keys are memoized)
_INSERT_OUTBOX = fast.insert(outbox, [n for n in names_of(OutboxRecord) if n != "id"])
_INSERT_AUDIT = fast.insert(audit_events, [n for n in names_of(AuditRecord) if n != "id"])


class IncidentRepository:
    """Problems an operator must look at (failed jobs, uncaught errors, engine failures)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: IncidentRecord) -> None:
        self._conn.execute(incidents.insert(), values_of(record))

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


class _Batched:
    """Rows appended in a unit of work are kept here and inserted in one ``executemany``
    (see :meth:`flush`): before commit, before a savepoint and before any read of the table.
    """

    _insert: fast.Prepared

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._pending: list[dict[str, Any]] = []

    def _queue(self, record: Any) -> None:
        values = values_of(record)
        values.pop("id")
        self._pending.append(values)

    def flush(self) -> None:
        """Insert the queued rows (in the order they were added)."""
        if self._pending:
            rows, self._pending = self._pending, []
            self._insert.execute_many(self._conn, rows)

    def discard(self) -> None:
        """Forget queued rows (their savepoint was rolled back)."""
        self._pending = []


class OutboxRepository(_Batched):
    """Messages to publish after commit; the messaging layer marks them published."""

    _insert = _INSERT_OUTBOX

    def add(self, record: OutboxRecord) -> None:
        self._queue(record)

    def unpublished(self, limit: int = 100) -> list[OutboxRecord]:
        self.flush()
        rows = self._conn.execute(
            select(outbox).where(outbox.c.published_at.is_(None)).order_by(outbox.c.id).limit(limit)
        )
        return [from_row(OutboxRecord, r) for r in rows]

    def due(self, now: datetime, limit: int = 100) -> list[OutboxRecord]:
        """Unpublished messages that may go out at ``now``, oldest first.

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: several publishers share the work without
        sending a message twice (SQLite serializes writers anyway).
        """
        self.flush()
        rows = self._conn.execute(
            select(outbox)
            .where(
                outbox.c.published_at.is_(None),
                or_(outbox.c.available_at.is_(None), outbox.c.available_at <= now),
            )
            .order_by(outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [from_row(OutboxRecord, r) for r in rows]

    def mark_published(self, ids: Sequence[int], at: datetime) -> None:
        """Record that the broker accepted the messages ``ids``."""
        self.flush()
        if ids:
            self._conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(list(ids)), outbox.c.published_at.is_(None))
                .values(published_at=at)
            )

    def purge_published(self, before: datetime) -> int:
        """Delete messages published before ``before``; returns how many."""
        self.flush()
        result = self._conn.execute(
            delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at < before)
        )
        return result.rowcount


class AuditRepository(_Batched):
    """Append-only: the database refuses UPDATE and DELETE on ``audit_events``."""

    _insert = _INSERT_AUDIT

    def append(self, record: AuditRecord) -> None:
        self._queue(record)

    def for_instance(self, instance_id: str, *, limit: int = 1000) -> list[AuditRecord]:
        self.flush()
        rows = self._conn.execute(
            select(audit_events)
            .where(audit_events.c.instance_id == instance_id)
            .order_by(audit_events.c.id)
            .limit(limit)
        )
        return [from_row(AuditRecord, r) for r in rows]

    def task_completed(self, task_id: str) -> bool:
        """True when the trail records a completion of ``task_id``."""
        self.flush()
        row = self._conn.execute(
            select(audit_events.c.id)
            .where(
                audit_events.c.task_id == task_id,
                # inline, so the planner matches the partial index on completions
                audit_events.c.action == literal_column(f"'{TASK_COMPLETED}'"),
            )
            .limit(1)
        ).first()
        return row is not None
