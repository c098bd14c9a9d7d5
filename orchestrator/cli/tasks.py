"""``ketenregie tasks | claim | unclaim | complete``: worklists and human tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from orchestrator.application.tasks import TaskQuery
from orchestrator.application.views import TaskView
from orchestrator.cli import output
from orchestrator.cli.instances import render_instance
from orchestrator.cli.options import (
    AsOption,
    GroupsOption,
    JsonOption,
    OrganisationOption,
    VarOption,
    VarsJsonOption,
)
from orchestrator.cli.state import actor_of, parse_variables, state_of

if TYPE_CHECKING:
    pass

TaskArgument = Annotated[str, typer.Argument(metavar="TASK", help="Task id.")]
RequiredAs = Annotated[str, typer.Option("--as", help="User id of the actor.")]


def render_tasks(tasks: list[TaskView]) -> None:
    """A worklist, for humans."""
    rows = [
        (
            t.id,
            f"{t.process_key} v{t.process_version}",
            t.business_key,
            f"{t.element_id} ({t.name})" if t.name else t.element_id,
            ",".join(t.candidate_groups) or None,
            t.assignee,
            output.when(t.due_at),
        )
        for t in tasks
    ]
    headers = ("ID", "PROCESS", "BUSINESS KEY", "TASK", "GROUPS", "ASSIGNEE", "DUE")
    output.emit(output.table(headers, rows))


def render_task(task: TaskView) -> None:
    """One task, for humans."""
    output.emit(
        f"task {task.id}  {task.element_id} ({task.name or '-'})  "
        f"assignee {task.assignee or '-'}  instance {task.instance_id}"
    )


def tasks(
    ctx: typer.Context,
    group: Annotated[str | None, typer.Option("--group", help="Candidate group.")] = None,
    candidate_user: Annotated[str | None, typer.Option("--user", help="Candidate user.")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee")] = None,
    organisation: OrganisationOption = None,
    process: Annotated[str | None, typer.Option("--process", help="Process key.")] = None,
    business_key: Annotated[str | None, typer.Option("--business-key")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    user: AsOption = None,
    groups: GroupsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The worklist: open tasks matching every filter, visible to the actor.

    Without --as the worklist is read as functioneel beheer (every task).
    """
    state = state_of(ctx, as_json=as_json)
    actor = actor_of(user, groups, organisation)
    query = TaskQuery(
        candidate_groups=(group,) if group else (),
        candidate_user=candidate_user,
        assignee=assignee,
        organisation=organisation,
        process_key=process,
        business_key=business_key,
        limit=limit,
    )
    with state.container() as app:
        found = app.tasks.worklist(actor, query)
    if as_json:
        output.emit_json(found)
    else:
        render_tasks(found)


def claim(
    ctx: typer.Context,
    task_id: TaskArgument,
    user: RequiredAs,
    groups: GroupsOption = None,
    organisation: OrganisationOption = None,
    as_json: JsonOption = False,
) -> None:
    """Claim a task (assign it to --as USER)."""
    state = state_of(ctx, as_json=as_json)
    with state.container() as app:
        task = app.tasks.claim(task_id, actor_of(user, groups, organisation))
    if as_json:
        output.emit_json(task)
    else:
        render_task(task)


def unclaim(
    ctx: typer.Context,
    task_id: TaskArgument,
    user: RequiredAs,
    groups: GroupsOption = None,
    organisation: OrganisationOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put a claimed task back on the group worklist."""
    state = state_of(ctx, as_json=as_json)
    with state.container() as app:
        task = app.tasks.unclaim(task_id, actor_of(user, groups, organisation))
    if as_json:
        output.emit_json(task)
    else:
        render_task(task)


def complete(
    ctx: typer.Context,
    task_id: TaskArgument,
    user: RequiredAs,
    var: VarOption = None,
    vars_json: VarsJsonOption = None,
    groups: GroupsOption = None,
    organisation: OrganisationOption = None,
    as_json: JsonOption = False,
) -> None:
    """Complete a task with form values; exit code 2 lists every invalid field."""
    state = state_of(ctx, as_json=as_json)
    variables = parse_variables(var or [], vars_json)
    with state.container() as app:
        view = app.tasks.complete(task_id, variables, actor_of(user, groups, organisation))
    if as_json:
        output.emit_json(view)
    else:
        render_instance(view)
