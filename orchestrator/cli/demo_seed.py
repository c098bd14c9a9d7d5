"""Seed a living Werkplein: journeys that began in the past, replayed up to now.

Only *top-level* journeys are started (processes no other deployed process calls: the
klantreis, the Werkplein aanmelding, the werkgeversservicepunt, the zoekperiode); the phase
sub-diagrams run inside them. Seeding runs on a :class:`ManualClock` that starts the window
(~18 months) before now and moves forward through a queue of events in time order, day by
day: journeys start in a steady inflow; a task is completed by a user of its own role
(``werkcoach-demo``, ...) with :class:`FormFiller` values some working days after it landed
on the worklist (see :mod:`.demo_pace`); due timers fire through the application
(:meth:`TimerService.fire_due_timers` at their due moment); partner jobs are answered by the
adapters against the simulators (:mod:`.demo_jobs`); documents, terugmeldingen and the
entreevragenlijst arrive after a while, or never. Seeding stops at now: what is not done by
then stays open, and timers due later stay pending for ``ketenregie serve``.

One journey fails on purpose: its BSN was mistyped at the desk (it fails the elfproef), so
registering its zaak is refused by the gemeente adapter for good and an operator finds one
open incident. No other journey may end in an incident; if one does it is listed as a
failure, its incident resolved and the journey terminated, so the demo stays readable.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog

from orchestrator.application.identity import Actor
from orchestrator.application.tasks import TaskQuery
from orchestrator.cli import demo_pace as pace
from orchestrator.cli.demo_data import (
    CLIENT_DOSSIERS,
    DEMO_ACTOR,
    DEMO_SEED,
    FormFiller,
    called_processes,
    start_variables,
    valid_bsn,
)
from orchestrator.cli.demo_jobs import JobFailed, PartnerDesk
from orchestrator.domain.errors import Conflict, KetenregieError, NotFound

if TYPE_CHECKING:
    from collections.abc import Callable

    from adapters.registry import AdapterRegistry
    from orchestrator.application.views import TaskView
    from orchestrator.bootstrap import Container
    from orchestrator.domain.clock import ManualClock

log = structlog.get_logger(__name__)

DEFAULT_JOURNEYS = 300
#: share of the journeys per top-level process (others: an equal share of the rest)
SHARES = {
    "klantreis": 0.5,
    "werkplein_aanmelding": 0.25,
    "zoekperiode": 0.15,
    "werkgeversservicepunt": 0.1,
}
#: the journey that fails on purpose, and its BSN that fails the elfproef
INCIDENT_KEY = "DEMO-INCIDENT"
INCIDENT_BSN = "123456789"


@dataclass
class SeedResult:
    """What seeding did.

    Attributes:
        started: journeys started (per process key in ``per_process``).
        tasks_completed: user tasks completed.
        jobs_answered: partner jobs answered by the adapters.
        messages_correlated: messages delivered to waiting journeys.
        timers_fired: timers that fell due while seeding and fired.
        answered_by_hand: jobs the partner cannot take from what the diagram passes
            ("topic at element" -> why); answered without the partner, see the summary.
        incident: what the one deliberate incident is, for the summary.
        failures: journeys that stopped on something unexpected, and why.
        seconds: how long seeding took.
        since: when the seeding window began (the first journey started after it).
        until: when seeding stopped (now, when it ran).
    """

    started: int = 0
    per_process: dict[str, int] = field(default_factory=dict)
    tasks_completed: int = 0
    jobs_answered: int = 0
    messages_correlated: int = 0
    timers_fired: int = 0
    incident: str | None = None
    answered_by_hand: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    since: str = ""
    until: str = ""


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


def role_actor(task: TaskView) -> Actor:
    """The demo user of the task's role (``werkcoach-demo``), as in the demo users file."""
    if not task.candidate_groups:
        return DEMO_ACTOR
    role = task.candidate_groups[0]
    return Actor(user_id=f"{role}-demo", organisation=task.organisation, groups=frozenset({role}))


