"""``--api-processes`` / ``KETENREGIE_API_PROCESSES``: parsed, defaulted, and refused below 1
(exit code 2, as other bad command-line input). Nothing here starts a server."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from orchestrator.api.processes import serve_api_processes
from orchestrator.cli import app
from orchestrator.cli.output import InputError
from orchestrator.cli.serve import serve_options
from orchestrator.config import Settings
from orchestrator.services import ServeOptions


def _options(settings: Settings, api_processes: int | None) -> ServeOptions:
    return serve_options(
        settings,
        host=None,
        port=None,
        interval=5.0,
        adapters=None,
        no_workers=False,
        api_processes=api_processes,
    )


def test_the_default_is_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KETENREGIE_API_PROCESSES", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert settings.api_processes == 1
    assert _options(settings, None).api_processes == 1


def test_the_setting_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETENREGIE_API_PROCESSES", "3")
    settings = Settings(data_dir=tmp_path)
    assert _options(settings, None).api_processes == 3
    assert _options(settings, 2).api_processes == 2


def test_fewer_than_one_process_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, api_processes=0)
    with pytest.raises(InputError, match="--api-processes must be at least 1"):
        _options(Settings(data_dir=tmp_path), 0)
    with pytest.raises(ValueError, match="at least 1"):
        serve_api_processes(Settings(data_dir=tmp_path), "127.0.0.1", 0, 0)


def test_the_options_travel_to_a_spawned_process(tmp_path: Path) -> None:
    options = _options(Settings(data_dir=tmp_path), 2)
    copy = pickle.loads(pickle.dumps(options))  # noqa: S301 - our own bytes, as spawn does
    assert copy.api_processes == 2
    assert callable(copy.process_logging)


@pytest.mark.parametrize("value", ["0", "-2", "twee"])
def test_the_cli_refuses_a_bad_count_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.delenv("KETENREGIE_API_PROCESSES", raising=False)
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path), "serve", "--api-processes", value]
    )
    assert result.exit_code == 2
    assert "--api-processes" in result.stderr
    assert not (tmp_path / "ketenregie.sqlite").exists()  # refused before anything ran


def test_the_cli_refuses_a_bad_setting_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETENREGIE_API_PROCESSES", "0")
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "serve"])
    assert result.exit_code == 2
    assert "api_processes" in result.stderr and "greater than 0" in result.stderr


def test_serve_help_documents_the_option() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--api-processes" in result.stdout
