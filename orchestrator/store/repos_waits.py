"""What instances wait for: timers, message subscriptions (+ buffer, inbox) and jobs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from orchestrator.store import fast
from orchestrator.store.records import (
    BufferedMessageRecord,
    JobRecord,
    SubscriptionRecord,
    TimerRecord,
    from_row,
    names_of,
    values_of,
)
from orchestrator.store.tables import (
    buffered_messages,
    jobs,
    message_subscriptions,
    processed_messages,
    timers,
)

# Statements every engine step runs, built once (their cache keys are memoized).
_INSERT_TIMER = timers.insert()
_TIMERS_OF_INSTANCE = select(timers).where(timers.c.instance_id == bindparam("instance_id"))
_INSERT_SUBSCRIPTION = message_subscriptions.insert()
_SUBSCRIPTIONS_OF_INSTANCE = select(message_subscriptions).where(
    message_subscriptions.c.instance_id == bindparam("instance_id")
)
_INSERT_JOB = fast.insert(jobs, names_of(JobRecord))
_GET_JOB = fast.Prepared(select(jobs).where(jobs.c.id == bindparam("job_id")))
_JOBS_OF_INSTANCE = select(jobs).where(jobs.c.instance_id == bindparam("instance_id"))
_DELETE_JOB = fast.Prepared(delete(jobs).where(jobs.c.id == bindparam("job_id")))


_LOCK_JOB = fast.Prepared(
    update(jobs)
    .where(jobs.c.id == bindparam("job_id"))
    .values(
        status="locked",
        locked_by=bindparam("locked_by"),
        lock_expires_at=bindparam("lock_expires_at"),
    )
)
#: fetch-and-lock statements by number of topics
_ACQUIRE: dict[int, fast.Prepared] = {}


def _acquire(topics: int) -> Any:
    now = bindparam("now", type_=jobs.c.due_at.type)
    return (
        select(jobs)
        .where(
            jobs.c.topic.in_([bindparam(f"topic_{i}") for i in range(topics)]),
            or_(
                (jobs.c.status == "pending") & (jobs.c.due_at <= now),
                (jobs.c.status == "locked") & (jobs.c.lock_expires_at <= now),
            ),
        )
        .order_by(jobs.c.due_at, jobs.c.id)
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(skip_locked=True)
    )


class TimerRepository:
    """Due times of instance timers and of timer start events."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: TimerRecord) -> None:
        self._conn.execute(_INSERT_TIMER, values_of(record))

    def for_instance(self, instance_id: str) -> list[TimerRecord]:
        rows = self._conn.execute(_TIMERS_OF_INSTANCE, {"instance_id": instance_id})
        return [from_row(TimerRecord, r) for r in rows]

    def for_definitions(self, definition_ids: Sequence[str]) -> list[TimerRecord]:
        rows = self._conn.execute(select(timers).where(timers.c.definition_id.in_(definition_ids)))
        return [from_row(TimerRecord, r) for r in rows]

    def delete(self, timer_ids: Sequence[str]) -> None:
        if timer_ids:
            self._conn.execute(delete(timers).where(timers.c.id.in_(timer_ids)))

    def reschedule(self, timer_id: str, due_at: datetime) -> None:
        self._conn.execute(
            update(timers).where(timers.c.id == timer_id).values(due_at=due_at, locked_until=None)
        )

    def hold(self, timer_ids: Sequence[str], until: datetime | None) -> None:
        """Keep timers from firing until ``until`` (None: release them)."""
        if timer_ids:
            self._conn.execute(
                update(timers).where(timers.c.id.in_(timer_ids)).values(locked_until=until)
            )

    def acquire_due(self, now: datetime, limit: int) -> list[TimerRecord]:
        """Lock up to ``limit`` due timers for this transaction, earliest first.

        PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so concurrent schedulers split the work and
        never fire a timer twice. SQLite ignores the clause; its ``BEGIN IMMEDIATE`` already
        lets only one writer in at a time.
        """
        rows = self._conn.execute(
            select(timers)
            .where(
                timers.c.due_at <= now,
                or_(timers.c.locked_until.is_(None), timers.c.locked_until <= now),
            )
            .order_by(timers.c.due_at, timers.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [from_row(TimerRecord, r) for r in rows]


class MessageRepository:
    """Subscriptions, the buffer of early messages, and the processed-message inbox."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_subscription(self, record: SubscriptionRecord) -> None:
        self._conn.execute(_INSERT_SUBSCRIPTION, values_of(record))

    def subscriptions_for_instance(self, instance_id: str) -> list[SubscriptionRecord]:
        rows = self._conn.execute(_SUBSCRIPTIONS_OF_INSTANCE, {"instance_id": instance_id})
        return [from_row(SubscriptionRecord, r) for r in rows]

    def delete_subscriptions(self, subscription_ids: Sequence[str]) -> None:
        if subscription_ids:
            self._conn.execute(
                delete(message_subscriptions).where(
                    message_subscriptions.c.id.in_(subscription_ids)
                )
            )

    def find_subscriptions(
        self, message_name: str, business_key: str | None = None
    ) -> list[SubscriptionRecord]:
        """Subscriptions waiting for ``message_name`` (and ``business_key`` when given)."""
        query = select(message_subscriptions).where(
            message_subscriptions.c.message_name == message_name
        )
        if business_key is not None:
            query = query.where(message_subscriptions.c.business_key == business_key)
        rows = self._conn.execute(query.order_by(message_subscriptions.c.id))
        return [from_row(SubscriptionRecord, r) for r in rows]

    def buffer(self, record: BufferedMessageRecord) -> None:
        self._conn.execute(buffered_messages.insert(), values_of(record))

    def buffered(self, message_name: str, now: datetime) -> list[BufferedMessageRecord]:
        """Unexpired buffered messages called ``message_name``, oldest first."""
        rows = self._conn.execute(
            select(buffered_messages)
            .where(
                buffered_messages.c.message_name == message_name,
                buffered_messages.c.expires_at > now,
            )
            .order_by(buffered_messages.c.received_at, buffered_messages.c.id)
        )
        return [from_row(BufferedMessageRecord, r) for r in rows]

    def delete_buffered(self, buffered_id: str) -> bool:
        """Remove a buffered message; False if another transaction took it first."""
        result = self._conn.execute(
            delete(buffered_messages).where(buffered_messages.c.id == buffered_id)
        )
        return result.rowcount == 1

    def purge_expired(self, now: datetime) -> int:
        result = self._conn.execute(
            delete(buffered_messages).where(buffered_messages.c.expires_at <= now)
        )
        return result.rowcount

    def is_processed(self, message_id: str) -> bool:
        return (
            self._conn.execute(
                select(processed_messages.c.message_id).where(
                    processed_messages.c.message_id == message_id
                )
            ).first()
            is not None
        )

    def mark_processed(self, message_id: str, instance_id: str | None, at: datetime) -> bool:
        """Remember ``message_id``; False when it was seen before (a duplicate).

        ``ON CONFLICT DO NOTHING``: on PostgreSQL a concurrent duplicate waits for the first
        transaction and then reports False instead of failing.
        """
        values = {"message_id": message_id, "instance_id": instance_id, "received_at": at}
        insert = postgresql.insert if self._conn.dialect.name == "postgresql" else sqlite.insert
        # RETURNING, not rowcount: psycopg reports -1 for INSERT .. ON CONFLICT DO NOTHING
        inserted = self._conn.execute(
            insert(processed_messages)
            .values(values)
            .on_conflict_do_nothing()
            .returning(processed_messages.c.message_id)
        ).first()
        return inserted is not None

    def set_processed_instance(self, message_id: str, instance_id: str | None) -> None:
        self._conn.execute(
            update(processed_messages)
            .where(processed_messages.c.message_id == message_id)
            .values(instance_id=instance_id)
        )


class JobRepository:
    """External service tasks waiting for (or locked by) an adapter worker."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: JobRecord) -> None:
        _INSERT_JOB.execute(self._conn, values_of(record))

    def get(self, job_id: str) -> JobRecord | None:
        found = _GET_JOB.records(self._conn, {"job_id": job_id}, JobRecord)
        return found[0] if found else None

    def for_instance(self, instance_id: str) -> list[JobRecord]:
        rows = self._conn.execute(_JOBS_OF_INSTANCE, {"instance_id": instance_id})
        return [from_row(JobRecord, r) for r in rows]

    def delete(self, job_ids: Sequence[str]) -> None:
        _DELETE_JOB.execute_many(self._conn, [{"job_id": job_id} for job_id in job_ids])

    def change(self, job_id: str, **values: Any) -> None:
        """Update columns of one job."""
        self._conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))

    def acquire(self, topics: Sequence[str], now: datetime, limit: int) -> list[JobRecord]:
        """Lock up to ``limit`` available jobs (due, or with an expired worker lock).

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets workers fetch in parallel without
        handing out a job twice.
        """
        statement = _ACQUIRE.get(len(topics))
        if statement is None:
            statement = _ACQUIRE.setdefault(len(topics), fast.Prepared(_acquire(len(topics))))
        params: dict[str, Any] = {f"topic_{i}": topic for i, topic in enumerate(topics)}
        params.update(now=now, limit=limit)
        return statement.records(self._conn, params, JobRecord)

    def lock(self, job_id: str, worker_id: str, until: datetime) -> None:
        """Mark a job locked by ``worker_id`` until ``until`` (after :meth:`acquire`)."""
        _LOCK_JOB.execute(
            self._conn, {"job_id": job_id, "locked_by": worker_id, "lock_expires_at": until}
        )

    def find(
        self, *, status: str | None = None, topic: str | None = None, limit: int = 100
    ) -> list[JobRecord]:
        query = select(jobs)
        if status is not None:
            query = query.where(jobs.c.status == status)
        if topic is not None:
            query = query.where(jobs.c.topic == topic)
        rows = self._conn.execute(query.order_by(jobs.c.due_at, jobs.c.id).limit(limit))
        return [from_row(JobRecord, r) for r in rows]
