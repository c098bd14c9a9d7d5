"""Steps of the Werkplein features (werkplein_*, werkgeversservicepunt, zoekperiode) that
summarise a step of the client's or employer's journey in one sentence.

Each is built from the same moves as the common steps (complete a task as a role, let a
partner do its job, a message arrives), so a scenario can skip to the part it is about.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from tests.bdd.keten import Keten, tabel

# ---------------------------------------------------------------- aanmelding


def _aanmelding(keten: Keten, dossier: str, vraag: str, zelfstandige: bool = False) -> None:
    keten.start("werkplein_aanmelding", dossier)
    keten.rond_af(
        "Aanmelding registreren",
        "baliemedewerker",
        {"Vraag van de klant": vraag, "zelfstandige": "ja" if zelfstandige else "nee"},
    )


_MELDT = r'een klant (?:meldt zich|zich meldt) bij het Werkplein met de vraag "(?P<vraag>[^"]+)" en dossier "(?P<dossier>[^"]+)"$'


@given(parsers.re(_MELDT))
@when(parsers.re(_MELDT))
def klant_meldt_zich(keten: Keten, vraag: str, dossier: str) -> None:
    """Start the Werkplein aanmelding; the desk registers the client's question."""
    _aanmelding(keten, dossier, vraag)


_ZELFSTANDIGE = r'een zelfstandige (?:meldt zich|zich meldt) bij het Werkplein met de vraag "(?P<vraag>[^"]+)" en dossier "(?P<dossier>[^"]+)"'


@given(parsers.re(_ZELFSTANDIGE))
@when(parsers.re(_ZELFSTANDIGE))
def zelfstandige_meldt_zich(keten: Keten, vraag: str, dossier: str) -> None:
    """Start the aanmelding of a self-employed client."""
    _aanmelding(keten, dossier, vraag, zelfstandige=True)


@given(parsers.re(r'de klant is bij de intake met dossier "(?P<dossier>[^"]+)"'))
def klant_bij_intake(keten: Keten, dossier: str) -> None:
    """A client with a work question: registered, client record made, at the wisselwachter."""
    _aanmelding(keten, dossier, "werk")
    keten.partner_doet("gemeente.zaak-registreren")


_QUICKSCAN = r'de wisselwachter de quickscan (?:afneemt|heeft afgenomen) met afstand tot de arbeidsmarkt "(?P<afstand>[^"]+)"'


@given(parsers.re(_QUICKSCAN + "$"))
@when(parsers.re(_QUICKSCAN + "$"))
def quickscan(keten: Keten, afstand: str) -> None:
    """Quickscan (the client qualifies for a benefit) and a klantmanager assigned."""
    _quickscan(keten, afstand, uitkering=True)


@given(parsers.re(_QUICKSCAN + " zonder uitkering"))
@when(parsers.re(_QUICKSCAN + " zonder uitkering"))
def quickscan_zonder_uitkering(keten: Keten, afstand: str) -> None:
    """Quickscan of a client who needs no benefit, and a klantmanager assigned."""
    _quickscan(keten, afstand, uitkering=False)


def _quickscan(keten: Keten, afstand: str, *, uitkering: bool) -> None:
    keten.rond_af(
        "Quickscan afnemen",
        "wisselwachter",
        {"Afstand tot de arbeidsmarkt": afstand, "uitkeringNodig": "ja" if uitkering else "nee"},
    )
    keten.rond_af("Klantmanager toewijzen", "wisselwachter", {"Klantmanager": "Klantmanager A"})


@given(
    parsers.re(r'de klant is in begeleiding bij de klantmanager met dossier "(?P<dossier>[^"]+)"')
)
def klant_in_begeleiding(keten: Keten, dossier: str) -> None:
    """Aanmelding, intake without benefit and a first talk: the klantmanager decides next."""
    klant_bij_intake(keten, dossier)
    _quickscan(keten, "middel", uitkering=False)
    keten.rond_af("Eerste gesprek en actieplan", "klantmanager", {"Actieplan": "werkfit worden"})


