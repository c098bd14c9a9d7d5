"""Process definitions and decisions: versions, XML, diffs, and evaluating a decision."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from orchestrator.api.deps import PROBLEM_RESPONSES, CtxDep
from orchestrator.api.schemas import (
    DefinitionVersionsOut,
    DiffOut,
    ElementChangeOut,
    EvaluateIn,
    EvaluateOut,
    VersionOut,
)
from orchestrator.application.diagram_diff import diff_diagrams
from orchestrator.application.queries import DefinitionVersion

router = APIRouter(tags=["definitions"], responses=PROBLEM_RESPONSES)

KeyPath = Annotated[str, Path(alias="processKey", max_length=200)]
DecisionPath = Annotated[str, Path(alias="decisionKey", max_length=200)]
VersionPath = Annotated[int, Path(ge=1, le=1_000_000)]
XML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/xml": {}}, "description": "The XML as deployed"}
}


def _versions(key: str, versions: list[DefinitionVersion]) -> DefinitionVersionsOut:
    return DefinitionVersionsOut(
        key=key,
        name=versions[0].name,
        latest_version=versions[0].version,
        versions=[
            VersionOut(
                version=v.version,
                definition_id=v.definition_id,
                name=v.name,
                resource_name=v.resource_name,
                deployment_id=v.deployment_id,
                deployed_at=v.deployed_at,
            )
            for v in versions
        ],
    )


def _allowed(ctx: CtxDep) -> None:
    ctx.policy.require(ctx.policy.can_read_definitions(ctx.principal), "read definitions")


@router.get(
    "/process-definitions",
    response_model=list[DefinitionVersionsOut],
    summary="Processes with their versions",
)
def list_processes(ctx: CtxDep) -> list[DefinitionVersionsOut]:
    _allowed(ctx)
    return [_versions(k, v) for k, v in ctx.app.queries.processes().items()]


@router.get(
    "/process-definitions/{processKey}/versions/{version}/xml",
    response_class=Response,
    responses=XML,
    summary="The BPMN XML of a process version",
)
def process_xml(ctx: CtxDep, key: KeyPath, version: VersionPath) -> Response:
    _allowed(ctx)
    content = ctx.app.container.deployments.process_source(key, version)
    return Response(content, media_type="application/xml")


@router.get(
    "/process-definitions/{processKey}/diff",
    response_model=DiffOut,
    summary="Elements added, removed and changed between two versions",
)
def diff_versions(
    ctx: CtxDep,
    key: KeyPath,
    from_version: Annotated[int, Query(alias="fromVersion", ge=1, le=1_000_000)],
    to_version: Annotated[int | None, Query(alias="toVersion", ge=1, le=1_000_000)] = None,
) -> DiffOut:
    """Compare ``fromVersion`` with ``toVersion`` (default: the latest version)."""
    _allowed(ctx)
    target = ctx.app.queries.process_definition(key, to_version)
    deployments = ctx.app.container.deployments
    old = deployments.process_source(key, from_version)
    new = deployments.process_source(key, target.version)
    return DiffOut(
        process_key=key,
        from_version=from_version,
        to_version=target.version,
        changes=[
            ElementChangeOut(
                change=c.change,
                element_id=c.element_id,
                element_type=c.element_type,
                name=c.name,
            )
            for c in diff_diagrams(old, new)
        ],
    )


@router.get(
    "/decisions", response_model=list[DefinitionVersionsOut], summary="Decisions with versions"
)
def list_decisions(ctx: CtxDep) -> list[DefinitionVersionsOut]:
    _allowed(ctx)
    return [_versions(k, v) for k, v in ctx.app.queries.decisions().items()]


@router.get(
    "/decisions/{decisionKey}/versions/{version}/xml",
    response_class=Response,
    responses=XML,
    summary="The DMN XML of a decision version",
)
def decision_xml(ctx: CtxDep, key: DecisionPath, version: VersionPath) -> Response:
    _allowed(ctx)
    _, content = ctx.app.queries.decision_source(key, version)
    return Response(content, media_type="application/xml")


@router.post(
    "/decisions/{decisionKey}/evaluate",
    response_model=EvaluateOut,
    summary="Evaluate a decision table with inputs (for testing a DMN table)",
)
def evaluate(ctx: CtxDep, key: DecisionPath, body: EvaluateIn) -> EvaluateOut:
    _allowed(ctx)
    version, _ = ctx.app.queries.decision_source(key, body.version)
    results = ctx.app.queries.evaluate_decision(key, body.variables, version)
    return EvaluateOut(decision_key=key, version=version, results=results)
