"""Gateways, loops, terminate, script tasks and expression failures."""

from __future__ import annotations

import json

import pytest

from orchestrator.domain.runtime import InstanceStatus
from orchestrator.engine.contract import EngineFailure
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, deploy


def exclusive() -> Diagram:
    return (
        Diagram("x")
        .start()
        .gateway("g", default="f_anders")
        .user_task("matchen")
        .user_task("groeien")
        .user_task("anders")
        .end("e1")
        .end("e2")
        .end("e3")
        .flow("start", "g")
        .flow("g", "matchen", "${score >= 5 && !fraude}")
        .flow("g", "groeien", "${klantgroep == 'Groeien'}")
        .flow("g", "anders", id="f_anders")
        .flow("matchen", "e1")
        .flow("groeien", "e2")
        .flow("anders", "e3")
    )


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"score": 7, "fraude": False, "klantgroep": "Groeien"}, "matchen"),
        ({"score": 2, "fraude": False, "klantgroep": "Groeien"}, "groeien"),
        ({"score": 9, "fraude": True, "klantgroep": "Matchen"}, "anders"),
    ],
)
def test_exclusive_gateway_with_default(
    engine: SpiffEngine, variables: dict[str, object], expected: str
) -> None:
    run = Run(engine, deploy(engine, exclusive())["x"])
    run.start(variables)
    assert [t.element_id for t in run.s.user_tasks] == [expected]


def test_gateway_condition_error_names_element_and_keeps_state(engine: SpiffEngine) -> None:
    doc = (
        Diagram("x")
        .start()
        .user_task("a")
        .gateway("g", default="f_b")
        .task("b")
        .task("c")
        .end("e1")
        .end("e2")
        .chain("start", "a", "g")
        .flow("g", "c", "${onbekend > 3}", id="f_c")
        .flow("g", "b", id="f_b")
        .flow("b", "e1")
        .flow("c", "e2")
    )
    run = Run(engine, deploy(engine, doc)["x"])
    run.start()
    before = run.state
    with pytest.raises(EngineFailure) as caught:
        run.complete("a")
    assert caught.value.element_id in ("g", "f_c")
    assert "onbekend" in caught.value.message and "${onbekend > 3}" in caught.value.message
    # the caller keeps the previous state, which still has the task open
    assert run.state == before
    run.complete("a", {"onbekend": 5})
    assert run.done and run.ran("c")


def test_inclusive_gateway(engine: SpiffEngine) -> None:
    doc = (
        Diagram("i")
        .start()
        .gateway("split", "inclusive", default="f_d")
        .user_task("a")
        .user_task("b")
        .user_task("d")
        .gateway("join", "inclusive")
        .end()
        .flow("start", "split")
        .flow("split", "a", "${x > 1}")
        .flow("split", "b", "${x > 2}")
        .flow("split", "d", id="f_d")
        .chain("a", "join")
        .chain("b", "join")
        .chain("d", "join")
        .chain("join", "end")
    )
    bundle = deploy(engine, doc)["i"]
    run = Run(engine, bundle)
    run.start({"x": 5})
    assert sorted(t.element_id for t in run.s.user_tasks) == ["a", "b"]
    run.complete("a")
    assert not run.done
    run.complete("b")
    assert run.done
    other = Run(engine, bundle)
    other.start({"x": 2})
    assert [t.element_id for t in other.s.user_tasks] == ["a"]
    other.complete("a")
    assert other.done
    fallback = Run(engine, bundle)
    fallback.start({"x": 0})
    assert [t.element_id for t in fallback.s.user_tasks] == ["d"]


