"""SIGKILL a process driving 2,000 journeys at random moments; every journey must end
exactly as in an uninterrupted run: no task completed twice, no timer lost or fired
twice, no job duplicated.

The victim is :mod:`tests.reliability.driver`. An uninterrupted reference run of the same
driver (same seed, its own SQLite file) runs alongside; the interrupted database is then
compared with it per business key, and checked on its own for duplicates.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from orchestrator.store import create_db_engine
from orchestrator.store.tables import (
    audit_events,
    human_tasks,
    jobs,
    outbox,
    process_instances,
    timers,
)
from tests.integration.store.fixtures import reset_database
from tests.reliability.driver import business_key

INSTANCES = 2000
SEED = 20260105
ROOT = Path(__file__).resolve().parents[2]
#: the driver needs ~2 s to start (imports, migrations, deploy); kills come after "ready"
READY_TIMEOUT = 60.0
RUN_TIMEOUT = 500.0  # generous: `make test` shares 2 cores with the other tests

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


class DriverProcess:
    """``python -m tests.reliability.driver`` with its output collected on a thread."""

    def __init__(self, db: str, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.driver",
                "--db",
                db,
                "--instances",
                str(INSTANCES),
                "--seed",
                str(SEED),
                "--state-dir",
                str(state_dir),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if line.startswith("driver ready"):
                self.ready.set()
        self.ready.set()  # ended (maybe failed) before it was ready: stop waiting

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        return self.wait(30)

    def wait(self, timeout: float) -> int:
        rc = self.proc.wait(timeout)
        self._reader.join(10)
        return rc

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [dict(r._mapping) for r in conn.execute(select(table))]
                for table in (process_instances, audit_events, outbox, human_tasks, timers, jobs)
            }
    finally:
        engine.dispose()


def _journeys(rows: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per business key: status, variables and the audit trail as (action, element) pairs."""
    by_id = {r["id"]: r for r in rows["process_instances"]}
    trail: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for event in sorted(rows["audit_events"], key=lambda e: e["id"]):
        if event["instance_id"] in by_id:
            trail[event["instance_id"]].append((event["action"], event["element_id"]))
    return {
        r["business_key"]: {
            "status": r["status"],
            "variables": r["variables"],
            "trail": trail[r["id"]],
        }
        for r in rows["process_instances"]
    }


def _check_exactly_once(rows: dict[str, list[dict[str, Any]]]) -> None:
    instances = rows["process_instances"]
    keys = Counter(r["business_key"] for r in instances)
    assert [k for k, n in keys.items() if n > 1] == [], "journeys started twice"
    assert set(keys) == {business_key(i) for i in range(INSTANCES)}
    assert {r["status"] for r in instances} == {"completed"}
    # nothing is left waiting: no open task, timer or job
    assert rows["human_tasks"] == rows["timers"] == rows["jobs"] == []

    audit = rows["audit_events"]
    per_action: dict[str, Counter[Any]] = defaultdict(Counter)
    for e in audit:
        ident = e["details"].get("job_id") if e["action"] == "job.completed" else e["task_id"]
        per_action[e["action"]][ident or e["instance_id"]] += 1
    for action in ("task.completed", "timer.fired", "job.completed"):
        twice = {k: n for k, n in per_action[action].items() if n != 1}
        assert twice == {}, f"{action} recorded more than once"
    assert len(per_action["timer.fired"]) == INSTANCES  # one timer per journey, all fired
    started = Counter(e["instance_id"] for e in audit if e["action"] == "instance.started")
    assert len(started) == INSTANCES and set(started.values()) == {1}
    done = Counter(e["instance_id"] for e in audit if e["action"] == "instance.completed")
    assert len(done) == INSTANCES and set(done.values()) == {1}

    # one job per external task: one job message in the outbox, completed once
    job_messages = [m for m in rows["outbox"] if m["kind"] == "job"]
    per_job = Counter(m["body"]["job_id"] for m in job_messages)
    per_instance = Counter(m["body"]["instance_id"] for m in job_messages)
    assert set(per_job.values()) <= {1} and set(per_instance.values()) <= {1}
    assert set(per_job) == set(per_action["job.completed"])
    job_tasks = Counter(e["task_id"] for e in audit if e["action"] == "job.completed")
    assert set(job_tasks.values()) <= {1}


def _run_with_kills(url: str, state_dir: Path, rng: random.Random) -> dict[str, Any]:
    kills_planned = rng.randint(5, 8)
    landed = 0
    outputs: list[str] = []
    for _ in range(kills_planned):
        driver = DriverProcess(url, state_dir)
        assert driver.ready.wait(READY_TIMEOUT), driver.output
        time.sleep(rng.uniform(0.1, 2.5))
        if driver.proc.poll() is None:
            rc = driver.kill()
            landed += rc == -signal.SIGKILL
        else:  # finished before the kill was due
            assert driver.wait(5) == 0, driver.output
        outputs.append(driver.output)
    final = DriverProcess(url, state_dir)
    rc = final.wait(RUN_TIMEOUT)
    outputs.append(final.output)
    assert rc == 0, final.output
    assert "driver done" in final.output
    replays = [ln for out in outputs for ln in out.splitlines() if ln.startswith("replay ")]
    refused = sum(int(ln.split("refused=")[1]) for ln in replays)
    return {"planned": kills_planned, "landed": landed, "refused_replays": refused}


def test_sigkill_at_random_moments_changes_nothing(db_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    if not db_url.startswith("sqlite"):
        reset_database(db_url)
    reference_url = f"sqlite:///{tmp_path}/reference.sqlite"
    reference = DriverProcess(reference_url, tmp_path / "reference")  # runs alongside

    kills = _run_with_kills(db_url, tmp_path / "killed", random.Random(SEED))

    assert reference.wait(RUN_TIMEOUT) == 0, reference.output
    interrupted, uninterrupted = _rows(db_url), _rows(reference_url)
    _check_exactly_once(interrupted)
    _check_exactly_once(uninterrupted)
    ours, theirs = _journeys(interrupted), _journeys(uninterrupted)
    differing = [k for k in theirs if ours.get(k) != theirs[k]]
    assert differing == [], f"{len(differing)} journeys differ, e.g. {differing[:3]}"

    # the kills really hit a running driver, and a restart re-sent completions that had
    # already happened (each was refused rather than applied twice)
    assert kills["landed"] >= 5, kills
    assert kills["refused_replays"] >= 1, kills
    print(json.dumps({**kills, "seconds": round(time.monotonic() - started, 1)}))
