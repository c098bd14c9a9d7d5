"""Messaging inside one orchestrator process: publisher, result consumer, optional workers.

``ketenregie serve`` composes :func:`messaging_runtime` next to its scheduler loop::

    messaging = messaging_runtime(container, adapters=["uwv", "gemeente"])
    messaging.start()
    ...
    messaging.stop()
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from adapters.registry import AdapterRegistry, load_adapters
from orchestrator.bootstrap import Container
from orchestrator.messaging.connection import BrokerConfig
from orchestrator.messaging.publisher import OutboxPublisher
from orchestrator.messaging.results import ResultConsumer
from orchestrator.messaging.service import BackgroundService
from orchestrator.messaging.worker import AdapterWorker

log = structlog.get_logger(__name__)


class MessagingRuntime:
    """Starts and stops a set of messaging services as background threads.

    Args:
        services: what to run (publisher, result consumer, workers), started in order and
            stopped in reverse order.
    """

    def __init__(self, services: Sequence[BackgroundService]) -> None:
        self.services = list(services)
        self._started = False

    def start(self) -> None:
        """Start every service in its own thread."""
        if self._started:
            raise RuntimeError("the messaging runtime is already started")
        for service in self.services:
            service.start()
        self._started = True
        log.info("messaging.started", services=[s.name for s in self.services])

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every service (workers first, the publisher last)."""
        for service in reversed(self.services):
            service.stop(timeout)
        self._started = False
        log.info("messaging.stopped")

    def __enter__(self) -> MessagingRuntime:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def messaging_runtime(
    container: Container,
    *,
    adapters: Sequence[str] = (),
    registry: AdapterRegistry | None = None,
    workers: int = 1,
    publish: bool = True,
    apply_results: bool = True,
    broker: BrokerConfig | None = None,
) -> MessagingRuntime:
    """The messaging services of one orchestrator process.

    Args:
        container: the wired application (store, clock, jobs, settings).
        adapters: adapter packages to run in-process (``uwv``, ``gemeente``, ...); usual on
            the embedded default, where no separate worker process is needed.
        registry: topics to run in-process instead of (or besides) ``adapters``.
        workers: worker threads when there are topics to handle.
        publish: run the outbox publisher.
        apply_results: run the result consumer.
        broker: the broker (default: from the settings).
    """
    settings = container.settings
    config = broker or BrokerConfig.from_settings(settings)
    services: list[BackgroundService] = []
    if publish:
        services.append(
            OutboxPublisher(
                container.store,
                config,
                container.clock,
                oin=settings.oin,
                batch_size=settings.publisher_batch_size,
                interval=settings.publisher_interval,
            )
        )
    if apply_results:
        services.append(ResultConsumer(container.jobs, config))
    topics = registry if registry is not None else AdapterRegistry()
    if adapters:
        loaded = load_adapters(adapters, settings)
        for name in loaded.topics():
            topics.register(loaded.handler(name))
    if len(topics):
        for index in range(workers):
            worker = AdapterWorker(
                topics,
                config,
                worker_id=f"in-process-{index}",
                prefetch=settings.worker_prefetch,
            )
            services.append(worker)
    return MessagingRuntime(services)
