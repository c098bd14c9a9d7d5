"""Timers on the injectable clock: intermediate, boundary, cycles, event-based races."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, deploy

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)  # the engine fixture's clock: far from today


def test_intermediate_timer_on_manual_clock(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .catch("wacht", timer=("timeDuration", "P14D"))
        .user_task("na")
        .end()
        .chain("start", "wacht", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["t"])
    run.start()
    [timer] = run.s.timers
    assert timer.element_id == "wacht" and timer.due_at == T0 + timedelta(days=14)
    run.advance(timedelta(days=13))  # fire_timers before the due time: nothing happens
    assert not run.s.user_tasks and run.s.timers[0].due_at == timer.due_at
    run.advance(timedelta(days=1))
    assert [t.element_id for t in run.s.user_tasks] == ["na"] and not run.s.timers


def test_time_date_timer(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .catch("wacht", timer=("timeDate", "2030-04-01T00:00:00Z"))
        .end()
        .chain("start", "wacht", "end")
    )
    run = Run(engine, deploy(engine, doc)["t"])
    run.start()
    assert run.s.timers[0].due_at == datetime(2030, 4, 1, tzinfo=UTC)
    run.advance(timedelta(days=31))
    assert run.done


def test_timer_expression(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .catch("wacht", timer=("timeDuration", "${termijn}"))
        .end()
        .chain("start", "wacht", "end")
    )
    run = Run(engine, deploy(engine, doc)["t"])
    run.start({"termijn": "PT48H"})
    assert run.s.timers[0].due_at == T0 + timedelta(hours=48)


def test_restored_overdue_timer_fires_on_next_fire_timers(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .catch("wacht", timer=("timeDuration", "P1D"))
        .end()
        .chain("start", "wacht", "end")
    )
    bundle = deploy(engine, doc)["t"]
    started = engine.start(bundle, variables={}, business_key=None)
    engine.clock.advance(timedelta(days=400))  # type: ignore[attr-defined]
    fresh = SpiffEngine(engine.clock)  # another process restores the state
    done = fresh.fire_timers(bundle, started.state, [started.timers[0].task_id])
    assert done.status == "completed"


def boundary_doc(interrupting: bool) -> Diagram:
    return (
        Diagram("b")
        .start()
        .user_task("werk")
        .boundary("termijn", "werk", timer=("timeDuration", "P14D"), interrupting=interrupting)
        .user_task("rappel")
        .end("e1")
        .end("e2")
        .chain("start", "werk", "e1")
        .chain("termijn", "rappel", "e2")
    )


def test_interrupting_boundary_timer(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, boundary_doc(True))["b"])
    run.start()
    assert [t.element_id for t in run.s.timers] == ["termijn"]
    run.advance(timedelta(days=15))
    assert [t.element_id for t in run.s.user_tasks] == ["rappel"]
    run.complete("rappel")
    assert run.done and not run.ran("werk")


def test_boundary_timer_cancelled_when_task_completes(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, boundary_doc(True))["b"])
    run.start()
    run.complete("werk")
    assert run.done and not run.s.timers


def test_non_interrupting_boundary_timer(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, boundary_doc(False))["b"])
    run.start()
    werk = run.user_task("werk")
    run.advance(timedelta(days=15))
    assert sorted(t.element_id for t in run.s.user_tasks) == ["rappel", "werk"]
    assert run.user_task("werk").task_id == werk.task_id  # the task stays open
    run.complete("rappel")
    assert not run.done
    run.complete("werk")
    assert run.done


def cycle_doc(cycle: str) -> Diagram:
    return (
        Diagram("c")
        .start()
        .user_task("traject")
        .boundary("gesprek", "traject", timer=("timeCycle", cycle), interrupting=False)
        .user_task("voortgang")
        .end("e1")
        .end("e2")
        .chain("start", "traject", "e1")
        .chain("gesprek", "voortgang", "e2")
    )


def test_cycle_timer_catches_up_every_missed_cycle(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, cycle_doc("R/P6M"))["c"])
    run.start()
    assert run.s.timers[0].due_at == datetime(2030, 9, 1, 9, tzinfo=UTC)
    run.advance(timedelta(days=365 * 3 + 10))  # the scheduler was down for three years
    assert len(run.user_tasks("voortgang")) == 6
    assert run.s.timers[0].due_at == datetime(2033, 9, 1, 9, tzinfo=UTC)
    run.advance(timedelta(days=200))
    assert len(run.user_tasks("voortgang")) == 7


def test_bounded_cycle_stops_after_its_repetitions(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, cycle_doc("R3/PT10M"))["c"])
    run.start()
    run.advance(timedelta(minutes=10))
    assert len(run.user_tasks("voortgang")) == 1
    run.advance(timedelta(hours=5))
    assert len(run.user_tasks("voortgang")) == 3
    assert not run.s.timers
    run.advance(timedelta(days=30))
    assert len(run.user_tasks("voortgang")) == 3


def race_doc() -> Diagram:
    return (
        Diagram("r")
        .start()
        .gateway("wacht", "eventBased")
        .catch("antwoord", message="antwoord_ontvangen")
        .catch("verlopen", timer=("timeDuration", "P14D"))
        .user_task("verwerk")
        .user_task("rappel")
        .end("e1")
        .end("e2")
        .chain("start", "wacht")
        .chain("wacht", "antwoord", "verwerk", "e1")
        .chain("wacht", "verlopen", "rappel", "e2")
    )


def test_event_based_gateway_message_wins(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, race_doc())["r"])
    run.start()
    assert [s.element_id for s in run.s.subscriptions] == ["antwoord"]
    assert [t.element_id for t in run.s.timers] == ["verlopen"]
    run.message("antwoord", {"inhoud": "ja"})
    assert [t.element_id for t in run.s.user_tasks] == ["verwerk"]
    assert not run.s.timers and not run.s.subscriptions
    assert run.s.variables["inhoud"] == "ja"


def test_event_based_gateway_timer_wins(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, race_doc())["r"])
    run.start()
    run.advance(timedelta(days=14))
    assert [t.element_id for t in run.s.user_tasks] == ["rappel"]
    assert not run.s.timers and not run.s.subscriptions


def test_timer_start_event(engine: SpiffEngine) -> None:
    doc = (
        Diagram("s")
        .start(timer=("timeCycle", "R/P1D"))
        .user_task("dagelijks")
        .end()
        .chain("start", "dagelijks", "end")
    )
    run = Run(engine, deploy(engine, doc)["s"])
    run.start()  # the scheduler starts an instance when the start timer is due
    assert [t.element_id for t in run.s.user_tasks] == ["dagelijks"]


def test_timers_never_read_the_wall_clock(engine: SpiffEngine) -> None:
    """The clock is in 2030: a timer computed from the wall clock would be years off."""
    run = Run(engine, deploy(engine, boundary_doc(True))["b"])
    run.start()
    assert run.s.timers[0].due_at.year == 2030
    run.advance(timedelta(days=13, hours=23))
    assert [t.element_id for t in run.s.user_tasks] == ["werk"]
