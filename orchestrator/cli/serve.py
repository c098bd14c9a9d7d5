"""``ketenregie serve``: API, scheduler, outbox publisher and in-process workers until
SIGINT/SIGTERM (see :mod:`orchestrator.services`), the API in this process or, with
``--api-processes N``, in N spawned ones; ``--once``: one scheduler pass and exit."""

from __future__ import annotations

import functools
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from orchestrator import services
from orchestrator.cli import output
from orchestrator.cli.options import JsonOption
from orchestrator.cli.output import InputError
from orchestrator.cli.state import state_of
from orchestrator.config import Settings
from orchestrator.scheduler.loop import SchedulerLoop
from orchestrator.services import ServeOptions, parse_adapters, with_callback

if TYPE_CHECKING:
    from orchestrator.bootstrap import Container

IntervalOption = Annotated[
    float, typer.Option("--interval", min=0.01, help="Seconds between two scheduler passes.")
]


@contextmanager
def stop_on_signals(loop: SchedulerLoop) -> Iterator[None]:
    """Let SIGINT and SIGTERM stop ``loop`` after its current pass (handlers restored after)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        output.note(f"{signal.Signals(signum).name}: stopping after the current pass")
        loop.stop(timeout=0)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_scheduler(app: Container, *, interval: float, once: bool, as_json: bool) -> None:
    """Compose the scheduler loop on ``app``: one pass (``once``) or until a signal."""
    loop = services.scheduler_for(app, interval)
    if once:
        result = loop.run_once()
        if as_json:
            output.emit_json(result)
        else:
            output.emit(
                f"timers fired: {result.timers_fired}, "
                f"messages purged: {result.messages_purged}, "
                f"outbox rows purged: {result.outbox_purged}"
                + (" (pass failed, see log)" if result.failed else "")
            )
        if result.failed:
            raise typer.Exit(int(output.ExitCode.ERROR))
        return
    if not as_json:
        output.note(f"scheduler running every {interval:g} s; Ctrl-C stops it")
    with stop_on_signals(loop):
        loop.run()
    if as_json:
        output.emit_json({"passes": loop.passes, "stopped": True})


HostOption = Annotated[str | None, typer.Option("--host", help="Interface of the API.")]
PortOption = Annotated[
    int | None, typer.Option("--port", min=0, max=65535, help="TCP port of the API.")
]
AdaptersOption = Annotated[
    str | None,
    typer.Option(
        "--adapters",
        help="Adapters to run in-process, comma-separated (gemeente,uwv,sw_bedrijf); "
        "default: all on the embedded broker, none on RabbitMQ.",
    ),
]
NoWorkersOption = Annotated[
    bool, typer.Option("--no-workers", help="No in-process adapter workers.")
]
ApiProcessesOption = Annotated[
    int | None,
    typer.Option(
        "--api-processes",
        min=1,
        help="Processes serving the API on one port (default: KETENREGIE_API_PROCESSES, 1). "
        "More than 1 spawns API-only processes, restarted when they die, while this process "
        "runs the scheduler, publisher and workers; for a CPU-bound API on several cores.",
    ),
]


def serve_options(
    settings: Settings,
    *,
    host: str | None,
    port: int | None,
    interval: float,
    adapters: str | None,
    no_workers: bool,
    notes: Sequence[str] = (),
    api_processes: int | None = None,
    debug: bool = False,
) -> ServeOptions:
    """The :class:`ServeOptions` of the command line (``settings`` fill in host, port and
    the number of API processes).

    Raises:
        InputError: an unknown adapter, or fewer than one API process.
    """
    try:
        names = parse_adapters(adapters)
    except ValueError as error:
        raise InputError(str(error)) from None
    processes = settings.api_processes if api_processes is None else api_processes
    if processes < 1:
        raise InputError(f"--api-processes must be at least 1, not {processes}")
    return ServeOptions(
        host=host or settings.api_host,
        port=settings.api_port if port is None else port,
        interval=interval,
        adapters=names,
        workers=not no_workers,
        notes=tuple(notes),
        api_processes=processes,
        process_logging=functools.partial(output.configure_logging, debug=debug, verbose=True),
    )


def serve(
    ctx: typer.Context,
    host: HostOption = None,
    port: PortOption = None,
    interval: IntervalOption = 5.0,
    adapters: AdaptersOption = None,
    no_workers: NoWorkersOption = False,
    api_processes: ApiProcessesOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="One scheduler pass, then exit (no API).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Run Ketenregie: the API, the timer scheduler, the outbox publisher and (on the
    embedded broker) the adapter workers, until SIGINT/SIGTERM.

    With --api-processes N (N > 1) N processes serve the API on the one port and this
    process runs the rest and supervises them; /metrics adds up their figures."""
    state = state_of(ctx, as_json=as_json)
    if once:
        with state.container() as app:
            run_scheduler(app, interval=interval, once=True, as_json=as_json)
        return
    output.configure_logging(debug=state.debug, verbose=True)
    settings = state.settings()
    options = serve_options(
        settings,
        host=host,
        port=port,
        interval=interval,
        adapters=adapters,
        no_workers=no_workers,
        api_processes=api_processes,
        debug=state.debug,
    )
    serve_until_signal(with_callback(settings, options.host, options.port), options)


def serve_until_signal(settings: Settings, options: ServeOptions) -> None:
    """Build the container on ``settings``, serve until a signal, close the container."""
    from orchestrator.bootstrap import build_default

    container = build_default(settings)
    try:
        services.serve(container, options)
    finally:
        container.close()
