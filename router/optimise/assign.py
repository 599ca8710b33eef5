"""Batch assignment: many shipments competing for limited departures (DESIGN.md §3).

Each shipment takes one legal path or is left unassigned at a penalty; dated departures of
timetabled links have space; a departure may need a minimum load, either on/off (a train only
runs with at least M TEU or M tonnes booked, and running it has a fixed cost) or hard (it must
carry at least M); shipments may leave from one of several depots within their stock; LCL
shipments may share boxes on named departures; existing bookings can be kept fixed. The model
is in :mod:`router.optimise.assign_model`; links without a timetable (trucks leaving when the
cargo is ready) have no space or minimum load per departure.

Two methods:

* ``column_generation`` (default, :mod:`router.optimise.colgen`): the label search prices paths
  with the LP duals until no path improves the LP; its lower bound holds over **every** legal
  path (within the horizon). The integer plan over the generated columns is ``optimal`` when
  it reaches that bound (within 1e-6 relative and half a fen per shipment of rounding) or when
  every path that could still improve it was enumerated and the MIP solved again; else
  ``feasible`` with the gap to the bound; ``infeasible`` only when phase one proves that no
  plan meets the minimum loads that must be met; ``no_solution`` otherwise.
* ``candidates``: paths from the label search with contested, cancelled or full departures
  blocked (:mod:`router.optimise.candidates`), then the MIP over them. It proves nothing about
  the paths it did not find: the status is at best ``feasible``, without a bound.

The value of capacity comes from the LP relaxation with the on/off decisions fixed at the plan,
solved by GLOP: the dual value of each departure's capacity row is what one more unit of space
on that departure would save (CNY per TEU, or per kg for air).
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ortools.linear_solver import pywraplp

from router.errors import InvalidRecordsError, InvalidRequestError, NotFoundError
from router.network.model import Mode, ScheduleKind
from router.network.timetable import DepartureKey, departure_label
from router.optimise.assign_model import (
    AssignmentOptions,
    AssignmentProblem,
    FixedLoads,
    MasterModel,
    MinLoad,
    SharedBoxes,
    Shipment,
    build_master,
)
from router.optimise.assign_read import (
    chosen_values,
    departure_loads,
    duals,
    infeasibility_reasons,
    read_assignments,
    read_departures,
    tight_departures,
    unsolved,
)
from router.optimise.assign_result import AssignmentResult
from router.optimise.candidates import CandidateFinder, DepartureSpace
from router.optimise.colgen import (
    ROUNDING_FEN,
    ColumnGeneration,
    enumerate_improving_columns,
    generate_columns,
    initial_columns,
    repair_unassigned,
)
from router.optimise.ortools_util import SolveInfo, SolveStatus, mip_info, mip_solver
from router.routing.compiled import CompiledNetwork
from router.routing.places import resolve_code
from router.routing.search import CapacityFn

__all__ = ["AssignmentOptions", "MinLoad", "SharedBoxes", "Shipment", "assign_shipments"]

#: shares of the time limit: column generation until the first, the first integer plan until
#: the second, more columns near the LP optimum until the third; the last integer plan after
PRICING_SHARE = 0.6
FIRST_PLAN_SHARE = 0.7
ENUMERATION_SHARE = 0.85
#: relative tolerance of "the plan reaches the bound"
OPTIMALITY_TOL = 1e-6
UNIT = "CNY (generalised cost + penalties + fixed running costs)"


# -------------------------------------------------------------------------------- solve
def _check_references(
    cn: CompiledNetwork,
    shipments: Sequence[Shipment],
    rules: Sequence[MinLoad],
    capacities: Mapping[DepartureKey, float],
    supplies: Mapping[str, float],
    shared: Sequence[SharedBoxes] = (),
) -> None:
    """Every place names a node and every link exists; all problems at once, by path
    (``shipments.3.destination``, ``min_loads.0.link_id``, ``capacities.2.link_id``,
    ``supplies.CNYTN``)."""
    problems = []
    for i, s in enumerate(shipments):
        places = [("origin", s.request.origin.code), ("destination", s.request.destination.code)]
        places += [(f"origins.{k}", code) for k, code in enumerate(s.origins)]
        for name, code in places:
            try:
                nodes = resolve_code(cn, code) if code is not None else []
            except NotFoundError as exc:
                problems.append((f"shipments.{i}.{name}", str(exc)))
                continue
            if name.startswith("origins.") and len(nodes) > 1:
                problems.append(
                    (
                        f"shipments.{i}.{name}",
                        f"{code!r} names {len(nodes)} nodes: give the depot's node id",
                    )
                )
    for i, rule in enumerate(shared):
        link = cn.network.links.get(rule.link_id)
        if link is None:
            problems.append((f"shared_boxes.{i}.link_id", f"unknown link {rule.link_id!r}"))
        elif link.mode not in (Mode.RAIL, Mode.BARGE, Mode.FEEDER, Mode.DEEPSEA) or (
            link.schedule.kind is ScheduleKind.ANY
        ):
            problems.append(
                (
                    f"shared_boxes.{i}.link_id",
                    f"{rule.link_id} is a {link.mode.value} link: boxes are shared on the "
                    "timetabled departures of vessels, barges and trains",
                )
            )
    for code, stock in supplies.items():
        if code not in cn.index:
            problems.append((f"supplies.{code}", f"unknown node {code!r}"))
        if not stock >= 0:
            problems.append((f"supplies.{code}", f"stock must be >= 0 TEU, got {stock!r}"))
    for name, links in (
        ("min_loads", [r.link_id for r in rules]),
        ("capacities", [key[0] for key in capacities]),
    ):
        for i, link_id in enumerate(links):
            link = cn.network.links.get(link_id)
            if link is None:
                problems.append((f"{name}.{i}.link_id", f"unknown link {link_id!r}"))
            elif link.schedule.kind is ScheduleKind.ANY:
                problems.append(
                    (
                        f"{name}.{i}.link_id",
                        f"{link_id} has no timetable (it leaves whenever the cargo is ready): "
                        "its departures have no space or minimum load of their own",
                    )
                )
    if problems:
        raise InvalidRecordsError("assignment input", problems)


def check_assignment(
    cn: CompiledNetwork,
    shipments: Sequence[Shipment],
    rules: Sequence[MinLoad] = (),
    capacities: Mapping[DepartureKey, float] | None = None,
    supplies: Mapping[str, float] | None = None,
    shared: Sequence[SharedBoxes] = (),
    options: AssignmentOptions | None = None,
) -> None:
    """The input checks :func:`assign_shipments` makes before solving (InvalidRequestError,
    naming each bad field): run them alone to refuse a bad batch before queueing it."""
    opts = options or AssignmentOptions()
    ids = [s.id for s in shipments]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise InvalidRequestError("shipments.id", f"duplicate shipment ids: {', '.join(dup)}")
    if not shipments:
        raise InvalidRequestError("shipments", "give at least one shipment")
    _check_references(cn, shipments, rules, capacities or {}, supplies or {}, shared)
    if opts.method == "candidates" and (supplies or shared or any(s.origins for s in shipments)):
        raise InvalidRequestError(
            "options.method",
            "origins, supplies and shared boxes need the column_generation method",
        )


def assign_shipments(
    cn: CompiledNetwork,
    shipments: Sequence[Shipment],
    *,
    capacity: CapacityFn | None = None,
    capacities: Mapping[DepartureKey, float] | None = None,
    min_loads: Iterable[MinLoad] = (),
    supplies: Mapping[str, float] | None = None,
    shared_boxes: Iterable[SharedBoxes] = (),
    options: AssignmentOptions | None = None,
) -> AssignmentResult:
    """Assign every shipment to a legal path, or leave it unassigned.

    ``capacity``: remaining space callback of dated departures (TEU; kg for air);
    ``capacities``: explicit per-departure space, overriding the callback and the links' static
    per-departure capacity. Shipments with ``booked`` departures keep them when
    ``options.keep_existing`` (their load is fixed); otherwise they are re-optimised and
    reported as ``moved`` if their path changes. ``supplies``: stock (TEU) per depot node
    code; the paths that leave a depot take no more than its stock (shipments with ``origins``
    choose among depots). ``shared_boxes``: departures on which the batch's LCL shipments may
    share boxes (seed §8); the model decides who shares and how many boxes to book.
    """
    opts = options or AssignmentOptions()
    started = time.perf_counter()
    rules = list(min_loads)
    shared = list(shared_boxes)
    check_assignment(cn, shipments, rules, capacities, supplies, shared, opts)
    # depots by node id (a UN/LOCODE naming one node is accepted), as the stock rows know them
    shipments = [
        dataclasses.replace(
            s, origins=tuple(cn.nodes[resolve_code(cn, o)[0]].id for o in s.origins)
        )
        if s.origins
        else s
        for s in shipments
    ]
    space = DepartureSpace(cn.network, capacity, capacities, timetabled_only=True)
    p = AssignmentProblem(cn, list(shipments), space, rules, opts, dict(supplies or {}), shared)
    for s in p.shipments:
        p.finders[s.id] = CandidateFinder(cn, s.request, space)
        p.cands[s.id] = {}
        if opts.keep_existing and s.booked:
            p.fixed[s.id] = None
    # kept bookings: match a path with exactly the booked departures (for reporting)
    for s in p.shipments:
        if s.id in p.fixed:
            p.explore(s, frozenset())
            booked = set(s.booked)
            match = next(
                (c for c in p.cands[s.id].values() if set(c.cand.departures) == booked), None
            )
            p.fixed[s.id] = match
            p.cands[s.id] = {}
    fixed_loads = p.fixed_loads()
    over = _kept_over_capacity(p, fixed_loads)
    if over:
        info = SolveInfo.infeasible(
            checked_by=opts.backend.lower(),
            reasons=tuple(over),
            wall_time_s=time.perf_counter() - started,
            time_limit_s=opts.time_limit_s,
            seed=opts.seed,
            unit="CNY",
        )
        return AssignmentResult(info, unsolved(p, over), (), 0, 0)
    if opts.method == "candidates":
        return _by_candidates(p, fixed_loads, started)
    return _by_column_generation(p, fixed_loads, started)


def _kept_over_capacity(p: AssignmentProblem, fixed_loads: FixedLoads) -> list[str]:
    out = []
    for key, (teu, _, sids) in sorted(fixed_loads.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        cap = p.space.remaining(*key)
        if cap is not None and teu > cap + 1e-9:
            out.append(
                f"kept bookings exceed the capacity of {departure_label(key)}: {teu:g} booked "
                f"({', '.join(sids)}) > {cap:g}"
            )
    return out


def _solve_mip(
    p: AssignmentProblem,
    fixed_loads: FixedLoads,
    penalties: Mapping[str, float],
    started: float,
    until: float | None = None,
) -> tuple[MasterModel, SolveInfo, int]:
    """The integer plan over the current columns, solved to a zero relative gap or until
    ``until`` (a :func:`time.perf_counter` value; default the end of the time limit), at
    least 1 s: (model, the solver's report, result code)."""
    opts = p.options
    end = started + opts.time_limit_s if until is None else until
    remaining_s = max(1.0, end - time.perf_counter())
    solver = mip_solver(opts.backend, min(opts.time_limit_s, remaining_s), opts.seed)
    model = build_master(p, solver, True, fixed_loads, penalties)
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    code = solver.Solve(params)
    info = mip_info(
        solver,
        code,
        opts.backend,
        time_limit_s=opts.time_limit_s,
        seed=opts.seed,
        scale=100.0,
        unit=UNIT,
    )
    return model, info, code


def _better_plan(
    p: AssignmentProblem,
    fixed_loads: FixedLoads,
    penalties: Mapping[str, float],
    started: float,
    until: float | None,
    model: MasterModel,
    info: SolveInfo,
) -> tuple[MasterModel, SolveInfo, SolveInfo]:
    """The integer plan solved again over the enlarged columns, kept when no worse than
    ``model``'s: (the plan kept, its report, the new solve's report)."""
    retry, retry_info, _ = _solve_mip(p, fixed_loads, penalties, started, until)
    if (
        retry_info.has_solution
        and retry_info.objective is not None
        and info.objective is not None
        and retry_info.objective <= info.objective + 1e-6
    ):
        return retry, retry_info, retry_info
    return model, info, retry_info


def _shortfall(model: MasterModel) -> float:
    return sum(v.solution_value() for v in model.shortfall.values())


def _by_column_generation(
    p: AssignmentProblem, fixed_loads: FixedLoads, started: float
) -> AssignmentResult:
    opts = p.options
    cg = ColumnGeneration()
    deadline = started + PRICING_SHARE * opts.time_limit_s
    initial_columns(p, cg)
    penalties = {
        s.id: p.penalty(
            s, min((c.cand.generalised_cost_cny for c in p.cands[s.id].values()), default=None)
        )
        for s in p.free
    }
    lp = generate_columns(p, fixed_loads, penalties, cg, deadline)
    first_until = started + FIRST_PLAN_SHARE * opts.time_limit_s
    model, info, _ = _solve_mip(p, fixed_loads, penalties, started, first_until)
    values = chosen_values(model)
    if info.has_solution and len(values["chosen_sig"]) < len(p.free):
        # shipments left behind: their cheapest paths in the space the plan leaves free
        loads = departure_loads(p, values["chosen_sig"], fixed_loads, values["boxes"])
        if repair_unassigned(p, values["chosen_sig"], loads, cg, first_until):
            model, info, _ = _better_plan(
                p, fixed_loads, penalties, started, first_until, model, info
            )
    enumerated = False
    if (
        lp is not None
        and info.has_solution
        and info.objective is not None
        and not _reaches(info.objective, cg.bound_fen, len(p.free))
        and _shortfall(model) <= 1e-6
        and cg.last_bound_fen is not None
    ):
        # price-and-branch left a gap: enumerate every path that could still improve the plan
        gap_fen = info.objective * 100.0 - cg.last_bound_fen
        budget = started + ENUMERATION_SHARE * opts.time_limit_s
        before = sum(len(v) for v in p.cands.values())
        complete = enumerate_improving_columns(p, lp, cg, gap_fen, budget)
        if complete or sum(len(v) for v in p.cands.values()) > before:
            model, info, retry = _better_plan(p, fixed_loads, penalties, started, None, model, info)
            enumerated = complete and retry.status is SolveStatus.OPTIMAL
    reasons: list[str] = []
    if model.shortfall and (not info.has_solution or _shortfall(model) > 1e-6):
        # is there a plan meeting the hard minimum loads at all? phase one over every path
        first = ColumnGeneration(cheapest_fen=cg.cheapest_fen)
        generate_columns(p, fixed_loads, penalties, first, deadline, phase_one=True)
        least = first.bound_fen
        if first.converged and least is not None and least > 1e-6:
            reasons = [
                *infeasibility_reasons(p, fixed_loads),
                "the minimum loads that must be met (hard, or of departures that run for kept "
                "bookings) cannot be met by any plan: even the LP relaxation over every legal "
                f"path falls {least:g} TEU/t short",
            ]
            return _finish_infeasible(p, cg, reasons, started)
        generate_columns(p, fixed_loads, penalties, cg, deadline + 0.1 * opts.time_limit_s)
        model, info, _ = _solve_mip(p, fixed_loads, penalties, started)
        if info.has_solution and _shortfall(model) > 1e-6:
            reasons.append(
                "no plan meeting the hard minimum loads was found among the generated paths "
                "(not proved impossible)"
            )
            info = dataclasses.replace(info, status=SolveStatus.NO_SOLUTION)
    n_paths = sum(len(v) for v in p.cands.values())
    details = {
        "method": "column_generation",
        "pricing_rounds": cg.rounds,
        "columns_generated": cg.columns_generated,
        "pricing_searches": cg.pricing_searches,
        "incomplete_pricing_searches": cg.incomplete_searches,
        "converged": cg.converged,
        "lp_objective": None if cg.lp_objective_fen is None else cg.lp_objective_fen / 100.0,
        "horizon_days": opts.horizon_days,
        "variables": model.solver.NumVariables(),
        "constraints": model.solver.NumConstraints(),
    }
    if not info.has_solution or reasons:
        info = dataclasses.replace(
            info,
            reasons=tuple([*info.reasons, *reasons]),
            wall_time_s=time.perf_counter() - started,
            details=details,
        )
        return AssignmentResult(
            info, unsolved(p, [*info.reasons]), (), n_paths, cg.pricing_searches
        )
    details["gap_closed_by_enumeration"] = enumerated
    info = _honest(info, cg, details, started, enumerated, len(p.free))
    return _result(p, model, info, fixed_loads, penalties, n_paths, cg.pricing_searches)


def _reaches(objective_cny: float, bound_fen: float | None, shipments: int) -> bool:
    """Whether a plan's cost reaches a bound, within a relative tolerance and the rounding of
    each column's cost to the fen."""
    if bound_fen is None:
        return False
    tol = OPTIMALITY_TOL * max(1.0, abs(objective_cny)) + ROUNDING_FEN / 100.0 * shipments
    return objective_cny - bound_fen / 100.0 <= tol


def _honest(
    info: SolveInfo,
    cg: ColumnGeneration,
    details: dict[str, Any],
    started: float,
    enumerated: bool,
    shipments: int,
) -> SolveInfo:
    """The plan's status against the bound valid over every path: optimal only when the plan's
    cost reaches it, or when every path that could improve the plan was among the columns of
    an integer optimum (``enumerated``)."""
    assert info.objective is not None
    bound = None if cg.bound_fen is None else cg.bound_fen / 100.0
    proved = enumerated or _reaches(info.objective, cg.bound_fen, shipments)
    if enumerated:
        bound = info.objective
    reasons = list(info.reasons)
    if not proved:
        if info.status is SolveStatus.OPTIMAL:
            reasons.append(
                "the plan is optimal over the generated paths; the bound holds over every path"
            )
        if not cg.converged:
            reasons.append("column generation stopped before convergence (rounds or time limit)")
    return SolveInfo.from_solver(
        status=SolveStatus.OPTIMAL if proved else SolveStatus.FEASIBLE,
        solver=f"column generation + {info.solver}",
        objective=info.objective,
        best_bound=None if bound is None else min(bound, info.objective) if proved else bound,
        wall_time_s=time.perf_counter() - started,
        time_limit_s=info.time_limit_s,
        seed=info.seed,
        unit=info.objective_unit,
        reasons=tuple(reasons),
        details=details,
    )


def _finish_infeasible(
    p: AssignmentProblem, cg: ColumnGeneration, reasons: list[str], started: float
) -> AssignmentResult:
    opts = p.options
    info = SolveInfo.infeasible(
        checked_by="column generation (phase one)",
        reasons=tuple(reasons),
        wall_time_s=time.perf_counter() - started,
        time_limit_s=opts.time_limit_s,
        seed=opts.seed,
        unit=UNIT,
    )
    n_paths = sum(len(v) for v in p.cands.values())
    return AssignmentResult(info, unsolved(p, reasons), (), n_paths, cg.pricing_searches)


def _result(
    p: AssignmentProblem,
    model: MasterModel,
    info: SolveInfo,
    fixed_loads: FixedLoads,
    penalties: Mapping[str, float],
    n_paths: int,
    searches: int,
) -> AssignmentResult:
    values = chosen_values(model)
    space_duals: dict[DepartureKey, float] = {}
    lp_status = lp_obj = None
    if p.options.compute_duals:
        space_duals, lp_status, lp_obj = duals(p, fixed_loads, penalties, values["runs"])
    assignments = read_assignments(p, model, values, fixed_loads)
    departures = read_departures(p, values, fixed_loads, space_duals)
    return AssignmentResult(info, assignments, departures, n_paths, searches, lp_status, lp_obj)


def _by_candidates(
    p: AssignmentProblem, fixed_loads: FixedLoads, started: float
) -> AssignmentResult:
    """The candidate method: blocked label searches, then the MIP over what they found."""
    opts = p.options
    space = p.space
    free = p.free
    for s in free:
        p.explore(s, frozenset())
    # departures that are contested by the first-choice paths, or have a minimum load
    demand: dict[DepartureKey, float] = defaultdict(float)
    for s in free:
        if p.cands[s.id]:
            best = min(p.cands[s.id].values(), key=lambda c: c.cand.generalised_cost_cny)
            for key in best.cand.departures:
                demand[key] += p.need(s, key)
    hot = {
        key
        for key, need in demand.items()
        if p.min_load(key) is not None
        or (
            space.remaining(*key) is not None
            and need + fixed_loads.get(key, (0.0, 0.0, []))[0]
            > (space.remaining(*key) or 0.0) + 1e-9
        )
    }
    for s in free:
        for c in list(p.cands[s.id].values()):
            for key in c.cand.departures:
                if key in hot:
                    p.explore(s, frozenset({key}))
    penalties = {
        s.id: p.penalty(
            s,
            min((c.cand.generalised_cost_cny for c in p.cands[s.id].values()), default=None),
        )
        for s in free
    }
    rounds = 0
    while True:
        rounds += 1
        model, info, _ = _solve_mip(p, fixed_loads, penalties, started)
        if not info.has_solution or rounds >= opts.max_rounds:
            break
        tight = tight_departures(p, chosen_values(model), fixed_loads)
        added = 0
        for s in free:
            for c in list(p.cands[s.id].values()):
                for key in c.cand.departures:
                    if key in tight and key not in c.blocked:
                        added += p.explore(s, c.blocked | {key})
        if not added:
            break
    searches = sum(f.searches for f in p.finders.values())
    n_paths = sum(len(v) for v in p.cands.values())
    if not info.has_solution:
        reasons = list(info.reasons)
        if info.status is SolveStatus.INFEASIBLE:
            reasons += infeasibility_reasons(p, fixed_loads) or [
                "the kept bookings and the minimum loads cannot all be met by the candidate paths"
            ]
            info = dataclasses.replace(info, status=SolveStatus.NO_SOLUTION)
        info = dataclasses.replace(
            info, reasons=tuple(reasons), wall_time_s=time.perf_counter() - started
        )
        return AssignmentResult(info, unsolved(p, reasons), (), n_paths, searches)
    if _shortfall(model) > 1e-6:
        reason = "no plan meeting the hard minimum loads among the candidate paths"
        info = dataclasses.replace(
            info, status=SolveStatus.NO_SOLUTION, reasons=(reason,), objective=None
        )
        return AssignmentResult(info, unsolved(p, [reason]), (), n_paths, searches)
    info = SolveInfo.from_solver(
        status=SolveStatus.FEASIBLE,
        solver=f"candidate paths + {info.solver}",
        objective=info.objective,
        best_bound=None,
        wall_time_s=time.perf_counter() - started,
        time_limit_s=opts.time_limit_s,
        seed=opts.seed,
        unit=UNIT,
        reasons=(
            f"{'optimal' if info.status is SolveStatus.OPTIMAL else 'feasible'} over its "
            f"{n_paths} candidate paths only: no bound over every legal path",
        ),
        details={
            "method": "candidates",
            "rounds": rounds,
            "variables": model.solver.NumVariables(),
            "constraints": model.solver.NumConstraints(),
        },
    )
    return _result(p, model, info, fixed_loads, penalties, n_paths, searches)
