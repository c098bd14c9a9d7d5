"""Correlate messages to waiting instances, start processes on them, or buffer them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from orchestrator.application import events
from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.application.runtime import Runtime
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CorrelationResult:
    """What happened to a message.

    ``outcome``: "delivered" (to a waiting instance), "started" (a message start event),
    "buffered" (nobody waits yet; kept until the TTL ends) or "duplicate" (this
    ``message_id`` was processed before; ignored).
    """

    outcome: str
    instance_id: str | None = None
    buffered_id: str | None = None


class MessageService:
    """Message correlation across instances."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def correlate(
        self,
        name: str,
        *,
        business_key: str | None = None,
        correlation: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        message_id: str | None = None,
        actor: Actor = SYSTEM,
    ) -> CorrelationResult:
        """Deliver message ``name`` to exactly one receiver.

        A waiting subscription (same name; same business key and/or all correlation values)
        gets it; otherwise a process with this message start event starts; otherwise it is
        buffered and delivered as soon as a matching subscription appears.

        Raises:
            Conflict: more than one subscription or start event matches ("ambiguous
                correlation"), or the receiving instance changed concurrently three times.
            EngineStepFailed: the receiving instance could not proceed (incident recorded).
        """
        corr = dict(correlation or {})
        payload = dict(variables or {})

        def work(uow: UnitOfWork) -> CorrelationResult:
            now = self._rt.now()
            if message_id is not None and not uow.messages.mark_processed(message_id, None, now):
                return CorrelationResult("duplicate")
            delivery = self._rt.route_message(uow, name, business_key, corr, payload, actor)
            if delivery is not None:
                if message_id is not None:
                    uow.messages.set_processed_instance(message_id, delivery.instance_id)
                outcome = "delivered" if delivery.kind == "subscription" else "started"
                return CorrelationResult(outcome, instance_id=delivery.instance_id)
            buffered_id = self._rt.buffer_message(
                uow, name, business_key, corr, payload, message_id
            )
            events.audit(
                uow,
                now,
                actor,
                "message.buffered",
                business_key=business_key,
                details={"message_name": name, "buffered_id": buffered_id},
            )
            return CorrelationResult("buffered", buffered_id=buffered_id)

        result = self._rt.run(work, retry_conflicts=True)
        log.info(
            "message.correlated",
            message_name=name,
            outcome=result.outcome,
            instance_id=result.instance_id,
        )
        return result

    def purge_expired(self, now: datetime | None = None) -> int:
        """Drop buffered messages whose TTL has ended; returns how many."""
        moment = now or self._rt.now()
        count = self._rt.run(lambda uow: uow.messages.purge_expired(moment))
        if count:
            log.info("messages.purged", count=count)
        return count
