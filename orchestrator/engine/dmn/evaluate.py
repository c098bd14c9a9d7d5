"""Evaluate parsed DMN decisions (all hit policies) and map results the Camunda way.

Only :class:`~orchestrator.domain.errors.DecisionError` leaves this module: FEEL errors,
type coercion failures and hit-policy violations are all reported with the decision id
and, where it helps, the rule ids and column.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal, DecimalException, InvalidOperation
from typing import Any

from orchestrator.domain.errors import DecisionError, ExpressionError, KetenregieError
from orchestrator.engine.dmn.model import (
    Aggregation,
    Decision,
    DecisionResult,
    DecisionTable,
    DmnDefinitions,
    HitPolicy,
    Rule,
)
from orchestrator.engine.expressions.feel_functions import parse_date, parse_date_time
from orchestrator.engine.expressions.feel_values import to_string

MAP_MODES = ("singleEntry", "singleResult", "collectEntries", "resultList")


def evaluate_decision(
    definitions: DmnDefinitions, decision_id: str, variables: Mapping[str, Any]
) -> DecisionResult:
    """Evaluate one decision, evaluating its required decisions first.

    Results of required decisions become variables named after their outputs (Camunda's
    convention): one matched rule gives the values, several give lists, none gives null.
    Those computed values override same-named caller variables.

    Raises:
        DecisionError: unknown decision, input not provided, a FEEL error in a cell, a
            hit-policy violation (UNIQUE/ANY) or an output that does not fit its typeRef.
    """
    if decision_id not in definitions.decisions:
        raise DecisionError(f"unknown decision '{decision_id}'", decision_id=decision_id)
    try:
        return _Evaluation(definitions).decide(decision_id, variables, ())
    except KetenregieError:
        raise
    except RecursionError:
        raise DecisionError(
            f"decision '{decision_id}': requirements nested too deeply", decision_id=decision_id
        ) from None
    except Exception as exc:  # noqa: BLE001 - contract: only DecisionError escapes
        raise DecisionError(
            f"decision '{decision_id}' failed: {type(exc).__name__}: {exc}",
            decision_id=decision_id,
        ) from None


class _Evaluation:
    """One top-level call; required decisions are evaluated once and remembered."""

    def __init__(self, definitions: DmnDefinitions) -> None:
        self.definitions = definitions
        self.done: dict[str, DecisionResult] = {}

    def decide(
        self, decision_id: str, variables: Mapping[str, Any], stack: tuple[str, ...]
    ) -> DecisionResult:
        if decision_id in self.done:
            return self.done[decision_id]
        decision = self.definitions.decisions.get(decision_id)
        if decision is None:
            raise DecisionError(f"unknown required decision '{decision_id}'", decision_id=stack[-1])
        if decision_id in stack:
            raise DecisionError(
                f"decision requirements form a cycle at '{decision_id}'", decision_id=decision_id
            )
        scope = dict(variables)
        for required in decision.required_decisions:
            result = self.decide(required, variables, (*stack, decision_id))
            scope.update(_as_variables(result))
        result = _evaluate_one(decision, scope)
        self.done[decision_id] = result
        return result


def _as_variables(result: DecisionResult) -> dict[str, Any]:
    rows = _effective_rows(result)
    if not rows:
        return dict.fromkeys(result.output_names)
    if len(rows) == 1:
        return dict(rows[0])
    return {name: [row.get(name) for row in rows] for name in result.output_names}


def _evaluate_one(decision: Decision, scope: dict[str, Any]) -> DecisionResult:
    names = decision.output_names
    literal = decision.literal_expression
    if literal is not None:
        try:
            value = literal.expression.evaluate(scope)
        except ExpressionError as exc:
            raise _error(decision, f"literal expression: {exc.message}") from None
        value = _coerce(value, literal.type_ref, decision, f"result '{literal.variable_name}'")
        return DecisionResult(decision.id, [{literal.variable_name: value}], [], output_names=names)
    if decision.table is None:  # pragma: no cover - the parser refuses such decisions
        raise _error(decision, "decision has no decision logic")
    return _evaluate_table(decision, decision.table, scope)


def _error(decision: Decision, message: str) -> DecisionError:
    label = f"'{decision.id}'" + (f" ({decision.name})" if decision.name else "")
    return DecisionError(f"decision {label}: {message}", decision_id=decision.id)


def _evaluate_table(
    decision: Decision, table: DecisionTable, scope: dict[str, Any]
) -> DecisionResult:
    values = _input_values(decision, table, scope)
    matched: list[Rule] = []
    for rule in table.rules:
        if _rule_matches(decision, table, rule, values, scope):
            matched.append(rule)
            if table.hit_policy is HitPolicy.FIRST:
                break  # later rules are not even evaluated, as in Camunda
    policy = table.hit_policy
    if policy is HitPolicy.UNIQUE and len(matched) > 1:
        ids = ", ".join(rule.id for rule in matched)
        raise _error(decision, f"hit policy UNIQUE but {len(matched)} rules match: {ids}")
    rows = [(rule, _outputs(decision, table, rule, scope)) for rule in matched]
    if policy is HitPolicy.ANY and any(row != rows[0][1] for _, row in rows[1:]):
        ids = ", ".join(rule.id for rule in matched)
        raise _error(decision, f"hit policy ANY but matching rules {ids} give different outputs")
    if policy is HitPolicy.ANY:
        rows = rows[:1]
    elif policy in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER):
        rows.sort(key=lambda pair: _priority(decision, table, pair[0], pair[1]))  # stable
        if policy is HitPolicy.PRIORITY:
            rows = rows[:1]
    aggregated: Any = None
    if table.aggregation is not None:
        aggregated = _aggregate(decision, table, [row for _, row in rows])
    return DecisionResult(
        decision_id=decision.id,
        rules=[row for _, row in rows],
        matched_rule_ids=[rule.id for rule, _ in rows],
        aggregated=aggregated,
        aggregation=table.aggregation.value if table.aggregation else None,
        output_names=decision.output_names,
    )


def _input_values(decision: Decision, table: DecisionTable, scope: dict[str, Any]) -> list[Any]:
    values: list[Any] = []
    for column, clause in enumerate(table.inputs, start=1):
        shown = clause.label or clause.expression.source
        name = clause.expression.plain_variable
        # A bare name that is absent is a caller mistake, not FEEL null: say so
        if name is not None and name not in scope:
            raise _error(decision, f"input '{name}' not provided (column {column}, '{shown}')")
        try:
            value = clause.expression.evaluate(scope)
        except ExpressionError as exc:
            raise _error(decision, f"input column {column} ('{shown}'): {exc.message}") from None
        values.append(_coerce(value, clause.type_ref, decision, f"input '{shown}'"))
    return values


def _rule_matches(
    decision: Decision, table: DecisionTable, rule: Rule, values: list[Any], scope: dict[str, Any]
) -> bool:
    for column, (tests, value) in enumerate(zip(rule.input_entries, values, strict=True), 1):
        try:
            if not tests.matches(value, scope):
                return False
        except ExpressionError as exc:
            shown = table.inputs[column - 1].label or table.inputs[column - 1].expression.source
            raise _error(
                decision, f"rule '{rule.id}', input column {column} ('{shown}'): {exc.message}"
            ) from None
    return True


def _outputs(
    decision: Decision, table: DecisionTable, rule: Rule, scope: dict[str, Any]
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for clause, entry in zip(table.outputs, rule.output_entries, strict=True):
        value: Any = None
        if entry is not None:
            try:
                value = entry.evaluate(scope)
            except ExpressionError as exc:
                raise _error(
                    decision, f"rule '{rule.id}', output '{clause.name}': {exc.message}"
                ) from None
        row[clause.name] = _coerce(value, clause.type_ref, decision, f"output '{clause.name}'")
    return row


def _same(a: Any, b: Any) -> bool:
    # bool is an int in Python; True must not be found as 1 in outputValues
    return isinstance(a, bool) == isinstance(b, bool) and bool(a == b)


def _priority(
    decision: Decision, table: DecisionTable, rule: Rule, row: dict[str, Any]
) -> tuple[int, ...]:
    key: list[int] = []
    for clause in table.outputs:
        if not clause.output_values:
            continue
        value = row[clause.name]
        index = next((i for i, v in enumerate(clause.output_values) if _same(v, value)), None)
        if index is None:
            raise _error(
                decision,
                f"rule '{rule.id}': output '{clause.name}' value {value!r} is not listed in "
                "its outputValues, so its priority is unknown",
            )
        key.append(index)
    return tuple(key)


def _aggregate(decision: Decision, table: DecisionTable, rows: list[dict[str, Any]]) -> Any:
    aggregation = table.aggregation
    clause = table.outputs[0]
    values = [row[clause.name] for row in rows if row[clause.name] is not None]
    if aggregation is Aggregation.COUNT:
        return len(values)
    if not values:
        return None
    if aggregation is Aggregation.SUM:
        if not all(_is_number(v) for v in values):
            raise _error(decision, f"SUM over output '{clause.name}' needs numbers")
        total = sum((_decimal(v) for v in values), Decimal(0))
        return _coerce(_plain(total), clause.type_ref, decision, f"output '{clause.name}'")
    try:
        keyed = [(_decimal(v) if _is_number(v) else v) for v in values]
        pick = min if aggregation is Aggregation.MIN else max
        best = pick(range(len(values)), key=lambda i: keyed[i])
    except TypeError:
        raise _error(
            decision, f"{aggregation} over output '{clause.name}' needs comparable values"
        ) from None
    return values[best]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _decimal(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _plain(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def _coerce(value: Any, type_ref: str | None, decision: Decision, what: str) -> Any:
    """Apply a typeRef the way Camunda's data type transformers do."""
    if value is None or type_ref is None:
        return value
    converted = _convert(value, type_ref)
    if converted is _FAIL:
        raise _error(decision, f"{what}: value {value!r} is not a valid {type_ref}")
    return converted


