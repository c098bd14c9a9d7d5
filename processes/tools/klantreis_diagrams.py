"""The klantreis (seed 001, Deventer "Inzet op maat", section 4.1) as generated diagrams.

One main process ``klantreis`` with a call activity per phase. Variables that cross the
parallel join of the uitkering track and the participation track are set in one branch
only (``uitkeringsbesluit`` in the uitkering track): SpiffWorkflow's join copies whole
branch data, so a variable both branches carry would be overwritten by the later one.
"""

from __future__ import annotations

from processes.tools.bpmn_model import Proces, Veld

#: the benefits administration knows two besluiten; "buiten behandeling" is recorded as an
#: afwijzing with that reason
BESLUIT_INPUTS = {
    "besluit": "${uitkeringsbesluit == 'toegekend' ? 'toekenning' : 'afwijzing'}",
    "besluitReden": "${uitkeringsbesluit}",
}

KLANTGROEPEN = (
    ("Matchen", "Matchen"),
    ("Groeien", "Groeien"),
    ("Faciliteren", "Faciliteren"),
    ("Zorgen", "Zorgen"),
)
PARTNERS = "ketenpartners"


def melding_poortwachter() -> Proces:
    """Fase 1: eerste uitvraag, acute nood, doorverwijzing, afwijzing of afspraak."""
    p = Proces("melding_poortwachter", "Melding en poortwachter")
    p.lane("poortwachter", "Poortwachter (Inkomensondersteuning)")
    p.lane("baliemedewerker", "Baliemedewerker")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start("uitvraag_gestart", "Klant bij poortwachter", "poortwachter")
    p.user(
        "eerste_uitvraag",
        "Eerste uitvraag met checklist",
        "poortwachter",
        velden=[
            Veld("broodnood", "Broodnood", "boolean", default="false"),
            Veld("dreigendeHuisuitzetting", "Dreigende huisuitzetting", "boolean", default="false"),
            Veld(
                "rechtmatigheid",
                "Grove inschatting rechtmatigheid",
                "enum",
                default="waarschijnlijk",
                waarden=(
                    ("waarschijnlijk", "Waarschijnlijk recht"),
                    ("twijfel", "Twijfel"),
                    ("onwaarschijnlijk", "Waarschijnlijk geen recht"),
                ),
            ),
            Veld("doorverwijzen", "Doorverwijzen naar netwerkpartners", "boolean", default="false"),
            Veld("afwijzen", "Directe reden voor afwijzing", "boolean", default="false"),
        ],
    )
    p.xor("acute_nood", "Broodnood of dreigende huisuitzetting?", "poortwachter")
    p.user(
        "voorschot_toekennen",
        "Voorschot toekennen",
        "poortwachter",
        velden=[Veld("voorschotBedrag", "Bedrag voorschot (euro)", "long", required=True)],
    )
    p.extern("voorschot_betalen", "Voorschot betalen", PARTNERS, "gemeente.voorschot-betalen")
    p.xor("na_acute_nood", "Acute nood afgehandeld", "poortwachter")
    p.xor("doorverwijzing_nodig", "Doorverwijzen?", "poortwachter")
    p.user(
        "doorverwijzen_netwerkpartners",
        "Doorverwijzen naar netwerkpartners",
        "poortwachter",
        velden=[
            Veld(
                "netwerkpartner",
                "Netwerkpartner",
                "enum",
                required=True,
                waarden=(
                    ("schuldhulpverlening", "Schuldhulpverlening"),
                    ("sociaal_team", "Sociaal team / Wmo"),
                    ("anders", "Andere partner"),
                ),
            )
        ],
    )
    p.xor("na_doorverwijzing", "Doorverwijzing afgehandeld", "poortwachter")
    p.xor("reden_voor_afwijzing", "Directe reden voor afwijzing?", "poortwachter")
    p.user(
        "afwijzing_vastleggen",
        "Afwijzing met reden vastleggen",
        "poortwachter",
        velden=[Veld("afwijsreden", "Reden van afwijzing", required=True)],
    )
    p.end("afgewezen", "Afgewezen aan de poort", "poortwachter")
    p.user(
        "afspraak_ambitiegesprek_maken",
        "Afspraak ambitiegesprek maken",
        "baliemedewerker",
        velden=[Veld("afspraakAmbitiegesprek", "Datum ambitiegesprek", "date")],
    )
    p.end("afspraak_gemaakt", "Afspraak ambitiegesprek gemaakt", "baliemedewerker")

    p.keten("uitvraag_gestart", "eerste_uitvraag", "acute_nood")
    p.pijl("acute_nood", "voorschot_toekennen", "ja", "${broodnood || dreigendeHuisuitzetting}")
    p.pijl("acute_nood", "na_acute_nood", "nee").standaard("acute_nood", "na_acute_nood")
    p.keten("voorschot_toekennen", "voorschot_betalen", "na_acute_nood", "doorverwijzing_nodig")
    p.pijl("doorverwijzing_nodig", "doorverwijzen_netwerkpartners", "ja", "${doorverwijzen}")
    p.pijl("doorverwijzing_nodig", "na_doorverwijzing", "nee")
    p.standaard("doorverwijzing_nodig", "na_doorverwijzing")
    p.keten("doorverwijzen_netwerkpartners", "na_doorverwijzing", "reden_voor_afwijzing")
    p.pijl("reden_voor_afwijzing", "afwijzing_vastleggen", "ja", "${afwijzen}")
    p.pijl("reden_voor_afwijzing", "afspraak_ambitiegesprek_maken", "nee")
    p.standaard("reden_voor_afwijzing", "afspraak_ambitiegesprek_maken")
    p.keten("afwijzing_vastleggen", "afgewezen")
    p.keten("afspraak_ambitiegesprek_maken", "afspraak_gemaakt")
    return p


