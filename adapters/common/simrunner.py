"""Run a simulator with uvicorn in a background thread; stop and resume listening."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn

from adapters.common.simserver import Receive, Scope, Send, Simulator, SimulatorControl


class SimulatorServer:
    """Runs a simulator with uvicorn in a daemon thread; it can stop listening and resume.

    Args:
        simulator: what to serve.
        host: interface to listen on (loopback by default).
        port: TCP port; 0 picks a free one (kept across refuse/accept).
    """

    def __init__(self, simulator: Simulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.simulator = simulator
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        simulator.control.refuse_for = self.refuse_for

    @property
    def control(self) -> SimulatorControl:
        """Faults and request log."""
        return self.simulator.control

    @property
    def state(self) -> Any:
        """The partner state (what the partner has registered)."""
        return self.simulator.state

    @property
    def running(self) -> bool:
        """Whether the server listens (started and not stopped)."""
        return self._server is not None

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        return f"http://{self.host}:{self.port}"

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Looked up per request, so :meth:`swap` takes effect without a restart.
        await self.simulator.app(scope, receive, send)

    def swap(self, simulator: Simulator) -> None:
        """Serve ``simulator`` from now on (a fresh state, in tests) on the same socket."""
        self.simulator = simulator
        simulator.control.refuse_for = self.refuse_for

    def start(self, timeout: float = 10.0) -> SimulatorServer:
        """Start listening; returns when the socket accepts connections."""
        with self._lock:
            if self._server is not None:
                return self
            config = uvicorn.Config(
                self._asgi,
                interface="asgi3",
                host=self.host,
                port=self.port,
                log_level="warning",
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=1,
            )
            server = uvicorn.Server(config)
            thread = threading.Thread(
                target=server.run, name=f"sim-{self.simulator.name}", daemon=True
            )
            thread.start()
            deadline = time.monotonic() + timeout
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"simulator {self.simulator.name} did not start")
                time.sleep(0.01)
            self.port = int(server.servers[0].sockets[0].getsockname()[1])
            self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop listening (open connections are closed); state and faults are kept."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None or thread is None:
            return
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=10)

    def refuse_for(self, seconds: float) -> None:
        """Refuse connections for ``seconds`` (in the background), then listen again."""
        self.stop()
        threading.Timer(seconds, self.start).start()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
