"""Processes that SIGKILL themselves at the worst moment (run with ``python -m``).

    python -m tests.integration.messaging.crashing worker <settings json> <partner dir> <point>
    python -m tests.integration.messaging.crashing publisher <settings json>

``worker`` handles jobs of :data:`TOPIC` against a file-based idempotent partner and kills
itself after the partner call, either before publishing the result (``before_result``) or
after the result was accepted and before acknowledging the job (``before_ack``).
``publisher`` publishes the outbox and kills itself before marking the rows published.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from adapters.registry import AdapterRegistry, JobContext, JobInput, JobOutput
from orchestrator.config import Settings
from orchestrator.messaging.connection import BrokerConfig
from orchestrator.messaging.worker import AdapterWorker

TOPIC = "test.verdubbelen"


class Getal(JobInput):
    getal: int


class Verdubbeld(JobOutput):
    verdubbeld: int


def file_partner(directory: Path) -> AdapterRegistry:
    """A partner that records every call and does the work once per idempotency key."""
    registry = AdapterRegistry()

    @registry.topic(TOPIC)
    def verdubbelen(ctx: JobContext, data: Getal) -> Verdubbeld:
        with (directory / "calls.log").open("a") as log:
            log.write(ctx.idempotency_key + "\n")
        done = directory / f"done-{ctx.idempotency_key}"
        try:
            with done.open("x") as fh:
                fh.write(str(data.getal * 2))
        except FileExistsError:
            pass
        return Verdubbeld(verdubbeld=int(done.read_text()))

    return registry


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class KillBeforeAck(AdapterWorker):
    def _acknowledge(self, message):  # type: ignore[no-untyped-def]
        _die()


def main(argv: list[str]) -> None:
    mode, settings_json = argv[0], argv[1]
    settings = Settings.model_validate_json(settings_json)
    broker = BrokerConfig.from_settings(settings)
    if mode == "worker":
        partner_dir, point = Path(argv[2]), argv[3]
        registry = file_partner(partner_dir)
        if point == "before_result":
            topic = registry.handler(TOPIC)
            inner = topic.fn

            def killing(ctx: JobContext, data: Getal) -> Verdubbeld:
                inner(ctx, data)
                _die()
                raise AssertionError("unreachable")

            registry = AdapterRegistry()
            registry.topic(TOPIC)(killing)
            AdapterWorker(registry, broker, worker_id="doomed").run()
        else:
            KillBeforeAck(registry, broker, worker_id="doomed").run()
    elif mode == "publisher":
        from orchestrator.bootstrap import build
        from orchestrator.domain.clock import SystemClock
        from orchestrator.engine.runner import SpiffEngine
        from orchestrator.messaging.publisher import OutboxPublisher

        clock = SystemClock()
        app = build(settings, engine=SpiffEngine(clock), clock=clock, migrate=False)
        publisher = OutboxPublisher(
            app.store, broker, clock, oin=settings.oin, after_publish=lambda rows: _die()
        )
        publisher.publish_once()
    raise SystemExit("should have been killed")


if __name__ == "__main__":
    main(sys.argv[1:])
    print(json.dumps({"error": "not killed"}))
