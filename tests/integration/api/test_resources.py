"""The resources end to end: deployments, definitions, decisions, instances, tasks,
messages, incidents, health and metrics."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.api.conftest import melding_xml, with_properties
from tests.support.bpmn import Diagram

DMN = Path(__file__).parents[2] / "unit" / "dmn_fixtures" / "klantgroep_advies.dmn"


def _deploy(client, headers, *files):
    return client.post(
        "/api/v1/deployments",
        files=[("files", (name, content, "application/xml")) for name, content in files],
        headers=headers("piet"),
    )


def test_deploy_list_get_xml_and_diff(client, headers, deployed):
    changed = melding_xml().replace(b'name="Melding beoordelen"', b'name="Melding bekijken"')
    report = _deploy(client, headers, ("melding.bpmn", changed), ("advies.dmn", DMN.read_bytes()))
    assert report.status_code == 201, report.text
    body = report.json()
    assert {(d["kind"], d["key"], d["version"]) for d in body["deployed"]} == {
        ("process", "melding", 2),
        ("decision", "klantgroep_advies", 1),
    }
    listed = client.get("/api/v1/deployments", headers=headers("piet")).json()
    assert len(listed) == 2 and listed[0]["deployedBy"] == "piet"
    one = client.get(f"/api/v1/deployments/{body['deploymentId']}", headers=headers("piet")).json()
    assert {d["definitionId"] for d in one["definitions"]} == {"melding:2", "klantgroep_advies:1"}
    [process] = client.get("/api/v1/process-definitions", headers=headers("piet")).json()
    assert (process["key"], process["latestVersion"], len(process["versions"])) == ("melding", 2, 2)
    xml = client.get("/api/v1/process-definitions/melding/versions/1/xml", headers=headers("piet"))
    assert (
        xml.headers["content-type"].startswith("application/xml")
        and b"Melding beoordelen" in xml.content
    )
    diff = client.get(
        "/api/v1/process-definitions/melding/diff?fromVersion=1", headers=headers("piet")
    ).json()
    assert diff["toVersion"] == 2
    assert diff["changes"] == [
        {
            "change": "changed",
            "elementId": "beoordelen",
            "elementType": "userTask",
            "name": "Melding bekijken",
        }
    ]
    missing = client.get(
        "/api/v1/process-definitions/melding/versions/9/xml", headers=headers("piet")
    )
    assert missing.status_code == 404


def test_evaluate_a_decision(client, headers):
    assert _deploy(client, headers, ("advies.dmn", DMN.read_bytes())).status_code == 201
    [decision] = client.get("/api/v1/decisions", headers=headers("piet")).json()
    assert decision["key"] == "klantgroep_advies"
    inputs = {"maandenInUitkering": 2, "afstandTotArbeidsmarkt": "klein", "arbeidsvermogen": True}
    result = client.post(
        "/api/v1/decisions/klantgroep_advies/evaluate",
        json={"variables": inputs},
        headers=headers("piet"),
    )
    assert result.status_code == 200, result.text
    assert result.json()["results"][0]["klantgroep"] == "Matchen"
    unknown = client.post("/api/v1/decisions/onbekend/evaluate", json={}, headers=headers("piet"))
    assert unknown.status_code == 404


def test_instance_get_terminate(client, headers, started):
    path = f"/api/v1/process-instances/{started['id']}"
    instance = client.get(path, headers=headers("otto")).json()
    assert instance["currentElements"] == ["beoordelen"] and len(instance["openTasks"]) == 1
    done = client.post(
        f"{path}/terminate", json={"reason": "dubbele melding"}, headers=headers("otto")
    )
    assert done.status_code == 200 and done.json()["status"] == "terminated"
    assert client.get("/api/v1/tasks", headers=headers("anna")).json()["items"] == []
    history = client.get(f"{path}/audit", headers=headers("aud")).json()["items"]
    assert any(e["details"].get("reason") == "dubbele melding" for e in history)


def test_worklist_filters_sorting_paging_and_handover(client, headers, deployed):
    for key in ("DOS-B", "DOS-A", "DOS-C"):
        r = client.post(
            "/api/v1/process-instances",
            json={"processKey": "melding", "businessKey": key},
            headers=headers("anna"),
        )
        assert r.status_code == 201

    def keys(query=""):
        response = client.get(f"/api/v1/tasks{query}", headers=headers("anna"))
        assert response.status_code == 200, response.text
        return [t["businessKey"] for t in response.json()["items"]]

    assert keys("?sort=businessKey") == ["DOS-A", "DOS-B", "DOS-C"]
    assert keys("?sort=-businessKey&limit=2&offset=1") == ["DOS-B", "DOS-A"]
    assert keys("?businessKey=DOS-C&elementId=beoordelen&processKey=melding") == ["DOS-C"]
    assert keys("?candidateGroup=consulent_io") == []
    assert keys("?dueBefore=2030-01-01T00:00:00Z") == []  # no due dates in this diagram
    assert client.get("/api/v1/tasks?sort=onbekend", headers=headers("anna")).status_code == 400
    task = client.get("/api/v1/tasks?businessKey=DOS-A", headers=headers("anna")).json()["items"][0]
    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers("anna")).json()
    assert claimed["assignee"] == "anna"
    assert keys("?assignee=anna") == ["DOS-A"]
    assert (
        client.post(f"/api/v1/tasks/{task['id']}/unclaim", headers=headers("anna")).json()[
            "assignee"
        ]
        is None
    )
    handed = client.post(
        f"/api/v1/tasks/{task['id']}/hand-over",
        json={"toGroup": "consulent_io"},
        headers=headers("anna"),
    )
    assert handed.status_code == 200 and handed.json()["candidateGroups"] == ["consulent_io"]
    assert [
        t["businessKey"]
        for t in client.get("/api/v1/tasks", headers=headers("carla")).json()["items"]
    ] == ["DOS-A"]
    both = client.post(
        f"/api/v1/tasks/{task['id']}/hand-over",
        json={"toGroup": "x", "toUser": "y"},
        headers=headers("carla"),
    )
    assert both.status_code == 400


def test_message_buffered_then_delivered(client, headers, started, task_id):
    buffered = client.post(
        "/api/v1/messages",
        json={"name": "uwv_besluit", "businessKey": "DOS-1"},
        headers=headers("uwv-koppeling"),
    ).json()
    assert buffered["outcome"] == "buffered" and buffered["bufferedId"]
    for caller, step in (("anna", {"broodnood": False}), ("umar", {"uitkering": True})):
        [task] = client.get("/api/v1/tasks", headers=headers(caller)).json()["items"]
        client.post(
            f"/api/v1/tasks/{task['id']}/complete",
            json={"variables": step},
            headers=headers(caller),
        )
    instance = client.get(
        f"/api/v1/process-instances/{started['id']}", headers=headers("otto")
    ).json()
    assert instance["status"] == "completed"


def _failing_xml() -> bytes:
    d = Diagram("scoren", "Scoren")
    d.start().gateway("route", default="flow_laag").end("hoog").end("laag")
    d.flow("start", "route").flow("route", "hoog", "${score >= 5}").flow(
        "route", "laag", id="flow_laag"
    )
    return with_properties(d.xml(), "scoren", {"organisaties": "gemeente"})


def test_engine_failure_becomes_an_incident_to_retry_or_resolve(client, headers):
    assert _deploy(client, headers, ("scoren.bpmn", _failing_xml())).status_code == 201
    failed = client.post(
        "/api/v1/process-instances", json={"processKey": "scoren"}, headers=headers("anna")
    )
    assert failed.status_code == 422 and failed.json()["incidentId"]
    [incident] = client.get("/api/v1/incidents", headers=headers("otto")).json()
    assert incident["retryable"] and incident["id"] == failed.json()["incidentId"]
    retried = client.post(
        f"/api/v1/incidents/{incident['id']}/retry",
        json={"variables": {"score": 7}},
        headers=headers("otto"),
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["resolvedBy"] == "otto"
    assert client.get("/api/v1/incidents", headers=headers("otto")).json() == []
    again = client.post(
        "/api/v1/process-instances", json={"processKey": "scoren"}, headers=headers("anna")
    )
    second = again.json()["incidentId"]
    resolved = client.post(f"/api/v1/incidents/{second}/resolve", headers=headers("bea"))
    assert resolved.status_code == 200
    assert (
        client.post(f"/api/v1/incidents/{second}/resolve", headers=headers("bea")).status_code
        == 409
    )
    assert (
        len(client.get("/api/v1/incidents?includeResolved=true", headers=headers("otto")).json())
        == 2
    )


def test_health_openapi_and_metrics(client, headers, started):
    assert client.get("/api/v1/health/live").json() == {"status": "ok", "checks": {}}
    ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok"}
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.headers["api-version"] == "1.0.0"
    paths = spec.json()["paths"]
    assert "/api/v1/process-instances/_zoek" in paths
    assert not any("{bsn" in p.lower() for p in paths)
    text = client.get("/metrics", headers=headers("otto")).text
    assert 'ketenregie_instances{process_key="melding",status="running"} 1.0' in text
    assert 'ketenregie_open_tasks{candidate_group="poortwachter"} 1.0' in text
    assert "ketenregie_due_timers 0.0" in text
    # SQLite: the writes so far (deploy, start) were committed, alone or in groups
    commits = re.search(r"^ketenregie_db_group_commits_total (\S+)$", text, re.MULTILINE)
    writes = re.search(r"^ketenregie_db_grouped_writes_total (\S+)$", text, re.MULTILINE)
    assert commits and writes
    assert 1 <= float(commits.group(1)) <= float(writes.group(1))
    assert (
        'ketenregie_http_request_duration_seconds_count{method="POST",route="instances.start",status="201"} 1.0'
        in text
    )
