"""Jobs per second round trip: outbox -> broker -> adapter against its simulator -> result.

A diagram with one external task (``uwv.werkzoekende-registreren``, the real UWV adapter
against the UWV simulator over HTTP/SOAP); N instances are started at once and the clock
runs until every instance completed. Per job the round trip is measured from the start of
the instance (the job enters the outbox in that transaction) to the instance's end (the
result applied). Run on the embedded SQLite transport and on RabbitMQ::

    python -m bench.messaging --jobs 300 --transport sqla
    KETENREGIE_TEST_AMQP_URL=amqp://... python -m bench.messaging --transport amqp

Without ``KETENREGIE_TEST_AMQP_URL``, :func:`run_amqp` starts a throwaway RabbitMQ with
``scripts/with-rabbitmq.sh`` (which installs it when missing, as root or through sudo) and
runs the AMQP part in that subprocess; when that fails the AMQP figures are left out with a
note. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import structlog

TOPIC = "uwv.werkzoekende-registreren"
ROOT = Path(__file__).resolve().parents[1]

DIAGRAM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="bench_defs"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench_registreren" name="Bench registreren" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="registreren" camunda:type="external" camunda:topic="{TOPIC}">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="registreren" />
    <bpmn:sequenceFlow id="f2" sourceRef="registreren" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
""".encode()


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.5))
    return float(ordered[min(rank, len(ordered)) - 1])


def _bsn(n: int) -> str:
    """A test BSN that passes the elfproef (the 100th-ish ones are skipped when invalid)."""
    base = 100_000_000 + n * 7
    while True:
        digits = f"{base:09d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
        if total % 11 == int(digits[8]) and total % 11 <= 9:
            return digits
        base += 1


def run_transport(transport: str, jobs: int, amqp_url: str | None = None) -> dict[str, Any]:
    """Run ``jobs`` round trips on ``transport`` ("sqla" or "amqp"); returns the figures."""
    from adapters.common.simrunner import SimulatorServer
    from adapters.registry import load_adapters
    from adapters.simulate import create
    from orchestrator.application.identity import SYSTEM
    from orchestrator.bootstrap import build_default
    from orchestrator.config import Settings
    from orchestrator.engine.contract import SourceFile
    from orchestrator.messaging.runtime import messaging_runtime

    with tempfile.TemporaryDirectory(prefix="bench-messaging-") as folder:
        data = Path(folder)
        namespace = f"bench{uuid.uuid4().hex[:10]}"
        broker = amqp_url if transport == "amqp" else f"sqla+sqlite:///{data}/broker.sqlite"
        if not broker:
            raise ValueError("the amqp transport needs an AMQP URL")
        base = Settings(data_dir=data)
        simulator = SimulatorServer(create("uwv", base.adapters)).start()
        soap = base.adapters.uwv.soap.model_copy(update={"base_url": f"{simulator.url}/suwinet/v1"})
        adapters = base.adapters.model_copy(
            update={"uwv": base.adapters.uwv.model_copy(update={"soap": soap})}
        )
        settings = Settings(
            data_dir=data,
            broker_url=broker,
            broker_namespace=namespace,
            broker_polling_interval=0.01,
            publisher_interval=0.01,
            worker_prefetch=16,
            adapters=adapters,
        )
        app = build_default(settings)
        try:
            report = app.deployments.deploy([SourceFile("bench.bpmn", DIAGRAM)], SYSTEM)
            assert report.deployed, report
            registry = load_adapters(["uwv"], settings)
            runtime = messaging_runtime(app, registry=registry, workers=2)
            started: dict[str, float] = {}
            with runtime:
                began = time.perf_counter()
                for n in range(jobs):
                    view = app.instances.start(
                        "bench_registreren",
                        actor=SYSTEM,
                        business_key=f"BENCH-{n}",
                        variables={"bsn": _bsn(n)},
                    )
                    started[view.id] = time.perf_counter()
                finished = _wait_all(app, started, timeout=60 + jobs * 0.5)
                seconds = time.perf_counter() - began
        finally:
            app.close()
            simulator.stop()
    trips = [(finished[i] - started[i]) * 1000 for i in finished]
    return {
        "transport": transport,
        "jobs": jobs,
        "completed": len(finished),
        "jobs_per_s": round(len(finished) / seconds, 1),
        "p50_ms": round(percentile(trips, 50), 1),
        "p95_ms": round(percentile(trips, 95), 1),
    }


