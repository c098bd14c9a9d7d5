"""Shared machinery of the use cases: run a step, apply it, follow up, record incidents."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import structlog

from orchestrator.application import events, failures, prepared, steps
from orchestrator.application.correlation import matches
from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.application.ids import new_id
from orchestrator.application.organisations import OrganisationMap
from orchestrator.application.prepared import Prepared
from orchestrator.application.snapshot import Applied, SnapshotWriter
from orchestrator.config import Settings
from orchestrator.domain.clock import Clock
from orchestrator.domain.errors import Conflict, NotFound
from orchestrator.engine.contract import ProcessEngine
from orchestrator.store.records import (
    BufferedMessageRecord,
    InstanceRecord,
    ProcessDefinitionRecord,
)
from orchestrator.store.uow import Store, UnitOfWork

log = structlog.get_logger(__name__)
T = TypeVar("T")

#: follow-ups (buffered deliveries, thrown messages) may chain; this stops ping-pong loops
MAX_FOLLOW_UP_DEPTH = 20
#: how often a system use case is retried after losing an optimistic-lock race
SYSTEM_RETRIES = 3


@dataclass(frozen=True)
class Delivery:
    """Where a message went: ``kind`` is "subscription" or "start"."""

    kind: str
    instance_id: str


class Runtime:
    """Dependencies and helpers every use case shares (one per application)."""

    def __init__(
        self, store: Store, engine: ProcessEngine, clock: Clock, settings: Settings
    ) -> None:
        self.store = store
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self.writer = SnapshotWriter(OrganisationMap(settings.organisation_map))
        #: run engine steps of task completions before their write transaction (:meth:`prepare`)
        self.prepare_steps = settings.prepare_steps
        #: one thread prepares at a time (see :meth:`prepare`)
        self._preparing = threading.Lock()
        self._bundles: dict[str, str] = {}
        self._bundles_lock = threading.Lock()

    def now(self) -> datetime:
        return self.clock.now()

    # ------------------------------------------------------------------ transactions
    def run(self, work: Callable[[UnitOfWork], T], *, retry_conflicts: bool = False) -> T:
        """Run ``work`` in one unit of work and commit it.

        A failing engine step rolls everything back, is recorded as an incident in its own
        transaction and surfaces as :class:`EngineStepFailed` (or :class:`IncidentRaised`
        for an uncaught BPMN error). ``retry_conflicts`` re-runs ``work`` after a lost
        optimistic-lock race (for system work, where nobody else would retry).
        """
        attempts = SYSTEM_RETRIES if retry_conflicts else 1
        for attempt in range(1, attempts + 1):
            try:
                with self.store.uow() as uow:
                    result = work(uow)
                    uow.commit()
                    return result
            except steps.StepFailure as failure:
                incident_id = self.record_failure(failure)
                raise failures.as_error(failure, incident_id) from failure
            except Conflict:
                if attempt == attempts:
                    raise
                log.info("conflict.retry", attempt=attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def record_failure(self, failure: steps.StepFailure) -> str:
        """Record ``failure`` as an incident in its own transaction; returns its id."""
        with self.store.uow() as uow:
            incident_id = self.add_incident(uow, failure)
            uow.commit()
        return incident_id

    def add_incident(self, uow: UnitOfWork, failure: steps.StepFailure) -> str:
        """Write an incident for ``failure`` in ``uow`` (see :func:`failures.add_incident`)."""
        return failures.add_incident(uow, self.now(), failure)

    # ---------------------------------------------------------------------- engine
    def bundle(self, uow: UnitOfWork, bundle_hash: str) -> str:
        """The compiled bundle by hash (immutable, so cached for the process lifetime)."""
        with self._bundles_lock:
            cached = self._bundles.get(bundle_hash)
        if cached is not None:
            return cached
        content = uow.blobs.get(bundle_hash)
        if content is None:
            raise NotFound(f"bundle {bundle_hash} is missing")
        with self._bundles_lock:
            self._bundles[bundle_hash] = content
        return content

    def prepare(
        self, find: Callable[[UnitOfWork], tuple[InstanceRecord, steps.Step] | None]
    ) -> Prepared | None:
        """Run the step ``find`` reads (with its instance) before any write transaction;
        see :func:`orchestrator.application.prepared.prepare`."""
        return prepared.prepare(self, self._preparing, find)

    def advance(
        self,
        uow: UnitOfWork,
        instance: InstanceRecord,
        step: steps.Step,
        actor: Actor,
        *,
        completed_task_id: str | None = None,
        depth: int = 0,
        prepared: Prepared | None = None,
    ) -> Applied:
        """Run ``step`` on ``instance`` (or take ``prepared``, if it still fits), write the
        snapshot and its follow-ups."""
        if prepared is not None and prepared.fits(instance, step):
            snapshot = prepared.snapshot
        else:
            snapshot = steps.perform(
                self.engine,
                self.bundle(uow, instance.bundle_hash),
                instance.state,
                step,
                instance_id=instance.id,
            )
        applied = self.writer.write(
            uow,
            instance,
            snapshot,
            now=self.now(),
            actor=actor,
            completed_task_id=completed_task_id,
        )
        self.follow_up(uow, applied, actor, depth)
        return self._refreshed(uow, applied)

    def start_instance(
        self,
        uow: UnitOfWork,
        definition: ProcessDefinitionRecord,
        *,
        variables: Mapping[str, Any],
        business_key: str | None,
        actor: Actor,
        message_name: str | None = None,
        depth: int = 0,
    ) -> Applied:
        """Start an instance of ``definition`` and store it (in ``uow``)."""
        step = steps.Step(
            op="start",
            variables=dict(variables),
            message_name=message_name,
            definition_id=definition.id,
            business_key=business_key,
        )
        snapshot = steps.start(self.engine, self.bundle(uow, definition.bundle_hash), step)
        now = self.now()
        instance = InstanceRecord(
            id=new_id(),
            definition_id=definition.id,
            process_key=definition.key,
            process_version=definition.version,
            bundle_hash=definition.bundle_hash,
            business_key=business_key,
            status="running",
            state="",
            serializer_version=self.writer.serializer_version,
            version=0,
            variables={},
            started_at=now,
            ended_at=None,
            started_by=actor.user_id,
        )
        applied = self.writer.write(uow, instance, snapshot, now=now, actor=actor, new=True)
        log.info("instance.started", instance_id=instance.id, process_key=definition.key)
        self.follow_up(uow, applied, actor, depth)
        return self._refreshed(uow, applied)

    @staticmethod
    def _refreshed(uow: UnitOfWork, applied: Applied) -> Applied:
        # follow-ups (a buffered message delivered right away) may have moved it on
        if not applied.new_subscriptions and not applied.thrown_messages:
            return applied  # there were none: the instance is as written
        latest = uow.instances.get(applied.instance.id)
        if latest is not None and latest.version != applied.instance.version:
            applied.instance = latest
        return applied

    # ------------------------------------------------------------------ follow-ups
    def follow_up(self, uow: UnitOfWork, applied: Applied, actor: Actor, depth: int) -> None:
        """Deliver buffered messages to new subscriptions; route thrown messages."""
        if depth >= MAX_FOLLOW_UP_DEPTH:
            log.warning("follow_up.depth_exceeded", instance_id=applied.instance.id)
            return
        for subscription in applied.new_subscriptions:
            self._deliver_buffered(uow, subscription.id, applied.instance.id, actor, depth)
        for thrown in applied.thrown_messages:
            # a message thrown without correlation values is meant for the same journey
            business_key = None if thrown.correlation else applied.instance.business_key
            try:
                with uow.savepoint():
                    delivered = self.route_message(
                        uow,
                        thrown.message_name,
                        business_key,
                        thrown.correlation,
                        thrown.payload,
                        actor,
                        depth + 1,
                    )
                    if delivered is None:
                        self.buffer_message(
                            uow,
                            thrown.message_name,
                            business_key,
                            thrown.correlation,
                            thrown.payload,
                            None,
                        )
            except steps.StepFailure as failure:
                self.add_incident(uow, failure)

    def _deliver_buffered(
        self, uow: UnitOfWork, subscription_id: str, instance_id: str, actor: Actor, depth: int
    ) -> None:
        # An earlier delivery in this same follow-up may have moved the instance on.
        current = {s.id: s for s in uow.messages.subscriptions_for_instance(instance_id)}
        subscription = current.get(subscription_id)
        if subscription is None:
            return
        for message in uow.messages.buffered(subscription.message_name, self.now()):
            if not matches(
                subscription_business_key=subscription.business_key,
                subscription_correlation=subscription.correlation,
                message_business_key=message.business_key,
                message_correlation=message.correlation,
            ):
                continue
            if not uow.messages.delete_buffered(message.id):
                continue
            instance = uow.instances.get(instance_id)
            if instance is None:  # pragma: no cover - the subscription implies the instance
                return
            step = steps.Step(
                op="correlate_message",
                task_id=subscription.task_id,
                message_name=subscription.message_name,
                variables=dict(message.variables),
            )
            try:
                with uow.savepoint():
                    events.audit(
                        uow,
                        self.now(),
                        actor,
                        "message.correlated",
                        instance=instance,
                        element_id=subscription.element_id,
                        task_id=subscription.task_id,
                        details={"message_name": message.message_name, "buffered": True},
                    )
                    self.advance(uow, instance, step, SYSTEM, depth=depth + 1)
            except steps.StepFailure as failure:
                self.add_incident(uow, failure)
            return

    def route_message(
        self,
        uow: UnitOfWork,
        name: str,
        business_key: str | None,
        correlation: Mapping[str, Any],
        variables: Mapping[str, Any],
        actor: Actor,
        depth: int = 0,
    ) -> Delivery | None:
        """Deliver to the one waiting subscription, else a message start event, else None.

        Raises:
            Conflict: more than one subscription (or message start event) matches.
        """
        candidates = [
            s
            for s in uow.messages.find_subscriptions(name, business_key)
            if matches(
                subscription_business_key=s.business_key,
                subscription_correlation=s.correlation,
                message_business_key=business_key,
                message_correlation=correlation,
            )
        ]
        if len(candidates) > 1:
            raise Conflict(
                f"ambiguous correlation: {len(candidates)} subscriptions wait for '{name}'"
            )
        now = self.now()
        if candidates:
            subscription = candidates[0]
            instance = uow.instances.get(subscription.instance_id)
            if instance is None:  # pragma: no cover
                raise NotFound(f"instance {subscription.instance_id} not found")
            step = steps.Step(
                op="correlate_message",
                task_id=subscription.task_id,
                message_name=name,
                variables=dict(variables),
            )
            events.audit(
                uow,
                now,
                actor,
                "message.correlated",
                instance=instance,
                element_id=subscription.element_id,
                task_id=subscription.task_id,
                details={"message_name": name},
            )
            self.advance(uow, instance, step, actor, depth=depth)
            return Delivery("subscription", instance.id)
        starters = [d for d in uow.definitions.latest_processes() if name in d.message_start_names]
        if len(starters) > 1:
            raise Conflict(f"ambiguous correlation: {len(starters)} processes start on '{name}'")
        if starters:
            applied = self.start_instance(
                uow,
                starters[0],
                variables=variables,
                business_key=business_key,
                actor=actor,
                message_name=name,
                depth=depth,
            )
            return Delivery("start", applied.instance.id)
        return None

    def buffer_message(
        self,
        uow: UnitOfWork,
        name: str,
        business_key: str | None,
        correlation: Mapping[str, Any],
        variables: Mapping[str, Any],
        message_id: str | None,
    ) -> str:
        """Keep a message nobody waits for yet, until the TTL ends."""
        now = self.now()
        record = BufferedMessageRecord(
            id=new_id(),
            message_id=message_id,
            message_name=name,
            business_key=business_key,
            correlation=dict(correlation),
            variables=dict(variables),
            received_at=now,
            expires_at=now + self.settings.message_ttl,
        )
        uow.messages.buffer(record)
        return record.id
