"""Evaluator for the JUEL syntax tree.

Semantics follow the Unified EL where that is unsurprising and are stricter where EL's
coercions would hide modelling mistakes: ``+`` never joins text, arithmetic on ``null`` is
an error, and comparisons only work between values of the same kind. Every failure is an
:class:`EvalFailure` carrying a reason; the public API turns it into ``ExpressionError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time
from decimal import Decimal
from types import ModuleType
from typing import Any

from orchestrator.engine.expressions.juel_ast import (
    Access,
    Binary,
    Conditional,
    Constant,
    MethodCall,
    Node,
    Unary,
    Variable,
)

Number = int | float | Decimal

_NUMERIC_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class EvalFailure(Exception):
    """Evaluation failed for ``reason``; converted to ``ExpressionError`` by the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def type_name(value: object) -> str:
    """Return the name used for ``value``'s type in error messages (``null`` for None)."""
    return "null" if value is None else type(value).__name__


def is_number(value: object) -> bool:
    """Return True for int, float and Decimal; bool is deliberately not a number."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _coerce(left: Number, right: Number) -> tuple[Number, Number]:
    # Decimal refuses to mix with float; go through repr so 0.1 means Decimal('0.1')
    # and not the binary expansion of the float.
    if isinstance(left, Decimal) and isinstance(right, float):
        return left, Decimal(repr(right))
    if isinstance(left, float) and isinstance(right, Decimal):
        return Decimal(repr(left)), right
    return left, right


def _numeric_text(text: str) -> Decimal | None:
    stripped = text.strip()
    return Decimal(stripped) if _NUMERIC_TEXT.fullmatch(stripped) else None


def _to_decimal(value: Number) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def equals(left: Any, right: Any) -> bool:
    """EL-style ``==``: null only equals null, numbers compare by value (also numeric text)."""
    try:
        return _equals(left, right)
    except ArithmeticError:
        # A signalling Decimal NaN refuses even equality.
        raise EvalFailure(f"cannot compare {left!r} with {right!r}") from None


def _equals(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        if isinstance(left, bool) and isinstance(right, bool):
            return left == right
        flag, other = (left, right) if isinstance(left, bool) else (right, left)
        # EL coerces text to a boolean here; only the words themselves count as equal.
        return isinstance(other, str) and other.lower() == ("true" if flag else "false")
    if is_number(left) and is_number(right):
        a, b = _coerce(left, right)
        return bool(a == b)
    if is_number(left) and isinstance(right, str):
        parsed = _numeric_text(right)
        return parsed is not None and _to_decimal(left) == parsed
    if isinstance(left, str) and is_number(right):
        parsed = _numeric_text(left)
        return parsed is not None and parsed == _to_decimal(right)
    return bool(left == right)


def _is_aware(value: datetime | time) -> bool:
    return value.utcoffset() is not None


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply ``<``, ``>``, ``<=`` or ``>=`` to two values of the same kind."""
    if is_number(left) and is_number(right):
        left, right = _coerce(left, right)
    elif isinstance(left, datetime) and isinstance(right, datetime):
        if _is_aware(left) != _is_aware(right):
            raise EvalFailure("cannot compare a timezone-aware with a naive datetime")
    elif isinstance(left, time) and isinstance(right, time):
        if _is_aware(left) != _is_aware(right):
            raise EvalFailure("cannot compare a timezone-aware with a naive time")
    elif not (
        (isinstance(left, str) and isinstance(right, str))
        # datetime is a subclass of date, but ordering a date against a moment is ambiguous
        or (
            isinstance(left, date)
            and isinstance(right, date)
            and not isinstance(left, datetime)
            and not isinstance(right, datetime)
        )
    ):
        raise EvalFailure(f"cannot compare {type_name(left)} with {type_name(right)}")
    try:
        if op == "<":
            return bool(left < right)
        if op == ">":
            return bool(left > right)
        if op == "<=":
            return bool(left <= right)
        return bool(left >= right)
    except ArithmeticError:
        # Decimal NaN refuses ordering with InvalidOperation.
        raise EvalFailure(f"cannot compare {left!r} with {right!r}") from None


def _java_int_mod(left: int, right: int) -> int:
    # EL (Java) remainder takes the sign of the dividend: -7 % 3 == -1, not Python's 2.
    remainder = abs(left) % abs(right)
    return -remainder if left < 0 else remainder


