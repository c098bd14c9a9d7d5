"""``ketenregie demo`` seeds once from whatever diagrams are deployed; the scheduler loop."""

from __future__ import annotations

import threading
from datetime import date

from orchestrator.cli.demo_data import FormFiller
from orchestrator.scheduler.loop import SchedulerLoop
from tests.integration.cli.conftest import aanvraag, met_termijn, write


def test_demo_seeds_an_empty_database_once(cli, tmp_path):
    folder = tmp_path / "bpmn"
    write(folder, aanvraag(), met_termijn("P14D"))
    first = cli("demo", "--processes", folder, "--no-serve", "--json")
    assert first.exit_code == 0
    summary = first.json()
    assert [d["key"] for d in summary["definitions"]] == ["aanvraag", "termijn"]
    assert summary["seeded"]["started"] == 8 and summary["seeded"]["failures"] == []
    where = {(i["process"], i["element"]): i["count"] for i in summary["instances"]}
    # journey n completes n tasks: the instances spread over the diagram
    assert where[("aanvraag", "beoordelen")] == 1
    assert where[("aanvraag", "afronden")] == 1
    assert where[("aanvraag", "(completed)")] == 2
    assert summary["openTasksPerGroup"]["poortwachter"] >= 2
    keys = {i["business_key"] for i in cli("instances", "--limit", "50", "--json").json()}
    assert keys == {f"DEMO-{n:04d}" for n in range(1, 9)}

    second = cli("demo", "--processes", folder, "--no-serve")
    assert second.exit_code == 0
    assert "present already (not seeded again)" in second.stdout
    assert len(cli("instances", "--limit", "50", "--json").json()) == 8

    reset = cli("demo", "--processes", folder, "--no-serve", "--reset", "--json").json()
    assert reset["seeded"]["started"] == 8


def test_demo_with_an_empty_folder_skips_cleanly(cli, tmp_path):
    empty = tmp_path / "leeg"
    empty.mkdir()
    result = cli("demo", "--processes", empty, "--no-serve")
    assert result.exit_code == 0
    assert "nothing deployed" in result.stderr
    assert "no processes deployed, nothing to seed" in result.stdout


def test_form_filler_derives_values_from_field_types():
    form = {
        "fields": [
            {"id": "soort", "type": "enum", "enum_values": [["snel", "Snel"], ["x", "X"]]},
            {"id": "ok", "type": "boolean"},
            {"id": "nogmaals", "type": "boolean"},
            {"id": "aantal", "type": "long"},
            {"id": "op", "type": "date"},
            {"id": "tekst", "type": "string"},
            {"id": "vast", "type": "string", "readonly": True},
        ]
    }
    values = FormFiller(date(2026, 1, 5), seed=1).values(form)
    assert values["soort"] == "snel" and (values["ok"], values["nogmaals"]) == (True, False)
    assert 1 <= values["aantal"] <= 5 and values["op"] == "2026-01-05"
    assert values["tekst"] == "demo" and "vast" not in values
    assert FormFiller(date(2026, 1, 5), seed=1).values(form) == values  # reproducible


class _Fakes:
    def __init__(self) -> None:
        self.passes = 0
        self.ran = threading.Event()

    def fire_due_timers(self, *, batch_size: int | None = None) -> int:
        self.passes += 1
        self.ran.set()
        return 1

    def purge_expired(self) -> int:
        return 0


def test_scheduler_loop_starts_and_stops_in_the_background():
    fakes = _Fakes()
    loop = SchedulerLoop(fakes, fakes, interval=0.01)
    loop.start()
    assert fakes.ran.wait(5)
    loop.stop()
    assert loop.stopping and fakes.passes >= 1
    assert loop.run_once().timers_fired == 1
