"""The gemeente's benefits administration: aanvraag, besluit, voorschot, betaling."""

from __future__ import annotations

import pytest

from adapters.registry import BusinessError, PermanentError, RetryableError
from tests.integration.adapters.conftest import BSN, HANG, Runner


def test_aanvraag_besluit_betaling(runner: Runner, servers):
    aanvraag = runner.run(
        "gemeente.uitkering-aanvragen", {"bsn": BSN, "ingangsdatum": "2026-12-01"}
    )
    assert aanvraag["aanvraagStatus"] == "ingediend"
    besluit = runner.run(
        "gemeente.besluit-vastleggen",
        {"aanvraagId": aanvraag["aanvraagId"], "besluit": "toekenning", "bedragPerMaand": 1250.5},
    )
    assert besluit["besluit"] == "toekenning"
    betaling = runner.run(
        "gemeente.betaling-opdragen",
        {
            "aanvraagId": aanvraag["aanvraagId"],
            "betalingBedrag": "1250.50",
            "betalingPeriode": "2026-12",
        },
    )
    assert betaling["betalingStatus"] == "opgedragen"
    state = servers["gemeente"].state.uitkeringen
    assert state.aanvragen[aanvraag["aanvraagId"]]["status"] == "toegekend"
    assert len(state.betalingen) == 1


def test_business_refusals_become_bpmn_errors(runner: Runner):
    aanvraag = runner.run("gemeente.uitkering-aanvragen", {"bsn": BSN})
    runner.run(
        "gemeente.besluit-vastleggen",
        {"aanvraagId": aanvraag["aanvraagId"], "besluit": "afwijzing"},
    )
    with pytest.raises(BusinessError) as betaling:
        runner.run(
            "gemeente.betaling-opdragen",
            {
                "aanvraagId": aanvraag["aanvraagId"],
                "betalingBedrag": 10,
                "betalingPeriode": "2026-12",
            },
        )
    assert betaling.value.code == "GEEN_TOEKENNING"
    with pytest.raises(BusinessError) as tweede:
        runner.run(
            "gemeente.besluit-vastleggen",
            {"aanvraagId": aanvraag["aanvraagId"], "besluit": "toekenning"},
        )
    assert tweede.value.code == "BESLUIT_AL_VASTGELEGD"
    with pytest.raises(BusinessError) as voorschot:
        runner.run("gemeente.voorschot-betalen", {"voorschotBedrag": 5000})
    assert voorschot.value.code == "VOORSCHOT_TE_HOOG"
    assert voorschot.value.variables == {"foutcode": "voorschot-te-hoog"}


def test_voorschot_bij_broodnood_is_paid_once_despite_a_lost_response(runner: Runner, servers):
    gemeente = servers["gemeente"]
    gemeente.control.set_faults(lose_response=True, hang_seconds=HANG, times=1)
    with pytest.raises(RetryableError):
        runner.run("gemeente.voorschot-betalen", {"voorschotBedrag": 150}, job_id="job-voorschot")
    first = runner.run(
        "gemeente.voorschot-betalen", {"voorschotBedrag": 150}, job_id="job-voorschot", attempt=2
    )
    again = runner.run(
        "gemeente.voorschot-betalen", {"voorschotBedrag": 150}, job_id="job-voorschot", attempt=3
    )
    assert first == again
    assert len(gemeente.state.uitkeringen.voorschotten) == 1
    assert first["voorschotBetaaldatum"]


@pytest.mark.parametrize("faults", [{"status": 502}, {"malformed": True}], ids=["502", "malformed"])
def test_partner_trouble_is_retryable(runner: Runner, servers, faults):
    servers["gemeente"].control.set_faults(**faults, times=1)
    with pytest.raises(RetryableError):
        runner.run("gemeente.uitkering-aanvragen", {"bsn": BSN}, job_id="job-a")
    assert runner.run("gemeente.uitkering-aanvragen", {"bsn": BSN}, job_id="job-a")["aanvraagId"]
    assert len(servers["gemeente"].state.uitkeringen.aanvragen) == 1


def test_later_besluiten_on_the_lopende_uitkering(runner: Runner, servers):
    """Beëindiging, maatregel and arrangement are besluiten on a running uitkering, found by
    aanvraagId, BSN or dossier; without one the gemeente refuses with GEEN_TOEKENNING."""
    state = servers["gemeente"].state.uitkeringen
    with pytest.raises(BusinessError) as geen:
        runner.run("gemeente.besluit-vastleggen", {"bsn": BSN, "besluit": "maatregel"})
    assert geen.value.code == "GEEN_TOEKENNING"
    lopend = state.lopende_uitkering(bsn=BSN, dossier="DOS-OUD")
    maatregel = runner.run(
        "gemeente.besluit-vastleggen",
        {"bsn": BSN, "besluit": "maatregel", "verlagingProcent": 20, "besluitReden": "verzuim"},
    )
    assert maatregel["besluit"] == "maatregel"
    arrangement = runner.run(
        "gemeente.besluit-vastleggen", {"klantDossier": "DOS-OUD", "besluit": "arrangement"}
    )
    assert arrangement["besluit"] == "arrangement"
    runner.run("gemeente.besluit-vastleggen", {"aanvraagId": lopend, "besluit": "beeindiging"})
    aanvraag = state.aanvragen[lopend]
    assert aanvraag["status"] == "beeindigd"
    assert [b["besluit"] for b in aanvraag["vervolgbesluiten"]] == [
        "maatregel",
        "arrangement",
        "beeindiging",
    ]
    assert aanvraag["vervolgbesluiten"][0]["verlagingProcent"] == 20
    with pytest.raises(BusinessError) as beeindigd:
        runner.run("gemeente.besluit-vastleggen", {"aanvraagId": lopend, "besluit": "maatregel"})
    assert beeindigd.value.code == "GEEN_TOEKENNING"
    verzoeken = [r for r in servers["gemeente"].control.requests if r.path.endswith("/_zoek")]
    assert verzoeken and all(BSN not in r.url for r in verzoeken)


def test_a_besluit_names_its_uitkering(runner: Runner):
    with pytest.raises(PermanentError):
        runner.run("gemeente.besluit-vastleggen", {"besluit": "toekenning", "bsn": BSN})
    with pytest.raises(PermanentError):
        runner.run("gemeente.besluit-vastleggen", {"besluit": "beeindiging"})
