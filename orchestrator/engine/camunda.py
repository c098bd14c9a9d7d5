"""Reading the Camunda 7 dialect of a BPMN document with lxml, before SpiffWorkflow sees it.

SpiffWorkflow's own Camunda parser keeps only part of the ``camunda:`` extensions and runs
Python for expressions. We read every extension ourselves into plain JSON-able dicts
(one per element, keyed by the id of the process or subprocess that holds it) and refuse,
with the element named, whatever we do not run: Java classes, scripts, connectors,
listeners.
"""

from __future__ import annotations

from collections.abc import Iterator
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


class DocumentReader:
    """Reads one parsed BPMN document into a :class:`DocumentInfo`."""

    def __init__(self, tree: etree._ElementTree, file: str) -> None:
        self.root = tree.getroot()
        normalise_namespaces(self.root)
        self.doc = DocumentInfo(file=file)
        self.messages = {
            m.get("id"): m.get("name") or m.get("id")
            for m in self.root.iterfind(f"{{{BPMN_NS}}}message")
        }

    def read(self) -> DocumentInfo:
        if _local(self.root.tag) != "definitions" or etree.QName(self.root).namespace != BPMN_NS:
            self._problem(None, "the document is not BPMN 2.0 (root element bpmn:definitions)")
            return self.doc
        self.doc.has_diagram = self.root.find(f"{{{BPMNDI_NS}}}BPMNDiagram") is not None
        for process in self.root.iterfind(f"{{{BPMN_NS}}}process"):
            self._read_process(process)
        return self.doc

    # -- helpers ---------------------------------------------------------------------------

    def _problem(self, node: etree._Element | None, message: str, severity: str = "error") -> None:
        self.doc.problems.append(
            DeployProblem(
                message=message,
                file=self.doc.file,
                element_id=node.get("id") if node is not None else None,
                element_name=node.get("name") if node is not None else None,
                line=_line(node) if node is not None else None,
                severity=severity,
            )
        )

    def _expr(self, node: etree._Element, text: str | None, kind: str) -> None:
        if text is None or not text.strip():
            return
        self.doc.expressions.append(
            ExpressionSite(
                element_id=node.get("id") or "",
                element_name=node.get("name"),
                line=_line(node),
                text=text.strip(),
                kind=kind,
            )
        )

    # -- processes -------------------------------------------------------------------------

    def _read_process(self, process: etree._Element) -> None:
        pid = process.get("id") or ""
        info = ProcessInfo(
            process_id=pid,
            name=process.get("name"),
            executable=process.get("isExecutable") == "true",
            line=_line(process),
        )
        self.doc.processes[pid] = info
        if not info.executable:
            return
        for prop in process.iterfind(
            f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
        ):
            if prop.get("name"):
                info.properties[prop.get("name") or ""] = prop.get("value") or ""
        self._check_listeners(process)
        self._read_container(process, pid, info, top=True)

    def _children(self, container: etree._Element) -> Iterator[etree._Element]:
        for child in container:
            if isinstance(child.tag, str):
                yield child

    def _read_container(
        self, container: etree._Element, cid: str, info: ProcessInfo, *, top: bool
    ) -> None:
        for node in self._children(container):
            tag = _local(node.tag)
            ns = etree.QName(node).namespace
            if ns != BPMN_NS:
                continue
            if tag in UNSUPPORTED_NODES:
                self._problem(node, UNSUPPORTED_NODES[tag])
                continue
            if tag in PASSIVE_ELEMENTS:
                if tag == "sequenceFlow":
                    self._read_flow(node)
                continue
            if tag == "subProcess" and node.get("triggeredByEvent") == "true":
                refusal = self._event_subprocess_refusal(node)
                if refusal:
                    self._problem(node, refusal)
                    continue
            if tag not in SUPPORTED_FLOW_NODES:
                self._problem(node, f"element bpmn:{tag} is not supported")
                continue
            element = ElementInfo(
                element_id=node.get("id") or "",
                tag=tag,
                name=node.get("name"),
                line=_line(node),
                container=cid,
            )
            info.elements[element.element_id] = element
            self._read_node(node, element, info, top=top)
            if tag in ("subProcess", "transaction"):
                self._read_container(node, element.element_id, info, top=False)

    def _event_subprocess_refusal(self, node: etree._Element) -> str | None:
        """Why an event subprocess cannot run, or None when it can (see
        :mod:`.event_subprocess`): one start event with one message, timer, signal, error
        or escalation trigger, and no sequence flow in or out."""
        starts = [c for c in self._children(node) if _local(c.tag) == "startEvent"]
        if len(starts) != 1:
            return (
                f"an event subprocess needs exactly one start event (it has {len(starts)}); "
                "model one event subprocess per trigger"
            )
        start = starts[0]
        interrupting = start.get("isInterrupting") != "false"
        triggers = [
            _local(c.tag)[: -len("EventDefinition")]
            for c in self._children(start)
            if _local(c.tag).endswith("EventDefinition")
        ]
        if not triggers:
            return (
                "the start event of an event subprocess needs a trigger (message, timer, "
                "signal, error or escalation); a none start event never fires"
            )
        if len(triggers) > 1:
            return (
                "an event subprocess started by several triggers is not supported; model one "
                "event subprocess per trigger"
            )
        trigger = triggers[0]
        if trigger not in EVENT_SUBPROCESS_TRIGGERS:
            return (
                f"{'an interrupting' if interrupting else 'a non-interrupting'} {trigger} event "
                "subprocess is not supported; event subprocesses are started by a message, "
                "timer, signal, error or escalation"
            )
        if trigger == "error" and not interrupting:
            return "an error event subprocess always interrupts (isInterrupting must be true)"
        if any(_local(c.tag) in ("incoming", "outgoing") for c in self._children(node)):
            return "an event subprocess has no incoming or outgoing sequence flows"
        return None

    def _read_flow(self, flow: etree._Element) -> None:
        self._check_listeners(flow)
        cond = flow.find(f"{{{BPMN_NS}}}conditionExpression")
        if cond is not None:
            self._check_language(flow, cond.get("language"), "condition")
            if cond.get(f"{{{CAMUNDA_NS}}}resource"):
                self._problem(flow, "conditions from external resources are not supported")
            self._expr(flow, cond.text, "condition")

    def _check_language(self, node: etree._Element, language: str | None, what: str) -> bool:
        if language not in EXPRESSION_LANGUAGES:
            self._problem(
                node,
                f"{what} in script language '{language}' is not run by Ketenregie; "
                "write it as an expression ${...}",
            )
            return False
        return True

    def _check_listeners(self, node: etree._Element) -> None:
        ext = node.find(f"{{{BPMN_NS}}}extensionElements")
        if ext is None:
            return
        for child in ext:
            name = _local(child.tag)
            if name in ("executionListener", "taskListener"):
                self._problem(
                    node,
                    f"camunda:{name} runs Java or scripts, which Ketenregie does not run; "
                    "model the step as a task instead",
                )
            elif name == "connector":
                self._problem(
                    node,
                    "camunda:connector is not supported; use an external task "
                    '(camunda:type="external") with a topic',
                )

    def _read_node(
        self, node: etree._Element, element: ElementInfo, info: ProcessInfo, *, top: bool
    ) -> None:
        tag = element.tag
        settings = element.settings
        self._check_listeners(node)
        for java_attr in ("class", "delegateExpression", "expression"):
            if _cam(node, java_attr) and tag != "intermediateThrowEvent":
                self._problem(
                    node,
                    f"camunda:{java_attr} calls Java code, which Ketenregie does not run; "
                    'use an external task (camunda:type="external") with a topic',
                )
        self._read_io(node, settings)
        self._read_loop(node)
        self._read_events(node, element, info, top=top)
        if tag == "userTask":
            self._read_user_task(node, settings)
        elif tag in ("serviceTask", "sendTask") and (
            _cam(node, "type") is not None or node.get("messageRef") is None
        ):
            self._read_external(node, settings)
        elif tag == "businessRuleTask":
            self._read_business_rule(node, settings, info)
        elif tag == "scriptTask":
            self._read_script(node, settings)
        elif tag == "callActivity":
            called = node.get("calledElement")
            if not called:
                self._problem(node, "call activity has no calledElement")
            else:
                if "${" in called:
                    self._problem(node, "calledElement must name a process, not an expression")
                info.called_elements[element.element_id] = called
            self._read_call_mappings(node, settings)
            binding = _cam(node, "calledElementBinding")
            if binding not in (None, "latest", "deployment"):
                self._problem(
                    node,
                    f"calledElementBinding '{binding}' is not supported; the called process is "
                    "bound when the caller is deployed",
                    severity="warning",
                )
        if _cam(node, "asyncBefore") or _cam(node, "asyncAfter"):
            settings["async"] = True
        retry = self._retry_cycle(node)
        if retry:
            settings["retryCycle"] = retry

    def _read_call_mappings(self, node: etree._Element, settings: dict[str, Any]) -> None:
        """``camunda:in`` / ``camunda:out`` of a call activity into ``settings["in"]`` and
        ``settings["out"]``: lists of ``{"all": True}``, ``{"source", "target"}`` or
        ``{"expression", "target"}`` (each with ``"local"``). Without them Camunda passes
        no variables either way. ``camunda:in businessKey`` is accepted and ignored: the
        called process runs in the caller's instance, with its business key."""
        ext = node.find(f"{{{BPMN_NS}}}extensionElements")
        if ext is None:
            return
        for kind in ("in", "out"):
            mappings: list[dict[str, Any]] = []
            for mapping in ext.iterfind(f"{{{CAMUNDA_NS}}}{kind}"):
                if mapping.get("businessKey") is not None:
                    if kind == "out":
                        self._problem(node, "camunda:out cannot map a business key")
                    continue
                local = mapping.get("local") == "true"
                if mapping.get("variables") == "all":
                    mappings.append({"all": True, "local": local})
                    continue
                target = mapping.get("target")
                source = mapping.get("source")
                expression = mapping.get("sourceExpression")
                if not target or (source is None) == (expression is None):
                    self._problem(
                        node,
                        f'camunda:{kind} needs variables="all", or a target with either a '
                        "source or a sourceExpression",
                    )
                    continue
                if expression is not None:
                    self._expr(node, expression, "mapping")
                    mappings.append({"expression": expression, "target": target, "local": local})
                else:
                    mappings.append({"source": source, "target": target, "local": local})
            if mappings:
                settings[kind] = mappings

    def _retry_cycle(self, node: etree._Element) -> str | None:
        found = node.find(f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}failedJobRetryTimeCycle")
        return found.text.strip() if found is not None and found.text else None

    def _read_io(self, node: etree._Element, settings: dict[str, Any]) -> None:
        io = node.find(f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}inputOutput")
        if io is None:
            return
        for kind in ("inputParameter", "outputParameter"):
            params: list[list[str]] = []
            for param in io.iterfind(f"{{{CAMUNDA_NS}}}{kind}"):
                name = param.get("name") or ""
                complex_child = next(self._children(param), None)
                if complex_child is not None:
                    self._problem(
                        node,
                        f"camunda:{kind} '{name}' uses camunda:{_local(complex_child.tag)}; "
                        "only expressions and text are supported",
                    )
                    continue
                value = (param.text or "").strip()
                self._expr(node, value, "mapping")
                params.append([name, value])
            if params:
                settings["inputs" if kind == "inputParameter" else "outputs"] = params

    def _read_loop(self, node: etree._Element) -> None:
        loop = node.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
        if loop is None:
            return
        card = loop.find(f"{{{BPMN_NS}}}loopCardinality")
        if card is not None:
            self._expr(node, card.text, "cardinality")
        cond = loop.find(f"{{{BPMN_NS}}}completionCondition")
        if cond is not None:
            self._expr(node, cond.text, "condition")

    def _read_events(
        self, node: etree._Element, element: ElementInfo, info: ProcessInfo, *, top: bool
    ) -> None:
        for definition in self._children(node):
            kind = _local(definition.tag)
            if kind == "timerEventDefinition":
                for child in self._children(definition):
                    text = (child.text or "").strip()
                    if not text:
                        self._problem(node, "timer has no time, duration or cycle")
                        continue
                    self._expr(node, text, f"timer:{_local(child.tag)}")
                    if top and element.tag == "startEvent":
                        info.timer_start = text
            elif kind == "messageEventDefinition":
                ref = definition.get("messageRef")
                if ref and ref not in self.messages:
                    self._problem(node, f"message '{ref}' is not defined in this document")
                if top and element.tag == "startEvent" and ref:
                    info.message_starts.append(self.messages.get(ref) or ref)
                if _cam(definition, "class") or _cam(definition, "delegateExpression"):
                    self._problem(node, "message events that call Java code are not supported")
            elif kind == "conditionalEventDefinition":
                cond = definition.find(f"{{{BPMN_NS}}}condition")
                if cond is not None:
                    self._check_language(node, cond.get("language"), "condition")
                    self._expr(node, cond.text, "condition")
            elif kind in ("compensateEventDefinition", "linkEventDefinition"):
                self._problem(node, f"{kind} is not supported")

    def _read_user_task(self, node: etree._Element, settings: dict[str, Any]) -> None:
        for attr in ("assignee", "candidateGroups", "candidateUsers", "dueDate", "followUpDate"):
            value = _cam(node, attr)
            if value:
                settings[attr] = value
                self._expr(node, value, "assignment")
        form_key = _cam(node, "formKey")
        if form_key:
            settings["formKey"] = form_key
        fields = []
        for field_node in node.iterfind(
            f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}formData/{{{CAMUNDA_NS}}}formField"
        ):
            fields.append(self._read_form_field(node, field_node))
        if fields:
            settings["formFields"] = fields

    def _read_form_field(self, task: etree._Element, node: etree._Element) -> dict[str, Any]:
        field_type = node.get("type") or "string"
        if field_type not in ("string", "long", "boolean", "date", "enum", "double"):
            self._problem(task, f"form field '{node.get('id')}' has unsupported type {field_type}")
        out: dict[str, Any] = {
            "id": node.get("id"),
            "label": node.get("label"),
            "type": field_type,
            "default": node.get("defaultValue"),
            "validation": [],
            "values": [],
        }
        if not out["id"]:
            self._problem(task, "a form field has no id")
        for child in self._children(node):
            name = _local(child.tag)
            if name == "validation":
                for constraint in child.iterfind(f"{{{CAMUNDA_NS}}}constraint"):
                    cname = constraint.get("name") or ""
                    if cname not in (
                        "required",
                        "readonly",
                        "minlength",
                        "maxlength",
                        "min",
                        "max",
                    ):
                        self._problem(
                            task,
                            f"form field '{out['id']}': validation '{cname}' is not supported",
                        )
                    out["validation"].append([cname, constraint.get("config")])
            elif name == "value":
                out["values"].append([child.get("id"), child.get("name") or child.get("id")])
        return out

    def _read_external(self, node: etree._Element, settings: dict[str, Any]) -> None:
        kind = _cam(node, "type")
        topic = _cam(node, "topic")
        if kind != "external" or not topic:
            self._problem(
                node,
                'a service task must be an external task (camunda:type="external") '
                "with a camunda:topic; Ketenregie does not run Java code",
            )
            return
        settings["topic"] = topic
        priority = _cam(node, "taskPriority")
        if priority:
            settings["priority"] = priority

    def _read_business_rule(
        self, node: etree._Element, settings: dict[str, Any], info: ProcessInfo
    ) -> None:
        ref = _cam(node, "decisionRef")
        if not ref:
            self._problem(node, "business rule task has no camunda:decisionRef")
            return
        settings["decisionRef"] = ref
        info.decision_refs[node.get("id") or ""] = ref
        result_variable = _cam(node, "resultVariable")
        if result_variable:
            settings["resultVariable"] = result_variable
        mapping = _cam(node, "mapDecisionResult") or "resultList"
        if mapping not in ("singleEntry", "singleResult", "collectEntries", "resultList"):
            self._problem(node, f"mapDecisionResult '{mapping}' is not known")
        settings["mapDecisionResult"] = mapping

    def _read_script(self, node: etree._Element, settings: dict[str, Any]) -> None:
        script_format = node.get("scriptFormat")
        if script_format not in ("juel", "JUEL"):
            self._problem(
                node,
                f"script language '{script_format}' is not run by Ketenregie; only JUEL "
                'expressions (scriptFormat="juel") are evaluated',
            )
            return
        if _cam(node, "resource"):
            self._problem(node, "scripts from external resources are not supported")
            return
        script = node.find(f"{{{BPMN_NS}}}script")
        text = (script.text or "").strip() if script is not None else ""
        if not text:
            self._problem(node, "script task has no script")
            return
        self._expr(node, text, "script")
        settings["script"] = text
        result_variable = _cam(node, "resultVariable")
        if result_variable:
            settings["resultVariable"] = result_variable
