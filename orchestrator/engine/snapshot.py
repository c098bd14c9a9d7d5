"""From a SpiffWorkflow workflow to the plain :class:`InstanceSnapshot` the store indexes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (  # type: ignore[import-untyped, unused-ignore]
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import (  # type: ignore[import-untyped, unused-ignore]
    MessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import (  # type: ignore[import-untyped, unused-ignore]
    MultipleEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import (  # type: ignore[import-untyped, unused-ignore]
    EventBasedGateway,
)
from SpiffWorkflow.bpmn.specs.mixins.user_task import (  # type: ignore[import-untyped, unused-ignore]
    UserTask,
)
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

from orchestrator.domain.clock import Clock
from orchestrator.domain.runtime import (
    InstanceSnapshot,
    InstanceStatus,
    JobInfo,
    SubscriptionInfo,
    ThrownMessage,
    TimerInfo,
    UserTaskInfo,
)
from orchestrator.engine import event_subprocess, timers
from orchestrator.engine.forms import validate_submission
from orchestrator.engine.scope import instance_variables
from orchestrator.engine.scripting import DiagramFailure, SafeScriptEngine
from orchestrator.engine.specs import TIMER_CLASSES, ExternalTask

DEFAULT_RETRY_CYCLE = "R3/PT5M"


def all_tasks(workflow: Any) -> Iterator[Any]:
    """Every task of the workflow and of its subprocesses, without SpiffWorkflow's
    depth-limited tree walk."""
    yield from list(workflow.tasks.values())
    for sub in list(workflow.subprocesses.values()):
        yield from list(sub.tasks.values())


def waiting_events(task: Any) -> list[tuple[Any, Any]]:
    """(element, event definition) pairs a WAITING task waits for. An event-based gateway
    waits for the events of the catch events after it (SpiffWorkflow moves their
    definitions into the gateway); those are reported under the catch event's id."""
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        if isinstance(spec, EventBasedGateway):
            return list(zip(spec.outputs, definition.event_definitions, strict=False))
        return [(spec, d) for d in definition.event_definitions]
    return [(spec, definition)] if definition is not None else []


#: values :func:`jsonable` leaves as they are (exact types: a subclass may be an enum)
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Variables as JSON-friendly values (dates as ISO text, decimals as numbers)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if kind is dict and all(type(k) is str and type(v) in _PLAIN_TYPES for k, v in value.items()):
        return dict(value)  # already plain: a copy, as the walk below would make
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def retry_intervals(cycle: str | None) -> tuple[int, tuple[float, ...]]:
    """Attempts and waits from ``camunda:failedJobRetryTimeCycle`` (``R3/PT5M``, or a
    comma-separated list of durations ``PT1M,PT5M,PT30M``)."""
    text = (cycle or DEFAULT_RETRY_CYCLE).strip()
    if text.upper().startswith("R"):
        count, _, duration = text[1:].partition("/")
        every = timers.parse_duration(duration)
        attempts = int(count) if count.isdigit() else 3
        seconds = every.days * 86400 + every.seconds + every.months * 30 * 86400
        return attempts, tuple(float(seconds) for _ in range(attempts))
    waits = tuple(
        float(d.days * 86400 + d.seconds + d.months * 30 * 86400)
        for d in (timers.parse_duration(p) for p in text.split(",") if p.strip())
    )
    return len(waits), waits


