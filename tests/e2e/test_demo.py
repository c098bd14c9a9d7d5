"""``ketenregie demo --no-serve`` seeds a living Werkplein on the embedded default.

Seeding replays journeys that began in the past on a manual clock up to now: the 7- and
14-day klantreis timers have fired, so the trainer and the werkcoach have work, journeys
are spread over the phases, later timers are pending and exactly one incident is open.
The seed is fixed, but the window ends at the wall clock's now, so which tasks are open
depends on the day and the hour the test runs. 150 journeys (about nine months of a steady
inflow) left work for 11-17 roles over 19 start times spread across three days; 80 left
9-15, and once 9 in CI, so the test seeds 150 and asks for nine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime

from orchestrator.cli.demo_seed import INCIDENT_KEY

TOP_LEVEL = {"klantreis", "werkplein_aanmelding", "werkgeversservicepunt", "zoekperiode"}
CLI = [sys.executable, "-c", "from orchestrator.cli import main; main()"]


def test_demo_seeds_every_journey_with_tasks_timers_and_one_incident(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETENREGIE_")}
    began = time.monotonic()
    run = subprocess.run(
        [*CLI, "demo", "--data-dir", str(tmp_path), "--no-serve", "--journeys", "150", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    seconds = time.monotonic() - began
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stdout + run.stderr
    assert seconds < 60
    summary = json.loads(run.stdout)

    seeded = summary["seeded"]
    assert seeded["failures"] == []
    assert set(seeded["per_process"]) == TOP_LEVEL
    assert INCIDENT_KEY in seeded["incident"]
    processes = {i["process"] for i in summary["instances"]}
    assert processes == TOP_LEVEL  # sub-diagrams run inside their journeys
    assert seeded["timers_fired"] > 0 and seeded["since"] < seeded["until"]
    groups = summary["openTasksPerGroup"]
    assert len(groups) >= 9, groups
    assert {"werkcoach", "trainer"} & set(groups), groups
    klantreis = summary["journeysPerPhase"]["klantreis"]
    beyond_melding = {p for p in klantreis if not p.startswith(("melding", "("))}
    assert len(beyond_melding) >= 3, klantreis
    assert summary["pendingTimers"] >= 1 and summary["dueTimers"] == 0
    assert summary["nextTimerAt"] > datetime.now(UTC).isoformat()[:10]
    assert summary["openIncidents"] == 1
    tokens = {u["token"] for u in summary["users"]}
    assert "poortwachter-demo" in tokens
    assert (tmp_path / "users.toml").read_text().count("[[users]]") == len(tokens)

    again = subprocess.run(
        [*CLI, "demo", "--data-dir", str(tmp_path), "--no-serve", "--no-simulators"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "present already (not seeded again)" in again.stdout
