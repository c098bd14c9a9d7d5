"""Everything the CLI writes: human text, ``--json`` documents, and errors with exit codes.

The only module of the product that writes to stdout/stderr directly (through
``typer.echo``). Errors never show a traceback: a product error becomes one line on stderr
(and a problem+json-like object on stdout with ``--json``), an unexpected one "internal
error, see log" with exit code 70.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any

import structlog
import typer

from orchestrator.application.errors import EngineStepFailed
from orchestrator.domain.errors import (
    Conflict,
    DeploymentRefused,
    DeployProblem,
    Forbidden,
    KetenregieError,
    NotFound,
    ValidationFailed,
)

log = structlog.get_logger(__name__)

PROBLEM_TYPE_BASE = "https://ketenregie.nl/problemen/"  # as orchestrator/api/problems.py


class ExitCode(IntEnum):
    """Exit codes of the ``ketenregie`` command."""

    OK = 0
    ERROR = 1  # a product error without a more specific code
    INVALID = 2  # deployment refused, validation failed, bad command-line input
    NOT_FOUND = 3
    CONFLICT = 4
    FORBIDDEN = 5
    INTERNAL = 70  # EX_SOFTWARE: a bug; the traceback goes to the log with --debug


class InputError(KetenregieError):
    """Command-line input the CLI cannot use (missing file, malformed ``--var``)."""

    code = "invalid-input"


_TITLES = {
    ExitCode.INVALID: "Invalid input",
    ExitCode.NOT_FOUND: "Not found",
    ExitCode.CONFLICT: "Conflict",
    ExitCode.FORBIDDEN: "Forbidden",
    ExitCode.ERROR: "Error",
}


def exit_code_for(error: KetenregieError) -> ExitCode:
    """The exit code of a product error."""
    if isinstance(error, DeploymentRefused | ValidationFailed | InputError):
        return ExitCode.INVALID
    if isinstance(error, NotFound):
        return ExitCode.NOT_FOUND
    if isinstance(error, Conflict):
        return ExitCode.CONFLICT
    if isinstance(error, Forbidden):
        return ExitCode.FORBIDDEN
    return ExitCode.ERROR


# ----------------------------------------------------------------------------- JSON


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (dataclasses, datetimes, paths, tuples and sets)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def emit_json(value: Any) -> None:
    """Write ``value`` as one JSON document on stdout."""
    typer.echo(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def emit(text: str = "") -> None:
    """Write a line of human output on stdout."""
    typer.echo(text)


def note(text: str) -> None:
    """Write a remark on stderr (never mixed into ``--json`` output)."""
    typer.echo(text, err=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table with aligned columns (None prints as "-")."""
    cells = [[str(h) for h in headers]]
    cells += [["-" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def when(moment: datetime | None) -> str:
    """A timestamp for humans (UTC, seconds)."""
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------- errors


def describe_problem(problem: DeployProblem, paths: Mapping[str, str] | None = None) -> str:
    """``file:line element-id (name): message``, the file as the user named it."""
    if paths and problem.file is not None and problem.file in paths:
        problem = dataclasses.replace(problem, file=paths[problem.file])
    return problem.describe()


def problem_of(error: KetenregieError, paths: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A problem+json-like object (RFC 9457 fields) for ``--json`` error output."""
    code = exit_code_for(error)
    problem: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + error.code,
        "title": _TITLES.get(code, "Error"),
        "detail": error.message,
        "exitCode": int(code),
        "retryable": error.retryable,
    }
    if isinstance(error, ValidationFailed):
        problem["invalidParams"] = [
            {"name": e.name, "reason": e.reason, "code": e.code} for e in error.errors
        ]
    if isinstance(error, DeploymentRefused):
        problem["invalidParams"] = [
            {
                "name": p.element_id or p.file or "",
                "reason": describe_problem(p, paths),
                "code": p.severity,
            }
            for p in error.problems
        ]
        problem["problems"] = [problem_json(p, paths) for p in error.problems]
    if isinstance(error, EngineStepFailed):
        problem["incidentId"] = error.incident_id
        problem["elementId"] = error.element_id
    return problem


def problem_json(problem: DeployProblem, paths: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A deploy problem (error or warning) as JSON."""
    return {
        "file": (paths or {}).get(problem.file or "", problem.file),
        "line": problem.line,
        "elementId": problem.element_id,
        "elementName": problem.element_name,
        "message": problem.message,
        "severity": problem.severity,
    }


def report_error(
    error: KetenregieError, *, as_json: bool, paths: Mapping[str, str] | None = None
) -> ExitCode:
    """Write a product error (stderr; stdout too with ``--json``) and return its exit code."""
    code = exit_code_for(error)
    if as_json:
        emit_json(problem_of(error, paths))
    note(f"error: {error.message}")
    if isinstance(error, ValidationFailed):
        for field_error in error.errors:
            note(f"  {field_error.name}: {field_error.reason}")
    if isinstance(error, DeploymentRefused):
        for problem in error.problems:
            note(f"  {describe_problem(problem, paths)}")
    return code


def report_internal(error: BaseException, *, as_json: bool, debug: bool) -> ExitCode:
    """Write an unexpected error without a traceback; log the traceback with ``--debug``."""
    if debug:
        log.error("cli.internal_error", error_type=type(error).__name__, exc_info=error)
    if as_json:
        emit_json(
            {
                "type": PROBLEM_TYPE_BASE + "internal",
                "title": "Internal error",
                "detail": "internal error, see log",
                "exitCode": int(ExitCode.INTERNAL),
            }
        )
    hint = "" if debug else " (run with --debug to log it)"
    note(f"error: internal error, see log{hint}")
    return ExitCode.INTERNAL


def configure_logging(*, debug: bool, verbose: bool = False) -> None:
    """Send structlog output to stderr: warnings only, ``verbose`` info, ``debug`` debug.

    stdout stays free for the command's output (``--json`` documents parse).
    """
    level = 10 if debug else 20 if verbose else 30
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            ),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=_StderrLoggerFactory(),
        cache_logger_on_first_use=False,
    )


class _StderrLoggerFactory:
    """Looks ``sys.stderr`` up per logger, so a replaced stderr (tests) is honoured; the
    logger of the current stderr is kept (loggers are not cached, see
    :func:`configure_logging`, so this runs on every log call)."""

    def __init__(self) -> None:
        self._current: tuple[Any, structlog.PrintLogger] | None = None

    def __call__(self, *args: Any) -> structlog.PrintLogger:
        stream = sys.stderr
        current = self._current
        if current is None or current[0] is not stream:
            current = self._current = (stream, structlog.PrintLogger(stream))
        return current[1]
