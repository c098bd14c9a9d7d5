"""Engine factory: the connection settings each backend needs for our workload."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

#: execution option a read-only unit of work sets, so SQLite takes no write lock for it
READ_ONLY = "ketenregie_read_only"
#: how long a writer waits for SQLite's write lock (in-process queue, then busy handler)
BUSY_TIMEOUT_S = 10.0
#: polling of the cross-process writer lock: first pause, and the longest
LOCK_POLL_MIN_S = 0.00005
LOCK_POLL_MAX_S = 0.0005
#: WAL pages between automatic checkpoints (SQLite's default is 1000)
WAL_CHECKPOINT_PAGES = 10_000


def create_db_engine(url: str, *, synchronous: str = "NORMAL", **kwargs: Any) -> Engine:
    """Create an :class:`~sqlalchemy.Engine` tuned for ``url``'s backend.

    SQLite: WAL journal, ``synchronous`` NORMAL (a commit survives a crash of the process)
    or FULL (also a power cut: one fsync per commit), a 10 s busy timeout, foreign keys on,
    checkpoints every 10,000 WAL pages, and
    ``BEGIN IMMEDIATE`` for every write transaction, so concurrent writers queue for the
    write lock up front instead of failing with "database is locked" when a read lock
    would have to be upgraded halfway through a transaction. Writers of one process queue
    in a FIFO :class:`WriterQueue` per database file first (taken before ``BEGIN
    IMMEDIATE``, released after ``COMMIT``/``ROLLBACK``), so threads wait their turn
    instead of polling in SQLite's busy handler, which sleeps up to 100 ms per retry.

    PostgreSQL: the psycopg 3 driver and ``pool_pre_ping`` (connections survive restarts).

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:///./.data/ketenregie.sqlite`` or
            ``postgresql://user@host/db`` (the driver is forced to psycopg).
        synchronous: SQLite's ``PRAGMA synchronous``: "NORMAL" or "FULL".
        **kwargs: extra :func:`sqlalchemy.create_engine` arguments.
    """
    parsed = make_url(url)
    if synchronous not in ("NORMAL", "FULL"):
        raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
    if parsed.get_backend_name() == "sqlite":
        queue: WriterQueue | None = None
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            path.parent.mkdir(parents=True, exist_ok=True)
            queue = writer_queue(path)
            connect_args = dict(kwargs.pop("connect_args", {}))
            connect_args.setdefault("factory", _connection_class(queue))
            kwargs["connect_args"] = connect_args
        engine = create_engine(parsed, **kwargs)
        _tune_sqlite(engine, queue, synchronous)
        return engine
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **kwargs)
    raise ValueError(f"unsupported database backend: {parsed.get_backend_name()}")


class WriterQueue:
    """A FIFO lock: the threads of this process that want to write, in arrival order.

    With ``lock_file`` it also serializes writers across processes: the thread whose turn
    it is takes an exclusive ``flock`` on that file before it writes, so the writers of
    several processes on one database (API processes, separate workers) take turns
    instead of meeting in SQLite's busy handler, which sleeps up to 100 ms per retry.
    The turns alternate fairly: a process first takes the entry lock (``<lock_file>-entry``)
    and holds it while it waits for the writer lock, so a process that has just written
    cannot take the writer lock again before one that was waiting (a turnstile); and
    :meth:`others_waiting` tells the holder that another process waits.
    """

    def __init__(self, lock_file: Path | None = None) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False
        self._lock_file = lock_file
        self._fds: tuple[int, int] | None = None  # (writer, entry)

    def acquire(self, timeout: float) -> bool:
        """Wait until it is this thread's turn (in-process: without polling); False after
        ``timeout``."""
        deadline = time.monotonic() + timeout
        if not self._acquire_turn(timeout):
            return False
        if self._lock_file is None or self._lock_across_processes(deadline):
            return True
        self._release_turn()
        return False

    def _acquire_turn(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            return True
        with self._mutex:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        return True  # handed over just as the wait timed out

    def _lock_across_processes(self, deadline: float) -> bool:
        """Through the turnstile to the writer lock (this thread holds the in-process turn)."""
        writer, entry = self._files()
        if not _poll_lock(entry, deadline):
            return False
        try:
            return _poll_lock(writer, deadline)
        finally:
            fcntl.flock(entry, fcntl.LOCK_UN)

    def _files(self) -> tuple[int, int]:
        if self._fds is None:
            assert self._lock_file is not None  # noqa: S101 - checked by the caller
            entry = self._lock_file.with_name(self._lock_file.name + "-entry")
            self._fds = (
                os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600),
                os.open(entry, os.O_RDWR | os.O_CREAT, 0o600),
            )
        return self._fds

    def others_waiting(self) -> bool:
        """Whether a writer of another process waits for the writer lock (it holds the
        entry lock meanwhile). For the holder of the writer lock."""
        if self._fds is None:
            return False
        entry = self._fds[1]
        try:
            fcntl.flock(entry, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(entry, fcntl.LOCK_UN)
        return False

    def waiting(self) -> int:
        """How many threads of this process wait for their turn now."""
        return len(self._waiters)

    def release(self) -> None:
        """Hand the lock to the longest waiting thread (or free it)."""
        if self._fds is not None:
            fcntl.flock(self._fds[0], fcntl.LOCK_UN)
        self._release_turn()

    def _release_turn(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


def _poll_lock(fd: int, deadline: float) -> bool:
    """An exclusive flock on ``fd`` by short polls, False at ``deadline``. Another process
    holds it for one transaction (or one wait) at a time, so it is free again soon; the
    kernel's blocking wait has no timeout, and a stopped process must not hang us."""
    pause = LOCK_POLL_MIN_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, LOCK_POLL_MAX_S)


