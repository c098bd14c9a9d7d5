"""Workflows kept alive between steps, keyed by the state the engine serialized them to.

Every engine call restores a workflow from its stored state (parse the JSON, rebuild every
task) and, at the end, serializes it again. A journey's next step usually starts from the
state the previous step produced, so :class:`HotWorkflows` keeps the live workflow under
that exact state string and hands it to the next step instead of restoring it.

Safe by construction:

- The key is the state text itself. A step reads the state from the database; if the
  transaction that stored a new state rolled back, the database still holds the old one,
  which is no longer in the cache (:meth:`HotWorkflows.take` pops): a miss.
- :meth:`HotWorkflows.take` pops, so a step that fails halfway never leaves a half-changed
  workflow behind, and a workflow belongs to one thread at a time.
- Only a workflow that restoring its state would reproduce exactly is kept
  (:func:`reusable`): SpiffWorkflow's state is lossy in a few corners (a task's data is
  stored as a delta to its parent's, compared with ``==``, so ``True`` under a parent's
  ``1`` comes back as ``1``; nested values are shared differently; unknown types come back
  as text; event-manager and subprocess order follow the restore walk). Workflows whose
  variables are anything but plain scalars (or whose internal data shares a list or dict
  between tasks) are simply not kept.

:func:`differences` compares a kept workflow with a freshly restored one, attribute by
attribute; the engine's verifying mode (tests) runs it on every hit.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import (  # type: ignore[import-untyped, unused-ignore]
    CatchingEvent,
)
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import (  # type: ignore[import-untyped, unused-ignore]
    SubWorkflowTask,
)
from SpiffWorkflow.task import Task  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

#: values that survive the JSON round trip as themselves (exact types: no subclasses)
_SCALARS = frozenset({str, int, float, bool, type(None)})


class HotWorkflows:
    """A small LRU of live workflows by the state they were serialized to (thread-safe)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[object, Any]] = OrderedDict()
        self._lock = threading.Lock()
        #: steps that took a kept workflow / restored their state
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def enabled(self) -> bool:
        """Whether workflows are kept at all (size > 0)."""
        return self._size > 0

    def take(self, state: str, owner: object) -> Any | None:
        """The workflow kept for ``state`` by ``owner`` (the loaded bundle), removed from the
        cache; None on a miss."""
        with self._lock:
            entry = self._entries.pop(state, None)
            if entry is None or entry[0] is not owner:
                self.misses += 1
                hit = None
            else:
                self.hits += 1
                hit = entry[1]
        if entry is not None and hit is None:
            dismantle(entry[1])  # kept for a bundle that is no longer loaded
        return hit

    def put(self, state: str, owner: object, workflow: Any) -> None:
        """Keep ``workflow``, which serialized to ``state``, for ``owner``'s next step."""
        if not self.enabled:
            return
        evicted = []
        with self._lock:
            self._entries[state] = (owner, workflow)
            self._entries.move_to_end(state)
            while len(self._entries) > self._size:
                evicted.append(self._entries.popitem(last=False)[1][1])
        for old in evicted:
            dismantle(old)

    def clear(self) -> None:
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
        for _, workflow in entries:
            dismantle(workflow)


def dismantle(workflow: Any) -> None:
    """Break the reference cycles of a workflow nobody will use again.

    A workflow and its tasks point at each other (``workflow.tasks`` and ``task.workflow``,
    the task tree, the event manager, subprocesses), so a dropped workflow is cyclic
    garbage: it lives on until Python's cyclic collector finds it, and every collection in
    between walks it again and promotes it to an older generation. At a few hundred steps a
    second that made full collections of 60-70 ms that held every request of the API
    server. Cut apart, the workflow is freed by reference counting the moment its last
    user lets go.
    """
    for wf in (workflow, *workflow.subprocesses.values()):
        wf.tasks = {}
        wf.task_tree = None
        wf.last_task = None
        wf.event_manager = None
    workflow.subprocesses = {}


# -- is a live workflow what restoring its state gives? ------------------------------------


