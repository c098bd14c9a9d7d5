"""Fixtures of the CLI tests: a data folder per test and a runner bound to it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orchestrator.cli import app
from tests.support.bpmn import Diagram, form_field


@dataclass
class Outcome:
    """What one CLI run produced."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


Run = Callable[..., Outcome]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``cli("deploy", path, "--json")`` runs ``ketenregie --data-dir <tmp> deploy ...``."""
    monkeypatch.delenv("KETENREGIE_DATABASE_URL", raising=False)
    monkeypatch.delenv("KETENREGIE_DATA_DIR", raising=False)
    runner = CliRunner()
    data_dir = tmp_path / "data"

    def run(*args: object) -> Outcome:
        result = runner.invoke(app, ["--data-dir", str(data_dir), *map(str, args)])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        outcome = Outcome(result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in outcome.text
        return outcome

    return run


def aanvraag() -> Diagram:
    """A process with a form of three fields, then a second task."""
    return (
        Diagram("aanvraag", "Aanvraag")
        .start()
        .user_task(
            "beoordelen",
            "Beoordelen",
            groups="poortwachter",
            form=[
                form_field("broodnood", "boolean", required=True),
                form_field("score", "long", required=True),
                form_field("soort", "enum", values=["snel", "regulier"], required=True),
            ],
        )
        .user_task("afronden", "Afronden", groups="consulent")
        .end()
        .chain("start", "beoordelen", "afronden", "end")
    )


def met_termijn(duration: str = "PT1S") -> Diagram:
    """A task with an interrupting boundary timer that ends the process."""
    return (
        Diagram("termijn", "Termijn")
        .start()
        .user_task("reageren", "Reageren", groups="poortwachter")
        .boundary("verlopen", "reageren", timer=("timeDuration", duration))
        .end()
        .end("einde_verlopen")
        .chain("start", "reageren", "end")
        .flow("verlopen", "einde_verlopen")
    )


def geweigerd() -> Diagram:
    """A diagram Ketenregie refuses (a Python script)."""
    return (
        Diagram("fout", "Fout")
        .start()
        .script("rekenen", "x + 1", "y", fmt="python")
        .end()
        .chain("start", "rekenen", "end")
    )


def write(folder: Path, *diagrams: Diagram) -> list[Path]:
    """Write each diagram as ``<process id>.bpmn`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for diagram in diagrams:
        path = folder / f"{diagram.process_id}.bpmn"
        path.write_bytes(diagram.xml())
        paths.append(path)
    return paths
