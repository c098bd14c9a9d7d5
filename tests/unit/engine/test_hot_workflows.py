"""Workflows kept between steps (orchestrator.engine.hot): a step takes the workflow its
state came from instead of restoring it, and nothing a step returns changes.

The whole test suite runs every engine in verifying mode (tests/conftest.py): each hit is
also restored from its state and compared, attribute by attribute.
"""

from __future__ import annotations

import pytest

from orchestrator.domain.errors import ValidationFailed
from orchestrator.engine import hot
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram, form_field
from tests.unit.engine.helpers import Run, deploy, engine_at
from tests.unit.engine.test_determinism import structure


def two_steps() -> Diagram:
    return (
        Diagram("p", "P")
        .start()
        .user_task("a", "A", form=[form_field("n", "long", required=True)])
        .user_task("b", "B")
        .end()
        .chain("start", "a", "b", "end")
    )


def test_the_next_step_takes_the_kept_workflow(engine: SpiffEngine) -> None:
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    run.start()
    assert len(engine.hot) == 1
    run.complete("a", {"n": 3})
    run.complete("b")
    assert run.done
    assert (engine.hot.hits, engine.hot.misses) == (2, 0)
    assert len(engine.hot) == 0  # a completed instance is not kept


def test_kept_and_restored_steps_give_the_same_snapshot(engine: SpiffEngine) -> None:
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    run.start()
    task = run.user_task("a")
    cold = SpiffEngine(engine.clock, hot_size=0)
    restored = cold.complete_user_task(bundle, run.state, task.task_id, {"n": 3})
    kept = engine.complete_user_task(bundle, run.state, task.task_id, {"n": 3})
    assert engine.hot.hits == 1 and cold.hot.hits == 0
    assert len(cold.hot) == 0 and not cold.hot.enabled  # hot_size=0 keeps nothing
    assert structure(kept) == structure(restored)


def test_a_failed_step_leaves_nothing_behind(engine: SpiffEngine) -> None:
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    run.start()
    with pytest.raises(ValidationFailed):
        run.complete("a", {})  # n is required
    assert len(engine.hot) == 0
    run.complete("a", {"n": 1})  # restored from the state, as before the failure
    assert engine.hot.misses == 1
    assert [t.element_id for t in run.s.user_tasks] == ["b"]


def test_an_older_state_is_restored(engine: SpiffEngine) -> None:
    """A step whose transaction rolled back: the database still holds the older state."""
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    first = run.start()
    task = run.user_task("a")
    engine.complete_user_task(bundle, first.state, task.task_id, {"n": 1})  # rolled back
    again = engine.complete_user_task(bundle, first.state, task.task_id, {"n": 2})
    assert engine.hot.misses == 1
    assert again.variables["n"] == 2


def test_other_bundle_objects_miss(engine: SpiffEngine) -> None:
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    run.start()
    engine.bundles.clear()  # the bundle is loaded again: new spec objects
    run.complete("a", {"n": 1})
    assert (engine.hot.hits, engine.hot.misses) == (0, 1)


def test_non_scalar_variables_are_not_kept(engine: SpiffEngine) -> None:
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    run.start({"lijst": [1, 2]})
    assert len(engine.hot) == 0
    run.complete("a", {"n": 1})
    assert engine.hot.misses == 1


def test_an_equal_value_of_another_type_is_not_kept() -> None:
    """The state stores a task's data as changes to its parent's, compared with ``==``:
    ``True`` under a parent's ``1`` would come back as ``1``."""
    engine = engine_at()
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    run.start({"vlag": 1})
    workflow = engine.hot.take(run.state, engine.bundles.load(bundle))
    assert workflow is not None and hot.reusable(workflow)
    [ready] = [t for t in workflow.tasks.values() if t.task_spec.bpmn_id == "a"]
    ready.data["vlag"] = True
    assert not hot.reusable(workflow)


def test_verifying_mode_finds_a_changed_workflow() -> None:
    engine = SpiffEngine(engine_at().clock, verify_hot=True)
    bundle = deploy(engine, two_steps())["p"]
    run = Run(engine, bundle)
    run.start()
    loaded = engine.bundles.load(bundle)
    workflow = engine.hot.take(run.state, loaded)
    [ready] = [t for t in workflow.tasks.values() if t.task_spec.bpmn_id == "a"]
    ready.data["stiekem"] = 1  # changed after it was serialized
    engine.hot.put(run.state, loaded, workflow)
    with pytest.raises(AssertionError, match="differs from its state"):
        run.complete("a", {"n": 1})
