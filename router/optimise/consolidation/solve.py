"""The one entry, :func:`consolidate`: method choice by model size, the exact model or the
decomposition (departures first on aggregated capacities, then each train's wagons exactly,
then a repair pass), the first-fit-decreasing warm start, and the result."""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ortools.sat.python import cp_model

from router.optimise.consolidation.binpack import pack
from router.optimise.consolidation.cpsat import (
    LINEARIZATION,
    build_aggregate,
    build_exact,
    core_reasons,
    hint_plan,
    read_exact,
)
from router.optimise.consolidation.eligibility import (
    check_input,
    eligible_departures,
    ineligibility_reasons,
)
from router.optimise.consolidation.heuristic import ffd_loads, pack_train
from router.optimise.consolidation.model import (
    BookedContainer,
    ConsolidationOptions,
    TrainDeparture,
    WagonType,
)
from router.optimise.consolidation.objective import OBJECTIVE_UNIT, Weights, objective_weights
from router.optimise.consolidation.plans import Load, make_result, plans_from_loads
from router.optimise.consolidation.result import ConsolidationResult
from router.optimise.ortools_util import (
    SolveInfo,
    SolveStatus,
    cp_sat_info,
    cp_sat_solver,
    relative_gap,
)


def consolidate(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    options: ConsolidationOptions | None = None,
) -> ConsolidationResult:
    """Plan which containers go on which departure and wagon (rules, objective and models:
    :mod:`router.optimise.consolidation`)."""
    opts = options or ConsolidationOptions()
    check_input(containers, trains)
    started = time.perf_counter()
    elig = eligible_departures(containers, trains)
    weights = objective_weights(containers, trains, elig)
    if opts.require_all:
        hopeless = [
            (c, ineligibility_reasons(c, trains)) for i, c in enumerate(containers) if not elig[i]
        ]
        if hopeless:
            reasons = tuple(f"{c.id}: {'; '.join(r)}" for c, r in hopeless)
            info = SolveInfo.infeasible(
                checked_by="eligibility check",
                reasons=(f"{len(hopeless)} container(s) cannot go on any departure", *reasons),
                wall_time_s=time.perf_counter() - started,
                time_limit_s=opts.time_limit_s,
                seed=opts.seed,
                unit=OBJECTIVE_UNIT,
            )
            return make_result(info, "none", [], containers, trains, elig, {})
    pairs = sum(
        1 for i, ds in elig.items() for d in ds for w in trains[d].wagons if w.takes(containers[i])
    )
    method = opts.method
    if method == "auto":  # the exact model needs roughly a second per thousand pairs
        small = pairs <= min(opts.exact_max_pairs, 1000 * opts.time_limit_s)
        method = "exact" if small else "decomposed"
    ffd = ffd_loads(containers, trains, elig) if opts.warm_start else {}
    warm = "first-fit-decreasing warm start"
    pure_bound: float | None = None  # a bound for the whole problem from bin packing
    if opts.method != "decomposed" and (packed := _bin_packing(containers, trains, elig, opts)):
        load, least_wagons = packed
        plans = plans_from_loads(load, containers, trains)
        value = weights.objective(plans) / weights.scale()
        # every box loaded (the most TEU, waiting fixed) on no fewer than the lower bound
        pure_bound = value + (_wagons(load) - least_wagons) / weights.scale()
        if _wagons(load) == least_wagons:  # proved optimal by the lower bound
            info = SolveInfo.from_solver(
                status=SolveStatus.OPTIMAL, solver="bin packing (Martello-Toth lower bound)",
                objective=value, best_bound=value, wall_time_s=time.perf_counter() - started,
                time_limit_s=opts.time_limit_s, seed=opts.seed, unit=OBJECTIVE_UNIT,
                details={"model": "bin packing", "plan_source": "bin packing",
                         "bound_source": "bin-packing lower bound (Martello-Toth L2)",
                         "container_wagon_pairs": pairs},
            )  # fmt: skip
            return make_result(
                info, "bin packing", plans, containers, trains, elig,
                {"container_wagon_pairs": pairs},
            )  # fmt: skip
        if _wagons(load) < _wagons(ffd) or _boxes(ffd) < _boxes(load):
            ffd, warm = load, "bin-packing warm start"  # the better warm start
        opts = dataclasses.replace(
            opts, time_limit_s=max(0.1, opts.time_limit_s - (time.perf_counter() - started))
        )
    if method == "exact":
        info, loads = _solve_exact(containers, trains, elig, weights, opts, ffd)
    else:
        info, loads = _solve_decomposed(containers, trains, elig, weights, opts, ffd, started)
    if ffd and not opts.require_all and info.status is not SolveStatus.INFEASIBLE:
        # never worse than the warm start: keep the heuristic plan if the solver did not beat it
        ffd_obj = weights.objective(plans_from_loads(ffd, containers, trains)) / weights.scale()
        if not info.has_solution or (info.objective is not None and info.objective < ffd_obj):
            loads = {d: dict(load) for d, load in ffd.items()}
            info = dataclasses.replace(
                info,
                status=SolveStatus.FEASIBLE,
                objective=ffd_obj,
                gap=relative_gap(ffd_obj, info.best_bound),
                details={**info.details, "plan_source": warm},
            )
    # two valid bounds for the whole problem: report the tighter one
    if (
        pure_bound is not None
        and info.status is SolveStatus.FEASIBLE
        and info.objective is not None
        and (info.best_bound is None or pure_bound < info.best_bound)
    ):
        gap = relative_gap(info.objective, pure_bound)
        proved = gap is not None and gap <= 1e-12
        info = dataclasses.replace(
            info,
            status=SolveStatus.OPTIMAL if proved else info.status,
            best_bound=pure_bound,
            gap=0.0 if proved else gap,
            details={
                **info.details,
                "bound_source": "bin-packing lower bound (Martello-Toth L2)",
            },
        )
    info = dataclasses.replace(
        info,
        wall_time_s=time.perf_counter() - started,
        details={**info.details, "container_wagon_pairs": pairs},
    )
    plans = plans_from_loads(loads, containers, trains) if info.has_solution else []
    return make_result(
        info, method, plans, containers, trains, elig, {"container_wagon_pairs": pairs}
    )


