"""The embedded broker: kombu's SQLAlchemy transport, made safe for a crash.

kombu's ``sqla`` transport keeps a received message in its table (``visible = false``) and
its acknowledgement only in memory: a consumer killed before it acknowledged loses the
message for good, and bindings live in the memory of the process that declared them, so a
topic subscriber in another process never sees a published event. This transport (the
``sqla+`` URLs of :mod:`orchestrator.messaging.connection`) adds, SQS-style:

- acknowledge = delete the row; reject = delete it (and requeue a copy if asked);
- a visibility timeout: a row received but neither acknowledged nor rejected within
  ``visibility_timeout`` seconds (its consumer died) is delivered again, marked redelivered;
  a consumer that closes cleanly hands its unacknowledged rows back at once;
- bindings stored in a table, so every process routes with the same bindings;
- SQLite in WAL mode with a busy timeout, so publishers and consumers in several processes
  share the file.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from queue import Empty
from typing import Any

from kombu.transport import sqlalchemy as kombu_sqla
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import Column, MetaData, String, Table, UniqueConstraint, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.sql import false, or_

_OWN_OPTIONS = ("polling_interval", "visibility_timeout")

_bindings_metadata = MetaData()
bindings = Table(
    "ketenregie_broker_binding",
    _bindings_metadata,
    Column("exchange", String(200), nullable=False),
    Column("routing_key", String(200), nullable=False),
    Column("pattern", String(400), nullable=False),
    Column("queue", String(200), nullable=False),
    UniqueConstraint("exchange", "routing_key", "queue"),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Channel(kombu_sqla.Channel):
    """A kombu SQLAlchemy channel with delete-on-ack, a visibility timeout and shared bindings."""

    #: unacknowledged rows go back by the visibility timeout or by close(), never as copies
    do_restore = False

    def __init__(self, connection: Any, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        options = connection.client.transport_options
        self.visibility_timeout = float(options.get("visibility_timeout", 300.0))
        self._rows: dict[str, int] = {}
        self._rows_lock = threading.Lock()

    # ------------------------------------------------------------------ engine
    def _engine_from_config(self) -> Engine:
        conninfo = self.connection.client
        saved = dict(conninfo.transport_options)
        try:
            for name in _OWN_OPTIONS:
                conninfo.transport_options.pop(name, None)
            if str(conninfo.hostname).startswith("sqlite"):
                conninfo.transport_options.setdefault("connect_args", {"timeout": 30})
            engine: Engine = super()._engine_from_config()
        finally:
            conninfo.transport_options.clear()
            conninfo.transport_options.update(saved)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        _bindings_metadata.create_all(engine)
        return engine

    # ---------------------------------------------------------------- receive
    def _get(self, queue: str, timeout: Any = None) -> dict[str, Any]:
        obj = self._get_or_create(queue)
        session = self.session
        if session.bind.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        message_cls = self.message_cls
        # sent_at is stamped (local time, by the model) whenever visibility changes
        cutoff = datetime.now() - timedelta(seconds=self.visibility_timeout)
        try:
            msg = (
                session.query(message_cls)
                .with_for_update(skip_locked=True)
                .filter(message_cls.queue_id == obj.id)
                .filter(
                    or_(
                        message_cls.visible != false(),
                        message_cls.sent_at < cutoff,
                    )
                )
                .order_by(message_cls.id)
                .limit(1)
                .first()
            )
            if msg is None:
                raise Empty()
            redelivered = msg.visible is False
            msg.visible = False
            msg.sent_at = datetime.now()
            payload: dict[str, Any] = json.loads(bytes_to_str(msg.payload))
            if redelivered:
                payload["redelivered"] = True
            tag = payload["properties"]["delivery_tag"]
            with self._rows_lock:
                self._rows[tag] = msg.id
            return payload
        finally:
            session.commit()

    # -------------------------------------------------------------------- ack
    def basic_ack(self, delivery_tag: str, multiple: bool = False) -> None:
        """Acknowledge: the row is deleted."""
        super().basic_ack(delivery_tag, multiple=multiple)
        self._delete_row(delivery_tag)

    def basic_reject(self, delivery_tag: str, requeue: bool = False) -> None:
        """Reject: the row is deleted (kombu requeues a copy when ``requeue``)."""
        super().basic_reject(delivery_tag, requeue=requeue)
        self._delete_row(delivery_tag)

    def _delete_row(self, delivery_tag: str) -> None:
        with self._rows_lock:
            row_id = self._rows.pop(delivery_tag, None)
        if row_id is None:
            return
        message_cls = self.message_cls
        self.session.query(message_cls).filter(message_cls.id == row_id).delete(
            synchronize_session=False
        )
        self.session.commit()

    def close(self) -> None:
        """Close, handing unacknowledged rows back to the queue at once."""
        if not self.closed:
            with self._rows_lock:
                row_ids = list(self._rows.values())
                self._rows.clear()
            if row_ids:
                message_cls = self.message_cls
                try:
                    self.session.query(message_cls).filter(message_cls.id.in_(row_ids)).update(
                        {message_cls.visible: True}, synchronize_session=False
                    )
                    self.session.commit()
                except OperationalError:
                    # the visibility timeout hands them back instead
                    self.session.rollback()
        super().close()

    # --------------------------------------------------------------- bindings
    def queue_bind(
        self,
        queue: str,
        exchange: str | None = None,
        routing_key: str = "",
        arguments: Any = None,
        **kwargs: Any,
    ) -> None:
        """Bind in memory (kombu) and in the bindings table (every process)."""
        super().queue_bind(queue, exchange, routing_key, arguments, **kwargs)
        name = exchange or "amq.direct"
        _, pattern, _ = self.typeof(name).prepare_bind(queue, name, routing_key, arguments)
        engine, _ = self._open()
        try:
            with engine.begin() as conn:
                exists = conn.execute(
                    select(bindings.c.queue).where(
                        bindings.c.exchange == name,
                        bindings.c.routing_key == (routing_key or ""),
                        bindings.c.queue == queue,
                    )
                ).first()
                if exists is None:
                    conn.execute(
                        bindings.insert().values(
                            exchange=name,
                            routing_key=routing_key or "",
                            pattern=pattern or "",
                            queue=queue,
                        )
                    )
        except IntegrityError:
            pass  # another process bound it at the same moment

    def get_table(self, exchange: str) -> list[tuple[str, str | None, str]]:
        """The bindings of ``exchange``, from the table (all processes)."""
        engine, _ = self._open()
        with engine.connect() as conn:
            rows = conn.execute(
                select(bindings.c.routing_key, bindings.c.pattern, bindings.c.queue).where(
                    bindings.c.exchange == exchange
                )
            ).all()
        if not rows:
            raise KeyError(exchange)
        return [(r.routing_key, r.pattern or None, r.queue) for r in rows]


class Transport(kombu_sqla.Transport):
    """kombu's SQLAlchemy transport with :class:`Channel`."""

    Channel = Channel
    polling_interval = 0.05
