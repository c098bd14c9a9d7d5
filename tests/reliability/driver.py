"""Drive N journeys to completion, idempotently and resumably (the SIGKILL test's victim).

    python -m tests.reliability.driver --db URL --instances N --seed S [--state-dir DIR]

Everything the driver knows comes from the database, except two small files in
``--state-dir`` (default: the SQLite file's folder, else the working directory):

- ``clock``: the ManualClock's time. Timers and job locks are stored against it, so a
  restarted driver continues from the time it had reached instead of travelling back.
- ``journal``: one line per completion, written *before* it is sent. A restart re-sends
  the last :data:`REPLAY` lines: the newest one may or may not have committed before the
  kill, the older ones certainly did. The product must refuse every completion that
  already happened (Conflict / NotFound) and accept one that did not; the driver counts
  both and prints them.

Each round: start up to :data:`START_BATCH` missing journeys (looked up by business key
first: ``instances.start`` is not idempotent), complete every open task, move the clock
two hours on and fire due timers, fetch-and-lock and complete every job. Variables are a
pure function of the seed and the business key, so any run (interrupted or not) ends with
the same variables. Exits 0 when all N journeys are completed.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import make_url

from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.application.tasks import TaskQuery
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from orchestrator.domain.errors import Conflict, NotFound
from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram, form_field

PROCESS_KEY = "betrouwbaarheid"
TOPIC = "betrouwbaarheid.registreren"
WORKER = "reliability-worker"
EPOCH = datetime(2030, 1, 1, tzinfo=UTC)
#: the clock moves this far each round: past the PT1H timer and the 300 s job lock
TICK = timedelta(hours=2)
#: journeys started per round: small, so a round (and a random kill) spans every phase
START_BATCH = 50
PAGE = 500
REPLAY = 3

POORTWACHTER = Actor("anna", organisation="gemeente", groups=frozenset({"poortwachter"}))
CONSULENT = Actor("ies", organisation="gemeente", groups=frozenset({"consulent_io"}))


def diagram() -> SourceFile:
    """start -> beoordelen (user task) -> wachttijd (PT1H) -> route (XOR)
    -> registreren (external task) | handmatig (user task) -> end."""
    d = Diagram(PROCESS_KEY, "Betrouwbaarheid")
    d.start("start")
    d.user_task(
        "beoordelen",
        "Aanvraag beoordelen",
        groups="poortwachter",
        form=[form_field("score", "long", required=True)],
    )
    d.catch("wachttijd", timer=("timeDuration", "PT1H"))
    d.gateway("route", default="flow_route_handmatig")
    d.external("registreren", TOPIC, "Registreren bij UWV")
    d.user_task("handmatig", "Handmatig afhandelen", groups="consulent_io")
    d.end("klaar_registratie").end("klaar_handmatig")
    d.chain("start", "beoordelen", "wachttijd", "route")
    d.flow("route", "registreren", "${score >= 5}")
    d.flow("route", "handmatig", id="flow_route_handmatig")
    d.flow("registreren", "klaar_registratie").flow("handmatig", "klaar_handmatig")
    return SourceFile("betrouwbaarheid.bpmn", d.xml())


def business_key(i: int) -> str:
    return f"R{i}"


def _hash(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big")


def task_variables(seed: int, key: str, element_id: str) -> dict[str, Any]:
    """What the caseworker submits, derived from the business key only."""
    h = _hash(seed, key)
    if element_id == "beoordelen":
        return {"score": h % 10}
    return {"afgehandeld": True, "notitie": f"n-{h % 997}"}


def job_variables(seed: int, key: str) -> dict[str, Any]:
    return {"registratie": f"U-{key}-{_hash(seed, key) % 10_000}"}


class PersistentClock(ManualClock):
    """A ManualClock whose time survives a restart (kept in a file, replaced atomically)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        start = EPOCH
        if path.exists():
            start = datetime.fromisoformat(path.read_text().strip())
        super().__init__(start)

    def tick(self, delta: timedelta) -> None:
        moment = self.now() + delta
        # persisted before it is used: the stored time is never behind any stored stamp
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(moment.isoformat())
        os.replace(tmp, self._path)
        self.set(moment)


