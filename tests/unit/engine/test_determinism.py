"""Restoring the same state twice and applying the same input gives the same snapshot."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from orchestrator.engine.runner import SpiffEngine
from tests.unit.engine.helpers import Run, deploy
from tests.unit.engine.test_timers import boundary_doc

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def structure(snapshot: Any) -> Any:
    """The snapshot with every task uuid replaced by its element and state, and change
    times dropped, so two runs compare by structure."""
    data = asdict(snapshot)
    state = json.loads(data.pop("state"))
    tasks = state.pop("tasks")

    def name(task_id: str | None) -> str:
        return tasks[task_id]["task_spec"] if task_id in tasks else str(task_id)

    shape = sorted(
        json.dumps(
            [
                t["task_spec"],
                t["state"],
                name(t["parent"]),
                sorted(name(c) for c in t["children"]),
                t["data"],
                t["internal_data"],
            ],
            sort_keys=True,
            default=str,
        )
        for t in tasks.values()
    )
    rest = json.dumps(
        [data, {k: v for k, v in state.items() if k not in ("last_task", "root")}],
        sort_keys=True,
        default=str,
    )
    return shape, UUID.sub("<id>", rest)


def test_same_state_same_input_same_snapshot(engine: SpiffEngine) -> None:
    bundle = deploy(engine, boundary_doc(False))["b"]
    run = Run(engine, bundle)
    run.start({"dossier": "D-1"})
    task = run.user_task("werk")
    one = engine.complete_user_task(bundle, run.state, task.task_id, {"x": 1})
    two = SpiffEngine(engine.clock).complete_user_task(bundle, run.state, task.task_id, {"x": 1})
    assert structure(one) == structure(two)
    assert one.variables == two.variables and one.status == two.status


def test_same_timer_step_twice(engine: SpiffEngine) -> None:
    from datetime import timedelta

    bundle = deploy(engine, boundary_doc(False))["b"]
    run = Run(engine, bundle)
    run.start()
    engine.clock.advance(timedelta(days=20))  # type: ignore[attr-defined]
    ids = [t.task_id for t in run.s.timers]
    one = engine.fire_timers(bundle, run.state, ids)
    two = engine.fire_timers(bundle, run.state, ids)
    assert structure(one) == structure(two)
    assert [t.element_id for t in one.user_tasks] == [t.element_id for t in two.user_tasks]
