# language: nl
Functionaliteit: Afhandeling uitkering, parallel aan het participatietraject
  Ca. een week na het eerste gesprek heeft de klant een afspraak met een consulent van
  Inkomensondersteuning. Met complete stukken volgt het besluit en de betaling; ontbreken er
  stukken, dan krijgt de klant een hersteltermijn. Dit loopt parallel aan de kick-off (ca.
  twee weken na het eerste gesprek) en de ondersteuning in de klantgroep.
  Diagram: processes/bpmn/afhandeling_uitkering.bpmn

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
    En is "betalingStatus" vastgelegd als "opgedragen"
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

  Scenario: UWV kent de klant niet bij de inschrijving: de consulent controleert de gegevens
    Als er 7 dagen verstreken zijn
    En UWV de opdracht "werkzoekende-registreren" weigert met code "PERSOON_ONBEKEND"
    Dan staat de taak "Gegevens controleren: UWV kent de klant niet" in de werkvoorraad van de consulent IO
    En staat er geen opdracht "uwv.ww-uitkering-opvragen" klaar
    En is "foutcode" vastgelegd als "PersoonOnbekend"
    Als de consulent IO de taak "Gegevens controleren: UWV kent de klant niet" afrondt met:
      | Bevinding (identiteit, BSN, inschrijving) | paspoort gezien, klant schrijft zich in via werk.nl |
    En de gemeente de opdracht "uitkering-aanvragen" uitvoert
    Dan staat de taak "Gesprek consulent: stukken beoordelen" in de werkvoorraad van de consulent IO

  Scenario: UWV kent de klant niet bij het opvragen van de WW: ook dan controleert de consulent
    Als er 7 dagen verstreken zijn
    En UWV de opdracht "werkzoekende-registreren" uitvoert
    En UWV de opdracht "ww-uitkering-opvragen" weigert met code "PERSOON_ONBEKEND"
    Dan staat de taak "Gegevens controleren: UWV kent de klant niet" in de werkvoorraad van de consulent IO
    En staat er geen opdracht "gemeente.uitkering-aanvragen" klaar
    Als de consulent IO de taak "Gegevens controleren: UWV kent de klant niet" afrondt met:
      | Bevinding (identiteit, BSN, inschrijving) | geen WW-verleden, BSN klopt |
    Dan staat er een opdracht "gemeente.uitkering-aanvragen" klaar
    En is "werkzoekendeStatus" vastgelegd als "geregistreerd"

  Scenario: Betaling geweigerd omdat de gemeente geen toekenning kent: de consulent zoekt het uit
    Als er 7 dagen verstreken zijn
    En de ketenpartners hun opdrachten uitvoeren
    En de consulent IO de taak "Gesprek consulent: stukken beoordelen" afrondt
    En de consulent IO de taak "Besluit op de aanvraag" afrondt met:
      | Besluit                                       | Toegekend |
      | Bedrag per maand in euro (bij toekenning)     | 1400      |
      | Eerste betaalperiode JJJJ-MM (bij toekenning) | 2026-01   |
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    En de gemeente de opdracht "betaling-opdragen" weigert met code "GEEN_TOEKENNING"
    Dan staat de taak "Gegevens controleren: betaling geweigerd" in de werkvoorraad van de consulent IO
    En is "foutcode" vastgelegd als "geen-toekenning"
    Als de consulent IO de taak "Gegevens controleren: betaling geweigerd" afrondt met:
      | Bevinding | toekenning stond nog niet in de uitkeringsadministratie |
    Dan staat de taak "Gegevens controleren: betaling geweigerd" niet open
    En staat er geen opdracht "gemeente.betaling-opdragen" klaar
