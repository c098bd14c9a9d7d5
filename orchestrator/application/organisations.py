"""Which organisation's worklist a human task lands on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def lane_group(lane: str) -> str:
    """The candidate group a lane stands for when a task names no group ("Consulent IO"
    -> "consulent_io"): lanes name the role in Camunda-style diagrams."""
    return _norm(lane)


class OrganisationMap:
    """Maps candidate groups and lane names to an organisation.

    Keys are matched case-insensitively, with spaces and hyphens read as underscores
    ("Consulent IO" == "consulent_io"); a key ending in ``*`` is a prefix ("uwv*").
    """

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._exact = {_norm(k): v for k, v in mapping.items() if not k.endswith("*")}
        # longest prefix first, so "sw_bedrijf*" beats "sw*"
        self._prefixes = sorted(
            ((_norm(k[:-1]), v) for k, v in mapping.items() if k.endswith("*")),
            key=lambda kv: -len(kv[0]),
        )

    def lookup(self, name: str) -> str | None:
        """The organisation of one group or lane name, or None."""
        key = _norm(name)
        if key in self._exact:
            return self._exact[key]
        for prefix, organisation in self._prefixes:
            if key.startswith(prefix):
                return organisation
        return None

    def for_task(self, candidate_groups: Sequence[str], lane: str | None) -> str | None:
        """The first candidate group that maps wins; otherwise the lane decides."""
        for group in candidate_groups:
            found = self.lookup(group)
            if found:
                return found
        return self.lookup(lane) if lane else None
