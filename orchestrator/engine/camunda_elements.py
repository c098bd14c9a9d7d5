"""Readers for the Camunda settings of single elements (tasks, events, mappings, forms).

Mixed into :class:`orchestrator.engine.camunda.DocumentReader`; each reader stores what the
runtime needs in the element's settings and reports what Ketenregie does not run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from orchestrator.domain.errors import DeployProblem
from orchestrator.engine.camunda_model import (
    BPMN_NS,
    CAMUNDA_NS,
    EXPRESSION_LANGUAGES,
    DocumentInfo,
    ElementInfo,
    ExpressionSite,
    ProcessInfo,
    _cam,
    _line,
    _local,
)


class ElementReaders:
    """Per-element readers; the document state lives in ``doc`` and ``messages``."""

    doc: DocumentInfo
    messages: dict[str | None, str | None]

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

    def _check_language(self, node: etree._Element, language: str | None, what: str) -> bool:
        if language not in EXPRESSION_LANGUAGES:
            self._problem(
                node,
                f"{what} in script language '{language}' is not run by Ketenregie; "
                "write it as an expression ${...}",
            )
            return False
        return True

    def _children(self, container: etree._Element) -> Iterator[etree._Element]:
        for child in container:
            if isinstance(child.tag, str):
                yield child

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
