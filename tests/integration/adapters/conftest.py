"""Partner simulators on localhost ports, and settings that point the adapters at them.

Timeouts are short (a "hanging" partner costs half a second, not thirty) so the whole
adapter tier stays fast.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.common.simrunner import SimulatorServer
from adapters.registry import AdapterRegistry, JobContext, load_adapters
from adapters.simulate import create
from orchestrator.config import AdapterSettings, HttpClientSettings, Settings

BSN = "999993653"  # test BSN with a WW benefit at the simulated UWV
BSN_ONBEKEND = "999990019"  # test BSN the simulated UWV does not know
BSN_ANDER = "999990007"
READ_TIMEOUT = 0.5
HANG = 1.0  # seconds a hanging simulator keeps the client waiting (> READ_TIMEOUT)

_jobs = itertools.count(1)


def http(url: str) -> HttpClientSettings:
    return HttpClientSettings(base_url=url, connect_timeout=0.5, read_timeout=READ_TIMEOUT)


def pointed_at(settings: AdapterSettings, servers: dict[str, SimulatorServer]) -> AdapterSettings:
    """``settings`` with every partner URL on the running simulators."""
    gemeente = servers["gemeente"].url
    zgw = settings.gemeente.zgw.model_copy(update={"zaken_api": http(f"{gemeente}/zaken/api/v1")})
    return settings.model_copy(
        update={
            "gemeente": settings.gemeente.model_copy(
                update={"zgw": zgw, "uitkeringen": http(f"{gemeente}/uitkeringen/api/v1")}
            ),
            "uwv": settings.uwv.model_copy(
                update={"soap": http(f"{servers['uwv'].url}/suwinet/v1")}
            ),
            "sw_bedrijf": settings.sw_bedrijf.model_copy(
                update={"api": http(f"{servers['sw-bedrijf'].url}/api/v1")}
            ),
        }
    )


NAMES = ("gemeente", "uwv", "sw-bedrijf")


@pytest.fixture(scope="session")
def _listening() -> Iterator[dict[str, SimulatorServer]]:
    base = AdapterSettings()
    running = {name: SimulatorServer(create(name, base)).start() for name in NAMES}
    yield running
    for server in running.values():
        server.stop()


@pytest.fixture
def servers(_listening: dict[str, SimulatorServer]) -> Iterator[dict[str, SimulatorServer]]:
    """The three simulators, each on its own port, with the default credentials; every test
    gets fresh partner state and no faults (the sockets are shared by the session)."""
    base = AdapterSettings()
    for name, server in _listening.items():
        server.swap(create(name, base))
        server.start()  # a test may have left it refusing connections
    yield _listening


@pytest.fixture
def settings(servers: dict[str, SimulatorServer], tmp_path) -> Settings:
    """Application settings whose adapters talk to the simulators."""
    return Settings(data_dir=tmp_path, adapters=pointed_at(AdapterSettings(), servers))


@pytest.fixture
def registry(settings: Settings) -> AdapterRegistry:
    return load_adapters(["gemeente", "uwv", "sw_bedrijf"], settings)


class Runner:
    """Runs topics the way the worker does: same job id (idempotency key) per logical job."""

    def __init__(self, registry: AdapterRegistry) -> None:
        self.registry = registry

    def ctx(
        self,
        topic: str,
        *,
        job_id: str | None = None,
        attempt: int = 1,
        business_key: str | None = "DOS-2026-0001",
    ) -> JobContext:
        job = job_id or f"job-{next(_jobs)}"
        return JobContext(
            job_id=job,
            topic=topic,
            instance_id="inst-1",
            business_key=business_key,
            attempt=attempt,
            idempotency_key=job,
        )

    def run(self, topic: str, variables: dict[str, Any], **ctx: Any) -> dict[str, Any]:
        return self.registry.handler(topic).run(self.ctx(topic, **ctx), variables)


@pytest.fixture
def runner(registry: AdapterRegistry) -> Runner:
    return Runner(registry)
