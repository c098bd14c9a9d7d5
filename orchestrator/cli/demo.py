"""``ketenregie demo``: the product on its embedded default, with a living Werkplein.

Starts the partner simulators in-process, migrates, deploys ``processes/bpmn``, seeds demo
journeys once (only into a database without instances, see :mod:`.demo_seed`), writes the
demo users file, prints the summary and serves (``ketenregie serve``: API, scheduler,
outbox publisher, in-process workers) until SIGINT/SIGTERM.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy import make_url

from orchestrator import services
from orchestrator.cli import output
from orchestrator.cli.demo_data import DEMO_ACTOR
from orchestrator.cli.demo_partners import (
    DemoUser,
    demo_users,
    start_simulators,
    stop_simulators,
    write_users_file,
)
from orchestrator.cli.demo_seed import DEFAULT_JOURNEYS, SeedResult, seed_journeys
from orchestrator.cli.deploy import SUFFIXES, collect_sources, render_report, report_json
from orchestrator.cli.options import JsonOption
from orchestrator.cli.output import InputError
from orchestrator.cli.queries import Overview, overview
from orchestrator.cli.serve import IntervalOption, serve_options
from orchestrator.cli.state import state_of
from orchestrator.config import Settings
from orchestrator.domain.errors import DeploymentRefused

if TYPE_CHECKING:
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


def summary_json(
    report: DeployReport | None,
    paths: dict[str, str],
    seeded: SeedResult | None,
    view: Overview,
    users: list[DemoUser],
) -> dict[str, Any]:
    """The ``--json`` document of the demo."""
    return {
        "deploy": report_json(report, paths) if report else None,
        "seeded": seeded,
        "definitions": [
            {"key": key, "version": version, "name": name}
            for key, version, name in view.definitions
        ],
        "instances": [
            {"process": process, "element": element, "count": count}
            for (process, element), count in sorted(view.instances_per_element.items())
        ],
        "openTasksPerGroup": dict(sorted(view.tasks_per_group.items())),
        "openTasksPerOrganisation": dict(sorted(view.tasks_per_organisation.items())),
        "pendingTimers": view.pending_timers,
        "dueTimers": view.due_timers,
        "nextTimerAt": view.next_timer,
        "openIncidents": view.open_incidents,
        "users": [{"id": u.user_id, "role": u.role, "token": u.token} for u in users],
    }


def render_summary(seeded: SeedResult | None, view: Overview, users: list[DemoUser]) -> None:
    """The demo summary, for humans."""
    if seeded is None and not view.definitions:
        output.emit("demo data: no processes deployed, nothing to seed")
    elif seeded is None:
        output.emit("demo data: present already (not seeded again)")
    else:
        per_process = ", ".join(f"{k} {n}" for k, n in sorted(seeded.per_process.items()))
        output.emit(
            f"demo data: {seeded.started} journeys ({per_process}) in {seeded.seconds:g} s; "
            f"{seeded.tasks_completed} tasks completed, {seeded.jobs_answered} partner jobs "
            f"answered, {seeded.messages_correlated} messages delivered"
        )
        if seeded.incident:
            output.emit(f"  the one deliberate incident: {seeded.incident}")
        for where, missing in sorted(seeded.answered_by_hand.items()):
            output.emit(
                f"  answered without the partner: {where} (the diagram passes no "
                f"{', '.join(missing)})"
            )
        for failure in seeded.failures:
            output.emit(f"  stopped early: {failure}")
    output.emit("\ndeployed processes:")
    for key, version, name in view.definitions:
        output.emit(f"  {key} v{version}  {name or ''}".rstrip())
    output.emit("\ninstances per process and element:")
    rows = [(p, e, n) for (p, e), n in sorted(view.instances_per_element.items())]
    output.emit(output.table(("PROCESS", "ELEMENT", "INSTANCES"), rows))
    output.emit("\nopen tasks per group:")
    output.emit(output.table(("GROUP", "TASKS"), sorted(view.tasks_per_group.items())))
    output.emit("\nopen tasks per organisation:")
    output.emit(
        output.table(("ORGANISATION", "TASKS"), sorted(view.tasks_per_organisation.items()))
    )
    output.emit(
        f"\ntimers pending: {view.pending_timers} (due now: {view.due_timers}, next at "
        f"{output.when(view.next_timer)} UTC)   open incidents: {view.open_incidents}"
    )
    if users:
        output.emit(
            "\ndemo users (bearer token = <role>-demo): "
            + ", ".join(u.token for u in users[:4])
            + ", ..."
        )


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
        _run(settings, processes or default_processes_dir(), journeys, simulators, as_json)
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
            )
            _serve(settings, options)
    finally:
        stop_simulators(simulators)


def _run(
    settings: Settings,
    folder: Path,
    journeys: int,
    simulators: list[SimulatorServer],
    as_json: bool,
) -> None:
    from adapters.registry import load_adapters
    from orchestrator.bootstrap import build_default

    app = build_default(settings)
    try:
        report, paths = deploy_folder(app, folder)
        if report is None:
            output.note(f"no diagrams in {folder}: nothing deployed")
        seeded = None
        if not app.instances.find(limit=1) and app.deployments.latest_processes():
            partners = load_adapters(services.ALL_ADAPTERS, settings) if simulators else None
            seeded = seed_journeys(app, journeys=journeys, partners=partners)
        view = overview(app)
        users = demo_users(settings)
        assert settings.users_file is not None  # noqa: S101 - defaulted by Settings
        if not write_users_file(settings.users_file, users):
            users = []
        if as_json:
            output.emit_json(summary_json(report, paths, seeded, view, users))
        else:
            if report is not None:
                render_report(report, paths)
            render_summary(seeded, view, users)
    finally:
        app.close()


def _serve(settings: Settings, options: services.ServeOptions) -> None:
    from orchestrator.cli.serve import serve_until_signal

    output.note(f"serving on http://{options.host}:{options.port}/api/v1/docs; Ctrl-C stops")
    serve_until_signal(settings, options)
