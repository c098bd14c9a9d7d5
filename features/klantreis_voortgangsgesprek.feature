# language: nl
Functionaliteit: Voortgangsgesprekken en wisselen van klantgroep
  Iedere klant heeft periodiek een voortgangsgesprek, in de frequentie van de klantgroep
  (beslistabel voortgangsfrequentie): Groeien 1x per jaar, Faciliteren en Zorgen 2x per jaar,
  Matchen geen. Zit de klant niet meer in de juiste groep, dan gaat hij door naar een andere
  groep (doorgroeien of terugvallen) en loopt de ondersteuning daar verder.
  Diagram: processes/bpmn/voortgangsgesprek.bpmn, processes/bpmn/ondersteuning.bpmn

  Scenario: Matchen heeft geen voortgangsgesprekken
    Gegeven de klant is ingedeeld in klantgroep "Matchen"
    En er 14 dagen verstreken zijn
    En de kick-off is geweest
    Als er 2 jaar verstreken zijn
    Dan staat de taak "Voortgangsgesprek voeren" niet open
    En staat de taak "Plan van aanpak met werkcoach" in de werkvoorraad van de werkcoach

  Scenario: Doorgroeien van Zorgen naar Faciliteren bij het voortgangsgesprek
    Gegeven de klant is ingedeeld in klantgroep "Zorgen"
    En er 14 dagen verstreken zijn
    En de kick-off is geweest
    En er 6 maanden verstreken zijn
    Als de consulent IO de taak "Voortgangsgesprek voeren" afrondt met:
      | Stress                            | Laag |
      | Klant zit in de juiste klantgroep | nee  |
    En de consulent IO de taak "Groepswissel vastleggen" afrondt met:
      | Nieuwe klantgroep                  | Faciliteren                   |
      | Reden (doorgroeien of terugvallen) | actief als vrijwilliger buurthuis |
    Dan is "klantgroep" vastgelegd als "Faciliteren"
    En is "voortgangsinterval" vastgelegd als "P6M"
    En staat de taak "Kennismaken en participatieplan" in de werkvoorraad van de participatiemakelaar

  Scenario: Terugvallen van Groeien naar Zorgen door de werkcoach
    Gegeven de klant is ingedeeld in klantgroep "Groeien"
    En er 14 dagen verstreken zijn
    En de kick-off is geweest
    En de werkcoach de taak "Plan van aanpak met werkcoach" heeft afgerond met:
      | Afspraken plan van aanpak | werkleerroute |
    Als de werkcoach de taak "Coachen en ontwikkelen naar werk" afrondt met:
      | Uitkomst                      | Naar andere klantgroep |
      | Nieuwe klantgroep (bij wissel) | Zorgen                 |
    Dan is "klantgroep" vastgelegd als "Zorgen"
    En staat de taak "Ondersteunen met wijkbijeenkomsten" in de werkvoorraad van de consulent IO

  Scenario: De klant blijft in de groep en de ondersteuning loopt door tot het volgende gesprek
    Gegeven de klant is ingedeeld in klantgroep "Faciliteren"
    En er 14 dagen verstreken zijn
    En de kick-off is geweest
    En de participatiemakelaar de taak "Kennismaken en participatieplan" heeft afgerond met:
      | Afspraken participatie | taalmaatje |
    En er 6 maanden verstreken zijn
    Als de consulent IO de taak "Voortgangsgesprek voeren" afrondt
    Dan staat de taak "Participatieplek zoeken en begeleiden" in de werkvoorraad van de participatiemakelaar
    Als er 6 maanden verstreken zijn
    Dan staat de taak "Voortgangsgesprek voeren" in de werkvoorraad van de consulent IO
