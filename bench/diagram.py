"""The benchmark diagram: start -> user task -> exclusive gateway -> user task | external task -> end.

Two dialects of the same diagram: Camunda/JUEL for Ketenregie, Python conditions for bare
SpiffWorkflow (its default script engine evaluates Python).
"""

from __future__ import annotations

from tests.support.bpmn import Diagram, form_field

PROCESS_KEY = "bench_aanvraag"


def diagram(*, python_conditions: bool = False, external: bool = True) -> bytes:
    """The benchmark process as Camunda Modeler would save it."""
    high = "score >= 5" if python_conditions else "${score >= 5}"
    d = Diagram(PROCESS_KEY, "Benchmark aanvraag")
    d.start("start")
    d.user_task(
        "beoordelen",
        "Aanvraag beoordelen",
        groups="poortwachter",
        form=[form_field("score", "long", required=True)],
    )
    d.gateway("route", default="flow_route_handmatig")
    d.user_task("handmatig", "Handmatig afhandelen", groups="consulent_io")
    if external:
        d.external("registreren", "bench.registreren", "Registreren bij UWV")
    else:
        d.user_task("registreren", "Registreren bij UWV")
    d.end("klaar_handmatig").end("klaar_registratie")
    d.flow("start", "beoordelen").flow("beoordelen", "route")
    d.flow("route", "registreren", high)
    d.flow("route", "handmatig", id="flow_route_handmatig")
    d.flow("handmatig", "klaar_handmatig").flow("registreren", "klaar_registratie")
    return d.xml()
