"""Deployments: upload ``.bpmn``/``.dmn`` files, read the deploy report, list and get."""

from __future__ import annotations

import posixpath
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile, status

from orchestrator.api.deps import PROBLEM_RESPONSES, CtxDep
from orchestrator.api.problems import BadRequest
from orchestrator.api.schemas import (
    DefinitionOut,
    DeploymentOut,
    DeployProblemOut,
    DeployReportOut,
    ResourceOut,
)
from orchestrator.application.deploy import DeployedDefinition
from orchestrator.application.queries import DefinitionVersion
from orchestrator.domain.errors import DeploymentRefused, FieldError
from orchestrator.engine.contract import SourceFile
from orchestrator.store.records import DeploymentRecord

router = APIRouter(prefix="/deployments", tags=["deployments"], responses=PROBLEM_RESPONSES)

ALLOWED_SUFFIXES = (".bpmn", ".bpmn20.xml", ".dmn", ".dmn11.xml")
MAX_FILES = 50


def _definition(d: DeployedDefinition | DefinitionVersion) -> DefinitionOut:
    return DefinitionOut(
        kind="process" if d.kind == "process" else "decision",
        key=d.key,
        version=d.version,
        name=d.name,
        resource_name=d.resource_name,
        definition_id=d.definition_id,
    )


def _deployment(
    record: DeploymentRecord, definitions: list[DefinitionVersion] | None = None
) -> DeploymentOut:
    return DeploymentOut(
        id=record.id,
        name=record.name,
        deployed_by=record.deployed_by,
        organisation=record.organisation,
        deployed_at=record.deployed_at,
        resources=[ResourceOut(name=r["name"], hash=r["hash"]) for r in record.resources],
        definitions=None if definitions is None else [_definition(d) for d in definitions],
    )


async def _sources(files: list[UploadFile]) -> list[SourceFile]:
    invalid: list[FieldError] = []
    if len(files) > MAX_FILES:
        raise BadRequest(f"at most {MAX_FILES} files per deployment")
    sources: list[SourceFile] = []
    for index, upload in enumerate(files):
        name = posixpath.basename((upload.filename or "").replace("\\", "/"))[:200]
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            invalid.append(FieldError(f"files.{index}", "must be a .bpmn or .dmn file", "type"))
            continue
        sources.append(SourceFile(name, await upload.read()))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        invalid.append(FieldError("files", "two files have the same name", "duplicate"))
    if invalid:
        raise BadRequest("the upload is refused", invalid)
    return sources


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DeployReportOut,
    summary="Deploy BPMN and DMN files",
    responses={200: {"description": "Nothing changed: every definition equals its latest version"}},
)
async def deploy(
    ctx: CtxDep,
    response: Response,
    files: Annotated[list[UploadFile], File(description="one or more .bpmn / .dmn files")],
    name: Annotated[str | None, Form(max_length=200)] = None,
) -> DeployReportOut:
    """Compile and store the files as new versions; 422 with the report when refused."""
    ctx.policy.require(ctx.policy.can_deploy(ctx.principal), "deploy")
    sources = await _sources(files)
    actor = ctx.principal.actor()
    details = {"files": [s.name for s in sources]}
    try:
        report = ctx.app.container.deployments.deploy(sources, actor, name=name)
    except DeploymentRefused as refused:
        ctx.app.queries.record(
            actor,
            "deployment.refused",
            purpose=ctx.purpose,
            details={**details, "problems": len(refused.problems)},
        )
        raise
    ctx.app.queries.record(
        actor,
        "deployment.requested",
        purpose=ctx.purpose,
        details={**details, "deployment_id": report.deployment_id},
    )
    if report.deployment_id is None:
        response.status_code = status.HTTP_200_OK
    return DeployReportOut(
        deployment_id=report.deployment_id,
        deployed=[_definition(d) for d in report.deployed],
        unchanged=[_definition(d) for d in report.unchanged],
        problems=[
            DeployProblemOut(
                message=p.message,
                file=p.file,
                line=p.line,
                element_id=p.element_id,
                element_name=p.element_name,
                severity=p.severity,
            )
            for p in report.problems
        ],
    )


@router.get("", response_model=list[DeploymentOut], summary="List deployments")
def list_deployments(
    ctx: CtxDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[DeploymentOut]:
    ctx.policy.require(ctx.policy.can_read_definitions(ctx.principal), "read deployments")
    return [_deployment(r) for r in ctx.app.queries.deployments(limit=limit, offset=offset)]


@router.get("/{deploymentId}", response_model=DeploymentOut, summary="One deployment")
def get_deployment(
    ctx: CtxDep, deployment_id: Annotated[str, Path(alias="deploymentId", max_length=100)]
) -> DeploymentOut:
    ctx.policy.require(ctx.policy.can_read_definitions(ctx.principal), "read deployments")
    record, definitions = ctx.app.queries.deployment(deployment_id)
    return _deployment(record, definitions)
