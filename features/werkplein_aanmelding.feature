# language: nl
Functionaliteit: Aanmelding en routering op het Werkplein
  Een klant meldt zich aan de balie, telefonisch of per e-mail; de afhandeling is hetzelfde
  ongeacht het kanaal. De beslistabel "aanmelding_routering" leidt de klant door: een vraag
  over werk, inkomen, inburgering of participatie gaat naar de intake; wie alleen voor
  schulden komt gaat naar de back office schuldhulpverlening (met klantdossier, afspraak en
  een lijst met mee te nemen documenten); zelfstandigen met geldproblemen gaan naar de
  inkomensconsulenten Bbz; voor al het andere verwijst de balie door naar derden, zonder
  klantdossier.
  Diagram: processes/bpmn/werkplein_aanmelding.bpmn

  Abstract Scenario: Hetzelfde klantproces via elk kanaal
    Gegeven het proces "werkplein_aanmelding" is gestart voor dossier "WP-1"
    Als de baliemedewerker de taak "Aanmelding registreren" afrondt met:
      | Kanaal             | <kanaal> |
      | Vraag van de klant | Werk     |
    Dan staat er een opdracht "gemeente.zaak-registreren" klaar
    Als de gemeente de opdracht "zaak-registreren" uitvoert
    Dan staat de taak "Quickscan afnemen" in de werkvoorraad van de wisselwachter
    En is "route" vastgelegd als "intake"

    Voorbeelden:
      | kanaal   |
      | Balie    |
      | Telefoon |
      | E-mail   |

  Scenario: Een vraag over inkomen gaat naar de intake
    Als een klant zich meldt bij het Werkplein met de vraag "Inkomen" en dossier "WP-2"
    En de gemeente de opdracht "zaak-registreren" uitvoert
    Dan staat de taak "Quickscan afnemen" in de werkvoorraad van de wisselwachter

  Scenario: Alleen schulden: klantdossier, afspraak en documentenlijst voor schuldhulpverlening
    Als een klant zich meldt bij het Werkplein met de vraag "Alleen schulden" en dossier "WP-3"
    Dan is "route" vastgelegd als "schuldhulp"
    En staat er een opdracht "gemeente.zaak-registreren" klaar
    Als de gemeente de opdracht "zaak-registreren" uitvoert
    Dan staat de taak "Afspraak schuldhulpverlening maken en documentenlijst meegeven" in de werkvoorraad van de baliemedewerker
    Als de baliemedewerker de taak "Afspraak schuldhulpverlening maken en documentenlijst meegeven" afrondt met:
      | Datum afspraak | 2026-01-12 |
    Dan staat de taak "Eerste gesprek schuldhulpverlening" in de werkvoorraad van de schuldhulpverlener
    En is "documentenlijst" vastgelegd
    En staat de taak "Quickscan afnemen" niet open
    Als de schuldhulpverlener de taak "Eerste gesprek schuldhulpverlening" afrondt
    Dan is het dossier afgerond

  Scenario: Zelfstandige met geldproblemen: naar de inkomensconsulent Bbz
    Als een zelfstandige zich meldt bij het Werkplein met de vraag "Inkomen" en dossier "WP-4"
    En de gemeente de opdracht "zaak-registreren" uitvoert
    Dan staat de taak "Bbz-aanvraag in behandeling nemen" in de werkvoorraad van de inkomensconsulent Bbz
    Als de inkomensconsulent Bbz de taak "Bbz-aanvraag in behandeling nemen" afrondt met:
      | Onderneming | Hoveniersbedrijf Groen |
    En de gemeente de opdracht "uitkering-aanvragen" uitvoert
    Dan is het dossier afgerond
    En is "route" vastgelegd als "bbz"

  Scenario: Een zelfstandige met een werkvraag gaat gewoon naar de intake
    Als een zelfstandige zich meldt bij het Werkplein met de vraag "Werk" en dossier "WP-5"
    En de gemeente de opdracht "zaak-registreren" uitvoert
    Dan staat de taak "Quickscan afnemen" in de werkvoorraad van de wisselwachter

  Scenario: Een andere vraag: doorverwijzen naar derden, geen klantdossier
    Als een klant zich meldt bij het Werkplein met de vraag "Iets anders" en dossier "WP-6"
    Dan staat de taak "Doorverwijzen naar dienst van derden" in de werkvoorraad van de baliemedewerker
    En staat er geen opdracht "gemeente.zaak-registreren" klaar
    Als de baliemedewerker de taak "Doorverwijzen naar dienst van derden" afrondt met:
      | Doorverwezen naar | Juridisch loket |
    Dan is het dossier afgerond
    En is "klantdossier" vastgelegd als "nee"
