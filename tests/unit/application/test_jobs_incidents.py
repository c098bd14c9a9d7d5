"""Jobs (fetch-and-lock, retry, BPMN errors) and incidents (fake engine, SQLite)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestrator.application.errors import EngineStepFailed
from orchestrator.application.identity import SYSTEM
from orchestrator.domain.errors import Conflict, NotFound
from tests.unit.application.fakes import diagram

USER = {"type": "user", "element": "Beoordelen", "groups": ["poortwachter"]}
JOB = {
    "type": "job",
    "element": "Registreren",
    "topic": "uwv.registreren",
    "retries": 2,
    "intervals": [30],
    "catch": ["ONBEKEND"],
}


@pytest.fixture
def instance(app, poortwachter):
    app.deployments.deploy([diagram("j", JOB, USER)], SYSTEM)
    return app.instances.start("j", actor=poortwachter, business_key="Z-1", variables={"n": 1})


def test_job_is_queued_locked_and_completed(app, instance, poortwachter):
    with app.store.uow(read_only=True) as uow:
        jobs = [r for r in uow.outbox.unpublished() if r.kind == "job"]
    assert [j.routing_key for j in jobs] == ["uwv.registreren"]
    locked = app.jobs.fetch_and_lock(["uwv.registreren"], "w1", max_jobs=5)
    assert len(locked) == 1 and locked[0].variables == {"n": 1}
    assert app.jobs.fetch_and_lock("uwv.registreren", "w2") == []
    with pytest.raises(Conflict):
        app.jobs.complete(locked[0].id, "w2", {})
    app.jobs.complete(locked[0].id, "w1", {"uwv_nummer": "U1"})
    assert app.instances.get(instance.id).variables["uwv_nummer"] == "U1"
    with pytest.raises(NotFound):
        app.jobs.complete(locked[0].id, "w1", {})
    assert len(app.tasks.worklist(poortwachter)) == 1


def test_expired_lock_is_handed_out_again(app, instance, clock):
    job = app.jobs.fetch_and_lock("uwv.registreren", "w1", lock_duration=timedelta(seconds=60))[0]
    clock.advance(timedelta(seconds=61))
    assert [j.id for j in app.jobs.fetch_and_lock("uwv.registreren", "w2")] == [job.id]


def test_failures_retry_with_backoff_then_incident_then_retry(app, instance, clock, beheer):
    job = app.jobs.fetch_and_lock("uwv.registreren", "w1")[0]
    failed = app.jobs.fail(job.id, "w1", "timeout")
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert app.jobs.fetch_and_lock("uwv.registreren", "w1") == []  # backing off
    clock.advance(timedelta(seconds=30))
    job = app.jobs.fetch_and_lock("uwv.registreren", "w1")[0]
    exhausted = app.jobs.fail(job.id, "w1", "timeout again")
    assert exhausted.status == "incident"
    [incident] = app.incidents.list(instance_id=instance.id)
    assert (incident.kind, incident.job_id, incident.retryable) == ("job-failed", job.id, True)
    clock.advance(timedelta(hours=1))
    assert app.jobs.fetch_and_lock("uwv.registreren", "w1") == []
    retried = app.incidents.retry(incident.id, beheer, {"extra": True})
    assert retried.resolved_by == "bert"
    again = app.jobs.fetch_and_lock("uwv.registreren", "w1")[0]
    assert again.variables["extra"] is True and again.max_attempts == 3
    app.jobs.complete(again.id, "w1", {})
    with pytest.raises(Conflict):
        app.incidents.retry(incident.id, beheer)


def test_caught_bpmn_error_moves_on_uncaught_becomes_incident(app, instance, beheer):
    job = app.jobs.fetch_and_lock("uwv.registreren", "w1")[0]
    assert app.jobs.bpmn_error(job.id, "w1", "ONBEKEND", "BSN onbekend bij UWV") is None
    assert app.instances.get(instance.id).variables["fout"] == "ONBEKEND"

    other = app.instances.start("j", actor=beheer)
    job = app.jobs.fetch_and_lock("uwv.registreren", "w1")[0]
    incident_id = app.jobs.bpmn_error(job.id, "w1", "RAAR")
    assert incident_id is not None
    assert app.jobs.get(job.id).status == "incident"
    assert app.instances.get(other.id).version == 1  # state not advanced
    app.incidents.retry(incident_id, beheer)
    assert app.jobs.fetch_and_lock("uwv.registreren", "w1")[0].id == job.id


def test_engine_failure_keeps_state_records_incident_and_retry_reruns(app, poortwachter, beheer):
    app.deployments.deploy(
        [diagram("f", USER, {"type": "check", "element": "Gateway", "var": "ok"}, USER)], SYSTEM
    )
    view = app.instances.start("f", actor=poortwachter)
    task = app.tasks.worklist(poortwachter)[0]
    with pytest.raises(EngineStepFailed) as failed:
        app.tasks.complete(task.id, {"ok": False}, poortwachter)
    assert failed.value.element_id == "Gateway"
    assert app.instances.get(view.id).version == 1
    assert [t.id for t in app.tasks.worklist(poortwachter)] == [task.id]
    [incident] = app.incidents.list()
    assert incident.id == failed.value.incident_id and incident.kind == "engine-failure"

    with pytest.raises(EngineStepFailed):
        app.incidents.retry(incident.id, beheer)  # same variables: fails again
    assert len(app.incidents.list()) == 1
    app.incidents.retry(incident.id, beheer, {"ok": True})
    assert app.incidents.list() == []
    assert app.instances.get(view.id).version == 2
    assert [t.element_id for t in app.tasks.worklist(poortwachter)] == ["Beoordelen"]
    assert app.tasks.worklist(poortwachter)[0].id != task.id


def test_failing_timer_is_parked_until_its_incident_is_retried(app, poortwachter, clock, beheer):
    app.deployments.deploy(
        [
            diagram(
                "t",
                {"type": "timer", "element": "W", "seconds": 5},
                {"type": "check", "element": "G", "var": "ok"},
            )
        ],
        SYSTEM,
    )
    view = app.instances.start("t", actor=poortwachter)
    clock.advance(timedelta(minutes=1))
    assert app.timers.fire_due_timers() == 0
    assert app.timers.fire_due_timers() == 0  # parked, not retried in a loop
    [incident] = app.incidents.list()
    assert incident.kind == "engine-failure" and incident.element_id == "G"
    with pytest.raises(EngineStepFailed):
        app.incidents.retry(incident.id, beheer)  # the fake cannot be fixed: fails again
    assert app.timers.fire_due_timers() == 0  # still parked
    assert app.instances.get(view.id).version == 1


def test_resolve_closes_an_incident(app, instance, beheer):
    job = app.jobs.fetch_and_lock("uwv.registreren", "w1")[0]
    app.jobs.fail(job.id, "w1", "kapot", retries=0)
    [incident] = app.incidents.list()
    resolved = app.incidents.resolve(incident.id, beheer)
    assert resolved.resolved_at is not None and not resolved.retryable
    assert app.incidents.list() == [] and len(app.incidents.list(open_only=False)) == 1
    with pytest.raises(Conflict):
        app.incidents.resolve(incident.id, beheer)


def test_failed_start_is_an_incident_whose_retry_starts_the_instance(app, poortwachter, beheer):
    app.deployments.deploy(
        [diagram("s", {"type": "check", "element": "G", "var": "ok"}, USER)], SYSTEM
    )
    with pytest.raises(EngineStepFailed):
        app.instances.start("s", actor=poortwachter, business_key="Z-9")
    assert app.instances.find(process_key="s") == []
    [incident] = app.incidents.list()
    assert incident.instance_id is None and incident.retryable
    app.incidents.retry(incident.id, beheer, {"ok": True})
    [started] = app.instances.find(process_key="s")
    assert started.business_key == "Z-9" and started.variables == {"ok": True}
