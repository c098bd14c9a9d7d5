"""The klantreis main process and its later phases: ondersteuning, voortgangsgesprek,
handhaving and nazorg (seed 001, sections 3.2, 3.3 and 4.1)."""

from __future__ import annotations

from processes.tools.bpmn_model import Proces, Veld
from processes.tools.klantreis_diagrams import KLANTGROEPEN, PARTNERS

RESULTAAT = [
    Veld(
        "ondersteuningUitkomst",
        "Uitkomst",
        "enum",
        required=True,
        waarden=(("geplaatst", "Geplaatst"), ("andere_groep", "Naar andere klantgroep")),
    ),
    Veld(
        "plaatsingsvorm",
        "Plaatsingsvorm",
        "enum",
        default="regulier",
        waarden=(
            ("regulier", "Regulier"),
            ("loonkostensubsidie", "Met loonkostensubsidie"),
            ("beschut_werk", "Beschut werk"),
        ),
    ),
    Veld("werkgever", "Werkgever (bij plaatsing)"),
    Veld("klantgroep", "Nieuwe klantgroep (bij wissel)", "enum", waarden=KLANTGROEPEN),
]


def klantreis() -> Proces:
    """The main process: a call activity per phase, uitkering and participatie in parallel."""
    p = Proces("klantreis", "Klantreis werk en inkomen")
    p.documentatie = "Deventer 'Inzet op maat' (2019), klantreis 4.1; bron: ../shared/seeds/001."
    for lane, naam in (
        ("baliemedewerker", "Baliemedewerker"),
        ("poortwachter", "Poortwachter (Inkomensondersteuning)"),
        ("intaker", "Intaker (DWT)"),
        ("consulent_io", "Consulent Inkomensondersteuning"),
        ("trainer", "Trainer"),
        ("werkcoach", "Werkcoach en participatiemakelaar"),
        ("handhaving", "Handhavingsspecialist"),
        ("jobcoach", "Jobcoach"),
        (PARTNERS, "Ketenpartners (systemen)"),
    ):
        p.lane(lane, naam)
    p.start("melding", "Klant meldt zich", "baliemedewerker")
    p.user(
        "melding_registreren",
        "Melding registreren",
        "baliemedewerker",
        velden=[
            Veld(
                "kanaal",
                "Kanaal",
                "enum",
                default="balie",
                waarden=(("balie", "Balie"), ("telefoon", "Telefoon"), ("website", "Website")),
            ),
            Veld("bestaandeKlant", "Bestaande klant (herbeoordeling)", "boolean", default="false"),
        ],
        outputs={"verzuimen": "${0}"},
    )
    p.extern("zaak_registreren", "Zaak registreren", PARTNERS, "gemeente.zaak-registreren")
    p.xor("bestaande_klant", "Bestaande klant?", "baliemedewerker")
    p.roep(
        "melding_en_poortwachter", "Melding en poortwachter", "poortwachter", "melding_poortwachter"
    )
    p.xor("poort_uitkomst", "Afgewezen aan de poort?", "poortwachter")
    p.extern(
        "afwijzing_resultaat",
        "Resultaat afwijzing vastleggen",
        PARTNERS,
        "gemeente.resultaat-zetten",
        inputs={"resultaat": "afgewezen", "resultaatToelichting": "Afgewezen aan de poort"},
    )
    p.end("reis_afgewezen", "Klantreis beëindigd (afgewezen)", "poortwachter")
    p.xor("naar_ambitiegesprek", "Naar ambitiegesprek", "intaker")
    p.roep("ambitiegesprek_voeren", "Ambitiegesprek", "intaker", "ambitiegesprek")
    p.extern(
        "zaakstatus_traject",
        "Zaakstatus: traject gestart",
        PARTNERS,
        "gemeente.zaakstatus-zetten",
        inputs={"mijlpaal": "ambitiegesprek", "statustoelichting": "Traject gestart"},
    )
    p.en("sporen_splitsen", "Uitkering en participatie parallel", "intaker")
    # uitkering track
    p.xor("uitkering_nodig", "Uitkering loopt al?", "consulent_io")
    p.roep("uitkering_afhandelen", "Afhandeling uitkering", "consulent_io", "afhandeling_uitkering")
    p.xor("uitkeringsspoor_klaar", "Uitkeringsspoor klaar", "consulent_io")
    # participation track
    p.wacht("twee_weken_later", "Ca. twee weken na het eerste gesprek", "trainer", duur="P14D")
    p.xor("naar_kickoff", "Naar kick-off", "trainer")
    p.user(
        "kickoff_bijeenkomst",
        "Kick-off bijeenkomst per klantgroep",
        "trainer",
        velden=[
            Veld("klantAanwezig", "Klant aanwezig", "boolean", default="true"),
            Veld(
                "planVanAanpakGestart", "Eigen plan van aanpak gestart", "boolean", default="true"
            ),
        ],
    )
    p.xor("kickoff_aanwezig", "Klant aanwezig?", "trainer")
    p.roep("verzuim_kickoff", "Handhaving bij verzuim", "handhaving", "handhaving")
    p.user("opnieuw_uitnodigen", "Opnieuw uitnodigen voor kick-off", "trainer")
    p.xor("groepsperiode", "Periode in klantgroep", "werkcoach")
    p.regel(
        "voortgangsfrequentie_bepalen",
        "Voortgangsfrequentie bepalen",
        "werkcoach",
        "voortgangsfrequentie",
    )
    p.roep("ondersteuning_in_groep", "Ondersteuning in klantgroep", "werkcoach", "ondersteuning")
    p.grens_timer(
        "elke_twee_jaar",
        "Elke twee jaar",
        "ondersteuning_in_groep",
        cyclus="R/P2Y",
        onderbrekend=False,
    )
    p.xor("onderzoek_nodig", "Rechtmatigheidsonderzoek voor deze groep?", "consulent_io")
    p.user(
        "rechtmatigheidsonderzoek",
        "Rechtmatigheidsonderzoek uitvoeren",
        "consulent_io",
        velden=[Veld("rechtmatig", "Uitkering rechtmatig", "boolean", default="true")],
    )
    p.end("onderzoek_afgerond", "Onderzoek afgerond", "consulent_io")
    p.end("geen_onderzoek", "Geen onderzoek nodig", "consulent_io")
    p.xor("groep_gewisseld", "Naar andere klantgroep?", "werkcoach")
    p.en("sporen_samen", "Beide sporen klaar", "werkcoach")
    # uitstroom and nazorg
    p.xor("uitkering_lopend", "Uitkering lopend?", "consulent_io")
    p.user("uitkering_beeindigen", "Uitkering beëindigen (uitstroom)", "consulent_io")
    # a besluit on the lopende uitkering: by aanvraagId (new client) or bsn (bestaande klant)
    p.extern(
        "beeindiging_vastleggen",
        "Beëindiging vastleggen",
        PARTNERS,
        "gemeente.besluit-vastleggen",
        inputs={"besluit": "beeindiging", "besluitReden": "Uitstroom naar werk"},
    )
    p.grens_fout(
        "geen_lopende_uitkering",
        "Geen lopende uitkering",
        "beeindiging_vastleggen",
        code="GEEN_TOEKENNING",
    )
    p.user(
        "uitkering_controleren",
        "Gegevens controleren: geen lopende uitkering",
        "consulent_io",
        velden=[Veld("controleBevinding", "Bevinding", required=True)],
    )
    p.xor("na_uitstroom", "Uitstroom verwerkt", "consulent_io")
    p.roep("nazorg_bieden", "Nazorg", "jobcoach", "nazorg")
    p.extern(
        "resultaat_zetten",
        "Resultaat klantreis vastleggen",
        PARTNERS,
        "gemeente.resultaat-zetten",
        inputs={"resultaat": "uitstroom_werk", "resultaatToelichting": "Klant uitgestroomd"},
    )
    p.end("uitgestroomd", "Klant uitgestroomd", "jobcoach")

    p.keten("melding", "melding_registreren", "zaak_registreren", "bestaande_klant")
    p.pijl("bestaande_klant", "naar_ambitiegesprek", "ja: herbeoordeling", "${bestaandeKlant}")
    p.pijl("bestaande_klant", "melding_en_poortwachter", "nee")
    p.standaard("bestaande_klant", "melding_en_poortwachter")
    p.keten("melding_en_poortwachter", "poort_uitkomst")
    p.pijl("poort_uitkomst", "afwijzing_resultaat", "ja", "${afwijzen}")
    p.pijl("poort_uitkomst", "naar_ambitiegesprek", "nee").standaard(
        "poort_uitkomst", "naar_ambitiegesprek"
    )
    p.keten("afwijzing_resultaat", "reis_afgewezen")
    p.keten("naar_ambitiegesprek", "ambitiegesprek_voeren", "zaakstatus_traject", "sporen_splitsen")
    p.pijl("sporen_splitsen", "uitkering_nodig")
    p.pijl("sporen_splitsen", "twee_weken_later")
    p.pijl("uitkering_nodig", "uitkeringsspoor_klaar", "ja", "${bestaandeKlant}")
    p.pijl("uitkering_nodig", "uitkering_afhandelen", "nee").standaard(
        "uitkering_nodig", "uitkering_afhandelen"
    )
    p.keten("uitkering_afhandelen", "uitkeringsspoor_klaar", "sporen_samen")
    p.keten("twee_weken_later", "naar_kickoff", "kickoff_bijeenkomst", "kickoff_aanwezig")
    p.pijl("kickoff_aanwezig", "verzuim_kickoff", "nee", "${!klantAanwezig}")
    p.pijl("kickoff_aanwezig", "groepsperiode", "ja").standaard("kickoff_aanwezig", "groepsperiode")
    p.keten("verzuim_kickoff", "opnieuw_uitnodigen", "naar_kickoff")
    p.keten(
        "groepsperiode", "voortgangsfrequentie_bepalen", "ondersteuning_in_groep", "groep_gewisseld"
    )
    p.keten("elke_twee_jaar", "onderzoek_nodig")
    p.pijl("onderzoek_nodig", "rechtmatigheidsonderzoek", "ja", "${rechtmatigheidsonderzoek}")
    p.pijl("onderzoek_nodig", "geen_onderzoek", "nee").standaard(
        "onderzoek_nodig", "geen_onderzoek"
    )
    p.keten("rechtmatigheidsonderzoek", "onderzoek_afgerond")
    p.pijl("groep_gewisseld", "groepsperiode", "ja", "${ondersteuningUitkomst == 'andere_groep'}")
    p.pijl("groep_gewisseld", "sporen_samen", "nee: geplaatst").standaard(
        "groep_gewisseld", "sporen_samen"
    )
    p.keten("sporen_samen", "uitkering_lopend")
    p.pijl(
        "uitkering_lopend",
        "uitkering_beeindigen",
        "ja",
        "${bestaandeKlant || uitkeringsbesluit == 'toegekend'}",
    )
    p.pijl("uitkering_lopend", "na_uitstroom", "nee").standaard("uitkering_lopend", "na_uitstroom")
    p.keten("uitkering_beeindigen", "beeindiging_vastleggen", "na_uitstroom")
    p.keten("geen_lopende_uitkering", "uitkering_controleren", "na_uitstroom")
    p.keten("na_uitstroom", "nazorg_bieden", "resultaat_zetten", "uitgestroomd")
    return p


