"""Read-side queries for the HTTP API: instance search, audit search, decision versions, counts.

Nothing here writes. Variable criteria compare JSON values with the backend's JSON path
operators (SQLite ``json_extract``, PostgreSQL ``->>``), so they work on both stores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, or_, select

from orchestrator.store.records import (
    AuditRecord,
    DecisionDefinitionRecord,
    InstanceRecord,
    from_row,
)
from orchestrator.store.tables import (
    audit_events,
    decision_definitions,
    human_tasks,
    incidents,
    jobs,
    message_subscriptions,
    process_definitions,
    process_instances,
    task_candidates,
    timers,
)


@dataclass(frozen=True)
class InstanceSearch:
    """Instance search criteria; every criterion that is set must match.

    ``process_keys`` (when not None) restricts to these processes, e.g. those the caller's
    organisation takes part in; ``variables`` compares each variable for equality.
    """

    business_key: str | None = None
    process_key: str | None = None
    process_keys: tuple[str, ...] | None = None
    status: str | None = None
    current_element: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class AuditSearch:
    """Audit trail criteria (every one that is set must match), oldest first."""

    instance_id: str | None = None
    actor: str | None = None
    organisation: str | None = None
    action: str | None = None
    business_key: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


def _variable_equals(name: str, value: Any) -> ColumnElement[bool]:
    path = process_instances.c.variables[name]
    condition: ColumnElement[bool]
    if isinstance(value, bool):
        condition = path.as_boolean() == value
    elif isinstance(value, int):
        condition = path.as_integer() == value
    elif isinstance(value, float):
        condition = path.as_float() == value
    else:
        condition = path.as_string() == str(value)
    return condition


def _waits_at(element_id: str) -> ColumnElement[bool]:
    instance_id = process_instances.c.id
    return or_(
        exists().where(
            human_tasks.c.instance_id == instance_id, human_tasks.c.element_id == element_id
        ),
        exists().where(
            jobs.c.instance_id == instance_id,
            jobs.c.element_id == element_id,
            jobs.c.status != "done",
        ),
        exists().where(timers.c.instance_id == instance_id, timers.c.element_id == element_id),
        exists().where(
            message_subscriptions.c.instance_id == instance_id,
            message_subscriptions.c.element_id == element_id,
        ),
    )


class QueryRepository:
    """Queries that only the read side needs."""

    def __init__(self, conn: Connection, before_read: Callable[[], None] | None = None) -> None:
        self._conn = conn
        # the unit of work's flush of queued audit rows, so a search sees what it wrote
        self._before_read = before_read or (lambda: None)

    def search_instances(self, criteria: InstanceSearch) -> list[InstanceRecord]:
        """Instances matching ``criteria``, newest first."""
        c = process_instances.c
        where: list[ColumnElement[bool]] = []
        if criteria.business_key is not None:
            where.append(c.business_key == criteria.business_key)
        if criteria.process_key is not None:
            where.append(c.process_key == criteria.process_key)
        if criteria.process_keys is not None:
            where.append(c.process_key.in_(list(criteria.process_keys)))
        if criteria.status is not None:
            where.append(c.status == criteria.status)
        if criteria.current_element is not None:
            where.append(_waits_at(criteria.current_element))
        where += [_variable_equals(n, v) for n, v in criteria.variables.items()]
        rows = self._conn.execute(
            select(process_instances)
            .where(*where)
            .order_by(c.started_at.desc(), c.id)
            .limit(criteria.limit)
            .offset(criteria.offset)
        )
        return [from_row(InstanceRecord, r) for r in rows]

    def search_audit(self, criteria: AuditSearch) -> list[AuditRecord]:
        """Audit events matching ``criteria``, in the order they were written."""
        self._before_read()
        c = audit_events.c
        equal = {
            "instance_id": criteria.instance_id,
            "actor": criteria.actor,
            "organisation": criteria.organisation,
            "action": criteria.action,
            "business_key": criteria.business_key,
        }
        where = [c[name] == value for name, value in equal.items() if value is not None]
        if criteria.since is not None:
            where.append(c.at >= criteria.since)
        if criteria.until is not None:
            where.append(c.at < criteria.until)
        rows = self._conn.execute(
            select(audit_events)
            .where(*where)
            .order_by(c.id)
            .limit(criteria.limit)
            .offset(criteria.offset)
        )
        return [from_row(AuditRecord, r) for r in rows]

    def decision_versions(self, key: str | None = None) -> list[DecisionDefinitionRecord]:
        """Every decision version (of ``key``), by key then newest first."""
        query = select(decision_definitions)
        if key is not None:
            query = query.where(decision_definitions.c.key == key)
        rows = self._conn.execute(
            query.order_by(decision_definitions.c.key, decision_definitions.c.version.desc())
        )
        return [from_row(DecisionDefinitionRecord, r) for r in rows]

    def decision_version(self, key: str, version: int | None) -> DecisionDefinitionRecord | None:
        """Version ``version`` of decision ``key`` (None: the latest)."""
        versions = self.decision_versions(key)
        if version is None:
            return versions[0] if versions else None
        return next((d for d in versions if d.version == version), None)

    def process_properties(self) -> dict[str, list[dict[str, str]]]:
        """The properties of every version of every process, by process key."""
        rows = self._conn.execute(
            select(process_definitions.c.key, process_definitions.c.properties)
        )
        result: dict[str, list[dict[str, str]]] = {}
        for key, properties in rows:
            result.setdefault(key, []).append(dict(properties or {}))
        return result

    # ------------------------------------------------------------------ counts (metrics)
    def instances_by_status(self) -> dict[tuple[str, str], int]:
        """(process key, status) -> number of instances."""
        c = process_instances.c
        rows = self._conn.execute(
            select(c.process_key, c.status, func.count()).group_by(c.process_key, c.status)
        )
        return {(k, s): n for k, s, n in rows}

    def open_tasks_by_group(self) -> dict[str, int]:
        """Candidate group -> open tasks."""
        rows = self._conn.execute(
            select(task_candidates.c.value, func.count())
            .where(task_candidates.c.kind == "group")
            .group_by(task_candidates.c.value)
        )
        return {g: n for g, n in rows}

    def due_timers(self, now: datetime) -> int:
        return int(
            self._conn.execute(
                select(func.count()).select_from(timers).where(timers.c.due_at <= now)
            ).scalar_one()
        )

    def open_incidents_by_kind(self) -> dict[str, int]:
        rows = self._conn.execute(
            select(incidents.c.kind, func.count())
            .where(incidents.c.resolved_at.is_(None))
            .group_by(incidents.c.kind)
        )
        return {k: n for k, n in rows}

    def jobs_by_status(self) -> dict[str, int]:
        rows = self._conn.execute(select(jobs.c.status, func.count()).group_by(jobs.c.status))
        return {s: n for s, n in rows}

    def audit_action_counts(self, actions: tuple[str, ...]) -> dict[str, int]:
        """How often each of ``actions`` happened (monotonic: the trail is append-only)."""
        rows = self._conn.execute(
            select(audit_events.c.action, func.count())
            .where(audit_events.c.action.in_(list(actions)))
            .group_by(audit_events.c.action)
        )
        return {a: n for a, n in rows}
