"""The threads that take the disk off the writers' path (SQLite, ``synchronous=FULL``).

:class:`Syncer` fsyncs the WAL for committed groups (:mod:`.group`), so a run of writes on
the event loop goes on while its last group goes to disk; :class:`Checkpointer` copies the
WAL back into the database every :data:`CHECKPOINT_EVERY_S`, so no writer pays for it in
its COMMIT.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import structlog

from orchestrator.store.db import BUSY_TIMEOUT_S

log = structlog.get_logger(__name__)

T = TypeVar("T")

#: the WAL is checkpointed this often while groups are made durable
CHECKPOINT_EVERY_S = 0.5


class Syncer(Generic[T]):
    """A thread that makes committed groups durable: ``sync`` gets all that are waiting (one
    fsync for them)."""

    def __init__(self, sync: Callable[[list[T]], None]) -> None:
        self._sync = sync
        self._pending: list[T] = []
        self._wake = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, group: T) -> None:
        """Queue ``group`` for the thread; once closed, make it durable here and now."""
        with self._wake:
            if not self._closed:
                self._pending.append(group)
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="ketenregie-wal-sync", daemon=True
                    )
                    self._thread.start()
                else:
                    self._wake.notify()
                return
        self._sync([group])

    def close(self, timeout: float = 10.0) -> None:
        """Make what is pending durable and stop the thread."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                pending, self._pending = self._pending, []
                if not pending and self._closed:
                    return
            self._sync(pending)


class Checkpointer:
    """A thread that copies the WAL back into the database every
    :data:`CHECKPOINT_EVERY_S` while groups are made durable.

    SQLite would checkpoint in the COMMIT that crosses ``wal_autocheckpoint``: ~10 ms in
    which that writer, and on the event loop the API, stands still. Here a PASSIVE
    checkpoint (writers go on, readers are not waited for) runs on a connection of its
    own; pysqlite releases the GIL meanwhile. A failure is logged and left to the next."""

    def __init__(self) -> None:
        self._due = threading.Event()
        self._lock = threading.Lock()
        self._database: str | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._last = time.monotonic()

    def poke(self, database: str) -> None:
        """A group went to disk: checkpoint if the last one was long enough ago."""
        now = time.monotonic()
        if now - self._last < CHECKPOINT_EVERY_S or self._closed:
            return
        self._last = now
        with self._lock:
            self._database = database
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="ketenregie-wal-checkpoint", daemon=True
                )
                self._thread.start()
        self._due.set()

    def close(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._closed = True
            thread = self._thread
        self._due.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._due.wait()
                self._due.clear()
                if self._closed:
                    return
                try:
                    if conn is None:
                        assert self._database is not None  # noqa: S101 - set by poke
                        conn = sqlite3.connect(
                            self._database, isolation_level=None, check_same_thread=False
                        )
                        conn.execute("PRAGMA synchronous=FULL")
                        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:
                    log.warning("wal.checkpoint_failed", error=str(error))
        finally:
            if conn is not None:
                conn.close()
