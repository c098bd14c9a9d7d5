"""The SpiffWorkflow parser, configured for the Camunda 7 dialect on our terms."""

from __future__ import annotations

from typing import Any, ClassVar

from SpiffWorkflow.bpmn.parser.BpmnParser import (  # type: ignore[import-untyped, unused-ignore]
    DEFAULT_NSMAP,
    BpmnParser,
    full_tag,
)
from SpiffWorkflow.bpmn.parser.event_parsers import (  # type: ignore[import-untyped, unused-ignore]
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
    BoundaryEventParser,
    EndEventParser,
    IntermediateCatchEventParser,
    IntermediateThrowEventParser,
    StartEventParser,
)
from SpiffWorkflow.bpmn.parser.ProcessParser import (  # type: ignore[import-untyped, unused-ignore]
    ProcessParser,
)
from SpiffWorkflow.bpmn.parser.task_parsers import (  # type: ignore[import-untyped, unused-ignore]
    ConditionalGatewayParser,
    GatewayParser,
    SubprocessParser,
)
from SpiffWorkflow.bpmn.parser.util import first  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.bpmn.parser.ValidationException import (  # type: ignore[import-untyped, unused-ignore]
    ValidationException,
)
from SpiffWorkflow.bpmn.specs.control import (  # type: ignore[import-untyped, unused-ignore]
    StartEventJoin,
    StartEventSplit,
)
from SpiffWorkflow.bpmn.specs.defaults import (  # type: ignore[import-untyped, unused-ignore]
    BoundaryEvent,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    ScriptTask,
    StartEvent,
    SubWorkflowTask,
    TransactionSubprocess,
    UserTask,
)
from SpiffWorkflow.camunda.parser.task_spec import (  # type: ignore[import-untyped, unused-ignore]
    CAMUNDA_MODEL_NS,
    CallActivityParser,
    CamundaTaskParser,
    ScriptTaskParser,
    SubWorkflowParser,
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

NSMAP = {**DEFAULT_NSMAP, "camunda": CAMUNDA_MODEL_NS}


def in_event_subprocess(node: Any) -> bool:
    """Whether ``node`` is a direct child of an event subprocess."""
    parent = node.getparent()
    return parent is not None and parent.get("triggeredByEvent") == "true"


class _ClockTimers:
    """Mixin: timer event definitions that read our injectable clock."""

    node: Any
    filename: str | None

    def parse_timer_event(self, event: Any) -> Any:
        description = self.get_event_description(event)  # type: ignore[attr-defined]
        name = self.node.get("name", self.node.get("id"))
        cycle = ClockCycleStartTimer if in_event_subprocess(self.node) else ClockCycleTimer
        for tag, cls in (
            ("timeDate", ClockDateTimer),
            ("timeDuration", ClockDurationTimer),
            ("timeCycle", cycle),
        ):
            found = first(self.xpath(f".//bpmn:{tag}"))  # type: ignore[attr-defined]
            if found is not None:
                return cls(name, (found.text or "").strip(), description=description)
        raise ValidationException(
            "timer without time specification", node=self.node, file_name=self.filename
        )


class _StartEventParser(_ClockTimers, StartEventParser):
    """Start events; that of an event subprocess also takes errors and escalations, and
    whether it interrupts."""

    def create_task(self) -> Any:
        if not in_event_subprocess(self.node):
            return super().create_task()
        definition = self.get_event_definition(
            [
                MESSAGE_EVENT_XPATH,
                SIGNAL_EVENT_XPATH,
                TIMER_EVENT_XPATH,
                ERROR_EVENT_XPATH,
                ESCALATION_EVENT_XPATH,
            ]
        )
        self.spec_class = EventSubprocessStart
        task = self._create_task(definition)
        task.interrupting = self.node.get("isInterrupting") != "false"
        self.spec.start.connect(task)
        return task


class _EndEventParser(_ClockTimers, EndEventParser):
    pass


class _CatchEventParser(_ClockTimers, IntermediateCatchEventParser):
    pass


class _ThrowEventParser(_ClockTimers, IntermediateThrowEventParser):
    pass


class _BoundaryEventParser(_ClockTimers, BoundaryEventParser):
    pass


class _SubprocessParser(SubWorkflowParser):
    """Embedded subprocesses; the Camunda parser loses ``triggeredByEvent``."""

    def create_task(self) -> Any:
        if self.node.get("triggeredByEvent") != "true":
            return super().create_task()
        spec_id = SubprocessParser.get_subprocess_spec(self)
        return EventSubprocessTask(
            self.spec, self.bpmn_id, subworkflow_spec=spec_id, **self.bpmn_attributes
        )


class _ProcessParser(ProcessParser):
    """A process or subprocess whose event subprocesses start with it (see
    :mod:`.event_subprocess`) instead of SpiffWorkflow's triggers."""

    def add_tasks(self) -> None:
        # As ProcessParser.add_tasks, but for the event subprocesses.
        spec = self.spec
        event_subprocesses = self.xpath("./bpmn:subProcess[@triggeredByEvent='true']")
        if event_subprocesses:
            # before the end events connect to it
            name = spec.end.name
            del spec.task_specs[name]
            spec.end = ScopeEndJoin(spec, name)
            spec.end.outputs = [spec.task_specs["End"]]
        start_nodes = self.xpath("./bpmn:startEvent")
        if not start_nodes and self.process_executable:
            raise ValidationException(
                "No start event found", node=self.node, file_name=self.filename
            )
        for node in start_nodes:
            self.parse_node(node)
        if len(start_nodes) > 1:
            split = StartEventSplit(spec, "StartEventSplit")
            join = StartEventJoin(
                spec, "StartEventJoin", split_task="StartEventSplit", threshold=1, cancel=True
            )
            for output in spec.start.outputs:
                output.inputs = [split]
                output.connect(join)
            split.outputs = spec.start.outputs
            spec.start.outputs = [split]
            split.inputs = [spec.start]
        for node in event_subprocesses:
            task_spec = self.parse_node(node)
            spec.start.connect(task_spec)
            task_spec.connect(spec.end)


class KetenregieParser(BpmnParser):
    """BPMN parser for Camunda 7 diagrams; DMN is parsed separately by our own DMN engine."""

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[Any, Any]]] = {
        full_tag("startEvent"): (_StartEventParser, StartEvent),
        full_tag("endEvent"): (_EndEventParser, EndEvent),
        full_tag("intermediateCatchEvent"): (_CatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (_ThrowEventParser, IntermediateThrowEvent),
        full_tag("boundaryEvent"): (_BoundaryEventParser, BoundaryEvent),
        full_tag("userTask"): (CamundaTaskParser, UserTask),
        full_tag("task"): (CamundaTaskParser, PassThroughTask),
        # Camunda treats a manual task as a pass-through activity.
        full_tag("manualTask"): (CamundaTaskParser, PassThroughTask),
        full_tag("serviceTask"): (CamundaTaskParser, ExternalTask),
        full_tag("businessRuleTask"): (CamundaTaskParser, DecisionTask),
        full_tag("scriptTask"): (ScriptTaskParser, ScriptTask),
        full_tag("subProcess"): (_SubprocessParser, SubWorkflowTask),
        full_tag("callActivity"): (CallActivityParser, MappedCallActivity),
        full_tag("parallelGateway"): (GatewayParser, ScopedParallelGateway),
        full_tag("inclusiveGateway"): (ConditionalGatewayParser, ScopedInclusiveGateway),
        full_tag("transaction"): (SubWorkflowParser, TransactionSubprocess),
    }

    PROCESS_PARSER_CLASS = _ProcessParser

    def __init__(self) -> None:
        super().__init__(namespaces=NSMAP, validator=None)