class Driver:
    def __init__(self, app: Container, clock: PersistentClock, journal: Path, *, seed: int):
        self.app = app
        self.clock = clock
        self.seed = seed
        self.journal_path = journal
        self.accepted_replays = 0
        self.refused_replays = 0
        self.refused = 0  # refusals outside replays (should stay 0 with one driver)
        self._known: dict[str, str] | None = None  # business key -> instance id, stored

    # -- journal ---------------------------------------------------------------------
    def _intend(self, kind: str, ident: str, key: str, element_id: str) -> None:
        # write() reaches the kernel at once: the line survives a SIGKILL of this process
        with self.journal_path.open("a") as f:
            f.write(f"{kind} {ident} {key} {element_id}\n")

    def replay(self) -> None:
        """Re-send the last journal lines, as a client that cannot tell whether its last
        requests arrived must do."""
        if not self.journal_path.exists():
            return
        lines = [ln.split() for ln in self.journal_path.read_text().splitlines()]
        for parts in [p for p in lines if len(p) == 4][-REPLAY:]:
            kind, ident, key, element_id = parts
            try:
                if kind == "task":
                    actor = POORTWACHTER if element_id == "beoordelen" else CONSULENT
                    variables = task_variables(self.seed, key, element_id)
                    self.app.tasks.complete(ident, variables, actor)
                else:
                    self.app.jobs.complete(ident, WORKER, job_variables(self.seed, key))
                self.accepted_replays += 1
            except (Conflict, NotFound):
                self.refused_replays += 1
        print(
            f"replay accepted={self.accepted_replays} refused={self.refused_replays}",
            flush=True,
        )

    # -- one round -------------------------------------------------------------------
    def start_missing(self, total: int) -> int:
        if self._known is None:
            # What is stored is the truth: a kill may have struck between a start's commit
            # and anything the previous process could note about it. This process is the
            # only writer, so after this one read its own starts keep the set current.
            self._known = {
                v.business_key or "": v.id
                for v in self.app.instances.find(process_key=PROCESS_KEY, limit=total + PAGE)
            }
        known = self._known
        started = 0
        for i in range(total):
            key = business_key(i)
            if key in known:
                continue
            view = self.app.instances.start(PROCESS_KEY, actor=POORTWACHTER, business_key=key)
            known[key] = view.id
            started += 1
            if started >= START_BATCH:
                break
        return started

    def complete_tasks(self, actor: Actor) -> int:
        done = 0
        while True:
            tasks = self.app.tasks.worklist(actor, TaskQuery(process_key=PROCESS_KEY, limit=PAGE))
            if not tasks:
                return done
            for task in tasks:
                key = task.business_key or ""
                self._intend("task", task.id, key, task.element_id)
                try:
                    self.app.tasks.complete(
                        task.id, task_variables(self.seed, key, task.element_id), actor
                    )
                    done += 1
                except (Conflict, NotFound):
                    self.refused += 1

    def complete_jobs(self) -> int:
        done = 0
        keys = {v: k for k, v in (self._known or {}).items()}
        while True:
            jobs = self.app.jobs.fetch_and_lock(TOPIC, WORKER, max_jobs=PAGE)
            if not jobs:
                return done
            for job in jobs:
                key = keys.get(job.instance_id) or (
                    self.app.instances.get(job.instance_id).business_key or ""
                )
                self._intend("job", job.id, key, job.element_id)
                try:
                    self.app.jobs.complete(job.id, WORKER, job_variables(self.seed, key))
                    done += 1
                except (Conflict, NotFound):
                    self.refused += 1

    def completed(self, total: int) -> int:
        return len(
            self.app.instances.find(process_key=PROCESS_KEY, status="completed", limit=total + PAGE)
        )

    def run(self, total: int) -> None:
        self.replay()
        round_no = 0
        while True:
            round_no += 1
            started = self.start_missing(total)
            first = self.complete_tasks(POORTWACHTER)
            self.clock.tick(TICK)
            fired = self.app.timers.fire_due_timers()
            jobs = self.complete_jobs()
            second = self.complete_tasks(CONSULENT)
            completed = self.completed(total) if not started else -1
            print(
                f"round {round_no}: started={started} tasks={first + second} timers={fired}"
                f" jobs={jobs} refused={self.refused} completed={max(completed, 0)}/{total}",
                flush=True,
            )
            if completed >= total:
                return


def _state_dir(db: str, given: str | None) -> Path:
    if given:
        return Path(given)
    url = make_url(db)
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).resolve().parent
    return Path.cwd()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.driver")
    parser.add_argument("--db", required=True, help="SQLAlchemy database URL")
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--state-dir", help="where the clock and journal files live")
    args = parser.parse_args(argv)

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    state_dir = _state_dir(args.db, args.state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    clock = PersistentClock(state_dir / "clock")
    settings = Settings(data_dir=state_dir, database_url=args.db)
    app = build(settings, engine=SpiffEngine(clock), clock=clock)
    try:
        app.deployments.deploy([diagram()], SYSTEM)  # identical content: no new version
        print(f"driver ready pid={os.getpid()} clock={clock.now().isoformat()}", flush=True)
        Driver(app, clock, state_dir / "journal", seed=args.seed).run(args.instances)
    finally:
        app.close()
    print("driver done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
