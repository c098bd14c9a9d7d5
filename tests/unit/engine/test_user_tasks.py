"""User tasks: forms, assignment, due dates, lanes; completion conflicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.domain.errors import Conflict, NotFound, ValidationFailed
from orchestrator.domain.runtime import InstanceStatus
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram, form_field
from tests.unit.engine.helpers import Run, deploy

FORM = [
    form_field("naam", required=True, constraints={"minlength": "2", "maxlength": "5"}),
    form_field("leeftijd", "long", constraints={"min": "18", "max": "67"}),
    form_field("bedrag", "double"),
    form_field("akkoord", "boolean"),
    form_field("soort", "enum", values=["WW", "Bijstand"]),
    form_field("datum", "date"),
    form_field("dossier", constraints={"readonly": ""}),
]


def form_run(engine: SpiffEngine) -> Run:
    doc = (
        Diagram("f")
        .start()
        .user_task("t", "Invullen", form=FORM, form_key="embedded:x")
        .end()
        .chain("start", "t", "end")
    )
    run = Run(engine, deploy(engine, doc)["f"])
    run.start({"dossier": "D-1"})
    return run


def field_errors(run: Run, values: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        run.complete("t", values)
    return {e.name: e.code for e in caught.value.errors}


def test_form_reports_every_field_error_at_once(engine: SpiffEngine) -> None:
    run = form_run(engine)
    errors = field_errors(
        run,
        {
            "leeftijd": 12,
            "bedrag": "veel",
            "akkoord": "ja",
            "soort": "Anders",
            "datum": "gisteren",
            "dossier": "D-2",
            "extra": 1,
        },
    )
    assert errors == {
        "naam": "required",
        "leeftijd": "invalid",
        "bedrag": "invalid",
        "akkoord": "invalid",
        "soort": "invalid",
        "datum": "invalid",
        "dossier": "readonly",
        "extra": "unknown",
    }


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"naam": "A"}, "naam"),  # minlength
        ({"naam": "Abcdef"}, "naam"),  # maxlength
        ({"naam": "Anna", "leeftijd": 70}, "leeftijd"),  # max
        ({"naam": "Anna", "leeftijd": "20"}, "leeftijd"),  # type
        ({"naam": "Anna", "leeftijd": True}, "leeftijd"),  # bool is no number
        ({"naam": 5}, "naam"),
    ],
)
def test_form_single_field_errors(
    engine: SpiffEngine, values: dict[str, object], field: str
) -> None:
    assert field_errors(form_run(engine), values) == {field: "invalid"}


def test_form_accepts_valid_submission(engine: SpiffEngine) -> None:
    run = form_run(engine)
    task = run.user_task("t")
    assert task.form_key == "embedded:x"
    assert [f.id for f in task.form_fields] == [f.split('"')[1] for f in FORM]
    soort = next(f for f in task.form_fields if f.id == "soort")
    assert soort.enum_values == (("WW", "WW"), ("Bijstand", "Bijstand"))
    run.complete(
        "t",
        {
            "naam": "Anna",
            "leeftijd": 18,
            "bedrag": 12.5,
            "akkoord": True,
            "soort": "WW",
            "datum": "2030-01-02",
            "dossier": "D-1",
        },
    )
    assert run.done
    assert run.s.variables["datum"] == "2030-01-02"
    assert run.s.variables["dossier"] == "D-1"


def test_assignment_from_literals_and_expressions(engine: SpiffEngine) -> None:
    doc = (
        Diagram("a")
        .start()
        .user_task("lit", groups="poortwachter, consulent", users="jan,piet", assignee="kees")
        .user_task("expr", groups="${team}", users="${collega}", assignee="${behandelaar}")
        .end()
        .chain("start", "lit", "expr", "end")
    )
    run = Run(engine, deploy(engine, doc)["a"])
    run.start({"team": "uwv_io", "collega": "marie", "behandelaar": "anna"})
    lit = run.user_task("lit")
    assert lit.candidate_groups == ("poortwachter", "consulent")
    assert lit.candidate_users == ("jan", "piet")
    assert lit.assignee == "kees"
    run.complete("lit")
    expr = run.user_task("expr")
    assert (expr.candidate_groups, expr.candidate_users, expr.assignee) == (
        ("uwv_io",),
        ("marie",),
        "anna",
    )


def test_due_date_duration_and_iso_date(engine: SpiffEngine) -> None:
    doc = (
        Diagram("d")
        .start()
        .user_task("dur", due="P5D")
        .user_task("iso", due="${termijn}")
        .user_task("vast", due="2031-06-01T12:00:00Z")
        .end()
        .chain("start", "dur", "iso", "vast", "end")
    )
    run = Run(engine, deploy(engine, doc)["d"])
    now = engine.clock.now()
    run.start({"termijn": "2030-04-01"})
    assert run.user_task("dur").due_at == now + timedelta(days=5)
    run.clock.advance(timedelta(days=1))
    # the due date is fixed when the task opens: restoring later does not move it
    run.complete_id(run.user_task("dur").task_id)
    assert run.user_task("iso").due_at == datetime(2030, 4, 1, tzinfo=UTC)
    run.complete("iso")
    assert run.user_task("vast").due_at == datetime(2031, 6, 1, 12, tzinfo=UTC)


def test_due_date_stable_across_restores(engine: SpiffEngine) -> None:
    doc = (
        Diagram("d")
        .start()
        .user_task("a")
        .user_task("b", due="P5D")
        .boundary("bt", "b", timer=("timeDuration", "P30D"), interrupting=False)
        .end()
        .end("e2")
        .chain("start", "a", "b", "end")
        .flow("bt", "e2")
    )
    run = Run(engine, deploy(engine, doc)["d"])
    run.start()
    run.complete("a")
    first = run.user_task("b").due_at
    run.advance(timedelta(days=2))  # another step on the same instance
    assert run.user_task("b").due_at == first


def test_lane_names_the_role(engine: SpiffEngine) -> None:
    doc = Diagram("l").start().user_task("t").end().chain("start", "t", "end")
    doc.lanes = {"Klantmanager gemeente": ["start", "t", "end"]}
    run = Run(engine, deploy(engine, doc)["l"])
    run.start()
    assert run.user_task("t").lane == "Klantmanager gemeente"
    assert run.user_task("t").process_id == "l"


def test_completing_twice_from_old_state_conflicts(engine: SpiffEngine) -> None:
    doc = Diagram("c").start().user_task("a").user_task("b").end().chain("start", "a", "b", "end")
    run = Run(engine, deploy(engine, doc)["c"])
    started = run.start()
    task = run.user_task("a")
    after = engine.complete_user_task(run.bundle, started.state, task.task_id, {})
    assert [t.element_id for t in after.user_tasks] == ["b"]
    with pytest.raises(Conflict):
        engine.complete_user_task(run.bundle, after.state, task.task_id, {})
    # the old state is untouched: completing from it again works (the store's version
    # counter is what refuses the second writer)
    again = engine.complete_user_task(run.bundle, started.state, task.task_id, {})
    assert [t.element_id for t in again.user_tasks] == ["b"]


def test_unknown_task_ids_not_found(engine: SpiffEngine) -> None:
    doc = Diagram("c").start().user_task("a").end().chain("start", "a", "end")
    run = Run(engine, deploy(engine, doc)["c"])
    run.start()
    for bad in ("00000000-0000-0000-0000-000000000000", "geen-uuid"):
        with pytest.raises(NotFound):
            engine.complete_user_task(run.bundle, run.state, bad, {})
        with pytest.raises(NotFound):
            engine.complete_job(run.bundle, run.state, bad, {})
    # a user task is not a job
    with pytest.raises(NotFound):
        engine.complete_job(run.bundle, run.state, run.user_task("a").task_id, {})


def test_output_mapping_on_user_task(engine: SpiffEngine) -> None:
    doc = (
        Diagram("o")
        .start()
        .user_task("a", outputs={"totaal": "${x + 1}"})
        .end()
        .chain("start", "a", "end")
    )
    run = Run(engine, deploy(engine, doc)["o"])
    run.start()
    run.complete("a", {"x": 41})
    assert run.s.variables["totaal"] == 42
    assert run.s.status == InstanceStatus.COMPLETED


def test_snapshot_variables_are_json(engine: SpiffEngine) -> None:
    doc = Diagram("j").start().user_task("a").end().chain("start", "a", "end")
    run = Run(engine, deploy(engine, doc)["j"])
    run.start({"lijst": [1, {"a": None}], "tekst": "é", "n": 1.5})
    run.complete("a", {"b": True})
    assert run.s.variables == {"lijst": [1, {"a": None}], "tekst": "é", "n": 1.5, "b": True}
