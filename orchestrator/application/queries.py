"""Read-side use cases the HTTP API needs beside the command services.

Reads never change process state; :meth:`QueryService.record` appends the audit event a
read of personal data requires (AVG: who looked at whose file, when, and why).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orchestrator.application import events
from orchestrator.application.identity import Actor
from orchestrator.application.runtime import Runtime
from orchestrator.application.views import (
    AuditEntry,
    IncidentView,
    InstanceView,
    JobView,
    TaskView,
)
from orchestrator.domain.errors import NotFound
from orchestrator.store.records import (
    DecisionDefinitionRecord,
    DeploymentRecord,
    HumanTaskRecord,
    ProcessDefinitionRecord,
)
from orchestrator.store.repos_query import AuditSearch, InstanceSearch
from orchestrator.store.uow import UnitOfWork

__all__ = ["AuditSearch", "InstanceSearch", "QueryService"]


@dataclass(frozen=True)
class DefinitionVersion:
    """One version of a process or decision."""

    kind: str  # process | decision
    key: str
    version: int
    name: str | None
    resource_name: str
    definition_id: str
    deployment_id: str
    deployed_at: datetime


@dataclass(frozen=True)
class TimerItem:
    """A timer an instance waits for."""

    element_id: str
    due_at: datetime


@dataclass(frozen=True)
class InstanceDetails:
    """An instance with everything it waits for."""

    instance: InstanceView
    properties: dict[str, str]
    tasks: list[TaskView]
    timers: list[TimerItem]
    jobs: list[JobView]
    waiting_messages: list[tuple[str, str]]  # (element id, message name)
    incidents: list[IncidentView]

    @property
    def current_elements(self) -> list[str]:
        """Element ids the instance waits at, sorted."""
        ids = {t.element_id for t in self.tasks} | {t.element_id for t in self.timers}
        ids |= {j.element_id for j in self.jobs if j.status != "done"}
        ids |= {e for e, _ in self.waiting_messages}
        return sorted(ids)


@dataclass(frozen=True)
class Stats:
    """Counts for the Prometheus endpoint."""

    instances: dict[tuple[str, str], int]
    open_tasks: dict[str, int]
    due_timers: int
    incidents: dict[str, int]
    jobs: dict[str, int]
    job_outcomes: dict[str, int]


def _process_version(record: ProcessDefinitionRecord) -> DefinitionVersion:
    return DefinitionVersion(
        "process",
        record.key,
        record.version,
        record.name,
        record.resource_name,
        record.id,
        record.deployment_id,
        record.deployed_at,
    )


def _decision_version(record: DecisionDefinitionRecord) -> DefinitionVersion:
    return DefinitionVersion(
        "decision",
        record.key,
        record.version,
        record.name,
        record.resource_name,
        record.id,
        record.deployment_id,
        record.deployed_at,
    )


class QueryService:
    """Queries on deployments, definitions, instances, tasks and the audit trail."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # ---------------------------------------------------------------- deployments
    def deployments(self, *, limit: int = 100, offset: int = 0) -> list[DeploymentRecord]:
        """Deployments, newest first."""
        with self._rt.store.uow(read_only=True) as uow:
            return uow.deployments.list(limit=limit, offset=offset)

    def deployment(self, deployment_id: str) -> tuple[DeploymentRecord, list[DefinitionVersion]]:
        """One deployment and the definition versions it created. Raises NotFound."""
        with self._rt.store.uow(read_only=True) as uow:
            record = uow.deployments.get(deployment_id)
            if record is None:
                raise NotFound(f"deployment {deployment_id} not found")
            created = [
                _process_version(p)
                for latest in uow.definitions.latest_processes()
                for p in uow.definitions.process_versions(latest.key)
                if p.deployment_id == deployment_id
            ]
            created += [
                _decision_version(d)
                for d in uow.queries.decision_versions()
                if d.deployment_id == deployment_id
            ]
        return record, created

    # ---------------------------------------------------------------- definitions
    def processes(self) -> dict[str, list[DefinitionVersion]]:
        """Every process key with all its versions, newest first."""
        with self._rt.store.uow(read_only=True) as uow:
            return {
                latest.key: [
                    _process_version(p) for p in uow.definitions.process_versions(latest.key)
                ]
                for latest in uow.definitions.latest_processes()
            }

    def decisions(self) -> dict[str, list[DefinitionVersion]]:
        """Every decision key with all its versions, newest first."""
        result: dict[str, list[DefinitionVersion]] = {}
        with self._rt.store.uow(read_only=True) as uow:
            for record in uow.queries.decision_versions():
                result.setdefault(record.key, []).append(_decision_version(record))
        return result

    def process_definition(self, key: str, version: int | None = None) -> ProcessDefinitionRecord:
        """Version ``version`` (None: latest) of process ``key``. Raises NotFound."""
        with self._rt.store.uow(read_only=True) as uow:
            record = uow.definitions.process(key, version)
        if record is None:
            raise NotFound(f"process {key} version {version or 'latest'} not found")
        return record

    def process_properties(self) -> dict[str, list[dict[str, str]]]:
        """Properties of every process version, by process key."""
        with self._rt.store.uow(read_only=True) as uow:
            return uow.queries.process_properties()

    def decision_source(self, key: str, version: int | None = None) -> tuple[int, str]:
        """(version, DMN XML) of decision ``key``. Raises NotFound."""
        with self._rt.store.uow(read_only=True) as uow:
            record = uow.queries.decision_version(key, version)
            content = uow.blobs.get(record.source_hash) if record else None
        if record is None or content is None:
            raise NotFound(f"decision {key} version {version or 'latest'} not found")
        return record.version, content

    def evaluate_decision(
        self, key: str, variables: Mapping[str, Any], version: int | None = None
    ) -> list[dict[str, Any]]:
        """Evaluate decision ``key`` on ``variables`` (matched rules' outputs, in order).

        Raises:
            NotFound: no such decision. DecisionError / ExpressionError: it cannot decide.
        """
        _, source = self.decision_source(key, version)
        return self._rt.engine.evaluate_decision(source.encode("utf-8"), key, variables)

    # ---------------------------------------------------------------- instances, tasks
    def instance_details(self, instance_id: str) -> InstanceDetails:
        """An instance with its tasks, timers, jobs, messages and open incidents."""
        with self._rt.store.uow(read_only=True) as uow:
            record = uow.instances.get(instance_id)
            if record is None:
                raise NotFound(f"instance {instance_id} not found")
            definition = uow.definitions.process_by_id(record.definition_id)
            return InstanceDetails(
                instance=InstanceView.of(record),
                properties=dict(definition.properties) if definition else {},
                tasks=[TaskView.of(t) for t in uow.tasks.for_instance(instance_id)],
                timers=[
                    TimerItem(t.element_id, t.due_at) for t in uow.timers.for_instance(instance_id)
                ],
                jobs=[JobView.of(j) for j in uow.jobs.for_instance(instance_id)],
                waiting_messages=[
                    (s.element_id, s.message_name)
                    for s in uow.messages.subscriptions_for_instance(instance_id)
                ],
                incidents=[IncidentView.of(i) for i in uow.incidents.find(instance_id=instance_id)],
            )

    def task(self, task_id: str) -> tuple[HumanTaskRecord, InstanceView, dict[str, str]] | None:
        """An open task with its instance and the properties of its definition, or None."""
        with self._rt.store.uow(read_only=True) as uow:
            task = uow.tasks.get(task_id)
            instance = uow.instances.get(task.instance_id) if task else None
            if task is None or instance is None:
                return None
            definition = uow.definitions.process_by_id(instance.definition_id)
            return (
                task,
                InstanceView.of(instance),
                dict(definition.properties if definition else {}),
            )

    def search(self, criteria: InstanceSearch) -> list[tuple[InstanceView, dict[str, str]]]:
        """Instances matching ``criteria`` with the properties of their definition."""
        with self._rt.store.uow(read_only=True) as uow:
            records = uow.queries.search_instances(criteria)
            properties: dict[str, dict[str, str]] = {}
            for record in records:
                if record.definition_id not in properties:
                    definition = uow.definitions.process_by_id(record.definition_id)
                    properties[record.definition_id] = dict(
                        definition.properties if definition else {}
                    )
        return [(InstanceView.of(r), properties[r.definition_id]) for r in records]

    def message_receivers(self, name: str, business_key: str | None) -> set[str]:
        """Keys of the processes that would receive message ``name`` now: instances
        waiting for it, and processes that start on it."""
        with self._rt.store.uow(read_only=True) as uow:
            keys = set()
            for subscription in uow.messages.find_subscriptions(name, business_key):
                instance = uow.instances.get(subscription.instance_id)
                if instance is not None:
                    keys.add(instance.process_key)
            keys |= {
                d.key for d in uow.definitions.latest_processes() if name in d.message_start_names
            }
        return keys

    # ---------------------------------------------------------------- audit trail
    def audit(self, criteria: AuditSearch) -> list[AuditEntry]:
        """Audit events matching ``criteria``."""
        with self._rt.store.uow(read_only=True) as uow:
            return [AuditEntry.of(r) for r in uow.queries.search_audit(criteria)]

    def record(
        self,
        actor: Actor,
        action: str,
        *,
        purpose: str,
        instance: InstanceView | None = None,
        task_id: str | None = None,
        element_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Append an audit event for a read (or an API request) with its purpose.

        ``details`` must hold no personal data: name variables and criteria, never values.
        """

        def work(uow: UnitOfWork) -> None:
            events.audit(
                uow,
                self._rt.now(),
                actor,
                action,
                instance_id=instance.id if instance else None,
                process_key=instance.process_key if instance else None,
                business_key=instance.business_key if instance else None,
                task_id=task_id,
                element_id=element_id,
                details={"purpose": purpose, **dict(details or {})},
            )

        self._rt.run(work)

    def record_reads(
        self,
        actor: Actor,
        action: str,
        *,
        purpose: str,
        instances: Sequence[InstanceView],
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """One audit event per instance read (e.g. the results of a search), in one
        transaction."""
        if not instances:
            return

        def work(uow: UnitOfWork) -> None:
            now = self._rt.now()
            for instance in instances:
                events.audit(
                    uow,
                    now,
                    actor,
                    action,
                    instance_id=instance.id,
                    process_key=instance.process_key,
                    business_key=instance.business_key,
                    details={"purpose": purpose, **dict(details or {})},
                )

        self._rt.run(work)

    # ---------------------------------------------------------------- metrics
    def stats(self) -> Stats:
        """Counts for monitoring."""
        with self._rt.store.uow(read_only=True) as uow:
            q = uow.queries
            return Stats(
                instances=q.instances_by_status(),
                open_tasks=q.open_tasks_by_group(),
                due_timers=q.due_timers(self._rt.now()),
                incidents=q.open_incidents_by_kind(),
                jobs=q.jobs_by_status(),
                job_outcomes=q.audit_action_counts(
                    ("job.completed", "job.failed", "job.bpmn_error")
                ),
            )
