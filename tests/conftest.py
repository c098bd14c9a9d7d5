"""Fixtures shared by every test tier (unit, integration, bdd, e2e).

Databases:
- ``sqlite_url``: a fresh SQLite file per test.
- ``pg_url``: a PostgreSQL database for this pytest process (one per xdist worker),
  created fresh in the server that ``KETENREGIE_TEST_PG_URL`` points at (``make test``
  starts a throwaway one with scripts/with-postgres.sh). When the variable is unset the
  test is skipped, unless ``KETENREGIE_REQUIRE_PG=1`` (set by ``make test``): then it fails.
- ``db_url``: parametrized over both backends; the PostgreSQL case carries the
  ``postgres`` marker.

Keep this module free of top-level imports from ``orchestrator``: import inside fixtures.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_URL_ENV = "KETENREGIE_TEST_PG_URL"
REQUIRE_PG_ENV = "KETENREGIE_REQUIRE_PG"


def pytest_configure(config: pytest.Config) -> None:
    """Every engine the tests build checks each workflow it keeps between steps against a
    fresh restore of its state (the hot-workflow cache must never change a step)."""
    from orchestrator.engine.runner import SpiffEngine

    SpiffEngine.VERIFY_HOT = True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use a PostgreSQL fixture get the ``postgres`` marker automatically."""
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def _worker_id() -> str:
    # Set by pytest-xdist in its workers ("gw0", "gw1", ...); absent without -n.
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty PostgreSQL database owned by this worker.

    Named ``<base database>_<worker>``, e.g. ``ketenregie_test_gw0``; dropped and re-created
    at session start, dropped at session end.
    """
    base_url = os.environ.get(PG_URL_ENV)
    if not base_url:
        message = f"{PG_URL_ENV} is not set (run `make test`, or scripts/with-postgres.sh pytest)"
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{REQUIRE_PG_ENV}=1 but {message}", pytrace=False)
        pytest.skip(message)

    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    base = make_url(base_url)
    worker = re.sub(r"[^a-z0-9_]", "_", _worker_id().lower())
    db_name = f"{base.database or 'ketenregie_test'}_{worker}"
    # psycopg wants a libpq URI: the same URL without the "+psycopg" driver part.
    admin_conninfo = base.set(drivername="postgresql").render_as_string(hide_password=False)

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name))
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name))
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(create)

    yield base.set(database=db_name).render_as_string(hide_password=False)

    try:
        with psycopg.connect(admin_conninfo, autocommit=True) as conn:
            conn.execute(drop)
    except psycopg.Error as exc:  # pragma: no cover - best effort on a shared server
        warnings.warn(f"could not drop test database {db_name}: {exc}", stacklevel=1)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """SQLAlchemy URL of a new SQLite file in this test's tmp_path."""
    return f"sqlite:///{tmp_path}/ketenregie.sqlite"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest) -> str:
    """The database URL for each backend in turn: ``test_x[sqlite]``, ``test_x[postgresql]``."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


AMQP_URL_ENV = "KETENREGIE_TEST_AMQP_URL"
REQUIRE_AMQP_ENV = "KETENREGIE_REQUIRE_AMQP"


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """``amqp://`` URL of a RabbitMQ broker (``make test`` starts a throwaway node with
    scripts/with-rabbitmq.sh). Skipped when ``KETENREGIE_TEST_AMQP_URL`` is unset, unless
    ``KETENREGIE_REQUIRE_AMQP=1`` (set by ``make test``): then the test fails.

    Tests share the broker: give each test its own namespace (see
    tests/integration/messaging/harness.py) so their queues never meet.
    """
    url = os.environ.get(AMQP_URL_ENV)
    if not url:
        message = f"{AMQP_URL_ENV} is not set (run `make test`, or scripts/with-rabbitmq.sh pytest)"
        if os.environ.get(REQUIRE_AMQP_ENV) == "1":
            pytest.fail(f"{REQUIRE_AMQP_ENV}=1 but {message}", pytrace=False)
        pytest.skip(message)
    return url
