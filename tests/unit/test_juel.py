"""Unit tests for the JUEL evaluator: operators, text forms, null handling and errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from orchestrator.domain.errors import ExpressionError, ExpressionSyntaxError
from orchestrator.engine.expressions import (
    JuelExpression,
    evaluate_juel,
    is_truthy_condition,
    parse_juel,
)
from orchestrator.engine.expressions.juel import MAX_DEPTH, MAX_EXPRESSION_LENGTH


@dataclass(frozen=True)
class Aanvraag:
    bedrag: int
    soort: str
    _geheim: str = "x"

    @property
    def berekend(self) -> int:
        return self.bedrag * 2

    def verwerk(self) -> str:
        return "gedaan"


class Adres:
    def __init__(self) -> None:
        self.straat = "Dorpsstraat"
        self.nummer = 12
        self.callback = print

    def methode(self) -> str:
        return "nee"


class Punt(NamedTuple):
    x: int
    y: int


VARS: dict[str, Any] = {
    "score": 7,
    "fraude": False,
    "klantgroep": "Matchen",
    "aanvraag": {"bedrag": 1500, "soort": "bijstand", "regels": [10, 20, 30]},
    "leeftijd": 20,
    "broodnood": False,
    "dreigendeHuisuitzetting": True,
    "naam": "Jansen",
    "nr": 42,
    "leeg": "",
    "niets": None,
    "lijst": [1, 2, 3],
    "leegLijst": [],
    "map": {"a": 1},
    "leegMap": {},
    "set": {"x"},
    "prijs": Decimal("10.50"),
    "half": 0.5,
    "vandaag": date(2024, 5, 1),
    "nu": datetime(2024, 5, 1, 12, 0),
    "nuUtc": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
    "object": Aanvraag(2000, "toeslag"),
    "adres": Adres(),
    "punt": Punt(3, 4),
    "ja": True,
    "tekst": "  Hallo Wereld  ",
    "groot": 10**20,
    "émile": "uniçode",
    "$dollar": 1,
    "_intern": 2,
}


def ev(text: str, variables: dict[str, Any] | None = None) -> Any:
    return evaluate_juel(text, VARS if variables is None else variables)


# ------------------------------------------------------------------- Camunda examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${score >= 5 && !fraude}", True),
        ("${klantgroep == 'Matchen'}", True),
        ("${empty x}", True),
        ("${aanvraag.bedrag > 1000}", True),
        ("${leeftijd lt 27 ? 'jongere' : 'volwassene'}", "jongere"),
        ("${broodnood or dreigendeHuisuitzetting}", True),
        ("#{score > 5}", True),
        ("${not empty naam}", True),
        ("${aanvraag.soort eq 'bijstand' and score ge 7}", True),
    ],
)
def test_camunda_examples(text: str, expected: Any) -> None:
    assert ev(text) == expected


# -------------------------------------------------------------------------- literals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${42}", 42),
        ("${0}", 0),
        ("${1.5}", 1.5),
        ("${.5}", 0.5),
        ("${1e3}", 1000.0),
        ("${2.5E-1}", 0.25),
        ("${'enkel'}", "enkel"),
        ('${"dubbel"}', "dubbel"),
        (r"${'it\'s'}", "it's"),
        (r'${"zeg \"hoi\""}', 'zeg "hoi"'),
        (r"${'a\\b'}", "a\\b"),
        ("${'met } accolade'}", "met } accolade"),
        ("${true}", True),
        ("${false}", False),
        ("${null}", None),
        ("${''}", ""),
    ],
)
def test_literals(text: str, expected: Any) -> None:
    result = ev(text)
    assert result == expected
    assert type(result) is type(expected)


def test_integer_literal_stays_int() -> None:
    assert type(ev("${12}")) is int
    assert type(ev("${1e3}")) is float


# ------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # arithmetic
        ("${1 + 2}", 3),
        ("${5 - 8}", -3),
        ("${3 * 4}", 12),
        ("${7 / 2}", 3.5),
        ("${6 / 3}", 2.0),
        ("${7 div 2}", 3.5),
        ("${7 % 3}", 1),
        ("${7 mod 3}", 1),
        ("${-7 % 3}", -1),  # Java remainder: sign of the dividend
        ("${7 % -3}", 1),
        ("${7.5 % 2}", 1.5),
        ("${-score}", -7),
        ("${- -3}", 3),
        ("${1.5 + 1}", 2.5),
        ("${prijs + 1}", Decimal("11.50")),
        ("${prijs * 2}", Decimal("21.00")),
        ("${prijs + 0.25}", Decimal("10.75")),
        ("${prijs / 2}", Decimal("5.25")),
        ("${prijs % 4}", Decimal("2.50")),
        ("${groot * groot}", 10**40),
        # relational
        ("${1 < 2}", True),
        ("${2 < 1}", False),
        ("${2 > 1}", True),
        ("${2 <= 2}", True),
        ("${3 >= 4}", False),
        ("${1 lt 2}", True),
        ("${1 gt 2}", False),
        ("${2 le 2}", True),
        ("${2 ge 3}", False),
        ("${1 < 1.5}", True),
        ("${prijs > 10}", True),
        ("${prijs < 10.6}", True),
        ("${'a' < 'b'}", True),
        ("${naam >= 'J'}", True),
        ("${vandaag < vandaag}", False),
        ("${nu >= nu}", True),
        # equality
        ("${1 == 1}", True),
        ("${1 == 1.0}", True),
        ("${1 != 2}", True),
        ("${1 eq 1}", True),
        ("${1 ne 1}", False),
        ("${'a' == 'a'}", True),
        ("${'a' == 'b'}", False),
        ("${1 == '1'}", True),
        ("${'1.50' == 1.5}", True),
        ("${1 == 'een'}", False),
        ("${prijs == 10.5}", True),
        ("${prijs == '10.5'}", True),
        ("${null == null}", True),
        ("${null != null}", False),
        ("${niets == null}", True),
        ("${niets == 0}", False),
        ("${ja == true}", True),
        ("${ja == 'true'}", True),
        ("${ja == 'ja'}", False),
        ("${ja == 1}", False),
        ("${lijst == lijst}", True),
        ("${vandaag == nu}", False),
        # logical
        ("${true && true}", True),
        ("${true && false}", False),
        ("${false || true}", True),
        ("${false or false}", False),
        ("${true and true}", True),
        ("${!true}", False),
        ("${not false}", True),
        ("${!!true}", True),
        ("${niets && true}", False),  # null counts as false, like EL
        ("${niets || true}", True),
        ("${!niets}", True),
        # short circuit: the right side would fail
        ("${false && onbekend}", False),
        ("${true || onbekend}", True),
        ("${false && 1 / 0 > 1}", False),
        # empty
        ("${empty niets}", True),
        ("${empty leeg}", True),
        ("${empty naam}", False),
        ("${empty leegLijst}", True),
        ("${empty lijst}", False),
        ("${empty leegMap}", True),
        ("${empty map}", False),
        ("${empty set}", False),
        ("${empty 0}", False),
        ("${empty fraude}", False),
        ("${!empty lijst}", True),
        # ternary
        ("${true ? 1 : 2}", 1),
        ("${false ? 1 : 2}", 2),
        ("${niets ? 1 : 2}", 2),
        ("${false ? 1 : true ? 2 : 3}", 2),
        ("${false ? 1 : false ? 2 : 3}", 3),
        ("${true ? false ? 1 : 2 : 3}", 2),
        ("${true ? 'ja' : onbekend}", "ja"),
    ],
)
def test_operators(text: str, expected: Any) -> None:
    result = ev(text)
    assert result == expected
    assert type(result) is type(expected)


# ------------------------------------------------------------------------ precedence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${1 + 2 * 3}", 7),
        ("${(1 + 2) * 3}", 9),
        ("${10 - 4 - 3}", 3),  # left associative
        ("${100 / 10 / 5}", 2.0),
        ("${2 * 3 % 4}", 2),
        ("${-2 * 3}", -6),
        ("${-(2 + 3)}", -5),
        ("${1 + 2 < 4}", True),
        ("${1 < 2 == true}", True),  # relational binds tighter than equality
        ("${true == 1 < 2}", True),
        ("${false != 2 > 1}", True),
        ("${1 + 2 == 3}", True),
        ("${true == false && false}", False),  # equality binds tighter than &&
        ("${1 == 1 && 2 == 2}", True),
        ("${true || false && false}", True),  # && binds tighter than ||
        ("${(true || false) && false}", False),
        ("${!false && false}", False),  # ! binds tighter than &&
        ("${!(false && false)}", True),
        ("${empty leeg && true}", True),
        ("${-lijst[0]}", -1),  # [] binds tighter than unary minus
        ("${aanvraag.regels[1] * 2}", 40),
        ("${1 > 2 || 3 > 2 ? 'a' : 'b'}", "a"),  # ?: is the loosest
        ("${true ? 1 + 1 : 2}", 2),
        ("${((((1))))}", 1),
    ],
)
def test_precedence(text: str, expected: Any) -> None:
    assert ev(text) == expected


# ---------------------------------------------------------------- property access


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${aanvraag.bedrag}", 1500),
        ("${aanvraag['bedrag']}", 1500),
        ('${aanvraag["soort"]}', "bijstand"),
        ("${aanvraag.ontbreekt}", None),  # missing dict key is null
        ("${aanvraag.ontbreekt.dieper}", None),  # property of null is null
        ("${aanvraag.regels[0]}", 10),
        ("${aanvraag.regels[2]}", 30),
        ("${aanvraag.regels[3]}", None),  # out of range is null, like EL
        ("${aanvraag.regels[-1]}", None),  # negative is null too
        ("${lijst[1 + 1]}", 3),
        ("${map[naam] == null}", True),
        ("${object.bedrag}", 2000),
        ("${object['soort']}", "toeslag"),
        ("${adres.straat}", "Dorpsstraat"),
        ("${adres.nummer + 1}", 13),
        ("${punt.x + punt.y}", 7),
        ("${punt[1]}", 4),
        ("${niets.iets}", None),
        ("${niets[0]}", None),
        ("${émile}", "uniçode"),
        ("${$dollar}", 1),
        ("${_intern}", 2),
        ("${map.empty}", None),  # keywords are fine as property names
    ],
)
def test_property_access(text: str, expected: Any) -> None:
    assert ev(text) == expected


# --------------------------------------------------------------------------- methods


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${lijst.size()}", 3),
        ("${map.size()}", 1),
        ("${naam.size()}", 6),
        ("${leegLijst.isEmpty()}", True),
        ("${lijst.isEmpty()}", False),
        ("${leeg.isEmpty()}", True),
        ("${naam.length()}", 6),
        ("${naam.contains('ans')}", True),
        ("${naam.contains('x')}", False),
        ("${naam.startsWith('Ja')}", True),
        ("${naam.endsWith('sen')}", True),
        ("${naam.toLowerCase()}", "jansen"),
        ("${naam.toUpperCase()}", "JANSEN"),
        ("${tekst.trim()}", "Hallo Wereld"),
        ("${lijst.contains(2)}", True),
        ("${lijst.contains(2.0)}", True),
        ("${lijst.contains('2')}", True),  # EL equality coerces numeric text
        ("${lijst.contains(9)}", False),
        ("${set.contains('x')}", True),
        ("${aanvraag.regels.size() > 2}", True),
        ("${naam.trim().toLowerCase().startsWith('jan')}", True),
    ],
)
def test_methods(text: str, expected: Any) -> None:
    assert ev(text) == expected


# ---------------------------------------------------------------------- text forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dossier ${nr} van ${naam}", "Dossier 42 van Jansen"),
        ("Dossier ${nr} van ${niets}", "Dossier 42 van "),  # null renders as empty text
        ("${nr}${naam}", "42Jansen"),
        ("${nr} ", 42),  # surrounding whitespace is stripped: still a lone block
        ("  ${naam}  ", "Jansen"),
        ("akkoord: ${ja}", "akkoord: true"),
        ("prijs ${prijs}", "prijs 10.50"),
        ("op ${vandaag}", "op 2024-05-01"),
        ("om ${nu}", "om 2024-05-01T12:00:00"),
        ("half ${half}", "half 0.5"),
        ("gewone tekst", "gewone tekst"),
        ("  met spaties  ", "met spaties"),
        ("", ""),
        ("kost $5 #1 {x}", "kost $5 #1 {x}"),
        (r"\${naam}", "${naam}"),
        (r"\#{naam}", "#{naam}"),
        (r"waarde \${x} is ${nr}", "waarde ${x} is 42"),
        ("a\\b", "a\\b"),
        ("${naam} #{nr}", "Jansen 42"),
    ],
)
def test_text_forms(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_lone_block_keeps_type() -> None:
    assert ev("${lijst}") is VARS["lijst"]
    assert ev("${niets}") is None


@pytest.mark.parametrize(
    ("text", "is_literal"),
    [
        ("gewone tekst", True),
        ("", True),
        (r"\${x}", True),
        ("kost $5", True),
        ("${x}", False),
        ("a ${x} b", False),
        ("#{x}", False),
    ],
)
def test_is_literal(text: str, is_literal: bool) -> None:
    assert parse_juel(text).is_literal is is_literal


def test_parse_result_is_reusable_and_immutable() -> None:
    expression = parse_juel("${score + 1}")
    assert isinstance(expression, JuelExpression)
    assert expression.source == "${score + 1}"
    assert expression.evaluate({"score": 1}) == 2
    assert expression.evaluate({"score": 10}) == 11
    with pytest.raises(AttributeError):
        expression.source = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("tekst", set()),
        ("${1 + 2}", set()),
        ("${score >= 5 && !fraude}", {"score", "fraude"}),
        ("${aanvraag.bedrag > grens}", {"aanvraag", "grens"}),
        ("${lijst[index].naam}", {"lijst", "index"}),
        ("${a ? b : c}", {"a", "b", "c"}),
        ("${naam.startsWith(prefix)}", {"naam", "prefix"}),
        ("Beste ${naam}, dossier ${nr}", {"naam", "nr"}),
        ("${empty opmerking}", {"opmerking"}),
    ],
)
def test_variable_names(text: str, names: set[str]) -> None:
    assert parse_juel(text).variable_names() == frozenset(names)


# -------------------------------------------------------------------- null handling


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${empty opmerking}", True),
        ("${!empty opmerking}", False),
        ("${opmerking == null}", True),
        ("${null == opmerking}", True),
        ("${opmerking != null}", False),
        ("${opmerking eq null}", True),
        ("${empty aanvraag2.opmerking}", True),  # property of unknown root
        ("${aanvraag2.opmerking == null}", True),
        ("${opmerking != null && opmerking > 1}", False),
        ("${empty opmerking ? 'geen' : opmerking}", "geen"),
    ],
)
def test_unknown_variable_is_null_for_empty_and_null_checks(text: str, expected: Any) -> None:
    assert ev(text, {}) == expected


# --------------------------------------------------------------- evaluation errors


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("${score > drempel}", "unknown variable 'drempel'"),
        ("${opmerking == 'x'}", "unknown variable 'opmerking'"),
        ("${onbekend.veld}", "unknown variable 'onbekend'"),
        ("${1 / 0}", "division by zero"),
        ("${1 div 0.0}", "division by zero"),
        ("${1 % 0}", "division by zero"),
        ("${prijs / 0}", "division by zero"),
        ("${naam > 5}", "cannot compare str with int"),
        ("${5 < naam}", "cannot compare int with str"),
        ("${niets < 5}", "cannot compare null with int"),
        ("${ja < false}", "cannot compare bool with bool"),
        ("${vandaag < nu}", "cannot compare date with datetime"),
        ("${nu < nuUtc}", "cannot compare a timezone-aware with a naive datetime"),
        ("${naam + 'x'}", "use a composite expression ${a}${b} for text"),
        ("${1 + naam}", "use a composite expression ${a}${b} for text"),
        ("${niets + 1}", "operator '+' needs numbers, got null and int"),
        ("${ja * 2}", "operator '*' needs numbers, got bool and int"),
        ("${lijst - 1}", "operator '-' needs numbers, got list and int"),
        ("${-naam}", "operator '-' needs a number, got str"),
        ("${-ja}", "operator '-' needs a number, got bool"),
        ("${!score}", "operator '!' needs a boolean, got int"),
        ("${score && true}", "operator '&&' needs a boolean, got int"),
        ("${true and naam}", "operator '&&' needs a boolean, got str"),
        ("${false || 'ja'}", "operator '||' needs a boolean, got str"),
        ("${naam ? 1 : 2}", "condition of '?:' needs a boolean, got str"),
        ("${lijst['a']}", "cannot read property 'a' of list"),
        ("${lijst.size}", "cannot read property 'size' of list (did you mean size()?)"),
        ("${lijst[1.0]}", "index into a list must be an integer, got float"),
        ("${lijst[ja]}", "index into a list must be an integer, got bool"),
        ("${map[lijst]}", "a list cannot be used as a key"),
        ("${naam.lengte}", "cannot read property 'lengte' of str"),
        ("${score.real}", "cannot read property 'real' of int"),
        ("${object.berekend}", "unknown property 'berekend' of Aanvraag"),
        ("${object.verwerk}", "unknown property 'verwerk' of Aanvraag"),
        ("${object['_geheim']}", "property '_geheim' is not accessible"),
        ("${object.onbekend}", "unknown property 'onbekend' of Aanvraag"),
        ("${adres.methode}", "unknown property 'methode' of Adres"),
        ("${adres.callback}", "property 'callback' of Adres is not a value"),
        ("${adres['__class__']}", "property '__class__' is not accessible"),
        ("${punt.z}", "unknown property 'z' of Punt"),
        ("${niets.size()}", "cannot call method 'size' on null"),
        ("${score.size()}", "method 'size' cannot be called on int"),
        ("${lijst.length()}", "method 'length' cannot be called on list"),
        ("${map.contains('a')}", "method 'contains' cannot be called on dict"),
        ("${naam.contains(1)}", "method 'contains' on text needs a str argument, got int"),
        ("Beste ${klant}", "unknown variable 'klant'"),
    ],
)
def test_evaluation_errors(text: str, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        ev(text)
    error = caught.value
    assert not isinstance(error, ExpressionSyntaxError)
    assert reason in error.reason
    assert error.expression == text
    # the message names both the reason and the expression
    assert reason in str(error)
    assert repr(text) in str(error)


def test_unknown_variable_reason_is_exact() -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate_juel("${score >= 5}", {})
    assert caught.value.reason == "unknown variable 'score'"


def test_misbehaving_variable_becomes_expression_error() -> None:
    class Stuk:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("kapot")

        __hash__ = object.__hash__

    with pytest.raises(ExpressionError, match="evaluation failed: RuntimeError: kapot"):
        evaluate_juel("${x == y}", {"x": Stuk(), "y": Stuk()})


def test_huge_number_in_text_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="too large to render"):
        evaluate_juel("getal ${x}", {"x": 10**5000})


def test_decimal_nan_comparison_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="cannot compare"):
        evaluate_juel("${x < 1}", {"x": Decimal("NaN")})


@pytest.mark.parametrize("text", ["${x == 1}", "${x < 1}", "${x + 1}", "${-x}", "${l.contains(1)}"])
def test_signalling_nan_is_an_expression_error(text: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate_juel(text, {"x": Decimal("sNaN"), "l": [Decimal("sNaN")]})
    # a clear reason, not the catch-all for unexpected Python exceptions
    assert not caught.value.reason.startswith("evaluation failed")


def test_float_infinity_modulo_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="arithmetic error"):
        evaluate_juel("${x % 2}", {"x": float("inf")})


def test_times_compare() -> None:
    assert evaluate_juel("${a < b}", {"a": time(9), "b": time(17)}) is True
    with pytest.raises(ExpressionError, match="timezone-aware"):
        evaluate_juel("${a < b}", {"a": time(9), "b": time(17, tzinfo=UTC)})


# ------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("${}", "empty expression", 2),
        ("${   }", "empty expression", 5),
        ("${a", "expression is not closed with '}'", 0),
        ("tekst ${a + 1", "expression is not closed with '}'", 6),
        ("${1 +}", "unexpected end of expression", 5),
        ("${a b}", "unexpected 'b'", 4),
        ("${(1 + 2}", "expected ')' to close '('", 8),
        ("${a[1}", "expected ']' after index", 5),
        ("${a ? 1}", "expected ':' in 'condition ? a : b'", 7),
        ("${a = 1}", "did you mean '=='?", 4),
        ("${a & b}", "did you mean '&&'?", 4),
        ("${a | b}", "did you mean '||'?", 4),
        ("${a ; b}", "unexpected character ';'", 4),
        ("${'open}", "string is not closed", 2),
        (r"${'a\nb'}", "invalid escape", 4),
        ("${12abc}", "invalid number", 2),
        ("${a.}", "expected a property name after '.'", 4),
        ("${a.1}", "expected a property name after '.'", 4),
        ("${a._geheim}", "property '_geheim' is not accessible", 4),
        ("${x.getClass()}", "method 'getClass' is not allowed", 4),
        ("${x.foo(1)}", "method 'foo' is not allowed", 4),
        ("${naam.size(1)}", "method 'size' takes 0 arguments, got 1", 7),
        ("${naam.contains()}", "method 'contains' takes 1 argument, got 0", 7),
        ("${naam.contains('a', 'b')}", "method 'contains' takes 1 argument, got 2", 7),
        ("${foo(1)}", "functions are not supported", 5),
        ("${fn:len(x)}", "unexpected ':'", 4),
        ("${a instanceof b}", "'instanceof' is not supported", 4),
        ("${a + ${b}}", "'${' cannot be nested", 6),
        ("${{}}", "unexpected '{'", 2),
        ("${1}}", None, None),  # a stray '}' after a block is literal text
        ("${)}", "unexpected ')'", 2),
        ("  ${a +}", "unexpected end of expression", 7),
    ],
)
def test_syntax_errors(text: str, reason: str | None, position: int | None) -> None:
    if reason is None:
        assert evaluate_juel(text, {}) == "1}"
        return
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse_juel(text)
    error = caught.value
    assert reason in error.reason
    assert error.position == position
    assert error.expression == text
    assert f"at position {position}" in str(error)


def test_evaluate_juel_raises_syntax_error_too() -> None:
    with pytest.raises(ExpressionSyntaxError):
        evaluate_juel("${1 +}", {})


def test_syntax_error_is_an_expression_error() -> None:
    # callers that only catch ExpressionError also see parse failures
    with pytest.raises(ExpressionError):
        parse_juel("${x.foo()}")


# -------------------------------------------------------------- pathological input


def test_too_long_expression_is_refused() -> None:
    text = "${" + "1 + " * (MAX_EXPRESSION_LENGTH // 4) + "1}"
    with pytest.raises(ExpressionSyntaxError, match="longer than 10000 characters") as caught:
        parse_juel(text)
    assert len(caught.value.expression) < 300


def test_text_of_exactly_max_length_is_fine() -> None:
    text = "x" * MAX_EXPRESSION_LENGTH
    assert evaluate_juel(text, {}) == text


@pytest.mark.parametrize(
    "text",
    [
        "${" + "(" * 500 + "1" + ")" * 500 + "}",
        "${" + "-" * 500 + "1}",
        "${" + "!" * 500 + "true}",
        "${" + "1 + " * 500 + "1}",
        "${a" + ".b" * 500 + "}",
        "${a" + "[0]" * 500 + "}",
        "${" + "true ? " * 500 + "1" + " : 2" * 500 + "}",
        "${" + "a[" * 500 + "0" + "]" * 500 + "}",
        "${" + "1 || (" * 300 + "1" + ")" * 300 + "}",
    ],
)
def test_deep_nesting_is_a_syntax_error_not_recursion_error(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        parse_juel(text)


def test_nesting_just_below_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 2
    assert evaluate_juel("${" + "(" * depth + "1" + ")" * depth + "}", {}) == 1
    assert evaluate_juel("${" + "1 + " * depth + "1}", {}) == depth + 1
    assert evaluate_juel("${" + "- " * depth + "1}", {}) == (-1) ** depth


def test_huge_integer_literal_is_a_syntax_error() -> None:
    with pytest.raises(ExpressionSyntaxError, match="number literal is too long"):
        parse_juel("${" + "9" * 5000 + "}")


def test_non_text_is_a_syntax_error() -> None:
    with pytest.raises(ExpressionSyntaxError, match="must be text"):
        parse_juel(None)  # type: ignore[arg-type]


# ----------------------------------------------------------------------- conditions


def test_is_truthy_condition() -> None:
    assert is_truthy_condition(True, "${x}") is True
    assert is_truthy_condition(False, "${x}") is False


@pytest.mark.parametrize("value", [None, 1, 0, "true", "", [], 1.0])
def test_is_truthy_condition_refuses_non_booleans(value: Any) -> None:
    with pytest.raises(ExpressionError) as caught:
        is_truthy_condition(value, "${status}")
    assert caught.value.reason == "condition did not yield a boolean"
    assert caught.value.expression == "${status}"
