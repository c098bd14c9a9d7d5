"""``make bench``: Ketenregie's core beside bare SpiffWorkflow on the same diagram.

    .venv/bin/python -m bench                 # 10,000 instances each
    .venv/bin/python -m bench --quick         # 1,000
    .venv/bin/python -m bench --profile out.prof --instances 2000   # cProfile the core

Bare and core run in alternating chunks in one process, so machine noise hits both. The
last line printed is one JSON object (see bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

import sqlalchemy
from sqlalchemy import func, select

from bench import bare
from bench.core import CoreBench
from orchestrator.store.tables import process_instances

TARGET_RATIO = 0.6
TARGET_STATE_BYTES = 8 * 1024
WARM_UP = 50


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.5))
    return float(ordered[min(rank, len(ordered)) - 1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=10_000, help="journeys per side")
    parser.add_argument("--quick", action="store_true", help="1,000 journeys per side")
    parser.add_argument("--chunk", type=int, default=500, help="journeys per alternation")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the core runs into FILE")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP completions")
    parser.add_argument(
        "--no-messaging", action="store_true", help="skip the messaging round trips"
    )
    args = parser.parse_args(argv)
    total = 1_000 if args.quick else args.instances
    chunk = max(1, min(args.chunk, total))

    core = CoreBench(seed=args.seed)
    try:
        # warm up both (imports, caches, first compilation of every statement); not timed
        bare.run(WARM_UP, seed=args.seed)
        core.run(0, WARM_UP, prefix="W")
        rows_before = core.rows()

        profiler = cProfile.Profile() if args.profile else None
        bare_seconds = core_seconds = 0.0
        bare_ms: list[float] = []
        core_ms: list[float] = []
        bare_state: list[int] = []
        core_state: list[int] = []
        branches = {"handmatig": 0, "registreren": 0}
        done = 0
        round_no = 0
        while done < total:
            size = min(chunk, total - done)
            # alternate who goes first, so neither side always runs on a warmer machine
            order = ("bare", "core") if round_no % 2 == 0 else ("core", "bare")
            for side in order:
                if side == "bare":
                    b = bare.run(size, seed=args.seed + round_no)
                    bare_seconds += b.seconds
                    bare_ms += b.completions_ms
                    bare_state += b.waiting_state_bytes
                else:
                    if profiler:
                        profiler.enable()
                    c = core.run(done, size)
                    if profiler:
                        profiler.disable()
                    core_seconds += c.seconds
                    core_ms += c.completions_ms
                    core_state += c.waiting_state_bytes
                    for name, n in c.branches.items():
                        branches[name] += n
            done += size
            round_no += 1
            print(
                f"  {done:>6}/{total}  bare {done / bare_seconds:7.1f}/s"
                f"  core {done / core_seconds:7.1f}/s",
                file=sys.stderr,
                flush=True,
            )

        outbox_rows, audit_rows = (a - b for a, b in zip(core.rows(), rows_before, strict=True))
        with core.app.store.engine.connect() as conn:
            completed = conn.execute(
                select(func.count())
                .select_from(process_instances)
                .where(process_instances.c.status == "completed")
            ).scalar_one()
        if completed != total + WARM_UP:
            raise SystemExit(f"only {completed} of {total + WARM_UP} core instances completed")
        sqlite_version = core.sqlite_version()
    finally:
        core.close()

    bare_per_s = total / bare_seconds
    core_per_s = total / core_seconds
    figures: dict[str, Any] = {
        "core_per_s": round(core_per_s, 1),
        "bare_per_s": round(bare_per_s, 1),
        "ratio": round(core_per_s / bare_per_s, 3),
        "core_p50_ms": round(percentile(core_ms, 50), 3),
        "core_p95_ms": round(percentile(core_ms, 95), 3),
        "bare_p50_ms": round(percentile(bare_ms, 50), 3),
        "bare_p95_ms": round(percentile(bare_ms, 95), 3),
        "state_bytes_p95": int(percentile(core_state, 95)),
        "state_bytes_max": max(core_state),
        "bare_state_bytes_p95": int(percentile(bare_state, 95)),
        "outbox_rows_per_instance": round(outbox_rows / total, 2),
        "audit_rows_per_instance": round(audit_rows / total, 2),
        "job_branch_share": round(branches["registreren"] / total, 3),
        "instances": total,
        "sqlite": sqlite_version,
        "python": platform.python_version(),
    }
    figures["ratio_ok"] = figures["ratio"] >= TARGET_RATIO
    if not args.no_http:
        # task completions over HTTP beside the bare save/restore completion rate
        from bench import http

        bare_completions_per_s = len(bare_ms) / (sum(bare_ms) / 1000)
        http_tasks = 400 if args.quick else 1000  # per saturation step
        result = http.run(http_tasks, 400 if args.quick else 1000)
        figures.update(http.figures(result, bare_completions_per_s))
        figures["bare_completions_per_s"] = round(bare_completions_per_s, 1)
    figures["state_ok"] = figures["state_bytes_max"] <= TARGET_STATE_BYTES
    if not args.no_messaging:
        from bench import messaging

        figures.update(messaging.figures(100 if args.quick else 300))

    if profiler and args.profile:
        profiler.dump_stats(args.profile)
        stats = pstats.Stats(args.profile, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)

    print()
    print(
        f"Ketenregie bench: {total} journeys per side, Python {platform.python_version()}, "
        f"SQLite {sqlite_version} (module {sqlite3.sqlite_version}), "
        f"SQLAlchemy {sqlalchemy.__version__}"
    )
    print(f"{'':24}{'bare SpiffWorkflow':>20}{'Ketenregie core':>18}")
    print(f"{'instances/s':24}{bare_per_s:>20.1f}{core_per_s:>18.1f}")
    print(
        f"{'completion p50 (ms)':24}{figures['bare_p50_ms']:>20.3f}{figures['core_p50_ms']:>18.3f}"
    )
    print(
        f"{'completion p95 (ms)':24}{figures['bare_p95_ms']:>20.3f}{figures['core_p95_ms']:>18.3f}"
    )
    print(
        f"{'waiting state p95 (B)':24}{figures['bare_state_bytes_p95']:>20}"
        f"{figures['state_bytes_p95']:>18}"
    )
    print(f"{'outbox rows/instance':24}{'-':>20}{figures['outbox_rows_per_instance']:>18}")
    print(f"{'audit rows/instance':24}{'-':>20}{figures['audit_rows_per_instance']:>18}")
    print(
        f"ratio core/bare {figures['ratio']:.3f} (target >= {TARGET_RATIO}: "
        f"{'met' if figures['ratio_ok'] else 'NOT met'}); state max "
        f"{figures['state_bytes_max']} B (target <= {TARGET_STATE_BYTES}: "
        f"{'met' if figures['state_ok'] else 'NOT met'})"
    )
    if "http_per_s" in figures:
        print(
            f"HTTP completions {figures['http_per_s']}/s saturated "
            f"({figures['http_clients']} clients; "
            + ", ".join(f"{c}: {r:.1f}/s" for c, r in result.rates.items())
            + ") "
            f"(ratio to bare completions {figures['http_ratio']}, target >= "
            f"{http.TARGET_RATIO}); p95 {figures['http_p95_ms']} ms from send, "
            f"{figures['http_p95_sched_ms']} ms from due time, at "
            f"{figures['http_offered_per_s']}/s offered (target <= {http.TARGET_P95_MS} ms)"
        )
    print(json.dumps(figures, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
