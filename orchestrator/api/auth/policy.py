"""Who may do what (authorisation) and which variables a caller may read (doelbinding).

Roles:

- ``procesbeheerder``: deploys diagrams, reads definitions and their XML, diffs versions,
  evaluates decision tables.
- ``operator``: lists, retries and resolves incidents; reads every instance (variable
  *names* only, values as far as the policy shows them) and may terminate instances.
- ``beheerder`` (functioneel beheer): everything an operator may, plus every task of every
  organisation (hand-overs of stuck tasks).
- ``auditor``: reads the audit trail (all of it, and the history of an instance).
- ``koppeling``: an API client of a chain partner; correlates messages and starts instances
  of processes its organisation takes part in.
- ``monitoring``: scrapes ``/metrics``.
- every other role is a **caseworker role**: it equals a BPMN candidate group.

A caseworker sees and acts on open tasks of their own organisation whose candidate groups
(or candidate users) include them. Whether a caller learns that something exists at all
follows one rule: **a task (or instance) of another organisation is 404; a task of the
caller's own organisation that is not on their worklist is 403.** Instances are readable by
caseworkers of an organisation that takes part in the process.

An organisation *takes part* in a process when the diagram's process-level property
``organisaties`` lists it (``gemeente,uwv``), or when a ``zichtbaar.<x>`` property names it
(``x`` the organisation, or a role the organisation map assigns to it).

Doelbinding: variables are shown only as far as the diagram's process-level properties
``zichtbaar.<rol>`` (or ``zichtbaar.<organisatie>``, or ``zichtbaar.*`` for everyone)
list them, comma-separated (``*`` = all); for a task read, the task's own form fields are
shown as well. A process without such properties shows caseworkers their form fields only.
Operators and beheerders additionally see the *names* of all variables (to handle
incidents), never other values. Every read carries a purpose (``Doelbinding`` header, or the
default purpose of the caller's role), recorded in the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orchestrator.api.auth import Principal
from orchestrator.application.organisations import OrganisationMap
from orchestrator.application.views import TaskView
from orchestrator.domain.bsn import is_valid_bsn
from orchestrator.domain.errors import Forbidden, NotFound
from orchestrator.store.records import HumanTaskRecord

Task = HumanTaskRecord | TaskView

PROCESBEHEERDER = "procesbeheerder"
OPERATOR = "operator"
BEHEERDER = "beheerder"
AUDITOR = "auditor"
KOPPELING = "koppeling"
MONITORING = "monitoring"
SYSTEM_ROLES = frozenset({PROCESBEHEERDER, OPERATOR, BEHEERDER, AUDITOR, KOPPELING, MONITORING})

#: the purpose recorded when a caller states none, by role (first match wins)
DEFAULT_PURPOSES = (
    (AUDITOR, "toezicht"),
    (BEHEERDER, "functioneel beheer"),
    (OPERATOR, "incidentafhandeling"),
    (PROCESBEHEERDER, "procesbeheer"),
    (KOPPELING, "ketenberichtenverkeer"),
)
CASEWORK_PURPOSE = "behandeling"
_PURPOSE = re.compile(r"^[\w .,:;/()'-]{1,200}$")
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")

PARTICIPANTS_PROPERTY = "organisaties"
VISIBLE_PREFIX = "zichtbaar."


def _names(value: str) -> frozenset[str]:
    return frozenset(n.strip() for n in value.split(",") if n.strip())


@dataclass(frozen=True)
class Visibility:
    """Which variables a caller may read: ``everything`` or the names in ``names``."""

    names: frozenset[str] = frozenset()
    everything: bool = False
    list_names: bool = False  # operators see every variable's name (not its value)

    def allows(self, name: str) -> bool:
        return self.everything or name in self.names

    def filter(self, variables: Mapping[str, object]) -> dict[str, object]:
        """The variables this visibility shows."""
        return {k: v for k, v in variables.items() if self.allows(k)}


class Policy:
    """Authorisation decisions; one per application (it holds the organisation map)."""

    def __init__(self, organisations: OrganisationMap) -> None:
        self._organisations = organisations

    # ------------------------------------------------------------------ roles
    @staticmethod
    def caseworker_roles(p: Principal) -> frozenset[str]:
        return p.roles - SYSTEM_ROLES

    @staticmethod
    def is_admin(p: Principal) -> bool:
        return BEHEERDER in p.roles

    def is_operator(self, p: Principal) -> bool:
        return OPERATOR in p.roles or self.is_admin(p)

    @staticmethod
    def require(allowed: bool, what: str) -> None:
        """Raise Forbidden(``what``) unless ``allowed``."""
        if not allowed:
            raise Forbidden(f"not allowed: {what}")

    def can_deploy(self, p: Principal) -> bool:
        return PROCESBEHEERDER in p.roles or self.is_admin(p)

    def can_read_definitions(self, p: Principal) -> bool:
        return self.can_deploy(p)

    @staticmethod
    def can_read_audit(p: Principal) -> bool:
        return AUDITOR in p.roles

    def can_read_history(self, p: Principal) -> bool:
        return AUDITOR in p.roles or self.is_operator(p)

    def can_read_metrics(self, p: Principal) -> bool:
        return MONITORING in p.roles or PROCESBEHEERDER in p.roles or self.is_operator(p)

    def can_search(self, p: Principal) -> bool:
        return self.is_operator(p) or bool(self.caseworker_roles(p))

    def can_work_tasks(self, p: Principal) -> bool:
        return self.is_admin(p) or bool(self.caseworker_roles(p))

    # ------------------------------------------------------------------ participation
    def participants(self, properties: Mapping[str, str]) -> frozenset[str]:
        """Organisations taking part in a process with these properties."""
        found = set(_names(properties.get(PARTICIPANTS_PROPERTY, "")))
        for key in properties:
            if key.startswith(VISIBLE_PREFIX):
                holder = key[len(VISIBLE_PREFIX) :]
                organisation = self._organisations.lookup(holder)
                found.add(organisation or holder)
        found.discard("*")
        return frozenset(found)

    def takes_part(self, p: Principal, versions: Iterable[Mapping[str, str]]) -> bool:
        """True when ``p``'s organisation takes part in any of these definition versions."""
        return p.organisation is not None and any(
            p.organisation in self.participants(props) for props in versions
        )

    def can_start(self, p: Principal, versions: Iterable[Mapping[str, str]]) -> bool:
        if self.is_admin(p):
            return True
        may = KOPPELING in p.roles or bool(self.caseworker_roles(p))
        return may and self.takes_part(p, versions)

    def can_correlate(self, p: Principal, versions: Iterable[Mapping[str, str]]) -> bool:
        if self.is_admin(p):
            return True
        return KOPPELING in p.roles and self.takes_part(p, versions)

    # ------------------------------------------------------------------ tasks
    def check_task(self, p: Principal, task: Task) -> None:
        """404 for a task of another organisation, 403 for one not on ``p``'s worklist."""
        if self.is_admin(p):
            return
        if task.organisation is None or task.organisation != p.organisation:
            raise NotFound(f"task {task.id} not found")
        if not self.is_candidate(p, task):
            raise Forbidden(f"task {task.id} is not on the worklist of {p.subject}")

    def is_candidate(self, p: Principal, task: Task) -> bool:
        if self.is_admin(p) or task.assignee == p.subject:
            return True
        return p.subject in task.candidate_users or not p.roles.isdisjoint(task.candidate_groups)

    def on_worklist(self, p: Principal, task: Task) -> bool:
        """True when ``p`` sees ``task`` on a worklist (own organisation and candidate)."""
        if self.is_admin(p):
            return True
        same_organisation = p.organisation is not None and task.organisation == p.organisation
        return same_organisation and self.is_candidate(p, task)

    # ------------------------------------------------------------------ doelbinding
    def visibility(
        self, p: Principal, properties: Mapping[str, str], form_fields: Iterable[str] = ()
    ) -> Visibility:
        """The variables ``p`` may read on an instance of a process with ``properties``."""
        holders = set(p.roles) | {"*"}
        if p.organisation:
            holders.add(p.organisation)
        names: set[str] = set(form_fields)
        everything = False
        for holder in holders:
            listed = _names(properties.get(VISIBLE_PREFIX + holder, ""))
            everything = everything or "*" in listed
            names |= listed
        return Visibility(frozenset(names), everything, list_names=self.is_operator(p))

    # ------------------------------------------------------------------ purpose
    @staticmethod
    def refuse_bsn(text: str, field: str) -> None:
        """Free text bound for the audit trail must not carry a BSN.

        Raises:
            ValueError: ``text`` holds nine digits that pass the elfproef.
        """
        if any(is_valid_bsn(m) for m in _NINE_DIGITS.findall(text)):
            raise ValueError(f"{field} must not contain a BSN")

    @staticmethod
    def purpose(p: Principal, stated: str | None) -> str:
        """The purpose of a request: as stated (validated) or the role's default.

        Raises:
            ValueError: the stated purpose is not plain text of 1-200 characters, or holds
                what looks like a BSN (it would end up in the audit trail).
        """
        if stated is not None:
            text = stated.strip()
            if not _PURPOSE.match(text):
                raise ValueError("Doelbinding must be 1-200 characters of plain text")
            if any(is_valid_bsn(m) for m in _NINE_DIGITS.findall(text)):
                raise ValueError("Doelbinding must not contain a BSN")
            return text
        for role, purpose in DEFAULT_PURPOSES:
            if role in p.roles:
                return purpose
        return CASEWORK_PURPOSE