_FAIL = object()


def _convert(value: Any, type_ref: str) -> Any:
    number = _is_number(value)
    if type_ref == "string":
        text = to_string(value if not number else _decimal(value))
        return _FAIL if text is None else text
    if type_ref in ("integer", "long"):
        try:
            if number and (not isinstance(value, float) or math.isfinite(value)):
                as_decimal = _decimal(value)
                return int(as_decimal) if as_decimal == as_decimal.to_integral_value() else _FAIL
            if isinstance(value, str):
                return int(value.strip())
        except (ValueError, DecimalException):
            return _FAIL
        return _FAIL
    if type_ref == "double":
        if number:
            return float(value)
        try:
            return float(value.strip()) if isinstance(value, str) else _FAIL
        except ValueError:
            return _FAIL
    if type_ref == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return _FAIL
    if type_ref == "date":
        # Camunda's "date" is a point in time: accept dates and date-times alike
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            parsed = parse_date(value.strip()) or parse_date_time(value.strip())
            return _FAIL if parsed is None else parsed
        return _FAIL
    if type_ref == "number":
        try:
            return _plain(_decimal(value)) if number else _FAIL
        except (InvalidOperation, ValueError, OverflowError):
            return _FAIL
    return value


def _effective_rows(result: DecisionResult) -> list[dict[str, Any]]:
    # With an aggregator Camunda's result is the single aggregated entry
    if result.aggregation is None:
        return result.rules
    if result.aggregated is None:
        return []
    return [{result.output_names[0]: result.aggregated}]


