"""End to end through the broker (embedded SQL transport and RabbitMQ): a job published,
handled by the real adapter against its partner simulator, the result applied, the event
published; a terugmelding coming back as a CloudEvent and correlated as a message; and a
partner outage ending in an incident that an operator retries once the partner is back."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from adapters.common.simrunner import SimulatorServer
from adapters.common.simserver import Simulator, SimulatorControl
from adapters.gemeente.inbound import build_inbound_router
from adapters.registry import load_adapters
from orchestrator.application.identity import SYSTEM
from orchestrator.config import AdapterSettings, Settings
from tests.integration.adapters.conftest import (  # noqa: F401 - fixtures
    BSN,
    BSN_ONBEKEND,
    _listening,
    pointed_at,
    servers,
)
from tests.integration.messaging.conftest import broker, harness_factory, transport  # noqa: F401
from tests.integration.messaging.harness import Harness, wait_for
from tests.support import bpmn

ADAPTERS = ["gemeente", "uwv", "sw_bedrijf"]


def klantreis_diagram() -> bytes:
    return (
        bpmn.Diagram("klantreis_adapters", "Klantreis via adapters")
        .start()
        .external("zaak_registreren", "gemeente.zaak-registreren", retry="R3/PT1S")
        .external("ww_opvragen", "uwv.ww-uitkering-opvragen", retry="R3/PT1S")
        .boundary("persoon_onbekend", "ww_opvragen", error="PERSOON_ONBEKEND")
        .external("diagnose_aanvragen", "sw-bedrijf.diagnose-aanvragen", retry="R3/PT1S")
        .receive("terugmelding", "terugmelding-sw-bedrijf")
        .end()
        .end("einde_onbekend")
        .chain(
            "start", "zaak_registreren", "ww_opvragen", "diagnose_aanvragen", "terugmelding", "end"
        )
        .flow("persoon_onbekend", "einde_onbekend")
        .xml()
    )


def outage_diagram() -> bytes:
    return (
        bpmn.Diagram("zaak_bij_storing", "Zaak registreren bij storing")
        .start()
        .external("zaak_registreren", "gemeente.zaak-registreren", retry="R2/PT1S")
        .end()
        .chain("start", "zaak_registreren", "end")
        .xml()
    )


@pytest.fixture
def wired(
    harness_factory,  # noqa: F811 - the imported fixture
    servers,  # noqa: F811
) -> Iterator[tuple[Harness, SimulatorServer, dict[str, SimulatorServer]]]:
    """A harness whose workers run the real adapters against the simulators, and the
    inbound endpoints (notificaties, cloudevents) served on a port of their own."""
    from adapters.registry import AdapterRegistry

    h = harness_factory(AdapterRegistry())
    inbound_settings = Settings(data_dir=h.app.settings.data_dir)
    api = FastAPI()
    inbound = SimulatorServer(Simulator("ketenregie", api, SimulatorControl(), None)).start()
    adapters = pointed_at(AdapterSettings(), servers).model_copy(
        update={"terugmeld_url": f"{inbound.url}/api/v1/cloudevents"}
    )
    api.include_router(
        build_inbound_router(h.app, inbound_settings.model_copy(update={"adapters": adapters}))
    )
    h.registry = load_adapters(
        ADAPTERS, Settings(data_dir=h.app.settings.data_dir, adapters=adapters)
    )
    yield h, inbound, servers
    inbound.stop()


def test_klantreis_through_the_broker_and_back(wired):
    h, _inbound, sims = wired
    h.deploy(klantreis_diagram())
    sw = sims["sw-bedrijf"]
    with h.subscriber() as events, h.runtime():
        instance_id = h.start(
            "klantreis_adapters", business_key="DOS-E2E-1", variables={"bsn": BSN}
        )
        wait_for(lambda: sw.state.opdrachten, what="diagnose requested at the SW-bedrijf")
        [opdracht_id] = sw.state.opdrachten
        answer = httpx.post(
            f"{sw.url}/_terugmelden/{opdracht_id}", json={"uitkomst": "beschut_werk"}
        )
        assert answer.json() == {"afgeleverd": True}
        wait_for(lambda: h.status(instance_id) == "completed", what="instance completed")
        wait_for(lambda: events.of("nl.ketenregie.instance.completed"), what="completed event")

    variables = h.app.instances.get(instance_id).variables
    assert variables["zaakIdentificatie"] == "DOS-E2E-1"
    assert variables["wwUitkering"] is True
    assert variables["diagnoseOpdrachtId"] == opdracht_id
    assert variables["uitkomst"] == "beschut_werk"
    assert len(sims["gemeente"].state.zaken.zaken) == 1
    [event] = events.of("nl.ketenregie.instance.completed")
    assert BSN not in str({k: v for k, v in event.items() if k != "data"})


def test_persoon_onbekend_ends_on_the_error_path(wired):
    h, _inbound, _servers = wired
    h.deploy(klantreis_diagram())
    with h.runtime():
        instance_id = h.start(
            "klantreis_adapters", business_key="DOS-E2E-2", variables={"bsn": BSN_ONBEKEND}
        )
        wait_for(lambda: h.status(instance_id) == "completed", what="instance completed")
    trail = [a.action for a in h.app.audit.for_instance(instance_id)]
    assert "job.bpmn_error" in trail
    assert "diagnoseOpdrachtId" not in h.app.instances.get(instance_id).variables


def test_partner_outage_retries_then_incident_then_operator_retry(wired):
    h, _inbound, sims = wired
    gemeente = sims["gemeente"]
    h.deploy(outage_diagram())
    gemeente.stop()  # connections refused
    with h.runtime():
        instance_id = h.start("zaak_bij_storing", business_key="DOS-E2E-3", variables={"bsn": BSN})
        wait_for(lambda: h.app.incidents.list(instance_id=instance_id), what="incident")
        [incident] = h.app.incidents.list(instance_id=instance_id)
        assert incident.kind == "job-failed"
        assert "unreachable" in incident.message
        assert h.status(instance_id) == "running"
        gemeente.start()
        h.app.incidents.retry(incident.id, SYSTEM)
        wait_for(lambda: h.status(instance_id) == "completed", what="completed after the retry")
    assert h.app.instances.get(instance_id).variables["zaakIdentificatie"] == "DOS-E2E-3"
    assert len(gemeente.state.zaken.zaken) == 1
    assert len(gemeente.state.zaken.rollen) == 1
