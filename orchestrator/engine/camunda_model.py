"""What the Camunda 7 reader finds in a BPMN document: constants, plain records, helpers.

SpiffWorkflow's own Camunda parser keeps only part of the ``camunda:`` extensions and runs
Python for expressions. We read every extension ourselves into plain JSON-able dicts
(one per element, keyed by the id of the process or subprocess that holds it) and refuse,
with the element named, whatever we do not run: Java classes, scripts, connectors,
listeners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from orchestrator.domain.errors import DeployProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS, "bpmndi": BPMNDI_NS}
#: namespaces Camunda 7 reads as its own (diagrams from Activiti-era tools)
LEGACY_CAMUNDA_NS = frozenset({"http://activiti.org/bpmn"})

#: flow elements SpiffWorkflow executes for us
SUPPORTED_FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "manualTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "scriptTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
    }
)
#: elements that may appear in a process but are not flow nodes we run
PASSIVE_ELEMENTS = frozenset(
    {
        "sequenceFlow",
        "laneSet",
        "lane",
        "flowNodeRef",
        "childLaneSet",
        "documentation",
        "extensionElements",
        "textAnnotation",
        "association",
        "group",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "dataInputAssociation",
        "dataOutputAssociation",
        "ioSpecification",
        "property",
        "incoming",
        "outgoing",
        "text",
        "conditionExpression",
        "sourceRef",
        "targetRef",
        "multiInstanceLoopCharacteristics",
        "standardLoopCharacteristics",
        "loopCardinality",
        "completionCondition",
    }
)
UNSUPPORTED_NODES = {
    "complexGateway": "complex gateways are not supported; use an inclusive gateway",
    "adHocSubProcess": "ad-hoc subprocesses are not supported",
}
EXPRESSION_LANGUAGES = {None, "", "juel", "JUEL", "${}"}
#: triggers an event subprocess may start on
EVENT_SUBPROCESS_TRIGGERS = frozenset({"message", "timer", "signal", "error", "escalation"})


@dataclass
class ElementInfo:
    """What we know about one flow element: its Camunda settings and where it is."""

    element_id: str
    tag: str
    name: str | None
    line: int | None
    container: str  # id of the process or subprocess that holds the element
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExpressionSite:
    """An expression in the document that must parse (checked by the validator)."""

    element_id: str
    element_name: str | None
    line: int | None
    text: str
    kind: str  # condition | timer | assignment | mapping | cardinality | ...


@dataclass
class DocumentInfo:
    """Everything read from one BPMN document."""

    file: str
    processes: dict[str, ProcessInfo] = field(default_factory=dict)
    problems: list[DeployProblem] = field(default_factory=list)
    expressions: list[ExpressionSite] = field(default_factory=list)
    has_diagram: bool = False


@dataclass
class ProcessInfo:
    """One ``bpmn:process`` of a document."""

    process_id: str
    name: str | None
    executable: bool
    line: int | None
    elements: dict[str, ElementInfo] = field(default_factory=dict)
    called_elements: dict[str, str] = field(default_factory=dict)  # call activity id -> key
    decision_refs: dict[str, str] = field(default_factory=dict)  # task id -> decision key
    message_starts: list[str] = field(default_factory=list)
    timer_start: str | None = None
    # camunda:properties of the process itself (e.g. the variable policy per role)
    properties: dict[str, str] = field(default_factory=dict)

    def extensions(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Settings grouped by container then element id, as stored in a bundle."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for info in self.elements.values():
            if info.settings:
                out.setdefault(info.container, {})[info.element_id] = info.settings
        return out


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _line(node: etree._Element) -> int | None:
    # lxml-stubs 0.5 declare sourceline without a type
    line: Any = node.sourceline
    return line if isinstance(line, int) else None


def _cam(node: etree._Element, attr: str) -> str | None:
    value = node.get(f"{{{CAMUNDA_NS}}}{attr}")
    return value if value not in (None, "") else None


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def normalise_namespaces(root: etree._Element) -> None:
    """Rewrite the legacy ``activiti:`` extension namespace, which Camunda 7 accepts as its
    own, to the Camunda one (in place), so it is validated (and refused) like Camunda's."""
    for node in root.iter(etree.Element):
        if etree.QName(node).namespace in LEGACY_CAMUNDA_NS:
            node.tag = f"{{{CAMUNDA_NS}}}{etree.QName(node).localname}"
        for key in list(node.attrib):
            qname = etree.QName(key)
            if qname.namespace in LEGACY_CAMUNDA_NS:
                value = node.attrib.pop(key)
                node.set(f"{{{CAMUNDA_NS}}}{qname.localname}", value)
