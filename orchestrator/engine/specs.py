"""Task specs and timer event definitions that SpiffWorkflow runs on our terms.

- :class:`ExternalTask` waits for an adapter (a job) instead of calling a Python service;
  SpiffWorkflow's own ``call_service`` masks the real error with ``NameError: script``.
- :class:`DecisionTask` evaluates a DMN table with our FEEL evaluator.
- The ``Clock*Timer`` definitions read the injectable clock, never ``datetime.now``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import (  # type: ignore[import-untyped, unused-ignore]
    NoneTask,
    ServiceTask,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (  # type: ignore[import-untyped, unused-ignore]
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

from orchestrator.engine import timers


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


class ClockCycleTimer(CycleTimerEventDefinition):
    """``timeCycle`` (``R/P6M``): a non-interrupting timer that fires once per period."""

    def _value(self, my_task: Any) -> dict[str, Any]:
        value = my_task._get_internal_data("event_value")
        if value is None:
            cycle = timers.parse_cycle(_timer_value(my_task, self.expression), _clock_now(my_task))
            value = {
                "cycles": cycle.repetitions,
                "next": cycle.first.isoformat(),
                "every": [cycle.every.months, cycle.every.days, cycle.every.seconds],
            }
            my_task._set_internal_data(event_value=value)
        return dict(value)

    def due(self, my_task: Any) -> Any:
        value = self._value(my_task)
        if value["cycles"] == 0:
            return None
        return timers.parse_datetime(value["next"])

    def cycle_complete(self, my_task: Any) -> bool:
        value = self._value(my_task)
        ready = False
        if value["cycles"] != 0:
            moment = timers.parse_datetime(value["next"])
            if moment <= _clock_now(my_task):
                months, days, seconds = value["every"]
                every = timers.Duration(months=months, days=days, seconds=seconds)
                value["next"] = every.after(moment).isoformat()
                value["cycles"] -= 1
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


TIMER_CLASSES = (ClockDateTimer, ClockDurationTimer, ClockCycleTimer)
ONE_SECOND = timedelta(seconds=1)
