"""Process instances (optimistic version counter) and the human-task worklist index."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    delete,
    exists,
    false,
    or_,
    select,
    update,
)

from orchestrator.domain.errors import Conflict
from orchestrator.store.records import HumanTaskRecord, InstanceRecord, from_row, values_of
from orchestrator.store.tables import human_tasks, process_instances, task_candidates

# Hot statements, built once: SQLAlchemy memoizes a statement's cache key on the object,
# so a prebuilt statement skips construction and cache-key generation on every call.
_INSERT_INSTANCE = process_instances.insert()
_GET_INSTANCE = select(process_instances).where(process_instances.c.id == bindparam("instance_id"))
_UPDATE_INSTANCE = update(process_instances).where(
    process_instances.c.id == bindparam("instance_id"),
    process_instances.c.version == bindparam("expected_version"),
)
_INSERT_TASK = human_tasks.insert()
_INSERT_CANDIDATES = task_candidates.insert()
_GET_TASK = select(human_tasks).where(human_tasks.c.id == bindparam("task_id"))
_TASKS_OF_INSTANCE = (
    select(human_tasks)
    .where(human_tasks.c.instance_id == bindparam("instance_id"))
    .order_by(human_tasks.c.created_at, human_tasks.c.id)
)
_DELETE_CANDIDATES = delete(task_candidates).where(
    task_candidates.c.task_id.in_(bindparam("task_ids", expanding=True))
)
_DELETE_TASKS = delete(human_tasks).where(
    human_tasks.c.id.in_(bindparam("task_ids", expanding=True))
)


class InstanceRepository:
    """Process instances; every state write checks and bumps the version counter."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: InstanceRecord) -> None:
        self._conn.execute(_INSERT_INSTANCE, values_of(record))

    def get(self, instance_id: str) -> InstanceRecord | None:
        row = self._conn.execute(_GET_INSTANCE, {"instance_id": instance_id}).first()
        return from_row(InstanceRecord, row) if row else None

    def update(self, record: InstanceRecord, *, expected_version: int) -> None:
        """Write ``record`` if the stored version is still ``expected_version``.

        Raises:
            Conflict: someone else wrote the instance since it was read.
        """
        values = values_of(record)
        values.pop("id")
        values["instance_id"] = record.id
        values["expected_version"] = expected_version
        result = self._conn.execute(_UPDATE_INSTANCE, values)
        if result.rowcount != 1:
            raise Conflict(f"instance {record.id} was changed concurrently")

    def find(
        self,
        *,
        business_key: str | None = None,
        process_key: str | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[InstanceRecord]:
        """Instances matching every given criterion, newest first."""
        query = select(process_instances)
        if business_key is not None:
            query = query.where(process_instances.c.business_key == business_key)
        if process_key is not None:
            query = query.where(process_instances.c.process_key == process_key)
        if status is not None:
            query = query.where(process_instances.c.status == status)
        query = (
            query.order_by(process_instances.c.started_at.desc(), process_instances.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [from_row(InstanceRecord, r) for r in self._conn.execute(query)]


@dataclass(frozen=True)
class TaskFilter:
    """Worklist criteria; every field that is set must match.

    ``visible_to_user``/``visible_to_groups`` restrict to tasks the caller may see: assigned
    to the user, or with the user or one of the groups among the candidates.
    """

    candidate_groups: tuple[str, ...] = ()
    candidate_user: str | None = None
    assignee: str | None = None
    unassigned: bool | None = None
    organisation: str | None = None
    process_key: str | None = None
    element_id: str | None = None
    business_key: str | None = None
    instance_id: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    visible_to_user: str | None = None
    visible_to_groups: tuple[str, ...] | None = None
    sort: str = "created_at"  # created_at | due_at | name, "-" prefix for descending
    limit: int = 100
    offset: int = 0


_SORTABLE = {
    "created_at": human_tasks.c.created_at,
    "due_at": human_tasks.c.due_at,
    "name": human_tasks.c.name,
    "business_key": human_tasks.c.business_key,
}


def _candidate(kind: str, values: Sequence[str]) -> ColumnElement[bool]:
    return exists().where(
        task_candidates.c.task_id == human_tasks.c.id,
        task_candidates.c.kind == kind,
        task_candidates.c.value.in_(list(values)),
    )


class TaskRepository:
    """The index of open human tasks (the engine owns the tasks themselves)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: HumanTaskRecord) -> None:
        self._conn.execute(_INSERT_TASK, values_of(record))
        self._write_candidates(record.id, record.candidate_groups, record.candidate_users)

    def _write_candidates(self, task_id: str, groups: Iterable[str], users: Iterable[str]) -> None:
        rows = [{"task_id": task_id, "kind": "group", "value": g} for g in dict.fromkeys(groups)]
        rows += [{"task_id": task_id, "kind": "user", "value": u} for u in dict.fromkeys(users)]
        if rows:
            self._conn.execute(_INSERT_CANDIDATES, rows)

    def get(self, task_id: str) -> HumanTaskRecord | None:
        row = self._conn.execute(_GET_TASK, {"task_id": task_id}).first()
        return from_row(HumanTaskRecord, row) if row else None

    def for_instance(self, instance_id: str) -> list[HumanTaskRecord]:
        rows = self._conn.execute(_TASKS_OF_INSTANCE, {"instance_id": instance_id})
        return [from_row(HumanTaskRecord, r) for r in rows]

    def delete(self, task_ids: Sequence[str]) -> None:
        if not task_ids:
            return
        ids = {"task_ids": list(task_ids)}
        self._conn.execute(_DELETE_CANDIDATES, ids)
        self._conn.execute(_DELETE_TASKS, ids)

    def claim(self, task_id: str, user_id: str, at: datetime) -> None:
        """Assign the task to ``user_id`` unless someone else holds it (atomic check).

        Raises:
            Conflict: the task is assigned to another user, or is gone.
        """
        result = self._conn.execute(
            update(human_tasks)
            .where(
                human_tasks.c.id == task_id,
                or_(human_tasks.c.assignee.is_(None), human_tasks.c.assignee == user_id),
            )
            .values(assignee=user_id, claimed_at=at)
        )
        if result.rowcount != 1:
            raise Conflict(f"task {task_id} is claimed by someone else")

    def set_assignee(self, task_id: str, user_id: str | None, at: datetime | None) -> None:
        """Set (or clear) the assignee unconditionally; the caller checked the rights."""
        self._conn.execute(
            update(human_tasks)
            .where(human_tasks.c.id == task_id)
            .values(assignee=user_id, claimed_at=at)
        )

    def set_candidate_groups(
        self, task_id: str, groups: Sequence[str], organisation: str | None
    ) -> None:
        """Replace the candidate groups (hand-over to another group) and the organisation."""
        self._conn.execute(
            update(human_tasks)
            .where(human_tasks.c.id == task_id)
            .values(candidate_groups=list(groups), organisation=organisation)
        )
        self._conn.execute(
            delete(task_candidates).where(
                task_candidates.c.task_id == task_id, task_candidates.c.kind == "group"
            )
        )
        self._write_candidates(task_id, groups, ())

    def query(self, criteria: TaskFilter) -> list[HumanTaskRecord]:
        """Open tasks matching ``criteria`` (the worklist query)."""
        c = human_tasks.c
        where: list[ColumnElement[bool]] = []
        equal: dict[str, Any] = {
            "assignee": criteria.assignee,
            "organisation": criteria.organisation,
            "process_key": criteria.process_key,
            "element_id": criteria.element_id,
            "business_key": criteria.business_key,
            "instance_id": criteria.instance_id,
        }
        where += [
            human_tasks.c[name] == value for name, value in equal.items() if value is not None
        ]
        if criteria.unassigned is True:
            where.append(c.assignee.is_(None))
        elif criteria.unassigned is False:
            where.append(c.assignee.is_not(None))
        if criteria.candidate_groups:
            where.append(_candidate("group", criteria.candidate_groups))
        if criteria.candidate_user is not None:
            where.append(_candidate("user", [criteria.candidate_user]))
        if criteria.due_before is not None:
            where.append(c.due_at < criteria.due_before)
        if criteria.due_after is not None:
            where.append(c.due_at > criteria.due_after)
        if criteria.visible_to_user is not None or criteria.visible_to_groups is not None:
            visible: list[ColumnElement[bool]] = []
            if criteria.visible_to_user is not None:
                visible.append(c.assignee == criteria.visible_to_user)
                visible.append(_candidate("user", [criteria.visible_to_user]))
            if criteria.visible_to_groups:
                visible.append(_candidate("group", criteria.visible_to_groups))
            where.append(or_(*visible) if visible else false())
        descending = criteria.sort.startswith("-")
        column = _SORTABLE.get(criteria.sort.lstrip("-"))
        if column is None:
            raise ValueError(f"cannot sort tasks by {criteria.sort!r}")
        order = column.desc().nulls_last() if descending else column.asc().nulls_last()
        rows = self._conn.execute(
            select(human_tasks)
            .where(*where)
            .order_by(order, c.id)
            .limit(criteria.limit)
            .offset(criteria.offset)
        )
        return [from_row(HumanTaskRecord, r) for r in rows]
