"""The ``ketenregie`` command (typer): one module per command group, output in :mod:`.output`.

Product errors become exit codes (2 invalid or refused, 3 not found, 4 conflict, 5
forbidden, 1 other) with a one-line message; anything unexpected exits 70 with "internal
error, see log", and its traceback is logged only with ``--debug``. Nothing here connects
at import time: every command builds the container itself (:func:`bootstrap.build_default`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orchestrator.cli import (
    db,
    demo,
    deploy,
    instances,
    operations,
    output,
    serve,
    simulate,
    tasks,
)
from orchestrator.cli.guard import guarded
from orchestrator.cli.state import CliState

__all__ = ["app", "main"]


app = typer.Typer(
    name="ketenregie",
    help="Ketenregie: BPMN orchestration for the work-and-income chain.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL (overrides KETENREGIE_DATABASE_URL)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Data folder (overrides KETENREGIE_DATA_DIR)."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log debug lines and tracebacks to stderr.")
    ] = False,
) -> None:
    ctx.obj = CliState(database_url=database_url, data_dir=data_dir, debug=debug)
    output.configure_logging(debug=debug)


app.add_typer(db.db_app, name="db")
app.command("deploy")(guarded(deploy.deploy))
app.command("start")(guarded(instances.start))
app.command("instances")(guarded(instances.instances))
app.command("instance")(guarded(instances.instance))
app.command("terminate")(guarded(instances.terminate))
app.command("tasks")(guarded(tasks.tasks))
app.command("claim")(guarded(tasks.claim))
app.command("unclaim")(guarded(tasks.unclaim))
app.command("complete")(guarded(tasks.complete))
app.command("correlate")(guarded(operations.correlate))
app.command("incidents")(guarded(operations.incidents))
app.add_typer(operations.incident_app, name="incident")
app.command("serve")(guarded(serve.serve))
app.command("demo")(guarded(demo.demo))
app.command("simulate")(guarded(simulate.simulate))


def _mount_messaging() -> None:
    # Imported here so that ``ketenregie --help`` does not load kombu.
    from orchestrator.messaging import cli as messaging_cli

    app.command("worker")(guarded(messaging_cli.worker))
    app.command("publish")(guarded(messaging_cli.publish))


_mount_messaging()


def main() -> None:
    """Entry point of the ``ketenregie`` console script."""
    app()
