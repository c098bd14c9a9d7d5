"""A container on a throw-away SQLite file with the fake engine and a manual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrator.application.identity import Actor
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from tests.unit.application.fakes import FakeEngine


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine(clock: ManualClock) -> FakeEngine:
    return FakeEngine(clock)


@pytest.fixture
def app(tmp_path, engine: FakeEngine, clock: ManualClock) -> Iterator[Container]:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'kr.sqlite'}")
    container = build(settings, engine=engine, clock=clock)
    yield container
    container.close()


@pytest.fixture
def poortwachter() -> Actor:
    return Actor("anna", organisation="gemeente", groups=frozenset({"poortwachter"}))


@pytest.fixture
def beheer() -> Actor:
    return Actor("bert", organisation="gemeente", groups=frozenset({"beheerder"}))
