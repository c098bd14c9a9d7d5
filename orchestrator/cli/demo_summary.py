"""The demo summary: journeys per phase, worklists per role, timers, the incident.

A journey's *phase* is the sub-diagram it is in (melding en poortwachter, ambitiegesprek,
afhandeling uitkering, ondersteuning, voortgangsgesprek, handhaving, nazorg, the Werkplein
intake and diagnose), or, for the elements of the top-level diagram itself, the step named
in :data:`OWN_PHASES` (melding, kick-off, uitstroom). A klantreis runs the uitkering and the
participation track in parallel, so one journey can count in two phases.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from orchestrator.cli import output
from orchestrator.cli.demo_data import called_processes
from orchestrator.cli.queries import MAX_ROWS, Overview, instance_details

if TYPE_CHECKING:
    from orchestrator.bootstrap import Container
    from orchestrator.cli.demo_partners import DemoUser
    from orchestrator.cli.demo_seed import SeedResult

#: (process, element of that top-level diagram) -> phase
OWN_PHASES: dict[str, dict[str, str]] = {
    "klantreis": {
        "melding_registreren": "melding en poortwachter",
        "zaak_registreren": "melding en poortwachter",
        "zaakstatus_traject": "ambitiegesprek",
        "twee_weken_later": "kick-off",
        "kickoff_bijeenkomst": "kick-off",
        "opnieuw_uitnodigen": "kick-off",
        "rechtmatigheidsonderzoek": "ondersteuning",
        "uitkering_beeindigen": "uitstroom",
        "beeindiging_vastleggen": "uitstroom",
        "resultaat_zetten": "uitstroom",
        "afwijzing_resultaat": "afgewezen aan de poort",
    },
}
#: called process -> phase name
SUB_PHASES = {
    "melding_poortwachter": "melding en poortwachter",
    "ambitiegesprek": "ambitiegesprek",
    "afhandeling_uitkering": "afhandeling uitkering",
    "ondersteuning": "ondersteuning",
    "voortgangsgesprek": "voortgangsgesprek",
    "handhaving": "handhaving",
    "nazorg": "nazorg",
    "werkplein_intake": "intake",
    "werkplein_diagnose": "diagnose",
}
#: the order the klantreis goes through
PHASE_ORDER = (
    "melding en poortwachter",
    "ambitiegesprek",
    "afhandeling uitkering",
    "kick-off",
    "ondersteuning",
    "voortgangsgesprek",
    "handhaving",
    "uitstroom",
    "nazorg",
    "aanmelding",
    "intake",
    "diagnose",
)
_ELEMENT = re.compile(
    r"<(?:\w+:)?(?:\w*Task|callActivity|\w*Event|subProcess)\s[^>]*?\bid=\"([^\"]+)\""
)


def _elements(source: str) -> set[str]:
    return set(_ELEMENT.findall(source))


def phase_map(app: Container) -> dict[str, dict[str, str]]:
    """Top-level process -> element id -> phase (sub-diagrams followed recursively)."""
    sources = {
        d.key: app.deployments.process_source(d.key) for d in app.deployments.latest_processes()
    }
    maps: dict[str, dict[str, str]] = {}
    for key, source in sources.items():
        mapping = {e: OWN_PHASES.get(key, {}).get(e, _own(key)) for e in _elements(source)}
        todo = [(c, SUB_PHASES.get(c, c)) for c in called_processes(source) - {key}]
        done: set[str] = set()
        while todo:
            called, phase = todo.pop()
            if called in done or called not in sources:
                continue
            done.add(called)
            for element in _elements(sources[called]):
                # the innermost element wins: ondersteuning's call activity
                # "voortgangsgesprek_voeren" calls a user task of the same id
                mapping[element] = phase
            # a sub-diagram of a phase stays in its own phase (handhaving in voortgang)
            todo += [(c, SUB_PHASES.get(c, phase)) for c in called_processes(sources[called])]
        maps[key] = mapping
    return maps


def _own(key: str) -> str:
    return {"werkplein_aanmelding": "aanmelding"}.get(key, key.replace("_", " "))


def journeys_per_phase(app: Container) -> dict[str, Counter[str]]:
    """Process -> phase -> journeys (running ones by phase, ended ones by how they ended)."""
    maps = phase_map(app)
    result: dict[str, Counter[str]] = {}
    for instance in app.instances.find(limit=MAX_ROWS):
        counter = result.setdefault(instance.process_key, Counter())
        if instance.status == "completed" and instance.process_key == "klantreis":
            ended = "afgewezen" if instance.variables.get("afwijzen") else "uitgestroomd"
            counter[f"(completed: {ended})"] += 1
            continue
        if instance.status != "running":
            counter[f"({instance.status})"] += 1
            continue
        details = instance_details(app, instance.id)
        mapping = maps.get(instance.process_key, {})
        phases = {mapping.get(e, e) for e in details.current_elements} or {"(no wait state)"}
        if details.incidents:
            phases = {f"{p} (incident)" for p in phases}
        group = instance.variables.get("klantgroep")
        if "ondersteuning" in phases and group:
            phases = (phases - {"ondersteuning"}) | {f"ondersteuning {group}"}
        for phase in phases:
            counter[phase] += 1
    return result


def _phase_rank(phase: str) -> tuple[int, str]:
    base = phase.split(" (")[0]
    if base.startswith("ondersteuning"):
        base = "ondersteuning"
    return (PHASE_ORDER.index(base) if base in PHASE_ORDER else len(PHASE_ORDER), phase)


def summary_json(
    seeded: SeedResult | None,
    view: Overview,
    phases: dict[str, Counter[str]],
    users: list[DemoUser],
) -> dict[str, Any]:
    """The demo part of the ``--json`` document (without the deploy report)."""
    return {
        "seeded": seeded,
        "definitions": [
            {"key": key, "version": version, "name": name}
            for key, version, name in view.definitions
        ],
        "instances": [
            {"process": process, "element": element, "count": count}
            for (process, element), count in sorted(view.instances_per_element.items())
        ],
        "journeysPerPhase": {
            process: dict(sorted(counts.items(), key=lambda kv: _phase_rank(kv[0])))
            for process, counts in sorted(phases.items())
        },
        "openTasksPerGroup": dict(sorted(view.tasks_per_group.items())),
        "openTasksPerOrganisation": dict(sorted(view.tasks_per_organisation.items())),
        "pendingTimers": view.pending_timers,
        "dueTimers": view.due_timers,
        "nextTimerAt": view.next_timer,
        "openIncidents": view.open_incidents,
        "users": [{"id": u.user_id, "role": u.role, "token": u.token} for u in users],
    }


def render_summary(
    seeded: SeedResult | None,
    view: Overview,
    phases: dict[str, Counter[str]],
    users: list[DemoUser],
) -> None:
    """The demo summary, for humans."""
    if seeded is None and not view.definitions:
        output.emit("demo data: no processes deployed, nothing to seed")
    elif seeded is None:
        output.emit("demo data: present already (not seeded again)")
    else:
        _render_seeded(seeded)
    output.emit("\ndeployed processes:")
    for key, version, name in view.definitions:
        output.emit(f"  {key} v{version}  {name or ''}".rstrip())
    output.emit("\njourneys per process and phase (parallel tracks count in each):")
    rows = [
        (process, phase, count)
        for process, counts in sorted(phases.items())
        for phase, count in sorted(counts.items(), key=lambda kv: _phase_rank(kv[0]))
    ]
    output.emit(output.table(("PROCESS", "PHASE", "JOURNEYS"), rows))
    output.emit("\nopen tasks per role (candidate group):")
    output.emit(output.table(("ROLE", "TASKS"), sorted(view.tasks_per_group.items())))
    output.emit("\nopen tasks per organisation:")
    output.emit(
        output.table(("ORGANISATION", "TASKS"), sorted(view.tasks_per_organisation.items()))
    )
    output.emit(
        f"\ntimers pending: {view.pending_timers} (due now: {view.due_timers}, next due at "
        f"{output.when(view.next_timer)} UTC)   open incidents: {view.open_incidents}"
    )
    if users:
        output.emit(
            "\ndemo users (bearer token = <role>-demo): "
            + ", ".join(u.token for u in users[:4])
            + ", ..."
        )


def _render_seeded(seeded: SeedResult) -> None:
    per_process = ", ".join(f"{k} {n}" for k, n in sorted(seeded.per_process.items()))
    output.emit(
        f"demo data: {seeded.started} journeys ({per_process}) started between "
        f"{seeded.since[:10]} and {seeded.until[:10]}, replayed in {seeded.seconds:g} s: "
        f"{seeded.tasks_completed} tasks completed by their roles, {seeded.timers_fired} "
        f"timers fired, {seeded.jobs_answered} partner jobs answered, "
        f"{seeded.messages_correlated} messages delivered"
    )
    if seeded.incident:
        output.emit(f"  the one deliberate incident: {seeded.incident}")
    for where, why in sorted(seeded.answered_by_hand.items()):
        output.emit(f"  answered without the partner: {where} ({why})")
    if seeded.jobs_answered and not seeded.answered_by_hand:
        output.emit(
            "  answered without the partner: none, every partner job went through its adapter"
        )
    for failure in seeded.failures:
        output.emit(f"  stopped early: {failure}")
