"""External task jobs: variables, mappings, retry cycles, BPMN errors from jobs."""

from __future__ import annotations

import pytest

from orchestrator.domain.errors import BpmnErrorRaised
from orchestrator.engine.runner import SpiffEngine
from orchestrator.engine.snapshot import retry_intervals
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, deploy


def test_job_variables_with_input_and_output_mapping(engine: SpiffEngine) -> None:
    doc = (
        Diagram("j")
        .start()
        .external(
            "registreer",
            "uwv.registreer",
            "Registreer",
            inputs={"bsnKlant": "${klant.bsn}", "vast": "WW"},
            outputs={"uitkeringId": "${antwoord.id}"},
        )
        .user_task("na")
        .end()
        .chain("start", "registreer", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["j"])
    run.start({"klant": {"bsn": "123"}})
    job = run.job("registreer")
    assert (job.topic, job.name) == ("uwv.registreer", "Registreer")
    assert job.variables["bsnKlant"] == "123" and job.variables["vast"] == "WW"
    assert job.variables["klant"] == {"bsn": "123"}
    run.complete_job("registreer", {"antwoord": {"id": "U-7"}})
    assert run.s.variables["uitkeringId"] == "U-7"
    assert "bsnKlant" not in run.s.variables  # input mappings are local to the job


def test_retry_cycle_from_diagram_and_default(engine: SpiffEngine) -> None:
    doc = (
        Diagram("j")
        .start()
        .external("a", "t.a", retry="R5/PT10M")
        .external("b", "t.b")
        .end()
        .chain("start", "a", "b", "end")
    )
    run = Run(engine, deploy(engine, doc)["j"])
    run.start()
    job = run.job("a")
    assert job.retries == 5 and job.retry_intervals == (600.0,) * 5
    run.complete_job("a")
    assert (run.job("b").retries, run.job("b").retry_intervals) == (3, (300.0,) * 3)


@pytest.mark.parametrize(
    ("cycle", "expected"),
    [
        ("R5/PT10M", (5, (600.0,) * 5)),
        ("R1/P1D", (1, (86400.0,))),
        ("PT1M,PT5M,PT30M", (3, (60.0, 300.0, 1800.0))),
        (None, (3, (300.0,) * 3)),
    ],
)
def test_retry_intervals(cycle: str | None, expected: tuple[int, tuple[float, ...]]) -> None:
    assert retry_intervals(cycle) == expected


def error_doc(catch_on: str) -> Diagram:
    """A job inside an embedded subprocess; the error boundary sits on ``catch_on``."""
    doc = (
        Diagram("e")
        .start()
        .subprocess(
            "sub",
            lambda d: (
                d.start("s0")
                .external("bel", "uwv.bel")
                .end("s9")
                .boundary("fout_taak", "bel", error="UWV_ONBEKEND")
                .user_task("herstel_taak")
                .end("s8")
                .chain("s0", "bel", "s9")
                .chain("fout_taak", "herstel_taak", "s8")
                if catch_on == "task"
                else d.start("s0").external("bel", "uwv.bel").end("s9").chain("s0", "bel", "s9")
            ),
        )
        .user_task("na")
        .end("e1")
        .chain("start", "sub", "na", "e1")
    )
    if catch_on == "subprocess":
        doc.boundary("fout_sub", "sub", error="UWV_ONBEKEND").user_task("herstel_sub").end("e2")
        doc.chain("fout_sub", "herstel_sub", "e2")
    return doc


def test_bpmn_error_caught_on_the_task(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, error_doc("task"))["e"])
    run.start()
    run.job_error("bel", "UWV_ONBEKEND", "klant niet gevonden", {"poging": 1})
    assert [t.element_id for t in run.s.user_tasks] == ["herstel_taak"]
    assert not run.s.jobs
    run.complete("herstel_taak")
    assert [t.element_id for t in run.s.user_tasks] == ["na"]


def test_bpmn_error_caught_on_enclosing_subprocess(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, error_doc("subprocess"))["e"])
    run.start()
    run.job_error("bel", "UWV_ONBEKEND")
    assert [t.element_id for t in run.s.user_tasks] == ["herstel_sub"]
    run.complete("herstel_sub")
    assert run.done and not run.ran("na")


def test_uncaught_bpmn_error_raised(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, error_doc("subprocess"))["e"])
    run.start()
    job = run.job("bel")
    with pytest.raises(BpmnErrorRaised) as caught:
        engine.throw_job_error(run.bundle, run.state, job.task_id, "ANDERE_CODE", "oeps")
    assert caught.value.error_code == "ANDERE_CODE" and caught.value.element_id == "bel"


def test_catch_all_error_boundary(engine: SpiffEngine) -> None:
    doc = (
        Diagram("c")
        .start()
        .external("bel", "t")
        .boundary("fout", "bel", error="")
        .user_task("herstel")
        .end("e1")
        .end("e2")
        .chain("start", "bel", "e1")
        .chain("fout", "herstel", "e2")
    )
    run = Run(engine, deploy(engine, doc)["c"])
    run.start()
    run.job_error("bel", "WAT_DAN_OOK")
    assert [t.element_id for t in run.s.user_tasks] == ["herstel"]


def test_bpmn_error_from_job_in_called_process(engine: SpiffEngine) -> None:
    child = Diagram("kind").start().external("bel", "uwv.bel").end().chain("start", "bel", "end")
    parent = (
        Diagram("ouder")
        .start()
        .call("roep", "kind")
        .boundary("fout", "roep", error="UWV_ONBEKEND")
        .user_task("herstel")
        .end("e1")
        .end("e2")
        .chain("start", "roep", "e1")
        .chain("fout", "herstel", "e2")
    )
    run = Run(engine, deploy(engine, parent, child)["ouder"])
    run.start()
    run.job_error("bel", "UWV_ONBEKEND")
    assert [t.element_id for t in run.s.user_tasks] == ["herstel"]
    assert not run.s.jobs


def test_error_end_event_in_subprocess_caught_by_boundary(engine: SpiffEngine) -> None:
    doc = (
        Diagram("e")
        .start()
        .subprocess(
            "sub",
            lambda d: (
                d.start("s0")
                .user_task("controle")
                .gateway("ok", default="f_fout")
                .end("s9")
                .end("fout_einde", error="AFGEWEZEN")
                .chain("s0", "controle", "ok")
                .flow("ok", "s9", "${goed}")
                .flow("ok", "fout_einde", id="f_fout")
            ),
        )
        .boundary("afgewezen", "sub", error="AFGEWEZEN")
        .user_task("bezwaar")
        .end("e1")
        .end("e2")
        .chain("start", "sub", "e1")
        .chain("afgewezen", "bezwaar", "e2")
    )
    bundle = deploy(engine, doc)["e"]
    run = Run(engine, bundle)
    run.start()
    run.complete("controle", {"goed": False})
    assert [t.element_id for t in run.s.user_tasks] == ["bezwaar"]
    happy = Run(engine, bundle)
    happy.start()
    happy.complete("controle", {"goed": True})
    assert happy.done
