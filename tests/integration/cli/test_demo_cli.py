"""``ketenregie demo`` seeds once from whatever diagrams are deployed; the scheduler loop."""

from __future__ import annotations

import threading
from datetime import date

from orchestrator.cli.demo_data import TEXTS, FormFiller, called_processes, valid_bsn
from orchestrator.cli.demo_seed import plan
from orchestrator.scheduler.loop import SchedulerLoop
from tests.integration.cli.conftest import aanvraag, met_termijn, write


def test_demo_seeds_an_empty_database_once(cli, tmp_path):
    folder = tmp_path / "bpmn"
    write(folder, aanvraag(), met_termijn("P14D"))
    args = ("demo", "--processes", folder, "--no-serve", "--no-simulators", "--journeys", "8")
    first = cli(*args, "--json")
    assert first.exit_code == 0
    summary = first.json()
    assert [d["key"] for d in summary["definitions"]] == ["aanvraag", "termijn"]
    seeded = summary["seeded"]
    assert seeded["started"] == 8 and seeded["failures"] == []
    assert seeded["per_process"] == {"aanvraag": 4, "termijn": 4}
    assert seeded["incident"] is None  # only the klantreis has the deliberate incident
    assert summary["openTasksPerGroup"]["poortwachter"] >= 1
    assert summary["pendingTimers"] >= 1 and summary["dueTimers"] == 0
    keys = {i["business_key"] for i in cli("instances", "--limit", "50", "--json").json()}
    assert keys == {f"DEMO-{n:04d}" for n in range(1, 9)}
    assert (tmp_path / "data" / "users.toml").exists()

    second = cli(*args)
    assert second.exit_code == 0
    assert "present already (not seeded again)" in second.stdout
    assert len(cli("instances", "--limit", "50", "--json").json()) == 8

    reset = cli(*args, "--reset", "--json").json()
    assert reset["seeded"]["started"] == 8


def test_demo_with_an_empty_folder_skips_cleanly(cli, tmp_path):
    empty = tmp_path / "leeg"
    empty.mkdir()
    result = cli("demo", "--processes", empty, "--no-serve", "--no-simulators")
    assert result.exit_code == 0
    assert "nothing deployed" in result.stderr
    assert "no processes deployed, nothing to seed" in result.stdout


def test_form_filler_follows_the_domain_and_the_field_types():
    form = {
        "fields": [
            {
                "id": "klantgroep",
                "type": "enum",
                "enum_values": [["Matchen", "M"], ["Zorgen", "Z"]],
            },
            {"id": "soort", "type": "enum", "enum_values": [["snel", "Snel"], ["x", "X"]]},
            {"id": "broodnood", "type": "boolean"},
            {"id": "onbekend", "type": "boolean", "default": "true"},
            {"id": "leeftijd", "type": "long"},
            {"id": "op", "type": "date"},
            {"id": "afwijsreden", "type": "string"},
            {"id": "tekst", "type": "string"},
            {"id": "vast", "type": "string", "readonly": True},
        ]
    }
    filler = FormFiller(date(2026, 1, 5), seed=1)
    values = filler.values(form)
    assert values["klantgroep"] in ("Matchen", "Zorgen") and values["soort"] in ("snel", "x")
    assert isinstance(values["broodnood"], bool) and isinstance(values["onbekend"], bool)
    assert 18 <= values["leeftijd"] <= 64 and values["op"] > "2026-01-05"
    assert values["afwijsreden"] in TEXTS["afwijsreden"] and values["tekst"] == "demo"
    assert "vast" not in values
    assert FormFiller(date(2026, 1, 5), seed=1).values(form) == values  # reproducible
    many = [filler.values(form) for _ in range(200)]
    assert {v["klantgroep"] for v in many} == {"Matchen", "Zorgen"}
    assert 0 < sum(v["broodnood"] for v in many) < 60  # rare, but it happens


def test_helpers_find_top_level_journeys_and_valid_bsns():
    import random

    from orchestrator.domain.bsn import is_valid_bsn

    source = '<bpmn:callActivity id="a" calledElement="ambitiegesprek" />'
    assert called_processes(source) == {"ambitiegesprek"}
    assert called_processes('<x calledElement="${dynamisch}" />') == set()
    rng = random.Random(3)
    assert all(is_valid_bsn(valid_bsn(rng)) for _ in range(50))
    order = plan(["klantreis", "werkgeversservicepunt", "werkplein_aanmelding", "zoekperiode"], 20)
    assert order.count("klantreis") == 10 and order.count("werkgeversservicepunt") == 2


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
