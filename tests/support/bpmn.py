"""A small builder for Camunda 7 BPMN documents, for engine tests and benchmarks.

It writes what Camunda Modeler writes (namespaces, ``camunda:`` attributes, a diagram with
shapes and edges) so tests exercise the same parser path as real diagrams.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)


@dataclass
class _Node:
    id: str
    xml: str  # with {inner} placeholder for incoming/outgoing
    kind: str
    attached_to: str | None = None


@dataclass
class Diagram:
    """One executable process; add nodes, then flows, then ``xml()``."""

    process_id: str
    name: str | None = None
    nodes: list[_Node] = field(default_factory=list)
    flows: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    signals: dict[str, str] = field(default_factory=dict)
    escalations: dict[str, str] = field(default_factory=dict)
    lanes: dict[str, list[str]] = field(default_factory=dict)  # lane name -> node ids
    extra: list[str] = field(default_factory=list)
    executable: bool = True
    with_di: bool = True

    def _add(self, id: str, xml: str, kind: str, attached_to: str | None = None) -> Diagram:
        self.nodes.append(_Node(id, xml, kind, attached_to))
        return self

    @staticmethod
    def _name(name: str | None) -> str:
        return f" name={quoteattr(name)}" if name else ""

    def start(
        self,
        id: str = "start",
        *,
        message: str | None = None,
        timer: tuple[str, str] | None = None,
        signal: str | None = None,
        error: str | None = None,
        escalation: str | None = None,
        interrupting: bool = True,
    ) -> Diagram:
        body = self._event_body(
            message=message, timer=timer, signal=signal, error=error, escalation=escalation
        )
        attrs = "" if interrupting else ' isInterrupting="false"'
        return self._add(
            id, f'<bpmn:startEvent id="{id}"{attrs}>{{inner}}{body}</bpmn:startEvent>', "event"
        )

    def end(
        self,
        id: str = "end",
        *,
        error: str | None = None,
        terminate: bool = False,
        message: str | None = None,
        signal: str | None = None,
        escalation: str | None = None,
    ) -> Diagram:
        body = self._event_body(message=message, error=error, signal=signal, escalation=escalation)
        if terminate:
            body = "<bpmn:terminateEventDefinition />"
        return self._add(id, f'<bpmn:endEvent id="{id}">{{inner}}{body}</bpmn:endEvent>', "event")

    def task(self, id: str, name: str | None = None) -> Diagram:
        return self._add(
            id, f'<bpmn:task id="{id}"{self._name(name)}>{{inner}}</bpmn:task>', "task"
        )

    def user_task(
        self,
        id: str,
        name: str | None = None,
        *,
        groups: str | None = None,
        assignee: str | None = None,
        due: str | None = None,
        users: str | None = None,
        form_key: str | None = None,
        form: list[str] | None = None,
        inputs: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
        multi: str | None = None,
        sequential: bool = False,
        collection: str | None = None,
        element_variable: str | None = None,
        extension_xml: str = "",
    ) -> Diagram:
        attrs = self._name(name)
        if groups:
            attrs += f" camunda:candidateGroups={quoteattr(groups)}"
        if users:
            attrs += f" camunda:candidateUsers={quoteattr(users)}"
        if assignee:
            attrs += f" camunda:assignee={quoteattr(assignee)}"
        if due:
            attrs += f" camunda:dueDate={quoteattr(due)}"
        if form_key:
            attrs += f" camunda:formKey={quoteattr(form_key)}"
        ext = self._extensions(form=form, inputs=inputs, outputs=outputs, raw=extension_xml)
        loop = ""
        if multi or collection:
            seq = ' isSequential="true"' if sequential else ""
            if collection:
                seq += f" camunda:collection={quoteattr(collection)}"
            if element_variable:
                seq += f" camunda:elementVariable={quoteattr(element_variable)}"
            card = f"<bpmn:loopCardinality>{escape(multi)}</bpmn:loopCardinality>" if multi else ""
            loop = (
                f"<bpmn:multiInstanceLoopCharacteristics{seq}>{card}"
                "</bpmn:multiInstanceLoopCharacteristics>"
            )
        return self._add(
            id, f'<bpmn:userTask id="{id}"{attrs}>{ext}{{inner}}{loop}</bpmn:userTask>', "task"
        )

    def external(
        self,
        id: str,
        topic: str,
        name: str | None = None,
        *,
        retry: str | None = None,
        inputs: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Diagram:
        ext = self._extensions(retry=retry, inputs=inputs, outputs=outputs)
        return self._add(
            id,
            f'<bpmn:serviceTask id="{id}"{self._name(name)} camunda:type="external" '
            f'camunda:topic="{topic}">{ext}{{inner}}</bpmn:serviceTask>',
            "task",
        )

    def rule(
        self, id: str, decision: str, *, result: str | None = None, mapping: str = "singleResult"
    ) -> Diagram:
        attrs = f' camunda:decisionRef="{decision}" camunda:mapDecisionResult="{mapping}"'
        if result:
            attrs += f' camunda:resultVariable="{result}"'
        return self._add(
            id, f'<bpmn:businessRuleTask id="{id}"{attrs}>{{inner}}</bpmn:businessRuleTask>', "task"
        )

    def script(self, id: str, expression: str, result: str, fmt: str = "juel") -> Diagram:
        return self._add(
            id,
            f'<bpmn:scriptTask id="{id}" scriptFormat="{fmt}" camunda:resultVariable="{result}">'
            f"{{inner}}<bpmn:script>{escape(expression)}</bpmn:script></bpmn:scriptTask>",
            "task",
        )

    def call(
        self,
        id: str,
        called: str,
        *,
        ins: list[dict[str, str]] | None = None,
        outs: list[dict[str, str]] | None = None,
        inputs: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
    ) -> Diagram:
        """A call activity; ``ins`` / ``outs`` are ``camunda:in`` / ``camunda:out``
        attributes (``{"variables": "all"}``, ``{"source": "a", "target": "b"}``, ...)."""
        maps = "".join(
            f"<camunda:{kind} " + " ".join(f"{k}={quoteattr(v)}" for k, v in m.items()) + " />"
            for kind, items in (("in", ins or []), ("out", outs or []))
            for m in items
        )
        io = self._extensions(inputs=inputs, outputs=outputs)
        io = io.removeprefix("<bpmn:extensionElements>").removesuffix("</bpmn:extensionElements>")
        maps += io
        ext = f"<bpmn:extensionElements>{maps}</bpmn:extensionElements>" if maps else ""
        return self._add(
            id,
            f'<bpmn:callActivity id="{id}" calledElement="{called}">'
            f"{ext}{{inner}}</bpmn:callActivity>",
            "task",
        )

    def subprocess(
        self,
        id: str,
        build: Callable[[Diagram], Diagram],
        *,
        name: str | None = None,
        event: bool = False,
    ) -> Diagram:
        """An embedded subprocess (``event=True``: an event subprocess) built on a child."""
        child = Diagram(
            f"{self.process_id}_{id}",
            messages=self.messages,
            errors=self.errors,
            signals=self.signals,
            escalations=self.escalations,
            with_di=False,
        )
        build(child)
        attrs = self._name(name) + (' triggeredByEvent="true"' if event else "")
        return self._add(
            id,
            f'<bpmn:subProcess id="{id}"{attrs}>{{inner}}{child.body()}</bpmn:subProcess>',
            "task",
        )

    def receive(self, id: str, message: str, name: str | None = None) -> Diagram:
        return self._add(
            id,
            f'<bpmn:receiveTask id="{id}"{self._name(name)} '
            f'messageRef="{self._message(message)}">{{inner}}'
            "</bpmn:receiveTask>",
            "task",
        )

    def raw(self, id: str, xml: str, kind: str = "task") -> Diagram:
        """Any element; ``{inner}`` in ``xml`` is replaced by its incoming/outgoing refs."""
        return self._add(id, xml, kind)

    def gateway(self, id: str, kind: str = "exclusive", default: str | None = None) -> Diagram:
        attrs = f' default="{default}"' if default else ""
        return self._add(
            id, f'<bpmn:{kind}Gateway id="{id}"{attrs}>{{inner}}</bpmn:{kind}Gateway>', "gateway"
        )

    def catch(
        self,
        id: str,
        *,
        message: str | None = None,
        timer: tuple[str, str] | None = None,
        signal: str | None = None,
    ) -> Diagram:
        body = self._event_body(message=message, timer=timer, signal=signal)
        return self._add(
            id,
            f'<bpmn:intermediateCatchEvent id="{id}">{{inner}}{body}</bpmn:intermediateCatchEvent>',
            "event",
        )

    def throw(
        self,
        id: str,
        *,
        message: str | None = None,
        signal: str | None = None,
        escalation: str | None = None,
    ) -> Diagram:
        body = self._event_body(message=message, signal=signal, escalation=escalation)
        return self._add(
            id,
            f'<bpmn:intermediateThrowEvent id="{id}">{{inner}}{body}</bpmn:intermediateThrowEvent>',
            "event",
        )

    def boundary(
        self,
        id: str,
        attached_to: str,
        *,
        timer: tuple[str, str] | None = None,
        message: str | None = None,
        error: str | None = None,
        signal: str | None = None,
        escalation: str | None = None,
        interrupting: bool = True,
    ) -> Diagram:
        body = self._event_body(
            message=message, timer=timer, signal=signal, escalation=escalation, error=error
        )
        cancel = "" if interrupting else ' cancelActivity="false"'
        return self._add(
            id,
            f'<bpmn:boundaryEvent id="{id}" attachedToRef="{attached_to}"'
            f"{cancel}>{{inner}}{body}</bpmn:boundaryEvent>",
            "event",
            attached_to,
        )

    def flow(
        self, source: str, target: str, condition: str | None = None, id: str | None = None
    ) -> Diagram:
        flow_id = id or f"flow_{source}_{target}"
        self.flows.append((flow_id, source, target, condition))
        return self

    def chain(self, *ids: str) -> Diagram:
        for a, b in pairwise(ids):
            self.flow(a, b)
        return self

    # -- helpers ---------------------------------------------------------------------------

    def _message(self, name: str) -> str:
        return self.messages.setdefault(name, f"Message_{len(self.messages) + 1}")

    def _error(self, code: str) -> str:
        return self.errors.setdefault(code, f"Error_{len(self.errors) + 1}")

    def _signal(self, name: str) -> str:
        return self.signals.setdefault(name, f"Signal_{len(self.signals) + 1}")

    def _escalation(self, code: str) -> str:
        return self.escalations.setdefault(code, f"Escalation_{len(self.escalations) + 1}")

    def _event_body(
        self,
        *,
        message: str | None = None,
        timer: tuple[str, str] | None = None,
        signal: str | None = None,
        error: str | None = None,
        escalation: str | None = None,
    ) -> str:
        """``error=""`` / ``escalation=""`` is a catch-all definition without a reference."""
        if message:
            return f'<bpmn:messageEventDefinition messageRef="{self._message(message)}" />'
        if signal:
            return f'<bpmn:signalEventDefinition signalRef="{self._signal(signal)}" />'
        if error is not None:
            return (
                f'<bpmn:errorEventDefinition errorRef="{self._error(error)}" />'
                if error
                else "<bpmn:errorEventDefinition />"
            )
        if escalation is not None:
            return (
                f'<bpmn:escalationEventDefinition escalationRef="{self._escalation(escalation)}" />'
                if escalation
                else "<bpmn:escalationEventDefinition />"
            )
        if timer:
            kind, value = timer
            return (
                f'<bpmn:timerEventDefinition><bpmn:{kind} xsi:type="bpmn:tFormalExpression">'
                f"{escape(value)}</bpmn:{kind}></bpmn:timerEventDefinition>"
            )
        return ""

    @staticmethod
    def _extensions(
        *,
        form: list[str] | None = None,
        retry: str | None = None,
        inputs: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
        raw: str = "",
    ) -> str:
        parts = [raw] if raw else []
        if form:
            parts.append("<camunda:formData>" + "".join(form) + "</camunda:formData>")
        if inputs or outputs:
            io = "".join(
                f'<camunda:inputParameter name="{k}">{escape(v)}</camunda:inputParameter>'
                for k, v in (inputs or {}).items()
            )
            io += "".join(
                f'<camunda:outputParameter name="{k}">{escape(v)}</camunda:outputParameter>'
                for k, v in (outputs or {}).items()
            )
            parts.append(f"<camunda:inputOutput>{io}</camunda:inputOutput>")
        if retry:
            parts.append(
                f"<camunda:failedJobRetryTimeCycle>{retry}</camunda:failedJobRetryTimeCycle>"
            )
        return f"<bpmn:extensionElements>{''.join(parts)}</bpmn:extensionElements>" if parts else ""

    def body(self) -> str:
        """The flow elements and sequence flows, without the process element."""
        body = []
        incoming: dict[str, list[str]] = {}
        outgoing: dict[str, list[str]] = {}
        for fid, src, dst, _ in self.flows:
            outgoing.setdefault(src, []).append(fid)
            incoming.setdefault(dst, []).append(fid)
        for node in self.nodes:
            inner = "".join(
                f"<bpmn:incoming>{f}</bpmn:incoming>" for f in incoming.get(node.id, [])
            )
            inner += "".join(
                f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing.get(node.id, [])
            )
            body.append(node.xml.replace("{inner}", inner))
        for fid, src, dst, cond in self.flows:
            if cond:
                body.append(
                    f'<bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{dst}">'
                    f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
                    f"{escape(cond)}</bpmn:conditionExpression></bpmn:sequenceFlow>"
                )
            else:
                body.append(f'<bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{dst}" />')
        return "".join(body)

    def xml(self) -> bytes:
        lanes = ""
        if self.lanes:
            lanes = (
                '<bpmn:laneSet id="LaneSet_1">'
                + "".join(
                    f'<bpmn:lane id="Lane_{i}" name={quoteattr(name)}>'
                    + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ids)
                    + "</bpmn:lane>"
                    for i, (name, ids) in enumerate(self.lanes.items(), 1)
                )
                + "</bpmn:laneSet>"
            )
        defs = "".join(
            f'<bpmn:message id="{mid}" name="{name}" />' for name, mid in self.messages.items()
        )
        defs += "".join(
            f'<bpmn:error id="{eid}" name="{code}" errorCode="{code}" />'
            for code, eid in self.errors.items()
        )
        defs += "".join(
            f'<bpmn:signal id="{sid}" name="{name}" />' for name, sid in self.signals.items()
        )
        defs += "".join(
            f'<bpmn:escalation id="{eid}" name="{code}" escalationCode="{code}" />'
            for code, eid in self.escalations.items()
        )
        executable = "true" if self.executable else "false"
        process = (
            f'<bpmn:process id="{self.process_id}"{self._name(self.name)} '
            f'isExecutable="{executable}">{lanes}{self.body()}</bpmn:process>'
        )
        di = self._di() if self.with_di else ""
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} '
            f'id="Definitions_{self.process_id}" targetNamespace="http://bpmn.io/schema/bpmn" '
            f'exporter="Camunda Modeler" exporterVersion="5.20.0">{process}{defs}'
            f"{''.join(self.extra)}{di}</bpmn:definitions>"
        ).encode()

    def _di(self) -> str:
        pos: dict[str, tuple[int, int, int, int]] = {}
        x = 150
        for node in self.nodes:
            if node.attached_to:
                continue
            w, h = {"task": (100, 80), "gateway": (50, 50)}.get(node.kind, (36, 36))
            pos[node.id] = (x, 100 - h // 2 + 40, w, h)
            x += w + 60
        for node in self.nodes:
            if node.attached_to and node.attached_to in pos:
                ax, ay, aw, ah = pos[node.attached_to]
                pos[node.id] = (ax + aw - 30, ay + ah - 18, 36, 36)
        shapes = "".join(
            f'<bpmndi:BPMNShape id="{nid}_di" bpmnElement="{nid}">'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>'
            for nid, (x, y, w, h) in pos.items()
        )
        edges = ""
        for fid, src, dst, _ in self.flows:
            if src in pos and dst in pos:
                sx, sy, sw, sh = pos[src]
                tx, ty, _, th = pos[dst]
                edges += (
                    f'<bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">'
                    f'<di:waypoint x="{sx + sw}" y="{sy + sh // 2}" />'
                    f'<di:waypoint x="{tx}" y="{ty + th // 2}" /></bpmndi:BPMNEdge>'
                )
        return (
            f'<bpmndi:BPMNDiagram id="BPMNDiagram_1"><bpmndi:BPMNPlane id="BPMNPlane_1" '
            f'bpmnElement="{self.process_id}">{shapes}{edges}</bpmndi:BPMNPlane>'
            "</bpmndi:BPMNDiagram>"
        )


def form_field(
    id: str,
    type: str = "string",
    *,
    label: str | None = None,
    required: bool = False,
    values: list[str] | None = None,
    constraints: dict[str, str] | None = None,
) -> str:
    """One ``camunda:formField`` element."""
    inner = ""
    validation = [("required", "")] if required else []
    validation += list((constraints or {}).items())
    if validation:
        inner += (
            "<camunda:validation>"
            + "".join(
                f'<camunda:constraint name="{n}"' + (f' config="{c}"' if c else "") + " />"
                for n, c in validation
            )
            + "</camunda:validation>"
        )
    for v in values or []:
        inner += f'<camunda:value id="{v}" name="{v}" />'
    lab = f' label="{label}"' if label else ""
    return f'<camunda:formField id="{id}"{lab} type="{type}">{inner}</camunda:formField>'
