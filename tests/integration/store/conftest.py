from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from orchestrator.store import create_db_engine
from tests.integration.store.fixtures import migrated_url

__all__ = ["migrated_url"]


@pytest.fixture
def full_engine(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite file with ``synchronous=FULL`` (group commit fsyncs the WAL itself) and
    one table ``t (id, v)``."""
    engine = create_db_engine(f"sqlite:///{tmp_path.resolve()}/full.sqlite", synchronous="FULL")
    with engine.begin() as conn:
        conn.execute(text("create table t (id integer primary key, v text not null)"))
    yield engine
    engine.dispose()
