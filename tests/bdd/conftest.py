"""Fixtures of the BDD scenarios (features/*.feature, ``# language: nl``).

Every scenario runs the real orchestrator: SQLite in its own tmp_path, the SpiffWorkflow
engine, a :class:`~orchestrator.domain.clock.ManualClock` that starts on Monday
5 January 2026 at 09:00 UTC, and every diagram and decision table of ``processes/bpmn``
deployed. Migrating and deploying happen once per xdist worker into a template database
that each scenario copies, which keeps a scenario at a few hundred milliseconds.

Fixtures for step modules: ``keten`` (the :class:`~tests.bdd.keten.Keten` world),
``app``, ``klok``, ``partners``. Partner jobs are answered by the real adapters against
their simulators (started once per worker); ``KETENREGIE_BDD_PARTNERS=handmatig`` answers
them by hand instead. Step libraries are imported here so every
``tests/bdd/test_*.py`` module sees them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.registry import AdapterRegistry, load_adapters
from orchestrator.application.identity import SYSTEM
from orchestrator.bootstrap import Container, build
from orchestrator.config import Settings
from orchestrator.domain.clock import ManualClock
from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine
from tests.bdd.keten import Keten
from tests.bdd.partners import HandmatigePartners, Partners, SimulatorPartners
from tests.bdd.simulators import Simulatoren
from tests.bdd.steps_common import *  # noqa: F403 (step definitions are fixtures)
from tests.bdd.steps_klantreis import *  # noqa: F403
from tests.bdd.steps_werkplein import *  # noqa: F403

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes" / "bpmn"
#: every scenario starts on a Monday morning
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_DB = "ketenregie.sqlite"


def process_sources() -> list[SourceFile]:
    """Every diagram and decision table in processes/bpmn, in a stable order."""
    files = sorted([*PROCESSES.glob("*.bpmn"), *PROCESSES.glob("*.dmn")])
    return [SourceFile(f.name, f.read_bytes()) for f in files]


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / _DB}")


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with every process deployed (once per worker)."""
    data_dir = tmp_path_factory.mktemp("bdd-template")
    clock = ManualClock(START)
    app = build(_settings(data_dir), engine=SpiffEngine(clock), clock=clock)
    try:
        sources = process_sources()
        if sources:
            app.deployments.deploy(sources, SYSTEM, name="processes/bpmn")
    finally:
        app.close()
    return data_dir / _DB


@pytest.fixture
def klok() -> ManualClock:
    """The scenario's clock: Monday 5 January 2026, 09:00 UTC."""
    return ManualClock(START)


@pytest.fixture
def app(tmp_path: Path, klok: ManualClock, _template_db: Path) -> Iterator[Container]:
    """The orchestrator with every process of processes/bpmn deployed."""
    shutil.copyfile(_template_db, tmp_path / _DB)
    container = build(_settings(tmp_path), engine=SpiffEngine(klok), clock=klok, migrate=False)
    yield container
    container.close()


@pytest.fixture(scope="session")
def simulatoren() -> Iterator[Simulatoren]:
    """The gemeente, UWV and SW-bedrijf simulators and the inbound endpoint (per worker)."""
    running = Simulatoren()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def adapters(simulatoren: Simulatoren) -> AdapterRegistry:
    """The real adapter handlers, configured to talk to the simulators."""
    return load_adapters(["gemeente", "uwv", "sw_bedrijf"], simulatoren.settings)


@pytest.fixture
def partners(request: pytest.FixtureRequest, app: Container) -> Iterator[Partners]:
    """Who answers the partners' external tasks: the adapters against the simulators, or
    by hand with ``KETENREGIE_BDD_PARTNERS=handmatig``."""
    if os.environ.get("KETENREGIE_BDD_PARTNERS", "simulators").lower() == "handmatig":
        yield HandmatigePartners(app)
        return
    simulatoren: Simulatoren = request.getfixturevalue("simulatoren")
    registry: AdapterRegistry = request.getfixturevalue("adapters")
    simulatoren.nieuw_scenario(app)
    try:
        yield SimulatorPartners(app, simulatoren, registry)
    finally:
        simulatoren.scenario_klaar()


@pytest.fixture
def keten(app: Container, klok: ManualClock, partners: Partners) -> Keten:
    """The scenario's world: app, clock, partners and the dossiers started so far."""
    return Keten(app=app, klok=klok, partners=partners)
