"""Layered left-to-right layout of a :class:`~processes.tools.bpmn_model.Proces`.

Columns are layers of the flow graph (longest path from the start, loops ignored); each
lane is a horizontal band with as many rows as it needs; a node keeps the row of the node
before it when it can, so the happy path reads as a straight line. Edges are orthogonal:
forward edges bend in the gap before the target column, gateways leave and merges enter
through their top or bottom, loops run back along the bottom of the lane.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from processes.tools.bpmn_model import Proces

Box = tuple[float, float, float, float]

COL_W = 160
ROW_H = 150
TOP_PAD = 30
BOTTOM_PAD = 40
POOL_X, POOL_Y = 160, 80
POOL_LABEL = 30
LEFT_PAD = 20
#: below a row's centre: under the labels of its events and gateways, above the next row
CHANNEL = 85
SIZES = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36)}


@dataclass
class Layout:
    """Bounds of the pool, lanes, shapes and labels, and waypoints of every flow."""

    pool: Box = (0, 0, 0, 0)
    lanes: dict[str, Box] = field(default_factory=dict)
    shapes: dict[str, Box] = field(default_factory=dict)
    labels: dict[str, Box] = field(default_factory=dict)
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def _back_edges(p: Proces, main: list[str], succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on stack, 2 done

    def visit(n: str) -> None:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1:
                back.add((n, m))
            elif m not in state:
                visit(m)
        state[n] = 2

    roots = [n for n in main if p.nodes[n].tag == "startEvent"] + main
    for n in roots:
        if n not in state:
            visit(n)
    return back


def layout(p: Proces) -> Layout:
    """Place every shape, lane and edge of ``p``."""
    host = {n.id: n.attached_to for n in p.nodes.values() if n.attached_to}
    main = [n for n in p.nodes if n not in host]

    def anchor(n: str) -> str:
        return host.get(n, n)

    succ: dict[str, list[str]] = {n: [] for n in main}
    for f in p.flows:
        succ[anchor(f.source)].append(f.target)
    back = _back_edges(p, main, succ)

    # layers: longest path over forward edges (Kahn order)
    preds: dict[str, list[str]] = {n: [] for n in main}
    for f in p.flows:
        s = anchor(f.source)
        if (s, f.target) not in back:
            preds[f.target].append(f.source)
    layer: dict[str, int] = {}
    order: list[str] = []
    pending = list(main)
    while pending:
        progressed = False
        for n in list(pending):
            if all(anchor(q) in layer for q in preds[n]):
                layer[n] = max((layer[anchor(q)] + 1 for q in preds[n]), default=0)
                order.append(n)
                pending.remove(n)
                progressed = True
        if not progressed:  # pragma: no cover - a cycle without a back edge cannot happen
            raise ValueError(f"{p.id}: cannot layer {pending}")

    # rows within lanes
    row: dict[str, int] = {}
    taken: set[tuple[str, int, int]] = set()
    for n in sorted(order, key=lambda k: (layer[k], order.index(k))):
        lane = p.nodes[n].lane
        preferred = 0
        for q in preds[n]:
            if p.nodes[anchor(q)].lane == lane:
                preferred = row[anchor(q)] + (1 if q in host else 0)
                break
        r = preferred
        while (lane, layer[n], r) in taken:
            r += 1
        row[n] = r
        taken.add((lane, layer[n], r))

    # lanes as bands
    plan = Layout()
    columns = max(layer.values(), default=0) + 1
    lane_x = POOL_X + POOL_LABEL
    width = LEFT_PAD * 2 + columns * COL_W
    y = POOL_Y
    lane_top: dict[str, float] = {}
    for lane_id in p.lanes:
        rows = max((row[n] + 1 for n in main if p.nodes[n].lane == lane_id), default=1)
        height = TOP_PAD + rows * ROW_H + BOTTOM_PAD
        plan.lanes[lane_id] = (lane_x, y, width, height)
        lane_top[lane_id] = y
        y += height
    plan.pool = (POOL_X, POOL_Y, POOL_LABEL + width, y - POOL_Y)

    def center(n: str) -> tuple[float, float]:
        cx = lane_x + LEFT_PAD + layer[n] * COL_W + COL_W / 2
        cy = lane_top[p.nodes[n].lane] + TOP_PAD + row[n] * ROW_H + 50
        return cx, cy

    for n in main:
        w, h = SIZES[p.nodes[n].kind]
        cx, cy = center(n)
        plan.shapes[n] = (cx - w / 2, cy - h / 2, w, h)
    per_host: dict[str, int] = {}
    for b, h_id in host.items():
        i = per_host.get(h_id, 0)
        per_host[h_id] = i + 1
        hx, hy, hw, hh = plan.shapes[h_id]
        plan.shapes[b] = (hx + hw - 36 - 8 - i * 44, hy + hh - 18, 36, 36)

    for n, node in p.nodes.items():
        if node.kind == "task":
            continue
        x, y0, w, h = plan.shapes[n]
        if n in host:
            # under the labels of the next column; a second event's label below the first
            below = 27 * sum(1 for b in host if host[b] == host[n] and b < n)
            plan.labels[n] = (x + w + 4, y0 + h + 14 + below, 100, 27)
        else:
            plan.labels[n] = (x + w / 2 - 60, y0 + h + 6, 120, 40)

    occupied = {(p.nodes[n].lane, row[n], layer[n]) for n in main}
    for f in p.flows:
        s, t = anchor(f.source), f.target
        is_back = (s, t) in back
        # a forward edge along a row that would run through a shape between its ends
        detour = (
            not is_back
            and f.source not in host
            and p.nodes[s].lane == p.nodes[t].lane
            and row[s] == row[t]
            and any((p.nodes[s].lane, row[s], c) in occupied for c in range(layer[s] + 1, layer[t]))
        )
        if detour:
            plan.edges[f.id] = _detour(p, plan, f.source, t)
        else:
            plan.edges[f.id] = _route(p, plan, f.source, t, is_back, host)
        if f.name:
            (x0, y0), (x1, y1) = plan.edges[f.id][0], plan.edges[f.id][1]
            if detour:  # label under the channel, clear of the gateway's own label
                plan.labels[f.id] = (x0 + 6, y1 + 2, 70, 14)
            elif x0 == x1:  # leaves vertically: label beside the line
                plan.labels[f.id] = (x0 + 6, (y0 + y1) / 2 - 10, 70, 14)
            else:
                plan.labels[f.id] = (x0 + 6, y0 - 20, 70, 14)
    return plan


def _route(
    p: Proces, plan: Layout, s: str, t: str, is_back: bool, host: dict[str, str | None]
) -> list[tuple[float, float]]:
    sx, sy, sw, sh = plan.shapes[s]
    tx, ty, tw, th = plan.shapes[t]
    scx, scy = sx + sw / 2, sy + sh / 2
    tcx, tcy = tx + tw / 2, ty + th / 2
    if is_back:
        s_lane = plan.lanes[p.nodes[s].lane]
        t_lane = plan.lanes[p.nodes[t].lane]
        low = max(s_lane[1] + s_lane[3], t_lane[1] + t_lane[3]) - 15
        return [(scx, sy + sh), (scx, low), (tcx, low), (tcx, ty + th)]
    if s in host:
        if abs(tcy - scy) < 1:
            return [(sx + sw, scy), (tx, tcy)]
        return [(scx, sy + sh), (scx, tcy), (tx, tcy)]
    if abs(tcy - scy) < 1:
        return [(sx + sw, scy), (tx, tcy)]
    if p.nodes[s].kind == "gateway":
        exit_y = sy + sh if tcy > scy else sy
        return [(scx, exit_y), (scx, tcy), (tx, tcy)]
    if p.nodes[t].kind == "gateway":
        entry_y = ty if scy < tcy else ty + th
        return [(sx + sw, scy), (tcx, scy), (tcx, entry_y)]
    bend = tx - (COL_W - tw) / 2 + 8
    return [(sx + sw, scy), (bend, scy), (bend, tcy), (tx, tcy)]


def _detour(p: Proces, plan: Layout, s: str, t: str) -> list[tuple[float, float]]:
    """Route a same-row edge that skips occupied columns through the channel below the row:
    out of the source's bottom, along the channel, into the target from below (gateways and
    events) or from the left (tasks)."""
    sx, sy, sw, sh = plan.shapes[s]
    tx, ty, tw, th = plan.shapes[t]
    scx, scy = sx + sw / 2, sy + sh / 2
    tcx, tcy = tx + tw / 2, ty + th / 2
    channel = scy + CHANNEL
    if p.nodes[t].kind == "task":
        bend = tx - (COL_W - tw) / 2 + 8
        return [(scx, sy + sh), (scx, channel), (bend, channel), (bend, tcy), (tx, tcy)]
    return [(scx, sy + sh), (scx, channel), (tcx, channel), (tcx, ty + th)]
