"""Table-driven tests for the FEEL unary tests and simple expressions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from orchestrator.domain.errors import ExpressionError, ExpressionSyntaxError
from orchestrator.engine.expressions.feel import (
    YearMonthDuration,
    parse_feel,
    parse_unary_tests,
)

VARS: dict[str, Any] = {
    "grens": 10,
    "peildatum": dt.date(2026, 1, 1),
    "klant": {"leeftijd": 30, "adres": {"gemeente": "Utrecht"}},
    "laag": "b",
    "hoog": "m",
}

# (test text, input value, expected match)
UNARY_CASES: list[tuple[str, Any, bool]] = [
    # anything
    ("-", 5, True),
    ("-", None, True),
    ("", "x", True),
    ("  -  ", dt.date(2026, 1, 1), True),
    # comparisons, numbers of any Python type
    ("< 6", 5, True),
    ("< 6", 6, False),
    ("<6", 5.999, True),
    ("<= 6", Decimal("6.0"), True),
    ("> 6", 6.0001, True),
    (">= 6", 6, True),
    ("< -1.5", -2, True),
    ("> grens", 11, True),
    ("> grens", 10, False),
    ("< klant.leeftijd", 29, True),
    ('>= date("2026-01-01")', dt.date(2026, 1, 1), True),
    ('< date("2026-01-01")', dt.date(2026, 1, 1), False),
    ("> peildatum", dt.date(2026, 1, 2), True),
    ('> date and time("2026-01-01T08:00:00")', dt.datetime(2026, 1, 1, 9), True),
    ('<= duration("P1Y")', YearMonthDuration(6), True),
    ('< duration("PT2H")', dt.timedelta(hours=1), True),
    ("= 5", 5, True),
    ("!= 5", 4, True),
    ("!= 5", 5, False),
    # plain values
    ('"Matchen"', "Matchen", True),
    ('"Matchen"', "matchen", False),
    ("5", 5.0, True),
    ("5", Decimal("5.00"), True),
    ("5", "5", False),
    ("true", True, True),
    ("true", 1, False),
    ("false", False, True),
    ("null", None, True),
    ("null", 0, False),
    ("-5", -5, True),
    ('date("2026-03-01")', dt.date(2026, 3, 1), True),
    ("klant.adres.gemeente", "Utrecht", True),
    ('"a" + "b"', "ab", True),
    # ranges
    ("[0..3]", 0, True),
    ("[0..3]", 3, True),
    ("[0..3]", 3.5, False),
    ("]0..3]", 0, False),
    ("]0..3]", 0.1, True),
    ("(0..3)", 3, False),
    ("(0..3)", 2, True),
    ("[1..10[", 10, False),
    ("[1..10[", 9.99, True),
    ("[1..10)", 10, False),
    ("[-5..-1]", -3, True),
    ('["b".."m"]', "c", True),
    ('["b".."m"]', "n", False),
    ("[laag..hoog]", "d", True),
    ("[0..grens]", 10, True),
    ('[date("2026-01-01")..date("2026-12-31")]', dt.date(2026, 6, 1), True),
    ('[date("2026-01-01")..date("2026-12-31")]', dt.date(2027, 1, 1), False),
    ("[grens - 5..grens + 5]", 15, True),
    # lists: any matches
    ('"Matchen","Groeien"', "Groeien", True),
    ('"Matchen","Groeien"', "Zorgen", False),
    ("<5, [10..20]", 15, True),
    ("<5, [10..20]", 7, False),
    ("<5, [10..20]", 3, True),
    ("1, 2, 3", 2, True),
    ("[1, 2, 3]", 2, True),
    # negation
    ('not("Zorgen", "Faciliteren")', "Matchen", True),
    ('not("Zorgen", "Faciliteren")', "Zorgen", False),
    ("not(< 5)", 5, True),
    ("not(< 5)", 4, False),
    ("not([1..3])", 7, True),
    ("not(null)", 1, True),
    # ? expressions
    ("? > 5", 6, True),
    ("? > 5", 5, False),
    ("? > 5 and ? < 10", 7, True),
    ('starts with(?, "Ma")', "Matchen", True),
    ("string length(?) = 3", "abc", True),
    ("? = grens", 10, True),
    # incompatible types: null, which is no match (never an error)
    ("< 6", "5", False),
    ("< 6", True, False),
    ("< 6", None, False),
    ("[0..3]", "2", False),
    ('"Matchen"', 5, False),
    ("> peildatum", 20260102, False),
    ('> date("2026-01-01")', dt.datetime(2026, 1, 2), False),
    ('not("Zorgen")', 5, False),
    ("? > 5", "x", False),
]


@pytest.mark.parametrize(("text", "value", "expected"), UNARY_CASES)
def test_unary_tests(text: str, value: Any, expected: bool) -> None:
    assert parse_unary_tests(text).matches(value, VARS) is expected


def test_unary_tests_keep_source() -> None:
    tests = parse_unary_tests('"a", "b"')
    assert tests.source == '"a", "b"'
    assert tests.constant_values() == ("a", "b")
    assert parse_unary_tests("< x").constant_values() is None
    assert parse_unary_tests("-").matches_anything
    assert parse_unary_tests("< x, [a..b]").variable_names() == {"x", "a", "b"}


def test_unary_tests_variables_optional() -> None:
    assert parse_unary_tests("< 5").matches(4)


@pytest.mark.parametrize("text", ["< onbekend", "[0..onbekend]", "? > onbekend", "onbekend"])
def test_unknown_variable_in_test_raises(text: str) -> None:
    with pytest.raises(ExpressionError, match="unknown variable 'onbekend'"):
        parse_unary_tests(text).matches(1, VARS)


def test_unsupported_value_type_raises_expression_error() -> None:
    with pytest.raises(ExpressionError, match="not supported"):
        parse_unary_tests("< 5").matches(object())


BAD_UNARY = [
    "[1..]",
    "[1..3",
    "< ",
    '"open',
    "1 2",
    "not(",
    "<< 5",
    "[1..2..3]",
    "foo(1)",
    'date("2026-02-30")',
    'duration("P1Y2D")',
    "a < b < c",
    "1 ; 2",
    "-,",
    "if x then 1",
]


@pytest.mark.parametrize("text", BAD_UNARY)
def test_unary_syntax_errors(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_unary_tests(text)
    assert caught.value.expression == text


def test_syntax_error_has_position() -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_unary_tests("[1..3] ]")
    assert caught.value.position == 7


# (expression, expected result)
EXPRESSION_CASES: list[tuple[str, Any]] = [
    ("1", 1),
    ("1.50", Decimal("1.5")),
    ('"tekst"', "tekst"),
    ('"met \\"quote\\""', 'met "quote"'),
    ("true", True),
    ("null", None),
    ("grens", 10),
    ("klant.leeftijd", 30),
    ("klant.adres.gemeente", "Utrecht"),
    ("klant.onbekend", None),
    ("onbekend", None),
    ("onbekend + 1", None),
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 / 4", Decimal("2.5")),
    ("2 ** 10", 1024),
    ("-grens", -10),
    ("0.1 + 0.2 = 0.3", True),
    ("1 / 0", None),
    ('"a" + "b"', "ab"),
    ('"a" + 1', None),
    ("grens = 10", True),
    ("grens != 10", False),
    ("grens < 11", True),
    ('grens < "11"', None),
    ("grens >= 10 and grens <= 20", True),
    ("false or grens > 5", True),
    ("null and false", False),
    ("null or true", True),
    ("null and true", None),
    ("not(true)", False),
    ("not(grens > 5)", False),
    ('if grens > 5 then "hoog" else "laag"', "hoog"),
    ('if null then "a" else "b"', "b"),
    ('if grens > 5 then if grens > 50 then "x" else "y" else "z"', "y"),
    ('date("2026-01-31")', dt.date(2026, 1, 31)),
    ("date(2026, 2, 1)", dt.date(2026, 2, 1)),
    ('date("2026-01-31") + duration("P1M")', dt.date(2026, 2, 28)),
    ('peildatum - duration("P1Y")', dt.date(2025, 1, 1)),
    ('date("2026-03-01") - date("2026-02-01")', dt.timedelta(days=28)),
    ('date("2026-01-05").year', 2026),
    ('date and time("2026-01-01T10:30:00")', dt.datetime(2026, 1, 1, 10, 30)),
    ('date and time("2026-01-01T10:30:00Z")', dt.datetime(2026, 1, 1, 10, 30, tzinfo=dt.UTC)),
    ('date and time("2026-01-01T10:30:00+01:00").hour', 10),
    ('duration("P1Y2M")', YearMonthDuration(14)),
    ('duration("P2DT3H")', dt.timedelta(days=2, hours=3)),
    ('duration("P1Y2M").months', 2),
    ('@"2026-01-01"', dt.date(2026, 1, 1)),
    ('string length("abc")', 3),
    ('upper case("utrecht")', "UTRECHT"),
    ('lower case("UWV")', "uwv"),
    ('contains("Participatiewet", "wet")', True),
    ('starts with("Matchen", "Ma")', True),
    ('ends with("Matchen", "en")', True),
    ('substring("Participatiewet", 1, 5)', "Parti"),
    ('number("12.5")', Decimal("12.5")),
    ('number("1.234,56", ".", ",")', Decimal("1234.56")),
    ('number("abc")', None),
    ("string(1.50)", "1.5"),
    ("string(true)", "true"),
    ('string(date("2026-01-01"))', "2026-01-01"),
    ('string(duration("P14M"))', "P1Y2M"),
    ("abs(-3)", 3),
    ("floor(2.7)", 2),
    ("ceiling(2.1)", 3),
    ("min([3, 1, 2])", 1),
    ("max(3, 1, 2)", 3),
    ('max(["a", "c", "b"])', "c"),
    ('min([1, "a"])', None),
    ("sum([1, 2, 3.5])", Decimal("6.5")),
    ("count([1, 2, 3])", 3),
    ("count([])", 0),
    ("[1, grens]", [1, 10]),
    ("klant", {"leeftijd": 30, "adres": {"gemeente": "Utrecht"}}),
]


@pytest.mark.parametrize(("text", "expected"), EXPRESSION_CASES)
def test_simple_expressions(text: str, expected: Any) -> None:
    result = parse_feel(text).evaluate(VARS)
    assert result == expected
    assert type(result) is type(expected)


def test_numbers_of_any_python_type() -> None:
    expression = parse_feel("a + b + c")
    assert expression.evaluate({"a": 1, "b": 0.5, "c": Decimal("0.25")}) == Decimal("1.75")
    assert parse_feel("a = 1").evaluate({"a": True}) is None  # bool is not a number


def test_variable_names_and_plain_variable() -> None:
    assert parse_feel("a.b + c * 2").variable_names() == {"a", "c"}
    assert parse_feel('string length("x")').variable_names() == frozenset()
    assert parse_feel("klant.adres").plain_variable == "klant"
    assert parse_feel("maandenInUitkering").plain_variable == "maandenInUitkering"
    assert parse_feel("a + 1").plain_variable is None


BAD_EXPRESSIONS = [
    "",
    "   ",
    "1 +",
    "foo()",
    "__import__('os')",
    'system("ls")',
    "x[0]",
    "? > 1",
    "if a then b",
    "a b",
    "1 ==  2",
    "string length()",
    'contains("a")',
    '@"geen datum"',
    'date("31-12-2026")',
    "(" * 200 + "1" + ")" * 200,
    "-" * 500 + "1",
]


@pytest.mark.parametrize("text", BAD_EXPRESSIONS)
def test_expression_syntax_errors(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse_feel(text)


def test_path_does_not_reach_python_attributes() -> None:
    class Secret:
        password = "geheim"

    assert parse_feel("x.upper").evaluate({"x": "abc"}) is None
    assert parse_feel("x.__class__.__mro__").evaluate({"x": "abc"}) is None
    with pytest.raises(ExpressionError):
        parse_feel("x.password").evaluate({"x": Secret()})


def test_overflow_is_null_not_crash() -> None:
    assert parse_feel("10 ** 999999").evaluate({}) is None
    assert parse_feel("2 ** 999999999999").evaluate({}) is None
    assert parse_feel('date("9999-12-31") + duration("P1Y")').evaluate({}) is None


def test_non_finite_floats_are_null() -> None:
    assert parse_feel("x").evaluate({"x": float("nan")}) is None
    assert parse_unary_tests("< 5").matches(float("inf")) is False
