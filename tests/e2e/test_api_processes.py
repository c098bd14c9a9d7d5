"""``ketenregie serve --api-processes 2``: two spawned API processes on one port, real work
through them concurrently, ``/metrics`` adding both up, a killed child started again, and
SIGTERM leaving no process behind.

The API processes are found as children of the serve process in ``/proc`` (their command
line is multiprocessing's ``spawn_main``; the resource tracker is a child too, not one).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from orchestrator.api.auth.users import token_hash
from tests.support.bpmn import Diagram, form_field

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

CLI = [sys.executable, "-c", "from orchestrator.cli import main; main()"]
TOKEN = "processes-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROLES = '["poortwachter", "beheerder", "procesbeheerder", "operator", "monitoring"]'
INSTANCES = 16


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> dict[int, str]:
    """pid -> command line of the live (not zombie) children of ``pid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # fields after the ")" closing the command name: state, ppid, ...
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def _api_children(pid: int) -> set[int]:
    return {child for child, cmd in _children(pid).items() if "spawn_main" in cmd}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class Served:
    """A ``ketenregie serve --api-processes 2`` subprocess on a temp data dir."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "users.toml").write_text(
            f'[[users]]\nid = "tester"\norganisation = "gemeente"\nroles = {ROLES}\n'
            f'token_sha256 = "{token_hash(TOKEN)}"\n'
        )
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KETENREGIE_")}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        args = ["--data-dir", str(data_dir), "serve", "--port", str(self.port)]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*CLI, *args, "--interval", "0.2", "--api-processes", "2"],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=env,
            )

    def stderr(self) -> str:
        return self.log.read_text()

    def ready_count(self) -> int:
        return self.stderr().count("api.process_ready")

    def wait_ready(self, processes: int) -> None:
        """Until ``processes`` API processes have come up (in total) and the API answers."""

        def up() -> bool:
            assert self.process.poll() is None, self.stderr()[-3000:]
            if self.ready_count() < processes:
                return False
            try:
                return httpx.get(f"{self.base}/api/v1/health/ready", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        _wait_for(up, f"{processes} API processes ready")

    def stop(self) -> tuple[int, float]:
        """SIGTERM; the exit code and the seconds it took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.process.poll() is None:
            for child in _children(self.process.pid):
                os.kill(child, signal.SIGKILL)
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path / "data")
    try:
        yield server
    finally:
        server.kill()


def _diagram() -> bytes:
    return (
        Diagram("beoordeling", "Beoordeling")
        .start()
        .user_task(
            "beoordelen",
            "Beoordelen",
            groups="poortwachter",
            form=[form_field("akkoord", "boolean", required=True)],
        )
        .end()
        .chain("start", "beoordelen", "end")
        .xml()
    )


def _metric_sum(text: str, name: str, label_filter: str = "") -> float:
    total = 0.0
    for match in re.finditer(rf"^{name}(\{{[^}}]*\}})? (\S+)$", text, re.MULTILINE):
        if label_filter in (match.group(1) or ""):
            total += float(match.group(2))
    return total


def test_two_api_processes_share_the_work_and_the_metrics(served: Served) -> None:
    served.wait_ready(2)
    api = _api_children(served.process.pid)
    assert len(api) == 2, _children(served.process.pid)

    with httpx.Client(base_url=served.base, headers=AUTH, timeout=30) as http:
        deployed = http.post(
            "/api/v1/deployments", files=[("files", ("beoordeling.bpmn", _diagram()))]
        )
        assert deployed.status_code == 201, deployed.text

        def start(i: int) -> httpx.Response:
            body = {"processKey": "beoordeling", "businessKey": f"DOS-{i}"}
            return http.post("/api/v1/process-instances", json=body)

        with ThreadPoolExecutor(8) as pool:
            started = list(pool.map(start, range(INSTANCES)))
        assert [r.status_code for r in started] == [201] * INSTANCES, started[0].text

        tasks = http.get("/api/v1/tasks", params={"limit": 100})
        assert tasks.status_code == 200, tasks.text
        ids = [t["id"] for t in tasks.json()["items"]]
        assert len(ids) == INSTANCES

        def complete(task_id: str) -> httpx.Response:
            body = {"variables": {"akkoord": True}}
            return http.post(f"/api/v1/tasks/{task_id}/complete", json=body)

        with ThreadPoolExecutor(8) as pool:
            completed = list(pool.map(complete, ids))
        assert [r.status_code for r in completed] == [200] * INSTANCES, completed[0].text

        running = http.get("/api/v1/tasks", params={"limit": 100}).json()["items"]
        assert running == []
        metrics = http.get("/metrics")
        assert metrics.status_code == 200
    text = metrics.text
    # every POST (deploy, starts, completions) went to one of the two processes; the
    # scrape, answered by one of them, counts all
    posts = _metric_sum(text, "ketenregie_http_request_duration_seconds_count", 'method="POST"')
    assert posts == 1 + 2 * INSTANCES, text
    assert _metric_sum(text, "ketenregie_db_grouped_writes_total") >= 1 + 2 * INSTANCES
    assert _metric_sum(text, "ketenregie_db_group_commits_total") >= 1
    assert 'ketenregie_instances{process_key="beoordeling",status="completed"} 16.0' in text
    assert text.count("# TYPE ketenregie_http_request_duration_seconds histogram") == 1

    code, seconds = served.stop()
    assert code == 0, served.stderr()[-3000:]
    assert seconds < 10
    _wait_for(lambda: not any(_alive(pid) for pid in api), "API processes gone", timeout=5)
    stderr = served.stderr()
    assert "Traceback" not in stderr
    assert "metrics.parent_commits_not_shared" not in stderr  # the parent's commits count too
    assert stderr.count("api.process_stopped") == 2
    assert "api.stopped" in stderr and "messaging.stopped" in stderr


def test_a_killed_api_process_is_started_again(served: Served) -> None:
    served.wait_ready(2)
    before = _api_children(served.process.pid)
    assert len(before) == 2
    victim = min(before)
    os.kill(victim, signal.SIGKILL)

    served.wait_ready(3)  # the replacement came up
    after = _api_children(served.process.pid)
    assert len(after) == 2 and victim not in after and after & before
    assert "api.process_died" in served.stderr()
    with httpx.Client(base_url=served.base, timeout=10) as http:
        for _ in range(10):  # spread over new connections: either process answers
            assert http.get("/api/v1/health/ready", headers={"Connection": "close"}).is_success

    code, _ = served.stop()
    assert code == 0
    _wait_for(lambda: not any(_alive(pid) for pid in after), "API processes gone", timeout=5)
