"""Validation of ``camunda:formData`` submissions: every field error at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from orchestrator.domain.errors import FieldError, ValidationFailed
from orchestrator.domain.runtime import FormFieldSpec


def field_specs(raw: Sequence[Mapping[str, Any]]) -> tuple[FormFieldSpec, ...]:
    """Turn the form fields read from the diagram into :class:`FormFieldSpec` values."""
    specs = []
    for item in raw:
        validation = [(str(n), str(c) if c is not None else "") for n, c in item["validation"]]
        specs.append(
            FormFieldSpec(
                id=str(item["id"]),
                label=item.get("label"),
                type=str(item["type"]),
                required=any(n == "required" for n, _ in validation),
                readonly=any(n == "readonly" for n, _ in validation),
                default=item.get("default"),
                enum_values=tuple((str(i), str(n)) for i, n in item.get("values", [])),
                constraints=tuple(
                    (n, c) for n, c in validation if n not in ("required", "readonly")
                ),
            )
        )
    return tuple(specs)


def _coerce(spec: FormFieldSpec, value: Any) -> tuple[Any, str | None]:
    """Return (value to store, error reason or None)."""
    kind = spec.type
    if kind == "string":
        return (value, None) if isinstance(value, str) else (value, "must be text")
    if kind == "long":
        if isinstance(value, bool) or not isinstance(value, int):
            return value, "must be a whole number"
        return value, None
    if kind == "double":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return value, "must be a number"
        return value, None
    if kind == "boolean":
        return (value, None) if isinstance(value, bool) else (value, "must be true or false")
    if kind == "date":
        if isinstance(value, datetime | date):
            return value.isoformat(), None
        if isinstance(value, str):
            for parse in (date.fromisoformat, datetime.fromisoformat):
                try:
                    return parse(value).isoformat(), None
                except ValueError:
                    continue
            try:
                return datetime.strptime(value, "%d/%m/%Y").date().isoformat(), None
            except ValueError:
                pass
        return value, "must be a date (YYYY-MM-DD)"
    if kind == "enum":
        allowed = [i for i, _ in spec.enum_values]
        if value not in allowed:
            return value, f"must be one of: {', '.join(allowed)}"
        return value, None
    return value, None


def _constraint_error(spec: FormFieldSpec, value: Any) -> str | None:
    for name, config in spec.constraints:
        try:
            limit = Decimal(config)
        except InvalidOperation:
            return f"constraint {name} has no number in the diagram"
        if name == "minlength" and isinstance(value, str) and len(value) < limit:
            return f"must be at least {config} characters"
        if name == "maxlength" and isinstance(value, str) and len(value) > limit:
            return f"must be at most {config} characters"
        numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        if name == "min" and numeric and Decimal(str(value)) < limit:
            return f"must be at least {config}"
        if name == "max" and numeric and Decimal(str(value)) > limit:
            return f"must be at most {config}"
    return None


def validate_submission(
    fields: Sequence[FormFieldSpec], submitted: Mapping[str, Any], current: Mapping[str, Any]
) -> dict[str, Any]:
    """Check ``submitted`` against the form; return the values to store.

    Raises:
        ValidationFailed: listing every field error at once (unknown fields included).
    """
    if not fields:
        return dict(submitted)
    by_id = {f.id: f for f in fields}
    errors: list[FieldError] = []
    accepted: dict[str, Any] = {}
    for name in submitted:
        if name not in by_id:
            errors.append(FieldError(name, "is not a field of this form", "unknown"))
    for spec in fields:
        present = spec.id in submitted and submitted[spec.id] is not None
        if spec.readonly:
            if present and submitted[spec.id] != current.get(spec.id):
                errors.append(FieldError(spec.id, "is read-only", "readonly"))
            continue
        if not present:
            if spec.required and current.get(spec.id) in (None, ""):
                errors.append(FieldError(spec.id, "is required", "required"))
            continue
        value, reason = _coerce(spec, submitted[spec.id])
        if reason is None:
            reason = _constraint_error(spec, value)
        if reason is None and spec.required and value == "":
            reason = "is required"
        if reason:
            errors.append(FieldError(spec.id, reason, "invalid"))
        else:
            accepted[spec.id] = value
    if errors:
        raise ValidationFailed(f"{len(errors)} field(s) refused", errors)
    return accepted
