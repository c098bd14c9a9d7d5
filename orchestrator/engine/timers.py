"""ISO 8601 timer arithmetic against an explicit ``now`` (never the wall clock).

Timer texts are written in Camunda Modeler as plain ISO 8601: a date-time
(``2026-03-01T09:00:00Z``), a duration (``P14D``, ``PT48H``, ``P6M``) or a repeating
interval (``R/P6M``, ``R3/PT10M``, ``R/2026-01-01T00:00:00Z/P1D``).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:[.,]\d+)?)Y)?(?:(?P<months>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)


class TimerSyntaxError(ValueError):
    """The timer text is not an ISO 8601 date-time, duration or repeating interval."""


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration; months and years are calendar months, not 30 days."""

    months: int = 0
    days: float = 0.0
    seconds: float = 0.0

    def after(self, start: datetime) -> datetime:
        """The moment this duration after ``start`` (month ends are clamped: 31 Jan + P1M = 28 Feb)."""
        moment = start
        if self.months:
            total = moment.month - 1 + self.months
            year, month = moment.year + total // 12, total % 12 + 1
            day = min(moment.day, monthrange(year, month)[1])
            moment = moment.replace(year=year, month=month, day=day)
        return moment + timedelta(days=self.days, seconds=self.seconds)

    def is_zero(self) -> bool:
        return not (self.months or self.days or self.seconds)


def parse_duration(text: str) -> Duration:
    """Parse ``P1Y2M3DT4H5M6S`` / ``P2W`` into a :class:`Duration`."""
    match = _DURATION.match(text.strip().upper())
    if not match or text.strip().upper() in ("P", "PT") or text.strip().upper().endswith("T"):
        raise TimerSyntaxError(f"'{text}' is not an ISO 8601 duration")
    parts = {k: float(v.replace(",", ".")) for k, v in match.groupdict().items() if v}
    months = parts.get("years", 0) * 12 + parts.get("months", 0)
    if months != int(months):
        raise TimerSyntaxError(f"'{text}': fractional months or years are not supported")
    return Duration(
        months=int(months),
        days=parts.get("weeks", 0) * 7 + parts.get("days", 0),
        seconds=parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0),
    )


def parse_datetime(text: str) -> datetime:
    """Parse an ISO 8601 date or date-time; a moment without zone is taken as UTC."""
    value = text.strip()
    if value.endswith("Z") or value.endswith("z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise TimerSyntaxError(f"'{text}' is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Cycle:
    """A repeating interval: ``repetitions`` (-1 for unbounded) every ``every``, first at ``first``."""

    repetitions: int
    first: datetime
    every: Duration


def parse_cycle(text: str, now: datetime) -> Cycle:
    """Parse ``R[n]/[start/]duration`` (or ``R[n]/duration/end`` is refused as rare)."""
    parts = text.strip().upper().split("/")
    if len(parts) not in (2, 3) or not parts[0].startswith("R"):
        raise TimerSyntaxError(f"'{text}' is not an ISO 8601 repeating interval (R/P6M)")
    count = parts[0][1:]
    if count and not count.isdigit():
        raise TimerSyntaxError(f"'{text}': repetitions must be a number")
    repetitions = int(count) if count else -1
    if len(parts) == 2:
        every = parse_duration(parts[1])
        first = every.after(now)
    else:
        start = parse_datetime(parts[1])
        every = parse_duration(parts[2])
        first = start
    if every.is_zero():
        raise TimerSyntaxError(f"'{text}': the interval may not be zero")
    return Cycle(repetitions=repetitions, first=first, every=every)


def due_at(kind: str, value: str, now: datetime) -> datetime:
    """When a timer of ``kind`` (timeDate | timeDuration | timeCycle) with ``value`` is due."""
    if kind == "timeDate":
        return parse_datetime(value)
    if kind == "timeDuration":
        return parse_duration(value).after(now)
    if kind == "timeCycle":
        return parse_cycle(value, now).first
    raise TimerSyntaxError(f"unknown timer kind '{kind}'")


def check_timer(kind: str, value: str) -> None:
    """Raise :class:`TimerSyntaxError` if ``value`` is not valid for ``kind``."""
    due_at(kind, value, datetime(2000, 1, 1, tzinfo=UTC))


def next_due(expression: str, now: datetime) -> datetime | None:
    """Next firing of a timer start event written as a date, duration or cycle.

    A date in the past gives ``None`` (it will never fire again); a duration counts from
    ``now``; a cycle gives its next occurrence after ``now``.
    """
    text = expression.strip()
    upper = text.upper()
    if upper.startswith("R"):
        cycle = parse_cycle(text, now)
        moment = cycle.first
        fired = 0
        while moment <= now:
            fired += 1
            if 0 <= cycle.repetitions <= fired:
                return None
            moment = cycle.every.after(moment)
        return moment
    if upper.startswith("P"):
        return parse_duration(text).after(now)
    moment = parse_datetime(text)
    return moment if moment > now else None
