"""DMN 1.3 XML (as Camunda Modeler 5 saves it) to :class:`~.model.DmnDefinitions`.

The parser collects *every* problem before refusing, so a modeller fixes a file in one
round trip. Everything that could only fail later at run time and can be known now is
refused here: non-FEEL languages (we never run scripts), unparsable cells, wrong column
counts, unknown hit policies or type refs, dangling or cyclic decision requirements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from orchestrator.domain.errors import DeployProblem, ExpressionSyntaxError
from orchestrator.engine.dmn.model import (
    SUPPORTED_TYPE_REFS,
    Aggregation,
    Decision,
    DecisionTable,
    DmnDefinitions,
    DmnRefused,
    HitPolicy,
    InputClause,
    LiteralExpression,
    OutputClause,
    Rule,
)
from orchestrator.engine.expressions.feel import (
    FeelExpression,
    UnaryTests,
    parse_feel,
    parse_unary_tests,
)
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

_T = TypeVar("_T")


class _Reader:
    """Walks one document, remembering problems instead of stopping at the first."""

    def __init__(self, filename: str, namespace: str) -> None:
        self.filename = filename
        self.ns = namespace
        self.problems: list[DeployProblem] = []

    def problem(
        self,
        message: str,
        element: etree._Element | None,
        element_id: str | None = None,
        element_name: str | None = None,
    ) -> None:
        line = _line(element) if element is not None else None
        self.problems.append(
            DeployProblem(
                message,
                file=self.filename,
                element_id=element_id,
                element_name=element_name,
                line=line,
            )
        )

    def children(self, element: etree._Element, local: str) -> list[etree._Element]:
        tag = f"{{{self.ns}}}{local}"
        return [child for child in element if child.tag == tag]

    def child(self, element: etree._Element, local: str) -> etree._Element | None:
        found = self.children(element, local)
        return found[0] if found else None

    def text_of(self, element: etree._Element | None) -> str | None:
        """Text of the ``<text>`` child; None when there is no such child."""
        if element is None:
            return None
        text = self.child(element, "text")
        return None if text is None else (text.text or "")

    def parse_cell(
        self,
        parse: Callable[[str], _T],
        text: str,
        where: str,
        element: etree._Element,
        element_id: str | None,
        element_name: str | None = None,
    ) -> _T | None:
        try:
            return parse(text)
        except ExpressionSyntaxError as exc:
            at = f" at position {exc.position}" if exc.position is not None else ""
            self.problem(
                f"{where}: {exc.reason}{at} in {text!r}", element, element_id, element_name
            )
            return None


def _line(element: etree._Element) -> int | None:
    # lxml gives None for elements built in memory; the stubs type it loosely
    line: object = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


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
    if _local(root.tag) != "definitions" or namespace not in DMN_NAMESPACES:
        raise DmnRefused(
            [
                DeployProblem(
                    "not a DMN 1.3 document: expected <definitions> in namespace "
                    "https://www.omg.org/spec/DMN/20191111/MODEL/",
                    file=filename,
                    line=_line(root),
                )
            ]
        )
    reader = _Reader(filename, namespace)
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


def _check_languages(reader: _Reader, root: etree._Element) -> None:
    # One walk over the whole tree: a language override can sit on any element
    for element in root.iter("*"):  # "*": elements only, no comments
        for attribute in ("expressionLanguage", "typeLanguage"):
            value = element.get(attribute)
            if value is not None and not _FEEL_LANGUAGE.fullmatch(value.strip()):
                reader.problem(
                    f"{attribute} '{value}' on <{_local(element.tag)}> is not supported: "
                    "only FEEL is evaluated (scripts are never run)",
                    element,
                    element.get("id"),
                    element.get("name") or element.get("label"),
                )


def _decision(reader: _Reader, element: etree._Element) -> Decision | None:
    decision_id = element.get("id")
    name = element.get("name")
    if not decision_id:
        reader.problem("decision without id", element, None, name)
        return None
    table_element = reader.child(element, "decisionTable")
    literal_element = reader.child(element, "literalExpression")
    table = literal = None
    if table_element is not None:
        table = _table(reader, table_element, decision_id, name)
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
        line=_line(element),
    )


def _literal(
    reader: _Reader,
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
        reader.problem(_type_ref_message(type_ref), variable, element_id, name)
    expression = reader.parse_cell(parse_feel, text, "literal expression", element, element_id)
    if expression is None:
        return None
    variable_name = (variable.get("name") if variable is not None else None) or decision_id
    return LiteralExpression(element_id, expression, variable_name, type_ref)


def _type_ref_message(type_ref: str) -> str:
    supported = ", ".join(sorted(SUPPORTED_TYPE_REFS))
    return f"typeRef '{type_ref}' is not supported (use one of: {supported})"


def _table(
    reader: _Reader, element: etree._Element, decision_id: str, decision_name: str | None
) -> DecisionTable | None:
    table_id = element.get("id") or decision_id
    before = len(reader.problems)
    hit_policy = _enum(reader, HitPolicy, element.get("hitPolicy") or "UNIQUE", element, table_id)
    aggregation: Aggregation | None = None
    if element.get("aggregation") is not None:
        aggregation = _enum(
            reader, Aggregation, element.get("aggregation") or "", element, table_id
        )
        if hit_policy is not None and hit_policy is not HitPolicy.COLLECT:
            reader.problem(
                f"aggregation is only allowed with hit policy COLLECT, not {hit_policy.value}",
                element,
                table_id,
                decision_name,
            )
    inputs = [_input(reader, item) for item in reader.children(element, "input")]
    outputs = _outputs(reader, element, decision_id, table_id, decision_name)
    if aggregation is not None and len(outputs) > 1:
        reader.problem(
            "aggregation needs exactly one output column", element, table_id, decision_name
        )
    if hit_policy in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER) and not any(
        output and output.output_values for output in outputs
    ):
        reader.problem(
            f"hit policy {hit_policy.value} needs outputValues on at least one output",
            element,
            table_id,
            decision_name,
        )
    rules = [
        _rule(reader, item, index, decision_id, inputs, outputs)
        for index, item in enumerate(reader.children(element, "rule"), start=1)
    ]
    if len(reader.problems) > before or hit_policy is None:
        return None
    return DecisionTable(
        id=table_id,
        hit_policy=hit_policy,
        inputs=tuple(i for i in inputs if i is not None),
        outputs=tuple(o for o in outputs if o is not None),
        rules=tuple(r for r in rules if r is not None),
        aggregation=aggregation,
    )


_E = TypeVar("_E", HitPolicy, Aggregation)
_ENUM_LABEL: dict[type, str] = {HitPolicy: "hit policy", Aggregation: "aggregation"}


def _enum(
    reader: _Reader, enum: type[_E], value: str, element: etree._Element, table_id: str
) -> _E | None:
    try:
        return enum(value.strip())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        reader.problem(
            f"unknown {_ENUM_LABEL[enum]} '{value}' (use one of: {allowed})", element, table_id
        )
        return None


def _input(reader: _Reader, element: etree._Element) -> InputClause | None:
    input_id = element.get("id") or "input"
    label = element.get("label")
    expression_element = reader.child(element, "inputExpression")
    text = reader.text_of(expression_element)
    if expression_element is None or not text or not text.strip():
        reader.problem("input without an input expression", element, input_id, label)
        return None
    type_ref = expression_element.get("typeRef")
    if type_ref is not None and type_ref not in SUPPORTED_TYPE_REFS:
        reader.problem(_type_ref_message(type_ref), expression_element, input_id, label)
    expression = reader.parse_cell(
        parse_feel, text, "input expression", expression_element, input_id, label
    )
    values: UnaryTests | None = None
    values_element = reader.child(element, "inputValues")
    values_text = reader.text_of(values_element)
    if values_element is not None and values_text and values_text.strip():
        values = reader.parse_cell(
            parse_unary_tests, values_text, "inputValues", values_element, input_id, label
        )
    if expression is None:
        return None
    return InputClause(input_id, label, expression, type_ref, values)


def _outputs(
    reader: _Reader,
    table: etree._Element,
    decision_id: str,
    table_id: str,
    decision_name: str | None,
) -> list[OutputClause | None]:
    elements = reader.children(table, "output")
    if not elements:
        reader.problem("decision table without outputs", table, table_id, decision_name)
    outputs: list[OutputClause | None] = []
    seen: set[str] = set()
    for element in elements:
        output_id = element.get("id") or "output"
        label = element.get("label")
        name = element.get("name")
        if not name:
            if len(elements) > 1:
                reader.problem(
                    "output without name (required when a table has several outputs)",
                    element,
                    output_id,
                    label,
                )
            # a single unnamed output is the decision's own result, as in the DMN spec
            name = decision_id
        if name in seen:
            reader.problem(f"duplicate output name '{name}'", element, output_id, label)
        seen.add(name)
        type_ref = element.get("typeRef")
        if type_ref is not None and type_ref not in SUPPORTED_TYPE_REFS:
            reader.problem(_type_ref_message(type_ref), element, output_id, label)
        outputs.append(
            OutputClause(output_id, label, name, type_ref, _output_values(reader, element))
        )
    return outputs


def _output_values(reader: _Reader, element: etree._Element) -> tuple[object, ...]:
    values_element = reader.child(element, "outputValues")
    text = reader.text_of(values_element)
    if values_element is None or not text or not text.strip():
        return ()
    output_id, label = element.get("id"), element.get("label")
    tests = reader.parse_cell(
        parse_unary_tests, text, "outputValues", values_element, output_id, label
    )
    if tests is None:
        return ()
    values = tests.constant_values()
    if values is None:
        reader.problem(
            "outputValues must be a list of constant values", values_element, output_id, label
        )
        return ()
    return values


def _rule(
    reader: _Reader,
    element: etree._Element,
    index: int,
    decision_id: str,
    inputs: list[InputClause | None],
    outputs: list[OutputClause | None],
) -> Rule | None:
    rule_id = element.get("id") or f"rule {index}"
    input_elements = reader.children(element, "inputEntry")
    output_elements = reader.children(element, "outputEntry")
    ok = True
    for kind, found, expected in (
        ("input", len(input_elements), len(inputs)),
        ("output", len(output_elements), len(outputs)),
    ):
        if found != expected:
            reader.problem(
                f"decision '{decision_id}', rule {index} has {found} {kind} entries "
                f"but the table has {expected} "
                f"{kind} columns",
                element,
                rule_id,
            )
            ok = False
    entries: list[UnaryTests] = []
    for column, entry in enumerate(input_elements, start=1):
        label = _column_label(inputs, column)
        tests = reader.parse_cell(
            parse_unary_tests,
            reader.text_of(entry) or "",
            f"decision '{decision_id}', rule {index}, input entry in column {column}{label}",
            entry,
            rule_id,
        )
        if tests is None:
            ok = False
        else:
            entries.append(tests)
    results: list[FeelExpression | None] = []
    for column, entry in enumerate(output_elements, start=1):
        text = reader.text_of(entry) or ""
        if not text.strip():
            results.append(None)  # empty output cell: null
            continue
        expression = reader.parse_cell(
            parse_feel,
            text,
            f"decision '{decision_id}', rule {index}, output entry in column {column}"
            + _column_label(outputs, column),
            entry,
            rule_id,
        )
        ok = ok and expression is not None
        results.append(expression)
    if not ok:
        return None
    description = reader.child(element, "description")
    summary: str | None = description.text if description is not None else None
    return Rule(rule_id, summary, tuple(entries), tuple(results))


def _column_label(
    clauses: list[InputClause | None] | list[OutputClause | None], column: int
) -> str:
    if column > len(clauses):
        return ""
    clause = clauses[column - 1]
    if clause is None:
        return ""
    name = clause.name if isinstance(clause, OutputClause) else None
    shown = clause.label or name or clause.id
    return f" ('{shown}')"


def _check_requirements(
    reader: _Reader, root: etree._Element, decisions: dict[str, Decision]
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
