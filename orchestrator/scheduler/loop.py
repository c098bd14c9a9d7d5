"""The scheduler loop: fire due timers and purge expired buffered messages, every interval.

``ketenregie serve --once`` runs one pass; ``ketenregie serve`` composes the loop with
:meth:`SchedulerLoop.start` (a background thread) next to its web server and calls
:meth:`SchedulerLoop.stop` on shutdown. Housekeeping (purging the published outbox, see
:mod:`.housekeeping`) rides along on the passes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

log = structlog.get_logger(__name__)


class TimerFiring(Protocol):
    """The timer use case the loop drives (:class:`~orchestrator.application.timers.TimerService`)."""

    def fire_due_timers(self, *, batch_size: int | None = None) -> int: ...


class MessagePurging(Protocol):
    """The message use case the loop drives (:class:`~orchestrator.application.messages.MessageService`)."""

    def purge_expired(self) -> int: ...


class Housekeeping(Protocol):
    """A chore run on every pass that decides itself when it is due (:class:`OutboxPurge`)."""

    name: str

    def run_if_due(self) -> int: ...


@dataclass(frozen=True)
class PassResult:
    """What one pass of the loop did.

    Attributes:
        timers_fired: timers that fired (instance timers and timer start events).
        messages_purged: buffered messages dropped because their TTL ended.
        outbox_purged: published outbox rows deleted by housekeeping.
        failed: the pass stopped on an unexpected error (logged; the loop goes on).
    """

    timers_fired: int = 0
    messages_purged: int = 0
    outbox_purged: int = 0
    failed: bool = False


class SchedulerLoop:
    """Runs :meth:`run_once` every ``interval`` seconds until :meth:`stop` is called.

    A pass fires every due timer (the timer service works in bounded batches, one
    transaction each, until nothing is due, so a scheduler that was down catches up), then
    purges expired buffered messages. Stopping lets the current pass finish. Several loops
    may run against one PostgreSQL database: each timer fires exactly once.
    """

    def __init__(
        self,
        timers: TimerFiring,
        messages: MessagePurging,
        *,
        interval: float = 5.0,
        batch_size: int | None = None,
        housekeeping: Sequence[Housekeeping] = (),
    ) -> None:
        """Create a stopped loop.

        Args:
            timers: fires due timers.
            messages: purges expired buffered messages.
            interval: seconds between the starts of two passes (at least 0.01).
            batch_size: timers per transaction (default: the ``timer_batch_size`` setting).
            housekeeping: chores run after the timers on every pass (each decides whether
                it is due).
        """
        if interval <= 0:
            raise ValueError("interval must be positive")
        self._timers = timers
        self._messages = messages
        self._interval = max(interval, 0.01)
        self._batch_size = batch_size
        self._housekeeping = list(housekeeping)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stopping.is_set()

    def run_once(self) -> PassResult:
        """One pass: fire due timers, then purge expired messages.

        An unexpected error is logged (with its traceback) and reported as a failed pass, so
        a database that is briefly away does not end the scheduler.
        """
        self.passes += 1
        try:
            fired = self._timers.fire_due_timers(batch_size=self._batch_size)
            purged = self._messages.purge_expired()
            outbox = sum(chore.run_if_due() for chore in self._housekeeping)
        except Exception:
            log.exception("scheduler.pass_failed", passes=self.passes)
            return PassResult(failed=True)
        result = PassResult(timers_fired=fired, messages_purged=purged, outbox_purged=outbox)
        if fired or purged:
            log.info("scheduler.pass", timers_fired=fired, messages_purged=purged)
        else:
            log.debug("scheduler.idle")
        return result

    def run(self) -> None:
        """Run passes in this thread until :meth:`stop` is called."""
        log.info("scheduler.started", interval_seconds=self._interval)
        while not self._stopping.is_set():
            self.run_once()
            # wait() returns early when stop() is called, so shutdown never waits an interval
            self._stopping.wait(self._interval)
        log.info("scheduler.stopped", passes=self.passes)

    def start(self) -> None:
        """Run the loop in a background thread (for composing it with a web server)."""
        if self._thread is not None:
            raise RuntimeError("the scheduler loop is already started")
        self._thread = threading.Thread(target=self.run, name="ketenregie-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ask the loop to stop after the current pass; wait for a background thread.

        Args:
            timeout: seconds to wait for the background thread (None: as long as it takes).
        """
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
