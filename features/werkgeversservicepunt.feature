# language: nl
Functionaliteit: Werkgeversservicepunt: vacaturevulling
  Een werkgever meldt zich aan de balie, telefonisch of per e-mail. De branche bepaalt de
  matchmaker (beslistabel "matchmaker_sector": zorg, tuinbouw, MKB). De matchmaker stelt met
  de werkgever een vacatureprofiel op, dat de werkgever ondertekent. Het profiel wordt
  aangeboden aan de klantmanagers, die een kandidaat voordragen, zo nodig met afspraken over
  loonkostensubsidie of scholing. Na de plaatsing belt de matchmaker de werkgever na twee
  weken over het resultaat.
  Diagram: processes/bpmn/werkgeversservicepunt.bpmn

  Abstract Scenario: De branche bepaalt de matchmaker
    Als een werkgever uit de branche "<branche>" zich meldt met dossier "WG-1"
    Dan staat de taak "Intake: vacatureprofiel opstellen met de werkgever" in de werkvoorraad van de <matchmaker>
    En is "matchmaker" vastgelegd als "<groep>"

    Voorbeelden:
      | branche   | matchmaker          | groep               |
      | Zorg      | matchmaker zorg     | matchmaker_zorg     |
      | Tuinbouw  | matchmaker tuinbouw | matchmaker_tuinbouw |
      | Logistiek | matchmaker tuinbouw | matchmaker_tuinbouw |
      | MKB       | matchmaker mkb      | matchmaker_mkb      |
      | Horeca    | matchmaker mkb      | matchmaker_mkb      |

  Scenario: Het profiel wacht op de handtekening van de werkgever
    Gegeven een werkgever uit de branche "Zorg" meldt zich met dossier "WG-2"
    Als de matchmaker zorg de taak "Intake: vacatureprofiel opstellen met de werkgever" afrondt met:
      | Functie | Helpende zorg en welzijn |
    Dan staat de taak "Kandidaat voordragen op het profiel" niet open
    Als het bericht "vacatureprofiel-ondertekend" binnenkomt
    Dan staat de taak "Kandidaat voordragen op het profiel" in de werkvoorraad van de klantmanager

  Scenario: Plaatsing met loonkostensubsidie en het belletje naar de werkgever na twee weken
    Gegeven een werkgever uit de branche "Tuinbouw" meldt zich met dossier "WG-3"
    En de werkgever het vacatureprofiel heeft ondertekend
    En de klant van dossier "WP-25" heeft een lopende uitkering bij de gemeente
    Als de klantmanager de taak "Kandidaat voordragen op het profiel" afrondt met:
      | Dossier van de kandidaat | WP-25              |
      | Arrangement              | Loonkostensubsidie |
    Dan staat de taak "Kandidaat voorstellen aan de werkgever" in de werkvoorraad van de matchmaker tuinbouw
    Als de matchmaker tuinbouw de taak "Kandidaat voorstellen aan de werkgever" afrondt
    En de klantmanager de taak "Loonkostensubsidie of scholing regelen" afrondt met:
      | Afspraken over het arrangement | 50% loonkostensubsidie, een jaar |
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    En de matchmaker tuinbouw de taak "Plaatsing en arbeidsovereenkomst vastleggen" afrondt met:
      | Startdatum | 2026-01-12 |
    En er 13 dagen verstreken zijn
    Dan staat de taak "Werkgever bellen over de plaatsing" niet open
    Als er 1 dag verstreken is
    Dan staat de taak "Werkgever bellen over de plaatsing" in de werkvoorraad van de matchmaker tuinbouw
    Als de matchmaker tuinbouw de taak "Werkgever bellen over de plaatsing" afrondt
    Dan is het dossier afgerond
    En is "arrangement" vastgelegd als "loonkostensubsidie"

  Scenario: Kandidaat zonder arrangement; de werkgever wijst de eerste kandidaat af
    Gegeven een werkgever uit de branche "MKB" meldt zich met dossier "WG-4"
    En de werkgever het vacatureprofiel heeft ondertekend
    Als de klantmanager de taak "Kandidaat voordragen op het profiel" afrondt met:
      | Dossier van de kandidaat | WP-30 |
    En de matchmaker mkb de taak "Kandidaat voorstellen aan de werkgever" afrondt met:
      | Werkgever neemt de kandidaat aan | nee |
    Dan staat de taak "Kandidaat voordragen op het profiel" in de werkvoorraad van de klantmanager
    Als de klantmanager de taak "Kandidaat voordragen op het profiel" afrondt met:
      | Dossier van de kandidaat | WP-31 |
    En de matchmaker mkb de taak "Kandidaat voorstellen aan de werkgever" afrondt
    Dan staat de taak "Plaatsing en arbeidsovereenkomst vastleggen" in de werkvoorraad van de matchmaker mkb
    En staat er geen opdracht "gemeente.besluit-vastleggen" klaar
    En is "kandidaat" vastgelegd als "WP-31"

  Scenario: De werkgever zoekt zelf via werk.nl
    Gegeven een werkgever uit de branche "Zorg" meldt zich met dossier "WG-5"
    Als de werkgever het vacatureprofiel ondertekent en zelf zoekt
    Dan is het dossier afgerond
    En staat de taak "Kandidaat voordragen op het profiel" niet open
