"""DMN 1.3 XML (as Camunda Modeler 5 saves it) to :class:`~.model.DmnDefinitions`.

The parser collects *every* problem before refusing, so a modeller fixes a file in one
round trip. Everything that could only fail later at run time and can be known now is
refused here: non-FEEL languages (we never run scripts), unparsable cells, wrong column
counts, unknown hit policies or type refs, dangling or cyclic decision requirements.
"""

from __future__ import annotations

import re

from lxml import etree

from orchestrator.domain.errors import DeployProblem
from orchestrator.engine.dmn.model import (
    SUPPORTED_TYPE_REFS,
    Decision,
    DmnDefinitions,
    DmnRefused,
    LiteralExpression,
)
from orchestrator.engine.dmn.reader import DmnReader, line_of, local_name, type_ref_message
from orchestrator.engine.dmn.table import parse_table
from orchestrator.engine.expressions.feel import parse_feel
from orchestrator.engine.xmlsafe import UnsafeXml, parse_xml

#: DMN 1.3 (Camunda Modeler 5) and DMN 1.2 (Modeler 4) share the elements we read
DMN_NAMESPACES = frozenset(
    {"https://www.omg.org/spec/DMN/20191111/MODEL/", "http://www.omg.org/spec/DMN/20180521/MODEL/"}
)
CAMUNDA_NS = "http://camunda.org/schema/1.0/dmn"
_FEEL_LANGUAGE = re.compile(
    r"feel|feel-scala(-unary-tests)?|https?://www\.omg\.org/spec/"
    r"(dmn/\d{8}/feel/?|feel/\d{8}/?)",
    re.IGNORECASE,
)
_UNSUPPORTED_LOGIC = ("context", "invocation", "relation", "list", "functionDefinition")


def parse_dmn(content: bytes, filename: str) -> DmnDefinitions:
    """Parse and validate a DMN file.

    Args:
        content: the file as uploaded.
        filename: used in every problem so the modeller knows where to look.

    Returns:
        The decisions, keyed by decision id.

    Raises:
        DmnRefused: with every problem found (element id, name and line where known).
    """
    try:
        root = parse_xml(content).getroot()
    except UnsafeXml as exc:
        raise DmnRefused([DeployProblem(str(exc), file=filename, line=exc.line)]) from None
    namespace = etree.QName(root).namespace or ""
    if local_name(root.tag) != "definitions" or namespace not in DMN_NAMESPACES:
        raise DmnRefused(
            [
                DeployProblem(
                    "not a DMN 1.3 document: expected <definitions> in namespace "
                    "https://www.omg.org/spec/DMN/20191111/MODEL/",
                    file=filename,
                    line=line_of(root),
                )
            ]
        )
    reader = DmnReader(filename, namespace)
    _check_languages(reader, root)
    decisions: dict[str, Decision] = {}
    for element in reader.children(root, "decision"):
        decision = _decision(reader, element)
        if decision is None:
            continue
        if decision.id in decisions:
            reader.problem(
                f"duplicate decision id '{decision.id}'", element, decision.id, decision.name
            )
            continue
        decisions[decision.id] = decision
    try:
        _check_requirements(reader, root, decisions)
    except RecursionError:
        reader.problem("decision requirements are nested too deeply", root, root.get("id"))
    if reader.problems:
        raise DmnRefused(reader.problems)
    return DmnDefinitions(
        id=root.get("id") or "",
        name=root.get("name"),
        decisions=decisions,
        filename=filename,
        namespace=root.get("namespace"),
    )


def _check_languages(reader: DmnReader, root: etree._Element) -> None:
    # One walk over the whole tree: a language override can sit on any element
    for element in root.iter("*"):  # "*": elements only, no comments
        for attribute in ("expressionLanguage", "typeLanguage"):
            value = element.get(attribute)
            if value is not None and not _FEEL_LANGUAGE.fullmatch(value.strip()):
                reader.problem(
                    f"{attribute} '{value}' on <{local_name(element.tag)}> is not supported: "
                    "only FEEL is evaluated (scripts are never run)",
                    element,
                    element.get("id"),
                    element.get("name") or element.get("label"),
                )


