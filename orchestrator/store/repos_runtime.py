"""Process instances (optimistic version counter) and the human-task worklist index."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    bindparam,
    delete,
    exists,
    false,
    or_,
    select,
    update,
)

from orchestrator.domain.errors import Conflict
from orchestrator.store import fast
from orchestrator.store.records import (
    HumanTaskRecord,
    InstanceRecord,
    from_row,
    names_of,
    values_of,
)
from orchestrator.store.tables import human_tasks, process_instances, task_candidates

# Statements every engine step runs: compiled once, run on the driver (see store.fast).
_INSTANCE_COLUMNS = names_of(InstanceRecord)
#: what a step changes; the rest (definition, keys, start) is fixed at insert, and leaving
#: it out of the SET keeps SQLite from rewriting the process_key/business_key index pages
_STEP_COLUMNS = ("state", "status", "variables", "serializer_version", "version", "ended_at")
_INSERT_INSTANCE = fast.insert(process_instances, _INSTANCE_COLUMNS)
_GET_INSTANCE = fast.Prepared(
    select(process_instances).where(process_instances.c.id == bindparam("instance_id"))
)


def _update_instance(columns: Sequence[str]) -> fast.Prepared:
    return fast.Prepared(
        update(process_instances)
        .where(
            process_instances.c.id == bindparam("instance_id"),
            process_instances.c.version == bindparam("expected_version"),
        )
        .values({name: bindparam(name) for name in columns})
    )


_UPDATE_INSTANCE = _update_instance(_STEP_COLUMNS)
#: most steps leave the status as it was: not in the SET, SQLite leaves its index alone
_UPDATE_INSTANCE_SAME_STATUS = _update_instance([c for c in _STEP_COLUMNS if c != "status"])
_INSERT_TASK = fast.insert(human_tasks, names_of(HumanTaskRecord))
_INSERT_CANDIDATES = fast.insert(task_candidates, ("task_id", "kind", "value"))
_GET_TASK = fast.Prepared(select(human_tasks).where(human_tasks.c.id == bindparam("task_id")))
_TASKS_OF_INSTANCE = (
    select(human_tasks)
    .where(human_tasks.c.instance_id == bindparam("instance_id"))
    .order_by(human_tasks.c.created_at, human_tasks.c.id)
)
_DELETE_TASK = fast.Prepared(delete(human_tasks).where(human_tasks.c.id == bindparam("task_id")))


class InstanceRepository:
    """Process instances; every state write checks and bumps the version counter."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: InstanceRecord) -> None:
        _INSERT_INSTANCE.execute(self._conn, values_of(record))

    def get(self, instance_id: str) -> InstanceRecord | None:
        found = _GET_INSTANCE.records(self._conn, {"instance_id": instance_id}, InstanceRecord)
        return found[0] if found else None

    def update(
        self,
        record: InstanceRecord,
        *,
        expected_version: int,
        previous_status: str | None = None,
    ) -> None:
        """Write ``record``'s step columns (state, status, variables, serializer version,
        version, end) if the stored version is still ``expected_version``.

        ``previous_status``: the status of that version (as read); when the record keeps
        it, the status column is not written (nor its index).

        Raises:
            Conflict: someone else wrote the instance since it was read.
        """
        values = values_of(record)
        values.pop("id")
        values["instance_id"] = record.id
        values["expected_version"] = expected_version
        statement = (
            _UPDATE_INSTANCE_SAME_STATUS
            if previous_status is not None and previous_status == record.status
            else _UPDATE_INSTANCE
        )
        if statement.execute(self._conn, values) != 1:
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


def _candidate(
    kind: str, value: BindParameter[Any] | list[BindParameter[Any]]
) -> ColumnElement[bool]:
    """A candidate row of ``kind`` for the task: ``value`` is one bind or a list of binds."""
    return exists().where(
        task_candidates.c.task_id == human_tasks.c.id,
        task_candidates.c.kind == kind,
        task_candidates.c.value.in_(value)
        if isinstance(value, list)
        else task_candidates.c.value == value,
    )


