"""Task completions over HTTP: concurrent clients against ``ketenregie``'s API on SQLite.

The server runs in its own process (uvicorn, one worker, the real SpiffWorkflow engine,
SQLite in WAL mode with ``synchronous=FULL``: every commit is durable); the clients are
threads in this process on keep-alive connections. Two phases on fresh tasks:

1. saturation: closed-loop clients complete tasks as fast as they can, first 8 of them,
   then 16, then 32 (each on fresh tasks); the best of these rates is the saturated rate
   ``http_per_s`` (``http_clients`` says at how many clients). With few clients in flight
   the server idles while a commit is being made durable, so the rate still rises with
   more clients until the server itself is the bottleneck.
2. latency: an open loop sends completions at 70% of that rate, at fixed intervals;
   ``http_p95_ms`` is the 95th percentile of their latencies from send to response, and
   ``http_p95_sched_ms`` from the moment each request was *due* to be sent to its
   response (so a request that had to wait for a free connection, because the server
   stalled, counts its wait: no coordinated omission). The target applies to the latter.

    .venv/bin/python -m bench.http            # standalone; prints one JSON line
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.diagram import PROCESS_KEY, diagram

TOKEN = "bench-token"  # noqa: S105 - a throwaway token of a throwaway database
LOAD_SHARE = 0.7
TARGET_RATIO = 0.5
TARGET_P95_MS = 20.0
#: closed-loop client counts tried to find the saturated rate
CLIENT_STEPS = (8, 16, 32)
#: API processes (`ketenregie serve --api-processes`); its default, one
API_PROCESSES = 1


@dataclass
class HttpResult:
    per_s: float
    p95_ms: float
    p50_ms: float
    p95_sched_ms: float
    offered_per_s: float
    completions: int
    #: closed-loop clients at the saturated rate
    clients: int
    #: the rate at each client count tried
    rates: dict[int, float]
    #: API processes that served (``ketenregie serve --api-processes``)
    processes: int = 1


def _percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, round(p / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def _settings(data_dir: Path):  # type: ignore[no-untyped-def]
    from orchestrator.config import Settings

    # synchronous=FULL: every commit survives a power cut
    return Settings(
        data_dir=data_dir, users_file=data_dir / "users.toml", sqlite_synchronous="FULL"
    )


def prepare(data_dir: Path, tasks: int) -> list[str]:
    """Deploy the benchmark diagram, start ``tasks`` instances; return their task ids."""
    from bench.core import POORTWACHTER, quiet_logging
    from orchestrator.api.auth.users import token_hash
    from orchestrator.application.identity import SYSTEM
    from orchestrator.application.tasks import TaskQuery
    from orchestrator.bootstrap import build_default
    from orchestrator.engine.contract import SourceFile

    quiet_logging()
    (data_dir / "users.toml").write_text(
        f'[[users]]\nid = "anna"\norganisation = "gemeente"\nroles = ["poortwachter"]\n'
        f'token_sha256 = "{token_hash(TOKEN)}"\n'
    )
    container = build_default(_settings(data_dir))
    try:
        container.deployments.deploy([SourceFile("bench.bpmn", diagram())], SYSTEM)
        for i in range(tasks):
            container.instances.start(PROCESS_KEY, actor=POORTWACHTER, business_key=f"H-{i}")
        found = container.tasks.worklist(POORTWACHTER, TaskQuery(limit=tasks + 1))
        return [t.id for t in found]
    finally:
        container.close()


def serve(data_dir: Path, port: int, processes: int) -> None:
    """The server process: the API on ``data_dir``'s database (``--serve``), from one
    process as ``ketenregie serve`` runs it by default, or from ``processes`` processes as
    ``ketenregie serve --api-processes N`` does (then each prints ``api.process_ready``
    on stdout when it serves, for :meth:`_Server.wait_ready`)."""
    import uvicorn

    from bench.core import quiet_logging
    from orchestrator.api.app import authenticator_from, create_app
    from orchestrator.api.processes import serve_api_processes
    from orchestrator.api.server import freeze_startup_heap
    from orchestrator.bootstrap import build_default

    settings = _settings(data_dir).model_copy(update={"api_processes": processes})
    if processes > 1:
        # the parent logs at info (a few lines: processes started, ready, stopped)
        serve_api_processes(settings, "127.0.0.1", port, processes, configure_logging=quiet_logging)
        return
    quiet_logging()
    container = build_default(settings)
    app = create_app(container, authenticator_from(settings))
    freeze_startup_heap()  # as `ketenregie serve` does
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class _Client:
    def __init__(self, port: int) -> None:
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self._headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def complete(self, task_id: str, score: int) -> float:
        body = json.dumps({"variables": {"score": score}})
        started = time.perf_counter()
        self._conn.request("POST", f"/api/v1/tasks/{task_id}/complete", body, self._headers)
        response = self._conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"completion answered {response.status}")
        return elapsed

    def close(self) -> None:
        self._conn.close()


def _saturate(port: int, task_ids: list[str], clients: int) -> tuple[float, list[float]]:
    queue = list(task_ids)
    lock = threading.Lock()
    latencies: list[float] = []

    def work() -> None:
        client = _Client(port)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    task_id = queue.pop()
                elapsed = client.complete(task_id, len(queue) % 10)
                with lock:
                    latencies.append(elapsed)
        finally:
            client.close()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(task_ids) / (time.perf_counter() - started), latencies


def _open_loop(
    port: int, task_ids: list[str], rate: float, workers: int
) -> tuple[list[float], list[float]]:
    """Send one completion every 1/rate seconds (spread over ``workers`` connections).

    Returns the latencies from send and from the moment each request was due."""
    lock = threading.Lock()
    next_slot = [0]
    latencies: list[float] = []
    since_due: list[float] = []
    start = time.perf_counter() + 0.05

    def work() -> None:
        client = _Client(port)
        try:
            while True:
                with lock:
                    slot = next_slot[0]
                    next_slot[0] += 1
                if slot >= len(task_ids):
                    return
                due = start + slot / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                elapsed = client.complete(task_ids[slot], slot % 10)
                late = time.perf_counter() - due
                with lock:
                    latencies.append(elapsed)
                    since_due.append(late)
        finally:
            client.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, since_due


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Server:
    """The server process; with several API processes its stdout is read (by a thread, to
    the end) for their ``api.process_ready`` lines."""

    def __init__(self, data_dir: Path, port: int, processes: int) -> None:
        self.port = port
        self.processes = processes
        self.ready_processes = 0
        self.process = subprocess.Popen(  # noqa: S603 - our own module, no shell
            [
                sys.executable,
                *("-m", "bench.http", "--serve", str(data_dir)),
                *("--port", str(port), "--processes", str(processes)),
            ],
            stdout=subprocess.PIPE if processes > 1 else None,
            stderr=None,
            text=True,
        )
        if processes > 1:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "api.process_ready" in line:
                self.ready_processes += 1

    def wait_ready(self) -> None:
        """Until the API answers ready and, with several processes, every one of them
        serves (each takes seconds to start; a warm-up on fewer would not warm them all)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the benchmark server exited")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/v1/health/ready")
                ready = conn.getresponse().status == 200
            except OSError:
                ready = False
            if ready and (self.processes == 1 or self.ready_processes >= self.processes):
                return
            time.sleep(0.1)
        raise RuntimeError("the benchmark server did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def run(
    saturate_tasks: int = 1500,
    latency_tasks: int = 1000,
    clients: Sequence[int] = CLIENT_STEPS,
    processes: int = API_PROCESSES,
) -> HttpResult:
    """Both phases on a fresh database; the server is stopped afterwards.

    ``saturate_tasks`` completions at each client count of ``clients``; the API served
    from ``processes`` processes."""
    # The clients are threads of this process, which may hold the core bench's heap: a
    # full collection of it would stall every client and count as server latency.
    gc.collect()
    gc.freeze()
    # nor should the disk still be writing back what an earlier phase left dirty
    os.sync()
    with tempfile.TemporaryDirectory(prefix="ketenregie-bench-http-") as tmp:
        data_dir = Path(tmp)
        warm = 100
        saturating = saturate_tasks * len(clients)
        task_ids = prepare(data_dir, warm + saturating + latency_tasks)
        port = _free_port()
        server = _Server(data_dir, port, processes)
        try:
            server.wait_ready()
            _saturate(port, task_ids[:warm], clients[0])  # warm-up: caches, connections
            rates: dict[int, float] = {}
            for step, count in enumerate(clients):
                first = warm + step * saturate_tasks
                rates[count], _ = _saturate(port, task_ids[first : first + saturate_tasks], count)
            best = max(rates, key=lambda count: rates[count])
            rate = rates[best]
            offered = rate * LOAD_SHARE
            latencies, since_due = _open_loop(
                port, task_ids[warm + saturating :], offered, max(clients) * 2
            )
        finally:
            server.stop()
    return HttpResult(
        per_s=rate,
        p95_ms=_percentile(latencies, 95) * 1000,
        p50_ms=_percentile(latencies, 50) * 1000,
        p95_sched_ms=_percentile(since_due, 95) * 1000,
        offered_per_s=offered,
        completions=saturating + len(latencies),
        clients=best,
        rates=rates,
        processes=processes,
    )


