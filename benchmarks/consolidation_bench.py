"""Train load planning benchmark: CP-SAT against first-fit decreasing, and known optima.

    python benchmarks/consolidation_bench.py                 # full run (a few minutes)
    python benchmarks/consolidation_bench.py --quick         # smaller, for a smoke test

(a) Realistic generated weeks (``router.synthetic.trains.realistic_instance``,
    fixed seed): 500 and 2,000 booked containers over a week of China–Europe / Central Asia
    departures from Pinghu South. For each, the first-fit-decreasing heuristic and the CP-SAT
    planner run in the same process: containers and TEU loaded, priority-weighted TEU, waiting
    days, wagons used, solve time, solver status, bound and gap. Every plan is checked with
    ``validate_plan``.
(b) Bin packing with known optima, mapped onto the planner (items -> 20' boxes by gross weight,
    bins -> identical wagons, payload = capacity): our perfect packings (every bin exactly
    full, so the optimum is the number of bins by construction; the ``triplet`` class follows
    Falkenauer 1996; four 20' slots a wagon as since the first version of this benchmark, and
    again in (d) with slots that never bind), and (c) published instances with published optima
    with slots that never bind (Falkenauer u120 from OR-Library ``binpack1.txt``, t120 and
    t249 from BPPLIB, see
    ``benchmarks/data/binpacking/README.md``). Reported per instance: wagons by FFD and by the
    planner (``method="exact"``) within the time limit (10 s), the known optimum, whether the
    planner proved optimality, the gap to the known optimum, the planner's own bound in wagons
    and its gap, and which search found the plan.

Results go to ``benchmarks/results/consolidation.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ortools

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from router.optimise.consolidation import (  # noqa: E402
    ConsolidationOptions,
    ConsolidationResult,
    consolidate,
    first_fit_decreasing,
    validate_plan,
)
from router.optimise.consolidation.eligibility import eligible_departures  # noqa: E402
from router.optimise.consolidation.objective import objective_weights  # noqa: E402
from router.synthetic.binpacking import published_instances  # noqa: E402
from router.synthetic.trains import (  # noqa: E402
    BinPackingInstance,
    perfect_packing,
    realistic_instance,
)

SEED = 2025
#: the figures of the previous committed run (commit faedfee, before the bin-packing core), for
#: the record; the FFD columns of every run are the baseline measured in the same run
BEFORE = {
    "bin_packing_summary": {
        "instances": 8,
        "cp_sat_optimal_found": 1,
        "cp_sat_mean_gap_to_optimum": 0.0542,
        "ffd_mean_gap_to_optimum": 0.1187,
    },
    "realistic_cp_sat_gap": {"realistic-500-seed2025": 0.00234, "realistic-2000-seed2025": 0.0025},
}


def _row(result: ConsolidationResult, containers: list[Any], wall_s: float) -> dict[str, Any]:
    s = result.stats
    info = result.info
    return {
        "method": result.method,
        "status": info.status.value,
        "containers_loaded": s.containers_loaded,
        "teu_loaded": s.teu_loaded,
        "weighted_teu": s.weighted_teu,
        "waiting_days": s.waiting_days,
        "wagons_used": s.wagons_used,
        "trains_run": sum(1 for p in result.plans if p.runs),
        "objective": info.objective,
        "best_bound": info.best_bound,
        "gap": info.gap,
        "solve_time_s": round(wall_s, 3),
        "violations": len(validate_plan(result.plans, containers)),
        "plan_source": info.details.get("plan_source", result.method),
        "bound_source": info.details.get("bound_source"),
    }


def realistic(sizes: list[int], time_limit_s: float, workers: int) -> list[dict[str, Any]]:
    out = []
    for n in sizes:
        containers, trains = realistic_instance(n, days=7, seed=SEED)
        eligible = None
        t0 = time.perf_counter()
        ffd = first_fit_decreasing(containers, trains)
        t_ffd = time.perf_counter() - t0
        t0 = time.perf_counter()
        cp = consolidate(
            containers, trains,
            ConsolidationOptions(time_limit_s=time_limit_s, seed=SEED, workers=workers),
        )  # fmt: skip
        t_cp = time.perf_counter() - t0
        eligible = sum(1 for c in containers if c.cleared)
        row = {
            "instance": f"realistic-{n}-seed{SEED}",
            "containers": n,
            "export_cleared": eligible,
            "teu_booked": sum(c.teu for c in containers),
            "departures": len(trains),
            "wagons_available": sum(len(t.wagons) for t in trains),
            "teu_capacity": sum(t.teu_capacity for t in trains),
            "time_limit_s": time_limit_s,
            "workers": workers,
            "ffd": _row(ffd, containers, t_ffd),
            "cp_sat": _row(cp, containers, t_cp),
        }
        row["teu_gain_pct"] = round(
            100 * (cp.stats.teu_loaded - ffd.stats.teu_loaded) / max(1e-9, ffd.stats.teu_loaded), 2
        )
        out.append(row)
        _print_realistic(row)
    return out


def bin_packing(
    instances: list[tuple[BinPackingInstance, str]], time_limit_s: float, workers: int, seed: int
) -> list[dict[str, Any]]:
    out = []
    for inst, source in instances:
        containers, trains = inst.as_consolidation()
        t0 = time.perf_counter()
        ffd = first_fit_decreasing(containers, trains)
        t_ffd = time.perf_counter() - t0
        t0 = time.perf_counter()
        cp = consolidate(
            containers, trains,
            ConsolidationOptions(time_limit_s=time_limit_s, seed=seed, workers=workers, method="exact"),
        )  # fmt: skip
        t_cp = time.perf_counter() - t0
        all_in = cp.stats.containers_loaded == len(containers)
        scale = objective_weights(
            containers, trains, eligible_departures(containers, trains)
        ).scale()
        info = cp.info
        # the planner's own bound in wagons (every box loaded): objective = (boxes - wagons)/scale
        bound_wagons = (
            math.ceil(cp.stats.wagons_used - (info.best_bound - info.objective) * scale - 1e-6)
            if all_in and info.best_bound is not None and info.objective is not None
            else None
        )
        row = {
            "instance": inst.name,
            "source": source,
            "items": len(containers),
            "optimum_bins": inst.optimum,
            "time_limit_s": time_limit_s,
            "ffd_wagons": ffd.stats.wagons_used,
            "ffd_all_loaded": ffd.stats.containers_loaded == len(containers),
            "ffd_gap_to_optimum": round((ffd.stats.wagons_used - inst.optimum) / inst.optimum, 4),
            "ffd_time_s": round(t_ffd, 4),
            "cp_sat_wagons": cp.stats.wagons_used,
            "cp_sat_all_loaded": all_in,
            "cp_sat_gap_to_optimum": round((cp.stats.wagons_used - inst.optimum) / inst.optimum, 4),
            "cp_sat_status": info.status.value,
            "cp_sat_proved_optimal": info.status.value == "optimal",
            "cp_sat_reported_gap": info.gap,
            "cp_sat_bound_wagons": bound_wagons,
            "cp_sat_wagon_gap": (
                None
                if bound_wagons is None
                else round((cp.stats.wagons_used - bound_wagons) / max(1, bound_wagons), 4)
            ),
            "cp_sat_plan_source": info.details.get("plan_source", cp.method),
            "cp_sat_time_s": round(t_cp, 3),
            "violations": len(validate_plan(cp.plans, containers))
            + len(validate_plan(ffd.plans, containers)),
        }
        out.append(row)
        print(
            f"  {row['instance']:<18} items {row['items']:>4}  optimum {inst.optimum:>3}  "
            f"planner {row['cp_sat_wagons']:>3} ({100 * row['cp_sat_gap_to_optimum']:5.1f}%, "
            f"{row['cp_sat_status']}, bound {bound_wagons}, {row['cp_sat_time_s']:.1f} s, "
            f"{row['cp_sat_plan_source']})  "
            f"FFD {row['ffd_wagons']:>3} ({100 * row['ffd_gap_to_optimum']:5.1f}%)"
        )
    return out


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = max(1, len(rows))
    return {
        "instances": len(rows),
        "cp_sat_optimum_reached": sum(
            1 for r in rows if r["cp_sat_gap_to_optimum"] == 0 and r["cp_sat_all_loaded"]
        ),
        "cp_sat_proved_optimal": sum(1 for r in rows if r["cp_sat_proved_optimal"]),
        "cp_sat_mean_gap_to_optimum": round(sum(r["cp_sat_gap_to_optimum"] for r in rows) / n, 4),
        "ffd_mean_gap_to_optimum": round(sum(r["ffd_gap_to_optimum"] for r in rows) / n, 4),
    }


def _print_realistic(row: dict[str, Any]) -> None:
    print(
        f"{row['instance']}: {row['containers']} boxes ({row['export_cleared']} cleared, "
        f"{row['teu_booked']:g} TEU), {row['departures']} departures, {row['teu_capacity']:g} TEU of slots"
    )
    for name in ("ffd", "cp_sat"):
        r = row[name]
        gap = "-" if r["gap"] is None else f"{100 * r['gap']:.3f}%"
        print(
            f"  {name:<7} {r['containers_loaded']:>5} boxes {r['teu_loaded']:>8g} TEU "
            f"(weighted {r['weighted_teu']:g}), {r['wagons_used']:>5} wagons, {r['waiting_days']:>4} waiting days, "
            f"{r['solve_time_s']:>7.2f} s, {r['status']}, gap {gap}, violations {r['violations']}"
        )
    print(f"  CP-SAT loads {row['teu_gain_pct']:+.2f}% TEU over FFD")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances, shorter limits")
    parser.add_argument("--time-limit", type=float, default=60.0, help="(a) CP-SAT limit, s")
    parser.add_argument("--bp-time-limit", type=float, default=10.0, help="(b) CP-SAT limit, s")
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT workers (1: reproducible)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "consolidation.json"
    )
    args = parser.parse_args(argv)
    sizes = [120, 300] if args.quick else [500, 2000]
    limit = min(args.time_limit, 10.0) if args.quick else args.time_limit
    cases = (
        [("triplet", 10, 1), ("mixed", 12, 1)]
        if args.quick
        else [
            ("triplet", 20, 1), ("triplet", 20, 2), ("triplet", 40, 1), ("triplet", 40, 2),
            ("mixed", 30, 1), ("mixed", 30, 2), ("mixed", 60, 1), ("mixed", 60, 2),
        ]
    )  # fmt: skip
    generated = [
        (perfect_packing(bins, kind=kind, seed=seed), "perfect packing (optimum by construction)")
        for kind, bins, seed in cases
    ]
    published = [(p.load(), p.source) for p in published_instances()]
    if args.quick:
        published = published[:1] + published[-1:]
    print(f"(a) realistic weeks, CP-SAT limit {limit:g} s, {args.workers} worker(s)")
    part_a = realistic(sizes, limit, args.workers)
    print(f"(b) bin packing with known optima, limit {args.bp_time_limit:g} s")
    part_b = bin_packing(generated, args.bp_time_limit, args.workers, 1)
    print("(c) published instances (Falkenauer u120, t120, t249)")
    part_c = bin_packing(published, args.bp_time_limit, args.workers, 1)
    print("(d) the perfect packings of (b) with slots that never bind (pure bin packing)")
    free = [(dataclasses.replace(inst, slots=None), src) for inst, src in generated]
    part_d = bin_packing(free, args.bp_time_limit, args.workers, 1)
    doc = {
        "benchmark": "consolidation",
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/consolidation_bench.py" + (" --quick" if args.quick else ""),
        "environment": {
            "python": platform.python_version(),
            "ortools": ortools.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        },
        "seed": SEED,
        "realistic": part_a,
        "bin_packing": part_b,
        "bin_packing_summary": _summary(part_b),
        "published": part_c,
        "published_summary": _summary(part_c),
        "all_bin_packing_summary": _summary(part_b + part_c),
        "bin_packing_free_slots": part_d,
        "bin_packing_free_slots_summary": _summary(part_d),
        "before": BEFORE,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
