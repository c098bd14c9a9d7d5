"""Safe evaluator for the JUEL subset that Camunda Modeler users write.

Nothing from a diagram is ever handed to ``eval``/``exec`` or can call Python code: texts
are tokenized, parsed into a small syntax tree and interpreted here, with a fixed
whitelist of methods.

Text forms:

* ``"${expr}"`` or ``"#{expr}"`` alone gives the value of ``expr`` (any type);
* text without any block is a literal string (``is_literal``);
* mixed text such as ``"Dossier ${nr} van ${naam}"`` gives the concatenation, with null
  rendered as empty text and booleans as ``true``/``false``;
* ``\\${`` stands for a literal ``${``; whitespace around the whole text is ignored.

Example:
    >>> evaluate_juel("${score >= 5 && !fraude}", {"score": 7, "fraude": False})
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from orchestrator.domain.errors import ExpressionError, ExpressionSyntaxError
from orchestrator.engine.expressions.juel_ast import (
    MAX_DEPTH,
    MAX_EXPRESSION_LENGTH,
    TemplatePart,
    root_variables,
)
from orchestrator.engine.expressions.juel_eval import EvalFailure, evaluate_node, render
from orchestrator.engine.expressions.juel_parser import ALLOWED_METHODS, parse_template

__all__ = [
    "ALLOWED_METHODS",
    "MAX_DEPTH",
    "MAX_EXPRESSION_LENGTH",
    "JuelExpression",
    "evaluate_juel",
    "is_truthy_condition",
    "parse_juel",
]


@dataclass(frozen=True, slots=True)
class JuelExpression:
    """A parsed JUEL text, immutable and safe to share and evaluate many times.

    Attributes:
        source: The text as written in the diagram.
        parts: Literal text pieces (``str``) and parsed blocks, in order.
    """

    source: str
    parts: tuple[TemplatePart, ...]

    @property
    def is_literal(self) -> bool:
        """True when the text contains no ``${...}``/``#{...}`` block at all."""
        return all(isinstance(part, str) for part in self.parts)

    def evaluate(self, variables: Mapping[str, Any]) -> Any:
        """Evaluate against ``variables``.

        Args:
            variables: Process variables by name.

        Returns:
            The value of a lone block (any type), the literal string, or the joined text
            of a mixed text.

        Raises:
            ExpressionError: With the reason (``unknown variable 'score'``, ``division by
                zero``, ``cannot compare str with int``, ...) and this expression's text.
        """
        try:
            if len(self.parts) == 1 and not isinstance(self.parts[0], str):
                return evaluate_node(self.parts[0], variables)
            return "".join(
                part if isinstance(part, str) else render(evaluate_node(part, variables))
                for part in self.parts
            )
        except EvalFailure as failure:
            raise ExpressionError(failure.reason, expression=self.source) from None
        except RecursionError:
            raise ExpressionError(
                "expression is nested too deeply", expression=self.source
            ) from None
        except Exception as exc:
            # Last line of defence: a variable's own __eq__, __len__ or __dict__ can raise
            # anything. Callers rely on seeing only ExpressionError from this method.
            raise ExpressionError(
                f"evaluation failed: {type(exc).__name__}: {exc}", expression=self.source
            ) from exc

    def variable_names(self) -> frozenset[str]:
        """Return the root identifiers the text refers to (``a`` for ``a.b[c]`` and ``c``)."""
        names: set[str] = set()
        for part in self.parts:
            if not isinstance(part, str):
                names |= root_variables(part)
        return frozenset(names)


@lru_cache(maxsize=2048)
def _parse_cached(text: str) -> JuelExpression:
    # Diagrams evaluate the same few texts over and over; parsed trees are immutable.
    return JuelExpression(source=text, parts=parse_template(text))


def parse_juel(text: str) -> JuelExpression:
    """Parse a JUEL text (literal, ``${...}`` block, or a mix of both).

    Args:
        text: The text as written in the diagram.

    Returns:
        The parsed expression.

    Raises:
        ExpressionSyntaxError: With the reason and the offset into ``text``; also for a
            method outside the whitelist, a text over 10,000 characters or nesting deeper
            than 100 levels.
    """
    if not isinstance(text, str):
        raise ExpressionSyntaxError(
            f"expression must be text, got {type(text).__name__}", expression=repr(text)[:200]
        )
    try:
        return _parse_cached(text)
    except ExpressionSyntaxError:
        raise
    except RecursionError:
        raise ExpressionSyntaxError(
            "expression is nested too deeply", expression=text[:200]
        ) from None
    except Exception as exc:
        # Should not happen; but a parser bug must not surface as a bare Python error.
        raise ExpressionSyntaxError(
            f"expression could not be parsed: {type(exc).__name__}", expression=text[:200]
        ) from exc


def evaluate_juel(text: str, variables: Mapping[str, Any]) -> Any:
    """Parse and evaluate ``text`` in one go (parsing is cached).

    Args:
        text: The text as written in the diagram.
        variables: Process variables by name.

    Returns:
        The value, see :meth:`JuelExpression.evaluate`.

    Raises:
        ExpressionSyntaxError: When the text does not parse.
        ExpressionError: When it cannot be evaluated.
    """
    return parse_juel(text).evaluate(variables)


def is_truthy_condition(value: Any, expression: str) -> bool:
    """Check that a condition (sequence flow, loop) yielded a boolean and return it.

    Like Camunda, anything but a real boolean is refused, including null, so that
    ``${status}`` with ``status = 'ja'`` fails loudly instead of choosing a flow.

    Args:
        value: What the condition evaluated to.
        expression: The condition text, for the error.

    Returns:
        ``value`` itself.

    Raises:
        ExpressionError: ``condition did not yield a boolean`` for any non-bool value.
    """
    if isinstance(value, bool):
        return value
    raise ExpressionError("condition did not yield a boolean", expression=expression)
