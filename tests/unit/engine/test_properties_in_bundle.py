"""The process-level variable policy is part of what a version means."""

from __future__ import annotations

from orchestrator.engine.compiler import Compiler
from orchestrator.engine.contract import SourceFile
from tests.support.bpmn import Diagram


def _bundle_hash(extra: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    diagram = Diagram("beleid", "Beleid").start().user_task("taak", "Taak").end()
    diagram.chain("start", "taak", "end")
    xml = diagram.xml().decode()
    if extra:
        xml = xml.replace(
            'isExecutable="true">',
            'isExecutable="true"><bpmn:extensionElements><camunda:properties>'
            f'<camunda:property name="zichtbaar.uwv" value="{extra}" />'
            "</camunda:properties></bpmn:extensionElements>",
            1,
        )
    compiled = Compiler().compile([SourceFile("beleid.bpmn", xml.encode())])
    assert not compiled.refused, compiled.problems
    process = compiled.processes[0]
    return process.bundle_hash, process.properties


def test_a_policy_change_changes_the_bundle_hash():
    plain, no_properties = _bundle_hash("")
    narrow, properties = _bundle_hash("klantgroep")
    wide, _ = _bundle_hash("klantgroep,wwEinddatum")
    assert no_properties == ()
    assert properties == (("zichtbaar.uwv", "klantgroep"),)
    assert len({plain, narrow, wide}) == 3
