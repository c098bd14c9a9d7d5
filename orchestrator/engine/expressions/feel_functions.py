"""The fixed whitelist of FEEL built-in functions.

Only these names can be called; the parser refuses anything else, so an expression can
never reach Python callables. Each function takes evaluated FEEL values and returns a
FEEL value; an argument of the wrong type yields null, as the FEEL spec prescribes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import Any

from orchestrator.engine.expressions.feel_values import (
    FEEL_CONTEXT,
    YearMonthDuration,
    compare,
    kind,
    number_op,
    to_string,
)

_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME_RE = re.compile(r"(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}|@[A-Za-z0-9_+\-/]+)?")
_DURATION_RE = re.compile(
    r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` to a date; null for anything else (also impossible days)."""
    match = _DATE_RE.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_time(text: str) -> dt.time | None:
    """``hh:mm:ss[.fff][Z|+hh:mm|@Zone/Id]`` to a time; null when invalid."""
    match = _TIME_RE.fullmatch(text)
    if not match:
        return None
    micro = int((match[4] or ".0")[1:].ljust(6, "0")[:6])
    try:
        tz = _zone(match[5])
        return dt.time(int(match[1]), int(match[2]), int(match[3]), micro, tzinfo=tz)
    except ValueError:
        return None


def _zone(text: str | None) -> dt.tzinfo | None:
    # an invalid zone raises ValueError: the whole literal is then null
    if not text:
        return None
    if text == "Z":
        return dt.UTC
    if text.startswith("@"):
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(text[1:])
        except (LookupError, OSError) as exc:
            raise ValueError(str(exc)) from None
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 18 or minutes > 59:
        raise ValueError("offset out of range")
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-delta if text[0] == "-" else delta)


def parse_date_time(text: str) -> dt.datetime | None:
    """``YYYY-MM-DDThh:mm:ss[zone]`` (or a bare date, meaning midnight) to a datetime."""
    day_text, _, time_text = text.partition("T")
    day = parse_date(day_text)
    if day is None:
        return None
    if not time_text:
        return dt.datetime(day.year, day.month, day.day) if "T" not in text else None
    clock = parse_time(time_text)
    return dt.datetime.combine(day, clock, tzinfo=clock.tzinfo) if clock else None


def parse_duration(text: str) -> dt.timedelta | YearMonthDuration | None:
    """ISO-8601 duration: ``P1Y2M`` (years-months) or ``P1DT2H`` (days-time); null if mixed."""
    match = _DURATION_RE.fullmatch(text)
    if not match or text.rstrip("-").endswith(("P", "T")):
        return None
    sign = -1 if match[1] else 1
    years, months = match[2], match[3]
    clock = match.group(4, 5, 6, 7)
    if (years or months) and any(clock):
        return None  # FEEL has no mixed durations
    try:
        if years or months:
            return YearMonthDuration(sign * (int(years or 0) * 12 + int(months or 0)))
        days, hours, minutes, seconds = clock
        delta = dt.timedelta(
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=float(seconds or 0),
        )
    except (OverflowError, ValueError):
        return None
    return -delta if sign < 0 else delta


def _integral(value: Any) -> int | None:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return None


