"""Client of the SW-bedrijf REST API.

Every write carries the job's ``Idempotency-Key``, so a retried job never asks for a
second diagnosis or offers a second workplace.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from adapters.common.http import TokenRestClient
from orchestrator.config import SwBedrijfSettings

PARTNER = "sw-bedrijf"


class SwBedrijfClient(TokenRestClient):
    """Talks to the SW-bedrijf.

    Args:
        settings: URL, timeouts, mTLS files and API key.
        transport: a custom httpx transport (tests).
    """

    def __init__(
        self, settings: SwBedrijfSettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        super().__init__(
            PARTNER,
            settings.api,
            settings.api_key.get_secret_value(),
            transport=transport,
            ok=(200, 201, 202),
        )

    def opdracht_geven(
        self,
        soort: str,
        *,
        dossier: str,
        bsn: str,
        vraagstelling: str,
        terugmeld_url: str,
        idempotency_key: str,
    ) -> dict[str, Any]:
        """Ask for a ``diagnoses`` or ``arbeidskundige-onderzoeken``; the opdracht
        (``id``, ``status``). The report back (terugmelding) arrives at ``terugmeld_url``."""
        body = {
            "dossier": dossier,
            "bsn": bsn,
            "vraagstelling": vraagstelling,
            "terugmeldUrl": terugmeld_url,
        }
        return self._post(soort, body, idempotency_key)

    def leerwerkplek_aanbieden(
        self, *, dossier: str, bsn: str, sector: str, startdatum: date, idempotency_key: str
    ) -> dict[str, Any]:
        """Offer a leerwerkplek in ``sector``; the aanbieding (``id``, ``werkplek``)."""
        body = {
            "dossier": dossier,
            "bsn": bsn,
            "sector": sector,
            "startdatum": startdatum.isoformat(),
        }
        return self._post("leerwerkplekken/aanbiedingen", body, idempotency_key)

    def detachering_aanbieden(
        self,
        *,
        dossier: str,
        bsn: str,
        werkgever: str,
        startdatum: date,
        uren_per_week: int,
        idempotency_key: str,
    ) -> dict[str, Any]:
        """Offer a detachering at ``werkgever``; the aanbieding (``id``, ``status``)."""
        body = {
            "dossier": dossier,
            "bsn": bsn,
            "werkgever": werkgever,
            "startdatum": startdatum.isoformat(),
            "urenPerWeek": uren_per_week,
        }
        return self._post("detacheringen/aanbiedingen", body, idempotency_key)
