"""The relational schema (SQLAlchemy Core). Alembic migrations must match it exactly.

Instance *state* is opaque JSON text owned by the engine; every other table is an index the
application keeps in step with the latest :class:`~orchestrator.domain.runtime.InstanceSnapshot`
so worklists, timers, correlation and jobs are plain indexed queries.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from orchestrator.store.types import UtcDateTime

# Deterministic constraint names keep migrations identical on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 36  # uuid text
#: the audit action of a task completion (partially indexed by task)
TASK_COMPLETED = "task.completed"
KEY = 200  # BPMN ids, names, user ids

blobs = Table(
    "blobs",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("content", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

deployments = Table(
    "deployments",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(KEY), nullable=False),
    Column("deployed_by", String(KEY), nullable=False),
    Column("organisation", String(KEY), nullable=True),
    Column("deployed_at", UtcDateTime, nullable=False),
    Column("resources", JSON, nullable=False),
)

process_definitions = Table(
    "process_definitions",
    metadata,
    Column("id", String(2 * KEY), primary_key=True),
    Column("key", String(KEY), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("name", String(KEY), nullable=True),
    Column("deployment_id", ForeignKey("deployments.id"), nullable=False),
    Column("bundle_hash", ForeignKey("blobs.hash"), nullable=False),
    Column("source_hash", ForeignKey("blobs.hash"), nullable=False),
    Column("resource_name", String(KEY), nullable=False),
    Column("message_start_names", JSON, nullable=False),
    Column("timer_start", String(KEY), nullable=True),
    Column("deployed_at", UtcDateTime, nullable=False),
    # process-level camunda:properties (e.g. ``zichtbaar.<rol>``: the variable policy)
    Column("properties", JSON, nullable=False, server_default=text("'{}'")),
    UniqueConstraint("key", "version"),
)

decision_definitions = Table(
    "decision_definitions",
    metadata,
    Column("id", String(2 * KEY), primary_key=True),
    Column("key", String(KEY), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("name", String(KEY), nullable=True),
    Column("deployment_id", ForeignKey("deployments.id"), nullable=False),
    Column("source_hash", ForeignKey("blobs.hash"), nullable=False),
    Column("resource_name", String(KEY), nullable=False),
    Column("deployed_at", UtcDateTime, nullable=False),
    UniqueConstraint("key", "version"),
)

process_instances = Table(
    "process_instances",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("definition_id", ForeignKey("process_definitions.id"), nullable=False),
    Column("process_key", String(KEY), nullable=False, index=True),
    Column("process_version", Integer, nullable=False),
    Column("bundle_hash", ForeignKey("blobs.hash"), nullable=False),
    Column("business_key", String(KEY), nullable=True, index=True),
    Column("status", String(20), nullable=False, index=True),
    Column("state", Text, nullable=False),
    Column("serializer_version", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("started_by", String(KEY), nullable=False),
    Column("parent_instance_id", String(ID), nullable=True),
)

# Every index is written on each task insert and delete (a step or two per journey), so
# only those a query needs (migration 0004): the instance's tasks, worklists by business
# key or assignee, and the API worklist (always by organisation for a caseworker, maybe by
# process and element). Candidate checks are correlated lookups on the candidates' primary
# key; due dates and names are only sorted on, after one of these filters.
human_tasks = Table(
    "human_tasks",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("instance_id", ForeignKey("process_instances.id"), nullable=False, index=True),
    Column("element_id", String(KEY), nullable=False),
    Column("name", String(KEY), nullable=True),
    Column("lane", String(KEY), nullable=True),
    Column("candidate_groups", JSON, nullable=False),
    Column("candidate_users", JSON, nullable=False),
    Column("assignee", String(KEY), nullable=True),
    Column("due_at", UtcDateTime, nullable=True),
    Column("organisation", String(KEY), nullable=True),
    Column("business_key", String(KEY), nullable=True, index=True),
    Column("process_key", String(KEY), nullable=False),
    Column("process_version", Integer, nullable=False),
    Column("form", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=True),
    Index(None, "organisation", "process_key", "element_id"),
    # only assigned tasks (migration 0005): a new task, and completing one nobody claimed,
    # leave it alone
    Index(
        "ix_human_tasks_assignee",
        "assignee",
        sqlite_where=text("assignee IS NOT NULL"),
        postgresql_where=text("assignee IS NOT NULL"),
    ),
)

task_candidates = Table(
    "task_candidates",
    metadata,
    Column("task_id", ForeignKey("human_tasks.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),  # 'group' | 'user'
    Column("value", String(KEY), nullable=False),
    PrimaryKeyConstraint("task_id", "kind", "value"),
    # the key is the table (migration 0005): one b-tree written per row, not two
    sqlite_with_rowid=False,
)

timers = Table(
    "timers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("instance_id", ForeignKey("process_instances.id"), nullable=True, index=True),
    Column("task_id", String(ID), nullable=True),
    Column("element_id", String(KEY), nullable=False),
    Column("due_at", UtcDateTime, nullable=False, index=True),
    Column("definition_id", ForeignKey("process_definitions.id"), nullable=True, index=True),
    Column("locked_until", UtcDateTime, nullable=True),
)

message_subscriptions = Table(
    "message_subscriptions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("instance_id", ForeignKey("process_instances.id"), nullable=False, index=True),
    Column("task_id", String(ID), nullable=False),
    Column("element_id", String(KEY), nullable=False),
    Column("message_name", String(KEY), nullable=False),
    Column("business_key", String(KEY), nullable=True),
    Column("correlation", JSON, nullable=False),
    Index("ix_message_subscriptions_name_bk", "message_name", "business_key"),
)

buffered_messages = Table(
    "buffered_messages",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("message_id", String(KEY), nullable=True, unique=True),
    Column("message_name", String(KEY), nullable=False, index=True),
    Column("business_key", String(KEY), nullable=True),
    Column("correlation", JSON, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

processed_messages = Table(
    "processed_messages",
    metadata,
    Column("message_id", String(KEY), primary_key=True),
    Column("instance_id", String(ID), nullable=True),
    Column("received_at", UtcDateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("instance_id", ForeignKey("process_instances.id"), nullable=False, index=True),
    Column("task_id", String(ID), nullable=False, unique=True),
    Column("element_id", String(KEY), nullable=False),
    Column("topic", String(KEY), nullable=False),
    Column("variables", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("retry_intervals", JSON, nullable=False),
    # pending | locked | failed | incident | done
    Column("status", String(20), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("locked_by", String(KEY), nullable=True),
    Column("lock_expires_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    # fetch-and-lock: a worker's topics, pending and due (or locked and expired)
    Index(None, "topic", "status", "due_at"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("instance_id", String(ID), nullable=True, index=True),
    Column("job_id", String(ID), nullable=True, index=True),
    Column("task_id", String(ID), nullable=True),
    Column("element_id", String(KEY), nullable=True),
    Column("kind", String(20), nullable=False),  # job-failed | bpmn-error | engine-failure
    Column("message", Text, nullable=False),
    # the engine step to re-run on retry (engine-failure incidents only)
    Column("step", JSON, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True, index=True),
    Column("resolved_by", String(KEY), nullable=True),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(ID), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # job | event
    Column("routing_key", String(KEY), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True, index=True),
    # not published before this moment (a job retry waits for its backoff); NULL: at once
    Column("available_at", UtcDateTime, nullable=True),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(KEY), nullable=False),
    Column("organisation", String(KEY), nullable=True),
    Column("action", String(60), nullable=False),
    Column("instance_id", String(ID), nullable=True, index=True),
    Column("process_key", String(KEY), nullable=True),
    Column("business_key", String(KEY), nullable=True),
    Column("element_id", String(KEY), nullable=True),
    Column("task_id", String(ID), nullable=True),
    Column("details", JSON, nullable=False),
    # "was this task completed already?" (a second completion is a conflict); only the
    # completions are indexed, not every row that names a task (migration 0004)
    Index(
        "ix_audit_events_task_completed",
        "task_id",
        sqlite_where=text(f"action = '{TASK_COMPLETED}'"),
        postgresql_where=text(f"action = '{TASK_COMPLETED}'"),
    ),
)