def ondersteuning() -> Proces:
    """One period in a klantgroep: support per group, voortgangsgesprekken at its frequency,
    until placement or a move to another group."""
    p = Proces("ondersteuning", "Ondersteuning in klantgroep")
    p.lane("werkcoach", "Werkcoach (DWT)")
    p.lane("participatiemakelaar", "Participatiemakelaar (IO)")
    p.lane("consulent_io", "Consulent Inkomensondersteuning")
    p.start("periode_gestart", "Klant in klantgroep", "werkcoach")
    p.xor("welke_groep", "Welke klantgroep?", "werkcoach")
    p.user(
        "plan_van_aanpak",
        "Plan van aanpak met werkcoach",
        "werkcoach",
        velden=[Veld("planVanAanpak", "Afspraken plan van aanpak", required=True)],
    )
    p.xor("matchen_of_groeien", "Matchen of Groeien?", "werkcoach")
    p.user("matchen_bemiddelen", "Intensief bemiddelen naar werk", "werkcoach", velden=RESULTAAT)
    p.xor("ronde_groeien", "Ronde Groeien", "werkcoach")
    p.user("groeien_begeleiden", "Coachen en ontwikkelen naar werk", "werkcoach", velden=RESULTAAT)
    p.grens_timer(
        "groeien_voortgang",
        "Tijd voor voortgangsgesprek",
        "groeien_begeleiden",
        duur="${voortgangsinterval}",
    )
    p.user(
        "participatieplan",
        "Kennismaken en participatieplan",
        "participatiemakelaar",
        velden=[Veld("participatieafspraken", "Afspraken participatie", required=True)],
    )
    p.xor("ronde_faciliteren", "Ronde Faciliteren", "participatiemakelaar")
    p.user(
        "faciliteren_begeleiden",
        "Participatieplek zoeken en begeleiden",
        "participatiemakelaar",
        velden=RESULTAAT,
    )
    p.grens_timer(
        "faciliteren_voortgang",
        "Tijd voor voortgangsgesprek",
        "faciliteren_begeleiden",
        duur="${voortgangsinterval}",
    )
    p.xor("ronde_zorgen", "Ronde Zorgen", "consulent_io")
    p.user(
        "zorgen_ondersteunen",
        "Ondersteunen met wijkbijeenkomsten",
        "consulent_io",
        velden=RESULTAAT,
    )
    p.grens_timer(
        "zorgen_voortgang",
        "Tijd voor voortgangsgesprek",
        "zorgen_ondersteunen",
        duur="${voortgangsinterval}",
    )
    p.xor("naar_voortgangsgesprek", "Naar voortgangsgesprek", "consulent_io")
    p.roep("voortgangsgesprek_voeren", "Voortgangsgesprek", "consulent_io", "voortgangsgesprek")
    p.xor("na_voortgang", "Naar andere klantgroep?", "consulent_io")
    p.xor("terug_naar_groep", "Terug naar begeleiding in de groep", "consulent_io")
    p.end("wissel_na_voortgang", "Naar andere klantgroep", "consulent_io")
    p.xor("uitkomst", "Uitkomst begeleiding", "werkcoach")
    p.xor("geplaatst", "Geplaatst?", "werkcoach")
    p.end("klant_geplaatst", "Klant geplaatst", "werkcoach")
    p.end("wissel_door_begeleider", "Naar andere klantgroep", "werkcoach")

    p.keten("periode_gestart", "welke_groep")
    p.pijl(
        "welke_groep",
        "plan_van_aanpak",
        "Matchen of Groeien",
        "${klantgroep == 'Matchen' || klantgroep == 'Groeien'}",
    )
    p.pijl("welke_groep", "participatieplan", "Faciliteren", "${klantgroep == 'Faciliteren'}")
    p.pijl("welke_groep", "ronde_zorgen", "Zorgen").standaard("welke_groep", "ronde_zorgen")
    p.keten("plan_van_aanpak", "matchen_of_groeien")
    p.pijl("matchen_of_groeien", "matchen_bemiddelen", "Matchen", "${klantgroep == 'Matchen'}")
    p.pijl("matchen_of_groeien", "ronde_groeien", "Groeien").standaard(
        "matchen_of_groeien", "ronde_groeien"
    )
    p.keten("ronde_groeien", "groeien_begeleiden", "uitkomst")
    p.keten("participatieplan", "ronde_faciliteren", "faciliteren_begeleiden", "uitkomst")
    p.keten("ronde_zorgen", "zorgen_ondersteunen", "uitkomst")
    p.keten("matchen_bemiddelen", "uitkomst")
    for timer in ("groeien_voortgang", "faciliteren_voortgang", "zorgen_voortgang"):
        p.pijl(timer, "naar_voortgangsgesprek")
    p.keten("naar_voortgangsgesprek", "voortgangsgesprek_voeren", "na_voortgang")
    p.pijl(
        "na_voortgang", "wissel_na_voortgang", "ja", "${ondersteuningUitkomst == 'andere_groep'}"
    )
    p.pijl("na_voortgang", "terug_naar_groep", "nee").standaard("na_voortgang", "terug_naar_groep")
    p.pijl("terug_naar_groep", "ronde_groeien", "Groeien", "${klantgroep == 'Groeien'}")
    p.pijl("terug_naar_groep", "ronde_faciliteren", "Faciliteren", "${klantgroep == 'Faciliteren'}")
    p.pijl("terug_naar_groep", "ronde_zorgen", "Zorgen").standaard(
        "terug_naar_groep", "ronde_zorgen"
    )
    p.keten("uitkomst", "geplaatst")
    p.pijl("geplaatst", "klant_geplaatst", "ja", "${ondersteuningUitkomst == 'geplaatst'}")
    p.pijl("geplaatst", "wissel_door_begeleider", "nee").standaard(
        "geplaatst", "wissel_door_begeleider"
    )
    return p


