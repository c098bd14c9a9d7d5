"""UWV topics: WW benefit, registration as job seeker, SW-indicatie.

The SW-indicatie's outcome arrives later as CloudEvent ``nl.uwv.sw-indicatie.vastgesteld``,
correlated as message ``sw-indicatie-besluit`` (see ``adapters.gemeente.inbound``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from adapters.common.jobs import BsnVariable, business_key, partner_errors
from adapters.registry import AdapterRegistry, JobContext, JobInput, JobOutput
from adapters.uwv.client import UwvClient
from orchestrator.config import Settings

#: SOAP fault codes (``detail/Fout/Code``) -> BPMN error codes
UWV_FOUTEN = {"PersoonOnbekend": "PERSOON_ONBEKEND", "BsnOngeldig": "BSN_ONGELDIG"}


class BsnIn(JobInput):
    bsn: BsnVariable


class WwUitkeringOut(JobOutput):
    wwUitkering: bool
    wwEinddatum: date | None


class WerkzoekendeIn(JobInput):
    bsn: BsnVariable
    registratiedatum: date | None = None


class WerkzoekendeOut(JobOutput):
    werkzoekendeRegistratieId: str
    werkzoekendeStatus: str


class SwIndicatieOut(JobOutput):
    swIndicatieAanvraagId: str
    swIndicatieStatus: str


def register(registry: AdapterRegistry, settings: Settings) -> None:
    """Register the UWV topics, with a client configured from ``settings``."""
    client = UwvClient(settings.adapters.uwv)
    terugmeld_url = settings.adapters.terugmeld_url

    @registry.topic("uwv.ww-uitkering-opvragen")
    def ww_uitkering_opvragen(ctx: JobContext, data: BsnIn) -> WwUitkeringOut:
        with partner_errors(UWV_FOUTEN):
            ww = client.ww_uitkering(data.bsn, message_id=ctx.idempotency_key)
        return WwUitkeringOut(wwUitkering=ww.heeft_ww, wwEinddatum=ww.einddatum)

    @registry.topic("uwv.werkzoekende-registreren")
    def werkzoekende_registreren(ctx: JobContext, data: WerkzoekendeIn) -> WerkzoekendeOut:
        with partner_errors(UWV_FOUTEN):
            registratie = client.werkzoekende_registreren(
                data.bsn,
                dossier=business_key(ctx),
                registratiedatum=data.registratiedatum or datetime.now(UTC).date(),
                message_id=ctx.idempotency_key,
            )
        return WerkzoekendeOut(
            werkzoekendeRegistratieId=registratie.registratie_id,
            werkzoekendeStatus=registratie.status,
        )

    @registry.topic("uwv.sw-indicatie-aanvragen")
    def sw_indicatie_aanvragen(ctx: JobContext, data: BsnIn) -> SwIndicatieOut:
        with partner_errors(UWV_FOUTEN):
            aanvraag = client.sw_indicatie_aanvragen(
                data.bsn,
                dossier=business_key(ctx),
                terugmeld_adres=terugmeld_url,
                message_id=ctx.idempotency_key,
            )
        return SwIndicatieOut(
            swIndicatieAanvraagId=aanvraag.aanvraag_id, swIndicatieStatus=aanvraag.status
        )