def figures(result: HttpResult, bare_per_s: float) -> dict[str, float | bool]:
    """The fields ``make bench`` adds to its JSON line."""
    ratio = result.per_s / bare_per_s if bare_per_s else 0.0
    return {
        "http_per_s": round(result.per_s, 1),
        "http_p95_ms": round(result.p95_ms, 2),
        "http_p50_ms": round(result.p50_ms, 2),
        "http_p95_sched_ms": round(result.p95_sched_ms, 2),
        "http_offered_per_s": round(result.offered_per_s, 1),
        "http_clients": result.clients,
        "http_processes": result.processes,
        "http_ratio": round(ratio, 3),
        "http_ratio_ok": ratio >= TARGET_RATIO,
        "http_p95_ok": result.p95_sched_ms <= TARGET_P95_MS,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.http", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--serve", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--processes",
        type=int,
        default=API_PROCESSES,
        help="API processes (ketenregie serve --api-processes)",
    )
    parser.add_argument(
        "--tasks", type=int, default=1500, help="completions at each saturation step"
    )
    parser.add_argument(
        "--clients",
        type=int,
        nargs="+",
        default=list(CLIENT_STEPS),
        help="closed-loop client counts tried for the saturated rate",
    )
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve), args.port, args.processes)
        return 0
    from bench import bare

    bare.run(50)
    b = bare.run(1000)
    bare_per_s = len(b.completions_ms) / (sum(b.completions_ms) / 1000)
    result = run(args.tasks, max(200, args.tasks * 2 // 3), args.clients, args.processes)
    print(
        "saturation: " + ", ".join(f"{c} clients {r:.1f}/s" for c, r in result.rates.items()),
        file=sys.stderr,
    )
    out = {"bare_completions_per_s": round(bare_per_s, 1), **figures(result, bare_per_s)}
    print(json.dumps(out, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
