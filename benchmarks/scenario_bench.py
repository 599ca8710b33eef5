"""Scenario-run benchmark: the baseline and one scenario routed uncapacitated on generated
demand tables (100,000 and 1,000,000 shipments by default), against a per-row quote loop
measured on a sample of the same demand in the same run, and Ray against the local engine.

Run: ``python benchmarks/scenario_bench.py [--shipments 100000 1000000] [--engines local ray]
[--ray-max 100000] [--workers 2] [--quote-sample 400] [--scenario bay-area-express-double]``
Writes ``benchmarks/results/scenario.json`` and prints the table.

Figures:

* wall seconds of each run (``route_demand``: chunking, workers, assembling the tables);
* CPU per shipment: the workers' CPU seconds (measured inside each chunk) plus the driver's
  (chunking and assembling), over the shipments;
* the per-row quote loop: :func:`router.quotes.document.make_quote` of each shipment of an
  evenly spaced sample, one after the other in this process on a freshly compiled network of
  the same run (the baseline's or the scenario's), CPU per shipment;
* ``cheaper_per_shipment``: quote-loop CPU per shipment / run CPU per shipment (target >= 50).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from router.network import load_network  # noqa: E402
from router.network.model import Network  # noqa: E402
from router.quotes.document import make_quote  # noqa: E402
from router.routing.compiled import compile_network  # noqa: E402
from router.scenarios.demand import demand_requests  # noqa: E402
from router.scenarios.engines import EngineOptions, route_demand  # noqa: E402
from router.scenarios.generate import generate_demand  # noqa: E402
from router.scenarios.spec import Scenario, baseline, bundled_scenarios, read_scenario  # noqa: E402


def quote_loop(network: Network, demand: Any, sample: int) -> dict[str, float]:
    """CPU per shipment of quoting an evenly spaced sample one by one (cold network)."""
    rows = demand.gather_every(max(1, demand.height // sample)).head(sample)
    cn = compile_network(network)
    shipments = list(demand_requests(rows))
    t0, w0 = time.process_time(), time.perf_counter()
    for _, request in shipments:
        make_quote(cn, request)
    cpu = time.process_time() - t0
    return {
        "shipments": len(shipments),
        "cpu_ms_per_shipment": round(cpu / len(shipments) * 1000, 3),
        "wall_s": round(time.perf_counter() - w0, 2),
    }


def routed_run(
    network: Network, demand: Any, engine: str, workers: int, tag: str
) -> dict[str, float]:
    options = EngineOptions(engine, workers=workers)
    d0, w0 = time.process_time(), time.perf_counter()
    routed = route_demand(network, tag, demand, options)
    wall = time.perf_counter() - w0
    driver = time.process_time() - d0
    cpu = routed.cpu_s + driver
    n = demand.height
    return {
        "shipments": n,
        "wall_s": round(wall, 2),
        "workers_cpu_s": round(routed.cpu_s, 2),
        "driver_cpu_s": round(driver, 2),
        "cpu_ms_per_shipment": round(cpu / n * 1000, 4),
        "routed": int((routed.shipments["status"] == "routed").sum()),
        "chunks": routed.chunks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=["local", "ray"])
    parser.add_argument(
        "--ray-max", type=int, default=100_000, help="run Ray only up to this many shipments"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quote-sample", type=int, default=400)
    parser.add_argument("--scenario", default="bay-area-express-double")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "scenario.json"
    )
    args = parser.parse_args()
    base = load_network(ROOT / "data")
    scenario: Scenario = read_scenario(bundled_scenarios(ROOT / "data")[args.scenario])
    runs = [baseline(), scenario]
    networks = {s.name: s.apply(base) for s in runs}
    table: list[dict[str, Any]] = []
    for n in args.shipments:
        demand = generate_demand(base, n, seed=args.seed)
        print(f"{n:,} shipments generated", flush=True)
        for run in runs:
            network, rows = networks[run.name], run.apply_demand(demand)
            quotes = quote_loop(network, rows, args.quote_sample)
            print(
                f"  {run.name}: quote loop {quotes['cpu_ms_per_shipment']} ms CPU/shipment",
                flush=True,
            )
            for engine in args.engines:
                if engine == "ray" and n > args.ray_max:
                    continue
                figures = routed_run(network, rows, engine, args.workers, f"{run.name}:{n}")
                ratio = quotes["cpu_ms_per_shipment"] / figures["cpu_ms_per_shipment"]
                row = {
                    "shipments": n,
                    "run": run.name,
                    "engine": engine,
                    "workers": args.workers,
                    **{k: v for k, v in figures.items() if k != "shipments"},
                    "quote_loop_cpu_ms_per_shipment": quotes["cpu_ms_per_shipment"],
                    "quote_loop_sample": quotes["shipments"],
                    "cheaper_per_shipment": round(ratio, 1),
                }
                table.append(row)
                print(
                    f"  {run.name:<28} {engine:<6} wall {row['wall_s']:>8.1f} s  "
                    f"CPU {row['cpu_ms_per_shipment']:.4f} ms/shipment  "
                    f"{row['cheaper_per_shipment']}x cheaper than the quote loop",
                    flush=True,
                )
    result = {
        "benchmark": "scenario",
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "args": {k: str(v) for k, v in vars(args).items()},
        "runs": table,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
