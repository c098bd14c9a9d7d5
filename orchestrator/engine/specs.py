"""Task specs and timer event definitions that SpiffWorkflow runs on our terms.

- :class:`ExternalTask` waits for an adapter (a job) instead of calling a Python service;
  SpiffWorkflow's own ``call_service`` masks the real error with ``NameError: script``.
- :class:`DecisionTask` evaluates a DMN table with our FEEL evaluator.
- The ``Clock*Timer`` definitions read the injectable clock, never ``datetime.now``.
- :class:`ScopedParallelGateway` / :class:`ScopedInclusiveGateway` join branches with
  process-scoped variables (see :mod:`.scope`), not SpiffWorkflow's deep merge of copies.
- :class:`MappedCallActivity` passes variables to and from the called process only as the
  ``camunda:in`` / ``camunda:out`` mappings say, as Camunda 7 does.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from datetime import timedelta
from typing import Any

from SpiffWorkflow.bpmn.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    WorkflowTaskException,
)
from SpiffWorkflow.bpmn.specs.defaults import (  # type: ignore[import-untyped, unused-ignore]
    CallActivity,
    InclusiveGateway,
    NoneTask,
    ParallelGateway,
    ServiceTask,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (  # type: ignore[import-untyped, unused-ignore]
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

from orchestrator.engine import timers
from orchestrator.engine.scope import PASSED_IN


class PassThroughTask(NoneTask):
    """``bpmn:task`` and ``bpmn:manualTask``: Camunda passes through them. SpiffWorkflow's
    ``NoneTask`` is *manual* and would wait READY forever, visible to nobody."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class ExternalTask(ServiceTask):
    """``camunda:type="external"``: the task waits (READY, manual) until its job is done."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = True

    def _execute(self, task: Any) -> bool:
        # The job result was merged into the task data before run(); nothing to call.
        return True


class DecisionTask(ServiceTask):
    """``bpmn:businessRuleTask`` with ``camunda:decisionRef``, evaluated by our DMN engine."""

    def _execute(self, task: Any) -> bool:
        task.workflow.script_engine.run_decision(task)
        return True


def _join_data(spec: Any, my_task: Any) -> None:
    """The data a join passes on: that of every arrived branch, in the order they arrived,
    the last one last. Variables are process-scoped (:mod:`.scope`), so the last branch to
    arrive holds every write; the others only add what it somehow lacks. Plain updates:
    SpiffWorkflow's deep merge mixes lists of different branches element by element."""
    others = [
        t
        for t in my_task.workflow.tasks.values()
        if t.task_spec == spec
        and t.has_state(TaskState.FINISHED_MASK)
        and not my_task.is_descendant_of(t)
    ]
    data: dict[str, Any] = {}
    for task in sorted(others, key=lambda t: t.last_state_change):
        data.update(deepcopy(task.parent.data))
        # As SpiffWorkflow does: after a reset inside a branch, drop the stale descendants.
        if task.has_state(TaskState.COMPLETED):
            task._drop_children(force=True)
    data.update(deepcopy(my_task.parent.data))
    my_task.data = data


class ScopedParallelGateway(ParallelGateway):
    """A parallel gateway whose join keeps every branch's writes."""

    def _run_hook(self, my_task: Any) -> bool:
        _join_data(self, my_task)
        return True