_QUEUES: dict[str, WriterQueue] = {}
_QUEUES_LOCK = threading.Lock()


def writer_queue(database: Path) -> WriterQueue:
    """The process-wide writer queue of the SQLite file ``database`` (with its
    cross-process lock file ``<database>-writer`` beside it)."""
    path = database.resolve()
    key = str(path)
    with _QUEUES_LOCK:
        queue = _QUEUES.get(key)
        if queue is None:
            queue = _QUEUES[key] = WriterQueue(path.with_name(path.name + "-writer"))
        return queue


def _forget_queues() -> None:
    # A forked child inherits the parent's queues, possibly held by threads that do not
    # exist in the child, and their lock file descriptions: an flock on an inherited
    # description is shared with the parent. The child starts with queues of its own.
    global _QUEUES_LOCK  # replaced: the parent's may be held by a thread gone here
    _QUEUES_LOCK = threading.Lock()
    _QUEUES.clear()


os.register_at_fork(after_in_child=_forget_queues)


class WriterBusy(sqlite3.OperationalError):
    """The writer queue did not come free in time (at once, for ``write_wait=0``)."""


def _connection_class(queue: WriterQueue) -> type[sqlite3.Connection]:
    class QueuedConnection(sqlite3.Connection):
        """Holds ``queue`` from ``begin_write`` until the transaction ends."""

        holds_write_lock = False
        #: how long the next ``begin_write`` waits for the queue (None: BUSY_TIMEOUT_S);
        #: with 0 it does not wait for SQLite's write lock either
        write_wait: float | None = None

        def begin_write(self) -> None:
            wait = BUSY_TIMEOUT_S if self.write_wait is None else self.write_wait
            if not queue.acquire(wait):
                raise WriterBusy("database is locked (writer queue timed out)")
            self.holds_write_lock = True
            try:
                if wait == 0:
                    self._begin_at_once()
                else:
                    self.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._release()
                raise

        def _begin_at_once(self) -> None:
            """BEGIN IMMEDIATE without SQLite's busy handler: a writer outside Ketenregie's
            queue (a ``sqlite3`` shell, a backup) may hold the write lock, and the caller
            (the event loop) must not sleep in the handler for up to the busy timeout."""
            self.execute("PRAGMA busy_timeout=0")
            try:
                self.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # or BUSY_RECOVERY...
                    raise
                raise WriterBusy("database is locked (by a writer outside the queue)") from error
            finally:
                self.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")

        def _release(self) -> None:
            if self.holds_write_lock:
                self.holds_write_lock = False
                queue.release()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                if not self.in_transaction:
                    self._release()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                if not self.in_transaction:
                    self._release()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._release()

    return QueuedConnection


def _tune_sqlite(engine: Engine, queue: WriterQueue | None, synchronous: str) -> None:
    # The documented pysqlite recipe: switch off the driver's own (deferred) BEGIN and
    # emit ours, so SAVEPOINT works and writers take the lock at the start.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA temp_store=MEMORY")
            # Checkpoint every ~40 MB of WAL instead of every ~4 MB: a checkpoint fsyncs the
            # WAL and the database, and a step writes ~25 pages, so the default meant two
            # fsyncs every ~40 commits. Durability is unchanged (it is what synchronous=
            # NORMAL gives at commit); the WAL file is cut back to 64 MB after a checkpoint.
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
            cursor.execute(f"PRAGMA journal_size_limit={64 * 1024 * 1024}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # straight to the driver: BEGIN needs none of SQLAlchemy's statement machinery
        dbapi_connection: Any = conn.connection.driver_connection
        if conn.get_execution_options().get(READ_ONLY):
            dbapi_connection.execute("BEGIN")
        elif queue is not None:
            dbapi_connection.begin_write()
        else:
            dbapi_connection.execute("BEGIN IMMEDIATE")
