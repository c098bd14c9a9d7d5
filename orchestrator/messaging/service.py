"""A loop that runs in its own thread until stopped (publisher, consumers, workers)."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod

import structlog

log = structlog.get_logger(__name__)


class BackgroundService(ABC):
    """``run()`` in the calling thread, or ``start()``/``stop()`` a background thread.

    Subclasses implement :meth:`run` and poll :attr:`stopping` (or wait on
    :meth:`wait`) often enough to stop within a second.
    """

    name = "ketenregie-service"

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stopping.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when woken by :meth:`stop`."""
        return self._stopping.wait(seconds)

    @abstractmethod
    def run(self) -> None:
        """Work until :meth:`stop` is called."""

    def start(self) -> None:
        """Run in a daemon thread."""
        if self._thread is not None:
            raise RuntimeError(f"{self.name} is already started")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run_logged, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Ask the loop to stop; wait up to ``timeout`` seconds for its thread."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def alive(self) -> bool:
        """True while the background thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _run_logged(self) -> None:
        try:
            self.run()
        except Exception:
            log.exception("messaging.service_crashed", service=self.name)
            raise
