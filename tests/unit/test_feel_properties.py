"""Hypothesis properties of the FEEL unary tests and of FIRST decision tables."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.domain.errors import ExpressionSyntaxError
from orchestrator.engine.dmn import evaluate_decision, parse_dmn
from orchestrator.engine.expressions.feel import parse_unary_tests

SETTINGS = settings(max_examples=200, deadline=None)

decimals = st.decimals(
    min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=3
)
numbers: st.SearchStrategy[Any] = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    decimals,
)


def _feel(number: Decimal | int) -> str:
    # FEEL literals have no exponent notation
    return format(Decimal(number), "f")


def _exact(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@SETTINGS
@given(x=numbers, a=decimals, b=decimals)
def test_range_matches_iff_between(x: Any, a: Decimal, b: Decimal) -> None:
    v = _exact(x)
    lo, hi = _feel(a), _feel(b)
    assert parse_unary_tests(f"[{lo}..{hi}]").matches(x) is (a <= v <= b)
    assert parse_unary_tests(f"]{lo}..{hi}]").matches(x) is (a < v <= b)
    assert parse_unary_tests(f"({lo}..{hi}]").matches(x) is (a < v <= b)
    assert parse_unary_tests(f"[{lo}..{hi}[").matches(x) is (a <= v < b)
    assert parse_unary_tests(f"[{lo}..{hi})").matches(x) is (a <= v < b)
    assert parse_unary_tests(f"]{lo}..{hi}[").matches(x) is (a < v < b)


@SETTINGS
@given(x=numbers, a=decimals)
def test_comparisons_match_python(x: Any, a: Decimal) -> None:
    v, lit = _exact(x), _feel(a)
    assert parse_unary_tests(f"< {lit}").matches(x) is (v < a)
    assert parse_unary_tests(f"<= {lit}").matches(x) is (v <= a)
    assert parse_unary_tests(f"> {lit}").matches(x) is (v > a)
    assert parse_unary_tests(f">= {lit}").matches(x) is (v >= a)
    assert parse_unary_tests(lit).matches(x) is (v == a)


simple_tests = st.one_of(
    st.builds(lambda op, a: f"{op} {_feel(a)}", st.sampled_from(["<", "<=", ">", ">="]), decimals),
    st.builds(lambda a, b: f"[{_feel(a)}..{_feel(b)}]", decimals, decimals),
    st.builds(lambda a, b: f"]{_feel(a)}..{_feel(b)}[", decimals, decimals),
    decimals.map(_feel),
)


@SETTINGS
@given(x=numbers, tests=st.lists(simple_tests, min_size=1, max_size=4))
def test_not_is_negation(x: Any, tests: list[str]) -> None:
    text = ", ".join(tests)
    assert parse_unary_tests(f"not({text})").matches(x) is not parse_unary_tests(text).matches(x)


@SETTINGS
@given(text=st.text(max_size=60))
def test_arbitrary_text_raises_only_syntax_errors(text: str) -> None:
    with contextlib.suppress(ExpressionSyntaxError):
        parse_unary_tests(text)


feel_alphabet = st.sampled_from(
    [*'0123456789.,[]()<>=!-+*/?"abxyz notdae', "..", "not(", "date(", '"2026-01-01"']
)


@SETTINGS
@given(parts=st.lists(feel_alphabet, max_size=30))
def test_feel_like_text_raises_only_syntax_errors(parts: list[str]) -> None:
    try:
        tests = parse_unary_tests("".join(parts))
    except ExpressionSyntaxError:
        return
    tests.matches(1, {name: 1 for name in tests.variable_names()})


HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" '
    'namespace="http://camunda.org/schema/1.0/dmn">\n'
    '<decision id="tabel" name="Tabel"><decisionTable id="t" hitPolicy="FIRST">\n'
    '<input id="i"><inputExpression id="ie" typeRef="integer"><text>x</text>'
    "</inputExpression></input>\n"
    '<output id="o" name="regel" typeRef="integer"/>\n'
)


def _table(ranges: list[tuple[int, int]]) -> bytes:
    rules = "".join(
        f'<rule id="r{n}"><inputEntry id="ie{n}"><text>[{lo}..{hi}]</text></inputEntry>'
        f'<outputEntry id="oe{n}"><text>{n}</text></outputEntry></rule>\n'
        for n, (lo, hi) in enumerate(ranges)
    )
    return (HEADER + rules + "</decisionTable></decision></definitions>").encode()


@SETTINGS
@given(
    ranges=st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=1, max_size=8),
    x=st.integers(-60, 60),
)
def test_first_returns_first_matching_rule(ranges: list[tuple[int, int]], x: int) -> None:
    definitions = parse_dmn(_table(ranges), "random.dmn")
    result = evaluate_decision(definitions, "tabel", {"x": x})
    expected = next((n for n, (lo, hi) in enumerate(ranges) if lo <= x <= hi), None)
    if expected is None:
        assert result.rules == []
        assert result.matched_rule_ids == []
    else:
        assert result.rules == [{"regel": expected}]
        assert result.matched_rule_ids == [f"r{expected}"]
