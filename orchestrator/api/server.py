"""``ketenregie serve``: the API, the timer scheduler and (once it exists) the outbox
publisher in one process on the embedded default.

Background loops run in threads next to uvicorn; they are started before the server
accepts requests and stopped (letting the current pass finish) when it shuts down.
Workers for scale run the same loops in their own processes instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import structlog
import uvicorn
from fastapi import FastAPI

from orchestrator.config import Settings
from orchestrator.domain.clock import Clock

log = structlog.get_logger(__name__)


class Background(Protocol):
    """A loop that runs in a background thread (e.g. :class:`SchedulerLoop`)."""

    def start(self) -> None: ...

    def stop(self, timeout: float | None = 30.0) -> None: ...


def run(
    app: FastAPI,
    *,
    host: str,
    port: int,
    background: Sequence[Background] = (),
    log_level: str = "info",
) -> None:
    """Serve ``app`` with uvicorn until interrupted, with ``background`` loops beside it."""
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False)
    )
    for loop in background:
        loop.start()
    try:
        log.info("api.serving", host=host, port=port)
        server.run()
    finally:
        for loop in reversed(background):
            loop.stop()
        log.info("api.stopped")


def serve(
    settings: Settings, *, clock: Clock | None = None, scheduler_interval: float = 5.0
) -> None:
    """Wire everything from ``settings`` and serve (the body of ``ketenregie serve``)."""
    from orchestrator.api.app import authenticator_from, create_app
    from orchestrator.bootstrap import build_default
    from orchestrator.scheduler.loop import SchedulerLoop

    container = build_default(settings, clock=clock)
    try:
        app = create_app(container, authenticator_from(settings))
        scheduler = SchedulerLoop(container.timers, container.messages, interval=scheduler_interval)
        run(app, host=settings.api_host, port=settings.api_port, background=[scheduler])
    finally:
        container.close()
