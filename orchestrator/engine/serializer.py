"""Serializing workflows without their specs, and specs once per bundle.

SpiffWorkflow embeds the whole spec in every serialized workflow; we store specs once
(in the bundle, by content hash) and the instance state without them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import (  # type: ignore[import-untyped, unused-ignore]
    DEFAULT_CONFIG,
    BpmnWorkflowSerializer,
)
from SpiffWorkflow.bpmn.serializer.default.event_definition import (  # type: ignore[import-untyped, unused-ignore]
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.task_spec import (  # type: ignore[import-untyped, unused-ignore]
    BpmnTaskSpecConverter,
    ConditionalGatewayConverter,
    EventConverter,
    MultiInstanceTaskConverter,
    ParallelGatewayConverter,
    SubWorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import (  # type: ignore[import-untyped, unused-ignore]
    BpmnWorkflowConverter,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.camunda.specs.multiinstance_task import (  # type: ignore[import-untyped, unused-ignore]
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
)

from orchestrator.engine.event_subprocess import (
    EventSubprocessStart,
    EventSubprocessTask,
    ScopeEndJoin,
)
from orchestrator.engine.specs import (
    ClockCycleStartTimer,
    ClockCycleTimer,
    ClockDateTimer,
    ClockDurationTimer,
    DecisionTask,
    ExternalTask,
    MappedCallActivity,
    PassThroughTask,
    ScopedInclusiveGateway,
    ScopedParallelGateway,
)

SERIALIZER_VERSION = "ketenregie-1"


class StatelessWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the specs out of the state and takes them, already restored, from the caller."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dict(dct)

    def from_dict(self, dct: dict[str, Any], **kwargs: Any) -> Any:
        spec, subprocess_specs = kwargs["spec"], kwargs["subprocess_specs"]
        dct = dict(dct)
        dct["spec"] = None
        dct["subprocess_specs"] = {}
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class EventSubprocessStartConverter(EventConverter):
    """:class:`EventSubprocessStart`: an event with whether it interrupts."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct = dict(super().to_dict(spec))
        dct["interrupting"] = spec.interrupting
        return dct


def _config() -> dict[Any, Any]:
    config = dict(DEFAULT_CONFIG)
    config[BpmnWorkflow] = StatelessWorkflowConverter
    config[PassThroughTask] = BpmnTaskSpecConverter
    config[ExternalTask] = BpmnTaskSpecConverter
    config[DecisionTask] = BpmnTaskSpecConverter
    config[ScopedParallelGateway] = ParallelGatewayConverter
    config[ScopedInclusiveGateway] = ConditionalGatewayConverter
    config[MappedCallActivity] = SubWorkflowConverter
    config[ParallelMultiInstanceTask] = MultiInstanceTaskConverter
    config[SequentialMultiInstanceTask] = MultiInstanceTaskConverter
    config[EventSubprocessTask] = SubWorkflowConverter
    config[EventSubprocessStart] = EventSubprocessStartConverter
    config[ScopeEndJoin] = BpmnTaskSpecConverter
    for timer in (ClockDateTimer, ClockDurationTimer, ClockCycleTimer, ClockCycleStartTimer):
        config[timer] = TimerConditionalEventDefinitionConverter
    return config


def build_serializer() -> Any:
    """A serializer whose registry knows every spec class our parser creates."""
    registry = BpmnWorkflowSerializer.configure(_config())
    return BpmnWorkflowSerializer(registry, version=SERIALIZER_VERSION)
