# language: nl
Functionaliteit: Ambitiegesprek
  De intaker (DWT) bespreekt alle leefgebieden met een diagnose-instrument. Een beslistabel
  adviseert een klantgroep; de keuze is in eerste instantie aan de klant. Wijkt die keuze af
  van het advies, dan wordt de reden vastgelegd. Rechten en plichten worden besproken en de
  klant wordt uitgenodigd voor de verplichte kick-off.
  Diagram: processes/bpmn/ambitiegesprek.bpmn

  Achtergrond:
    Gegeven een nieuwe klant meldt zich aan de balie met dossier "DOS-20"
    En de poortwachter ziet geen reden voor afwijzing

  Abstract Scenario: De beslistabel adviseert klantgroep <advies>
    Als de intaker de taak "Leefgebieden bespreken en diagnose" afrondt met:
      | Maanden in uitkering                | <maanden> |
      | Afstand tot arbeidsmarkt (diagnose) | <afstand> |
      | Arbeidsvermogen                     | <vermogen> |
    En de intaker de taak "Klantgroep kiezen met de klant" afrondt met:
      | Gekozen klantgroep | <advies> |
    Dan staat de taak "Reden afwijkende keuze vastleggen" niet open
    Als het ambitiegesprek wordt afgerond
    Dan is "geadviseerdeKlantgroep" vastgelegd als "<advies>"
    En is "klantgroep" vastgelegd als "<advies>"

    Voorbeelden:
      | maanden | afstand    | vermogen | advies      |
      | 2       | Klein      | ja       | Matchen     |
      | 14      | Klein      | ja       | Groeien     |
      | 30      | Middel     | ja       | Groeien     |
      | 40      | Groot      | ja       | Faciliteren |
      | 60      | Zeer groot | ja       | Zorgen      |
      | 3       | Middel     | nee      | Zorgen      |

  Scenario: De klant kiest een andere groep dan geadviseerd en de reden wordt vastgelegd
    Als de intaker de taak "Leefgebieden bespreken en diagnose" afrondt met:
      | Maanden in uitkering                | 40    |
      | Afstand tot arbeidsmarkt (diagnose) | Groot |
    En de intaker de taak "Klantgroep kiezen met de klant" afrondt met:
      | Gekozen klantgroep | Groeien |
    Dan staat de taak "Reden afwijkende keuze vastleggen" in de werkvoorraad van de intaker
    Als de intaker de taak "Reden afwijkende keuze vastleggen" afrondt met:
      | Reden van de eigen keuze | wil binnen drie jaar weer aan het werk als kok |
    Dan staat de taak "Rechten en plichten bespreken" in de werkvoorraad van de intaker
    Als het ambitiegesprek wordt afgerond
    Dan is "geadviseerdeKlantgroep" vastgelegd als "Faciliteren"
    En is "klantgroep" vastgelegd als "Groeien"
    En is "keuzeReden" vastgelegd als "wil binnen drie jaar weer aan het werk als kok"

  Scenario: De klant volgt het advies: geen reden nodig, uitnodiging voor de kick-off
    Als het ambitiegesprek wordt gevoerd met klantgroep "Matchen"
    Dan is "klantgroep" vastgelegd als "Matchen"
    En is "keuzeReden" niet vastgelegd
    En is "afsprakenVastgelegd" vastgelegd als "ja"
    En staat de taak "Kick-off bijeenkomst per klantgroep" niet open
    Als er 14 dagen verstreken zijn
    Dan staat de taak "Kick-off bijeenkomst per klantgroep" in de werkvoorraad van de trainer
