"""SpiffWorkflow 3.2.0 traps (ARCHITECTURE.md section 2): our guard, and where cheap the raw
library behaviour, so an upgrade that changes it is noticed."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask as ServiceTaskMixin

from orchestrator.engine.parser import KetenregieParser
from orchestrator.engine.runner import SpiffEngine
from orchestrator.engine.scripting import DiagramFailure, SafeScriptEngine
from orchestrator.engine.serializer import build_serializer
from orchestrator.engine.specs import ExternalTask
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import Run, deploy


class _Task:
    class task_spec:
        bpmn_id = "svc"


def test_raw_call_service_masks_errors_with_name_error() -> None:
    with pytest.raises(NameError, match="script"):
        PythonScriptEngine().call_service(_Task(), operation_name="x", operation_params={})


def test_our_call_service_raises_a_clear_error() -> None:
    engine = SafeScriptEngine(None, {}, {})  # type: ignore[arg-type]
    with pytest.raises(DiagramFailure, match="external jobs") as caught:
        engine.call_service(_Task())
    assert caught.value.element_id == "svc"


def test_external_task_never_calls_the_script_engine(engine: SpiffEngine) -> None:
    assert ExternalTask._execute is not ServiceTaskMixin._execute
    doc = Diagram("j").start().external("bel", "t").end().chain("start", "bel", "end")
    run = Run(engine, deploy(engine, doc)["j"])
    run.start()
    run.complete_job("bel", {"ok": True})
    assert run.done


def test_raw_default_serializer_misses_service_task() -> None:
    registry = BpmnWorkflowSerializer.configure()
    assert registry.typenames.get(ServiceTask) is None


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_our_registry_knows_every_spec_class_the_parser_creates() -> None:
    registry = build_serializer().registry
    effective = {**KetenregieParser.PARSER_CLASSES, **KetenregieParser.OVERRIDE_PARSER_CLASSES}
    classes = {spec for _, spec in effective.values()}
    from orchestrator.engine import specs as ours

    classes |= {getattr(ours, n) for n in dir(ours) if n.startswith("Clock")}
    missing = sorted(c.__name__ for c in classes if c not in registry.typenames)
    assert missing == []


def test_every_spec_round_trips(engine: SpiffEngine) -> None:
    """A bundle with every kind of element restores and serializes to the same JSON."""
    doc = (
        Diagram("alles")
        .start()
        .user_task("u", multi="2")
        .external("x", "t")
        .script("s", "${1}", "r")
        .task("t")
        .gateway("g", "parallel")
        .catch("m", message="m")
        .catch("w", timer=("timeDuration", "P1D"))
        .gateway("j", "parallel")
        .receive("rcv", "r")
        .call("c", "kind")
        .end()
        .boundary("b", "u", timer=("timeCycle", "R/P1D"), interrupting=False)
        .end("e2")
        .chain("start", "u", "x", "s", "t", "g")
        .chain("g", "m", "j")
        .chain("g", "w", "j")
        .chain("j", "rcv", "c", "end")
        .chain("b", "e2")
    )
    kind = Diagram("kind").start().end().chain("start", "end")
    bundle = deploy(engine, doc, kind)["alles"]
    registry = build_serializer().registry
    dct = json.loads(bundle)
    for key, converted in [("spec", dct["spec"]), *dct["subprocess_specs"].items()]:
        again = registry.convert(registry.restore(copy.deepcopy(converted)))
        assert json.dumps(again, sort_keys=True, default=str) == json.dumps(
            converted, sort_keys=True, default=str
        ), key


def test_overdue_timer_fires_with_refresh_then_engine_steps(engine: SpiffEngine) -> None:
    doc = (
        Diagram("t")
        .start()
        .user_task("werk")
        .boundary("bt", "werk", timer=("timeDuration", "PT1H"))
        .end()
        .end("e2")
        .chain("start", "werk", "end")
        .chain("bt", "e2")
    )
    run = Run(engine, deploy(engine, doc)["t"])
    run.start()
    run.advance(timedelta(hours=2))
    assert run.done and run.ran("bt")


def test_state_does_not_embed_the_spec(engine: SpiffEngine) -> None:
    from tests.unit.engine.test_flow import exclusive

    bundle = deploy(engine, exclusive())["x"]
    run = Run(engine, bundle)
    run.start({"score": 1, "fraude": False, "klantgroep": "x"})
    state: dict[str, Any] = json.loads(run.state)
    assert "spec" not in state and "subprocess_specs" not in state
    assert len(run.state) < len(bundle)


def test_waiting_smoke_instance_state_under_8_kb(engine: SpiffEngine) -> None:
    from tests.support.bpmn import form_field

    doc = (
        Diagram("aanvraag", "Aanvraag")
        .start()
        .user_task(
            "beoordelen",
            "Beoordelen",
            groups="poortwachter",
            form=[form_field("score", "long", required=True), form_field("fraude", "boolean")],
        )
        .gateway("keuze", default="flow_keuze_handmatig")
        .user_task("handmatig", "Handmatig", groups="consulent_io", due="P5D")
        .external("registreer", "uwv.registreer", retry="R2/PT1M")
        .boundary("termijn", "handmatig", timer=("timeDuration", "P14D"))
        .end("end")
        .end("end2")
        .end("end3")
        .flow("start", "beoordelen")
        .flow("beoordelen", "keuze")
        .flow("keuze", "registreer", "${score >= 5 && !fraude}")
        .flow("keuze", "handmatig", id="flow_keuze_handmatig")
        .flow("handmatig", "end")
        .flow("registreer", "end2")
        .flow("termijn", "end3")
    )
    run = Run(engine, deploy(engine, doc)["aanvraag"])
    run.start({"dossier": "D1"})
    assert len(run.state.encode()) < 8 * 1024
    assert len(run.state) < len(run.bundle) / 1.5
    run.complete("beoordelen", {"score": 3, "fraude": False})
    assert len(run.state.encode()) < 8 * 1024


def test_raw_depth_limit_stalls_a_long_chain() -> None:
    """The raw library walk stops at depth 1000 (our runner prunes history instead)."""
    from SpiffWorkflow.util.task import TaskIterator

    assert TaskIterator.__init__.__defaults__ is not None
    assert 1000 in TaskIterator.__init__.__defaults__
