"""Worklists and the life cycle of a human task: claim, hand over, complete."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import structlog

from orchestrator.application import events, steps
from orchestrator.application.identity import Actor
from orchestrator.application.runtime import Runtime
from orchestrator.application.views import InstanceView, TaskView
from orchestrator.domain.errors import Conflict, Forbidden, NotFound
from orchestrator.store.records import HumanTaskRecord, InstanceRecord
from orchestrator.store.repos_runtime import TaskFilter
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

#: worklist criteria (see :class:`orchestrator.store.TaskFilter` for the fields)
TaskQuery = TaskFilter

#: a group that sees and may act on every task (functioneel beheer)
ADMIN_GROUP = "beheerder"


def _sees_everything(actor: Actor) -> bool:
    return actor.is_system or ADMIN_GROUP in actor.groups


def is_candidate(task: HumanTaskRecord, actor: Actor) -> bool:
    """True when ``actor`` may pick up ``task``.

    A task without candidates (no groups, users or lane) is only for beheer to hand over.
    """
    if _sees_everything(actor) or task.assignee == actor.user_id:
        return True
    return actor.user_id in task.candidate_users or actor.in_any(task.candidate_groups)


class TaskService:
    """Use cases of caseworkers on their werkvoorraad."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def worklist(self, actor: Actor, query: TaskQuery | None = None) -> list[TaskView]:
        """Open tasks matching ``query`` that ``actor`` may see (assigned or candidate)."""
        criteria = query or TaskQuery()
        if not _sees_everything(actor):
            criteria = replace(
                criteria,
                visible_to_user=actor.user_id,
                visible_to_groups=tuple(sorted(actor.groups)),
            )
        with self._rt.store.uow(read_only=True) as uow:
            return [TaskView.of(t) for t in uow.tasks.query(criteria)]

    def get(self, task_id: str, actor: Actor) -> TaskView:
        """One open task. Raises NotFound, or Forbidden when ``actor`` may not see it."""
        with self._rt.store.uow(read_only=True) as uow:
            return TaskView.of(self._visible(uow, task_id, actor))

    def claim(self, task_id: str, actor: Actor) -> TaskView:
        """Assign the task to ``actor``.

        Raises:
            NotFound: no open task with this id.
            Forbidden: ``actor`` is not a candidate.
            Conflict: someone else claimed it already.
        """

        def work(uow: UnitOfWork) -> TaskView:
            task = self._open(uow, task_id)
            if not is_candidate(task, actor):
                raise Forbidden(f"{actor.user_id} is not a candidate for task {task_id}")
            now = self._rt.now()
            uow.tasks.claim(task_id, actor.user_id, now)
            _audit(uow, self._rt, actor, "task.claimed", task)
            return TaskView.of(replace(task, assignee=actor.user_id, claimed_at=now))

        return self._rt.run(work)

    def unclaim(self, task_id: str, actor: Actor) -> TaskView:
        """Put a claimed task back on the group worklist (assignee or beheerder only)."""

        def work(uow: UnitOfWork) -> TaskView:
            task = self._open(uow, task_id)
            if task.assignee != actor.user_id and not _sees_everything(actor):
                raise Forbidden(f"task {task_id} is not assigned to {actor.user_id}")
            uow.tasks.set_assignee(task_id, None, None)
            _audit(uow, self._rt, actor, "task.unclaimed", task)
            return TaskView.of(replace(task, assignee=None, claimed_at=None))

        return self._rt.run(work)

    def hand_over(
        self,
        task_id: str,
        actor: Actor,
        *,
        to_user: str | None = None,
        to_group: str | None = None,
    ) -> TaskView:
        """Give the task to another user, or to another group (a warm handover).

        Raises:
            ValueError: neither or both of ``to_user`` and ``to_group`` given.
            Forbidden: ``actor`` neither holds the task nor is a candidate for it.
            Conflict: the task is claimed by a third person.
        """
        if (to_user is None) == (to_group is None):
            raise ValueError("hand over to exactly one user or one group")

        def work(uow: UnitOfWork) -> TaskView:
            task = self._open(uow, task_id)
            if not is_candidate(task, actor):
                raise Forbidden(f"{actor.user_id} may not hand over task {task_id}")
            if task.assignee not in (None, actor.user_id) and not _sees_everything(actor):
                raise Conflict(f"task {task_id} is claimed by someone else")
            now = self._rt.now()
            if to_user is not None:
                uow.tasks.set_assignee(task_id, to_user, now)
                result = replace(task, assignee=to_user, claimed_at=now)
            else:
                assert to_group is not None  # noqa: S101 - checked above
                organisation = self._rt.writer.organisations.for_task([to_group], None)
                uow.tasks.set_candidate_groups(task_id, [to_group], organisation)
                uow.tasks.set_assignee(task_id, None, None)
                result = replace(
                    task,
                    candidate_groups=[to_group],
                    organisation=organisation,
                    assignee=None,
                    claimed_at=None,
                )
            details = {"to_user": to_user, "to_group": to_group}
            _audit(uow, self._rt, actor, "task.handed_over", task, details)
            instance = uow.instances.get(task.instance_id)
            if instance is not None:
                events.event(
                    uow,
                    now,
                    "task.handed_over",
                    instance,
                    {"task_id": task_id, "organisation": result.organisation, **details},
                )
            return TaskView.of(result)

        return self._rt.run(work)

    def complete(
        self,
        task_id: str,
        variables: Mapping[str, Any] | None,
        actor: Actor,
        *,
        check: Callable[[HumanTaskRecord], None] | None = None,
    ) -> InstanceView:
        """Complete the task with the submitted form ``variables`` and advance the instance.

        Two concurrent completions: exactly one wins, the other gets Conflict. ``check``
        (e.g. the API's access rule) sees the task as read in the completing transaction,
        before any other check; what it raises aborts the completion.

        Raises:
            NotFound: no such task.
            Forbidden: ``actor`` may not complete it.
            Conflict: the task was completed (or the instance changed) concurrently.
            ValidationFailed: the form data is refused.
            EngineStepFailed: the process cannot proceed (an incident was recorded).
        """

        step = steps.Step(op="complete_user_task", task_id=task_id, variables=dict(variables or {}))
        prepared = None
        if self._rt.prepare_steps:

            def find(uow: UnitOfWork) -> tuple[InstanceRecord, steps.Step] | None:
                task = uow.tasks.get(task_id)
                if task is None or (check is not None and _refuses(check, task)):
                    return None
                instance = uow.instances.get(task.instance_id)
                return None if instance is None else (instance, step)

            prepared = self._rt.prepare(find)

        def work(uow: UnitOfWork) -> InstanceView:
            task = self._open(uow, task_id)
            if check is not None:
                check(task)
            if task.assignee not in (None, actor.user_id) and not _sees_everything(actor):
                raise Conflict(f"task {task_id} is claimed by someone else")
            if not is_candidate(task, actor):
                raise Forbidden(f"{actor.user_id} may not complete task {task_id}")
            instance = uow.instances.get(task.instance_id)
            if instance is None:  # pragma: no cover - foreign key
                raise NotFound(f"instance {task.instance_id} not found")
            # audit and event first, so the trail reads "task completed, instance completed"
            variable_names = sorted((variables or {}).keys())
            _audit(uow, self._rt, actor, "task.completed", task, {"variables": variable_names})
            events.event(
                uow,
                self._rt.now(),
                "task.completed",
                instance,
                {"task_id": task_id, "element_id": task.element_id, "completed_by": actor.user_id},
            )
            applied = self._rt.advance(
                uow, instance, step, actor, completed_task_id=task_id, prepared=prepared
            )
            return InstanceView.of(applied.instance)

        view = self._rt.run(work)
        log.info("task.completed", task_id=task_id, instance_id=view.id)
        return view

    def _open(self, uow: UnitOfWork, task_id: str) -> HumanTaskRecord:
        task = uow.tasks.get(task_id)
        if task is not None:
            return task
        if uow.audit.task_completed(task_id):
            raise Conflict(f"task {task_id} is already completed")
        raise NotFound(f"task {task_id} not found")

    def _visible(self, uow: UnitOfWork, task_id: str, actor: Actor) -> HumanTaskRecord:
        task = self._open(uow, task_id)
        if not is_candidate(task, actor):
            raise Forbidden(f"task {task_id} is not on the worklist of {actor.user_id}")
        return task


def _refuses(check: Callable[[HumanTaskRecord], None], task: HumanTaskRecord) -> bool:
    try:
        check(task)
    except Exception:  # noqa: BLE001 - the completing transaction raises it again
        return True
    return False


def _audit(
    uow: UnitOfWork,
    runtime: Runtime,
    actor: Actor,
    action: str,
    task: HumanTaskRecord,
    details: Mapping[str, Any] | None = None,
) -> None:
    events.audit(
        uow,
        runtime.now(),
        actor,
        action,
        instance_id=task.instance_id,
        element_id=task.element_id,
        task_id=task.id,
        process_key=task.process_key,
        business_key=task.business_key,
        details=details,
    )
