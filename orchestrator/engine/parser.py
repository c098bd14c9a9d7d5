"""The SpiffWorkflow parser, configured for the Camunda 7 dialect on our terms."""

from __future__ import annotations

from typing import Any, ClassVar

from SpiffWorkflow.bpmn.parser.BpmnParser import (  # type: ignore[import-untyped, unused-ignore]
    DEFAULT_NSMAP,
    BpmnParser,
    full_tag,
)
from SpiffWorkflow.bpmn.parser.event_parsers import (  # type: ignore[import-untyped, unused-ignore]
    BoundaryEventParser,
    EndEventParser,
    IntermediateCatchEventParser,
    IntermediateThrowEventParser,
    StartEventParser,
)
from SpiffWorkflow.bpmn.parser.task_parsers import (  # type: ignore[import-untyped, unused-ignore]
    ConditionalGatewayParser,
    GatewayParser,
)
from SpiffWorkflow.bpmn.parser.util import first  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.bpmn.parser.ValidationException import (  # type: ignore[import-untyped, unused-ignore]
    ValidationException,
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

from orchestrator.engine.specs import (
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


class _ClockTimers:
    """Mixin: timer event definitions that read our injectable clock."""

    node: Any
    filename: str | None

    def parse_timer_event(self, event: Any) -> Any:
        description = self.get_event_description(event)  # type: ignore[attr-defined]
        name = self.node.get("name", self.node.get("id"))
        for tag, cls in (
            ("timeDate", ClockDateTimer),
            ("timeDuration", ClockDurationTimer),
            ("timeCycle", ClockCycleTimer),
        ):
            found = first(self.xpath(f".//bpmn:{tag}"))  # type: ignore[attr-defined]
            if found is not None:
                return cls(name, (found.text or "").strip(), description=description)
        raise ValidationException(
            "timer without time specification", node=self.node, file_name=self.filename
        )


class _StartEventParser(_ClockTimers, StartEventParser):
    pass


class _EndEventParser(_ClockTimers, EndEventParser):
    pass


class _CatchEventParser(_ClockTimers, IntermediateCatchEventParser):
    pass


class _ThrowEventParser(_ClockTimers, IntermediateThrowEventParser):
    pass


class _BoundaryEventParser(_ClockTimers, BoundaryEventParser):
    pass


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
        full_tag("subProcess"): (SubWorkflowParser, SubWorkflowTask),
        full_tag("callActivity"): (CallActivityParser, MappedCallActivity),
        full_tag("parallelGateway"): (GatewayParser, ScopedParallelGateway),
        full_tag("inclusiveGateway"): (ConditionalGatewayParser, ScopedInclusiveGateway),
        full_tag("transaction"): (SubWorkflowParser, TransactionSubprocess),
    }

    def __init__(self) -> None:
        super().__init__(namespaces=NSMAP, validator=None)