class Seeder:
    """Replays the demo journeys on a container whose clock is ``clock``.

    Args:
        app: the container, built with ``clock``.
        clock: the seeding clock, at the start of the window.
        until: when to stop (now).
        partners: the adapters that answer partner jobs (None: jobs stay pending, for the
            workers of ``ketenregie serve``).
        seed: seed of every random choice.
        lopende_uitkering: registers at the gemeente that it already pays a client
            ``(bsn, dossier)``: an existing client, a kandidaat an employer takes on (None:
            no partner administration to register in).
    """

    def __init__(
        self,
        app: Container,
        clock: ManualClock,
        until: datetime,
        partners: AdapterRegistry | None,
        seed: int = DEMO_SEED,
        lopende_uitkering: Callable[[str, str], None] | None = None,
    ) -> None:
        self._app = app
        self._lopende_uitkering = lopende_uitkering
        self._clock = clock
        self._until = until
        self._desk = PartnerDesk(app, partners) if partners is not None else None
        self._random = random.Random(seed)  # noqa: S311 - demo data, not security
        self._filler = FormFiller(clock.now().date(), seed)
        self._queue: list[tuple[datetime, int, str, Any]] = []
        self._order = itertools.count()  # ties in time keep the order of planning
        self._seen: set[str] = set()  # task, timer and subscription ids already planned
        self._delivered: set[tuple[str, str]] = set()  # (instance, message) once-only
        self._ended: set[str] = set()  # instances to leave alone
        self.result = SeedResult()

    def run(self, journeys: int = DEFAULT_JOURNEYS) -> SeedResult:
        """Start ``journeys`` journeys over the window (plus the deliberate incident) and
        replay them up to ``until``."""
        began = time.perf_counter()
        start = self._clock.now()
        self.result.since = start.isoformat(timespec="seconds")
        keys = top_level_processes(self._app)
        order = plan(keys, journeys)
        starts = sorted(  # every process its own steady stream, numbered in time order
            (moment, key)
            for key in keys
            for moment in pace.inflow(self._random, start, self._until, order.count(key))
        )
        for number, (moment, key) in enumerate(starts, start=1):
            self._push(moment, "start", (key, f"DEMO-{number:04d}"))
        if "klantreis" in keys:
            moment = max(start, self._until - timedelta(hours=20))
            self._push(moment, "incident", None)
        day = start
        while day < self._until:  # day by day: bounded work per simulated day
            day = min(day + timedelta(days=1), self._until)
            self._replay(day)
        # seeding took a while: catch up with the wall clock, so nothing is due at the end
        self._until = max(self._until, datetime.now(UTC))
        self._replay(self._until)
        self._close_unexpected_incidents()
        self.result.until = self._clock.now().isoformat(timespec="seconds")
        self.result.seconds = round(time.perf_counter() - began, 2)
        if self._desk is not None:
            self.result.jobs_answered = self._desk.answered
            self.result.answered_by_hand = dict(sorted(self._desk.by_hand.items()))
        log.info(
            "demo.seeded",
            journeys=self.result.started,
            tasks_completed=self.result.tasks_completed,
            timers_fired=self.result.timers_fired,
            failures=len(self.result.failures),
            seconds=self.result.seconds,
        )
        return self.result

    # ------------------------------------------------------------------ events
    def _push(self, moment: datetime, kind: str, payload: Any) -> None:
        heapq.heappush(self._queue, (moment, next(self._order), kind, payload))

    def _replay(self, until: datetime) -> None:
        """Handle every event up to ``until`` in time order."""
        while self._queue and self._queue[0][0] <= until:
            moment, _, kind, payload = heapq.heappop(self._queue)
            if moment > self._clock.now():
                self._clock.set(moment)
            self._filler.today = self._clock.now().date()
            instance_id = self._handle(kind, payload)
            if instance_id is not None and instance_id not in self._ended:
                self._settle(instance_id)
        if until > self._clock.now():
            self._clock.set(until)

    def _handle(self, kind: str, payload: Any) -> str | None:
        """Handle one event; returns the instance it concerned."""
        if kind == "start":
            return self._start(*payload)
        if kind == "incident":
            self._deliberate_incident()
            return None
        instance_id = str(payload[0])
        if instance_id in self._ended:
            return None
        try:
            if kind == "task":
                self._complete(payload[1])
            elif kind == "timer":
                self.result.timers_fired += self._app.timers.fire_due_timers(self._clock.now())
            elif kind == "message":
                self._deliver(instance_id, payload[1], payload[2])
        except KetenregieError as error:
            self._unexpected(instance_id, error.message)
            return None
        return instance_id

    def _settle(self, instance_id: str) -> None:
        """After an event: answer due partner jobs, plan what the instance now waits for."""
        try:
            if self._desk is not None:
                later = self._desk.answer_due(instance_id)
                if later is not None and later.id not in self._seen:
                    self._seen.add(later.id)
                    self._push(later.due_at, "wake", (instance_id,))
            self._plan(instance_id)
        except KetenregieError as error:
            self._unexpected(instance_id, error.message)

    def _plan(self, instance_id: str) -> None:
        """Schedule the completion of new tasks, due timers and arriving messages."""
        tasks = self._app.tasks.worklist(DEMO_ACTOR, TaskQuery(instance_id=instance_id))
        with self._app.store.uow(read_only=True) as uow:
            timers = uow.timers.for_instance(instance_id)
            subscriptions = uow.messages.subscriptions_for_instance(instance_id)
        for task in tasks:
            if task.id not in self._seen:
                self._seen.add(task.id)
                done = pace.task_done_at(self._random, task.element_id, task.created_at)
                self._push(done, "task", (instance_id, task))
        for timer in timers:
            planned = f"{timer.id}@{timer.due_at.isoformat()}"  # a cycle may reuse the id
            if planned not in self._seen:
                self._seen.add(planned)
                self._push(timer.due_at, "timer", (instance_id,))
        for subscription in subscriptions:
            name = subscription.message_name
            if subscription.id in self._seen or (instance_id, name) in self._delivered:
                continue
            self._seen.add(subscription.id)
            arrives = pace.message_at(self._random, name, self._clock.now())
            if arrives is not None:
                self._push(arrives, "message", (instance_id, name, subscription.id))

    # ----------------------------------------------------------------- actions
    def _start(self, key: str, business_key: str) -> str | None:
        variables = start_variables(key, self._random)
        try:
            instance = self._app.instances.start(
                key, actor=DEMO_ACTOR, business_key=business_key, variables=variables
            )
        except KetenregieError as error:
            self.result.failures.append(f"{business_key} ({key}): {error.message}")
            return None
        self.result.started += 1
        self.result.per_process[key] = self.result.per_process.get(key, 0) + 1
        return instance.id

    def _complete(self, task: TaskView) -> None:
        values = self._filler.values(task.form)
        try:
            self._app.tasks.complete(task.id, values, role_actor(task))
        except (NotFound, Conflict):
            return  # a boundary timer or message took the task away meanwhile
        self.result.tasks_completed += 1
        self._known_clients(task, values)

    def _known_clients(self, task: TaskView, values: dict[str, Any]) -> None:
        """Clients the gemeente already pays an uitkering, as in the real world: an
        existing client at the desk, a kandidaat (a client's dossier) an employer takes on."""
        if self._lopende_uitkering is None:
            return
        if values.get("bestaandeKlant") is True:
            instance = self._app.instances.get(task.instance_id)
            bsn = instance.variables.get("bsn")
            if bsn and instance.business_key:
                self._lopende_uitkering(str(bsn), instance.business_key)
        for name in CLIENT_DOSSIERS & values.keys():
            self._lopende_uitkering(valid_bsn(self._random), str(values[name]))

    def _deliver(self, instance_id: str, name: str, subscription_id: str) -> None:
        with self._app.store.uow(read_only=True) as uow:
            waiting = {s.id for s in uow.messages.subscriptions_for_instance(instance_id)}
        if subscription_id not in waiting:
            return  # the wait ended otherwise (a timer, the other branch)
        instance = self._app.instances.get(instance_id)
        variables = pace.message_variables(self._random, name)
        self._app.messages.correlate(name, business_key=instance.business_key, variables=variables)
        self.result.messages_correlated += 1
        if name in pace.ONCE_PER_JOURNEY:
            self._delivered.add((instance_id, name))

    # --------------------------------------------------------------- incidents
    def _deliberate_incident(self) -> None:
        instance = self._app.instances.start(
            "klantreis",
            actor=DEMO_ACTOR,
            business_key=INCIDENT_KEY,
            variables={"bsn": INCIDENT_BSN},
        )
        self._ended.add(instance.id)
        self.result.started += 1
        self.result.per_process["klantreis"] = self.result.per_process.get("klantreis", 0) + 1
        tasks = self._app.tasks.worklist(DEMO_ACTOR, TaskQuery(instance_id=instance.id))
        if tasks:  # melding registreren: the zaak is registered next
            self._clock.advance(timedelta(minutes=7))
            self._complete(tasks[0])
        if self._desk is not None:
            with suppress(JobFailed):  # the point of this journey
                self._desk.answer_due(instance.id)
        self.result.incident = (
            f"{INCIDENT_KEY} (klantreis): 'Zaak registreren' refused for good by the gemeente "
            "adapter, the BSN typed at the desk fails the elfproef; retry it with a corrected "
            "bsn (ketenregie incident retry ... --var bsn=...)"
            if self._desk is not None
            else f"{INCIDENT_KEY} (klantreis): becomes an incident once a worker handles its "
            "'Zaak registreren' job (the BSN fails the elfproef)"
        )

    def _close_unexpected_incidents(self) -> None:
        for incident in self._app.incidents.list(open_only=True, limit=10_000):
            if incident.instance_id is None:
                continue
            instance = self._app.instances.get(incident.instance_id)
            if instance.business_key != INCIDENT_KEY:
                self._unexpected(instance.id, f"incident: {incident.message}")

    def _unexpected(self, instance_id: str, reason: str) -> None:
        """A journey hit something unplanned: list it, close its incident, end it."""
        self._ended.add(instance_id)
        label = self._app.instances.get(instance_id).business_key or instance_id
        self.result.failures.append(f"{label}: {reason}")
        log.warning("demo.journey_failed", business_key=label)
        for incident in self._app.incidents.list(instance_id=instance_id, open_only=True):
            self._app.incidents.resolve(incident.id, DEMO_ACTOR)
        try:
            self._app.instances.terminate(instance_id, actor=DEMO_ACTOR, reason="demo failure")
        except KetenregieError:
            log.warning("demo.terminate_failed", business_key=label)


def seed_journeys(
    app: Container,
    clock: ManualClock,
    *,
    until: datetime | None = None,
    journeys: int = DEFAULT_JOURNEYS,
    partners: AdapterRegistry | None = None,
    seed: int = DEMO_SEED,
    lopende_uitkering: Callable[[str, str], None] | None = None,
) -> SeedResult:
    """Seed ``journeys`` demo journeys from ``clock``'s now up to ``until`` (default: the
    wall clock's now), see :class:`Seeder`."""
    stop = until or datetime.now(UTC)
    return Seeder(app, clock, stop, partners, seed, lopende_uitkering).run(journeys)
