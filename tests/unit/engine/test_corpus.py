"""Real modeler files (OMG BPMN MIWG reference set): each compiles or is refused with
messages, never an exception. The expected outcome per file documents why."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "miwg-reference"
FILES = sorted(CORPUS.glob("*.bpmn"))

NOT_EXECUTABLE = "process is not executable"
JAVA = "Java"
#: file -> words that every refusal reason of that file contains one of; "" = compiles
EXPECTED: dict[str, tuple[str, ...]] = {
    **{
        f: (NOT_EXECUTABLE,)
        for f in (
            "A.1.0",
            "A.2.0",
            "A.2.1",
            "A.3.0",
            "A.4.0",
            "A.4.1",
            "B.1.0",
            "B.2.0",
            "C.2.0",
            "C.4.0",
            "C.5.0",
            "C.6.0",
            "C.7.0",
            "C.8.0",
        )
    },
    # Activiti-era camunda:delegateExpression service task (legacy namespace, read as ours)
    "C.1.0": (JAVA,),
    "C.1.1": (JAVA,),
    # a collapsed embedded subprocess without a start event (Camunda 7 refuses it too)
    "C.3.0": ("start event",),
    # Trisotech: Java-less service tasks, a DMN-less business rule task, FEEL conditions
    "C.8.1": (JAVA, "decisionRef", "script language"),
    # Camunda 8 (Zeebe) diagrams: service tasks without camunda:type="external", a business
    # rule task without decisionRef, a call to a process in another file
    "C.9.0": (JAVA, "decisionRef", "calls process", "event subprocess"),
    "C.9.1": (),
    "C.9.2": (JAVA, "calls process", "event subprocess"),
}


def test_the_whole_corpus_is_there() -> None:
    # the corpus is vendored in tests/fixtures: a missing file must fail, not skip
    assert {p.stem for p in FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_reference_file(engine: SpiffEngine, path: Path) -> None:
    result = engine.compile([SourceFile(path.name, path.read_bytes())])
    expected = EXPECTED[path.stem]
    errors = [p for p in result.problems if p.severity == "error"]
    assert all(p.message.strip() for p in result.problems)
    assert all(p.file == path.name for p in result.problems)
    if not expected:
        assert not result.refused, [p.describe() for p in errors]
        assert result.processes
        return
    assert result.refused and not result.processes
    if path.stem in ("C.1.0", "C.1.1"):  # the legacy activiti: namespace is read as camunda:
        assert any("camunda:delegateExpression" in p.message for p in errors)
    for problem in errors:
        assert any(word in problem.message for word in expected), problem.describe()
        assert problem.line is not None


def test_executable_reference_file_runs(engine: SpiffEngine) -> None:
    path = CORPUS / "C.9.1.bpmn"
    result = engine.compile([SourceFile(path.name, path.read_bytes())])
    [process] = result.processes
    snap = engine.start(process.bundle, variables={}, business_key="X")
    assert snap.jobs or snap.user_tasks or snap.subscriptions or snap.timers


def test_every_corpus_file_has_an_expectation() -> None:
    assert {p.stem for p in FILES} <= set(EXPECTED)
