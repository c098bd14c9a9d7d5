"""The write batcher: jobs of one loop iteration in one group on the event loop, answered
only once durable; each job's failure its own; a failed fsync fails every job that kept
work; when the turn or the write lock is taken, the jobs run on the writer thread; the WAL
is checkpointed outside the writers' turn."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from orchestrator.store import create_db_engine
from orchestrator.store.batch import WriteBatcher
from orchestrator.store.db import READ_ONLY, writer_queue
from orchestrator.store.group import GroupCommit, GroupCommitFailed
from orchestrator.store.uow import UnitOfWork


@pytest.fixture
def engine(full_engine: Engine) -> Engine:
    return full_engine


@pytest.fixture
def group(engine: Engine) -> Iterator[GroupCommit]:
    group = GroupCommit(engine, max_open_s=5.0)
    yield group
    group.close()


@pytest.fixture
def batcher(group: GroupCommit) -> Iterator[WriteBatcher]:
    batcher = WriteBatcher(group)
    yield batcher
    batcher.close()


def _ids(engine: Engine) -> list[int]:
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        return [row[0] for row in conn.execute(text("select id from t order by id"))]


def _insert(
    engine: Engine, group: GroupCommit, row: int, *, fail: bool = False
) -> Callable[[], int]:
    """A job: one unit of work that inserts ``row`` (and fails after it, if asked)."""

    def job() -> int:
        with UnitOfWork(engine, group=group) as uow:
            uow.connection.execute(text("insert into t values (:i, 'x')"), {"i": row})
            if fail:
                raise ValueError(f"job {row} fails")
            uow.commit()
        return row

    return job


async def _all(batcher: WriteBatcher, jobs: list[Callable[[], int]]) -> list[object]:
    return await asyncio.gather(*(batcher.run(job) for job in jobs), return_exceptions=True)


def test_jobs_of_one_iteration_share_a_group_on_the_loop_and_hear_back_once_durable(
    engine: Engine, group: GroupCommit, batcher: WriteBatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered: list[int] = []
    at_fsync: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        at_fsync.append(len(answered))
        real_fsync(fd)

    monkeypatch.setattr("orchestrator.store.durability.os.fsync", fsync)

    async def main() -> list[int]:
        async def one(row: int) -> int:
            result = await batcher.run(_insert(engine, group, row))
            answered.append(result)
            return result

        return await asyncio.gather(*(one(row) for row in range(10)))

    assert asyncio.run(main()) == list(range(10))
    assert _ids(engine) == list(range(10))
    assert (group.groups_committed, group.members_committed) == (1, 10)
    assert (batcher.runs, batcher.jobs, batcher.thread_runs) == (1, 10, 0)
    assert at_fsync == [0]  # nobody had heard back when the group went to disk


def test_a_failing_job_is_rolled_back_alone(
    engine: Engine, group: GroupCommit, batcher: WriteBatcher
) -> None:
    jobs = [_insert(engine, group, 1), _insert(engine, group, 2, fail=True)]
    jobs.append(_insert(engine, group, 3))
    outcomes = asyncio.run(_all(batcher, jobs))
    assert outcomes[0] == 1
    assert outcomes[2] == 3
    assert isinstance(outcomes[1], ValueError)
    assert _ids(engine) == [1, 3]


def test_a_failed_fsync_fails_every_job_that_kept_work(
    engine: Engine, group: GroupCommit, batcher: WriteBatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("orchestrator.store.durability.os.fsync", broken)
    jobs = [_insert(engine, group, 1), _insert(engine, group, 2, fail=True)]
    outcomes = asyncio.run(_all(batcher, jobs))
    # committed, but not known to be on disk: not acknowledged
    assert isinstance(outcomes[0], GroupCommitFailed)
    assert isinstance(outcomes[1], ValueError)  # its own failure: it kept nothing


def test_when_another_thread_has_the_turn_the_jobs_wait_on_the_writer_thread(
    engine: Engine, group: GroupCommit, batcher: WriteBatcher
) -> None:
    holding = threading.Event()
    go_on = threading.Event()

    def other_writer() -> None:
        lease = group.begin()
        lease.connection.execute(text("insert into t values (100, 'x')"))
        holding.set()
        go_on.wait(5)
        group.commit(lease)

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(5)

    async def main() -> list[object]:
        pending = asyncio.ensure_future(_all(batcher, [_insert(engine, group, 1)]))
        while batcher.thread_runs == 0 and group._turn.waiting() == 0:
            await asyncio.sleep(0.005)  # the loop itself never waits for the turn
        go_on.set()
        return await pending

    assert asyncio.run(main()) == [1]
    thread.join(5)
    assert batcher.thread_runs == 1
    assert _ids(engine) == [1, 100]


def test_when_the_write_lock_is_taken_the_jobs_wait_on_the_writer_thread(
    engine: Engine, group: GroupCommit, batcher: WriteBatcher
) -> None:
    # a writer outside this group (another engine, another process) holds the database
    database = writer_queue(Path(str(engine.url.database)))
    assert database.acquire(5)
    released = threading.Timer(0.1, database.release)
    released.start()
    started = time.monotonic()
    assert asyncio.run(_all(batcher, [_insert(engine, group, 1)])) == [1]
    assert time.monotonic() - started >= 0.09
    released.join()
    assert batcher.thread_runs == 1
    # and the next time the lock is free, the loop runs them itself
    assert asyncio.run(_all(batcher, [_insert(engine, group, 2)])) == [2]
    assert batcher.thread_runs == 1
    assert _ids(engine) == [1, 2]


def test_a_writer_outside_the_queue_does_not_block_the_loop(
    engine: Engine, batcher: WriteBatcher, group: GroupCommit
) -> None:
    # a sqlite3 shell, say: it holds SQLite's write lock without Ketenregie's lock files
    outside = sqlite3.connect(
        str(engine.url.database), isolation_level=None, timeout=0, check_same_thread=False
    )
    outside.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.3, outside.execute, args=("COMMIT",))

    async def main() -> tuple[object, list[float]]:
        ticks: list[float] = []

        async def tick() -> None:
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        ticker = asyncio.ensure_future(tick())
        released.start()
        result = await batcher.run(_insert(engine, group, 1))
        ticker.cancel()
        return result, ticks

    try:
        result, ticks = asyncio.run(main())
    finally:
        released.join()
        outside.close()
    assert result == 1
    # the job waited on the writer thread; the loop went on meanwhile
    assert batcher.thread_runs == 1
    assert ticks[-1] - ticks[0] >= 0.25
    assert max(b - a for a, b in pairwise(ticks)) < 0.15


def test_the_wal_is_checkpointed_after_fsyncs_outside_the_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("orchestrator.store.durability.CHECKPOINT_EVERY_S", 0.0)
    path = tmp_path / "wal.sqlite"
    engine = create_db_engine(f"sqlite:///{path}", synchronous="FULL")
    try:
        with engine.begin() as conn:
            conn.execute(text("create table t (id integer primary key, v text not null)"))
        group = GroupCommit(engine)
        before = path.stat().st_size
        for row in range(50):
            lease = group.begin()
            lease.connection.execute(
                text("insert into t values (:i, :v)"), {"i": row, "v": "x" * 4000}
            )
            group.commit(lease)
        # SQLite's own checkpoint is far off (4x wal_autocheckpoint); ours copied the
        # pages into the database file
        deadline = time.monotonic() + 5
        while path.stat().st_size < before + 50 * 4000:
            assert time.monotonic() < deadline, "the WAL was not checkpointed"
            time.sleep(0.01)
        group.close()
    finally:
        engine.dispose()


def test_a_closed_batcher_takes_no_jobs(
    batcher: WriteBatcher, engine: Engine, group: GroupCommit
) -> None:
    batcher.close()
    with pytest.raises(RuntimeError, match="closed"):
        asyncio.run(batcher.run(_insert(engine, group, 1)))


def test_a_burst_runs_group_by_group_with_the_loop_in_between(engine: Engine) -> None:
    group = GroupCommit(engine, max_open_s=0.0)  # one job per group
    batcher = WriteBatcher(group)
    events: list[str] = []

    def job(row: int) -> Callable[[], int]:
        insert = _insert(engine, group, row)

        def run() -> int:
            events.append(f"job {row}")
            return insert()

        return run

    async def main() -> None:
        pending = [asyncio.ensure_future(batcher.run(job(row))) for row in range(3)]
        await asyncio.sleep(0)  # the jobs arrive; the drain is scheduled
        asyncio.get_running_loop().call_soon(events.append, "the loop")
        await asyncio.gather(*pending)

    try:
        asyncio.run(main())
    finally:
        batcher.close()
        group.close()
    # after the first group the loop ran what was waiting, then the next group
    assert events == ["job 0", "the loop", "job 1", "job 2"]
    assert _ids(engine) == [0, 1, 2]
