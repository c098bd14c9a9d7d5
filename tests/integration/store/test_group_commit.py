"""Group commit on SQLite: shared transactions, one unit of work's failure isolated,
a failed commit reported to every member, nothing acknowledged before it is durable."""

from __future__ import annotations

import gc
import os
import sqlite3
import struct
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

from orchestrator.store import Store, create_db_engine
from orchestrator.store.db import READ_ONLY, WriterQueue
from orchestrator.store.durability import Checkpointer
from orchestrator.store.group import GroupCommit, GroupCommitFailed


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path}/group.sqlite")
    with engine.begin() as conn:
        conn.execute(text("create table t (id integer primary key, v text not null)"))
    yield engine
    engine.dispose()


def _ids(engine: Engine) -> list[int]:
    """What a reader (outside the group) sees now."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        return [row[0] for row in conn.execute(text("select id from t order by id"))]


def _insert(group: GroupCommit, row: int, *, fail: bool = False) -> None:
    lease = group.begin()
    try:
        lease.connection.execute(text("insert into t values (:i, 'x')"), {"i": row})
        if fail:
            raise ValueError("the unit of work fails")
        group.commit(lease)
    finally:
        group.rollback(lease)  # a no-op once committed


def _wait_for_waiters(group: GroupCommit, count: int) -> None:
    deadline = time.monotonic() + 5
    while group._turn.waiting() < count:
        assert time.monotonic() < deadline, "the other threads never queued"
        time.sleep(0.001)


def test_concurrent_writers_share_commits(engine: Engine) -> None:
    group = GroupCommit(engine, max_open_s=1.0)
    threads = [
        threading.Thread(target=lambda n=n: [_insert(group, n * 100 + k) for k in range(20)])
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(_ids(engine)) == 160
    assert group.members_committed == 160
    assert group.groups_committed < 160  # some transactions held several units of work
    group.close()


def test_a_failing_member_leaves_the_others_work(engine: Engine) -> None:
    group = GroupCommit(engine, max_open_s=5.0)
    first = group.begin()
    first.connection.execute(text("insert into t values (1, 'a')"))

    def failing() -> None:
        with pytest.raises(ValueError):
            _insert(group, 2, fail=True)

    second = threading.Thread(target=failing)
    third = threading.Thread(target=_insert, args=(group, 3))
    second.start()
    _wait_for_waiters(group, 1)
    third.start()
    _wait_for_waiters(group, 2)
    group.commit(first)  # hands on to the failing member, then the third commits all
    second.join()
    third.join()
    assert _ids(engine) == [1, 3]
    assert (group.groups_committed, group.members_committed) == (1, 2)
    group.close()


def test_commit_returns_only_once_durable(engine: Engine) -> None:
    group = GroupCommit(engine, max_open_s=5.0)
    first = group.begin()
    first.connection.execute(text("insert into t values (1, 'a')"))
    seen_by_reader: list[list[int]] = []
    returned = threading.Event()

    def second() -> None:
        lease = group.begin()
        # the first member's commit has not returned: its row is not visible outside
        assert not returned.is_set()
        seen_by_reader.append(_ids(engine))
        lease.connection.execute(text("insert into t values (2, 'b')"))
        group.commit(lease)

    thread = threading.Thread(target=second)
    thread.start()
    _wait_for_waiters(group, 1)
    group.commit(first)
    returned.set()
    thread.join()
    assert seen_by_reader == [[]]
    assert _ids(engine) == [1, 2]


def test_a_failed_commit_fails_every_member(engine: Engine) -> None:
    group = GroupCommit(engine, max_open_s=5.0)

    @event.listens_for(engine, "commit")
    def _disk_full(_conn: object) -> None:
        raise OSError("disk I/O error")

    errors: list[BaseException] = []
    first = group.begin()
    first.connection.execute(text("insert into t values (1, 'a')"))

    def second() -> None:
        try:
            _insert(group, 2)
        except GroupCommitFailed as error:
            errors.append(error)

    thread = threading.Thread(target=second)
    thread.start()
    _wait_for_waiters(group, 1)
    with pytest.raises(GroupCommitFailed):
        group.commit(first)
    thread.join()
    assert len(errors) == 1
    event.remove(engine, "commit", _disk_full)
    assert _ids(engine) == []
    _insert(group, 3)  # the group starts afresh on a new connection
    assert _ids(engine) == [3]


def test_a_first_member_that_fails_rolls_back_alone(engine: Engine) -> None:
    group = GroupCommit(engine)
    with pytest.raises(ValueError):
        _insert(group, 1, fail=True)
    _insert(group, 2)
    assert _ids(engine) == [2]
    assert (group.groups_committed, group.members_committed) == (1, 1)


def test_store_groups_only_sqlite_files(tmp_path: Path) -> None:
    on_file = Store(create_db_engine(f"sqlite:///{tmp_path}/a.sqlite"))
    in_memory = Store(create_db_engine("sqlite://"))
    assert on_file._group is not None
    assert in_memory._group is None
    on_file.dispose()
    in_memory.dispose()


@pytest.mark.parametrize(("setting", "pragma"), [("NORMAL", 1), ("FULL", 2)])
def test_sqlite_synchronous_is_configurable(tmp_path: Path, setting: str, pragma: int) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/s.sqlite", synchronous=setting)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == pragma
    engine.dispose()
    with pytest.raises(ValueError, match="NORMAL or FULL"):
        create_db_engine(f"sqlite:///{tmp_path}/s.sqlite", synchronous="OFF")


def test_with_full_sync_the_wal_is_fsynced_after_the_turn_and_before_the_answer(
    full_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = GroupCommit(full_engine)
    synced: list[tuple[int, bool]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        # the turn has passed on: the next writer need not wait for the disk
        synced.append((fd, group._turn.acquire(0.0)))
        group._turn.release()
        real_fsync(fd)

    monkeypatch.setattr("orchestrator.store.durability.os.fsync", fsync)
    _insert(group, 1)
    assert [held for _, held in synced] == [True]
    # the shared connection commits without SQLite's own fsync (it is done above)
    lease = group.begin()
    assert lease.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    group.rollback(lease)

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("orchestrator.store.durability.os.fsync", broken)
    with pytest.raises(GroupCommitFailed):
        _insert(group, 2)  # committed, but not known to be on disk: not acknowledged
    group.close()


def test_with_normal_sync_sqlite_commits_as_configured(engine: Engine) -> None:
    group = GroupCommit(engine)
    lease = group.begin()
    assert lease.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    group.rollback(lease)
    assert group._write.wal is None  # no fsync of ours either: NORMAL does not promise it
    group.close()


def _wal_frames(path: Path) -> int:
    """Frames in the WAL now: ``mxFrame`` of the wal-index header (native byte order, at
    offset 16 of the -shm file); reading it changes nothing, unlike a checkpoint."""
    header = Path(f"{path}-shm").read_bytes()[:48]
    return int(struct.unpack_from("=I", header, 16)[0])


def test_a_checkpoint_during_an_open_group_still_lets_the_wal_start_over(
    full_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # only the checkpoint this test runs, none of the group's own
    monkeypatch.setattr("orchestrator.store.durability.CHECKPOINT_EVERY_S", 3600.0)
    path = Path(str(full_engine.url.database))
    group = GroupCommit(full_engine)
    for row in range(50):
        _insert_big(group, row)
    written = _wal_frames(path)
    assert written > 50
    # a held run (the event loop) has a group open when the checkpoint runs ...
    assert group.hold()
    _insert_big(group, 50)
    kept = group.take_kept()
    checkpointer = Checkpointer(pause=group.paused)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    checkpoint = threading.Thread(target=checkpointer._checkpoint, args=(conn,))
    checkpoint.start()
    _wait_for_waiters(group, 1)  # its last step waits for the turn
    # ... and ends it: the checkpoint commits the group and copies the rest
    group.release(sync_later=True)
    checkpoint.join(5)
    assert not checkpoint.is_alive()
    conn.close()
    assert [g.done.wait(5) and g.error is None for g in kept] == [True]  # and durable
    # so the next writer starts the WAL over instead of appending to it
    _insert_big(group, 51)
    assert _wal_frames(path) < 10
    assert _ids(full_engine) == list(range(52))
    group.close()


def test_the_checkpoints_last_step_holds_off_writers_of_other_processes(
    full_engine: Engine,
) -> None:
    path = Path(str(full_engine.url.database))
    group = GroupCommit(full_engine)
    _insert(group, 1)
    other = WriterQueue(path.with_name(path.name + "-writer"))  # another process's
    got_in: list[bool] = []

    def work() -> None:
        got_in.append(other.acquire(0.0))

    assert group.paused(work)
    assert got_in == [False]
    assert other.acquire(0.0)  # and free again after it
    other.release()
    group.close()


def _insert_big(group: GroupCommit, row: int) -> None:
    lease = group.begin()
    lease.connection.execute(text("insert into t values (:i, :v)"), {"i": row, "v": "x" * 4000})
    group.commit(lease)


def test_the_checkpoints_last_step_rolls_back_a_group_that_kept_nothing(
    full_engine: Engine,
) -> None:
    group = GroupCommit(full_engine)
    _insert(group, 1)
    committed = group.groups_committed
    assert group.hold(blocking=False)  # the loop's run: its group is open before any job
    lease = group.begin()
    lease.connection.execute(text("insert into t values (2, 'x')"))
    group.rollback(lease)  # ... and its only job is rolled back
    paused = threading.Thread(target=group.paused, args=(lambda: None,))
    paused.start()
    _wait_for_waiters(group, 1)
    group.release(sync_later=True)
    paused.join(5)
    assert group.groups_committed == committed  # nothing to commit, nothing counted
    assert _ids(full_engine) == [1]
    group.close()


def test_a_dropped_group_commit_is_not_kept_alive_by_its_checkpointer(
    full_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("orchestrator.store.durability.CHECKPOINT_EVERY_S", 0.0)
    group = GroupCommit(full_engine)
    _insert(group, 1)  # the fsync pokes the checkpointer: its thread runs
    wal = group._write.wal
    assert wal is not None
    dropped = weakref.ref(group)
    del group
    gc.collect()
    assert dropped() is None
    wal.close()


def test_the_checkpointer_lives_on_after_a_failed_pause(
    full_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("orchestrator.store.durability.CHECKPOINT_EVERY_S", 0.0)
    calls: list[int] = []

    def broken(work: object) -> bool:
        calls.append(1)
        raise OSError(37, "No locks available")  # flock on a file system without locks

    checkpointer = Checkpointer(pause=broken)
    for expected in (1, 2):
        checkpointer.poke(str(full_engine.url.database))
        deadline = time.monotonic() + 5
        while len(calls) < expected:
            assert time.monotonic() < deadline, "the checkpointer thread is gone"
            time.sleep(0.005)
    checkpointer.close()
