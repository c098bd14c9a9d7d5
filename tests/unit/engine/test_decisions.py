"""Business rule tasks with our DMN engine (all Camunda hit policies)."""

from __future__ import annotations

import pytest

from orchestrator.engine.contract import EngineFailure
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import DMN_FIXTURES, Run, deploy, dmn


def rule_run(
    engine: SpiffEngine, file: str, decision: str, mapping: str, result: str | None = "uitkomst"
) -> Run:
    doc = (
        Diagram("r")
        .start()
        .rule("regel", decision, result=result, mapping=mapping)
        .user_task("na")
        .end()
        .chain("start", "regel", "na", "end")
    )
    return Run(engine, deploy(engine, doc, dmn(file))["r"])


def test_single_entry_first_hit(engine: SpiffEngine) -> None:
    run = rule_run(engine, "klantgroep_advies.dmn", "klantgroep_advies", "singleEntry")
    run.start({"maandenInUitkering": 3, "afstandTotArbeidsmarkt": "klein", "arbeidsvermogen": True})
    assert run.s.variables["uitkomst"] == "Matchen"


def test_single_result_unique(engine: SpiffEngine) -> None:
    run = rule_run(engine, "voortgangsfrequentie.dmn", "voortgangsfrequentie", "singleResult")
    run.start({"klantgroep": "Faciliteren"})
    assert run.s.variables["uitkomst"] == {
        "gesprekkenPerJaar": 2,
        "rechtmatigheidscontroleMaanden": 24,
    }


def test_result_list_and_collect_entries(engine: SpiffEngine) -> None:
    run = rule_run(engine, "voortgangsfrequentie.dmn", "voortgangsfrequentie", "resultList")
    run.start({"klantgroep": "Groeien"})
    assert run.s.variables["uitkomst"] == [
        {"gesprekkenPerJaar": 1, "rechtmatigheidscontroleMaanden": None}
    ]


def test_without_result_variable_outputs_become_variables(engine: SpiffEngine) -> None:
    run = rule_run(engine, "klantgroep_advies.dmn", "klantgroep_advies", "singleEntry", result=None)
    run.start(
        {"maandenInUitkering": 30, "afstandTotArbeidsmarkt": "groot", "arbeidsvermogen": True}
    )
    assert run.s.variables["klantgroep"] == "Faciliteren"


def test_unique_with_multiple_hits_is_engine_failure(engine: SpiffEngine) -> None:
    doc = (
        Diagram("r")
        .start()
        .user_task("voor")
        .rule("urgentie", "urgentie_unique", result="u", mapping="singleEntry")
        .end()
        .chain("start", "voor", "urgentie", "end")
    )
    run = Run(engine, deploy(engine, doc, dmn("hit_unique.dmn"))["r"])
    run.start()
    before = run.state
    with pytest.raises(EngineFailure) as caught:
        run.complete("voor", {"aantalSignalen": 5})
    assert caught.value.element_id == "urgentie"
    assert "urgentie_unique" in caught.value.message
    assert run.state == before
    run.complete("voor", {"aantalSignalen": 1})
    assert run.s.variables["u"] == "laag"


@pytest.mark.parametrize(
    "file",
    [
        "hit_first.dmn",
        "hit_priority.dmn",
        "hit_any.dmn",
        "hit_collect.dmn",
        "hit_rule_order.dmn",
        "hit_output_order.dmn",
    ],
)
def test_every_hit_policy_runs_in_a_business_rule_task(engine: SpiffEngine, file: str) -> None:
    """SpiffWorkflow's own DMN knows only UNIQUE (without multi-hit check) and COLLECT;
    business rule tasks use ours."""
    text = (DMN_FIXTURES / file).read_text()
    decision = text.split('<decision id="', 1)[1].split('"', 1)[0]
    samples = {"boolean": True, "string": "x"}
    variables = {}
    for part in text.split("<inputExpression")[1:]:
        type_ref = part.split('typeRef="', 1)[1].split('"', 1)[0] if "typeRef" in part else ""
        name = part.split("<text>", 1)[1].split("</text>", 1)[0].strip()
        variables[name] = samples.get(type_ref, 1)
    run = rule_run(engine, file, decision, "resultList")
    run.start(variables)
    assert isinstance(run.s.variables["uitkomst"], list)