def ambitiegesprek() -> Proces:
    """Fase 2: leefgebieden, diagnose, klantgroep (advies en eigen keuze), rechten en plichten."""
    p = Proces("ambitiegesprek", "Ambitiegesprek")
    p.lane("intaker", "Intaker (DWT)")
    p.lane("consulent_io", "Consulent Inkomensondersteuning")
    p.start("gesprek_gestart", "Ambitiegesprek gepland", "intaker")
    p.xor("soort_gesprek", "Bestaande klant?", "intaker")
    p.user(
        "driegesprek_voorbereiden",
        "Driegesprek herbeoordeling voorbereiden",
        "consulent_io",
        velden=[Veld("dossierOverdracht", "Bijzonderheden uit het uitkeringsdossier")],
    )
    p.xor("gesprek_voorbereid", "Gesprek voorbereid", "intaker")
    p.user(
        "leefgebieden_bespreken",
        "Leefgebieden bespreken en diagnose",
        "intaker",
        velden=[
            Veld("maandenInUitkering", "Maanden in uitkering", "long", default="0"),
            Veld(
                "afstandTotArbeidsmarkt",
                "Afstand tot arbeidsmarkt (diagnose)",
                "enum",
                required=True,
                waarden=(
                    ("klein", "Klein"),
                    ("middel", "Middel"),
                    ("groot", "Groot"),
                    ("zeer groot", "Zeer groot"),
                ),
            ),
            Veld("arbeidsvermogen", "Arbeidsvermogen", "boolean", default="true"),
        ],
    )
    p.regel_naar(
        "klantgroep_adviseren",
        "Klantgroep adviseren",
        "intaker",
        "klantgroep_advies",
        "geadviseerdeKlantgroep",
    )
    p.user(
        "klantgroep_kiezen",
        "Klantgroep kiezen met de klant",
        "intaker",
        velden=[
            Veld("klantgroep", "Gekozen klantgroep", "enum", required=True, waarden=KLANTGROEPEN)
        ],
    )
    p.xor("keuze_wijkt_af", "Keuze wijkt af van advies?", "intaker")
    p.user(
        "afwijkende_keuze_vastleggen",
        "Reden afwijkende keuze vastleggen",
        "intaker",
        velden=[Veld("keuzeReden", "Reden van de eigen keuze", required=True)],
    )
    p.xor("keuze_vastgelegd", "Keuze vastgelegd", "intaker")
    p.user(
        "rechten_en_plichten",
        "Rechten en plichten bespreken",
        "intaker",
        velden=[
            Veld(
                "afsprakenVastgelegd",
                "Afspraak is afspraak: commitment vastgelegd",
                "boolean",
                default="true",
            )
        ],
    )
    p.user(
        "uitnodigen_kickoff",
        "Uitnodigen voor kick-off",
        "intaker",
        velden=[Veld("kickoffDatum", "Datum kick-off", "date")],
    )
    p.end("gesprek_afgerond", "Ambitiegesprek afgerond", "intaker")

    p.keten("gesprek_gestart", "soort_gesprek")
    p.pijl("soort_gesprek", "driegesprek_voorbereiden", "herbeoordeling", "${bestaandeKlant}")
    p.pijl("soort_gesprek", "gesprek_voorbereid", "nieuwe klant")
    p.standaard("soort_gesprek", "gesprek_voorbereid")
    p.keten("driegesprek_voorbereiden", "gesprek_voorbereid", "leefgebieden_bespreken")
    p.keten("leefgebieden_bespreken", "klantgroep_adviseren", "klantgroep_kiezen", "keuze_wijkt_af")
    p.pijl(
        "keuze_wijkt_af",
        "afwijkende_keuze_vastleggen",
        "ja",
        "${klantgroep != geadviseerdeKlantgroep}",
    )
    p.pijl("keuze_wijkt_af", "keuze_vastgelegd", "nee").standaard(
        "keuze_wijkt_af", "keuze_vastgelegd"
    )
    p.keten("afwijkende_keuze_vastleggen", "keuze_vastgelegd", "rechten_en_plichten")
    p.keten("rechten_en_plichten", "uitnodigen_kickoff", "gesprek_afgerond")
    return p