def arithmetic(op: str, left: Any, right: Any) -> Number:
    """Apply ``+ - * / %`` to two numbers; ``/`` always gives a float (Decimal stays Decimal)."""
    if not (is_number(left) and is_number(right)):
        if op == "+" and (isinstance(left, str) or isinstance(right, str)):
            raise EvalFailure(
                "operator '+' does not join text: use a composite expression ${a}${b} for text"
            )
        raise EvalFailure(
            f"operator '{op}' needs numbers, got {type_name(left)} and {type_name(right)}"
        )
    a, b = _coerce(left, right)
    try:
        if op == "+":
            return a + b  # type: ignore[operator]  # mixes are excluded by _coerce
        if op == "-":
            return a - b  # type: ignore[operator]
        if op == "*":
            return a * b  # type: ignore[operator]
        if b == 0:
            raise EvalFailure("division by zero")
        if op == "/":
            return a / b  # type: ignore[operator]  # int / int is a float, as EL's Double
        if isinstance(a, int) and isinstance(b, int):
            return _java_int_mod(a, b)
        if isinstance(a, float) or isinstance(b, float):
            return math.fmod(a, b)
        return a % b  # Decimal % already truncates like Java
    except ZeroDivisionError:
        raise EvalFailure("division by zero") from None
    except OverflowError:
        raise EvalFailure(f"result of '{op}' is too large") from None
    except (ArithmeticError, ValueError) as exc:
        # Decimal signals (InvalidOperation on inf - inf) and math.fmod(inf, 1).
        raise EvalFailure(f"arithmetic error in '{op}': {type(exc).__name__}") from None


