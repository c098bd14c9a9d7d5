"""A small model of a Camunda 7 process with lanes, and its BPMN XML with a laid-out diagram.

Diagrams in ``processes/bpmn`` are generated from Python definitions (processes/tools/
klantreis_diagrams.py) so their layout is consistent: one pool per process, one lane per
role as a horizontal band, a layered left-to-right layout (a column per step, a row per
parallel path inside a lane), orthogonal edges, labels under events and gateways. Process
owners edit the generated ``.bpmn`` files in Camunda Modeler afterwards; this tool is ours.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from processes.tools.layout import Layout, layout

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:modeler="http://camunda.org/schema/modeler/1.0"'
)

SIZES = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36)}


@dataclass(frozen=True)
class Veld:
    """A ``camunda:formField``."""

    id: str
    label: str
    type: str = "string"
    required: bool = False
    default: str | None = None
    waarden: tuple[tuple[str, str], ...] = ()  # enum (id, name)

    def xml(self) -> str:
        attrs = f"id={quoteattr(self.id)} label={quoteattr(self.label)} type={quoteattr(self.type)}"
        if self.default is not None:
            attrs += f" defaultValue={quoteattr(self.default)}"
        inner = "".join(
            f"<camunda:value id={quoteattr(i)} name={quoteattr(n)} />" for i, n in self.waarden
        )
        if self.required:
            inner += (
                '<camunda:validation><camunda:constraint name="required" /></camunda:validation>'
            )
        return f"<camunda:formField {attrs}>{inner}</camunda:formField>"


@dataclass
class Node:
    """One flow node; ``body`` is the XML inside the element besides incoming/outgoing."""

    id: str
    tag: str
    name: str
    lane: str
    attrs: str = ""
    body: str = ""
    extensions: str = ""
    attached_to: str | None = None

    @property
    def kind(self) -> str:
        if self.tag.endswith("Gateway"):
            return "gateway"
        if self.tag.endswith("Event"):
            return "event"
        return "task"


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str | None = None


@dataclass
class Proces:
    """One executable process in its own pool, lanes top to bottom in declaration order."""

    id: str
    naam: str
    lanes: dict[str, str] = field(default_factory=dict)  # lane id -> name
    nodes: dict[str, Node] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)  # name -> id
    errors: dict[str, str] = field(default_factory=dict)
    documentatie: str = ""

    # ------------------------------------------------------------- structure
    def lane(self, id: str, naam: str) -> Proces:
        self.lanes[id] = naam
        return self

    def _add(self, node: Node) -> Proces:
        if node.id in self.nodes:
            raise ValueError(f"duplicate id {node.id}")
        if node.lane not in self.lanes:
            raise ValueError(f"{node.id}: unknown lane {node.lane}")
        self.nodes[node.id] = node
        return self

    def start(self, id: str, naam: str, lane: str) -> Proces:
        return self._add(Node(id, "startEvent", naam, lane))

    def end(self, id: str, naam: str, lane: str, *, error: str | None = None) -> Proces:
        body = f'<bpmn:errorEventDefinition errorRef="{self._error(error)}" />' if error else ""
        return self._add(Node(id, "endEvent", naam, lane, body=body))

    def user(
        self,
        id: str,
        naam: str,
        lane: str,
        *,
        groep: str | None = None,
        velden: list[Veld] | None = None,
        due: str | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Proces:
        attrs = f" camunda:candidateGroups={quoteattr(groep or lane)}"
        if due:
            attrs += f" camunda:dueDate={quoteattr(due)}"
        ext = ""
        if velden:
            ext += "<camunda:formData>" + "".join(v.xml() for v in velden) + "</camunda:formData>"
        ext += _outputs(outputs)
        return self._add(Node(id, "userTask", naam, lane, attrs=attrs, extensions=ext))

    def extern(
        self,
        id: str,
        naam: str,
        lane: str,
        topic: str,
        *,
        inputs: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Proces:
        """An external service task; ``inputs`` become ``camunda:inputParameter``s, the
        adapter's input variables the process does not hold under that name."""
        attrs = f' camunda:type="external" camunda:topic={quoteattr(topic)}'
        ext = "<camunda:failedJobRetryTimeCycle>R3/PT10M</camunda:failedJobRetryTimeCycle>"
        return self._add(
            Node(
                id,
                "serviceTask",
                naam,
                lane,
                attrs=attrs,
                extensions=ext + _outputs(outputs, inputs),
            )
        )

    def regel(self, id: str, naam: str, lane: str, decision: str) -> Proces:
        """A business rule task whose matched rule's outputs become process variables."""
        attrs = f" camunda:decisionRef={quoteattr(decision)}"
        return self._add(Node(id, "businessRuleTask", naam, lane, attrs=attrs))

    def regel_naar(self, id: str, naam: str, lane: str, decision: str, result: str) -> Proces:
        """A business rule task with ``resultVariable`` (single entry)."""
        attrs = (
            f" camunda:decisionRef={quoteattr(decision)} camunda:resultVariable={quoteattr(result)}"
            ' camunda:mapDecisionResult="singleEntry"'
        )
        return self._add(Node(id, "businessRuleTask", naam, lane, attrs=attrs))

    def roep(self, id: str, naam: str, lane: str, proces: str) -> Proces:
        ext = '<camunda:in variables="all" /><camunda:out variables="all" />'
        attrs = f" calledElement={quoteattr(proces)}"
        return self._add(Node(id, "callActivity", naam, lane, attrs=attrs, extensions=ext))

    def xor(self, id: str, naam: str, lane: str) -> Proces:
        return self._add(Node(id, "exclusiveGateway", naam, lane))

    def en(self, id: str, naam: str, lane: str) -> Proces:
        return self._add(Node(id, "parallelGateway", naam, lane))

    def event_gateway(self, id: str, naam: str, lane: str) -> Proces:
        return self._add(Node(id, "eventBasedGateway", naam, lane))

    def wacht(self, id: str, naam: str, lane: str, *, duur: str) -> Proces:
        return self._add(
            Node(id, "intermediateCatchEvent", naam, lane, body=_timer("timeDuration", duur))
        )

    def ontvang(self, id: str, naam: str, lane: str, *, bericht: str) -> Proces:
        body = f'<bpmn:messageEventDefinition messageRef="{self._message(bericht)}" />'
        return self._add(Node(id, "intermediateCatchEvent", naam, lane, body=body))

    def ontvang_taak(self, id: str, naam: str, lane: str, *, bericht: str) -> Proces:
        """A receive task: waits for message ``bericht`` (and carries boundary events)."""
        attrs = f' messageRef="{self._message(bericht)}"'
        return self._add(Node(id, "receiveTask", naam, lane, attrs=attrs))

    def grens_bericht(
        self, id: str, naam: str, op: str, *, bericht: str, onderbrekend: bool = True
    ) -> Proces:
        """A boundary message event on ``op`` (non-interrupting when ``onderbrekend`` is False)."""
        host = self.nodes[op]
        body = f'<bpmn:messageEventDefinition messageRef="{self._message(bericht)}" />'
        attrs = f' attachedToRef="{op}"' + ("" if onderbrekend else ' cancelActivity="false"')
        return self._add(
            Node(id, "boundaryEvent", naam, host.lane, attrs=attrs, body=body, attached_to=op)
        )

    def grens_fout(self, id: str, naam: str, op: str, *, code: str) -> Proces:
        """An error boundary event on ``op`` catching the partner's BPMN error ``code``
        (a business refusal, adapters/README.md)."""
        host = self.nodes[op]
        body = f'<bpmn:errorEventDefinition errorRef="{self._error(code)}" />'
        return self._add(
            Node(
                id,
                "boundaryEvent",
                naam,
                host.lane,
                attrs=f' attachedToRef="{op}"',
                body=body,
                attached_to=op,
            )
        )

    def grens_timer(
        self,
        id: str,
        naam: str,
        op: str,
        *,
        duur: str | None = None,
        cyclus: str | None = None,
        onderbrekend: bool = True,
    ) -> Proces:
        host = self.nodes[op]
        body = _timer("timeCycle", cyclus) if cyclus else _timer("timeDuration", duur or "")
        attrs = f' attachedToRef="{op}"' + ("" if onderbrekend else ' cancelActivity="false"')
        return self._add(
            Node(id, "boundaryEvent", naam, host.lane, attrs=attrs, body=body, attached_to=op)
        )

    def pijl(self, source: str, target: str, naam: str = "", conditie: str | None = None) -> Proces:
        self.flows.append(Flow(f"f_{source}_{target}", source, target, naam, conditie))
        return self

    def keten(self, *ids: str) -> Proces:
        for a, b in itertools.pairwise(ids):
            self.pijl(a, b)
        return self

    def standaard(self, gateway: str, target: str) -> Proces:
        """Mark the flow gateway -> target as the gateway's default flow."""
        node = self.nodes[gateway]
        node.attrs += f' default="f_{gateway}_{target}"'
        return self

    def _message(self, name: str) -> str:
        return self.messages.setdefault(name, "Message_" + name.replace("-", "_"))

    def _error(self, code: str) -> str:
        return self.errors.setdefault(code, "Error_" + code.replace("-", "_"))

    # ------------------------------------------------------------------- xml
    def xml(self) -> str:
        plan = layout(self)
        return _document(self, plan)