def map_decision_result(result: DecisionResult, mode: str) -> Any:
    """Map a result as ``camunda:mapDecisionResult`` does.

    Args:
        result: from :func:`evaluate_decision`.
        mode: ``singleEntry`` (the single value, None when nothing matched),
            ``singleResult`` (the single row as a dict, or None), ``collectEntries`` (list
            of the single output's values) or ``resultList`` (list of dicts; the default).

    Raises:
        DecisionError: the result does not fit the mode (several rows for a single mode,
            several outputs for an entry mode) or the mode is unknown.
    """
    rows = _effective_rows(result)
    decision_id = result.decision_id

    def refuse(reason: str) -> DecisionError:
        return DecisionError(
            f"decision '{decision_id}': mapDecisionResult {mode}: {reason}",
            decision_id=decision_id,
        )

    if mode == "resultList":
        return [dict(row) for row in rows]
    if mode in ("singleEntry", "collectEntries") and len(result.output_names) > 1:
        names = ", ".join(result.output_names)
        raise refuse(f"the decision has several outputs ({names}); use singleResult/resultList")
    if mode == "collectEntries":
        return [next(iter(row.values()), None) for row in rows]
    if mode in ("singleEntry", "singleResult"):
        if len(rows) > 1:
            ids = ", ".join(result.matched_rule_ids)
            raise refuse(f"{len(rows)} rules matched ({ids}) but one result was expected")
        if not rows:
            return None
        return next(iter(rows[0].values()), None) if mode == "singleEntry" else dict(rows[0])
    raise refuse(f"unknown mode (use one of: {', '.join(MAP_MODES)})")
