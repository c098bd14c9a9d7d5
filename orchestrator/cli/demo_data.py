"""Demo journeys generated from whatever diagrams are deployed.

Every latest process gets a few instances (business keys ``DEMO-0001``, ...); journey *n*
of a process completes *n* tasks, so the instances spread over the elements of the
diagram. Form values are derived from each task's form fields, so the demo keeps working
when the diagrams change; a fixed seed makes it reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import structlog

from orchestrator.application.identity import Actor
from orchestrator.application.tasks import TaskQuery
from orchestrator.domain.errors import KetenregieError

if TYPE_CHECKING:
    from orchestrator.bootstrap import Container

log = structlog.get_logger(__name__)

DEMO_SEED = 20260105
JOURNEYS_PER_PROCESS = 4
#: the demo works as functioneel beheer, who may complete every task
DEMO_ACTOR = Actor(user_id="demo", groups=frozenset({"beheerder"}))


class FormFiller:
    """Plausible values for a task form: enum -> first value, boolean -> alternating,
    long -> small ints, double -> small numbers, date -> today, anything else -> "demo".
    """

    def __init__(self, today: date, seed: int = DEMO_SEED) -> None:
        self._today = today
        self._random = random.Random(seed)  # noqa: S311 - demo data, not security
        self._flag = False

    def values(self, form: Mapping[str, Any]) -> dict[str, Any]:
        """Values for every writable field of ``form`` (the ``TaskView.form`` document)."""
        result: dict[str, Any] = {}
        for spec in form.get("fields") or []:
            if spec.get("readonly"):
                continue
            value = self._value(spec)
            if value is not None:
                result[str(spec["id"])] = value
        return result

    def _value(self, spec: Mapping[str, Any]) -> Any:
        kind = spec.get("type")
        if kind == "enum":
            options = spec.get("enum_values") or []
            return options[0][0] if options else None
        if kind == "boolean":
            self._flag = not self._flag
            return self._flag
        if kind == "long":
            return self._random.randint(1, 5)
        if kind == "double":
            return round(self._random.uniform(1, 5), 1)
        if kind == "date":
            return self._today.isoformat()
        return "demo"


@dataclass
class SeedResult:
    """What seeding did; ``failures`` name the journeys that stopped early, and why."""

    started: int = 0
    tasks_completed: int = 0
    failures: list[str] = field(default_factory=list)


def seed_journeys(
    app: Container, *, per_process: int = JOURNEYS_PER_PROCESS, seed: int = DEMO_SEED
) -> SeedResult:
    """Start ``per_process`` journeys of every latest process and advance them unevenly."""
    filler = FormFiller(app.clock.now().date(), seed)
    result = SeedResult()
    number = 0
    for definition in sorted(app.deployments.latest_processes(), key=lambda d: d.key):
        for steps in range(per_process):
            number += 1
            business_key = f"DEMO-{number:04d}"
            try:
                instance = app.instances.start(
                    definition.key, actor=DEMO_ACTOR, business_key=business_key
                )
            except KetenregieError as error:
                result.failures.append(f"{business_key} ({definition.key}): {error.message}")
                continue
            result.started += 1
            result.tasks_completed += _advance(app, instance.id, steps, filler, result)
    log.info(
        "demo.seeded",
        instances=result.started,
        tasks_completed=result.tasks_completed,
        failures=len(result.failures),
    )
    return result


def _advance(
    app: Container, instance_id: str, steps: int, filler: FormFiller, result: SeedResult
) -> int:
    done = 0
    for _ in range(steps):
        open_tasks = app.tasks.worklist(DEMO_ACTOR, TaskQuery(instance_id=instance_id))
        if not open_tasks:
            break
        # element id breaks ties between tasks created at the same moment (parallel paths)
        task = min(open_tasks, key=lambda t: (t.created_at, t.element_id))
        try:
            app.tasks.complete(task.id, filler.values(task.form), DEMO_ACTOR)
        except KetenregieError as error:
            label = task.business_key or instance_id
            result.failures.append(f"{label} at {task.element_id}: {error.message}")
            break
        done += 1
    return done
