"""Create or upgrade the schema: always through Alembic, never ``metadata.create_all``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from orchestrator.store.db import create_db_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic :class:`Config` built in code (there is no ``alembic.ini``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' would be taken for ini interpolation (passwords may hold one)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Run ``alembic upgrade <revision>`` against ``url``.

    Args:
        url: database URL.
        revision: target revision (default: the newest).
        engine: reuse this engine (and its SQLite settings) instead of creating one.
    """
    config = alembic_config(url)
    db = engine or create_db_engine(url)
    try:
        with db.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if engine is None:
            db.dispose()
