"""Zoekperiode and entreevragenlijst (seed 003, Groningen "Dienstverlening Werk &
Participatie" 2013, sections 2.1 to 2.6): a variant of the aanmelding for another
municipality's policy.

What a process owner changes to run another policy is in the decision table
``zoekperiode_regels`` (age limit, length of the zoekperiode, search before or after the
application); the diagram stays the same.
"""

from __future__ import annotations

from processes.tools.bpmn_model import Proces, Veld
from processes.tools.klantreis_diagrams import BESLUIT_INPUTS, PARTNERS

LIJNEN = (
    ("klantondersteuning", "Klantondersteuning (Centrum voor Werk)"),
    ("maatschappelijke_participatie", "Maatschappelijke participatie"),
)


def zoekperiode() -> Proces:
    """Application via werk.nl, four weeks of own search with obligations, the talk about
    obligations and income, and routing into the three service lines."""
    p = Proces("zoekperiode", "Zoekperiode en entreevragenlijst")
    p.documentatie = (
        "Groningen, Dienstverlening Werk & Participatie (2013), 2.1-2.6; bron: "
        "../shared/seeds/003. Beleid (leeftijdsgrens, duur, eerst zoeken of eerst aanvragen) "
        "staat in de beslistabel zoekperiode_regels."
    )
    p.lane("kcc", "Klantcontactcentrum (KCC)")
    p.lane("klant", "Klant (werk.nl en Werkmap)")
    p.lane("inkomensconsulent", "Inkomensconsulent")
    p.lane("e_coach", "E-coach (Zelfdoeners)")
    p.lane("centrum_voor_werk", "Consulent Centrum voor Werk (Klantondersteuning)")
    p.lane("participatiemakelaar", "Participatiemakelaar (Maatschappelijke participatie)")
    p.lane(PARTNERS, "Ketenpartners (systemen)")
    p.start("aanvraag_werk_nl", "Uitkering aangevraagd via werk.nl", "kcc")
    p.user(
        "aanvraag_bevestigen",
        "Aanvraag telefonisch bevestigen en activeringsmail sturen",
        "kcc",
        velden=[Veld("leeftijd", "Leeftijd", "long", required=True)],
    )
    p.regel("zoekperiode_bepalen", "Zoekperiode bepalen", "kcc", "zoekperiode_regels")
    p.extern(
        "werkzoekende_registreren",
        "Inschrijven als werkzoekende (UWV)",
        PARTNERS,
        "uwv.werkzoekende-registreren",
    )
    p.xor("eerst_zoeken", "Eerst zoeken, dan aanvragen?", "kcc")
    p.extern(
        "aanvraag_registreren",
        "Aanvraag uitkering registreren",
        PARTNERS,
        "gemeente.uitkering-aanvragen",
    )
    p.xor("zoekperiode_begint", "Zoekperiode begint", "klant")
    p.ontvang_taak(
        "zelf_zoeken",
        "Vier weken zelf zoeken: ingeschreven blijven, cv, solliciteren",
        "klant",
        bericht="werk-gevonden",
    )
    p.grens_bericht(
        "entreevragenlijst_ingevuld",
        "Entreevragenlijst ingevuld",
        "zelf_zoeken",
        bericht="entreevragenlijst-ingevuld",
        onderbrekend=False,
    )
    p.grens_timer(
        "zoekperiode_voorbij", "Zoekperiode voorbij", "zelf_zoeken", duur="${zoekperiode}"
    )
    p.end("entreevragenlijst_ontvangen", "Entreevragenlijst ontvangen", "klant")
    p.xor("al_aangevraagd", "Aanvraag al geregistreerd?", "klant")
    # the aanvraag lapses: recorded on the aanvraag as an afwijzing with that reason (the
    # benefits administration's two besluiten, as 'buiten behandeling' in BESLUIT_INPUTS)
    p.extern(
        "aanvraag_vervalt",
        "Aanvraag laten vervallen (besluit vastleggen)",
        PARTNERS,
        "gemeente.besluit-vastleggen",
        inputs={
            "besluit": "afwijzing",
            "besluitReden": "Vervallen: werk of opleiding gevonden in de zoekperiode",
        },
    )
    p.xor("werk_gevonden", "Werk of opleiding gevonden", "klant")
    p.end("uitgestroomd", "Werk of opleiding gevonden", "klant")
    p.xor("nog_aanvragen", "Aanvraag nog registreren?", "inkomensconsulent")
    p.extern(
        "aanvraag_na_zoekperiode",
        "Aanvraag registreren na de zoekperiode",
        PARTNERS,
        "gemeente.uitkering-aanvragen",
    )
    p.xor("naar_gesprek", "Naar gesprek", "inkomensconsulent")
    p.user(
        "verplichtingen_beoordelen",
        "Gesprek: verplichtingen in de zoekperiode beoordelen",
        "inkomensconsulent",
        velden=[
            Veld("ingeschrevenBijUwv", "Ingeschreven gebleven bij UWV", "boolean", default="true"),
            Veld("cvGemaakt", "Cv gemaakt", "boolean", default="true"),
            Veld("gesolliciteerd", "Aantoonbaar gesolliciteerd", "boolean", default="true"),
        ],
    )
    p.xor("verplichtingen_nagekomen", "Verplichtingen nagekomen?", "inkomensconsulent")
    p.user(
        "afwijzing_vastleggen",
        "Afwijzing vastleggen: verplichtingen niet nagekomen",
        "inkomensconsulent",
        velden=[Veld("afwijsreden", "Welke verplichting niet nagekomen", required=True)],
        outputs={"uitkeringsbesluit": "afgewezen"},
    )
    p.user(
        "recht_beoordelen",
        "Recht op uitkering beoordelen",
        "inkomensconsulent",
        velden=[
            Veld(
                "uitkeringsbesluit",
                "Besluit",
                "enum",
                required=True,
                waarden=(("toegekend", "Toegekend"), ("afgewezen", "Afgewezen")),
            )
        ],
    )
    p.xor("besluit_genomen", "Besluit genomen", "inkomensconsulent")
    p.extern(
        "besluit_vastleggen",
        "Besluit vastleggen",
        PARTNERS,
        "gemeente.besluit-vastleggen",
        inputs=BESLUIT_INPUTS,
    )
    p.xor("toegekend", "Uitkering toegekend?", "inkomensconsulent")
    p.end("geen_uitkering", "Geen uitkering", "inkomensconsulent")
    p.xor("zelfdoener", "Zelfdoener volgens de entreevragenlijst?", "inkomensconsulent")
    p.user("voorlichting", "Uitnodigen voor collectieve voorlichting", "e_coach")
    p.wacht("drie_maanden_e_coaching", "Drie maanden e-dienstverlening", "e_coach", duur="P3M")
    p.user(
        "gesprek_e_coach",
        "Gesprek met de e-coach",
        "e_coach",
        velden=[
            Veld(
                "verplichtingenNagekomen", "Aan verplichtingen voldaan", "boolean", default="true"
            ),
            Veld(
                "eDienstverleningVoortzetten",
                "E-dienstverlening voortzetten",
                "boolean",
                default="true",
            ),
        ],
    )
    p.end("e_dienstverlening", "Zelfdoener in e-dienstverlening", "e_coach")
    p.user(
        "lijn_kiezen",
        "Gesprek: dienstverleningslijn kiezen",
        "inkomensconsulent",
        velden=[
            Veld(
                "dienstverleningslijn",
                "Dienstverleningslijn",
                "enum",
                required=True,
                waarden=LIJNEN,
            )
        ],
    )
    p.xor("welke_lijn", "Welke dienstverleningslijn?", "inkomensconsulent")
    p.user(
        "werkintake",
        "Werkintake in het Centrum voor Werk",
        "centrum_voor_werk",
        velden=[
            Veld("urenPerWeek", "Uren per week in het centrum (16-20)", "long", default="16"),
            Veld(
                "nadereDiagnose",
                "Loonwaarde onder 100% WML: nadere diagnose",
                "boolean",
                default="false",
            ),
        ],
    )
    p.end("in_centrum_voor_werk", "In het Centrum voor Werk", "centrum_voor_werk")
    p.user(
        "screening_participatie",
        "Screening maatschappelijke participatie",
        "participatiemakelaar",
        velden=[
            Veld(
                "activiteit",
                "Passende activiteit",
                "enum",
                default="vrijwilligerswerk",
                waarden=(
                    ("dagbesteding", "Dagbesteding"),
                    ("vrijwilligerswerk", "Vrijwilligerswerk"),
                    ("beschut", "Beschut werk"),
                ),
            )
        ],
    )
    p.end("maatschappelijke_participatie", "Maatschappelijke participatie", "participatiemakelaar")

    p.keten("aanvraag_werk_nl", "aanvraag_bevestigen", "zoekperiode_bepalen")
    p.keten("zoekperiode_bepalen", "werkzoekende_registreren", "eerst_zoeken")
    p.pijl("eerst_zoeken", "zoekperiode_begint", "ja: jonger dan 27", "${eerstZoeken}")
    p.pijl("eerst_zoeken", "aanvraag_registreren", "nee").standaard(
        "eerst_zoeken", "aanvraag_registreren"
    )
    p.keten("aanvraag_registreren", "zoekperiode_begint", "zelf_zoeken", "al_aangevraagd")
    p.pijl("entreevragenlijst_ingevuld", "entreevragenlijst_ontvangen")
    p.pijl("al_aangevraagd", "aanvraag_vervalt", "ja", "${!eerstZoeken}")
    p.pijl("al_aangevraagd", "werk_gevonden", "nee").standaard("al_aangevraagd", "werk_gevonden")
    p.keten("aanvraag_vervalt", "werk_gevonden", "uitgestroomd")
    p.keten("zoekperiode_voorbij", "nog_aanvragen")
    p.pijl("nog_aanvragen", "aanvraag_na_zoekperiode", "ja", "${eerstZoeken}")
    p.pijl("nog_aanvragen", "naar_gesprek", "nee").standaard("nog_aanvragen", "naar_gesprek")
    p.keten("aanvraag_na_zoekperiode", "naar_gesprek", "verplichtingen_beoordelen")
    p.keten("verplichtingen_beoordelen", "verplichtingen_nagekomen")
    p.pijl(
        "verplichtingen_nagekomen",
        "recht_beoordelen",
        "ja",
        "${ingeschrevenBijUwv && cvGemaakt && gesolliciteerd && !empty dienstverleningslijn}",
    )
    p.pijl("verplichtingen_nagekomen", "afwijzing_vastleggen", "nee").standaard(
        "verplichtingen_nagekomen", "afwijzing_vastleggen"
    )
    p.keten("afwijzing_vastleggen", "besluit_genomen")
    p.keten("recht_beoordelen", "besluit_genomen", "besluit_vastleggen", "toegekend")
    p.pijl("toegekend", "zelfdoener", "ja", "${uitkeringsbesluit == 'toegekend'}")
    p.pijl("toegekend", "geen_uitkering", "nee").standaard("toegekend", "geen_uitkering")
    p.pijl("zelfdoener", "voorlichting", "ja", "${dienstverleningslijn == 'zelfdoeners'}")
    p.pijl("zelfdoener", "lijn_kiezen", "nee: gesprek").standaard("zelfdoener", "lijn_kiezen")
    p.keten("voorlichting", "drie_maanden_e_coaching", "gesprek_e_coach", "e_dienstverlening")
    p.keten("lijn_kiezen", "welke_lijn")
    p.pijl(
        "welke_lijn",
        "werkintake",
        "Klantondersteuning",
        "${dienstverleningslijn == 'klantondersteuning'}",
    )
    p.pijl("welke_lijn", "screening_participatie", "Maatschappelijke participatie").standaard(
        "welke_lijn", "screening_participatie"
    )
    p.keten("werkintake", "in_centrum_voor_werk")
    p.keten("screening_participatie", "maatschappelijke_participatie")
    return p
