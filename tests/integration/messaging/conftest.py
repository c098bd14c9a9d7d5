"""Fixtures: ``transport`` runs each test on the embedded SQL broker and on RabbitMQ."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from adapters.registry import AdapterRegistry
from orchestrator.messaging.connection import BrokerConfig
from tests.integration.messaging.harness import Harness, broker_config, make_harness


@pytest.fixture(params=["sqla", "amqp"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def broker(transport: str, tmp_path, request: pytest.FixtureRequest) -> BrokerConfig:
    amqp = request.getfixturevalue("amqp_url") if transport == "amqp" else None
    return broker_config(transport, tmp_path, amqp)


@pytest.fixture
def harness_factory(tmp_path, broker) -> Iterator[Callable[[AdapterRegistry], Harness]]:
    made: list[Harness] = []

    def factory(registry: AdapterRegistry, **kwargs) -> Harness:
        harness = make_harness(tmp_path, broker, registry, **kwargs)
        made.append(harness)
        return harness

    yield factory
    for harness in made:
        harness.cleanup()
        harness.app.close()
