"""One error tree for the whole product.

Every error a caller can see derives from :class:`KetenregieError`. The API maps them to
problem+json, the CLI to exit codes; nothing else needs to know which layer raised them.
Errors say whether retrying can help (``retryable``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class KetenregieError(Exception):
    """Base of every error the product raises on purpose."""

    retryable: bool = False
    #: short machine-readable code, used as the problem+json ``type`` suffix
    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(KetenregieError):
    """A deployment, definition, instance, task, job or incident does not exist."""

    code = "not-found"


class Conflict(KetenregieError):
    """The state changed under the caller (task already completed, stale version)."""

    code = "conflict"
    retryable = True


class Forbidden(KetenregieError):
    """The actor may not do this (task of someone else, wrong group)."""

    code = "forbidden"


@dataclass(frozen=True)
class FieldError:
    """One invalid field in a submission (form data, variables)."""

    name: str
    reason: str
    code: str = "invalid"


class ValidationFailed(KetenregieError):
    """A submission was refused; ``errors`` lists every field error at once."""

    code = "validation"

    def __init__(self, message: str, errors: Sequence[FieldError]) -> None:
        super().__init__(message)
        self.errors = list(errors)


class ExpressionError(KetenregieError):
    """An expression did not parse or could not be evaluated.

    Carries the expression text and, where known, the BPMN/DMN element it belongs to.
    """

    code = "expression"

    def __init__(
        self,
        reason: str,
        *,
        expression: str,
        position: int | None = None,
        element_id: str | None = None,
        element_name: str | None = None,
    ) -> None:
        self.reason = reason
        self.expression = expression
        self.position = position
        self.element_id = element_id
        self.element_name = element_name
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = ""
        if self.element_id:
            where = f" in element '{self.element_id}'"
            if self.element_name:
                where += f" ({self.element_name})"
        at = f" at position {self.position}" if self.position is not None else ""
        return f"{self.reason}{at} in expression {self.expression!r}{where}"

    def at_element(self, element_id: str, element_name: str | None = None) -> ExpressionError:
        """Return a copy of this error that names the element it belongs to."""
        return type(self)(
            self.reason,
            expression=self.expression,
            position=self.position,
            element_id=element_id,
            element_name=element_name,
        )


class ExpressionSyntaxError(ExpressionError):
    """The expression text does not parse."""

    code = "expression-syntax"


class DecisionError(KetenregieError):
    """A decision table could not be evaluated (no input, UNIQUE with several hits, ...)."""

    code = "decision"

    def __init__(self, message: str, *, decision_id: str | None = None) -> None:
        super().__init__(message)
        self.decision_id = decision_id


@dataclass(frozen=True)
class DeployProblem:
    """One reason a deployment is refused (or a warning that does not refuse it)."""

    message: str
    file: str | None = None
    element_id: str | None = None
    element_name: str | None = None
    line: int | None = None
    severity: str = "error"  # "error" refuses the deployment, "warning" does not

    def describe(self) -> str:
        """Human-readable one-liner: file:line element (name): message."""
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.element_id:
            parts.append(
                f"{self.element_id} ({self.element_name})" if self.element_name else self.element_id
            )
        prefix = " ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class DeploymentRefused(KetenregieError):
    """A deployment was refused; nothing of it was stored."""

    code = "deployment-refused"

    def __init__(self, problems: Sequence[DeployProblem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"deployment refused: {len(errors)} problem(s)")


@dataclass
class BpmnErrorRaised(KetenregieError):
    """A BPMN error thrown by a job (business error) that no boundary event catches."""

    error_code: str
    error_message: str = ""
    element_id: str | None = None
    details: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        KetenregieError.__init__(
            self,
            f"BPMN error '{self.error_code}' not caught at {self.element_id}: {self.error_message}",
        )
