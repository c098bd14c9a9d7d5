"""Partner jobs while seeding: the real adapters answer them against the simulators.

Exactly as an adapter worker does, minus the broker: :func:`handle_job`, then
:meth:`JobService.apply_result`. Every service task of the diagrams is fed (the seeder
fills the form fields the adapters read, and registers the lopende uitkering of existing
clients and kandidaten in the gemeente simulator), so :data:`BY_HAND` is empty. A job that
does not carry an input its topic requires (a diagram changed) is answered by hand, like a
caseworker at the partner would, and listed in the summary with the missing inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orchestrator.application.job_results import JobResult
from orchestrator.domain.errors import KetenregieError

if TYPE_CHECKING:
    from adapters.registry import AdapterRegistry
    from orchestrator.bootstrap import Container
    from orchestrator.store.records import JobRecord

WORKER_ID = "demo-seeder"

#: element id -> why the partner cannot take this job from what the diagram passes (see
#: ``tests/bdd/partners.py`` ``HANDMATIG``). Empty: every partner job goes through its adapter.
BY_HAND: dict[str, str] = {}

#: topic -> what a partner answers for a job answered by hand
HAND_ANSWERS: dict[str, dict[str, Any]] = {
    "gemeente.zaakstatus-zetten": {"zaakStatus": "gezet"},
    "gemeente.resultaat-zetten": {"zaakResultaatUrl": "demo"},
    "gemeente.besluit-vastleggen": {"besluitId": "demo"},
    "gemeente.betaling-opdragen": {"betalingId": "demo", "betalingStatus": "opgedragen"},
    "gemeente.voorschot-betalen": {"voorschotId": "demo"},
    "sw-bedrijf.leerwerkplek-aanbieden": {"leerwerkplekAanbiedingId": "demo"},
    "sw-bedrijf.detachering-aanbieden": {"detacheringAanbiedingId": "demo"},
}


class JobFailed(KetenregieError):
    """A partner job did not succeed while seeding."""

    code = "demo-job-failed"


@dataclass
class PartnerDesk:
    """Answers the due partner jobs of an instance.

    Attributes:
        answered: jobs answered.
        by_hand: "topic at element" -> why it was answered without the partner.
    """

    app: Container
    partners: AdapterRegistry
    answered: int = 0
    by_hand: dict[str, str] = field(default_factory=dict)

    def answer_due(self, instance_id: str) -> JobRecord | None:
        """Answer every due job of the instance (and the jobs that follow); returns a job
        that waits for a later retry, if any.

        Raises:
            JobFailed: a job failed for good (an incident was raised).
        """
        later: JobRecord | None = None
        for _ in range(20):
            now = self.app.clock.now()
            with self.app.store.uow(read_only=True) as uow:
                pending = [j for j in uow.jobs.for_instance(instance_id) if j.status == "pending"]
            due = [j for j in pending if j.due_at <= now]
            later = min(
                (j for j in pending if j.due_at > now), key=lambda j: j.due_at, default=None
            )
            if not due:
                return later
            for job in due:
                self.answer(job)
        return later

    def answer(self, job: JobRecord) -> str:
        """Let the adapter (or, for a job in :data:`BY_HAND`, the demo) answer ``job``."""
        from orchestrator.messaging.worker import handle_job

        attempt = job.attempts + 1
        reason = BY_HAND.get(job.element_id) or _missing_inputs(self.partners, job)
        if reason:
            self.by_hand.setdefault(f"{job.topic} at {job.element_id}", reason)
            answer: dict[str, Any] = {
                "outcome": "completed",
                "variables": dict(HAND_ANSWERS.get(job.topic, {})),
            }
        else:
            instance = self.app.instances.get(job.instance_id)
            body = {
                "job_id": job.id,
                "topic": job.topic,
                "instance_id": job.instance_id,
                "process_key": instance.process_key,
                "business_key": instance.business_key,
                "element_id": job.element_id,
                "variables": job.variables,
            }
            answer = handle_job(self.partners, body, {"attempt": attempt})
        outcome = self.app.jobs.apply_result(
            JobResult(
                message_id=f"{WORKER_ID}:{job.id}:{attempt}",
                job_id=job.id,
                attempt=attempt,
                outcome=answer["outcome"],  # completed | bpmn_error | failed
                worker_id=WORKER_ID,
                variables=dict(answer.get("variables") or {}),
                error_code=answer.get("error_code"),
                error_message=str(answer.get("error_message") or ""),
                retryable=bool(answer.get("retryable", True)),
            )
        )
        self.answered += 1
        if outcome == "incident" or (answer["outcome"] == "failed" and not answer.get("retryable")):
            raise JobFailed(
                f"job {job.topic} at {job.element_id}: {answer.get('error_message') or outcome}"
            )
        return outcome


def _missing_inputs(registry: AdapterRegistry, job: JobRecord) -> str:
    """Inputs the topic requires that the job does not carry ("" when complete; a value
    that is present but wrong, like a BSN failing the elfproef, is the adapter's to refuse)."""
    from pydantic import ValidationError

    try:
        topic = registry.handler(job.topic)
        topic.input_model.model_validate(dict(job.variables))
    except ValidationError as error:
        problems = error.errors()
        if all(p["type"] == "missing" for p in problems):
            missing = sorted(".".join(str(part) for part in p["loc"]) for p in problems)
            return f"the diagram passes no {', '.join(missing)}"
    except LookupError:
        return ""
    return ""