def restore_order(workflow: Any) -> list[Any] | None:
    """The workflow and its subprocesses in the order restoring builds them (SpiffWorkflow's
    ``subprocesses_from_dict``: parents first, in task order); None if that order is not
    the live one (or a subprocess would be dropped)."""
    found: list[Any] = [workflow]
    _walk(workflow, workflow.subprocesses, found)
    if [sub.parent_task_id for sub in found[1:]] != list(workflow.subprocesses):
        return None
    return found


def _walk(wf: Any, subprocesses: dict[Any, Any], found: list[Any]) -> None:
    # a module function, not a closure: a recursive closure is a reference cycle, and
    # would keep every workflow it saw alive until the cyclic garbage collector ran
    for task in wf.tasks.values():
        if isinstance(task.task_spec, SubWorkflowTask) and task.id in subprocesses:
            sub = subprocesses[task.id]
            found.append(sub)
            _walk(sub, subprocesses, found)


def _json_exact(value: Any) -> bool:
    """``value`` survives the registry and JSON unchanged (types included)."""
    kind = type(value)
    if kind in _SCALARS:
        return kind is not float or not (value == 0.0 and math.copysign(1.0, value) < 0)
    if kind is dict:
        return "typename" not in value and all(
            type(k) is str and _json_exact(v) for k, v in value.items()
        )
    if kind is list:
        return all(_json_exact(v) for v in value)
    return False


def _plain_scalars(data: dict[Any, Any]) -> bool:
    return all(type(k) is str and type(v) in _SCALARS for k, v in data.items())


def _inherits_exactly(data: dict[Any, Any], before: dict[Any, Any]) -> bool:
    """A task's data comes back from (parent's data, delta) as it is: plain scalars; a value
    equal to the parent's (left out of the delta) is the parent's value; keys shared with
    the parent first, in the parent's order (the restore merges, then updates)."""
    shared = 0
    for key, value in data.items():
        kind = type(value)
        if type(key) is not str or kind not in _SCALARS:
            return False
        if key in before:
            shared += 1
            old = before[key]
            if old is not value and old == value:
                if type(old) is not kind:
                    return False  # True under 1, 1.0 under 1: restored as the parent's
                if kind is float and math.copysign(1.0, old) != math.copysign(1.0, value):
                    return False  # -0.0 under 0.0
    if shared:
        keys = list(data)[:shared]
        if keys != [key for key in before if key in data]:
            return False
    return True


def _separate(internal: dict[Any, Any], seen: set[int]) -> bool:
    """Internal data (a call activity's passed-in variables, a caught message's payload,
    a join's bookkeeping) that comes back as it is: JSON values, and no list or dict in it
    shared with any other internal data (restoring gives every one its own copy)."""
    todo: list[Any] = [internal]
    while todo:
        value = todo.pop()
        kind = type(value)
        if kind is dict:
            if "typename" in value or id(value) in seen:
                return False
            seen.add(id(value))
            for key, item in value.items():
                if type(key) is not str:
                    return False
                todo.append(item)
        elif kind is list:
            if id(value) in seen:
                return False
            seen.add(id(value))
            todo.extend(value)
        elif not _json_exact(value):
            return False
    return True


