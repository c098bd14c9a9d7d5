"""End-to-end use cases on both backends (fake engine): deploy, messages, jobs, incidents."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestrator.application.identity import SYSTEM
from orchestrator.domain.errors import Conflict, DeploymentRefused
from tests.unit.application.fakes import decisions, diagram

USER = {"type": "user", "element": "Beoordelen", "groups": ["poortwachter"]}
WAIT = {"type": "message", "element": "W", "name": "Besluit", "correlate_on": "aanvraag"}
JOB = {"type": "job", "element": "Reg", "topic": "uwv.reg", "retries": 2, "intervals": [30]}


def test_deploy_versioning_and_identical_redeploy(app):
    files = [diagram("p", USER, timer_start="R/P1D"), decisions("d.dmn", "k")]
    assert app.deployments.deploy(files, SYSTEM).deployment_id is not None
    again = app.deployments.deploy(files, SYSTEM)
    assert again.deployment_id is None and len(again.unchanged) == 2
    changed = app.deployments.deploy(
        [diagram("p", USER, USER), decisions("d.dmn", "k", revision=2)], SYSTEM
    )
    assert sorted((d.key, d.version) for d in changed.deployed) == [("k", 2), ("p", 2)]
    with pytest.raises(DeploymentRefused):
        app.deployments.deploy([diagram("p", errors=["nee"])], SYSTEM)
    assert [d.version for d in app.deployments.latest_processes()] == [2]
    with app.store.uow(read_only=True) as uow:
        # v2 has no timer start event: v1's registration is gone
        assert uow.timers.for_definitions(["p:1", "p:2"]) == []


def test_message_buffer_ttl_and_idempotency(app, poortwachter, clock):
    app.deployments.deploy([diagram("m", USER, WAIT, USER)], SYSTEM)
    a = app.instances.start(
        "m", actor=poortwachter, business_key="Z-1", variables={"aanvraag": "A1"}
    )
    b = app.instances.start(
        "m", actor=poortwachter, business_key="Z-2", variables={"aanvraag": "A2"}
    )
    tasks = {t.instance_id: t for t in app.tasks.worklist(poortwachter)}
    early = app.messages.correlate("Besluit", correlation={"aanvraag": "A1"}, message_id="x1")
    assert early.outcome == "buffered"
    assert app.messages.correlate("Besluit", message_id="x1").outcome == "duplicate"
    app.tasks.complete(tasks[a.id].id, {}, poortwachter)
    assert app.instances.get(a.id).version == 3  # task completed, buffered message delivered

    app.messages.correlate("Besluit", correlation={"aanvraag": "A2"})
    clock.advance(timedelta(days=7, seconds=1))
    app.tasks.complete(tasks[b.id].id, {}, poortwachter)
    assert app.instances.get(b.id).version == 2  # the message had expired: still waiting
    assert app.messages.purge_expired() == 1
    assert app.messages.purge_expired() == 0


def test_ambiguous_correlation_is_refused(app, poortwachter):
    app.deployments.deploy([diagram("m", {"type": "message", "element": "W", "name": "N"})], SYSTEM)
    app.instances.start("m", actor=poortwachter)
    app.instances.start("m", actor=poortwachter)
    with pytest.raises(Conflict, match="ambiguous"):
        app.messages.correlate("N")


def test_job_retry_incident_retry(app, poortwachter, clock, beheer):
    app.deployments.deploy([diagram("j", JOB, USER)], SYSTEM)
    view = app.instances.start("j", actor=poortwachter)
    for attempt in (1, 2):
        [job] = app.jobs.fetch_and_lock("uwv.reg", "w1")
        app.jobs.fail(job.id, "w1", f"poging {attempt}")
        clock.advance(timedelta(seconds=30))
    assert app.jobs.get(job.id).status == "incident"
    [incident] = app.incidents.list(instance_id=view.id)
    app.incidents.retry(incident.id, beheer)
    [job] = app.jobs.fetch_and_lock("uwv.reg", "w1")
    app.jobs.complete(job.id, "w1", {"ok": True})
    assert app.instances.get(view.id).variables == {"ok": True}
    actions = [e.action for e in app.audit.for_instance(view.id)]
    assert actions.count("job.failed") == 2 and "incident.retried" in actions
    assert actions[-1] == "job.completed"
    with app.store.uow(read_only=True) as uow:
        job_messages = [r for r in uow.outbox.unpublished() if r.kind == "job"]
    assert len(job_messages) == 3  # created, retry after first failure, re-armed by operator
