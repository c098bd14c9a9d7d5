"""Task completions whose engine step ran before the write transaction (both backends).

With ``prepare_steps`` the engine step of a completion runs on the instance as read before
the write transaction; the transaction takes that result only if it reads the instance at
the same version, and otherwise runs the step again. Nothing is decided twice: refusals and
failures are met and reported by the write transaction alone.
"""

from __future__ import annotations

import pytest

from orchestrator.application import steps
from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.bootstrap import build
from orchestrator.config import Settings
from orchestrator.domain.errors import Conflict, Forbidden, ValidationFailed
from orchestrator.engine import runner
from orchestrator.engine.contract import SourceFile
from tests.integration.application.test_concurrency import _race
from tests.support import bpmn
from tests.unit.application.fakes import diagram

USER = {"type": "user", "element": "Beoordelen", "groups": ["poortwachter"]}


def _completions(engine) -> list[str]:
    return [c for c in engine.calls if c.startswith("complete_user_task")]


def test_the_write_transaction_takes_the_prepared_step(app, engine, poortwachter):
    app.runtime.prepare_steps = True
    app.deployments.deploy([diagram("p", USER, USER)], SYSTEM)
    view = app.instances.start("p", actor=poortwachter)
    task = app.tasks.worklist(poortwachter)[0]
    done = app.tasks.complete(task.id, {"door": "anna"}, poortwachter)
    assert len(_completions(engine)) == 1  # prepared, then taken as it was
    assert done.version == 2
    assert len(app.tasks.worklist(poortwachter)) == 1
    actions = [e.action for e in app.audit.for_instance(view.id)]
    assert actions.count("task.completed") == 1


def _parallel() -> SourceFile:
    diagram = (
        bpmn.Diagram("tweeluik", "Tweeluik")
        .start()
        .gateway("splits", "parallel")
        .user_task("links", "Links", groups="poortwachter")
        .user_task("rechts", "Rechts", groups="poortwachter")
        .gateway("samen", "parallel")
        .end()
        .chain("start", "splits", "links", "samen", "end")
        .chain("splits", "rechts", "samen")
    )
    return SourceFile("tweeluik.bpmn", diagram.xml())


def test_a_step_prepared_on_an_older_version_is_run_again(
    migrated_url, tmp_path, clock, poortwachter
):
    settings = Settings(data_dir=tmp_path, database_url=migrated_url, prepare_steps=True)
    app = build(settings, engine=runner.SpiffEngine(clock), clock=clock, migrate=False)
    try:
        app.deployments.deploy([_parallel()], SYSTEM)
        view = app.instances.start("tweeluik", actor=poortwachter)
        tasks = {t.element_id: t for t in app.tasks.worklist(poortwachter)}
        step = steps.Step(op="complete_user_task", task_id=tasks["links"].id)
        prepared = app.runtime.prepare(lambda uow: (uow.instances.get(view.id), step))
        assert prepared is not None and prepared.version == 1
        # the other branch is completed before the prepared step is written
        app.tasks.complete(tasks["rechts"].id, {}, poortwachter)
        current = app.instances.get(view.id)
        assert current.version == 2
        applied = app.runtime.run(
            lambda uow: app.runtime.advance(
                uow, uow.instances.get(view.id), step, poortwachter, prepared=prepared
            )
        )
        # run again on the current state: both branches are done, the join lets it end
        assert applied.instance.version == 3
        assert app.instances.get(view.id).status == "completed"
    finally:
        app.close()


def test_two_concurrent_prepared_completions_one_wins(app, engine, poortwachter):
    app.runtime.prepare_steps = True
    app.deployments.deploy([diagram("p", USER, USER)], SYSTEM)
    view = app.instances.start("p", actor=poortwachter)
    task = app.tasks.worklist(poortwachter)[0]
    collega = Actor("carla", groups=frozenset({"poortwachter"}))
    engine.delay = 0.1
    outcomes = _race(
        lambda: app.tasks.complete(task.id, {"door": "anna"}, poortwachter),
        lambda: app.tasks.complete(task.id, {"door": "carla"}, collega),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "InstanceView"]
    assert app.instances.get(view.id).version == 2
    completed = [e for e in app.audit.for_instance(view.id) if e.action == "task.completed"]
    assert len(completed) == 1


def test_a_refused_completion_is_refused_once_and_changes_nothing(app, engine, poortwachter):
    app.runtime.prepare_steps = True
    app.deployments.deploy([diagram("p", USER, USER)], SYSTEM)
    view = app.instances.start("p", actor=poortwachter)
    task = app.tasks.worklist(poortwachter)[0]
    buitenstaander = Actor("bob", groups=frozenset({"klantmanager"}))

    def refuse(_task):
        raise ValidationFailed("geen toegang", [])

    with pytest.raises(ValidationFailed):
        app.tasks.complete(task.id, {"door": "anna"}, poortwachter, check=refuse)
    assert _completions(engine) == []  # the check refused before any engine step
    with pytest.raises(Forbidden):
        app.tasks.complete(task.id, {"door": "bob"}, buitenstaander)
    assert app.instances.get(view.id).version == 1
    assert len(app.tasks.worklist(poortwachter)) == 1


JOB = {"type": "job", "element": "Reg", "topic": "uwv.reg", "retries": 2, "intervals": [30]}


def test_a_job_completion_takes_its_prepared_step_and_a_stranger_prepares_nothing(
    app, engine, poortwachter
):
    app.runtime.prepare_steps = True
    app.deployments.deploy([diagram("j", JOB, USER)], SYSTEM)
    view = app.instances.start("j", actor=poortwachter)
    [job] = app.jobs.fetch_and_lock("uwv.reg", "w1")
    with pytest.raises(Conflict):
        app.jobs.complete(job.id, "w2", {"uwv": "U1"})  # locked by w1
    assert [c for c in engine.calls if c.startswith("complete_job")] == []
    app.jobs.complete(job.id, "w1", {"uwv": "U1"})
    assert len([c for c in engine.calls if c.startswith("complete_job")]) == 1
    assert app.instances.get(view.id).version == 2
    assert len(app.tasks.worklist(poortwachter)) == 1
