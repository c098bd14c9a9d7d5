# language: nl
Functionaliteit: Intake door de wisselwachter en Work First
  De dienstdoende intake klantmanager (de wisselwachter, zonder caseload) neemt een quickscan
  af en wijst een klantmanager toe. Is de afstand tot de arbeidsmarkt kort, dan volgt een
  intake bij Work First. Werkt de klant niet binnen 48 uur via het uitzendbureau, dan wordt
  een uitkeringsintake ingepland. Is de klant met Work First gestart, dan neemt de
  klantmanager binnen twee weken contact op met Work First.
  Diagram: processes/bpmn/werkplein_intake.bpmn

  Achtergrond:
    Gegeven de klant is bij de intake met dossier "WP-10"

  Scenario: Korte afstand: Work First, binnen 48 uur aan het werk, contact binnen twee weken
    Als de wisselwachter de quickscan afneemt met afstand tot de arbeidsmarkt "Kort"
    En de wisselwachter de taak "Intakeafspraak bij Work First maken" afrondt
    Dan staat de taak "Plaatsing via het uitzendbureau melden" in de werkvoorraad van de consulent Work First
    Als er 1 dag verstreken is
    En de consulent Work First de taak "Plaatsing via het uitzendbureau melden" afrondt met:
      | Uitzendbureau | Flexwerk Westland |
    Dan staat de taak "Contact met Work First over de voortgang" in de werkvoorraad van de klantmanager
    En heeft de taak "Contact met Work First over de voortgang" een vervaldatum over 14 dagen
    En staat de taak "Uitkeringsintake inplannen" niet open
    Als de klantmanager de taak "Contact met Work First over de voortgang" afrondt met:
      | Uitkomst Work First | Klant werkt via het uitzendbureau |
    Dan is het dossier afgerond
    En staat er geen opdracht "gemeente.uitkering-aanvragen" klaar

  Scenario: Work First na 48 uur zonder werk: uitkeringsintake inplannen
    Als de wisselwachter de quickscan afneemt met afstand tot de arbeidsmarkt "Kort"
    En de wisselwachter de taak "Intakeafspraak bij Work First maken" afrondt
    En er 2 dagen verstreken zijn
    Dan staat de taak "Plaatsing via het uitzendbureau melden" niet open
    En staat de taak "Uitkeringsintake inplannen" in de werkvoorraad van de klantmanager
    Als de klantmanager de taak "Uitkeringsintake inplannen" afrondt met:
      | Datum uitkeringsintake | 2026-01-09 |
    En de gemeente de opdracht "uitkering-aanvragen" uitvoert
    Dan staat de taak "Eerste gesprek en actieplan" in de werkvoorraad van de klantmanager

  Scenario: Work First gestopt: alsnog een uitkeringsintake
    Als de wisselwachter de quickscan afneemt met afstand tot de arbeidsmarkt "Kort"
    En de wisselwachter de taak "Intakeafspraak bij Work First maken" afrondt
    En de consulent Work First de taak "Plaatsing via het uitzendbureau melden" afrondt
    En er 10 dagen verstreken zijn
    En de klantmanager de taak "Contact met Work First over de voortgang" afrondt met:
      | Uitkomst Work First | Work First gestopt |
    Dan staat de taak "Uitkeringsintake inplannen" in de werkvoorraad van de klantmanager

  Scenario: Langere afstand tot de arbeidsmarkt: uitkeringsintake en diagnose, geen Work First
    Als de wisselwachter de quickscan afneemt met afstand tot de arbeidsmarkt "Lang"
    Dan staat de taak "Intakeafspraak bij Work First maken" niet open
    En staat de taak "Uitkeringsintake inplannen" in de werkvoorraad van de klantmanager

  Scenario: Geen uitkering nodig: meteen naar de diagnose
    Als de wisselwachter de quickscan afneemt met afstand tot de arbeidsmarkt "Middel" zonder uitkering
    Dan staat de taak "Eerste gesprek en actieplan" in de werkvoorraad van de klantmanager
    En staat er geen opdracht "gemeente.uitkering-aanvragen" klaar
