"""Metrics of an API served from several processes (``serve --api-processes N``).

Each process only sees its own requests and its own SQLite group commits, so a scrape
answered by one of them must add up the figures of all. prometheus_client's multiprocess
mode does that: every process writes its values to memory-mapped files in one directory
(``PROMETHEUS_MULTIPROC_DIR``, set by the supervising parent before it spawns the API
processes, so their prometheus_client picks the mode at import), and a scrape reads them
all (``MultiProcessCollector``). Files of processes that died stay: request counts and
commit counters only ever grow, also over a restart.

Group commit totals live in the store (:meth:`Store.group_commits`), not in a Prometheus
metric, so each process copies the growth of its totals into multiprocess counters
(:class:`GroupCommitCounters`): API processes after every request and before every
scrape, the parent (whose scheduler and workers write too) every second.

prometheus_client is imported inside the functions here: the parent imports this module
before it sets ``PROMETHEUS_MULTIPROC_DIR``, and the import would fix the mode too early.
"""

from __future__ import annotations

import threading
from pathlib import Path

import structlog

from orchestrator.store.uow import Store

log = structlog.get_logger(__name__)

#: the variable prometheus_client reads once, at import, to choose its multiprocess mode
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_active() -> bool:
    """True when this process's prometheus_client writes its values to the shared files."""
    from prometheus_client import values

    return values.ValueClass is not values.MutexValue


def require_multiprocess(directory: Path) -> None:
    """Refuse to count in memory where the figures must be shared.

    Raises:
        RuntimeError: prometheus_client was imported before ``PROMETHEUS_MULTIPROC_DIR``
            was set, so this process's figures would be missing from every scrape.
    """
    if not multiprocess_active():
        raise RuntimeError(
            f"prometheus_client is not in multiprocess mode; {MULTIPROC_ENV}={directory} "
            "must be set before it is imported"
        )


class GroupCommitCounters:
    """This process's group commits, as counters summed over processes at scrape time."""

    def __init__(self, store: Store) -> None:
        from prometheus_client import Counter

        self._store = store
        self._lock = threading.Lock()
        self._pushed = (0, 0)
        # registry=None: exported through the shared files only, never twice
        self._commits = Counter(
            "ketenregie_db_group_commits",
            "SQLite transactions committed for groups of writes",
            registry=None,
        )
        self._writes = Counter(
            "ketenregie_db_grouped_writes",
            "Units of work committed in those transactions",
            registry=None,
        )

    @classmethod
    def of(cls, store: Store) -> GroupCommitCounters | None:
        """Counters for ``store``, or None when it does not commit in groups (PostgreSQL)."""
        return cls(store) if store.group_commits() is not None else None

    def sync(self) -> None:
        """Add what the store committed since the last call."""
        counts = self._store.group_commits()
        if counts is None:
            return
        with self._lock:
            transactions, writes = counts
            done_transactions, done_writes = self._pushed
            if transactions > done_transactions:
                self._commits.inc(transactions - done_transactions)
            if writes > done_writes:
                self._writes.inc(writes - done_writes)
            self._pushed = (max(transactions, done_transactions), max(writes, done_writes))


class GroupCommitExport:
    """A background service of the supervising parent: its own group commits (scheduler,
    publisher, in-process workers) go into the shared figures every ``interval`` seconds.

    The counters are made at :meth:`start`, after the parent set ``PROMETHEUS_MULTIPROC_DIR``;
    when prometheus_client was imported earlier (in memory mode) the parent's commits are
    left out, with a warning, rather than counted where no scrape sees them.
    """

    def __init__(self, store: Store, *, interval: float = 1.0) -> None:
        self._store = store
        self._interval = interval
        self._stopping = threading.Event()
        self._counters: GroupCommitCounters | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if not multiprocess_active():
            log.warning("metrics.parent_commits_not_shared", reason="prometheus_client imported")
            return
        self._counters = GroupCommitCounters.of(self._store)
        if self._counters is None:
            return
        self._thread = threading.Thread(target=self._run, name="group-commit-export", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._counters is not None:
            self._counters.sync()

    def _run(self) -> None:
        assert self._counters is not None  # noqa: S101 - set before the thread starts
        while not self._stopping.wait(self._interval):
            self._counters.sync()
