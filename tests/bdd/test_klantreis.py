"""Scenarios of the klantreis features against the real orchestrator and diagrams."""

from pytest_bdd import scenarios

scenarios(
    "klantreis.feature",
    "klantreis_melding_poortwachter.feature",
    "klantreis_ambitiegesprek.feature",
    "klantreis_afhandeling_uitkering.feature",
    "klantreis_voortgangsgesprek.feature",
    "klantreis_handhaving.feature",
    "klantreis_nazorg.feature",
)