def _date(args: Sequence[Any]) -> Any:
    if len(args) == 3:
        parts = [_integral(a) for a in args]
        try:
            return dt.date(*parts) if None not in parts else None  # type: ignore[arg-type]
        except (ValueError, OverflowError):
            return None
    value = args[0]
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _date_and_time(args: Sequence[Any]) -> Any:
    if len(args) == 2:
        day, clock = args
        if kind(day) in ("date", "date and time") and isinstance(clock, dt.time):
            return dt.datetime.combine(day, clock, tzinfo=clock.tzinfo)
        return None
    value = args[0]
    if isinstance(value, str):
        return parse_date_time(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return None


def _time(args: Sequence[Any]) -> Any:
    value = args[0]
    if isinstance(value, str):
        return parse_time(value)
    if isinstance(value, dt.datetime):
        return value.timetz()
    return value if isinstance(value, dt.time) else None


def _str_fn(fn: Callable[[str], Any]) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        return fn(args[0]) if isinstance(args[0], str) else None

    return call


def _str2_fn(fn: Callable[[str, str], bool]) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        if isinstance(args[0], str) and isinstance(args[1], str):
            return fn(args[0], args[1])
        return None

    return call


def _number(args: Sequence[Any]) -> Any:
    text = args[0]
    if not isinstance(text, str):
        return None
    if len(args) == 3:
        grouping, decimal_sep = args[1], args[2]
        if grouping not in (None, " ", ",", ".") or decimal_sep not in (None, ",", "."):
            return None
        if grouping is not None and grouping == decimal_sep:
            return None
        if grouping:
            text = text.replace(grouping, "")
        if decimal_sep:
            text = text.replace(decimal_sep, ".")
    text = text.strip()
    if not _NUMBER_RE.fullmatch(text):
        return None
    try:
        return FEEL_CONTEXT.create_decimal(text)
    except DecimalException:
        return None


def _substring(args: Sequence[Any]) -> Any:
    text, start = args[0], _integral(args[1])
    if not isinstance(text, str) or start is None or start == 0:
        return None
    begin = start - 1 if start > 0 else len(text) + start
    if len(args) == 2:
        return text[max(begin, 0) :]
    length = _integral(args[2])
    if length is None or length < 0:
        return None
    return text[max(begin, 0) : max(begin, 0) + length]


def _number_fn(fn: Callable[[Decimal], Any]) -> Callable[[Sequence[Any]], Any]:
    def call(args: Sequence[Any]) -> Any:
        value = args[0]
        if isinstance(value, Decimal):
            try:
                return fn(value)
            except DecimalException:
                return None
        return None

    return call


def _items(args: Sequence[Any]) -> list[Any]:
    # min(list) and min(a, b, c) are both FEEL
    if len(args) == 1 and isinstance(args[0], list):
        return list(args[0])
    return list(args)


def _extreme(args: Sequence[Any], want: int) -> Any:
    items = _items(args)
    if not items:
        return None
    best = items[0]
    for item in items[1:]:
        order = compare(item, best)
        if order is None:
            return None
        if order == want:
            best = item
    return best if compare(best, best) == 0 else None


def _sum(args: Sequence[Any]) -> Any:
    items = _items(args)
    if not items or not all(kind(item) == "number" for item in items):
        return None
    total: Decimal | None = Decimal(0)
    for item in items:
        total = number_op("+", total, item) if total is not None else None
    return total


def _mean(args: Sequence[Any]) -> Any:
    total = _sum(args)
    return None if total is None else number_op("/", total, Decimal(len(_items(args))))


def _count(args: Sequence[Any]) -> Any:
    return Decimal(len(args[0])) if isinstance(args[0], list) else None


def _not(args: Sequence[Any]) -> Any:
    return (not args[0]) if isinstance(args[0], bool) else None


def _duration(args: Sequence[Any]) -> Any:
    return parse_duration(args[0]) if isinstance(args[0], str) else None


@dataclass(frozen=True)
class Builtin:
    """One whitelisted function: its arity range and implementation."""

    name: str
    min_args: int
    max_args: int | None
    call: Callable[[Sequence[Any]], Any]


_TABLE = [
    Builtin("date", 1, 3, _date),
    Builtin("date and time", 1, 2, _date_and_time),
    Builtin("time", 1, 1, _time),
    Builtin("duration", 1, 1, _duration),
    Builtin("string length", 1, 1, _str_fn(lambda s: Decimal(len(s)))),
    Builtin("upper case", 1, 1, _str_fn(str.upper)),
    Builtin("lower case", 1, 1, _str_fn(str.lower)),
    Builtin("substring", 2, 3, _substring),
    Builtin("contains", 2, 2, _str2_fn(lambda s, m: m in s)),
    Builtin("starts with", 2, 2, _str2_fn(str.startswith)),
    Builtin("ends with", 2, 2, _str2_fn(str.endswith)),
    Builtin("number", 1, 3, _number),
    Builtin("string", 1, 1, lambda args: to_string(args[0])),
    Builtin("abs", 1, 1, _number_fn(abs)),
    Builtin("floor", 1, 1, _number_fn(lambda n: n.to_integral_value(rounding="ROUND_FLOOR"))),
    Builtin("ceiling", 1, 1, _number_fn(lambda n: n.to_integral_value(rounding="ROUND_CEILING"))),
    Builtin("min", 1, None, lambda args: _extreme(args, -1)),
    Builtin("max", 1, None, lambda args: _extreme(args, 1)),
    Builtin("sum", 1, None, _sum),
    Builtin("mean", 1, None, _mean),
    Builtin("count", 1, 1, _count),
    Builtin("not", 1, 1, _not),
]

#: name -> builtin; the only functions an expression may call
BUILTINS: dict[str, Builtin] = {b.name: b for b in _TABLE}

#: built-in names that contain spaces; the lexer joins their words into one name token
MULTI_WORD_FUNCTIONS: tuple[str, ...] = tuple(n for n in BUILTINS if " " in n)
