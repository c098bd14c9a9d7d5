"""What an instance waits at, in one read: the keys of its tasks, timers, subscriptions, jobs.

Applying a snapshot diffs these index rows against the engine's new state; reading the
four tables in one ``UNION ALL`` costs one statement per step instead of four.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, bindparam, cast, literal, null, select, union_all

from orchestrator.store import fast
from orchestrator.store.tables import human_tasks, jobs, message_subscriptions, timers
from orchestrator.store.types import UtcDateTime


class IndexRow(NamedTuple):
    """One index row of an instance: ``kind`` is task, timer, subscription or job.

    ``task_id`` is the engine task the row belongs to (a task row: its own id);
    ``message_name`` is set for subscriptions, ``due_at`` for timers.
    """

    kind: str
    id: str
    task_id: str | None
    message_name: str | None
    due_at: datetime | None


def _part(kind: str, table: Any, task_id: Any, message_name: Any, due_at: Any) -> Any:
    return select(
        literal(kind, String).label("kind"),
        table.c.id.label("id"),
        task_id.label("task_id"),
        message_name.label("message_name"),
        due_at.label("due_at"),
    ).where(table.c.instance_id == bindparam("instance_id"))


_NO_TEXT = cast(null(), String)
_NO_TIME = cast(null(), UtcDateTime)
_INDEX_OF_INSTANCE = fast.Prepared(
    union_all(
        _part("timer", timers, timers.c.task_id, _NO_TEXT, timers.c.due_at),
        _part("task", human_tasks, human_tasks.c.id, _NO_TEXT, _NO_TIME),
        _part(
            "subscription",
            message_subscriptions,
            message_subscriptions.c.task_id,
            message_subscriptions.c.message_name,
            _NO_TIME,
        ),
        _part("job", jobs, jobs.c.task_id, _NO_TEXT, _NO_TIME),
    )
)


class IndexRepository:
    """Reads across the index tables of one instance."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def of_instance(self, instance_id: str) -> dict[str, list[IndexRow]]:
        """The instance's index rows by kind (every kind present, possibly empty)."""
        found: dict[str, list[IndexRow]] = {"task": [], "timer": [], "subscription": [], "job": []}
        for row in _INDEX_OF_INSTANCE.all(self._conn, {"instance_id": instance_id}):
            found[row["kind"]].append(IndexRow(**row))
        return found
