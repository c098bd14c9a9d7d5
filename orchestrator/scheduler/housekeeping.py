"""Housekeeping the scheduler loop runs now and then: purging the published outbox.

The outbox keeps every published row (for tracing a message) until it is old enough; one
pass every ``every`` deletes rows published more than ``keep`` ago.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from orchestrator.domain.clock import Clock
    from orchestrator.store.uow import Store

log = structlog.get_logger(__name__)


class OutboxPurge:
    """Deletes outbox rows published more than ``keep`` ago, at most once per ``every``.

    Args:
        store: the orchestrator's store.
        clock: the clock deciding what is old.
        keep: how long a published row stays (default one day).
        every: least time between two purges (default one hour; the first pass purges).
    """

    name = "outbox-purge"

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        keep: timedelta = timedelta(days=1),
        every: timedelta = timedelta(hours=1),
    ) -> None:
        self._store = store
        self._clock = clock
        self._keep = keep
        self._every = every
        self._last: datetime | None = None

    def run_if_due(self) -> int:
        """Purge when ``every`` has passed since the last purge; returns rows deleted."""
        now = self._clock.now()
        if self._last is not None and now - self._last < self._every:
            return 0
        self._last = now
        with self._store.uow() as uow:
            purged = uow.outbox.purge_published(now - self._keep)
            uow.commit()
        if purged:
            log.info("outbox.purged", rows=purged)
        return purged
