# language: nl
Functionaliteit: Diagnose en begeleiding door de klantmanager
  Na de intake volgt de diagnose door de toegewezen klantmanager. Zelfredzame klanten krijgen
  de eerste drie maanden digitale basisdienstverlening, uiterlijk daarna persoonlijke
  dienstverlening. De klantmanager roept diensten op bij de back offices en het SW-bedrijf;
  zij melden terug aan de klantmanager. Kan een SW-indicatie aan de orde zijn, dan vraagt de
  klantmanager die aan bij UWV en draagt de klant bij toekenning over aan de back office van
  het SW-bedrijf. Klaar voor werk: de klant is beschikbaar voor de matchmakers. Geen uitzicht
  op werk maar wel recht op inkomen: overdracht aan de inkomensconsulenten.
  Diagram: processes/bpmn/werkplein_diagnose.bpmn

  Scenario: Zelfredzaam: digitale basisdienstverlening, uiterlijk na drie maanden persoonlijk
    Gegeven de klant is bij de intake met dossier "WP-20"
    En de wisselwachter de quickscan heeft afgenomen met afstand tot de arbeidsmarkt "Middel" zonder uitkering
    Als de klantmanager de taak "Eerste gesprek en actieplan" afrondt met:
      | Zelfredzaam (digitale basisdienstverlening) | ja |
    Dan staat de taak "Digitale basisdienstverlening volgen" in de werkvoorraad van de klantmanager
    Als er 2 maanden verstreken zijn
    Dan staat de taak "Begeleiden en vervolg bepalen" niet open
    Als er 1 maand verstreken is
    Dan staat de taak "Begeleiden en vervolg bepalen" in de werkvoorraad van de klantmanager
    En staat de taak "Digitale basisdienstverlening volgen" niet open

  Scenario: De klantmanager roept de back office schuldhulpverlening op, die meldt terug
    Gegeven de klant is in begeleiding bij de klantmanager met dossier "WP-21"
    Als de klantmanager als vervolg kiest voor "Dienst van een back office oproepen" met:
      | Back office   | Schuldhulpverlening       |
      | vraagstelling | schuldenoverzicht opmaken |
    Dan staat de taak "Dienst uitvoeren en terugmelden" in de werkvoorraad van de schuldhulpverlener
    Als de schuldhulpverlener de taak "Dienst uitvoeren en terugmelden" afrondt met:
      | Terugmelding aan de klantmanager | budgetbeheer gestart |
    Dan staat de taak "Begeleiden en vervolg bepalen" in de werkvoorraad van de klantmanager
    En staat de taak "Dienst uitvoeren en terugmelden" niet open

  Scenario: Specifieke diagnose door het SW-bedrijf, dat terugmeldt aan de klantmanager
    Gegeven de klant is in begeleiding bij de klantmanager met dossier "WP-22"
    Als de klantmanager als vervolg kiest voor "Onderzoek door het SW-bedrijf"
    Dan staat er een opdracht "sw-bedrijf.diagnose-aanvragen" klaar
    Als het SW-bedrijf de opdracht "diagnose-aanvragen" uitvoert
    Dan staat de taak "Begeleiden en vervolg bepalen" niet open
    Als het bericht "terugmelding-sw-bedrijf" binnenkomt met:
      | uitkomst | afgerond                       |
      | advies   | leerwerkplek in de groenvoorziening |
    Dan staat de taak "Begeleiden en vervolg bepalen" in de werkvoorraad van de klantmanager
    En staat er geen opdracht "sw-bedrijf.diagnose-aanvragen" klaar

  Scenario: SW-indicatie toegekend: overdracht aan de back office van het SW-bedrijf
    Gegeven de klant is in begeleiding bij de klantmanager met dossier "WP-23"
    Als de klantmanager als vervolg kiest voor "SW-indicatie aanvragen bij UWV"
    Dan staat er een opdracht "uwv.sw-indicatie-aanvragen" klaar
    Als UWV de opdracht "sw-indicatie-aanvragen" uitvoert
    En het bericht "sw-indicatie-besluit" binnenkomt met:
      | swIndicatie | ja |
    Dan staat de taak "Klant overnemen in de back office SW-bedrijf" in de werkvoorraad van de back office SW-bedrijf
    Als de back office SW-bedrijf de taak "Klant overnemen in de back office SW-bedrijf" afrondt
    Dan is het dossier afgerond

  Scenario: SW-indicatie afgewezen: de klantmanager begeleidt verder
    Gegeven de klant is in begeleiding bij de klantmanager met dossier "WP-24"
    Als de klantmanager als vervolg kiest voor "SW-indicatie aanvragen bij UWV"
    En UWV de opdracht "sw-indicatie-aanvragen" uitvoert
    En het bericht "sw-indicatie-besluit" binnenkomt met:
      | swIndicatie | nee |
    Dan staat de taak "Begeleiden en vervolg bepalen" in de werkvoorraad van de klantmanager
    En staat de taak "Klant overnemen in de back office SW-bedrijf" niet open

  Scenario: Klaar voor werk: beschikbaar voor de matchmakers
    Gegeven de klant is in begeleiding bij de klantmanager met dossier "WP-25"
    Als de klantmanager als vervolg kiest voor "Klaar voor werk"
    Dan staat er een opdracht "gemeente.zaakstatus-zetten" klaar
    Als de gemeente de opdracht "zaakstatus-zetten" uitvoert
    Dan staat de taak "Kandidaat opnemen in het bestand" in de werkvoorraad van de matchmaker
    Als de matchmaker de taak "Kandidaat opnemen in het bestand" afrondt met:
      | Beroepswens of sector | tuinbouw |
    Dan is het dossier afgerond

  Scenario: Geen uitzicht op werk: overdracht aan de inkomensconsulenten
    Gegeven de klant is in begeleiding bij de klantmanager met dossier "WP-26"
    Als de klantmanager als vervolg kiest voor "Geen uitzicht op werk, wel recht op inkomen"
    Dan staat de taak "Klant overnemen: inkomen zonder uitzicht op werk" in de werkvoorraad van de inkomensconsulent
    En staat de taak "Kandidaat opnemen in het bestand" niet open
