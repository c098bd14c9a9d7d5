"""Process-scoped variables, as Camunda 7 has them, on SpiffWorkflow's per-task data.

SpiffWorkflow gives every task its own copy of the data: a parallel branch does not see
what another branch wrote, and a join keeps the data of the branch that arrives last.
In Camunda 7 a variable lives in the process instance (embedded subprocesses share it;
a call activity starts a new instance with its own variables): a write is visible to every
branch at once and survives any join; of two writes the later one wins.

:func:`share_changes` is called after every task completion. It takes what the task
changed (its data against its parent's, the data it started from) and writes those
values into every open task of the same scope, and into their parents too: SpiffWorkflow
re-inherits a waiting task's data from its parent whenever it updates it (a timer on
every refresh), and a task that has not started yet inherits when it does. Joins (see
:mod:`.specs`) then only have to take the branch that arrives last, which holds every
write, instead of SpiffWorkflow's deep merge of stale branch copies.

Removing a variable is not propagated (our expressions cannot remove one).
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (  # type: ignore[import-untyped, unused-ignore]
    LoopTask,
)
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import (  # type: ignore[import-untyped, unused-ignore]
    CallActivity,
)
from SpiffWorkflow.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    TaskNotFoundException,
)
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

#: internal data of a call activity task: the variables it passed to the called process
#: (written by :class:`~orchestrator.engine.specs.MappedCallActivity`)
PASSED_IN = "ketenregie_passed_in"

#: states of a task that holds a token (its data is the branch's current data)
LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def scope_root(workflow: Any) -> Any:
    """The (sub)workflow whose variables ``workflow`` shares: itself for the process and
    for a called process, the enclosing one for an embedded subprocess."""
    top = workflow.top_workflow
    current = workflow
    while current.parent_task_id is not None:
        parent_task = top.get_task_from_id(current.parent_task_id)
        if isinstance(parent_task.task_spec, CallActivity):
            return current
        current = parent_task.workflow
    return current


def scope_workflows(root: Any) -> list[Any]:
    """``root`` and the embedded subprocesses (at any depth) that share its variables."""
    top = root.top_workflow
    found = [root]
    for sub in list(top.subprocesses.values()):
        if sub is not root and scope_root(sub) is root:
            found.append(sub)
    return found


def live_tasks(root: Any) -> Iterator[Any]:
    """Tasks that hold a token in the scope of ``root``."""
    for workflow in scope_workflows(root):
        for task in list(workflow.tasks.values()):
            if task.has_state(LIVE):
                yield task


def _is_instance(task: Any) -> bool:
    """A multi-instance or loop instance: its element variable and loop counter are local
    to it (Camunda); its changes reach the scope when the whole activity completes."""
    parent = task.parent
    return parent is not None and isinstance(parent.task_spec, LoopTask)


def changes(task: Any) -> dict[str, Any]:
    """What ``task`` wrote: its data where it differs from the data it started from."""
    parent = task.parent
    if parent is None:
        return {}
    before = parent.data
    return {k: v for k, v in task.data.items() if k not in before or before[k] != v}


def share_changes(task: Any) -> None:
    """Make what ``task`` (just completed) wrote visible to every token of its scope."""
    if _is_instance(task):
        return
    delta = changes(task)
    if not delta:
        return
    for other in live_tasks(scope_root(task.workflow)):
        if other is task:
            continue
        targets = [other]
        if other.parent is not None and other.parent is not task:
            targets.append(other.parent)
        for target in targets:
            for key, value in delta.items():
                if key not in target.data or target.data[key] != value:
                    target.data[key] = deepcopy(value)


def scope_variables(workflow: Any) -> dict[str, Any]:
    """The variables of the process instance ``workflow`` (a top workflow): those of its
    open tokens (embedded subprocesses included), or of its last task once it is done."""
    data = _token_data(workflow)
    if not data and workflow.last_task is not None:
        data.update(workflow.last_task.data)
    data.update(workflow.data)
    return data


def _token_data(root: Any) -> dict[str, Any]:
    """The data of the open tokens in the scope of ``root`` (empty when none is open)."""
    data: dict[str, Any] = {}
    tokens = [t for t in live_tasks(root) if not _is_instance(t)]
    # Every token holds every shared write; a subprocess task's own data is the oldest
    # (taken when it started), so tokens inside it come after it.
    for task in sorted(tokens, key=lambda t: t.workflow.depth):
        data.update(task.data)
    return data


def running_called_processes(workflow: Any) -> list[tuple[Any, Any]]:
    """(call activity task, called process) of every called process of the top workflow
    ``workflow`` that runs now, outermost first (at one depth: in the order started)."""
    top = workflow.top_workflow
    running = []
    for order, sub in enumerate(list(top.subprocesses.values())):
        if sub is top or scope_root(sub) is not sub:
            continue  # an embedded subprocess: part of its enclosing scope
        # a called process inside a finished one is not running either
        if not sub.is_completed() and all(_caller_live(top, w) for w in _enclosing(top, sub)):
            running.append((sub.depth, order, _caller(top, sub), sub))
    return [(caller, sub) for _, _, caller, sub in sorted(running, key=lambda r: (r[0], r[1]))]


def _caller(top: Any, workflow: Any) -> Any | None:
    """The task that runs the subprocess ``workflow`` (None once it is pruned)."""
    try:
        return top.get_task_from_id(workflow.parent_task_id)
    except TaskNotFoundException:
        return None


def _enclosing(top: Any, workflow: Any) -> Iterator[Any]:
    """``workflow`` and the subprocesses around it, up to (not including) the top one."""
    current = workflow
    while current is not top and current.parent_task_id is not None:
        yield current
        caller = _caller(top, current)
        if caller is None:
            return
        current = caller.workflow


def _caller_live(top: Any, workflow: Any) -> bool:
    caller = _caller(top, workflow)
    return caller is not None and bool(caller.has_state(LIVE))


def instance_variables(workflow: Any) -> dict[str, Any]:
    """What a caseworker sees of the instance ``workflow`` (a top workflow): the process
    variables, with those of every running called process merged over them, the deepest
    one winning. An unchanged copy of a caller's variable (passed in by ``camunda:in``)
    does not hide what the caller wrote since. A view only: what flows between caller and
    called process is still decided by the ``camunda:in`` / ``camunda:out`` mappings."""
    data = scope_variables(workflow)
    for caller, called in running_called_processes(workflow):
        passed = caller._get_internal_data(PASSED_IN) if caller is not None else None
        for key, value in _token_data(called).items():
            if passed is None or key not in data or key not in passed or passed[key] != value:
                data[key] = value
    return data
