# language: nl
Functionaliteit: Klantreis werk en inkomen
  Een klant die zich meldt, doorloopt de klantreis van Deventer "Inzet op maat":
  melding en poortwachter, ambitiegesprek, afhandeling uitkering parallel aan de kick-off
  en de ondersteuning in de klantgroep, tot plaatsing, uitstroom en nazorg.
  Diagram: processes/bpmn/klantreis.bpmn

  Scenario: Matchen: snel geplaatst, uitkering beëindigd, geen jobcoaching nodig
    Gegeven een nieuwe klant meldt zich aan de balie met dossier "DOS-1"
    En de poortwachter ziet geen reden voor afwijzing
    En het ambitiegesprek is gevoerd met klantgroep "Matchen"
    Als er 7 dagen verstreken zijn
    En de uitkering wordt toegekend
    En er 7 dagen verstreken zijn
    En de klant de kick-off bijwoont
    Dan staat de taak "Plan van aanpak met werkcoach" in de werkvoorraad van de werkcoach
    Als de werkcoach de taak "Plan van aanpak met werkcoach" afrondt met:
      | Afspraken plan van aanpak | sollicitaties in de logistiek |
    En de werkcoach de taak "Intensief bemiddelen naar werk" afrondt met:
      | Uitkomst | Geplaatst |
    Dan staat de taak "Uitkering beëindigen (uitstroom)" in de werkvoorraad van de consulent IO
    Als de consulent IO de taak "Uitkering beëindigen (uitstroom)" afrondt
    En de gemeente de opdracht "gemeente.besluit-vastleggen" uitvoert
    Dan staat de taak "Nazorggesprek na plaatsing" in de werkvoorraad van de werkcoach
    Als de werkcoach de taak "Nazorggesprek na plaatsing" afrondt
    En de gemeente de opdracht "gemeente.resultaat-zetten" uitvoert
    Dan is het dossier afgerond

  Scenario: Afgewezen aan de poort
    Gegeven een nieuwe klant meldt zich aan de balie met dossier "DOS-2"
    Als de poortwachter de taak "Eerste uitvraag met checklist" afrondt met:
      | Directe reden voor afwijzing | ja |
    En de poortwachter de taak "Afwijzing met reden vastleggen" afrondt met:
      | Reden van afwijzing | vermogen boven de grens |
    En de gemeente de opdracht "gemeente.resultaat-zetten" uitvoert
    Dan is het dossier afgerond
    En is "afwijsreden" vastgelegd als "vermogen boven de grens"

  Scenario: Bestaande klant begint bij de herbeoordeling in een driegesprek met IO en DWT
    Gegeven een bestaande klant komt voor herbeoordeling met dossier "DOS-3"
    Dan staat de taak "Driegesprek herbeoordeling voorbereiden" in de werkvoorraad van de consulent IO
    En staat de taak "Eerste uitvraag met checklist" niet open
    Als de consulent IO de taak "Driegesprek herbeoordeling voorbereiden" afrondt
    En het ambitiegesprek wordt gevoerd met klantgroep "Zorgen"
    Dan staat de taak "Gesprek consulent: stukken beoordelen" niet open
    Als er 14 dagen verstreken zijn
    Dan staat de taak "Kick-off bijeenkomst per klantgroep" in de werkvoorraad van de trainer

  Scenario: Groeien: jaarlijks voortgangsgesprek, plaatsing met loonkostensubsidie en jobcoaching
    Gegeven de klant is ingedeeld in klantgroep "Groeien"
    En er 7 dagen verstreken zijn
    En de uitkering is toegekend
    En er 7 dagen verstreken zijn
    En de kick-off is geweest
    En de werkcoach de taak "Plan van aanpak met werkcoach" heeft afgerond met:
      | Afspraken plan van aanpak | werkfit traject |
    Als er 11 maanden verstreken zijn
    Dan staat de taak "Voortgangsgesprek voeren" niet open
    Als er 1 maand verstreken is
    Dan staat de taak "Voortgangsgesprek voeren" in de werkvoorraad van de consulent IO
    Als de consulent IO de taak "Voortgangsgesprek voeren" afrondt
    Dan staat de taak "Coachen en ontwikkelen naar werk" in de werkvoorraad van de werkcoach
    Als de werkcoach de taak "Coachen en ontwikkelen naar werk" afrondt met:
      | Uitkomst       | Geplaatst              |
      | Plaatsingsvorm | Met loonkostensubsidie |
    En de consulent IO de taak "Uitkering beëindigen (uitstroom)" afrondt
    En de ketenpartners hun opdrachten uitvoeren
    Dan staat de taak "Jobcoaching inzetten" in de werkvoorraad van de jobcoach
    Als de jobcoach de taak "Jobcoaching inzetten" afrondt
    En er 3 maanden verstreken zijn
    En de jobcoach de taak "Nazorg evalueren" afrondt
    En de ketenpartners hun opdrachten uitvoeren
    Dan is het dossier afgerond

  Scenario: Faciliteren: participatiemakelaar, halfjaarlijks gesprek en elke twee jaar rechtmatigheid
    Gegeven de klant is ingedeeld in klantgroep "Faciliteren"
    En er 14 dagen verstreken zijn
    En de kick-off is geweest
    Dan staat de taak "Kennismaken en participatieplan" in de werkvoorraad van de participatiemakelaar
    Als de participatiemakelaar de taak "Kennismaken en participatieplan" afrondt met:
      | Afspraken participatie | vrijwilligerswerk in de wijk |
    En er 6 maanden verstreken zijn
    Dan staat de taak "Voortgangsgesprek voeren" in de werkvoorraad van de consulent IO
    En staat de taak "Rechtmatigheidsonderzoek uitvoeren" niet open
    Als de consulent IO de taak "Voortgangsgesprek voeren" afrondt
    En er 18 maanden verstreken zijn
    Dan staat de taak "Rechtmatigheidsonderzoek uitvoeren" in de werkvoorraad van de consulent IO

  Scenario: Zorgen: ondersteuning met wijkbijeenkomsten en halfjaarlijkse voortgangsgesprekken
    Gegeven de klant is ingedeeld in klantgroep "Zorgen"
    En er 14 dagen verstreken zijn
    En de kick-off is geweest
    Dan staat de taak "Ondersteunen met wijkbijeenkomsten" in de werkvoorraad van de consulent IO
    Als er 6 maanden verstreken zijn
    Dan staat de taak "Voortgangsgesprek voeren" in de werkvoorraad van de consulent IO
    En staat de taak "Ondersteunen met wijkbijeenkomsten" niet open
    Als er 2 jaar verstreken zijn
    Dan staat de taak "Rechtmatigheidsonderzoek uitvoeren" niet open

  Scenario: Bestaande klant stroomt uit, maar de gemeente kent geen lopende uitkering meer
    Gegeven een bestaande klant komt voor herbeoordeling met dossier "DOS-4"
    En de consulent IO de taak "Driegesprek herbeoordeling voorbereiden" heeft afgerond
    En het ambitiegesprek is gevoerd met klantgroep "Groeien"
    En er 14 dagen verstreken zijn
    En de kick-off is geweest
    En de werkcoach de taak "Plan van aanpak met werkcoach" heeft afgerond met:
      | Afspraken plan van aanpak | werkfit traject |
    Als de werkcoach de taak "Coachen en ontwikkelen naar werk" afrondt met:
      | Uitkomst | Geplaatst |
    En de consulent IO de taak "Uitkering beëindigen (uitstroom)" afrondt
    En de gemeente de opdracht "besluit-vastleggen" weigert met code "GEEN_TOEKENNING"
    Dan staat de taak "Gegevens controleren: geen lopende uitkering" in de werkvoorraad van de consulent IO
    Als de consulent IO de taak "Gegevens controleren: geen lopende uitkering" afrondt met:
      | Bevinding | uitkering liep al af na een eerdere herbeoordeling |
    Dan staat de taak "Nazorggesprek na plaatsing" in de werkvoorraad van de werkcoach