#: share of the time limit the bin-packing search may use before CP-SAT gets the rest
BIN_PACKING_SHARE = 0.7


def _wagons(loads: Mapping[int, Load]) -> int:
    return sum(len(load) for load in loads.values())


def _boxes(loads: Mapping[int, Load]) -> int:
    return sum(len(cs) for load in loads.values() for _, cs in load.values())


def _bin_packing(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    opts: ConsolidationOptions,
) -> tuple[dict[int, Load], int] | None:
    """When the plan is one-dimensional bin packing (:mod:`.binpack`: one departure, one wagon
    type, one destination, one box length, no dangerous goods), the packing of every box and
    the lower bound on its wagons; None when the structure does not apply or the packing breaks
    a train limit (weight, length, wagons in the set)."""
    ids = [i for i, ds in elig.items() if ds]
    deps = {d for i in ids for d in elig[i]}
    if not ids or len(deps) != 1:
        return None
    (d,) = deps
    dep = trains[d]
    types: set[WagonType] = set(dep.wagons)
    boxes = [containers[i] for i in ids]
    if (
        len(types) != 1
        or len({c.destination for c in boxes}) != 1
        or len({c.length_ft for c in boxes}) != 1
        or any(c.dg_class for c in boxes)
    ):
        return None
    (wagon,) = types
    kg = [int(math.ceil(c.gross_kg)) for c in boxes]
    packing = pack(
        kg, int(wagon.payload_kg), wagon.slots(boxes[0].length_ft),
        BIN_PACKING_SHARE * opts.time_limit_s, opts.seed,
    )  # fmt: skip
    n = packing.wagons
    if (
        n > len(dep.wagons)
        or n * int(math.ceil(wagon.tare_kg)) + sum(kg) > int(dep.max_gross_kg)
        or n * int(round(wagon.length_m * 100)) > int(round(dep.max_length_m * 100))
    ):
        return None
    load: Load = {w: (wagon, [ids[k] for k in b]) for w, b in enumerate(packing.bins)}
    return {d: load}, packing.lower_bound


