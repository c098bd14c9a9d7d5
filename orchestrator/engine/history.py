"""Pruning finished history off a workflow's task tree (loops, long journeys).

A journey that loops (periodic talks, retries) makes SpiffWorkflow's task tree a long chain
of finished tasks: the state grows with every pass and SpiffWorkflow's tree walks stop at
depth 1000. :func:`prune_history` cuts the chain above the open tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

from orchestrator.engine import event_subprocess

#: finished history kept above the oldest open task when a long task tree is pruned
KEEP_HISTORY = 25
#: prune only once this much finished history has piled up (loops), not on every step
PRUNE_AFTER = 50


def _prune_one(wf: Any) -> set[UUID]:
    """Cut finished history off the top of one (sub)workflow's task tree.

    Loops make the tree a long chain of finished tasks: the state grows with every pass and
    SpiffWorkflow's tree walks stop at depth 1000. Every open task (and the last completed
    one) lies below their lowest common ancestor; ``KEEP_HISTORY`` tasks above it are kept
    (so a task completed a moment ago is still known, and completing it again is a
    conflict), and the rest between the root and those is removed.
    """
    if len(wf.tasks) <= KEEP_HISTORY + PRUNE_AFTER:
        return set()  # too few tasks for a chain this long (the common case: cheap)
    # Event subprocesses hang off the top of the tree, beside the flow: their open
    # branches are kept whole and hung under the root, and take no part in finding the
    # lowest common ancestor of the flow's open tasks.
    branches = event_subprocess.live_branches(wf)
    in_branch = {t.id for b in branches for t in _subtree(wf, b)}
    anchors = [
        t
        for t in wf.tasks.values()
        if not t.has_state(TaskState.FINISHED_MASK) and t.id not in in_branch
    ]
    if not anchors:
        return set()
    if (
        wf.last_task is not None
        and wf.last_task.id in wf.tasks
        and wf.last_task.id not in in_branch
    ):
        anchors.append(wf.last_task)
    path: list[Any] = []
    node: Any = anchors[0]
    while node is not None:
        path.append(node)
        node = node.parent
    path.reverse()
    index = {t.id: i for i, t in enumerate(path)}
    lowest = len(path) - 1
    for anchor in anchors[1:]:
        node = anchor
        while node.id not in index:
            node = node.parent
        lowest = min(lowest, index[node.id])
    if lowest < KEEP_HISTORY + PRUNE_AFTER:
        return set()
    root, top = path[0], path[lowest - KEEP_HISTORY]
    kept = {root.id} | in_branch | {t.id for t in _subtree(wf, top)}
    removed = {task_id for task_id in wf.tasks if task_id not in kept}
    for task_id in removed:
        del wf.tasks[task_id]
    root._children = [top.id, *(b.id for b in branches)]
    for task in (top, *branches):
        task._parent = root.id
    return removed


def _subtree(wf: Any, task: Any) -> Iterator[Any]:
    todo = [task.id]
    while todo:
        found = wf.tasks[todo.pop()]
        yield found
        todo.extend(found._children)


def prune_history(workflow: Any) -> bool:
    """Prune the finished history of the workflow and its subprocesses; drop the finished
    subprocesses of removed tasks. True if anything was removed."""
    removed = _prune_one(workflow)
    for sub in list(workflow.subprocesses.values()):
        removed |= _prune_one(sub)
    changed = True
    while changed:
        changed = False
        for parent_id in list(workflow.subprocesses):
            if parent_id in removed:
                removed |= set(workflow.subprocesses.pop(parent_id).tasks)
                changed = True
    return bool(removed)
