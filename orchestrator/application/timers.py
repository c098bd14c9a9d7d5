"""Fire due timers: instance timers and timer start events, each exactly once."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import structlog

from orchestrator.application import events, steps
from orchestrator.application.identity import SYSTEM
from orchestrator.application.runtime import Runtime
from orchestrator.domain.errors import Conflict
from orchestrator.engine.timers import next_due
from orchestrator.store.records import TimerRecord
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


class TimerService:
    """The scheduler's timer use case."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def fire_due_timers(self, now: datetime | None = None, batch_size: int | None = None) -> int:
        """Fire every timer due at ``now`` (default: the clock); returns how many fired.

        Works in bounded batches, one transaction each, and loops until no due timer is
        left, so a scheduler that was down catches up. Timers of one instance fire in one
        engine call. With several schedulers (PostgreSQL, SKIP LOCKED) each timer fires
        exactly once. A timer whose firing fails is parked with an incident.
        """
        moment = now or self._rt.now()
        size = batch_size or self._rt.settings.timer_batch_size
        total = 0
        while True:
            fired, acquired = self._rt.run(lambda uow: self._batch(uow, moment, size))
            total += fired
            # A short batch means nothing is left; a batch where nothing fired (all lost
            # races) is left for the next round instead of spinning on it.
            if acquired < size or fired == 0:
                break
        if total:
            log.info("timers.fired", count=total)
        return total

    def _batch(self, uow: UnitOfWork, now: datetime, size: int) -> tuple[int, int]:
        due = uow.timers.acquire_due(now, size)
        per_instance: dict[str, list[TimerRecord]] = defaultdict(list)
        starts: list[TimerRecord] = []
        for timer in due:
            if timer.instance_id is not None:
                per_instance[timer.instance_id].append(timer)
            elif timer.definition_id is not None:
                starts.append(timer)
        fired = 0
        for instance_id, timers in per_instance.items():
            fired += self._fire_instance_timers(uow, instance_id, timers)
        for timer in starts:
            fired += self._fire_start_timer(uow, timer, now)
        return fired, len(due)

    def _fire_instance_timers(
        self, uow: UnitOfWork, instance_id: str, timers: list[TimerRecord]
    ) -> int:
        instance = uow.instances.get(instance_id)
        if instance is None or instance.status != "running":
            uow.timers.delete([t.id for t in timers])
            return 0
        task_ids = tuple(t.task_id for t in timers if t.task_id)
        step = steps.Step(op="fire_timers", task_ids=task_ids)
        try:
            with uow.savepoint():
                for timer in timers:
                    events.audit(
                        uow,
                        self._rt.now(),
                        SYSTEM,
                        "timer.fired",
                        instance=instance,
                        element_id=timer.element_id,
                        task_id=timer.task_id,
                        details={"due_at": timer.due_at.isoformat()},
                    )
                self._rt.advance(uow, instance, step, SYSTEM)
        except steps.StepFailure as failure:
            self._rt.add_incident(uow, failure)
            return 0
        except Conflict:
            # The instance moved on concurrently; the timers stay due for the next round.
            log.info("timers.conflict", instance_id=instance_id)
            return 0
        return len(timers)

    def _fire_start_timer(self, uow: UnitOfWork, timer: TimerRecord, now: datetime) -> int:
        assert timer.definition_id is not None  # noqa: S101 - selected as a start timer
        definition = uow.definitions.process_by_id(timer.definition_id)
        if definition is None or definition.timer_start is None:
            uow.timers.delete([timer.id])
            return 0
        # The next occurrence counts from now: after downtime a cycle fires once, not once
        # per missed period.
        following = next_due(definition.timer_start, max(now, timer.due_at))
        if following is None:
            uow.timers.delete([timer.id])
        else:
            uow.timers.reschedule(timer.id, following)
        try:
            with uow.savepoint():
                applied = self._rt.start_instance(
                    uow, definition, variables={}, business_key=None, actor=SYSTEM
                )
                events.audit(
                    uow,
                    self._rt.now(),
                    SYSTEM,
                    "timer.fired",
                    instance=applied.instance,
                    element_id=timer.element_id,
                    details={"due_at": timer.due_at.isoformat(), "start_event": True},
                )
        except steps.StepFailure as failure:
            self._rt.add_incident(uow, failure)
            return 0
        return 1
