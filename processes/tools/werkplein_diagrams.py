"""The Werkplein client process (seed 004, Werkplein Westland, sections 2.6 and 4.2.1).

``werkplein_aanmelding`` is the main process: one aanmelding whatever the channel, routed by
the decision table ``aanmelding_routering``; clients with a work, income, inburgering or
participation question go to the intake (``werkplein_intake``, the wisselwachter) and the
diagnose and begeleiding (``werkplein_diagnose``, the klantmanager), which ends in one of
three handovers: the matchmakers, the income consultants or the SW-bedrijf back office.
"""

from __future__ import annotations

from processes.tools.bpmn_model import Proces, Veld
from processes.tools.klantreis_diagrams import PARTNERS

BRON = "Businessplan Werkplein Westland (2009), 2.6 en 4.2.1; bron: ../shared/seeds/004."

#: the client's question at the aanmelding (input of aanmelding_routering.dmn)
VRAGEN = (
    ("werk", "Werk"),
    ("inkomen", "Inkomen"),
    ("inburgering", "Inburgering"),
    ("participatie", "Participatie"),
    ("schulden", "Alleen schulden"),
    ("anders", "Iets anders"),
)
DOCUMENTENLIJST = (
    "Identiteitsbewijs, loonstroken en bankafschriften van drie maanden, "
    "overzicht van schulden en aanmaningen"
)


