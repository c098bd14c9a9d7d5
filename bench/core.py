"""Ketenregie's core on SQLite: store, task index, audit trail and outbox rows (no HTTP).

The same journeys as :mod:`bench.bare`, driven through the application services a caller
uses: ``instances.start``, ``tasks.worklist`` + ``tasks.complete`` for the human tasks and
``jobs.fetch_and_lock`` + ``jobs.complete`` for the external task.
"""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from bench.diagram import PROCESS_KEY, diagram
from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.application.tasks import TaskQuery
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine
from orchestrator.store.tables import audit_events, outbox

TOPIC = "bench.registreren"
WORKER = "bench-worker"
POORTWACHTER = Actor("anna", organisation="gemeente", groups=frozenset({"poortwachter"}))
CONSULENT = Actor("ies", organisation="gemeente", groups=frozenset({"consulent_io"}))


def quiet_logging() -> None:
    """Log warnings only, as ``ketenregie`` does without ``--verbose`` (the core logs one
    line per step at info level, which would turn this into a benchmark of the console
    renderer)."""
    from orchestrator.cli.output import configure_logging

    configure_logging(debug=False)


@dataclass
class CoreResult:
    """One chunk of core journeys."""

    instances: int
    seconds: float
    completions_ms: list[float] = field(default_factory=list)
    waiting_state_bytes: list[int] = field(default_factory=list)
    #: completions per branch: "handmatig" (second user task) or "registreren" (job)
    branches: dict[str, int] = field(default_factory=dict)


class CoreBench:
    """A fresh SQLite database with the benchmark diagram deployed; run chunks on it."""

    def __init__(self, workdir: Path | None = None, *, seed: int = 7) -> None:
        quiet_logging()
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="ketenregie-bench-")
        self.workdir = workdir or Path(self._tmp.name)  # type: ignore[union-attr]
        self.clock = ManualClock()
        self.settings = Settings(data_dir=self.workdir)
        self.app: Container = build(self.settings, engine=SpiffEngine(self.clock), clock=self.clock)
        self.app.deployments.deploy([SourceFile("bench.bpmn", diagram())], SYSTEM)
        self._rng = random.Random(seed)

    @property
    def database_url(self) -> str:
        return self.settings.database_url

    def sqlite_version(self) -> str:
        with self.app.store.engine.connect() as conn:
            return str(conn.execute(text("select sqlite_version()")).scalar_one())

    def rows(self) -> tuple[int, int]:
        """(outbox rows, audit rows) in the database now."""
        with self.app.store.engine.connect() as conn:
            out = conn.execute(select(func.count()).select_from(outbox)).scalar_one()
            aud = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
        return int(out), int(aud)

    def _state_bytes(self, instance_id: str) -> int:
        with self.app.store.engine.connect() as conn:
            state = conn.execute(
                text("select state from process_instances where id = :id"), {"id": instance_id}
            ).scalar_one()
        return len(str(state).encode())

    def run(self, first: int, count: int, *, prefix: str = "B") -> CoreResult:
        """Drive journeys ``first .. first+count-1`` (business keys ``{prefix}{i}``)."""
        app = self.app
        result = CoreResult(instances=count, seconds=0.0)
        excluded = 0.0  # time spent measuring (state size), not driving
        branches = {"handmatig": 0, "registreren": 0}
        started = time.perf_counter()
        for i in range(first, first + count):
            key = f"{prefix}{i}"
            instance = app.instances.start(PROCESS_KEY, actor=POORTWACHTER, business_key=key)
            m0 = time.perf_counter()
            result.waiting_state_bytes.append(self._state_bytes(instance.id))
            excluded += time.perf_counter() - m0

            [task] = app.tasks.worklist(POORTWACHTER, TaskQuery(business_key=key))
            t0 = time.perf_counter()
            app.tasks.complete(task.id, {"score": self._rng.randint(0, 9)}, POORTWACHTER)
            result.completions_ms.append((time.perf_counter() - t0) * 1000)

            second = app.tasks.worklist(CONSULENT, TaskQuery(business_key=key))
            t0 = time.perf_counter()
            if second:
                app.tasks.complete(second[0].id, {}, CONSULENT)
                branches["handmatig"] += 1
            else:
                [job] = app.jobs.fetch_and_lock(TOPIC, WORKER, max_jobs=1)
                app.jobs.complete(job.id, WORKER, {"registratie": f"U-{i}"})
                branches["registreren"] += 1
            result.completions_ms.append((time.perf_counter() - t0) * 1000)
        result.seconds = time.perf_counter() - started - excluded
        result.branches = branches
        return result

    def close(self) -> None:
        self.app.close()
        if self._tmp is not None:
            self._tmp.cleanup()
