"""Safe expression languages used in diagrams (JUEL for BPMN)."""

from orchestrator.engine.expressions.juel import (
    JuelExpression,
    evaluate_juel,
    is_truthy_condition,
    parse_juel,
)

__all__ = [
    "JuelExpression",
    "evaluate_juel",
    "is_truthy_condition",
    "parse_juel",
]
