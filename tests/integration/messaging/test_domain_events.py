"""``klantgroep.changed`` and ``incident.raised`` reach the broker as CloudEvents, no BSN."""

from __future__ import annotations

import json

from adapters.registry import AdapterRegistry, JobContext, JobInput, NoOutput, PermanentError
from orchestrator.application.identity import Actor
from orchestrator.application.tasks import TaskQuery
from tests.integration.messaging.harness import wait_for
from tests.support import bpmn

TOPIC = "test.registreren"
BSN = "999993653"
BEHEER = Actor("bert", organisation="gemeente", groups=frozenset({"beheerder"}))


class Aanvraag(JobInput):
    bsn: str


def refusing_registry() -> AdapterRegistry:
    registry = AdapterRegistry()

    @registry.topic(TOPIC)
    def registreren(ctx: JobContext, data: Aanvraag) -> NoOutput:
        raise PermanentError("the partner refuses the request")

    return registry


def diagram() -> bytes:
    groep = bpmn.form_field(
        "klantgroep", "enum", values=["Matchen", "Groeien", "Faciliteren", "Zorgen"]
    )
    return (
        bpmn.Diagram("indeling", "Indeling")
        .start()
        .user_task("kiezen", "Klantgroep kiezen", groups="intaker", form=[groep])
        .user_task("wisselen", "Groepswissel", groups="consulent_io", form=[groep])
        .external("registreren", TOPIC, retry="R1/PT1S")
        .end()
        .chain("start", "kiezen", "wisselen", "registreren", "end")
        .xml()
    )


def complete(h, instance_id: str, values: dict[str, str]) -> None:
    [task] = h.app.tasks.worklist(BEHEER, TaskQuery(instance_id=instance_id))
    h.app.tasks.complete(task.id, values, BEHEER)


def test_klantgroep_changes_and_incidents_are_published_without_bsn(harness_factory):
    h = harness_factory(refusing_registry())
    h.deploy(diagram())
    with h.subscriber() as events, h.runtime():
        instance_id = h.start("indeling", business_key="DOS-7", variables={"bsn": BSN})
        complete(h, instance_id, {"klantgroep": "Groeien"})
        complete(h, instance_id, {"klantgroep": "Groeien"})  # unchanged: no event
        assert not h.app.tasks.worklist(BEHEER, TaskQuery(instance_id=instance_id))
        wait_for(lambda: h.app.incidents.list(instance_id=instance_id), what="incident")
        wait_for(lambda: events.of("nl.ketenregie.incident.raised"), what="incident event")

    changed = events.of("nl.ketenregie.klantgroep.changed")
    assert [(e["data"]["old"], e["data"]["new"]) for e in changed] == [(None, "Groeien")]
    [raised] = events.of("nl.ketenregie.incident.raised")
    [incident] = h.app.incidents.list(instance_id=instance_id)
    assert raised["data"]["incident_id"] == incident.id
    assert raised["data"]["kind"] == "job-failed"
    assert raised["data"]["element_id"] == "registreren"
    for event in [*changed, raised]:
        assert event["specversion"] == "1.0"
        assert event["subject"] == "DOS-7"
        assert BSN not in json.dumps(event)


def test_a_group_switch_names_the_old_and_the_new_group(harness_factory):
    h = harness_factory(refusing_registry())
    h.deploy(diagram())
    instance_id = h.start("indeling", business_key="DOS-8", variables={"bsn": BSN})
    complete(h, instance_id, {"klantgroep": "Matchen"})
    complete(h, instance_id, {"klantgroep": "Zorgen"})
    with h.app.store.uow(read_only=True) as uow:
        rows = uow.outbox.due(h.app.clock.now(), 100)
    changes = [r.body for r in rows if r.routing_key == "klantgroep.changed"]
    assert [(b["old"], b["new"]) for b in changes] == [(None, "Matchen"), ("Matchen", "Zorgen")]
    assert all(BSN not in json.dumps(r.body) for r in rows if r.kind == "event")
