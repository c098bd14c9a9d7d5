"""The world of a BDD scenario: the real orchestrator, its clock, the partners, the dossiers.

Steps (tests/bdd/steps_*.py) stay one-liners over :class:`Keten`; everything that needs
knowledge of the application API lives here, so the steps read like the feature files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.application.organisations import OrganisationMap
from orchestrator.application.tasks import TaskQuery
from orchestrator.application.views import InstanceView, TaskView
from orchestrator.bootstrap import Container
from orchestrator.domain.clock import ManualClock
from tests.bdd.partners import Partners

#: role as written in a step -> candidate group (anything else: words joined by "_")
ROLLEN: dict[str, str] = {
    "consulent io": "consulent_io",
    "consulent inkomensondersteuning": "consulent_io",
    "handhavingsspecialist": "handhaving",
    "handhaver": "handhaving",
    "medewerker handhaving": "handhaving",
    "balie": "baliemedewerker",
    "consulent work first": "work_first",
    "work first": "work_first",
    "inkomensconsulent bbz": "bbz_consulent",
    "bbz-consulent": "bbz_consulent",
    "back office sw-bedrijf": "sw_backoffice",
    "consulent centrum voor werk": "centrum_voor_werk",
    "medewerker kcc": "kcc",
}

#: the client's BSN when a scenario names none: a test number that passes the elfproef
TEST_BSN = "999993653"

_WAAR = {"ja", "waar", "true", "wel"}
_ONWAAR = {"nee", "onwaar", "false", "niet", "geen"}
_LIDWOORD = re.compile(r"^(de|het|een)\s+", re.IGNORECASE)


def groep_van(rol: str) -> str:
    """The candidate group of a role named in a step ("de consulent IO" -> "consulent_io")."""
    naam = _LIDWOORD.sub("", rol.strip()).lower()
    return ROLLEN.get(naam, re.sub(r"[\s-]+", "_", naam))


def waarde(tekst: str) -> Any:
    """A value as written in a table or step: ja/nee, whole numbers, "leeg"; else the text."""
    kaal = tekst.strip()
    if kaal.lower() in _WAAR:
        return True
    if kaal.lower() in _ONWAAR:
        return False
    if kaal.lower() in {"leeg", "null", "-"}:
        return None
    if re.fullmatch(r"-?\d+", kaal):
        return int(kaal)
    return kaal.strip('"')


def tabel(datatable: Sequence[Sequence[str]] | None) -> dict[str, str]:
    """A two-column step table (``| veld | waarde |``, header optional) as a dict of text."""
    if not datatable:
        return {}
    rows = [list(r) for r in datatable]
    if rows and [c.strip().lower() for c in rows[0]] in (["veld", "waarde"], ["naam", "waarde"]):
        rows = rows[1:]
    return {r[0].strip(): r[1] for r in rows}


def _formwaarden(task: TaskView, invoer: Mapping[str, str]) -> dict[str, Any]:
    """Form values for ``task``: table keys may be field ids or labels; types follow the form.

    Fields the table leaves out get their default value from the diagram.
    """
    fields = task.form.get("fields", [])
    by_key = {}
    for f in fields:
        by_key[f["id"].lower()] = f
        if f.get("label"):
            by_key[f["label"].lower()] = f
    # what a task form submits for the fields left alone: their default, typed
    result: dict[str, Any] = {
        f["id"]: _typed(f, str(f["default"])) for f in fields if f.get("default") is not None
    }
    for key, raw in invoer.items():
        spec = by_key.get(key.strip().lower())
        if spec is None:  # not a form field: a plain process variable
            result[key.strip()] = waarde(raw)
            continue
        result[spec["id"]] = _typed(spec, raw)
    return result


def _typed(spec: Mapping[str, Any], raw: str) -> Any:
    kind = spec["type"]
    if kind == "enum":
        for enum_id, enum_name in spec.get("enum_values", []):
            if raw.strip().lower() in (str(enum_id).lower(), str(enum_name).lower()):
                return enum_id
        return raw.strip()
    if kind in ("string", "date"):
        return raw.strip()
    return waarde(raw)


@dataclass
class Keten:
    """One scenario's view of the chain.

    Attributes:
        app: the wired orchestrator (SQLite in tmp_path, real SpiffWorkflow engine).
        klok: the manual clock every timer reads.
        partners: who answers the external tasks (by hand, or the adapters' simulators).
        dossier: business key of the dossier the scenario talks about (the last started).
        instanties: business key -> instance id of every dossier started in the scenario.
    """

    app: Container
    klok: ManualClock
    partners: Partners
    dossier: str | None = None
    instanties: dict[str, str] = field(default_factory=dict)
    laatste_fout: Exception | None = None

    # ------------------------------------------------------------------ actors
    def actor(self, rol: str) -> Actor:
        """A caseworker of ``rol``, working for the organisation the settings map it to."""
        groep = groep_van(rol)
        organisatie = OrganisationMap(self.app.settings.organisation_map).lookup(groep)
        return Actor(f"{groep}-1", organisation=organisatie, groups=frozenset({groep}))

    # --------------------------------------------------------------- instances
    def start(
        self, proces: str, dossier: str, variabelen: Mapping[str, Any] | None = None
    ) -> InstanceView:
        """Start ``proces`` for ``dossier`` and make it the scenario's current dossier.

        The client's ``bsn`` is a start variable (the partners' adapters need it), the
        test number :data:`TEST_BSN` unless the scenario gives one.
        """
        variables = {"bsn": TEST_BSN, **(variabelen or {})}
        view = self.app.instances.start(
            proces, actor=SYSTEM, business_key=dossier, variables=variables
        )
        self.dossier = dossier
        self.instanties[dossier] = view.id
        return view

    def instantie(self, dossier: str | None = None) -> InstanceView:
        """The instance of ``dossier`` (default: the current one)."""
        key = dossier or self.dossier
        if key is None:
            raise AssertionError("er is in dit scenario nog geen dossier gestart")
        if key not in self.instanties:
            found = self.app.instances.find(business_key=key, limit=1)
            if not found:
                raise AssertionError(f"geen proces voor dossier {key}")
            self.instanties[key] = found[0].id
        return self.app.instances.get(self.instanties[key])

    def variabelen(self, dossier: str | None = None) -> dict[str, Any]:
        """The process variables of the dossier."""
        return self.instantie(dossier).variables

    # ------------------------------------------------------------------- tasks
    def open_taken(self, dossier: str | None = None) -> list[TaskView]:
        """Every open human task of the dossier, whoever it is for."""
        query = TaskQuery(instance_id=self.instantie(dossier).id)
        return self.app.tasks.worklist(SYSTEM, query)

    def taak(self, naam: str, rol: str | None = None, dossier: str | None = None) -> TaskView:
        """The open task called ``naam`` (name or element id) of the dossier.

        With ``rol``: it must be on that role's worklist.
        """
        wanted = naam.strip().lower()
        open_ = self.open_taken(dossier)
        matches = [
            t for t in open_ if wanted in ((t.name or "").strip().lower(), t.element_id.lower())
        ]
        if not matches:
            raise AssertionError(
                f"geen open taak '{naam}'; open: {[t.name or t.element_id for t in open_]}"
            )
        if rol is not None:
            query = TaskQuery(instance_id=matches[0].instance_id)
            visible = {t.id for t in self.app.tasks.worklist(self.actor(rol), query)}
            mine = [t for t in matches if t.id in visible]
            if not mine:
                raise AssertionError(
                    f"taak '{naam}' staat niet in de werkvoorraad van {rol} "
                    f"(groepen: {matches[0].candidate_groups}, lane: {matches[0].lane})"
                )
            return mine[0]
        return matches[0]

    def rond_af(
        self,
        naam: str,
        rol: str,
        invoer: Mapping[str, str] | None = None,
        dossier: str | None = None,
    ) -> InstanceView:
        """Claim and complete task ``naam`` as a caseworker of ``rol`` with form ``invoer``."""
        task = self.taak(naam, rol, dossier)
        actor = self.actor(rol)
        if task.assignee is None:
            self.app.tasks.claim(task.id, actor)
        return self.app.tasks.complete(task.id, _formwaarden(task, invoer or {}), actor)

    # -------------------------------------------------------------------- time
    def verstrijk(self, duur: timedelta) -> int:
        """Let ``duur`` pass day by day, firing every timer that falls due; returns how many."""
        fired = 0
        remaining = duur
        while remaining > timedelta(0):
            stap = min(remaining, timedelta(days=1))
            self.klok.advance(stap)
            remaining -= stap
            fired += self.vuur_timers()
        return fired

    def vuur_timers(self) -> int:
        """Fire due timers until none is due (a fired timer may schedule one that is due)."""
        fired = 0
        for _ in range(100):
            batch = self.app.timers.fire_due_timers()
            fired += batch
            if not batch:
                return fired
        raise AssertionError("timers blijven afgaan: een cyclus zonder einde?")

    def vandaag(self) -> date:
        """Today on the scenario's clock."""
        return self.klok.now().date()

    # ---------------------------------------------------------------- messages
    def bericht(
        self, naam: str, dossier: str | None = None, variabelen: Mapping[str, Any] | None = None
    ) -> str:
        """Message ``naam`` arrives for the dossier; returns the outcome.

        A partner that reports back itself (the simulators: SW-indicatie, terugmelding)
        sends it through the inbound endpoint; anything else is correlated here.
        """
        key = dossier or self.dossier
        if self.partners.meld_terug(naam, key, variabelen or {}):
            return "correlated"
        return self.app.messages.correlate(naam, business_key=key, variables=variabelen).outcome

    # ---------------------------------------------------------------- partners
    def partner_doet(
        self, topic: str, antwoord: Mapping[str, Any] | None = None, dossier: str | None = None
    ) -> None:
        """The partner system behind ``topic`` does its job for the dossier."""
        self.partners.voer_uit(topic, dossier or self.dossier, antwoord)

    def partner_weigert(self, topic: str, code: str, dossier: str | None = None) -> None:
        """The partner system behind ``topic`` answers with business error ``code``."""
        self.partners.weiger(topic, dossier or self.dossier, code)

    def alle_opdrachten_uitvoeren(self, dossier: str | None = None) -> list[str]:
        """Let partners do every waiting job of the dossier, and the jobs that follow."""
        done: list[str] = []
        for _ in range(50):
            waiting = self.open_opdrachten(dossier)
            if not waiting:
                return done
            self.partner_doet(waiting[0], dossier=dossier)
            done.append(waiting[0])
        raise AssertionError(f"opdrachten blijven komen: {done[-5:]}")

    def open_opdrachten(self, dossier: str | None = None) -> list[str]:
        """Topics of the jobs waiting for partners in the dossier."""
        instance_id = self.instantie(dossier).id
        with self.app.store.uow(read_only=True) as uow:
            jobs = uow.jobs.for_instance(instance_id)
        return sorted(j.topic for j in jobs if j.status in ("pending", "locked"))
