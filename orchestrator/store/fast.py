"""Hot statements compiled once per dialect and run on the driver's cursor.

SQLAlchemy's per-call execution path (execution context, parameter construction, result
set-up, ``Row`` objects) costs several times what SQLite needs to run a statement on a
small table. An engine step runs about a dozen such statements, so the statements every
step runs go through :class:`Prepared`: the SQL text, the order of its parameters and the
type processors of its binds and result columns are worked out once per dialect with
SQLAlchemy's public compiler and type APIs, and each call is one ``cursor.execute``.

Errors are wrapped like SQLAlchemy wraps them (``IntegrityError``, ``OperationalError``,
...). The statement must run inside an open transaction (a unit of work).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, bindparam, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from orchestrator.store.records import names_of

T = TypeVar("T")
Processor = Callable[[Any], Any] | None


class _Compiled:
    """One statement's SQL and processors for one dialect."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = compiled.string
        self.positional = compiled.positional
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        order = list(compiled.positiontup or ()) if compiled.positional else list(binds)
        #: per parameter: (compiled name, key in the caller's params, default, processor)
        self.params: list[tuple[str, str, Any, Processor]] = []
        for name in order:
            bind = binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            self.params.append((name, bind.key, bind.effective_value, processor))
        selected = getattr(statement, "selected_columns", None)
        self.keys: list[str] = [c.key for c in selected] if selected is not None else []
        self.results: list[Processor] = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in selected or ()
        ]

    def bind(self, values: Mapping[str, Any]) -> Any:
        out: list[Any] = []
        for _name, key, default, processor in self.params:
            value = values.get(key, default)
            out.append(processor(value) if processor is not None else value)
        if self.positional:
            return tuple(out)
        return {p[0]: v for p, v in zip(self.params, out, strict=True)}

    def row(self, raw: Sequence[Any]) -> dict[str, Any]:
        return {
            key: (processor(value) if processor is not None else value)
            for key, processor, value in zip(self.keys, self.results, raw, strict=True)
        }


class Prepared:
    """A statement (every parameter a named ``bindparam``) ready for direct execution."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            with self._lock:
                compiled = self._by_dialect.setdefault(
                    dialect.name, _Compiled(self.statement, dialect)
                )
        return compiled

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Run it once; returns the number of rows written."""
        compiled = self._compiled(conn.dialect)
        params = compiled.bind(values)
        return _run(conn, compiled.sql, params, lambda cursor: int(cursor.rowcount))

    def execute_many(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Run it once per row of parameters (one ``executemany``)."""
        compiled = self._compiled(conn.dialect)
        params = [compiled.bind(values) for values in rows]
        if params:
            _run(conn, compiled.sql, params, lambda _cursor: None, many=True)

    def all(self, conn: Connection, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The result rows as dicts of processed column values."""
        compiled = self._compiled(conn.dialect)
        params = compiled.bind(values)
        rows = _run(conn, compiled.sql, params, lambda cursor: cursor.fetchall())
        return [compiled.row(raw) for raw in rows]

    def records(self, conn: Connection, values: Mapping[str, Any], cls: type[T]) -> list[T]:
        """The result rows as records ``cls``."""
        names = names_of(cls)
        return [cls(**{n: row[n] for n in names if n in row}) for row in self.all(conn, values)]


def insert(table: Table, columns: Iterable[str]) -> Prepared:
    """``INSERT INTO table (columns) VALUES (...)`` with one bind per column."""
    return Prepared(table.insert().values({name: bindparam(name) for name in columns}))


def _run(
    conn: Connection, sql: str, params: Any, fetch: Callable[[Any], T], *, many: bool = False
) -> T:
    dbapi_connection: Any = conn.connection.driver_connection
    cursor = dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
        return fetch(cursor)
    except conn.dialect.loaded_dbapi.Error as error:
        raise exc.DBAPIError.instance(
            sql, params, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from error
    finally:
        cursor.close()