def voortgangsgesprek() -> Proces:
    """Periodic talk: stress, lawfulness, still the right group; no-show goes to handhaving."""
    p = Proces("voortgangsgesprek", "Voortgangsgesprek")
    p.lane("consulent_io", "Consulent Inkomensondersteuning")
    p.lane("handhaving", "Handhavingsspecialist")
    p.start("gesprek_gepland", "Voortgangsgesprek gepland", "consulent_io")
    p.user(
        "voortgangsgesprek_voeren",
        "Voortgangsgesprek voeren",
        "consulent_io",
        velden=[
            Veld("klantAanwezig", "Klant aanwezig", "boolean", default="true"),
            Veld(
                "stress",
                "Stress",
                "enum",
                default="laag",
                waarden=(("laag", "Laag"), ("gemiddeld", "Gemiddeld"), ("hoog", "Hoog")),
            ),
            Veld("rechtmatigheidInOrde", "Rechtmatigheid in orde", "boolean", default="true"),
            Veld(
                "juisteKlantgroep", "Klant zit in de juiste klantgroep", "boolean", default="true"
            ),
        ],
        outputs={"ondersteuningUitkomst": "blijven"},
    )
    p.xor("aanwezig", "Klant aanwezig?", "consulent_io")
    p.roep("verzuim_voortgang", "Handhaving bij verzuim", "handhaving", "handhaving")
    p.end("verzuim_afgehandeld", "Verzuim afgehandeld", "handhaving")
    p.xor("juiste_groep", "Nog in de juiste klantgroep?", "consulent_io")
    p.user(
        "groepswissel_vastleggen",
        "Groepswissel vastleggen",
        "consulent_io",
        velden=[
            Veld("klantgroep", "Nieuwe klantgroep", "enum", required=True, waarden=KLANTGROEPEN),
            Veld("wisselReden", "Reden (doorgroeien of terugvallen)", required=True),
        ],
        outputs={"ondersteuningUitkomst": "andere_groep"},
    )
    p.end("andere_groep", "Naar andere klantgroep", "consulent_io")
    p.end("blijft_in_groep", "Blijft in klantgroep", "consulent_io")
    p.keten("gesprek_gepland", "voortgangsgesprek_voeren", "aanwezig")
    p.pijl("aanwezig", "verzuim_voortgang", "nee", "${!klantAanwezig}")
    p.pijl("aanwezig", "juiste_groep", "ja").standaard("aanwezig", "juiste_groep")
    p.keten("verzuim_voortgang", "verzuim_afgehandeld")
    p.pijl("juiste_groep", "groepswissel_vastleggen", "nee", "${!juisteKlantgroep}")
    p.pijl("juiste_groep", "blijft_in_groep", "ja").standaard("juiste_groep", "blijft_in_groep")
    p.keten("groepswissel_vastleggen", "andere_groep")
    return p


