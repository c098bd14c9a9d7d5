"""Gemeente topics: the zaak in the Zaken API, and the benefits administration.

Process variables are named as in the diagrams (camelCase); see ``adapters/README.md``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from adapters.common.jobs import BsnVariable, business_key, partner_errors
from adapters.gemeente.client import Besluit, UitkeringenClient, ZakenClient
from adapters.registry import AdapterRegistry, JobContext, JobInput, JobOutput, PermanentError
from orchestrator.config import Settings

#: partner error codes of the benefits administration -> BPMN error codes
UITKERING_FOUTEN = {
    "aanvraag-onbekend": "AANVRAAG_ONBEKEND",
    "besluit-al-vastgelegd": "BESLUIT_AL_VASTGELEGD",
    "geen-toekenning": "GEEN_TOEKENNING",
    "voorschot-te-hoog": "VOORSCHOT_TE_HOOG",
    "bsn-ongeldig": "BSN_ONGELDIG",
}
ZAAK_FOUTEN = {"resultaat-al-gezet": "RESULTAAT_AL_GEZET"}


class ZaakRegistrerenIn(JobInput):
    bsn: BsnVariable
    zaakOmschrijving: Annotated[str, Field(max_length=80)] = "Klantreis werk en inkomen"
    startdatum: date | None = None
    #: stored by an earlier attempt or step: then the zaak is not looked up again
    zaakUrl: str | None = None


class ZaakRegistrerenOut(JobOutput):
    zaakUrl: str
    zaakIdentificatie: str
    initiatorRolUrl: str


class ZaakstatusZettenIn(JobInput):
    zaakUrl: str
    #: the klantreis milestone; its statustype comes from the settings' map
    mijlpaal: str
    statustoelichting: str = ""


class ZaakstatusZettenOut(JobOutput):
    zaakStatusUrl: str
    zaakStatus: str


class ResultaatZettenIn(JobInput):
    zaakUrl: str
    #: the outcome; its resultaattype comes from the settings' map
    resultaat: str
    resultaatToelichting: str = ""


class ResultaatZettenOut(JobOutput):
    zaakResultaatUrl: str


class UitkeringAanvragenIn(JobInput):
    bsn: BsnVariable
    uitkeringSoort: str = "participatiewet"
    ingangsdatum: date | None = None


class UitkeringAanvragenOut(JobOutput):
    aanvraagId: str
    aanvraagStatus: str


class BesluitVastleggenIn(JobInput):
    """A besluit on an aanvraag (``toekenning``/``afwijzing``: needs ``aanvraagId``) or on the
    client's lopende uitkering (``beeindiging``, ``maatregel``, ``arrangement``): the
    ``aanvraagId`` when the process holds it, else found by ``klantDossier`` (e.g. the
    kandidaat an employer takes on), else by the client's ``bsn``."""

    aanvraagId: str | None = None
    besluit: Besluit
    besluitReden: str = ""
    bedragPerMaand: Decimal | None = None
    verlagingProcent: Annotated[int, Field(ge=0, le=100)] | None = None
    bsn: BsnVariable | None = None
    klantDossier: str | None = None

    @model_validator(mode="after")
    def _uitkering_bekend(self) -> BesluitVastleggenIn:
        if self.besluit in ("toekenning", "afwijzing") and not self.aanvraagId:
            raise ValueError(f"a {self.besluit} needs aanvraagId")
        if not (self.aanvraagId or self.bsn or self.klantDossier):
            raise ValueError(f"a {self.besluit} needs aanvraagId, bsn or klantDossier")
        return self


class BesluitVastleggenOut(JobOutput):
    besluitId: str
    besluit: str


class VoorschotBetalenIn(JobInput):
    voorschotBedrag: Annotated[Decimal, Field(gt=0)]


class VoorschotBetalenOut(JobOutput):
    voorschotId: str
    voorschotBetaaldatum: str


class BetalingOpdragenIn(JobInput):
    aanvraagId: str
    betalingBedrag: Annotated[Decimal, Field(gt=0)]
    #: the month paid for, ``YYYY-MM``
    betalingPeriode: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class BetalingOpdragenOut(JobOutput):
    betalingId: str
    betalingStatus: str


