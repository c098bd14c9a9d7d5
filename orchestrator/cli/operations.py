"""``ketenregie correlate | incidents | incident retry | incident resolve``."""

from __future__ import annotations

from typing import Annotated

import typer

from orchestrator.application.views import IncidentView
from orchestrator.cli import output
from orchestrator.cli.guard import guarded
from orchestrator.cli.options import AsOption, JsonOption, VarOption, VarsJsonOption
from orchestrator.cli.state import actor_of, parse_pairs, parse_variables, state_of

incident_app = typer.Typer(help="Retry or resolve one incident.", no_args_is_help=True)

IncidentArgument = Annotated[str, typer.Argument(metavar="ID", help="Incident id.")]


def correlate(
    ctx: typer.Context,
    message: Annotated[str, typer.Argument(help="Message name.")],
    business_key: Annotated[str | None, typer.Option("--business-key")] = None,
    correlation: Annotated[
        list[str] | None,
        typer.Option("--correlation", help="k=v a subscription must match; repeatable."),
    ] = None,
    var: VarOption = None,
    vars_json: VarsJsonOption = None,
    message_id: Annotated[
        str | None, typer.Option("--message-id", help="Deduplication id of the message.")
    ] = None,
    user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Deliver a message to a waiting instance, start a process on it, or buffer it."""
    state = state_of(ctx, as_json=as_json)
    keys = parse_pairs(correlation or [], "--correlation")
    variables = parse_variables(var or [], vars_json)
    with state.container() as app:
        result = app.messages.correlate(
            message,
            business_key=business_key,
            correlation=keys,
            variables=variables,
            message_id=message_id,
            actor=actor_of(user),
        )
    if as_json:
        output.emit_json(result)
        return
    target = result.instance_id or result.buffered_id
    output.emit(f"{result.outcome}{f' {target}' if target else ''}")


def render_incidents(incidents: list[IncidentView]) -> None:
    """Incidents, for humans."""
    rows = [
        (i.id, i.kind, i.instance_id, i.element_id, output.when(i.created_at), i.message)
        for i in incidents
    ]
    output.emit(output.table(("ID", "KIND", "INSTANCE", "ELEMENT", "CREATED", "MESSAGE"), rows))


def incidents(
    ctx: typer.Context,
    instance_id: Annotated[str | None, typer.Option("--instance", help="Instance id.")] = None,
    include_resolved: Annotated[
        bool, typer.Option("--all", help="Resolved incidents too.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    as_json: JsonOption = False,
) -> None:
    """List open incidents, oldest first."""
    state = state_of(ctx, as_json=as_json)
    with state.container() as app:
        found = app.incidents.list(
            instance_id=instance_id, open_only=not include_resolved, limit=limit
        )
    if as_json:
        output.emit_json(found)
    else:
        render_incidents(found)


@incident_app.command("retry")
@guarded
def retry(
    ctx: typer.Context,
    incident_id: IncidentArgument,
    var: VarOption = None,
    vars_json: VarsJsonOption = None,
    user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Retry an incident (re-arm its job, or re-run the failed step with --var fixes)."""
    state = state_of(ctx, as_json=as_json)
    variables = parse_variables(var or [], vars_json)
    with state.container() as app:
        view = app.incidents.retry(incident_id, actor_of(user), variables or None)
    _render_one(view, as_json)


@incident_app.command("resolve")
@guarded
def resolve(
    ctx: typer.Context,
    incident_id: IncidentArgument,
    user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close an incident without retrying (it was fixed another way)."""
    state = state_of(ctx, as_json=as_json)
    with state.container() as app:
        view = app.incidents.resolve(incident_id, actor_of(user))
    _render_one(view, as_json)


def _render_one(view: IncidentView, as_json: bool) -> None:
    if as_json:
        output.emit_json(view)
    else:
        output.emit(f"incident {view.id} resolved by {view.resolved_by or '-'}")
