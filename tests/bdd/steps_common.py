"""Reusable Dutch steps for every feature: start a process, work tasks as a role, let time
pass, receive messages, let partners do their part, and check the outcome.

Roles are written as in the organisation ("de poortwachter", "de consulent IO", "de
handhavingsspecialist"); a task is named by its name in the diagram (or its id). Tables
have two columns (``| veld | waarde |``, header optional); ``ja``/``nee`` are booleans and
whole numbers are numbers. Every step that changes something also exists as a ``Gegeven``
so a background can set the scene with the same words.
"""

from __future__ import annotations

import calendar
from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from tests.bdd.keten import TEST_BSN, Keten, tabel, waarde
from tests.bdd.partners import topic_prefix

# ------------------------------------------------------------------ dossiers


@given(parsers.re(r'het proces "(?P<proces>[^"]+)" is gestart voor dossier "(?P<dossier>[^"]+)"$'))
@when(parsers.re(r'het proces "(?P<proces>[^"]+)" start voor dossier "(?P<dossier>[^"]+)"$'))
def proces_gestart(keten: Keten, proces: str, dossier: str) -> None:
    """Start a process (its latest version) for a dossier (business key)."""
    keten.start(proces, dossier)


@given(
    parsers.re(r'het proces "(?P<proces>[^"]+)" is gestart voor dossier "(?P<dossier>[^"]+)" met:')
)
@when(parsers.re(r'het proces "(?P<proces>[^"]+)" start voor dossier "(?P<dossier>[^"]+)" met:'))
def proces_gestart_met(keten: Keten, proces: str, dossier: str, datatable: list[list[str]]) -> None:
    """Start a process with variables from the table."""
    keten.start(proces, dossier, {k: waarde(v) for k, v in tabel(datatable).items()})


@given(parsers.re(r'we kijken naar dossier "(?P<dossier>[^"]+)"'))
@when(parsers.re(r'we kijken naar dossier "(?P<dossier>[^"]+)"'))
def kijk_naar_dossier(keten: Keten, dossier: str) -> None:
    """Make another dossier the current one."""
    keten.instantie(dossier)
    keten.dossier = dossier


# --------------------------------------------------------------------- tasks

_TAAK = r'(?P<rol>.+?) de taak "(?P<taak>[^"]+)" (?:afrondt|heeft afgerond)'


@given(parsers.re(_TAAK + "$"))
@when(parsers.re(_TAAK + "$"))
def taak_afgerond(keten: Keten, rol: str, taak: str) -> None:
    """The role claims and completes the task (form defaults only)."""
    keten.rond_af(taak, rol)


@given(parsers.re(_TAAK + " met:"))
@when(parsers.re(_TAAK + " met:"))
def taak_afgerond_met(keten: Keten, rol: str, taak: str, datatable: list[list[str]]) -> None:
    """The role completes the task with the form values of the table (ids or labels)."""
    keten.rond_af(taak, rol, tabel(datatable))


@then(parsers.re(r'staat de taak "(?P<taak>[^"]+)" in de werkvoorraad van (?P<rol>.+)$'))
def taak_in_werkvoorraad(keten: Keten, taak: str, rol: str) -> None:
    """The task is open and on the worklist of the role."""
    keten.taak(taak, rol)


@then(parsers.re(r'staat de taak "(?P<taak>[^"]+)" niet (?:meer )?open'))
def taak_niet_open(keten: Keten, taak: str) -> None:
    """No open task with this name in the dossier."""
    names = [t.name for t in keten.open_taken()] + [t.element_id for t in keten.open_taken()]
    assert taak not in names, f"taak '{taak}' staat nog open"


@then(parsers.re(r"staan er geen taken (?:meer )?open"))
def geen_taken_open(keten: Keten) -> None:
    """The dossier has no open human tasks."""
    assert keten.open_taken() == [], [t.name for t in keten.open_taken()]


@then(parsers.re(r'staan (?:alleen )?de taken (?P<namen>".+") open'))
def alleen_deze_taken_open(keten: Keten, namen: str) -> None:
    """Exactly these tasks are open ("A", "B" en "C")."""
    wanted = sorted(n for n in namen.split('"')[1::2])
    assert sorted(t.name or t.element_id for t in keten.open_taken()) == wanted


@then(parsers.re(r'heeft de taak "(?P<taak>[^"]+)" een vervaldatum over (?P<dagen>\d+) dagen'))
def taak_vervaldatum(keten: Keten, taak: str, dagen: str) -> None:
    """The task is due ``dagen`` days from today."""
    task = keten.taak(taak)
    assert task.due_at is not None, f"taak '{taak}' heeft geen vervaldatum"
    assert task.due_at.date() == keten.vandaag() + timedelta(days=int(dagen))


# ---------------------------------------------------------------------- time


def _later(keten: Keten, aantal: int, eenheid: str) -> timedelta:
    if eenheid.startswith("dag"):
        return timedelta(days=aantal)
    if eenheid.startswith("we"):
        return timedelta(weeks=aantal)
    months = aantal * (12 if eenheid == "jaar" else 1)
    today = keten.klok.now()
    year, month = divmod(today.month - 1 + months, 12)
    day = min(today.day, calendar.monthrange(today.year + year, month + 1)[1])
    return today.replace(year=today.year + year, month=month + 1, day=day) - today


_TIJD = r"er (?P<aantal>\d+) (?P<eenheid>dag|dagen|week|weken|maand|maanden|jaar) verstreken (?:zijn|is)"


@given(parsers.re(_TIJD))
@when(parsers.re(_TIJD))
def tijd_verstreken(keten: Keten, aantal: str, eenheid: str) -> None:
    """Time passes on the scenario clock; due timers fire day by day."""
    keten.verstrijk(_later(keten, int(aantal), eenheid))


