"""FEEL syntax tree nodes; each node evaluates itself against an :class:`Env`.

Nodes only ever touch FEEL values (see :mod:`.feel_values`) and whitelisted built-ins,
which is what makes the evaluator safe: there is no path from an expression to Python
attributes, imports or callables.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orchestrator.engine.expressions.feel_functions import BUILTINS
from orchestrator.engine.expressions.feel_values import (
    YearMonthDuration,
    arithmetic,
    compare,
    equal,
    negate,
    to_feel,
)


@dataclass
class Env:
    """What an expression sees: the variables and, in a unary test, the input value ``?``."""

    variables: Mapping[str, Any]
    input_value: Any = None


class Node(ABC):
    """Base of all nodes."""

    @abstractmethod
    def eval(self, env: Env) -> Any:
        """Evaluate to a FEEL value (``None`` is FEEL null)."""

    def children(self) -> tuple[Node, ...]:
        """Direct sub-nodes (used to collect variable names)."""
        return ()

    def walk(self) -> Iterator[Node]:
        """Yield this node and all nodes below it."""
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True)
class Literal(Node):
    """A constant (number, string, boolean, null, temporal value)."""

    value: Any

    def eval(self, env: Env) -> Any:
        return self.value


@dataclass(frozen=True)
class Name(Node):
    """A variable reference."""

    name: str

    def eval(self, env: Env) -> Any:
        # Unknown names are null in plain FEEL; callers that must be strict check beforehand
        if self.name in env.variables:
            return to_feel(env.variables[self.name])
        return None


@dataclass(frozen=True)
class InputRef(Node):
    """``?``: the value the unary test is applied to."""

    def eval(self, env: Env) -> Any:
        return env.input_value


_TEMPORAL_PARTS = {
    "year": "year",
    "month": "month",
    "day": "day",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
}


@dataclass(frozen=True)
class Path(Node):
    """``base.key``: a context entry or a temporal/duration component."""

    base: Node
    key: str

    def eval(self, env: Env) -> Any:
        return _member(self.base.eval(env), self.key)

    def children(self) -> tuple[Node, ...]:
        return (self.base,)


def _member(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list):  # FEEL projects a path over a list of contexts
        return [_member(item, key) for item in value]
    if isinstance(value, (dt.date, dt.time)) and key in _TEMPORAL_PARTS:
        part = getattr(value, _TEMPORAL_PARTS[key], None)
        return Decimal(part) if isinstance(part, int) else None
    if isinstance(value, YearMonthDuration) and key in ("years", "months"):
        years, months = divmod(abs(value.months), 12)
        sign = -1 if value.months < 0 else 1
        return Decimal(sign * (years if key == "years" else months))
    if isinstance(value, dt.timedelta) and key in ("days", "hours", "minutes", "seconds"):
        return _timedelta_part(value, key)
    return None


def _timedelta_part(value: dt.timedelta, key: str) -> Decimal:
    sign = -1 if value < dt.timedelta(0) else 1
    total = abs(value)
    hours, rest = divmod(total.seconds, 3600)
    parts = {"days": total.days, "hours": hours, "minutes": rest // 60, "seconds": rest % 60}
    return Decimal(sign * parts[key])


@dataclass(frozen=True)
class ListNode(Node):
    """``[a, b, c]``."""

    items: tuple[Node, ...]

    def eval(self, env: Env) -> Any:
        return [item.eval(env) for item in self.items]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Negate(Node):
    """Unary minus."""

    operand: Node

    def eval(self, env: Env) -> Any:
        return negate(self.operand.eval(env))

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Arith(Node):
    """``+ - * / **``."""

    op: str
    left: Node
    right: Node

    def eval(self, env: Env) -> Any:
        return arithmetic(self.op, self.left.eval(env), self.right.eval(env))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


def compare_op(op: str, left: Any, right: Any) -> bool | None:
    """Apply a FEEL comparison operator; null when the operands are incomparable."""
    if op in ("=", "!="):
        same = equal(left, right)
        return same if same is None or op == "=" else not same
    order = compare(left, right)
    if order is None:
        return None
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


@dataclass(frozen=True)
class Compare(Node):
    """``= != < <= > >=``."""

    op: str
    left: Node
    right: Node

    def eval(self, env: Env) -> Any:
        return compare_op(self.op, self.left.eval(env), self.right.eval(env))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


def _truth(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


@dataclass(frozen=True)
class Logic(Node):
    """``and`` / ``or`` with FEEL three-valued logic (non-booleans count as null)."""

    op: str
    left: Node
    right: Node

    def eval(self, env: Env) -> Any:
        decisive = self.op == "or"  # the value that settles the outcome on its own
        left = _truth(self.left.eval(env))
        if left is decisive:
            return decisive
        right = _truth(self.right.eval(env))
        if right is decisive:
            return decisive
        return None if left is None or right is None else not decisive

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class If(Node):
    """``if c then a else b``."""

    condition: Node
    then: Node
    otherwise: Node

    def eval(self, env: Env) -> Any:
        # FEEL: a null or non-boolean condition takes the else branch
        branch = self.then if self.condition.eval(env) is True else self.otherwise
        return branch.eval(env)

    def children(self) -> tuple[Node, ...]:
        return (self.condition, self.then, self.otherwise)


@dataclass(frozen=True)
class Call(Node):
    """A call of a whitelisted built-in function."""

    function: str  # always a key of BUILTINS: the parser checks the whitelist
    args: tuple[Node, ...]

    def eval(self, env: Env) -> Any:
        return BUILTINS[self.function].call([arg.eval(env) for arg in self.args])

    def children(self) -> tuple[Node, ...]:
        return self.args


# --- unary tests -------------------------------------------------------------------------


class Test(ABC):
    """One positive unary test; ``check`` returns True, False or None (null)."""

    @abstractmethod
    def check(self, env: Env) -> bool | None:
        """Apply the test to ``env.input_value``."""

    def nodes(self) -> tuple[Node, ...]:
        """Expressions inside the test."""
        return ()


@dataclass(frozen=True)
class AnyTest(Test):
    """``-``: matches every value, null included."""

    def check(self, env: Env) -> bool | None:
        return True


@dataclass(frozen=True)
class CompareTest(Test):
    """``< e``, ``<= e``, ``> e``, ``>= e``, ``= e``, ``!= e``."""

    op: str
    endpoint: Node

    def check(self, env: Env) -> bool | None:
        return compare_op(self.op, env.input_value, self.endpoint.eval(env))

    def nodes(self) -> tuple[Node, ...]:
        return (self.endpoint,)


@dataclass(frozen=True)
class RangeTest(Test):
    """``[a..b]`` and its open variants."""

    start: Node
    end: Node
    start_closed: bool
    end_closed: bool

    def check(self, env: Env) -> bool | None:
        value = env.input_value
        low = compare_op(">=" if self.start_closed else ">", value, self.start.eval(env))
        if low is False:
            return False
        high = compare_op("<=" if self.end_closed else "<", value, self.end.eval(env))
        if high is False:
            return False
        return None if low is None or high is None else True

    def nodes(self) -> tuple[Node, ...]:
        return (self.start, self.end)


@dataclass(frozen=True)
class ValueTest(Test):
    """A plain expression: equality with the input (any element, for a list value)."""

    expression: Node

    def check(self, env: Env) -> bool | None:
        expected = self.expression.eval(env)
        if isinstance(expected, list) and not isinstance(env.input_value, list):
            return _any_true(equal(env.input_value, item) for item in expected)
        return equal(env.input_value, expected)

    def nodes(self) -> tuple[Node, ...]:
        return (self.expression,)


@dataclass(frozen=True)
class BooleanTest(Test):
    """An expression that uses ``?``: it matches when it evaluates to true."""

    expression: Node

    def check(self, env: Env) -> bool | None:
        return _truth(self.expression.eval(env))

    def nodes(self) -> tuple[Node, ...]:
        return (self.expression,)


def _any_true(outcomes: Any) -> bool | None:
    result: bool | None = False
    for outcome in outcomes:
        if outcome is True:
            return True
        if outcome is None:
            result = None
    return result


@dataclass(frozen=True)
class TestList:
    """The parsed unary tests: a disjunction, optionally negated by ``not(...)``."""

    tests: tuple[Test, ...]
    negated: bool = False

    def check(self, env: Env) -> bool | None:
        """Return True, False or None (null) for the input value in ``env``."""
        outcome = _any_true(test.check(env) for test in self.tests)
        if self.negated and outcome is not None:
            return not outcome
        return outcome

    def nodes(self) -> Iterator[Node]:
        """Every node of every test."""
        for test in self.tests:
            for node in test.nodes():
                yield from node.walk()
