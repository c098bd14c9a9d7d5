"""Doelbinding (variables per role) and the audit trail of reads."""

from __future__ import annotations

from tests.integration.api.conftest import BSN


def _audit(client, headers, **query) -> list[dict]:
    response = client.get("/api/v1/audit", params={"limit": 1000, **query}, headers=headers("aud"))
    assert response.status_code == 200
    return response.json()["items"]


def test_each_role_sees_only_its_variables(client, headers, started, task_id):
    path = f"/api/v1/process-instances/{started['id']}"
    assert client.get(path, headers=headers("anna")).json()["variables"] == {
        "klantnaam": "Jansen",
        "bsn": BSN,
        "schulden": 1200,
    }
    # the UWV caseworker does not see the gemeente's debt information, nor the BSN
    umar = client.get(path, headers=headers("umar")).json()
    assert umar["variables"] == {"klantnaam": "Jansen"}
    assert umar["variableNames"] is None and umar["openTasks"] == []
    # carla (gemeente, another role) has no policy entry: nothing
    assert client.get(path, headers=headers("carla")).json()["variables"] == {}
    # operators see names, not values
    otto = client.get(path, headers=headers("otto")).json()
    assert otto["variables"] == {}
    assert otto["variableNames"] == ["bsn", "geheim", "klantnaam", "schulden"]
    assert client.get(path, headers=headers("bea")).json()["variables"] == {"klantnaam": "Jansen"}


def test_task_shows_its_form_fields_and_the_policy(client, headers, task_id):
    task = client.get(f"/api/v1/tasks/{task_id}", headers=headers("anna")).json()
    assert task["variables"] == {"klantnaam": "Jansen", "bsn": BSN, "schulden": 1200}
    form = client.get(f"/api/v1/tasks/{task_id}/form", headers=headers("anna")).json()
    fields = {f["id"]: f for f in form["fields"]}
    assert fields["broodnood"]["type"] == "boolean" and fields["broodnood"]["required"]
    assert fields["schulden"]["value"] == 1200
    assert fields["schulden"]["constraints"] == [{"name": "min", "config": "0"}]


def test_search_results_are_filtered_and_hidden_variables_are_not_searchable(
    client, headers, started
):
    def search(caller, body):
        response = client.post(
            "/api/v1/process-instances/_zoek", json=body, headers=headers(caller)
        )
        assert response.status_code == 200, response.text
        return response.json()["items"]

    [hit] = search("anna", {"bsn": BSN})
    assert hit["id"] == started["id"] and hit["variables"]["bsn"] == BSN
    [uwv_hit] = search("umar", {"bsn": BSN})
    assert uwv_hit["variables"] == {"klantnaam": "Jansen"}
    # umar may not see 'schulden', so he cannot find instances by it either
    assert search("umar", {"variables": {"schulden": 1200}}) == []
    assert len(search("anna", {"variables": {"schulden": 1200}})) == 1
    assert search("wim", {"bsn": BSN}) == []  # werkbedrijf takes no part
    assert (
        search("otto", {"currentElement": "beoordelen", "status": "running"})[0]["variables"] == {}
    )
    assert search("anna", {"klantgroep": "Matchen"}) == []


def test_reads_are_audited_with_purpose_and_without_the_bsn(client, headers, started, task_id):
    client.get(
        f"/api/v1/process-instances/{started['id']}",
        headers={**headers("umar"), "Doelbinding": "beoordeling WW"},
    )
    client.get(f"/api/v1/tasks/{task_id}", headers=headers("anna"))
    client.get(f"/api/v1/tasks/{task_id}/form", headers=headers("anna"))
    client.post("/api/v1/process-instances/_zoek", json={"bsn": BSN}, headers=headers("anna"))
    entries = _audit(client, headers)
    by_action = {}
    for entry in entries:
        by_action.setdefault(entry["action"], []).append(entry)
    [read] = by_action["instance.read"]
    assert (read["actor"], read["organisation"]) == ("umar", "uwv")
    assert read["details"] == {"purpose": "beoordeling WW", "variables": ["klantnaam"]}
    assert read["at"].endswith("Z")
    [task_read] = by_action["task.read"]
    assert task_read["details"]["purpose"] == "behandeling" and task_read["taskId"] == task_id
    assert by_action["task.form_read"][0]["details"]["variables"] == ["schulden"]
    [searched] = by_action["instances.searched"]
    assert searched["details"]["criteria"] == ["bsn"]
    assert by_action["instance.found"][0]["instanceId"] == started["id"]
    assert by_action["deployment.requested"][0]["details"]["purpose"] == "procesbeheer"
    assert BSN not in str(entries)  # the trail says a BSN search happened, not which
    # reading the trail is itself on the trail
    assert _audit(client, headers, action="audit.searched")


def test_instance_history_and_no_way_to_change_the_trail(client, headers, started):
    path = f"/api/v1/process-instances/{started['id']}/audit"
    history = client.get(path, headers=headers("otto")).json()["items"]
    assert [e["action"] for e in history][:1] == ["instance.started"]
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert client.request(method, "/api/v1/audit", headers=headers("aud")).status_code == 405
        assert client.request(method, path, headers=headers("aud")).status_code == 405
