"""Simulated ZGW Zaken API 1.5.1: zaken, rollen, statussen, resultaten (in memory).

Implements what Ketenregie uses, in the shapes of the OpenAPI document: JWT-ZGW
authentication, the CRS headers, ``identificatie`` unique per ``bronorganisatie``, one
resultaat per zaak, and a ZGW notificatie to the subscriber (kanaal ``zaken``) after every
create, as the Notificaties API would deliver it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.simhelpers import json_body, problem
from adapters.gemeente.zgw_auth import InvalidZgwToken, verify_zgw_token

log = structlog.get_logger(__name__)

PREFIX = "/zaken/api/v1"
_GENERIEK = {
    "adviseur",
    "behandelaar",
    "belanghebbende",
    "beslisser",
    "initiator",
    "klantcontacter",
    "zaakcoordinator",
    "mede_initiator",
}


@dataclass
class ZakenState:
    """What the Zaken API holds, by uuid; plus who may call it and who is notified.

    Attributes:
        secrets: ZGW client id -> shared secret.
        notificatie_url: where notificaties go (an abonnement's callback), if anywhere.
        notificatie_token: the ``Authorization`` value sent with them.
    """

    secrets: dict[str, str]
    notificatie_url: str | None = None
    notificatie_token: str | None = None
    zaken: dict[str, dict[str, Any]] = field(default_factory=dict)
    rollen: dict[str, dict[str, Any]] = field(default_factory=dict)
    statussen: dict[str, dict[str, Any]] = field(default_factory=dict)
    resultaten: dict[str, dict[str, Any]] = field(default_factory=dict)
    notificaties: list[dict[str, Any]] = field(default_factory=list)

    def zaak_by_url(self, url: str) -> dict[str, Any] | None:
        """The zaak a URL points at."""
        return self.zaken.get(url.rstrip("/").rsplit("/", 1)[-1])


def _invalid(name: str, code: str, reason: str, status: int = 400) -> JSONResponse:
    return problem(
        status,
        "invalid",
        "Invalid input.",
        invalidParams=[{"name": name, "code": code, "reason": reason}],
    )


def _page(results: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"count": len(results), "next": None, "previous": None, "results": results})


def zaken_routes(state: ZakenState) -> list[BaseRoute]:
    """The Zaken API endpoints over ``state``."""

    def guard(request: Request, *, crs: bool) -> Response | None:
        try:
            verify_zgw_token(request.headers.get("authorization"), state.secrets)
        except InvalidZgwToken as exc:
            return problem(403, "not_authenticated", f"Authenticatie mislukt: {exc}")
        if crs and request.headers.get("accept-crs") != "EPSG:4326":
            return problem(412, "precondition_failed", "Accept-Crs header ontbreekt")
        writes = request.method in ("POST", "PUT", "PATCH")
        if crs and writes and request.headers.get("content-crs") != "EPSG:4326":
            return problem(412, "precondition_failed", "Content-Crs header ontbreekt")
        return None

    def base(request: Request) -> str:
        return f"{str(request.base_url).rstrip('/')}{PREFIX}"

    def missing(body: dict[str, Any], *names: str) -> Response | None:
        for name in names:
            if body.get(name) in (None, ""):
                return _invalid(name, "required", "Dit veld is vereist.")
        return None

    async def notify(resource: str, url: str, zaak: dict[str, Any]) -> None:
        melding = {
            "kanaal": "zaken",
            "hoofdObject": zaak["url"],
            "resource": resource,
            "resourceUrl": url,
            "actie": "create",
            "aanmaakdatum": datetime.now(UTC).isoformat(),
            "kenmerken": {
                "bronorganisatie": zaak["bronorganisatie"],
                "zaaktype": zaak["zaaktype"],
                "vertrouwelijkheidaanduiding": zaak["vertrouwelijkheidaanduiding"],
            },
        }
        state.notificaties.append(melding)
        if not state.notificatie_url:
            return
        headers = {"Authorization": state.notificatie_token} if state.notificatie_token else {}
        target = state.notificatie_url

        async def deliver() -> None:
            try:
                async with httpx.AsyncClient(timeout=5.0) as client:
                    await client.post(target, json=melding, headers=headers)
            except httpx.HTTPError as exc:
                log.warning("simulator.notificatie_failed", error=type(exc).__name__)

        # Delivered after the answer, as the Notificaties API does.
        _background.add(task := asyncio.get_running_loop().create_task(deliver()))
        task.add_done_callback(_background.discard)

    async def zaken(request: Request) -> Response:
        if (denied := guard(request, crs=True)) is not None:
            return denied
        if request.method == "GET":
            q = request.query_params
            found = [
                z
                for z in state.zaken.values()
                if all(z.get(k) == q[k] for k in ("identificatie", "bronorganisatie") if k in q)
            ]
            return _page(found)
        body = await json_body(request)
        if body is None:
            return problem(400, "parse_error", "Ongeldige JSON")
        required = ("bronorganisatie", "verantwoordelijkeOrganisatie", "zaaktype", "startdatum")
        if (invalid := missing(body, *required)) is not None:
            return invalid
        ident = str(body.get("identificatie") or f"ZAAK-{len(state.zaken) + 1:06d}")
        if any(
            z["identificatie"] == ident and z["bronorganisatie"] == body["bronorganisatie"]
            for z in state.zaken.values()
        ):
            return _invalid(
                "identificatie", "identificatie-niet-uniek", "Deze identificatie bestaat al."
            )
        key = str(uuid.uuid4())
        zaak = _new_zaak(body, ident, f"{base(request)}/zaken/{key}", key)
        state.zaken[key] = zaak
        await notify("zaak", zaak["url"], zaak)
        return JSONResponse(zaak, status_code=201, headers={"Location": zaak["url"], **_CRS})

    async def zaak(request: Request) -> Response:
        if (denied := guard(request, crs=True)) is not None:
            return denied
        found = state.zaken.get(request.path_params["uuid"])
        if found is None:
            return problem(404, "not_found", "Niet gevonden.")
        return JSONResponse(found, headers=_CRS)

    def collection(
        name: str, store: dict[str, dict[str, Any]], required: tuple[str, ...]
    ) -> Handler:
        async def handle(request: Request) -> Response:
            if (denied := guard(request, crs=False)) is not None:
                return denied
            if request.method == "GET":
                q = request.query_params
                return _page(
                    [
                        r
                        for r in store.values()
                        if all(r.get(k) == v for k, v in q.items() if k != "page")
                    ]
                )
            body = await json_body(request)
            if body is None:
                return problem(400, "parse_error", "Ongeldige JSON")
            if (invalid := missing(body, "zaak", *required)) is not None:
                return invalid
            target = state.zaak_by_url(str(body["zaak"]))
            if target is None:
                return _invalid("zaak", "does_not_exist", "De zaak bestaat niet.")
            key = str(uuid.uuid4())
            url = f"{base(request)}/{name}/{key}"
            created = _CREATE[name](body, url, key, target, state)
            if isinstance(created, Response):
                return created
            store[key] = created
            await notify(_RESOURCE[name], url, target)
            return JSONResponse(created, status_code=201, headers={"Location": url})

        return handle

    def single(store: dict[str, dict[str, Any]]) -> Handler:
        async def handle(request: Request) -> Response:
            if (denied := guard(request, crs=False)) is not None:
                return denied
            found = store.get(request.path_params["uuid"])
            return JSONResponse(found) if found else problem(404, "not_found", "Niet gevonden.")

        return handle

    routes: list[BaseRoute] = [
        Route(f"{PREFIX}/zaken", zaken, methods=["GET", "POST"]),
        Route(f"{PREFIX}/zaken/{{uuid}}", zaak, methods=["GET"]),
    ]
    for name, store, required in (
        ("rollen", state.rollen, ("betrokkeneType", "roltype", "roltoelichting")),
        ("statussen", state.statussen, ("statustype", "datumStatusGezet")),
        ("resultaten", state.resultaten, ("resultaattype",)),
    ):
        routes.append(
            Route(f"{PREFIX}/{name}", collection(name, store, required), methods=["GET", "POST"])
        )
        routes.append(Route(f"{PREFIX}/{name}/{{uuid}}", single(store), methods=["GET"]))
    return routes


Handler = Callable[[Request], Awaitable[Response]]
Creator = Callable[
    [dict[str, Any], str, str, dict[str, Any], ZakenState], dict[str, Any] | Response
]
_background: set[asyncio.Task[None]] = set()
_CRS = {"Content-Crs": "EPSG:4326"}
_RESOURCE = {"rollen": "rol", "statussen": "status", "resultaten": "resultaat"}


def _new_zaak(body: dict[str, Any], ident: str, url: str, key: str) -> dict[str, Any]:
    today = datetime.now(UTC).date().isoformat()
    return {
        "url": url,
        "uuid": key,
        "identificatie": ident,
        "bronorganisatie": body["bronorganisatie"],
        "omschrijving": body.get("omschrijving", ""),
        "toelichting": body.get("toelichting", ""),
        "zaaktype": body["zaaktype"],
        "registratiedatum": body.get("registratiedatum") or today,
        "verantwoordelijkeOrganisatie": body["verantwoordelijkeOrganisatie"],
        "startdatum": body["startdatum"],
        "einddatum": None,
        "einddatumGepland": body.get("einddatumGepland"),
        "uiterlijkeEinddatumAfdoening": body.get("uiterlijkeEinddatumAfdoening"),
        "publicatiedatum": None,
        "communicatiekanaal": body.get("communicatiekanaal", ""),
        "productenOfDiensten": body.get("productenOfDiensten", []),
        "vertrouwelijkheidaanduiding": body.get("vertrouwelijkheidaanduiding") or "vertrouwelijk",
        "betalingsindicatie": "",
        "betalingsindicatieWeergave": "",
        "laatsteBetaaldatum": None,
        "zaakgeometrie": None,
        "verlenging": None,
        "opschorting": {"indicatie": False, "reden": ""},
        "selectielijstklasse": "",
        "hoofdzaak": None,
        "deelzaken": [],
        "relevanteAndereZaken": [],
        "eigenschappen": [],
        "rollen": [],
        "status": None,
        "zaakinformatieobjecten": [],
        "zaakobjecten": [],
        "kenmerken": body.get("kenmerken", []),
        "archiefnominatie": "",
        "archiefstatus": "nog_te_archiveren",
        "archiefactiedatum": None,
        "resultaat": None,
        "opdrachtgevendeOrganisatie": "",
    }


def _rol(
    body: dict[str, Any], url: str, key: str, zaak: dict[str, Any], _: ZakenState
) -> dict[str, Any]:
    generiek = str(body["roltype"]).rstrip("/").rsplit("/", 1)[-1]
    generiek = generiek if generiek in _GENERIEK else "belanghebbende"
    zaak["rollen"].append(url)
    return {
        "url": url,
        "uuid": key,
        "zaak": zaak["url"],
        "betrokkene": body.get("betrokkene", ""),
        "betrokkeneType": body["betrokkeneType"],
        "afwijkendeNaamBetrokkene": body.get("afwijkendeNaamBetrokkene", ""),
        "roltype": body["roltype"],
        "omschrijving": generiek.capitalize(),
        "omschrijvingGeneriek": generiek,
        "roltoelichting": body["roltoelichting"],
        "registratiedatum": datetime.now(UTC).isoformat(),
        "indicatieMachtiging": body.get("indicatieMachtiging", ""),
        "contactpersoonRol": None,
        "statussen": [],
        "betrokkeneIdentificatie": body.get("betrokkeneIdentificatie") or {},
    }


def _status(
    body: dict[str, Any], url: str, key: str, zaak: dict[str, Any], state: ZakenState
) -> dict[str, Any]:
    for earlier in state.statussen.values():
        if earlier["zaak"] == zaak["url"]:
            earlier["indicatieLaatstGezetteStatus"] = False
    zaak["status"] = url
    return {
        "url": url,
        "uuid": key,
        "zaak": zaak["url"],
        "statustype": body["statustype"],
        "datumStatusGezet": body["datumStatusGezet"],
        "statustoelichting": body.get("statustoelichting", ""),
        "indicatieLaatstGezetteStatus": True,
        "gezetdoor": body.get("gezetdoor", ""),
        "zaakinformatieobjecten": [],
    }


def _resultaat(
    body: dict[str, Any], url: str, key: str, zaak: dict[str, Any], _: ZakenState
) -> dict[str, Any] | Response:
    if zaak["resultaat"]:
        return _invalid("zaak", "unique", "Deze zaak heeft al een resultaat.")
    zaak["resultaat"] = url
    return {
        "url": url,
        "uuid": key,
        "zaak": zaak["url"],
        "resultaattype": body["resultaattype"],
        "toelichting": body.get("toelichting", ""),
    }


_CREATE: dict[str, Creator] = {"rollen": _rol, "statussen": _status, "resultaten": _resultaat}
