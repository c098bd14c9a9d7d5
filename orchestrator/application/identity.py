"""Who does something: an authenticated user of an organisation, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """The caller of a use case.

    Attributes:
        user_id: stable user identifier (never a BSN).
        organisation: the organisation the user works for (gemeente, uwv, ...).
        groups: roles/groups; they match BPMN candidate groups.
        is_system: the scheduler or another internal component, not a person.
    """

    user_id: str
    organisation: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    is_system: bool = False

    def in_any(self, groups: list[str] | tuple[str, ...]) -> bool:
        """True when the actor belongs to at least one of ``groups``."""
        return not self.groups.isdisjoint(groups)


#: the actor of scheduler-driven work (timers, message start events, retries)
SYSTEM = Actor(user_id="system", organisation=None, is_system=True)
