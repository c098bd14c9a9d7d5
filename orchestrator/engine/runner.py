"""The engine host: (bundle, state, input, clock) -> :class:`InstanceSnapshot`.

Every call restores a workflow from its bundle (cached, specs restored once) and its
state, applies one input, runs the engine to its next wait state, and serializes the
result. Nothing here touches a database or the wall clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (  # type: ignore[import-untyped, unused-ignore]
    ErrorEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import (  # type: ignore[import-untyped, unused-ignore]
    MessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.user_task import (  # type: ignore[import-untyped, unused-ignore]
    UserTask,
)
from SpiffWorkflow.bpmn.util import BpmnEvent  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    SpiffWorkflowException,
    TaskNotFoundException,
)
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

from orchestrator.domain.clock import Clock
from orchestrator.domain.errors import (
    BpmnErrorRaised,
    Conflict,
    KetenregieError,
    NotFound,
)
from orchestrator.domain.runtime import InstanceSnapshot, InstanceStatus
from orchestrator.engine import event_subprocess, hot
from orchestrator.engine.bundles import Bundles, LoadedBundle
from orchestrator.engine.catching import error_catcher, trigger_start_events
from orchestrator.engine.compiler import Compiler
from orchestrator.engine.contract import Compilation, EngineFailure, SourceFile
from orchestrator.engine.dmn import evaluate_decision, parse_dmn
from orchestrator.engine.history import PRUNE_AFTER, prune_history
from orchestrator.engine.scope import share_changes
from orchestrator.engine.scripting import DiagramFailure
from orchestrator.engine.snapshot import SnapshotBuilder, all_tasks, waiting_events
from orchestrator.engine.specs import ExternalTask

log = logging.getLogger(__name__)

#: a stalled workflow (SpiffWorkflow walks task trees at most 1000 deep) is pushed on
#: this many times before it is declared a runaway loop
MAX_STALL_ROUNDS = 10_000


class SpiffEngine:
    """:class:`~orchestrator.engine.contract.ProcessEngine` on SpiffWorkflow 3.2.

    ``hot_size`` workflows are kept alive between steps, keyed by the state they were
    serialized to (:mod:`.hot`); 0 restores every step from its state. ``verify_hot``
    (tests) restores the state on every hit too and fails unless the kept workflow is
    exactly what restoring gives; None takes :attr:`VERIFY_HOT`.
    """

    #: the default of ``verify_hot`` (the test suite turns it on for every engine)
    VERIFY_HOT = False

    def __init__(
        self,
        clock: Clock,
        *,
        cache_size: int = 64,
        hot_size: int = 128,
        verify_hot: bool | None = None,
    ) -> None:
        self.clock = clock
        self._compiler = Compiler()
        self.hot = hot.HotWorkflows(hot_size)
        self.bundles = Bundles(
            clock,
            self.hot,
            size=cache_size,
            verify=self.VERIFY_HOT if verify_hot is None else verify_hot,
        )

    # -- deploy ----------------------------------------------------------------------------

    def compile(
        self, files: Sequence[SourceFile], deployed: Sequence[SourceFile] = ()
    ) -> Compilation:
        return self._compiler.compile(files, deployed)

    def evaluate_decision(
        self, source: bytes, decision_key: str, variables: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        definitions = parse_dmn(source, f"{decision_key}.dmn")
        if decision_key not in definitions.decisions:
            raise NotFound(f"decision '{decision_key}' is not in this resource")
        return list(evaluate_decision(definitions, decision_key, variables).rules)

    # -- runtime ---------------------------------------------------------------------------

    def start(
        self,
        bundle: str,
        *,
        variables: Mapping[str, Any],
        business_key: str | None,
        message_name: str | None = None,
    ) -> InstanceSnapshot:
        loaded = self.bundles.load(bundle)
        workflow = BpmnWorkflow(
            loaded.spec, loaded.subprocess_specs, script_engine=loaded.script_engine
        )
        event_subprocess.install(workflow)
        completed: list[str] = []

        def act() -> None:
            for task in workflow.get_tasks(state=TaskState.READY):
                task.data.update(variables)
            # Run the root (and, with several start events, SpiffWorkflow's split) so the
            # start events are READY (none) or WAITING (message, timer).
            while True:
                internal = [
                    t
                    for t in workflow.tasks.values()
                    if t.state == TaskState.READY and t.task_spec.bpmn_id is None
                ]
                if not internal:
                    break
                for task in internal:
                    task.run()
            trigger_start_events(workflow, message_name, variables)
            self._advance(workflow, completed)

        return self._guarded(workflow, loaded, completed, act)

    def complete_user_task(
        self, bundle: str, state: str, task_id: str, variables: Mapping[str, Any]
    ) -> InstanceSnapshot:
        loaded, workflow = self.bundles.restore(bundle, state)
        task = self._open_task(workflow, task_id, UserTask, "human task")
        builder = SnapshotBuilder(workflow, loaded.script_engine, self.clock)
        accepted = builder.validate_form(task, variables)
        completed: list[str] = []

        def act() -> None:
            task.data.update(accepted)
            builder.apply_outputs(task)
            task.run()
            share_changes(task)
            completed.append(task.task_spec.bpmn_id)
            self._advance(workflow, completed)

        return self._guarded(workflow, loaded, completed, act)

    def complete_job(
        self, bundle: str, state: str, task_id: str, variables: Mapping[str, Any]
    ) -> InstanceSnapshot:
        loaded, workflow = self.bundles.restore(bundle, state)
        task = self._open_task(workflow, task_id, ExternalTask, "job")
        builder = SnapshotBuilder(workflow, loaded.script_engine, self.clock)
        completed: list[str] = []

        def act() -> None:
            task.data.update(variables)
            builder.apply_outputs(task)
            task.run()
            share_changes(task)
            completed.append(task.task_spec.bpmn_id)
            self._advance(workflow, completed)

        return self._guarded(workflow, loaded, completed, act)

    def throw_job_error(
        self,
        bundle: str,
        state: str,
        task_id: str,
        error_code: str,
        message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> InstanceSnapshot:
        loaded, workflow = self.bundles.restore(bundle, state)
        task = self._open_task(workflow, task_id, ExternalTask, "job")
        payload = {**(variables or {}), "errorCode": error_code, "errorMessage": message}
        event = BpmnEvent(ErrorEventDefinition(error_code, code=error_code), payload)
        catcher = error_catcher(workflow, task, event)
        if catcher is None:
            raise BpmnErrorRaised(
                error_code=error_code, error_message=message, element_id=task.task_spec.bpmn_id
            )
        completed: list[str] = []

        def act() -> None:
            task.data.update(variables or {})
            catcher.task_spec.catch(catcher, event)
            catcher.task_spec._update(catcher)
            self._advance(workflow, completed)

        return self._guarded(workflow, loaded, completed, act)

    def fire_timers(self, bundle: str, state: str, task_ids: Sequence[str]) -> InstanceSnapshot:
        loaded, workflow = self.bundles.restore(bundle, state)
        completed: list[str] = []

        def act() -> None:
            # Timers compare their due time with the engine's clock; refreshing them after
            # the clock passed is what makes them fire (a SpiffWorkflow 3.2 trap).
            workflow.refresh_timers()
            self._advance(workflow, completed)

        return self._guarded(workflow, loaded, completed, act)

    def correlate_message(
        self,
        bundle: str,
        state: str,
        task_id: str,
        message_name: str,
        variables: Mapping[str, Any],
    ) -> InstanceSnapshot:
        loaded, workflow = self.bundles.restore(bundle, state)
        task = self._find(workflow, task_id)
        found = [
            d
            for _, d in (waiting_events(task) if task.state == TaskState.WAITING else [])
            if isinstance(d, MessageEventDefinition) and d.name == message_name
        ]
        if not found:
            raise Conflict(f"the instance no longer waits for message '{message_name}' there")
        definition = found[0]
        completed: list[str] = []

        def act() -> None:
            # Delivered to this one task only: SpiffWorkflow would otherwise accept a first
            # message of the right name whatever its correlation values.
            event = BpmnEvent(definition, dict(variables))
            task.task_spec.catch(task, event)
            task.task_spec._update(task)
            self._advance(workflow, completed)

        return self._guarded(workflow, loaded, completed, act)

    def signal(self, bundle: str, state: str, signal_name: str) -> InstanceSnapshot:
        loaded, workflow = self.bundles.restore(bundle, state)
        completed: list[str] = []

        def act() -> None:
            workflow.catch(BpmnEvent(SignalEventDefinition(signal_name), {}))
            self._advance(workflow, completed)

        return self._guarded(workflow, loaded, completed, act)

    def terminate(self, bundle: str, state: str) -> InstanceSnapshot:
        loaded, workflow = self.bundles.restore(bundle, state)
        workflow.cancel()
        snapshot = self._snapshot(workflow, loaded, [])
        return InstanceSnapshot(
            state=snapshot.state,
            status=InstanceStatus.TERMINATED,
            variables=snapshot.variables,
        )

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _find(workflow: Any, task_id: str) -> Any:
        try:
            return workflow.get_task_from_id(UUID(task_id))
        except (TaskNotFoundException, ValueError):
            raise NotFound(f"task {task_id} is not part of this instance") from None

    def _open_task(self, workflow: Any, task_id: str, kind: type, what: str) -> Any:
        task = self._find(workflow, task_id)
        if not isinstance(task.task_spec, kind):
            raise NotFound(f"task {task_id} is not a {what}")
        if task.state != TaskState.READY:
            raise Conflict(f"{what} {task_id} is no longer open")
        return task

    def _advance(self, workflow: Any, completed: list[str]) -> None:
        ran = 0

        def record(task: Any) -> None:
            nonlocal ran
            share_changes(task)
            if task.task_spec.bpmn_id:
                completed.append(task.task_spec.bpmn_id)
            ran += 1
            if ran % PRUNE_AFTER == 0:
                # a loop running within one step: keep the tree short while it runs
                prune_history(workflow)

        for _ in range(MAX_STALL_ROUNDS):
            workflow.do_engine_steps(did_complete_task=record)
            if prune_history(workflow):
                # A loop grew the tree; with its history cut, SpiffWorkflow sees it whole.
                workflow.do_engine_steps(did_complete_task=record)
            # SpiffWorkflow walks task trees at most 1000 deep; a long loop leaves READY
            # engine tasks it cannot see. Run those ourselves and go round again.
            stalled = [
                t
                for t in all_tasks(workflow)
                if t.state == TaskState.READY and not t.task_spec.manual
            ]
            if not stalled:
                return
            for task in stalled:
                if task.state == TaskState.READY:
                    task.run()
                    record(task)
        raise EngineFailure("the process keeps looping without waiting; is there a loop?")

    def _guarded(
        self, workflow: Any, loaded: LoadedBundle, completed: list[str], act: Callable[[], None]
    ) -> InstanceSnapshot:
        """Run ``act`` and snapshot the workflow; then keep it for the instance's next step,
        or take it apart (see :func:`hot.dismantle`)."""
        kept = False
        try:
            snapshot = self._step(workflow, loaded, completed, act)
            if (
                snapshot.status == InstanceStatus.RUNNING
                and self.hot.enabled
                and hot.reusable(workflow)
            ):
                # nothing touches the workflow after it was serialized: the next step of
                # this instance (reading this state back) can take it as it is
                self.hot.put(snapshot.state, loaded, workflow)
                kept = True
            return snapshot
        finally:
            if not kept:
                hot.dismantle(workflow)

    def _step(
        self, workflow: Any, loaded: LoadedBundle, completed: list[str], act: Callable[[], None]
    ) -> InstanceSnapshot:
        try:
            act()
            return self._snapshot(workflow, loaded, completed)
        except KetenregieError:
            raise
        except EngineFailure:
            raise
        except DiagramFailure as exc:
            raise EngineFailure(str(exc), element_id=exc.element_id) from None
        except SpiffWorkflowException as exc:
            cause = exc.__cause__ or getattr(exc, "exception", None)
            if isinstance(cause, DiagramFailure):
                raise EngineFailure(str(cause), element_id=cause.element_id) from None
            task = getattr(exc, "task", None)
            element = task.task_spec.bpmn_id if task is not None else None
            raise EngineFailure(str(exc).split("\n")[0], element_id=element) from None

    def _snapshot(
        self, workflow: Any, loaded: LoadedBundle, completed: list[str]
    ) -> InstanceSnapshot:
        builder = SnapshotBuilder(workflow, loaded.script_engine, self.clock)

        def serialize() -> str:
            return self.bundles.serialize(workflow)

        # Signals are broadcast (to other instances too) even when one is caught here.
        signals = [loaded.signal_throwers[e] for e in completed if e in loaded.signal_throwers]
        return builder.build(serialize, completed, signals)


def iter_waiting(workflow: Any) -> Iterator[Any]:
    """WAITING tasks of the workflow and its subprocesses."""
    return (t for t in all_tasks(workflow) if t.state == TaskState.WAITING)


__all__ = ["SpiffEngine", "iter_waiting", "log", "prune_history"]
