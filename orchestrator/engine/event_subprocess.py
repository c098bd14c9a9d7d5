"""BPMN event subprocesses (``subProcess triggeredByEvent="true"``), as Camunda 7 runs them.

SpiffWorkflow 3.2 starts a message/signal/error event subprocess only when the workflow
catches the event itself (nothing waits, so there is no subscription to list or
correlate), starts a timer one alongside the process (which then never completes), never
interrupts the enclosing flow and never re-arms a non-interrupting one. Everything we do
differently lives here:

- :class:`EventSubprocessTask` is started with its scope (the process or embedded
  subprocess that holds it): the parser connects it to the scope's ``Start``, so its start
  event (:class:`EventSubprocessStart`) waits like any catch event; the snapshot lists its
  timer or message subscription and ``correlate_message`` can target it.
- When the start event fires, an interrupting one cancels every other task of its scope
  (:func:`interrupt`); a non-interrupting one starts a fresh copy so it can fire again
  (:func:`rearm`; a timer cycle carries its next due time over, a date or duration fires
  once).
- :class:`ScopeEndJoin` (the scope's end join) completes the scope when only event
  subprocesses that never fired are left, and cancels those.
- :class:`ScopedEventManager` delivers an error or escalation thrown by an end or throw
  event to the event subprocesses of the thrower's scope first, then of each enclosing
  scope (boundary events of the enclosing activity in between, as SpiffWorkflow has them).
  :func:`error_start` does the same for an error a job reports (``throw_job_error``).
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.control import (  # type: ignore[import-untyped, unused-ignore]
    _EndJoin,
)
from SpiffWorkflow.bpmn.specs.defaults import (  # type: ignore[import-untyped, unused-ignore]
    EventSubprocess,
    StartEvent,
)
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (  # type: ignore[import-untyped, unused-ignore]
    CodeEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (  # type: ignore[import-untyped, unused-ignore]
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util.event import EventManager  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.util.task import (  # type: ignore[import-untyped, unused-ignore]
    TaskIterator,
    TaskState,
)

from orchestrator.engine.specs import ClockCycleStartTimer


class EventSubprocessTask(EventSubprocess):
    """An event subprocess: a subworkflow started with its scope, waiting at its start event."""


class EventSubprocessStart(StartEvent):
    """The start event of an event subprocess (message, timer, signal, error, escalation)."""

    def __init__(
        self,
        wf_spec: Any,
        bpmn_id: str,
        event_definition: Any,
        interrupting: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(wf_spec, bpmn_id, event_definition=event_definition, **kwargs)
        self.interrupting = interrupting

    def _run_hook(self, my_task: Any) -> bool:
        definition = self.event_definition
        carry = (
            definition.following(my_task) if isinstance(definition, ClockCycleStartTimer) else None
        )
        result = bool(super()._run_hook(my_task))
        es_task = owner(my_task)
        if es_task is not None:
            if self.interrupting:
                interrupt(es_task)
            elif not isinstance(definition, TimerEventDefinition) or carry is not None:
                rearm(es_task, carry)
        return result


class ScopeEndJoin(_EndJoin):
    """The end join of a scope with event subprocesses: the scope ends when its flow has
    ended and only event subprocesses that never fired are left (those are cancelled)."""

    def _check_threshold_unstructured(self, my_task: Any) -> bool:
        for task in TaskIterator(
            my_task.workflow.task_tree, state=TaskState.NOT_FINISHED_MASK, end_at_spec=self.name
        ):
            if task is my_task or task.task_spec is self:
                continue  # another arrival at this join (cancelled when this one fires)
            if is_idle(task) or (task.parent is not None and is_idle(task.parent)):
                continue
            return False
        return True

    def _update_hook(self, my_task: Any) -> bool:
        may_fire = bool(super()._update_hook(my_task))
        if may_fire:
            _cancel([t for t in my_task.workflow.tasks.values() if is_idle(t)])
        return may_fire


# -- reading the tree ---------------------------------------------------------------------


def owner(start_task: Any) -> Any | None:
    """The event subprocess task whose subworkflow ``start_task`` belongs to."""
    workflow = start_task.workflow
    if workflow.parent_task_id is None:
        return None
    task = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
    return task if isinstance(task.task_spec, EventSubprocessTask) else None


def _start_tasks(es_task: Any) -> Iterator[Any]:
    sub = es_task.workflow.top_workflow.subprocesses.get(es_task.id)
    if sub is not None:
        for task in list(sub.tasks.values()):
            if isinstance(task.task_spec, EventSubprocessStart):
                yield task


def is_idle(task: Any) -> bool:
    """An event subprocess task whose start event has not fired (still waits)."""
    if not isinstance(task.task_spec, EventSubprocessTask) or task.has_state(
        TaskState.FINISHED_MASK
    ):
        return False
    starts = list(_start_tasks(task))
    return not starts or any(t.state == TaskState.WAITING for t in starts)


def is_waiting_start(task: Any) -> bool:
    """A start event of an event subprocess that waits for its trigger."""
    return isinstance(task.task_spec, EventSubprocessStart) and task.state == TaskState.WAITING


def waiting_starts(scope: Any) -> list[Any]:
    """Start events of the event subprocesses of ``scope`` (a workflow) that wait."""
    found: list[Any] = []
    for task in list(scope.tasks.values()):
        if isinstance(task.task_spec, EventSubprocessTask) and not task.has_state(
            TaskState.FINISHED_MASK
        ):
            found.extend(t for t in _start_tasks(task) if t.state == TaskState.WAITING)
    return found


def live_branches(workflow: Any) -> list[Any]:
    """The event subprocess tasks of ``workflow`` with an open task (themselves, or the end
    join after them) below or at them: the branches beside the flow."""
    found: list[Any] = []
    for task in list(workflow.tasks.values()):
        if isinstance(task.task_spec, EventSubprocessTask) and any(
            not t.has_state(TaskState.FINISHED_MASK) for t in task
        ):
            found.append(task)
    return found


def _catching(starts: list[Any], event: Any) -> list[Any]:
    """The start events among ``starts`` that catch ``event``; those naming its code first
    (a catch-all only when no event subprocess names the code)."""
    caught = [t for t in starts if t.task_spec.event_definition.catches(t, event)]
    specific = [t for t in caught if getattr(t.task_spec.event_definition, "code", None)]
    return specific or caught


def error_start(scope: Any, event: Any) -> Any | None:
    """The waiting error start event of an event subprocess of ``scope`` that catches
    ``event`` (an error), if any."""
    found = _catching(waiting_starts(scope), event)
    return found[0] if found else None


# -- changing the tree --------------------------------------------------------------------


def _cancel(tasks: list[Any]) -> None:
    """Cancel ``tasks``, deepest first: a parent's cancel drops its open children without
    cancelling them (their subworkflows and event subscriptions would linger)."""
    for task in sorted(tasks, key=lambda t: t.depth, reverse=True):
        if not task.has_state(TaskState.FINISHED_MASK):
            task.cancel()


def interrupt(es_task: Any) -> None:
    """An interrupting event subprocess fired: cancel everything else in its scope."""
    _cancel(
        [
            t
            for t in es_task.workflow.tasks.values()
            if not t.has_state(TaskState.FINISHED_MASK)
            and t is not es_task
            and not t.is_descendant_of(es_task)
            and not es_task.is_descendant_of(t)
        ]
    )


def rearm(es_task: Any, carry: dict[str, Any] | None) -> None:
    """A non-interrupting event subprocess fired: start a fresh copy of it in the scope, so
    it can fire again (with ``carry`` as the timer state of a cycle's next period)."""
    anchor = es_task.parent
    copy = anchor._add_child(es_task.task_spec, TaskState.FUTURE)
    copy.triggered = True  # never dropped when SpiffWorkflow syncs the anchor's children
    copy.task_spec._update(copy)
    # The copy inherited the scope's data as it was at the start; take the current one.
    copy.data = deepcopy(es_task.data)
    for task in _start_tasks(copy):
        task.data = deepcopy(es_task.data)
        if task.parent is not None:
            task.parent.data = deepcopy(es_task.data)
        if carry is not None:
            task._set_internal_data(event_value=carry)


# -- errors and escalations thrown inside the instance ----------------------------------


class ScopedEventManager(EventManager):
    """SpiffWorkflow's event manager, with errors and escalations thrown by an event
    delivered scope by scope: in each workflow from the thrower's outwards, the event
    subprocesses of that scope first, then (as SpiffWorkflow has it) the waiting events
    of that workflow (boundary events of the activities in it)."""

    def catch(self, event: Any, internal: bool = True) -> int:
        if event.target is None or not isinstance(event.event_definition, CodeEventDefinition):
            return int(super().catch(event, internal))
        target = event.target
        while target is not None:
            tasks = _catching(waiting_starts(target), event) or [
                t
                for t in self.tasks.values()
                if t.workflow is target and t.task_spec.event_definition.catches(t, event)
            ]
            if tasks:
                # one event subprocess catches it; SpiffWorkflow lets every boundary event
                if is_waiting_start(tasks[0]):
                    tasks = tasks[:1]
                for task in tasks:
                    task.task_spec.catch(task, event)
                    task.task_spec._update(task)
                return len(tasks)
            target = target.parent_workflow
        if internal:
            self.workflow.bpmn_events.append(event)
        return 0


def install(workflow: Any) -> None:
    """Give a (new or restored) top workflow the :class:`ScopedEventManager`."""
    current = workflow.event_manager
    if not isinstance(current, ScopedEventManager):
        manager = ScopedEventManager(workflow)
        manager.tasks = current.tasks
        workflow.event_manager = manager


__all__ = [
    "EventSubprocessStart",
    "EventSubprocessTask",
    "ScopeEndJoin",
    "ScopedEventManager",
    "error_start",
    "install",
    "interrupt",
    "is_idle",
    "is_waiting_start",
    "rearm",
]