def _wait_all(app: Any, started: dict[str, float], timeout: float) -> dict[str, float]:
    """Poll until every instance completed; returns instance id -> time seen completed."""
    from sqlalchemy import select

    from orchestrator.store.tables import process_instances

    finished: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    table = process_instances
    while len(finished) < len(started) and time.monotonic() < deadline:
        with app.store.engine.connect() as conn:
            done = conn.execute(select(table.c.id).where(table.c.status == "completed")).scalars()
            now = time.perf_counter()
            for instance_id in done:
                finished.setdefault(instance_id, now)
        time.sleep(0.005)
    return finished


def run_amqp(jobs: int) -> tuple[dict[str, Any] | None, str]:
    """The AMQP figures: on ``KETENREGIE_TEST_AMQP_URL``, or on a throwaway RabbitMQ
    started by ``scripts/with-rabbitmq.sh``; (None, why) when neither works."""
    url = os.environ.get("KETENREGIE_TEST_AMQP_URL")
    if url:
        return run_transport("amqp", jobs, url), "KETENREGIE_TEST_AMQP_URL"
    command = [
        "bash",
        str(ROOT / "scripts" / "with-rabbitmq.sh"),
        sys.executable,
        "-m",
        "bench.messaging",
        "--transport",
        "amqp",
        "--jobs",
        str(jobs),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own script and interpreter
            command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"RabbitMQ could not be started ({type(error).__name__})"
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"RabbitMQ run failed: {tail}"
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures.get("amqp"), "scripts/with-rabbitmq.sh"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the messaging bench; prints one JSON line last."""
    parser = argparse.ArgumentParser(prog="python -m bench.messaging")
    parser.add_argument("--jobs", type=int, default=300, help="round trips per transport")
    parser.add_argument("--transport", choices=("sqla", "amqp", "both"), default="both")
    args = parser.parse_args(argv)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    result: dict[str, Any] = {}
    if args.transport in ("sqla", "both"):
        result["sqla"] = run_transport("sqla", args.jobs)
    if args.transport == "amqp":
        url = os.environ.get("KETENREGIE_TEST_AMQP_URL")
        if not url:
            raise SystemExit("--transport amqp needs KETENREGIE_TEST_AMQP_URL")
        result["amqp"] = run_transport("amqp", args.jobs, url)
    elif args.transport == "both":
        result["amqp"], result["amqp_note"] = run_amqp(args.jobs)
    for name in ("sqla", "amqp"):
        figures = result.get(name)
        if figures:
            print(
                f"messaging {name}: {figures['jobs_per_s']} jobs/s round trip, p50 "
                f"{figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
                f"({figures['completed']}/{figures['jobs']} completed)",
                file=sys.stderr,
            )
    print(json.dumps(result, separators=(",", ":")))
    return 0


def figures(jobs: int) -> dict[str, Any]:
    """The keys ``python -m bench`` adds to its JSON line (``jobs_sqla_per_s``, ...)."""
    sqla = run_transport("sqla", jobs)
    amqp, note = run_amqp(jobs)
    result: dict[str, Any] = {
        "jobs_sqla_per_s": sqla["jobs_per_s"],
        "jobs_sqla_p50_ms": sqla["p50_ms"],
        "jobs_sqla_p95_ms": sqla["p95_ms"],
        "jobs_amqp_per_s": amqp["jobs_per_s"] if amqp else None,
        "jobs_amqp_p50_ms": amqp["p50_ms"] if amqp else None,
        "jobs_amqp_p95_ms": amqp["p95_ms"] if amqp else None,
    }
    print(
        f"messaging round trip ({jobs} jobs): SQLite {sqla['jobs_per_s']} jobs/s "
        f"(p50 {sqla['p50_ms']} / p95 {sqla['p95_ms']} ms); RabbitMQ "
        + (
            f"{amqp['jobs_per_s']} jobs/s (p50 {amqp['p50_ms']} / p95 {amqp['p95_ms']} ms)"
            if amqp
            else f"skipped: {note}"
        ),
        file=sys.stderr,
    )
    return result


if __name__ == "__main__":
    raise SystemExit(main())
