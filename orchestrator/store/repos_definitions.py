"""Blobs (content-addressed texts), deployments and process/decision definitions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from orchestrator.domain.errors import Conflict
from orchestrator.store import fast
from orchestrator.store.records import (
    DecisionDefinitionRecord,
    DeploymentRecord,
    ProcessDefinitionRecord,
    from_row,
    values_of,
)
from orchestrator.store.tables import (
    blobs,
    decision_definitions,
    deployments,
    process_definitions,
)

# every start looks its definition up: built once (their cache keys are memoized)
_LATEST_PROCESS = fast.Prepared(
    select(process_definitions)
    .where(process_definitions.c.key == bindparam("key"))
    .order_by(process_definitions.c.version.desc())
    .limit(1)
)
_PROCESS_VERSION = select(process_definitions).where(
    process_definitions.c.key == bindparam("key"),
    process_definitions.c.version == bindparam("version"),
)


class BlobRepository:
    """Texts stored once by their sha256 hash (bundles, BPMN and DMN sources)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def put(self, hash_: str, kind: str, content: str, at: datetime) -> None:
        """Store ``content`` under ``hash_`` unless it is already there."""
        values = {"hash": hash_, "kind": kind, "content": content, "created_at": at}
        # ON CONFLICT DO NOTHING: two deployments racing on the same content both succeed.
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(postgresql.insert(blobs).values(values).on_conflict_do_nothing())
        else:
            self._conn.execute(sqlite.insert(blobs).values(values).on_conflict_do_nothing())

    def get(self, hash_: str) -> str | None:
        """The content stored under ``hash_``, or None."""
        return self._conn.execute(
            select(blobs.c.content).where(blobs.c.hash == hash_)
        ).scalar_one_or_none()


class DeploymentRepository:
    """Immutable deployment records."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: DeploymentRecord) -> None:
        self._conn.execute(deployments.insert(), values_of(record))

    def get(self, deployment_id: str) -> DeploymentRecord | None:
        row = self._conn.execute(
            select(deployments).where(deployments.c.id == deployment_id)
        ).first()
        return from_row(DeploymentRecord, row) if row else None

    def list(self, *, limit: int = 100, offset: int = 0) -> list[DeploymentRecord]:
        rows = self._conn.execute(
            select(deployments)
            .order_by(deployments.c.deployed_at.desc(), deployments.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [from_row(DeploymentRecord, r) for r in rows]


class DefinitionRepository:
    """Versioned process and decision definitions."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_process(self, record: ProcessDefinitionRecord) -> None:
        """Insert a new version.

        Raises:
            Conflict: another deployment took this version number concurrently.
        """
        self._insert_version(process_definitions, asdict(record))

    def add_decision(self, record: DecisionDefinitionRecord) -> None:
        """Insert a new version (Conflict when the version was taken concurrently)."""
        self._insert_version(decision_definitions, asdict(record))

    def _insert_version(self, table: Table, values: dict[str, Any]) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(table.insert(), values)
        except IntegrityError as error:
            raise Conflict(f"{values['id']} was deployed concurrently") from error

    def process(self, key: str, version: int | None = None) -> ProcessDefinitionRecord | None:
        """Version ``version`` of process ``key``, or its latest version."""
        if version is None:
            found = _LATEST_PROCESS.records(self._conn, {"key": key}, ProcessDefinitionRecord)
            return found[0] if found else None
        row = self._conn.execute(_PROCESS_VERSION, {"key": key, "version": version}).first()
        return from_row(ProcessDefinitionRecord, row) if row else None

    def process_by_id(self, definition_id: str) -> ProcessDefinitionRecord | None:
        row = self._conn.execute(
            select(process_definitions).where(process_definitions.c.id == definition_id)
        ).first()
        return from_row(ProcessDefinitionRecord, row) if row else None

    def decision(self, key: str) -> DecisionDefinitionRecord | None:
        """The latest version of decision ``key``."""
        row = self._conn.execute(
            select(decision_definitions)
            .where(decision_definitions.c.key == key)
            .order_by(decision_definitions.c.version.desc())
            .limit(1)
        ).first()
        return from_row(DecisionDefinitionRecord, row) if row else None

    def latest_processes(self) -> list[ProcessDefinitionRecord]:
        """The newest version of every process key."""
        newest = (
            select(process_definitions.c.key, func.max(process_definitions.c.version).label("v"))
            .group_by(process_definitions.c.key)
            .subquery()
        )
        rows = self._conn.execute(
            select(process_definitions)
            .join(
                newest,
                (newest.c.key == process_definitions.c.key)
                & (newest.c.v == process_definitions.c.version),
            )
            .order_by(process_definitions.c.key)
        )
        return [from_row(ProcessDefinitionRecord, r) for r in rows]

    def latest_decisions(self) -> list[DecisionDefinitionRecord]:
        """The newest version of every decision key."""
        newest = (
            select(decision_definitions.c.key, func.max(decision_definitions.c.version).label("v"))
            .group_by(decision_definitions.c.key)
            .subquery()
        )
        rows = self._conn.execute(
            select(decision_definitions)
            .join(
                newest,
                (newest.c.key == decision_definitions.c.key)
                & (newest.c.v == decision_definitions.c.version),
            )
            .order_by(decision_definitions.c.key)
        )
        return [from_row(DecisionDefinitionRecord, r) for r in rows]

    def process_versions(self, key: str) -> list[ProcessDefinitionRecord]:
        """Every version of process ``key``, newest first."""
        rows = self._conn.execute(
            select(process_definitions)
            .where(process_definitions.c.key == key)
            .order_by(process_definitions.c.version.desc())
        )
        return [from_row(ProcessDefinitionRecord, r) for r in rows]
