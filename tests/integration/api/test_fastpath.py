"""The plain-ASGI completion route answers exactly as the FastAPI route does.

Every request goes to two apps on one database: the app as built (well-formed completions
answered by :class:`CompletionFastPath`) and the same app without that layer (FastAPI's
route answers everything). Status, headers and body must agree (the problem's
``instance`` is a fresh id per answer, so it is left out).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from orchestrator.api.app import create_app
from tests.integration.api.conftest import BSN, INVALID_BSN, melding_xml, token

URL = "/api/v1/tasks/{}/complete"
JSON = {"Content-Type": "application/json"}


def _bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(name)}", **JSON}


#: name -> (caller headers, body bytes); the task is a fresh open ``beoordelen`` task
CASES: dict[str, tuple[dict[str, str], bytes]] = {
    "completes": (_bearer("anna"), b'{"variables": {"broodnood": true}}'),
    "charset in content type": (
        {**_bearer("anna"), "Content-Type": "application/json; charset=utf-8"},
        b'{"variables": {"broodnood": true}}',
    ),
    "stated purpose": (
        {**_bearer("anna"), "Doelbinding": "behandeling melding"},
        b'{"variables": {"broodnood": true}}',
    ),
    "no credentials": (JSON, b'{"variables": {}}'),
    "unknown token": (
        {"Authorization": "Bearer nope", **JSON},
        b'{"variables": {"broodnood": true}}',
    ),
    "basic scheme": ({"Authorization": f"Basic {token('anna')}", **JSON}, b'{"variables": {}}'),
    "bad body and no credentials": (JSON, b"{not json"),
    "bad body and unknown token": ({"Authorization": "Bearer nope", **JSON}, b'{"x": 1}'),
    "not json": (_bearer("anna"), b"{not json"),
    "empty body": (_bearer("anna"), b""),
    "not an object": (_bearer("anna"), b"[1, 2]"),
    "unknown field": (_bearer("anna"), b'{"variables": {}, "extra": 1}'),
    "bad variable name": (_bearer("anna"), b'{"variables": {"1x": 1}}'),
    "not utf-8": (_bearer("anna"), b'{"variables": {"naam": "\xff"}}'),
    "text content type": (
        {**_bearer("anna"), "Content-Type": "text/plain"},
        b'{"variables": {"broodnood": true}}',
    ),
    "purpose with a bsn": (
        {**_bearer("anna"), "Doelbinding": f"dossier {BSN}"},
        b'{"variables": {"broodnood": true}}',
    ),
    "purpose too long": (
        {**_bearer("anna"), "Doelbinding": "x" * 201},
        b'{"variables": {"broodnood": true}}',
    ),
    "purpose not plain text": (
        {**_bearer("anna"), "Doelbinding": "<script>"},
        b'{"variables": {"broodnood": true}}',
    ),
    "invalid bsn": (_bearer("anna"), json.dumps({"variables": {"bsn": INVALID_BSN}}).encode()),
    "form refuses": (_bearer("anna"), b'{"variables": {"schulden": -1}}'),
    "other organisation": (_bearer("umar"), b'{"variables": {"broodnood": true}}'),
    "not on the worklist": (_bearer("carla"), b'{"variables": {"broodnood": true}}'),
    "no task role": (_bearer("piet"), b'{"variables": {"broodnood": true}}'),
}


@pytest.fixture
def pair(container, authenticator) -> tuple[TestClient, TestClient]:
    fast = create_app(container, authenticator)
    plain = create_app(container, authenticator, fast_path=False)
    return (
        TestClient(fast, raise_server_exceptions=False),
        TestClient(plain, raise_server_exceptions=False),
    )


def _answer(client: TestClient, task_id: str, case: tuple[dict[str, str], bytes]) -> tuple:
    headers, body = case
    response = client.post(URL.format(task_id), content=body, headers=headers)
    payload = response.json()
    payload.pop("instance", None)
    if response.status_code == 200:
        assert payload["taskId"] == task_id
        payload["instanceId"] = "-"
    # each app completes a task of its own: its id appears in the body
    payload = json.loads(json.dumps(payload).replace(task_id, "<task>"))
    kept = ("content-type", "api-version", "www-authenticate", "content-length")
    seen = {k: v for k, v in response.headers.items() if k in kept and k != "content-length"}
    return response.status_code, seen, payload


@pytest.mark.parametrize("name", list(CASES))
def test_same_answer_as_the_fastapi_route(pair, headers, deployed, name):
    fast, plain = pair
    answers = []
    for client in (fast, plain):
        task_id = _fresh_task(client, headers)
        answers.append(_answer(client, task_id, CASES[name]))
    assert answers[0] == answers[1]


def test_unknown_task_and_long_id(pair, headers, deployed):
    fast, plain = pair
    for task_id in ("does-not-exist", "x" * 101, "a/b"):
        case = (_bearer("anna"), b'{"variables": {}}')
        assert _answer(fast, task_id, case) == _answer(plain, task_id, case)


def test_completed_twice_is_a_conflict(pair, headers, deployed):
    fast, _ = pair
    task_id = _fresh_task(fast, headers)
    case = (_bearer("anna"), b'{"variables": {"broodnood": true}}')
    assert _answer(fast, task_id, case)[0] == 200
    status, _, problem = _answer(fast, task_id, case)
    assert (status, problem["type"]) == (409, "https://ketenregie.nl/problemen/conflict")


def _fresh_task(client: TestClient, headers: Callable[[str], dict[str, str]]) -> str:
    before = {t["id"] for t in client.get("/api/v1/tasks", headers=headers("anna")).json()["items"]}
    started = client.post(
        "/api/v1/process-instances",
        json={"processKey": "melding", "variables": {"klantnaam": "Jansen", "bsn": BSN}},
        headers=headers("anna"),
    )
    assert started.status_code == 201, started.text
    after = client.get("/api/v1/tasks", headers=headers("anna")).json()["items"]
    [task_id] = [t["id"] for t in after if t["id"] not in before]
    return str(task_id)


def test_well_formed_completions_take_the_fast_path(
    pair, headers, deployed, monkeypatch, container
):
    from orchestrator.api import fastpath

    taken: list[str] = []
    original = fastpath._complete_as

    def counting(state, caller, purpose, task_id, form):  # type: ignore[no-untyped-def]
        taken.append(task_id)
        return original(state, caller, purpose, task_id, form)

    # both ways of running a completion (the write batcher, a worker thread) call it
    monkeypatch.setattr(fastpath, "_complete_as", counting)
    fast, _ = pair
    ok = _fresh_task(fast, headers)
    assert _answer(fast, ok, CASES["completes"])[0] == 200
    refused = _fresh_task(fast, headers)
    assert _answer(fast, refused, CASES["unknown field"])[0] == 400  # FastAPI's route
    assert taken == [ok]
    # on a SQLite file the completion ran on the store's write batcher
    assert container.store.batcher is not None
    assert container.store.batcher.jobs == 1


def test_a_completion_whose_commit_does_not_reach_the_disk_is_a_503(
    tmp_path, clock, authenticator, headers, monkeypatch
):
    from orchestrator.bootstrap import build
    from orchestrator.config import Settings
    from orchestrator.engine.runner import SpiffEngine

    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/full.sqlite",
        sqlite_synchronous="FULL",
    )
    container = build(settings, engine=SpiffEngine(clock), clock=clock)
    try:
        with TestClient(create_app(container, authenticator)) as client:
            deployed = client.post(
                "/api/v1/deployments",
                files=[("files", ("melding.bpmn", melding_xml(), "application/xml"))],
                headers=headers("piet"),
            )
            assert deployed.status_code == 201, deployed.text
            task_id = _fresh_task(client, headers)

            def broken(fd: int) -> None:
                raise OSError(5, "Input/output error")

            monkeypatch.setattr("orchestrator.store.durability.os.fsync", broken)
            response = client.post(
                URL.format(task_id),
                json={"variables": {"broodnood": True}},
                headers=headers("anna"),
            )
            monkeypatch.undo()
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            assert response.json()["type"] == "https://ketenregie.nl/problemen/database-unavailable"
            # not acknowledged, so the caseworker tries again: it was committed after all
            again = client.post(
                URL.format(task_id),
                json={"variables": {"broodnood": True}},
                headers=headers("anna"),
            )
            assert again.status_code == 409
    finally:
        container.close()
