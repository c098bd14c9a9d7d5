"""The API on a real SQLite store and the real SpiffWorkflow engine, with a manual clock.

Callers are users and API clients of the embedded users file (tokens hashed); ``headers``
gives a caller's bearer header. The ``melding`` diagram declares which organisations take
part and which variables each role may read (doelbinding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from orchestrator.api.app import create_app
from orchestrator.api.auth.users import StaticTokenAuthenticator, token_hash
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from tests.support.bpmn import Diagram, form_field

#: name -> (organisation, roles, kind)
CALLERS: dict[str, tuple[str | None, list[str], str]] = {
    "anna": ("gemeente", ["poortwachter"], "user"),  # caseworker, candidate for beoordelen
    "anton": ("gemeente", ["poortwachter"], "user"),  # a colleague of anna
    "carla": ("gemeente", ["consulent_io"], "user"),  # caseworker of gemeente, other group
    "umar": ("uwv", ["arbeidsdeskundige"], "user"),  # caseworker of uwv
    "wim": ("werkbedrijf", ["intaker"], "user"),  # caseworker of an org not taking part
    "piet": ("gemeente", ["procesbeheerder"], "user"),
    "otto": ("gemeente", ["operator"], "user"),
    "bea": ("gemeente", ["beheerder"], "user"),
    "aud": ("gemeente", ["auditor"], "user"),
    "uwv-koppeling": ("uwv", ["koppeling"], "client"),
    "sw-koppeling": ("sw-bedrijf", ["koppeling"], "client"),
}

BSN = "999993653"
INVALID_BSN = "123456789"  # fails the elfproef


def token(name: str) -> str:
    return f"token-of-{name}"


def properties_xml(properties: dict[str, str]) -> str:
    inner = "".join(f'<camunda:property name="{k}" value="{v}" />' for k, v in properties.items())
    return f"<bpmn:extensionElements><camunda:properties>{inner}</camunda:properties></bpmn:extensionElements>"


def with_properties(xml: bytes, process_id: str, properties: dict[str, str]) -> bytes:
    """Put process-level camunda:properties into a diagram built with :class:`Diagram`."""
    text = xml.decode()
    opening_end = text.index(">", text.index(f'<bpmn:process id="{process_id}"')) + 1
    return (text[:opening_end] + properties_xml(properties) + text[opening_end:]).encode()


MELDING_PROPERTIES = {
    "organisaties": "gemeente,uwv",
    "zichtbaar.poortwachter": "klantnaam,bsn,schulden",
    "zichtbaar.arbeidsdeskundige": "klantnaam,uitkering",
    "zichtbaar.beheerder": "klantnaam",
}


def melding_xml(properties: dict[str, str] | None = None) -> bytes:
    d = Diagram("melding", "Melding")
    d.start()
    d.user_task(
        "beoordelen",
        "Melding beoordelen",
        groups="poortwachter",
        form=[
            form_field("broodnood", "boolean", required=True),
            form_field("schulden", "long", constraints={"min": "0"}),
        ],
    )
    d.user_task(
        "uwv_beoordelen",
        "Uitkering beoordelen",
        groups="arbeidsdeskundige",
        form=[form_field("uitkering", "boolean")],
    )
    d.catch("besluit", message="uwv_besluit")
    d.end()
    d.chain("start", "beoordelen", "uwv_beoordelen", "besluit", "end")
    return with_properties(
        d.xml(), "melding", MELDING_PROPERTIES if properties is None else properties
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def container(tmp_path, clock) -> Iterator[Container]:
    from orchestrator.engine.runner import SpiffEngine

    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/api.sqlite",
        api_max_upload_bytes=2 * 1024 * 1024,
    )
    app = build(settings, engine=SpiffEngine(clock), clock=clock)
    yield app
    app.close()


@pytest.fixture
def authenticator() -> StaticTokenAuthenticator:
    entries = {"user": [], "client": []}
    for name, (organisation, roles, kind) in CALLERS.items():
        entries[kind].append(
            {
                "id": name,
                "organisation": organisation,
                "roles": roles,
                "token_sha256": token_hash(token(name)),
            }
        )
    return StaticTokenAuthenticator.from_entries(entries["user"], entries["client"])


@pytest.fixture
def client(container, authenticator) -> Iterator[TestClient]:
    with TestClient(create_app(container, authenticator), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def headers() -> Callable[[str], dict[str, str]]:
    return lambda name: {"Authorization": f"Bearer {token(name)}"}


@pytest.fixture
def deployed(client, headers) -> None:
    response = client.post(
        "/api/v1/deployments",
        files=[("files", ("melding.bpmn", melding_xml(), "application/xml"))],
        headers=headers("piet"),
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def started(client, headers, deployed) -> dict:
    """One melding instance waiting at ``beoordelen`` (gemeente, poortwachter)."""
    response = client.post(
        "/api/v1/process-instances",
        json={
            "processKey": "melding",
            "businessKey": "DOS-1",
            "variables": {"klantnaam": "Jansen", "bsn": BSN, "schulden": 1200, "geheim": "x"},
        },
        headers=headers("anna"),
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def task_id(client, headers, started) -> str:
    [task] = client.get("/api/v1/tasks", headers=headers("anna")).json()["items"]
    return task["id"]