def _timer(kind: str, value: str) -> str:
    return (
        f'<bpmn:timerEventDefinition><bpmn:{kind} xsi:type="bpmn:tFormalExpression" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{escape(value)}'
        f"</bpmn:{kind}></bpmn:timerEventDefinition>"
    )


def _outputs(outputs: dict[str, str] | None, inputs: dict[str, str] | None = None) -> str:
    if not outputs and not inputs:
        return ""
    params = "".join(
        f"<camunda:inputParameter name={quoteattr(k)}>{escape(v)}</camunda:inputParameter>"
        for k, v in (inputs or {}).items()
    )
    params += "".join(
        f"<camunda:outputParameter name={quoteattr(k)}>{escape(v)}</camunda:outputParameter>"
        for k, v in (outputs or {}).items()
    )
    return f"<camunda:inputOutput>{params}</camunda:inputOutput>"


def _node_xml(p: Proces, node: Node) -> str:
    inner = "".join(
        f"<bpmn:incoming>{f.id}</bpmn:incoming>" for f in p.flows if f.target == node.id
    )
    inner += "".join(
        f"<bpmn:outgoing>{f.id}</bpmn:outgoing>" for f in p.flows if f.source == node.id
    )
    ext = (
        f"<bpmn:extensionElements>{node.extensions}</bpmn:extensionElements>"
        if node.extensions
        else ""
    )
    return (
        f"    <bpmn:{node.tag} id={quoteattr(node.id)} name={quoteattr(node.name)}{node.attrs}>"
        f"{ext}{inner}{node.body}</bpmn:{node.tag}>\n"
    )


