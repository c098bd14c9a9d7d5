"""Engine steps as data, so a failed step can be stored with its incident and re-run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from orchestrator.domain.errors import BpmnErrorRaised
from orchestrator.domain.runtime import InstanceSnapshot
from orchestrator.engine.contract import EngineFailure, ProcessEngine


@dataclass(frozen=True)
class Step:
    """One engine call on an existing instance (or, with ``op="start"``, a new one).

    ``op`` is the name of the :class:`ProcessEngine` method: complete_user_task,
    complete_job, throw_job_error, fire_timers, correlate_message, signal, terminate, start.
    """

    op: str
    task_id: str | None = None
    task_ids: tuple[str, ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    message_name: str | None = None
    error_code: str | None = None
    error_message: str = ""
    signal_name: str | None = None
    # start only
    definition_id: str | None = None
    business_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the incident row."""
        return {
            "op": self.op,
            "task_id": self.task_id,
            "task_ids": list(self.task_ids),
            "variables": self.variables,
            "message_name": self.message_name,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "signal_name": self.signal_name,
            "definition_id": self.definition_id,
            "business_key": self.business_key,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Step:
        values = dict(data)
        values["task_ids"] = tuple(values.get("task_ids") or ())
        values["variables"] = dict(values.get("variables") or {})
        return cls(**values)

    def with_variables(self, extra: Mapping[str, Any] | None) -> Step:
        """A copy whose variables are updated with ``extra`` (an operator's correction)."""
        return replace(self, variables={**self.variables, **(extra or {})}) if extra else self


class StepFailure(Exception):
    """Internal: a step raised EngineFailure or an uncaught BPMN error (context attached)."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        instance_id: str | None,
        step: Step,
        element_id: str | None,
    ) -> None:
        super().__init__(message)
        self.kind = kind  # engine-failure | bpmn-error
        self.message = message
        self.instance_id = instance_id
        self.step = step
        self.element_id = element_id


def perform(
    engine: ProcessEngine, bundle: str, state: str, step: Step, *, instance_id: str
) -> InstanceSnapshot:
    """Run ``step`` on the engine, turning its failures into :class:`StepFailure`."""
    try:
        return _dispatch(engine, bundle, state, step)
    except EngineFailure as failure:
        raise StepFailure(
            "engine-failure",
            failure.message,
            instance_id=instance_id,
            step=step,
            element_id=failure.element_id,
        ) from failure
    except BpmnErrorRaised as error:
        raise StepFailure(
            "bpmn-error",
            error.message,
            instance_id=instance_id,
            step=step,
            element_id=error.element_id,
        ) from error


def _dispatch(engine: ProcessEngine, bundle: str, state: str, step: Step) -> InstanceSnapshot:
    task_id = step.task_id or ""
    if step.op == "complete_user_task":
        return engine.complete_user_task(bundle, state, task_id, step.variables)
    if step.op == "complete_job":
        return engine.complete_job(bundle, state, task_id, step.variables)
    if step.op == "throw_job_error":
        return engine.throw_job_error(
            bundle, state, task_id, step.error_code or "", step.error_message, step.variables
        )
    if step.op == "fire_timers":
        return engine.fire_timers(bundle, state, list(step.task_ids))
    if step.op == "correlate_message":
        return engine.correlate_message(
            bundle, state, task_id, step.message_name or "", step.variables
        )
    if step.op == "signal":
        return engine.signal(bundle, state, step.signal_name or "")
    if step.op == "terminate":
        return engine.terminate(bundle, state)
    raise ValueError(f"unknown engine step {step.op!r}")


def start(engine: ProcessEngine, bundle: str, step: Step) -> InstanceSnapshot:
    """Start a new instance, turning engine failures into :class:`StepFailure`."""
    try:
        return engine.start(
            bundle,
            variables=step.variables,
            business_key=step.business_key,
            message_name=step.message_name,
        )
    except EngineFailure as failure:
        raise StepFailure(
            "engine-failure",
            failure.message,
            instance_id=None,
            step=step,
            element_id=failure.element_id,
        ) from failure
    except BpmnErrorRaised as error:
        raise StepFailure(
            "bpmn-error", error.message, instance_id=None, step=step, element_id=error.element_id
        ) from error
