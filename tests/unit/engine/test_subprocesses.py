"""Call activities, embedded subprocesses, multi-instance (event subprocesses: see
test_event_subprocesses.py)."""

from __future__ import annotations

from datetime import timedelta

from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, compile_docs, deploy

ALL = [{"variables": "all"}]


def test_call_activity_variables_all_in_and_out(engine: SpiffEngine) -> None:
    child = (
        Diagram("kind")
        .start()
        .user_task("binnen")
        .script("bereken", "${x * 2}", "y")
        .end()
        .chain("start", "binnen", "bereken", "end")
    )
    parent = (
        Diagram("ouder")
        .start()
        .call("roep", "kind", ins=ALL, outs=ALL)
        .user_task("na")
        .end()
        .chain("start", "roep", "na", "end")
    )
    run = Run(engine, deploy(engine, parent, child)["ouder"])
    run.start({"x": 21})
    [task] = run.s.user_tasks
    assert (task.element_id, task.process_id) == ("binnen", "kind")
    run.complete("binnen")
    assert run.s.variables["y"] == 42
    assert [t.element_id for t in run.s.user_tasks] == ["na"]


def test_call_activity_without_mappings_passes_nothing(engine: SpiffEngine) -> None:
    """Camunda 7: without camunda:in / camunda:out the called process starts empty and the
    caller sees none of its variables (businessKey mapping is accepted, and changes nothing)."""
    child = (
        Diagram("kind")
        .start()
        .script("kijk", "${empty x}", "x_leeg")
        .user_task("binnen")
        .end()
        .chain("start", "kijk", "binnen", "end")
    )
    parent = (
        Diagram("ouder")
        .start()
        .call("roep", "kind", ins=[{"businessKey": "#{execution.processBusinessKey}"}])
        .user_task("na")
        .end()
        .chain("start", "roep", "na", "end")
    )
    run = Run(engine, deploy(engine, parent, child)["ouder"])
    run.start({"x": 21})
    # while it runs, the snapshot shows the child's variables over the caller's
    assert run.s.variables == {"x": 21, "x_leeg": True}
    run.complete("binnen", {"resultaat": "klaar"})
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables == {"x": 21}  # nothing mapped out: the caller's variables only
    # the called process did not see x
    kind_run = Run(engine, deploy(engine, child)["kind"])
    kind_run.start()
    assert kind_run.s.variables["x_leeg"] is True


def test_call_activity_source_target_and_expression(engine: SpiffEngine) -> None:
    child = (
        Diagram("kind")
        .start()
        .user_task("binnen")
        .script("bereken", "${a + b}", "som")
        .end()
        .chain("start", "binnen", "bereken", "end")
    )
    parent = (
        Diagram("ouder")
        .start()
        .call(
            "roep",
            "kind",
            ins=[
                {"source": "x", "target": "a"},
                {"sourceExpression": "${x * 10}", "target": "b"},
                {"source": "bestaat_niet", "target": "leeg"},
            ],
            outs=[
                {"source": "som", "target": "uitkomst"},
                {"sourceExpression": "${som > 100}", "target": "groot"},
            ],
        )
        .user_task("na")
        .end()
        .chain("start", "roep", "na", "end")
    )
    run = Run(engine, deploy(engine, parent, child)["ouder"])
    run.start({"x": 11, "geheim": "niet doorgeven"})
    run.complete("binnen", {"notitie": "blijft in het kind"})
    assert run.s.variables == {"x": 11, "geheim": "niet doorgeven", "uitkomst": 121, "groot": True}


def test_call_activity_mappings_seen_inside_the_called_process(engine: SpiffEngine) -> None:
    child = Diagram("kind").start().user_task("binnen").end().chain("start", "binnen", "end")
    parent = (
        Diagram("ouder")
        .start()
        .call("roep", "kind", ins=[{"source": "x", "target": "a"}], outs=ALL)
        .user_task("na")
        .end()
        .chain("start", "roep", "na", "end")
    )
    run = Run(engine, deploy(engine, parent, child)["ouder"])
    run.start({"x": 1, "y": 2})
    # a job in the child would get the child's variables only: check through a script
    run.complete("binnen", {"b": 3})
    assert run.s.variables == {"x": 1, "y": 2, "a": 1, "b": 3}


def test_call_activity_local_mappings_use_its_parameters(engine: SpiffEngine) -> None:
    """``local="true"``: only the call activity's input parameters go in; an output lands
    in the call activity's scope, for its output parameters."""
    child = Diagram("kind").start().user_task("binnen").end().chain("start", "binnen", "end")
    parent = (
        Diagram("ouder")
        .start()
        .call(
            "roep",
            "kind",
            ins=[{"variables": "all", "local": "true"}],
            outs=[{"source": "uit", "target": "tussen", "local": "true"}],
            inputs={"dubbel": "${x * 2}"},
            outputs={"eind": "${tussen + 1}"},
        )
        .user_task("na")
        .end()
        .chain("start", "roep", "na", "end")
    )
    run = Run(engine, deploy(engine, parent, child)["ouder"])
    run.start({"x": 4})
    run.complete("binnen", {"uit": 10})
    assert run.s.variables == {"x": 4, "eind": 11}


def test_call_activity_in_parallel_keeps_both_scopes(engine: SpiffEngine) -> None:
    child = Diagram("kind").start().user_task("binnen").end().chain("start", "binnen", "end")
    parent = (
        Diagram("ouder")
        .start()
        .gateway("f", "parallel")
        .call("roep", "kind", outs=[{"source": "uitkering", "target": "uitkering"}])
        .user_task("traject")
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "roep", "j")
        .chain("f", "traject", "j")
        .chain("j", "na", "end")
    )
    run = Run(engine, deploy(engine, parent, child)["ouder"])
    run.start({"stand": "begin"})
    run.complete("traject", {"stand": "deelname"})
    run.complete("binnen", {"uitkering": "toegekend", "stand": "van het kind"})
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables == {"stand": "deelname", "uitkering": "toegekend"}


