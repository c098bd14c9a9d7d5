"""Bare SpiffWorkflow: the same diagram, a JSON save/restore per step, no database."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.camunda.parser import CamundaParser  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG  # type: ignore[import-untyped, unused-ignore]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped, unused-ignore]

from bench.diagram import PROCESS_KEY, diagram


@dataclass
class Result:
    instances: int
    seconds: float
    completions_ms: list[float] = field(default_factory=list)
    waiting_state_bytes: list[int] = field(default_factory=list)


def run(instances: int, seed: int = 7) -> Result:
    """Drive ``instances`` journeys through bare SpiffWorkflow."""
    parser = CamundaParser()
    parser.add_bpmn_xml(
        etree.fromstring(diagram(python_conditions=True, external=False)), filename="bench.bpmn"
    )
    spec = parser.get_spec(PROCESS_KEY)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    rng = random.Random(seed)
    result = Result(instances=instances, seconds=0.0)
    started = time.perf_counter()
    for _ in range(instances):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        result.waiting_state_bytes.append(len(state.encode()))
        for score in (rng.randint(0, 9), None):
            t0 = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            if score is not None:
                task.data["score"] = score
            task.run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            result.completions_ms.append((time.perf_counter() - t0) * 1000)
        assert workflow.is_completed()
    result.seconds = time.perf_counter() - started
    return result
