"""Scenarios of the Werkplein, werkgeversservicepunt and zoekperiode features against the
real orchestrator and diagrams."""

from pytest_bdd import scenarios

scenarios(
    "werkplein_aanmelding.feature",
    "werkplein_intake.feature",
    "werkplein_diagnose.feature",
    "werkgeversservicepunt.feature",
    "zoekperiode.feature",
)
