"""``ketenregie demo``: the product on its embedded default, with a living Werkplein.

Starts the partner simulators in-process, migrates, deploys ``processes/bpmn``, seeds demo
journeys once (only into a database without instances, see :mod:`.demo_seed`), writes the
demo users file, prints the summary and serves (``ketenregie serve``: API, scheduler,
outbox publisher, in-process workers) until SIGINT/SIGTERM.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import make_url

from orchestrator import services
from orchestrator.cli import output
from orchestrator.cli.demo_data import DEMO_ACTOR
from orchestrator.cli.demo_pace import window_days
from orchestrator.cli.demo_partners import (
    demo_users,
    start_simulators,
    stop_simulators,
    write_users_file,
)
from orchestrator.cli.demo_seed import DEFAULT_JOURNEYS, SeedResult, seed_journeys
from orchestrator.cli.demo_summary import journeys_per_phase, render_summary, summary_json
from orchestrator.cli.deploy import SUFFIXES, collect_sources, render_report, report_json
from orchestrator.cli.options import JsonOption
from orchestrator.cli.output import InputError
from orchestrator.cli.queries import overview
from orchestrator.cli.serve import IntervalOption, serve_options
from orchestrator.cli.state import state_of
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from orchestrator.domain.errors import DeploymentRefused

if TYPE_CHECKING:
    from collections.abc import Callable

    from adapters.common.simrunner import SimulatorServer
    from orchestrator.application.deploy import DeployReport
    from orchestrator.bootstrap import Container

DEMO_PORT = 8080


def default_processes_dir() -> Path:
    """``processes/bpmn`` of the source tree (editable install), else of the working dir."""
    bundled = Path(__file__).resolve().parents[2] / "processes" / "bpmn"
    return bundled if bundled.is_dir() else Path("processes") / "bpmn"


def reset_database(settings: Settings) -> None:
    """Delete the embedded SQLite database and broker (and their WAL files).

    Raises:
        InputError: the database is not a SQLite file (a server database is never dropped).
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise InputError("--reset only removes the embedded SQLite database")
    files = [url.database]
    if settings.broker_url.startswith("sqla+sqlite:///"):
        files.append(settings.broker_url.removeprefix("sqla+sqlite:///"))
    for name in files:
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


def deploy_folder(app: Container, folder: Path) -> tuple[DeployReport | None, dict[str, str]]:
    """Deploy every diagram in ``folder``; (None, {}) when it holds none."""
    if not folder.is_dir() or not any(
        p.suffix.lower() in SUFFIXES for p in folder.rglob("*") if p.is_file()
    ):
        return None, {}
    sources, paths = collect_sources([folder])
    try:
        return app.deployments.deploy(sources, DEMO_ACTOR, name="demo"), paths
    except DeploymentRefused as refused:
        code = output.report_error(refused, as_json=False, paths=paths)
        raise typer.Exit(int(code)) from None


def demo(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Data folder (overrides the global one).")
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Start from an empty (SQLite) database.")
    ] = False,
    processes: Annotated[
        Path | None, typer.Option("--processes", help="Folder of diagrams to deploy.")
    ] = None,
    journeys: Annotated[
        int, typer.Option("--journeys", min=0, help="Journeys to seed into an empty database.")
    ] = DEFAULT_JOURNEYS,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=1,
            help="Days of history to seed (default: ~18 months for 300 journeys, "
            "proportionally fewer for fewer journeys).",
        ),
    ] = None,
    no_simulators: Annotated[
        bool, typer.Option("--no-simulators", help="Do not start the partner simulators.")
    ] = False,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after the summary (do not serve).")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Interface of the API.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="API port.")] = DEMO_PORT,
    interval: IntervalOption = 5.0,
    as_json: JsonOption = False,
) -> None:
    """Run the embedded demo: simulators, deploy, seed journeys once, summary, serve."""
    state = state_of(ctx, as_json=as_json)
    settings = state.settings(data_dir)
    if reset:
        reset_database(settings)
    simulators: list[SimulatorServer] = []
    if not no_simulators:
        simulators, settings = start_simulators(settings)
    settings = services.with_callback(settings, host, port)
    try:
        folder = processes or default_processes_dir()
        _run(settings, folder, (journeys, days), simulators, as_json)
        if not no_serve:
            output.configure_logging(debug=state.debug, verbose=True)
            options = serve_options(
                settings,
                host=host,
                port=port,
                interval=interval,
                adapters=None,
                no_workers=not simulators,
                notes=("demo users: bearer token <role>-demo, e.g. poortwachter-demo",),
                debug=state.debug,
            )
            _serve(settings, options)
    finally:
        stop_simulators(simulators)