def handhaving() -> Proces:
    """Afspraak is afspraak: first no-show a summons without sanction; a repeated one a
    measure weighed by the omgekeerde toets (an alternative sanction where that serves the
    law's intent better)."""
    p = Proces("handhaving", "Handhaving bij verzuim")
    p.lane("handhaving", "Handhavingsspecialist (IO)")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start("afspraak_gemist", "Afspraak gemist", "handhaving")
    p.user(
        "verzuim_vastleggen",
        "Verzuim vastleggen",
        "handhaving",
        velden=[Veld("verzuimReden", "Reden volgens de klant")],
        outputs={"verzuimen": "${verzuimen + 1}"},
    )
    p.xor("eerste_verzuim", "Eerste keer verzuimd?", "handhaving")
    p.user("oproep_zonder_sanctie", "Oproep zonder sanctie versturen", "handhaving")
    p.end("opgeroepen", "Opgeroepen zonder sanctie", "handhaving")
    p.user(
        "omgekeerde_toets",
        "Omgekeerde toets: gevolgen van een maatregel wegen",
        "handhaving",
        velden=[
            Veld(
                "gevolgenMaatregel",
                "Gevolgen van een maatregel",
                "enum",
                required=True,
                waarden=(
                    ("geen", "Geen bijzondere gevolgen"),
                    ("huisuitzetting", "Dreigende huisuitzetting"),
                    ("kinderen", "Kinderen de dupe"),
                    ("schulden", "Schulden"),
                ),
            ),
            Veld(
                "alternatieveSanctie",
                "Alternatieve sanctie dient de wet beter",
                "boolean",
                default="false",
            ),
        ],
    )
    p.xor("alternatief_passend", "Alternatieve sanctie passender?", "handhaving")
    p.user(
        "alternatieve_sanctie_vastleggen",
        "Alternatieve sanctie vastleggen",
        "handhaving",
        velden=[Veld("gekozenAlternatief", "Gekozen alternatieve sanctie", required=True)],
    )
    p.user(
        "maatregel_opleggen",
        "Maatregel opleggen",
        "handhaving",
        velden=[Veld("verlagingProcent", "Verlaging (procent)", "long", required=True)],
    )
    p.xor("sanctie_gekozen", "Sanctie gekozen", "handhaving")
    # a besluit on the client's lopende uitkering, found by bsn (verlagingProcent if any)
    p.extern(
        "maatregel_vastleggen",
        "Besluit maatregel vastleggen",
        PARTNERS,
        "gemeente.besluit-vastleggen",
        inputs={
            "besluit": "maatregel",
            "besluitReden": "${alternatieveSanctie ? gekozenAlternatief : 'Herhaald verzuim'}",
        },
    )
    p.grens_fout(
        "maatregel_geweigerd",
        "Geen lopende uitkering",
        "maatregel_vastleggen",
        code="GEEN_TOEKENNING",
    )
    p.user(
        "maatregel_controleren",
        "Gegevens controleren: maatregel zonder lopende uitkering",
        "handhaving",
        velden=[Veld("controleBevinding", "Bevinding", required=True)],
    )
    p.end("maatregel_genomen", "Maatregel genomen", "handhaving")
    p.end("maatregel_vervallen", "Maatregel niet opgelegd", "handhaving")
    p.keten("afspraak_gemist", "verzuim_vastleggen", "eerste_verzuim")
    p.pijl("eerste_verzuim", "oproep_zonder_sanctie", "ja", "${verzuimen == 1}")
    p.pijl("eerste_verzuim", "omgekeerde_toets", "nee").standaard(
        "eerste_verzuim", "omgekeerde_toets"
    )
    p.keten("oproep_zonder_sanctie", "opgeroepen")
    p.keten("omgekeerde_toets", "alternatief_passend")
    p.pijl("alternatief_passend", "alternatieve_sanctie_vastleggen", "ja", "${alternatieveSanctie}")
    p.pijl("alternatief_passend", "maatregel_opleggen", "nee")
    p.standaard("alternatief_passend", "maatregel_opleggen")
    p.keten("alternatieve_sanctie_vastleggen", "sanctie_gekozen")
    p.keten("maatregel_opleggen", "sanctie_gekozen", "maatregel_vastleggen", "maatregel_genomen")
    p.keten("maatregel_geweigerd", "maatregel_controleren", "maatregel_vervallen")
    return p


