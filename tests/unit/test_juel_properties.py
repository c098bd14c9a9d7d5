"""Property tests for the JUEL evaluator (hypothesis).

1. Random typed arithmetic/boolean trees, rendered to text with minimal parentheses,
   evaluate to what a reference evaluator computes straight from the tree.
2. Arbitrary text only ever raises ExpressionSyntaxError when parsed, and evaluating
   whatever parses only ever raises ExpressionError, and never via the catch-all.
3. Literal text round-trips; any string round-trips through a quoted string literal.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import UTC
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.domain.errors import ExpressionError, ExpressionSyntaxError
from orchestrator.engine.expressions import evaluate_juel, parse_juel

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------- 1. reference evaluation
#
# Trees are tuples: ("int", n) | ("bool", b) | ("var", name) | ("paren", e)
# | ("neg", e) | ("not", spelling, e) | ("bin", op, spelling, left, right)
# | ("cond", test, when_true, when_false)

INT_VARS = ("a", "b", "c")
BOOL_VARS = ("p", "q")

SPELLINGS: dict[str, tuple[str, ...]] = {
    "+": ("+",),
    "-": ("-",),
    "*": ("*",),
    "%": ("%", "mod"),
    "<": ("<", "lt"),
    ">": (">", "gt"),
    "<=": ("<=", "le"),
    ">=": (">=", "ge"),
    "==": ("==", "eq"),
    "!=": ("!=", "ne"),
    "&&": ("&&", "and"),
    "||": ("||", "or"),
}
PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "%": 6,
}
UNARY, ATOM = 7, 8


def _binary(
    ops: tuple[str, ...], left: st.SearchStrategy[Any], right: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    return st.sampled_from(ops).flatmap(
        lambda op: st.tuples(
            st.just("bin"), st.just(op), st.sampled_from(SPELLINGS[op]), left, right
        )
    )


def int_expr(depth: int) -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.tuples(st.just("int"), st.integers(0, 1000)),
        st.tuples(st.just("var"), st.sampled_from(INT_VARS)),
    )
    if depth == 0:
        return leaves
    sub = int_expr(depth - 1)
    arithmetic = _binary(("+", "-", "*", "%"), sub, sub)
    # Binary operators are listed several times: mixing them is what tests precedence.
    return st.one_of(
        leaves,
        arithmetic,
        arithmetic,
        arithmetic,
        st.tuples(st.just("neg"), sub),
        st.tuples(st.just("cond"), bool_expr(depth - 1), sub, sub),
        st.tuples(st.just("paren"), sub),
    )


def bool_expr(depth: int) -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.tuples(st.just("bool"), st.booleans()),
        st.tuples(st.just("var"), st.sampled_from(BOOL_VARS)),
    )
    if depth == 0:
        return leaves
    sub = bool_expr(depth - 1)
    ints = int_expr(depth - 1)
    logical = _binary(("&&", "||", "==", "!="), sub, sub)
    return st.one_of(
        leaves,
        logical,
        logical,
        logical,
        _binary(("<", ">", "<=", ">=", "==", "!="), ints, ints),
        st.tuples(st.just("not"), st.sampled_from(("!", "not ")), sub),
        st.tuples(st.just("cond"), sub, sub, sub),
        st.tuples(st.just("paren"), sub),
    )


def render(node: Any) -> tuple[str, int]:
    """Render with as few parentheses as EL precedence allows; return (text, precedence)."""
    kind = node[0]
    if kind == "int":
        return str(node[1]), ATOM
    if kind == "bool":
        return ("true" if node[1] else "false"), ATOM
    if kind == "var":
        return node[1], ATOM
    if kind == "paren":
        return f"({render(node[1])[0]})", ATOM
    if kind in ("neg", "not"):
        text, prec = render(node[-1])
        if prec < UNARY:
            text = f"({text})"
        return ("-" if kind == "neg" else node[1]) + text, UNARY
    if kind == "bin":
        _, op, spelling, left, right = node
        prec = PRECEDENCE[op]
        left_text, left_prec = render(left)
        right_text, right_prec = render(right)
        if left_prec < prec:
            left_text = f"({left_text})"
        if right_prec <= prec:  # left associative: a - (b - c) needs its parentheses
            right_text = f"({right_text})"
        return f"{left_text} {spelling} {right_text}", prec
    _, test, when_true, when_false = node
    test_text, test_prec = render(test)
    if test_prec < 1:
        test_text = f"({test_text})"
    # ?: is right associative and both branches are full expressions
    return f"{test_text} ? {render(when_true)[0]} : {render(when_false)[0]}", 0


def java_mod(left: int, right: int) -> int:
    if right == 0:
        raise ZeroDivisionError
    remainder = abs(left) % abs(right)
    return -remainder if left < 0 else remainder


OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "%": java_mod,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def reference(node: Any, env: dict[str, Any]) -> Any:
    """Evaluate the tree directly; raises ZeroDivisionError like the evaluator should."""
    kind = node[0]
    if kind in ("int", "bool"):
        return node[1]
    if kind == "var":
        return env[node[1]]
    if kind == "paren":
        return reference(node[1], env)
    if kind == "neg":
        return -reference(node[1], env)
    if kind == "not":
        return not reference(node[2], env)
    if kind == "cond":
        branch = node[2] if reference(node[1], env) else node[3]
        return reference(branch, env)
    _, op, _, left, right = node
    if op == "&&":
        return reference(left, env) and reference(right, env)
    if op == "||":
        return reference(left, env) or reference(right, env)
    a, b = reference(left, env), reference(right, env)
    return OPERATIONS[op](a, b)


ENVS = st.fixed_dictionaries(
    {
        **{name: st.integers(-100, 100) for name in INT_VARS},
        **{name: st.booleans() for name in BOOL_VARS},
    }
)


@FAST
@given(tree=st.one_of(int_expr(4), bool_expr(4)), env=ENVS)
def test_evaluation_matches_reference(tree: Any, env: dict[str, Any]) -> None:
    text = "${" + render(tree)[0] + "}"
    try:
        expected = reference(tree, env)
    except ZeroDivisionError:
        with pytest.raises(ExpressionError, match="division by zero"):
            evaluate_juel(text, env)
        return
    result = evaluate_juel(text, env)
    assert result == expected, text
    assert type(result) is type(expected), text


# ------------------------------------------------------------------ 2. robustness

TOKENS = (
    "a", "b", "x", "lijst", "map", "tekst", "1", "0", "-1", "2.5", "1e3", "'s'", '"t"',
    "true", "false", "null", "empty", "not", "and", "or", "div", "mod", "eq", "ne",
    "lt", "gt", "le", "ge", "+", "-", "*", "/", "%", "!", "==", "!=", "<", ">", "<=",
    ">=", "&&", "||", "?", ":", "(", ")", "[", "]", ".", ",", ".size()", ".isEmpty()",
    ".length()", ".trim()", ".toLowerCase()", ".contains(", ".startsWith(", ".b",
    "['b']", "[0]", "[-1]",
)  # fmt: skip

VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        # special values that make Decimal signal instead of answering
        st.sampled_from([Decimal("sNaN"), Decimal("NaN"), Decimal("-Infinity")]),
        st.text(max_size=5),
        st.dates(),
        st.datetimes(timezones=st.sampled_from([None, UTC])),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.sampled_from(["b", "c", "0"]), inner, max_size=3),
    ),
    max_leaves=6,
)
RANDOM_ENVS = st.dictionaries(
    st.sampled_from(["a", "b", "x", "lijst", "map", "tekst"]), VALUES, max_size=6
)
TOKEN_SOUP = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map(
    lambda tokens: "${" + " ".join(tokens) + "}"
)


def _no_catch_all(error: ExpressionError) -> None:
    # The catch-all reasons mean an unexpected Python exception: a bug for plain values.
    assert not error.reason.startswith("evaluation failed"), error
    assert not error.reason.startswith("expression could not be parsed"), error


@FAST
@given(text=st.one_of(st.text(), st.text().map(lambda t: "${" + t + "}"), TOKEN_SOUP))
def test_parser_only_raises_syntax_errors(text: str) -> None:
    try:
        parse_juel(text)
    except ExpressionSyntaxError as error:
        _no_catch_all(error)
        assert error.position is None or 0 <= error.position <= len(text)


@FAST
@given(text=TOKEN_SOUP, env=RANDOM_ENVS)
def test_evaluation_only_raises_expression_errors(text: str, env: dict[str, Any]) -> None:
    try:
        expression = parse_juel(text)
    except ExpressionSyntaxError:
        return
    try:
        expression.evaluate(env)
    except ExpressionSyntaxError:  # pragma: no cover - would be a bug
        pytest.fail("evaluation raised a syntax error")
    except ExpressionError as error:
        _no_catch_all(error)


@FAST
@given(
    tree=st.one_of(int_expr(3), bool_expr(3)),
    env=st.fixed_dictionaries(
        {name: VALUES for name in (*INT_VARS, *BOOL_VARS)},
    ),
)
def test_well_formed_trees_with_random_values_raise_only_expression_errors(
    tree: Any, env: dict[str, Any]
) -> None:
    try:
        evaluate_juel("${" + render(tree)[0] + "}", env)
    except ExpressionError as error:
        _no_catch_all(error)


# -------------------------------------------------------------------- 3. round trips

LITERAL_TEXT = st.text(max_size=200).filter(lambda t: "${" not in t and "#{" not in t)


@FAST
@given(text=LITERAL_TEXT)
def test_literal_text_round_trips(text: str) -> None:
    expression = parse_juel(text)
    assert expression.is_literal
    assert expression.variable_names() == frozenset()
    assert expression.evaluate({}) == text.strip()


def _quote(value: str) -> str:
    quote = "'" if "'" not in value or '"' in value else '"'
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return quote + escaped + quote


@FAST
@given(value=st.text(max_size=100))
def test_string_literal_round_trips(value: str) -> None:
    assert evaluate_juel("${" + _quote(value) + "}", {}) == value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@FAST
@given(
    pieces=st.lists(
        LITERAL_TEXT.filter(lambda t: "\\" not in t and t and t.strip() == t),
        min_size=1,
        max_size=4,
    ),
    values=st.lists(
        st.one_of(st.none(), st.integers(), st.text(max_size=10), st.booleans()),
        min_size=4,
        max_size=4,
    ),
)
def test_composite_text_joins_parts(pieces: list[str], values: list[Any]) -> None:
    text = "".join(f"{piece}${{v{i}}}" for i, piece in enumerate(pieces))
    env = {f"v{i}": values[i] for i in range(len(pieces))}
    expression = parse_juel(text)
    assert not expression.is_literal
    assert expression.variable_names() == frozenset(env)
    expected = "".join(piece + _as_text(values[i]) for i, piece in enumerate(pieces))
    assert expression.evaluate(env) == expected
