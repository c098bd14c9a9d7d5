"""Werkgeversservicepunt (seed 004, Werkplein Westland, 4.2.2): vacaturevulling.

The employer's branche decides the matchmaker (decision table ``matchmaker_sector``; its
output is the candidate group of the matchmaker's tasks, so a process owner reassigns a
branche in the table, not in the diagram).
"""

from __future__ import annotations

from processes.tools.bpmn_model import Proces, Veld
from processes.tools.klantreis_diagrams import PARTNERS

SECTOREN = (
    ("zorg", "Zorg"),
    ("welzijn", "Welzijn"),
    ("tuinbouw", "Tuinbouw"),
    ("logistiek", "Logistiek"),
    ("mkb", "MKB"),
    ("detailhandel", "Detailhandel"),
    ("horeca", "Horeca"),
    ("bouw", "Bouw"),
    ("overig", "Overig"),
)
ARRANGEMENTEN = (
    ("geen", "Geen"),
    ("loonkostensubsidie", "Loonkostensubsidie"),
    ("scholing", "Scholing"),
    ("loonkostensubsidie_en_scholing", "Loonkostensubsidie en scholing"),
)
#: the matchmaker of the employer's branche, chosen by matchmaker_sector.dmn
MATCHMAKER = "${matchmaker}"


def werkgeversservicepunt() -> Proces:
    """Employer aanmelding, matchmaker per branche, signed vacancy profile, candidates from
    the klantmanagers (with arrangements), placement and the call two weeks later."""
    p = Proces("werkgeversservicepunt", "Werkgeversservicepunt: vacaturevulling")
    p.documentatie = (
        "Businessplan Werkplein Westland (2009), 4.2.2 Klantproces Werkgeversservicepunt; "
        "bron: ../shared/seeds/004."
    )
    p.lane("baliemedewerker", "Baliemedewerker (front office)")
    p.lane("matchmaker", "Matchmaker van de branche")
    p.lane("klantmanager", "Klantmanager")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start(
        "werkgever_meldt_zich",
        "Werkgever meldt zich (balie, telefoon of e-mail)",
        "baliemedewerker",
    )
    p.user(
        "werkgever_registreren",
        "Werkgever registreren",
        "baliemedewerker",
        velden=[
            Veld("werkgever", "Werkgever", required=True),
            Veld("sector", "Branche", "enum", required=True, waarden=SECTOREN),
        ],
    )
    p.regel(
        "matchmaker_bepalen",
        "Matchmaker bij de branche bepalen",
        "baliemedewerker",
        "matchmaker_sector",
    )
    p.user(
        "vacatureprofiel_opstellen",
        "Intake: vacatureprofiel opstellen met de werkgever",
        "matchmaker",
        groep=MATCHMAKER,
        velden=[
            Veld("functie", "Functie", required=True),
            Veld("aantalPlaatsen", "Aantal plaatsen", "long", default="1"),
            Veld(
                "zoekopdracht",
                "Zoekopdracht voor de matchmaker (anders zoekt de werkgever zelf via werk.nl)",
                "boolean",
                default="true",
            ),
        ],
    )
    p.ontvang(
        "profiel_ondertekend",
        "Afspraken ondertekend door de werkgever",
        "matchmaker",
        bericht="vacatureprofiel-ondertekend",
    )
    p.xor("zoekopdracht_gegeven", "Zoekopdracht?", "matchmaker")
    p.end("werkgever_zoekt_zelf", "Werkgever zoekt zelf via werk.nl", "matchmaker")
    p.xor("profiel_aanbieden", "Profiel aangeboden aan de klantmanagers", "klantmanager")
    p.user(
        "kandidaat_voordragen",
        "Kandidaat voordragen op het profiel",
        "klantmanager",
        velden=[
            Veld("kandidaat", "Dossier van de kandidaat", required=True),
            Veld("arrangement", "Arrangement", "enum", default="geen", waarden=ARRANGEMENTEN),
        ],
    )
    p.user(
        "kandidaat_voorstellen",
        "Kandidaat voorstellen aan de werkgever",
        "matchmaker",
        groep=MATCHMAKER,
        velden=[
            Veld("werkgeverAkkoord", "Werkgever neemt de kandidaat aan", "boolean", default="true")
        ],
    )
    p.xor("akkoord", "Werkgever akkoord?", "matchmaker")
    p.xor("arrangement_nodig", "Arrangement nodig?", "klantmanager")
    p.user(
        "arrangement_regelen",
        "Loonkostensubsidie of scholing regelen",
        "klantmanager",
        velden=[Veld("arrangementAfspraken", "Afspraken over het arrangement", required=True)],
    )
    # a besluit on the kandidaat's lopende uitkering, found by the kandidaat's dossier
    p.extern(
        "arrangement_vastleggen",
        "Besluit arrangement vastleggen",
        PARTNERS,
        "gemeente.besluit-vastleggen",
        inputs={
            "besluit": "arrangement",
            "besluitReden": "${arrangement}: ${arrangementAfspraken}",
            "klantDossier": "${kandidaat}",
        },
    )
    p.xor("arrangement_geregeld", "Arrangement geregeld", "klantmanager")
    p.user(
        "plaatsing_vastleggen",
        "Plaatsing en arbeidsovereenkomst vastleggen",
        "matchmaker",
        groep=MATCHMAKER,
        velden=[Veld("startdatum", "Startdatum", "date", required=True)],
    )
    p.wacht("twee_weken_na_plaatsing", "Twee weken na plaatsing", "matchmaker", duur="P14D")
    p.user(
        "werkgever_bellen",
        "Werkgever bellen over de plaatsing",
        "matchmaker",
        groep=MATCHMAKER,
        velden=[
            Veld(
                "werkgeverTevreden",
                "Werkgever tevreden over de plaatsing",
                "boolean",
                default="true",
            ),
            Veld("andereVragen", "Andere vragen van de werkgever"),
        ],
    )
    p.end("bemiddeling_afgerond", "Bemiddeling afgerond", "matchmaker")

    p.keten("werkgever_meldt_zich", "werkgever_registreren", "matchmaker_bepalen")
    p.keten("matchmaker_bepalen", "vacatureprofiel_opstellen", "profiel_ondertekend")
    p.keten("profiel_ondertekend", "zoekopdracht_gegeven")
    p.pijl("zoekopdracht_gegeven", "profiel_aanbieden", "ja", "${zoekopdracht}")
    p.pijl("zoekopdracht_gegeven", "werkgever_zoekt_zelf", "nee").standaard(
        "zoekopdracht_gegeven", "werkgever_zoekt_zelf"
    )
    p.keten("profiel_aanbieden", "kandidaat_voordragen", "kandidaat_voorstellen", "akkoord")
    p.pijl("akkoord", "arrangement_nodig", "ja", "${werkgeverAkkoord}")
    p.pijl("akkoord", "profiel_aanbieden", "nee: andere kandidaat").standaard(
        "akkoord", "profiel_aanbieden"
    )
    p.pijl("arrangement_nodig", "arrangement_regelen", "ja", "${arrangement != 'geen'}")
    p.pijl("arrangement_nodig", "arrangement_geregeld", "nee").standaard(
        "arrangement_nodig", "arrangement_geregeld"
    )
    p.keten("arrangement_regelen", "arrangement_vastleggen", "arrangement_geregeld")
    p.keten("arrangement_geregeld", "plaatsing_vastleggen", "twee_weken_na_plaatsing")
    p.keten("twee_weken_na_plaatsing", "werkgever_bellen", "bemiddeling_afgerond")
    return p
