"""A live Ketenregie API on a free localhost port (uvicorn in a thread), seeded with a
deployed diagram, one instance and a caller with broad roles."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from orchestrator.api.app import create_app
from orchestrator.api.auth.users import StaticTokenAuthenticator, token_hash
from orchestrator.bootstrap import build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from tests.integration.api.conftest import BSN, melding_xml

TOKEN = "e2e-broad-token"
ROLES = ["beheerder", "procesbeheerder", "operator", "auditor", "monitoring", "poortwachter"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_api(tmp_path_factory) -> Iterator[str]:
    """Base URL of a running server."""
    from orchestrator.engine.runner import SpiffEngine

    data = tmp_path_factory.mktemp("e2e")
    clock = ManualClock()
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data}/e2e.sqlite")
    container = build(settings, engine=SpiffEngine(clock), clock=clock)
    authenticator = StaticTokenAuthenticator.from_entries(
        [
            {
                "id": "e2e",
                "organisation": "gemeente",
                "roles": ROLES,
                "token_sha256": token_hash(TOKEN),
            }
        ]
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(container, authenticator), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the e2e server did not start")
        time.sleep(0.05)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base, headers=auth) as http:
        http.post(
            "/api/v1/deployments", files=[("files", ("melding.bpmn", melding_xml()))]
        ).raise_for_status()
        body = {"processKey": "melding", "businessKey": "DOS-E2E", "variables": {"bsn": BSN}}
        http.post("/api/v1/process-instances", json=body).raise_for_status()
    yield base
    server.should_exit = True
    thread.join(10)
    container.close()
