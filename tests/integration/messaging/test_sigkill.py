"""SIGKILL a worker between receiving and acknowledging, and the publisher between
publishing and marking: every job still completes exactly once in its instance."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.messaging.crashing import TOPIC, file_partner
from tests.integration.messaging.harness import settings_for, wait_for
from tests.support import bpmn

ROOT = Path(__file__).resolve().parents[3]


def _diagram() -> bytes:
    return (
        bpmn.Diagram("rekenen", "Rekenen")
        .start()
        .external("verdubbelen", TOPIC)
        .end()
        .flow("start", "verdubbelen")
        .flow("verdubbelen", "end")
        .xml()
    )


def _crash(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.messaging.crashing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr


def _assert_exactly_once(h, ids, partner: Path) -> None:
    for instance_id in ids:
        wait_for(lambda i=instance_id: h.status(i) == "completed", what="completed")
    for n, instance_id in enumerate(ids):
        trail = [a.action for a in h.app.audit.for_instance(instance_id)]
        assert trail.count("job.completed") == 1
        assert h.app.instances.get(instance_id).variables["verdubbeld"] == 2 * n
    assert len(list(partner.glob("done-*"))) == len(ids)


@pytest.mark.parametrize("point", ["before_result", "before_ack"])
def test_worker_killed_between_receive_and_ack(harness_factory, tmp_path, point):
    partner = tmp_path / "partner"
    partner.mkdir()
    h = harness_factory(file_partner(partner))
    h.deploy(_diagram())
    settings = settings_for(tmp_path, h.broker).model_dump_json()
    with h.runtime(workers=0):
        ids = [h.start("rekenen", variables={"getal": n}) for n in range(3)]
        _crash(["worker", settings, str(partner), point])
        calls_before = (partner / "calls.log").read_text().split()
        assert len(calls_before) == 1
        with h.runtime(apply_results=False, publish=False):
            _assert_exactly_once(h, ids, partner)
            # the killed job is delivered again (RabbitMQ at once, the embedded broker after
            # its visibility timeout) and runs again; the partner does it once
            wait_for(
                lambda: (partner / "calls.log").read_text().split().count(calls_before[0]) == 2,
                what="redelivery of the killed job",
            )
            time.sleep(0.5)  # time for a duplicate result to arrive (and be ignored)
            assert processed(h) == 3
        _assert_exactly_once(h, ids, partner)


def processed(h) -> int:
    with h.app.store.uow(read_only=True) as uow:
        rows = uow.connection.exec_driver_sql("SELECT count(*) FROM processed_messages").scalar()
    return int(rows or 0)


def test_publisher_killed_between_publish_and_mark(harness_factory, tmp_path):
    partner = tmp_path / "partner"
    partner.mkdir()
    h = harness_factory(file_partner(partner))
    h.deploy(_diagram())
    ids = [h.start("rekenen", variables={"getal": n}) for n in range(3)]
    _crash(["publisher", settings_for(tmp_path, h.broker).model_dump_json()])
    with h.app.store.uow(read_only=True) as uow:
        assert len(uow.outbox.due(h.app.clock.now(), 100)) >= 3  # nothing was marked
    with h.runtime():
        _assert_exactly_once(h, ids, partner)
    calls = (partner / "calls.log").read_text().split()
    assert len(calls) >= len(ids)
