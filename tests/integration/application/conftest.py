"""The application on a real database (both backends), with the fake engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrator.application.identity import Actor
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from tests.integration.store.fixtures import migrated_url
from tests.unit.application.fakes import FakeEngine

__all__ = ["migrated_url"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(clock: ManualClock) -> FakeEngine:
    return FakeEngine(clock)


@pytest.fixture
def app(migrated_url, tmp_path, engine, clock) -> Iterator[Container]:
    settings = Settings(data_dir=tmp_path, database_url=migrated_url)
    container = build(settings, engine=engine, clock=clock, migrate=False)
    yield container
    container.close()


@pytest.fixture
def poortwachter() -> Actor:
    return Actor("anna", organisation="gemeente", groups=frozenset({"poortwachter"}))


@pytest.fixture
def beheer() -> Actor:
    return Actor("bert", organisation="gemeente", groups=frozenset({"beheerder"}))
