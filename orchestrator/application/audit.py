"""Reading the append-only audit trail."""

from __future__ import annotations

from orchestrator.application.runtime import Runtime
from orchestrator.application.views import AuditEntry


class AuditService:
    """Queries on the audit trail (writing happens inside every use case)."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def for_instance(self, instance_id: str, *, limit: int = 1000) -> list[AuditEntry]:
        """Every audit event of one instance, in order."""
        with self._rt.store.uow(read_only=True) as uow:
            return [AuditEntry.of(r) for r in uow.audit.for_instance(instance_id, limit=limit)]
