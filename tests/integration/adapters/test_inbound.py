"""Inbound: ZGW notificaties (from the Zaken API simulator) and CloudEvents, correlated as
messages through the application's MessageService."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy
from fastapi import FastAPI

from adapters.common.simrunner import SimulatorServer
from adapters.common.simserver import Simulator, SimulatorControl
from adapters.gemeente.inbound import build_inbound_router
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from tests.integration.adapters.conftest import BSN, Runner
from tests.integration.messaging.harness import wait_for
from tests.unit.application.fakes import FakeEngine


@pytest.fixture
def app(tmp_path, settings: Settings) -> Iterator[Container]:
    clock = ManualClock()
    configured = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'kr.sqlite'}"})
    container = build(configured, engine=FakeEngine(clock), clock=clock)
    yield container
    container.close()


@pytest.fixture
def inbound(app: Container, settings: Settings) -> Iterator[SimulatorServer]:
    api = FastAPI()
    api.include_router(build_inbound_router(app, settings))
    server = SimulatorServer(Simulator("ketenregie", api, SimulatorControl(), None)).start()
    yield server
    server.stop()


def _token(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.adapters.inbound_token.get_secret_value()}"}


def _buffered(app: Container) -> list[tuple[str, str | None]]:
    engine = sqlalchemy.create_engine(app.settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sqlalchemy.text("SELECT message_name, business_key FROM buffered_messages")
            ).all()
    finally:
        engine.dispose()
    return [(r[0], r[1]) for r in rows]


def test_zgw_notificatie_from_the_zaken_api_is_correlated_by_zaak_identificatie(
    runner: Runner, servers, inbound: SimulatorServer, app: Container, settings: Settings
):
    zaken = servers["gemeente"].state.zaken
    zaken.notificatie_url = f"{inbound.url}/api/v1/notificaties"
    zaak = runner.run("gemeente.zaak-registreren", {"bsn": BSN}, business_key="DOS-IN-1")
    runner.run("gemeente.zaakstatus-zetten", {"zaakUrl": zaak["zaakUrl"], "mijlpaal": "melding"})
    # The Zaken API sent notificaties for zaak, rol and status; only status maps to a message.
    status_melding = next(n for n in zaken.notificaties if n["resource"] == "status")
    wait_for(lambda: _buffered(app), timeout=5, what="notificatie correlated")
    assert _buffered(app) == [("zaakstatus-gewijzigd", "DOS-IN-1")]
    # The Notificaties API delivers again: correlated once.
    again = httpx.post(zaken.notificatie_url, json=status_melding, headers=_token(settings))
    assert again.status_code == 200
    assert again.json()["uitkomst"] == "duplicate"


def test_notificatie_is_refused_without_the_partner_token(inbound: SimulatorServer):
    melding = {
        "kanaal": "zaken",
        "hoofdObject": "http://zaken/1",
        "resource": "status",
        "resourceUrl": "http://statussen/1",
        "actie": "create",
        "aanmaakdatum": "2026-11-26T10:00:00Z",
        "kenmerken": {"identificatie": "DOS-1"},
    }
    response = httpx.post(f"{inbound.url}/api/v1/notificaties", json=melding)
    assert response.status_code == 401


def test_unreadable_zaak_asks_the_sender_to_retry(inbound, servers, settings: Settings):
    servers["gemeente"].control.set_faults(status=503)
    melding = {
        "kanaal": "zaken",
        "hoofdObject": f"{servers['gemeente'].url}/zaken/api/v1/zaken/onbekend",
        "resource": "status",
        "resourceUrl": "http://statussen/1",
        "actie": "create",
        "aanmaakdatum": "2026-11-26T10:00:00Z",
    }
    response = httpx.post(
        f"{inbound.url}/api/v1/notificaties", json=melding, headers=_token(settings)
    )
    assert response.status_code == 503


def test_cloudevent_terugmelding_and_unmapped_types(inbound, app: Container, settings: Settings):
    event = {
        "specversion": "1.0",
        "type": "nl.sw-bedrijf.terugmelding",
        "source": "urn:nld:oin:00000003123456780000:systeem:sw",
        "id": "ev-1",
        "subject": "DOS-IN-2",
        "datacontenttype": "application/json",
        "data": {"opdrachtId": "o-1", "uitkomst": "beschut_werk"},
    }
    headers = {**_token(settings), "Content-Type": "application/cloudevents+json"}
    url = f"{inbound.url}/api/v1/cloudevents"
    assert httpx.post(url, json=event, headers=headers).json()["uitkomst"] == "buffered"
    assert httpx.post(url, json=event, headers=headers).json()["uitkomst"] == "duplicate"
    other = {**event, "id": "ev-2", "type": "nl.iets.anders"}
    assert httpx.post(url, json=other, headers=headers).json()["uitkomst"] == "genegeerd"
    assert _buffered(app) == [("terugmelding-sw-bedrijf", "DOS-IN-2")]
    bad = {**event, "id": "ev-3", "specversion": "0.3"}
    assert httpx.post(url, json=bad, headers=headers).status_code == 422
