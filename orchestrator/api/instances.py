"""Process instances: start, get, ``_zoek``, terminate, and the history of one instance.

Reading an instance is an AVG-relevant act: every read (and every search hit) is written
to the audit trail with the caller's purpose and the names of the variables disclosed.
Searches by BSN run through ``POST _zoek`` so the number never appears in a URL; the trail
records that a search by BSN happened, never the number.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from orchestrator.api import convert
from orchestrator.api.auth.policy import Visibility
from orchestrator.api.deps import PROBLEM_RESPONSES, Ctx, CtxDep
from orchestrator.api.problems import BadRequest
from orchestrator.api.schemas import (
    AuditOut,
    IncidentSummaryOut,
    InstanceOut,
    InstanceSummaryOut,
    SearchIn,
    SearchOut,
    StartIn,
    TerminateIn,
    TimerOut,
)
from orchestrator.application.queries import AuditSearch, InstanceDetails, InstanceSearch
from orchestrator.domain.bsn import is_valid_bsn
from orchestrator.domain.errors import FieldError, NotFound

router = APIRouter(
    prefix="/process-instances", tags=["process instances"], responses=PROBLEM_RESPONSES
)

InstancePath = Annotated[str, Path(alias="instanceId", max_length=100)]


def check_bsn(variables: dict[str, Any], field: str = "variables.bsn") -> None:
    """A ``bsn`` variable must pass the elfproef (400 otherwise)."""
    if "bsn" in variables and not (
        isinstance(variables["bsn"], str) and is_valid_bsn(variables["bsn"])
    ):
        raise BadRequest("invalid BSN", [FieldError(field, "is not a valid BSN (elfproef)", "bsn")])


def readable(ctx: Ctx, details: InstanceDetails) -> Visibility:
    """What ``ctx``'s caller may see of this instance (404 when nothing, 403 for roles
    that never read instances)."""
    p, policy = ctx.principal, ctx.policy
    if policy.is_operator(p):
        return policy.visibility(p, details.properties)
    policy.require(bool(policy.caseworker_roles(p)), "read process instances")
    own_tasks = [t for t in details.tasks if policy.on_worklist(p, t)]
    if not own_tasks and not policy.takes_part(p, [details.properties]):
        raise NotFound(f"instance {details.instance.id} not found")
    fields = [str(f["id"]) for t in own_tasks for f in t.form.get("fields", [])]
    return policy.visibility(p, details.properties, fields)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=InstanceSummaryOut,
    summary="Start a process instance",
)
def start(ctx: CtxDep, body: StartIn) -> InstanceSummaryOut:
    versions = ctx.app.queries.process_properties().get(body.process_key)
    if versions is None:
        raise NotFound(f"process {body.process_key} not found")
    ctx.policy.require(ctx.policy.can_start(ctx.principal, versions), "start this process")
    check_bsn(body.variables)
    view = ctx.app.container.instances.start(
        body.process_key,
        actor=ctx.principal.actor(),
        version=body.version,
        business_key=body.business_key,
        variables=body.variables,
    )
    definition = ctx.app.queries.process_definition(view.process_key, view.process_version)
    return convert.instance_summary(
        view, ctx.policy.visibility(ctx.principal, definition.properties)
    )


@router.get("/{instanceId}", response_model=InstanceOut, summary="One process instance")
def get_instance(ctx: CtxDep, instance_id: InstancePath) -> InstanceOut:
    details = ctx.app.queries.instance_details(instance_id)
    visible = readable(ctx, details)
    view = details.instance
    shown = visible.filter(view.variables)
    operator = ctx.policy.is_operator(ctx.principal)
    ctx.app.queries.record(
        ctx.principal.actor(),
        "instance.read",
        purpose=ctx.purpose,
        instance=view,
        details={"variables": sorted(shown)},
    )
    return InstanceOut(
        **convert.instance_summary(view, visible).model_dump(),
        definition_id=view.definition_id,
        started_by=view.started_by,
        variable_names=sorted(view.variables) if visible.list_names else None,
        current_elements=details.current_elements,
        open_tasks=[
            convert.task(t)
            for t in details.tasks
            if operator or ctx.policy.on_worklist(ctx.principal, t)
        ],
        timers=[TimerOut(element_id=t.element_id, due_at=t.due_at) for t in details.timers],
        incidents=[
            IncidentSummaryOut(
                id=i.id, element_id=i.element_id, kind=i.kind, created_at=i.created_at
            )
            for i in details.incidents
        ]
        if operator
        else [],
    )


@router.post("/_zoek", response_model=SearchOut, summary="Search instances (BSN, variables, ...)")
def search(ctx: CtxDep, body: SearchIn) -> SearchOut:
    """Every criterion given must match. A caseworker finds instances of processes their
    organisation takes part in, and only by variables the policy shows them (BSN excepted:
    it is the key a caseworker looks a client up by)."""
    p, policy = ctx.principal, ctx.policy
    policy.require(policy.can_search(p), "search process instances")
    variables: dict[str, Any] = dict(body.variables)
    if body.bsn is not None:
        if not is_valid_bsn(body.bsn):
            raise BadRequest(
                "invalid BSN", [FieldError("bsn", "is not a valid BSN (elfproef)", "bsn")]
            )
        variables["bsn"] = body.bsn
    if body.klantgroep is not None:
        variables["klantgroep"] = body.klantgroep
    process_keys: tuple[str, ...] | None = None
    properties = ctx.app.queries.process_properties()
    if not policy.is_operator(p):
        asked = set(variables) - {"bsn"}
        process_keys = tuple(
            key
            for key, versions in properties.items()
            if policy.takes_part(p, versions)
            and any(all(policy.visibility(p, v).allows(n) for n in asked) for v in versions)
        )
    criteria = InstanceSearch(
        business_key=body.business_key,
        process_key=body.process_key,
        process_keys=process_keys,
        status=body.status,
        current_element=body.current_element,
        variables=variables,
        limit=body.limit,
        offset=body.offset,
    )
    found = ctx.app.queries.search(criteria) if process_keys != () else []
    items = [convert.instance_summary(v, policy.visibility(p, props)) for v, props in found]
    asked_by = sorted(
        name
        for name, value in body.model_dump(exclude={"variables", "limit", "offset"}).items()
        if value is not None
    ) + sorted(f"variables.{n}" for n in body.variables)
    ctx.app.queries.record(
        p.actor(),
        "instances.searched",
        purpose=ctx.purpose,
        details={"criteria": asked_by, "found": len(items)},
    )
    ctx.app.queries.record_reads(
        p.actor(),
        "instance.found",
        purpose=ctx.purpose,
        instances=[v for v, _ in found],
        details={"criteria": asked_by},
    )
    return SearchOut(items=items, limit=body.limit, offset=body.offset)


@router.post("/{instanceId}/terminate", response_model=InstanceSummaryOut, summary="Terminate")
def terminate(ctx: CtxDep, instance_id: InstancePath, body: TerminateIn) -> InstanceSummaryOut:
    ctx.policy.require(ctx.policy.is_operator(ctx.principal), "terminate process instances")
    ctx.policy.refuse_bsn(body.reason, "reason")
    view = ctx.app.container.instances.terminate(
        instance_id, actor=ctx.principal.actor(), reason=body.reason
    )
    return convert.instance_summary(view, Visibility())


@router.get("/{instanceId}/audit", response_model=AuditOut, summary="Audit history of an instance")
def history(
    ctx: CtxDep,
    instance_id: InstancePath,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditOut:
    ctx.policy.require(ctx.policy.can_read_history(ctx.principal), "read the audit trail")
    instance = ctx.app.container.instances.get(instance_id)
    entries = ctx.app.queries.audit(
        AuditSearch(instance_id=instance_id, limit=limit, offset=offset)
    )
    ctx.app.queries.record(
        ctx.principal.actor(), "audit.read", purpose=ctx.purpose, instance=instance
    )
    return AuditOut(items=[convert.audit_entry(e) for e in entries], limit=limit, offset=offset)
