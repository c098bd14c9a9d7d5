"""The only expression runtime diagrams get: our JUEL and FEEL evaluators, no Python.

SpiffWorkflow asks its script engine to evaluate gateway conditions, timer texts,
multi-instance cardinalities and to execute script tasks; :class:`SafeScriptEngine`
answers all of those with :mod:`orchestrator.engine.expressions`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # type: ignore[import-untyped, unused-ignore]

from orchestrator.domain.clock import Clock
from orchestrator.domain.errors import DecisionError, ExpressionError
from orchestrator.domain.runtime import FormFieldSpec
from orchestrator.engine.dmn import DmnDefinitions, evaluate_decision, map_decision_result
from orchestrator.engine.expressions import JuelExpression, parse_juel
from orchestrator.engine.forms import field_specs

_INT_LITERAL = re.compile(r"^-?\d+$")


class DiagramFailure(Exception):
    """An expression or decision failed while running a diagram step."""

    def __init__(self, message: str, element_id: str | None) -> None:
        super().__init__(message)
        self.element_id = element_id


class SafeScriptEngine(PythonScriptEngine):
    """Evaluates diagram expressions with our own evaluators, on behalf of one bundle."""

    def __init__(
        self,
        clock: Clock,
        extensions: Mapping[str, Mapping[str, Mapping[str, Any]]],
        decisions: Mapping[str, DmnDefinitions],
    ) -> None:
        super().__init__(environment=None)
        self.clock = clock
        self.extensions = extensions
        self.decisions = decisions
        self._parsed: dict[str, JuelExpression] = {}
        self._forms: dict[tuple[str, str], tuple[FormFieldSpec, ...]] = {}

    # -- lookups ---------------------------------------------------------------------------

    def settings(self, task: Any) -> Mapping[str, Any]:
        """The Camunda settings of the element behind ``task`` (empty if none)."""
        container = self.extensions.get(task.workflow.spec.name, {})
        return container.get(task.task_spec.bpmn_id or "", {})

    def form_fields(self, task: Any) -> tuple[FormFieldSpec, ...]:
        """The form fields of the user task behind ``task`` (read once per element)."""
        key = (task.workflow.spec.name, task.task_spec.bpmn_id or "")
        found = self._forms.get(key)
        if found is None:
            found = field_specs(self.settings(task).get("formFields", []))
            self._forms[key] = found
        return found

    def expression(self, text: str) -> JuelExpression:
        parsed = self._parsed.get(text)
        if parsed is None:
            parsed = parse_juel(text)
            self._parsed[text] = parsed
        return parsed

    # -- what SpiffWorkflow calls ----------------------------------------------------------

    def validate(self, expression: str) -> None:
        parse_juel(expression)

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        variables: Mapping[str, Any] = task.data
        if external_context:
            variables = {**task.data, **external_context}
        return self.evaluate_in(task, expression, variables)

    def evaluate_in(self, task: Any, expression: str, variables: Mapping[str, Any]) -> Any:
        """Evaluate ``expression`` for ``task`` against ``variables``; failures name the element."""
        try:
            parsed = self.expression(expression)
            value = parsed.evaluate(variables)
        except ExpressionError as exc:
            spec = task.task_spec
            raise DiagramFailure(
                str(exc.at_element(spec.bpmn_id or spec.name, spec.bpmn_name)), spec.bpmn_id
            ) from None
        # A literal such as loopCardinality "3" is a number to Camunda, not text.
        if parsed.is_literal and isinstance(value, str) and _INT_LITERAL.match(value):
            return int(value)
        return value

    def execute(self, task: Any, script: str, external_context: Any = None) -> bool:
        value = self.evaluate(task, script, external_context)
        result_variable = self.settings(task).get("resultVariable")
        if result_variable:
            task.data[result_variable] = value
        return True

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # Never reached: service tasks are external tasks handled as jobs. SpiffWorkflow's
        # own version masks every error with NameError('script').
        raise DiagramFailure("service tasks run as external jobs", task.task_spec.bpmn_id)

    def run_decision(self, task: Any) -> None:
        """Evaluate the business rule task's decision and store its result."""
        settings = self.settings(task)
        ref = str(settings.get("decisionRef", ""))
        definitions = self.decisions.get(ref)
        spec = task.task_spec
        if definitions is None:
            raise DiagramFailure(f"decision '{ref}' is not deployed", spec.bpmn_id)
        try:
            result = evaluate_decision(definitions, ref, task.data)
            mode = str(settings.get("mapDecisionResult", "resultList"))
            mapped = map_decision_result(result, mode)
        except (DecisionError, ExpressionError) as exc:
            raise DiagramFailure(
                f"decision '{ref}' in element '{spec.bpmn_id}' failed: {exc}", spec.bpmn_id
            ) from None
        result_variable = settings.get("resultVariable")
        if result_variable:
            task.data[str(result_variable)] = mapped
        elif len(result.rules) == 1:
            # Without a result variable the outputs of the single matched rule become
            # process variables, which is what modellers expect of "klantgroep = advies".
            task.data.update(result.rules[0])