def test_call_activity_mapping_refused_without_target(engine: SpiffEngine) -> None:
    child = Diagram("kind").start().end().chain("start", "end")
    parent = (
        Diagram("ouder")
        .start()
        .call("roep", "kind", ins=[{"source": "x"}])
        .end()
        .chain("start", "roep", "end")
    )
    result = compile_docs(engine, parent, child)
    assert result.refused
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.element_id == "roep" and "camunda:in" in problem.message


def test_call_activity_nested_two_levels(engine: SpiffEngine) -> None:
    kleinkind = Diagram("kleinkind").start().user_task("diep").end().chain("start", "diep", "end")
    kind = (
        Diagram("kind")
        .start()
        .call("roep2", "kleinkind", ins=ALL, outs=ALL)
        .end()
        .chain("start", "roep2", "end")
    )
    ouder = (
        Diagram("ouder")
        .start()
        .call("roep1", "kind", ins=ALL, outs=ALL)
        .end()
        .chain("start", "roep1", "end")
    )
    bundles = deploy(engine, ouder, kind, kleinkind)
    run = Run(engine, bundles["ouder"])
    run.start({"n": 1})
    [task] = run.s.user_tasks
    assert (task.element_id, task.process_id) == ("diep", "kleinkind")
    run.complete("diep", {"resultaat": "klaar"})
    assert run.done and run.s.variables["resultaat"] == "klaar"


def test_embedded_subprocess(engine: SpiffEngine) -> None:
    doc = (
        Diagram("e")
        .start()
        .subprocess(
            "intake",
            lambda d: d.start("s0").user_task("gesprek").end("s9").chain("s0", "gesprek", "s9"),
            name="Intake",
        )
        .user_task("na")
        .end()
        .chain("start", "intake", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["e"])
    run.start()
    assert [t.element_id for t in run.s.user_tasks] == ["gesprek"]
    run.complete("gesprek", {"verslag": "ok"})
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables["verslag"] == "ok"


def test_boundary_timer_on_subprocess(engine: SpiffEngine) -> None:
    doc = (
        Diagram("e")
        .start()
        .subprocess(
            "intake",
            lambda d: d.start("s0").user_task("gesprek").end("s9").chain("s0", "gesprek", "s9"),
        )
        .boundary("te_laat", "intake", timer=("timeDuration", "P7D"))
        .user_task("na")
        .user_task("escalatie")
        .end()
        .end("e2")
        .chain("start", "intake", "na", "end")
        .chain("te_laat", "escalatie", "e2")
    )
    run = Run(engine, deploy(engine, doc)["e"])
    run.start()
    run.advance(timedelta(days=8))
    assert [t.element_id for t in run.s.user_tasks] == ["escalatie"]


def mi_doc(cardinality: str, sequential: bool) -> Diagram:
    return (
        Diagram("mi")
        .start()
        .user_task("beoordeel", multi=cardinality, sequential=sequential)
        .user_task("na")
        .end()
        .chain("start", "beoordeel", "na", "end")
    )


def test_parallel_multi_instance_literal(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, mi_doc("3", False))["mi"])
    run.start()
    tasks = run.user_tasks("beoordeel")
    assert len(tasks) == 3
    for task in tasks:
        assert not run.user_tasks("na")
        run.complete_id(task.task_id)
    assert [t.element_id for t in run.s.user_tasks] == ["na"]


def test_sequential_multi_instance_expression(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, mi_doc("${n}", True))["mi"])
    run.start({"n": 2})
    for _ in range(2):
        assert len(run.user_tasks("beoordeel")) == 1
        run.complete("beoordeel")
    assert [t.element_id for t in run.s.user_tasks] == ["na"]


def test_subprocess_in_a_long_loop(engine: SpiffEngine) -> None:
    """History pruning must keep subprocesses and joins of later passes intact."""
    doc = (
        Diagram("l")
        .start()
        .gateway("merge")
        .subprocess(
            "ronde",
            lambda d: (
                d.start("s0")
                .gateway("f", "parallel")
                .user_task("a")
                .script("b", "${teller + 1}", "teller")
                .gateway("j", "parallel")
                .end("s9")
                .chain("s0", "f")
                .chain("f", "b", "j")
                .chain("f", "a", "j")
                .chain("j", "s9")
            ),
        )
        .gateway("klaar", default="f_terug")
        .end()
        .chain("start", "merge", "ronde", "klaar")
        .flow("klaar", "end", "${teller >= 60}")
        .flow("klaar", "merge", id="f_terug")
    )
    run = Run(engine, deploy(engine, doc)["l"])
    run.start({"teller": 0})
    for expected in range(1, 61):
        # b ran at once in each pass; its write is visible while a waits (process scope)
        assert run.s.variables["teller"] == expected
        # the branch that did not change teller does not undo b's write at the join
        run.complete("a")
    assert run.done and run.s.variables["teller"] == 60


def test_parallel_join_keeps_changes_of_every_branch(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .gateway("f", "parallel")
        .user_task("a")
        .script("b", "${teller + 1}", "teller")
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "b", "j")
        .chain("f", "a", "j")
        .chain("j", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["p"])
    run.start({"teller": 0})
    run.complete("a")
    assert run.s.variables["teller"] == 1
