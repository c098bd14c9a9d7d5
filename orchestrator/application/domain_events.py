"""Domain events beyond the snapshot's own (issue 4): ``incident.raised`` and
``klantgroep.changed``, queued in the outbox inside the caller's unit of work.

Both carry ids, keys and codes only: an incident's message may quote partner output and is
left out; the klantgroep is one of four group names. The messaging layer turns the rows
into CloudEvents (``nl.ketenregie.incident.raised``, ``nl.ketenregie.klantgroep.changed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from orchestrator.application import events
from orchestrator.store.records import IncidentRecord, InstanceRecord
from orchestrator.store.uow import UnitOfWork

#: the process variable holding the client's klantgroep (Matchen, Groeien, ...)
KLANTGROEP = "klantgroep"


def incident_raised(uow: UnitOfWork, at: datetime, incident: IncidentRecord) -> None:
    """Queue ``incident.raised`` for ``incident`` (skipped when it concerns no instance)."""
    instance = uow.instances.get(incident.instance_id) if incident.instance_id else None
    if instance is None:
        return
    events.event(
        uow,
        at,
        "incident.raised",
        instance,
        {
            "incident_id": incident.id,
            "kind": incident.kind,
            "element_id": incident.element_id,
            "job_id": incident.job_id,
        },
    )


def klantgroep_changed(
    uow: UnitOfWork, at: datetime, before: Mapping[str, Any], after: InstanceRecord
) -> None:
    """Queue ``klantgroep.changed`` when a step set a different ``klantgroep``.

    Args:
        uow: the open unit of work.
        at: the step's time.
        before: the instance variables before the step (empty for a new instance).
        after: the instance as written by the step.
    """
    old = before.get(KLANTGROEP)
    new = after.variables.get(KLANTGROEP)
    if new == old or new is None or not isinstance(new, str):
        return
    events.event(
        uow,
        at,
        "klantgroep.changed",
        after,
        {"old": old if isinstance(old, str) else None, "new": new},
    )