class TaskRepository:
    """The index of open human tasks (the engine owns the tasks themselves)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: HumanTaskRecord) -> None:
        _INSERT_TASK.execute(self._conn, values_of(record))
        self._write_candidates(record.id, record.candidate_groups, record.candidate_users)

    def _write_candidates(self, task_id: str, groups: Iterable[str], users: Iterable[str]) -> None:
        rows = [{"task_id": task_id, "kind": "group", "value": g} for g in dict.fromkeys(groups)]
        rows += [{"task_id": task_id, "kind": "user", "value": u} for u in dict.fromkeys(users)]
        _INSERT_CANDIDATES.execute_many(self._conn, rows)

    def get(self, task_id: str) -> HumanTaskRecord | None:
        found = _GET_TASK.records(self._conn, {"task_id": task_id}, HumanTaskRecord)
        return found[0] if found else None

    def for_instance(self, instance_id: str) -> list[HumanTaskRecord]:
        rows = self._conn.execute(_TASKS_OF_INSTANCE, {"instance_id": instance_id})
        return [from_row(HumanTaskRecord, r) for r in rows]

    def delete(self, task_ids: Sequence[str]) -> None:
        """Remove tasks from the index (their candidate rows go by ``ON DELETE CASCADE``)."""
        _DELETE_TASK.execute_many(self._conn, [{"task_id": task_id} for task_id in task_ids])

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
        statement, params = _worklist(criteria)
        return statement.records(self._conn, params, HumanTaskRecord)


_EQUAL = ("assignee", "organisation", "process_key", "element_id", "business_key", "instance_id")
#: worklist statements by the shape of their criteria (which fields are set, how many
#: groups, the sort): each compiled once (see store.fast)
_WORKLISTS: dict[tuple[Any, ...], fast.Prepared] = {}


def _worklist(criteria: TaskFilter) -> tuple[fast.Prepared, dict[str, Any]]:
    """The prepared statement for ``criteria``'s shape and its bind parameters."""
    params: dict[str, Any] = {name: getattr(criteria, name) for name in _EQUAL}
    params.update(_numbered("groups", criteria.candidate_groups))
    params.update(_numbered("visible_groups", criteria.visible_to_groups or ()))
    params.update(
        candidate_user=criteria.candidate_user,
        due_before=criteria.due_before,
        due_after=criteria.due_after,
        visible_user=criteria.visible_to_user,
        limit=criteria.limit,
        offset=criteria.offset,
    )
    shape = (
        tuple(name for name in _EQUAL if params[name] is not None),
        criteria.unassigned,
        len(criteria.candidate_groups),
        criteria.candidate_user is not None,
        criteria.due_before is not None,
        criteria.due_after is not None,
        criteria.visible_to_user is not None,
        None if criteria.visible_to_groups is None else len(criteria.visible_to_groups),
        criteria.sort,
    )
    statement = _WORKLISTS.get(shape)
    if statement is None:
        statement = _WORKLISTS.setdefault(shape, fast.Prepared(_build_worklist(criteria)))
    return statement, params


def _numbered(name: str, values: Sequence[str]) -> dict[str, str]:
    return {f"{name}_{i}": value for i, value in enumerate(values)}


def _binds(name: str, count: int) -> list[BindParameter[Any]]:
    return [bindparam(f"{name}_{i}") for i in range(count)]


def _build_worklist(criteria: TaskFilter) -> Select[Any]:
    c = human_tasks.c
    where: list[ColumnElement[bool]] = [
        c[name] == bindparam(name) for name in _EQUAL if getattr(criteria, name) is not None
    ]
    if criteria.unassigned is True:
        where.append(c.assignee.is_(None))
    elif criteria.unassigned is False:
        where.append(c.assignee.is_not(None))
    if criteria.candidate_groups:
        where.append(_candidate("group", _binds("groups", len(criteria.candidate_groups))))
    if criteria.candidate_user is not None:
        where.append(_candidate("user", bindparam("candidate_user")))
    if criteria.due_before is not None:
        where.append(c.due_at < bindparam("due_before"))
    if criteria.due_after is not None:
        where.append(c.due_at > bindparam("due_after"))
    if criteria.visible_to_user is not None or criteria.visible_to_groups is not None:
        visible: list[ColumnElement[bool]] = []
        if criteria.visible_to_user is not None:
            visible.append(c.assignee == bindparam("visible_user"))
            visible.append(_candidate("user", bindparam("visible_user")))
        if criteria.visible_to_groups:
            count = len(criteria.visible_to_groups)
            visible.append(_candidate("group", _binds("visible_groups", count)))
        where.append(or_(*visible) if visible else false())
    descending = criteria.sort.startswith("-")
    column = _SORTABLE.get(criteria.sort.lstrip("-"))
    if column is None:
        raise ValueError(f"cannot sort tasks by {criteria.sort!r}")
    order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    return (
        select(human_tasks)
        .where(*where)
        .order_by(order, c.id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
