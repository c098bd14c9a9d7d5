"""Messages and signals: catch events, receive tasks, boundaries, start events, targeting."""

from __future__ import annotations

import pytest

from orchestrator.domain.errors import Conflict, NotFound
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, deploy


def test_intermediate_message_catch(engine: SpiffEngine) -> None:
    doc = (
        Diagram("m")
        .start()
        .catch("wacht", message="besluit_uwv")
        .user_task("na")
        .end()
        .chain("start", "wacht", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["m"])
    run.start()
    [sub] = run.s.subscriptions
    assert (sub.element_id, sub.message_name) == ("wacht", "besluit_uwv")
    with pytest.raises(Conflict):
        engine.correlate_message(run.bundle, run.state, sub.task_id, "ander_bericht", {})
    run.message("wacht", {"besluit": "toegekend"})
    assert run.s.variables["besluit"] == "toegekend"
    assert [t.element_id for t in run.s.user_tasks] == ["na"] and not run.s.subscriptions
    # the same subscription cannot be correlated twice
    with pytest.raises(Conflict):
        engine.correlate_message(run.bundle, run.state, sub.task_id, "besluit_uwv", {})


def test_receive_task(engine: SpiffEngine) -> None:
    doc = (
        Diagram("r")
        .start()
        .receive("ontvang", "stukken_ontvangen", "Stukken ontvangen")
        .end()
        .chain("start", "ontvang", "end")
    )
    run = Run(engine, deploy(engine, doc)["r"])
    run.start()
    assert [(s.element_id, s.message_name) for s in run.s.subscriptions] == [
        ("ontvang", "stukken_ontvangen")
    ]
    run.message("ontvang", {"aantal": 3})
    assert run.done and run.s.variables["aantal"] == 3


@pytest.mark.parametrize("interrupting", [True, False])
def test_boundary_message(engine: SpiffEngine, interrupting: bool) -> None:
    doc = (
        Diagram("b")
        .start()
        .user_task("werk")
        .boundary("afmelding", "werk", message="klant_afgemeld", interrupting=interrupting)
        .user_task("afsluiten")
        .end("e1")
        .end("e2")
        .chain("start", "werk", "e1")
        .chain("afmelding", "afsluiten", "e2")
    )
    run = Run(engine, deploy(engine, doc)["b"])
    run.start()
    run.message("afmelding", {"reden": "werk gevonden"})
    open_tasks = sorted(t.element_id for t in run.s.user_tasks)
    assert open_tasks == (["afsluiten"] if interrupting else ["afsluiten", "werk"])
    assert run.s.variables["reden"] == "werk gevonden"


def test_correlation_targets_exactly_the_given_task(engine: SpiffEngine) -> None:
    """Two waiting subscriptions of one message name in one instance (parallel branches):
    only the targeted one proceeds, whatever the payload says."""
    doc = (
        Diagram("c")
        .start()
        .gateway("fork", "parallel")
        .catch("wacht_a", message="document_ontvangen")
        .catch("wacht_b", message="document_ontvangen")
        .user_task("na_a")
        .user_task("na_b")
        .gateway("join", "parallel")
        .end()
        .chain("start", "fork")
        .chain("fork", "wacht_a", "na_a", "join")
        .chain("fork", "wacht_b", "na_b", "join")
        .chain("join", "end")
    )
    run = Run(engine, deploy(engine, doc)["c"])
    run.start()
    assert sorted(s.element_id for s in run.s.subscriptions) == ["wacht_a", "wacht_b"]
    run.message("wacht_b", {"soort": "b"})
    assert [t.element_id for t in run.s.user_tasks] == ["na_b"]
    assert [s.element_id for s in run.s.subscriptions] == ["wacht_a"]
    run.message("wacht_a", {"soort": "a"})
    assert sorted(t.element_id for t in run.s.user_tasks) == ["na_a", "na_b"]


def test_message_start_event(engine: SpiffEngine) -> None:
    doc = (
        Diagram("s")
        .start("via_bericht", message="aanvraag_ingediend")
        .user_task("beoordeel")
        .end()
        .chain("via_bericht", "beoordeel", "end")
    )
    run = Run(engine, deploy(engine, doc)["s"])
    run.start({"bron": "werk.nl"}, message_name="aanvraag_ingediend")
    assert [t.element_id for t in run.s.user_tasks] == ["beoordeel"]
    assert run.s.variables["bron"] == "werk.nl"


def test_message_start_among_several_starts(engine: SpiffEngine) -> None:
    doc = (
        Diagram("s")
        .start("gewoon")
        .start("via_bericht", message="aanvraag_ingediend")
        .user_task("handmatig")
        .user_task("beoordeel")
        .end("e1")
        .end("e2")
        .chain("gewoon", "handmatig", "e1")
        .chain("via_bericht", "beoordeel", "e2")
    )
    bundle = deploy(engine, doc)["s"]
    by_message = Run(engine, bundle)
    by_message.start(message_name="aanvraag_ingediend")
    assert [t.element_id for t in by_message.s.user_tasks] == ["beoordeel"]
    plain = Run(engine, bundle)
    plain.start()
    assert [t.element_id for t in plain.s.user_tasks] == ["handmatig"]
    # the message start event not chosen does not linger as a subscription
    assert not plain.s.subscriptions and not by_message.s.subscriptions
    with pytest.raises(NotFound):
        engine.start(bundle, variables={}, business_key=None, message_name="onbekend")


def test_message_throw_is_reported(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .throw("meld", message="melding_gemeente")
        .user_task("na")
        .end()
        .chain("start", "meld", "na", "end")
    )
    run = Run(engine, deploy(engine, doc)["t"])
    run.start({"dossier": "D-9"})
    [thrown] = run.s.thrown_messages
    assert thrown.message_name == "melding_gemeente"
    assert thrown.payload["dossier"] == "D-9"


def signal_doc() -> Diagram:
    return (
        Diagram("s")
        .start()
        .gateway("fork", "parallel")
        .user_task("werk")
        .throw("stop", signal="traject_gestopt")
        .end("e1")
        .catch("wacht", signal="traject_gestopt")
        .user_task("afronden")
        .end("e2")
        .chain("start", "fork")
        .chain("fork", "werk", "stop", "e1")
        .chain("fork", "wacht", "afronden", "e2")
    )


def test_signal_thrown_and_caught_in_one_instance(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, signal_doc())["s"])
    run.start()
    assert not run.user_tasks("afronden")
    run.complete("werk")
    assert [t.element_id for t in run.s.user_tasks] == ["afronden"]
    assert "traject_gestopt" in run.s.thrown_signals


