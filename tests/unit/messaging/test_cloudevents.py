"""CloudEvents, NL GOV profile: attributes, and never a BSN in them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchestrator.messaging import cloudevents

OIN = "00000099999999999000"
BSN = "111222333"  # passes the elfproef


def test_profile_attributes():
    event = cloudevents.build(
        event_id="e-1",
        event="instance.started",
        oin=OIN,
        time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        data={"instance_id": "i-1", "bsn": BSN},
        business_key="DOS-2026-0001",
        instance_id="i-1",
    )
    assert event == {
        "specversion": "1.0",
        "id": "e-1",
        "source": f"urn:nld:oin:{OIN}:systeem:ketenregie",
        "type": "nl.ketenregie.instance.started",
        "time": "2026-01-02T03:04:05Z",
        "datacontenttype": "application/json",
        "subject": "DOS-2026-0001",
        "data": {"instance_id": "i-1", "bsn": BSN},
    }


def test_a_business_key_that_looks_like_a_bsn_is_not_the_subject():
    event = cloudevents.build(
        event_id="e-1",
        event="task.created",
        oin=OIN,
        time="2026-01-02T03:04:05+01:00",
        data={},
        business_key=BSN,
        instance_id="i-1",
    )
    assert event["subject"] == "i-1"
    assert event["time"] == "2026-01-02T02:04:05Z"


def test_guard_refuses_bsn_like_attributes_and_names_the_attribute_only():
    with pytest.raises(cloudevents.BsnInAttributes) as info:
        cloudevents.refuse_bsn({"subject": f"dossier-{BSN}"})
    assert BSN not in str(info.value)
    assert "subject" in str(info.value)
    cloudevents.refuse_bsn({"subject": "123456789"})  # nine digits, fails the elfproef
    cloudevents.refuse_bsn({"source": f"urn:nld:oin:{OIN}:systeem:ketenregie"})  # 20 digits
    cloudevents.refuse_bsn({"data": {"bsn": BSN}})  # data may carry it


def test_build_refuses_a_bsn_in_dataref():
    with pytest.raises(cloudevents.BsnInAttributes):
        cloudevents.build(
            event_id="e",
            event="x",
            oin=OIN,
            time="2026-01-01T00:00:00Z",
            data={},
            dataref=f"https://example.org/personen/{BSN}",
        )


def test_invalid_oin():
    with pytest.raises(ValueError):
        cloudevents.source_for("123")


def test_a_uuid_id_with_nine_elfproef_digits_is_published():
    # A generated UUID may hold nine digits in a row that pass the elfproef by chance;
    # refusing it would silently drop the event.
    event_id = f"0f1e2d3c-4b5a-4a69-8877-a{BSN}bc"
    assert cloudevents.looks_like_bsn(event_id)
    event = cloudevents.build(
        event_id=event_id,
        event="task.created",
        oin=OIN,
        time="2026-01-02T03:04:05Z",
        data={},
        instance_id="i-1",
    )
    assert event["id"] == event_id
