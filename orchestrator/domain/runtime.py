"""Plain types the engine hands to the rest of the product after every step.

The engine (the only SpiffWorkflow user) turns a workflow into an :class:`InstanceSnapshot`:
its serialized state plus everything the store must index in the same transaction (open
human tasks, jobs for external service tasks, due timers, message subscriptions). The
application layer diffs a snapshot against what is stored; it never looks inside the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class InstanceStatus(StrEnum):
    """Life cycle of a process instance."""

    RUNNING = "running"
    COMPLETED = "completed"
    TERMINATED = "terminated"


@dataclass(frozen=True)
class FormFieldSpec:
    """One ``camunda:formField`` of a user task."""

    id: str
    label: str | None
    type: str  # string | long | boolean | date | enum | double
    required: bool = False
    readonly: bool = False
    default: Any = None
    enum_values: tuple[tuple[str, str], ...] = ()  # (id, name)
    # camunda:validation constraints besides "required"/"readonly": minlength, maxlength,
    # min, max; values as written in the diagram
    constraints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class UserTaskInfo:
    """A human task that is ready to be worked on."""

    task_id: str  # SpiffWorkflow task uuid, stable across save/restore
    element_id: str
    name: str | None
    lane: str | None
    candidate_groups: tuple[str, ...] = ()
    candidate_users: tuple[str, ...] = ()
    assignee: str | None = None
    due_at: datetime | None = None
    form_key: str | None = None
    form_fields: tuple[FormFieldSpec, ...] = ()
    process_id: str | None = None  # id of the (sub)process the task belongs to


@dataclass(frozen=True)
class JobInfo:
    """An external service task waiting for an adapter (``camunda:type="external"``)."""

    task_id: str
    element_id: str
    name: str | None
    topic: str
    variables: dict[str, Any]
    retries: int  # attempts in all, from camunda:failedJobRetryTimeCycle (default 3)
    retry_intervals: tuple[float, ...]  # seconds to wait after each failure, in order


@dataclass(frozen=True)
class TimerInfo:
    """A timer event (boundary, intermediate or event-subprocess start) waiting for its time."""

    task_id: str
    element_id: str
    name: str | None
    due_at: datetime


@dataclass(frozen=True)
class SubscriptionInfo:
    """A catching message event (or receive task) waiting for a message."""

    task_id: str
    element_id: str
    message_name: str
    correlation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ThrownMessage:
    """A message thrown by the instance for another instance (or process start)."""

    message_name: str
    payload: dict[str, Any]
    correlation: dict[str, Any]


@dataclass(frozen=True)
class InstanceSnapshot:
    """The persisted state of an instance after an engine step and what it implies."""

    state: str  # JSON, without specs (they are stored once, by hash)
    status: InstanceStatus
    variables: dict[str, Any]
    user_tasks: tuple[UserTaskInfo, ...] = ()
    jobs: tuple[JobInfo, ...] = ()
    timers: tuple[TimerInfo, ...] = ()
    subscriptions: tuple[SubscriptionInfo, ...] = ()
    thrown_messages: tuple[ThrownMessage, ...] = ()
    thrown_signals: tuple[str, ...] = ()
    # element ids completed in this step, in order, for the audit trail
    completed_elements: tuple[str, ...] = ()
    current_elements: tuple[str, ...] = ()
