"""A hand-written fake :class:`ProcessEngine`: a linear list of wait states, as JSON.

A "diagram" is a JSON document (the fake compiles it into its own bundle)::

    {"key": "aanvraag", "name": "Aanvraag", "message_start": ["Aangemeld"],
     "timer_start": "R/P1D", "errors": [],
     "steps": [
        {"type": "user", "element": "Beoordelen", "groups": ["poortwachter"]},
        {"type": "user", "element": "Gesprek", "lane": "Werkcoach", "boundary_timer": 3600},
        {"type": "timer", "element": "Wachten", "seconds": 60},
        {"type": "message", "element": "Wacht", "name": "Besluit", "correlate_on": "zaak"},
        {"type": "job", "element": "Registreren", "topic": "uwv.registreren",
         "retries": 3, "intervals": [10, 60], "catch": ["ONBEKEND"]},
        {"type": "check", "element": "Gateway", "var": "ok"},   # EngineFailure unless vars[ok]
        {"type": "throw", "name": "Gereed"}]}

The state is JSON ``{"id", "pos", "vars", "due"}``; every call is a pure function of
(bundle, state, input, clock), like the real engine.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from orchestrator.domain.clock import Clock
from orchestrator.domain.errors import BpmnErrorRaised, DeployProblem, NotFound
from orchestrator.domain.runtime import (
    InstanceSnapshot,
    InstanceStatus,
    JobInfo,
    SubscriptionInfo,
    ThrownMessage,
    TimerInfo,
    UserTaskInfo,
)
from orchestrator.engine.contract import (
    Compilation,
    CompiledDecision,
    CompiledProcess,
    EngineFailure,
    SourceFile,
)


def diagram(key: str, *steps: dict[str, Any], **extra: Any) -> SourceFile:
    """A fake BPMN file for process ``key`` with ``steps``."""
    body = {"key": key, "name": key.title(), "steps": list(steps), **extra}
    return SourceFile(f"{key}.bpmn", json.dumps(body, sort_keys=True).encode())


def decisions(name: str, *keys: str, revision: int = 1) -> SourceFile:
    """A fake DMN file holding decisions ``keys``."""
    body = {"decisions": list(keys), "revision": revision}
    return SourceFile(name, json.dumps(body).encode())


class FakeEngine:
    """Implements the ProcessEngine protocol over :func:`diagram` JSON."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls: list[str] = []
        self.delay = 0.0  # seconds each runtime call takes (widens race windows in tests)

    # ------------------------------------------------------------------ deploy
    def compile(
        self, files: Sequence[SourceFile], deployed: Sequence[SourceFile] = ()
    ) -> Compilation:
        result = Compilation()
        self.calls.append(f"compile:{len(files)}:{len(deployed)}")
        for source in files:
            data = json.loads(source.content)
            if source.name.endswith(".dmn"):
                digest = hashlib.sha256(source.content).hexdigest()
                for key in data["decisions"]:
                    result.decisions.append(CompiledDecision(key, key, source.name, digest))
                continue
            for message in data.get("errors", []):
                result.problems.append(DeployProblem(message, file=source.name))
            for message in data.get("warnings", []):
                result.problems.append(DeployProblem(message, file=source.name, severity="warning"))
            bundle = source.content.decode()
            result.processes.append(
                CompiledProcess(
                    key=data["key"],
                    name=data.get("name"),
                    resource_name=source.name,
                    bundle=bundle,
                    bundle_hash=hashlib.sha256(bundle.encode()).hexdigest(),
                    message_start_names=tuple(data.get("message_start", ())),
                    timer_start=data.get("timer_start"),
                )
            )
        return result

    # ----------------------------------------------------------------- runtime
    def start(
        self,
        bundle: str,
        *,
        variables: Mapping[str, Any],
        business_key: str | None,
        message_name: str | None = None,
    ) -> InstanceSnapshot:
        self.calls.append("start")
        state = {"id": uuid.uuid4().hex[:8], "pos": -1, "vars": dict(variables), "due": None}
        return self._enter(json.loads(bundle), state, 0)

    def complete_user_task(
        self, bundle: str, state: str, task_id: str, variables: Mapping[str, Any]
    ) -> InstanceSnapshot:
        self.calls.append(f"complete_user_task:{task_id}")
        time.sleep(self.delay)
        return self._leave(bundle, state, task_id, ("user",), variables)

    def complete_job(
        self, bundle: str, state: str, task_id: str, variables: Mapping[str, Any]
    ) -> InstanceSnapshot:
        self.calls.append(f"complete_job:{task_id}")
        return self._leave(bundle, state, task_id, ("job",), variables)

    def throw_job_error(
        self,
        bundle: str,
        state: str,
        task_id: str,
        error_code: str,
        message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> InstanceSnapshot:
        self.calls.append(f"throw_job_error:{error_code}")
        spec, _ = self._current(bundle, state, task_id, ("job",))
        if error_code not in spec.get("catch", ()):
            raise BpmnErrorRaised(error_code, message, element_id=spec["element"])
        return self._leave(
            bundle, state, task_id, ("job",), {**(variables or {}), "fout": error_code}
        )

    def fire_timers(self, bundle: str, state: str, task_ids: Sequence[str]) -> InstanceSnapshot:
        self.calls.append(f"fire_timers:{','.join(task_ids)}")
        time.sleep(self.delay)
        process, current = json.loads(bundle), json.loads(state)
        wanted = {self._task_id(current, "timer")}
        if not wanted & set(task_ids):
            raise NotFound(f"no timer {task_ids}")
        due = datetime.fromisoformat(current["due"])
        if due > self.clock.now():
            raise EngineFailure("timer is not due yet")
        return self._enter(process, current, current["pos"] + 1)

    def correlate_message(
        self,
        bundle: str,
        state: str,
        task_id: str,
        message_name: str,
        variables: Mapping[str, Any],
    ) -> InstanceSnapshot:
        self.calls.append(f"correlate_message:{message_name}")
        return self._leave(bundle, state, task_id, ("message",), variables)

    def signal(self, bundle: str, state: str, signal_name: str) -> InstanceSnapshot:
        raise NotImplementedError

    def terminate(self, bundle: str, state: str) -> InstanceSnapshot:
        current = json.loads(state)
        current["pos"] = 10_000
        return InstanceSnapshot(
            state=json.dumps(current), status=InstanceStatus.TERMINATED, variables=current["vars"]
        )

    def evaluate_decision(
        self, source: bytes, decision_key: str, variables: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        return [{"uitkomst": decision_key}]

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _task_id(state: dict[str, Any], kind: str) -> str:
        return f"{state['id']}-{state['pos']}-{kind}"

    def _current(
        self, bundle: str, state: str, task_id: str, kinds: tuple[str, ...]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        process, current = json.loads(bundle), json.loads(state)
        steps = process["steps"]
        pos = current["pos"]
        if not 0 <= pos < len(steps) or steps[pos]["type"] not in kinds:
            raise NotFound(f"task {task_id} is not waiting")
        if task_id != self._task_id(current, steps[pos]["type"]):
            raise NotFound(f"task {task_id} is not waiting")
        return steps[pos], current

    def _leave(
        self,
        bundle: str,
        state: str,
        task_id: str,
        kinds: tuple[str, ...],
        variables: Mapping[str, Any],
    ) -> InstanceSnapshot:
        _, current = self._current(bundle, state, task_id, kinds)
        current["vars"].update(variables)
        return self._enter(json.loads(bundle), current, current["pos"] + 1)

    def _enter(self, process: dict[str, Any], state: dict[str, Any], pos: int) -> InstanceSnapshot:
        steps = process["steps"]
        thrown: list[ThrownMessage] = []
        while pos < len(steps) and steps[pos]["type"] in ("check", "throw"):
            spec = steps[pos]
            if spec["type"] == "check" and not state["vars"].get(spec["var"]):
                raise EngineFailure(f"{spec['var']} is not set", element_id=spec["element"])
            if spec["type"] == "throw":
                thrown.append(
                    ThrownMessage(spec["name"], dict(state["vars"]), spec.get("correlation", {}))
                )
            pos += 1
        state["pos"] = pos
        state["due"] = None
        if pos >= len(steps):
            return InstanceSnapshot(
                state=json.dumps(state),
                status=InstanceStatus.COMPLETED,
                variables=state["vars"],
                thrown_messages=tuple(thrown),
            )
        spec = steps[pos]
        kind = spec["type"]
        tid = self._task_id(state, kind)
        user_tasks: tuple[UserTaskInfo, ...] = ()
        timers: tuple[TimerInfo, ...] = ()
        subs: tuple[SubscriptionInfo, ...] = ()
        jobs: tuple[JobInfo, ...] = ()
        now = self.clock.now()
        if kind == "user":
            user_tasks = (
                UserTaskInfo(
                    task_id=tid,
                    element_id=spec["element"],
                    name=spec.get("name", spec["element"]),
                    lane=spec.get("lane"),
                    candidate_groups=tuple(spec.get("groups", ())),
                    candidate_users=tuple(spec.get("users", ())),
                    assignee=spec.get("assignee"),
                    due_at=now + timedelta(days=spec["due_days"]) if "due_days" in spec else None,
                ),
            )
            if "boundary_timer" in spec:
                due = now + timedelta(seconds=spec["boundary_timer"])
                state["due"] = due.isoformat()
                timers = (
                    TimerInfo(self._task_id(state, "timer"), spec["element"] + "_timer", None, due),
                )
        elif kind == "timer":
            due = now + timedelta(seconds=spec["seconds"])
            state["due"] = due.isoformat()
            timers = (TimerInfo(tid, spec["element"], None, due),)
        elif kind == "message":
            corr = {}
            if "correlate_on" in spec:
                corr = {spec["correlate_on"]: state["vars"].get(spec["correlate_on"])}
            subs = (SubscriptionInfo(tid, spec["element"], spec["name"], corr),)
        elif kind == "job":
            jobs = (
                JobInfo(
                    task_id=tid,
                    element_id=spec["element"],
                    name=spec["element"],
                    topic=spec["topic"],
                    variables=dict(state["vars"]),
                    retries=spec.get("retries", 3),
                    retry_intervals=tuple(spec.get("intervals", (10.0,))),
                ),
            )
        return InstanceSnapshot(
            state=json.dumps(state),
            status=InstanceStatus.RUNNING,
            variables=dict(state["vars"]),
            user_tasks=user_tasks,
            jobs=jobs,
            timers=timers,
            subscriptions=subs,
            thrown_messages=tuple(thrown),
        )
