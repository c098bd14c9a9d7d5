"""``ketenregie serve``: the scheduler loop until SIGINT/SIGTERM (``--once``: one pass)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from orchestrator.cli import output
from orchestrator.cli.options import JsonOption
from orchestrator.cli.state import state_of
from orchestrator.scheduler.loop import SchedulerLoop

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
    loop = SchedulerLoop(app.timers, app.messages, interval=interval)
    if once:
        result = loop.run_once()
        if as_json:
            output.emit_json(result)
        else:
            output.emit(
                f"timers fired: {result.timers_fired}, "
                f"messages purged: {result.messages_purged}"
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


def serve(
    ctx: typer.Context,
    interval: IntervalOption = 5.0,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Run the scheduler: fire due timers, purge expired messages, every interval."""
    state = state_of(ctx, as_json=as_json)
    output.configure_logging(debug=state.debug, verbose=True)
    with state.container() as app:
        run_scheduler(app, interval=interval, once=once, as_json=as_json)
