"""Broker connections and the topology every Ketenregie process declares the same way.

Exchanges (all durable):

Names below are for the default namespace ``ketenregie`` (:class:`Topology`).

- ``ketenregie.jobs`` (direct): one durable queue per topic, ``ketenregie.job.<topic>``,
  bound with the topic as routing key;
- ``ketenregie.results`` (direct): one durable queue ``ketenregie.results`` for the
  outcomes adapter workers report;
- ``ketenregie.events`` (topic): domain events as CloudEvents, routing key = the event name
  (``instance.started``, ``task.created``, ...); subscribers bind their own queues.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kombu.connection import Connection
from kombu.entity import Exchange, Queue, binding
from kombu.serialization import register

from orchestrator.config import Settings

RESULTS_ROUTING_KEY = "result"

#: content type of a CloudEvent in structured mode (CloudEvents AMQP binding)
CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"
CLOUDEVENTS_SERIALIZER = "cloudevents"

register(
    CLOUDEVENTS_SERIALIZER,
    lambda obj: json.dumps(obj, separators=(",", ":")),
    json.loads,
    content_type=CLOUDEVENTS_CONTENT_TYPE,
    content_encoding="utf-8",
)

#: what our consumers accept (anything else is rejected unread)
ACCEPT = ["json", CLOUDEVENTS_SERIALIZER]

_EMBEDDED_PREFIXES = ("sqla+", "sqlalchemy+")


@dataclass(frozen=True)
class Topology:
    """Exchange and queue names under one namespace (default ``ketenregie``).

    A namespace lets several environments (or parallel test runs) share one broker.
    """

    namespace: str = "ketenregie"

    @property
    def jobs_exchange(self) -> Exchange:
        """Direct exchange of the jobs (routing key = topic)."""
        return Exchange(f"{self.namespace}.jobs", type="direct", durable=True)

    @property
    def results_exchange(self) -> Exchange:
        """Direct exchange of the results."""
        return Exchange(f"{self.namespace}.results", type="direct", durable=True)

    @property
    def events_exchange(self) -> Exchange:
        """Topic exchange of the domain events (routing key = event name)."""
        return Exchange(f"{self.namespace}.events", type="topic", durable=True)

    @property
    def results_queue(self) -> Queue:
        """The one durable queue of results."""
        return Queue(
            f"{self.namespace}.results",
            exchange=self.results_exchange,
            routing_key=RESULTS_ROUTING_KEY,
            durable=True,
        )

    def job_queue(self, topic: str) -> Queue:
        """The durable queue of ``topic``: ``<namespace>.job.<topic>``."""
        return Queue(
            f"{self.namespace}.job.{topic}",
            exchange=self.jobs_exchange,
            routing_key=topic,
            durable=True,
        )

    def event_queue(self, name: str, patterns: Iterable[str] = ("#",)) -> Queue:
        """A durable subscriber queue on the events exchange, bound with each pattern.

        Args:
            name: the subscriber's own queue name.
            patterns: topic patterns such as ``instance.*`` or ``#`` (everything).
        """
        return Queue(
            name,
            bindings=[binding(self.events_exchange, routing_key=p) for p in patterns],
            durable=True,
        )

    def declare(self, connection: Connection, topics: Iterable[str] = ()) -> None:
        """Declare the exchanges, the results queue and the job queues of ``topics``."""
        channel = connection.default_channel
        for exchange in (self.jobs_exchange, self.results_exchange, self.events_exchange):
            exchange(channel).declare()
        self.results_queue(channel).declare()
        for topic in topics:
            self.job_queue(topic)(channel).declare()


def is_embedded(url: str) -> bool:
    """True for the embedded SQL transport (``sqla+...``)."""
    return url.startswith(_EMBEDDED_PREFIXES)


@dataclass(frozen=True)
class BrokerConfig:
    """How to reach the broker.

    Attributes:
        url: ``sqla+sqlite:///...`` (embedded) or ``amqp://...``.
        polling_interval: embedded transport: seconds between polls of an empty queue.
        namespace: prefix of every exchange and queue name.
        visibility_timeout: embedded transport: seconds before an unacknowledged message is
            delivered again.
        transport_options: extra kombu transport options.
    """

    url: str
    namespace: str = "ketenregie"
    polling_interval: float = 0.05
    visibility_timeout: float = 300.0
    transport_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> BrokerConfig:
        """The broker of ``settings``."""
        return cls(
            url=settings.broker_url,
            namespace=settings.broker_namespace,
            polling_interval=settings.broker_polling_interval,
            visibility_timeout=settings.broker_visibility_timeout,
        )

    @property
    def topology(self) -> Topology:
        """The exchanges and queues under :attr:`namespace`."""
        return Topology(self.namespace)

    @property
    def embedded(self) -> bool:
        """True for the embedded SQL transport."""
        return is_embedded(self.url)

    def connect(self) -> Connection:
        """A new (lazy) kombu connection; the caller closes it.

        RabbitMQ connections use publisher confirms: a publish returns once the broker took
        the message. Embedded ones write the message in the broker's database before
        returning.
        """
        if self.embedded:
            from orchestrator.messaging.sqla import Transport

            options = {
                "polling_interval": self.polling_interval,
                "visibility_timeout": self.visibility_timeout,
                **self.transport_options,
            }
            if self.url.startswith("sqla+sqlite:///"):
                _ensure_parent(self.url.removeprefix("sqla+sqlite:///"))
            hostname = self.url.split("+", 1)[1]
            return Connection(hostname, transport=Transport, transport_options=options)
        return Connection(
            self.url, transport_options={"confirm_publish": True, **self.transport_options}
        )


def _ensure_parent(path: str) -> None:
    from pathlib import Path

    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
