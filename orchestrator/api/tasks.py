"""The werkvoorraad: list, read, form, claim, unclaim, hand over, complete.

A caseworker sees open tasks of their own organisation on which they (or one of their roles)
are a candidate, or which are assigned to them. A task of another organisation is 404, a
task of their organisation that is not on their worklist 403 (see
:mod:`orchestrator.api.auth.policy`). Task reads are audited with the variables shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from orchestrator.api import convert
from orchestrator.api.deps import PROBLEM_RESPONSES, Ctx, CtxDep
from orchestrator.api.instances import check_bsn
from orchestrator.api.schemas import (
    CompletedOut,
    CompleteIn,
    ConstraintOut,
    EnumValueOut,
    FormFieldOut,
    FormOut,
    HandOverIn,
    TaskListOut,
    TaskOut,
)
from orchestrator.application.views import InstanceView, TaskView
from orchestrator.domain.errors import NotFound
from orchestrator.store import TaskFilter
from orchestrator.store.records import HumanTaskRecord

router = APIRouter(prefix="/tasks", tags=["tasks"], responses=PROBLEM_RESPONSES)

TaskPath = Annotated[str, Path(alias="taskId", max_length=100)]
Sort = Literal[
    "createdAt", "-createdAt", "dueAt", "-dueAt", "name", "-name", "businessKey", "-businessKey"
]
_SORT_COLUMNS = {
    "createdAt": "created_at",
    "dueAt": "due_at",
    "name": "name",
    "businessKey": "business_key",
}
QueryText = Annotated[str | None, Query(max_length=200)]


def _form_fields(view: TaskView) -> list[str]:
    return [str(f["id"]) for f in view.form.get("fields", [])]


def _guarded(ctx: Ctx, task_id: str) -> tuple[TaskView, InstanceView, dict[str, str]] | None:
    """The task if it is open (after the 404/403 rule), or None when it is not open."""
    ctx.policy.require(ctx.policy.can_work_tasks(ctx.principal), "work on tasks")
    found = ctx.app.queries.task(task_id)
    if found is None:
        return None
    record, instance, properties = found
    ctx.policy.check_task(ctx.principal, record)
    return TaskView.of(record), instance, properties


def _open(ctx: Ctx, task_id: str) -> tuple[TaskView, InstanceView, dict[str, str]]:
    found = _guarded(ctx, task_id)
    if found is None:
        raise NotFound(f"task {task_id} not found")
    return found


@router.get("", response_model=TaskListOut, summary="The caller's werkvoorraad")
def worklist(
    ctx: CtxDep,
    candidate_group: Annotated[str | None, Query(alias="candidateGroup", max_length=200)] = None,
    assignee: QueryText = None,
    organisation: QueryText = None,
    process_key: Annotated[str | None, Query(alias="processKey", max_length=200)] = None,
    element_id: Annotated[str | None, Query(alias="elementId", max_length=200)] = None,
    business_key: Annotated[str | None, Query(alias="businessKey", max_length=200)] = None,
    unassigned: bool | None = None,
    due_before: Annotated[datetime | None, Query(alias="dueBefore")] = None,
    due_after: Annotated[datetime | None, Query(alias="dueAfter")] = None,
    sort: Sort = "createdAt",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> TaskListOut:
    p, policy = ctx.principal, ctx.policy
    policy.require(policy.can_work_tasks(p), "work on tasks")
    if not policy.is_admin(p):
        if organisation is not None and organisation != p.organisation:
            return TaskListOut(items=[], limit=limit, offset=offset)
        organisation = p.organisation or "\x00none"
    column = _SORT_COLUMNS[sort.lstrip("-")]
    criteria = TaskFilter(
        candidate_groups=(candidate_group,) if candidate_group else (),
        assignee=assignee,
        unassigned=unassigned,
        organisation=organisation,
        process_key=process_key,
        element_id=element_id,
        business_key=business_key,
        due_before=due_before,
        due_after=due_after,
        sort=("-" if sort.startswith("-") else "") + column,
        limit=limit,
        offset=offset,
    )
    items = ctx.app.container.tasks.worklist(p.actor(), criteria)
    ctx.app.queries.record(
        p.actor(), "tasks.listed", purpose=ctx.purpose, details={"found": len(items)}
    )
    return TaskListOut(items=[convert.task(t) for t in items], limit=limit, offset=offset)


@router.get("/{taskId}", response_model=TaskOut, summary="One task with the variables it shows")
def get_task(ctx: CtxDep, task_id: TaskPath) -> TaskOut:
    view, instance, properties = _open(ctx, task_id)
    visible = ctx.policy.visibility(ctx.principal, properties, _form_fields(view))
    shown = visible.filter(instance.variables)
    ctx.app.queries.record(
        ctx.principal.actor(),
        "task.read",
        purpose=ctx.purpose,
        instance=instance,
        task_id=view.id,
        element_id=view.element_id,
        details={"variables": sorted(shown)},
    )
    return convert.task(view, shown)


@router.get("/{taskId}/form", response_model=FormOut, summary="The form of a task, to render it")
def get_form(ctx: CtxDep, task_id: TaskPath) -> FormOut:
    view, instance, _ = _open(ctx, task_id)
    fields: list[FormFieldOut] = []
    for raw in view.form.get("fields", []):
        name = str(raw["id"])
        fields.append(
            FormFieldOut(
                id=name,
                label=raw.get("label"),
                type=str(raw.get("type", "string")),
                required=bool(raw.get("required")),
                readonly=bool(raw.get("readonly")),
                default=raw.get("default"),
                enum_values=[
                    EnumValueOut(id=str(i), name=str(n)) for i, n in raw.get("enum_values", [])
                ],
                constraints=[
                    ConstraintOut(name=str(n), config=str(c)) for n, c in raw.get("constraints", [])
                ],
                value=instance.variables.get(name),
            )
        )
    ctx.app.queries.record(
        ctx.principal.actor(),
        "task.form_read",
        purpose=ctx.purpose,
        instance=instance,
        task_id=view.id,
        element_id=view.element_id,
        details={"variables": sorted(f.id for f in fields if f.id in instance.variables)},
    )
    return FormOut(task_id=view.id, key=view.form.get("key"), fields=fields)


def _shown(view: TaskView) -> TaskOut:
    return convert.task(view)


@router.post("/{taskId}/claim", response_model=TaskOut, summary="Take the task")
def claim(ctx: CtxDep, task_id: TaskPath) -> TaskOut:
    _guarded(ctx, task_id)
    return _shown(ctx.app.container.tasks.claim(task_id, ctx.principal.actor()))


@router.post("/{taskId}/unclaim", response_model=TaskOut, summary="Put the task back")
def unclaim(ctx: CtxDep, task_id: TaskPath) -> TaskOut:
    _guarded(ctx, task_id)
    return _shown(ctx.app.container.tasks.unclaim(task_id, ctx.principal.actor()))


@router.post("/{taskId}/hand-over", response_model=TaskOut, summary="Hand over to a user or group")
def hand_over(ctx: CtxDep, task_id: TaskPath, body: HandOverIn) -> TaskOut:
    _guarded(ctx, task_id)
    view = ctx.app.container.tasks.hand_over(
        task_id, ctx.principal.actor(), to_user=body.to_user, to_group=body.to_group
    )
    return _shown(view)


@router.post("/{taskId}/complete", response_model=CompletedOut, summary="Complete with form data")
def complete(ctx: CtxDep, task_id: TaskPath, body: CompleteIn) -> Response:
    # a ready response: FastAPI would validate the returned model against response_model
    # and serialize it again (the OpenAPI document still describes CompletedOut)
    return convert.json_response(completed(ctx, task_id, body))


def completed(ctx: Ctx, task_id: str, body: CompleteIn) -> CompletedOut:
    """Complete the task with the form data (blocking: the engine step and its commit)."""
    ctx.policy.require(ctx.policy.can_work_tasks(ctx.principal), "work on tasks")
    variables: dict[str, Any] = dict(body.variables)

    def admitted(task: HumanTaskRecord) -> None:
        # the 404/403 rule, then the form, on the task as read in the completing
        # transaction: no separate read transaction before the write
        ctx.policy.check_task(ctx.principal, task)
        check_bsn(variables)

    instance = ctx.app.container.tasks.complete(
        task_id, variables, ctx.principal.actor(), check=admitted
    )
    return CompletedOut(task_id=task_id, instance_id=instance.id, instance_status=instance.status)
