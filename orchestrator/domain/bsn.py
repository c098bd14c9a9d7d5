"""The burgerservicenummer: nine digits that pass the elfproef."""

from __future__ import annotations

from dataclasses import dataclass


def is_valid_bsn(value: str) -> bool:
    """True when ``value`` is nine digits passing the elfproef (11-test)."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


@dataclass(frozen=True)
class Bsn:
    """A validated BSN. Its ``repr`` never shows the number, so it cannot leak into logs."""

    value: str

    def __post_init__(self) -> None:
        if not is_valid_bsn(self.value):
            raise ValueError("not a valid BSN (elfproef)")

    def __repr__(self) -> str:
        return "Bsn(***)"

    __str__ = __repr__
