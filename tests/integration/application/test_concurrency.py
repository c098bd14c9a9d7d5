"""Races on both backends: one winner per task, each timer fired once, one message once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.domain.errors import Conflict
from tests.unit.application.fakes import diagram

USER = {"type": "user", "element": "Beoordelen", "groups": ["poortwachter"]}


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together; returns results or exceptions."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except Exception as error:  # the test inspects what each call got
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_concurrent_completions_one_wins(app, engine, poortwachter):
    app.deployments.deploy([diagram("p", USER, USER)], SYSTEM)
    view = app.instances.start("p", actor=poortwachter)
    task = app.tasks.worklist(poortwachter)[0]
    collega = Actor("carla", groups=frozenset({"poortwachter"}))
    engine.delay = 0.2
    outcomes = _race(
        lambda: app.tasks.complete(task.id, {"door": "anna"}, poortwachter),
        lambda: app.tasks.complete(task.id, {"door": "carla"}, collega),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "InstanceView"]
    assert app.instances.get(view.id).version == 2
    assert len(app.tasks.worklist(poortwachter)) == 1
    completed = [e for e in app.audit.for_instance(view.id) if e.action == "task.completed"]
    assert len(completed) == 1


def test_two_schedulers_fire_each_timer_exactly_once(app, engine, poortwachter, clock):
    app.deployments.deploy(
        [diagram("w", {"type": "timer", "element": "Wacht", "seconds": 60}, USER)], SYSTEM
    )
    ids = [app.instances.start("w", actor=poortwachter).id for _ in range(12)]
    clock.advance(timedelta(minutes=5))
    engine.delay = 0.01
    fired = _race(
        lambda: app.timers.fire_due_timers(batch_size=3),
        lambda: app.timers.fire_due_timers(batch_size=3),
    )
    assert all(isinstance(n, int) for n in fired), fired
    assert sum(fired) == 12
    calls = Counter(c for c in engine.calls if c.startswith("fire_timers"))
    assert len(calls) == 12 and set(calls.values()) == {1}
    assert len(app.tasks.worklist(poortwachter)) == 12
    assert {app.instances.get(i).version for i in ids} == {2}


def test_same_message_id_twice_concurrently_is_delivered_once(app, engine, poortwachter):
    wait = {"type": "message", "element": "W", "name": "Besluit"}
    app.deployments.deploy([diagram("m", wait, USER, wait, USER)], SYSTEM)
    view = app.instances.start("m", actor=poortwachter, business_key="Z-1")
    outcomes = _race(
        lambda: app.messages.correlate("Besluit", business_key="Z-1", message_id="m-1"),
        lambda: app.messages.correlate("Besluit", business_key="Z-1", message_id="m-1"),
    )
    assert sorted(o.outcome for o in outcomes) == ["delivered", "duplicate"]
    assert app.instances.get(view.id).version == 2


def test_claim_race_has_one_winner(app, poortwachter):
    app.deployments.deploy([diagram("p", USER)], SYSTEM)
    app.instances.start("p", actor=poortwachter)
    task = app.tasks.worklist(poortwachter)[0]
    actors = [Actor(f"u{n}", groups=frozenset({"poortwachter"})) for n in range(4)]
    outcomes = _race(*[lambda a=a: app.tasks.claim(task.id, a) for a in actors])
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if o not in winners)
