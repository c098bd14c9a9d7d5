"""Layered left-to-right layout of a :class:`~processes.tools.bpmn_model.Proces`.

Columns are layers of the flow graph (longest path from the start, loops ignored); each
lane is a horizontal band with as many rows as it needs; a node keeps the row of the node
before it when it can, so the happy path reads as a straight line. Edges are orthogonal:
forward edges bend in the gap before the target column, gateways leave and merges enter
through their top or bottom, loops run back along the bottom of the lane.
"""

from __future__ import annotations

import heapq
import itertools
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
    # the lines a rerouted edge may follow: column gaps and centres, row centres, the
    # channels under the rows and along the lane borders
    grid_x = {lane_x + LEFT_PAD + k * COL_W for k in range(columns + 1)}
    grid_x |= {lane_x + LEFT_PAD + k * COL_W + COL_W / 2 for k in range(columns)}
    grid_y: set[float] = set()
    for _, top, _, height in plan.lanes.values():
        rows = round((height - TOP_PAD - BOTTOM_PAD) / ROW_H)
        grid_y |= {top + 12, top + height - 15}
        for r in range(rows):
            grid_y |= {top + TOP_PAD + r * ROW_H + 50, top + TOP_PAD + r * ROW_H + 50 + CHANNEL}
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
        ends = {f.source, t}
        avoid = [b for n, b in plan.shapes.items() if n not in ends and host.get(n) not in ends]
        if crossings(plan.edges[f.id], avoid):
            better = reroute(
                plan.shapes[f.source],
                plan.shapes[t],
                avoid,
                grid_x,
                grid_y,
                "b" if f.source in host else "rtb",
            )
            if better is not None:
                plan.edges[f.id] = better
                detour = False
        if f.name:
            (x0, y0), (x1, y1) = plan.edges[f.id][0], plan.edges[f.id][1]
            if detour:  # label under the channel, clear of the gateway's own label
                first = (x0 + 6, y1 + 2, 70, 14)
            elif x0 == x1:  # leaves vertically: label beside the line
                first = (x0 + 6, (y0 + y1) / 2 - 10, 70, 14)
            else:
                first = (x0 + 6, y0 - 20, 70, 14)
            plan.labels[f.id] = _free_spot(first, plan.edges[f.id], plan)
    return plan


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _free_spot(first: Box, points: list[tuple[float, float]], plan: Layout) -> Box:
    """``first`` if it is clear of every shape and label placed so far, else the first clear
    spot beside one of the edge's first two segments."""
    taken = [*plan.shapes.values(), *plan.labels.values()]
    candidates = [first]
    for (x0, y0), (x1, y1) in itertools.pairwise(points[:3]):
        if x0 == x1:
            mid = (y0 + y1) / 2
            candidates += [(x0 + 6, mid - 10, 70, 14), (x0 - 76, mid - 10, 70, 14)]
            step = 1 if y1 > y0 else -1
            candidates += [
                (x0 + 6, y0 + step * 24 - 7, 70, 14),
                (x0 - 76, y0 + step * 24 - 7, 70, 14),
            ]
        else:
            left = min(x0, x1)
            candidates += [(left + 6, y0 - 20, 70, 14), (left + 6, y0 + 4, 70, 14)]
            candidates += [(max(x0, x1) - 76, y0 - 20, 70, 14), (max(x0, x1) - 76, y0 + 4, 70, 14)]
    for spot in candidates:
        if not any(_overlaps(spot, box) for box in taken):
            return spot
    return first


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


# ------------------------------------------------------------------ rerouting
#: room kept between a rerouted edge and the shapes it passes
MARGIN = 6
#: what a bend costs, in pixels of length: few bends read better than a short detour
BEND = 60


def _hits(a: tuple[float, float], b: tuple[float, float], box: Box, margin: float = 1) -> bool:
    """Whether the orthogonal segment a-b enters ``box`` (shrunk by ``margin``)."""
    x, y, w, h = box
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return (
        x0 < x + w - margin
        and x + margin < x1 + 1e-6
        and y0 < y + h - margin
        and (y + margin < y1 + 1e-6)
    )


