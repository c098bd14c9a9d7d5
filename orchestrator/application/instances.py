"""Start, inspect and terminate process instances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from orchestrator.application import events, steps
from orchestrator.application.identity import Actor
from orchestrator.application.runtime import Runtime
from orchestrator.application.views import InstanceView
from orchestrator.domain.errors import Conflict, NotFound
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


class InstanceService:
    """Use cases on whole process instances."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def start(
        self,
        process_key: str,
        *,
        actor: Actor,
        version: int | None = None,
        business_key: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> InstanceView:
        """Start ``process_key`` (its latest version unless ``version`` is given).

        Raises:
            NotFound: no such process (version).
            EngineStepFailed: the diagram failed before its first wait state.
        """

        def work(uow: UnitOfWork) -> InstanceView:
            definition = uow.definitions.process(process_key, version)
            if definition is None:
                raise NotFound(f"process {process_key} version {version or 'latest'} not found")
            applied = self._rt.start_instance(
                uow,
                definition,
                variables=dict(variables or {}),
                business_key=business_key,
                actor=actor,
            )
            return InstanceView.of(applied.instance)

        return self._rt.run(work)

    def start_by_message(
        self,
        message_name: str,
        *,
        actor: Actor,
        business_key: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> InstanceView:
        """Start the (one) latest process whose message start event is ``message_name``.

        Raises:
            NotFound: no process starts on this message.
            Conflict: more than one process starts on it.
        """

        def work(uow: UnitOfWork) -> InstanceView:
            starters = [
                d
                for d in uow.definitions.latest_processes()
                if message_name in d.message_start_names
            ]
            if not starters:
                raise NotFound(f"no process starts on message '{message_name}'")
            if len(starters) > 1:
                raise Conflict(f"ambiguous: {len(starters)} processes start on '{message_name}'")
            applied = self._rt.start_instance(
                uow,
                starters[0],
                variables=dict(variables or {}),
                business_key=business_key,
                actor=actor,
                message_name=message_name,
            )
            return InstanceView.of(applied.instance)

        return self._rt.run(work)

    def get(self, instance_id: str) -> InstanceView:
        """One instance. Raises NotFound."""
        with self._rt.store.uow(read_only=True) as uow:
            record = uow.instances.get(instance_id)
        if record is None:
            raise NotFound(f"instance {instance_id} not found")
        return InstanceView.of(record)

    def find(
        self,
        *,
        business_key: str | None = None,
        process_key: str | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[InstanceView]:
        """Instances matching every given criterion, newest first."""
        with self._rt.store.uow(read_only=True) as uow:
            records = uow.instances.find(
                business_key=business_key,
                process_key=process_key,
                status=status,
                limit=limit,
                offset=offset,
            )
        return [InstanceView.of(r) for r in records]

    def terminate(self, instance_id: str, *, actor: Actor, reason: str = "") -> InstanceView:
        """Stop a running instance; its tasks, timers, subscriptions and jobs disappear.

        Raises:
            NotFound: no such instance.
            Conflict: the instance is no longer running.
        """

        def work(uow: UnitOfWork) -> InstanceView:
            instance = uow.instances.get(instance_id)
            if instance is None:
                raise NotFound(f"instance {instance_id} not found")
            if instance.status != "running":
                raise Conflict(f"instance {instance_id} is {instance.status}")
            applied = self._rt.advance(uow, instance, steps.Step(op="terminate"), actor)
            events.audit(
                uow,
                self._rt.now(),
                actor,
                "instance.terminate_requested",
                instance=instance,
                details={"reason": reason},
            )
            return InstanceView.of(applied.instance)

        view = self._rt.run(work)
        log.info("instance.terminated", instance_id=instance_id)
        return view
