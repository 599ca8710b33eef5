"""Batch assignment benchmark: column generation against the candidate method, same instances.

    python benchmarks/assign_bench.py                    # 200, 1,000 and 5,000 shipments
    python benchmarks/assign_bench.py --sizes 200        # one size
    python benchmarks/assign_bench.py --no-candidates    # column generation only

Instances (fixed seed): shipments from the Greater Bay Area's rail, port and logistics nodes to
the corridors' destinations (Duisburg, Warsaw, Moscow, Almaty, Tashkent, Rotterdam, Hamburg,
Los Angeles, Hong Kong), 1 to 4 boxes of 20' or 40', ready on one of seven days of a week, on
the bundled network. Capacity binds: every dated departure of a China–Europe / Central Asia
train and of a deep-sea vessel has ``SPACE_SHARE`` of its listed space left (the rest is taken
by other bookings), so the cheap departures fill and shipments wait, reroute or stay behind.

For each size and method: objective (CNY, generalised cost + penalties), the bound valid over
every legal path (column generation only: the candidate method has none), gap, status, columns
and pricing rounds, pricing/label searches, assigned and unassigned shipments, wall time. Every
plan is checked: each departure's load within its space, every assigned shipment on one path.
Results go to ``benchmarks/results/assign.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from router.network import load_network  # noqa: E402
from router.network.model import Mode, Network  # noqa: E402
from router.optimise.assign import (  # noqa: E402
    AssignmentOptions,
    Shipment,
    assign_shipments,
)
from router.optimise.assign_result import AssignmentResult  # noqa: E402
from router.routing.compiled import compile_network  # noqa: E402
from router.routing.request import Cargo, PlaceRef, QuoteRequest  # noqa: E402
from router.units import CST  # noqa: E402

SEED = 2026
#: share of each constrained departure's listed space that is still free
SPACE_SHARE = 0.15
ORIGINS = ("SZ-PINGHU-RAIL", "CNYTN", "CNSHK", "GZ-INTL-PORT-RAIL", "CNNSA", "CNDGG")
DESTINATIONS = ("DEDUI", "PLWAW", "RUMOW", "KZALA", "UZTAS", "NLRTM", "DEHAM", "USLAX", "HKHKG")
WEEK_START = datetime(2026, 3, 2, 8, 0, tzinfo=CST)  # a Monday
TIME_LIMITS_S = {200: 300.0, 1000: 900.0, 5000: 1800.0}
#: the candidate method's search limits: its defaults before column generation replaced it
CANDIDATE_ROUNDS = 4


def instance(network: Network, n: int, seed: int = SEED) -> list[Shipment]:
    rng = random.Random(seed + n)
    out = []
    for i in range(n):
        origin = rng.choice(ORIGINS)
        destination = rng.choice(DESTINATIONS)
        box = rng.choice(("22G1", "42G1"))
        count = rng.randint(1, 4)
        ready = WEEK_START + timedelta(days=rng.randrange(7))
        out.append(
            Shipment(
                f"S{i:05d}",
                QuoteRequest(
                    origin=PlaceRef(origin),
                    destination=PlaceRef(destination),
                    cargo=Cargo(containers=((box, count),), weight_kg=8_000.0 * count),
                    ready=ready,
                ),
            )
        )
    return out


def space(network: Network) -> Any:
    """Remaining space per dated departure: a share of the listed space on trains and ships."""

    def fn(link_id: str, when: datetime) -> float | None:
        link = network.links[link_id]
        if link.mode in (Mode.RAIL, Mode.DEEPSEA) and link.capacity_teu is not None:
            return round(link.capacity_teu * SPACE_SHARE)
        return None

    return fn


def check(result: AssignmentResult) -> int:
    """Violations of the plan's invariants (0 expected)."""
    bad = 0
    for d in result.departures:
        if d.capacity is not None and d.runs and d.load > d.capacity + 1e-6:
            bad += 1
    for a in result.assignments:
        if a.status == "assigned" and a.candidate is None:
            bad += 1
    return bad


def run(cn: Any, network: Network, n: int, method: str) -> dict[str, Any]:
    ships = instance(network, n)
    opts = AssignmentOptions(
        time_limit_s=TIME_LIMITS_S.get(n, 300.0),
        seed=0,
        method=method,
        max_rounds=CANDIDATE_ROUNDS if method == "candidates" else 50,
    )
    t0 = time.perf_counter()
    result = assign_shipments(cn, ships, capacity=space(network), options=opts)
    wall = time.perf_counter() - t0
    info = result.info
    row = {
        "shipments": n,
        "method": method,
        "status": info.status.value,
        "objective_cny": info.objective,
        "bound_cny": info.best_bound,
        "gap": info.gap,
        "assigned": sum(1 for a in result.assignments if a.status == "assigned"),
        "unassigned": sum(1 for a in result.assignments if a.status == "unassigned"),
        "columns": result.candidate_paths,
        "searches": result.searches,
        "details": info.details,
        "reasons": list(info.reasons),
        "time_limit_s": opts.time_limit_s,
        "wall_time_s": round(wall, 2),
        "violations": check(result),
    }
    bound = "-" if info.best_bound is None else f"{info.best_bound:,.0f}"
    gap = "-" if info.gap is None else f"{100 * info.gap:.3f}%"
    print(
        f"{n:>6} {method:<18} {row['status']:<9} obj {info.objective or 0:>14,.0f} "
        f"bound {bound:>14} gap {gap:>8} "
        f"cols {row['columns']:>6} rounds {info.details.get('pricing_rounds', info.details.get('rounds'))} "
        f"unassigned {row['unassigned']:>4} {wall:8.1f} s",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--no-candidates", action="store_true")
    parser.add_argument(
        "--candidates-up-to",
        type=int,
        default=1000,
        help="run the candidate method only up to this many shipments (it runs about 8 label "
        "searches per shipment and has no time limit on them)",
    )
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "assign.json"))
    args = parser.parse_args()
    network = load_network(ROOT / "data")
    cn = compile_network(network)
    rows = []
    for n in args.sizes:
        rows.append(run(cn, network, n, "column_generation"))
        if not args.no_candidates and n <= args.candidates_up_to:
            rows.append(run(cn, network, n, "candidates"))
    doc = {
        "benchmark": "assign",
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/assign_bench.py " + " ".join(sys.argv[1:]),
        "environment": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        },
        "seed": SEED,
        "space_share": SPACE_SHARE,
        "rows": rows,
    }
    Path(args.out).write_text(json.dumps(doc, indent=2, default=str) + "\n")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
