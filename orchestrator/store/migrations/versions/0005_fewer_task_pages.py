"""Fewer pages written per task: candidates without a rowid (SQLite), the assignee index
only over assigned tasks.

A step inserts and deletes human tasks; every b-tree they are in is one more page written
to the WAL (with group commit on SQLite, one more write of the commit that holds the step).

- ``task_candidates`` on SQLite: a WITHOUT ROWID table, so its primary key
  ``(task_id, kind, value)`` is the table itself: one b-tree per candidate row instead of
  two (the rowid table and the key's index). PostgreSQL: unchanged.
- ``human_tasks``: ``ix_human_tasks_assignee`` holds only tasks that have an assignee, so
  creating a task, and completing one nobody claimed, no longer write it. Worklists by
  assignee (``=`` or ``IS NOT NULL``) still use it; ``IS NULL`` never did.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ASSIGNED = sa.text("assignee IS NOT NULL")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "task_candidates", recreate="always", table_kwargs={"sqlite_with_rowid": False}
        ):
            pass
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_index("ix_human_tasks_assignee")
        batch.create_index(
            "ix_human_tasks_assignee",
            ["assignee"],
            unique=False,
            sqlite_where=_ASSIGNED,
            postgresql_where=_ASSIGNED,
        )


def downgrade() -> None:
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_index("ix_human_tasks_assignee")
        batch.create_index("ix_human_tasks_assignee", ["assignee"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("task_candidates", recreate="always"):
            pass
