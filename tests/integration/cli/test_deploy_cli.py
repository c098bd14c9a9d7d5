"""``ketenregie deploy`` and ``db upgrade``: reports, refusals, exit codes, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.cli.conftest import aanvraag, geweigerd, met_termijn, write

KETENREGIE = Path(sys.executable).parent / "ketenregie"


def test_db_upgrade_prints_the_revision(cli):
    human = cli("db", "upgrade")
    assert human.exit_code == 0
    assert "revision" in human.stdout
    machine = cli("db", "upgrade", "--json").json()
    assert machine["revision"] and machine["backend"] == "sqlite"


def test_deploy_a_folder_reports_processes_and_versions(cli, tmp_path):
    write(tmp_path / "bpmn", aanvraag(), met_termijn())
    result = cli("deploy", tmp_path / "bpmn")
    assert result.exit_code == 0
    assert "deployed   process  aanvraag v1" in result.stdout
    assert "termijn v1" in result.stdout


def test_deploy_json_shape(cli, tmp_path):
    [path] = write(tmp_path, aanvraag())
    report = cli("deploy", path, "--name", "eerste", "--as", "beheer1", "--json").json()
    assert report["deploymentId"]
    assert report["unchanged"] == [] and report["warnings"] == []
    [item] = report["deployed"]
    assert item == {
        "kind": "process",
        "key": "aanvraag",
        "version": 1,
        "name": "Aanvraag",
        "definitionId": "aanvraag:1",
        "resource": "aanvraag.bpmn",
        "file": str(path),
    }


def test_redeploying_identical_content_is_unchanged(cli, tmp_path):
    [path] = write(tmp_path, aanvraag())
    assert cli("deploy", path).exit_code == 0
    again = cli("deploy", path, "--json")
    assert again.exit_code == 0
    report = again.json()
    assert report["deploymentId"] is None and report["deployed"] == []
    assert [(u["key"], u["version"]) for u in report["unchanged"]] == [("aanvraag", 1)]
    assert "unchanged  process  aanvraag v1" in cli("deploy", path).stdout


def test_refused_deployment_names_file_line_and_element(cli, tmp_path):
    [path] = write(tmp_path, geweigerd())
    result = cli("deploy", path)
    assert result.exit_code == 2
    assert "deployment refused" in result.stderr
    [line] = [x for x in result.stderr.splitlines() if "rekenen" in x]
    assert line.strip().startswith(f"{path}:")
    assert "python" in line


def test_refused_deployment_as_json(cli, tmp_path):
    [path] = write(tmp_path, geweigerd())
    result = cli("deploy", path, "--json")
    assert result.exit_code == 2
    problem = result.json()
    assert problem["type"].endswith("deployment-refused")
    [item] = problem["problems"]
    assert item["elementId"] == "rekenen" and item["file"] == str(path)
    assert isinstance(item["line"], int)
    assert problem["invalidParams"][0]["name"] == "rekenen"


def test_missing_file_is_exit_2_with_a_clear_message(cli, tmp_path):
    result = cli("deploy", tmp_path / "bestaat-niet.bpmn")
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr
    empty = tmp_path / "leeg"
    empty.mkdir()
    assert cli("deploy", empty, "--json").json()["type"].endswith("invalid-input")


def test_console_script_help_and_refused_deploy(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETENREGIE_")}
    helped = subprocess.run(
        [str(KETENREGIE), "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert helped.returncode == 0
    assert "deploy" in helped.stdout
    [path] = write(tmp_path, geweigerd())
    refused = subprocess.run(
        [str(KETENREGIE), "--data-dir", str(tmp_path / "data"), "deploy", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert refused.returncode == 2
    assert "Traceback" not in refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["problems"][0]["elementId"] == "rekenen"