def as_bool(value: Any, what: str) -> bool:
    """Return ``value`` as a boolean operand; ``null`` counts as false, like EL."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise EvalFailure(f"{what} needs a boolean, got {type_name(value)}")


def is_empty(value: Any) -> bool:
    """The ``empty`` operator: null, empty text and empty collections are empty."""
    if value is None:
        return True
    if isinstance(value, str | Mapping | Sequence | AbstractSet):
        return len(value) == 0
    return False


def _attribute(target: Any, name: str) -> Any:
    if name.startswith("_"):
        raise EvalFailure(f"property '{name}' is not accessible")
    if isinstance(target, type | ModuleType) or callable(target):
        raise EvalFailure(f"cannot read property '{name}' of {type_name(target)}")
    # Only data that belongs to the instance is readable: dataclass fields and the
    # instance dict. Class attributes, properties and methods stay out of reach.
    if is_dataclass(target):
        allowed = name in {field.name for field in fields(target)}
    else:
        instance_dict = getattr(target, "__dict__", None)
        if not isinstance(instance_dict, dict):
            raise EvalFailure(f"cannot read property '{name}' of {type_name(target)}")
        allowed = name in instance_dict
    if not allowed:
        raise EvalFailure(f"unknown property '{name}' of {type_name(target)}")
    value = getattr(target, name)
    if callable(value):
        raise EvalFailure(f"property '{name}' of {type_name(target)} is not a value")
    return value


def get_property(target: Any, key: Any) -> Any:
    """``target.key`` / ``target[key]``: null-safe, missing dict keys and list slots are null."""
    if target is None:
        return None
    if isinstance(target, Mapping):
        try:
            return target.get(key)
        except TypeError:
            raise EvalFailure(f"a {type_name(key)} cannot be used as a key") from None
    if isinstance(target, str | bytes | bytearray):
        raise EvalFailure(f"cannot read property {key!r} of {type_name(target)}")
    if isinstance(target, Sequence):
        fields_of_tuple = getattr(type(target), "_fields", None)
        if isinstance(key, str) and isinstance(fields_of_tuple, tuple):
            if key in fields_of_tuple and not key.startswith("_"):
                return getattr(target, key)
            raise EvalFailure(f"unknown property '{key}' of {type_name(target)}")
        if isinstance(key, str):
            hint = f" (did you mean {key}()?)" if key in ("size", "isEmpty") else ""
            raise EvalFailure(f"cannot read property '{key}' of {type_name(target)}{hint}")
        if not isinstance(key, int) or isinstance(key, bool):
            raise EvalFailure(f"index into a list must be an integer, got {type_name(key)}")
        return target[key] if 0 <= key < len(target) else None
    if isinstance(key, str):
        return _attribute(target, key)
    raise EvalFailure(f"cannot read property {key!r} of {type_name(target)}")


def call_method(target: Any, name: str, args: list[Any]) -> Any:
    """Call one of the whitelisted methods (the parser already checked name and arity)."""
    if target is None:
        raise EvalFailure(f"cannot call method '{name}' on null")
    is_text = isinstance(target, str)
    is_collection = isinstance(target, Mapping | Sequence | AbstractSet) and not isinstance(
        target, bytes | bytearray
    )
    if name in ("size", "isEmpty") and is_collection:
        return len(target) if name == "size" else len(target) == 0
    if is_text:
        if name == "length":
            return len(target)
        if name == "trim":
            return target.strip()
        if name == "toLowerCase":
            return target.lower()
        if name == "toUpperCase":
            return target.upper()
        if name in ("contains", "startsWith", "endsWith"):
            needle = args[0]
            if not isinstance(needle, str):
                raise EvalFailure(
                    f"method '{name}' on text needs a str argument, got {type_name(needle)}"
                )
            if name == "contains":
                return needle in target
            return target.startswith(needle) if name == "startsWith" else target.endswith(needle)
    elif name == "contains" and is_collection and not isinstance(target, Mapping):
        return any(equals(item, args[0]) for item in target)
    raise EvalFailure(f"method '{name}' cannot be called on {type_name(target)}")


def _is_null(node: Node) -> bool:
    return isinstance(node, Constant) and node.value is None


def evaluate_node(node: Node, variables: Mapping[str, Any], lenient: bool = False) -> Any:
    """Evaluate ``node`` against ``variables``.

    Args:
        node: The syntax tree.
        variables: Root variables by name.
        lenient: Resolve an unknown root variable to null instead of failing. Used for
            the operand of ``empty`` and of ``== null``/``!= null``, and passed down only
            through property access so ``empty a.b`` is lenient about ``a``.

    Returns:
        The value of the expression.

    Raises:
        EvalFailure: When the expression cannot be evaluated.
    """
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, Variable):
        if node.name in variables:
            return variables[node.name]
        if lenient:
            return None
        raise EvalFailure(f"unknown variable '{node.name}'")
    if isinstance(node, Access):
        target = evaluate_node(node.target, variables, lenient)
        return get_property(target, evaluate_node(node.key, variables))
    if isinstance(node, MethodCall):
        target = evaluate_node(node.target, variables)
        args = [evaluate_node(arg, variables) for arg in node.args]
        return call_method(target, node.name, args)
    if isinstance(node, Unary):
        if node.op == "empty":
            return is_empty(evaluate_node(node.operand, variables, lenient=True))
        value = evaluate_node(node.operand, variables)
        if node.op == "!":
            return not as_bool(value, "operator '!'")
        if not is_number(value):
            raise EvalFailure(f"operator '-' needs a number, got {type_name(value)}")
        try:
            return -value
        except ArithmeticError:  # -Decimal('sNaN') signals InvalidOperation
            raise EvalFailure(f"cannot negate {value!r}") from None
    if isinstance(node, Conditional):
        test = as_bool(evaluate_node(node.test, variables), "condition of '?:'")
        return evaluate_node(node.when_true if test else node.when_false, variables)
    return _binary(node, variables)


def _binary(node: Binary, variables: Mapping[str, Any]) -> Any:
    op = node.op
    if op in ("&&", "||"):
        what = f"operator '{op}'"
        left_true = as_bool(evaluate_node(node.left, variables), what)
        if left_true != (op == "&&"):  # short-circuit: false && ..., true || ...
            return left_true
        return as_bool(evaluate_node(node.right, variables), what)
    if op in ("==", "!="):
        left = evaluate_node(node.left, variables, lenient=_is_null(node.right))
        right = evaluate_node(node.right, variables, lenient=_is_null(node.left))
        return equals(left, right) == (op == "==")
    left = evaluate_node(node.left, variables)
    right = evaluate_node(node.right, variables)
    if op in ("<", ">", "<=", ">="):
        return compare(op, left, right)
    return arithmetic(op, left, right)


def render(value: Any) -> str:
    """Render a value inside composite text: null is empty, booleans are true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    try:
        return str(value)
    except ValueError:
        # int -> str refuses more than sys.get_int_max_str_digits() digits.
        raise EvalFailure(f"{type_name(value)} value is too large to render as text") from None
