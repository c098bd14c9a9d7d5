"""Reading the Camunda 7 dialect of a BPMN document with lxml, before SpiffWorkflow sees it.

SpiffWorkflow's own Camunda parser keeps only part of the ``camunda:`` extensions and runs
Python for expressions. We read every extension ourselves into plain JSON-able dicts
(one per element, keyed by the id of the process or subprocess that holds it) and refuse,
with the element named, whatever we do not run: Java classes, scripts, connectors,
listeners. The per-element readers are in :mod:`.camunda_elements`, the records in
:mod:`.camunda_model`.
"""

from __future__ import annotations

from lxml import etree

from orchestrator.engine.camunda_elements import ElementReaders
from orchestrator.engine.camunda_model import (
    BPMN_NS,
    BPMNDI_NS,
    CAMUNDA_NS,
    EVENT_SUBPROCESS_TRIGGERS,
    PASSIVE_ELEMENTS,
    SUPPORTED_FLOW_NODES,
    UNSUPPORTED_NODES,
    DocumentInfo,
    ElementInfo,
    ProcessInfo,
    _cam,
    _line,
    _local,
    normalise_namespaces,
)


class DocumentReader(ElementReaders):
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


__all__ = ["BPMN_NS", "DocumentInfo", "DocumentReader", "ElementInfo", "ProcessInfo"]
