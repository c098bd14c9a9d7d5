"""Incidents: list, retry (re-arm the job or re-run the failed step), resolve."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from orchestrator.application import events, steps
from orchestrator.application.errors import EngineStepFailed
from orchestrator.application.identity import Actor
from orchestrator.application.runtime import Runtime
from orchestrator.application.views import IncidentView
from orchestrator.domain.errors import Conflict, NotFound
from orchestrator.store.records import IncidentRecord
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


class IncidentService:
    """What operators (functioneel beheer) do about incidents."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def list(
        self, *, instance_id: str | None = None, open_only: bool = True, limit: int = 100
    ) -> list[IncidentView]:
        """Incidents, oldest first; only unresolved ones unless ``open_only`` is False."""
        with self._rt.store.uow(read_only=True) as uow:
            records = uow.incidents.find(instance_id=instance_id, open_only=open_only, limit=limit)
        return [IncidentView.of(r) for r in records]

    def get(self, incident_id: str) -> IncidentView:
        """One incident. Raises NotFound."""
        with self._rt.store.uow(read_only=True) as uow:
            record = uow.incidents.get(incident_id)
        if record is None:
            raise NotFound(f"incident {incident_id} not found")
        return IncidentView.of(record)

    def retry(
        self, incident_id: str, actor: Actor, variables: Mapping[str, Any] | None = None
    ) -> IncidentView:
        """Try again: a job incident re-arms the job with one more attempt (``variables``
        are added to its input); an engine failure re-runs the failed step (``variables``
        corrected). The incident is resolved when that succeeds.

        Raises:
            NotFound: no such incident. Conflict: it is resolved already, or cannot be retried.
            EngineStepFailed: the step failed again (the incident stays open, message updated).
        """
        return self._rt.run(lambda uow: self._retry(uow, incident_id, actor, variables))

    def _retry(
        self,
        uow: UnitOfWork,
        incident_id: str,
        actor: Actor,
        variables: Mapping[str, Any] | None,
    ) -> IncidentView:
        incident = self._open(uow, incident_id)
        now = self._rt.now()
        if incident.job_id is not None and incident.kind in ("job-failed", "bpmn-error"):
            self._rearm_job(uow, incident, variables)
        elif incident.step is not None:
            self._rerun(uow, incident, actor, variables)
        else:
            raise Conflict(f"incident {incident_id} cannot be retried; resolve it instead")
        uow.incidents.resolve(incident.id, now, actor.user_id)
        events.audit(
            uow,
            now,
            actor,
            "incident.retried",
            instance_id=incident.instance_id,
            element_id=incident.element_id,
            task_id=incident.task_id,
            details={"incident_id": incident.id, "kind": incident.kind},
        )
        log.info("incident.retried", incident_id=incident.id)
        resolved = uow.incidents.get(incident.id)
        assert resolved is not None  # noqa: S101 - read in this transaction
        return IncidentView.of(resolved)

    def _rearm_job(
        self, uow: UnitOfWork, incident: IncidentRecord, variables: Mapping[str, Any] | None
    ) -> None:
        job = uow.jobs.get(incident.job_id or "")
        if job is None:
            raise Conflict(f"the job of incident {incident.id} no longer exists")
        now = self._rt.now()
        merged = {**job.variables, **dict(variables or {})}
        uow.jobs.change(
            job.id,
            status="pending",
            max_attempts=job.attempts + 1,
            due_at=now,
            locked_by=None,
            lock_expires_at=None,
            variables=merged,
        )
        instance = uow.instances.get(job.instance_id)
        rearmed = uow.jobs.get(job.id)
        if instance is not None and rearmed is not None:
            events.job_message(uow, now, rearmed, instance)

    def _rerun(
        self,
        uow: UnitOfWork,
        incident: IncidentRecord,
        actor: Actor,
        variables: Mapping[str, Any] | None,
    ) -> None:
        step = steps.Step.from_json(incident.step or {}).with_variables(variables)
        try:
            with uow.savepoint():
                self._perform(uow, incident, step, actor)
        except steps.StepFailure as failure:
            # Keep this incident (no new one): commit its new message, then report the
            # failure; the savepoint already undid everything the step wrote.
            uow.incidents.set_message(incident.id, failure.message)
            uow.commit()
            raise EngineStepFailed(
                f"the process still cannot proceed: {failure.message}",
                incident_id=incident.id,
                element_id=failure.element_id,
            ) from failure

    def _perform(
        self, uow: UnitOfWork, incident: IncidentRecord, step: steps.Step, actor: Actor
    ) -> None:
        if step.op == "start":
            definition = uow.definitions.process_by_id(step.definition_id or "")
            if definition is None:
                raise Conflict(f"definition {step.definition_id} no longer exists")
            self._rt.start_instance(
                uow,
                definition,
                variables=step.variables,
                business_key=step.business_key,
                actor=actor,
                message_name=step.message_name,
            )
            return
        instance = uow.instances.get(incident.instance_id or "")
        if instance is None or instance.status != "running":
            raise Conflict(f"instance {incident.instance_id} is not running")
        if step.op == "fire_timers":
            held = [
                t.id for t in uow.timers.for_instance(instance.id) if t.task_id in step.task_ids
            ]
            uow.timers.hold(held, None)
        completed = step.task_id if step.op == "complete_user_task" else None
        self._rt.advance(uow, instance, step, actor, completed_task_id=completed)

    def resolve(self, incident_id: str, actor: Actor) -> IncidentView:
        """Close the incident without retrying (the operator fixed it another way).

        Raises:
            NotFound: no such incident. Conflict: it is resolved already.
        """

        def work(uow: UnitOfWork) -> IncidentView:
            incident = self._open(uow, incident_id)
            now = self._rt.now()
            uow.incidents.resolve(incident.id, now, actor.user_id)
            events.audit(
                uow,
                now,
                actor,
                "incident.resolved",
                instance_id=incident.instance_id,
                element_id=incident.element_id,
                details={"incident_id": incident.id},
            )
            resolved = uow.incidents.get(incident.id)
            assert resolved is not None  # noqa: S101 - read in this transaction
            return IncidentView.of(resolved)

        return self._rt.run(work)

    def _open(self, uow: UnitOfWork, incident_id: str) -> IncidentRecord:
        incident = uow.incidents.get(incident_id)
        if incident is None:
            raise NotFound(f"incident {incident_id} not found")
        if incident.resolved_at is not None:
            raise Conflict(f"incident {incident_id} is resolved already")
        return incident
