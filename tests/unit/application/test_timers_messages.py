"""Timers (instance and start events) and message correlation (fake engine, SQLite)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestrator.application.identity import SYSTEM
from orchestrator.domain.errors import Conflict
from tests.unit.application.fakes import diagram

USER = {"type": "user", "element": "Beoordelen", "groups": ["poortwachter"]}


def test_boundary_timer_fires_once_and_cancels_the_task(app, poortwachter, clock, engine):
    app.deployments.deploy([diagram("p", {**USER, "boundary_timer": 3600}, USER)], SYSTEM)
    view = app.instances.start("p", actor=poortwachter)
    first = app.tasks.worklist(poortwachter)[0]
    assert app.timers.fire_due_timers() == 0
    clock.advance(timedelta(hours=2))
    assert app.timers.fire_due_timers() == 1
    assert app.timers.fire_due_timers() == 0
    tasks = app.tasks.worklist(poortwachter)
    assert [t.id for t in tasks] != [first.id] and len(tasks) == 1
    assert [c for c in engine.calls if c.startswith("fire_timers")] == [
        f"fire_timers:{view.id and first.id.replace('-user', '-timer')}"
    ]
    with app.store.uow(read_only=True) as uow:
        keys = [r.routing_key for r in uow.outbox.unpublished()]
    assert "task.cancelled" in keys
    assert "timer.fired" in [e.action for e in app.audit.for_instance(view.id)]


def test_catch_up_after_downtime_in_bounded_batches(app, poortwachter, clock):
    app.deployments.deploy(
        [diagram("w", {"type": "timer", "element": "Wacht", "seconds": 60})], SYSTEM
    )
    ids = [app.instances.start("w", actor=poortwachter).id for _ in range(7)]
    clock.advance(timedelta(days=3))
    assert app.timers.fire_due_timers(batch_size=3) == 7
    assert {app.instances.get(i).status for i in ids} == {"completed"}


def test_timer_start_event_starts_instances_and_reschedules(app, clock):
    app.deployments.deploy([diagram("dagelijks", USER, timer_start="R/P1D")], SYSTEM)
    assert app.timers.fire_due_timers() == 0
    clock.advance(timedelta(days=1))
    assert app.timers.fire_due_timers() == 1
    clock.advance(timedelta(days=5))  # downtime: one start, not five
    assert app.timers.fire_due_timers() == 1
    assert len(app.instances.find(process_key="dagelijks")) == 2
    # a new version takes over the timer start event
    app.deployments.deploy([diagram("dagelijks", USER, USER, timer_start="R/P1D")], SYSTEM)
    clock.advance(timedelta(days=1))
    assert app.timers.fire_due_timers() == 1
    versions = sorted(i.process_version for i in app.instances.find(process_key="dagelijks"))
    assert versions == [1, 1, 2]


WAIT = {"type": "message", "element": "WachtBesluit", "name": "Besluit", "correlate_on": "aanvraag"}


def test_message_goes_to_the_one_matching_subscription(app, poortwachter):
    app.deployments.deploy([diagram("m", WAIT, USER)], SYSTEM)
    a = app.instances.start(
        "m", actor=poortwachter, business_key="Z-1", variables={"aanvraag": "A1"}
    )
    b = app.instances.start(
        "m", actor=poortwachter, business_key="Z-2", variables={"aanvraag": "A2"}
    )
    with pytest.raises(Conflict, match="ambiguous"):
        app.messages.correlate("Besluit")
    result = app.messages.correlate("Besluit", correlation={"aanvraag": "A2"}, variables={"x": 1})
    assert (result.outcome, result.instance_id) == ("delivered", b.id)
    by_key = app.messages.correlate("Besluit", business_key="Z-1")
    assert (by_key.outcome, by_key.instance_id) == ("delivered", a.id)
    assert app.instances.get(b.id).variables["x"] == 1


def test_early_message_is_buffered_then_delivered_when_the_instance_waits(app, poortwachter):
    app.deployments.deploy([diagram("m", USER, WAIT, USER)], SYSTEM)
    app.instances.start("m", actor=poortwachter, business_key="Z-1", variables={"aanvraag": "A1"})
    early = app.messages.correlate("Besluit", business_key="Z-1", variables={"uitslag": "ja"})
    assert early.outcome == "buffered"
    task = app.tasks.worklist(poortwachter)[0]
    after = app.tasks.complete(task.id, {}, poortwachter)
    assert after.variables["uitslag"] == "ja"  # delivered in the same use case
    assert app.tasks.worklist(poortwachter)[0].id != task.id


def test_buffered_message_expires(app, poortwachter, clock):
    app.deployments.deploy([diagram("m", USER, WAIT, USER)], SYSTEM)
    app.instances.start("m", actor=poortwachter, business_key="Z-1", variables={"aanvraag": "A1"})
    app.messages.correlate("Besluit", business_key="Z-1")
    clock.advance(timedelta(days=8))
    task = app.tasks.worklist(poortwachter)[0]
    view = app.tasks.complete(task.id, {}, poortwachter)
    assert app.tasks.worklist(poortwachter) == []  # still waiting: the message expired
    assert app.messages.purge_expired() == 1
    assert app.messages.correlate("Besluit", business_key="Z-1").instance_id == view.id


def test_repeated_message_id_is_ignored(app, poortwachter):
    app.deployments.deploy([diagram("m", WAIT, USER)], SYSTEM)
    app.instances.start("m", actor=poortwachter, business_key="Z-1", variables={"aanvraag": "A1"})
    first = app.messages.correlate("Besluit", business_key="Z-1", message_id="msg-1")
    again = app.messages.correlate("Besluit", business_key="Z-1", message_id="msg-1")
    assert (first.outcome, again.outcome) == ("delivered", "duplicate")
    buffered = app.messages.correlate("Later", message_id="msg-2")
    assert buffered.outcome == "buffered"
    assert app.messages.correlate("Later", message_id="msg-2").outcome == "duplicate"


def test_message_start_event_and_thrown_messages(app, poortwachter):
    app.deployments.deploy(
        [
            diagram("ontvanger", USER, message_start=["Aanmelding"]),
            diagram("zender", {"type": "throw", "name": "Aanmelding"}, USER),
        ],
        SYSTEM,
    )
    started = app.messages.correlate("Aanmelding", business_key="Z-5", variables={"a": 1})
    assert started.outcome == "started"
    assert app.instances.get(started.instance_id).business_key == "Z-5"
    by_message = app.instances.start_by_message("Aanmelding", actor=poortwachter)
    assert by_message.process_key == "ontvanger"
    app.instances.start("zender", actor=poortwachter, business_key="Z-6")
    assert len(app.instances.find(process_key="ontvanger")) == 3
