"""Read models the CLI shows that no use case returns yet (what an instance waits for).

Reads the store through the container in read-only units of work.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from orchestrator.application.tasks import TaskQuery
from orchestrator.application.views import IncidentView, InstanceView, TaskView
from orchestrator.cli.state import OPERATOR

if TYPE_CHECKING:
    from orchestrator.bootstrap import Container

#: upper bound of rows a CLI listing reads at once
MAX_ROWS = 10_000


@dataclass(frozen=True)
class TimerInfo:
    """A timer an instance waits for."""

    element_id: str
    due_at: datetime


@dataclass(frozen=True)
class WaitInfo:
    """A message subscription or an external task (job) an instance waits for."""

    element_id: str
    kind: str  # message | job
    name: str  # message name or job topic
    status: str | None = None


@dataclass(frozen=True)
class InstanceDetails:
    """An instance with what it waits for right now."""

    instance: InstanceView
    current_elements: list[str] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)
    timers: list[TimerInfo] = field(default_factory=list)
    waits: list[WaitInfo] = field(default_factory=list)
    incidents: list[IncidentView] = field(default_factory=list)


def instance_details(app: Container, instance_id: str) -> InstanceDetails:
    """The instance ``instance_id`` with its open tasks, timers, waits and open incidents.

    Raises:
        NotFound: no such instance.
    """
    instance = app.instances.get(instance_id)
    tasks = app.tasks.worklist(OPERATOR, TaskQuery(instance_id=instance_id, limit=MAX_ROWS))
    with app.store.uow(read_only=True) as uow:
        timers = [
            TimerInfo(t.element_id, t.due_at)
            for t in sorted(uow.timers.for_instance(instance_id), key=lambda t: t.due_at)
        ]
        waits = [
            WaitInfo(s.element_id, "message", s.message_name)
            for s in uow.messages.subscriptions_for_instance(instance_id)
        ]
        waits += [
            WaitInfo(j.element_id, "job", j.topic, j.status)
            for j in uow.jobs.for_instance(instance_id)
        ]
    incidents = app.incidents.list(instance_id=instance_id, open_only=True)
    elements: list[str] = []
    for element in [t.element_id for t in tasks] + [w.element_id for w in waits]:
        if element not in elements:
            elements.append(element)
    for timer in timers:
        # a boundary timer belongs to the task it is attached to; a catch event stands alone
        if not tasks and timer.element_id not in elements:
            elements.append(timer.element_id)
    return InstanceDetails(instance, elements, tasks, timers, waits, incidents)


@dataclass(frozen=True)
class Overview:
    """Counts for the demo summary."""

    definitions: list[tuple[str, int, str | None]]  # key, version, name
    instances_per_element: Counter[tuple[str, str]]  # (process key, element or status)
    tasks_per_group: Counter[str]
    due_timers: int
    open_incidents: int
    pending_timers: int = 0
    tasks_per_organisation: Counter[str] = field(default_factory=Counter)
    next_timer: datetime | None = None


def overview(app: Container) -> Overview:
    """Deployed definitions, where the running instances are, worklists, timers, incidents."""
    definitions = [(d.key, d.version, d.name) for d in app.deployments.latest_processes()]
    per_element: Counter[tuple[str, str]] = Counter()
    due = pending = 0
    next_timer: datetime | None = None
    now = app.clock.now()
    for instance in app.instances.find(limit=MAX_ROWS):
        if instance.status != "running":
            per_element[(instance.process_key, f"({instance.status})")] += 1
            continue
        details = instance_details(app, instance.id)
        for element in details.current_elements or ["(no wait state)"]:
            per_element[(instance.process_key, element)] += 1
        due += sum(1 for t in details.timers if t.due_at <= now)
        pending += len(details.timers)
        for timer in details.timers:
            next_timer = timer.due_at if next_timer is None else min(next_timer, timer.due_at)
    tasks: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    for task in app.tasks.worklist(OPERATOR, TaskQuery(limit=MAX_ROWS)):
        for group in task.candidate_groups or ("(no group)",):
            tasks[group] += 1
        organisations[task.organisation or "(none)"] += 1
    incidents = len(app.incidents.list(open_only=True, limit=MAX_ROWS))
    return Overview(
        definitions, per_element, tasks, due, incidents, pending, organisations, next_timer
    )
