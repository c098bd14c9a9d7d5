"""The zaak in the ZGW Zaken API: created once, statuses per milestone, the resultaat;
every request valid per the Zaken API 1.5.1 OpenAPI document; the BSN only in bodies."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from pydantic import SecretStr

from adapters.registry import BusinessError, PermanentError, RetryableError
from orchestrator.config import Settings
from tests.integration.adapters.conftest import BSN, HANG, Runner
from tests.integration.adapters.zgw_openapi import request_errors


def _zgw_requests(server):
    return [r for r in server.control.requests if r.path.startswith("/zaken/api/v1")]


def _assert_valid_per_openapi(server) -> None:
    requests = _zgw_requests(server)
    assert requests
    for r in requests:
        errors = request_errors(r.method, r.path, dict(parse_qsl(r.query)), r.headers, r.body)
        assert errors == [], errors


def test_klantreis_as_zaak_with_rol_statussen_and_resultaat(
    runner: Runner, servers, settings: Settings
):
    gemeente = servers["gemeente"]
    zaak = runner.run(
        "gemeente.zaak-registreren", {"bsn": BSN, "zaakOmschrijving": "Klantreis Jansen"}
    )
    assert zaak["zaakIdentificatie"] == "DOS-2026-0001"

    for mijlpaal in ("melding", "poortwachter", "ambitiegesprek"):
        out = runner.run(
            "gemeente.zaakstatus-zetten", {"zaakUrl": zaak["zaakUrl"], "mijlpaal": mijlpaal}
        )
        assert out["zaakStatus"] == mijlpaal
    resultaat = runner.run(
        "gemeente.resultaat-zetten", {"zaakUrl": zaak["zaakUrl"], "resultaat": "uitstroom_werk"}
    )

    state = gemeente.state.zaken
    [stored] = state.zaken.values()
    [rol] = state.rollen.values()
    assert rol["betrokkeneIdentificatie"] == {"inpBsn": BSN}
    assert rol["omschrijvingGeneriek"] == "initiator"
    statustypen = settings.adapters.gemeente.zgw.statustypen
    assert [s["statustype"] for s in state.statussen.values()] == [
        statustypen["melding"],
        statustypen["poortwachter"],
        statustypen["ambitiegesprek"],
    ]
    assert stored["resultaat"] == resultaat["zaakResultaatUrl"]
    assert stored["identificatie"] == "DOS-2026-0001"
    _assert_valid_per_openapi(gemeente)


def test_retries_after_lost_responses_create_one_zaak_one_rol_one_status(runner: Runner, servers):
    gemeente = servers["gemeente"]
    # The zaak is created, but the answer never arrives: the attempt times out.
    gemeente.control.set_faults(lose_response=True, method="POST", hang_seconds=HANG, times=1)
    with pytest.raises(RetryableError):
        runner.run("gemeente.zaak-registreren", {"bsn": BSN}, job_id="job-zaak")
    assert len(gemeente.state.zaken.zaken) == 1
    # The retry finds it by identificatie and adds only the rol.
    zaak = runner.run("gemeente.zaak-registreren", {"bsn": BSN}, job_id="job-zaak", attempt=2)
    again = runner.run("gemeente.zaak-registreren", {"bsn": BSN, "zaakUrl": zaak["zaakUrl"]})
    assert again == zaak
    assert len(gemeente.state.zaken.zaken) == 1
    assert len(gemeente.state.zaken.rollen) == 1

    gemeente.control.set_faults(lose_response=True, method="POST", hang_seconds=HANG, times=1)
    with pytest.raises(RetryableError):
        runner.run(
            "gemeente.zaakstatus-zetten", {"zaakUrl": zaak["zaakUrl"], "mijlpaal": "melding"}
        )
    runner.run("gemeente.zaakstatus-zetten", {"zaakUrl": zaak["zaakUrl"], "mijlpaal": "melding"})
    assert len(gemeente.state.zaken.statussen) == 1
    _assert_valid_per_openapi(gemeente)


def test_bsn_travels_only_in_request_bodies(runner: Runner, servers, capsys):
    gemeente = servers["gemeente"]
    zaak = runner.run("gemeente.zaak-registreren", {"bsn": BSN})
    runner.run("gemeente.zaakstatus-zetten", {"zaakUrl": zaak["zaakUrl"], "mijlpaal": "melding"})
    runner.run("gemeente.uitkering-aanvragen", {"bsn": BSN})
    requests = gemeente.control.requests
    assert any(BSN.encode() in r.body for r in requests)
    for r in requests:
        assert BSN not in r.url
        assert all(BSN not in v for v in r.headers.values())
    captured = capsys.readouterr()
    assert BSN not in captured.out + captured.err


def test_wrong_secret_is_refused_and_not_retried(servers, settings: Settings):
    from adapters.registry import load_adapters

    zgw = settings.adapters.gemeente.zgw.model_copy(
        update={"secret": SecretStr("niet-het-geheim-van-de-gemeente-maar-een-ander")}
    )
    gemeente = settings.adapters.gemeente.model_copy(update={"zgw": zgw})
    wrong = settings.model_copy(
        update={"adapters": settings.adapters.model_copy(update={"gemeente": gemeente})}
    )
    runner = Runner(load_adapters(["gemeente"], wrong))
    with pytest.raises(PermanentError, match="403"):
        runner.run("gemeente.zaak-registreren", {"bsn": BSN})
    assert servers["gemeente"].state.zaken.zaken == {}


@pytest.mark.parametrize(
    "faults",
    [
        {"status": 503},
        {"status": 429},
        {"malformed": True},
        {"hang": True, "hang_seconds": HANG},
    ],
    ids=["503", "429", "malformed", "timeout"],
)
def test_partner_trouble_is_retryable(runner: Runner, servers, faults):
    servers["gemeente"].control.set_faults(**faults, times=1)
    with pytest.raises(RetryableError):
        runner.run("gemeente.zaak-registreren", {"bsn": BSN})
    assert runner.run("gemeente.zaak-registreren", {"bsn": BSN})["zaakUrl"]


def test_refused_connections_are_retryable(runner: Runner, servers):
    servers["gemeente"].stop()
    with pytest.raises(RetryableError, match="unreachable"):
        runner.run("gemeente.zaak-registreren", {"bsn": BSN})
    servers["gemeente"].start()
    assert runner.run("gemeente.zaak-registreren", {"bsn": BSN})["zaakUrl"]


def test_configuration_errors_are_permanent(runner: Runner):
    with pytest.raises(PermanentError, match="milestone"):
        runner.run(
            "gemeente.zaakstatus-zetten", {"zaakUrl": "http://x/zaken/1", "mijlpaal": "onbekend"}
        )
    with pytest.raises(PermanentError, match="business key"):
        runner.run("gemeente.zaak-registreren", {"bsn": BSN}, business_key=None)
    with pytest.raises(PermanentError, match="bsn") as info:
        runner.run("gemeente.zaak-registreren", {"bsn": "123456789"})
    assert "123456789" not in str(info.value)


def test_a_second_different_resultaat_is_a_business_error(runner: Runner):
    zaak = runner.run("gemeente.zaak-registreren", {"bsn": BSN})
    runner.run(
        "gemeente.resultaat-zetten", {"zaakUrl": zaak["zaakUrl"], "resultaat": "participatie"}
    )
    runner.run(
        "gemeente.resultaat-zetten", {"zaakUrl": zaak["zaakUrl"], "resultaat": "participatie"}
    )
    with pytest.raises(BusinessError) as info:
        runner.run(
            "gemeente.resultaat-zetten", {"zaakUrl": zaak["zaakUrl"], "resultaat": "afgewezen"}
        )
    assert info.value.code == "RESULTAAT_AL_GEZET"


def test_openapi_check_catches_bad_requests():
    body = b'{"zaaktype": "http://x/zt", "bronorganisatie": "0022206470000", "url": "http://x"}'
    errors = request_errors("POST", "/zaken/api/v1/zaken", {}, {"Accept-Crs": "EPSG:4326"}, body)
    text = "\n".join(errors)
    assert "Content-Crs missing" in text
    assert "verantwoordelijkeOrganisatie" in text  # required
    assert "bronorganisatie" in text  # too long
    assert "False schema does not allow 'http://x'" in text  # read-only url: never sent
