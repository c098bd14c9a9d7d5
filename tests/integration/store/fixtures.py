"""Database fixtures for the store and application integration tests.

``migrated_url`` builds on the shared ``db_url`` (tests/conftest.py: a SQLite file per test,
one PostgreSQL database per xdist worker): it empties the database and runs the migrations,
so every test starts from the newest schema with no rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from orchestrator.store import create_db_engine, upgrade


def reset_database(url: str) -> None:
    """Drop everything, so each test starts from an empty schema."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
        return
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture
def migrated_url(db_url: str) -> Iterator[str]:
    reset_database(db_url)
    upgrade(db_url)
    yield db_url
