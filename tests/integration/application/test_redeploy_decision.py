"""A new decision table applies to processes that use it, without redeploying them."""

from __future__ import annotations

from pathlib import Path

from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.bootstrap import build
from orchestrator.config import Settings
from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram

FIXTURE = Path(__file__).parents[2] / "unit" / "dmn_fixtures" / "voortgangsfrequentie.dmn"


def _process() -> SourceFile:
    diagram = (
        Diagram("voortgang", "Voortgang bepalen")
        .start()
        .rule("frequentie", "voortgangsfrequentie", mapping="singleResult", result="frequentie")
        .user_task("gesprek", "Voortgangsgesprek", groups="werkcoach")
        .end()
        .chain("start", "frequentie", "gesprek", "end")
    )
    return SourceFile("voortgang.bpmn", diagram.xml())


def test_changed_decision_creates_a_new_version_of_the_process(migrated_url, tmp_path, clock):
    app = build(
        Settings(data_dir=tmp_path, database_url=migrated_url),
        engine=SpiffEngine(clock),
        clock=clock,
        migrate=False,
    )
    try:
        table = FIXTURE.read_bytes()
        first = app.deployments.deploy([_process(), SourceFile("frequentie.dmn", table)], SYSTEM)
        assert {d.definition_id for d in first.deployed} == {
            "voortgang:1",
            "voortgangsfrequentie:1",
        }

        # Groeien now gets two talks a year instead of one.
        changed = table.replace(b"<text>1</text>", b"<text>2</text>", 1)
        assert changed != table
        second = app.deployments.deploy([SourceFile("frequentie.dmn", changed)], SYSTEM)
        assert {d.definition_id for d in second.deployed} == {
            "voortgang:2",
            "voortgangsfrequentie:2",
        }

        coach = Actor("wim", organisation="werkbedrijf", groups=frozenset({"werkcoach"}))
        started = app.instances.start(
            "voortgang", actor=coach, business_key="DOS-1", variables={"klantgroep": "Groeien"}
        )
        assert started.process_version == 2
        view = app.instances.get(started.id)
        assert view.variables["frequentie"]["gesprekkenPerJaar"] == 2

        # Deploying the same table again changes nothing.
        third = app.deployments.deploy([SourceFile("frequentie.dmn", changed)], SYSTEM)
        assert third.deployed == []
    finally:
        app.close()
