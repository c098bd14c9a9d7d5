"""Pure parts of the application layer: snapshot diff, organisations, correlation, steps."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from orchestrator.application.correlation import matches
from orchestrator.application.organisations import OrganisationMap
from orchestrator.application.snapshot import diff
from orchestrator.application.steps import Step
from orchestrator.config import DEFAULT_ORGANISATION_MAP


def test_diff_keeps_existing_rows_and_reports_added_and_removed():
    stored = [("a", "claimed-by-anna"), ("b", None)]
    wanted = ["b", "c"]
    result = diff(stored, wanted, lambda row: row[0], lambda key: key)
    assert result.removed == [("a", "claimed-by-anna")]
    assert result.added == ["c"]
    assert result.kept == [(("b", None), "b")]


@given(st.sets(st.integers(0, 20)), st.sets(st.integers(0, 20)))
def test_diff_partitions_both_sides(stored, wanted):
    result = diff(sorted(stored), sorted(wanted), lambda x: x, lambda x: x)
    assert set(result.removed) == stored - wanted
    assert set(result.added) == wanted - stored
    assert {old for old, _ in result.kept} == stored & wanted


def test_organisation_from_group_then_lane_case_and_space_insensitive():
    organisations = OrganisationMap(DEFAULT_ORGANISATION_MAP)
    assert organisations.for_task(["Poortwachter"], None) == "gemeente"
    assert organisations.for_task([], "Consulent IO") == "gemeente"
    assert organisations.for_task(["onbekend"], "Werkcoach") == "werkbedrijf"
    assert organisations.for_task(["uwv_arbeidsdeskundige"], None) == "uwv"
    assert organisations.for_task(["sw-bedrijf"], None) == "sw-bedrijf"
    assert organisations.for_task(["onbekend"], None) is None


def test_correlation_by_business_key_and_values():
    def match(
        sub_bk: str | None, sub_corr: dict[str, Any], msg_bk: str | None, msg_corr: dict[str, Any]
    ) -> bool:
        return matches(
            subscription_business_key=sub_bk,
            subscription_correlation=sub_corr,
            message_business_key=msg_bk,
            message_correlation=msg_corr,
        )

    assert match("Z1", {}, "Z1", {})
    assert not match("Z1", {}, "Z2", {})
    assert match("Z1", {"aanvraag": "A1"}, None, {"aanvraag": "A1"})
    assert not match("Z1", {"aanvraag": "A1"}, None, {"aanvraag": "A2"})
    assert not match("Z1", {}, None, {"aanvraag": "A1"})
    assert match("Z1", {"x": 1}, None, {})  # no criteria: the caller checks ambiguity


def test_step_survives_json_and_variable_corrections():
    step = Step(op="fire_timers", task_ids=("t1", "t2"), variables={"a": 1})
    again = Step.from_json(step.to_json())
    assert again == step
    assert again.with_variables({"b": 2}).variables == {"a": 1, "b": 2}
    assert again.with_variables(None) is again
