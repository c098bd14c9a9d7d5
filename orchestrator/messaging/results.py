"""The result consumer: applies what adapter workers report to the process instances.

Each result is applied in one transaction that also records its message id in the inbox
(``processed_messages``), then acknowledged. A crash after the commit and before the
acknowledgement redelivers the result, and the inbox turns it into a no-op; a crash before
the commit redelivers it and it is applied then. Failures follow the diagram's retry cycle
(``camunda:failedJobRetryTimeCycle``): a new attempt is queued in the outbox with its
backoff, or the job becomes an incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

import structlog
from kombu.message import Message
from kombu.messaging import Consumer

from orchestrator.application.job_results import JobResult, ResultOutcome
from orchestrator.messaging.connection import ACCEPT, BrokerConfig
from orchestrator.messaging.service import BackgroundService

log = structlog.get_logger(__name__)

_BACKOFF_START = 0.2
_BACKOFF_MAX = 5.0


class ResultApplier(Protocol):
    """The use case results go to (:meth:`JobService.apply_result`)."""

    def apply_result(self, result: JobResult) -> ResultOutcome: ...


def parse_result(body: Mapping[str, Any], message_id: str) -> JobResult:
    """A :class:`JobResult` from a result message.

    Raises:
        KeyError, TypeError, ValueError: not a result message.
    """
    outcome = str(body["outcome"])
    if outcome not in ("completed", "bpmn_error", "failed"):
        raise ValueError(f"unknown outcome {outcome!r}")
    retry_in = body.get("retry_in")
    return JobResult(
        message_id=message_id,
        job_id=str(body["job_id"]),
        attempt=int(body["attempt"]),
        outcome=outcome,  # type: ignore[arg-type]
        worker_id=str(body.get("worker_id") or "unknown"),
        variables=dict(body.get("variables") or {}),
        error_code=body.get("error_code"),
        error_message=str(body.get("error_message") or ""),
        retryable=bool(body.get("retryable", True)),
        retry_in=timedelta(seconds=float(retry_in)) if retry_in is not None else None,
    )


class ResultConsumer(BackgroundService):
    """Consumes ``ketenregie.results`` and applies each result through ``jobs``.

    Args:
        jobs: applies a result (idempotently).
        broker: the broker and its topology.
        prefetch: results received ahead at most.
        poll: seconds to wait for a message before checking whether to stop.
    """

    name = "ketenregie-results"

    def __init__(
        self,
        jobs: ResultApplier,
        broker: BrokerConfig,
        *,
        prefetch: int = 16,
        poll: float = 0.5,
    ) -> None:
        super().__init__()
        self._jobs = jobs
        self._broker = broker
        self._prefetch = prefetch
        self._poll = poll
        self.outcomes: dict[str, int] = {}

    def run(self) -> None:
        """Consume until stopped; broker or database trouble backs off and retries."""
        log.info("results.started")
        backoff = _BACKOFF_START
        while not self.stopping:
            try:
                self._consume()
                backoff = _BACKOFF_START
            except Exception as exc:  # noqa: BLE001 - broker or database away: retry
                log.warning("results.failed", error=type(exc).__name__, retry_in=backoff)
                self.wait(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
        log.info("results.stopped", outcomes=self.outcomes)

    def _consume(self) -> None:
        topology = self._broker.topology
        with self._broker.connect() as connection:
            connection.ensure_connection(max_retries=1)
            topology.declare(connection)
            with Consumer(
                connection.channel(),
                queues=[topology.results_queue],
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
        message_id = str(headers.get("message_id") or message.properties.get("message_id"))
        try:
            result = parse_result(body, message_id)
        except (KeyError, TypeError, ValueError):
            log.error("results.unreadable", message_id=message_id)
            message.reject(requeue=False)
            return
        # A database error propagates: the message stays unacknowledged and comes back.
        outcome = self._jobs.apply_result(result)
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        message.ack()
