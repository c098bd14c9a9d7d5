# language: nl
Functionaliteit: Afhandeling uitkering, parallel aan het participatietraject
  Ca. een week na het eerste gesprek heeft de klant een afspraak met een consulent van
  Inkomensondersteuning. Met complete stukken volgt het besluit en de betaling; ontbreken er
  stukken, dan krijgt de klant een hersteltermijn. Dit loopt parallel aan de kick-off (ca.
  twee weken na het eerste gesprek) en de ondersteuning in de klantgroep.

  Achtergrond:
    Gegeven de klant is ingedeeld in klantgroep "Groeien"

  Scenario: Het uitkeringsspoor begint ongeveer een week na het eerste gesprek
    Dan staat de taak "Gesprek consulent: stukken beoordelen" niet open
    Als er 7 dagen verstreken zijn
    En UWV de opdracht "werkzoekende-registreren" uitvoert
    En UWV de opdracht "ww-uitkering-opvragen" uitvoert
    En de gemeente de opdracht "uitkering-aanvragen" uitvoert
    Dan staat de taak "Gesprek consulent: stukken beoordelen" in de werkvoorraad van de consulent IO

  Scenario: Uitkering toegekend en betaald voor de kick-off
    Als er 7 dagen verstreken zijn
    En de uitkering wordt toegekend
    Dan is "uitkeringsbesluit" vastgelegd als "toegekend"
    En staat de taak "Kick-off bijeenkomst per klantgroep" niet open
    Als er 7 dagen verstreken zijn
    Dan staat de taak "Kick-off bijeenkomst per klantgroep" in de werkvoorraad van de trainer

  Scenario: De kick-off en de ondersteuning lopen door terwijl de uitkering nog loopt
    Als er 14 dagen verstreken zijn
    En de klant de kick-off bijwoont
    En de ketenpartners hun opdrachten uitvoeren
    Dan staat de taak "Plan van aanpak met werkcoach" in de werkvoorraad van de werkcoach
    En staat de taak "Gesprek consulent: stukken beoordelen" in de werkvoorraad van de consulent IO
    Als de uitkering wordt toegekend
    Dan staat de taak "Plan van aanpak met werkcoach" in de werkvoorraad van de werkcoach
    En staat de taak "Besluit op de aanvraag" niet open

  Scenario: Stukken onvolledig: hersteltermijn, daarna aangeleverd
    Als er 7 dagen verstreken zijn
    En de ketenpartners hun opdrachten uitvoeren
    En de consulent IO de taak "Gesprek consulent: stukken beoordelen" afrondt met:
      | Stukken compleet | nee |
    En de consulent IO de taak "Hersteltermijn geven" afrondt met:
      | Ontbrekende stukken | bankafschriften van drie maanden |
    En het bericht "stukken-aangeleverd" binnenkomt
    Dan staat de taak "Gesprek consulent: stukken beoordelen" in de werkvoorraad van de consulent IO

  Scenario: Hersteltermijn verstreken: aanvraag buiten behandeling
    Als er 7 dagen verstreken zijn
    En de ketenpartners hun opdrachten uitvoeren
    En de consulent IO de taak "Gesprek consulent: stukken beoordelen" afrondt met:
      | Stukken compleet | nee |
    En de consulent IO de taak "Hersteltermijn geven" afrondt met:
      | Ontbrekende stukken | huurcontract |
    En er 14 dagen verstreken zijn
    Dan staat de taak "Aanvraag buiten behandeling stellen" in de werkvoorraad van de consulent IO
    Als de consulent IO de taak "Aanvraag buiten behandeling stellen" afrondt
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    Dan is "uitkeringsbesluit" vastgelegd als "buiten_behandeling"
    En staat er geen opdracht "gemeente.betaling-opdragen" klaar