def test_signal_from_outside(engine: SpiffEngine) -> None:
    run = Run(engine, deploy(engine, signal_doc())["s"])
    run.start()
    run.signal("traject_gestopt")
    assert sorted(t.element_id for t in run.s.user_tasks) == ["afronden", "werk"]
    run.signal("onbekend_signaal")  # nobody waits for it: nothing happens
    assert sorted(t.element_id for t in run.s.user_tasks) == ["afronden", "werk"]


def test_boundary_signal(engine: SpiffEngine) -> None:
    doc = (
        Diagram("b")
        .start()
        .user_task("werk")
        .boundary("gestopt", "werk", signal="alles_stop")
        .end("e1")
        .end("e2")
        .chain("start", "werk", "e1")
        .chain("gestopt", "e2")
    )
    run = Run(engine, deploy(engine, doc)["b"])
    run.start()
    run.signal("alles_stop")
    assert run.done and not run.ran("werk")


def test_escalation_caught_by_boundary_on_subprocess(engine: SpiffEngine) -> None:
    """Escalation is supported by SpiffWorkflow: a non-interrupting boundary escalation on a
    subprocess catches an escalation thrown inside it."""
    doc = (
        Diagram("e")
        .start()
        .subprocess(
            "sub",
            lambda d: (
                d.start("s0")
                .user_task("binnen")
                .throw("escaleer", escalation="te_laat")
                .user_task("verder")
                .end("s9")
                .chain("s0", "binnen", "escaleer", "verder", "s9")
            ),
        )
        .boundary("opgeschaald", "sub", escalation="te_laat", interrupting=False)
        .user_task("teamleider")
        .end("e1")
        .end("e2")
        .chain("start", "sub", "e1")
        .chain("opgeschaald", "teamleider", "e2")
    )
    run = Run(engine, deploy(engine, doc)["e"])
    run.start()
    run.complete("binnen")
    assert sorted(t.element_id for t in run.s.user_tasks) == ["teamleider", "verder"]
