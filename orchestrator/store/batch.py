"""Write jobs run back to back in shared transactions, on the event loop (SQLite).

With :mod:`.group` alone, every unit of work runs in a thread of its caller, and the
writers of a group hand the open transaction to each other: each hand-over wakes a thread
and passes the GIL, and when the group is done each member is woken again to answer. A
:class:`WriteBatcher` runs the jobs given to it (the task completions of the API) one
after another in the thread of the event loop instead, in the loop iteration after they
arrived: every request parsed in one iteration lands in one group, and while the jobs run
the GIL is not passed between threads at all (every SQLite call releases it; with a
second busy thread each of them was a hand-over). The group is then committed without an
fsync and a syncer thread makes it durable (:meth:`GroupCommit.release`), while the loop
goes on serving.

The event loop must not wait: when the writer turn or the database's write lock is taken
(a background writer of this process, another process), the jobs go to the batcher's
writer thread, which waits for the turn and runs them the same way.

Each job's caller learns its outcome only once the group that holds the job's work is
durable; if that group failed, every job that kept work in it fails with
:class:`GroupCommitFailed`, and no caller is told of a success that is not on disk.

Jobs must only do what a unit of work may do inside the writer turn: quick work on the
database and the engine, no waiting on the network or on other writers.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog

from orchestrator.store.durability import ThreadedWorker
from orchestrator.store.group import Group, GroupCommit

log = structlog.get_logger(__name__)

T = TypeVar("T")


@dataclass
class _Job:
    fn: Callable[[], Any]
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None
    #: the groups that hold this job's work
    kept: list[Group] = field(default_factory=list)


class WriteBatcher(ThreadedWorker):
    """Runs write jobs in groups: on the event loop when the turn is free, else on a
    writer thread that waits for it. :meth:`close` stops taking jobs; those queued for
    the thread still run."""

    def __init__(self, group: GroupCommit, *, name: str = "ketenregie-writer") -> None:
        super().__init__()
        self._group = group
        self._name = name
        #: jobs for the next drain on the loop (touched on the loop's thread only)
        self._arrived: deque[_Job] = deque()
        self._drain_scheduled = False
        #: jobs for the writer thread
        self._queue: deque[_Job] = deque()
        #: runs (groups of jobs) and jobs, since start: on the loop and on the thread
        self.runs = 0
        self.jobs = 0
        self.thread_runs = 0

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in a group; its result (or exception) once its work is durable.

        Call from the event loop: ``fn`` runs in a later iteration of it (or, when the
        turn is taken, on the writer thread)."""
        if self._closed:
            raise RuntimeError("the write batcher is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._arrived.append(_Job(fn, future))
        if not self._drain_scheduled:
            self._drain_scheduled = True
            loop.call_soon(self._drain)
        return await future

    # ------------------------------------------------------------------ on the loop
    def _drain(self) -> None:
        """One group of the jobs that arrived; the rest in a later iteration, so the loop
        answers the groups made durable meanwhile and reads new requests in between (a
        burst is answered group by group, not all at its end)."""
        self._drain_scheduled = False
        jobs = self._arrived
        if not jobs:
            return
        try:
            held = self._group.hold(blocking=False)
        except Exception as error:  # noqa: BLE001 - the database failed: they all fail
            self._arrived = deque()
            _settle([*jobs], set(), error)
            return
        if not held:
            self._arrived = deque()
            self._to_thread(jobs)
            return
        self._run_held(lambda: jobs.popleft() if jobs else None, sync_later=True)
        if jobs and not self._drain_scheduled:
            self._drain_scheduled = True
            asyncio.get_running_loop().call_soon(self._drain)

    def _to_thread(self, jobs: Iterable[_Job]) -> None:
        with self._wake:
            self._queue.extend(jobs)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            else:
                self._wake.notify()

    # ------------------------------------------------------------------ on the thread
    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if not self._queue:
                    return  # closed and drained
            try:
                self._group.hold()
            except Exception as error:  # noqa: BLE001 - the turn did not come: they fail
                with self._wake:
                    jobs, self._queue = [*self._queue], deque()
                _settle(jobs, set(), error)
                continue
            self.thread_runs += 1
            self._run_held(self._next_queued, sync_later=False)

    def _next_queued(self) -> _Job | None:
        with self._wake:
            return self._queue.popleft() if self._queue else None

    # ------------------------------------------------------------------ both
    def _run_held(self, take: Callable[[], _Job | None], *, sync_later: bool) -> None:
        """Run jobs from ``take`` in the held turn until none is left or the group should
        end; release the turn; answer the jobs once their groups are done."""
        batch: list[_Job] = []
        try:
            job = take()
            while job is not None:
                batch.append(job)
                try:
                    job.result = job.fn()
                except BaseException as error:  # noqa: BLE001 - its caller gets it
                    job.error = error
                job.kept = self._group.take_kept()
                if self._group.should_release():
                    break
                job = take()
        finally:
            try:
                self._group.release(sync_later=sync_later)
            except Exception as error:  # noqa: BLE001 - the group is finished failed
                log.error("batch.release_failed", error=str(error))
        self.runs += 1
        self.jobs += len(batch)
        groups = list({id(g): g for job in batch for g in job.kept}.values())
        _when_all_done(groups, lambda: _settle(batch, {id(g) for g in groups if g.error}))


def _when_all_done(groups: list[Group], then: Callable[[], None]) -> None:
    """Call ``then`` once every group of ``groups`` is done (at once for none)."""
    if not groups:
        then()
        return
    pending = [len(groups)]
    lock = threading.Lock()

    def one_done(_error: BaseException | None) -> None:
        with lock:
            pending[0] -= 1
            last = pending[0] == 0
        if last:
            then()

    for group in groups:
        group.when_done(one_done)


def _settle(batch: list[_Job], failed: set[int], error: BaseException | None = None) -> None:
    """Answer the jobs of ``batch`` on their event loops, one wake-up per loop: ``error``
    for all if given, else each job's own outcome, or the failure of its failed group."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, BaseException | None]]] = {}
    for job in batch:
        outcome = error if error is not None else job.error
        for group in job.kept:
            if id(group) in failed:
                outcome = group.failure()
                break
        by_loop.setdefault(job.future.get_loop(), []).append((job, outcome))
    for loop, answers in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            loop.call_soon_threadsafe(_answer, answers)


def _answer(answers: list[tuple[_Job, BaseException | None]]) -> None:
    for job, error in answers:
        if job.future.done():  # cancelled (the client went away)
            continue
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(job.result)
