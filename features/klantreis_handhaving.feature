# language: nl
Functionaliteit: Handhaving bij verzuim (afspraak is afspraak)
  Een gemiste afspraak wordt vastgelegd. De eerste keer volgt een oproep zonder sanctie; bij
  herhaling een maatregel, gewogen met de omgekeerde toets: wat veroorzaakt de sanctie
  (huisuitzetting, kinderen)? Dient een alternatieve sanctie de bedoeling van de wet beter,
  dan wordt die gekozen en vastgelegd.
  Diagram: processes/bpmn/handhaving.bpmn

  Achtergrond:
    Gegeven de klant is ingedeeld in klantgroep "Groeien"
    En er 7 dagen verstreken zijn
    En de uitkering is toegekend
    En er 7 dagen verstreken zijn

  Scenario: Eerste keer niet op de kick-off: oproep zonder sanctie
    Als de trainer de taak "Kick-off bijeenkomst per klantgroep" afrondt met:
      | Klant aanwezig | nee |
    Dan staat de taak "Verzuim vastleggen" in de werkvoorraad van de handhavingsspecialist
    Als de handhavingsspecialist de taak "Verzuim vastleggen" afrondt
    Dan staat de taak "Oproep zonder sanctie versturen" in de werkvoorraad van de handhavingsspecialist
    Als de handhavingsspecialist de taak "Oproep zonder sanctie versturen" afrondt
    Dan staat de taak "Opnieuw uitnodigen voor kick-off" in de werkvoorraad van de trainer
    Als de trainer de taak "Opnieuw uitnodigen voor kick-off" afrondt
    En de klant de kick-off bijwoont
    Dan staat de taak "Plan van aanpak met werkcoach" in de werkvoorraad van de werkcoach
    En is "verzuimen" vastgelegd als "1"

  Scenario: Herhaald verzuim: omgekeerde toets kiest een alternatieve sanctie
    Gegeven de trainer de taak "Kick-off bijeenkomst per klantgroep" heeft afgerond met:
      | Klant aanwezig | nee |
    En de handhavingsspecialist de taak "Verzuim vastleggen" heeft afgerond
    En de handhavingsspecialist de taak "Oproep zonder sanctie versturen" heeft afgerond
    En de trainer de taak "Opnieuw uitnodigen voor kick-off" heeft afgerond
    Als de trainer de taak "Kick-off bijeenkomst per klantgroep" afrondt met:
      | Klant aanwezig | nee |
    En de handhavingsspecialist de taak "Verzuim vastleggen" afrondt
    Dan staat de taak "Omgekeerde toets: gevolgen van een maatregel wegen" in de werkvoorraad van de handhavingsspecialist
    Als de handhavingsspecialist de taak "Omgekeerde toets: gevolgen van een maatregel wegen" afrondt met:
      | Gevolgen van een maatregel              | Dreigende huisuitzetting |
      | Alternatieve sanctie dient de wet beter | ja                       |
    En de handhavingsspecialist de taak "Alternatieve sanctie vastleggen" afrondt met:
      | Gekozen alternatieve sanctie | verplichte budgetcursus |
    En de gemeente de opdracht "besluit-vastleggen" uitvoert
    En de trainer de taak "Opnieuw uitnodigen voor kick-off" afrondt
    Dan is "gekozenAlternatief" vastgelegd als "verplichte budgetcursus"
    En is "verzuimen" vastgelegd als "2"
    En is "verlagingProcent" niet vastgelegd

  Scenario: Herhaald verzuim zonder verzachtende gevolgen: maatregel opgelegd
    Gegeven de trainer de taak "Kick-off bijeenkomst per klantgroep" heeft afgerond met:
      | Klant aanwezig | nee |
    En de handhavingsspecialist de taak "Verzuim vastleggen" heeft afgerond
    En de handhavingsspecialist de taak "Oproep zonder sanctie versturen" heeft afgerond
    En de trainer de taak "Opnieuw uitnodigen voor kick-off" heeft afgerond
    Als de trainer de taak "Kick-off bijeenkomst per klantgroep" afrondt met:
      | Klant aanwezig | nee |
    En de handhavingsspecialist de taak "Verzuim vastleggen" afrondt
    En de handhavingsspecialist de taak "Omgekeerde toets: gevolgen van een maatregel wegen" afrondt met:
      | Gevolgen van een maatregel | Geen bijzondere gevolgen |
    En de handhavingsspecialist de taak "Maatregel opleggen" afrondt met:
      | Verlaging (procent) | 20 |
    Dan staat er een opdracht "gemeente.besluit-vastleggen" klaar
    Als de gemeente de opdracht "besluit-vastleggen" uitvoert
    En de trainer de taak "Opnieuw uitnodigen voor kick-off" afrondt
    Dan is "verlagingProcent" vastgelegd als "20"

  Scenario: Niet op het voortgangsgesprek: ook daar volgt handhaving
    Gegeven de kick-off is geweest
    En de werkcoach de taak "Plan van aanpak met werkcoach" heeft afgerond met:
      | Afspraken plan van aanpak | werkfit |
    Als er 1 jaar verstreken is
    En de consulent IO de taak "Voortgangsgesprek voeren" afrondt met:
      | Klant aanwezig | nee |
    Dan staat de taak "Verzuim vastleggen" in de werkvoorraad van de handhavingsspecialist

  Scenario: Maatregel geweigerd: de gemeente kent geen lopende uitkering meer
    Gegeven de trainer de taak "Kick-off bijeenkomst per klantgroep" heeft afgerond met:
      | Klant aanwezig | nee |
    En de handhavingsspecialist de taak "Verzuim vastleggen" heeft afgerond
    En de handhavingsspecialist de taak "Oproep zonder sanctie versturen" heeft afgerond
    En de trainer de taak "Opnieuw uitnodigen voor kick-off" heeft afgerond
    Als de trainer de taak "Kick-off bijeenkomst per klantgroep" afrondt met:
      | Klant aanwezig | nee |
    En de handhavingsspecialist de taak "Verzuim vastleggen" afrondt
    En de handhavingsspecialist de taak "Omgekeerde toets: gevolgen van een maatregel wegen" afrondt met:
      | Gevolgen van een maatregel | Geen bijzondere gevolgen |
    En de handhavingsspecialist de taak "Maatregel opleggen" afrondt met:
      | Verlaging (procent) | 20 |
    En de gemeente de opdracht "besluit-vastleggen" weigert met code "GEEN_TOEKENNING"
    Dan staat de taak "Gegevens controleren: maatregel zonder lopende uitkering" in de werkvoorraad van de handhavingsspecialist
    Als de handhavingsspecialist de taak "Gegevens controleren: maatregel zonder lopende uitkering" afrondt met:
      | Bevinding | uitkering is per 1 januari beëindigd |
    Dan staat de taak "Opnieuw uitnodigen voor kick-off" in de werkvoorraad van de trainer
    En is "controleBevinding" vastgelegd als "uitkering is per 1 januari beëindigd"