def nazorg() -> Proces:
    """After placement: jobcoaching for loonkostensubsidie or beschut werk, else a check-in."""
    p = Proces("nazorg", "Nazorg na plaatsing")
    p.lane("werkcoach", "Werkcoach (DWT)")
    p.lane("jobcoach", "Jobcoach")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start("na_plaatsing", "Klant geplaatst", "werkcoach")
    p.xor("jobcoaching_nodig", "Loonkostensubsidie of beschut werk?", "werkcoach")
    p.xor("beschut", "Beschut werk?", "jobcoach")
    p.extern(
        "detachering_aanbieden",
        "Detachering aanbieden (SW-bedrijf)",
        PARTNERS,
        "sw-bedrijf.detachering-aanbieden",
    )
    p.xor("plek_geregeld", "Plek geregeld", "jobcoach")
    p.user(
        "jobcoaching_inzetten",
        "Jobcoaching inzetten",
        "jobcoach",
        velden=[Veld("jobcoachUren", "Uren jobcoaching per week", "long", default="4")],
    )
    p.wacht("drie_maanden_later", "Drie maanden later", "jobcoach", duur="P3M")
    p.user("nazorg_evalueren", "Nazorg evalueren", "jobcoach")
    p.end("jobcoaching_afgerond", "Jobcoaching afgerond", "jobcoach")
    p.user("nazorggesprek", "Nazorggesprek na plaatsing", "werkcoach")
    p.end("nazorg_afgerond", "Nazorg afgerond", "werkcoach")
    p.keten("na_plaatsing", "jobcoaching_nodig")
    p.pijl(
        "jobcoaching_nodig",
        "beschut",
        "ja",
        "${plaatsingsvorm == 'loonkostensubsidie' || plaatsingsvorm == 'beschut_werk'}",
    )
    p.pijl("jobcoaching_nodig", "nazorggesprek", "nee").standaard(
        "jobcoaching_nodig", "nazorggesprek"
    )
    p.pijl("beschut", "detachering_aanbieden", "ja", "${plaatsingsvorm == 'beschut_werk'}")
    p.pijl("beschut", "plek_geregeld", "nee").standaard("beschut", "plek_geregeld")
    p.keten("detachering_aanbieden", "plek_geregeld", "jobcoaching_inzetten", "drie_maanden_later")
    p.keten("drie_maanden_later", "nazorg_evalueren", "jobcoaching_afgerond")
    p.keten("nazorggesprek", "nazorg_afgerond")
    return p