def _flow_xml(flow: Flow) -> str:
    name = f" name={quoteattr(flow.name)}" if flow.name else ""
    head = f'    <bpmn:sequenceFlow id="{flow.id}"{name} sourceRef="{flow.source}" targetRef="{flow.target}"'
    if flow.condition is None:
        return head + " />\n"
    return (
        head + '><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{escape(flow.condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
    )


def _bounds(x: float, y: float, w: float, h: float) -> str:
    return f'<dc:Bounds x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" />'


def _document(p: Proces, plan: Layout) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    out.append(
        f'<bpmn:definitions {NS} id="Definitions_{p.id}" '
        'targetNamespace="http://bpmn.io/schema/bpmn" exporter="Ketenregie diagramgenerator" '
        'exporterVersion="1.0" modeler:executionPlatform="Camunda Platform" '
        'modeler:executionPlatformVersion="7.21.0">\n'
    )
    out.append(f'  <bpmn:collaboration id="Samenwerking_{p.id}">\n')
    out.append(
        f'    <bpmn:participant id="Pool_{p.id}" name={quoteattr(p.naam)} processRef="{p.id}" />\n'
    )
    out.append("  </bpmn:collaboration>\n")
    for name, mid in p.messages.items():
        out.append(f'  <bpmn:message id="{mid}" name={quoteattr(name)} />\n')
    for code, eid in p.errors.items():
        out.append(
            f'  <bpmn:error id="{eid}" name={quoteattr(code)} errorCode={quoteattr(code)} />\n'
        )
    out.append(f'  <bpmn:process id="{p.id}" name={quoteattr(p.naam)} isExecutable="true">\n')
    if p.documentatie:
        out.append(f"    <bpmn:documentation>{escape(p.documentatie)}</bpmn:documentation>\n")
    out.append(f'    <bpmn:laneSet id="LaneSet_{p.id}">\n')
    for lane_id, lane_name in p.lanes.items():
        refs = "".join(
            f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>"
            for n in p.nodes.values()
            if n.lane == lane_id
        )
        out.append(
            f'      <bpmn:lane id="Lane_{lane_id}" name={quoteattr(lane_name)}>{refs}</bpmn:lane>\n'
        )
    out.append("    </bpmn:laneSet>\n")
    out.extend(_node_xml(p, n) for n in p.nodes.values())
    out.extend(_flow_xml(f) for f in p.flows)
    out.append("  </bpmn:process>\n")
    out.append(f'  <bpmndi:BPMNDiagram id="Diagram_{p.id}">\n')
    out.append(f'    <bpmndi:BPMNPlane id="Plane_{p.id}" bpmnElement="Samenwerking_{p.id}">\n')
    px, py, pw, ph = plan.pool
    out.append(
        f'      <bpmndi:BPMNShape id="Pool_{p.id}_di" bpmnElement="Pool_{p.id}" isHorizontal="true">'
        f"{_bounds(px, py, pw, ph)}</bpmndi:BPMNShape>\n"
    )
    for lane_id, (x, y, w, h) in plan.lanes.items():
        out.append(
            f'      <bpmndi:BPMNShape id="Lane_{lane_id}_di" bpmnElement="Lane_{lane_id}" '
            f'isHorizontal="true">{_bounds(x, y, w, h)}</bpmndi:BPMNShape>\n'
        )
    for node in p.nodes.values():
        x, y, w, h = plan.shapes[node.id]
        label = ""
        if node.kind != "task":
            lx, ly, lw, lh = plan.labels[node.id]
            label = f"<bpmndi:BPMNLabel>{_bounds(lx, ly, lw, lh)}</bpmndi:BPMNLabel>"
        extra = ' isMarkerVisible="true"' if node.tag == "exclusiveGateway" else ""
        out.append(
            f'      <bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{extra}>'
            f"{_bounds(x, y, w, h)}{label}</bpmndi:BPMNShape>\n"
        )
    for flow in p.flows:
        points = "".join(f'<di:waypoint x="{x:.0f}" y="{y:.0f}" />' for x, y in plan.edges[flow.id])
        label = ""
        if flow.name:
            lx, ly, lw, lh = plan.labels[flow.id]
            label = f"<bpmndi:BPMNLabel>{_bounds(lx, ly, lw, lh)}</bpmndi:BPMNLabel>"
        out.append(
            f'      <bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">{points}{label}'
            "</bpmndi:BPMNEdge>\n"
        )
    out.append("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")
    return "".join(out)
