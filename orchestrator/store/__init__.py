"""Persistence: tables, migrations, repositories and the unit of work (SQLAlchemy 2)."""

from orchestrator.store.db import create_db_engine
from orchestrator.store.repos_runtime import TaskFilter
from orchestrator.store.schema import upgrade
from orchestrator.store.uow import Store, UnitOfWork

__all__ = ["Store", "TaskFilter", "UnitOfWork", "create_db_engine", "upgrade"]
