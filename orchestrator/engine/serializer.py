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
    TaskConverter,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import (  # type: ignore[import-untyped, unused-ignore]
    CatchingEvent,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.camunda.specs.multiinstance_task import (  # type: ignore[import-untyped, unused-ignore]
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
)
from SpiffWorkflow.task import Task  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.util.deep_merge import DeepMerge  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

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

#: values the registry passes through unchanged (exact types: subclasses may be registered)
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})

#: task ids are parsed and printed on every step; UUIDs are immutable, so share them.
#: Small: the ids of the last ~1,000 instances stepped (steps of one instance come close
#: together); every cached UUID is an object the cyclic GC walks in a full collection
#: (100,000 of them made one take ~50 ms, a stall of the whole API)
_CACHE_LIMIT = 8_192
_uuids: dict[str, UUID] = {}
_texts: dict[UUID, str] = {}


def _uuid(text: str) -> UUID:
    found = _uuids.get(text)
    if found is None:
        if len(_uuids) >= _CACHE_LIMIT:
            _uuids.clear()
        found = _uuids[text] = UUID(text)
    return found


def _text(value: UUID) -> str:
    found = _texts.get(value)
    if found is None:
        if len(_texts) >= _CACHE_LIMIT:
            _texts.clear()
        found = _texts[value] = str(value)
    return found


def _plain(data: dict[Any, Any]) -> bool:
    """Whether the registry would convert (or restore) ``data`` to an equal copy of itself."""
    return "typename" not in data and all(type(v) in _PLAIN_TYPES for v in data.values())


class FastTaskConverter(TaskConverter):
    """SpiffWorkflow's task converter, same output, without its generic per-value dispatch
    for plain data and with task ids parsed and printed once."""

    #: where the registry keeps this converter, for :class:`StatelessWorkflowConverter`
    ATTRIBUTE = "ketenregie_task_converter"

    def __init__(self, target_class: Any, registry: Any, typename: str | None = None) -> None:
        super().__init__(target_class, registry, typename)
        setattr(registry, self.ATTRIBUTE, self)

    def to_dict(self, task: Any) -> dict[str, Any]:
        parent = task.workflow.tasks.get(task._parent)
        if parent is None:
            data = task.data
            delta: dict[str, Any] = {}
        else:
            before, after = parent.data, task.data
            delta = {
                "updates": {k: v for k, v in after.items() if k not in before or v != before[k]},
                "deletions": [k for k in before if k not in after],
            }
            data = {}
        internal = task.internal_data
        return {
            "id": _text(task.id),
            "parent": _text(task._parent) if parent is not None else None,
            "children": [_text(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": dict(internal)
            if _plain(internal)
            else self.registry.convert(internal),
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> Any:
        registry = self.registry
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=_uuid(dct["id"]))
        parent_id = dct["parent"]
        task._parent = _uuid(parent_id) if parent_id is not None else None
        task._children = [_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = (
            dict(internal)
            if type(internal) is dict and _plain(internal)
            else registry.restore(internal)
        )
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = workflow.tasks.get(task._parent)
        if delta and parent is not None:
            data = DeepMerge.merge({}, parent.data)
            updates = delta.get("updates", {})
            data.update(
                updates if type(updates) is dict and _plain(updates) else registry.restore(updates)
            )
            for key in delta.get("deletions", {}):
                if key in data:
                    del data[key]
        else:
            data = registry.restore(dct["data"])
        task.data = data
        return task


class StatelessWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the specs out of the state and takes them, already restored, from the caller."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        registry = self.registry
        dct = {
            "data": registry.convert(registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": _text(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": self._tasks_to_dict(workflow.tasks),
            "root": _text(workflow.task_tree.id),
        }
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dict(dct)

    def from_dict(self, dct: dict[str, Any], **kwargs: Any) -> Any:
        spec, subprocess_specs = kwargs["spec"], kwargs["subprocess_specs"]
        dct = dict(dct)
        dct["spec"] = None
        dct["subprocess_specs"] = {}
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self._tasks_from_dict(dct["tasks"], workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow

    # SpiffWorkflow's mapping_to_dict / mapping_from_dict, calling our task converter
    # directly instead of through the registry's generic dispatch (which copies every dict)

    def _tasks_to_dict(self, tasks: dict[UUID, Any]) -> dict[str, Any]:
        fast: FastTaskConverter | None = getattr(self.registry, FastTaskConverter.ATTRIBUTE, None)
        out: dict[str, Any] = {}
        for key, task in tasks.items():
            if fast is not None and type(task) is fast.target_class:
                converted = fast.to_dict(task)
                converted["typename"] = fast.typename
            else:
                converted = self.registry.convert(task)
            out[_text(key)] = converted
        return out

    def _tasks_from_dict(self, tasks: dict[str, Any], workflow: Any) -> dict[UUID, Any]:
        fast: FastTaskConverter | None = getattr(self.registry, FastTaskConverter.ATTRIBUTE, None)
        out: dict[UUID, Any] = {}
        for key, dct in tasks.items():
            if fast is not None and type(dct) is dict and dct.get("typename") == fast.typename:
                out[_uuid(key)] = fast.from_dict(dct, workflow)
            else:
                out[_uuid(key)] = self.registry.restore(dct, workflow=workflow)
        return out


class EventSubprocessStartConverter(EventConverter):
    """:class:`EventSubprocessStart`: an event with whether it interrupts."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct = dict(super().to_dict(spec))
        dct["interrupting"] = spec.interrupting
        return dct


def _config() -> dict[Any, Any]:
    config = dict(DEFAULT_CONFIG)
    config[BpmnWorkflow] = StatelessWorkflowConverter
    config[Task] = FastTaskConverter
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
