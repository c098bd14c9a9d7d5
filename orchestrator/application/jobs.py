"""External tasks for adapter workers: fetch-and-lock, complete, fail (retry), BPMN error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import structlog

from orchestrator.application import domain_events, events, steps
from orchestrator.application.errors import EngineStepFailed, IncidentRaised
from orchestrator.application.identity import SYSTEM, Actor
from orchestrator.application.ids import new_id
from orchestrator.application.job_results import JobResult, ResultOutcome
from orchestrator.application.prepared import Prepared
from orchestrator.application.runtime import Runtime
from orchestrator.application.views import JobView
from orchestrator.domain.errors import Conflict, NotFound
from orchestrator.store.records import IncidentRecord, InstanceRecord, JobRecord
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


def _worker(worker_id: str) -> Actor:
    return Actor(user_id=f"worker:{worker_id}", is_system=True)


class JobService:
    """What adapter workers call."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def fetch_and_lock(
        self,
        topics: str | Sequence[str],
        worker_id: str,
        *,
        max_jobs: int = 10,
        lock_duration: timedelta | None = None,
    ) -> list[JobView]:
        """Lock up to ``max_jobs`` due jobs of ``topics`` for ``worker_id``.

        A job whose lock expired (the worker died) is handed out again.
        """
        wanted = [topics] if isinstance(topics, str) else list(topics)
        duration = lock_duration or timedelta(seconds=self._rt.settings.job_lock_seconds)

        def work(uow: UnitOfWork) -> list[JobView]:
            now = self._rt.now()
            locked = []
            for job in uow.jobs.acquire(wanted, now, max_jobs):
                uow.jobs.lock(job.id, worker_id, now + duration)
                locked.append(
                    replace(
                        job, status="locked", locked_by=worker_id, lock_expires_at=now + duration
                    )
                )
            return [JobView.of(j) for j in locked]

        return self._rt.run(work)

    def complete(
        self, job_id: str, worker_id: str, variables: Mapping[str, Any] | None = None
    ) -> None:
        """The worker finished the job; its output ``variables`` go into the instance.

        Raises:
            NotFound: no such job (completed before, or never existed).
            Conflict: the job is not locked by ``worker_id``.
            EngineStepFailed: the process cannot proceed (incident recorded).
        """
        actor = _worker(worker_id)
        prepared = None
        if self._rt.prepare_steps:

            def find(uow: UnitOfWork) -> tuple[InstanceRecord, steps.Step] | None:
                job = uow.jobs.get(job_id)
                if job is None or job.locked_by != worker_id:
                    return None
                instance = uow.instances.get(job.instance_id)
                return None if instance is None else (instance, _completion(job, variables))

            prepared = self._rt.prepare(find)

        def work(uow: UnitOfWork) -> None:
            job = self._locked(uow, job_id, worker_id)
            self._complete_in(uow, job, variables, actor, prepared)

        self._rt.run(work)
        log.info("job.completed", job_id=job_id)

    def _complete_in(
        self,
        uow: UnitOfWork,
        job: JobRecord,
        variables: Mapping[str, Any] | None,
        actor: Actor,
        prepared: Prepared | None = None,
    ) -> None:
        instance = uow.instances.get(job.instance_id)
        if instance is None:  # pragma: no cover - foreign key
            raise NotFound(f"instance {job.instance_id} not found")
        step = _completion(job, variables)
        events.audit(
            uow,
            self._rt.now(),
            actor,
            "job.completed",
            instance=instance,
            element_id=job.element_id,
            task_id=job.task_id,
            details={"job_id": job.id, "topic": job.topic},
        )
        self._rt.advance(uow, instance, step, actor, prepared=prepared)

    def fail(
        self,
        job_id: str,
        worker_id: str,
        error_message: str,
        *,
        retries: int | None = None,
        retry_in: timedelta | None = None,
    ) -> JobView:
        """A technical failure: retry later per the job's intervals, or raise an incident.

        Args:
            job_id: the failed job.
            worker_id: the worker holding the lock.
            error_message: what went wrong (no personal data, please).
            retries: remaining attempts, overriding the diagram's retry count.
            retry_in: wait this long instead of the diagram's interval.

        Raises:
            NotFound: no such job. Conflict: not locked by ``worker_id``.
        """
        actor = _worker(worker_id)

        def work(uow: UnitOfWork) -> JobRecord:
            job = self._locked(uow, job_id, worker_id)
            return self._fail_in(uow, job, error_message, actor, retries, retry_in)

        return JobView.of(self._rt.run(work))

    def _fail_in(
        self,
        uow: UnitOfWork,
        job: JobRecord,
        error_message: str,
        actor: Actor,
        retries: int | None,
        retry_in: timedelta | None,
    ) -> JobRecord:
        instance = uow.instances.get(job.instance_id)
        now = self._rt.now()
        attempts = job.attempts + 1
        max_attempts = attempts + retries if retries is not None else job.max_attempts
        changes: dict[str, Any] = {
            "attempts": attempts,
            "max_attempts": max_attempts,
            "last_error": error_message,
            "locked_by": None,
            "lock_expires_at": None,
        }
        if attempts >= max_attempts:
            changes["status"] = "incident"
            incident = IncidentRecord(
                id=new_id(),
                instance_id=job.instance_id,
                job_id=job.id,
                task_id=job.task_id,
                element_id=job.element_id,
                kind="job-failed",
                message=error_message,
                step=None,
                created_at=now,
                resolved_at=None,
                resolved_by=None,
            )
            uow.incidents.add(incident)
            domain_events.incident_raised(uow, now, incident)
            events.audit(
                uow,
                now,
                SYSTEM,
                "incident.raised",
                instance=instance,
                element_id=job.element_id,
                task_id=job.task_id,
                details={"incident_id": incident.id, "kind": "job-failed", "job_id": job.id},
            )
            log.warning("incident.raised", incident_id=incident.id, job_id=job.id)
        else:
            changes["status"] = "pending"
            changes["due_at"] = now + (retry_in or _interval(job.retry_intervals, attempts))
        uow.jobs.change(job.id, **changes)
        updated = replace(job, **changes)
        if updated.status == "pending" and instance is not None:
            events.job_message(uow, now, updated, instance)
        events.audit(
            uow,
            now,
            actor,
            "job.failed",
            instance=instance,
            element_id=job.element_id,
            task_id=job.task_id,
            details={"job_id": job.id, "attempt": attempts, "max_attempts": max_attempts},
        )
        return updated

    def bpmn_error(
        self,
        job_id: str,
        worker_id: str,
        code: str,
        message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> str | None:
        """A business error: thrown as BPMN error ``code`` at the job's task.

        Returns:
            None when a boundary event caught it; otherwise the id of the 'bpmn-error'
            incident that was raised (the state did not advance).
        """
        actor = _worker(worker_id)

        def work(uow: UnitOfWork) -> None:
            job = self._locked(uow, job_id, worker_id)
            self._bpmn_error_in(uow, job, code, message, variables, actor)

        try:
            self._rt.run(work)
        except IncidentRaised as raised:
            return raised.incident_id
        return None

    def _bpmn_error_in(
        self,
        uow: UnitOfWork,
        job: JobRecord,
        code: str,
        message: str,
        variables: Mapping[str, Any] | None,
        actor: Actor,
    ) -> None:
        instance = uow.instances.get(job.instance_id)
        if instance is None:  # pragma: no cover - foreign key
            raise NotFound(f"instance {job.instance_id} not found")
        step = steps.Step(
            op="throw_job_error",
            task_id=job.task_id,
            error_code=code,
            error_message=message,
            variables=dict(variables or {}),
        )
        events.audit(
            uow,
            self._rt.now(),
            actor,
            "job.bpmn_error",
            instance=instance,
            element_id=job.element_id,
            task_id=job.task_id,
            details={"job_id": job.id, "error_code": code},
        )
        self._rt.advance(uow, instance, step, actor)

    def apply_result(self, result: JobResult) -> ResultOutcome:
        """Apply what an adapter worker reported over the broker, exactly once.

        The result's message id is recorded in the inbox in the same transaction, so a
        redelivered result is a no-op; a result for an attempt that is no longer open (a
        duplicate delivery of the job already answered, or a job that is gone) is ignored.
        No lock is needed: the broker handed the job to one worker at a time.

        Returns:
            ``applied``, ``duplicate``, ``stale`` or ``incident`` (the process could not
            proceed; an incident was recorded).
        """
        actor = _worker(result.worker_id)

        def work(uow: UnitOfWork) -> ResultOutcome:
            now = self._rt.now()
            job = uow.jobs.get(result.job_id)
            instance_id = job.instance_id if job is not None else None
            if not uow.messages.mark_processed(result.message_id, instance_id, now):
                return "duplicate"
            if (
                job is None
                or job.status not in ("pending", "locked")
                or job.attempts + 1 != result.attempt
            ):
                return "stale"
            if result.outcome == "completed":
                self._complete_in(uow, job, result.variables, actor)
            elif result.outcome == "bpmn_error":
                code = result.error_code or "ERROR"
                self._bpmn_error_in(uow, job, code, result.error_message, result.variables, actor)
            else:
                self._fail_in(
                    uow,
                    job,
                    result.error_message or "technical failure",
                    actor,
                    None if result.retryable else 0,
                    result.retry_in,
                )
            return "applied"

        try:
            outcome = self._rt.run(work, retry_conflicts=True)
        except (IncidentRaised, EngineStepFailed):
            # the step was rolled back and an incident recorded: remember the message
            self._rt.run(
                lambda uow: uow.messages.mark_processed(result.message_id, None, self._rt.now())
            )
            outcome = "incident"
        log.info(
            "job.result_applied", job_id=result.job_id, attempt=result.attempt, outcome=outcome
        )
        return outcome

    def get(self, job_id: str) -> JobView:
        """One job. Raises NotFound."""
        with self._rt.store.uow(read_only=True) as uow:
            job = uow.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id} not found")
        return JobView.of(job)

    def _locked(self, uow: UnitOfWork, job_id: str, worker_id: str) -> JobRecord:
        job = uow.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id} not found")
        if job.status != "locked" or job.locked_by != worker_id:
            raise Conflict(f"job {job_id} is not locked by worker {worker_id}")
        return job


def _interval(intervals: Sequence[float], attempts: int) -> timedelta:
    """The wait after failure number ``attempts`` (the last interval repeats)."""
    if not intervals:
        return timedelta(0)
    return timedelta(seconds=intervals[min(attempts, len(intervals)) - 1])


def _completion(job: JobRecord, variables: Mapping[str, Any] | None) -> steps.Step:
    return steps.Step(op="complete_job", task_id=job.task_id, variables=dict(variables or {}))