def _run(
    settings: Settings,
    folder: Path,
    amount: tuple[int, int | None],
    simulators: list[SimulatorServer],
    as_json: bool,
) -> None:
    from orchestrator.bootstrap import build_default

    app = build_default(settings)
    try:
        empty = not app.instances.find(limit=1)
        if not empty:
            report, paths = deploy_folder(app, folder)
    finally:
        app.close()
    seeded = None
    if empty:
        report, paths, seeded = _seed(settings, folder, amount, simulators)
    if report is None:
        output.note(f"no diagrams in {folder}: nothing deployed")
    app = build_default(settings)  # the system clock again, as serve runs
    try:
        view = overview(app)
        phases = journeys_per_phase(app)
    finally:
        app.close()
    users = demo_users(settings)
    assert settings.users_file is not None  # noqa: S101 - defaulted by Settings
    if not write_users_file(settings.users_file, users):
        users = []
    if as_json:
        document = {"deploy": report_json(report, paths) if report else None}
        output.emit_json(document | summary_json(seeded, view, phases, users))
    else:
        if report is not None:
            render_report(report, paths)
        render_summary(seeded, view, phases, users)


def _seed(
    settings: Settings,
    folder: Path,
    amount: tuple[int, int | None],
    simulators: list[SimulatorServer],
) -> tuple[DeployReport | None, dict[str, str], SeedResult | None]:
    """Deploy and seed an empty database on a clock that starts the window before now.

    The diagrams are deployed at the start of the window, the journeys start after it and
    are replayed up to now (see :mod:`.demo_seed`); the seeding container is closed after.
    """
    from adapters.registry import load_adapters
    from orchestrator.bootstrap import build_default

    journeys, days = amount
    now = datetime.now(UTC)
    clock = ManualClock(now - timedelta(days=window_days(journeys, days)))
    app = build_default(settings, clock=clock)
    try:
        report, paths = deploy_folder(app, folder)
        if not app.deployments.latest_processes():
            return report, paths, None
        partners = load_adapters(services.ALL_ADAPTERS, settings) if simulators else None
        seeded = seed_journeys(
            app,
            clock,
            until=now,
            journeys=journeys,
            partners=partners,
            lopende_uitkering=_lopende_uitkering(simulators),
        )
        return report, paths, seeded
    finally:
        app.close()


def _lopende_uitkering(simulators: list[SimulatorServer]) -> Callable[[str, str], None] | None:
    """Registers a running uitkering ``(bsn, dossier)`` in the gemeente simulator."""
    gemeente = next((s for s in simulators if s.simulator.name == "gemeente"), None)
    if gemeente is None:
        return None
    uitkeringen = gemeente.state.uitkeringen

    def register(bsn: str, dossier: str) -> None:
        uitkeringen.lopende_uitkering(bsn=bsn, dossier=dossier)

    return register


def _serve(settings: Settings, options: services.ServeOptions) -> None:
    from orchestrator.cli.serve import serve_until_signal

    output.note(f"serving on http://{options.host}:{options.port}/api/v1/docs; Ctrl-C stops")
    serve_until_signal(settings, options)
