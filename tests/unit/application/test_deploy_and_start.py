"""Deploy versioning and starting instances (fake engine, SQLite)."""

from __future__ import annotations

import pytest

from orchestrator.application.identity import SYSTEM
from orchestrator.domain.errors import DeploymentRefused, NotFound
from orchestrator.store.tables import outbox
from tests.unit.application.fakes import decisions, diagram

USER = {"type": "user", "element": "Beoordelen", "groups": ["poortwachter"]}


def test_deploy_creates_versions_and_identical_redeploy_is_unchanged(app, poortwachter):
    first = app.deployments.deploy([diagram("aanvraag", USER), decisions("d.dmn", "k")], SYSTEM)
    assert first.deployment_id is not None
    assert {(d.kind, d.key, d.version) for d in first.deployed} == {
        ("process", "aanvraag", 1),
        ("decision", "k", 1),
    }

    again = app.deployments.deploy([diagram("aanvraag", USER), decisions("d.dmn", "k")], SYSTEM)
    assert again.deployment_id is None
    assert again.deployed == []
    assert {(d.key, d.version) for d in again.unchanged} == {("aanvraag", 1), ("k", 1)}

    changed = app.deployments.deploy(
        [diagram("aanvraag", USER, {"type": "user", "element": "Extra"})], SYSTEM
    )
    assert [(d.key, d.version) for d in changed.deployed] == [("aanvraag", 2)]
    assert [d.version for d in app.deployments.process_versions("aanvraag")] == [2, 1]
    assert "Extra" in app.deployments.process_source("aanvraag")
    assert "Extra" not in app.deployments.process_source("aanvraag", 1)


def test_deploy_passes_latest_stored_resources_as_context(app, engine):
    app.deployments.deploy([diagram("hoofd", USER), decisions("d.dmn", "k")], SYSTEM)
    app.deployments.deploy([diagram("sub", USER)], SYSTEM)
    # hoofd.bpmn and d.dmn are context for sub.bpmn; sub.bpmn itself is not
    assert engine.calls[-1] == "compile:1:2"


def test_refused_deployment_stores_nothing(app):
    with pytest.raises(DeploymentRefused) as refused:
        app.deployments.deploy([diagram("fout", USER, errors=["script task"])], SYSTEM)
    assert refused.value.problems[0].message == "script task"
    assert app.deployments.latest_processes() == []


def test_warnings_are_reported_but_do_not_refuse(app):
    report = app.deployments.deploy([diagram("w", USER, warnings=["no lane"])], SYSTEM)
    assert report.deployment_id and report.problems[0].severity == "warning"


def test_start_latest_or_given_version_and_outbox_events(app, poortwachter):
    app.deployments.deploy([diagram("aanvraag", USER)], SYSTEM)
    app.deployments.deploy([diagram("aanvraag", USER, USER)], SYSTEM)
    latest = app.instances.start("aanvraag", actor=poortwachter, business_key="Z-1")
    pinned = app.instances.start("aanvraag", actor=poortwachter, version=1, variables={"a": 1})
    assert (latest.process_version, pinned.process_version) == (2, 1)
    assert latest.status == "running" and pinned.variables == {"a": 1}
    assert app.instances.find(business_key="Z-1")[0].id == latest.id
    with pytest.raises(NotFound):
        app.instances.start("bestaat-niet", actor=poortwachter)
    with app.store.uow(read_only=True) as uow:
        keys = [r.routing_key for r in uow.outbox.unpublished()]
    assert keys.count("instance.started") == 2 and keys.count("task.created") == 2
    assert outbox.name == "outbox"


def test_instance_without_wait_states_completes_at_start(app, poortwachter):
    app.deployments.deploy([diagram("kort")], SYSTEM)
    view = app.instances.start("kort", actor=poortwachter)
    assert view.status == "completed" and view.ended_at is not None
    actions = [e.action for e in app.audit.for_instance(view.id)]
    assert actions == ["instance.started", "instance.completed"]


def test_terminate_removes_waiting_rows(app, poortwachter, beheer):
    app.deployments.deploy([diagram("p", {**USER, "boundary_timer": 60})], SYSTEM)
    view = app.instances.start("p", actor=poortwachter)
    ended = app.instances.terminate(view.id, actor=beheer, reason="verhuisd")
    assert ended.status == "terminated"
    assert app.tasks.worklist(beheer) == []
    with app.store.uow(read_only=True) as uow:
        assert uow.timers.for_instance(view.id) == []
