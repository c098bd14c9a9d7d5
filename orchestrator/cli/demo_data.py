"""What the demo journeys fill in: domain-aware form values, start variables, test BSNs.

Values follow the real paths of the klantreis and the Werkplein: every enum and boolean the
diagrams route on has weights (most clients are not in broodnood, most benefits are
granted, the four klantgroepen are all chosen), so a few hundred journeys cover every
klantgroep, every routing and both outcomes. Fields the table does not know get a value
derived from their form description (type, enum values, default), so the demo keeps working
when the diagrams change. A fixed seed makes it reproducible.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from orchestrator.application.identity import Actor

DEMO_SEED = 20260105
#: the demo seeds as functioneel beheer, who may complete every task
DEMO_ACTOR = Actor(user_id="demo", groups=frozenset({"beheerder"}))

Weights = Mapping[Any, float]

#: field id -> weighted choices (enum ids or booleans) along the paths of the diagrams
CHOICES: dict[str, Weights] = {
    # klantreis: melding en poortwachter
    "kanaal": {"balie": 5, "telefoon": 3, "website": 2, "email": 2},
    "bestaandeKlant": {True: 2, False: 8},
    "broodnood": {True: 1, False: 9},
    "dreigendeHuisuitzetting": {True: 1, False: 12},
    "rechtmatigheid": {"waarschijnlijk": 8, "twijfel": 2, "onwaarschijnlijk": 1},
    "doorverwijzen": {True: 2, False: 8},
    "afwijzen": {True: 1, False: 11},
    "netwerkpartner": {"schuldhulpverlening": 3, "sociaal_team": 2, "anders": 1},
    # ambitiegesprek
    "afstandTotArbeidsmarkt": {
        "klein": 3,
        "middel": 3,
        "groot": 2,
        "zeer groot": 1,
        "kort": 3,
        "lang": 2,
    },
    "arbeidsvermogen": {True: 8, False: 2},
    "klantgroep": {"Matchen": 3, "Groeien": 3, "Faciliteren": 2, "Zorgen": 2},
    "afsprakenVastgelegd": {True: 1},
    # afhandeling uitkering, zoekperiode
    "stukkenCompleet": {True: 4, False: 1},
    "uitkeringsbesluit": {"toegekend": 5, "afgewezen": 1},
    # kick-off, ondersteuning, voortgang, nazorg
    "klantAanwezig": {True: 6, False: 1},
    "planVanAanpakGestart": {True: 1},
    "rechtmatig": {True: 9, False: 1},
    "ondersteuningUitkomst": {"geplaatst": 3, "andere_groep": 2},
    "plaatsingsvorm": {"regulier": 3, "loonkostensubsidie": 2, "beschut_werk": 1},
    "stress": {"laag": 3, "gemiddeld": 2, "hoog": 1},
    "rechtmatigheidInOrde": {True: 9, False: 1},
    "juisteKlantgroep": {True: 4, False: 1},
    # handhaving (omgekeerde toets)
    "gevolgenMaatregel": {"geen": 3, "huisuitzetting": 1, "kinderen": 1, "schulden": 1},
    "alternatieveSanctie": {True: 1, False: 2},
    # werkgeversservicepunt
    "sector": {
        "zorg": 3,
        "welzijn": 1,
        "tuinbouw": 3,
        "logistiek": 2,
        "mkb": 2,
        "detailhandel": 1,
        "horeca": 1,
        "bouw": 1,
        "overig": 1,
    },
    "zoekopdracht": {True: 9, False: 1},
    "arrangement": {
        "geen": 3,
        "loonkostensubsidie": 2,
        "scholing": 1,
        "loonkostensubsidie_en_scholing": 1,
    },
    "werkgeverAkkoord": {True: 4, False: 1},
    "werkgeverTevreden": {True: 5, False: 1},
    # Werkplein aanmelding, intake, diagnose
    "vraag": {
        "werk": 7,
        "inkomen": 5,
        "inburgering": 1,
        "participatie": 2,
        "schulden": 3,
        "anders": 2,
    },
    "zelfstandige": {True: 1, False: 8},
    "uitkeringNodig": {True: 4, False: 1},
    "aanHetWerk": {True: 1, False: 1},
    "workFirstUitkomst": {"werkt": 1, "gestopt": 1},
    "documentenCompleet": {True: 4, False: 1},
    "zelfredzaam": {True: 1, False: 2},
    "vervolg": {
        "backoffice": 2,
        "sw_onderzoek": 2,
        "sw_indicatie": 1,
        "werkfit": 3,
        "geen_perspectief": 1,
    },
    "backoffice": {"schuldhulpverlener": 1, "inkomensconsulent": 1},
    "swOnderzoek": {"diagnose": 1, "arbeidskundig": 1},
    # zoekperiode (Groningen)
    "ingeschrevenBijUwv": {True: 9, False: 1},
    "cvGemaakt": {True: 9, False: 1},
    "gesolliciteerd": {True: 6, False: 1},
    "verplichtingenNagekomen": {True: 6, False: 1},
    "eDienstverleningVoortzetten": {True: 2, False: 1},
    "dienstverleningslijn": {"klantondersteuning": 1, "maatschappelijke_participatie": 1},
    "nadereDiagnose": {True: 1, False: 2},
    "activiteit": {"dagbesteding": 1, "vrijwilligerswerk": 2, "beschut": 1},
}

#: field id -> (lowest, highest) whole number
NUMBERS: dict[str, tuple[int, int]] = {
    "maandenInUitkering": (0, 48),
    "voorschotBedrag": (100, 400),
    "verlagingProcent": (10, 30),
    "jobcoachUren": (2, 8),
    "aantalPlaatsen": (1, 3),
    "leeftijd": (18, 64),
    "urenPerWeek": (16, 20),
    "bedragPerMaand": (1200, 1400),  # bijstand for a single adult, about
}

#: field id -> texts to choose from (never personal data)
TEXTS: dict[str, Sequence[str]] = {
    "afwijsreden": ("vermogen boven de grens", "woont buiten de gemeente", "inkomen te hoog"),
    "keuzeReden": ("klant wil eerst schulden regelen", "klant kiest voor scholing"),
    "ontbrekendeStukken": ("bankafschriften", "huurcontract", "loonstroken"),
    "planVanAanpak": ("sollicitaties in de logistiek", "werkfit traject", "taalcursus"),
    "participatieafspraken": ("vrijwilligerswerk in de wijk", "dagbesteding"),
    "werkgever": ("Zorggroep Het Anker", "Kwekerij De Lier", "Bakkerij Van Dam"),
    "functie": ("medewerker logistiek", "helpende zorg", "productiemedewerker"),
    "arrangementAfspraken": ("loonkostensubsidie 6 maanden", "vakopleiding"),
    "klantmanager": ("klantmanager-1", "klantmanager-2", "klantmanager-3"),
    "uitzendbureau": ("Uitzendbureau Westland", "Werkstart"),
    "onderneming": ("eenmanszaak schilder", "webwinkel"),
    "doorverwezenNaar": ("Vluchtelingenwerk", "Juridisch Loket"),
    "terugmelding": ("traject afgerond", "klant werkfit"),
    "wisselReden": ("klant groeit door", "terugval door ziekte"),
    "gekozenAlternatief": ("extra sollicitatieplicht", "schriftelijke waarschuwing"),
}

#: text fields that name the dossier of a client the gemeente already pays (the kandidaat
#: an employer takes on): the seeder registers that client's lopende uitkering
CLIENT_DOSSIERS = frozenset({"kandidaat"})
#: a text field whose label asks for a month ("JJJJ-MM") gets the month of today
_MONTH = re.compile(r"\b(JJJJ-MM|YYYY-MM)\b")

#: date fields: days from today (appointments lie ahead; a start date may lie behind)
DAYS_AHEAD = (1, 21)


def valid_bsn(random_source: random.Random) -> str:
    """A nine-digit number that passes the elfproef (test data, not a real person)."""
    while True:
        digits = [random_source.randint(0, 9) for _ in range(8)]
        digits[0] = random_source.choice((1, 2, 6))
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)


def weighted(random_source: random.Random, weights: Weights, allowed: Iterable[Any]) -> Any:
    """A weighted choice among ``allowed`` (choices without weight get weight 1)."""
    options = list(allowed)
    return random_source.choices(options, [weights.get(o, 1.0) for o in options])[0]


class FormFiller:
    """Plausible values for every writable field of a task form.

    Args:
        today: the date that date fields are counted from (the seeder moves it along).
        seed: seed of the random choices.
    """

    def __init__(self, today: date, seed: int = DEMO_SEED) -> None:
        self.today = today
        self.random = random.Random(seed)  # noqa: S311 - demo data, not security
        self._dossiers = 0

    def values(self, form: Mapping[str, Any]) -> dict[str, Any]:
        """Values for the writable fields of ``form`` (the ``TaskView.form`` document)."""
        result: dict[str, Any] = {}
        for spec in form.get("fields") or []:
            if spec.get("readonly"):
                continue
            value = self.value(spec)
            if value is not None:
                result[str(spec["id"])] = value
        return result

    def value(self, spec: Mapping[str, Any]) -> Any:
        """A value for one field: from the domain tables, else from its type."""
        name = str(spec["id"])
        kind = spec.get("type")
        maker = _BY_TYPE.get(str(kind))
        return maker(self, name, spec) if maker else self._text(name, spec)

    def _enum(self, name: str, spec: Mapping[str, Any]) -> Any:
        options = [str(o[0]) for o in spec.get("enum_values") or []]
        if not options:
            return None
        return weighted(self.random, CHOICES.get(name, {}), options)

    def _boolean(self, name: str, spec: Mapping[str, Any]) -> Any:
        if name in CHOICES:
            return weighted(self.random, CHOICES[name], (True, False))
        default = spec.get("default")
        if default is not None:  # an unknown flag: mostly the diagram's default
            usual = str(default).lower() == "true"
            return usual if self.random.random() < 0.8 else not usual
        return self.random.random() < 0.5

    def _long(self, name: str, spec: Mapping[str, Any]) -> Any:
        low, high = NUMBERS.get(name, (1, 5))
        return self.random.randint(low, high)

    def _double(self, name: str, spec: Mapping[str, Any]) -> Any:
        low, high = NUMBERS.get(name, (1, 5))
        return round(self.random.uniform(low, high), 1)

    def _date(self, name: str, spec: Mapping[str, Any]) -> Any:
        return (self.today + timedelta(days=self.random.randint(*DAYS_AHEAD))).isoformat()

    def _text(self, name: str, spec: Mapping[str, Any]) -> Any:
        if name in TEXTS:
            return self.random.choice(TEXTS[name])
        if name in CLIENT_DOSSIERS:
            self._dossiers += 1
            return f"DEMO-K{self._dossiers:04d}"
        if _MONTH.search(str(spec.get("label") or "")):
            return self.today.strftime("%Y-%m")
        if spec.get("default"):
            return str(spec["default"])
        return "demo"


_BY_TYPE: dict[str, Callable[[FormFiller, str, Mapping[str, Any]], Any]] = {
    "enum": FormFiller._enum,
    "boolean": FormFiller._boolean,
    "long": FormFiller._long,
    "double": FormFiller._double,
    "date": FormFiller._date,
}

#: processes about an employer, not a client: they get no BSN
WITHOUT_CLIENT = frozenset({"werkgeversservicepunt"})

_CALLED = re.compile(r"""calledElement\s*=\s*["']([^"'$]+)["']""")


def called_processes(source: str) -> set[str]:
    """Keys of the processes a BPMN source calls (``calledElement`` of call activities)."""
    return {match.strip() for match in _CALLED.findall(source)}


def start_variables(process_key: str, random_source: random.Random) -> dict[str, Any]:
    """Variables a journey starts with: a test BSN for every client journey."""
    if process_key in WITHOUT_CLIENT:
        return {}
    return {"bsn": valid_bsn(random_source)}
