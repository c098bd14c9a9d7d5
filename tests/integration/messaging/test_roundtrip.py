"""Outbox -> broker -> worker -> result applied -> instance advanced -> event published,
on the embedded SQL transport and on RabbitMQ."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from adapters.registry import (
    AdapterRegistry,
    BusinessError,
    JobContext,
    JobInput,
    JobOutput,
    RetryableError,
)
from orchestrator.application.identity import SYSTEM
from orchestrator.application.job_results import JobResult
from tests.integration.messaging.harness import wait_for
from tests.support import bpmn

TOPIC = "test.verdubbelen"


class Getal(JobInput):
    getal: int


class Verdubbeld(JobOutput):
    verdubbeld: int


class Partner:
    """A fake partner that does each request once per idempotency key."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.done: dict[str, int] = {}
        self.down = threading.Event()
        self.lock = threading.Lock()

    def verdubbel(self, key: str, getal: int) -> int:
        with self.lock:
            self.calls[key] += 1
            if self.down.is_set():
                raise RetryableError("partner refused the connection")
            if key not in self.done:
                self.done[key] = getal * 2
            return self.done[key]


def registry_for(partner: Partner) -> AdapterRegistry:
    registry = AdapterRegistry()

    @registry.topic(TOPIC)
    def verdubbelen(ctx: JobContext, data: Getal) -> Verdubbeld:
        if data.getal < 0:
            raise BusinessError("NEGATIEF", "negatief getal")
        return Verdubbeld(verdubbeld=partner.verdubbel(ctx.idempotency_key, data.getal))

    return registry


def diagram(retry: str = "R3/PT1S") -> bytes:
    return (
        bpmn.Diagram("rekenen", "Rekenen")
        .start()
        .external("verdubbelen", TOPIC, retry=retry)
        .boundary("negatief", "verdubbelen", error="NEGATIEF")
        .end()
        .end("einde_negatief")
        .flow("start", "verdubbelen")
        .flow("verdubbelen", "end")
        .flow("negatief", "einde_negatief")
        .xml()
    )


def test_job_round_trip_and_events(harness_factory):
    partner = Partner()
    h = harness_factory(registry_for(partner))
    h.deploy(diagram())
    with h.subscriber() as events, h.runtime():
        ids = [
            h.start("rekenen", business_key=f"DOS-{n}", variables={"getal": n}) for n in range(5)
        ]
        for instance_id in ids:
            wait_for(lambda i=instance_id: h.status(i) == "completed", what="instance completed")
        wait_for(lambda: len(events.of("nl.ketenregie.instance.completed")) == 5, what="events")
    for n, instance_id in enumerate(ids):
        assert h.app.instances.get(instance_id).variables["verdubbeld"] == n * 2
    assert sum(partner.calls.values()) == 5
    started = events.of("nl.ketenregie.instance.started")
    assert {e["subject"] for e in started} == {f"DOS-{n}" for n in range(5)}
    event = started[0]
    assert event["specversion"] == "1.0"
    assert event["source"] == "urn:nld:oin:00000099999999999000:systeem:ketenregie"
    assert event["datacontenttype"] == "application/json"
    assert event["time"].endswith("Z")
    assert event["data"]["instance_id"] in ids
    with h.app.store.uow(read_only=True) as uow:
        assert uow.outbox.due(h.app.clock.now(), 10) == []


def test_business_error_becomes_a_bpmn_error_event(harness_factory):
    h = harness_factory(registry_for(Partner()))
    h.deploy(diagram())
    with h.runtime():
        instance_id = h.start("rekenen", variables={"getal": -1})
        wait_for(lambda: h.status(instance_id) == "completed")
    trail = [a.action for a in h.app.audit.for_instance(instance_id)]
    assert "job.bpmn_error" in trail


def test_outage_retries_then_incident_then_operator_retry(harness_factory):
    partner = Partner()
    partner.down.set()
    h = harness_factory(registry_for(partner))
    h.deploy(diagram(retry="R2/PT1S"))
    with h.runtime():
        instance_id = h.start("rekenen", variables={"getal": 21})
        wait_for(lambda: h.app.incidents.list(instance_id=instance_id) != [], what="incident")
        [incident] = h.app.incidents.list(instance_id=instance_id)
        assert incident.kind == "job-failed"
        assert h.status(instance_id) == "running"
        assert sum(partner.calls.values()) == 2
        partner.down.clear()
        h.app.incidents.retry(incident.id, SYSTEM)
        wait_for(lambda: h.status(instance_id) == "completed", what="completed after retry")
    assert h.app.instances.get(instance_id).variables["verdubbeld"] == 42
    assert len(partner.done) == 1


def test_a_result_delivered_twice_is_applied_once(harness_factory):
    h = harness_factory(registry_for(Partner()))
    h.deploy(diagram())
    instance_id = h.start("rekenen", variables={"getal": 1})
    [job] = h.app.jobs.fetch_and_lock(TOPIC, "probe", max_jobs=1)
    result = JobResult(
        message_id="m-1:1",
        job_id=job.id,
        attempt=1,
        outcome="completed",
        worker_id="w",
        variables={"verdubbeld": 2},
    )
    assert h.app.jobs.apply_result(result) == "applied"
    assert h.app.jobs.apply_result(result) == "duplicate"
    # the same attempt reported again under another message id (a redelivered job)
    again = JobResult(**{**result.__dict__, "message_id": "m-2:1"})
    assert h.app.jobs.apply_result(again) == "stale"
    assert h.status(instance_id) == "completed"
    trail = [a.action for a in h.app.audit.for_instance(instance_id)]
    assert trail.count("job.completed") == 1


def test_publisher_restart_and_republish_complete_each_job_once(harness_factory):
    partner = Partner()
    h = harness_factory(registry_for(partner))
    h.deploy(diagram())
    crashes = []

    def crash_before_marking(rows):
        crashes.append(len(rows))
        raise ConnectionError("simulated crash between publish and mark")

    from orchestrator.messaging.publisher import OutboxPublisher

    publisher = OutboxPublisher(
        h.app.store,
        h.broker,
        h.app.clock,
        oin=h.app.settings.oin,
        after_publish=crash_before_marking,
    )
    ids = [h.start("rekenen", variables={"getal": n}) for n in range(3)]
    with pytest.raises(ConnectionError):
        publisher.publish_once()
    assert crashes  # published, not marked: the next publisher sends them again
    with h.runtime():
        for instance_id in ids:
            wait_for(lambda i=instance_id: h.status(i) == "completed")
    for instance_id in ids:
        trail = [a.action for a in h.app.audit.for_instance(instance_id)]
        assert trail.count("job.completed") == 1
    assert len(partner.done) == 3


def test_a_job_answered_before_publication_is_not_sent_to_the_partner(harness_factory):
    # e.g. answered through the polling API (or by the demo seeder) while no publisher ran
    partner = Partner()
    h = harness_factory(registry_for(partner))
    h.deploy(diagram())
    instance_id = h.start("rekenen", business_key="DOS-1", variables={"getal": 4})
    [job] = h.app.jobs.fetch_and_lock(TOPIC, "poller", max_jobs=1)
    h.app.jobs.complete(job.id, "poller", {"verdubbeld": 8})
    assert h.status(instance_id) == "completed"

    def drained() -> bool:
        with h.app.store.uow(read_only=True) as uow:
            return uow.outbox.due(h.app.clock.now(), 10) == []

    with h.runtime():
        wait_for(drained, what="outbox drained")
    assert sum(partner.calls.values()) == 0
