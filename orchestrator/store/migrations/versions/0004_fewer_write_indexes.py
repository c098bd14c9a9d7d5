"""Fewer indexes on the tables every step writes: human tasks, their candidates, jobs.

Every index is one more b-tree page written per insert and delete (a step inserts and
deletes human tasks and jobs). Kept: what a query needs.

- ``human_tasks``: instance, business key, assignee; the API worklist (a caseworker's is
  always by organisation, maybe by process and element) on one composite index instead of
  single ones on organisation, process key and element id; due date dropped (only sorted
  on, or filtered on after one of these).
- ``task_candidates``: ``(kind, value)`` dropped; the worklist checks candidates per task on
  the primary key ``(task_id, kind, value)``.
- ``jobs``: fetch-and-lock by topic, status and due time on one composite index instead of
  three single ones.
- ``audit_events``: the task index only holds completions (``action = 'task.completed'``,
  what the second-completion check looks up), not every row that names a task.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("human_tasks") as batch:
        for column in ("element_id", "due_at", "organisation", "process_key"):
            batch.drop_index(f"ix_human_tasks_{column}")
        batch.create_index(
            "ix_human_tasks_organisation_process_key_element_id",
            ["organisation", "process_key", "element_id"],
            unique=False,
        )
    with op.batch_alter_table("task_candidates") as batch:
        batch.drop_index("ix_task_candidates_kind_value")
    with op.batch_alter_table("jobs") as batch:
        for column in ("topic", "status", "due_at"):
            batch.drop_index(f"ix_jobs_{column}")
        batch.create_index(
            "ix_jobs_topic_status_due_at", ["topic", "status", "due_at"], unique=False
        )
    completed = sa.text("action = 'task.completed'")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_task_id")
        batch.create_index(
            "ix_audit_events_task_completed",
            ["task_id"],
            unique=False,
            sqlite_where=completed,
            postgresql_where=completed,
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_task_completed")
        batch.create_index("ix_audit_events_task_id", ["task_id"], unique=False)
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_topic_status_due_at")
        for column in ("topic", "status", "due_at"):
            batch.create_index(f"ix_jobs_{column}", [column], unique=False)
    with op.batch_alter_table("task_candidates") as batch:
        batch.create_index("ix_task_candidates_kind_value", ["kind", "value"], unique=False)
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_index("ix_human_tasks_organisation_process_key_element_id")
        for column in ("element_id", "due_at", "organisation", "process_key"):
            batch.create_index(f"ix_human_tasks_{column}", [column], unique=False)