_VERVOLG = r'de klantmanager (?:als vervolg kiest|heeft gekozen) voor "(?P<vervolg>[^"]+)"'


@given(parsers.re(_VERVOLG + "$"))
@when(parsers.re(_VERVOLG + "$"))
def vervolg_kiezen(keten: Keten, vervolg: str) -> None:
    """The klantmanager completes "Begeleiden en vervolg bepalen" with this next step."""
    keten.rond_af("Begeleiden en vervolg bepalen", "klantmanager", {"Vervolg": vervolg})


@given(parsers.re(_VERVOLG + " met:"))
@when(parsers.re(_VERVOLG + " met:"))
def vervolg_kiezen_met(keten: Keten, vervolg: str, datatable: list[list[str]]) -> None:
    """The klantmanager chooses the next step, with more fields of the form."""
    invoer = {"Vervolg": vervolg, **tabel(datatable)}
    keten.rond_af("Begeleiden en vervolg bepalen", "klantmanager", invoer)


# ---------------------------------------------------------- werkgevers


_WERKGEVER = r'een werkgever uit de branche "(?P<sector>[^"]+)" (?:meldt zich|zich meldt) met dossier "(?P<dossier>[^"]+)"'


@given(parsers.re(_WERKGEVER))
@when(parsers.re(_WERKGEVER))
def werkgever_meldt_zich(keten: Keten, sector: str, dossier: str) -> None:
    """Start the werkgeversservicepunt; the desk registers the employer and its branche."""
    keten.start("werkgeversservicepunt", dossier)
    keten.rond_af(
        "Werkgever registreren",
        "baliemedewerker",
        {"Werkgever": "Kwekerij De Kas", "Branche": sector},
    )


_PROFIEL = (
    r"de werkgever het vacatureprofiel (?:heeft ondertekend|ondertekent)(?P<zelf> en zelf zoekt)?"
)


@given(parsers.re(_PROFIEL))
@when(parsers.re(_PROFIEL))
def profiel_ondertekend(keten: Keten, zelf: str | None) -> None:
    """The matchmaker of the branche draws up the profile; the employer signs it."""
    rol = f"matchmaker {keten.variabelen()['matchmaker'].removeprefix('matchmaker_')}"
    keten.rond_af(
        "Intake: vacatureprofiel opstellen met de werkgever",
        rol,
        {"Functie": "Medewerker teelt", "zoekopdracht": "nee" if zelf else "ja"},
    )
    keten.bericht("vacatureprofiel-ondertekend")


# ---------------------------------------------------------- zoekperiode


_AANVRAAG = (
    r"een klant van (?P<leeftijd>\d+) jaar (?:een uitkering aanvraagt|heeft een uitkering aangevraagd)"
    r' via werk.nl met dossier "(?P<dossier>[^"]+)"'
)


@given(parsers.re(_AANVRAAG))
@when(parsers.re(_AANVRAAG))
def aanvraag_werk_nl(keten: Keten, leeftijd: str, dossier: str) -> None:
    """Start the zoekperiode: the KCC confirms the application, UWV registers the job seeker."""
    keten.start("zoekperiode", dossier)
    keten.rond_af(
        "Aanvraag telefonisch bevestigen en activeringsmail sturen", "KCC", {"Leeftijd": leeftijd}
    )
    keten.partner_doet("uwv.werkzoekende-registreren")


_ENTREE = r'de klant de entreevragenlijst (?:invult|heeft ingevuld) met uitkomst "(?P<lijn>[^"]+)"'


@given(parsers.re(_ENTREE))
@when(parsers.re(_ENTREE))
def entreevragenlijst(keten: Keten, lijn: str) -> None:
    """The digital entreevragenlijst is filled in; it classifies the client's service line."""
    keten.bericht("entreevragenlijst-ingevuld", variabelen={"dienstverleningslijn": lijn})
