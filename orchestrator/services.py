"""What ``ketenregie serve`` runs: API, scheduler, outbox, in-process workers.

On the embedded default (SQLite, ``sqla+sqlite`` broker) one process runs everything: the
API (uvicorn), the timer scheduler (with the hourly purge of the published outbox), the
outbox publisher, the result consumer and an adapter worker for every partner. Against a
real broker the workers run as ``ketenregie worker --adapters ...`` processes for scale,
unless ``--adapters`` names some to run in-process anyway. With ``--api-processes N`` (N > 1)
the API is served by N spawned processes on one socket (:mod:`orchestrator.api.processes`)
and this process runs the background services and supervises them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from orchestrator.scheduler.housekeeping import OutboxPurge
from orchestrator.scheduler.loop import SchedulerLoop

if TYPE_CHECKING:
    from orchestrator.api.server import Background
    from orchestrator.bootstrap import Container
    from orchestrator.config import Settings

log = structlog.get_logger(__name__)

#: every partner adapter package
ALL_ADAPTERS = ("gemeente", "uwv", "sw_bedrijf")
#: the default ``terugmeld_url`` (partners call back on the default API port)
_DEFAULT_CALLBACK = "http://127.0.0.1:8000/api/v1/cloudevents"


@dataclass(frozen=True)
class ServeOptions:
    """How to serve.

    Attributes:
        host: interface of the API.
        port: TCP port of the API.
        interval: seconds between two scheduler passes.
        adapters: adapters to run in-process (None: all of them on the embedded broker,
            none against a real broker).
        workers: run in-process adapter workers at all (``--no-workers``: never).
        notes: lines to log once the API listens (demo users, simulators).
        api_processes: processes serving the API (1: this process, beside the services).
        process_logging: how a spawned API process sets up structlog (picklable; it
            starts with structlog's defaults).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    interval: float = 5.0
    adapters: Sequence[str] | None = None
    workers: bool = True
    notes: Sequence[str] = field(default_factory=tuple)
    api_processes: int = 1
    process_logging: Callable[[], None] | None = None


def embedded_broker(settings: Settings) -> bool:
    """True when the broker is the embedded ``sqla+`` transport."""
    return settings.broker_url.startswith("sqla+")


def in_process_adapters(settings: Settings, options: ServeOptions) -> list[str]:
    """The adapters whose workers run inside ``serve``."""
    if not options.workers:
        return []
    if options.adapters is not None:
        return list(options.adapters)
    return list(ALL_ADAPTERS) if embedded_broker(settings) else []


def parse_adapters(raw: str | None) -> list[str] | None:
    """``--adapters uwv,gemeente`` as a list (None when not given).

    Raises:
        ValueError: an unknown adapter name.
    """
    if raw is None:
        return None
    names = [n.strip().replace("-", "_") for n in raw.split(",") if n.strip()]
    unknown = sorted(set(names) - set(ALL_ADAPTERS))
    if unknown:
        raise ValueError(f"unknown adapter(s) {', '.join(unknown)}; choose from {ALL_ADAPTERS}")
    return names


def with_callback(settings: Settings, host: str, port: int) -> Settings:
    """``settings`` whose default ``terugmeld_url`` points at the API actually served."""
    if settings.adapters.terugmeld_url != _DEFAULT_CALLBACK:
        return settings
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared only
    adapters = settings.adapters.model_copy(
        update={"terugmeld_url": f"http://{shown}:{port}/api/v1/cloudevents"}
    )
    return settings.model_copy(update={"adapters": adapters})


def scheduler_for(container: Container, interval: float) -> SchedulerLoop:
    """The scheduler loop with its housekeeping (purge the outbox published over a day ago)."""
    purge = OutboxPurge(container.store, container.clock)
    return SchedulerLoop(
        container.timers, container.messages, interval=interval, housekeeping=[purge]
    )


def background_services(container: Container, options: ServeOptions) -> list[Background]:
    """The scheduler and the messaging runtime (publisher, results, in-process workers)."""
    from orchestrator.messaging.runtime import messaging_runtime

    adapters = in_process_adapters(container.settings, options)
    messaging = messaging_runtime(container, adapters=adapters)
    log.info(
        "serve.composed",
        broker="embedded" if embedded_broker(container.settings) else "external",
        in_process_adapters=adapters,
    )
    return [scheduler_for(container, options.interval), messaging]


def serve(container: Container, options: ServeOptions) -> None:
    """Serve the API with every background service until SIGINT/SIGTERM.

    One API process: uvicorn in this process, the services beside it. More: the API
    processes are spawned, this process runs the services (and shares its own group
    commits with ``/metrics``) and supervises them.

    The container is not closed here (the caller owns it).
    """
    if options.api_processes > 1:
        _serve_processes(container, options)
        return
    from orchestrator.api.server import build_api, run

    run(
        build_api(container),
        host=options.host,
        port=options.port,
        background=background_services(container, options),
        on_started=options.notes,
    )


def _serve_processes(container: Container, options: ServeOptions) -> None:
    from orchestrator.api.process_metrics import GroupCommitExport
    from orchestrator.api.processes import serve_api_processes

    serve_api_processes(
        container.settings,
        options.host,
        options.port,
        options.api_processes,
        background=[*background_services(container, options), GroupCommitExport(container.store)],
        on_started=options.notes,
        configure_logging=options.process_logging,
    )
