"""The disk side of group commit (SQLite, ``synchronous=FULL``): :class:`WriteConnection`
and :class:`Wal`.

The group's write connection (:class:`WriteConnection`, used by :mod:`.group`) commits
without SQLite's fsync; :class:`Wal` fsyncs
the WAL after the writer turn has passed on, either in the committing thread or, for a run
of writes on the event loop, on a :class:`Syncer` thread, so the run goes on while its
last group goes to disk; a :class:`Checkpointer` copies the WAL back into the database
every :data:`CHECKPOINT_EVERY_S`, so no writer pays for it in its COMMIT.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import structlog
from sqlalchemy import Connection, Engine

from orchestrator.store.db import BUSY_TIMEOUT_S, WAL_CHECKPOINT_PAGES

log = structlog.get_logger(__name__)

T = TypeVar("T")


class Durable(Protocol):
    """A committed group waiting for the disk: told its error, then finished."""

    error: BaseException | None

    def finish(self) -> None: ...


#: runs a callable while nobody writes to the database; False when the writers could not
#: be paused in time (:meth:`~orchestrator.store.group.GroupCommit.paused`)
Pause = Callable[[Callable[[], None]], bool]


class Wal:
    """The WAL of one database file: fsynced for committed groups, checkpointed.

    ``pause`` lets the checkpointer finish each checkpoint while the writers wait, so the
    WAL starts over from its beginning (see :class:`Checkpointer`)."""

    def __init__(self, database: str, pause: Pause | None = None) -> None:
        self._path = database + "-wal"
        self._database = database
        self._file: tuple[int, int] | None = None  # (descriptor, inode)
        self._lock = threading.Lock()
        self._syncer: Syncer[Durable] = Syncer(self._sync_and_finish)
        self._checkpointer = Checkpointer(pause)

    def sync(self, groups: list[Durable]) -> None:
        """One fsync for ``groups`` (committed, in this order); a failure becomes each
        group's ``error``. They are not finished here."""
        try:
            with self._lock:
                os.fsync(self._fd())
        except OSError as error:
            log.error("wal.fsync_failed", error=str(error), groups=len(groups))
            for group in groups:
                group.error = error
            return
        self._checkpointer.poke(self._database)

    def sync_later(self, group: Durable) -> None:
        """Make ``group`` durable on the syncer thread, then finish it."""
        self._syncer.submit(group)

    def close(self) -> None:
        """Make what is pending durable; stop the threads."""
        self._syncer.close()
        self._checkpointer.close()

    def _sync_and_finish(self, groups: list[Durable]) -> None:
        self.sync(groups)
        for group in groups:
            group.finish()

    def _fd(self) -> int:
        current = os.stat(self._path).st_ino
        if self._file is None or self._file[1] != current:
            if self._file is not None:
                os.close(self._file[0])
            self._file = (os.open(self._path, os.O_RDONLY), current)
        return self._file[0]


#: the WAL is checkpointed this often while groups are made durable
CHECKPOINT_EVERY_S = 0.5


class ThreadedWorker:
    """Work done by a thread of its own that ``_wake`` wakes (started on first use by the
    subclass). :meth:`close` stops it once what is queued is done."""

    def __init__(self) -> None:
        self._wake = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._closed = False

    def close(self, timeout: float = 10.0) -> None:
        """Take no more work; what is queued is still done. Waits up to ``timeout`` for the
        thread."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)


class Syncer(ThreadedWorker, Generic[T]):
    """A thread that makes committed groups durable: ``sync`` gets all that are waiting (one
    fsync for them)."""

    def __init__(self, sync: Callable[[list[T]], None]) -> None:
        super().__init__()
        self._sync = sync
        self._pending: list[T] = []

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
    own; pysqlite releases the GIL meanwhile. A failure is logged and left to the next.

    A writer starts the WAL over from its beginning only if every frame was copied back
    when its transaction began. Under steady load a group commits during nearly every
    checkpoint, so the WAL would grow by ~20 MB a second until SQLite truncated it back to
    ``journal_size_limit`` inside a COMMIT: tens of milliseconds of page-cache work on the
    event loop. So the bulk is copied while writers go on, and then, with the writers
    paused (``pause``: a few ms, the frames of the last groups), the rest: the next
    group starts the WAL over."""

    def __init__(self, pause: Pause | None = None) -> None:
        self._pause = pause
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
                    self._checkpoint(conn)
                except Exception as error:  # noqa: BLE001 - the thread must live on: logged, next time again
                    log.warning("wal.checkpoint_failed", error=str(error))
        finally:
            if conn is not None:
                conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        def checkpoint() -> None:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

        checkpoint()  # the bulk, while writers go on
        if self._pause is not None:
            self._pause(checkpoint)  # the rest, while they wait


class WriteConnection:
    """The group commit's one write connection of ``engine``: opened on first use and
    again after an error.

    With ``synchronous=FULL`` a COMMIT fsyncs the WAL while it holds the write lock, and
    every writer waits. This connection commits without that fsync (NORMAL) and
    :attr:`wal` fsyncs it after the turn has passed on: the next group writes meanwhile,
    and a member still hears of its commit only once it is on disk."""

    def __init__(self, engine: Engine, pause: Pause) -> None:
        self._engine = engine
        # the checkpointer thread holds it: a GroupCommit dropped without close() (whose
        # method it is) must still be collected
        self._pause = _weakly(pause)
        self._conn: Connection | None = None
        #: the WAL this process fsyncs itself after a group's COMMIT (FULL only)
        self.wal: Wal | None = None

    def get(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self._engine.connect()
            self._pipeline_fsync(self._conn)
        return self._conn

    def abandon(self) -> None:
        """Drop the connection after an error that may have left it mid-transaction."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception:  # noqa: BLE001, S110 - it is being thrown away
                pass

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _pipeline_fsync(self, conn: Connection) -> None:
        sqlite = driver(conn)
        database = self._engine.url.database
        if sqlite.execute("PRAGMA synchronous").fetchone()[0] < 2 or not database:
            return
        sqlite.execute("PRAGMA synchronous=NORMAL")
        # checkpoints run after a group's fsync on a thread of their own (Checkpointer;
        # only the last step takes the turn); SQLite's own, in the COMMIT that crosses
        # the threshold, stays as a backstop
        sqlite.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES * 4}")
        if self.wal is None:
            self.wal = Wal(str(Path(database).resolve()), pause=self._pause)


def driver(conn: Connection) -> Any:
    """The DBAPI connection under ``conn`` (``sqlite3.Connection``)."""
    return conn.connection.driver_connection


def _weakly(pause: Pause) -> Pause:
    """``pause`` (a bound method) without keeping its object alive; once that is gone,
    nothing is paused (False)."""
    method = weakref.WeakMethod(pause)

    def weak(work: Callable[[], None]) -> bool:
        bound = method()
        return False if bound is None else bound(work)

    return weak
