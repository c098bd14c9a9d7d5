"""Engine factory: the connection settings each backend needs for our workload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

#: execution option a read-only unit of work sets, so SQLite takes no write lock for it
READ_ONLY = "ketenregie_read_only"


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an :class:`~sqlalchemy.Engine` tuned for ``url``'s backend.

    SQLite: WAL journal, ``synchronous=NORMAL``, a 10 s busy timeout, foreign keys on, and
    ``BEGIN IMMEDIATE`` for every write transaction, so concurrent writers queue for the
    write lock up front instead of failing with "database is locked" when a read lock
    would have to be upgraded halfway through a transaction.

    PostgreSQL: the psycopg 3 driver and ``pool_pre_ping`` (connections survive restarts).

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:///./.data/ketenregie.sqlite`` or
            ``postgresql://user@host/db`` (the driver is forced to psycopg).
        **kwargs: extra :func:`sqlalchemy.create_engine` arguments.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        _tune_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **kwargs)
    raise ValueError(f"unsupported database backend: {parsed.get_backend_name()}")


def _tune_sqlite(engine: Engine) -> None:
    # The documented pysqlite recipe: switch off the driver's own (deferred) BEGIN and
    # emit ours, so SAVEPOINT works and writers take the lock at the start.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
