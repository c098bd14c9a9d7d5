"""Group commit for SQLite: the write units of work of one process share transactions.

A durable SQLite commit (``synchronous=FULL``) costs an fsync, and SQLite has one writer
at a time, so with one transaction per unit of work every fsync holds up every writer
queued behind it. Here the writers of one process take turns (FIFO) on one connection.
The first opens a transaction; each unit of work runs inside it under its own savepoint
(the first needs none: the transaction is its savepoint); a unit that fails is rolled back
to its savepoint and leaves the others' work alone. When a unit of work is done and
another is already waiting for its turn, the transaction is handed on uncommitted;
otherwise (or once the group is full or old) it is committed, once, for all of them.

``commit()`` of a unit of work returns only after the transaction that holds its work is
committed, and raises if that commit failed: a caller never sees a success that is not
durable. With ``synchronous=FULL`` the shared connection commits without SQLite's fsync
and the WAL is fsynced right after, outside the turn: the next group writes while this one
goes to disk, and its members are answered once it is there (a reader may see the work a
fraction of a millisecond before it is on disk; nobody is told it is done before). Units
of work of the same group see each other's writes in turn order, as if each had committed
before the next began (they are serialized either way).

A *held run* (:meth:`GroupCommit.hold`, used by :mod:`.batch`) keeps the turn in one
thread for several units of work: they join the group without any hand-over, their
commits return at once, and the run tells its callers the outcome once the group is done
(:meth:`Group.when_done`). The run's last group is fsynced by a syncer thread
(:mod:`.durability`), so the run's thread, the event loop, goes on serving meanwhile.
With ``synchronous=FULL`` the WAL is checkpointed by a thread of its own, not in a
writer's COMMIT; only its last step takes the turn (:meth:`GroupCommit.paused`).

Readers (read-only units of work) use pooled connections of their own and see a group's
work once it is committed. Writers in other processes, or on other engines of the same
file, wait for the group's transaction like for any other (SQLite's write lock and the
process-wide :class:`~orchestrator.store.db.WriterQueue`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, RootTransaction
from sqlalchemy.exc import OperationalError

from orchestrator.store.db import BUSY_TIMEOUT_S, WriterBusy, WriterQueue, writer_queue
from orchestrator.store.durability import WriteConnection, driver

#: a group takes no new members after this many ...
MAX_MEMBERS = 32
#: ... or once its transaction has been open this long (bounds the first member's wait:
#: ~4 task completions; at 15 ms, a backlog after a stall answered in 15 ms steps)
MAX_OPEN_S = 0.005
#: ... or this long while a writer of another process waits for the database
SHARED_OPEN_S = 0.002
#: the savepoint of a member after the first. Members run one after another, so one name
#: does; a unit of work's own savepoints (SQLAlchemy's ``sa_savepoint_N``) nest inside it.
#: Emitted on the driver: SQLAlchemy compiles a SAVEPOINT construct per call, which cost
#: more than the rest of the group's bookkeeping together.
SAVEPOINT = "ketenregie_member"


class GroupCommitFailed(OperationalError):
    """The shared transaction holding this unit of work's changes did not commit."""


@dataclass
class Group:
    transaction: RootTransaction
    opened: float
    members: int = 0
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None
    _callbacks: list[Callable[[BaseException | None], None]] = field(default_factory=list)
    _callbacks_lock: threading.Lock = field(default_factory=threading.Lock)

    def finish(self) -> None:
        """Mark the group done (committed and durable, or failed: see ``error``) and run
        the callbacks of :meth:`when_done`."""
        with self._callbacks_lock:
            self.done.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self.error)

    def when_done(self, callback: Callable[[BaseException | None], None]) -> None:
        """Call ``callback(error)`` once the group is done (at once if it is): in the
        thread that finishes it, so it must be quick and must not raise."""
        with self._callbacks_lock:
            if not self.done.is_set():
                self._callbacks.append(callback)
                return
        callback(self.error)

    def failure(self) -> GroupCommitFailed | None:
        """What a member of this (done) group is told instead of its success, if anything."""
        if self.error is None:
            return None
        failed = GroupCommitFailed(
            "COMMIT", None, Exception(f"the group commit failed: {self.error}")
        )
        failed.__cause__ = self.error
        return failed


@dataclass
class Lease:
    """One unit of work's turn: the shared connection and its place in the group."""

    connection: Connection
    group: Group
    #: whether the member runs under :data:`SAVEPOINT` (every member but the first)
    savepoint: bool
    finished: bool = False


