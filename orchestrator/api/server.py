"""The web server of ``ketenregie serve``: uvicorn with background services beside it.

:func:`build_api` is the API as served (the routes of :func:`create_app` plus the partners'
inbound endpoints); :func:`run` serves it until SIGINT/SIGTERM. Background services (the
scheduler loop, the messaging runtime) are started before the server accepts requests and
stopped after it stopped accepting and finished its requests: in reverse order, each
letting its current pass finish.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Protocol

import structlog
import uvicorn
from fastapi import FastAPI

if TYPE_CHECKING:
    from orchestrator.bootstrap import Container

log = structlog.get_logger(__name__)


class Background(Protocol):
    """A service that runs in background threads (scheduler loop, messaging runtime)."""

    def start(self) -> None: ...

    def stop(self, timeout: float = ...) -> None: ...


def build_api(container: Container, *, metrics_dir: Path | None = None) -> FastAPI:
    """The API on ``container``: routes, authenticator from the settings, inbound endpoints.

    Args:
        container: the wired application.
        metrics_dir: prometheus_client's multiprocess directory when several processes
            serve the API (see :mod:`orchestrator.api.processes`).
    """
    from adapters.gemeente.inbound import build_inbound_router
    from orchestrator.api.app import authenticator_from, create_app

    settings = container.settings
    app = create_app(container, authenticator_from(settings), metrics_dir=metrics_dir)
    app.include_router(build_inbound_router(container, settings))
    return app


#: container allocations between collections of the young generation (Python's default: 700)
YOUNG_GC_THRESHOLD = 20_000


def freeze_startup_heap() -> None:
    """Take what start-up built (modules, the app, loaded specs) out of the garbage
    collector's scans. Measured under load: a full collection otherwise walks ~150,000
    start-up objects and holds every request for 60-110 ms; after this, 10-15 ms. Then
    collect the young generation less often."""
    gc.collect()
    gc.freeze()
    # Steps leave no cyclic garbage (see engine.hot.dismantle), so the young generation
    # is collected for nothing most of the time: at the default 700 allocations that was
    # ~600 collections per 4,500 completions, ~3 % of the server's CPU.
    gc.set_threshold(YOUNG_GC_THRESHOLD, 10, 10)


@contextmanager
def exit_on_signals(server: uvicorn.Server, stopped: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM ask ``server`` to exit (also before it runs); handlers restored after.

    uvicorn installs its own handlers while it runs and raises the signal again once it has
    shut down; that lands here too and only sets ``stopped``.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        if not stopped.is_set():
            log.info("serve.signal", signal=signal.Signals(signum).name)
        stopped.set()
        server.should_exit = True

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(
    app: FastAPI,
    *,
    host: str,
    port: int,
    background: Sequence[Background] = (),
    log_level: str = "warning",
    on_started: Sequence[str] = (),
) -> None:
    """Serve ``app`` with uvicorn until SIGINT/SIGTERM, with ``background`` beside it.

    Args:
        app: the ASGI app.
        host: interface to listen on.
        port: TCP port.
        background: started in order before serving, stopped in reverse order after.
        log_level: uvicorn's own log level.
        on_started: lines logged once the server listens (where to find what).
    """
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
            timeout_graceful_shutdown=10,
        )
    )
    stopped = threading.Event()
    started: list[Background] = []
    with exit_on_signals(server, stopped):
        try:
            for service in background:
                service.start()
                started.append(service)
            log.info("api.serving", url=f"http://{host}:{port}", notes=list(on_started))
            freeze_startup_heap()
            server.run()
        finally:
            for service in reversed(started):
                service.stop()
            log.info("api.stopped")
    if not server.started and not stopped.is_set():
        raise OSError(f"the API could not listen on {host}:{port} (see the log)")
