"""Engine steps prepared before their write transaction (``Settings.prepare_steps``).

The engine step is most of the work of a step and needs nothing but the instance's state,
so it need not hold the write lock: with several processes writing to one database
(SQLite's single writer, or a PostgreSQL row lock) the others write meanwhile.
:meth:`~orchestrator.application.runtime.Runtime.advance` takes the result if the write
transaction reads the instance at the same version and runs the step again otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from orchestrator.application import steps
from orchestrator.domain.runtime import InstanceSnapshot
from orchestrator.store.records import InstanceRecord
from orchestrator.store.uow import UnitOfWork

if TYPE_CHECKING:
    from orchestrator.application.runtime import Runtime

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Prepared:
    """An engine step computed before its write transaction (see :func:`prepare`)."""

    instance_id: str
    version: int
    state: str
    step: steps.Step
    snapshot: InstanceSnapshot

    def fits(self, instance: InstanceRecord, step: steps.Step) -> bool:
        """Whether this is ``step`` on ``instance`` as the write transaction reads it."""
        return (
            instance.id == self.instance_id
            and instance.version == self.version
            and instance.state == self.state
            and step == self.step
        )


def prepare(
    runtime: Runtime,
    preparing: threading.Lock,
    find: Callable[[UnitOfWork], tuple[InstanceRecord, steps.Step] | None],
) -> Prepared | None:
    """Run the step ``find`` reads (with its instance), before any write transaction.

    One thread of the process prepares at a time (``preparing``); the others go straight
    to their write transaction: a thread holding the write turn gets the GIL back after
    each SQLite call only once the thread running Python lets go of it, and with many
    preparing threads that held the turn (and the other processes) up for tens of
    milliseconds. Whatever fails here (no such task, a refused form, an engine failure)
    is left to the write transaction to meet, report and record, so nothing is reported
    twice.
    """
    if not preparing.acquire(blocking=False):
        return None  # another thread prepares: this step runs in its write transaction
    try:
        with runtime.store.uow(read_only=True) as uow:
            found = find(uow)
            if found is None or found[0].status != "running":
                return None
            instance, step = found
            bundle = runtime.bundle(uow, instance.bundle_hash)
        snapshot = steps.perform(
            runtime.engine, bundle, instance.state, step, instance_id=instance.id
        )
    except Exception as error:  # noqa: BLE001 - the write transaction meets it again
        log.debug("step.not_prepared", error=type(error).__name__)
        return None
    finally:
        preparing.release()
    return Prepared(instance.id, instance.version, instance.state, step, snapshot)
