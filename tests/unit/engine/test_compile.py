"""Deploy-time reports: what compiles, what is refused, and how refusals are reported."""

from __future__ import annotations

import time

import pytest

from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine
from tests.support.bpmn import Diagram
from tests.unit.engine.helpers import compile_docs, deploy, dmn


def simple(pid: str = "p", **task: str) -> Diagram:
    return Diagram(pid, "P").start().user_task("t", "Taak", **task).end().chain("start", "t", "end")


def refusal(engine: SpiffEngine, doc: Diagram | tuple[str, bytes], element_id: str) -> str:
    """Compile ``doc``; assert it is refused with a problem on ``element_id`` that names the
    file and a line; return that problem's message."""
    result = compile_docs(engine, doc)
    assert result.refused
    assert result.processes == []
    found = [p for p in result.problems if p.element_id == element_id and p.severity == "error"]
    assert found, [p.describe() for p in result.problems]
    problem = found[0]
    assert problem.file and problem.line and problem.line > 1
    assert problem.message
    return problem.message


def test_executable_diagram_compiles(engine: SpiffEngine) -> None:
    result = compile_docs(engine, simple())
    assert not result.refused, result.problems
    assert [p.key for p in result.processes] == ["p"]
    process = result.processes[0]
    assert process.name == "P" and process.resource_name == "p.bpmn"
    assert len(process.bundle_hash) == 64


@pytest.mark.parametrize("attr", ["class", "delegateExpression", "expression"])
def test_java_service_task_refused(engine: SpiffEngine, attr: str) -> None:
    doc = (
        Diagram("p")
        .start()
        .raw(
            "svc",
            f'<bpmn:serviceTask id="svc" name="Bel" camunda:{attr}="x.Y">{{inner}}'
            "</bpmn:serviceTask>",
        )
        .end()
        .chain("start", "svc", "end")
    )
    message = refusal(engine, doc, "svc")
    assert f"camunda:{attr}" in message and "Java" in message
    problem = next(p for p in compile_docs(engine, doc).problems if p.element_id == "svc")
    assert problem.element_name == "Bel"


@pytest.mark.parametrize("language", ["javascript", "groovy", "python"])
def test_script_languages_refused(engine: SpiffEngine, language: str) -> None:
    doc = (
        Diagram("p")
        .start()
        .script("s", "x = 1", "x", fmt=language)
        .end()
        .chain("start", "s", "end")
    )
    assert language in refusal(engine, doc, "s")


@pytest.mark.parametrize("listener", ["executionListener", "taskListener"])
def test_listeners_refused(engine: SpiffEngine, listener: str) -> None:
    ext = f'<camunda:{listener} class="x.Y" event="create" />'
    doc = simple(extension_xml=ext)
    assert listener in refusal(engine, doc, "t")


def test_connector_refused(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .raw(
            "svc",
            '<bpmn:serviceTask id="svc"><bpmn:extensionElements><camunda:connector>'
            "<camunda:connectorId>http-connector</camunda:connectorId>"
            "</camunda:connector></bpmn:extensionElements>{inner}</bpmn:serviceTask>",
        )
        .end()
        .chain("start", "svc", "end")
    )
    assert "connector" in refusal(engine, doc, "svc")


def test_unparsable_condition_refused(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .gateway("g", default="f_b")
        .task("a")
        .task("b")
        .end("e1")
        .end("e2")
        .flow("start", "g")
        .flow("g", "a", "${score >=}", id="f_a")
        .flow("g", "b", id="f_b")
        .flow("a", "e1")
        .flow("b", "e2")
    )
    message = refusal(engine, doc, "f_a")
    assert "${score >=}" in message


def test_bad_timer_refused(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .catch("wacht", timer=("timeDuration", "P14X"))
        .end()
        .chain("start", "wacht", "end")
    )
    assert "P14X" in refusal(engine, doc, "wacht")


def test_unknown_call_activity_target_refused(engine: SpiffEngine) -> None:
    doc = Diagram("p").start().call("roep", "bestaat_niet").end().chain("start", "roep", "end")
    assert "bestaat_niet" in refusal(engine, doc, "roep")


def test_unknown_decision_refused(engine: SpiffEngine) -> None:
    doc = Diagram("p").start().rule("regel", "geen_besluit").end().chain("start", "regel", "end")
    assert "geen_besluit" in refusal(engine, doc, "regel")


def test_non_executable_process_refused(engine: SpiffEngine) -> None:
    doc = simple()
    doc.executable = False
    message = refusal(engine, doc, "p")
    assert "process is not executable" in message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
