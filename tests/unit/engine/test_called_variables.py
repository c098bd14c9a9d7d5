"""The snapshot's ``variables`` while a called process (call activity) runs: the caller's
variables with those of every running called process merged over them, the deepest one
winning. What flows between the processes still follows camunda:in / camunda:out."""

from __future__ import annotations

from datetime import timedelta

from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, deploy

ALL = [{"variables": "all"}]


def _kind(naam: str = "kind") -> Diagram:
    return (
        Diagram(naam)
        .start()
        .user_task("eerst")
        .user_task("dan")
        .end()
        .chain("start", "eerst", "dan", "end")
    )


def _ouder(ins: list[dict[str, str]], outs: list[dict[str, str]]) -> Diagram:
    return (
        Diagram("ouder")
        .start()
        .call("roep", "kind", ins=ins, outs=outs)
        .user_task("na")
        .end()
        .chain("start", "roep", "na", "end")
    )


def test_variables_of_a_running_called_process_are_visible(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, _ouder(ALL, ALL), _kind())["ouder"])
    run.start({"klant": "Jansen", "fase": "melding"})
    run.complete("eerst", {"klantgroep": "Matchen", "fase": "ambitiegesprek"})
    # still inside the called process: its writes show, over the caller's values
    assert [t.element_id for t in run.s.user_tasks] == ["dan"]
    assert run.s.variables == {
        "klant": "Jansen",
        "fase": "ambitiegesprek",
        "klantgroep": "Matchen",
    }
    run.complete("dan")
    assert run.s.variables == {"klant": "Jansen", "fase": "ambitiegesprek", "klantgroep": "Matchen"}


def test_out_mappings_still_decide_what_the_caller_keeps(engine: SpiffEngine) -> None:
    ouder = _ouder([{"source": "x", "target": "a"}], [{"source": "uitkomst", "target": "uit"}])
    run = Run(engine, deploy(engine, ouder, _kind())["ouder"])
    run.start({"x": 1, "geheim": "blijft bij de ouder"})
    run.complete("eerst", {"uitkomst": 7, "notitie": "van het kind"})
    # visible while the child runs (a view) ...
    assert run.s.variables == {
        "x": 1,
        "geheim": "blijft bij de ouder",
        "a": 1,
        "uitkomst": 7,
        "notitie": "van het kind",
    }
    run.complete("dan")
    # ... but only the mapped value reaches the caller
    assert run.s.variables == {"x": 1, "geheim": "blijft bij de ouder", "uit": 7}


def test_a_job_in_the_called_process_gets_only_its_own_variables(engine: SpiffEngine) -> None:
    kind = (
        Diagram("kind")
        .start()
        .external("vraag", "partner.vragen")
        .end()
        .chain("start", "vraag", "end")
    )
    run = Run(engine, deploy(engine, _ouder([{"source": "x", "target": "a"}], []), kind)["ouder"])
    run.start({"x": 1, "geheim": "niet voor de partner"})
    assert run.job("vraag").variables == {"a": 1}
    assert run.s.variables == {"x": 1, "geheim": "niet voor de partner", "a": 1}


def test_the_deepest_running_process_wins(engine: SpiffEngine) -> None:
    kleinkind = _kind("kleinkind")
    kind = (
        Diagram("kind")
        .start()
        .script("zet", "${'kind'}", "wie")
        .call("roep2", "kleinkind", ins=ALL, outs=ALL)
        .user_task("na_kleinkind")
        .end()
        .chain("start", "zet", "roep2", "na_kleinkind", "end")
    )
    ouder = (
        Diagram("ouder")
        .start()
        .call("roep1", "kind", ins=ALL, outs=[])
        .user_task("na")
        .end()
        .chain("start", "roep1", "na", "end")
    )
    run = Run(engine, deploy(engine, ouder, kind, kleinkind)["ouder"])
    run.start({"wie": "ouder", "n": 1})
    assert run.s.variables == {"wie": "kind", "n": 1}
    run.complete("eerst", {"wie": "kleinkind", "diep": True})
    assert run.s.variables == {"wie": "kleinkind", "n": 1, "diep": True}
    run.complete("dan")
    # the grandchild is done and mapped everything out into the child
    assert [t.element_id for t in run.s.user_tasks] == ["na_kleinkind"]
    assert run.s.variables == {"wie": "kleinkind", "n": 1, "diep": True}
    run.complete("na_kleinkind")
    # the child maps nothing out: the caller's own variables are left
    assert run.s.variables == {"wie": "ouder", "n": 1}


def test_parallel_called_processes_both_show(engine: SpiffEngine) -> None:
    links = Diagram("links").start().user_task("l").end().chain("start", "l", "end")
    rechts = Diagram("rechts").start().user_task("r").end().chain("start", "r", "end")
    ouder = (
        Diagram("ouder")
        .start()
        .gateway("f", "parallel")
        .call("roep_l", "links", outs=[{"source": "uitkering", "target": "uitkering"}])
        .call("roep_r", "rechts", outs=[])
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "roep_l", "j")
        .chain("f", "roep_r", "j")
        .chain("j", "na", "end")
    )
    run = Run(engine, deploy(engine, ouder, links, rechts)["ouder"])
    run.start({"stand": "begin"})
    run.complete("l", {"uitkering": "toegekend"})
    assert run.s.variables == {"stand": "begin", "uitkering": "toegekend"}
    run.complete("r", {"traject": "werkfit"})
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables == {"stand": "begin", "uitkering": "toegekend"}


def test_interrupted_called_process_disappears_from_the_view(engine: SpiffEngine) -> None:
    ouder = (
        Diagram("ouder")
        .start()
        .call("roep", "kind", ins=ALL, outs=ALL)
        .boundary("te_laat", "roep", timer=("timeDuration", "P7D"))
        .user_task("na")
        .user_task("escalatie")
        .end()
        .end("e2")
        .chain("start", "roep", "na", "end")
        .chain("te_laat", "escalatie", "e2")
    )
    run = Run(engine, deploy(engine, ouder, _kind())["ouder"])
    run.start({"x": 1})
    run.complete("eerst", {"half": "af"})
    assert run.s.variables == {"x": 1, "half": "af"}
    run.advance(timedelta(days=8))
    assert [t.element_id for t in run.s.user_tasks] == ["escalatie"]
    assert run.s.variables == {"x": 1}


def test_an_unchanged_copy_does_not_hide_a_later_write_of_the_caller(
    engine: SpiffEngine,
) -> None:
    ouder = (
        Diagram("ouder")
        .start()
        .gateway("f", "parallel")
        .call("roep", "kind", ins=ALL, outs=[])
        .user_task("traject")
        .gateway("j", "parallel")
        .end()
        .chain("start", "f")
        .chain("f", "roep", "j")
        .chain("f", "traject", "j")
        .chain("j", "end")
    )
    run = Run(engine, deploy(engine, ouder, _kind())["ouder"])
    run.start({"verzuimen": 0})
    run.complete("traject", {"verzuimen": 2})
    # the called process still holds the 0 it was given: the caller's 2 shows
    assert run.s.variables["verzuimen"] == 2
    run.complete("eerst", {"verzuimen": 5})
    # now the called process wrote it itself: the deepest running process wins
    assert run.s.variables["verzuimen"] == 5
