"""Migrations on both backends, models == migrations, and the append-only audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import exc, func, insert, select, text

from orchestrator.store import create_db_engine, upgrade
from orchestrator.store.schema import alembic_config
from orchestrator.store.tables import audit_events, metadata


def test_upgrade_is_idempotent_and_reaches_head(migrated_url):
    upgrade(migrated_url)
    head = ScriptDirectory.from_config(alembic_config(migrated_url)).get_current_head()
    engine = create_db_engine(migrated_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    engine.dispose()


def test_models_and_migrations_do_not_differ(migrated_url: str) -> None:
    engine = create_db_engine(migrated_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_up_again(migrated_url):
    command.downgrade(alembic_config(migrated_url), "base")
    upgrade(migrated_url)
    test_models_and_migrations_do_not_differ(migrated_url)


def test_audit_events_refuse_update_and_delete(migrated_url):
    engine = create_db_engine(migrated_url)
    row = {"at": datetime.now(UTC), "actor": "anna", "action": "task.claimed", "details": {}}
    with engine.begin() as conn:
        conn.execute(insert(audit_events).values(row))
    for statement in (
        audit_events.update().values(actor="mallory"),
        audit_events.delete(),
    ):
        with pytest.raises(exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_events)).scalar() == 1
        assert conn.execute(select(audit_events.c.actor)).scalar() == "anna"
    engine.dispose()


def test_sqlite_connection_settings(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'x' / 'db.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()
