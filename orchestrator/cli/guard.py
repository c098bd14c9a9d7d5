"""Turns every error of a command into an exit code and a message, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from orchestrator.cli import output
from orchestrator.cli.state import CliState
from orchestrator.domain.errors import KetenregieError

P = ParamSpec("P")
R = TypeVar("R")


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command: product errors -> their exit code, anything else -> exit 70.

    The command takes a ``ctx: typer.Context`` (the state holds ``--json`` and ``--debug``).
    typer reads the wrapped signature (``functools.wraps``), so options are unchanged.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            # usage errors (bad option values) are click's to report: exit 2 with usage
            raise
        except KetenregieError as error:
            state = _state(kwargs.get("ctx"))
            raise typer.Exit(int(output.report_error(error, as_json=state.json))) from None
        except Exception as error:  # noqa: BLE001 - reported (exit 70), logged with --debug
            state = _state(kwargs.get("ctx"))
            code = output.report_internal(error, as_json=state.json, debug=state.debug)
            raise typer.Exit(int(code)) from None

    return run


def _state(ctx: object) -> CliState:
    # typer hands over its click context, which need not be a ``typer.Context`` instance
    find = getattr(ctx, "find_object", None)
    found = find(CliState) if callable(find) else None
    return found if isinstance(found, CliState) else CliState()
