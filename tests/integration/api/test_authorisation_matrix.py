"""Who may do what: role x organisation x endpoint -> status.

The fixture instance of ``melding`` (organisaties: gemeente, uwv) waits at ``beoordelen``,
a task of gemeente for candidate group ``poortwachter``. Callers (see conftest): anna
(gemeente/poortwachter), anton (her colleague), carla (gemeente/consulent_io), umar (uwv/arbeidsdeskundige), wim
(werkbedrijf/intaker), piet (procesbeheerder), otto (operator), bea (beheerder), aud
(auditor), uwv-koppeling and sw-koppeling (API clients). Unlisted callers expect 403.
Refusals run first, then successes, then the 409s that a success causes.
"""

from __future__ import annotations

import pytest

from tests.integration.api.conftest import CALLERS, melding_xml

MATRIX: dict[str, tuple[str, str, dict | None, dict[str, int]]] = {
    "worklist": (
        "GET",
        "/api/v1/tasks",
        None,
        {"anna": 200, "anton": 200, "carla": 200, "umar": 200, "wim": 200, "bea": 200},
    ),
    "task": (
        "GET",
        "/api/v1/tasks/{task}",
        None,
        {"anna": 200, "anton": 200, "bea": 200, "carla": 403, "umar": 404, "wim": 404},
    ),
    "form": (
        "GET",
        "/api/v1/tasks/{task}/form",
        None,
        {"anna": 200, "anton": 200, "bea": 200, "carla": 403, "umar": 404, "wim": 404},
    ),
    "claim": (
        "POST",
        "/api/v1/tasks/{task}/claim",
        None,
        {"anna": 200, "anton": 409, "carla": 403, "umar": 404, "wim": 404, "bea": 409},
    ),
    "complete": (
        "POST",
        "/api/v1/tasks/{task}/complete",
        {"variables": {"broodnood": False}},
        {"anna": 200, "anton": 409, "carla": 403, "umar": 404, "wim": 404, "bea": 409},
    ),
    "instance": (
        "GET",
        "/api/v1/process-instances/{instance}",
        None,
        {"anna": 200, "anton": 200, "carla": 200, "umar": 200, "wim": 404, "otto": 200, "bea": 200},
    ),
    "zoek": (
        "POST",
        "/api/v1/process-instances/_zoek",
        {"businessKey": "DOS-1"},
        {"anna": 200, "anton": 200, "carla": 200, "umar": 200, "wim": 200, "otto": 200, "bea": 200},
    ),
    "start": (
        "POST",
        "/api/v1/process-instances",
        {"processKey": "melding"},
        {"anna": 201, "anton": 201, "carla": 201, "umar": 201, "bea": 201, "uwv-koppeling": 201},
    ),
    "terminate": (
        "POST",
        "/api/v1/process-instances/{instance}/terminate",
        {"reason": "dubbel"},
        {"otto": 200, "bea": 409},
    ),
    "history": (
        "GET",
        "/api/v1/process-instances/{instance}/audit",
        None,
        {"otto": 200, "bea": 200, "aud": 200},
    ),
    "audit": ("GET", "/api/v1/audit", None, {"aud": 200}),
    "deployments": ("GET", "/api/v1/deployments", None, {"piet": 200, "bea": 200}),
    "deploy": ("POST", "/api/v1/deployments", None, {"piet": 200, "bea": 200}),
    "definitions": ("GET", "/api/v1/process-definitions", None, {"piet": 200, "bea": 200}),
    "xml": (
        "GET",
        "/api/v1/process-definitions/melding/versions/1/xml",
        None,
        {"piet": 200, "bea": 200},
    ),
    "incidents": ("GET", "/api/v1/incidents", None, {"otto": 200, "bea": 200}),
    "metrics": ("GET", "/metrics", None, {"piet": 200, "otto": 200, "bea": 200}),
    "message": (
        "POST",
        "/api/v1/messages",
        {"name": "uwv_besluit", "businessKey": "DOS-1"},
        {"uwv-koppeling": 200, "bea": 200},
    ),
}


def _call(client, headers, method, path, body, caller):
    auth = headers(caller) if caller else {}
    if path == "/api/v1/deployments" and method == "POST":
        files = [("files", ("melding.bpmn", melding_xml(), "application/xml"))]
        return client.post(path, files=files, headers=auth)
    return client.request(method, path, json=body, headers=auth)


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_matrix(endpoint, client, headers, started, task_id):
    method, template, body, allowed = MATRIX[endpoint]
    path = template.format(task=task_id, instance=started["id"])
    expected = {caller: allowed.get(caller, 403) for caller in CALLERS}
    # refusals, then the successes, then the conflicts a success causes
    order = sorted(
        expected,
        key=lambda c: (0 if expected[c] in (403, 404) else 2 if expected[c] == 409 else 1, c),
    )
    actual = {}
    for caller in order:
        response = _call(client, headers, method, path, body, caller)
        actual[caller] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
    assert actual == expected
    assert _call(client, headers, method, path, body, None).status_code == 401


def test_caseworker_worklist_holds_only_own_organisation_and_groups(client, headers, task_id):
    def ids(caller):
        return [
            t["id"] for t in client.get("/api/v1/tasks", headers=headers(caller)).json()["items"]
        ]

    assert ids("anna") == [task_id]
    assert ids("bea") == ids("anton") == [task_id]
    assert ids("carla") == ids("umar") == ids("wim") == []
    # asking for another organisation's tasks gives nothing, not someone else's list
    other = client.get("/api/v1/tasks?organisation=uwv", headers=headers("anna")).json()
    assert other["items"] == []


def test_task_moves_to_uwv_and_out_of_gemeente_sight(client, headers, task_id, started):
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"broodnood": False, "schulden": 0}},
        headers=headers("anna"),
    )
    assert done.status_code == 200, done.text
    [uwv_task] = client.get("/api/v1/tasks", headers=headers("umar")).json()["items"]
    assert uwv_task["organisation"] == "uwv"
    assert client.get(f"/api/v1/tasks/{uwv_task['id']}", headers=headers("anna")).status_code == 404
    assert client.get(f"/api/v1/tasks/{uwv_task['id']}", headers=headers("umar")).status_code == 200


def test_partner_client_correlates_only_for_its_processes(client, headers, task_id):
    for caller, step in (("anna", {"broodnood": True}), ("umar", {"uitkering": True})):
        [task] = client.get("/api/v1/tasks", headers=headers(caller)).json()["items"]
        r = client.post(
            f"/api/v1/tasks/{task['id']}/complete",
            json={"variables": step},
            headers=headers(caller),
        )
        assert r.status_code == 200, r.text
    message = {"name": "uwv_besluit", "businessKey": "DOS-1", "messageId": "m-1"}
    refused = client.post("/api/v1/messages", json=message, headers=headers("sw-koppeling"))
    assert refused.status_code == 403
    delivered = client.post("/api/v1/messages", json=message, headers=headers("uwv-koppeling"))
    assert delivered.status_code == 200
    assert delivered.json()["outcome"] == "delivered"
    again = client.post("/api/v1/messages", json=message, headers=headers("uwv-koppeling"))
    assert again.json()["outcome"] == "duplicate"
