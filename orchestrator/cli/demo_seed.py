"""Seed a living Werkplein: journeys of every top-level process, spread over every phase.

Only *top-level* journeys are started (processes no other deployed process calls: the
klantreis, the Werkplein aanmelding, the werkgeversservicepunt, the zoekperiode); the phase
sub-diagrams run inside them. Each journey is driven a seeded-random number of steps: open
tasks are completed as functioneel beheer with values from :class:`FormFiller`, partner jobs
are answered by the adapters against the partner simulators (exactly as a worker does, minus
the broker: :func:`handle_job`, then :meth:`JobService.apply_result`), and waiting messages
(documents delivered, a terugmelding, the entreevragenlijst) arrive now and then. Timers are
left pending: time is never faked in the stored data.

One journey fails on purpose: its BSN was mistyped at the desk (it fails the elfproef), so
registering its zaak is refused by the gemeente adapter for good and an operator finds one
open incident. No other journey may end in an incident; if one does it is listed as a
failure, its incident resolved and the journey terminated, so the demo stays readable.
"""

from __future__ import annotations

import random
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog

from orchestrator.application.job_results import JobResult
from orchestrator.application.tasks import TaskQuery
from orchestrator.cli.demo_data import (
    DEMO_ACTOR,
    DEMO_SEED,
    FormFiller,
    called_processes,
    start_variables,
    weighted,
)
from orchestrator.domain.errors import KetenregieError

if TYPE_CHECKING:
    from adapters.registry import AdapterRegistry
    from orchestrator.application.views import TaskView
    from orchestrator.bootstrap import Container
    from orchestrator.store.records import JobRecord

log = structlog.get_logger(__name__)

DEFAULT_JOURNEYS = 300
#: share of the journeys per top-level process (others: an equal share of the rest)
SHARES = {
    "klantreis": 0.5,
    "werkplein_aanmelding": 0.25,
    "zoekperiode": 0.15,
    "werkgeversservicepunt": 0.1,
}
#: most steps a journey takes (a few run as far as they can)
MAX_STEPS = 16
#: the journey that fails on purpose, and its BSN that fails the elfproef
INCIDENT_KEY = "DEMO-INCIDENT"
INCIDENT_BSN = "123456789"
WORKER_ID = "demo-seeder"

#: message name -> variables a partner or client sends along
MESSAGES: dict[str, dict[str, Any]] = {
    "stukken-aangeleverd": {},
    "vacatureprofiel-ondertekend": {},
    "terugmelding-sw-bedrijf": {"uitkomst": "geschikt", "advies": "leerwerkplek"},
    "sw-indicatie-besluit": {"swIndicatie": True},
    "werk-gevonden": {},
    "entreevragenlijst-ingevuld": {"dienstverleningslijn": "klantondersteuning"},
}
#: chance that a waiting message arrives while seeding
MESSAGE_CHANCE = 0.6


@dataclass
class SeedResult:
    """What seeding did.

    Attributes:
        started: journeys started (per process key in ``per_process``).
        tasks_completed: user tasks completed.
        jobs_answered: partner jobs answered by the adapters.
        messages_correlated: messages delivered to waiting journeys.
        answered_by_hand: jobs whose diagram lacks an input the adapter needs ("topic at
            element" -> missing inputs); answered without the partner, see the summary.
        incident: what the one deliberate incident is, for the summary.
        failures: journeys that stopped on something unexpected, and why.
        seconds: how long seeding took.
    """

    started: int = 0
    per_process: dict[str, int] = field(default_factory=dict)
    tasks_completed: int = 0
    jobs_answered: int = 0
    messages_correlated: int = 0
    incident: str | None = None
    answered_by_hand: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def top_level_processes(app: Container) -> list[str]:
    """Keys of the latest processes that no other deployed process calls, sorted."""
    keys = sorted(d.key for d in app.deployments.latest_processes())
    called: set[str] = set()
    for key in keys:
        called |= called_processes(app.deployments.process_source(key)) - {key}
    return [key for key in keys if key not in called]


def plan(keys: list[str], journeys: int) -> list[str]:
    """How many journeys each process gets (every process at least one), in start order."""
    if not keys:
        return []
    known = sum(SHARES.get(k, 0.0) for k in keys)
    unknown = [k for k in keys if k not in SHARES]
    rest = max(0.0, 1.0 - known) if known < 1 else 0.0
    shares = {k: SHARES[k] for k in keys if k in SHARES}
    for key in unknown:
        shares[key] = (rest or 1.0) / len(unknown)
    total = sum(shares.values())
    counts = {k: max(1, round(journeys * shares[k] / total)) for k in keys}
    order: list[str] = []
    for key in keys:
        order += [key] * counts[key]
    return order


