"""What the engine offers the application layer (implemented in :mod:`.runner`).

The application layer holds no SpiffWorkflow objects: it passes a compiled *bundle*
(JSON text, stored once by hash) and an instance *state* (JSON text) in, and gets an
:class:`~orchestrator.domain.runtime.InstanceSnapshot` out. Every runtime call is a pure
function of (bundle, state, input, clock) -> snapshot, so the caller can persist the
result in one transaction and retry on a version conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from orchestrator.domain.errors import DeployProblem
from orchestrator.domain.runtime import InstanceSnapshot


@dataclass(frozen=True)
class SourceFile:
    """A ``.bpmn`` or ``.dmn`` resource as uploaded."""

    name: str
    content: bytes


@dataclass(frozen=True)
class CompiledProcess:
    """An executable process ready to store as a new definition version."""

    key: str  # BPMN process id
    name: str | None
    resource_name: str
    bundle: str  # JSON: process spec + called subprocess specs + referenced decisions
    bundle_hash: str  # sha256 of ``bundle``: identical content -> identical hash
    message_start_names: tuple[str, ...] = ()  # message start events
    timer_start: str | None = None  # timer start event expression, e.g. "R/P1D"
    called_process_keys: tuple[str, ...] = ()
    decision_keys: tuple[str, ...] = ()
    # camunda:properties on the process element, e.g. ``zichtbaar.uwv`` = variable names a
    # role may read (doelbinding); empty when the diagram sets none
    properties: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CompiledDecision:
    """A DMN decision ready to store as a new decision version."""

    key: str
    name: str | None
    resource_name: str
    source_hash: str  # sha256 of the DMN file that holds it


@dataclass
class Compilation:
    """Result of compiling a set of resources: either processes/decisions, or errors."""

    processes: list[CompiledProcess] = field(default_factory=list)
    decisions: list[CompiledDecision] = field(default_factory=list)
    problems: list[DeployProblem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """True when at least one problem is an error (nothing may be deployed)."""
        return any(p.severity == "error" for p in self.problems)


class ProcessEngine(Protocol):
    """The engine port. All runtime methods may raise:

    - :class:`~orchestrator.domain.errors.NotFound` for an unknown task id,
    - :class:`~orchestrator.domain.errors.ValidationFailed` for form data that is refused,
    - :class:`~orchestrator.domain.errors.BpmnErrorRaised` for a BPMN error nobody catches,
    - :class:`EngineFailure` when the diagram cannot proceed (expression error, DMN error):
      the caller records an incident and keeps the previous state.
    """

    def compile(
        self, files: Sequence[SourceFile], deployed: Sequence[SourceFile] = ()
    ) -> Compilation:
        """Parse and validate ``files``; ``deployed`` are the latest stored resources that
        call activities and business rule tasks in ``files`` may refer to."""
        ...

    def start(
        self,
        bundle: str,
        *,
        variables: Mapping[str, Any],
        business_key: str | None,
        message_name: str | None = None,
    ) -> InstanceSnapshot: ...

    def complete_user_task(
        self, bundle: str, state: str, task_id: str, variables: Mapping[str, Any]
    ) -> InstanceSnapshot: ...

    def complete_job(
        self, bundle: str, state: str, task_id: str, variables: Mapping[str, Any]
    ) -> InstanceSnapshot: ...

    def throw_job_error(
        self,
        bundle: str,
        state: str,
        task_id: str,
        error_code: str,
        message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> InstanceSnapshot: ...

    def fire_timers(self, bundle: str, state: str, task_ids: Sequence[str]) -> InstanceSnapshot:
        """Fire the given timers (their due time has passed on the engine's clock)."""
        ...

    def correlate_message(
        self,
        bundle: str,
        state: str,
        task_id: str,
        message_name: str,
        variables: Mapping[str, Any],
    ) -> InstanceSnapshot: ...

    def signal(self, bundle: str, state: str, signal_name: str) -> InstanceSnapshot: ...

    def terminate(self, bundle: str, state: str) -> InstanceSnapshot: ...

    def evaluate_decision(
        self, source: bytes, decision_key: str, variables: Mapping[str, Any]
    ) -> list[dict[str, Any]]: ...


class EngineFailure(Exception):
    """The diagram cannot proceed from this state; becomes an incident on the instance."""

    def __init__(self, message: str, *, element_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.element_id = element_id