def afhandeling_uitkering() -> Proces:
    """Fase 3: ca. een week na het eerste gesprek; stukken, hersteltermijn, besluit, betaling."""
    p = Proces("afhandeling_uitkering", "Afhandeling uitkering")
    p.lane("consulent_io", "Consulent Inkomensondersteuning")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start("afhandeling_gestart", "Eerste gesprek gevoerd", "consulent_io")
    p.wacht("week_later", "Ca. een week later", "consulent_io", duur="P7D")
    p.extern(
        "werkzoekende_registreren",
        "Inschrijven als werkzoekende (UWV)",
        PARTNERS,
        "uwv.werkzoekende-registreren",
    )
    p.extern(
        "ww_gegevens_opvragen", "WW-gegevens opvragen (UWV)", PARTNERS, "uwv.ww-uitkering-opvragen"
    )
    # UWV does not know the person: the consulent checks identity and BSN with the client
    p.grens_fout(
        "uwv_kent_klant_niet",
        "UWV kent de klant niet",
        "werkzoekende_registreren",
        code="PERSOON_ONBEKEND",
    )
    p.grens_fout(
        "ww_persoon_onbekend",
        "UWV kent de klant niet",
        "ww_gegevens_opvragen",
        code="PERSOON_ONBEKEND",
    )
    p.xor("uwv_weigert", "UWV kent de klant niet", "consulent_io")
    p.user(
        "gegevens_controleren",
        "Gegevens controleren: UWV kent de klant niet",
        "consulent_io",
        velden=[
            Veld("controleBevinding", "Bevinding (identiteit, BSN, inschrijving)", required=True)
        ],
    )
    p.xor("uwv_afgehandeld", "UWV-gegevens afgehandeld", "consulent_io")
    p.extern(
        "aanvraag_registreren",
        "Aanvraag uitkering registreren",
        PARTNERS,
        "gemeente.uitkering-aanvragen",
    )
    p.xor("stukken_binnen", "Stukken binnen", "consulent_io")
    p.user(
        "stukken_beoordelen",
        "Gesprek consulent: stukken beoordelen",
        "consulent_io",
        velden=[Veld("stukkenCompleet", "Stukken compleet", "boolean", default="true")],
    )
    p.xor("stukken_compleet", "Stukken compleet?", "consulent_io")
    p.user(
        "hersteltermijn_geven",
        "Hersteltermijn geven",
        "consulent_io",
        velden=[Veld("ontbrekendeStukken", "Ontbrekende stukken", required=True)],
    )
    p.event_gateway("wachten_op_stukken", "Wachten op stukken", "consulent_io")
    p.ontvang(
        "stukken_aangeleverd", "Stukken aangeleverd", "consulent_io", bericht="stukken-aangeleverd"
    )
    p.wacht("hersteltermijn_verstreken", "Hersteltermijn verstreken", "consulent_io", duur="P14D")
    p.user(
        "buiten_behandeling_stellen",
        "Aanvraag buiten behandeling stellen",
        "consulent_io",
        outputs={"uitkeringsbesluit": "buiten_behandeling"},
    )
    p.user(
        "besluit_nemen",
        "Besluit op de aanvraag",
        "consulent_io",
        velden=[
            Veld(
                "uitkeringsbesluit",
                "Besluit",
                "enum",
                required=True,
                waarden=(("toegekend", "Toegekend"), ("afgewezen", "Afgewezen")),
            ),
            Veld("bedragPerMaand", "Bedrag per maand in euro (bij toekenning)", "long"),
            Veld("betalingPeriode", "Eerste betaalperiode JJJJ-MM (bij toekenning)"),
        ],
    )
    p.xor("besluit_genomen", "Besluit genomen", "consulent_io")
    p.extern(
        "besluit_vastleggen",
        "Besluit vastleggen",
        PARTNERS,
        "gemeente.besluit-vastleggen",
        inputs=BESLUIT_INPUTS,
    )
    p.xor("toegekend", "Uitkering toegekend?", "consulent_io")
    p.extern(
        "betaling_opdragen",
        "Betaling opdragen",
        PARTNERS,
        "gemeente.betaling-opdragen",
        inputs={"betalingBedrag": "${bedragPerMaand}"},
    )
    p.grens_fout(
        "betaling_geweigerd", "Geen toekenning bekend", "betaling_opdragen", code="GEEN_TOEKENNING"
    )
    p.user(
        "betaling_controleren",
        "Gegevens controleren: betaling geweigerd",
        "consulent_io",
        velden=[Veld("controleBevinding", "Bevinding", required=True)],
    )
    p.end("betaling_uitgezocht", "Betaling uitgezocht", "consulent_io")
    p.end("uitkering_loopt", "Uitkering loopt", "consulent_io")
    p.end("geen_uitkering", "Geen uitkering", "consulent_io")

    p.keten("afhandeling_gestart", "week_later", "werkzoekende_registreren", "ww_gegevens_opvragen")
    p.keten("ww_gegevens_opvragen", "uwv_afgehandeld", "aanvraag_registreren", "stukken_binnen")
    p.keten("stukken_binnen", "stukken_beoordelen")
    p.pijl("uwv_kent_klant_niet", "uwv_weigert")
    p.pijl("ww_persoon_onbekend", "uwv_weigert")
    p.keten("uwv_weigert", "gegevens_controleren", "uwv_afgehandeld")
    p.keten("stukken_beoordelen", "stukken_compleet")
    p.pijl("stukken_compleet", "besluit_nemen", "ja", "${stukkenCompleet}")
    p.pijl("stukken_compleet", "hersteltermijn_geven", "nee")
    p.standaard("stukken_compleet", "hersteltermijn_geven")
    p.keten("hersteltermijn_geven", "wachten_op_stukken")
    p.pijl("wachten_op_stukken", "stukken_aangeleverd")
    p.pijl("wachten_op_stukken", "hersteltermijn_verstreken")
    p.pijl("stukken_aangeleverd", "stukken_binnen")
    p.keten("hersteltermijn_verstreken", "buiten_behandeling_stellen", "besluit_genomen")
    p.keten("besluit_nemen", "besluit_genomen", "besluit_vastleggen", "toegekend")
    p.pijl("toegekend", "betaling_opdragen", "ja", "${uitkeringsbesluit == 'toegekend'}")
    p.pijl("toegekend", "geen_uitkering", "nee").standaard("toegekend", "geen_uitkering")
    p.keten("betaling_opdragen", "uitkering_loopt")
    p.keten("betaling_geweigerd", "betaling_controleren", "betaling_uitgezocht")
    return p
