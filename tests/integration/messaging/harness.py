"""Run outbox -> broker -> adapter worker -> results in-process, on either transport.

Reusable by adapter and e2e tests::

    def test_x(harness_factory):
        h = harness_factory(registry)           # app + broker (transport parametrized)
        h.deploy(diagram_xml)
        with h.runtime(), h.subscriber() as events:
            instance = h.start("proces", business_key="DOS-1")
            h.wait_for(lambda: h.status(instance) == "completed")

Each harness gets its own broker namespace, so tests sharing one RabbitMQ never meet.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kombu.messaging import Consumer

from adapters.registry import AdapterRegistry
from orchestrator.application.identity import SYSTEM
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import Clock, SystemClock
from orchestrator.engine.contract import SourceFile
from orchestrator.messaging.connection import ACCEPT, BrokerConfig
from orchestrator.messaging.runtime import MessagingRuntime, messaging_runtime


def broker_config(
    transport: str, tmp_path: Path, amqp_url: str | None, *, visibility_timeout: float = 3.0
) -> BrokerConfig:
    """A broker on ``transport`` ("sqla" or "amqp") with a namespace of its own."""
    namespace = f"t{uuid.uuid4().hex[:12]}"
    if transport == "sqla":
        url = f"sqla+sqlite:///{tmp_path}/broker.sqlite"
    else:
        assert amqp_url, "amqp transport needs amqp_url"
        url = amqp_url
    return BrokerConfig(
        url=url, namespace=namespace, polling_interval=0.02, visibility_timeout=visibility_timeout
    )


def settings_for(tmp_path: Path, broker: BrokerConfig, **extra: Any) -> Settings:
    """Settings of an app in ``tmp_path`` (SQLite) using ``broker``."""
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/ketenregie.sqlite",
        broker_url=broker.url,
        broker_namespace=broker.namespace,
        broker_visibility_timeout=broker.visibility_timeout,
        broker_polling_interval=broker.polling_interval,
        publisher_interval=0.02,
        **extra,
    )


@dataclass
class EventLog:
    """CloudEvents received by a subscriber (thread-safe)."""

    events: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def types(self) -> list[str]:
        with self.lock:
            return [e["type"] for e in self.events]

    def of(self, type_: str) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.events if e["type"] == type_]


@dataclass
class Harness:
    """An app on SQLite plus a broker, and helpers to run messaging around it."""

    app: Container
    broker: BrokerConfig
    registry: AdapterRegistry

    def deploy(self, xml: bytes, name: str = "proces.bpmn") -> None:
        report = self.app.deployments.deploy([SourceFile(name, xml)], SYSTEM)
        assert report.deployed, report

    def start(self, key: str, **kwargs: Any) -> str:
        return self.app.instances.start(key, actor=SYSTEM, **kwargs).id

    def status(self, instance_id: str) -> str:
        return self.app.instances.get(instance_id).status

    def runtime(self, *, workers: int = 1, **kwargs: Any) -> MessagingRuntime:
        registry = self.registry if workers else AdapterRegistry()
        return messaging_runtime(
            self.app, registry=registry, workers=workers, broker=self.broker, **kwargs
        )

    @contextmanager
    def subscriber(self, patterns: tuple[str, ...] = ("#",)) -> Iterator[EventLog]:
        """Collect CloudEvents from the events exchange while the block runs."""
        log = EventLog()
        queue = self.broker.topology.event_queue(f"{self.broker.namespace}.sub", patterns)
        ready = threading.Event()
        stop = threading.Event()

        def on_event(body: Any, message: Any) -> None:
            with log.lock:
                log.events.append(body)
            message.ack()

        def run() -> None:
            with self.broker.connect() as conn:
                self.broker.topology.declare(conn)
                with Consumer(conn.channel(), queues=[queue], callbacks=[on_event], accept=ACCEPT):
                    ready.set()
                    while not stop.is_set():
                        with suppress(TimeoutError):
                            conn.drain_events(timeout=0.2)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        assert ready.wait(15), "subscriber did not start"
        try:
            yield log
        finally:
            stop.set()
            thread.join(10)

    def cleanup(self) -> None:
        """Delete this namespace's queues and exchanges (a shared RabbitMQ stays clean)."""
        if self.broker.embedded:
            return
        topology = self.broker.topology
        with self.broker.connect() as conn:
            channel = conn.channel()
            queues = [topology.results_queue, topology.event_queue(f"{self.broker.namespace}.sub")]
            queues += [topology.job_queue(t) for t in self.registry.topics()]
            for queue in queues:
                try:
                    queue(channel).delete()
                except Exception:
                    channel = conn.channel()
            for exchange in (
                topology.jobs_exchange,
                topology.results_exchange,
                topology.events_exchange,
            ):
                try:
                    exchange(channel).delete()
                except Exception:
                    channel = conn.channel()


def make_harness(
    tmp_path: Path,
    broker: BrokerConfig,
    registry: AdapterRegistry,
    *,
    clock: Clock | None = None,
) -> Harness:
    """An app with the real engine on SQLite in ``tmp_path`` and ``broker``."""
    from orchestrator.engine.runner import SpiffEngine

    chosen = clock or SystemClock()
    settings = settings_for(tmp_path, broker)
    app = build(settings, engine=SpiffEngine(chosen), clock=chosen)
    return Harness(app=app, broker=broker, registry=registry)


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    """Poll ``predicate`` until true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")