def reusable(workflow: Any) -> bool:
    """Whether restoring ``workflow``'s serialized state would give back this workflow:
    the same tasks, data (values, types and key order), internal data, event-manager
    entries (same order) and subprocesses (same order)."""
    if workflow.bpmn_events:
        return False
    order = restore_order(workflow)
    if order is None:
        return False
    waiting: list[Any] = []
    containers: set[int] = set()
    for wf in order:
        if not (_json_exact(wf.data) and _json_exact(wf.correlations)):
            return False
        last = wf.last_task
        if last is not None and wf.tasks.get(last.id) is not last:
            return False
        if wf is not workflow and getattr(wf, "bpmn_events", None):
            return False
        tasks = wf.tasks
        for task in tasks.values():
            if type(task) is not Task:
                return False
            internal = task.internal_data
            if type(internal) is not dict or "typename" in internal:
                return False
            if not _plain_scalars(internal) and not _separate(internal, containers):
                return False
            parent = tasks.get(task._parent)
            data = task.data
            if type(data) is not dict:
                return False
            if parent is None:
                if not _plain_scalars(data):
                    return False
            elif not _inherits_exactly(data, parent.data):
                return False
            if isinstance(task.task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
                waiting.append(task)
    registered = workflow.event_manager.tasks
    if len(registered) != len(waiting):
        return False
    return all(
        key == task.id and found is task
        for (key, found), task in zip(registered.items(), waiting, strict=True)
    )


# -- verifying mode -------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types (dict key order included)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(_same(v, b[k]) for k, v in a.items())
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is float:
        return repr(a) == repr(b)
    return bool(a == b)


def _task_differences(name: str, one: Any, two: Any) -> Iterator[str]:
    if type(one) is not type(two):
        yield f"{name}: task class {type(one).__name__} != {type(two).__name__}"
    for attribute in ("id", "state", "_parent", "_children", "triggered", "last_state_change"):
        if not _same(getattr(one, attribute), getattr(two, attribute)):
            yield f"{name}.{attribute}: {getattr(one, attribute)!r} != {getattr(two, attribute)!r}"
    if one.task_spec is not two.task_spec:
        yield f"{name}.task_spec: {one.task_spec.name} is not the restored spec"
    for attribute in ("data", "internal_data"):
        if not _same(getattr(one, attribute), getattr(two, attribute)):
            yield f"{name}.{attribute}: {getattr(one, attribute)!r} != {getattr(two, attribute)!r}"


def differences(kept: Any, restored: Any) -> list[str]:
    """What differs between a kept workflow and the one restored from its state (empty:
    nothing a step could tell apart)."""
    found: list[str] = []
    if kept.spec is not restored.spec:
        found.append("specs differ")
    specs, restored_specs = kept.subprocess_specs, restored.subprocess_specs
    if list(specs) != list(restored_specs) or any(
        spec is not restored_specs[name] for name, spec in specs.items()
    ):
        found.append("subprocess specs differ")
    if kept.script_engine is not restored.script_engine:
        found.append("script engines differ")
    if type(kept.event_manager) is not type(restored.event_manager):
        found.append("event manager classes differ")
    if list(kept.event_manager.tasks) != list(restored.event_manager.tasks):
        found.append("event manager entries differ")
    for key, task in kept.event_manager.tasks.items():
        if task is not task.workflow.tasks.get(key):
            found.append(f"event manager entry {key} is not a task of its workflow")
    if list(kept.subprocesses) != list(restored.subprocesses):
        found.append("subprocesses differ")
    if len(kept.bpmn_events) != len(restored.bpmn_events):
        found.append("pending bpmn events differ")
    pairs = [(kept, restored)] + [
        (sub, restored.subprocesses[key])
        for key, sub in kept.subprocesses.items()
        if key in restored.subprocesses
    ]
    for one, two in pairs:
        where = "workflow" if one is kept else f"subprocess {one.parent_task_id}"
        if type(one) is not type(two):
            found.append(f"{where}: classes differ")
        for attribute in ("data", "correlations", "success", "completed"):
            if not _same(getattr(one, attribute), getattr(two, attribute)):
                found.append(f"{where}.{attribute} differs")
        last_one, last_two = one.last_task, two.last_task
        if (last_one and last_one.id) != (last_two and last_two.id):
            found.append(f"{where}.last_task differs")
        if last_one is not None and one.tasks.get(last_one.id) is not last_one:
            found.append(f"{where}.last_task is not one of its tasks")
        if one.task_tree.id != two.task_tree.id or one.tasks.get(one.task_tree.id) is not (
            one.task_tree
        ):
            found.append(f"{where}.task_tree differs")
        if getattr(one, "parent_task_id", None) != getattr(two, "parent_task_id", None):
            found.append(f"{where}.parent_task_id differs")
        if list(one.tasks) != list(two.tasks):
            found.append(f"{where}: task ids or their order differ")
            continue
        for key, task in one.tasks.items():
            if task.workflow is not one:
                found.append(f"{where}: task {key} belongs to another workflow")
            found.extend(_task_differences(f"{where}.tasks[{key}]", task, two.tasks[key]))
    return found
