"""``ketenregie serve``: API, scheduler and messaging in one process; SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

CLI = [sys.executable, "-c", "from orchestrator.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_and_stops_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETENREGIE_")}
    port = _free_port()
    process = subprocess.Popen(
        [*CLI, "--data-dir", str(tmp_path), "serve", "--port", str(port), "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()[1][-3000:]
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{port}/api/v1/health/live", timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not answer"
            time.sleep(0.1)
        inbound = httpx.post(f"http://127.0.0.1:{port}/api/v1/cloudevents", json={}, timeout=5)
        assert inbound.status_code == 401  # the partners' endpoint is mounted
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr[-3000:]
    assert "Traceback" not in stderr
    for started in ("scheduler.started", "publisher.started", "worker.started"):
        assert started in stderr
    assert "api.stopped" in stderr and "messaging.stopped" in stderr
