"""FEEL value model: conversion from/to Python, equality, ordering and arithmetic.

Inside the evaluator every number is a :class:`~decimal.Decimal` (FEEL numbers are
DECIMAL128), so ``0.1 + 0.2 = 0.3`` holds and ``5 = 5.0`` holds. Anything FEEL leaves
undefined (``"a" < 1``, ``1 / 0``, ``date - "x"``) yields ``None`` (FEEL ``null``) instead
of raising: a decision table must treat such a cell as "no match", never as a crash.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Any

#: DECIMAL128 as the FEEL spec prescribes; traps turn overflow etc. into exceptions we map to null
FEEL_CONTEXT = Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    Emax=6144,
    Emin=-6143,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


class EvalFailure(Exception):
    """Internal: evaluation cannot continue (not a FEEL null, a real problem).

    The public layer turns it into :class:`~orchestrator.domain.errors.ExpressionError`
    with the expression text attached.
    """


@dataclass(frozen=True, order=True)
class YearMonthDuration:
    """A FEEL years-and-months duration (``P1Y2M``); Python has no equivalent type."""

    months: int

    def __str__(self) -> str:
        sign = "-" if self.months < 0 else ""
        years, months = divmod(abs(self.months), 12)
        if years and months:
            return f"{sign}P{years}Y{months}M"
        if years:
            return f"{sign}P{years}Y"
        return f"{sign}P{months}M"


def kind(value: Any) -> str:
    """Return the FEEL type name of an internal value (``datetime`` checked before ``date``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, dt.timedelta):
        return "days and time duration"
    if isinstance(value, YearMonthDuration):
        return "years and months duration"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "context"
    return "unknown"