class Seeder:
    """Drives the demo journeys on a wired container.

    Args:
        app: the container.
        partners: the adapters that answer partner jobs (None: jobs stay pending, for the
            workers of ``ketenregie serve``).
        seed: seed of every random choice.
    """

    def __init__(
        self, app: Container, partners: AdapterRegistry | None, seed: int = DEMO_SEED
    ) -> None:
        self._app = app
        self._partners = partners
        self._random = random.Random(seed)  # noqa: S311 - demo data, not security
        self._filler = FormFiller(app.clock.now().date(), seed)
        self.result = SeedResult()

    def run(self, journeys: int = DEFAULT_JOURNEYS) -> SeedResult:
        """Start and drive ``journeys`` journeys (plus the deliberate incident)."""
        began = time.perf_counter()
        keys = top_level_processes(self._app)
        for number, key in enumerate(plan(keys, journeys), start=1):
            steps = self._random.choice((0, 1, 2, 3)) if number % 7 == 0 else None
            self._journey(key, f"DEMO-{number:04d}", steps)
        if "klantreis" in keys:
            self._deliberate_incident()
        self.result.seconds = round(time.perf_counter() - began, 2)
        log.info(
            "demo.seeded",
            journeys=self.result.started,
            tasks_completed=self.result.tasks_completed,
            jobs_answered=self.result.jobs_answered,
            failures=len(self.result.failures),
            seconds=self.result.seconds,
        )
        return self.result

    # ---------------------------------------------------------------- journeys
    def _journey(self, key: str, business_key: str, steps: int | None) -> None:
        variables = start_variables(key, self._random)
        try:
            instance = self._app.instances.start(
                key, actor=DEMO_ACTOR, business_key=business_key, variables=variables
            )
        except KetenregieError as error:
            self.result.failures.append(f"{business_key} ({key}): {error.message}")
            return
        self.result.started += 1
        self.result.per_process[key] = self.result.per_process.get(key, 0) + 1
        budget = steps if steps is not None else self._random.randint(1, MAX_STEPS)
        self._drive(instance.id, business_key, budget)

    def _drive(self, instance_id: str, label: str, budget: int) -> None:
        for _ in range(budget):
            try:
                self._answer_jobs(instance_id)
                if not self._step(instance_id):
                    return
            except KetenregieError as error:
                self._unexpected(instance_id, label, error.message)
                return
        try:
            self._answer_jobs(instance_id)
        except KetenregieError as error:
            self._unexpected(instance_id, label, error.message)

    def _step(self, instance_id: str) -> bool:
        """Complete one open task, or deliver one awaited message; False: nothing to do."""
        tasks = self._app.tasks.worklist(DEMO_ACTOR, TaskQuery(instance_id=instance_id))
        if tasks:
            # element id breaks ties between tasks created at the same moment
            task = min(tasks, key=lambda t: (t.created_at, t.element_id))
            self._complete(task)
            return True
        return self._message(instance_id)

    def _complete(self, task: TaskView) -> None:
        values = self._filler.values(task.form)
        self._app.tasks.complete(task.id, values, DEMO_ACTOR)
        self.result.tasks_completed += 1

    def _message(self, instance_id: str) -> bool:
        with self._app.store.uow(read_only=True) as uow:
            names = sorted(
                s.message_name for s in uow.messages.subscriptions_for_instance(instance_id)
            )
        waiting = [n for n in names if n in MESSAGES]
        if not waiting or self._random.random() > MESSAGE_CHANCE:
            return False
        name = self._random.choice(waiting)
        variables = dict(MESSAGES[name])
        if name == "sw-indicatie-besluit":
            variables["swIndicatie"] = weighted(self._random, {True: 3, False: 1}, (True, False))
        if name == "entreevragenlijst-ingevuld":
            variables["dienstverleningslijn"] = self._random.choice(
                ("klantondersteuning", "maatschappelijke_participatie", "zelfdoeners")
            )
        instance = self._app.instances.get(instance_id)
        self._app.messages.correlate(name, business_key=instance.business_key, variables=variables)
        self.result.messages_correlated += 1
        return True

    # -------------------------------------------------------------------- jobs
    def _answer_jobs(self, instance_id: str) -> None:
        """Let the adapters answer every due job of the instance (and the jobs that follow)."""
        if self._partners is None:
            return
        for _ in range(20):
            jobs = self._due_jobs(instance_id)
            if not jobs:
                return
            for job in jobs:
                self._answer(job)

    def _due_jobs(self, instance_id: str) -> list[JobRecord]:
        now = self._app.clock.now()
        with self._app.store.uow(read_only=True) as uow:
            jobs = uow.jobs.for_instance(instance_id)
        return [j for j in jobs if j.status == "pending" and j.due_at <= now]

    def _answer(self, job: JobRecord) -> str:
        from orchestrator.messaging.worker import handle_job

        assert self._partners is not None  # noqa: S101 - checked by the caller
        instance = self._app.instances.get(job.instance_id)
        attempt = job.attempts + 1
        body = {
            "job_id": job.id,
            "topic": job.topic,
            "instance_id": job.instance_id,
            "process_key": instance.process_key,
            "business_key": instance.business_key,
            "element_id": job.element_id,
            "variables": job.variables,
        }
        missing = _missing_inputs(self._partners, job)
        if missing:
            # the diagram does not hand the adapter what it needs (no camunda:inputParameter):
            # answered by hand, like a caseworker at the partner would, and reported
            self.result.answered_by_hand.setdefault(f"{job.topic} at {job.element_id}", missing)
            answer: dict[str, Any] = {"outcome": "completed", "variables": _hand_answer(job)}
        else:
            answer = handle_job(self._partners, body, {"attempt": attempt})
        outcome = self._app.jobs.apply_result(
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
        self.result.jobs_answered += 1
        if outcome == "incident" or answer["outcome"] == "failed":
            raise _JobFailed(
                f"job {job.topic} at {job.element_id}: {answer.get('error_message') or outcome}"
            )
        return outcome

    # --------------------------------------------------------------- incidents
    def _deliberate_incident(self) -> None:
        instance = self._app.instances.start(
            "klantreis",
            actor=DEMO_ACTOR,
            business_key=INCIDENT_KEY,
            variables={"bsn": INCIDENT_BSN},
        )
        self.result.started += 1
        self.result.per_process["klantreis"] = self.result.per_process.get("klantreis", 0) + 1
        tasks = self._app.tasks.worklist(DEMO_ACTOR, TaskQuery(instance_id=instance.id))
        if tasks:
            self._complete(tasks[0])  # melding registreren: the zaak is registered next
        if self._partners is not None:
            with suppress(KetenregieError):  # the point of this journey
                self._answer_jobs(instance.id)
        self.result.incident = (
            f"{INCIDENT_KEY} (klantreis): 'Zaak registreren' refused for good by the gemeente "
            "adapter, the BSN typed at the desk fails the elfproef; retry it with a corrected "
            "bsn (ketenregie incident retry ... --var bsn=...)"
            if self._partners is not None
            else f"{INCIDENT_KEY} (klantreis): becomes an incident once a worker handles its "
            "'Zaak registreren' job (the BSN fails the elfproef)"
        )

    def _unexpected(self, instance_id: str, label: str, reason: str) -> None:
        """A journey hit something unplanned: list it, close its incident, end it."""
        self.result.failures.append(f"{label}: {reason}")
        log.warning("demo.journey_failed", business_key=label)
        for incident in self._app.incidents.list(instance_id=instance_id, open_only=True):
            self._app.incidents.resolve(incident.id, DEMO_ACTOR)
        try:
            self._app.instances.terminate(instance_id, actor=DEMO_ACTOR, reason="demo failure")
        except KetenregieError:
            log.warning("demo.terminate_failed", business_key=label)


#: topic -> what a partner answers (for jobs the adapter cannot take, see answered_by_hand)
HAND_ANSWERS: dict[str, dict[str, Any]] = {
    "gemeente.zaakstatus-zetten": {"zaakStatus": "gezet"},
    "gemeente.resultaat-zetten": {"zaakResultaatUrl": "demo"},
    "gemeente.besluit-vastleggen": {"besluitId": "demo"},
    "gemeente.betaling-opdragen": {"betalingId": "demo", "betalingStatus": "opgedragen"},
    "gemeente.voorschot-betalen": {"voorschotId": "demo"},
    "sw-bedrijf.leerwerkplek-aanbieden": {"leerwerkplekAanbiedingId": "demo"},
    "sw-bedrijf.detachering-aanbieden": {"detacheringAanbiedingId": "demo"},
}


def _missing_inputs(registry: AdapterRegistry, job: JobRecord) -> list[str]:
    """Inputs the topic requires that the job does not carry (a value that is present but
    wrong, like a BSN failing the elfproef, is the adapter's to refuse)."""
    from pydantic import ValidationError

    try:
        topic = registry.handler(job.topic)
        topic.input_model.model_validate(dict(job.variables))
    except ValidationError as error:
        problems = error.errors()
        if all(p["type"] == "missing" for p in problems):
            return sorted(".".join(str(part) for part in p["loc"]) for p in problems)
    except LookupError:
        return []
    return []


def _hand_answer(job: JobRecord) -> dict[str, Any]:
    return dict(HAND_ANSWERS.get(job.topic, {}))


class _JobFailed(KetenregieError):
    """A partner job did not succeed while seeding (not the deliberate incident)."""

    code = "demo-job-failed"


def seed_journeys(
    app: Container,
    *,
    journeys: int = DEFAULT_JOURNEYS,
    partners: AdapterRegistry | None = None,
    seed: int = DEMO_SEED,
) -> SeedResult:
    """Seed ``journeys`` demo journeys (see :class:`Seeder`)."""
    return Seeder(app, partners, seed).run(journeys)
