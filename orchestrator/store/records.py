"""Rows as plain, typed records (field names equal column names)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Row

T = TypeVar("T")


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _names(cls: type[Any]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def names_of(cls: type[Any]) -> tuple[str, ...]:
    """The field names of record class ``cls`` (= its column names)."""
    return _names(cls)


def from_row(cls: type[T], row: Row[Any]) -> T:
    """Build record ``cls`` from a row holding (at least) its columns."""
    mapping = row._mapping
    return cls(**{name: mapping[name] for name in _names(cls) if name in mapping})


def values_of(record: Any) -> dict[str, Any]:
    """The columns of ``record`` as bind parameters.

    A shallow copy, unlike :func:`dataclasses.asdict` (which deep-copies every list and
    dict of JSON columns on each write): the driver serializes JSON at bind time anyway.
    """
    return {name: getattr(record, name) for name in _names(type(record))}


@dataclass(frozen=True)
class DeploymentRecord:
    id: str
    name: str
    deployed_by: str
    organisation: str | None
    deployed_at: datetime
    resources: list[dict[str, str]]


@dataclass(frozen=True)
class ProcessDefinitionRecord:
    id: str
    key: str
    version: int
    name: str | None
    deployment_id: str
    bundle_hash: str
    source_hash: str
    resource_name: str
    message_start_names: list[str]
    timer_start: str | None
    deployed_at: datetime
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DecisionDefinitionRecord:
    id: str
    key: str
    version: int
    name: str | None
    deployment_id: str
    source_hash: str
    resource_name: str
    deployed_at: datetime


@dataclass(frozen=True)
class InstanceRecord:
    id: str
    definition_id: str
    process_key: str
    process_version: int
    bundle_hash: str
    business_key: str | None
    status: str
    state: str
    serializer_version: int
    version: int
    variables: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None
    started_by: str
    parent_instance_id: str | None = None


@dataclass(frozen=True)
class HumanTaskRecord:
    id: str
    instance_id: str
    element_id: str
    name: str | None
    lane: str | None
    candidate_groups: list[str]
    candidate_users: list[str]
    assignee: str | None
    due_at: datetime | None
    organisation: str | None
    business_key: str | None
    process_key: str
    process_version: int
    form: dict[str, Any]
    created_at: datetime
    claimed_at: datetime | None


@dataclass(frozen=True)
class TimerRecord:
    id: str
    instance_id: str | None
    task_id: str | None
    element_id: str
    due_at: datetime
    definition_id: str | None
    locked_until: datetime | None


@dataclass(frozen=True)
class SubscriptionRecord:
    id: str
    instance_id: str
    task_id: str
    element_id: str
    message_name: str
    business_key: str | None
    correlation: dict[str, Any]


@dataclass(frozen=True)
class BufferedMessageRecord:
    id: str
    message_id: str | None
    message_name: str
    business_key: str | None
    correlation: dict[str, Any]
    variables: dict[str, Any]
    received_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class JobRecord:
    id: str
    instance_id: str
    task_id: str
    element_id: str
    topic: str
    variables: dict[str, Any]
    attempts: int
    max_attempts: int
    retry_intervals: list[float]
    status: str
    due_at: datetime
    locked_by: str | None
    lock_expires_at: datetime | None
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True)
class IncidentRecord:
    id: str
    instance_id: str | None
    job_id: str | None
    task_id: str | None
    element_id: str | None
    kind: str
    message: str
    step: dict[str, Any] | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


@dataclass(frozen=True)
class OutboxRecord:
    message_id: str
    kind: str
    routing_key: str
    headers: dict[str, Any]
    body: dict[str, Any]
    created_at: datetime
    published_at: datetime | None = None
    id: int | None = None
    available_at: datetime | None = None


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    organisation: str | None = None
    instance_id: str | None = None
    process_key: str | None = None
    business_key: str | None = None
    element_id: str | None = None
    task_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
