"""Simulated UWV SOAP service: WW benefits, job-seeker registration, SW-indicatie.

State in memory. A repeated ``wsa:MessageID`` gets the first answer again (nothing is done
twice). The SW-indicatie outcome is sent later, as a CloudEvent to the request's
``TerugmeldAdres``, when a test or operator decides it (``POST /_sw-indicatie/{id}`` with
``{"indicatie": true}``, or :meth:`UwvState.sw_indicatie_besluiten`).
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.cloudevents import cloud_event, deliver
from adapters.common.simserver import Faults, Simulator, simulator_app
from adapters.uwv.soap import SoapError, SoapFault, SoapMessage, envelope, fault, parse
from orchestrator.config import AdapterSettings
from orchestrator.domain.bsn import is_valid_bsn

PATH = "/suwinet/v1"
SOURCE = "urn:nld:oin:00000001003214345000:systeem:ketenregie-uwv-simulator"
SW_INDICATIE_TYPE = "nl.uwv.sw-indicatie.vastgesteld"
_XML = "text/xml; charset=utf-8"


def _seed_ww() -> dict[str, date | None]:
    return {"999993653": datetime.now(UTC).date() + timedelta(days=90)}


@dataclass
class UwvState:
    """What the simulated UWV knows.

    Attributes:
        username: the WS-Security user it accepts.
        password: its password.
        inbound_token: bearer token for the CloudEvents it sends back.
        onbekend: BSNs UWV does not know (``PersoonOnbekend``).
        ww: BSN -> end date of its WW benefit (``None``: open-ended).
    """

    username: str
    password: str
    inbound_token: str | None = None
    onbekend: set[str] = field(default_factory=lambda: {"999990019"})
    ww: dict[str, date | None] = field(default_factory=_seed_ww)
    werkzoekenden: dict[str, dict[str, str]] = field(default_factory=dict)
    sw_aanvragen: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: dict[str, bytes] = field(default_factory=dict)

    def handle(self, message: SoapMessage) -> bytes:
        """Answer one request (a fault for unknown persons and bad requests)."""
        bsn = message.fields.get("Burgerservicenr", "")
        if not is_valid_bsn(bsn):
            return fault("Client", "Burgerservicenummer ongeldig", "BsnOngeldig")
        if bsn in self.onbekend:
            return fault("Client", "Persoon onbekend bij UWV", "PersoonOnbekend")
        answer = f"{message.operation}Response"
        if message.operation == "WwUitkeringOpvragen":
            heeft = bsn in self.ww
            einde = self.ww.get(bsn)
            fields = {"IndicatieWw": "true" if heeft else "false"}
            if einde is not None:
                fields["Einddatum"] = einde.isoformat()
            return envelope(answer, fields)
        if message.operation == "WerkzoekendeRegistreren":
            registratie = self.werkzoekenden.setdefault(
                bsn,
                {
                    "RegistratieId": f"WZ-{len(self.werkzoekenden) + 1:06d}",
                    "Status": "geregistreerd",
                    "Dossier": message.fields.get("Dossier", ""),
                },
            )
            return envelope(answer, {k: registratie[k] for k in ("RegistratieId", "Status")})
        if message.operation == "SwIndicatieAanvragen":
            aanvraag_id = f"SWI-{uuid.uuid4().hex[:12]}"
            self.sw_aanvragen[aanvraag_id] = {
                "dossier": message.fields.get("Dossier", ""),
                "terugmeldAdres": message.fields.get("TerugmeldAdres", ""),
                "status": "in_behandeling",
                "bsn": bsn,
            }
            return envelope(answer, {"AanvraagId": aanvraag_id, "Status": "in_behandeling"})
        return fault("Client", f"Onbekende operatie {message.operation}", "OperatieOnbekend")

    async def sw_indicatie_besluiten(self, aanvraag_id: str, indicatie: bool) -> bool:
        """Decide a pending SW-indicatie and send the outcome; True when delivered."""
        aanvraag = self.sw_aanvragen[aanvraag_id]
        aanvraag["status"] = "vastgesteld"
        event = cloud_event(
            SW_INDICATIE_TYPE,
            SOURCE,
            subject=aanvraag["dossier"],
            data={
                "aanvraagId": aanvraag_id,
                "dossier": aanvraag["dossier"],
                "swIndicatie": indicatie,
                "besluitdatum": datetime.now(UTC).date().isoformat(),
            },
        )
        return await deliver(aanvraag["terugmeldAdres"], event, self.inbound_token)


def uwv_routes(state: UwvState) -> list[BaseRoute]:
    """The SOAP endpoint and the control endpoint deciding SW-indicaties."""

    async def soap(request: Request) -> Response:
        try:
            message = parse(await request.body())
        except (SoapError, SoapFault):
            return Response(fault("Client", "Ongeldig SOAP-bericht"), 500, media_type=_XML)
        user_ok = hmac.compare_digest((message.username or "").encode(), state.username.encode())
        pass_ok = hmac.compare_digest((message.password or "").encode(), state.password.encode())
        if not (user_ok and pass_ok):
            return Response(
                fault("Client", "Niet geautoriseerd", "NietGeautoriseerd"), 500, media_type=_XML
            )
        if message.message_id and message.message_id in state.answers:
            return Response(state.answers[message.message_id], media_type=_XML)
        answer = state.handle(message)
        status = 500 if b"Fault>" in answer else 200
        if message.message_id and status == 200:
            state.answers[message.message_id] = answer
        return Response(answer, status, media_type=_XML)

    async def besluiten(request: Request) -> Response:
        aanvraag_id = request.path_params["id"]
        if aanvraag_id not in state.sw_aanvragen:
            return JSONResponse({"detail": "onbekende aanvraag"}, status_code=404)
        body = await request.json()
        delivered = await state.sw_indicatie_besluiten(aanvraag_id, bool(body.get("indicatie")))
        return JSONResponse({"afgeleverd": delivered})

    return [
        Route(PATH, soap, methods=["POST"]),
        Route("/_sw-indicatie/{id}", besluiten, methods=["POST"]),
    ]


def _soap_fault(code: str) -> bytes:
    if code.split(":")[-1] == "Server":
        return fault("Server", "Interne fout bij UWV (gesimuleerd)")
    return fault("Client", f"Gesimuleerde fout {code}", code)


def create_simulator(settings: AdapterSettings, faults: Faults | None = None) -> Simulator:
    """The UWV simulator, accepting the WS-Security credentials in ``settings``."""
    state = UwvState(
        username=settings.uwv.username,
        password=settings.uwv.password.get_secret_value(),
        inbound_token=settings.inbound_token.get_secret_value(),
    )
    return simulator_app(
        "uwv", uwv_routes(state), state, faults, soap_fault=_soap_fault, malformed_type=_XML
    )
