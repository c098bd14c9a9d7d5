"""Compiled bundles, loaded once per process, and workflows restored from their state.

A bundle (the JSON the compiler stored) is restored to SpiffWorkflow specs, its DMN
parsed and its script engine built once, then kept in a small LRU: steps of the same
process version share one :class:`LoadedBundle`. A workflow comes from the hot cache
(:mod:`.hot`) when it holds the one serialized to this state, else from the state.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (  # type: ignore[import-untyped, unused-ignore]
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import (  # type: ignore[import-untyped, unused-ignore]
    ThrowingEvent,
)

from orchestrator.domain.clock import Clock
from orchestrator.engine import event_subprocess, hot
from orchestrator.engine.dmn import parse_dmn
from orchestrator.engine.scripting import SafeScriptEngine
from orchestrator.engine.serializer import build_serializer

#: the state's JSON; the registry's output holds no cycles, so skip the check for them
_STATE_ENCODER = json.JSONEncoder(separators=(",", ":"), default=str, check_circular=False)


@dataclass
class LoadedBundle:
    key: str
    spec: Any
    subprocess_specs: dict[str, Any]
    script_engine: SafeScriptEngine
    #: element id -> signal name of every event that throws a signal
    signal_throwers: dict[str, str] = field(default_factory=dict)


class Bundles:
    """The loaded bundles (``size`` at most) and the state (de)serializer of one engine.

    ``verify`` (tests) restores the state on every hot hit too and fails unless the kept
    workflow is exactly what restoring gives."""

    def __init__(self, clock: Clock, kept: hot.HotWorkflows, *, size: int, verify: bool) -> None:
        self._clock = clock
        self._hot = kept
        self._size = size
        self._verify_hot = verify
        self._registry = build_serializer().registry
        self._cache: OrderedDict[str, LoadedBundle] = OrderedDict()
        self._cache_lock = threading.Lock()

    def clear(self) -> None:
        """Forget the loaded bundles (the next step loads its bundle again)."""
        with self._cache_lock:
            self._cache.clear()

    def serialize(self, workflow: Any) -> str:
        return _STATE_ENCODER.encode(self._registry.convert(workflow))

    def load(self, bundle: str) -> LoadedBundle:
        with self._cache_lock:  # API threads run steps at once (on PostgreSQL)
            cached = self._cache.get(bundle)
            if cached is not None:
                self._cache.move_to_end(bundle)
                return cached
        dct = json.loads(bundle)
        spec = self._registry.restore(dct["spec"])
        subprocess_specs = {
            name: self._registry.restore(sub) for name, sub in dct["subprocess_specs"].items()
        }
        decisions = {
            ref: parse_dmn(source.encode("utf-8"), f"{ref}.dmn")
            for ref, source in dct.get("decisions", {}).items()
        }
        engine = SafeScriptEngine(self._clock, dct.get("extensions", {}), decisions)
        throwers = {
            task_spec.bpmn_id: task_spec.event_definition.name
            for process in [spec, *subprocess_specs.values()]
            for task_spec in process.task_specs.values()
            if isinstance(task_spec, ThrowingEvent)
            and isinstance(task_spec.event_definition, SignalEventDefinition)
        }
        loaded = LoadedBundle(dct["key"], spec, subprocess_specs, engine, throwers)
        with self._cache_lock:
            raced = self._cache.get(bundle)
            if raced is not None:
                return raced  # another thread loaded it meanwhile: one object per bundle
            self._cache[bundle] = loaded
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return loaded

    def restore(self, bundle: str, state: str) -> tuple[LoadedBundle, Any]:
        loaded = self.load(bundle)
        kept = self._hot.take(state, loaded)
        if kept is not None:
            if self._verify_hot:
                self._verify(kept, loaded, state)
            return loaded, kept
        return loaded, self.deserialize(loaded, state)

    def deserialize(self, loaded: LoadedBundle, state: str) -> Any:
        workflow = self._registry.restore(
            json.loads(state), spec=loaded.spec, subprocess_specs=loaded.subprocess_specs
        )
        workflow.script_engine = loaded.script_engine
        event_subprocess.install(workflow)
        return workflow

    def _verify(self, kept: Any, loaded: LoadedBundle, state: str) -> None:
        """Verifying mode: fail unless ``kept`` is what restoring ``state`` gives."""
        problems = []
        again = self.serialize(kept)
        if again != state:
            problems.append("the kept workflow no longer serializes to its state")
        fresh = self.deserialize(loaded, state)
        problems.extend(hot.differences(kept, fresh))
        hot.dismantle(fresh)
        if problems:
            raise AssertionError("hot workflow differs from its state: " + "; ".join(problems))