def to_feel(value: Any) -> Any:
    """Convert a Python value to the evaluator's representation.

    Raises:
        EvalFailure: for types FEEL cannot represent (objects, sets, bytes, ...).
    """
    if value is None or isinstance(value, (bool, str, YearMonthDuration)):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() gives the shortest decimal that round-trips, so 0.1 stays 0.1
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value
    if isinstance(value, (list, tuple)):
        return [to_feel(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_feel(item) for key, item in value.items()}
    raise EvalFailure(f"values of type {type(value).__name__} are not supported in FEEL")


def to_python(value: Any) -> Any:
    """Convert an internal value back: integral numbers become ``int``, others ``Decimal``."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, list):
        return [to_python(item) for item in value]
    if isinstance(value, dict):
        return {key: to_python(item) for key, item in value.items()}
    return value


def equal(left: Any, right: Any) -> bool | None:
    """FEEL ``=``: null equals only null; values of different types are incomparable (null)."""
    if left is None or right is None:
        return left is None and right is None
    left_kind, right_kind = kind(left), kind(right)
    if left_kind != right_kind:
        return None
    if left_kind == "list":
        if len(left) != len(right):
            return False
        return _all_equal(zip(left, right, strict=True))
    if left_kind == "context":
        if set(left) != set(right):
            return False
        return _all_equal((left[key], right[key]) for key in left)
    if left_kind == "date and time" and _mixed_zones(left, right):
        return None
    try:
        return bool(left == right)
    except TypeError:  # pragma: no cover - defensive, kinds match
        return None


def _all_equal(pairs: Any) -> bool | None:
    outcome: bool | None = True
    for a, b in pairs:
        same = equal(a, b)
        if same is False:
            return False
        if same is None:
            outcome = None
    return outcome


_ORDERED = frozenset(
    {
        "number",
        "string",
        "date",
        "date and time",
        "time",
        "days and time duration",
        "years and months duration",
    }
)


def _mixed_zones(left: Any, right: Any) -> bool:
    # Python refuses to order naive against aware values; FEEL calls it undefined (null)
    return (left.utcoffset() is None) != (right.utcoffset() is None)


def compare(left: Any, right: Any) -> int | None:
    """Order two values: -1, 0, 1, or None when FEEL leaves the comparison undefined."""
    left_kind = kind(left)
    if left_kind not in _ORDERED or left_kind != kind(right):
        return None
    if left_kind in ("date and time", "time") and _mixed_zones(left, right):
        return None
    try:
        if left < right:
            return -1
        return 1 if left > right else 0
    except (TypeError, DecimalException):
        return None


def number_op(op: str, left: Decimal, right: Decimal) -> Decimal | None:
    """Decimal arithmetic in the FEEL context; overflow and division by zero give null."""
    try:
        if op == "+":
            return FEEL_CONTEXT.add(left, right)
        if op == "-":
            return FEEL_CONTEXT.subtract(left, right)
        if op == "*":
            return FEEL_CONTEXT.multiply(left, right)
        if op == "/":
            return FEEL_CONTEXT.divide(left, right)
        if abs(right) > 999_999_999:  # FEEL caps exponents; avoids pathological work
            return None
        return FEEL_CONTEXT.power(left, right)
    except DecimalException:
        return None


def add_months(value: dt.date, months: int) -> dt.date:
    """Shift a date (or date-time) by whole months, clamping the day like FEEL does."""
    total = value.year * 12 + value.month - 1 + months
    year, month = divmod(total, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """FEEL ``+ - * / **`` on any pair of values; undefined combinations give null."""
    if left is None or right is None:
        return None
    lk, rk = kind(left), kind(right)
    try:
        if lk == rk == "number":
            return number_op(op, left, right)
        if op == "+" and lk == rk == "string":
            return left + right
        if op in "+-" and len(op) == 1:
            return _temporal_add_sub(op, left, lk, right, rk)
    except (OverflowError, ValueError, TypeError):
        return None  # dates out of range, naive minus aware: undefined in FEEL
    return None


def _temporal_add_sub(op: str, left: Any, lk: str, right: Any, rk: str) -> Any:
    sign = 1 if op == "+" else -1
    if lk in ("date", "date and time"):
        if rk == "years and months duration":
            return add_months(left, sign * right.months)
        if rk == "days and time duration":
            return left + sign * right
        if op == "-" and rk == lk:
            if lk == "date and time" and _mixed_zones(left, right):
                return None
            return left - right
        return None
    if op == "+" and rk in ("date", "date and time") and lk.endswith("duration"):
        return _temporal_add_sub("+", right, rk, left, lk)
    if lk == rk == "days and time duration":
        return left + sign * right
    if lk == rk == "years and months duration":
        return YearMonthDuration(left.months + sign * right.months)
    return None


def negate(value: Any) -> Any:
    """FEEL unary minus."""
    if isinstance(value, Decimal):
        return -value
    if isinstance(value, dt.timedelta):
        return -value
    if isinstance(value, YearMonthDuration):
        return YearMonthDuration(-value.months)
    return None


def format_number(value: Decimal) -> str:
    """Plain notation without exponent or trailing zeros (``string(1.50)`` is ``"1.5"``)."""
    text = format(value.normalize(FEEL_CONTEXT), "f")
    return "0" if text in ("-0", "") else text


def format_timedelta(value: dt.timedelta) -> str:
    """ISO-8601 days-and-time duration, e.g. ``P1DT2H``."""
    total = value.days * 86400 + value.seconds
    micro = value.microseconds
    sign = ""
    if total < 0:
        sign = "-"
        total, micro = -total - (1 if micro else 0), (1_000_000 - micro) % 1_000_000
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or micro:
        clock += f"{seconds}.{micro:06d}".rstrip("0").rstrip(".") + "S"
    if clock:
        text += "T" + clock
    return text if text not in ("P", "-P") else "PT0S"


def to_string(value: Any) -> str | None:
    """FEEL ``string(x)``: a readable text for any value, null for null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return format_timedelta(value)
    if isinstance(value, list):
        return "[" + ", ".join(_quoted(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_quoted(v)}" for k, v in value.items()) + "}"
    return str(value)


def _quoted(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = to_string(value)
    return "null" if text is None else text
