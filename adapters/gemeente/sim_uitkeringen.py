"""Simulated benefits administration of the gemeente (REST, in memory).

Every write honours ``Idempotency-Key``; business refusals come back as problem+json
with a ``code`` (``aanvraag-onbekend``, ``besluit-al-vastgelegd``, ``geen-toekenning``,
``voorschot-te-hoog``, ``bsn-ongeldig``).

An aanvraag gets one besluit (``toekenning`` or ``afwijzing``); a toegekende aanvraag is the
client's lopende uitkering, on which later besluiten (``beeindiging``, ``maatregel``,
``arrangement``) are taken: refused with ``geen-toekenning`` when it is not (or no longer)
running. ``POST /aanvragen/_zoek`` finds the lopende uitkering by BSN or dossier (the BSN
stays in the body).
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.simhelpers import IdempotencyCache, json_body, problem
from orchestrator.domain.bsn import is_valid_bsn

PREFIX = "/uitkeringen/api/v1"
#: the largest voorschot the simulated gemeente pays at once
MAX_VOORSCHOT = Decimal("1000")
#: besluiten on an aanvraag (once) and later besluiten on a lopende uitkering
BESLUITEN = ("toekenning", "afwijzing")
VERVOLGBESLUITEN = ("beeindiging", "maatregel", "arrangement")


@dataclass
class UitkeringenState:
    """Aanvragen, besluiten, voorschotten and betalingen, by id."""

    api_key: str
    aanvragen: dict[str, dict[str, Any]] = field(default_factory=dict)
    voorschotten: dict[str, dict[str, Any]] = field(default_factory=dict)
    betalingen: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: IdempotencyCache = field(default_factory=IdempotencyCache)

    def lopende_uitkering(self, *, bsn: str, dossier: str, id: str | None = None) -> str:
        """Register a granted, running uitkering (a client known from before); its id."""
        key = id or str(uuid.uuid4())
        self.aanvragen[key] = {
            "id": key,
            "dossier": dossier,
            "soort": "participatiewet",
            "ingangsdatum": "",
            "status": "toegekend",
            "besluit": {"besluit": "toekenning"},
            "bsn": bsn,
        }
        return key

    def zoek_lopende(self, *, bsn: str | None, dossier: str | None) -> dict[str, Any] | None:
        """The latest granted aanvraag of the BSN or dossier, if any."""
        found = [
            a
            for a in self.aanvragen.values()
            if a["status"] == "toegekend"
            and ((bsn and a["bsn"] == bsn) or (dossier and a["dossier"] == dossier))
        ]
        return found[-1] if found else None


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and amount > 0 else None


def uitkeringen_routes(state: UitkeringenState) -> list[BaseRoute]:
    """The benefits administration's endpoints over ``state``."""

    async def admitted(request: Request) -> dict[str, Any] | Response:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Token {state.api_key}".encode()):
            return problem(401, "niet-geauthenticeerd", "Onbekende API-sleutel")
        body = await json_body(request)
        return body if body is not None else problem(400, "ongeldige-json", "Ongeldige JSON")

    async def aanvragen(request: Request) -> Response:
        if (replay := state.idempotency.replay(request)) is not None:
            return replay
        body = await admitted(request)
        if isinstance(body, Response):
            return body
        if not is_valid_bsn(str(body.get("bsn", ""))):
            return problem(422, "bsn-ongeldig", "Het BSN voldoet niet aan de elfproef")
        key = str(uuid.uuid4())
        aanvraag = {
            "id": key,
            "dossier": str(body.get("dossier", "")),
            "soort": str(body.get("soort", "participatiewet")),
            "ingangsdatum": str(body.get("ingangsdatum", "")),
            "status": "ingediend",
            "besluit": None,
            "bsn": body["bsn"],
        }
        state.aanvragen[key] = aanvraag
        public = {k: v for k, v in aanvraag.items() if k != "bsn"}
        return state.idempotency.remember(request, 201, public)

    async def besluit(request: Request) -> Response:
        if (replay := state.idempotency.replay(request)) is not None:
            return replay
        body = await admitted(request)
        if isinstance(body, Response):
            return body
        aanvraag = state.aanvragen.get(request.path_params["id"])
        if aanvraag is None:
            return problem(404, "aanvraag-onbekend", "Deze aanvraag bestaat niet")
        soort = body.get("besluit")
        if soort not in BESLUITEN + VERVOLGBESLUITEN:
            return problem(
                400, "besluit-ongeldig", f"besluit is een van {BESLUITEN + VERVOLGBESLUITEN}"
            )
        if soort in BESLUITEN and aanvraag["besluit"] is not None:
            return problem(409, "besluit-al-vastgelegd", "Op deze aanvraag is al besloten")
        if soort in VERVOLGBESLUITEN and aanvraag["status"] != "toegekend":
            return problem(422, "geen-toekenning", "Er loopt geen uitkering op deze aanvraag")
        vastgelegd = {
            "id": str(uuid.uuid4()),
            "aanvraag": aanvraag["id"],
            "besluit": soort,
            "reden": str(body.get("reden", "")),
            "bedragPerMaand": body.get("bedragPerMaand"),
            "verlagingProcent": body.get("verlagingProcent"),
            "datum": datetime.now(UTC).date().isoformat(),
        }
        if soort in VERVOLGBESLUITEN:
            aanvraag.setdefault("vervolgbesluiten", []).append(vastgelegd)
            if soort == "beeindiging":
                aanvraag["status"] = "beeindigd"
        else:
            aanvraag["besluit"] = vastgelegd
            aanvraag["status"] = "toegekend" if soort == "toekenning" else "afgewezen"
        return state.idempotency.remember(request, 201, vastgelegd)

    async def voorschotten(request: Request) -> Response:
        if (replay := state.idempotency.replay(request)) is not None:
            return replay
        body = await admitted(request)
        if isinstance(body, Response):
            return body
        bedrag = _amount(body.get("bedrag"))
        if bedrag is None:
            return problem(400, "bedrag-ongeldig", "bedrag is een positief getal")
        if bedrag > MAX_VOORSCHOT:
            return problem(422, "voorschot-te-hoog", f"Een voorschot is hoogstens {MAX_VOORSCHOT}")
        key = str(uuid.uuid4())
        voorschot = {
            "id": key,
            "dossier": str(body.get("dossier", "")),
            "bedrag": str(bedrag),
            "betaaldatum": datetime.now(UTC).date().isoformat(),
            "status": "betaald",
        }
        state.voorschotten[key] = voorschot
        return state.idempotency.remember(request, 201, voorschot)

    async def betalingen(request: Request) -> Response:
        if (replay := state.idempotency.replay(request)) is not None:
            return replay
        body = await admitted(request)
        if isinstance(body, Response):
            return body
        aanvraag = state.aanvragen.get(str(body.get("aanvraag", "")))
        if aanvraag is None:
            return problem(404, "aanvraag-onbekend", "Deze aanvraag bestaat niet")
        if aanvraag["status"] != "toegekend":
            return problem(422, "geen-toekenning", "Er is geen toekenning voor deze aanvraag")
        bedrag = _amount(body.get("bedrag"))
        if bedrag is None:
            return problem(400, "bedrag-ongeldig", "bedrag is een positief getal")
        key = str(uuid.uuid4())
        betaling = {
            "id": key,
            "aanvraag": aanvraag["id"],
            "bedrag": str(bedrag),
            "periode": str(body.get("periode", "")),
            "status": "opgedragen",
        }
        state.betalingen[key] = betaling
        return state.idempotency.remember(request, 201, betaling)

    async def zoek(request: Request) -> Response:
        body = await admitted(request)
        if isinstance(body, Response):
            return body
        bsn, dossier = body.get("bsn"), body.get("dossier")
        if not bsn and not dossier:
            return problem(400, "zoekvraag-ongeldig", "Zoek op bsn of dossier")
        found = state.zoek_lopende(
            bsn=str(bsn) if bsn else None, dossier=str(dossier) if dossier else None
        )
        if found is None:
            return problem(422, "geen-toekenning", "Deze klant heeft geen lopende uitkering")
        return JSONResponse({k: v for k, v in found.items() if k != "bsn"})

    async def aanvraag(request: Request) -> Response:
        found = state.aanvragen.get(request.path_params["id"])
        if found is None:
            return problem(404, "aanvraag-onbekend", "Deze aanvraag bestaat niet")
        return JSONResponse({k: v for k, v in found.items() if k != "bsn"})

    return [
        Route(f"{PREFIX}/aanvragen", aanvragen, methods=["POST"]),
        Route(f"{PREFIX}/aanvragen/_zoek", zoek, methods=["POST"]),
        Route(f"{PREFIX}/aanvragen/{{id}}", aanvraag, methods=["GET"]),
        Route(f"{PREFIX}/aanvragen/{{id}}/besluit", besluit, methods=["POST"]),
        Route(f"{PREFIX}/voorschotten", voorschotten, methods=["POST"]),
        Route(f"{PREFIX}/betalingen", betalingen, methods=["POST"]),
    ]
