"""Unit of work: one transaction, the repositories that write in it, commit or roll back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Connection, Engine, RootTransaction

from orchestrator.store.db import READ_ONLY
from orchestrator.store.repos_definitions import (
    BlobRepository,
    DefinitionRepository,
    DeploymentRepository,
)
from orchestrator.store.repos_ops import AuditRepository, IncidentRepository, OutboxRepository
from orchestrator.store.repos_query import QueryRepository
from orchestrator.store.repos_runtime import InstanceRepository, TaskRepository
from orchestrator.store.repos_waits import JobRepository, MessageRepository, TimerRepository


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit rolls back.

    Attributes (valid inside the ``with`` block): ``blobs``, ``deployments``,
    ``definitions``, ``instances``, ``tasks``, ``timers``, ``messages``, ``jobs``,
    ``incidents``, ``outbox``, ``audit``, ``queries`` (read-side queries).
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
    queries: QueryRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._conn: Connection | None = None
        self._tx: RootTransaction | None = None

    def __enter__(self) -> UnitOfWork:
        conn = self._engine.connect()
        if self._read_only:
            conn = conn.execution_options(**{READ_ONLY: True})
        self._conn = conn
        self._tx = conn.begin()
        self.blobs = BlobRepository(conn)
        self.deployments = DeploymentRepository(conn)
        self.definitions = DefinitionRepository(conn)
        self.instances = InstanceRepository(conn)
        self.tasks = TaskRepository(conn)
        self.timers = TimerRepository(conn)
        self.messages = MessageRepository(conn)
        self.jobs = JobRepository(conn)
        self.incidents = IncidentRepository(conn)
        self.outbox = OutboxRepository(conn)
        self.audit = AuditRepository(conn)
        self.queries = QueryRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._tx = None

    @property
    def connection(self) -> Connection:
        """The connection of the open transaction (for tests and savepoints)."""
        if self._conn is None:
            raise RuntimeError("unit of work is not open")
        return self._conn

    def commit(self) -> None:
        """Commit everything written in this unit of work."""
        if self._tx is None:
            raise RuntimeError("unit of work is not open")
        self._tx.commit()

    def rollback(self) -> None:
        """Discard everything written in this unit of work."""
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an exception inside rolls back only this part."""
        with self.connection.begin_nested():
            yield


class Store:
    """Opens units of work on one database engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work; ``read_only`` skips SQLite's write lock (queries only)."""
        return UnitOfWork(self.engine, read_only=read_only)

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()