def crossings(points: list[tuple[float, float]], boxes: list[Box]) -> int:
    """How many of ``boxes`` the polyline ``points`` runs through."""
    return sum(1 for box in boxes if any(_hits(a, b, box) for a, b in itertools.pairwise(points)))


def _ports(box: Box, sides: str) -> list[tuple[tuple[float, float], tuple[int, int]]]:
    """Connection points on the sides of ``box`` (r, l, t, b) with their outward direction."""
    x, y, w, h = box
    out = {
        "r": ((x + w, y + h / 2), (1, 0)),
        "l": ((x, y + h / 2), (-1, 0)),
        "t": ((x + w / 2, y), (0, -1)),
        "b": ((x + w / 2, y + h), (0, 1)),
    }
    return [out[s] for s in sides]


def reroute(
    start: Box,
    end: Box,
    obstacles: list[Box],
    xs: set[float],
    ys: set[float],
    start_sides: str = "rtb",
) -> list[tuple[float, float]] | None:
    """The shortest orthogonal route (length plus :data:`BEND` per bend) from a side of
    ``start`` (right, top, bottom) to a side of ``end`` (left, top, bottom) over the grid
    ``xs`` x ``ys`` that stays clear of ``obstacles``; None when there is none."""
    sources = _ports(start, start_sides)
    targets = {p: d for p, d in _ports(end, "ltb")}
    gx = sorted(xs | {p[0] for p, _ in sources} | {p[0] for p in targets})
    gy = sorted(ys | {p[1] for p, _ in sources} | {p[1] for p in targets})
    grown = [(x - MARGIN, y - MARGIN, w + 2 * MARGIN, h + 2 * MARGIN) for x, y, w, h in obstacles]
    sx, sy, sw, sh = start

    def free(a: tuple[float, float], b: tuple[float, float]) -> bool:
        if any(_hits(a, b, box, 0) for box in grown):
            return False
        # never run through the shapes the edge connects, except into the target's port
        return not (_hits(a, b, (sx, sy, sw, sh), 1) or (b not in targets and _hits(a, b, end, 1)))

    Node = tuple[float, float, int, int]
    best: dict[Node, float] = {}
    back: dict[Node, Node | None] = {}
    queue: list[tuple[float, Node]] = []
    for p, (dx, dy) in sources:
        node = (p[0], p[1], dx, dy)
        best[node] = 0.0
        back[node] = None
        heapq.heappush(queue, (0.0, node))
    index_x = {v: i for i, v in enumerate(gx)}
    index_y = {v: i for i, v in enumerate(gy)}
    while queue:
        cost, node = heapq.heappop(queue)
        if cost > best.get(node, float("inf")):
            continue
        x, y, dx, dy = node
        if (x, y) in targets:
            tdx, tdy = targets[(x, y)]
            if (dx, dy) == (-tdx, -tdy):
                path: list[tuple[float, float]] = []
                cur: Node | None = node
                while cur is not None:
                    path.append((cur[0], cur[1]))
                    cur = back[cur]
                return _simplify(path[::-1])
            continue
        for ndx, ndy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            if (ndx, ndy) == (-dx, -dy):
                continue
            i, j = index_x[x] + ndx, index_y[y] + ndy
            if not (0 <= i < len(gx) and 0 <= j < len(gy)):
                continue
            nxt = (gx[i], gy[j])
            if not free((x, y), nxt):
                continue
            step = abs(nxt[0] - x) + abs(nxt[1] - y)
            ncost = cost + step + (BEND if (ndx, ndy) != (dx, dy) else 0)
            key = (nxt[0], nxt[1], ndx, ndy)
            if ncost < best.get(key, float("inf")):
                best[key] = ncost
                back[key] = node
                heapq.heappush(queue, (ncost, key))
    return None


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop the points in the middle of a straight run."""
    out = [points[0]]
    for i in range(1, len(points) - 1):
        a, b, c = out[-1], points[i], points[i + 1]
        if (a[0] == b[0] == c[0]) or (a[1] == b[1] == c[1]):
            continue
        out.append(b)
    out.append(points[-1])
    return out
