"""DMN 1.3 decision tables and literal expressions, evaluated with our own FEEL.

Parse once at deploy time with :func:`parse_dmn` (which refuses with *every* problem),
evaluate with :func:`evaluate_decision`, and shape the result for a business rule task
with :func:`map_decision_result` (Camunda's ``camunda:mapDecisionResult``).
"""

from orchestrator.engine.dmn.evaluate import MAP_MODES, evaluate_decision, map_decision_result
from orchestrator.engine.dmn.model import (
    Aggregation,
    Decision,
    DecisionResult,
    DecisionTable,
    DmnDefinitions,
    DmnRefused,
    HitPolicy,
    InputClause,
    LiteralExpression,
    OutputClause,
    Rule,
)
from orchestrator.engine.dmn.parser import parse_dmn

__all__ = [
    "MAP_MODES",
    "Aggregation",
    "Decision",
    "DecisionResult",
    "DecisionTable",
    "DmnDefinitions",
    "DmnRefused",
    "HitPolicy",
    "InputClause",
    "LiteralExpression",
    "OutputClause",
    "Rule",
    "evaluate_decision",
    "map_decision_result",
    "parse_dmn",
]
