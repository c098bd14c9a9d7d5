"""Bad input gets a precise problem+json and changes nothing."""

from __future__ import annotations

import time

import pytest

from tests.integration.api.conftest import INVALID_BSN

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="lol" isExecutable="true"><bpmn:startEvent id="s" name="&lol9;"/></bpmn:process>
</bpmn:definitions>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="xxe" isExecutable="true"><bpmn:startEvent id="s" name="&xxe;"/></bpmn:process>
</bpmn:definitions>"""


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["api-version"] == "1.0.0"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    if code:
        assert body["type"] == f"https://ketenregie.nl/problemen/{code}"
    return body


def _instances(client, headers) -> int:
    return len(
        client.post("/api/v1/process-instances/_zoek", json={}, headers=headers("bea")).json()[
            "items"
        ]
    )


def test_unauthenticated_and_unknown_token(client):
    body = assert_problem(client.get("/api/v1/tasks"), 401, "unauthenticated")
    assert "bsn" not in body["detail"].lower()
    bad = client.get("/api/v1/tasks", headers={"Authorization": "Bearer nope"})
    assert_problem(bad, 401)
    assert bad.headers["www-authenticate"] == "Bearer"


def test_unknown_path_and_method(client, headers):
    assert_problem(client.get("/api/v1/nergens", headers=headers("anna")), 404, "not-found")
    assert_problem(client.delete("/api/v1/tasks", headers=headers("anna")), 405)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"processKey": "melding", "onbekend": 1}, ["onbekend"]),
        ({"processKey": 5, "version": "x"}, ["processKey", "version"]),
        ({"processKey": "melding", "variables": {"bad name": 1}}, ["variables.bad name"]),
        ({}, ["processKey"]),
    ],
)
def test_invalid_fields_are_all_listed(client, headers, deployed, body, names):
    response = client.post("/api/v1/process-instances", json=body, headers=headers("anna"))
    problem = assert_problem(response, 400, "validation")
    listed = [p["name"] for p in problem["invalidParams"]]
    for name in names:
        assert any(n.startswith(name) for n in listed), listed
    assert _instances(client, headers) == 0


def test_malformed_json(client, headers, deployed):
    response = client.post(
        "/api/v1/process-instances",
        content=b'{"processKey": "melding",',
        headers={**headers("anna"), "Content-Type": "application/json"},
    )
    assert_problem(response, 400)
    assert _instances(client, headers) == 0


def test_invalid_bsn_is_refused_everywhere(client, headers, started, task_id):
    search = client.post(
        "/api/v1/process-instances/_zoek", json={"bsn": INVALID_BSN}, headers=headers("anna")
    )
    problem = assert_problem(search, 400)
    assert problem["invalidParams"][0]["name"] == "bsn"
    assert INVALID_BSN not in search.text
    start = client.post(
        "/api/v1/process-instances",
        json={"processKey": "melding", "variables": {"bsn": "123456789"}},
        headers=headers("anna"),
    )
    assert assert_problem(start, 400)["invalidParams"][0]["name"] == "variables.bsn"
    purpose = client.get(
        "/api/v1/tasks", headers={**headers("anna"), "Doelbinding": "dossier 999993653"}
    )
    assert_problem(purpose, 400)


def test_complete_twice_and_someone_elses_task(client, headers, task_id):
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers("anna"))
    assert claimed.status_code == 200
    # anton is a candidate too, but anna holds it
    other = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"broodnood": True}},
        headers=headers("anton"),
    )
    assert_problem(other, 409, "conflict")
    refused = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"schulden": -1}},
        headers=headers("anna"),
    )
    problem = assert_problem(refused, 400, "validation")
    assert {p["name"] for p in problem["invalidParams"]} == {"broodnood", "schulden"}
    ok = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"broodnood": True}},
        headers=headers("anna"),
    )
    assert ok.status_code == 200
    again = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"variables": {"broodnood": True}},
        headers=headers("anna"),
    )
    assert_problem(again, 409, "conflict")


def test_oversized_json_body(client, headers, deployed):
    big = {"processKey": "melding", "variables": {"x": "a" * (1024 * 1024 + 10)}}
    assert_problem(
        client.post("/api/v1/process-instances", json=big, headers=headers("anna")),
        413,
        "too-large",
    )
    assert _instances(client, headers) == 0


def test_fifty_megabyte_upload_is_refused_fast(client, headers):
    payload = b"<x>" + b"a" * (50 * 1024 * 1024) + b"</x>"
    started = time.perf_counter()
    response = client.post(
        "/api/v1/deployments",
        files=[("files", ("groot.bpmn", payload, "application/xml"))],
        headers=headers("piet"),
    )
    assert_problem(response, 413, "too-large")
    assert time.perf_counter() - started < 5
    assert client.get("/api/v1/deployments", headers=headers("piet")).json() == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("lol.bpmn", BILLION_LAUGHS),
        ("xxe.bpmn", EXTERNAL_ENTITY),
        ("geen-xml.bpmn", b"dit is geen XML"),
        ("latin1.bpmn", "<?xml version='1.0'?><a>\u00e9</a>".encode("latin-1")),
        ("leeg.dmn", b""),
    ],
)
def test_hostile_or_broken_uploads_are_refused_with_a_report(client, headers, name, content):
    started = time.perf_counter()
    response = client.post(
        "/api/v1/deployments",
        files=[("files", (name, content, "application/xml"))],
        headers=headers("piet"),
    )
    problem = assert_problem(response, 422, "deployment-refused")
    assert problem["problems"] and problem["problems"][0]["file"] == name
    assert "root:" not in response.text  # no /etc/passwd content
    assert time.perf_counter() - started < 5
    assert client.get("/api/v1/deployments", headers=headers("piet")).json() == []


def test_upload_of_other_file_types(client, headers):
    response = client.post(
        "/api/v1/deployments",
        files=[("files", ("script.py", b"print(1)", "text/plain"))],
        headers=headers("piet"),
    )
    assert assert_problem(response, 400)["invalidParams"][0]["name"] == "files.0"
