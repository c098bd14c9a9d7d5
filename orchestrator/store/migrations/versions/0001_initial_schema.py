"""Initial schema: deployments, instances, worklist index, timers, messages, jobs, audit.

Revision ID: 0001
Revises: -
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("process_key", sa.String(length=200), nullable=True),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(
        op.f("ix_audit_events_instance_id"), "audit_events", ["instance_id"], unique=False
    )
    op.create_index(op.f("ix_audit_events_task_id"), "audit_events", ["task_id"], unique=False)

    op.create_table(
        "blobs",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_blobs")),
    )
    op.create_table(
        "buffered_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("message_name", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("correlation", sa.JSON(), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buffered_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_buffered_messages_message_id")),
    )
    op.create_index(
        op.f("ix_buffered_messages_expires_at"), "buffered_messages", ["expires_at"], unique=False
    )
    op.create_index(
        op.f("ix_buffered_messages_message_name"),
        "buffered_messages",
        ["message_name"],
        unique=False,
    )

    op.create_table(
        "deployments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("deployed_by", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployments")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("job_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("step", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_instance_id"), "incidents", ["instance_id"], unique=False)
    op.create_index(op.f("ix_incidents_job_id"), "incidents", ["job_id"], unique=False)
    op.create_index(op.f("ix_incidents_resolved_at"), "incidents", ["resolved_at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("routing_key", sa.String(length=200), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
    )
    op.create_index(op.f("ix_outbox_published_at"), "outbox", ["published_at"], unique=False)

    op.create_table(
        "processed_messages",
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_processed_messages")),
    )
    op.create_table(
        "decision_definitions",
        sa.Column("id", sa.String(length=400), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("deployment_id", sa.String(length=36), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("resource_name", sa.String(length=200), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name=op.f("fk_decision_definitions_deployment_id_deployments"),
        ),
        sa.ForeignKeyConstraint(
            ["source_hash"], ["blobs.hash"], name=op.f("fk_decision_definitions_source_hash_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_definitions")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_decision_definitions_key_version")),
    )
    op.create_index(
        op.f("ix_decision_definitions_key"), "decision_definitions", ["key"], unique=False
    )

    op.create_table(
        "process_definitions",
        sa.Column("id", sa.String(length=400), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("deployment_id", sa.String(length=36), nullable=False),
        sa.Column("bundle_hash", sa.String(length=64), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("resource_name", sa.String(length=200), nullable=False),
        sa.Column("message_start_names", sa.JSON(), nullable=False),
        sa.Column("timer_start", sa.String(length=200), nullable=True),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_hash"], ["blobs.hash"], name=op.f("fk_process_definitions_bundle_hash_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name=op.f("fk_process_definitions_deployment_id_deployments"),
        ),
        sa.ForeignKeyConstraint(
            ["source_hash"], ["blobs.hash"], name=op.f("fk_process_definitions_source_hash_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_definitions")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_process_definitions_key_version")),
    )
    op.create_index(
        op.f("ix_process_definitions_key"), "process_definitions", ["key"], unique=False
    )

    op.create_table(
        "process_instances",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("definition_id", sa.String(length=400), nullable=False),
        sa.Column("process_key", sa.String(length=200), nullable=False),
        sa.Column("process_version", sa.Integer(), nullable=False),
        sa.Column("bundle_hash", sa.String(length=64), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("serializer_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("parent_instance_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["bundle_hash"], ["blobs.hash"], name=op.f("fk_process_instances_bundle_hash_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["process_definitions.id"],
            name=op.f("fk_process_instances_definition_id_process_definitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_instances")),
    )
    op.create_index(
        op.f("ix_process_instances_business_key"),
        "process_instances",
        ["business_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_process_instances_process_key"), "process_instances", ["process_key"], unique=False
    )
    op.create_index(
        op.f("ix_process_instances_status"), "process_instances", ["status"], unique=False
    )

    op.create_table(
        "human_tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("lane", sa.String(length=200), nullable=True),
        sa.Column("candidate_groups", sa.JSON(), nullable=False),
        sa.Column("candidate_users", sa.JSON(), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("process_key", sa.String(length=200), nullable=False),
        sa.Column("process_version", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_human_tasks_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_human_tasks")),
    )
    op.create_index(op.f("ix_human_tasks_assignee"), "human_tasks", ["assignee"], unique=False)
    op.create_index(
        op.f("ix_human_tasks_business_key"), "human_tasks", ["business_key"], unique=False
    )
    op.create_index(op.f("ix_human_tasks_due_at"), "human_tasks", ["due_at"], unique=False)
    op.create_index(op.f("ix_human_tasks_element_id"), "human_tasks", ["element_id"], unique=False)
    op.create_index(
        op.f("ix_human_tasks_instance_id"), "human_tasks", ["instance_id"], unique=False
    )
    op.create_index(
        op.f("ix_human_tasks_organisation"), "human_tasks", ["organisation"], unique=False
    )
    op.create_index(
        op.f("ix_human_tasks_process_key"), "human_tasks", ["process_key"], unique=False
    )

    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("retry_intervals", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=200), nullable=True),
        sa.Column("lock_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_jobs_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("task_id", name=op.f("uq_jobs_task_id")),
    )
    op.create_index(op.f("ix_jobs_due_at"), "jobs", ["due_at"], unique=False)
    op.create_index(op.f("ix_jobs_instance_id"), "jobs", ["instance_id"], unique=False)
    op.create_index(op.f("ix_jobs_status"), "jobs", ["status"], unique=False)
    op.create_index(op.f("ix_jobs_topic"), "jobs", ["topic"], unique=False)

    op.create_table(
        "message_subscriptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("message_name", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("correlation", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_message_subscriptions_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_subscriptions")),
    )
    op.create_index(
        op.f("ix_message_subscriptions_instance_id"),
        "message_subscriptions",
        ["instance_id"],
        unique=False,
    )
    op.create_index(
        "ix_message_subscriptions_name_bk",
        "message_subscriptions",
        ["message_name", "business_key"],
        unique=False,
    )

    op.create_table(
        "timers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("definition_id", sa.String(length=400), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["process_definitions.id"],
            name=op.f("fk_timers_definition_id_process_definitions"),
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_timers_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
    )
    op.create_index(op.f("ix_timers_definition_id"), "timers", ["definition_id"], unique=False)
    op.create_index(op.f("ix_timers_due_at"), "timers", ["due_at"], unique=False)
    op.create_index(op.f("ix_timers_instance_id"), "timers", ["instance_id"], unique=False)

    op.create_table(
        "task_candidates",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["human_tasks.id"],
            name=op.f("fk_task_candidates_task_id_human_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "kind", "value", name=op.f("pk_task_candidates")),
    )
    op.create_index(
        "ix_task_candidates_kind_value", "task_candidates", ["kind", "value"], unique=False
    )
    _create_audit_triggers()


# audit_events is append-only: the database itself refuses UPDATE and DELETE, so not even
# a bug or a hand-written maintenance query can rewrite history.
_SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
)
_PG_TRIGGERS = (
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit_events is append-only'; END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
)


def _create_audit_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _PG_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    op.drop_table("task_candidates")
    op.drop_table("timers")
    op.drop_table("message_subscriptions")
    op.drop_table("jobs")
    op.drop_table("human_tasks")
    op.drop_table("process_instances")
    op.drop_table("process_definitions")
    op.drop_table("decision_definitions")
    op.drop_table("processed_messages")
    op.drop_table("outbox")
    op.drop_table("incidents")
    op.drop_table("deployments")
    op.drop_table("buffered_messages")
    op.drop_table("blobs")
    op.drop_table("audit_events")
