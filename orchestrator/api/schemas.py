"""Request and response bodies: camelCase on the wire, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z_][\w.-]*$")
]
VariableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]\w{0,99}$")]
BusinessKey = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[\w][\w.:/-]*$")
]
Scalar = str | bool | int | float
Variables = Annotated[dict[VariableName, Any], Field(max_length=200)]


class In(BaseModel):
    """Request bodies: camelCase, unknown fields are an error."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True)


class Out(BaseModel):
    """Response bodies: camelCase."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# ---------------------------------------------------------------------- problems
class InvalidParam(Out):
    name: str
    code: str
    reason: str


class Problem(Out):
    """``application/problem+json`` (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    invalid_params: list[InvalidParam] | None = None


# ---------------------------------------------------------------------- deployments
class DefinitionOut(Out):
    kind: Literal["process", "decision"]
    key: str
    version: int
    name: str | None
    resource_name: str
    definition_id: str


class DeployProblemOut(Out):
    message: str
    file: str | None
    line: int | None
    element_id: str | None
    element_name: str | None
    severity: str


class DeployReportOut(Out):
    deployment_id: str | None
    deployed: list[DefinitionOut]
    unchanged: list[DefinitionOut]
    problems: list[DeployProblemOut]


class ResourceOut(Out):
    name: str
    hash: str


class DeploymentOut(Out):
    id: str
    name: str
    deployed_by: str
    organisation: str | None
    deployed_at: datetime
    resources: list[ResourceOut]
    definitions: list[DefinitionOut] | None = None


class VersionOut(Out):
    version: int
    definition_id: str
    name: str | None
    resource_name: str
    deployment_id: str
    deployed_at: datetime


class DefinitionVersionsOut(Out):
    key: str
    name: str | None
    latest_version: int
    versions: list[VersionOut]


class ElementChangeOut(Out):
    change: Literal["added", "removed", "changed"]
    element_id: str
    element_type: str
    name: str | None


class DiffOut(Out):
    process_key: str
    from_version: int
    to_version: int
    changes: list[ElementChangeOut]


class EvaluateIn(In):
    variables: Variables = Field(default_factory=dict)
    version: int | None = Field(default=None, ge=1)


class EvaluateOut(Out):
    decision_key: str
    version: int
    results: list[dict[str, Any]]


# ---------------------------------------------------------------------- instances
class StartIn(In):
    process_key: Name
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    business_key: BusinessKey | None = None
    variables: Variables = Field(default_factory=dict)


class SearchIn(In):
    """``_zoek`` criteria; every criterion given must match. Personal data goes here, never
    in a URL."""

    business_key: BusinessKey | None = None
    bsn: str | None = Field(default=None, max_length=20)
    process_key: Name | None = None
    status: Literal["running", "completed", "terminated"] | None = None
    current_element: Name | None = None
    klantgroep: str | None = Field(default=None, max_length=200)
    variables: Annotated[dict[VariableName, Scalar], Field(max_length=10)] = Field(
        default_factory=dict
    )
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class TerminateIn(In):
    reason: str = Field(min_length=1, max_length=500)


class TimerOut(Out):
    element_id: str
    due_at: datetime


class IncidentSummaryOut(Out):
    id: str
    element_id: str | None
    kind: str
    created_at: datetime


class TaskOut(Out):
    id: str
    instance_id: str
    element_id: str
    name: str | None
    candidate_groups: list[str]
    candidate_users: list[str]
    assignee: str | None
    due_at: datetime | None
    organisation: str | None
    business_key: str | None
    process_key: str
    process_version: int
    created_at: datetime
    claimed_at: datetime | None
    variables: dict[str, Any] | None = None


class InstanceSummaryOut(Out):
    id: str
    process_key: str
    process_version: int
    business_key: str | None
    status: str
    started_at: datetime
    ended_at: datetime | None
    variables: dict[str, Any]


class InstanceOut(InstanceSummaryOut):
    definition_id: str
    started_by: str
    variable_names: list[str] | None = None
    current_elements: list[str]
    open_tasks: list[TaskOut]
    timers: list[TimerOut]
    incidents: list[IncidentSummaryOut]


class SearchOut(Out):
    items: list[InstanceSummaryOut]
    limit: int
    offset: int


class AuditEntryOut(Out):
    at: datetime
    actor: str
    organisation: str | None
    action: str
    instance_id: str | None
    process_key: str | None
    business_key: str | None
    element_id: str | None
    task_id: str | None
    details: dict[str, Any]


class AuditOut(Out):
    items: list[AuditEntryOut]
    limit: int
    offset: int


# ---------------------------------------------------------------------- tasks
class TaskListOut(Out):
    items: list[TaskOut]
    limit: int
    offset: int


class EnumValueOut(Out):
    id: str
    name: str


class ConstraintOut(Out):
    name: str
    config: str


class FormFieldOut(Out):
    id: str
    label: str | None
    type: str
    required: bool
    readonly: bool
    default: Any = None
    enum_values: list[EnumValueOut]
    constraints: list[ConstraintOut]
    value: Any = None


class FormOut(Out):
    task_id: str
    key: str | None
    fields: list[FormFieldOut]


class HandOverIn(In):
    to_user: Name | None = None
    to_group: Name | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> HandOverIn:
        if (self.to_user is None) == (self.to_group is None):
            raise ValueError("give exactly one of toUser and toGroup")
        return self


class CompleteIn(In):
    variables: Variables = Field(default_factory=dict)


class CompletedOut(Out):
    task_id: str
    instance_id: str
    instance_status: str


# ---------------------------------------------------------------------- messages, incidents
class CorrelateIn(In):
    name: Name
    business_key: BusinessKey | None = None
    correlation_keys: Annotated[dict[VariableName, Scalar], Field(max_length=20)] = Field(
        default_factory=dict
    )
    variables: Variables = Field(default_factory=dict)
    message_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


class CorrelationOut(Out):
    outcome: Literal["delivered", "started", "buffered", "duplicate"]
    instance_id: str | None
    buffered_id: str | None


class IncidentOut(Out):
    id: str
    instance_id: str | None
    job_id: str | None
    element_id: str | None
    kind: str
    message: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    retryable: bool


class RetryIn(In):
    variables: Variables | None = None


class HealthOut(Out):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str]
