"""Write the generated klantreis and Werkplein diagrams to processes/bpmn.

Usage: ``python -m processes.tools.generate`` (from the repository root). Overwrites the
generated ``.bpmn`` files; decision tables (``.dmn``) are maintained by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from processes.tools import klantreis_diagrams as k
from processes.tools import klantreis_fasen as f
from processes.tools import werkgevers_diagrams as wg
from processes.tools import werkplein_diagrams as wp
from processes.tools import zoekperiode_diagram as zp
from processes.tools.bpmn_model import Proces

BPMN_DIR = Path(__file__).resolve().parents[1] / "bpmn"

DIAGRAMS: dict[str, Callable[[], Proces]] = {
    "klantreis.bpmn": f.klantreis,
    "melding_poortwachter.bpmn": k.melding_poortwachter,
    "ambitiegesprek.bpmn": k.ambitiegesprek,
    "afhandeling_uitkering.bpmn": k.afhandeling_uitkering,
    "ondersteuning.bpmn": f.ondersteuning,
    "voortgangsgesprek.bpmn": f.voortgangsgesprek,
    "handhaving.bpmn": f.handhaving,
    "nazorg.bpmn": f.nazorg,
    "werkplein_aanmelding.bpmn": wp.werkplein_aanmelding,
    "werkplein_intake.bpmn": wp.werkplein_intake,
    "werkplein_diagnose.bpmn": wp.werkplein_diagnose,
    "werkgeversservicepunt.bpmn": wg.werkgeversservicepunt,
    "zoekperiode.bpmn": zp.zoekperiode,
}


def main() -> None:
    """Generate every diagram."""
    for name, build in DIAGRAMS.items():
        (BPMN_DIR / name).write_text(build().xml(), encoding="utf-8")
        print(f"geschreven: processes/bpmn/{name}")


if __name__ == "__main__":
    main()
