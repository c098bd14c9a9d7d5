"""Process-scoped variables (Camunda 7): every branch sees every write at once, and joins
keep the writes of every branch; of two writes to one variable the later one wins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, deploy


def two_users(kind: str = "parallel") -> Diagram:
    """fork -> a | b -> join -> na"""
    cond = "${true}" if kind == "inclusive" else None
    return (
        Diagram("p")
        .start()
        .gateway("f", kind)
        .user_task("a")
        .user_task("b")
        .gateway("j", kind)
        .user_task("na")
        .end()
        .chain("start", "f")
        .flow("f", "a", cond)
        .flow("f", "b", cond)
        .chain("a", "j")
        .chain("b", "j")
        .chain("j", "na", "end")
    )


@pytest.mark.parametrize("kind", ["parallel", "inclusive"])
def test_join_keeps_different_variables_of_both_branches(engine: SpiffEngine, kind: str) -> None:
    run = Run(engine, deploy(engine, two_users(kind))["p"])
    run.start({"x": 0, "y": 0})
    run.complete("a", {"x": 1})
    run.complete("b", {"y": 2})
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables == {"x": 1, "y": 2}


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_conflicting_writes_last_writer_wins(engine: SpiffEngine, order: tuple[str, str]) -> None:
    run = Run(engine, deploy(engine, two_users())["p"])
    run.start({"x": 0})
    first, last = order
    run.complete(first, {"x": first})
    run.complete(last, {"x": last})
    assert run.s.variables["x"] == last


def test_earlier_write_of_a_branch_that_arrives_last_does_not_win(engine: SpiffEngine) -> None:
    """Branch a writes x, then waits; branch b writes x later and reaches the join first.
    Camunda keeps the later write (b's), whatever the order of arrival at the join."""
    doc = (
        Diagram("p")
        .start()
        .gateway("f", "parallel")
        .user_task("a1")
        .user_task("a2")
        .user_task("b")
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "a1", "a2", "j")
        .chain("f", "b", "j")
        .chain("j", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["p"])
    run.start({"x": 0})
    run.complete("a1", {"x": "a"})
    run.complete("b", {"x": "b"})
    assert run.s.variables["x"] == "b"
    run.complete("a2")
    assert run.s.variables["x"] == "b"


def test_write_in_one_branch_is_visible_to_a_waiting_branch(engine: SpiffEngine) -> None:
    """A decision taken in branch b steers a gateway in branch a after a's user task."""
    doc = (
        Diagram("p")
        .start()
        .gateway("f", "parallel")
        .user_task("a")
        .gateway("keuze", default="f_nee")
        .user_task("ja")
        .user_task("nee")
        .user_task("b")
        .end("e1")
        .end("e2")
        .end("e3")
        .chain("start", "f")
        .chain("f", "a", "keuze")
        .chain("f", "b", "e3")
        .flow("keuze", "ja", "${besluit == 'toegekend'}")
        .flow("keuze", "nee", id="f_nee")
        .chain("ja", "e1")
        .chain("nee", "e2")
    )
    run = Run(engine, deploy(engine, doc)["p"])
    run.start()
    run.complete("b", {"besluit": "toegekend"})
    assert run.s.variables["besluit"] == "toegekend"
    run.complete("a")
    assert [t.element_id for t in run.s.user_tasks] == ["ja"]


def test_write_reaches_a_branch_waiting_at_a_timer(engine: SpiffEngine) -> None:
    """SpiffWorkflow re-reads a waiting event's data from its parent on every refresh."""
    doc = (
        Diagram("p")
        .start()
        .gateway("f", "parallel")
        .catch("wacht", timer=("timeDuration", "P7D"))
        .script("s", "${teller + 1}", "teller")
        .user_task("b")
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "wacht", "s", "j")
        .chain("f", "b", "j")
        .chain("j", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["p"])
    run.start({"teller": 0})
    run.complete("b", {"teller": 10})
    run.advance(timedelta(days=8))
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables["teller"] == 11


def test_join_does_not_mix_lists_of_branches(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, two_users())["p"])
    run.start({"stukken": ["id"], "notities": ["x"]})
    run.complete("a", {"stukken": ["loonstrook", "contract"]})
    run.complete("b", {"notities": []})
    assert run.s.variables == {"stukken": ["loonstrook", "contract"], "notities": []}


def test_embedded_subprocess_shares_the_process_scope(engine: SpiffEngine) -> None:
    """A write inside an embedded subprocess is a process variable at once (and the other
    way round), and both survive the join after it."""
    doc = (
        Diagram("p")
        .start()
        .gateway("f", "parallel")
        .subprocess(
            "sub",
            lambda d: (
                d.start("s0")
                .user_task("binnen")
                .script("kijk", "${buiten}", "gezien")
                .end("s9")
                .chain("s0", "binnen", "kijk", "s9")
            ),
        )
        .user_task("buiten_taak")
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "sub", "j")
        .chain("f", "buiten_taak", "j")
        .chain("j", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["p"])
    run.start()
    run.complete("buiten_taak", {"buiten": "van buiten"})
    assert run.s.variables["buiten"] == "van buiten"
    run.complete("binnen", {"binnen_waarde": 1})
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables == {"buiten": "van buiten", "gezien": "van buiten", "binnen_waarde": 1}


def test_snapshot_variables_show_writes_inside_embedded_subprocess(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .subprocess(
            "sub",
            lambda d: (
                d.start("s0")
                .user_task("een")
                .user_task("twee")
                .end("s9")
                .chain("s0", "een", "twee", "s9")
            ),
        )
        .end()
        .chain("start", "sub", "end")
    )
    run = Run(engine, deploy(engine, doc)["p"])
    run.start({"x": 0})
    run.complete("een", {"x": 1})
    assert run.s.variables == {"x": 1}


def test_parallel_multi_instance_keeps_instance_variables_local(engine: SpiffEngine) -> None:
    doc = (
        Diagram("mi")
        .start()
        .gateway("f", "parallel")
        .user_task("beoordeel", multi="2")
        .user_task("b")
        .gateway("j", "parallel")
        .user_task("na")
        .end()
        .chain("start", "f")
        .chain("f", "beoordeel", "j")
        .chain("f", "b", "j")
        .chain("j", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["mi"])
    run.start()
    run.complete("b", {"van_b": True})
    for task in run.user_tasks("beoordeel"):
        run.complete_id(task.task_id)
    assert [t.element_id for t in run.s.user_tasks] == ["na"]
    assert run.s.variables["van_b"] is True