def werkplein_aanmelding() -> Proces:
    """Aanmelding and routing; intake, diagnose and the handovers that end the journey."""
    p = Proces("werkplein_aanmelding", "Werkplein: aanmelding en klantproces")
    p.documentatie = BRON
    for lane, naam in (
        ("baliemedewerker", "Baliemedewerker (front office)"),
        ("wisselwachter", "Wisselwachter (intake klantmanager)"),
        ("klantmanager", "Klantmanager"),
        ("matchmaker", "Matchmaker (werkgeversservicepunt)"),
        ("inkomensconsulent", "Inkomensconsulent"),
        ("sw_backoffice", "Back office SW-bedrijf"),
        ("bbz_consulent", "Inkomensconsulent Bbz"),
        ("schuldhulpverlener", "Schuldhulpverlener (back office)"),
        (PARTNERS, "Ketenpartners (systemen)"),
    ):
        p.lane(lane, naam)
    p.start("aanmelding", "Klant meldt zich (balie, telefoon of e-mail)", "baliemedewerker")
    p.user(
        "aanmelding_registreren",
        "Aanmelding registreren",
        "baliemedewerker",
        velden=[
            Veld(
                "kanaal",
                "Kanaal",
                "enum",
                default="balie",
                waarden=(("balie", "Balie"), ("telefoon", "Telefoon"), ("email", "E-mail")),
            ),
            Veld("vraag", "Vraag van de klant", "enum", required=True, waarden=VRAGEN),
            Veld("zelfstandige", "Zelfstandige (ondernemer)", "boolean", default="false"),
        ],
    )
    p.regel("aanmelding_routeren", "Aanmelding routeren", "baliemedewerker", "aanmelding_routering")
    p.xor("klantdossier_nodig", "Klantdossier aanmaken?", "baliemedewerker")
    p.user(
        "doorverwijzen_derden",
        "Doorverwijzen naar dienst van derden",
        "baliemedewerker",
        velden=[Veld("doorverwezenNaar", "Doorverwezen naar", required=True)],
    )
    p.end("doorverwezen", "Doorverwezen, geen klantdossier", "baliemedewerker")
    p.extern(
        "klantdossier_aanmaken",
        "Klantdossier aanmaken (KVS)",
        PARTNERS,
        "gemeente.zaak-registreren",
    )
    p.xor("welke_route", "Naar wie?", "baliemedewerker")
    p.user(
        "schuldhulp_afspraak",
        "Afspraak schuldhulpverlening maken en documentenlijst meegeven",
        "baliemedewerker",
        velden=[
            Veld("afspraakSchuldhulpverlening", "Datum afspraak", "date", required=True),
            Veld("documentenlijst", "Mee te nemen documenten", default=DOCUMENTENLIJST),
        ],
    )
    p.user(
        "schuldhulp_gesprek",
        "Eerste gesprek schuldhulpverlening",
        "schuldhulpverlener",
        velden=[Veld("documentenCompleet", "Documenten meegenomen", "boolean", default="true")],
    )
    p.end("bij_schuldhulpverlening", "Klant bij schuldhulpverlening", "schuldhulpverlener")
    p.user(
        "bbz_aanvraag",
        "Bbz-aanvraag in behandeling nemen",
        "bbz_consulent",
        velden=[Veld("onderneming", "Onderneming", required=True)],
    )
    p.extern(
        "bbz_registreren",
        "Aanvraag Bbz registreren",
        PARTNERS,
        "gemeente.uitkering-aanvragen",
        inputs={"uitkeringSoort": "bbz"},
    )
    p.end("bij_bbz", "Klant bij inkomensconsulent Bbz", "bbz_consulent")
    p.roep("intake", "Intake door de wisselwachter", "wisselwachter", "werkplein_intake")
    p.xor("via_work_first", "Aan het werk via Work First?", "wisselwachter")
    p.end("werkt_via_work_first", "Aan het werk via Work First", "wisselwachter")
    p.roep("diagnose", "Diagnose en begeleiding", "klantmanager", "werkplein_diagnose")
    p.xor("uitkomst_begeleiding", "Uitkomst begeleiding?", "klantmanager")
    p.extern(
        "status_beschikbaar",
        "Status in KVS: beschikbaar voor werk",
        PARTNERS,
        "gemeente.zaakstatus-zetten",
        inputs={"mijlpaal": "beschikbaar_voor_werk", "statustoelichting": "Klaar voor werk"},
    )
    p.user(
        "kandidaat_opnemen",
        "Kandidaat opnemen in het bestand",
        "matchmaker",
        velden=[Veld("beroepswens", "Beroepswens of sector")],
    )
    p.end("beschikbaar", "Beschikbaar voor de matchmakers", "matchmaker")
    p.user(
        "inkomen_overnemen",
        "Klant overnemen: inkomen zonder uitzicht op werk",
        "inkomensconsulent",
        velden=[Veld("overdrachtsnotitie", "Overdrachtsnotitie van de klantmanager")],
    )
    p.end("bij_inkomensconsulent", "Overgedragen aan de inkomensconsulenten", "inkomensconsulent")
    p.user(
        "sw_overnemen",
        "Klant overnemen in de back office SW-bedrijf",
        "sw_backoffice",
        velden=[Veld("swTraject", "Eerste afspraak SW-bedrijf", "date")],
    )
    p.end("bij_sw_bedrijf", "Overgedragen aan het SW-bedrijf", "sw_backoffice")

    p.keten("aanmelding", "aanmelding_registreren", "aanmelding_routeren", "klantdossier_nodig")
    p.pijl("klantdossier_nodig", "klantdossier_aanmaken", "ja", "${klantdossier}")
    p.pijl("klantdossier_nodig", "doorverwijzen_derden", "nee").standaard(
        "klantdossier_nodig", "doorverwijzen_derden"
    )
    p.keten("doorverwijzen_derden", "doorverwezen")
    p.keten("klantdossier_aanmaken", "welke_route")
    p.pijl("welke_route", "schuldhulp_afspraak", "alleen schulden", "${route == 'schuldhulp'}")
    p.pijl("welke_route", "bbz_aanvraag", "zelfstandige", "${route == 'bbz'}")
    p.pijl("welke_route", "intake", "werk, inkomen, participatie").standaard(
        "welke_route", "intake"
    )
    p.keten("schuldhulp_afspraak", "schuldhulp_gesprek", "bij_schuldhulpverlening")
    p.keten("bbz_aanvraag", "bbz_registreren", "bij_bbz")
    p.keten("intake", "via_work_first")
    p.pijl("via_work_first", "werkt_via_work_first", "ja", "${workFirstUitkomst == 'werkt'}")
    p.pijl("via_work_first", "diagnose", "nee").standaard("via_work_first", "diagnose")
    p.keten("diagnose", "uitkomst_begeleiding")
    p.pijl(
        "uitkomst_begeleiding", "status_beschikbaar", "klaar voor werk", "${vervolg == 'werkfit'}"
    )
    p.pijl(
        "uitkomst_begeleiding",
        "inkomen_overnemen",
        "geen uitzicht op werk",
        "${vervolg == 'geen_perspectief'}",
    )
    p.pijl("uitkomst_begeleiding", "sw_overnemen", "SW-indicatie").standaard(
        "uitkomst_begeleiding", "sw_overnemen"
    )
    p.keten("status_beschikbaar", "kandidaat_opnemen", "beschikbaar")
    p.keten("inkomen_overnemen", "bij_inkomensconsulent")
    p.keten("sw_overnemen", "bij_sw_bedrijf")
    return p


