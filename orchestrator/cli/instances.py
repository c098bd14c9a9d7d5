"""``ketenregie start | instances | instance | terminate``."""

from __future__ import annotations

from typing import Annotated

import typer

from orchestrator.application.views import InstanceView
from orchestrator.cli import output
from orchestrator.cli.options import (
    AsOption,
    GroupsOption,
    JsonOption,
    OrganisationOption,
    VarOption,
    VarsJsonOption,
)
from orchestrator.cli.queries import InstanceDetails, instance_details
from orchestrator.cli.state import actor_of, parse_variables, state_of


def render_instance(view: InstanceView) -> None:
    """One instance, for humans."""
    output.emit(
        f"instance {view.id}  {view.process_key} v{view.process_version}  "
        f"business key {view.business_key or '-'}  {view.status}"
    )


def start(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Process key (BPMN process id).")],
    version: Annotated[int | None, typer.Option("--version", help="Process version.")] = None,
    business_key: Annotated[str | None, typer.Option("--business-key")] = None,
    var: VarOption = None,
    vars_json: VarsJsonOption = None,
    user: AsOption = None,
    groups: GroupsOption = None,
    organisation: OrganisationOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a process instance."""
    state = state_of(ctx, as_json=as_json)
    variables = parse_variables(var or [], vars_json)
    actor = actor_of(user, groups, organisation)
    with state.container() as app:
        view = app.instances.start(
            key, actor=actor, version=version, business_key=business_key, variables=variables
        )
    if as_json:
        output.emit_json(view)
    else:
        render_instance(view)


def instances(
    ctx: typer.Context,
    process: Annotated[str | None, typer.Option("--process", help="Process key.")] = None,
    business_key: Annotated[str | None, typer.Option("--business-key")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="running, completed, terminated, ...")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    as_json: JsonOption = False,
) -> None:
    """List process instances, newest first."""
    state = state_of(ctx, as_json=as_json)
    with state.container() as app:
        views = app.instances.find(
            business_key=business_key, process_key=process, status=status, limit=limit
        )
    if as_json:
        output.emit_json(views)
        return
    rows = [
        (
            v.id,
            v.process_key,
            v.process_version,
            v.business_key,
            v.status,
            output.when(v.started_at),
        )
        for v in views
    ]
    output.emit(output.table(("ID", "PROCESS", "V", "BUSINESS KEY", "STATUS", "STARTED"), rows))


def render_details(details: InstanceDetails) -> None:
    """An instance with its waits, for humans."""
    render_instance(details.instance)
    output.emit(f"  current: {', '.join(details.current_elements) or '-'}")
    for task in details.tasks:
        groups = ",".join(task.candidate_groups) or "-"
        output.emit(
            f"  task     {task.id}  {task.element_id} ({task.name or '-'})  "
            f"groups {groups}  assignee {task.assignee or '-'}"
        )
    for timer in details.timers:
        output.emit(f"  timer    {timer.element_id}  due {output.when(timer.due_at)}")
    for wait in details.waits:
        status = f"  {wait.status}" if wait.status else ""
        output.emit(f"  {wait.kind:<8} {wait.element_id}  {wait.name}{status}")
    for incident in details.incidents:
        output.emit(f"  incident {incident.id}  {incident.element_id or '-'}: {incident.message}")


def instance(
    ctx: typer.Context,
    instance_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOption = False,
) -> None:
    """Show one instance: state, current elements, open tasks, timers and incidents."""
    state = state_of(ctx, as_json=as_json)
    with state.container() as app:
        details = instance_details(app, instance_id)
    if as_json:
        output.emit_json(details)
    else:
        render_details(details)


def terminate(
    ctx: typer.Context,
    instance_id: Annotated[str, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="Why (audit trail).")],
    user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Terminate a running instance."""
    state = state_of(ctx, as_json=as_json)
    with state.container() as app:
        view = app.instances.terminate(instance_id, actor=actor_of(user), reason=reason)
    if as_json:
        output.emit_json(view)
    else:
        render_instance(view)
