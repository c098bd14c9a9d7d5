"""Which BPMN events a start or an error reaches: start events chosen as Camunda chooses
them, and the catcher of an error raised by an external task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (  # type: ignore[import-untyped, unused-ignore]
    ErrorEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import (  # type: ignore[import-untyped, unused-ignore]
    MessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import (  # type: ignore[import-untyped, unused-ignore]
    CatchingEvent,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import (  # type: ignore[import-untyped, unused-ignore]
    StartEvent,
)
from SpiffWorkflow.bpmn.util import BpmnEvent  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

from orchestrator.domain.errors import NotFound
from orchestrator.engine import event_subprocess
from orchestrator.engine.specs import TIMER_CLASSES


def trigger_start_events(
    workflow: Any, message_name: str | None, variables: Mapping[str, Any]
) -> None:
    """Fire the start event(s) this start is for and cancel the others, as Camunda does:
    a message start for ``message_name``; else the none start event; else (a process
    with only timer starts, started by the scheduler) its timer start events."""
    starts = [
        t
        for t in workflow.tasks.values()
        if isinstance(t.task_spec, StartEvent)
        and t.state in (TaskState.READY, TaskState.WAITING)
        and _only_internal_ancestors(t)  # not the start of an event subprocess
    ]
    if message_name is not None:
        chosen = [
            t
            for t in starts
            if isinstance(t.task_spec.event_definition, MessageEventDefinition)
            and t.task_spec.event_definition.name == message_name
        ]
        if not chosen:
            raise NotFound(f"the process has no message start event for '{message_name}'")
    else:
        chosen = [t for t in starts if t.state == TaskState.READY] or [
            t for t in starts if isinstance(t.task_spec.event_definition, TIMER_CLASSES)
        ]
    for task in starts:
        if task not in chosen:
            task.cancel()
    for task in chosen:
        spec = task.task_spec
        definition = spec.event_definition
        if isinstance(definition, MessageEventDefinition):
            spec.catch(task, BpmnEvent(definition, dict(variables)))
            spec._update(task)
        elif isinstance(definition, TIMER_CLASSES):
            # Started because its timer fired (the scheduler) or by hand. The scheduler
            # repeats a cycle; here the start event fires once. SpiffWorkflow predicts no
            # children for cycle timers (it adds one per cycle), so add them.
            task._set_internal_data(event_fired=True)
            if not task.children:
                task._sync_children(spec.outputs, TaskState.FUTURE)
            spec._update(task)


def _only_internal_ancestors(task: Any) -> bool:
    node = task.parent
    while node is not None:
        if node.task_spec.bpmn_id is not None:
            return False
        node = node.parent
    return True


def error_catcher(workflow: Any, task: Any, event: Any) -> Any | None:
    """What catches the error ``event`` raised by ``task``: the nearest error boundary
    event, or error event subprocess of an enclosing scope (the task's own boundary events
    first, then the event subprocesses of its scope, then the boundary events of that
    scope's activity, and so on outwards)."""
    current: Any = task
    while current is not None:
        parent = current.parent
        if parent is not None:
            for sibling in parent.children:
                spec = sibling.task_spec
                if (
                    sibling is not current
                    and sibling.state == TaskState.WAITING
                    and isinstance(spec, CatchingEvent)
                    and isinstance(spec.event_definition, ErrorEventDefinition)
                    and spec.event_definition.catches(sibling, event)
                ):
                    return sibling
        sub = current.workflow
        start = event_subprocess.error_start(sub, event)
        if start is not None:
            return start
        if sub is workflow or sub.parent_task_id is None:
            return None
        current = workflow.get_task_from_id(sub.parent_task_id)
    return None
