"""Client of the ZGW Zaken API (VNG 1.5.1): the klantreis as a zaak, idempotently.

Every operation first looks at what the Zaken API already has (the zaak by its
``identificatie``, the initiator rol of the zaak, its current status and resultaat), so an
attempt repeated after a lost response never registers anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from adapters.common.errors import PartnerProtocolError, PartnerRejected
from adapters.common.http import PartnerHttp, build_client
from adapters.gemeente.zgw_auth import ZgwAuth
from orchestrator.config import ZgwSettings

PARTNER = "gemeente"
#: the CRS headers the Zaken API requires on zaak requests (geometry in WGS84)
CRS_HEADERS = {"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}


@dataclass(frozen=True)
class ZaakRegistratie:
    """Where the zaak and its initiator rol live."""

    zaak_url: str
    rol_url: str
    identificatie: str


class ZakenClient:
    """Talks to the Zaken API with a fresh ZGW JWT per request.

    Args:
        settings: Zaken API URL, client id and secret, catalogue URLs.
        transport: a custom httpx transport (tests).
    """

    def __init__(self, settings: ZgwSettings, *, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        auth = ZgwAuth(settings.client_id, settings.secret.get_secret_value())
        client = build_client(
            settings.zaken_api,
            headers={"Accept": "application/json", **CRS_HEADERS},
            auth=auth,
            transport=transport,
        )
        self._http = PartnerHttp(PARTNER, client)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # ------------------------------------------------------------------ reads
    def zoek_zaak(self, identificatie: str) -> dict[str, Any] | None:
        """The zaak with this ``identificatie`` of our bronorganisatie, if any."""
        params = {"identificatie": identificatie, "bronorganisatie": self.settings.bronorganisatie}
        page = self._http.json(self._http.request("GET", "zaken", params=params))
        results = page.get("results")
        if not isinstance(results, list):
            raise PartnerProtocolError(PARTNER, "zaak list without results")
        return results[0] if results else None

    def lees(self, url: str) -> dict[str, Any]:
        """Any Zaken API resource by its URL."""
        return self._http.json(self._http.request("GET", url))

    def _lijst(self, resource: str, params: dict[str, str]) -> list[dict[str, Any]]:
        page = self._http.json(self._http.request("GET", resource, params=params))
        results = page.get("results")
        if not isinstance(results, list):
            raise PartnerProtocolError(PARTNER, f"{resource} list without results")
        return [r for r in results if isinstance(r, dict)]

    # ----------------------------------------------------------------- writes
    def zaak_registreren(
        self,
        identificatie: str,
        *,
        bsn: str,
        omschrijving: str,
        startdatum: date,
        zaak_url: str | None = None,
    ) -> ZaakRegistratie:
        """Make sure the zaak and its initiator rol (the client, by BSN) exist.

        Args:
            identificatie: the journey's business key; unique per bronorganisatie.
            bsn: the initiator's BSN (only ever in the request body).
            omschrijving: short description (at most 80 characters).
            startdatum: when the journey started.
            zaak_url: the zaak's URL when an earlier attempt stored it.
        """
        zaak = self.lees(zaak_url) if zaak_url else self.zoek_zaak(identificatie)
        if zaak is None:
            zaak = self._maak_zaak(identificatie, omschrijving[:80], startdatum)
        url = _url(zaak)
        rollen = self._lijst("rollen", {"zaak": url, "omschrijvingGeneriek": "initiator"})
        rol = rollen[0] if rollen else self._maak_rol(url, bsn)
        return ZaakRegistratie(zaak_url=url, rol_url=_url(rol), identificatie=identificatie)

    def _maak_zaak(self, identificatie: str, omschrijving: str, startdatum: date) -> dict[str, Any]:
        body = {
            "identificatie": identificatie,
            "bronorganisatie": self.settings.bronorganisatie,
            "verantwoordelijkeOrganisatie": self.settings.verantwoordelijke_organisatie,
            "zaaktype": self.settings.zaaktype,
            "omschrijving": omschrijving,
            "startdatum": startdatum.isoformat(),
            "vertrouwelijkheidaanduiding": "vertrouwelijk",
        }
        try:
            return self._http.json(self._http.request("POST", "zaken", json=body, ok=(201,)))
        except PartnerRejected as exc:
            # Another attempt created it between our lookup and our POST.
            if exc.code == "identificatie-niet-uniek":
                existing = self.zoek_zaak(identificatie)
                if existing is not None:
                    return existing
            raise

    def _maak_rol(self, zaak_url: str, bsn: str) -> dict[str, Any]:
        body = {
            "zaak": zaak_url,
            "betrokkeneType": "natuurlijk_persoon",
            "roltype": self.settings.roltype_initiator,
            "roltoelichting": "Aanvrager in de klantreis",
            "betrokkeneIdentificatie": {"inpBsn": bsn},
        }
        return self._http.json(self._http.request("POST", "rollen", json=body, ok=(201,)))

    def status_zetten(
        self, zaak_url: str, statustype: str, *, gezet_op: datetime, toelichting: str = ""
    ) -> str:
        """Give the zaak status ``statustype`` unless it is its current status; the URL."""
        zaak = self.lees(zaak_url)
        huidige = zaak.get("status")
        if isinstance(huidige, str) and huidige:
            status = self.lees(huidige)
            if status.get("statustype") == statustype:
                return huidige
        body = {
            "zaak": zaak_url,
            "statustype": statustype,
            "datumStatusGezet": gezet_op.isoformat(),
            "statustoelichting": toelichting[:1000],
        }
        return _url(self._http.json(self._http.request("POST", "statussen", json=body, ok=(201,))))

    def resultaat_zetten(self, zaak_url: str, resultaattype: str, *, toelichting: str = "") -> str:
        """Give the zaak its resultaat (once); the resultaat's URL.

        Raises:
            PartnerRejected: code ``resultaat-al-gezet`` when the zaak has another one.
        """
        zaak = self.lees(zaak_url)
        bestaand = zaak.get("resultaat")
        if isinstance(bestaand, str) and bestaand:
            if self.lees(bestaand).get("resultaattype") == resultaattype:
                return bestaand
            raise PartnerRejected(
                PARTNER, "zaak has a different resultaat already", code="resultaat-al-gezet"
            )
        body = {"zaak": zaak_url, "resultaattype": resultaattype, "toelichting": toelichting}
        return _url(self._http.json(self._http.request("POST", "resultaten", json=body, ok=(201,))))


def _url(resource: dict[str, Any]) -> str:
    url = resource.get("url")
    if not isinstance(url, str) or not url:
        raise PartnerProtocolError(PARTNER, "resource without url")
    return url
