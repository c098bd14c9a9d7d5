"""The outbox publisher: sends committed outbox rows to the broker, then marks them.

Rows go out in id order, in small batches. A row is marked published only after the broker
accepted it (publisher confirms on RabbitMQ; the embedded transport has written it), so a
crash between publishing and marking publishes it again after a restart: every message
carries the outbox ``message_id`` and consumers deduplicate by it. A job retry waits in the
outbox until its backoff is over (``available_at``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import structlog
from kombu.connection import Connection
from kombu.messaging import Producer

from orchestrator.domain.clock import Clock
from orchestrator.messaging import cloudevents
from orchestrator.messaging.connection import CLOUDEVENTS_SERIALIZER, BrokerConfig
from orchestrator.messaging.service import BackgroundService
from orchestrator.store.records import OutboxRecord
from orchestrator.store.uow import Store

log = structlog.get_logger(__name__)

#: seconds to wait after a broker or database failure before trying again (doubling)
_BACKOFF_START = 0.2
_BACKOFF_MAX = 5.0

#: hook for tests: called after the broker accepted a batch and before it is marked
AfterPublish = Callable[[Sequence[OutboxRecord]], None]


class OutboxPublisher(BackgroundService):
    """Publishes the outbox of one store to one broker.

    Args:
        store: the orchestrator's store (its ``outbox`` table).
        broker: the broker and its topology.
        clock: decides when a delayed job retry may go out.
        oin: the OIN in the CloudEvents ``source``.
        batch_size: rows per batch.
        interval: seconds between polls when the outbox is empty.
        after_publish: called after a batch was accepted and before it is marked.
    """

    name = "ketenregie-publisher"

    def __init__(
        self,
        store: Store,
        broker: BrokerConfig,
        clock: Clock,
        *,
        oin: str,
        batch_size: int = 50,
        interval: float = 0.2,
        after_publish: AfterPublish | None = None,
    ) -> None:
        super().__init__()
        self._store = store
        self._broker = broker
        self._topology = broker.topology
        self._clock = clock
        self._oin = oin
        self._batch_size = batch_size
        self._interval = interval
        self._after_publish = after_publish
        self._connection: Connection | None = None
        self._producer: Any = None
        self._lock_rows = store.engine.dialect.name == "postgresql"
        self.published = 0

    # -------------------------------------------------------------------- loop
    def run(self) -> None:
        """Publish until stopped; broker or database failures back off and retry."""
        log.info("publisher.started")
        backoff = _BACKOFF_START
        try:
            while not self.stopping:
                try:
                    sent = self.publish_once()
                except Exception as exc:  # noqa: BLE001 - broker/database away: retry
                    log.warning("publisher.failed", error=type(exc).__name__, retry_in=backoff)
                    self._release()
                    self.wait(backoff)
                    backoff = min(backoff * 2, _BACKOFF_MAX)
                    continue
                backoff = _BACKOFF_START
                if sent < self._batch_size:
                    self.wait(self._interval)
        finally:
            self._release()
            log.info("publisher.stopped", published=self.published)

    def publish_once(self) -> int:
        """Publish one batch of due rows; returns how many went out."""
        if self._lock_rows:
            # PostgreSQL: rows stay locked (SKIP LOCKED) until marked, so several
            # publishers share the outbox without sending a row twice.
            with self._store.uow() as uow:
                rows = uow.outbox.due(self._clock.now(), self._batch_size)
                self._send(self._still_wanted(uow, rows))
                uow.outbox.mark_published([r.id for r in rows if r.id is not None], self._now())
                uow.commit()
        else:
            # SQLite: read without the write lock, publish, then mark in a short write.
            with self._store.uow(read_only=True) as uow:
                rows = uow.outbox.due(self._clock.now(), self._batch_size)
                wanted = self._still_wanted(uow, rows)
            self._send(wanted)
            if rows:
                with self._store.uow() as uow:
                    uow.outbox.mark_published([r.id for r in rows if r.id is not None], self._now())
                    uow.commit()
        self.published += len(rows)
        if rows:
            log.debug("publisher.batch", count=len(rows), last_id=rows[-1].id)
        return len(rows)

    @staticmethod
    def _still_wanted(uow: Any, rows: Sequence[OutboxRecord]) -> list[OutboxRecord]:
        """The rows worth sending: a job message whose job was completed (or parked as an
        incident) in the meantime, e.g. answered while no publisher ran, is marked published
        without going out, so the partner is not called again for nothing."""
        wanted = []
        for row in rows:
            if row.kind == "job":
                job = uow.jobs.get(str(row.body.get("job_id", "")))
                if job is None or job.status == "incident":
                    log.debug("publisher.job_skipped", message_id=row.message_id)
                    continue
            wanted.append(row)
        if len(wanted) < len(rows):
            log.info("publisher.jobs_skipped", count=len(rows) - len(wanted))
        return wanted

    def _now(self) -> Any:
        return self._clock.now()

    # ------------------------------------------------------------------ broker
    def _send(self, rows: Sequence[OutboxRecord]) -> None:
        if not rows:
            return
        producer = self._ensure_producer()
        for row in rows:
            if row.kind == "job":
                self._send_job(producer, row)
            elif row.kind == "event":
                self._send_event(producer, row)
            else:
                log.error("publisher.unknown_kind", kind=row.kind, message_id=row.message_id)
        if self._after_publish is not None:
            self._after_publish(rows)

    def _send_job(self, producer: Any, row: OutboxRecord) -> None:
        producer.publish(
            row.body,
            exchange=self._topology.jobs_exchange,
            routing_key=row.routing_key,
            declare=[self._topology.job_queue(row.routing_key)],
            serializer="json",
            delivery_mode=2,
            message_id=row.message_id,
            headers={**row.headers, "message_id": row.message_id, "kind": "job"},
        )

    def _send_event(self, producer: Any, row: OutboxRecord) -> None:
        try:
            event = cloudevents.from_outbox(
                message_id=row.message_id,
                routing_key=row.routing_key,
                headers=row.headers,
                body=row.body,
                created_at=row.created_at,
                oin=self._oin,
            )
        except cloudevents.BsnInAttributes:
            # never published: marked like the rest so it does not block the outbox
            log.error("publisher.event_refused", message_id=row.message_id)
            return
        producer.publish(
            event,
            exchange=self._topology.events_exchange,
            routing_key=row.routing_key,
            serializer=CLOUDEVENTS_SERIALIZER,
            delivery_mode=2,
            message_id=row.message_id,
            # CloudEvents AMQP binding: in structured mode the attributes live in the body
            headers={"message_id": row.message_id, "kind": "event"},
        )

    def _ensure_producer(self) -> Any:
        if self._producer is None:
            connection = self._broker.connect()
            connection.ensure_connection(max_retries=1)
            self._topology.declare(connection)
            self._connection = connection
            self._producer = Producer(connection.default_channel)
        return self._producer

    def _release(self) -> None:
        self._producer = None
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - closing a broken connection
                log.debug("publisher.release_failed")
            self._connection = None