def _decision(reader: DmnReader, element: etree._Element) -> Decision | None:
    decision_id = element.get("id")
    name = element.get("name")
    if not decision_id:
        reader.problem("decision without id", element, None, name)
        return None
    table_element = reader.child(element, "decisionTable")
    literal_element = reader.child(element, "literalExpression")
    table = literal = None
    if table_element is not None:
        table = parse_table(reader, table_element, decision_id, name)
    elif literal_element is not None:
        literal = _literal(reader, element, literal_element, decision_id, name)
    else:
        kinds = [k for k in _UNSUPPORTED_LOGIC if reader.child(element, k) is not None]
        reason = (
            f"decision logic <{kinds[0]}> is not supported"
            if kinds
            else "decision has no decisionTable or literalExpression"
        )
        reader.problem(
            reason + " (only decision tables and literal expressions)",
            element,
            decision_id,
            name,
        )
    required: list[str] = []
    for requirement in reader.children(element, "informationRequirement"):
        ref = reader.child(requirement, "requiredDecision")
        if ref is not None:
            required.append((ref.get("href") or "").removeprefix("#"))
    if reader.children(element, "knowledgeRequirement"):
        reader.problem(
            "business knowledge models (knowledgeRequirement) are not supported",
            element,
            decision_id,
            name,
        )
    return Decision(
        id=decision_id,
        name=name,
        version_tag=element.get(f"{{{CAMUNDA_NS}}}versionTag"),
        table=table,
        literal_expression=literal,
        required_decisions=required,
        line=line_of(element),
    )


def _literal(
    reader: DmnReader,
    decision: etree._Element,
    element: etree._Element,
    decision_id: str,
    name: str | None,
) -> LiteralExpression | None:
    text = reader.text_of(element)
    element_id = element.get("id") or decision_id
    if not text or not text.strip():
        reader.problem("literal expression without text", element, element_id, name)
        return None
    variable = reader.child(decision, "variable")
    type_ref = variable.get("typeRef") if variable is not None else None
    if type_ref is not None and type_ref not in SUPPORTED_TYPE_REFS:
        reader.problem(type_ref_message(type_ref), variable, element_id, name)
    expression = reader.parse_cell(parse_feel, text, "literal expression", element, element_id)
    if expression is None:
        return None
    variable_name = (variable.get("name") if variable is not None else None) or decision_id
    return LiteralExpression(element_id, expression, variable_name, type_ref)


def _check_requirements(
    reader: DmnReader, root: etree._Element, decisions: dict[str, Decision]
) -> None:
    elements = {e.get("id"): e for e in reader.children(root, "decision")}
    for decision in decisions.values():
        for required in decision.required_decisions:
            if required not in decisions:
                reader.problem(
                    f"required decision '{required}' does not exist in this file",
                    elements.get(decision.id),
                    decision.id,
                    decision.name,
                )
    # depth-first search with colours: grey on the stack means a cycle
    colour: dict[str, str] = {}

    def visit(decision_id: str, path: list[str]) -> None:
        colour[decision_id] = "grey"
        for required in decisions[decision_id].required_decisions:
            if required not in decisions:
                continue
            if colour.get(required) == "grey":
                cycle = " -> ".join([*path[path.index(required) :], required])
                decision = decisions[required]
                reader.problem(
                    f"decision requirements form a cycle: {cycle}",
                    elements.get(required),
                    required,
                    decision.name,
                )
            elif required not in colour:
                visit(required, [*path, required])
        colour[decision_id] = "black"

    for decision_id in decisions:
        if decision_id not in colour:
            visit(decision_id, [decision_id])
