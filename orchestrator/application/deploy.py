"""Deploy BPMN/DMN resources as new, immutable definition versions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog

from orchestrator.application import events
from orchestrator.application.identity import Actor
from orchestrator.application.ids import new_id
from orchestrator.application.runtime import Runtime
from orchestrator.domain.errors import DeploymentRefused, DeployProblem, NotFound
from orchestrator.engine.contract import Compilation, SourceFile
from orchestrator.engine.timers import next_due
from orchestrator.store.records import (
    DecisionDefinitionRecord,
    DeploymentRecord,
    ProcessDefinitionRecord,
    TimerRecord,
)
from orchestrator.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DeployedDefinition:
    """One process or decision of a deployment (new or unchanged)."""

    kind: str  # process | decision
    key: str
    version: int
    name: str | None
    resource_name: str
    definition_id: str


@dataclass
class DeployReport:
    """Outcome of :meth:`DeployService.deploy`.

    ``deployment_id`` is None when every definition was identical to its latest version
    (nothing was stored). ``problems`` holds the warnings of an accepted deployment.
    """

    deployment_id: str | None
    deployed: list[DeployedDefinition] = field(default_factory=list)
    unchanged: list[DeployedDefinition] = field(default_factory=list)
    problems: list[DeployProblem] = field(default_factory=list)


def sha256(content: bytes) -> str:
    """Hex sha256 of ``content`` (the blob key)."""
    return hashlib.sha256(content).hexdigest()


class DeployService:
    """Deployments and the definitions they create."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def deploy(
        self, files: Sequence[SourceFile], actor: Actor, *, name: str | None = None
    ) -> DeployReport:
        """Compile ``files`` and store every changed process and decision as a new version.

        Raises:
            DeploymentRefused: compilation found errors (nothing was stored).
        """
        problems = [p for f in files for p in _encoding_problems(f)]
        if problems:
            raise DeploymentRefused(problems)
        deployed = self._deployed_sources({f.name for f in files})
        compilation = self._rt.engine.compile(files, deployed)
        if compilation.refused:
            log.info("deployment.refused", problems=len(compilation.problems))
            raise DeploymentRefused(compilation.problems)
        report = self._rt.run(lambda uow: self._store(uow, files, compilation, actor, name))
        log.info(
            "deployment.stored",
            deployment_id=report.deployment_id,
            deployed=len(report.deployed),
            unchanged=len(report.unchanged),
        )
        return report

    def _deployed_sources(self, replaced: set[str]) -> list[SourceFile]:
        """The latest stored resources (for call activities and decisions)."""
        with self._rt.store.uow(read_only=True) as uow:
            sources = {p.resource_name: p.source_hash for p in uow.definitions.latest_processes()}
            sources.update(
                {d.resource_name: d.source_hash for d in uow.definitions.latest_decisions()}
            )
            result = []
            for resource_name, hash_ in sorted(sources.items()):
                content = uow.blobs.get(hash_)
                if resource_name not in replaced and content is not None:
                    result.append(SourceFile(resource_name, content.encode("utf-8")))
            return result

    def _store(
        self,
        uow: UnitOfWork,
        files: Sequence[SourceFile],
        compilation: Compilation,
        actor: Actor,
        name: str | None,
    ) -> DeployReport:
        now = self._rt.now()
        deployment_id = new_id()
        hashes = {f.name: sha256(f.content) for f in files}
        report = DeployReport(deployment_id=None, problems=list(compilation.problems))
        new_processes: list[ProcessDefinitionRecord] = []
        new_decisions: list[DecisionDefinitionRecord] = []
        for process in compilation.processes:
            latest = uow.definitions.process(process.key)
            if process.resource_name not in hashes:
                # A process deployed earlier is redeployed only when what it embeds (a
                # decision table or a called process) changed with this deployment, so a
                # process owner's new decision table applies to instances started from now.
                if latest is None or latest.bundle_hash == process.bundle_hash:
                    continue
                source_hash = latest.source_hash
            else:
                source_hash = hashes[process.resource_name]
                if latest is not None and latest.bundle_hash == process.bundle_hash:
                    report.unchanged.append(_item_of_process(latest))
                    continue
            version = latest.version + 1 if latest else 1
            new_processes.append(
                ProcessDefinitionRecord(
                    id=f"{process.key}:{version}",
                    key=process.key,
                    version=version,
                    name=process.name,
                    deployment_id=deployment_id,
                    bundle_hash=process.bundle_hash,
                    source_hash=source_hash,
                    resource_name=process.resource_name,
                    message_start_names=list(process.message_start_names),
                    timer_start=process.timer_start,
                    deployed_at=now,
                    properties=dict(process.properties),
                )
            )
            uow.blobs.put(process.bundle_hash, "bundle", process.bundle, now)
        for decision in compilation.decisions:
            if decision.resource_name not in hashes:
                continue
            source_hash = hashes[decision.resource_name]
            latest_decision = uow.definitions.decision(decision.key)
            if latest_decision is not None and latest_decision.source_hash == source_hash:
                report.unchanged.append(_item_of_decision(latest_decision))
                continue
            version = latest_decision.version + 1 if latest_decision else 1
            new_decisions.append(
                DecisionDefinitionRecord(
                    id=f"{decision.key}:{version}",
                    key=decision.key,
                    version=version,
                    name=decision.name,
                    deployment_id=deployment_id,
                    source_hash=source_hash,
                    resource_name=decision.resource_name,
                    deployed_at=now,
                )
            )
        if not new_processes and not new_decisions:
            return report
        for source in files:
            kind = "dmn" if source.name.lower().endswith(".dmn") else "bpmn"
            uow.blobs.put(hashes[source.name], kind, source.content.decode("utf-8"), now)
        uow.deployments.add(
            DeploymentRecord(
                id=deployment_id,
                name=name or ", ".join(f.name for f in files),
                deployed_by=actor.user_id,
                organisation=actor.organisation,
                deployed_at=now,
                resources=[{"name": f.name, "hash": hashes[f.name]} for f in files],
            )
        )
        for definition in new_processes:
            previous = uow.definitions.process_versions(definition.key)
            uow.definitions.add_process(definition)
            self._register_timer_start(uow, definition, [p.id for p in previous])
            report.deployed.append(_item_of_process(definition))
        for decision_record in new_decisions:
            uow.definitions.add_decision(decision_record)
            report.deployed.append(_item_of_decision(decision_record))
        report.deployment_id = deployment_id
        events.audit(
            uow,
            now,
            actor,
            "deployment.created",
            details={
                "deployment_id": deployment_id,
                "definitions": [d.definition_id for d in report.deployed],
            },
        )
        return report

    def _register_timer_start(
        self, uow: UnitOfWork, definition: ProcessDefinitionRecord, previous_ids: list[str]
    ) -> None:
        # Only the newest version of a process starts on its timer (as in Camunda).
        uow.timers.delete([t.id for t in uow.timers.for_definitions(previous_ids)])
        if definition.timer_start is None:
            return
        due = next_due(definition.timer_start, self._rt.now())
        if due is None:
            return
        uow.timers.add(
            TimerRecord(
                id=new_id(),
                instance_id=None,
                task_id=None,
                element_id=definition.key,
                due_at=due,
                definition_id=definition.id,
                locked_until=None,
            )
        )

    def latest_processes(self) -> list[DeployedDefinition]:
        """The newest version of every deployed process."""
        with self._rt.store.uow(read_only=True) as uow:
            return [_item_of_process(p) for p in uow.definitions.latest_processes()]

    def process_versions(self, key: str) -> list[DeployedDefinition]:
        """Every version of process ``key``, newest first."""
        with self._rt.store.uow(read_only=True) as uow:
            return [_item_of_process(p) for p in uow.definitions.process_versions(key)]

    def process_source(self, key: str, version: int | None = None) -> str:
        """The BPMN XML a process version was deployed from (for the diagram viewer).

        Raises:
            NotFound: no such process (version).
        """
        with self._rt.store.uow(read_only=True) as uow:
            definition = uow.definitions.process(key, version)
            content = uow.blobs.get(definition.source_hash) if definition else None
            if content is None:
                raise NotFound(f"process {key} version {version or 'latest'} not found")
            return content


def _encoding_problems(source: SourceFile) -> list[DeployProblem]:
    try:
        source.content.decode("utf-8")
    except UnicodeDecodeError:
        return [DeployProblem("the file is not UTF-8 encoded", file=source.name)]
    return []


def _item_of_process(record: ProcessDefinitionRecord) -> DeployedDefinition:
    return DeployedDefinition(
        "process", record.key, record.version, record.name, record.resource_name, record.id
    )


def _item_of_decision(record: DecisionDefinitionRecord) -> DeployedDefinition:
    return DeployedDefinition(
        "decision", record.key, record.version, record.name, record.resource_name, record.id
    )