def test_parallel_join_waits_for_all_branches(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .gateway("fork", "parallel")
        .user_task("a")
        .user_task("b")
        .external("c", "uwv.check")
        .gateway("join", "parallel")
        .user_task("na")
        .end()
        .chain("start", "fork")
        .chain("fork", "a", "join")
        .chain("fork", "b", "join")
        .chain("fork", "c", "join")
        .chain("join", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["p"])
    run.start()
    assert sorted(t.element_id for t in run.s.user_tasks) == ["a", "b"]
    assert [j.element_id for j in run.s.jobs] == ["c"]
    run.complete("b", {"vb": 1})
    run.complete_job("c", {"vc": 2})
    assert not run.user_tasks("na")
    run.complete("a", {"va": 3})
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    run.complete("na")
    assert run.done
    assert {"va": 3, "vb": 1, "vc": 2}.items() <= run.s.variables.items()


def test_terminate_end_event_ends_other_branches(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .gateway("fork", "parallel")
        .user_task("a")
        .user_task("b")
        .end("stop", terminate=True)
        .end()
        .chain("start", "fork")
        .chain("fork", "a", "stop")
        .chain("fork", "b", "end")
    )
    run = Run(engine, deploy(engine, doc)["t"])
    run.start()
    run.complete("a")
    assert run.done and not run.s.user_tasks


def test_terminate_api(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .user_task("a")
        .boundary("bt", "a", timer=("timeDuration", "P1D"))
        .end()
        .end("e2")
        .chain("start", "a", "end")
        .flow("bt", "e2")
    )
    run = Run(engine, deploy(engine, doc)["t"])
    run.start({"x": 1})
    snap = run.terminate()
    assert snap.status == InstanceStatus.TERMINATED
    assert not snap.user_tasks and not snap.timers and snap.variables["x"] == 1
    json.loads(snap.state)


def test_script_task_juel_with_result_variable(engine: SpiffEngine) -> None:
    doc = (
        Diagram("s")
        .start()
        .script("reken", "${uren * tarief}", "bedrag")
        .script("tekst", "${empty naam ? 'onbekend' : naam}", "label")
        .user_task("a")
        .end()
        .chain("start", "reken", "tekst", "a", "end")
    )
    run = Run(engine, deploy(engine, doc)["s"])
    run.start({"uren": 3, "tarief": 20, "naam": ""})
    assert run.s.variables["bedrag"] == 60
    assert run.s.variables["label"] == "onbekend"


def test_script_task_failure_is_engine_failure(engine: SpiffEngine) -> None:
    doc = (
        Diagram("s")
        .start()
        .user_task("a")
        .script("reken", "${uren * tarief}", "bedrag")
        .end()
        .chain("start", "a", "reken", "end")
    )
    run = Run(engine, deploy(engine, doc)["s"])
    run.start()
    with pytest.raises(EngineFailure) as caught:
        run.complete("a", {"uren": 1})
    assert caught.value.element_id == "reken"


def test_user_task_loop_completed_many_times(engine: SpiffEngine) -> None:
    """A gateway loop around a user task: the depth-1000 walk must not stall it."""
    doc = (
        Diagram("lus")
        .start()
        .gateway("merge")
        .user_task("gesprek")
        .script("tel", "${teller + 1}", "teller")
        .gateway("klaar", default="f_terug")
        .end()
        .chain("start", "merge", "gesprek", "tel", "klaar")
        .flow("klaar", "end", "${teller >= 400}")
        .flow("klaar", "merge", id="f_terug")
    )
    run = Run(engine, deploy(engine, doc)["lus"])
    run.start({"teller": 0})
    for expected in range(400):
        assert run.s.variables["teller"] == expected
        run.complete("gesprek")
    assert run.done and run.s.variables["teller"] == 400
    # finished history is pruned: the state of pass 400 is no bigger than that of pass 60
    assert len(run.history[400].state) < len(run.history[60].state) * 1.2
    assert len(run.history[400].state) < 40_000


def test_script_counter_loop_of_1000_passes(engine: SpiffEngine) -> None:
    doc = (
        Diagram("lus")
        .start()
        .gateway("merge")
        .script("tel", "${teller + 1}", "teller")
        .gateway("klaar", default="f_terug")
        .user_task("na")
        .end()
        .chain("start", "merge", "tel", "klaar")
        .flow("klaar", "na", "${teller >= 1000}")
        .flow("klaar", "merge", id="f_terug")
        .chain("na", "end")
    )
    run = Run(engine, deploy(engine, doc)["lus"])
    run.start({"teller": 0})
    assert run.s.variables["teller"] == 1000
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.completed_elements.count("tel") == 1000
    assert len(run.state) < 40_000
    run.complete("na")
    assert run.done
