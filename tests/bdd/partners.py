"""Ketenpartners in BDD scenarios: who answers the external tasks (jobs) of the diagrams.

A scenario says what a partner does ("UWV bevestigt de registratie als werkzoekende"); the
:class:`Partners` port decides how that happens. :class:`HandmatigePartners` plays the
partner by hand (fetch-and-lock the job, complete it with the scenario's answer). When the
adapters' simulators land, a class with the same two methods that runs the simulator
handlers replaces it in the ``partners`` fixture (tests/bdd/conftest.py); the steps stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from orchestrator.application.views import JobView
from orchestrator.bootstrap import Container

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
