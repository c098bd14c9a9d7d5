"""Steps of the klantreis features that summarise a whole phase in one sentence.

Each is built from the same moves as the common steps (complete a task as a role, let a
partner do its job, let time pass), so a scenario can skip to the phase it is about.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from tests.bdd.keten import Keten

#: answers to the diagnose that make klantgroep_advies.dmn advise each group
DIAGNOSE: dict[str, dict[str, str]] = {
    "Matchen": {"Maanden in uitkering": "2", "afstandTotArbeidsmarkt": "klein"},
    "Groeien": {"Maanden in uitkering": "12", "afstandTotArbeidsmarkt": "middel"},
    "Faciliteren": {"Maanden in uitkering": "40", "afstandTotArbeidsmarkt": "groot"},
    "Zorgen": {"Maanden in uitkering": "60", "afstandTotArbeidsmarkt": "zeer groot"},
}


def _melding(keten: Keten, dossier: str, bestaand: bool) -> None:
    keten.start("klantreis", dossier)
    keten.rond_af(
        "Melding registreren", "baliemedewerker", {"bestaandeKlant": "ja" if bestaand else "nee"}
    )
    keten.partner_doet("gemeente.zaak-registreren")


@given(parsers.re(r'een nieuwe klant meldt zich aan de balie met dossier "(?P<dossier>[^"]+)"'))
@when(parsers.re(r'een nieuwe klant zich meldt aan de balie met dossier "(?P<dossier>[^"]+)"'))
def nieuwe_klant_meldt_zich(keten: Keten, dossier: str) -> None:
    """Start the klantreis; the desk registers the melding, the gemeente opens a zaak."""
    _melding(keten, dossier, bestaand=False)


@given(parsers.re(r'een bestaande klant komt voor herbeoordeling met dossier "(?P<dossier>[^"]+)"'))
def bestaande_klant(keten: Keten, dossier: str) -> None:
    """Start the klantreis of an existing client: straight to the ambitiegesprek. The
    gemeente already pays the client an uitkering (found by BSN when it ends)."""
    _melding(keten, dossier, bestaand=True)
    keten.partners.lopende_uitkering(dossier, keten.variabelen()["bsn"])


@given("de poortwachter ziet geen reden voor afwijzing")
def poortwachter_laat_door(keten: Keten) -> None:
    """Checklist without findings; the desk makes the appointment for the ambitiegesprek."""
    keten.rond_af("Eerste uitvraag met checklist", "poortwachter")
    keten.rond_af("Afspraak ambitiegesprek maken", "baliemedewerker")


def _ambitiegesprek(keten: Keten, advies: str, keuze: str, reden: str | None) -> None:
    keten.rond_af("Leefgebieden bespreken en diagnose", "intaker", DIAGNOSE[advies])
    keten.rond_af("Klantgroep kiezen met de klant", "intaker", {"klantgroep": keuze})
    if reden is not None:
        keten.rond_af("Reden afwijkende keuze vastleggen", "intaker", {"keuzeReden": reden})
    ambitiegesprek_afgerond(keten)


@when("het ambitiegesprek wordt afgerond")
def ambitiegesprek_afgerond(keten: Keten) -> None:
    """Rights and duties discussed, invitation to the kick-off, zaakstatus updated."""
    keten.rond_af("Rechten en plichten bespreken", "intaker")
    keten.rond_af("Uitnodigen voor kick-off", "intaker")
    keten.partner_doet("gemeente.zaakstatus-zetten")


_GESPREK = r'het ambitiegesprek (?:is gevoerd|wordt gevoerd) met klantgroep "(?P<groep>[^"]+)"$'


@given(parsers.re(_GESPREK))
@when(parsers.re(_GESPREK))
def ambitiegesprek_gevoerd(keten: Keten, groep: str) -> None:
    """The intaker runs the ambitiegesprek; the client chooses the advised group."""
    _ambitiegesprek(keten, groep, groep, None)


@given(parsers.re(r'de klant is ingedeeld in klantgroep "(?P<groep>[^"]+)"'))
def klant_ingedeeld(keten: Keten, groep: str) -> None:
    """A new client passes the poort and the ambitiegesprek into ``groep``."""
    _melding(keten, "DOS-1", bestaand=False)
    poortwachter_laat_door(keten)
    _ambitiegesprek(keten, groep, groep, None)


@given("de uitkering is toegekend")
@when("de uitkering wordt toegekend")
def uitkering_toegekend(keten: Keten) -> None:
    """The uitkering track runs to a granted benefit (the week's wait must have passed)."""
    keten.alle_opdrachten_uitvoeren()
    keten.rond_af("Gesprek consulent: stukken beoordelen", "consulent IO")
    keten.rond_af(
        "Besluit op de aanvraag",
        "consulent IO",
        {"uitkeringsbesluit": "toegekend", "bedragPerMaand": "1400", "betalingPeriode": "2026-01"},
    )
    keten.alle_opdrachten_uitvoeren()


@given("de kick-off is geweest")
@when("de klant de kick-off bijwoont")
def kickoff_geweest(keten: Keten) -> None:
    """The trainer records the client at the kick-off."""
    keten.rond_af("Kick-off bijeenkomst per klantgroep", "trainer")
