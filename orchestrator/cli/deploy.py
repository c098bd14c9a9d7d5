"""``ketenregie deploy``: deploy BPMN/DMN files and print the deploy report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from orchestrator.application.deploy import DeployedDefinition, DeployReport
from orchestrator.cli import output
from orchestrator.cli.output import InputError
from orchestrator.cli.state import actor_of, state_of
from orchestrator.domain.errors import DeploymentRefused
from orchestrator.engine.contract import SourceFile

SUFFIXES = (".bpmn", ".dmn")


def collect_sources(paths: Sequence[Path]) -> tuple[list[SourceFile], dict[str, str]]:
    """Read the files named, and every ``*.bpmn``/``*.dmn`` below the directories named.

    Resources are named by file name (as Camunda does), so deploying the same diagram from
    another folder is recognised as unchanged.

    Returns:
        The source files, and resource name -> path as the user gave it (for messages).

    Raises:
        InputError: a path does not exist, a file is no BPMN/DMN, two files share a name, or
            nothing was found.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(f"{path}: not a .bpmn or .dmn file")
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    if not files:
        raise InputError("no .bpmn or .dmn files found in " + ", ".join(map(str, paths)))
    sources: list[SourceFile] = []
    names: dict[str, str] = {}
    for file in files:
        if file.name in names:
            raise InputError(f"two files are named {file.name}: {names[file.name]} and {file}")
        names[file.name] = str(file)
        sources.append(SourceFile(file.name, file.read_bytes()))
    return sources, names


def report_json(report: DeployReport, paths: dict[str, str]) -> dict[str, Any]:
    """The ``--json`` shape of a deploy report."""
    return {
        "deploymentId": report.deployment_id,
        "deployed": [_definition_json(d, paths) for d in report.deployed],
        "unchanged": [_definition_json(d, paths) for d in report.unchanged],
        "warnings": [output.problem_json(p, paths) for p in report.problems],
    }


def _definition_json(definition: DeployedDefinition, paths: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": definition.kind,
        "key": definition.key,
        "version": definition.version,
        "name": definition.name,
        "definitionId": definition.definition_id,
        "resource": definition.resource_name,
        "file": paths.get(definition.resource_name, definition.resource_name),
    }


def render_report(report: DeployReport, paths: dict[str, str]) -> None:
    """Print the deploy report for humans."""
    if report.deployment_id is None:
        output.emit("nothing new: every definition is identical to its latest version")
    else:
        output.emit(f"deployment {report.deployment_id}")
    for item in report.deployed:
        output.emit(f"  deployed   {item.kind:<8} {item.key} v{item.version}  ({item.name or '-'})")
    for item in report.unchanged:
        output.emit(f"  unchanged  {item.kind:<8} {item.key} v{item.version}  ({item.name or '-'})")
    for problem in report.problems:
        output.emit(f"  warning    {output.describe_problem(problem, paths)}")


def deploy(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="BPMN/DMN files or directories.")],
    name: Annotated[str | None, typer.Option("--name", help="Name of the deployment.")] = None,
    user: Annotated[str | None, typer.Option("--as", help="Who deploys (audit trail).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Deploy BPMN/DMN files; exit code 2 when the deployment is refused."""
    state = state_of(ctx, as_json=as_json)
    sources, file_paths = collect_sources(paths)
    actor = actor_of(user)
    with state.container() as app:
        try:
            report = app.deployments.deploy(sources, actor, name=name)
        except DeploymentRefused as refused:
            code = output.report_error(refused, as_json=as_json, paths=file_paths)
            raise typer.Exit(int(code)) from None
    if as_json:
        output.emit_json(report_json(report, file_paths))
    else:
        render_report(report, file_paths)
