"""Safe FEEL (DMN 1.3) evaluation: simple unary tests and simple expressions.

Two entry points:

- :func:`parse_unary_tests` for decision-table input entries (``< 6``, ``[1..10[``,
  ``"Matchen","Groeien"``, ``not("Zorgen")``, ``-``, ``? > 5``);
- :func:`parse_feel` for input expressions, output entries and literal expressions.

Both parse once (at deploy time) and evaluate many times. Parsing raises
:class:`~orchestrator.domain.errors.ExpressionSyntaxError`; evaluation raises only
:class:`~orchestrator.domain.errors.ExpressionError`. There is no ``eval``: the language is
our own small tree with a fixed whitelist of functions (:mod:`.feel_functions`).

Value semantics: numbers compare by value whatever their Python type (int, float, Decimal;
``bool`` is not a number). Comparing incompatible types is FEEL null, which is "no match"
in a unary test and false-ish in a condition. Numbers come back from
:meth:`FeelExpression.evaluate` as ``int`` when integral, otherwise as ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestrator.domain.errors import ExpressionError, ExpressionSyntaxError
from orchestrator.engine.expressions import feel_ast as ast
from orchestrator.engine.expressions.feel_parser import (
    parse_expression_tree,
    parse_unary_tests_tree,
)
from orchestrator.engine.expressions.feel_values import (
    EvalFailure,
    YearMonthDuration,
    to_feel,
    to_python,
)

__all__ = [
    "FeelExpression",
    "UnaryTests",
    "YearMonthDuration",
    "parse_feel",
    "parse_unary_tests",
]


def _names(nodes: Any) -> frozenset[str]:
    return frozenset(node.name for node in nodes if isinstance(node, ast.Name))


class UnaryTests:
    """Parsed FEEL simple unary tests (one decision-table input entry).

    Attributes:
        source: the text as written in the model.
    """

    __slots__ = ("_names", "_tree", "source")

    def __init__(self, source: str, tree: ast.TestList) -> None:
        self.source = source
        self._tree = tree
        self._names = _names(tree.nodes())

    def __repr__(self) -> str:
        return f"UnaryTests({self.source!r})"

    @property
    def matches_anything(self) -> bool:
        """True for ``-`` or an empty entry."""
        return self._tree.tests == (ast.AnyTest(),) and not self._tree.negated

    def variable_names(self) -> frozenset[str]:
        """Variables referenced by endpoints (``< maxLeeftijd`` -> ``{"maxLeeftijd"}``)."""
        return self._names

    def constant_values(self) -> tuple[Any, ...] | None:
        """Return the listed values when the tests are only constants (``"a","b"``), else None.

        Used for ``inputValues``/``outputValues``, whose order defines DMN priority.
        """
        values: list[Any] = []
        if self._tree.negated:
            return None
        for test in self._tree.tests:
            if not isinstance(test, ast.ValueTest) or self._names:
                return None
            try:
                values.append(to_python(test.expression.eval(ast.Env({}))))
            except EvalFailure:  # pragma: no cover - constants never reach Python objects
                return None
        return tuple(values)

    def matches(self, value: Any, variables: Mapping[str, Any] | None = None) -> bool:
        """Whether ``value`` satisfies the tests.

        Args:
            value: the input value (int, float, Decimal, str, bool, date, datetime, None...).
            variables: variables that endpoints may reference.

        Returns:
            True only when the tests evaluate to true; false or null (incomparable types)
            give False.

        Raises:
            ExpressionError: an endpoint names a variable that is not given, or a value
                has a type FEEL cannot represent.
        """
        scope: Mapping[str, Any] = variables if variables is not None else {}
        missing = sorted(name for name in self._names if name not in scope)
        if missing:
            raise ExpressionError(
                "unknown variable " + ", ".join(f"'{name}'" for name in missing),
                expression=self.source,
            )
        try:
            env = ast.Env(scope, to_feel(value))
            return self._tree.check(env) is True
        except EvalFailure as exc:
            raise ExpressionError(str(exc), expression=self.source) from None
        except Exception as exc:  # noqa: BLE001 - the contract is: only ExpressionError escapes
            raise ExpressionError(
                f"evaluation failed: {type(exc).__name__}: {exc}", expression=self.source
            ) from None


class FeelExpression:
    """A parsed FEEL simple expression.

    Attributes:
        source: the text as written in the model.
    """

    __slots__ = ("_names", "_tree", "source")

    def __init__(self, source: str, tree: ast.Node) -> None:
        self.source = source
        self._tree = tree
        self._names = _names(tree.walk())

    def __repr__(self) -> str:
        return f"FeelExpression({self.source!r})"

    def variable_names(self) -> frozenset[str]:
        """Top-level variable names the expression reads (``a.b + c`` -> ``{"a", "c"}``)."""
        return self._names

    @property
    def plain_variable(self) -> str | None:
        """The variable name when the expression is just a name or dotted path, else None.

        A decision table uses this to tell "input not provided" (an error) from a computed
        input expression that is legitimately null.
        """
        node = self._tree
        while isinstance(node, ast.Path):
            node = node.base
        return node.name if isinstance(node, ast.Name) else None

    def evaluate(self, variables: Mapping[str, Any]) -> Any:
        """Evaluate against ``variables``; unknown names are null, as in FEEL.

        Returns:
            A Python value: None, bool, str, int (integral numbers), Decimal, date,
            datetime, time, timedelta, :class:`YearMonthDuration`, list or dict.

        Raises:
            ExpressionError: a variable holds a value FEEL cannot represent, or an
                internal failure (never a raw Python exception).
        """
        try:
            return to_python(self._tree.eval(ast.Env(variables)))
        except EvalFailure as exc:
            raise ExpressionError(str(exc), expression=self.source) from None
        except Exception as exc:  # noqa: BLE001 - the contract is: only ExpressionError escapes
            raise ExpressionError(
                f"evaluation failed: {type(exc).__name__}: {exc}", expression=self.source
            ) from None


def _guarded_parse(text: str, parse: Any) -> Any:
    if not isinstance(text, str):
        raise ExpressionSyntaxError("expression must be text", expression=repr(text))
    try:
        return parse(text)
    except ExpressionSyntaxError:
        raise
    except RecursionError:
        raise ExpressionSyntaxError("expression nested too deeply", expression=text) from None
    except Exception as exc:  # noqa: BLE001 - parsing hostile text must fail cleanly
        raise ExpressionSyntaxError(
            f"cannot parse: {type(exc).__name__}", expression=text
        ) from None


def parse_unary_tests(text: str) -> UnaryTests:
    """Parse a decision-table input entry.

    Args:
        text: e.g. ``"< 6"``, ``"[1..10["``, ``'"Matchen","Groeien"'``, ``"-"``.

    Returns:
        The parsed tests; an empty or ``-`` text matches anything.

    Raises:
        ExpressionSyntaxError: the text is not valid simple unary tests.
    """
    tree: ast.TestList = _guarded_parse(text, parse_unary_tests_tree)
    return UnaryTests(text, tree)


def parse_feel(text: str) -> FeelExpression:
    """Parse a FEEL simple expression (input expression, output entry, literal expression).

    Raises:
        ExpressionSyntaxError: the text does not parse or calls a function outside the
            whitelist.
    """
    tree: ast.Node = _guarded_parse(text, parse_expression_tree)
    return FeelExpression(text, tree)
