"""Ketenpartners in BDD scenarios: who answers the external tasks (jobs) of the diagrams.

A scenario says what a partner does ("UWV bevestigt de registratie als werkzoekende"); the
:class:`Partners` port decides how that happens:

- :class:`SimulatorPartners` (the default) runs the real adapter handler of the topic
  against the partner's simulator, through the application's job use cases, and lets the
  simulator report asynchronous outcomes back through the inbound endpoint;
- :class:`HandmatigePartners` plays the partner by hand (fetch-and-lock the job, complete
  it with the scenario's answer). ``KETENREGIE_BDD_PARTNERS=handmatig`` runs every scenario
  this way (tests/bdd/conftest.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

import httpx

from adapters.registry import AdapterRegistry
from orchestrator.application.job_results import ResultOutcome
from orchestrator.application.views import JobView
from orchestrator.bootstrap import Container
from orchestrator.messaging.results import parse_result
from orchestrator.messaging.worker import handle_job
from tests.bdd.simulators import Simulatoren

#: partner name as written in a step -> topic prefix of its adapters
PARTNER_TOPICS: dict[str, str] = {
    "de gemeente": "gemeente.",
    "gemeente": "gemeente.",
    "uwv": "uwv.",
    "het uwv": "uwv.",
    "het sw-bedrijf": "sw-bedrijf.",
    "sw-bedrijf": "sw-bedrijf.",
}


def topic_prefix(partner: str) -> str:
    """The topic prefix of a partner named in a step ("UWV" -> "uwv.")."""
    key = partner.strip().lower()
    if key not in PARTNER_TOPICS:
        raise AssertionError(
            f"onbekende ketenpartner '{partner}' (bekend: {sorted(PARTNER_TOPICS)})"
        )
    return PARTNER_TOPICS[key]


class Partners(Protocol):
    """Answers the jobs of one topic for one dossier."""

    def voer_uit(
        self, topic: str, business_key: str | None, antwoord: Mapping[str, Any] | None = None
    ) -> JobView:
        """Do the job of ``topic`` for the dossier and report success with ``antwoord``."""
        ...

    def weiger(self, topic: str, business_key: str | None, code: str, melding: str = "") -> JobView:
        """Report a business error (BPMN error ``code``) for the job of ``topic``."""
        ...

    def meld_terug(
        self, bericht: str, business_key: str | None, variabelen: Mapping[str, Any]
    ) -> bool:
        """Let the partner send message ``bericht`` itself; False: the step correlates it."""
        ...

    def lopende_uitkering(self, dossier: str, bsn: str) -> None:
        """The gemeente already pays the client of ``dossier`` an uitkering (from before)."""
        ...


class HandmatigePartners:
    """Plays every partner by hand through the job API (fetch and lock, then complete)."""

    WORKER = "bdd-partner"

    def __init__(self, app: Container) -> None:
        self._app = app

    def _job(self, topic: str, business_key: str | None) -> JobView:
        # A lock that expires at once: the jobs of other dossiers stay available.
        jobs = self._app.jobs.fetch_and_lock(
            topic, self.WORKER, max_jobs=1000, lock_duration=timedelta(0)
        )
        mine = [j for j in jobs if business_key is None or self._instance_key(j) == business_key]
        if not mine:
            raise AssertionError(
                f"er staat geen opdracht '{topic}' klaar voor dossier {business_key}"
            )
        return mine[0]

    def _instance_key(self, job: JobView) -> str | None:
        return self._app.instances.get(job.instance_id).business_key

    def voer_uit(
        self, topic: str, business_key: str | None, antwoord: Mapping[str, Any] | None = None
    ) -> JobView:
        job = self._job(topic, business_key)
        self._app.jobs.complete(job.id, self.WORKER, dict(antwoord or {}))
        return job

    def weiger(self, topic: str, business_key: str | None, code: str, melding: str = "") -> JobView:
        job = self._job(topic, business_key)
        self._app.jobs.bpmn_error(job.id, self.WORKER, code, melding)
        return job

    def meld_terug(
        self, bericht: str, business_key: str | None, variabelen: Mapping[str, Any]
    ) -> bool:
        return False

    def lopende_uitkering(self, dossier: str, bsn: str) -> None:
        return None  # played by hand: the partner's answer is the scenario's


#: jobs whose diagram does not give the adapter the input it needs (adapters/README.md):
#: answered by hand, element id -> why. Empty: every partner step of the diagrams is fed.
HANDMATIG: dict[str, str] = {}


class SimulatorPartners(HandmatigePartners):
    """Every partner job runs the REAL adapter handler against the partner's simulator.

    The job is fetched and locked through the application's job use cases, handled by
    :func:`orchestrator.messaging.worker.handle_job` (the adapter worker's own function:
    input model, handler, BusinessError/RetryableError/PermanentError mapping) and its
    result applied with :meth:`JobService.apply_result` after
    :func:`orchestrator.messaging.results.parse_result`, as the results consumer does.
    Refusals come from the simulator's state or fault injection; asynchronous outcomes
    (SW-indicatie, terugmelding) are sent by the simulator as CloudEvents to the inbound
    endpoint. Jobs in :data:`HANDMATIG` are answered by hand (listed in ``handmatig``).
    """

    WORKER = "bdd-simulator"

    def __init__(self, app: Container, simulatoren: Simulatoren, registry: AdapterRegistry):
        super().__init__(app)
        self._sim = simulatoren
        self._registry = registry
        #: element ids this scenario answered by hand (see HANDMATIG)
        self.handmatig: list[str] = []
        #: what the adapter worker function reported for the last job
        self.laatste_resultaat: dict[str, Any] = {}

    def _run(self, job: JobView) -> ResultOutcome:
        """Handle ``job`` as an adapter worker would and apply the result."""
        attempt = job.attempts + 1
        body = {
            "job_id": job.id,
            "topic": job.topic,
            "instance_id": job.instance_id,
            "business_key": self._instance_key(job),
            "element_id": job.element_id,
            "variables": job.variables,
        }
        result = handle_job(self._registry, body, {"attempt": attempt})
        result["worker_id"] = self.WORKER
        self.laatste_resultaat = result
        return self._app.jobs.apply_result(parse_result(result, f"bdd:{job.id}:{attempt}"))

    def voer_uit(
        self, topic: str, business_key: str | None, antwoord: Mapping[str, Any] | None = None
    ) -> JobView:
        job = self._job(topic, business_key)
        if job.element_id in HANDMATIG:
            self.handmatig.append(job.element_id)
            self._app.jobs.complete(job.id, self.WORKER, dict(antwoord or {}))
            return job
        if antwoord:
            raise AssertionError(
                f"{topic}: met de simulators antwoordt de partner zelf; zet de toestand "
                "van de simulator in plaats van een antwoord (of KETENREGIE_BDD_PARTNERS=handmatig)"
            )
        outcome = self._run(job)
        result = self.laatste_resultaat
        if outcome != "applied" or result["outcome"] != "completed":
            raise AssertionError(
                f"{topic} via de simulator: {result['outcome']} "
                f"{result.get('error_code') or ''} {result.get('error_message', '')} ({outcome})"
            )
        return job

    def weiger(self, topic: str, business_key: str | None, code: str, melding: str = "") -> JobView:
        job = self._job(topic, business_key)
        if job.element_id in HANDMATIG:
            self.handmatig.append(job.element_id)
            self._app.jobs.bpmn_error(job.id, self.WORKER, code, melding)
            return job
        self._weigering(topic, code, job.variables)
        self._run(job)
        result = self.laatste_resultaat
        if result.get("error_code") != code:
            raise AssertionError(f"{topic}: de simulator weigerde niet met {code}: {result}")
        return job

    def _weigering(self, topic: str, code: str, variabelen: Mapping[str, Any]) -> None:
        """Make the simulator refuse the next request of ``topic`` with ``code``."""
        partner = topic.split(".", 1)[0]
        server = self._sim.server(partner)
        if partner == "uwv" and code in UWV_WEIGERINGEN:
            server.control.set_faults(soap_fault=UWV_WEIGERINGEN[code], times=1)
            return
        state = server.state
        aanvraag = partner == "gemeente" and (
            state.uitkeringen.aanvragen.get(str(variabelen.get("aanvraagId")))
            or state.uitkeringen.zoek_lopende(
                bsn=variabelen.get("bsn"), dossier=variabelen.get("klantDossier")
            )
        )
        if code == "GEEN_PLEK_BESCHIKBAAR":
            state.capaciteit[str(variabelen.get("sector"))] = 0
        elif code == "AANVRAAG_ONBEKEND" and partner == "gemeente":
            state.uitkeringen.aanvragen.pop(str(variabelen.get("aanvraagId")), None)
        elif code == "BESLUIT_AL_VASTGELEGD" and aanvraag:
            aanvraag["besluit"] = {"besluit": "toekenning"}
        elif code == "GEEN_TOEKENNING" and partner == "gemeente":
            # the aanvraag was not granted, or the lopende uitkering has ended meanwhile
            # (none at all: the gemeente refuses by itself)
            if aanvraag:
                ended = not topic.endswith("betaling-opdragen")
                aanvraag["status"] = "beeindigd" if ended else "afgewezen"
        else:
            raise AssertionError(f"de simulator van {partner} kan niet weigeren met {code}")

    def lopende_uitkering(self, dossier: str, bsn: str) -> None:
        """Register a running uitkering of ``bsn`` / ``dossier`` in the gemeente simulator."""
        self._sim.server("gemeente").state.uitkeringen.lopende_uitkering(bsn=bsn, dossier=dossier)

    def meld_terug(
        self, bericht: str, business_key: str | None, variabelen: Mapping[str, Any]
    ) -> bool:
        """SW-indicatie and terugmelding: the simulator decides the dossier's open request
        and sends the CloudEvent to the inbound endpoint, which correlates it."""
        if bericht not in TERUGMELDINGEN or business_key is None:
            return False
        partner, pad = TERUGMELDINGEN[bericht]
        server = self._sim.server(partner)
        state = server.state
        open_ = state.sw_aanvragen if partner == "uwv" else state.opdrachten
        ids = [
            i
            for i, v in open_.items()
            if v["dossier"] == business_key and v["status"] == "in_behandeling"
        ]
        if not ids:
            raise AssertionError(
                f"{bericht}: {partner} heeft geen open verzoek voor {business_key}"
            )
        if bericht == "sw-indicatie-besluit":
            body: dict[str, Any] = {"indicatie": bool(variabelen.get("swIndicatie"))}
        else:
            body = {k: str(variabelen[k]) for k in ("uitkomst", "advies") if k in variabelen}
        answer = httpx.post(f"{server.url}{pad}{ids[-1]}", json=body, timeout=10.0)
        assert answer.json().get("afgeleverd") is True, answer.text
        return True


#: BPMN error code -> the SOAP fault code the UWV simulator answers with
UWV_WEIGERINGEN = {"PERSOON_ONBEKEND": "PersoonOnbekend", "BSN_ONGELDIG": "BsnOngeldig"}

#: message -> (partner, its control path that decides a request and reports back)
TERUGMELDINGEN: dict[str, tuple[str, str]] = {
    "sw-indicatie-besluit": ("uwv", "/_sw-indicatie/"),
    "terugmelding-sw-bedrijf": ("sw-bedrijf", "/_terugmelden/"),
}