class SnapshotBuilder:
    """Reads one workflow; evaluates assignment expressions against task data."""

    def __init__(self, workflow: Any, engine: SafeScriptEngine, clock: Clock) -> None:
        self.workflow = workflow
        self.engine = engine
        self.clock = clock

    # -- inputs ----------------------------------------------------------------------------

    def validate_form(self, task: Any, submitted: Mapping[str, Any]) -> dict[str, Any]:
        return validate_submission(self.engine.form_fields(task), submitted, task.data)

    def _mapped(self, task: Any, key: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, expression in self.engine.settings(task).get(key, []):
            out[name] = (
                self.engine.evaluate_in(task, expression, {**task.data, **out})
                if expression
                else None
            )
        return out

    def apply_outputs(self, task: Any) -> None:
        """``camunda:outputParameter`` mappings, evaluated after the task's own data."""
        task.data.update(self._mapped(task, "outputs"))

    # -- the snapshot ----------------------------------------------------------------------

    def build(
        self,
        serialize: Callable[[], str],
        completed: list[str],
        thrown_signals: list[str] | None = None,
    ) -> InstanceSnapshot:
        """Read the workflow, then serialize it with ``serialize``: reading fixes values
        (due dates) in the tasks' internal data, which the state must keep."""
        workflow = self.workflow
        tasks = list(all_tasks(workflow))
        user_tasks, jobs, timer_infos, subscriptions, current = [], [], [], [], []
        for task in tasks:
            spec = task.task_spec
            if (
                task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED)
                and spec.bpmn_id
                # an event subprocess that waits for its trigger is no activity (yet)
                and not event_subprocess.is_idle(task)
                and not event_subprocess.is_waiting_start(task)
            ):
                current.append(spec.bpmn_id)
            if task.state == TaskState.READY and isinstance(spec, UserTask):
                user_tasks.append(self._user_task(task))
            elif task.state == TaskState.READY and isinstance(spec, ExternalTask):
                jobs.append(self._job(task))
            elif task.state == TaskState.WAITING:
                for element, definition in waiting_events(task):
                    if isinstance(definition, TIMER_CLASSES):
                        due = definition.due(task)
                        if due is not None:
                            timer_infos.append(
                                TimerInfo(str(task.id), element.bpmn_id, element.bpmn_name, due)
                            )
                    elif isinstance(definition, MessageEventDefinition):
                        subscriptions.append(
                            SubscriptionInfo(str(task.id), element.bpmn_id, definition.name)
                        )
        thrown, signals = [], []
        for event in workflow.get_events():
            definition = event.event_definition
            if isinstance(definition, MessageEventDefinition):
                thrown.append(ThrownMessage(definition.name, jsonable(event.payload or {}), {}))
            elif isinstance(definition, SignalEventDefinition) and thrown_signals is None:
                signals.append(definition.name)
        if thrown_signals is not None:
            signals = list(thrown_signals)
        status = InstanceStatus.COMPLETED if workflow.is_completed() else InstanceStatus.RUNNING
        variables = self._variables(tasks)
        return InstanceSnapshot(
            state=serialize(),
            status=status,
            variables=variables,
            user_tasks=tuple(user_tasks),
            jobs=tuple(jobs),
            timers=tuple(timer_infos),
            subscriptions=tuple(subscriptions),
            thrown_messages=tuple(thrown),
            thrown_signals=tuple(signals),
            completed_elements=tuple(completed),
            current_elements=tuple(dict.fromkeys(current)),
        )

    def _variables(self, tasks: list[Any]) -> dict[str, Any]:
        return dict(jsonable(instance_variables(self.workflow)))

    def _values(self, task: Any, text: str | None) -> tuple[str, ...]:
        if not text:
            return ()
        value = self.engine.evaluate_in(task, text, task.data)
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, list | tuple):
            return tuple(str(v) for v in value)
        return (str(value),) if value is not None else ()

    def _due(self, task: Any, text: str | None) -> datetime | None:
        if not text:
            return None
        stored = task._get_internal_data("ketenregie_due")
        if stored:
            return timers.parse_datetime(stored)
        value = self.engine.evaluate_in(task, text, task.data)
        if value is None or value == "":
            return None
        try:
            if isinstance(value, datetime):
                due = value
            elif isinstance(value, date):
                due = timers.parse_datetime(value.isoformat())
            elif str(value).upper().startswith("P"):
                due = timers.parse_duration(str(value)).after(self.clock.now())
            else:
                due = timers.parse_datetime(str(value))
        except timers.TimerSyntaxError as exc:
            raise DiagramFailure(
                f"due date of '{task.task_spec.bpmn_id}': {exc}", task.task_spec.bpmn_id
            ) from None
        task._set_internal_data(ketenregie_due=due.isoformat())
        return due

    def _user_task(self, task: Any) -> UserTaskInfo:
        spec = task.task_spec
        settings = self.engine.settings(task)
        assignee = self._values(task, settings.get("assignee"))
        return UserTaskInfo(
            task_id=str(task.id),
            element_id=spec.bpmn_id,
            name=spec.bpmn_name,
            lane=spec.lane,
            candidate_groups=self._values(task, settings.get("candidateGroups")),
            candidate_users=self._values(task, settings.get("candidateUsers")),
            assignee=assignee[0] if assignee else None,
            due_at=self._due(task, settings.get("dueDate")),
            form_key=settings.get("formKey"),
            form_fields=self.engine.form_fields(task),
            process_id=task.workflow.spec.name,
        )

    def _job(self, task: Any) -> JobInfo:
        spec = task.task_spec
        settings = self.engine.settings(task)
        attempts, waits = retry_intervals(settings.get("retryCycle"))
        variables = dict(task.data)
        variables.update(self._mapped(task, "inputs"))
        return JobInfo(
            task_id=str(task.id),
            element_id=spec.bpmn_id,
            name=spec.bpmn_name,
            topic=str(settings.get("topic", "")),
            variables=jsonable(variables),
            retries=attempts,
            retry_intervals=waits,
        )
