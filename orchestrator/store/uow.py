"""Unit of work: one transaction, the repositories that write in it, commit or roll back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, RootTransaction

from orchestrator.store.batch import WriteBatcher
from orchestrator.store.db import READ_ONLY
from orchestrator.store.group import GroupCommit, Lease
from orchestrator.store.repos_definitions import (
    BlobRepository,
    DefinitionRepository,
    DeploymentRepository,
)
from orchestrator.store.repos_index import IndexRepository
from orchestrator.store.repos_ops import AuditRepository, IncidentRepository, OutboxRepository
from orchestrator.store.repos_query import QueryRepository
from orchestrator.store.repos_runtime import InstanceRepository, TaskRepository
from orchestrator.store.repos_waits import JobRepository, MessageRepository, TimerRepository


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit rolls back.

    Attributes (valid inside the ``with`` block): ``blobs``, ``deployments``,
    ``definitions``, ``instances``, ``tasks``, ``timers``, ``messages``, ``jobs``,
    ``incidents``, ``outbox``, ``audit``, ``index`` (an instance's index rows in one
    read), ``queries`` (read-side queries). Audit and outbox rows are queued and inserted
    together before commit, before a savepoint and before they are read back.
    """

    blobs: BlobRepository
    deployments: DeploymentRepository
    definitions: DefinitionRepository
    instances: InstanceRepository
    tasks: TaskRepository
    timers: TimerRepository
    messages: MessageRepository
    jobs: JobRepository
    incidents: IncidentRepository
    outbox: OutboxRepository
    audit: AuditRepository
    index: IndexRepository
    queries: QueryRepository

    def __init__(
        self, engine: Engine, *, read_only: bool = False, group: GroupCommit | None = None
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._group = None if read_only else group
        self._lease: Lease | None = None
        self._conn: Connection | None = None
        self._tx: RootTransaction | None = None
        self._batched: list[AuditRepository | OutboxRepository] = []

    def __enter__(self) -> UnitOfWork:
        if self._group is not None:
            self._lease = self._group.begin()
            self._conn = self._lease.connection
            return self
        conn = self._engine.connect()
        if self._read_only:
            conn = conn.execution_options(**{READ_ONLY: True})
        self._conn = conn
        self._tx = conn.begin()
        return self

    def __getattr__(self, name: str) -> Any:
        # Repositories are made on first use: most units of work touch three or four.
        factory = _REPOSITORIES.get(name)
        if factory is None or self._conn is None:
            raise AttributeError(name)
        repository = factory(self._conn, self)
        if isinstance(repository, AuditRepository | OutboxRepository):
            self._batched.append(repository)
        setattr(self, name, repository)
        return repository

    def flush(self) -> None:
        """Insert the audit and outbox rows queued so far (commit does this too)."""
        for repository in self._batched:
            repository.flush()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._lease is not None and self._group is not None:
                for repository in self._batched:
                    repository.discard()
                self._group.rollback(self._lease)  # a no-op once committed
            elif self._tx is not None and self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._conn is not None and self._lease is None:
                self._conn.close()  # a group's connection stays with the group
            self._lease = None
            self._conn = None
            self._tx = None
            for name in _REPOSITORIES:
                self.__dict__.pop(name, None)
            self._batched = []

    @property
    def connection(self) -> Connection:
        """The connection of the open transaction (for tests and savepoints)."""
        if self._conn is None:
            raise RuntimeError("unit of work is not open")
        self.flush()
        return self._conn

    def commit(self) -> None:
        """Commit everything written in this unit of work; returns once it is durable."""
        if self._lease is not None and self._group is not None:
            self.flush()
            self._group.commit(self._lease)
            return
        if self._tx is None:
            raise RuntimeError("unit of work is not open")
        self.flush()
        self._tx.commit()

    def rollback(self) -> None:
        """Discard everything written in this unit of work (it is over after this)."""
        for repository in self._batched:
            repository.discard()
        if self._lease is not None and self._group is not None:
            self._group.rollback(self._lease)
        elif self._tx is not None and self._tx.is_active:
            self._tx.rollback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an exception inside rolls back only this part."""
        with self.connection.begin_nested():  # flushes the rows queued before it
            try:
                yield
            except BaseException:
                for repository in self._batched:
                    repository.discard()  # queued inside the savepoint: rolled back too
                raise


_REPOSITORIES: dict[str, Callable[[Connection, UnitOfWork], Any]] = {
    "blobs": lambda conn, _: BlobRepository(conn),
    "deployments": lambda conn, _: DeploymentRepository(conn),
    "definitions": lambda conn, _: DefinitionRepository(conn),
    "instances": lambda conn, _: InstanceRepository(conn),
    "tasks": lambda conn, _: TaskRepository(conn),
    "timers": lambda conn, _: TimerRepository(conn),
    "messages": lambda conn, _: MessageRepository(conn),
    "jobs": lambda conn, _: JobRepository(conn),
    "incidents": lambda conn, _: IncidentRepository(conn),
    "outbox": lambda conn, _: OutboxRepository(conn),
    "audit": lambda conn, _: AuditRepository(conn),
    "index": lambda conn, _: IndexRepository(conn),
    "queries": lambda conn, uow: QueryRepository(conn, before_read=uow.flush),
}


class Store:
    """Opens units of work on one database engine.

    On a SQLite file the write units of work commit in groups (:mod:`.group`), unless
    ``group_commit`` is False, and :attr:`batcher` runs write jobs of an event loop in
    groups on that loop (:mod:`.batch`); PostgreSQL commits each unit of work on its own
    connection (no batcher: its writers do not queue for one lock).
    """

    def __init__(self, engine: Engine, *, group_commit: bool = True) -> None:
        self.engine = engine
        self._group = GroupCommit(engine) if group_commit and _sqlite_file(engine) else None
        #: runs write jobs on one thread (:mod:`.batch`); with group commit only
        self.batcher = WriteBatcher(self._group) if self._group is not None else None

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; ``read_only`` skips SQLite's write lock (queries only)."""
        return UnitOfWork(self.engine, read_only=read_only, group=self._group)

    def group_commits(self) -> tuple[int, int] | None:
        """(transactions committed, units of work they held) since start, when this store
        commits in groups (SQLite); None otherwise."""
        if self._group is None:
            return None
        return self._group.groups_committed, self._group.members_committed

    def dispose(self) -> None:
        """Close all pooled connections (after the jobs queued for the batcher)."""
        if self.batcher is not None:
            self.batcher.close()
        if self._group is not None:
            self._group.close()
        self.engine.dispose()


def _sqlite_file(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
