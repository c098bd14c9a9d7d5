"""Shared helpers for the engine tests: every step goes through the SpiffEngine API with
the state string, so each test also proves save/restore between steps."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from orchestrator.domain.clock import ManualClock
from orchestrator.domain.runtime import InstanceSnapshot, InstanceStatus, UserTaskInfo
from orchestrator.engine.contract import Compilation, SourceFile
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram

DMN_FIXTURES = Path(__file__).resolve().parent.parent / "dmn_fixtures"


def source(doc: Diagram | tuple[str, bytes]) -> SourceFile:
    if isinstance(doc, Diagram):
        return SourceFile(f"{doc.process_id}.bpmn", doc.xml())
    return SourceFile(*doc)


def compile_docs(engine: SpiffEngine, *docs: Diagram | tuple[str, bytes]) -> Compilation:
    return engine.compile([source(d) for d in docs])


def deploy(engine: SpiffEngine, *docs: Diagram | tuple[str, bytes]) -> dict[str, str]:
    """Compile and return ``{process key: bundle}``; fails the test on any error."""
    result = compile_docs(engine, *docs)
    errors = [p.describe() for p in result.problems if p.severity == "error"]
    assert not errors, errors
    return {p.key: p.bundle for p in result.processes}


def dmn(name: str) -> tuple[str, bytes]:
    return name, (DMN_FIXTURES / name).read_bytes()


class Run:
    """One process instance driven through the engine API, state string in, state out."""

    def __init__(self, engine: SpiffEngine, bundle: str) -> None:
        self.engine = engine
        self.bundle = bundle
        self.snap: InstanceSnapshot | None = None
        self.history: list[InstanceSnapshot] = []

    @property
    def clock(self) -> ManualClock:
        clock = self.engine.clock
        assert isinstance(clock, ManualClock)
        return clock

    def _keep(self, snap: InstanceSnapshot) -> InstanceSnapshot:
        json.loads(snap.state)  # always valid JSON
        json.dumps(snap.variables)  # always JSON-able
        self.snap = snap
        self.history.append(snap)
        return snap

    @property
    def state(self) -> str:
        assert self.snap is not None
        return self.snap.state

    @property
    def s(self) -> InstanceSnapshot:
        assert self.snap is not None
        return self.snap

    def start(
        self,
        variables: Mapping[str, Any] | None = None,
        *,
        message_name: str | None = None,
        business_key: str | None = "BK-1",
    ) -> InstanceSnapshot:
        return self._keep(
            self.engine.start(
                self.bundle,
                variables=variables or {},
                business_key=business_key,
                message_name=message_name,
            )
        )

    def user_task(self, element_id: str) -> UserTaskInfo:
        found = [t for t in self.s.user_tasks if t.element_id == element_id]
        assert found, (element_id, [t.element_id for t in self.s.user_tasks])
        return found[0]

    def user_tasks(self, element_id: str | None = None) -> list[UserTaskInfo]:
        return [t for t in self.s.user_tasks if element_id in (None, t.element_id)]

    def complete(
        self, element_id: str, variables: Mapping[str, Any] | None = None
    ) -> InstanceSnapshot:
        task = self.user_task(element_id)
        return self._keep(
            self.engine.complete_user_task(self.bundle, self.state, task.task_id, variables or {})
        )

    def complete_id(
        self, task_id: str, variables: Mapping[str, Any] | None = None
    ) -> InstanceSnapshot:
        return self._keep(
            self.engine.complete_user_task(self.bundle, self.state, task_id, variables or {})
        )

    def job(self, element_id: str) -> Any:
        found = [j for j in self.s.jobs if j.element_id == element_id]
        assert found, (element_id, [j.element_id for j in self.s.jobs])
        return found[0]

    def complete_job(
        self, element_id: str, variables: Mapping[str, Any] | None = None
    ) -> InstanceSnapshot:
        job = self.job(element_id)
        return self._keep(
            self.engine.complete_job(self.bundle, self.state, job.task_id, variables or {})
        )

    def job_error(
        self,
        element_id: str,
        code: str,
        message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> InstanceSnapshot:
        job = self.job(element_id)
        return self._keep(
            self.engine.throw_job_error(
                self.bundle, self.state, job.task_id, code, message, variables
            )
        )

    def subscription(self, element_id: str) -> Any:
        found = [m for m in self.s.subscriptions if m.element_id == element_id]
        assert found, (element_id, [m.element_id for m in self.s.subscriptions])
        return found[0]

    def message(
        self, element_id: str, variables: Mapping[str, Any] | None = None
    ) -> InstanceSnapshot:
        sub = self.subscription(element_id)
        return self._keep(
            self.engine.correlate_message(
                self.bundle, self.state, sub.task_id, sub.message_name, variables or {}
            )
        )

    def advance(self, delta: timedelta) -> InstanceSnapshot:
        """Move the clock and fire every timer that is due (as the scheduler would)."""
        self.clock.advance(delta)
        now = self.clock.now()
        due = [t.task_id for t in self.s.timers if t.due_at <= now]
        return self._keep(self.engine.fire_timers(self.bundle, self.state, due))

    def signal(self, name: str) -> InstanceSnapshot:
        return self._keep(self.engine.signal(self.bundle, self.state, name))

    def terminate(self) -> InstanceSnapshot:
        return self._keep(self.engine.terminate(self.bundle, self.state))

    @property
    def done(self) -> bool:
        return self.s.status == InstanceStatus.COMPLETED

    def ran(self, element_id: str) -> bool:
        """Whether ``element_id`` completed in any step so far."""
        return any(element_id in s.completed_elements for s in self.history)


def engine_at(year: int = 2030) -> SpiffEngine:
    from datetime import UTC, datetime

    return SpiffEngine(ManualClock(datetime(year, 3, 1, 9, 0, tzinfo=UTC)))
