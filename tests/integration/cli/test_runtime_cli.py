"""Start, worklist, claim, complete, correlate, instances, incidents and serve via the CLI."""

from __future__ import annotations

import time

import pytest

from orchestrator.cli.output import InputError
from orchestrator.cli.state import parse_value, parse_variables
from tests.integration.cli.conftest import aanvraag, met_termijn, write

POORTWACHTER = ("--as", "anna", "--groups", "poortwachter")


@pytest.fixture
def deployed(cli, tmp_path):
    write(tmp_path / "bpmn", aanvraag(), met_termijn())
    assert cli("deploy", tmp_path / "bpmn").exit_code == 0
    return cli


def _task_id(cli, *filters: str) -> str:
    [task] = cli("tasks", *filters, "--json").json()
    return str(task["id"])


def test_var_values_are_json_when_they_parse():
    assert [parse_value(v) for v in ("3", "2.5", "true", "null", '"007"', "Jansen", "NaN")] == [
        3,
        2.5,
        True,
        None,
        "007",
        "Jansen",
        "NaN",
    ]
    assert parse_variables(["a=1", "b=x=y"], '{"a": 0, "c": [1]}') == {"a": 1, "b": "x=y", "c": [1]}
    with pytest.raises(InputError):
        parse_variables(["zonder-is"], None)
    with pytest.raises(InputError):
        parse_variables([], "[1, 2]")


def test_start_worklist_claim_and_complete(deployed):
    cli = deployed
    started = cli("start", "aanvraag", "--business-key", "DOS-1", "--var", "klant=Jansen", "--json")
    assert started.exit_code == 0
    instance = started.json()
    assert instance["business_key"] == "DOS-1" and instance["variables"] == {"klant": "Jansen"}

    worklist = cli("tasks", "--group", "poortwachter", "--json").json()
    assert [(t["element_id"], t["business_key"]) for t in worklist] == [("beoordelen", "DOS-1")]
    assert "beoordelen (Beoordelen)" in cli("tasks", "--business-key", "DOS-1").stdout
    assert cli("tasks", "--as", "carl", "--groups", "consulent", "--json").json() == []
    task_id = worklist[0]["id"]

    assert cli("claim", task_id, *POORTWACHTER, "--json").json()["assignee"] == "anna"
    assert cli("unclaim", task_id, *POORTWACHTER, "--json").json()["assignee"] is None
    done = cli(
        "complete", task_id, *POORTWACHTER,
        "--vars-json", '{"soort": "snel"}', "--var", "broodnood=false", "--var", "score=4",
        "--json",
    )  # fmt: skip
    assert done.exit_code == 0
    assert done.json()["variables"]["score"] == 4

    details = cli("instance", instance["id"], "--json").json()
    assert details["current_elements"] == ["afronden"]
    assert [t["element_id"] for t in details["tasks"]] == ["afronden"]
    assert "current: afronden" in cli("instance", instance["id"]).stdout
    listed = cli("instances", "--process", "aanvraag", "--status", "running", "--json").json()
    assert [i["id"] for i in listed] == [instance["id"]]


def test_validation_error_lists_every_field(deployed):
    cli = deployed
    cli("start", "aanvraag")
    task_id = _task_id(cli, "--process", "aanvraag")
    result = cli("complete", task_id, *POORTWACHTER, "--var", "score=veel")
    assert result.exit_code == 2
    for field in ("broodnood", "score", "soort"):
        assert f"  {field}: " in result.stderr
    problem = cli("complete", task_id, *POORTWACHTER, "--json").json()
    assert {p["name"] for p in problem["invalidParams"]} == {"broodnood", "score", "soort"}
    assert problem["type"].endswith("validation")


def test_unknown_task_is_exit_3_and_completing_twice_exit_4(deployed):
    cli = deployed
    unknown = cli("complete", "geen-taak", *POORTWACHTER)
    assert unknown.exit_code == 3
    assert unknown.stderr.strip() == "error: task geen-taak not found"
    assert cli("claim", "geen-taak", "--as", "anna", "--json").json()["exitCode"] == 3

    cli("start", "aanvraag")
    task_id = _task_id(cli, "--process", "aanvraag")
    values = ("--var", "broodnood=true", "--var", "score=1", "--var", "soort=snel")
    assert cli("complete", task_id, *POORTWACHTER, *values).exit_code == 0
    again = cli("complete", task_id, *POORTWACHTER, *values, "--json")
    assert again.exit_code == 4
    assert again.json()["type"].endswith("conflict")


def test_forbidden_and_bad_input(deployed):
    cli = deployed
    cli("start", "aanvraag")
    task_id = _task_id(cli, "--process", "aanvraag")
    assert cli("claim", task_id, "--as", "carl", "--groups", "consulent").exit_code == 5
    assert cli("start", "aanvraag", "--var", "geen-waarde").exit_code == 2
    assert cli("start", "bestaat-niet", "--json").json()["exitCode"] == 3
    assert cli("tasks", "--groups", "poortwachter").exit_code == 2  # --groups without --as


def test_terminate_and_instance_not_found(deployed):
    cli = deployed
    instance_id = cli("start", "aanvraag", "--json").json()["id"]
    ended = cli("terminate", instance_id, "--reason", "dubbel", "--json").json()
    assert ended["status"] == "terminated"
    assert cli("terminate", instance_id, "--reason", "nogmaals").exit_code == 4
    assert cli("instance", "onbekend").exit_code == 3


def test_correlate_buffers_and_deduplicates(deployed):
    cli = deployed
    first = cli(
        "correlate", "uwv_besluit", "--business-key", "DOS-9", "--correlation", "zaak=7",
        "--var", "besluit=\"toegekend\"", "--message-id", "m-1", "--json",
    ).json()  # fmt: skip
    assert first["outcome"] == "buffered" and first["buffered_id"]
    again = cli("correlate", "uwv_besluit", "--message-id", "m-1", "--json").json()
    assert again["outcome"] == "duplicate"
    assert cli("correlate", "uwv_besluit").stdout.startswith("buffered")


def test_incidents_list_and_unknown_incident(deployed):
    cli = deployed
    assert cli("incidents", "--json").json() == []
    assert "ID" in cli("incidents").stdout
    assert cli("incident", "retry", "onbekend").exit_code == 3
    assert cli("incident", "resolve", "onbekend", "--json").json()["exitCode"] == 3


def test_serve_once_fires_a_due_timer(deployed):
    cli = deployed
    instance_id = cli("start", "termijn", "--business-key", "T-1", "--json").json()["id"]
    details = cli("instance", instance_id, "--json").json()
    assert [t["element_id"] for t in details["timers"]] == ["verlopen"]
    assert cli("serve", "--once", "--json").json()["timers_fired"] == 0
    time.sleep(1.1)  # the real clock: the PT1S boundary timer becomes due
    result = cli("serve", "--once", "--json")
    assert result.exit_code == 0
    assert result.json() == {
        "timers_fired": 1,
        "messages_purged": 0,
        "outbox_purged": 0,
        "failed": False,
    }
    assert cli("instance", instance_id, "--json").json()["instance"]["status"] == "completed"
    assert "timers fired: 0" in cli("serve", "--once").stdout
