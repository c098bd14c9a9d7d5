"""Broker connections and the topology every Ketenregie process declares the same way.

Exchanges (all durable):

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
from kombu.entity import Exchange, Queue
from kombu.serialization import register

from orchestrator.config import Settings

JOBS_EXCHANGE = Exchange("ketenregie.jobs", type="direct", durable=True)
RESULTS_EXCHANGE = Exchange("ketenregie.results", type="direct", durable=True)
EVENTS_EXCHANGE = Exchange("ketenregie.events", type="topic", durable=True)
RESULTS_ROUTING_KEY = "result"
RESULTS_QUEUE = Queue(
    "ketenregie.results",
    exchange=RESULTS_EXCHANGE,
    routing_key=RESULTS_ROUTING_KEY,
    durable=True,
)

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


def job_queue(topic: str) -> Queue:
    """The durable queue of ``topic`` on the jobs exchange."""
    return Queue(f"ketenregie.job.{topic}", exchange=JOBS_EXCHANGE, routing_key=topic, durable=True)


def event_queue(name: str, patterns: Iterable[str] = ("#",)) -> Queue:
    """A durable subscriber queue on the events exchange, bound with each pattern.

    Args:
        name: the queue name (a subscriber's own, e.g. ``crm.ketenregie-events``).
        patterns: topic patterns such as ``instance.*`` or ``#`` (everything).
    """
    from kombu.entity import binding

    return Queue(
        name,
        bindings=[binding(EVENTS_EXCHANGE, routing_key=p) for p in patterns],
        durable=True,
    )


def is_embedded(url: str) -> bool:
    """True for the embedded SQL transport (``sqla+...``)."""
    return url.startswith(_EMBEDDED_PREFIXES)


@dataclass(frozen=True)
class BrokerConfig:
    """How to reach the broker.

    Attributes:
        url: ``sqla+sqlite:///...`` (embedded) or ``amqp://...``.
        polling_interval: embedded transport: seconds between polls of an empty queue.
        visibility_timeout: embedded transport: seconds before an unacknowledged message is
            delivered again.
        transport_options: extra kombu transport options.
    """

    url: str
    polling_interval: float = 0.05
    visibility_timeout: float = 300.0
    transport_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> BrokerConfig:
        """The broker of ``settings``."""
        return cls(
            url=settings.broker_url,
            polling_interval=settings.broker_polling_interval,
            visibility_timeout=settings.broker_visibility_timeout,
        )

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


def declare_topology(connection: Connection, topics: Iterable[str] = ()) -> None:
    """Declare the exchanges, the results queue and the job queues of ``topics``."""
    channel = connection.default_channel
    for exchange in (JOBS_EXCHANGE, RESULTS_EXCHANGE, EVENTS_EXCHANGE):
        exchange(channel).declare()
    RESULTS_QUEUE(channel).declare()
    for topic in topics:
        job_queue(topic)(channel).declare()
