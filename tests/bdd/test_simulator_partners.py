"""The simulator-backed partners themselves: a refusal comes from the simulator's fault
injection, and the BSN travels in the request body only."""

from __future__ import annotations

import os

import pytest

from tests.bdd.keten import TEST_BSN, Keten
from tests.bdd.partners import SimulatorPartners

pytestmark = pytest.mark.skipif(
    os.environ.get("KETENREGIE_BDD_PARTNERS", "").lower() == "handmatig",
    reason="partners are played by hand",
)


def _zoekperiode(keten: Keten) -> None:
    keten.start("zoekperiode", "ZP-90")
    keten.rond_af(
        "Aanvraag telefonisch bevestigen en activeringsmail sturen", "KCC", {"Leeftijd": "30"}
    )


def test_uwv_registers_the_job_seeker_in_its_simulator(keten: Keten) -> None:
    assert isinstance(keten.partners, SimulatorPartners)
    _zoekperiode(keten)
    keten.partner_doet("uwv.werkzoekende-registreren")
    assert keten.variabelen()["werkzoekendeStatus"] == "geregistreerd"
    uwv = keten.partners._sim.server("uwv")
    assert TEST_BSN in uwv.state.werkzoekenden
    [request] = uwv.control.requests
    assert TEST_BSN in request.body.decode() and TEST_BSN not in request.url


def test_persoon_onbekend_comes_from_the_uwv_simulator(keten: Keten) -> None:
    _zoekperiode(keten)
    keten.partner_weigert("uwv.werkzoekende-registreren", "PERSOON_ONBEKEND")
    assert isinstance(keten.partners, SimulatorPartners)
    assert keten.partners.laatste_resultaat["error_code"] == "PERSOON_ONBEKEND"
    assert keten.partners.laatste_resultaat["variables"] == {"foutcode": "PersoonOnbekend"}
    # the diagram catches no error here: the dossier waits with an incident
    incidents = keten.app.incidents.list(instance_id=keten.instantie().id)
    assert [i.kind for i in incidents] == ["bpmn-error"]
