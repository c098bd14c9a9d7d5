"""SW-bedrijf over REST: diagnose, onderzoek, leerwerkplek, detachering."""

from __future__ import annotations

import pytest

from adapters.registry import BusinessError, RetryableError
from tests.integration.adapters.conftest import BSN, HANG, Runner


def test_diagnose_and_onderzoek_are_accepted_for_later_terugmelding(
    runner: Runner, servers, settings
):
    diagnose = runner.run(
        "sw-bedrijf.diagnose-aanvragen", {"bsn": BSN, "vraagstelling": "loonwaarde"}
    )
    onderzoek = runner.run("sw-bedrijf.arbeidskundig-onderzoek-aanvragen", {"bsn": BSN})
    opdrachten = servers["sw-bedrijf"].state.opdrachten
    assert opdrachten[diagnose["diagnoseOpdrachtId"]]["soort"] == "diagnose"
    assert (
        opdrachten[onderzoek["onderzoekOpdrachtId"]]["terugmeldUrl"]
        == settings.adapters.terugmeld_url
    )


def test_leerwerkplek_and_detachering(runner: Runner, servers):
    plek = runner.run("sw-bedrijf.leerwerkplek-aanbieden", {"bsn": BSN, "sector": "groen"})
    assert plek["leerwerkplek"].startswith("LWP-groen-")
    detachering = runner.run(
        "sw-bedrijf.detachering-aanbieden",
        {"bsn": BSN, "werkgever": "Kwekerij Westland", "urenPerWeek": 24},
    )
    assert detachering["detacheringAanbiedingId"]
    servers["sw-bedrijf"].state.capaciteit["techniek"] = 0
    with pytest.raises(BusinessError) as info:
        runner.run("sw-bedrijf.leerwerkplek-aanbieden", {"bsn": BSN, "sector": "techniek"})
    assert info.value.code == "GEEN_PLEK_BESCHIKBAAR"


def test_one_leerwerkplek_despite_lost_response_and_outage(runner: Runner, servers):
    sw = servers["sw-bedrijf"]
    sw.control.set_faults(lose_response=True, hang_seconds=HANG, times=1)
    with pytest.raises(RetryableError):
        runner.run(
            "sw-bedrijf.leerwerkplek-aanbieden", {"bsn": BSN, "sector": "groen"}, job_id="job-lwp"
        )
    sw.stop()
    with pytest.raises(RetryableError):
        runner.run(
            "sw-bedrijf.leerwerkplek-aanbieden", {"bsn": BSN, "sector": "groen"}, job_id="job-lwp"
        )
    sw.start()
    runner.run(
        "sw-bedrijf.leerwerkplek-aanbieden", {"bsn": BSN, "sector": "groen"}, job_id="job-lwp"
    )
    assert len(sw.state.aanbiedingen) == 1
    assert sw.state.capaciteit["groen"] == 4
