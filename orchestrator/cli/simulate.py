"""``ketenregie simulate gemeente|uwv|sw-bedrijf``: a partner simulator in the foreground."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.simulate import DEFAULT_PORTS, run_simulator
from orchestrator.cli import output
from orchestrator.cli.state import state_of


def simulate(
    ctx: typer.Context,
    partner: Annotated[str, typer.Argument(help="gemeente, uwv or sw-bedrijf.")],
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option("--port", help="TCP port (default: the partner's own port).")
    ] = None,
) -> None:
    """Run the simulator of a partner system (a real HTTP server, with fault injection)."""
    key = partner.replace("_", "-")
    if key not in DEFAULT_PORTS:
        raise typer.BadParameter(
            f"unknown partner {partner!r}; choose from {', '.join(DEFAULT_PORTS)}",
            param_hint="PARTNER",
        )
    state = state_of(ctx)
    output.configure_logging(debug=state.debug, verbose=True)
    output.note(f"simulator {key} on {host}:{port or DEFAULT_PORTS[key]}; Ctrl-C stops it")
    run_simulator(key, host, port, settings=state.settings())