def werkplein_intake() -> Proces:
    """Quickscan and klantmanager by the wisselwachter; Work First with its 48 hours and the
    klantmanager's check within two weeks; an uitkeringsintake when needed."""
    p = Proces("werkplein_intake", "Werkplein: intake door de wisselwachter")
    p.documentatie = BRON
    p.lane("wisselwachter", "Wisselwachter (intake klantmanager)")
    p.lane("work_first", "Consulent Work First (uitzendbureau)")
    p.lane("klantmanager", "Klantmanager")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start("intake_gestart", "Klant doorgeleid naar de intake", "wisselwachter")
    p.user(
        "quickscan",
        "Quickscan afnemen",
        "wisselwachter",
        velden=[
            Veld("klantvraag", "Klantvraag en opvallendheden"),
            Veld(
                "afstandTotArbeidsmarkt",
                "Afstand tot de arbeidsmarkt",
                "enum",
                required=True,
                waarden=(("kort", "Kort"), ("middel", "Middel"), ("lang", "Lang")),
            ),
            Veld(
                "uitkeringNodig", "Komt in aanmerking voor een uitkering", "boolean", default="true"
            ),
        ],
        outputs={"workFirstUitkomst": "geen"},
    )
    p.user(
        "klantmanager_toewijzen",
        "Klantmanager toewijzen",
        "wisselwachter",
        velden=[Veld("klantmanager", "Klantmanager", required=True)],
    )
    p.xor("afstand_kort", "Afstand tot de arbeidsmarkt kort?", "wisselwachter")
    p.user(
        "work_first_afspraak",
        "Intakeafspraak bij Work First maken",
        "wisselwachter",
        velden=[Veld("workFirstAfspraak", "Datum intake Work First", "date")],
    )
    p.user(
        "work_first_plaatsing",
        "Plaatsing via het uitzendbureau melden",
        "work_first",
        velden=[
            Veld(
                "aanHetWerk", "Klant aan het werk via het uitzendbureau", "boolean", default="true"
            ),
            Veld("uitzendbureau", "Uitzendbureau"),
        ],
    )
    p.grens_timer(
        "binnen_48_uur_geen_werk", "48 uur niet aan het werk", "work_first_plaatsing", duur="PT48H"
    )
    p.xor("aan_het_werk", "Aan het werk?", "work_first")
    p.user(
        "contact_work_first",
        "Contact met Work First over de voortgang",
        "klantmanager",
        due="P14D",
        velden=[
            Veld(
                "workFirstUitkomst",
                "Uitkomst Work First",
                "enum",
                required=True,
                waarden=(
                    ("werkt", "Klant werkt via het uitzendbureau"),
                    ("gestopt", "Work First gestopt"),
                ),
            )
        ],
    )
    p.xor("werkt_nog", "Werkt de klant nog?", "klantmanager")
    p.end("werkt_via_uitzendbureau", "Aan het werk via Work First", "klantmanager")
    p.xor("uitkering_nodig", "Uitkering nodig?", "wisselwachter")
    p.xor("naar_uitkeringsintake", "Uitkeringsintake nodig", "klantmanager")
    p.user(
        "uitkeringsintake_inplannen",
        "Uitkeringsintake inplannen",
        "klantmanager",
        velden=[Veld("uitkeringsintake", "Datum uitkeringsintake", "date", required=True)],
    )
    p.extern(
        "aanvraag_registreren",
        "Aanvraag uitkering registreren",
        PARTNERS,
        "gemeente.uitkering-aanvragen",
    )
    p.xor("naar_diagnose", "Naar diagnose", "klantmanager")
    p.end("intake_afgerond", "Door naar diagnose", "klantmanager")

    p.keten("intake_gestart", "quickscan", "klantmanager_toewijzen", "afstand_kort")
    p.pijl(
        "afstand_kort",
        "work_first_afspraak",
        "ja: Work First",
        "${afstandTotArbeidsmarkt == 'kort'}",
    )
    p.pijl("afstand_kort", "uitkering_nodig", "nee").standaard("afstand_kort", "uitkering_nodig")
    p.keten("work_first_afspraak", "work_first_plaatsing", "aan_het_werk")
    p.pijl("aan_het_werk", "contact_work_first", "ja", "${aanHetWerk}")
    p.pijl("aan_het_werk", "naar_uitkeringsintake", "nee").standaard(
        "aan_het_werk", "naar_uitkeringsintake"
    )
    p.pijl("binnen_48_uur_geen_werk", "naar_uitkeringsintake")
    p.keten("contact_work_first", "werkt_nog")
    p.pijl("werkt_nog", "werkt_via_uitzendbureau", "ja", "${workFirstUitkomst == 'werkt'}")
    p.pijl("werkt_nog", "naar_uitkeringsintake", "nee").standaard(
        "werkt_nog", "naar_uitkeringsintake"
    )
    p.pijl("uitkering_nodig", "naar_uitkeringsintake", "ja", "${uitkeringNodig}")
    p.pijl("uitkering_nodig", "naar_diagnose", "nee").standaard("uitkering_nodig", "naar_diagnose")
    p.keten("naar_uitkeringsintake", "uitkeringsintake_inplannen", "aanvraag_registreren")
    p.keten("aanvraag_registreren", "naar_diagnose", "intake_afgerond")
    return p


