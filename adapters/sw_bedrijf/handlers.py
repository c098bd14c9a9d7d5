"""SW-bedrijf topics: diagnose, arbeidskundig onderzoek, leerwerkplek, detachering.

Diagnoses and onderzoeken are reported back later as CloudEvent
``nl.sw-bedrijf.terugmelding``, correlated as message ``terugmelding-sw-bedrijf``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import Field

from adapters.common.jobs import BsnVariable, business_key, partner_errors
from adapters.registry import AdapterRegistry, JobContext, JobInput, JobOutput
from adapters.sw_bedrijf.client import SwBedrijfClient
from orchestrator.config import Settings

#: SW-bedrijf problem codes -> BPMN error codes
SW_FOUTEN = {"geen-plek-beschikbaar": "GEEN_PLEK_BESCHIKBAAR", "bsn-ongeldig": "BSN_ONGELDIG"}


class OpdrachtIn(JobInput):
    bsn: BsnVariable
    vraagstelling: str = ""


class DiagnoseOut(JobOutput):
    diagnoseOpdrachtId: str


class OnderzoekOut(JobOutput):
    onderzoekOpdrachtId: str


class LeerwerkplekIn(JobInput):
    bsn: BsnVariable
    sector: str
    startdatum: date | None = None


class LeerwerkplekOut(JobOutput):
    leerwerkplekAanbiedingId: str
    leerwerkplek: str


class DetacheringIn(JobInput):
    bsn: BsnVariable
    werkgever: str
    startdatum: date | None = None
    urenPerWeek: Annotated[int, Field(ge=1, le=40)] = 32


class DetacheringOut(JobOutput):
    detacheringAanbiedingId: str


def register(registry: AdapterRegistry, settings: Settings) -> None:
    """Register the SW-bedrijf topics, with a client configured from ``settings``."""
    client = SwBedrijfClient(settings.adapters.sw_bedrijf)
    terugmeld_url = settings.adapters.terugmeld_url

    def opdracht(ctx: JobContext, soort: str, data: OpdrachtIn) -> str:
        with partner_errors(SW_FOUTEN):
            answer = client.opdracht_geven(
                soort,
                dossier=business_key(ctx),
                bsn=data.bsn,
                vraagstelling=data.vraagstelling,
                terugmeld_url=terugmeld_url,
                idempotency_key=ctx.idempotency_key,
            )
        return str(answer["id"])

    @registry.topic("sw-bedrijf.diagnose-aanvragen")
    def diagnose_aanvragen(ctx: JobContext, data: OpdrachtIn) -> DiagnoseOut:
        return DiagnoseOut(diagnoseOpdrachtId=opdracht(ctx, "diagnoses", data))

    @registry.topic("sw-bedrijf.arbeidskundig-onderzoek-aanvragen")
    def onderzoek_aanvragen(ctx: JobContext, data: OpdrachtIn) -> OnderzoekOut:
        return OnderzoekOut(onderzoekOpdrachtId=opdracht(ctx, "arbeidskundige-onderzoeken", data))

    @registry.topic("sw-bedrijf.leerwerkplek-aanbieden")
    def leerwerkplek_aanbieden(ctx: JobContext, data: LeerwerkplekIn) -> LeerwerkplekOut:
        with partner_errors(SW_FOUTEN):
            aanbieding = client.leerwerkplek_aanbieden(
                dossier=business_key(ctx),
                bsn=data.bsn,
                sector=data.sector,
                startdatum=data.startdatum or datetime.now(UTC).date(),
                idempotency_key=ctx.idempotency_key,
            )
        return LeerwerkplekOut(
            leerwerkplekAanbiedingId=str(aanbieding["id"]),
            leerwerkplek=str(aanbieding["werkplek"]),
        )

    @registry.topic("sw-bedrijf.detachering-aanbieden")
    def detachering_aanbieden(ctx: JobContext, data: DetacheringIn) -> DetacheringOut:
        with partner_errors(SW_FOUTEN):
            aanbieding = client.detachering_aanbieden(
                dossier=business_key(ctx),
                bsn=data.bsn,
                werkgever=data.werkgever,
                startdatum=data.startdatum or datetime.now(UTC).date(),
                uren_per_week=data.urenPerWeek,
                idempotency_key=ctx.idempotency_key,
            )
        return DetacheringOut(detacheringAanbiedingId=str(aanbieding["id"]))
