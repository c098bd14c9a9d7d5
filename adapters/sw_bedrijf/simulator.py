"""Simulated SW-bedrijf REST API (in memory).

Diagnoses and arbeidskundige onderzoeken are accepted (202) and reported back later as a
CloudEvent ``nl.sw-bedrijf.terugmelding`` to the request's ``terugmeldUrl``, when a test or
operator decides (``POST /_terugmelden/{id}`` ``{"uitkomst": ..., "advies": ...}``).
Writes honour ``Idempotency-Key``.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.cloudevents import cloud_event, deliver
from adapters.common.simhelpers import IdempotencyCache, json_body, problem
from adapters.common.simserver import Faults, Simulator, simulator_app
from orchestrator.config import AdapterSettings
from orchestrator.domain.bsn import is_valid_bsn

PREFIX = "/api/v1"
SOURCE = "urn:nld:oin:00000003123456780000:systeem:ketenregie-sw-bedrijf-simulator"
TERUGMELDING_TYPE = "nl.sw-bedrijf.terugmelding"


def _capaciteit() -> dict[str, int]:
    return {"groen": 5, "techniek": 3, "logistiek": 4, "schoonmaak": 5}


@dataclass
class SwBedrijfState:
    """Opdrachten and aanbiedingen of the simulated SW-bedrijf.

    Attributes:
        api_key: the API key it accepts.
        inbound_token: bearer token for the CloudEvents it sends back.
        capaciteit: free leerwerkplekken per sector.
    """

    api_key: str
    inbound_token: str | None = None
    capaciteit: dict[str, int] = field(default_factory=_capaciteit)
    opdrachten: dict[str, dict[str, Any]] = field(default_factory=dict)
    aanbiedingen: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: IdempotencyCache = field(default_factory=IdempotencyCache)

    async def terugmelden(self, opdracht_id: str, uitkomst: str, advies: str = "") -> bool:
        """Report an opdracht's outcome back; True when the CloudEvent was accepted."""
        opdracht = self.opdrachten[opdracht_id]
        opdracht["status"] = "afgerond"
        event = cloud_event(
            TERUGMELDING_TYPE,
            SOURCE,
            subject=opdracht["dossier"],
            data={
                "opdrachtId": opdracht_id,
                "soort": opdracht["soort"],
                "dossier": opdracht["dossier"],
                "uitkomst": uitkomst,
                "advies": advies,
            },
        )
        return await deliver(opdracht["terugmeldUrl"], event, self.inbound_token)


def sw_bedrijf_routes(state: SwBedrijfState) -> list[BaseRoute]:
    """The SW-bedrijf endpoints over ``state``."""

    async def admitted(request: Request) -> dict[str, Any] | Response:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Token {state.api_key}".encode()):
            return problem(401, "niet-geauthenticeerd", "Onbekende API-sleutel")
        body = await json_body(request)
        if body is None:
            return problem(400, "ongeldige-json", "Ongeldige JSON")
        if not is_valid_bsn(str(body.get("bsn", ""))):
            return problem(422, "bsn-ongeldig", "Het BSN voldoet niet aan de elfproef")
        return body

    def opdracht(soort: str) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            if (replay := state.idempotency.replay(request)) is not None:
                return replay
            body = await admitted(request)
            if isinstance(body, Response):
                return body
            if not body.get("terugmeldUrl"):
                return problem(400, "terugmeldurl-ontbreekt", "terugmeldUrl is vereist")
            key = str(uuid.uuid4())
            state.opdrachten[key] = {
                "id": key,
                "soort": soort,
                "dossier": str(body.get("dossier", "")),
                "vraagstelling": str(body.get("vraagstelling", "")),
                "terugmeldUrl": str(body["terugmeldUrl"]),
                "status": "in_behandeling",
            }
            public = {"id": key, "soort": soort, "status": "in_behandeling"}
            return state.idempotency.remember(request, 202, public)

        return handle

    async def leerwerkplek(request: Request) -> Response:
        if (replay := state.idempotency.replay(request)) is not None:
            return replay
        body = await admitted(request)
        if isinstance(body, Response):
            return body
        sector = str(body.get("sector", ""))
        if state.capaciteit.get(sector, 0) <= 0:
            return problem(422, "geen-plek-beschikbaar", f"Geen leerwerkplek vrij in {sector}")
        state.capaciteit[sector] -= 1
        key = str(uuid.uuid4())
        aanbieding = {
            "id": key,
            "soort": "leerwerkplek",
            "werkplek": f"LWP-{sector}-{len(state.aanbiedingen) + 1:04d}",
            "startdatum": str(body.get("startdatum", "")),
            "status": "aangeboden",
        }
        state.aanbiedingen[key] = {**aanbieding, "dossier": body.get("dossier")}
        return state.idempotency.remember(request, 201, aanbieding)

    async def detachering(request: Request) -> Response:
        if (replay := state.idempotency.replay(request)) is not None:
            return replay
        body = await admitted(request)
        if isinstance(body, Response):
            return body
        uren = body.get("urenPerWeek")
        if not isinstance(uren, int) or not 1 <= uren <= 40:
            return problem(400, "uren-ongeldig", "urenPerWeek ligt tussen 1 en 40")
        key = str(uuid.uuid4())
        aanbieding = {
            "id": key,
            "soort": "detachering",
            "werkgever": str(body.get("werkgever", "")),
            "startdatum": str(body.get("startdatum", "")),
            "status": "aangeboden",
        }
        state.aanbiedingen[key] = {**aanbieding, "dossier": body.get("dossier")}
        return state.idempotency.remember(request, 201, aanbieding)

    async def terugmelden(request: Request) -> Response:
        opdracht_id = request.path_params["id"]
        if opdracht_id not in state.opdrachten:
            return JSONResponse({"detail": "onbekende opdracht"}, status_code=404)
        body = await json_body(request) or {}
        delivered = await state.terugmelden(
            opdracht_id, str(body.get("uitkomst", "afgerond")), str(body.get("advies", ""))
        )
        return JSONResponse({"afgeleverd": delivered})

    return [
        Route(f"{PREFIX}/diagnoses", opdracht("diagnose"), methods=["POST"]),
        Route(
            f"{PREFIX}/arbeidskundige-onderzoeken",
            opdracht("arbeidskundig-onderzoek"),
            methods=["POST"],
        ),
        Route(f"{PREFIX}/leerwerkplekken/aanbiedingen", leerwerkplek, methods=["POST"]),
        Route(f"{PREFIX}/detacheringen/aanbiedingen", detachering, methods=["POST"]),
        Route("/_terugmelden/{id}", terugmelden, methods=["POST"]),
    ]


def create_simulator(settings: AdapterSettings, faults: Faults | None = None) -> Simulator:
    """The SW-bedrijf simulator, accepting the API key in ``settings``."""
    state = SwBedrijfState(
        api_key=settings.sw_bedrijf.api_key.get_secret_value(),
        inbound_token=settings.inbound_token.get_secret_value(),
    )
    return simulator_app("sw-bedrijf", sw_bedrijf_routes(state), state, faults)