def werkplein_diagnose() -> Proces:
    """Diagnose and begeleiding by the klantmanager: digital basic service for at most three
    months, then personal service; back offices and the SW-bedrijf report back; an
    SW-indicatie at UWV; ends ready for work, without prospect of work, or with an indicatie."""
    p = Proces("werkplein_diagnose", "Werkplein: diagnose en begeleiding")
    p.documentatie = BRON
    p.lane("klantmanager", "Klantmanager")
    p.lane("backoffice", "Back offices gemeente (schuldhulpverlening, inkomen)")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start("diagnose_gestart", "Klant bij de klantmanager", "klantmanager")
    p.user(
        "eerste_gesprek",
        "Eerste gesprek en actieplan",
        "klantmanager",
        velden=[
            Veld("actieplan", "Actieplan"),
            Veld(
                "zelfredzaam",
                "Zelfredzaam (digitale basisdienstverlening)",
                "boolean",
                default="false",
            ),
        ],
    )
    p.xor("is_zelfredzaam", "Zelfredzaam?", "klantmanager")
    p.user("digitale_dienstverlening", "Digitale basisdienstverlening volgen", "klantmanager")
    p.grens_timer(
        "uiterlijk_drie_maanden",
        "Uiterlijk na drie maanden",
        "digitale_dienstverlening",
        duur="P3M",
    )
    p.xor("persoonlijk", "Persoonlijke dienstverlening", "klantmanager")
    p.xor("volgende_stap", "Volgende stap", "klantmanager")
    p.user(
        "begeleiden",
        "Begeleiden en vervolg bepalen",
        "klantmanager",
        velden=[
            Veld(
                "vervolg",
                "Vervolg",
                "enum",
                required=True,
                waarden=(
                    ("backoffice", "Dienst van een back office oproepen"),
                    ("sw_onderzoek", "Onderzoek door het SW-bedrijf"),
                    ("sw_indicatie", "SW-indicatie aanvragen bij UWV"),
                    ("werkfit", "Klaar voor werk"),
                    ("geen_perspectief", "Geen uitzicht op werk, wel recht op inkomen"),
                ),
            ),
            Veld(
                "backoffice",
                "Back office",
                "enum",
                default="schuldhulpverlener",
                waarden=(
                    ("schuldhulpverlener", "Schuldhulpverlening"),
                    ("inkomensconsulent", "Inkomen"),
                ),
            ),
            Veld(
                "swOnderzoek",
                "Onderzoek SW-bedrijf",
                "enum",
                default="diagnose",
                waarden=(
                    ("diagnose", "Specifieke diagnose"),
                    ("arbeidskundig", "Arbeidskundig onderzoek"),
                ),
            ),
            Veld("vraagstelling", "Vraagstelling of advies aan de dienst"),
        ],
    )
    p.xor("welk_vervolg", "Vervolg?", "klantmanager")
    p.user(
        "dienst_uitvoeren",
        "Dienst uitvoeren en terugmelden",
        "backoffice",
        groep="${backoffice}",
        velden=[Veld("terugmelding", "Terugmelding aan de klantmanager", required=True)],
    )
    p.xor("welk_onderzoek", "Welk onderzoek?", PARTNERS)
    p.extern(
        "diagnose_aanvragen",
        "Specifieke diagnose aanvragen (SW-bedrijf)",
        PARTNERS,
        "sw-bedrijf.diagnose-aanvragen",
    )
    p.extern(
        "onderzoek_aanvragen",
        "Arbeidskundig onderzoek aanvragen (SW-bedrijf)",
        PARTNERS,
        "sw-bedrijf.arbeidskundig-onderzoek-aanvragen",
    )
    p.xor("onderzoek_aangevraagd", "Onderzoek aangevraagd", PARTNERS)
    p.ontvang(
        "terugmelding_sw_bedrijf",
        "Terugmelding SW-bedrijf ontvangen",
        PARTNERS,
        bericht="terugmelding-sw-bedrijf",
    )
    p.extern(
        "sw_indicatie_aanvragen",
        "SW-indicatie aanvragen (UWV)",
        PARTNERS,
        "uwv.sw-indicatie-aanvragen",
    )
    p.ontvang(
        "sw_indicatie_besluit",
        "Besluit SW-indicatie ontvangen",
        PARTNERS,
        bericht="sw-indicatie-besluit",
    )
    p.xor("indicatie_toegekend", "SW-indicatie toegekend?", "klantmanager")
    p.end("met_sw_indicatie", "SW-indicatie toegekend", "klantmanager")
    p.end("klaar_voor_werk", "Klaar voor werk", "klantmanager")
    p.end("geen_uitzicht", "Geen uitzicht op werk", "klantmanager")

    p.keten("diagnose_gestart", "eerste_gesprek", "is_zelfredzaam")
    p.pijl("is_zelfredzaam", "digitale_dienstverlening", "ja", "${zelfredzaam}")
    p.pijl("is_zelfredzaam", "persoonlijk", "nee").standaard("is_zelfredzaam", "persoonlijk")
    p.keten("digitale_dienstverlening", "persoonlijk")
    p.pijl("uiterlijk_drie_maanden", "persoonlijk")
    p.keten("persoonlijk", "volgende_stap", "begeleiden", "welk_vervolg")
    p.pijl("welk_vervolg", "dienst_uitvoeren", "back office", "${vervolg == 'backoffice'}")
    p.pijl("welk_vervolg", "welk_onderzoek", "SW-bedrijf", "${vervolg == 'sw_onderzoek'}")
    p.pijl("welk_vervolg", "sw_indicatie_aanvragen", "SW-indicatie", "${vervolg == 'sw_indicatie'}")
    p.pijl("welk_vervolg", "klaar_voor_werk", "klaar voor werk", "${vervolg == 'werkfit'}")
    p.pijl("welk_vervolg", "geen_uitzicht", "geen uitzicht").standaard(
        "welk_vervolg", "geen_uitzicht"
    )
    p.pijl("dienst_uitvoeren", "volgende_stap")
    p.pijl("welk_onderzoek", "diagnose_aanvragen", "diagnose", "${swOnderzoek == 'diagnose'}")
    p.pijl("welk_onderzoek", "onderzoek_aanvragen", "arbeidskundig").standaard(
        "welk_onderzoek", "onderzoek_aanvragen"
    )
    p.keten("diagnose_aanvragen", "onderzoek_aangevraagd", "terugmelding_sw_bedrijf")
    p.keten("onderzoek_aanvragen", "onderzoek_aangevraagd")
    p.pijl("terugmelding_sw_bedrijf", "volgende_stap")
    p.keten("sw_indicatie_aanvragen", "sw_indicatie_besluit", "indicatie_toegekend")
    p.pijl("indicatie_toegekend", "met_sw_indicatie", "ja", "${swIndicatie}")
    p.pijl("indicatie_toegekend", "volgende_stap", "nee").standaard(
        "indicatie_toegekend", "volgende_stap"
    )
    return p
