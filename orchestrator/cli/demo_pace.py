"""The pace of a living Werkplein: inflow, how long work waits, when partners answer.

The demo seeds journeys that began in the past: a steady inflow of clients and employers
over the seeding window, caseworkers who pick up a task some working days after it landed
on their worklist (a desk registration the same day, a werkcoach's guidance for months),
and clients and partners whose messages arrive after a while, or never. These tables say
how long; :mod:`.demo_seed` replays them on a manual clock, so the diagrams' own timers
(7 and 14 days, P6M/P1Y voortgang, 48 hours Work First, four weeks zoekperiode) decide the
rest.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

#: default length of the seeding window for the default number of journeys (~18 months)
DEFAULT_DAYS = 548
#: the shortest window (a handful of journeys still gets two weeks of history)
MIN_DAYS = 14

#: element id -> (fewest, most) working days a task stays on the worklist
TASK_DAYS: dict[str, tuple[int, int]] = {
    # klantreis: melding en poortwachter
    "melding_registreren": (0, 1),
    "eerste_uitvraag": (0, 3),
    "voorschot_toekennen": (0, 1),
    "doorverwijzen_netwerkpartners": (0, 2),
    "afwijzing_vastleggen": (0, 3),
    "afspraak_ambitiegesprek_maken": (0, 2),
    # ambitiegesprek (the intaker sees the client about a week later)
    "driegesprek_voorbereiden": (2, 8),
    "leefgebieden_bespreken": (3, 8),
    "klantgroep_kiezen": (0, 0),
    "afwijkende_keuze_vastleggen": (0, 1),
    "rechten_en_plichten": (0, 0),
    "uitnodigen_kickoff": (0, 2),
    # afhandeling uitkering
    "stukken_beoordelen": (1, 6),
    "hersteltermijn_geven": (0, 2),
    "buiten_behandeling_stellen": (1, 5),
    "besluit_nemen": (1, 8),
    # kick-off (trainer records attendance after the meeting)
    "kickoff_bijeenkomst": (1, 6),
    "opnieuw_uitnodigen": (1, 8),
    # ondersteuning per klantgroep: long-running guidance, the voortgang timers interrupt
    "plan_van_aanpak": (3, 20),
    "matchen_bemiddelen": (15, 150),
    "groeien_begeleiden": (60, 540),
    "participatieplan": (5, 25),
    "faciliteren_begeleiden": (90, 400),
    "zorgen_ondersteunen": (120, 700),
    "rechtmatigheidsonderzoek": (5, 25),
    # voortgangsgesprek, handhaving
    "voortgangsgesprek_voeren": (5, 25),
    "groepswissel_vastleggen": (1, 6),
    "verzuim_vastleggen": (1, 8),
    "oproep_zonder_sanctie": (1, 6),
    "omgekeerde_toets": (3, 15),
    "alternatieve_sanctie_vastleggen": (1, 6),
    "maatregel_opleggen": (2, 10),
    # uitstroom en nazorg
    "uitkering_beeindigen": (1, 8),
    "jobcoaching_inzetten": (3, 15),
    "nazorg_evalueren": (2, 12),
    "nazorggesprek": (10, 40),
    # werkgeversservicepunt
    "werkgever_registreren": (0, 1),
    "vacatureprofiel_opstellen": (2, 10),
    "kandidaat_voordragen": (3, 20),
    "kandidaat_voorstellen": (2, 12),
    "arrangement_regelen": (5, 25),
    "plaatsing_vastleggen": (5, 30),
    "werkgever_bellen": (0, 4),
    # Werkplein aanmelding, intake (Work First: 48 hours), diagnose
    "aanmelding_registreren": (0, 1),
    "doorverwijzen_derden": (0, 1),
    "schuldhulp_afspraak": (0, 2),
    "schuldhulp_gesprek": (5, 25),
    "bbz_aanvraag": (3, 20),
    "quickscan": (0, 3),
    "klantmanager_toewijzen": (0, 3),
    "work_first_afspraak": (0, 2),
    "work_first_plaatsing": (0, 4),
    "contact_work_first": (5, 12),
    "uitkeringsintake_inplannen": (1, 6),
    "eerste_gesprek": (3, 15),
    "digitale_dienstverlening": (20, 110),
    "begeleiden": (10, 80),
    "dienst_uitvoeren": (7, 40),
    "kandidaat_opnemen": (1, 12),
    "inkomen_overnemen": (2, 15),
    "sw_overnemen": (3, 20),
    # zoekperiode
    "aanvraag_bevestigen": (0, 2),
    "verplichtingen_beoordelen": (2, 10),
    "recht_beoordelen": (2, 10),
    "voorlichting": (3, 15),
    "gesprek_e_coach": (3, 15),
    "lijn_kiezen": (2, 10),
    "werkintake": (3, 20),
    "screening_participatie": (5, 30),
}
#: a task the table does not know (a diagram changed, another process folder)
DEFAULT_TASK_DAYS = (2, 30)
#: share of tasks that wait longer (client reschedules, caseworker away): 2-4 times as long
BACKLOG_CHANCE = 0.2

#: message name -> (chance it arrives at all, fewest and most days after the wait began)
MESSAGE_ARRIVAL: dict[str, tuple[float, int, int]] = {
    "stukken-aangeleverd": (0.75, 1, 13),
    "vacatureprofiel-ondertekend": (0.9, 1, 12),
    "terugmelding-sw-bedrijf": (0.9, 14, 60),
    "sw-indicatie-besluit": (0.9, 30, 90),
    "werk-gevonden": (0.25, 3, 27),
    "entreevragenlijst-ingevuld": (0.8, 2, 25),
}
#: messages that arrive once per journey (a non-interrupting boundary keeps listening)
ONCE_PER_JOURNEY = frozenset({"entreevragenlijst-ingevuld"})

#: message name -> variables a partner or client sends along (weighted where it varies)
MESSAGES: dict[str, dict[str, Any]] = {
    "stukken-aangeleverd": {},
    "vacatureprofiel-ondertekend": {},
    "terugmelding-sw-bedrijf": {"uitkomst": "geschikt", "advies": "leerwerkplek"},
    "sw-indicatie-besluit": {"swIndicatie": True},
    "werk-gevonden": {},
    "entreevragenlijst-ingevuld": {"dienstverleningslijn": "klantondersteuning"},
}
MESSAGE_CHOICES: dict[str, dict[str, Mapping[Any, float]]] = {
    "sw-indicatie-besluit": {"swIndicatie": {True: 3, False: 1}},
    "entreevragenlijst-ingevuld": {
        "dienstverleningslijn": {
            "klantondersteuning": 2,
            "maatschappelijke_participatie": 1,
            "zelfdoeners": 1,
        }
    },
}

_OPENS = time(8, 30)
_WORKDAY_MINUTES = 8 * 60 + 15  # 08:30 .. 16:45


def window_days(journeys: int, days: int | None) -> int:
    """Days of history: as asked, else ~18 months for the default 300 journeys and
    proportionally fewer for fewer journeys (a steady inflow of a few per week)."""
    if days is not None:
        return max(1, days)
    return max(MIN_DAYS, min(DEFAULT_DAYS, round(journeys * DEFAULT_DAYS / 300)))


def working_moment(rng: random.Random, after: datetime, days: int) -> datetime:
    """A moment during office hours ``days`` working days after ``after`` (not before it)."""
    day = after
    left = days
    while left > 0 or day.weekday() >= 5:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    start = day.replace(hour=_OPENS.hour, minute=_OPENS.minute, second=0, microsecond=0)
    moment = start + timedelta(minutes=rng.randint(0, _WORKDAY_MINUTES), seconds=rng.randint(0, 59))
    if moment <= after:
        moment = after + timedelta(minutes=rng.randint(5, 90))
    return moment


def inflow(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` start moments during office hours, evenly spread over [start, end) (a
    steady stream: one every span/count, each at a random moment of its own stretch)."""
    if count <= 0:
        return []
    span = max((end - start).total_seconds(), 1.0) / count
    moments = []
    for number in range(count):
        offset = span * (number + rng.uniform(0.0, 1.0))
        moment = working_moment(rng, start + timedelta(seconds=offset), 0)
        moments.append(moment if moment < end else end - timedelta(minutes=rng.randint(5, 60)))
    return moments


def task_done_at(rng: random.Random, element_id: str, created_at: datetime) -> datetime:
    """When a caseworker completes a task that landed on the worklist at ``created_at``."""
    low, high = TASK_DAYS.get(element_id, DEFAULT_TASK_DAYS)
    days = rng.randint(low, high)
    if rng.random() < BACKLOG_CHANCE:
        days = max(days * rng.randint(2, 4), days + 3)
    return working_moment(rng, created_at, days)


def message_at(rng: random.Random, name: str, waiting_since: datetime) -> datetime | None:
    """When message ``name`` arrives for a wait that began at ``waiting_since`` (None:
    it never does, the diagram's timer or a caseworker decides)."""
    chance, low, high = MESSAGE_ARRIVAL.get(name, (0.0, 0, 0))
    if rng.random() >= chance:
        return None
    return working_moment(rng, waiting_since, rng.randint(low, high))


def message_variables(rng: random.Random, name: str) -> dict[str, Any]:
    """What travels along with message ``name``."""
    from orchestrator.cli.demo_data import weighted

    variables = dict(MESSAGES.get(name, {}))
    for field_name, weights in MESSAGE_CHOICES.get(name, {}).items():
        variables[field_name] = weighted(rng, weights, list(weights))
    return variables
