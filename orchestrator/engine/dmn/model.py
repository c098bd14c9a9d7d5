"""Parsed DMN 1.3 decisions: immutable, already validated, ready to evaluate many times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from orchestrator.domain.errors import DeployProblem, KetenregieError
from orchestrator.engine.expressions.feel import FeelExpression, UnaryTests


class DmnRefused(KetenregieError):
    """A DMN file was refused; ``problems`` lists every problem found, not just the first."""

    code = "dmn-refused"

    def __init__(self, problems: Sequence[DeployProblem]) -> None:
        self.problems = list(problems)
        first = self.problems[0].describe() if self.problems else "no details"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"DMN refused: {first}{more}")


class HitPolicy(StrEnum):
    """DMN hit policies as Camunda Modeler writes them in ``hitPolicy``."""

    UNIQUE = "UNIQUE"
    FIRST = "FIRST"
    PRIORITY = "PRIORITY"
    ANY = "ANY"
    COLLECT = "COLLECT"
    RULE_ORDER = "RULE ORDER"
    OUTPUT_ORDER = "OUTPUT ORDER"


class Aggregation(StrEnum):
    """COLLECT aggregators (``aggregation`` attribute)."""

    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"


#: typeRef values we coerce; Camunda 7's built-in data types plus FEEL's "number"
SUPPORTED_TYPE_REFS = frozenset(
    {"string", "integer", "long", "double", "boolean", "date", "number"}
)


@dataclass(frozen=True)
class InputClause:
    """One input column."""

    id: str
    label: str | None
    expression: FeelExpression
    type_ref: str | None = None
    input_values: UnaryTests | None = None


@dataclass(frozen=True)
class OutputClause:
    """One output column; ``output_values`` (in order) define PRIORITY / OUTPUT ORDER."""

    id: str
    label: str | None
    name: str
    type_ref: str | None = None
    output_values: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One row; ``None`` as an output entry means the cell was empty (null)."""

    id: str
    description: str | None
    input_entries: tuple[UnaryTests, ...]
    output_entries: tuple[FeelExpression | None, ...]


@dataclass(frozen=True)
class DecisionTable:
    """A decision table (``<decisionTable>``)."""

    id: str
    hit_policy: HitPolicy
    inputs: tuple[InputClause, ...]
    outputs: tuple[OutputClause, ...]
    rules: tuple[Rule, ...]
    aggregation: Aggregation | None = None


@dataclass(frozen=True)
class LiteralExpression:
    """A literal-expression decision: one FEEL expression whose value is the result."""

    id: str
    expression: FeelExpression
    variable_name: str
    type_ref: str | None = None


@dataclass(frozen=True)
class Decision:
    """One ``<decision>``: exactly one of ``table`` / ``literal_expression`` is set."""

    id: str
    name: str | None
    version_tag: str | None = None
    table: DecisionTable | None = None
    literal_expression: LiteralExpression | None = None
    required_decisions: list[str] = field(default_factory=list)
    line: int | None = None

    @property
    def output_names(self) -> tuple[str, ...]:
        """Names under which this decision's outputs appear (and feed dependent decisions)."""
        if self.table is not None:
            return tuple(output.name for output in self.table.outputs)
        if self.literal_expression is not None:
            return (self.literal_expression.variable_name,)
        return ()


@dataclass(frozen=True)
class DmnDefinitions:
    """A parsed DMN file; ``decisions`` is keyed by decision id (Camunda's decisionRef)."""

    id: str
    name: str | None
    decisions: dict[str, Decision]
    filename: str = ""
    namespace: str | None = None


@dataclass(frozen=True)
class DecisionResult:
    """The outcome of one decision evaluation.

    Attributes:
        decision_id: the evaluated decision.
        rules: one dict (output name -> value) per matched rule, in hit-policy order.
        matched_rule_ids: ids of those rules, same order.
        aggregated: the COLLECT aggregate (SUM/MIN/MAX/COUNT) when the table has one.
        aggregation: the aggregator name, or None.
        output_names: the decision's output names (also when nothing matched).
    """

    decision_id: str
    rules: list[dict[str, Any]]
    matched_rule_ids: list[str]
    aggregated: Any | None = None
    aggregation: str | None = None
    output_names: tuple[str, ...] = ()
