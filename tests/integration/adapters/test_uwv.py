"""UWV over SOAP 1.1: WW, werkzoekende, SW-indicatie; faults -> business or retryable."""

from __future__ import annotations

import pytest

from adapters.registry import BusinessError, PermanentError, RetryableError
from adapters.uwv.soap import SOAP_NS, UWV_NS, SoapFault, envelope, fault, parse
from tests.integration.adapters.conftest import BSN, BSN_ANDER, BSN_ONBEKEND, HANG, Runner


def test_ww_uitkering(runner: Runner, servers):
    out = runner.run("uwv.ww-uitkering-opvragen", {"bsn": BSN})
    assert out["wwUitkering"] is True
    assert out["wwEinddatum"]
    assert runner.run("uwv.ww-uitkering-opvragen", {"bsn": BSN_ANDER}) == {
        "wwUitkering": False,
        "wwEinddatum": None,
    }
    [request, *_] = servers["uwv"].control.requests
    assert request.headers["soapaction"] == '"WwUitkeringOpvragen"'
    assert request.headers["content-type"].startswith("text/xml")
    message = parse(request.body)
    assert message.operation == "WwUitkeringOpvragen"
    assert message.fields == {"Burgerservicenr": BSN}
    assert message.message_id and message.username == "ketenregie"
    assert all(BSN not in r.url for r in servers["uwv"].control.requests)


def test_persoon_onbekend_is_a_business_error(runner: Runner):
    with pytest.raises(BusinessError) as info:
        runner.run("uwv.ww-uitkering-opvragen", {"bsn": BSN_ONBEKEND})
    assert info.value.code == "PERSOON_ONBEKEND"
    assert BSN_ONBEKEND not in str(info.value)


@pytest.mark.parametrize(
    "faults",
    [
        {"soap_fault": "Server"},
        {"status": 503},
        {"malformed": True},
        {"hang": True, "hang_seconds": HANG},
    ],
    ids=["soap-server-fault", "503", "malformed", "timeout"],
)
def test_uwv_trouble_is_retryable(runner: Runner, servers, faults):
    servers["uwv"].control.set_faults(**faults, times=1)
    with pytest.raises(RetryableError):
        runner.run("uwv.ww-uitkering-opvragen", {"bsn": BSN})
    assert runner.run("uwv.ww-uitkering-opvragen", {"bsn": BSN})["wwUitkering"] is True


def test_injected_client_fault_maps_by_code(runner: Runner, servers):
    servers["uwv"].control.set_faults(soap_fault="PersoonOnbekend", times=1)
    with pytest.raises(BusinessError):
        runner.run("uwv.ww-uitkering-opvragen", {"bsn": BSN})
    servers["uwv"].control.set_faults(soap_fault="IetsAnders", times=1)
    with pytest.raises(PermanentError):
        runner.run("uwv.ww-uitkering-opvragen", {"bsn": BSN})


def test_werkzoekende_registered_once_after_a_lost_response(runner: Runner, servers):
    uwv = servers["uwv"]
    uwv.control.set_faults(lose_response=True, hang_seconds=HANG, times=1)
    with pytest.raises(RetryableError):
        runner.run("uwv.werkzoekende-registreren", {"bsn": BSN}, job_id="job-wz")
    out = runner.run("uwv.werkzoekende-registreren", {"bsn": BSN}, job_id="job-wz", attempt=2)
    assert out["werkzoekendeStatus"] == "geregistreerd"
    assert len(uwv.state.werkzoekenden) == 1
    assert len(uwv.state.answers) == 1  # the retry was recognised by its MessageID


def test_sw_indicatie_request_is_pending(runner: Runner, servers, settings):
    out = runner.run("uwv.sw-indicatie-aanvragen", {"bsn": BSN})
    assert out["swIndicatieStatus"] == "in_behandeling"
    aanvraag = servers["uwv"].state.sw_aanvragen[out["swIndicatieAanvraagId"]]
    assert aanvraag["dossier"] == "DOS-2026-0001"
    assert aanvraag["terugmeldAdres"] == settings.adapters.terugmeld_url


def test_envelopes_are_safe_and_well_formed():
    body = envelope("WwUitkeringOpvragen", {"Burgerservicenr": BSN}, message_id="urn:uuid:1")
    assert body.startswith(b"<?xml")
    assert SOAP_NS.encode() in body and UWV_NS.encode() in body
    with pytest.raises(SoapFault) as info:
        parse(fault("Client", "Persoon onbekend", "PersoonOnbekend"))
    assert info.value.code == "PersoonOnbekend" and not info.value.is_server
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&a;</soap:Body></soap:Envelope>'
    )
    from adapters.uwv.soap import SoapError

    with pytest.raises(SoapError):
        parse(bomb)
