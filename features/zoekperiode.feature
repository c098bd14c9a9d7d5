# language: nl
Functionaliteit: Zoekperiode en entreevragenlijst (variant Groningen)
  De klant vraagt een uitkering aan via werk.nl en bevestigt dat bij het KCC. Vier weken lang
  zoekt de klant eerst zelf: ingeschreven blijven bij UWV, een cv maken, aantoonbaar
  solliciteren en de entreevragenlijst invullen. Vanaf 27 jaar loopt de zoekperiode vanaf de
  aanvraag; jongeren tot 27 jaar zoeken eerst vier weken voordat de aanvraag kan worden
  ingediend. Daarna beoordeelt de inkomensconsulent in het eerste gesprek de verplichtingen
  en het recht op uitkering, en leidt de klant door naar Zelfdoeners (e-coach),
  Klantondersteuning (Centrum voor Werk) of Maatschappelijke participatie.
  Diagram: processes/bpmn/zoekperiode.bpmn

  Het beleid van de gemeente (leeftijdsgrens, duur, eerst zoeken of eerst aanvragen) staat
  in de beslistabel "zoekperiode_regels"; een andere gemeente past die tabel aan.

  Scenario: Vanaf 27 jaar: aanvraag meteen geregistreerd, daarna vier weken zelf zoeken
    Als een klant van 35 jaar een uitkering aanvraagt via werk.nl met dossier "ZP-1"
    Dan staat er een opdracht "gemeente.uitkering-aanvragen" klaar
    Als de gemeente de opdracht "uitkering-aanvragen" uitvoert
    En er 27 dagen verstreken zijn
    Dan staat de taak "Gesprek: verplichtingen in de zoekperiode beoordelen" niet open
    Als er 1 dag verstreken is
    Dan staat de taak "Gesprek: verplichtingen in de zoekperiode beoordelen" in de werkvoorraad van de inkomensconsulent
    En is "zoekperiode" vastgelegd als "P4W"

  Scenario: Jonger dan 27: eerst vier weken zoeken, dan pas de aanvraag
    Als een klant van 22 jaar een uitkering aanvraagt via werk.nl met dossier "ZP-2"
    Dan staat er geen opdracht "gemeente.uitkering-aanvragen" klaar
    Als er 4 weken verstreken zijn
    Dan staat er een opdracht "gemeente.uitkering-aanvragen" klaar
    Als de gemeente de opdracht "uitkering-aanvragen" uitvoert
    Dan staat de taak "Gesprek: verplichtingen in de zoekperiode beoordelen" in de werkvoorraad van de inkomensconsulent
    En is "opleidingTelt" vastgelegd als "ja"

  Scenario: Verplichtingen nagekomen, Zelfdoener: e-coach en een gesprek na drie maanden
    Gegeven een klant van 35 jaar heeft een uitkering aangevraagd via werk.nl met dossier "ZP-3"
    En de gemeente de opdracht "uitkering-aanvragen" heeft uitgevoerd
    Als er 10 dagen verstreken zijn
    En de klant de entreevragenlijst invult met uitkomst "zelfdoeners"
    En er 18 dagen verstreken zijn
    En de inkomensconsulent de taak "Gesprek: verplichtingen in de zoekperiode beoordelen" afrondt
    Dan staat de taak "Recht op uitkering beoordelen" in de werkvoorraad van de inkomensconsulent
    Als de inkomensconsulent de taak "Recht op uitkering beoordelen" afrondt met:
      | Besluit | Toegekend |
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    Dan staat de taak "Uitnodigen voor collectieve voorlichting" in de werkvoorraad van de e-coach
    Als de e-coach de taak "Uitnodigen voor collectieve voorlichting" afrondt
    En er 3 maanden verstreken zijn
    Dan staat de taak "Gesprek met de e-coach" in de werkvoorraad van de e-coach

  Scenario: Verplichtingen niet nagekomen: geen cv gemaakt, de aanvraag wordt afgewezen
    Gegeven een klant van 35 jaar heeft een uitkering aangevraagd via werk.nl met dossier "ZP-4"
    En de gemeente de opdracht "uitkering-aanvragen" heeft uitgevoerd
    En de klant de entreevragenlijst heeft ingevuld met uitkomst "klantondersteuning"
    Als er 4 weken verstreken zijn
    En de inkomensconsulent de taak "Gesprek: verplichtingen in de zoekperiode beoordelen" afrondt met:
      | Cv gemaakt | nee |
    Dan staat de taak "Afwijzing vastleggen: verplichtingen niet nagekomen" in de werkvoorraad van de inkomensconsulent
    Als de inkomensconsulent de taak "Afwijzing vastleggen: verplichtingen niet nagekomen" afrondt met:
      | Welke verplichting niet nagekomen | geen cv gemaakt |
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    Dan is het dossier afgerond
    En is "uitkeringsbesluit" vastgelegd als "afgewezen"

  Scenario: Entreevragenlijst niet ingevuld: verplichtingen niet nagekomen
    Gegeven een klant van 35 jaar heeft een uitkering aangevraagd via werk.nl met dossier "ZP-5"
    En de gemeente de opdracht "uitkering-aanvragen" heeft uitgevoerd
    Als er 4 weken verstreken zijn
    En de inkomensconsulent de taak "Gesprek: verplichtingen in de zoekperiode beoordelen" afrondt
    Dan staat de taak "Afwijzing vastleggen: verplichtingen niet nagekomen" in de werkvoorraad van de inkomensconsulent
    En staat de taak "Recht op uitkering beoordelen" niet open

  Scenario: Werk gevonden in de zoekperiode: de aanvraag vervalt
    Gegeven een klant van 35 jaar heeft een uitkering aangevraagd via werk.nl met dossier "ZP-6"
    En de gemeente de opdracht "uitkering-aanvragen" heeft uitgevoerd
    Als er 12 dagen verstreken zijn
    En het bericht "werk-gevonden" binnenkomt
    Dan staat er een opdracht "gemeente.besluit-vastleggen" klaar
    Als de gemeente de opdracht "besluit-vastleggen" uitvoert
    Dan is het dossier afgerond
    Als er 4 weken verstreken zijn
    Dan staan er geen taken open

  Abstract Scenario: Na een face-to-face gesprek naar Klantondersteuning of Maatschappelijke participatie
    Gegeven een klant van 40 jaar heeft een uitkering aangevraagd via werk.nl met dossier "ZP-7"
    En de gemeente de opdracht "uitkering-aanvragen" heeft uitgevoerd
    En de klant de entreevragenlijst heeft ingevuld met uitkomst "<uitkomst>"
    Als er 4 weken verstreken zijn
    En de inkomensconsulent de taak "Gesprek: verplichtingen in de zoekperiode beoordelen" afrondt
    En de inkomensconsulent de taak "Recht op uitkering beoordelen" afrondt met:
      | Besluit | Toegekend |
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    En de inkomensconsulent de taak "Gesprek: dienstverleningslijn kiezen" afrondt met:
      | Dienstverleningslijn | <lijn> |
    Dan staat de taak "<taak>" in de werkvoorraad van de <rol>

    Voorbeelden:
      | uitkomst                      | lijn                                   | taak                                    | rol                         |
      | klantondersteuning            | Klantondersteuning (Centrum voor Werk) | Werkintake in het Centrum voor Werk     | consulent Centrum voor Werk |
      | maatschappelijke_participatie | Maatschappelijke participatie          | Screening maatschappelijke participatie | participatiemakelaar        |
