"""Event subprocesses (``triggeredByEvent="true"``): started with their scope, listed while
they wait, interrupting or not, through save/restore between every step."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest

from orchestrator.domain.errors import BpmnErrorRaised
from orchestrator.domain.runtime import InstanceSnapshot
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, compile_docs, deploy
from tests.unit.engine.test_determinism import UUID


def ids(run: Run) -> list[str]:
    return sorted(t.element_id for t in run.s.user_tasks)


def event_sub(
    trigger: dict[str, Any],
    *,
    interrupting: bool = True,
    steps: Callable[[Diagram], Diagram] | None = None,
) -> Callable[[Diagram], Diagram]:
    """Builds an event subprocess: start event ``es0`` (``trigger``), user task ``afsluiten``,
    end ``es9``."""

    def build(d: Diagram) -> Diagram:
        d.start("es0", interrupting=interrupting, **trigger)
        if steps is not None:
            return steps(d)
        return (
            d.user_task("afsluiten", groups="afhandelaars")
            .end("es9")
            .chain("es0", "afsluiten", "es9")
        )

    return build


def process(
    trigger: dict[str, Any],
    *,
    interrupting: bool = True,
    main: str = "werk",
    steps: Callable[[Diagram], Diagram] | None = None,
) -> Diagram:
    """``start -> werk (user task) -> end`` with event subprocess ``afmelden``."""
    return (
        Diagram("es")
        .start()
        .user_task(main)
        .end()
        .chain("start", main, "end")
        .subprocess(
            "afmelden", event_sub(trigger, interrupting=interrupting, steps=steps), event=True
        )
    )


def test_completes_normally_when_no_event_fires(engine: SpiffEngine) -> None:
    doc = (
        Diagram("es")
        .start()
        .user_task("werk")
        .end()
        .chain("start", "werk", "end")
        .subprocess("op_tijd", event_sub({"timer": ("timeDuration", "P7D")}), event=True)
        .subprocess(
            "bericht", event_sub({"message": "klant_afgemeld"}, interrupting=False), event=True
        )
    )
    run = Run(engine, deploy(engine, doc)["es"])
    run.start({"x": 1})
    assert ids(run) == ["werk"]
    assert [t.element_id for t in run.s.timers] == ["es0"]
    assert [m.element_id for m in run.s.subscriptions] == ["es0"]
    # a waiting event subprocess is no activity yet
    assert run.s.current_elements == ("werk",)
    run.complete("werk", {"klaar": True})
    assert run.done
    assert not run.s.timers and not run.s.subscriptions and not run.s.user_tasks
    assert run.s.variables == {"x": 1, "klaar": True}


def test_interrupting_timer(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, process({"timer": ("timeDuration", "P7D")}))["es"])
    run.start()
    [timer] = run.s.timers
    assert timer.element_id == "es0"
    assert timer.due_at == run.clock.now() + timedelta(days=7)
    run.advance(timedelta(days=6))
    assert ids(run) == ["werk"]
    run.advance(timedelta(days=2))
    assert ids(run) == ["afsluiten"]
    assert not run.s.timers
    run.complete("afsluiten")
    assert run.done and not run.ran("werk")


def test_non_interrupting_timer(engine: SpiffEngine) -> None:
    doc = process({"timer": ("timeDuration", "P7D")}, interrupting=False)
    run = Run(engine, deploy(engine, doc)["es"])
    run.start()
    run.advance(timedelta(days=8))
    assert ids(run) == ["afsluiten", "werk"]
    assert not run.s.timers  # a duration fires once
    run.complete("werk")
    assert not run.done  # the event subprocess still runs
    assert ids(run) == ["afsluiten"]
    run.complete("afsluiten")
    assert run.done


def test_non_interrupting_timer_cycle_fires_every_period(engine: SpiffEngine) -> None:
    doc = process({"timer": ("timeCycle", "R3/P6M")}, interrupting=False)
    run = Run(engine, deploy(engine, doc)["es"])
    start = run.clock.now()
    run.start()
    [timer] = run.s.timers
    assert timer.due_at == start.replace(month=9)
    run.advance(timedelta(days=190))
    assert ids(run) == ["afsluiten", "werk"]
    [timer] = run.s.timers
    assert timer.due_at == start.replace(year=start.year + 1, month=3)
    run.complete("afsluiten")
    run.advance(timedelta(days=190))
    assert ids(run) == ["afsluiten", "werk"]
    # a scheduler that was down fires the missed period too; R3: no fourth firing
    run.clock.advance(timedelta(days=200))
    run.advance(timedelta(0))
    assert ids(run) == ["afsluiten", "afsluiten", "werk"]
    assert not run.s.timers
    run.complete("werk")
    for task in run.user_tasks("afsluiten"):
        assert not run.done
        run.complete_id(task.task_id)
    assert run.done


def test_interrupting_message(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, process({"message": "klant_afgemeld"}))["es"])
    run.start({"klant": "A"})
    [sub] = run.s.subscriptions
    assert (sub.element_id, sub.message_name) == ("es0", "klant_afgemeld")
    run.message("es0", {"reden": "verhuisd"})
    assert ids(run) == ["afsluiten"]
    task = run.user_task("afsluiten")
    assert (task.candidate_groups, task.process_id) == (("afhandelaars",), "afmelden")
    assert not run.s.subscriptions
    assert run.s.variables == {"klant": "A", "reden": "verhuisd"}
    run.complete("afsluiten")
    assert run.done


def test_non_interrupting_message_can_fire_again(engine: SpiffEngine) -> None:
    doc = process({"message": "adres_gewijzigd"}, interrupting=False)
    run = Run(engine, deploy(engine, doc)["es"])
    run.start()
    run.message("es0", {"adres": "Straat 1"})
    assert ids(run) == ["afsluiten", "werk"]
    assert [m.element_id for m in run.s.subscriptions] == ["es0"]  # re-armed
    run.message("es0", {"adres": "Straat 2"})
    assert ids(run) == ["afsluiten", "afsluiten", "werk"]
    assert run.s.variables["adres"] == "Straat 2"
    run.complete("werk", {"besluit": "ok"})
    # as in Camunda, the scope (and its subscription) lives while an event subprocess runs
    assert [m.element_id for m in run.s.subscriptions] == ["es0"]
    for task in run.user_tasks("afsluiten"):
        assert not run.done
        run.complete_id(task.task_id)
    assert run.done and run.s.variables["besluit"] == "ok"
    assert not run.s.subscriptions


def test_error_from_job(engine: SpiffEngine) -> None:
    doc = (
        Diagram("es")
        .start()
        .external("toets", "toetsing")
        .end()
        .chain("start", "toets", "end")
        .subprocess("fout", event_sub({"error": "GEEN_RECHT"}), event=True)
    )
    run = Run(engine, deploy(engine, doc)["es"])
    run.start()
    assert not run.s.subscriptions and not run.s.timers  # an error start is no subscription
    run.job_error("toets", "GEEN_RECHT", "geen recht", {"detail": "inkomen"})
    assert not run.s.jobs
    assert ids(run) == ["afsluiten"]
    assert run.s.variables["errorCode"] == "GEEN_RECHT"
    assert run.s.variables["detail"] == "inkomen"
    run.complete("afsluiten")
    assert run.done


def test_error_code_beats_catch_all_and_unknown_code_is_raised(engine: SpiffEngine) -> None:
    def doc(*subprocesses: tuple[str, str, str]) -> Diagram:
        d = Diagram("es").start().external("toets", "toetsing").end().chain("start", "toets", "end")
        for sub_id, code, task in subprocesses:
            d.subprocess(
                sub_id,
                lambda e, c=code, t=task: (
                    e.start(f"{t}0", error=c).user_task(t).end(f"{t}9").chain(f"{t}0", t, f"{t}9")
                ),
                event=True,
            )
        return d

    bundle = deploy(engine, doc(("alles", "", "algemeen"), ("fout", "GEEN_RECHT", "gericht")))
    for code, expected in (("GEEN_RECHT", "gericht"), ("IETS_ANDERS", "algemeen")):
        run = Run(engine, bundle["es"])
        run.start()
        run.job_error("toets", code)
        assert ids(run) == [expected]
    run = Run(engine, deploy(engine, doc(("fout", "GEEN_RECHT", "gericht")))["es"])
    run.start()
    with pytest.raises(BpmnErrorRaised):
        run.job_error("toets", "IETS_ANDERS")
    assert [j.element_id for j in run.s.jobs] == ["toets"]


def test_error_end_event(engine: SpiffEngine) -> None:
    doc = (
        Diagram("es")
        .start()
        .user_task("werk")
        .gateway("ok", default="f_goed")
        .end()
        .end("fout_eind", error="AFGEWEZEN")
        .chain("start", "werk", "ok")
        .flow("ok", "end", id="f_goed")
        .flow("ok", "fout_eind", "${!akkoord}")
        .subprocess("fout", event_sub({"error": "AFGEWEZEN"}), event=True)
    )
    bundle = deploy(engine, doc)["es"]
    run = Run(engine, bundle)
    run.start()
    run.complete("werk", {"akkoord": False})
    assert ids(run) == ["afsluiten"]
    run.complete("afsluiten")
    assert run.done
    good = Run(engine, bundle)
    good.start()
    good.complete("werk", {"akkoord": True})
    assert good.done and not good.ran("afsluiten")


def test_error_in_embedded_subprocess_caught_by_its_event_subprocess(
    engine: SpiffEngine,
) -> None:
    """The event subprocess of the embedded subprocess (its scope) catches the error before
    the one of the process; the process then goes on after the embedded subprocess."""
    doc = (
        Diagram("es")
        .start()
        .subprocess(
            "intake",
            lambda d: (
                d.start("s0")
                .external("toets", "t")
                .end("s9")
                .chain("s0", "toets", "s9")
                .subprocess(
                    "intake_fout",
                    lambda e: (
                        e.start("i0", error="F")
                        .user_task("herstel")
                        .end("i9")
                        .chain("i0", "herstel", "i9")
                    ),
                    event=True,
                )
            ),
        )
        .user_task("na")
        .end()
        .chain("start", "intake", "na", "end")
        .subprocess("fout", event_sub({"error": "F"}), event=True)
    )
    run = Run(engine, deploy(engine, doc)["es"])
    run.start()
    run.job_error("toets", "F")
    assert ids(run) == ["herstel"]
    run.complete("herstel")
    assert ids(run) == ["na"]
    run.complete("na")
    assert run.done


def test_timer_event_subprocess_inside_embedded_subprocess(engine: SpiffEngine) -> None:
    """The scope is the embedded subprocess: it is interrupted, the process is not, and
    its timer is gone once the embedded subprocess completes."""
    doc = (
        Diagram("es")
        .start()
        .gateway("f", "parallel")
        .subprocess(
            "intake",
            lambda d: (
                d.start("s0")
                .user_task("gesprek")
                .end("s9")
                .chain("s0", "gesprek", "s9")
                .subprocess(
                    "te_laat",
                    lambda e: (
                        e.start("t0", timer=("timeDuration", "P3D"))
                        .user_task("rappel")
                        .end("t9")
                        .chain("t0", "rappel", "t9")
                    ),
                    event=True,
                )
            ),
        )
        .user_task("parallel_werk")
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "intake", "j")
        .chain("f", "parallel_werk", "j")
        .chain("j", "na", "end")
    )
    bundle = deploy(engine, doc)["es"]
    run = Run(engine, bundle)
    run.start()
    assert ids(run) == ["gesprek", "parallel_werk"]
    run.advance(timedelta(days=4))
    assert ids(run) == ["parallel_werk", "rappel"]
    run.complete("rappel")
    assert ids(run) == ["parallel_werk"]
    run.complete("parallel_werk")
    assert ids(run) == ["na"]
    on_time = Run(engine, bundle)
    on_time.start()
    on_time.complete("gesprek")
    assert not on_time.s.timers
    assert ids(on_time) == ["parallel_werk"]


def test_signal_and_escalation(engine: SpiffEngine) -> None:
    signal = process({"signal": "wetswijziging"}, interrupting=False)
    run = Run(engine, deploy(engine, signal)["es"])
    run.start()
    run.signal("wetswijziging")
    assert ids(run) == ["afsluiten", "werk"]
    escalation = (
        Diagram("esc")
        .start()
        .throw("meld", escalation="LANG")
        .user_task("werk")
        .end()
        .chain("start", "meld", "werk", "end")
        .subprocess("afmelden", event_sub({"escalation": "LANG"}, interrupting=False), event=True)
    )
    run = Run(engine, deploy(engine, escalation)["esc"])
    run.start()
    assert ids(run) == ["afsluiten", "werk"]
    run.complete("werk")
    run.complete("afsluiten")
    assert run.done


def shape(snapshot: InstanceSnapshot) -> Any:
    """The snapshot by structure: tasks (of the process and every subprocess) by element,
    state, data and internal data; task ids and change times left out."""
    state = json.loads(snapshot.state)
    workflows = [state, *state["subprocesses"].values()]
    tasks = sorted(
        json.dumps(
            [t["task_spec"], t["state"], t["data"], t["internal_data"]], sort_keys=True, default=str
        )
        for wf in workflows
        for t in wf["tasks"].values()
    )
    rest = {k: v for k, v in asdict(snapshot).items() if k != "state"}
    return tasks, UUID.sub("<id>", json.dumps(rest, sort_keys=True, default=str))


@pytest.mark.parametrize("interrupting", [True, False])
def test_deterministic_across_save_restore(engine: SpiffEngine, interrupting: bool) -> None:
    """The same input on the same state gives the same snapshot, whichever engine (and
    cache) restores it."""
    bundle = deploy(engine, process({"message": "m"}, interrupting=interrupting))["es"]
    run = Run(engine, bundle)
    run.start()
    sub = run.subscription("es0")
    one = engine.correlate_message(bundle, run.state, sub.task_id, "m", {"n": 1})
    two = SpiffEngine(engine.clock).correlate_message(bundle, run.state, sub.task_id, "m", {"n": 1})
    assert shape(one) == shape(two)
    run.message("es0", {"n": 1})
    [task] = run.user_tasks("afsluiten")
    three = engine.complete_user_task(bundle, run.state, task.task_id, {})
    four = SpiffEngine(engine.clock).complete_user_task(bundle, run.state, task.task_id, {})
    assert shape(three) == shape(four)
    assert three.status == four.status


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ({"timer": ("timeDuration", "P1D")}, None),
        ({}, "needs a trigger"),
        ({"error": "F", "interrupting": False}, "always interrupts"),
    ],
)
def test_refusals(engine: SpiffEngine, start: dict[str, Any], expected: str | None) -> None:
    doc = (
        Diagram("es")
        .start()
        .user_task("werk")
        .end()
        .chain("start", "werk", "end")
        .subprocess(
            "afmelden",
            lambda d: d.start("es0", **start).user_task("x").end("es9").chain("es0", "x", "es9"),
            event=True,
        )
    )
    result = compile_docs(engine, doc)
    errors = [p for p in result.problems if p.severity == "error"]
    if expected is None:
        assert not errors
        return
    [problem] = errors
    assert problem.element_id == "afmelden" and expected in problem.message


def test_conditional_event_subprocess_refused(engine: SpiffEngine) -> None:
    doc = (
        Diagram("es")
        .start()
        .user_task("werk")
        .end()
        .chain("start", "werk", "end")
        .subprocess(
            "afmelden",
            lambda d: (
                d.raw(
                    "es0",
                    '<bpmn:startEvent id="es0">{inner}<bpmn:conditionalEventDefinition>'
                    '<bpmn:condition xsi:type="bpmn:tFormalExpression">${x &gt; 1}</bpmn:condition>'
                    "</bpmn:conditionalEventDefinition></bpmn:startEvent>",
                    "event",
                )
                .user_task("x")
                .end("es9")
                .chain("es0", "x", "es9")
            ),
            event=True,
        )
    )
    result = compile_docs(engine, doc)
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.element_id == "afmelden"
    assert "conditional event subprocess is not supported" in problem.message


@pytest.mark.parametrize("interrupting", [True, False])
def test_long_loop_beside_event_subprocess(engine: SpiffEngine, interrupting: bool) -> None:
    """History pruning keeps the event subprocess branches (hung under the root) and the
    state short; the event subprocess still fires, re-arms and interrupts afterwards."""
    doc = (
        Diagram("l")
        .start()
        .gateway("merge")
        .user_task("a")
        .gateway("klaar", default="f_terug")
        .end()
        .chain("start", "merge", "a", "klaar")
        .flow("klaar", "end", "${teller >= 150}")
        .flow("klaar", "merge", id="f_terug")
        .subprocess("afm", event_sub({"message": "stop"}, interrupting=interrupting), event=True)
    )
    run = Run(engine, deploy(engine, doc)["l"])
    run.start({"teller": 0})
    sizes = {}
    for i in range(1, 121):
        run.complete("a", {"teller": i})
        sizes[i] = len(run.state)
    # pruned: the state does not grow with the loop (it saws between prunings)
    assert max(sizes[i] for i in range(61, 121)) < max(sizes[i] for i in range(1, 61)) * 1.1
    run.message("es0")
    if interrupting:
        assert ids(run) == ["afsluiten"]
        run.complete("afsluiten")
        assert run.done and run.s.variables["teller"] == 120
        return
    assert ids(run) == ["a", "afsluiten"]
    run.message("es0")
    for i in range(121, 151):
        run.complete("a", {"teller": i})
    assert not run.done and ids(run) == ["afsluiten", "afsluiten"]
    assert [m.element_id for m in run.s.subscriptions] == ["es0"]
    for task in run.user_tasks("afsluiten"):
        run.complete_id(task.task_id)
    assert run.done and not run.s.subscriptions
