"""The adapter worker: consumes jobs, runs their handlers, reports results over the broker.

For every job message: build the :class:`~adapters.registry.JobContext`, run the topic's
handler, publish the outcome to the results queue (message id ``<job message id>:<attempt>``)
and only then acknowledge the job. A worker killed before the acknowledgement gets the job
delivered again (RabbitMQ at once; the embedded transport after its visibility timeout): the
handler runs again with the same idempotency key, so the partner does the work once, and
the result is applied once because the orchestrator deduplicates results by message id.

The worker needs the broker only, not the orchestrator's database.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import Any

import structlog
from kombu.message import Message
from kombu.messaging import Consumer, Producer

from adapters.registry import (
    AdapterRegistry,
    BusinessError,
    JobContext,
    PermanentError,
    RetryableError,
    UnknownTopic,
)
from orchestrator.messaging.connection import ACCEPT, RESULTS_ROUTING_KEY, BrokerConfig
from orchestrator.messaging.service import BackgroundService

log = structlog.get_logger(__name__)

_BACKOFF_START = 0.2
_BACKOFF_MAX = 5.0
#: longest error text sent back (it lands in the job and the incident)
_MAX_ERROR = 2000


def default_worker_id() -> str:
    """``<host>:<pid>``: names the worker in audit trails and incidents."""
    return f"{socket.gethostname()}:{os.getpid()}"


def handle_job(
    registry: AdapterRegistry, body: Mapping[str, Any], headers: Mapping[str, Any]
) -> dict[str, Any]:
    """Run the handler for one job message and return the result fields.

    Every outcome is a result: output variables, a business error, or a failure saying
    whether to retry. Only a job message that cannot be read at all raises (KeyError).
    """
    attempt = int(headers.get("attempt") or 1)
    ctx = JobContext(
        job_id=str(body["job_id"]),
        topic=str(body["topic"]),
        instance_id=str(body["instance_id"]),
        business_key=body.get("business_key"),
        attempt=attempt,
        idempotency_key=str(body["job_id"]),
        process_key=body.get("process_key"),
        element_id=body.get("element_id"),
    )
    base: dict[str, Any] = {"job_id": ctx.job_id, "attempt": attempt}
    try:
        topic = registry.handler(ctx.topic)
        variables = topic.run(ctx, body.get("variables") or {})
    except BusinessError as exc:
        log.info("worker.business_error", job_id=ctx.job_id, code=exc.code)
        return {
            **base,
            "outcome": "bpmn_error",
            "error_code": exc.code,
            "error_message": exc.message[:_MAX_ERROR],
            "variables": exc.variables,
        }
    except RetryableError as exc:
        log.warning("worker.retryable_failure", job_id=ctx.job_id, attempt=attempt)
        retry_in = exc.retry_in.total_seconds() if exc.retry_in is not None else None
        return {**base, **_failure(exc.message, retryable=True), "retry_in": retry_in}
    except (PermanentError, UnknownTopic) as exc:
        log.warning("worker.permanent_failure", job_id=ctx.job_id, error=type(exc).__name__)
        return {**base, **_failure(str(exc), retryable=False)}
    except Exception as exc:
        log.exception("worker.handler_crashed", job_id=ctx.job_id, topic=ctx.topic)
        return {**base, **_failure(f"{type(exc).__name__}: {exc}", retryable=True)}
    log.info("worker.completed", job_id=ctx.job_id, topic=ctx.topic, attempt=attempt)
    return {**base, "outcome": "completed", "variables": variables}


def _failure(message: str, *, retryable: bool) -> dict[str, Any]:
    return {"outcome": "failed", "error_message": message[:_MAX_ERROR], "retryable": retryable}


class AdapterWorker(BackgroundService):
    """Consumes the job queues of every topic in ``registry``.

    Args:
        registry: the topics this worker handles.
        broker: the broker and its topology.
        worker_id: names the worker (default ``<host>:<pid>``).
        prefetch: jobs received ahead (unacknowledged) at most.
        poll: seconds to wait for a message before checking whether to stop.
    """

    name = "ketenregie-worker"

    def __init__(
        self,
        registry: AdapterRegistry,
        broker: BrokerConfig,
        *,
        worker_id: str | None = None,
        prefetch: int = 4,
        poll: float = 0.5,
    ) -> None:
        super().__init__()
        if not registry.topics():
            raise ValueError("the worker has no topics to handle")
        self._registry = registry
        self._broker = broker
        self._topology = broker.topology
        self.worker_id = worker_id or default_worker_id()
        self._prefetch = prefetch
        self._poll = poll
        self._producer: Any = None
        self.handled = 0

    def run(self) -> None:
        """Consume until stopped; a lost broker connection backs off and reconnects."""
        log.info("worker.started", worker_id=self.worker_id, topics=list(self._registry.topics()))
        backoff = _BACKOFF_START
        while not self.stopping:
            try:
                self._consume()
                backoff = _BACKOFF_START
            except Exception as exc:  # noqa: BLE001 - broker away: reconnect
                log.warning("worker.connection_lost", error=type(exc).__name__, retry_in=backoff)
                self.wait(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
        log.info("worker.stopped", worker_id=self.worker_id, handled=self.handled)

    def _consume(self) -> None:
        # Results go out on a connection of their own: waiting for a publisher confirm on
        # the consuming connection would dispatch the next job inside this one's callback.
        with self._broker.connect() as connection, self._broker.connect() as results:
            connection.ensure_connection(max_retries=1)
            results.ensure_connection(max_retries=1)
            self._topology.declare(connection, self._registry.topics())
            channel = connection.channel()
            self._producer = Producer(results.default_channel)
            queues = [self._topology.job_queue(t) for t in self._registry.topics()]
            with Consumer(
                channel,
                queues=queues,
                callbacks=[self._on_message],
                accept=ACCEPT,
                prefetch_count=self._prefetch,
            ):
                while not self.stopping:
                    try:
                        connection.drain_events(timeout=self._poll)
                    except TimeoutError:
                        continue

    def _on_message(self, body: Any, message: Message) -> None:
        headers = message.headers or {}
        job_message_id = str(headers.get("message_id") or message.properties.get("message_id"))
        try:
            result = handle_job(self._registry, body, headers)
        except (KeyError, TypeError, ValueError):
            # not a job we can read: nothing to report to; drop it loudly
            log.error("worker.unreadable_job", message_id=job_message_id)
            message.reject(requeue=False)
            return
        result["worker_id"] = self.worker_id
        result_id = f"{job_message_id}:{result['attempt']}"
        self._producer.publish(
            result,
            exchange=self._topology.results_exchange,
            routing_key=RESULTS_ROUTING_KEY,
            declare=[self._topology.results_queue],
            serializer="json",
            delivery_mode=2,
            message_id=result_id,
            headers={"message_id": result_id, "kind": "result"},
        )
        self._acknowledge(message)
        self.handled += 1

    def _acknowledge(self, message: Message) -> None:
        """Acknowledge the job (after its result was accepted by the broker)."""
        message.ack()