def _solve_exact(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: Weights,
    opts: ConsolidationOptions,
    hint: Mapping[int, Load],
) -> tuple[SolveInfo, dict[int, Load]]:
    ex = build_exact(containers, trains, elig, weights, require_all=opts.require_all)
    if hint and not opts.require_all:
        hint_plan(ex, hint, containers, trains)
    workers = 1 if opts.require_all else opts.workers
    solver = cp_sat_solver(opts.time_limit_s, opts.seed, workers, LINEARIZATION)
    status = solver.solve(ex.model)
    reasons: tuple[str, ...] = ()
    if status == cp_model.INFEASIBLE and opts.require_all:
        reasons = core_reasons(solver, ex.families)
    info = cp_sat_info(
        solver, status, time_limit_s=opts.time_limit_s, seed=opts.seed, scale=weights.scale(),
        reasons=reasons, unit=OBJECTIVE_UNIT,
        details={"model": "exact", "bound_source": "CP-SAT bound of the exact model"},
    )  # fmt: skip
    if not info.has_solution:
        return info, {}
    return info, read_exact(solver, ex, containers, trains)


def _solve_train(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    d: int,
    cs: Sequence[int],
    weights: Weights,
    opts: ConsolidationOptions,
    time_limit_s: float,
    must: Iterable[int] = (),
    hint: Load | None = None,
) -> tuple[SolveStatus, Load, float | None]:
    """Exact wagon plan of one departure for containers ``cs`` (``must`` ones stay loaded)."""
    elig = {i: [d] for i in cs}
    ex = build_exact(containers, trains, elig, weights, must=must)
    if hint:
        hint_plan(ex, {d: hint}, containers, trains)
    solver = cp_sat_solver(max(0.05, time_limit_s), opts.seed, opts.workers, LINEARIZATION)
    status = solver.solve(ex.model)
    st = cp_sat_info(solver, status, time_limit_s=time_limit_s, seed=opts.seed).status
    if not st.has_solution:
        return st, dict(hint or {}), None
    return st, read_exact(solver, ex, containers, trains).get(d, {}), solver.best_objective_bound


