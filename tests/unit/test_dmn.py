"""DMN parsing, hit policies, refusals, evaluation errors and result mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from orchestrator.domain.errors import DecisionError, KetenregieError
from orchestrator.engine.dmn import (
    DecisionResult,
    DmnDefinitions,
    DmnRefused,
    HitPolicy,
    evaluate_decision,
    map_decision_result,
    parse_dmn,
)

FIXTURES = Path(__file__).parent / "dmn_fixtures"


@cache
def load(name: str) -> DmnDefinitions:
    return parse_dmn((FIXTURES / name).read_bytes(), name)


def refusal(name: str) -> DmnRefused:
    with pytest.raises(DmnRefused) as caught:
        parse_dmn((FIXTURES / name).read_bytes(), name)
    return caught.value


# --- domain fixtures ---------------------------------------------------------------------


def test_klantgroep_advies_parses() -> None:
    definitions = load("klantgroep_advies.dmn")
    decision = definitions.decisions["klantgroep_advies"]
    assert decision.name == "Klantgroep advies"
    assert decision.version_tag == "1"
    assert decision.table is not None
    assert decision.table.hit_policy is HitPolicy.FIRST
    assert [i.type_ref for i in decision.table.inputs] == ["integer", "string", "boolean"]
    assert decision.table.outputs[0].output_values == (
        "Matchen",
        "Groeien",
        "Faciliteren",
        "Zorgen",
    )
    assert len(decision.table.rules) == 6


@pytest.mark.parametrize(
    ("maanden", "afstand", "vermogen", "klantgroep"),
    [
        (3, "klein", True, "Matchen"),
        (6, "klein", True, "Groeien"),
        (24, "middel", True, "Groeien"),
        (2, "klein", False, "Zorgen"),
        (12, "groot", True, "Faciliteren"),
        (12, "groot", False, "Zorgen"),
        (1, "zeer groot", True, "Zorgen"),
        ("3", "klein", True, "Matchen"),  # typeRef integer coerces the string
    ],
)
def test_klantgroep_advies(maanden: Any, afstand: str, vermogen: bool, klantgroep: str) -> None:
    result = evaluate_decision(
        load("klantgroep_advies.dmn"),
        "klantgroep_advies",
        {
            "maandenInUitkering": maanden,
            "afstandTotArbeidsmarkt": afstand,
            "arbeidsvermogen": vermogen,
        },
    )
    assert map_decision_result(result, "singleEntry") == klantgroep
    assert len(result.matched_rule_ids) == 1


@pytest.mark.parametrize(
    ("klantgroep", "gesprekken", "controle"),
    [("Matchen", 0, None), ("Groeien", 1, None), ("Faciliteren", 2, 24), ("Zorgen", 2, None)],
)
def test_voortgangsfrequentie(klantgroep: str, gesprekken: int, controle: int | None) -> None:
    result = evaluate_decision(
        load("voortgangsfrequentie.dmn"), "voortgangsfrequentie", {"klantgroep": klantgroep}
    )
    assert result.rules == [
        {"gesprekkenPerJaar": gesprekken, "rechtmatigheidscontroleMaanden": controle}
    ]
    assert type(result.rules[0]["gesprekkenPerJaar"]) is int


def test_no_match_gives_empty_result() -> None:
    result = evaluate_decision(
        load("voortgangsfrequentie.dmn"), "voortgangsfrequentie", {"klantgroep": "Onbekend"}
    )
    assert result.rules == [] and result.matched_rule_ids == []
    assert map_decision_result(result, "singleResult") is None
    assert map_decision_result(result, "resultList") == []


def test_required_decisions_feed_dependent_decisions() -> None:
    definitions = load("drd_klantgroep_voortgang.dmn")
    assert definitions.decisions["voortgangsfrequentie"].required_decisions == ["klantgroep_advies"]
    variables = {
        "maandenInUitkering": 12,
        "afstandTotArbeidsmarkt": "groot",
        "arbeidsvermogen": True,
        "startdatum": dt.date(2026, 1, 31),
    }
    frequentie = evaluate_decision(definitions, "voortgangsfrequentie", variables)
    assert frequentie.rules == [{"gesprekkenPerJaar": 2, "rechtmatigheidscontroleMaanden": 24}]
    datum = evaluate_decision(definitions, "eerste_gesprek_datum", variables)
    assert map_decision_result(datum, "singleEntry") == dt.date(2026, 4, 30)
    matchen = evaluate_decision(
        definitions,
        "eerste_gesprek_datum",
        {**variables, "maandenInUitkering": 1, "afstandTotArbeidsmarkt": "klein"},
    )
    assert map_decision_result(matchen, "singleEntry") is None


def test_literal_expression_decision() -> None:
    definitions = load("literal_expression.dmn")
    decision = definitions.decisions["inkomstenvrijlating"]
    assert decision.table is None and decision.literal_expression is not None
    result = evaluate_decision(
        definitions, "inkomstenvrijlating", {"inkomsten": 400, "maximumVrijlating": 253}
    )
    assert result.rules == [{"vrijlating": 100.0}]
    capped = evaluate_decision(
        definitions, "inkomstenvrijlating", {"inkomsten": 2000, "maximumVrijlating": 253}
    )
    assert map_decision_result(capped, "singleEntry") == 253.0


# --- hit policies ------------------------------------------------------------------------


def _eval(file: str, decision: str, **variables: Any) -> DecisionResult:
    return evaluate_decision(load(file), decision, variables)


@pytest.mark.parametrize(
    ("signalen", "urgentie"),
    [(0, "laag"), (2, "laag"), (3, "middel"), (7, "hoog"), (12, "zeer hoog")],
)
def test_unique(signalen: int, urgentie: str) -> None:
    result = _eval("hit_unique.dmn", "urgentie_unique", aantalSignalen=signalen)
    assert result.rules == [{"urgentie": urgentie}]


def test_unique_with_two_matches_names_rules() -> None:
    with pytest.raises(DecisionError) as caught:
        _eval("hit_unique.dmn", "urgentie_unique", aantalSignalen=5)
    assert caught.value.decision_id == "urgentie_unique"
    assert "DecisionRule_urgentie_unique_2" in caught.value.message
    assert "DecisionRule_urgentie_unique_3" in caught.value.message


@pytest.mark.parametrize(
    ("signalen", "urgentie", "rule"),
    [(12, "zeer hoog", 1), (5, "hoog", 2), (3, "middel", 3), (0, "laag", 4)],
)
def test_first(signalen: int, urgentie: str, rule: int) -> None:
    result = _eval("hit_first.dmn", "urgentie_first", aantalSignalen=signalen)
    assert result.rules == [{"urgentie": urgentie}]
    assert result.matched_rule_ids == [f"DecisionRule_urgentie_first_{rule}"]


@pytest.mark.parametrize(
    ("signalen", "schuld", "urgentie"),
    [(0, False, "laag"), (3, False, "middel"), (3, True, "hoog"), (10, True, "zeer hoog")],
)
def test_priority(signalen: int, schuld: bool, urgentie: str) -> None:
    result = _eval(
        "hit_priority.dmn", "urgentie_priority", aantalSignalen=signalen, schuldsignaal=schuld
    )
    assert result.rules == [{"urgentie": urgentie}]
    assert len(result.matched_rule_ids) == 1


def test_any_with_equal_outputs() -> None:
    result = _eval("hit_any.dmn", "urgentie_any", aantalSignalen=4)
    assert result.rules == [{"urgentie": "laag"}]


def test_any_with_different_outputs_fails() -> None:
    with pytest.raises(DecisionError, match="hit policy ANY") as caught:
        _eval("hit_any.dmn", "urgentie_any", aantalSignalen=8)
    assert caught.value.decision_id == "urgentie_any"


def test_collect() -> None:
    result = _eval("hit_collect.dmn", "toeslagen", huishouden="alleenstaand", aantalKinderen=2)
    assert result.rules == [
        {"soort": "basis", "bedrag": 100},
        {"soort": "alleenstaande", "bedrag": 50},
        {"soort": "kind", "bedrag": 50},
    ]
    assert result.aggregated is None
    assert map_decision_result(result, "resultList") == result.rules
    with pytest.raises(DecisionError, match="several outputs"):
        map_decision_result(result, "collectEntries")


@pytest.mark.parametrize(
    ("aggregation", "huishouden", "kinderen", "expected"),
    [
        ("sum", "gezin", 3, 100 + 75 + 30),
        ("min", "gezin", 3, 30),
        ("max", "alleenstaand", 4, 100),
        ("count", "gezin", 3, 3),
        ("count", "gezin", 0, 1),
    ],
)
def test_collect_aggregations(
    aggregation: str, huishouden: str, kinderen: int, expected: int
) -> None:
    decision = f"toeslagen_{aggregation}"
    result = _eval("hit_collect.dmn", decision, huishouden=huishouden, aantalKinderen=kinderen)
    assert result.aggregated == expected
    assert result.aggregation == aggregation.upper()
    assert map_decision_result(result, "singleEntry") == expected
    assert map_decision_result(result, "resultList") == [{"bedrag": expected}]


def test_rule_order() -> None:
    result = _eval(
        "hit_rule_order.dmn", "acties_rule_order", huishouden="alleenstaand", aantalKinderen=1
    )
    assert map_decision_result(result, "collectEntries") == [
        "kinderopvang bespreken",
        "netwerk in kaart",
        "intake plannen",
    ]


def test_output_order() -> None:
    result = _eval(
        "hit_output_order.dmn", "acties_output_order", huishouden="alleenstaand", aantalKinderen=1
    )
    assert map_decision_result(result, "collectEntries") == [
        "intake plannen",
        "netwerk in kaart",
        "kinderopvang bespreken",
    ]
    assert result.matched_rule_ids == [
        "DecisionRule_acties_output_order_3",
        "DecisionRule_acties_output_order_2",
        "DecisionRule_acties_output_order_1",
    ]


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "element_id", "line", "message"),
    [
        ("refuse_javascript.dmn", "UnaryTests_script_entry_2_1", 20, "'javascript'"),
        ("refuse_groovy_output.dmn", "LiteralExpression_script_output_1_1", 15, "'groovy'"),
        ("refuse_juel_input.dmn", "InputExpression_11", 6, "'juel'"),
        ("refuse_javascript_literal.dmn", "LiteralExpression_1", 5, "'javascript'"),
        ("refuse_bad_entries.dmn", "DecisionRule_kapotte_cellen_1", 20, "column 2 ('Maanden')"),
        ("refuse_bad_entries.dmn", "DecisionRule_kapotte_cellen_2", 28, "unterminated string"),
        ("refuse_bad_entries.dmn", "DecisionRule_kapotte_cellen_3", 45, "output entry"),
        ("refuse_entry_count.dmn", "DecisionRule_verkeerd_aantal_1", 11, "2 input entries"),
        ("refuse_entry_count.dmn", "DecisionRule_verkeerd_aantal_2", 22, "2 output entries"),
        ("refuse_hit_policy.dmn", "DecisionTable_1", 4, "unknown hit policy 'SOMETIMES'"),
        ("refuse_aggregation.dmn", "DecisionTable_1", 4, "only allowed with hit policy COLLECT"),
        ("refuse_duplicate_ids.dmn", "dubbel", 21, "duplicate decision id"),
        ("refuse_missing_required.dmn", "zonder_basis", 3, "'bestaat_niet' does not exist"),
        ("refuse_unknown_function.dmn", "Input_11", 6, "unknown function 'system'"),
        ("refuse_unknown_function.dmn", "DecisionRule_onbekende_functie_1", 15, "__import__"),
    ],
)
def test_refusals_name_element_and_line(
    file: str, element_id: str, line: int, message: str
) -> None:
    problems = refusal(file).problems
    matching = [p for p in problems if p.element_id == element_id and message in p.message]
    assert matching, [p.describe() for p in problems]
    assert matching[0].line == line
    assert matching[0].file == file
    assert matching[0].severity == "error"


def test_refusal_lists_every_problem() -> None:
    refused = refusal("refuse_bad_entries.dmn")
    assert len(refused.problems) == 3
    assert isinstance(refused, KetenregieError)
    assert "3 more" not in refused.message and "2 more" in refused.message


DMN_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
    'xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="defs" name="defs" '
    'namespace="http://camunda.org/schema/1.0/dmn">\n'
)


def _doc(body: str) -> bytes:
    return (DMN_HEAD + body + "\n</definitions>\n").encode()


def _table(
    *,
    hit: str = "",
    inputs: str = '<input id="i1" label="X"><inputExpression id="ie1" typeRef="integer">'
    "<text>x</text></inputExpression></input>",
    outputs: str = '<output id="o1" name="y" typeRef="string"/>',
    rules: str = '<rule id="r1"><inputEntry id="e1"><text>&lt; 5</text></inputEntry>'
    '<outputEntry id="e2"><text>"klein"</text></outputEntry></rule>',
    extra: str = "",
) -> bytes:
    return _doc(
        f'<decision id="d" name="D"><decisionTable id="t"{hit}>{inputs}{outputs}{rules}'
        f"</decisionTable></decision>{extra}"
    )


@pytest.mark.parametrize(
    ("content", "element_id", "message"),
    [
        (b"<definitions", None, "not well-formed"),
        (b'<?xml version="1.0"?><!DOCTYPE x><x/>', None, "DOCTYPE"),
        (b"<definitions xmlns='urn:x'/>", None, "not a DMN 1.3 document"),
        (_doc('<decision id="d" name="D"/>'), "d", "no decisionTable or literalExpression"),
        (_doc('<decision id="d"><context id="c"/></decision>'), "d", "<context> is not supported"),
        (_table(hit=' hitPolicy="COLLECT" aggregation="AVG"'), "t", "unknown aggregation 'AVG'"),
        (
            _table(
                hit=' hitPolicy="COLLECT" aggregation="SUM"',
                outputs='<output id="o1" name="a"/><output id="o2" name="b"/>',
            ),
            "t",
            "exactly one output",
        ),
        (_table(hit=' hitPolicy="PRIORITY"'), "t", "needs outputValues"),
        (_table(outputs=""), "t", "without outputs"),
        (
            _table(outputs='<output id="o1" name="a"/><output id="o2"/>'),
            "o2",
            "output without name",
        ),
        (
            _table(outputs='<output id="o1" name="a"/><output id="o2" name="a"/>'),
            "o2",
            "duplicate output name",
        ),
        (_table(outputs='<output id="o1" name="y" typeRef="money"/>'), "o1", "typeRef 'money'"),
        (
            _table(
                inputs='<input id="i1"><inputExpression id="ie1"><text/></inputExpression></input>'
            ),
            "i1",
            "without an input expression",
        ),
        (
            _table(
                outputs='<output id="o1" name="y"><outputValues id="ov"><text>&lt; x</text>'
                "</outputValues></output>"
            ),
            "o1",
            "constant values",
        ),
        (
            _table(
                extra='<decision id="e"><informationRequirement><requiredDecision href="#f"/>'
                '</informationRequirement><literalExpression id="le"><text>1</text>'
                '</literalExpression></decision><decision id="f"><informationRequirement>'
                '<requiredDecision href="#e"/></informationRequirement><literalExpression '
                'id="lf"><text>2</text></literalExpression></decision>'
            ),
            None,
            "cycle",
        ),
        (
            _doc(
                '<decision id="d" expressionLanguage="python"><literalExpression id="l">'
                "<text>1</text></literalExpression></decision>"
            ),
            "d",
            "'python'",
        ),
        (
            DMN_HEAD.replace("namespace=", 'typeLanguage="java" namespace=').encode()
            + b"</definitions>",
            "defs",
            "'java'",
        ),
    ],
)
def test_more_refusals(content: bytes, element_id: str | None, message: str) -> None:
    with pytest.raises(DmnRefused) as caught:
        parse_dmn(content, "inline.dmn")
    problems = caught.value.problems
    matching = [p for p in problems if message in p.message]
    assert matching, [p.describe() for p in problems]
    if element_id is not None:
        assert matching[0].element_id == element_id
    assert matching[0].line is not None


def test_dmn_1_2_namespace_is_accepted() -> None:
    content = _table().replace(
        b"https://www.omg.org/spec/DMN/20191111/MODEL/",
        b"http://www.omg.org/spec/DMN/20180521/MODEL/",
    )
    assert "d" in parse_dmn(content, "oud.dmn").decisions


# --- evaluation errors ---------------------------------------------------------------------


def test_input_not_provided() -> None:
    with pytest.raises(DecisionError, match="input 'maandenInUitkering' not provided") as caught:
        evaluate_decision(load("klantgroep_advies.dmn"), "klantgroep_advies", {})
    assert caught.value.decision_id == "klantgroep_advies"


def test_null_input_is_provided() -> None:
    result = evaluate_decision(
        load("voortgangsfrequentie.dmn"), "voortgangsfrequentie", {"klantgroep": None}
    )
    assert result.rules == []


def test_unknown_decision() -> None:
    with pytest.raises(DecisionError, match="unknown decision 'nope'"):
        evaluate_decision(load("klantgroep_advies.dmn"), "nope", {})


def test_input_type_coercion_failure() -> None:
    with pytest.raises(DecisionError, match="not a valid integer"):
        evaluate_decision(
            load("klantgroep_advies.dmn"),
            "klantgroep_advies",
            {"maandenInUitkering": 2.5, "afstandTotArbeidsmarkt": "klein", "arbeidsvermogen": True},
        )


def test_unknown_variable_in_entry_names_rule_and_column() -> None:
    content = _table(
        rules='<rule id="r1"><inputEntry id="e1"><text>&lt; grens</text></inputEntry>'
        '<outputEntry id="e2"><text>"klein"</text></outputEntry></rule>'
    )
    definitions = parse_dmn(content, "x.dmn")
    with pytest.raises(DecisionError, match=r"rule 'r1', input column 1 \('X'\).*'grens'"):
        evaluate_decision(definitions, "d", {"x": 1})
    assert evaluate_decision(definitions, "d", {"x": 1, "grens": 5}).rules == [{"y": "klein"}]


def test_output_type_coercion() -> None:
    content = _table(
        outputs='<output id="o1" name="a" typeRef="integer"/><output id="o2" name="b" '
        'typeRef="double"/><output id="o3" name="c" typeRef="boolean"/><output id="o4" '
        'name="d" typeRef="date"/><output id="o5" name="e" typeRef="string"/>',
        rules='<rule id="r1"><inputEntry id="e1"><text>-</text></inputEntry>'
        '<outputEntry id="a"><text>"3"</text></outputEntry>'
        '<outputEntry id="b"><text>1.5</text></outputEntry>'
        '<outputEntry id="c"><text>"true"</text></outputEntry>'
        '<outputEntry id="d"><text>"2026-01-01"</text></outputEntry>'
        '<outputEntry id="e"><text>12</text></outputEntry></rule>',
    )
    result = evaluate_decision(parse_dmn(content, "x.dmn"), "d", {"x": 1})
    row = result.rules[0]
    assert row == {"a": 3, "b": 1.5, "c": True, "d": dt.date(2026, 1, 1), "e": "12"}
    assert type(row["b"]) is float


def test_output_value_not_fitting_type() -> None:
    content = _table(
        outputs='<output id="o1" name="y" typeRef="integer"/>',
        rules='<rule id="r1"><inputEntry id="e1"><text>-</text></inputEntry>'
        '<outputEntry id="e2"><text>"drie"</text></outputEntry></rule>',
    )
    with pytest.raises(DecisionError, match="output 'y'"):
        evaluate_decision(parse_dmn(content, "x.dmn"), "d", {"x": 1})


def test_priority_value_outside_output_values() -> None:
    content = _table(
        hit=' hitPolicy="PRIORITY"',
        outputs='<output id="o1" name="y"><outputValues id="ov"><text>"a","b"</text>'
        "</outputValues></output>",
        rules='<rule id="r1"><inputEntry id="e1"><text>-</text></inputEntry>'
        '<outputEntry id="e2"><text>"c"</text></outputEntry></rule>',
    )
    with pytest.raises(DecisionError, match="not listed in its outputValues"):
        evaluate_decision(parse_dmn(content, "x.dmn"), "d", {"x": 1})


def test_unsupported_variable_value_is_decision_error() -> None:
    with pytest.raises(DecisionError):
        evaluate_decision(
            load("voortgangsfrequentie.dmn"), "voortgangsfrequentie", {"klantgroep": object()}
        )


def test_computed_input_expression_may_be_null() -> None:
    content = _table(
        inputs='<input id="i1"><inputExpression id="ie1"><text>x + y</text></inputExpression>'
        "</input>",
        rules='<rule id="r1"><inputEntry id="e1"><text>null</text></inputEntry>'
        '<outputEntry id="e2"><text>"leeg"</text></outputEntry></rule>',
    )
    result = evaluate_decision(parse_dmn(content, "x.dmn"), "d", {"x": 1})
    assert result.rules == [{"y": "leeg"}]


def test_single_unnamed_output_uses_decision_id() -> None:
    content = _table(outputs='<output id="o1"/>')
    result = evaluate_decision(parse_dmn(content, "x.dmn"), "d", {"x": Decimal(1)})
    assert result.rules == [{"d": "klein"}]


# --- map_decision_result -------------------------------------------------------------------


def _result(rows: list[dict[str, Any]], names: tuple[str, ...] = ("a",)) -> DecisionResult:
    return DecisionResult("d", rows, [f"r{n}" for n in range(len(rows))], output_names=names)


@pytest.mark.parametrize(
    ("rows", "names", "mode", "expected"),
    [
        ([{"a": 1}], ("a",), "singleEntry", 1),
        ([], ("a",), "singleEntry", None),
        ([{"a": 1, "b": 2}], ("a", "b"), "singleResult", {"a": 1, "b": 2}),
        ([], ("a", "b"), "singleResult", None),
        ([{"a": 1}, {"a": 2}], ("a",), "collectEntries", [1, 2]),
        ([], ("a",), "collectEntries", []),
        ([{"a": 1}, {"a": 2}], ("a",), "resultList", [{"a": 1}, {"a": 2}]),
    ],
)
def test_map_decision_result(
    rows: list[dict[str, Any]], names: tuple[str, ...], mode: str, expected: Any
) -> None:
    assert map_decision_result(_result(rows, names), mode) == expected


@pytest.mark.parametrize(
    ("rows", "names", "mode", "message"),
    [
        ([{"a": 1}, {"a": 2}], ("a",), "singleEntry", "2 rules matched"),
        ([{"a": 1, "b": 2}], ("a", "b"), "singleEntry", "several outputs"),
        ([{"a": 1}, {"a": 2}], ("a",), "singleResult", "2 rules matched"),
        ([{"a": 1}], ("a",), "firstResult", "unknown mode"),
    ],
)
def test_map_decision_result_errors(
    rows: list[dict[str, Any]], names: tuple[str, ...], mode: str, message: str
) -> None:
    with pytest.raises(DecisionError, match=message):
        map_decision_result(_result(rows, names), mode)