class GroupCommit:
    """Hands out turns on one write connection of ``engine`` and commits in groups."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_members: int = MAX_MEMBERS,
        max_open_s: float = MAX_OPEN_S,
    ) -> None:
        self._max_members = max_members
        self._max_open_s = max_open_s
        self._turn = WriterQueue()
        #: the shared connection, and with FULL the WAL this process fsyncs itself
        self._write = WriteConnection(engine, pause=self.paused)
        database = engine.url.database
        #: the process-wide queue of the database file (it knows of other processes)
        self._database = (
            writer_queue(Path(database)) if database and database != ":memory:" else None
        )
        self._group: Group | None = None
        #: the thread that holds the turn for a run of units of work (:meth:`hold`)
        self._holder: int | None = None
        #: the groups the held run's units of work kept their work in (:meth:`take_kept`)
        self._kept: list[Group] = []
        #: committed so far: transactions, and the units of work they held
        self.groups_committed = 0
        self.members_committed = 0

    # ------------------------------------------------------------------ turns
    def begin(self) -> Lease:
        """Wait for this thread's turn and open its part of the group's transaction."""
        held = self._held()
        if not held and not self._turn.acquire(BUSY_TIMEOUT_S):
            raise OperationalError(
                "BEGIN", None, Exception("database is locked (writer turn timed out)")
            )
        group = self._group
        try:
            conn = self._write.get()
            if group is None:
                group = Group(conn.begin(), time.monotonic())
                self._group = group
                return Lease(conn, group, savepoint=False)
            driver(conn).execute(f"SAVEPOINT {SAVEPOINT}")
            return Lease(conn, group, savepoint=True)
        except BaseException as error:
            if self._group is not None:
                self._fail_group(self._group, error)  # the members before us fail with it
            else:
                self._write.abandon()
            if not held:
                self._turn.release()
            raise

    def commit(self, lease: Lease) -> None:
        """Keep ``lease``'s work in the group and return once it is durable.

        In a held run (:meth:`hold`) it returns at once: the work stays in the group,
        which :meth:`take_kept` names and :meth:`release` ends."""
        self._check(lease)
        lease.finished = True
        held = self._held()
        try:
            if lease.savepoint:
                driver(lease.connection).execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
        except BaseException as error:
            self._fail_group(lease.group, error)
            if not held:
                self._turn.release()
            raise
        lease.group.members += 1
        group = lease.group
        if held:
            self._kept.append(group)
            return
        if self._hand_on(group):
            group.done.wait()
        failed = group.failure()
        if failed is not None:
            raise failed

    def rollback(self, lease: Lease) -> None:
        """Undo ``lease``'s work only; the group goes on (or commits) without it."""
        if lease.finished:
            return
        lease.finished = True
        group = lease.group
        held = self._held()
        try:
            if not lease.savepoint:
                # the first member: the transaction holds nothing else yet
                group.transaction.rollback()
                self._group = None
                group.finish()
                if not held:
                    self._turn.release()
                return
            sqlite = driver(lease.connection)
            sqlite.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
            sqlite.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
        except BaseException as error:
            self._fail_group(group, error)
            if not held:
                self._turn.release()
            raise
        if held:
            return
        if group.members == 0 and not self._turn_waiting():
            # nothing kept in it: end the transaction without an fsync
            self._end(group, commit=False)
            self._turn.release()
            return
        self._hand_on(group)

    # ------------------------------------------------------------------ held runs
    def hold(self, *, blocking: bool = True) -> bool:
        """Take the turn for a run of units of work of this thread, one after another.

        Until :meth:`release`, each of them begins without waiting for the turn, and its
        commit keeps its work in the group and returns at once, not yet durable: the run
        asks :meth:`take_kept` after each unit of work which groups hold it, and tells
        its callers the outcome once those are done (:meth:`Group.when_done`). One
        thread, no hand-overs: a batch of work costs no thread switches between its
        units.

        ``blocking=False`` (an event loop's thread, which must not wait): False at once
        when the turn or the database's write lock is taken (another thread, another
        process); the group's transaction is then begun here, so no unit of work of the
        run waits either. Blocking, it raises OperationalError when the turn does not
        come in time."""
        if self._held():
            raise RuntimeError("this thread holds the turn already")
        if not self._turn.acquire(BUSY_TIMEOUT_S if blocking else 0.0):
            if not blocking:
                return False
            raise OperationalError(
                "BEGIN", None, Exception("database is locked (writer turn timed out)")
            )
        if not blocking and self._group is None:
            try:
                self._group = self._begin_now()
            except BaseException:
                self._turn.release()
                raise
            if self._group is None:
                self._turn.release()
                return False
        self._holder = threading.get_ident()
        return True

    def _begin_now(self) -> Group | None:
        """The group's transaction, begun only if the database's write lock is free now."""
        conn = self._write.get()
        sqlite = driver(conn)
        sqlite.write_wait = 0.0  # read by QueuedConnection.begin_write
        try:
            return Group(conn.begin(), time.monotonic())
        except WriterBusy:
            # raised by the begin event, before SQLite's BEGIN: nothing is open
            if conn.in_transaction():
                conn.rollback()
            return None
        except BaseException:
            self._write.abandon()
            raise
        finally:
            sqlite.write_wait = None

    def take_kept(self) -> list[Group]:
        """The groups that kept the work of the held run's units of work since the last
        call (usually one; none for a unit of work that was rolled back)."""
        kept, self._kept = self._kept, []
        return kept

    def should_release(self) -> bool:
        """Whether the held run should end now: another writer waits for the turn, or the
        group is full or has been open long enough."""
        if self._turn_waiting():
            return True
        group = self._group
        if group is None:
            return False
        if group.members >= self._max_members:
            return True
        age = time.monotonic() - group.opened
        # younger than the shortest limit: no need to ask other processes (two syscalls)
        return age >= min(self._max_open_s, SHARED_OPEN_S) and age >= self._open_limit()

    def release(self, *, sync_later: bool = False) -> None:
        """End the held run: its group is handed on to a waiting writer (who commits it
        later), or committed, made durable and finished here."""
        if not self._held():
            raise RuntimeError("this thread does not hold the turn")
        self._holder = None
        group = self._group
        if group is None:
            self._turn.release()
        elif group.members == 0 and not self._turn_waiting():
            self._end(group, commit=False)
            self._turn.release()
        else:
            self._hand_on(group, sync_later=sync_later)

    def paused(self, work: Callable[[], None]) -> bool:
        """Run ``work`` while nobody writes to the database (the checkpointer's last step):
        with the turn, after committing the open group, if any (made durable by the
        syncer), and with the database's writer lock, so writers of other processes wait
        too. False, and ``work`` not run, when either did not come in time."""
        if not self._turn.acquire(BUSY_TIMEOUT_S):
            return False
        try:
            group = self._group
            if group is not None and group.members == 0:
                self._end(group, commit=False)  # nothing kept in it (all rolled back)
            elif group is not None:
                self._end(group, commit=True, announce=False)
                if group.error is None:
                    if self._write.wal is not None:
                        self._write.wal.sync_later(group)
                    else:
                        group.finish()
            database = self._database
            if database is not None and not database.acquire(BUSY_TIMEOUT_S):
                return False
            try:
                work()
            finally:
                if database is not None:
                    database.release()
            return True
        finally:
            self._turn.release()

    # ------------------------------------------------------------------ internals
    def _held(self) -> bool:
        return self._holder == threading.get_ident()

    def _hand_on(self, group: Group, *, sync_later: bool = False) -> bool:
        """Pass the open transaction to the next waiting member (True), or commit the
        group and release the turn (False). While a writer of another process waits for
        the database, a group stays open for :data:`SHARED_OPEN_S` at most."""
        if (
            self._turn_waiting()
            and group.members < self._max_members
            and time.monotonic() - group.opened < self._open_limit()
        ):
            self._turn.release()
            return True
        self._end(group, commit=True, announce=False)
        self._turn.release()
        if self._write.wal is not None and group.error is None:
            if sync_later:
                # a held run goes on with its next jobs; the syncer makes this durable
                self._write.wal.sync_later(group)
                return False
            # the next group writes while this one's WAL frames go to disk
            self._write.wal.sync([group])
        group.finish()
        return False

    def _end(self, group: Group, *, commit: bool, announce: bool = True) -> None:
        try:
            if commit:
                group.transaction.commit()
                self.groups_committed += 1
                self.members_committed += group.members
            else:
                group.transaction.rollback()
        except BaseException as error:  # noqa: BLE001 - every member is told, then raises it
            group.error = error
            self._write.abandon()
        finally:
            self._group = None
            if announce or group.error is not None:
                group.finish()

    def _fail_group(self, group: Group, error: BaseException) -> None:
        group.error = error
        self._write.abandon()
        self._group = None
        group.finish()

    def _open_limit(self) -> float:
        if self._database is not None and self._database.others_waiting():
            return min(self._max_open_s, SHARED_OPEN_S)
        return self._max_open_s

    def _turn_waiting(self) -> bool:
        return self._turn.waiting() > 0

    def _check(self, lease: Lease) -> None:
        if lease.finished or lease.group is not self._group:
            raise RuntimeError("this unit of work's turn is over")

    def close(self) -> None:
        """Close the shared connection (no group may be open), once the groups committed so
        far are durable."""
        if self._write.wal is not None:
            self._write.wal.close()
        if self._turn.acquire(BUSY_TIMEOUT_S):
            try:
                self._write.close()
            finally:
                self._turn.release()
