"""Apply an :class:`InstanceSnapshot`: new state plus the index rows it implies.

Index rows are diffed, not rewritten: a task, timer, subscription or job that is still in
the snapshot keeps its stored row, so claims, hand-overs and job attempts survive a step.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from orchestrator.application import domain_events, events
from orchestrator.application.identity import Actor
from orchestrator.application.ids import new_id
from orchestrator.application.organisations import OrganisationMap, lane_group
from orchestrator.domain.runtime import (
    FormFieldSpec,
    InstanceSnapshot,
    InstanceStatus,
    SubscriptionInfo,
    ThrownMessage,
    UserTaskInfo,
)
from orchestrator.store.records import (
    HumanTaskRecord,
    InstanceRecord,
    JobRecord,
    SubscriptionRecord,
    TimerRecord,
)
from orchestrator.store.repos_index import IndexRow
from orchestrator.store.uow import UnitOfWork

_NO_ROWS: dict[str, list[IndexRow]] = {"task": [], "timer": [], "subscription": [], "job": []}

Old = TypeVar("Old")
New = TypeVar("New")


@dataclass(frozen=True)
class Diff(Generic[Old, New]):
    """Stored rows to delete, snapshot items to insert, and pairs present in both."""

    removed: list[Old]
    added: list[New]
    kept: list[tuple[Old, New]]


def diff(
    stored: Sequence[Old],
    wanted: Sequence[New],
    stored_key: Callable[[Old], Hashable],
    wanted_key: Callable[[New], Hashable],
) -> Diff[Old, New]:
    """Match ``stored`` rows with ``wanted`` items by key (pure; order of ``wanted`` kept)."""
    by_key = {stored_key(row): row for row in stored}
    wanted_keys = {wanted_key(item) for item in wanted}
    added = [item for item in wanted if wanted_key(item) not in by_key]
    kept = [(by_key[wanted_key(item)], item) for item in wanted if wanted_key(item) in by_key]
    removed = [row for row in stored if stored_key(row) not in wanted_keys]
    return Diff(removed=removed, added=added, kept=kept)


@dataclass
class Applied:
    """What applying a snapshot wrote, and what the caller must follow up in the same unit."""

    instance: InstanceRecord
    new_tasks: list[HumanTaskRecord] = field(default_factory=list)
    removed_task_ids: list[str] = field(default_factory=list)
    new_subscriptions: list[SubscriptionRecord] = field(default_factory=list)
    new_jobs: list[JobRecord] = field(default_factory=list)
    thrown_messages: tuple[ThrownMessage, ...] = ()


def form_of(info: UserTaskInfo) -> dict[str, Any]:
    """The JSON form description of a user task (``camunda:formKey`` / ``formData``)."""
    return {
        "key": info.form_key,
        "fields": [_field_json(f) for f in info.form_fields],
    }


def _field_json(spec: FormFieldSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "label": spec.label,
        "type": spec.type,
        "required": spec.required,
        "readonly": spec.readonly,
        "default": spec.default,
        "enum_values": [list(v) for v in spec.enum_values],
        "constraints": [list(c) for c in spec.constraints],
    }


@dataclass(frozen=True)
class SnapshotWriter:
    """Writes snapshots; one instance per application (holds settings only)."""

    organisations: OrganisationMap
    serializer_version: int = 1

    def write(
        self,
        uow: UnitOfWork,
        instance: InstanceRecord,
        snapshot: InstanceSnapshot,
        *,
        now: datetime,
        actor: Actor,
        new: bool = False,
        completed_task_id: str | None = None,
    ) -> Applied:
        """Persist ``snapshot`` for ``instance`` and diff every index table.

        Args:
            uow: the open unit of work (nothing is committed here).
            instance: the instance as read (``new``: as built, not yet stored).
            snapshot: the engine's result.
            now: the clock's time for created/ended stamps.
            actor: who caused the step (audit).
            new: insert the instance instead of the version-checked update.
            completed_task_id: the user task this step completed (not reported as cancelled).

        Raises:
            Conflict: the instance changed since it was read.
        """
        ended = snapshot.status != InstanceStatus.RUNNING
        record = replace(
            instance,
            state=snapshot.state,
            status=str(snapshot.status),
            variables=dict(snapshot.variables),
            serializer_version=self.serializer_version,
            version=instance.version + 1,
            ended_at=(instance.ended_at or now) if ended else None,
        )
        if new:
            uow.instances.add(record)
        else:
            uow.instances.update(
                record, expected_version=instance.version, previous_status=instance.status
            )
        applied = Applied(instance=record, thrown_messages=snapshot.thrown_messages)
        # A new instance has no index rows yet: nothing to read back and diff against.
        # Otherwise one read fetches the keys of all four index tables.
        stored = _NO_ROWS if new else uow.index.of_instance(record.id)
        # a kind with no stored rows and nothing in the snapshot has nothing to diff (most
        # steps touch one or two of the four)
        if stored["task"] or snapshot.user_tasks:
            self._tasks(uow, record, snapshot, now, completed_task_id, applied, stored["task"])
        if stored["timer"] or snapshot.timers:
            self._timers(uow, record, snapshot, stored["timer"])
        if stored["subscription"] or snapshot.subscriptions:
            self._subscriptions(uow, record, snapshot, applied, stored["subscription"])
        if stored["job"] or snapshot.jobs:
            self._jobs(uow, record, snapshot, now, applied, stored["job"])
        domain_events.klantgroep_changed(uow, now, {} if new else instance.variables, record)
        if new:
            events.audit(uow, now, actor, "instance.started", instance=record)
            events.event(uow, now, "instance.started", record)
        if ended and instance.ended_at is None:
            action = f"instance.{record.status}"
            events.audit(uow, now, actor, action, instance=record)
            events.event(uow, now, action, record)
        return applied

    def _tasks(
        self,
        uow: UnitOfWork,
        instance: InstanceRecord,
        snapshot: InstanceSnapshot,
        now: datetime,
        completed_task_id: str | None,
        applied: Applied,
        stored: Sequence[IndexRow],
    ) -> None:
        changes = diff(stored, snapshot.user_tasks, lambda row: row.id, lambda info: info.task_id)
        removed = [row.id for row in changes.removed]
        cancelled = [task_id for task_id in removed if task_id != completed_task_id]
        if cancelled:  # their rows, for the events (read before the delete, in task order)
            for task in uow.tasks.for_instance(instance.id):
                if task.id in cancelled:
                    events.event(uow, now, "task.cancelled", instance, _task_data(task))
        uow.tasks.delete(removed)
        applied.removed_task_ids.extend(removed)
        for info in changes.added:
            groups = list(info.candidate_groups)
            if not groups and not info.candidate_users and info.lane:
                groups = [lane_group(info.lane)]
            task = HumanTaskRecord(
                id=info.task_id,
                instance_id=instance.id,
                element_id=info.element_id,
                name=info.name,
                lane=info.lane,
                candidate_groups=groups,
                candidate_users=list(info.candidate_users),
                assignee=info.assignee,
                due_at=info.due_at,
                organisation=self.organisations.for_task(info.candidate_groups, info.lane),
                business_key=instance.business_key,
                process_key=instance.process_key,
                process_version=instance.process_version,
                form=form_of(info),
                created_at=now,
                claimed_at=now if info.assignee else None,
            )
            uow.tasks.add(task)
            applied.new_tasks.append(task)
            events.event(uow, now, "task.created", instance, _task_data(task))

    def _timers(
        self,
        uow: UnitOfWork,
        instance: InstanceRecord,
        snapshot: InstanceSnapshot,
        stored: Sequence[IndexRow],
    ) -> None:
        changes = diff(
            stored,
            snapshot.timers,
            lambda row: row.task_id,
            lambda info: info.task_id,
        )
        uow.timers.delete([row.id for row in changes.removed])
        for row, info in changes.kept:
            if row.due_at != info.due_at:  # a cycle timer moved on to its next occurrence
                uow.timers.reschedule(row.id, info.due_at)
        for info in changes.added:
            uow.timers.add(
                TimerRecord(
                    id=new_id(),
                    instance_id=instance.id,
                    task_id=info.task_id,
                    element_id=info.element_id,
                    due_at=info.due_at,
                    definition_id=None,
                    locked_until=None,
                )
            )

    def _subscriptions(
        self,
        uow: UnitOfWork,
        instance: InstanceRecord,
        snapshot: InstanceSnapshot,
        applied: Applied,
        stored: Sequence[IndexRow],
    ) -> None:
        changes = diff(
            stored,
            snapshot.subscriptions,
            lambda row: (row.task_id, row.message_name),
            lambda info: (info.task_id, info.message_name),
        )
        uow.messages.delete_subscriptions([row.id for row in changes.removed])
        for info in changes.added:
            record = _subscription(instance, info)
            uow.messages.add_subscription(record)
            applied.new_subscriptions.append(record)

    def _jobs(
        self,
        uow: UnitOfWork,
        instance: InstanceRecord,
        snapshot: InstanceSnapshot,
        now: datetime,
        applied: Applied,
        stored: Sequence[IndexRow],
    ) -> None:
        changes = diff(
            stored,
            snapshot.jobs,
            lambda row: row.task_id,
            lambda info: info.task_id,
        )
        uow.jobs.delete([row.id for row in changes.removed])
        for info in changes.added:
            job = JobRecord(
                id=new_id(),
                instance_id=instance.id,
                task_id=info.task_id,
                element_id=info.element_id,
                topic=info.topic,
                variables=dict(info.variables),
                attempts=0,
                max_attempts=max(1, info.retries),
                retry_intervals=[float(s) for s in info.retry_intervals],
                status="pending",
                due_at=now,
                locked_by=None,
                lock_expires_at=None,
                last_error=None,
                created_at=now,
            )
            uow.jobs.add(job)
            applied.new_jobs.append(job)
            events.job_message(uow, now, job, instance)


def _subscription(instance: InstanceRecord, info: SubscriptionInfo) -> SubscriptionRecord:
    return SubscriptionRecord(
        id=new_id(),
        instance_id=instance.id,
        task_id=info.task_id,
        element_id=info.element_id,
        message_name=info.message_name,
        business_key=instance.business_key,
        correlation=dict(info.correlation),
    )


def _task_data(task: HumanTaskRecord) -> dict[str, Any]:
    return {
        "task_id": task.id,
        "element_id": task.element_id,
        "organisation": task.organisation,
        "candidate_groups": task.candidate_groups,
    }
