# language: nl
Functionaliteit: Melding en poortwachter
  De baliemedewerker vraagt de poortwachter (inkomensspecialist van IO) om direct de eerste
  uitvraag te doen. De poortwachter werkt met een checklist, schat de rechtmatigheid grof in,
  pakt door bij broodnood of dreigende huisuitzetting, verwijst zo nodig door naar
  netwerkpartners en wijst af met een reden, of er volgt een afspraak voor het ambitiegesprek.
  Diagram: processes/bpmn/melding_poortwachter.bpmn

  Achtergrond:
    Gegeven een nieuwe klant meldt zich aan de balie met dossier "DOS-10"

  Scenario: Geen reden voor afwijzing: afspraak voor het ambitiegesprek
    Dan staat de taak "Eerste uitvraag met checklist" in de werkvoorraad van de poortwachter
    Als de poortwachter de taak "Eerste uitvraag met checklist" afrondt
    En de baliemedewerker de taak "Afspraak ambitiegesprek maken" afrondt met:
      | Datum ambitiegesprek | 2026-01-08 |
    Dan staat de taak "Leefgebieden bespreken en diagnose" in de werkvoorraad van de intaker
    En is "afspraakAmbitiegesprek" vastgelegd als "2026-01-08"

  Scenario: Broodnood: de poortwachter kent direct een voorschot toe
    Als de poortwachter de taak "Eerste uitvraag met checklist" afrondt met:
      | Broodnood | ja |
    Dan staat de taak "Voorschot toekennen" in de werkvoorraad van de poortwachter
    Als de poortwachter de taak "Voorschot toekennen" afrondt met:
      | Bedrag voorschot (euro) | 250 |
    Dan staat er een opdracht "gemeente.voorschot-betalen" klaar
    Als de gemeente de opdracht "gemeente.voorschot-betalen" uitvoert
    Dan staat de taak "Afspraak ambitiegesprek maken" in de werkvoorraad van de baliemedewerker
    Als de baliemedewerker de taak "Afspraak ambitiegesprek maken" afrondt
    Dan is "voorschotBedrag" vastgelegd als "250"

  Scenario: Dreigende huisuitzetting en doorverwijzing naar schuldhulpverlening
    Als de poortwachter de taak "Eerste uitvraag met checklist" afrondt met:
      | Dreigende huisuitzetting           | ja |
      | Doorverwijzen naar netwerkpartners | ja |
    En de poortwachter de taak "Voorschot toekennen" afrondt met:
      | Bedrag voorschot (euro) | 400 |
    En de gemeente de opdracht "voorschot-betalen" uitvoert
    Dan staat de taak "Doorverwijzen naar netwerkpartners" in de werkvoorraad van de poortwachter
    Als de poortwachter de taak "Doorverwijzen naar netwerkpartners" afrondt met:
      | Netwerkpartner | Schuldhulpverlening |
    Dan staat de taak "Afspraak ambitiegesprek maken" in de werkvoorraad van de baliemedewerker
    Als de baliemedewerker de taak "Afspraak ambitiegesprek maken" afrondt
    Dan is "netwerkpartner" vastgelegd als "schuldhulpverlening"

  Scenario: Afwijzing met reden, zonder ambitiegesprek
    Als de poortwachter de taak "Eerste uitvraag met checklist" afrondt met:
      | Grove inschatting rechtmatigheid | Waarschijnlijk geen recht |
      | Directe reden voor afwijzing     | ja                        |
    Dan staat de taak "Afwijzing met reden vastleggen" in de werkvoorraad van de poortwachter
    Als de poortwachter de taak "Afwijzing met reden vastleggen" afrondt met:
      | Reden van afwijzing | inkomen boven de bijstandsnorm |
    Dan staat er een opdracht "gemeente.resultaat-zetten" klaar
    En staat de taak "Afspraak ambitiegesprek maken" niet open
