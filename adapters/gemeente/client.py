"""Clients of the gemeente: the benefits administration (REST) and the Zaken API (ZGW).

The benefits administration takes an ``Idempotency-Key`` on every write: a job sends its
idempotency key, so a retried job never files an aanvraag or pays a voorschot twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

import httpx

from adapters.common.http import TokenRestClient
from adapters.gemeente.zgw import ZaakRegistratie, ZakenClient
from orchestrator.config import GemeenteSettings

__all__ = ["UitkeringenClient", "ZaakRegistratie", "ZakenClient"]

PARTNER = "gemeente"
#: a besluit on an aanvraag, or a later one on the lopende uitkering
Besluit = Literal["toekenning", "afwijzing", "beeindiging", "maatregel", "arrangement"]


class UitkeringenClient(TokenRestClient):
    """The gemeente's benefits administration (aanvraag, besluit, voorschot, betaling).

    Args:
        settings: the gemeente settings (URL, timeouts, TLS files, API key).
        transport: a custom httpx transport (tests).
    """

    def __init__(
        self, settings: GemeenteSettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        super().__init__(
            PARTNER,
            settings.uitkeringen,
            settings.uitkeringen_api_key.get_secret_value(),
            transport=transport,
        )

    def aanvragen(
        self, *, dossier: str, bsn: str, soort: str, ingangsdatum: date, idempotency_key: str
    ) -> dict[str, Any]:
        """File a benefit application; the aanvraag (``id``, ``status``)."""
        body = {
            "dossier": dossier,
            "bsn": bsn,
            "soort": soort,
            "ingangsdatum": ingangsdatum.isoformat(),
        }
        return self._post("aanvragen", body, idempotency_key)

    def besluit_vastleggen(
        self,
        aanvraag_id: str,
        *,
        besluit: Besluit,
        reden: str,
        bedrag_per_maand: Decimal | None,
        idempotency_key: str,
        verlaging_procent: int | None = None,
    ) -> dict[str, Any]:
        """Record a besluit on an aanvraag (toekenning/afwijzing) or on its lopende uitkering
        (beeindiging, maatregel, arrangement); the besluit (``id``, ``besluit``)."""
        body: dict[str, Any] = {"besluit": besluit, "reden": reden}
        if bedrag_per_maand is not None:
            body["bedragPerMaand"] = str(bedrag_per_maand)
        if verlaging_procent is not None:
            body["verlagingProcent"] = verlaging_procent
        return self._post(f"aanvragen/{aanvraag_id}/besluit", body, idempotency_key)

    def lopende_uitkering(self, *, bsn: str | None, dossier: str | None) -> dict[str, Any]:
        """The client's lopende (granted) uitkering, found by BSN or dossier (in the body)."""
        body = {k: v for k, v in (("bsn", bsn), ("dossier", dossier)) if v}
        response = self._http.request("POST", "aanvragen/_zoek", json=body, ok=(200,))
        return self._http.json(response)

    def voorschot_betalen(
        self, *, dossier: str, bedrag: Decimal, idempotency_key: str
    ) -> dict[str, Any]:
        """Pay an advance in case of broodnood; the voorschot (``id``, ``betaaldatum``)."""
        return self._post(
            "voorschotten", {"dossier": dossier, "bedrag": str(bedrag)}, idempotency_key
        )

    def betaling_opdragen(
        self, *, aanvraag_id: str, bedrag: Decimal, periode: str, idempotency_key: str
    ) -> dict[str, Any]:
        """Order a payment for a period (``YYYY-MM``); the betaling (``id``, ``status``)."""
        body = {"aanvraag": aanvraag_id, "bedrag": str(bedrag), "periode": periode}
        return self._post("betalingen", body, idempotency_key)
