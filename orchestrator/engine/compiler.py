"""Deploy-time compilation: BPMN/DMN resources in, bundles or a list of problems out.

Nothing is half-deployed: if any resource has an error, :class:`Compilation.refused` is
true and no process is returned. Every problem names the file, the element and the line.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import (  # type: ignore[import-untyped, unused-ignore]
    ValidationException,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException  # type: ignore[import-untyped, unused-ignore]

from orchestrator.domain.errors import DeployProblem, ExpressionError
from orchestrator.engine.camunda import BPMN_NS, DocumentInfo, DocumentReader, ProcessInfo
from orchestrator.engine.contract import (
    Compilation,
    CompiledDecision,
    CompiledProcess,
    SourceFile,
)
from orchestrator.engine.dmn import DmnDefinitions, DmnRefused, parse_dmn
from orchestrator.engine.expressions import parse_juel
from orchestrator.engine.parser import KetenregieParser
from orchestrator.engine.serializer import build_serializer
from orchestrator.engine.timers import TimerSyntaxError, check_timer
from orchestrator.engine.xmlsafe import UnsafeXml, parse_xml

BUNDLE_FORMAT = 1


@dataclass
class _Bpmn:
    source: SourceFile
    tree: etree._ElementTree
    info: DocumentInfo
    new: bool


@dataclass
class _Dmn:
    source: SourceFile
    definitions: DmnDefinitions
    new: bool


@dataclass
class _Catalogue:
    """Every process and decision visible to this deployment, newest resource first."""

    bpmn: list[_Bpmn] = field(default_factory=list)
    dmn: list[_Dmn] = field(default_factory=list)
    processes: dict[str, tuple[_Bpmn, ProcessInfo]] = field(default_factory=dict)
    decisions: dict[str, _Dmn] = field(default_factory=dict)


def sha256(text: str | bytes) -> str:
    """Hex SHA-256 of ``text`` (UTF-8 for str)."""
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith((".bpmn", ".bpmn20.xml", ".bpmn2")):
        return "bpmn"
    if lower.endswith(".dmn") or lower.endswith(".dmn11.xml"):
        return "dmn"
    return None


class Compiler:
    """Compiles resources into process bundles; stateless apart from the serializer."""

    def __init__(self) -> None:
        self._serializer = build_serializer()

    def compile(
        self, files: Sequence[SourceFile], deployed: Sequence[SourceFile] = ()
    ) -> Compilation:
        result = Compilation()
        if not files:
            result.problems.append(DeployProblem("nothing to deploy: no files given"))
            return result
        names = [f.name for f in files]
        for name in {n for n in names if names.count(n) > 1}:
            result.problems.append(DeployProblem("the same file name is given twice", file=name))
        catalogue = _Catalogue()
        new_names = set(names)
        for source in files:
            self._read(source, True, catalogue, result)
        for source in deployed:
            if source.name not in new_names:
                self._read(source, False, catalogue, result)
        self._index(catalogue, result)
        for doc in catalogue.bpmn:
            if doc.new:
                self._check_document(doc, catalogue, result)
        if result.refused:
            return result
        self._build(catalogue, result)
        if any(p.severity == "error" for p in result.problems):
            result.processes.clear()
            result.decisions.clear()
        return result

    # -- reading ---------------------------------------------------------------------------

    def _read(
        self, source: SourceFile, new: bool, catalogue: _Catalogue, result: Compilation
    ) -> None:
        kind = _kind(source.name)
        if kind is None:
            if new:
                result.problems.append(
                    DeployProblem("only .bpmn and .dmn files can be deployed", file=source.name)
                )
            return
        if kind == "dmn":
            try:
                definitions = parse_dmn(source.content, source.name)
            except DmnRefused as exc:
                if new:
                    result.problems.extend(exc.problems)
                return
            catalogue.dmn.append(_Dmn(source, definitions, new))
            return
        try:
            tree = parse_xml(source.content)
        except UnsafeXml as exc:
            if new:
                result.problems.append(DeployProblem(str(exc), file=source.name, line=exc.line))
            return
        info = DocumentReader(tree, source.name).read()
        if new:
            result.problems.extend(info.problems)
        elif any(p.severity == "error" for p in info.problems):
            return
        catalogue.bpmn.append(_Bpmn(source, tree, info, new))

    def _index(self, catalogue: _Catalogue, result: Compilation) -> None:
        for doc in catalogue.bpmn:
            for pid, process in doc.info.processes.items():
                if not process.executable:
                    continue
                if pid in catalogue.processes:
                    other = catalogue.processes[pid][0]
                    if doc.new and other.new:
                        result.problems.append(
                            DeployProblem(
                                f"process id '{pid}' is defined in {other.source.name} too",
                                file=doc.source.name,
                                element_id=pid,
                                line=process.line,
                            )
                        )
                    continue
                catalogue.processes[pid] = (doc, process)
        for dmn in catalogue.dmn:
            for decision_id in dmn.definitions.decisions:
                other_dmn = catalogue.decisions.get(decision_id)
                if other_dmn is None:
                    catalogue.decisions[decision_id] = dmn
                elif dmn.new and other_dmn.new:
                    result.problems.append(
                        DeployProblem(
                            f"decision id '{decision_id}' is defined in "
                            f"{other_dmn.source.name} too",
                            file=dmn.source.name,
                            element_id=decision_id,
                        )
                    )

    # -- checking --------------------------------------------------------------------------

    def _check_document(self, doc: _Bpmn, catalogue: _Catalogue, result: Compilation) -> None:
        info = doc.info
        file = doc.source.name
        if info.processes and not any(p.executable for p in info.processes.values()):
            for process in info.processes.values():
                result.problems.append(
                    DeployProblem(
                        "process is not executable (isExecutable is not true); "
                        "set 'Executable' in the modeler to deploy it",
                        file=file,
                        element_id=process.process_id,
                        element_name=process.name,
                        line=process.line,
                    )
                )
        elif not info.processes and not info.problems:
            result.problems.append(DeployProblem("the document holds no process", file=file))
        if not info.has_diagram and info.processes:
            result.problems.append(
                DeployProblem(
                    "the document has no diagram (BPMN DI); it runs, but the modeler cannot "
                    "show it",
                    file=file,
                    severity="warning",
                )
            )
        for site in info.expressions:
            problem = self._check_expression(site.text, site.kind)
            if problem:
                result.problems.append(
                    DeployProblem(
                        problem,
                        file=file,
                        element_id=site.element_id,
                        element_name=site.element_name,
                        line=site.line,
                    )
                )
        for process in info.processes.values():
            for element_id, called in process.called_elements.items():
                if called not in catalogue.processes:
                    element = process.elements[element_id]
                    result.problems.append(
                        DeployProblem(
                            f"call activity calls process '{called}', which is neither in this "
                            "deployment nor deployed (and executable)",
                            file=file,
                            element_id=element_id,
                            element_name=element.name,
                            line=element.line,
                        )
                    )
            for element_id, ref in process.decision_refs.items():
                if ref not in catalogue.decisions:
                    element = process.elements[element_id]
                    result.problems.append(
                        DeployProblem(
                            f"business rule task refers to decision '{ref}', which is neither "
                            "in this deployment nor deployed",
                            file=file,
                            element_id=element_id,
                            element_name=element.name,
                            line=element.line,
                        )
                    )

    @staticmethod
    def _check_expression(text: str, kind: str) -> str | None:
        try:
            if kind.startswith("timer:") and "${" not in text and "#{" not in text:
                check_timer(kind.split(":", 1)[1], text)
            else:
                parse_juel(text)
        except ExpressionError as exc:
            return f"expression does not parse: {exc.reason} in {text!r}"
        except TimerSyntaxError as exc:
            return f"timer does not parse: {exc}"
        return None

    # -- building --------------------------------------------------------------------------

    def _build(self, catalogue: _Catalogue, result: Compilation) -> None:
        parser = KetenregieParser()
        seen: set[str] = set()
        for doc in catalogue.bpmn:
            tree = self._without_shadowed(doc, catalogue)
            try:
                parser.add_bpmn_xml(tree, filename=doc.source.name)
            except (ValidationException, SpiffWorkflowException) as exc:
                self._spiff_problem(exc, doc, result, error=doc.new)
            seen.update(doc.info.processes)
        for pid, (doc, process) in sorted(catalogue.processes.items()):
            compiled = self._compile_process(parser, pid, doc, process, catalogue, result)
            if compiled is not None:
                result.processes.append(compiled)
        for decision_id, dmn in sorted(catalogue.decisions.items()):
            decision = dmn.definitions.decisions[decision_id]
            result.decisions.append(
                CompiledDecision(
                    key=decision_id,
                    name=decision.name,
                    resource_name=dmn.source.name,
                    source_hash=sha256(dmn.source.content),
                )
            )

    def _without_shadowed(self, doc: _Bpmn, catalogue: _Catalogue) -> Any:
        """The document's tree, without processes a newer resource redefines."""
        shadowed = [
            pid
            for pid in doc.info.processes
            if pid in catalogue.processes and catalogue.processes[pid][0] is not doc
        ]
        if not shadowed:
            return doc.tree
        tree = copy.deepcopy(doc.tree)
        for process in list(tree.getroot().iterfind(f"{{{BPMN_NS}}}process")):
            if process.get("id") in shadowed:
                tree.getroot().remove(process)
        return tree

    def _compile_process(
        self,
        parser: KetenregieParser,
        pid: str,
        doc: _Bpmn,
        process: ProcessInfo,
        catalogue: _Catalogue,
        result: Compilation,
    ) -> CompiledProcess | None:
        try:
            spec = parser.get_spec(pid)
            subprocess_specs = parser.get_subprocess_specs(pid)
        except (ValidationException, SpiffWorkflowException) as exc:
            self._spiff_problem(exc, doc, result, error=doc.new)
            return None
        # Extensions and decisions of the process and of every process it calls.
        called = self._called_closure(pid, catalogue)
        extensions: dict[str, dict[str, dict[str, Any]]] = {}
        decision_refs: set[str] = set()
        for key in [pid, *sorted(called)]:
            info = catalogue.processes[key][1]
            extensions.update(info.extensions())
            decision_refs.update(info.decision_refs.values())
        decisions = {
            ref: catalogue.decisions[ref].source.content.decode("utf-8")
            for ref in sorted(decision_refs)
            if ref in catalogue.decisions
        }
        registry = self._serializer.registry
        bundle_dict = {
            "format": BUNDLE_FORMAT,
            "key": pid,
            "spec": registry.convert(spec),
            "subprocess_specs": {
                name: registry.convert(sub) for name, sub in sorted(subprocess_specs.items())
            },
            "extensions": extensions,
            "decisions": decisions,
        }
        if process.properties:
            # The variable policy (zichtbaar.<rol>) is part of what a version means: a
            # policy-only change must create a new version.
            bundle_dict["properties"] = dict(sorted(process.properties.items()))
        bundle = json.dumps(bundle_dict, sort_keys=True, separators=(",", ":"), default=str)
        return CompiledProcess(
            key=pid,
            name=process.name,
            resource_name=doc.source.name,
            bundle=bundle,
            bundle_hash=sha256(bundle),
            message_start_names=tuple(process.message_starts),
            timer_start=process.timer_start,
            called_process_keys=tuple(sorted(called)),
            decision_keys=tuple(sorted(decision_refs)),
            properties=tuple(sorted(process.properties.items())),
        )

    @staticmethod
    def _called_closure(pid: str, catalogue: _Catalogue) -> set[str]:
        found: set[str] = set()
        todo = [pid]
        while todo:
            info = catalogue.processes[todo.pop()][1]
            for called in info.called_elements.values():
                if called not in found and called != pid and called in catalogue.processes:
                    found.add(called)
                    todo.append(called)
        return found

    @staticmethod
    def _spiff_problem(exc: Exception, doc: _Bpmn, result: Compilation, *, error: bool) -> None:
        element_id = getattr(exc, "id", None) or None
        line = getattr(exc, "line_number", None) or None
        if element_id and not line:
            found: Any = doc.tree.getroot().xpath("//*[@id=$id]", id=element_id)
            line = found[0].sourceline if found else None
        message = str(exc).split("\n")[0] or exc.__class__.__name__
        result.problems.append(
            DeployProblem(
                message,
                file=doc.source.name,
                element_id=element_id,
                element_name=getattr(exc, "name", None) or None,
                line=line if isinstance(line, int) else None,
                severity="error" if error else "warning",
            )
        )
