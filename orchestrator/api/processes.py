"""The API served from several processes (``serve --api-processes N``).

One uvicorn process serves the API on one core (the GIL); a CPU-bound API on a multi-core
machine answers more with more processes. The parent binds the listening socket and
spawns N API processes that all accept on it (the kernel hands each connection to one of
them). Each builds its own container from the same settings and the app as the
single-process path does (:func:`~orchestrator.api.server.build_api`); none runs a
background service. The parent serves no HTTP: it runs the background services it is
given (``ketenregie serve``: scheduler, outbox publisher, in-process workers) and
supervises: a child that dies unexpectedly is logged and started again, after a back-off
that grows while children die young (a child that crashes at start does not spin); when no
child ever came up the start-up failed and the parent gives up. SIGINT/SIGTERM stop the
children (uvicorn's graceful shutdown), then the background services.

Children are spawned, never forked: the parent has threads and database connections, and
a fork copies them half-way. ``/metrics`` adds the children's figures up through
prometheus_client's multiprocess files (:mod:`.process_metrics`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import structlog
import uvicorn

from orchestrator.api.process_metrics import MULTIPROC_ENV
from orchestrator.api.server import build_api, freeze_startup_heap

if TYPE_CHECKING:
    from orchestrator.api.server import Background
    from orchestrator.config import Settings

log = structlog.get_logger(__name__)

SPAWN = multiprocessing.get_context("spawn")

#: first pause before a dead child is started again; doubled while children die young
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
#: a child that served this long died of something else than its start: back-off resets
STABLE_AFTER = 10.0
#: SIGTERM to a child until it is killed (uvicorn gives requests 10 s to finish)
STOP_TIMEOUT = 15.0
#: how often the parent looks at its children
POLL = 0.2


class ApiStartFailed(RuntimeError):
    """No API process came up (a configuration or database problem; see the log)."""


@dataclass(frozen=True)
class ChildSpec:
    """What an API process gets from the parent (pickled to it).

    Attributes:
        settings: the settings of the parent; the child builds its container from them.
        metrics_dir: prometheus_client's multiprocess directory.
        log_level: uvicorn's own log level.
        configure_logging: sets up structlog in the child, which starts with the defaults.
    """

    settings: Settings
    metrics_dir: Path
    log_level: str = "warning"
    configure_logging: Callable[[], None] | None = None


def serve_api_processes(
    settings: Settings,
    host: str,
    port: int,
    processes: int,
    *,
    log_level: str = "warning",
    background: Sequence[Background] = (),
    on_started: Sequence[str] = (),
    configure_logging: Callable[[], None] | None = None,
) -> None:
    """Serve the API from ``processes`` processes on ``host:port`` until SIGINT/SIGTERM.

    Args:
        settings: every API process builds its container from these.
        host: interface to listen on.
        port: TCP port (0: a free one, logged as ``api.serving``).
        processes: number of API processes (at least 1).
        log_level: uvicorn's own log level in the API processes.
        background: services this (parent) process runs: started before the API
            processes, stopped after them, in reverse order.
        on_started: lines logged once the first API process listens.
        configure_logging: how an API process sets up structlog (picklable).

    Raises:
        ValueError: ``processes`` below 1.
        OSError: the socket could not be bound.
        ApiStartFailed: every API process died before it served.
    """
    if processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    migrate(settings)  # once, here: children migrating at once would race on a new database
    sock = listen(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}"
    started: list[Background] = []
    with (
        sock,
        tempfile.TemporaryDirectory(prefix="ketenregie-metrics-") as metrics_dir,
        _environment(MULTIPROC_ENV, metrics_dir),
        _stop_on_signals() as stopping,
    ):
        spec = ChildSpec(settings, Path(metrics_dir), log_level, configure_logging)
        pool = ApiProcessPool(spec, sock, processes)
        try:
            for service in background:
                service.start()
                started.append(service)
            pool.supervise(
                stopping,
                on_ready=lambda: log.info(
                    "api.serving", url=url, processes=processes, notes=list(on_started)
                ),
            )
        finally:
            pool.stop()
            for service in reversed(started):
                service.stop()
            log.info("api.stopped")


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port``, to be shared with the API processes."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections wait in the backlog while a child (re)starts
    except OSError as error:
        sock.close()
        raise OSError(f"the API could not listen on {host}:{port}: {error}") from error
    sock.set_inheritable(True)
    return sock


def migrate(settings: Settings) -> None:
    """Bring the database to the newest schema before the API processes open it."""
    from orchestrator.store import create_db_engine, upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    try:
        upgrade(settings.database_url, engine=engine)
    finally:
        engine.dispose()


@dataclass
class _Slot:
    """One place in the pool and the process that holds it now."""

    index: int
    process: SpawnProcess | None = None
    ready: Event | None = None
    started_at: float = 0.0
    restart_at: float = 0.0
    backoff: float = BACKOFF_FIRST
    announced: bool = False


class ApiProcessPool:
    """N API processes on one socket, started again when they die."""

    def __init__(self, spec: ChildSpec, sock: socket.socket, processes: int) -> None:
        self._spec = spec
        self._sock = sock
        self._slots = [_Slot(i) for i in range(processes)]
        self._ever_ready = False

    def supervise(self, stopping: threading.Event, *, on_ready: Callable[[], None]) -> None:
        """Start the processes, and start again those that die, until ``stopping`` is set.

        Raises:
            ApiStartFailed: a process died before any of them served.
        """
        while True:
            now = time.monotonic()
            for slot in self._slots:
                self._tend(slot, now, on_ready)
            if stopping.wait(POLL):
                return

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM every process (graceful shutdown), SIGKILL those still alive after
        ``timeout`` seconds."""
        running = [s.process for s in self._slots if s.process is not None]
        for process in running:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.warning("api.process_killed", pid=process.pid)
                process.kill()
                process.join(5)
            log.info("api.process_stopped", pid=process.pid, exitcode=process.exitcode)
        for slot in self._slots:
            slot.process = None

    def _tend(self, slot: _Slot, now: float, on_ready: Callable[[], None]) -> None:
        if slot.process is None:
            if now >= slot.restart_at:
                self._spawn(slot, now)
            return
        if not slot.announced and slot.ready is not None and slot.ready.is_set():
            slot.announced = True
            first = not self._ever_ready
            self._ever_ready = True
            log.info("api.process_ready", pid=slot.process.pid, index=slot.index)
            if first:
                on_ready()
        if slot.process.is_alive():
            return
        pid, exitcode = slot.process.pid, slot.process.exitcode
        slot.process.close()
        slot.process = None
        if not self._ever_ready:
            log.error("api.process_failed_to_start", pid=pid, exitcode=exitcode)
            raise ApiStartFailed(f"the API process {pid} exited ({exitcode}) before serving")
        lived = now - slot.started_at
        slot.backoff = (
            BACKOFF_FIRST if lived >= STABLE_AFTER else min(slot.backoff * 2, BACKOFF_MAX)
        )
        slot.restart_at = now + slot.backoff
        log.warning(
            "api.process_died",
            pid=pid,
            exitcode=exitcode,
            index=slot.index,
            lived_seconds=round(lived, 1),
            restart_in_seconds=slot.backoff,
        )

    def _spawn(self, slot: _Slot, now: float) -> None:
        slot.ready = SPAWN.Event()
        slot.announced = False
        process = SPAWN.Process(
            target=run_api_process,
            args=(self._spec, self._sock, slot.ready),
            name=f"ketenregie-api-{slot.index}",
        )
        process.start()
        slot.process = process
        slot.started_at = now
        log.info("api.process_started", pid=process.pid, index=slot.index)


