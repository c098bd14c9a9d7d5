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


def test_0005_keeps_the_candidates_and_indexes_only_assigned_tasks(migrated_url):
    command.downgrade(alembic_config(migrated_url), "0004")
    engine = create_db_engine(migrated_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO blobs (hash, kind, content, created_at) VALUES ('h', 'x', 'x', :now)",
            "INSERT INTO deployments (id, name, deployed_by, deployed_at, resources) "
            "VALUES ('d1', 'd', 'anna', :now, '[]')",
            "INSERT INTO process_definitions (id, key, version, deployment_id, bundle_hash, "
            "source_hash, resource_name, message_start_names, deployed_at) "
            "VALUES ('p:1', 'p', 1, 'd1', 'h', 'h', 'p.bpmn', '[]', :now)",
            "INSERT INTO process_instances (id, definition_id, process_key, process_version, "
            "bundle_hash, status, state, serializer_version, version, variables, started_at, "
            "started_by) VALUES ('i1', 'p:1', 'p', 1, 'h', 'active', '{}', 1, 1, '{}', :now, "
            "'anna')",
        ):
            conn.execute(text(statement), {"now": now})
        conn.execute(
            text(
                "INSERT INTO human_tasks (id, instance_id, element_id, candidate_groups, "
                "candidate_users, process_key, process_version, form, created_at) "
                "VALUES ('t1', 'i1', 'e', '[]', '[]', 'p', 1, '{}', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO task_candidates (task_id, kind, value) VALUES "
                "('t1', 'group', 'poortwachter'), ('t1', 'user', 'anna')"
            )
        )
    engine.dispose()
    upgrade(migrated_url)
    test_models_and_migrations_do_not_differ(migrated_url)
    engine = create_db_engine(migrated_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, value FROM task_candidates ORDER BY kind"))
        assert [tuple(r) for r in rows] == [("group", "poortwachter"), ("user", "anna")]
        if engine.dialect.name == "sqlite":
            ddl = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'task_candidates'")
            ).scalar_one()
            assert "WITHOUT ROWID" in ddl
            index = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_human_tasks_assignee'")
            ).scalar_one()
        else:
            index = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_human_tasks_assignee'")
            ).scalar_one()
        assert "assignee IS NOT NULL" in index
        # deleting the task still takes its candidates along (ON DELETE CASCADE)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM human_tasks WHERE id = 't1'"))
        assert conn.execute(text("SELECT count(*) FROM task_candidates")).scalar() == 0
    engine.dispose()


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