def _solve_decomposed(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: Weights,
    opts: ConsolidationOptions,
    ffd: Mapping[int, Load],
    started: float,
) -> tuple[SolveInfo, dict[int, Load]]:
    budget = opts.time_limit_s
    # stage A: containers -> departures on aggregated capacities (a relaxation)
    model, y, fam = build_aggregate(containers, trains, elig, weights, opts.require_all)
    # (no hint from the heuristic here: an incomplete hint costs CP-SAT more than it helps)
    stage_a_s = max(0.1, 0.5 * budget - (time.perf_counter() - started))
    solver = cp_sat_solver(
        stage_a_s, opts.seed, 1 if opts.require_all else opts.workers, LINEARIZATION
    )
    status = solver.solve(model)
    stage_a = cp_sat_info(
        solver, status, time_limit_s=stage_a_s, seed=opts.seed, scale=weights.scale(),
        unit=OBJECTIVE_UNIT,
    )  # fmt: skip
    per_dep: dict[int, list[int]] = defaultdict(list)
    bound_scaled: float | None = None
    if stage_a.has_solution:
        bound_scaled = solver.best_objective_bound
        for (i, d), v in y.items():
            if solver.boolean_value(v):
                per_dep[d].append(i)
    elif status == cp_model.INFEASIBLE or not ffd:
        reasons = (
            core_reasons(solver, fam)
            if status == cp_model.INFEASIBLE and opts.require_all
            else stage_a.reasons
        )
        return dataclasses.replace(stage_a, reasons=reasons, time_limit_s=budget), {}
    else:  # no assignment in time: start from the heuristic's trains
        for d, load in ffd.items():
            per_dep[d] = [i for _, cs in load.values() for i in cs]
    # stage B: exact wagon plan per train
    loads: dict[int, Load] = {}
    pool: set[int] = set()
    todo = sorted(per_dep, key=lambda k: (trains[k].date, trains[k].id))
    left_boxes = max(1, sum(len(cs) for cs in per_dep.values()))
    for d in todo:
        cs = per_dep[d]
        stage_b = 0.85 * budget - (time.perf_counter() - started)
        share = stage_b * len(cs) / left_boxes
        left_boxes -= len(cs)
        start = pack_train(containers, trains[d], cs)
        plan = start
        if share >= 0.2:  # else no time left for CP-SAT: keep the packed plan
            st, plan, _ = _solve_train(containers, trains, d, cs, weights, opts, share, hint=start)
            if weights.objective(
                plans_from_loads({d: plan}, containers, trains)
            ) < weights.objective(plans_from_loads({d: start}, containers, trains)):
                plan = start
        loads[d] = plan
        placed = {i for _, ws in plan.values() for i in ws}
        pool |= set(cs) - placed
    # repair: containers a train could not take, tried on their other trains (earliest first)
    pool |= {i for i, ds in elig.items() if ds} - {
        i for load in loads.values() for _, cs in load.values() for i in cs
    }
    repaired = 0
    for d in sorted(range(len(trains)), key=lambda k: (trains[k].date, trains[k].id)):
        left_s = 0.97 * budget - (time.perf_counter() - started)
        if left_s < 0.2 or not pool:
            break
        extra = [i for i in sorted(pool) if d in elig[i]]
        if not extra:
            continue
        current = [i for _, ws in loads.get(d, {}).values() for i in ws]
        st, plan, _ = _solve_train(
            containers, trains, d, current + extra, weights, opts, min(left_s, max(0.2, left_s / 4)),
            must=current, hint=loads.get(d),
        )  # fmt: skip
        if st.has_solution:
            loads[d] = plan
            placed = {i for _, ws in plan.values() for i in ws}
            repaired += len(placed & set(extra))
            pool -= placed
    plans = plans_from_loads(loads, containers, trains)
    obj = weights.objective(plans)
    source = "decomposed"
    if ffd:
        ffd_obj = weights.objective(plans_from_loads(ffd, containers, trains))
        if ffd_obj > obj:
            loads, obj, source = (
                {d: dict(load) for d, load in ffd.items()},
                ffd_obj,
                "first-fit-decreasing warm start",
            )
    value = obj / weights.scale()
    best = None if bound_scaled is None else max(bound_scaled, obj) / weights.scale()
    gap = relative_gap(value, best)
    st = SolveStatus.OPTIMAL if gap is not None and gap <= 1e-12 else SolveStatus.FEASIBLE
    if opts.require_all and sum(len(cs) for ld in loads.values() for _, cs in ld.values()) < sum(
        1 for ds in elig.values() if ds
    ):
        st = SolveStatus.NO_SOLUTION
    incomplete = (
        "the decomposition did not load every container; try method=exact or a longer time limit",
    )
    info = SolveInfo.from_solver(
        status=st,
        solver=f"cp-sat decomposed ({opts.workers} worker(s))",
        objective=value,
        best_bound=best,
        wall_time_s=time.perf_counter() - started,
        time_limit_s=budget,
        seed=opts.seed,
        unit=OBJECTIVE_UNIT,
        reasons=incomplete if st is SolveStatus.NO_SOLUTION else (),
        details={
            "model": "decomposed",
            "stage_a_status": stage_a.status.value,
            "stage_a_gap": stage_a.gap,
            "repaired": repaired,
            "plan_source": source,
            "bound_source": (
                "aggregated relaxation of the whole problem (stage A)"
                if bound_scaled is not None
                else None
            ),
        },
    )
    return info, loads