class _ReadyServer(uvicorn.Server):
    """uvicorn's server that tells the parent once it accepts connections."""

    def __init__(self, config: uvicorn.Config, ready: Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._ready.set()


class _ChildStop:
    """SIGINT/SIGTERM in an API process: stop serving, then close the container.

    uvicorn installs its own handlers while it serves and raises the signal again once it
    has shut down; it lands here and only sets the flag, so the child exits normally.
    """

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.server: uvicorn.Server | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested.set()
        if self.server is not None:
            self.server.should_exit = True

    def watch_parent(self, parent: int) -> None:
        """Stop when the parent is gone (killed without a chance to stop us): no orphans."""
        while not self.requested.wait(1.0):
            if os.getppid() != parent:
                log.warning("api.parent_gone", parent=parent)
                self(signal.SIGTERM, None)


def run_api_process(spec: ChildSpec, sock: socket.socket, ready: Event) -> None:
    """The body of an API process: container, app, serve on ``sock`` until SIGTERM."""
    from orchestrator.bootstrap import build_default

    stop = _ChildStop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    threading.Thread(target=stop.watch_parent, args=(os.getppid(),), daemon=True).start()
    if spec.configure_logging is not None:
        spec.configure_logging()
    container = build_default(spec.settings)
    try:
        app = build_api(container, metrics_dir=spec.metrics_dir)
        config = uvicorn.Config(
            app, log_level=spec.log_level, access_log=False, timeout_graceful_shutdown=10
        )
        stop.server = _ReadyServer(config, ready)
        if stop.requested.is_set():
            return
        freeze_startup_heap()
        stop.server.run(sockets=[sock])
    finally:
        container.close()


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """``name=value`` in this process's environment, which spawned children inherit."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event SIGINT/SIGTERM set (handlers restored after; none off the main thread)."""
    stopping = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        if not stopping.is_set():
            log.info("serve.signal", signal=signal.Signals(signum).name)
        stopping.set()

    if threading.current_thread() is not threading.main_thread():
        yield stopping
        return
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stopping
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