class ScopedInclusiveGateway(InclusiveGateway):
    """An inclusive gateway whose join keeps every branch's writes."""

    def _run_hook(self, my_task: Any) -> bool:
        _join_data(self, my_task)
        # The split half, as InclusiveGateway._run_hook has it.
        matches, defaults = self._get_matching_outputs(my_task)
        if len(matches + defaults) == 0:
            raise WorkflowTaskException("No conditions satisfied on gateway", task=my_task)
        my_task._sync_children(matches or defaults, TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True


class MappedCallActivity(CallActivity):
    """A call activity with Camunda 7 variable mappings (``camunda:in`` / ``camunda:out``
    in the element's settings, read by :mod:`.camunda`).

    Without mappings the called process sees none of the caller's variables and the caller
    none of the called process's. ``variables="all"`` copies all of them; ``source`` /
    ``sourceExpression`` with ``target`` copies one. ``local="true"`` reads from (``in``)
    or writes to (``out``) only the call activity's own input/output parameters.
    ``camunda:in businessKey`` is accepted and has no effect: the called process runs
    inside the caller's instance and shares its business key.
    """

    def _engine(self, my_task: Any) -> Any:
        return my_task.workflow.script_engine

    def _locals(self, my_task: Any) -> dict[str, Any]:
        """``camunda:inputParameter`` values of the call activity (its local variables)."""
        engine = self._engine(my_task)
        out: dict[str, Any] = {}
        for name, expression in engine.settings(my_task).get("inputs", []):
            out[name] = (
                engine.evaluate_in(my_task, expression, {**my_task.data, **out})
                if expression
                else None
            )
        return out

    def _apply(
        self,
        my_task: Any,
        mappings: list[Mapping[str, Any]],
        scope: Mapping[str, Any],
        local_scope: Mapping[str, Any],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(values, local values) that ``mappings`` produce from ``scope``."""
        engine = self._engine(my_task)
        values: dict[str, Any] = {}
        local_values: dict[str, Any] = {}
        for mapping in mappings:
            local = bool(mapping.get("local"))
            source = local_scope if local else scope
            into = local_values if local else values
            if mapping.get("all"):
                into.update(deepcopy(dict(source)))
            elif "expression" in mapping:
                value = engine.evaluate_in(my_task, str(mapping["expression"]), source)
                into[str(mapping["target"])] = deepcopy(value)
            else:
                into[str(mapping["target"])] = deepcopy(source.get(str(mapping["source"])))
        return values, local_values

    def copy_data(self, my_task: Any, subworkflow: Any) -> None:
        start = subworkflow.get_next_task(
            subworkflow.task_tree, skip_subprocesses=True, spec_name="Start"
        )
        mappings = list(self._engine(my_task).settings(my_task).get("in", []))
        local_scope = self._locals(my_task) if mappings else {}
        values, local_values = self._apply(
            my_task, mappings, {**my_task.data, **local_scope}, local_scope
        )
        passed = {**values, **local_values}
        start.set_data(**passed)
        # what went in, so the instance view can tell the called process's own writes
        # from unchanged copies of the caller's variables (see scope.instance_variables)
        my_task._set_internal_data(**{PASSED_IN: deepcopy(passed)})

    def update_data(self, my_task: Any, subworkflow: Any) -> None:
        settings = self._engine(my_task).settings(my_task)
        called = subworkflow.last_task.data if subworkflow.last_task is not None else {}
        values, local_values = self._apply(my_task, list(settings.get("out", [])), called, called)
        my_task.data.update(values)
        engine = self._engine(my_task)
        scope = {**my_task.data, **local_values}
        for name, expression in settings.get("outputs", []):
            value = engine.evaluate_in(my_task, expression, scope) if expression else None
            my_task.data[name] = value
            scope[name] = value


def _clock_now(my_task: Any) -> Any:
    return my_task.workflow.script_engine.clock.now()


def _timer_value(my_task: Any, expression: str) -> str:
    value = my_task.workflow.script_engine.evaluate(my_task, expression)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


class ClockDateTimer(TimeDateEventDefinition):
    """``timeDate``: fires at a moment."""

    def due(self, my_task: Any) -> Any:
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = timers.parse_datetime(_timer_value(my_task, self.expression)).isoformat()
            my_task._set_internal_data(event_value=value)
        return timers.parse_datetime(value)

    def has_fired(self, my_task: Any) -> bool:
        if self.due(my_task) <= _clock_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockDurationTimer(DurationTimerEventDefinition):
    """``timeDuration``: fires a duration after the event started waiting."""

    def due(self, my_task: Any) -> Any:
        value = my_task._get_internal_data("event_value")
        if value is None:
            duration = timers.parse_duration(_timer_value(my_task, self.expression))
            value = duration.after(_clock_now(my_task)).isoformat()
            my_task._set_internal_data(event_value=value)
        return timers.parse_datetime(value)

    def has_fired(self, my_task: Any) -> bool:
        if self.due(my_task) <= _clock_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


def _cycle_value(my_task: Any, expression: str) -> dict[str, Any]:
    """The state of a cycle timer (remaining cycles, next due time, period), fixed when the
    timer starts waiting."""
    value = my_task._get_internal_data("event_value")
    if value is None:
        cycle = timers.parse_cycle(_timer_value(my_task, expression), _clock_now(my_task))
        value = {
            "cycles": cycle.repetitions,
            "next": cycle.first.isoformat(),
            "every": [cycle.every.months, cycle.every.days, cycle.every.seconds],
        }
        my_task._set_internal_data(event_value=value)
    return dict(value)


def _next_period(value: dict[str, Any]) -> dict[str, Any]:
    """The cycle state after the period due at ``value["next"]`` elapsed."""
    months, days, seconds = value["every"]
    every = timers.Duration(months=months, days=days, seconds=seconds)
    moment = timers.parse_datetime(value["next"])
    return {**value, "next": every.after(moment).isoformat(), "cycles": value["cycles"] - 1}


class ClockCycleTimer(CycleTimerEventDefinition):
    """``timeCycle`` (``R/P6M``): a non-interrupting timer that fires once per period."""

    def _value(self, my_task: Any) -> dict[str, Any]:
        return _cycle_value(my_task, self.expression)

    def due(self, my_task: Any) -> Any:
        value = self._value(my_task)
        if value["cycles"] == 0:
            return None
        return timers.parse_datetime(value["next"])

    def cycle_complete(self, my_task: Any) -> bool:
        value = self._value(my_task)
        ready = False
        if value["cycles"] != 0:
            if timers.parse_datetime(value["next"]) <= _clock_now(my_task):
                value = _next_period(value)
                ready = True
        else:
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=value)
        return ready

    def update_task(self, my_task: Any) -> None:
        # One child per elapsed period, so a scheduler that was down catches up every cycle.
        while self.cycle_complete(my_task):
            for output in my_task.task_spec.outputs:
                child = my_task._add_child(output, TaskState.FUTURE)
                child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
                child.task_spec._update(child)


class ClockCycleStartTimer(TimerEventDefinition):
    """``timeCycle`` on the start event of an event subprocess: fires once, at the next due
    time of the cycle; the copy a non-interrupting event subprocess starts for the next
    firing carries the cycle on (:meth:`following`)."""

    def due(self, my_task: Any) -> Any:
        value = _cycle_value(my_task, self.expression)
        if value["cycles"] == 0:
            return None
        return timers.parse_datetime(value["next"])

    def has_fired(self, my_task: Any) -> bool:
        due = self.due(my_task)
        if due is not None and due <= _clock_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))

    def following(self, my_task: Any) -> dict[str, Any] | None:
        """The cycle state for the next firing, or None when this was the last one."""
        value = _next_period(_cycle_value(my_task, self.expression))
        return value if value["cycles"] != 0 else None


TIMER_CLASSES = (ClockDateTimer, ClockDurationTimer, ClockCycleTimer, ClockCycleStartTimer)
ONE_SECOND = timedelta(seconds=1)
