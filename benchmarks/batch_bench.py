"""Batch routing benchmark: CPU per shipment of a demand table, one-to-many vs per-row search.

Run: ``python benchmarks/batch_bench.py [--shipments 10000] [--seed 2026]``
Writes ``benchmarks/results/batch.json`` and prints the figures.

The demand table is generated here (a planner's table of the kind issue 14's generator will
build from published trade figures; this one only has to have its shape): shipments on a few
hundred lanes from GBA terminals (CN, HK) to the rest of the bundled network, lane popularity
Zipf-like, ready on a day of an eight-week horizon at 08:00 (a table of ready dates), mostly one
40' or two 20' boxes, some loose cargo rounded to 100 kg / 1 m3, three trader profiles. Lanes and
weeks repeat; exact requests rarely do.

Three ways to route every shipment, each on a freshly compiled network (cold caches), timed in
CPU seconds of this process (``time.process_time``):

1. per row, pure-Python reference search (``ROUTER_SEARCH=python``): the baseline;
2. per row, compiled label loop;
3. grouped: shipments sharing origin, ready time, cargo and trader (:func:`group_key`) answered
   by one one-to-many search (:func:`router.routing.many.search_many`), compiled.

Every shipment's Pareto criteria from (3) must equal those from (1); the count of shipments that
agree is reported (all of them, or the benchmark says how many do not).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from router.network import load_network  # noqa: E402
from router.network.model import AeoLevel, Network, NodeKind  # noqa: E402
from router.routing.compiled import compile_network  # noqa: E402
from router.routing.many import group_key, search_many  # noqa: E402
from router.routing.query import build_search  # noqa: E402
from router.routing.request import Cargo, PlaceRef, QuoteRequest, TraderProfile  # noqa: E402
from router.units import CST  # noqa: E402

GBA = {"CN", "HK"}
TRADERS = (
    TraderProfile(),
    TraderProfile(AeoLevel.ADVANCED),
    TraderProfile(AeoLevel.ADVANCED, direct_eligible=True),
)


def demand(network: Network, shipments: int, seed: int) -> list[tuple[str, QuoteRequest]]:
    """A seeded demand table: (shipment id, request)."""
    rng = random.Random(seed)
    terminals = [
        n for n in network.nodes.values() if n.kind not in (NodeKind.BORDER_CROSSING, NodeKind.CITY)
    ]
    origins = sorted(n.id for n in terminals if n.jurisdiction in GBA)
    destinations = sorted(n.id for n in terminals if n.jurisdiction not in GBA)
    lanes = [(rng.choice(origins), rng.choice(destinations)) for _ in range(300)]
    weights = [1.0 / (k + 1) for k in range(len(lanes))]  # Zipf-like lane popularity
    start = datetime(2026, 12, 7, 8, 0, tzinfo=CST)
    rows = []
    for k in range(shipments):
        origin, destination = rng.choices(lanes, weights)[0]
        u = rng.random()
        if u < 0.70:
            cargo = Cargo(containers=(("42G1", 1),))
        elif u < 0.85:
            cargo = Cargo(containers=(("22G1", 2),))
        elif u < 0.95:
            cargo = Cargo(containers=(("45G1", 1),))
        else:
            cargo = Cargo(weight_kg=100.0 * rng.randint(5, 40), volume_m3=float(rng.randint(2, 15)))
        ready = start + timedelta(days=rng.randrange(56))
        trader = rng.choices(TRADERS, (0.6, 0.3, 0.1))[0]
        request = QuoteRequest(PlaceRef(origin), PlaceRef(destination), cargo, ready, trader=trader)
        rows.append((f"S{k:05d}", request))
    return rows


def per_row(network: Network, rows: list[tuple[str, QuoteRequest]], implementation: str) -> Any:
    cn = compile_network(network)
    criteria: dict[str, list[tuple[int, ...]]] = {}
    t0, w0 = time.process_time(), time.perf_counter()
    for shipment, request in rows:
        routes = build_search(cn, request, implementation=implementation).run()
        criteria[shipment] = [r.criteria for r in routes]
    return criteria, time.process_time() - t0, time.perf_counter() - w0


def grouped(network: Network, rows: list[tuple[str, QuoteRequest]]) -> Any:
    cn = compile_network(network)
    groups: dict[Any, list[tuple[str, QuoteRequest]]] = defaultdict(list)
    for shipment, request in rows:
        groups[group_key(request)].append((shipment, request))
    criteria: dict[str, list[tuple[int, ...]]] = {}
    runs = 0
    t0, w0 = time.process_time(), time.perf_counter()
    for members in groups.values():
        codes = sorted({r.destination.code for _, r in members if r.destination.code})
        many = search_many(cn, members[0][1], codes, implementation="compiled")
        runs += many.runs
        for shipment, request in members:
            assert request.destination.code is not None
            routes = many.routes.get(request.destination.code, [])
            criteria[shipment] = [r.criteria for r in routes]
    sizes = [len(m) for m in groups.values()]
    return criteria, time.process_time() - t0, time.perf_counter() - w0, len(groups), runs, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "batch.json")
    args = parser.parse_args()
    network = load_network(ROOT / "data")
    rows = demand(network, args.shipments, args.seed)
    n = len(rows)
    lanes = {(r.origin.code, r.destination.code) for _, r in rows}
    exact = {(r.origin.code, r.destination.code, r.ready, r.cargo, r.trader) for _, r in rows}
    print(f"{n} shipments, {len(lanes)} lanes, {len(exact)} distinct requests", flush=True)

    python, python_cpu, python_wall = per_row(network, rows, "python")
    print(f"per row, python:   {python_cpu / n * 1000:.3f} ms CPU per shipment", flush=True)
    compiled, compiled_cpu, compiled_wall = per_row(network, rows, "compiled")
    print(f"per row, compiled: {compiled_cpu / n * 1000:.3f} ms CPU per shipment", flush=True)
    many, many_cpu, many_wall, groups, runs, sizes = grouped(network, rows)
    print(f"one-to-many:       {many_cpu / n * 1000:.3f} ms CPU per shipment", flush=True)

    agree_many = sum(many[s] == python[s] for s, _ in rows)
    agree_compiled = sum(compiled[s] == python[s] for s, _ in rows)
    result = {
        "benchmark": "batch",
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "args": {k: str(v) for k, v in vars(args).items()},
        "demand": {
            "shipments": n,
            "lanes": len(lanes),
            "distinct_requests": len(exact),
            "groups": groups,
            "group_size_mean": round(statistics.fmean(sizes), 2),
            "group_size_max": max(sizes),
            "one_to_many_runs": runs,
        },
        "cpu_ms_per_shipment": {
            "per_row_python": round(python_cpu / n * 1000, 3),
            "per_row_compiled": round(compiled_cpu / n * 1000, 3),
            "one_to_many_compiled": round(many_cpu / n * 1000, 3),
        },
        "wall_s": {
            "per_row_python": round(python_wall, 2),
            "per_row_compiled": round(compiled_wall, 2),
            "one_to_many_compiled": round(many_wall, 2),
        },
        "cheaper_than_python_per_row": {
            "per_row_compiled": round(python_cpu / compiled_cpu, 1),
            "one_to_many_compiled": round(python_cpu / many_cpu, 1),
        },
        "shipments_with_same_criteria_as_python": {
            "per_row_compiled": agree_compiled,
            "one_to_many_compiled": agree_many,
        },
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
