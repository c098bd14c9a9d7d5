"""A DMN ``decisionTable`` to a :class:`~.model.DecisionTable`: hit policy and
aggregation, input and output columns (type refs, output values) and rules (one FEEL
cell per column), every problem reported with the element it was found on."""

from __future__ import annotations

from typing import TypeVar

from lxml import etree

from orchestrator.engine.dmn.model import (
    SUPPORTED_TYPE_REFS,
    Aggregation,
    DecisionTable,
    HitPolicy,
    InputClause,
    OutputClause,
    Rule,
)
from orchestrator.engine.dmn.reader import DmnReader, type_ref_message
from orchestrator.engine.expressions.feel import (
    FeelExpression,
    UnaryTests,
    parse_feel,
    parse_unary_tests,
)


def parse_table(
    reader: DmnReader, element: etree._Element, decision_id: str, decision_name: str | None
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
    reader: DmnReader, enum: type[_E], value: str, element: etree._Element, table_id: str
) -> _E | None:
    try:
        return enum(value.strip())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        reader.problem(
            f"unknown {_ENUM_LABEL[enum]} '{value}' (use one of: {allowed})", element, table_id
        )
        return None


def _input(reader: DmnReader, element: etree._Element) -> InputClause | None:
    input_id = element.get("id") or "input"
    label = element.get("label")
    expression_element = reader.child(element, "inputExpression")
    text = reader.text_of(expression_element)
    if expression_element is None or not text or not text.strip():
        reader.problem("input without an input expression", element, input_id, label)
        return None
    type_ref = expression_element.get("typeRef")
    if type_ref is not None and type_ref not in SUPPORTED_TYPE_REFS:
        reader.problem(type_ref_message(type_ref), expression_element, input_id, label)
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
    reader: DmnReader,
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
            reader.problem(type_ref_message(type_ref), element, output_id, label)
        outputs.append(
            OutputClause(output_id, label, name, type_ref, _output_values(reader, element))
        )
    return outputs


def _output_values(reader: DmnReader, element: etree._Element) -> tuple[object, ...]:
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
    reader: DmnReader,
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
