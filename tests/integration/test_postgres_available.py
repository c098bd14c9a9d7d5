"""Both database backends are reachable through SQLAlchemy (psycopg 3 for PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa


def test_database_answers(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select 1")).scalar_one() == 1
            if engine.dialect.name == "postgresql":
                version = conn.execute(sa.text("show server_version_num")).scalar_one()
                assert int(version) >= 130000, f"PostgreSQL {version} is older than 13"
    finally:
        engine.dispose()
