"""Every diagram in processes/bpmn deploys and opens cleanly in Camunda Modeler.

Checked per file: no deploy problems, a shape for every flow node and an edge for every
flow, no overlapping shapes (a boundary event sits on its host's border), every shape
inside its lane, a Dutch name on every flow node, valid identifiers; no edge runs through
a shape it does not connect, every edge stays inside its pool, and no label overlaps
another label or a shape.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from lxml import etree

from orchestrator.domain.clock import ManualClock
from orchestrator.engine.contract import SourceFile
from orchestrator.engine.runner import SpiffEngine

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}
FLOW_NODES = [
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "userTask",
    "serviceTask",
    "businessRuleTask",
    "callActivity",
    "task",
    "sendTask",
    "receiveTask",
    "scriptTask",
    "manualTask",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
]
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: warnings a diagram may carry, with the reason (none so far)
EXPLAINED_WARNINGS: dict[str, str] = {}

DIAGRAMS = sorted(PROCESSES.glob("*.bpmn"))


def test_the_diagrams_are_there() -> None:
    # a missing processes/bpmn must fail, not skip every check below
    assert len(DIAGRAMS) >= 13


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(path), parser).getroot()


def _bounds(shape: etree._Element) -> tuple[float, float, float, float]:
    b = shape.find("dc:Bounds", NS)
    assert b is not None
    return float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


def test_all_diagrams_deploy_without_problems() -> None:
    files = [SourceFile(p.name, p.read_bytes()) for p in sorted(PROCESSES.glob("*.*"))]
    result = SpiffEngine(ManualClock()).compile(files)
    unexplained = [
        p.describe()
        for p in result.problems
        if p.severity == "error" or p.element_id not in EXPLAINED_WARNINGS
    ]
    assert not unexplained, unexplained
    assert not result.refused


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_diagram_is_complete_and_readable(path: Path) -> None:
    root = _parse(path)
    nodes = [n for tag in FLOW_NODES for n in root.iter(f"{{{BPMN}}}{tag}")]
    flows = list(root.iter(f"{{{BPMN}}}sequenceFlow"))
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}

    missing = [n.get("id") for n in nodes if n.get("id") not in shapes]
    assert not missing, f"flow nodes without a shape: {missing}"
    assert not [f.get("id") for f in flows if f.get("id") not in edges]
    for element in [
        *nodes,
        *flows,
        *root.iter(f"{{{BPMN}}}lane"),
        *root.iter(f"{{{BPMN}}}process"),
    ]:
        assert IDENTIFIER.match(element.get("id", "")), element.get("id")
    unnamed = [n.get("id") for n in nodes if not (n.get("name") or "").strip()]
    assert not unnamed, f"flow nodes without a name: {unnamed}"

    boxes = {n.get("id"): _bounds(shapes[n.get("id")]) for n in nodes}
    attached = {n.get("id"): n.get("attachedToRef") for n in root.iter(f"{{{BPMN}}}boundaryEvent")}
    ids = sorted(boxes)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if attached.get(a) == b or attached.get(b) == a:
                continue  # a boundary event sits on its host's border
            assert not _overlap(boxes[a], boxes[b]), f"{a} overlaps {b}"

    lanes = list(root.iter(f"{{{BPMN}}}lane"))
    assert lanes, "no lanes: a diagram shows a lane per role"
    for lane in lanes:
        lane_box = _bounds(shapes[lane.get("id")])
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            assert _inside(boxes[ref.text], lane_box), f"{ref.text} lies outside {lane.get('id')}"
        assert (lane.get("name") or "").strip(), f"lane {lane.get('id')} has no name"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_call_activities_map_all_variables(path: Path) -> None:
    root = _parse(path)
    camunda = "http://camunda.org/schema/1.0/bpmn"
    for call in root.iter(f"{{{BPMN}}}callActivity"):
        ins = call.findall(f".//{{{camunda}}}in")
        outs = call.findall(f".//{{{camunda}}}out")
        assert any(i.get("variables") == "all" for i in ins), call.get("id")
        assert any(o.get("variables") == "all" for o in outs), call.get("id")


def _hits(a: tuple[float, float], b: tuple[float, float], box: tuple[float, ...]) -> bool:
    """Whether the orthogonal segment a-b enters ``box`` (touching its border is fine)."""
    x, y, w, h = box
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return x0 < x + w - 1 and x + 1 < x1 and y0 < y + h - 1 and y + 1 < y1


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_edges_and_labels_are_readable(path: Path) -> None:
    root = _parse(path)
    nodes = {n.get("id") for tag in FLOW_NODES for n in root.iter(f"{{{BPMN}}}{tag}")}
    attached = {n.get("id"): n.get("attachedToRef") for n in root.iter(f"{{{BPMN}}}boundaryEvent")}
    flows = {f.get("id"): f for f in root.iter(f"{{{BPMN}}}sequenceFlow")}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    labels: dict[str, tuple[float, float, float, float]] = {}
    pool = None
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        element = shape.get("bpmnElement")
        if element in nodes:
            boxes[element] = _bounds(shape)
        elif element.startswith("Pool_"):
            pool = _bounds(shape)
        if (label := shape.find("bpmndi:BPMNLabel", NS)) is not None:
            labels[element] = _bounds(label)
    assert pool is not None
    through = []
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        flow = flows[edge.get("bpmnElement")]
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        points = [(float(w.get("x")), float(w.get("y"))) for w in edge.iterfind("di:waypoint", NS)]
        assert all(_inside((x, y, 0, 0), pool) for x, y in points), (
            f"{flow.get('id')} leaves the pool"
        )
        for node, box in boxes.items():
            if node in ends or attached.get(node) in ends:
                continue  # its own shapes, and boundary events on them
            if any(_hits(a, b, box) for a, b in itertools.pairwise(points)):
                through.append(f"{flow.get('id')} runs through {node}")
        if (label := edge.find("bpmndi:BPMNLabel", NS)) is not None:
            labels[flow.get("id")] = _bounds(label)
    assert not through, through
    names = sorted(labels)
    clashes = [
        f"label {a} overlaps label {b}"
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if _overlap(labels[a], labels[b])
    ]
    clashes += [
        f"label {a} overlaps shape {n}"
        for a in names
        for n, box in boxes.items()
        if _overlap(labels[a], box)
    ]
    assert not clashes, clashes