<bpmn:process id="p" isExecutable="true" name="&lol3;" /></bpmn:definitions>"""


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (BILLION_LAUGHS, "DOCTYPE"),
        (b"dit is geen xml", "not well-formed"),
        (b"<bpmn:definitions", "not well-formed"),
        (b"<a><b></a>", "not well-formed"),
        (b'<definitions xmlns="urn:x"><process id="p"/></definitions>', "not BPMN"),
    ],
)
def test_hostile_or_broken_xml_refused(engine: SpiffEngine, content: bytes, words: str) -> None:
    result = engine.compile([SourceFile("boos.bpmn", content)])
    assert result.refused and not result.processes
    assert any(words in p.message and p.file == "boos.bpmn" for p in result.problems), (
        result.problems
    )


def test_fifty_megabytes_refused_quickly(engine: SpiffEngine) -> None:
    content = b"<x>" + b"a" * (50 * 1024 * 1024) + b"</x>"
    began = time.perf_counter()
    result = engine.compile([SourceFile("groot.bpmn", content)])
    assert time.perf_counter() - began < 1.0
    assert result.refused and "bytes" in result.problems[0].message


def test_duplicate_process_id_refused(engine: SpiffEngine) -> None:
    first, second = simple("dubbel"), simple("dubbel")
    result = engine.compile([SourceFile("a.bpmn", first.xml()), SourceFile("b.bpmn", second.xml())])
    assert result.refused and not result.processes
    assert any(p.element_id == "dubbel" and "a.bpmn" in p.message for p in result.problems)


def test_missing_diagram_is_only_a_warning(engine: SpiffEngine) -> None:
    doc = simple()
    doc.with_di = False
    result = compile_docs(engine, doc)
    assert not result.refused and result.processes
    assert [p.severity for p in result.problems] == ["warning"]
    assert "diagram" in result.problems[0].message


def test_identical_content_identical_hash(engine: SpiffEngine) -> None:
    one = compile_docs(engine, simple()).processes[0]
    two = SpiffEngine(engine.clock).compile([SourceFile("p.bpmn", simple().xml())]).processes[0]
    assert one.bundle == two.bundle and one.bundle_hash == two.bundle_hash
    other = compile_docs(engine, simple(groups="x")).processes[0]
    assert other.bundle_hash != one.bundle_hash


def test_changed_dmn_changes_bundle_hash(engine: SpiffEngine) -> None:
    name, content = dmn("klantgroep_advies.dmn")
    doc = (
        Diagram("p")
        .start()
        .rule("r", "klantgroep_advies", result="uit")
        .end()
        .chain("start", "r", "end")
    )
    first = compile_docs(engine, doc, (name, content)).processes
    changed = content.replace(b"</definitions>", b"<!-- gewijzigd --></definitions>")
    assert changed != content
    second = compile_docs(engine, doc, (name, changed)).processes
    assert first[0].bundle_hash != second[0].bundle_hash
    assert first[0].decision_keys == ("klantgroep_advies",)


def test_decision_from_earlier_deployment(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .rule("r", "klantgroep_advies", result="uit")
        .end()
        .chain("start", "r", "end")
    )
    result = engine.compile(
        [SourceFile("p.bpmn", doc.xml())], deployed=[SourceFile(*dmn("klantgroep_advies.dmn"))]
    )
    assert not result.refused, result.problems
    assert [p.key for p in result.processes] == ["p"]


def test_nothing_half_deployed(engine: SpiffEngine) -> None:
    bad = Diagram("slecht").start().call("roep", "nergens").end().chain("start", "roep", "end")
    result = compile_docs(engine, simple("goed1"), bad, simple("goed2"))
    assert result.refused
    assert result.processes == [] and result.decisions == []
    assert {p.file for p in result.problems if p.severity == "error"} == {"slecht.bpmn"}


def test_every_problem_reported_at_once(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .script("s", "x", "x", fmt="groovy")
        .catch("w", timer=("timeDuration", "P1X"))
        .end()
        .chain("start", "s", "w", "end")
    )
    result = compile_docs(engine, doc)
    assert {p.element_id for p in result.problems} >= {"s", "w"}


def test_call_activity_compiles_with_called_process(engine: SpiffEngine) -> None:
    child = simple("kind")
    parent = Diagram("ouder").start().call("roep", "kind").end().chain("start", "roep", "end")
    bundles = deploy(engine, parent, child)
    assert set(bundles) == {"ouder", "kind"}
    result = compile_docs(engine, parent, child)
    ouder = next(p for p in result.processes if p.key == "ouder")
    assert ouder.called_process_keys == ("kind",)


def test_message_and_timer_start_reported(engine: SpiffEngine) -> None:
    msg = (
        Diagram("m").start(message="aanvraag_ontvangen").task("t").end().chain("start", "t", "end")
    )
    tim = (
        Diagram("t").start(timer=("timeCycle", "R/P1D")).task("t").end().chain("start", "t", "end")
    )
    result = compile_docs(engine, msg, tim)
    by_key = {p.key: p for p in result.processes}
    assert by_key["m"].message_start_names == ("aanvraag_ontvangen",)
    assert by_key["t"].timer_start == "R/P1D"


def test_unsupported_elements_named(engine: SpiffEngine) -> None:
    doc = (
        Diagram("p")
        .start()
        .raw("cg", '<bpmn:complexGateway id="cg">{inner}</bpmn:complexGateway>', "gateway")
        .end()
        .chain("start", "cg", "end")
    )
    assert "complex" in refusal(engine, doc, "cg")


def test_files_of_unknown_kind_refused(engine: SpiffEngine) -> None:
    result = engine.compile([SourceFile("notities.txt", b"hallo")])
    assert result.refused and result.problems[0].file == "notities.txt"
    assert engine.compile([]).refused