# ------------------------------------------------------------------ messages

_BERICHT = r'het bericht "(?P<bericht>[^"]+)" (?:binnenkomt|is binnengekomen)'


@given(parsers.re(_BERICHT + "$"))
@when(parsers.re(_BERICHT + "$"))
def bericht_ontvangen(keten: Keten, bericht: str) -> None:
    """A message for the current dossier arrives (delivered, or buffered until awaited)."""
    keten.bericht(bericht)


@given(parsers.re(_BERICHT + " met:"))
@when(parsers.re(_BERICHT + " met:"))
def bericht_ontvangen_met(keten: Keten, bericht: str, datatable: list[list[str]]) -> None:
    """A message with variables arrives for the current dossier."""
    keten.bericht(bericht, variabelen={k: waarde(v) for k, v in tabel(datatable).items()})


# ------------------------------------------------------------------ partners

_OPDRACHT = r'(?P<partner>.+?) de opdracht "(?P<topic>[^"]+)" (?:uitvoert|heeft uitgevoerd)'


def _topic(partner: str, topic: str) -> str:
    full = topic if "." in topic else topic_prefix(partner) + topic
    assert full.startswith(topic_prefix(partner)), f"{partner} voert '{full}' niet uit"
    return full


@given(parsers.re(_OPDRACHT + "$"))
@when(parsers.re(_OPDRACHT + "$"))
def opdracht_uitgevoerd(keten: Keten, partner: str, topic: str) -> None:
    """A partner system does the external task of ``topic`` (e.g. "uwv.werkzoekende-registreren")."""
    keten.partner_doet(_topic(partner, topic))


@given(parsers.re(_OPDRACHT + " met:"))
@when(parsers.re(_OPDRACHT + " met:"))
def opdracht_uitgevoerd_met(
    keten: Keten, partner: str, topic: str, datatable: list[list[str]]
) -> None:
    """A partner system does its task and answers with the table's variables."""
    keten.partner_doet(_topic(partner, topic), {k: waarde(v) for k, v in tabel(datatable).items()})


_LOPEND = r'de klant van dossier "(?P<dossier>[^"]+)" (?:heeft|krijgt) een lopende uitkering bij de gemeente'


@given(parsers.re(_LOPEND))
@when(parsers.re(_LOPEND))
def lopende_uitkering(keten: Keten, dossier: str) -> None:
    """The gemeente already pays the client of ``dossier`` an uitkering (from before)."""
    keten.partners.lopende_uitkering(dossier, TEST_BSN)


_WEIGERT = r'(?P<partner>.+?) de opdracht "(?P<topic>[^"]+)" weigert met code "(?P<code>[^"]+)"'


@given(parsers.re(_WEIGERT))
@when(parsers.re(_WEIGERT))
def opdracht_geweigerd(keten: Keten, partner: str, topic: str, code: str) -> None:
    """A partner system answers with a business error (a BPMN error ``code``)."""
    keten.partner_weigert(_topic(partner, topic), code)


@then(parsers.re(r'staat (?:er )?een opdracht "(?P<topic>[^"]+)" klaar'))
def opdracht_klaar(keten: Keten, topic: str) -> None:
    """A job of ``topic`` waits for its partner."""
    assert topic in keten.open_opdrachten(), keten.open_opdrachten()


@then(parsers.re(r'staat (?:er )?geen opdracht "(?P<topic>[^"]+)" klaar'))
def geen_opdracht_klaar(keten: Keten, topic: str) -> None:
    """No job of ``topic`` waits."""
    assert topic not in keten.open_opdrachten(), keten.open_opdrachten()


# ------------------------------------------------------------------ outcomes


@then(parsers.re(r'is "(?P<variabele>[^"]+)" vastgelegd als "(?P<verwacht>[^"]*)"'))
def variabele_is(keten: Keten, variabele: str, verwacht: str) -> None:
    """A process variable has the expected value (ja/nee and numbers are typed)."""
    variabelen = keten.variabelen()
    assert variabele in variabelen, f"'{variabele}' is niet vastgelegd; wel: {sorted(variabelen)}"
    assert variabelen[variabele] == waarde(verwacht), variabelen[variabele]


@then(parsers.re(r'is "(?P<variabele>[^"]+)" vastgelegd$'))
def variabele_vastgelegd(keten: Keten, variabele: str) -> None:
    """A process variable is set (not empty)."""
    assert keten.variabelen().get(variabele) not in (None, ""), sorted(keten.variabelen())


@then(parsers.re(r'is "(?P<variabele>[^"]+)" niet vastgelegd'))
def variabele_niet_vastgelegd(keten: Keten, variabele: str) -> None:
    """A process variable is absent or empty."""
    assert keten.variabelen().get(variabele) in (None, ""), keten.variabelen()[variabele]


@then(parsers.re(r"is het dossier afgerond"))
def dossier_afgerond(keten: Keten) -> None:
    """The dossier's process has ended."""
    assert keten.instantie().status == "completed", keten.instantie().status


@then(parsers.re(r"loopt het dossier nog"))
def dossier_loopt(keten: Keten) -> None:
    """The dossier's process is still running."""
    assert keten.instantie().status == "running", keten.instantie().status


_ALLE = r"de ketenpartners (?:alle )?(?:hun )?opdrachten (?:uitvoeren|hebben uitgevoerd)"


@given(parsers.re(_ALLE))
@when(parsers.re(_ALLE))
def alle_opdrachten_uitgevoerd(keten: Keten) -> None:
    """Every partner does every job that waits (and those that follow) for the dossier."""
    keten.alle_opdrachten_uitvoeren()
