"""Client of the UWV SOAP service (Suwinet-Inlezen style): WW, werkzoekende, SW-indicatie."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import httpx

from adapters.common.errors import PartnerProtocolError, PartnerRejected, PartnerUnavailable
from adapters.common.http import PartnerHttp, build_client
from adapters.uwv.soap import SoapError, SoapFault, SoapMessage, envelope, parse
from orchestrator.config import UwvSettings

PARTNER = "uwv"


@dataclass(frozen=True)
class WwUitkering:
    """Whether someone has a WW benefit, and until when."""

    heeft_ww: bool
    einddatum: date | None


@dataclass(frozen=True)
class Werkzoekende:
    """A registration as job seeker."""

    registratie_id: str
    status: str


@dataclass(frozen=True)
class SwIndicatieAanvraag:
    """A pending SW-indicatie request; the outcome arrives later as a message."""

    aanvraag_id: str
    status: str


class UwvClient:
    """Sends SOAP 1.1 requests to UWV.

    Args:
        settings: endpoint, timeouts, mTLS files and WS-Security credentials.
        transport: a custom httpx transport (tests).
    """

    def __init__(self, settings: UwvSettings, *, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        client = build_client(
            settings.soap,
            headers={"Content-Type": "text/xml; charset=utf-8", "Accept": "text/xml"},
            transport=transport,
        )
        self._http = PartnerHttp(PARTNER, client)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def call(self, operation: str, fields: dict[str, str], message_id: str) -> SoapMessage:
        """Send one operation; the parsed response.

        Args:
            operation: the operation name (``WwUitkeringOpvragen``).
            fields: the request's values, in order (BSN included: bodies only).
            message_id: WS-Addressing MessageID; the job's idempotency key.

        Raises:
            PartnerUnavailable: transport trouble, HTTP 5xx without a SOAP fault, or a
                ``soap:Server`` fault.
            PartnerRejected: a ``soap:Client`` fault (``code`` from its detail).
            PartnerProtocolError: the answer is not the expected SOAP response.
        """
        body = envelope(
            operation,
            fields,
            message_id=f"urn:uuid:{message_id}" if ":" not in message_id else message_id,
            to=self.settings.soap.base_url,
            username=self.settings.username,
            password=self.settings.password.get_secret_value(),
        )
        headers = {"SOAPAction": f'"{operation}"'}
        # SOAP 1.1 answers faults with HTTP 500: read the body before judging the status.
        response = self._http.request(
            "POST", self.settings.soap.base_url, content=body, headers=headers, ok=(200, 500)
        )
        try:
            message = parse(response.content)
        except SoapFault as fault:
            if fault.is_server:
                raise PartnerUnavailable(PARTNER, f"SOAP Server fault {fault.code or ''}") from None
            raise PartnerRejected(
                PARTNER, f"SOAP Client fault {fault.code or ''}", code=fault.code
            ) from None
        except SoapError as exc:
            if response.status_code == 500:
                raise PartnerUnavailable(PARTNER, "HTTP 500 without SOAP fault") from None
            raise PartnerProtocolError(PARTNER, f"malformed SOAP answer: {exc}") from None
        if message.operation != f"{operation}Response":
            raise PartnerProtocolError(PARTNER, f"unexpected answer {message.operation}")
        return message

    def ww_uitkering(self, bsn: str, *, message_id: str) -> WwUitkering:
        """Does ``bsn`` have a WW benefit, and until when?"""
        answer = self.call("WwUitkeringOpvragen", {"Burgerservicenr": bsn}, message_id)
        heeft = _required(answer, "IndicatieWw") == "true"
        einde = answer.fields.get("Einddatum") or None
        return WwUitkering(heeft_ww=heeft, einddatum=_date(einde) if einde else None)

    def werkzoekende_registreren(
        self, bsn: str, *, dossier: str, registratiedatum: date, message_id: str
    ) -> Werkzoekende:
        """Register ``bsn`` as job seeker."""
        fields = {
            "Burgerservicenr": bsn,
            "Dossier": dossier,
            "Registratiedatum": registratiedatum.isoformat(),
        }
        answer = self.call("WerkzoekendeRegistreren", fields, message_id)
        return Werkzoekende(_required(answer, "RegistratieId"), _required(answer, "Status"))

    def sw_indicatie_aanvragen(
        self, bsn: str, *, dossier: str, terugmeld_adres: str, message_id: str
    ) -> SwIndicatieAanvraag:
        """Request an SW-indicatie; UWV reports the outcome to ``terugmeld_adres`` later."""
        fields = {"Burgerservicenr": bsn, "Dossier": dossier, "TerugmeldAdres": terugmeld_adres}
        answer = self.call("SwIndicatieAanvragen", fields, message_id)
        return SwIndicatieAanvraag(_required(answer, "AanvraagId"), _required(answer, "Status"))


def _required(message: SoapMessage, name: str) -> str:
    value = message.fields.get(name)
    if not value:
        raise PartnerProtocolError(PARTNER, f"{message.operation} without {name}")
    return value


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PartnerProtocolError(PARTNER, "date not in ISO 8601") from None
