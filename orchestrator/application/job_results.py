"""What an adapter worker reports about one attempt at a job (over the broker)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

#: completed: output variables; bpmn_error: a business error (BPMN error code);
#: failed: a technical failure (retried per the diagram's retry cycle when retryable)
Outcome = Literal["completed", "bpmn_error", "failed"]

#: what applying a result did
ResultOutcome = Literal["applied", "duplicate", "stale", "incident"]


@dataclass(frozen=True)
class JobResult:
    """One attempt's outcome.

    Attributes:
        message_id: unique per (job message, attempt); the inbox deduplicates by it.
        job_id: the job.
        attempt: the attempt this result answers (1 = first).
        outcome: completed, bpmn_error or failed.
        worker_id: who handled it.
        variables: output variables (completed) or variables to set with the error.
        error_code: the BPMN error code (bpmn_error).
        error_message: what went wrong, without personal data.
        retryable: failed: whether to retry (False: an incident at once).
        retry_in: failed: wait this long instead of the diagram's interval.
    """

    message_id: str
    job_id: str
    attempt: int
    outcome: Outcome
    worker_id: str
    variables: dict[str, Any] = field(default_factory=dict)
    error_code: str | None = None
    error_message: str = ""
    retryable: bool = True
    retry_in: timedelta | None = None