def register(registry: AdapterRegistry, settings: Settings) -> None:
    """Register the gemeente topics, with clients configured from ``settings``."""
    config = settings.adapters.gemeente
    zaken = ZakenClient(config.zgw)
    uitkeringen = UitkeringenClient(config)

    @registry.topic("gemeente.zaak-registreren")
    def zaak_registreren(ctx: JobContext, data: ZaakRegistrerenIn) -> ZaakRegistrerenOut:
        identificatie = business_key(ctx)
        with partner_errors(ZAAK_FOUTEN):
            zaak = zaken.zaak_registreren(
                identificatie,
                bsn=data.bsn,
                omschrijving=data.zaakOmschrijving,
                startdatum=data.startdatum or datetime.now(UTC).date(),
                zaak_url=data.zaakUrl,
            )
        return ZaakRegistrerenOut(
            zaakUrl=zaak.zaak_url, zaakIdentificatie=identificatie, initiatorRolUrl=zaak.rol_url
        )

    @registry.topic("gemeente.zaakstatus-zetten")
    def zaakstatus_zetten(ctx: JobContext, data: ZaakstatusZettenIn) -> ZaakstatusZettenOut:
        statustype = config.zgw.statustypen.get(data.mijlpaal)
        if statustype is None:
            raise PermanentError(f"no statustype configured for milestone {data.mijlpaal!r}")
        with partner_errors(ZAAK_FOUTEN):
            url = zaken.status_zetten(
                data.zaakUrl,
                statustype,
                gezet_op=datetime.now(UTC),
                toelichting=data.statustoelichting,
            )
        return ZaakstatusZettenOut(zaakStatusUrl=url, zaakStatus=data.mijlpaal)

    @registry.topic("gemeente.resultaat-zetten")
    def resultaat_zetten(ctx: JobContext, data: ResultaatZettenIn) -> ResultaatZettenOut:
        resultaattype = config.zgw.resultaattypen.get(data.resultaat)
        if resultaattype is None:
            raise PermanentError(f"no resultaattype configured for {data.resultaat!r}")
        with partner_errors(ZAAK_FOUTEN):
            url = zaken.resultaat_zetten(
                data.zaakUrl, resultaattype, toelichting=data.resultaatToelichting
            )
        return ResultaatZettenOut(zaakResultaatUrl=url)

    @registry.topic("gemeente.uitkering-aanvragen")
    def uitkering_aanvragen(ctx: JobContext, data: UitkeringAanvragenIn) -> UitkeringAanvragenOut:
        with partner_errors(UITKERING_FOUTEN):
            aanvraag = uitkeringen.aanvragen(
                dossier=business_key(ctx),
                bsn=data.bsn,
                soort=data.uitkeringSoort,
                ingangsdatum=data.ingangsdatum or datetime.now(UTC).date(),
                idempotency_key=ctx.idempotency_key,
            )
        return UitkeringAanvragenOut(
            aanvraagId=str(aanvraag["id"]), aanvraagStatus=str(aanvraag["status"])
        )

    @registry.topic("gemeente.besluit-vastleggen")
    def besluit_vastleggen(ctx: JobContext, data: BesluitVastleggenIn) -> BesluitVastleggenOut:
        with partner_errors(UITKERING_FOUTEN):
            aanvraag_id = data.aanvraagId or str(
                uitkeringen.lopende_uitkering(
                    bsn=None if data.klantDossier else data.bsn, dossier=data.klantDossier
                )["id"]
            )
            besluit = uitkeringen.besluit_vastleggen(
                aanvraag_id,
                besluit=data.besluit,
                reden=data.besluitReden,
                bedrag_per_maand=data.bedragPerMaand,
                verlaging_procent=data.verlagingProcent,
                idempotency_key=ctx.idempotency_key,
            )
        return BesluitVastleggenOut(besluitId=str(besluit["id"]), besluit=str(besluit["besluit"]))

    @registry.topic("gemeente.voorschot-betalen")
    def voorschot_betalen(ctx: JobContext, data: VoorschotBetalenIn) -> VoorschotBetalenOut:
        with partner_errors(UITKERING_FOUTEN):
            voorschot = uitkeringen.voorschot_betalen(
                dossier=business_key(ctx),
                bedrag=data.voorschotBedrag,
                idempotency_key=ctx.idempotency_key,
            )
        return VoorschotBetalenOut(
            voorschotId=str(voorschot["id"]), voorschotBetaaldatum=str(voorschot["betaaldatum"])
        )

    @registry.topic("gemeente.betaling-opdragen")
    def betaling_opdragen(ctx: JobContext, data: BetalingOpdragenIn) -> BetalingOpdragenOut:
        with partner_errors(UITKERING_FOUTEN):
            betaling = uitkeringen.betaling_opdragen(
                aanvraag_id=data.aanvraagId,
                bedrag=data.betalingBedrag,
                periode=data.betalingPeriode,
                idempotency_key=ctx.idempotency_key,
            )
        return BetalingOpdragenOut(
            betalingId=str(betaling["id"]), betalingStatus=str(betaling["status"])
        )
