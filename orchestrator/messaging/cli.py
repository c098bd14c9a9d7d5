"""``ketenregie worker`` and ``ketenregie publish``, for the CLI to mount::

    from orchestrator.messaging import cli as messaging_cli
    app.command("worker")(messaging_cli.worker)
    app.command("publish")(messaging_cli.publish)

Both run until SIGINT or SIGTERM. ``worker`` needs only the broker (it never opens the
orchestrator's database); ``publish`` needs the database (outbox, results).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import structlog
import typer

from adapters.registry import load_adapters
from orchestrator.cli.state import state_of
from orchestrator.config import Settings
from orchestrator.messaging.connection import BrokerConfig
from orchestrator.messaging.runtime import MessagingRuntime, messaging_runtime
from orchestrator.messaging.worker import AdapterWorker, default_worker_id

log = structlog.get_logger(__name__)


@contextmanager
def _until_signal() -> Iterator[threading.Event]:
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("messaging.signal", signal=signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_workers(settings: Settings, adapters: Sequence[str], *, concurrency: int = 1) -> None:
    """Run ``concurrency`` adapter workers for ``adapters`` until SIGINT/SIGTERM."""
    registry = load_adapters(adapters, settings)
    broker = BrokerConfig.from_settings(settings)
    base = default_worker_id()
    workers = [
        AdapterWorker(registry, broker, worker_id=f"{base}:{n}", prefetch=settings.worker_prefetch)
        for n in range(concurrency)
    ]
    with _until_signal() as stop, MessagingRuntime(workers):
        typer.echo(f"worker: {', '.join(registry.topics())} ({concurrency}x); Ctrl-C stops it")
        stop.wait()


def worker(
    ctx: typer.Context,
    adapters: Annotated[
        str, typer.Option("--adapters", help="Comma-separated adapters: uwv,gemeente,sw_bedrijf.")
    ],
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Worker threads.")] = 1,
) -> None:
    """Handle jobs of the given adapters' topics from the broker."""
    names = [a for a in (part.strip() for part in adapters.split(",")) if a]
    if not names:
        raise typer.BadParameter("name at least one adapter", param_hint="--adapters")
    run_workers(state_of(ctx).settings(), names, concurrency=concurrency)


def publish(
    ctx: typer.Context,
    results: Annotated[
        bool, typer.Option("--results/--no-results", help="Also apply job results.")
    ] = True,
) -> None:
    """Publish the outbox (jobs, CloudEvents) and apply job results, until stopped."""
    with state_of(ctx).container() as app:
        runtime = messaging_runtime(app, apply_results=results, workers=0)
        with _until_signal() as stop, runtime:
            typer.echo("publishing the outbox; Ctrl-C stops it")
            stop.wait()
