# language: nl
Functionaliteit: Plaatsing, uitstroom en nazorg
  Na plaatsing wordt de uitkering beëindigd (uitstroom). Wie geplaatst is met
  loonkostensubsidie of op beschut werk krijgt jobcoaching; beschut werk loopt via een
  detachering bij het SW-bedrijf. Anders volgt een nazorggesprek met de werkcoach.
  Diagram: processes/bpmn/nazorg.bpmn

  Achtergrond:
    Gegeven de klant is ingedeeld in klantgroep "Groeien"
    En er 7 dagen verstreken zijn
    En de uitkering is toegekend
    En er 7 dagen verstreken zijn
    En de kick-off is geweest
    En de werkcoach de taak "Plan van aanpak met werkcoach" heeft afgerond met:
      | Afspraken plan van aanpak | leerwerktraject |

  Scenario: Plaatsing op beschut werk: detachering via het SW-bedrijf en jobcoaching
    Als de werkcoach de taak "Coachen en ontwikkelen naar werk" afrondt met:
      | Uitkomst                  | Geplaatst            |
      | Plaatsingsvorm            | Beschut werk         |
      | Werkgever (bij plaatsing) | Kwekerij De Lier     |
    Dan staat de taak "Uitkering beëindigen (uitstroom)" in de werkvoorraad van de consulent IO
    Als de consulent IO de taak "Uitkering beëindigen (uitstroom)" afrondt
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    Dan staat er een opdracht "sw-bedrijf.detachering-aanbieden" klaar
    Als het SW-bedrijf de opdracht "detachering-aanbieden" uitvoert
    Dan staat de taak "Jobcoaching inzetten" in de werkvoorraad van de jobcoach
    Als de jobcoach de taak "Jobcoaching inzetten" afrondt met:
      | Uren jobcoaching per week | 6 |
    En er 3 maanden verstreken zijn
    En de jobcoach de taak "Nazorg evalueren" afrondt
    En de gemeente de opdracht "resultaat-zetten" uitvoert
    Dan is het dossier afgerond
    En is "jobcoachUren" vastgelegd als "6"

  Scenario: Reguliere plaatsing: nazorggesprek met de werkcoach, geen jobcoaching
    Als de werkcoach de taak "Coachen en ontwikkelen naar werk" afrondt met:
      | Uitkomst | Geplaatst |
    En de consulent IO de taak "Uitkering beëindigen (uitstroom)" afrondt
    En de ketenpartners hun opdrachten uitvoeren
    Dan staat de taak "Nazorggesprek na plaatsing" in de werkvoorraad van de werkcoach
    En staat de taak "Jobcoaching inzetten" niet open
    Als de werkcoach de taak "Nazorggesprek na plaatsing" afrondt
    En de ketenpartners hun opdrachten uitvoeren
    Dan is het dossier afgerond
    En is "plaatsingsvorm" vastgelegd als "regulier"
