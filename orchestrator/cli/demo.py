"""``ketenregie demo``: migrate, deploy processes/bpmn, seed demo journeys, summarise, serve."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy import make_url

from orchestrator.cli import output
from orchestrator.cli.demo_data import DEMO_ACTOR, SeedResult, seed_journeys
from orchestrator.cli.deploy import SUFFIXES, collect_sources, render_report, report_json
from orchestrator.cli.options import JsonOption
from orchestrator.cli.output import InputError
from orchestrator.cli.queries import Overview, overview
from orchestrator.cli.serve import IntervalOption, run_scheduler
from orchestrator.cli.state import state_of
from orchestrator.config import Settings
from orchestrator.domain.errors import DeploymentRefused

if TYPE_CHECKING:
    from orchestrator.application.deploy import DeployReport
    from orchestrator.bootstrap import Container


def default_processes_dir() -> Path:
    """``processes/bpmn`` of the source tree (editable install), else of the working dir."""
    bundled = Path(__file__).resolve().parents[2] / "processes" / "bpmn"
    return bundled if bundled.is_dir() else Path("processes") / "bpmn"


def reset_database(settings: Settings) -> None:
    """Delete the embedded SQLite database (and its WAL files).

    Raises:
        InputError: the database is not a SQLite file (a server database is never dropped).
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise InputError("--reset only removes the embedded SQLite database")
    for suffix in ("", "-wal", "-shm"):
        Path(url.database + suffix).unlink(missing_ok=True)


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
    report: DeployReport | None, paths: dict[str, str], seeded: SeedResult | None, view: Overview
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
        "dueTimers": view.due_timers,
        "openIncidents": view.open_incidents,
    }


def render_summary(seeded: SeedResult | None, view: Overview) -> None:
    """The demo summary, for humans."""
    if seeded is None and not view.definitions:
        output.emit("demo data: no processes deployed, nothing to seed")
    elif seeded is None:
        output.emit("demo data: present already (not seeded again)")
    else:
        output.emit(
            f"demo data: {seeded.started} journeys started, "
            f"{seeded.tasks_completed} tasks completed"
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
    output.emit(f"\ndue timers: {view.due_timers}   open incidents: {view.open_incidents}")


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
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after the summary (no scheduler).")
    ] = False,
    interval: IntervalOption = 5.0,
    as_json: JsonOption = False,
) -> None:
    """Run the embedded demo: deploy the diagrams, seed journeys once, then serve."""
    state = state_of(ctx, as_json=as_json)
    if reset:
        reset_database(state.settings(data_dir))
    folder = processes or default_processes_dir()
    with state.container(data_dir) as app:
        report, paths = deploy_folder(app, folder)
        if report is None:
            output.note(f"no diagrams in {folder}: nothing deployed")
        seeded = None
        if not app.instances.find(limit=1) and app.deployments.latest_processes():
            seeded = seed_journeys(app)
        view = overview(app)
        if as_json:
            output.emit_json(summary_json(report, paths, seeded, view))
        else:
            if report is not None:
                render_report(report, paths)
            render_summary(seeded, view)
        if not no_serve:
            output.configure_logging(debug=state.debug, verbose=True)
            run_scheduler(app, interval=interval, once=False, as_json=False)
