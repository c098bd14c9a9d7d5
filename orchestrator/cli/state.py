"""Per-invocation state of the CLI (global options) and parsing of shared options."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError

from orchestrator.application.identity import Actor
from orchestrator.cli.output import InputError
from orchestrator.config import Settings

#: who acts when a command gets no ``--as``: functioneel beheer, who sees every task
OPERATOR = Actor(user_id="cli", groups=frozenset({"beheerder"}))

if TYPE_CHECKING:
    from orchestrator.bootstrap import Container


@dataclass
class CliState:
    """The global options, and whether the running command wants ``--json`` output."""

    database_url: str | None = None
    data_dir: Path | None = None
    debug: bool = False
    json: bool = False

    def settings(self, data_dir: Path | None = None) -> Settings:
        """Settings from the environment, overridden by the command-line options.

        Raises:
            InputError: a setting is invalid (e.g. ``KETENREGIE_API_PROCESSES=0``); named
                with pydantic's reason, never with its value (it may be a secret).
        """
        overrides: dict[str, Any] = {}
        chosen_dir = data_dir or self.data_dir
        if chosen_dir is not None:
            overrides["data_dir"] = chosen_dir
        if self.database_url:
            overrides["database_url"] = self.database_url
        try:
            return Settings(**overrides)
        except ValidationError as error:
            reasons = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors()
            )
            raise InputError(f"invalid settings (KETENREGIE_...): {reasons}") from None

    @contextmanager
    def container(self, data_dir: Path | None = None) -> Iterator[Container]:
        """The wired application (migrated database); closed when the block ends."""
        from orchestrator.bootstrap import build_default

        app = build_default(self.settings(data_dir))
        try:
            yield app
        finally:
            app.close()


def state_of(ctx: typer.Context, *, as_json: bool = False) -> CliState:
    """The state the root callback stored; records the command's ``--json`` flag."""
    state = ctx.find_object(CliState)
    if state is None:  # a command invoked without the root callback (not via `main`)
        state = ctx.ensure_object(CliState)
    state.json = as_json
    return state


def actor_of(
    user: str | None,
    groups: str | None = None,
    organisation: str | None = None,
    *,
    default: Actor = OPERATOR,
) -> Actor:
    """The actor of ``--as USER --groups g1,g2 --organisation O`` (``default`` without --as)."""
    if not user:
        if groups:
            raise InputError("--groups needs --as USER")
        return default
    names = frozenset(g.strip() for g in (groups or "").split(",") if g.strip())
    return Actor(user_id=user, organisation=organisation, groups=names)


def parse_value(raw: str) -> Any:
    """A ``--var`` value: JSON when it parses (numbers, true/false, null, "text"), else text."""
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except ValueError:
        return raw


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; keep them as the text the user typed
    raise ValueError(name)


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, Any]:
    """``name=value`` options (``--var``, ``--correlation``) as a dict."""
    result: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"{option} {pair!r}: expected name=value")
        result[name.strip()] = parse_value(raw)
    return result


def parse_variables(pairs: Sequence[str], vars_json: str | None) -> dict[str, Any]:
    """``--vars-json '{...}'`` merged with ``--var name=value`` (``--var`` wins)."""
    result: dict[str, Any] = {}
    if vars_json:
        try:
            document = json.loads(vars_json)
        except ValueError as error:
            raise InputError(f"--vars-json is not valid JSON: {error}") from None
        if not isinstance(document, dict):
            raise InputError("--vars-json must be a JSON object")
        result.update(document)
    result.update(parse_pairs(pairs, "--var"))
    return result
