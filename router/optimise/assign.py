"""Batch assignment: many shipments competing for limited departures (DESIGN.md §3).

Each shipment picks one of its legal candidate paths (label-search routes, several per
shipment) or is left unassigned at a penalty; dated departures have capacities; a departure may
need a minimum load to run (a train only runs with at least M TEU or M tonnes booked, and running
it has a fixed cost), which makes it an on/off decision. Existing bookings can be kept fixed.

Model (pywraplp; SCIP by default, CBC or CP-SAT on request)::

    x[s,p] in {0,1}   shipment s takes candidate path p
    u[s]   in {0,1}   shipment s is left unassigned
    z[d]   in {0,1}   minimum-load departure d runs
    sum_p x[s,p] + u[s] = 1                                   every shipment decided
    fixed(d) + sum need(s,d) x[s,p] <= cap(d) [* z[d]]         capacity of each dated departure
    fixed(d) + sum need(s,d) x[s,p] >= min(d) * z[d]          minimum load (TEU and/or tonnes)
    min  sum gc(s,p) x[s,p] + sum pen(s) u[s] + sum F(d) z[d]  generalised cost, CNY

Candidates come from the label search with departures blocked (see
:mod:`router.optimise.candidates`): first as found, then with the departures that are contested,
cancelled or full in the current optimum blocked, for the shipments that use them, until no new
path appears or the search budget is spent.

The value of capacity comes from the LP relaxation with the on/off decisions fixed at the
optimum, solved by GLOP: the dual value of each departure's capacity row is what one more TEU of
space on that departure would save (CNY per TEU; kg for air).
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ortools.linear_solver import pywraplp

from router.errors import InvalidRecordsError, InvalidRequestError, NotFoundError
from router.network.model import Mode
from router.network.timetable import DepartureKey, departure_label
from router.optimise.assign_result import AssignmentResult, DepartureUsage, ShipmentAssignment
from router.optimise.candidates import (
    Candidate,
    CandidateFinder,
    DepartureSpace,
    make_candidate,
    tracked_need,
)
from router.optimise.ortools_util import (
    SolveInfo,
    SolveStatus,
    check_limits,
    lp_solver,
    mip_info,
    mip_solver,
)
from router.routing.compiled import CompiledNetwork
from router.routing.explain import no_route_reasons
from router.routing.places import resolve_code
from router.routing.request import QuoteRequest
from router.routing.search import CapacityFn, Search
from router.units import as_cst

#: default penalty of leaving a shipment unassigned, as a multiple of its cheapest path's
#: generalised cost (a shipment is dropped only when capacity or minimum loads force it)
DEFAULT_PENALTY_FACTOR = 10.0
#: penalty for a shipment without any legal path (constant: it cannot be assigned anyway)
NO_PATH_PENALTY_CNY = 100_000.0


@dataclass(frozen=True, slots=True)
class Shipment:
    """One shipment of the batch: what is asked (``request``: places, cargo, times, trader,
    constraints, preferences) and ``booked``: the dated departures it is booked on today."""

    id: str
    request: QuoteRequest
    booked: tuple[DepartureKey, ...] = ()
    unassigned_penalty_cny: float | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidRequestError("shipments.id", "every shipment needs an id")
        if self.unassigned_penalty_cny is not None and self.unassigned_penalty_cny < 0:
            raise InvalidRequestError(
                f"shipments[{self.id}].unassigned_penalty_cny", "must be >= 0"
            )


@dataclass(frozen=True, slots=True)
class MinLoad:
    """A departure that only runs with at least ``min_teu`` TEU and ``min_t`` gross tonnes
    booked on it; running it costs ``fixed_cost_cny``. ``departure`` None: every departure of
    the link."""

    link_id: str
    departure: datetime | None = None
    min_teu: float = 0.0
    min_t: float = 0.0
    fixed_cost_cny: float = 0.0

    def __post_init__(self) -> None:
        if self.min_teu < 0 or self.min_t < 0 or self.fixed_cost_cny < 0:
            raise InvalidRequestError("min_loads", "min_teu, min_t and fixed_cost_cny must be >= 0")
        if self.departure is not None:
            object.__setattr__(
                self, "departure", as_cst(self.departure).replace(second=0, microsecond=0)
            )

    def applies(self, key: DepartureKey) -> bool:
        return key[0] == self.link_id and (self.departure is None or self.departure == key[1])


@dataclass(frozen=True, slots=True)
class AssignmentOptions:
    time_limit_s: float = 10.0
    seed: int = 0
    backend: str = "SCIP"
    keep_existing: bool = True
    max_searches_per_shipment: int = 8
    max_rounds: int = 4
    compute_duals: bool = True

    def __post_init__(self) -> None:
        check_limits(self.time_limit_s, self.seed)
        if self.max_searches_per_shipment < 1 or self.max_rounds < 1:
            raise InvalidRequestError("options", "search limits must be >= 1")


# ------------------------------------------------------------------------------ problem
@dataclass
class _Cand:
    cand: Candidate
    search: Search
    blocked: frozenset[DepartureKey]


@dataclass
class _Problem:
    cn: CompiledNetwork
    shipments: list[Shipment]
    space: DepartureSpace
    min_loads: list[MinLoad]
    options: AssignmentOptions
    finders: dict[str, CandidateFinder] = field(default_factory=dict)
    cands: dict[str, dict[tuple[Any, ...], _Cand]] = field(default_factory=dict)
    fixed: dict[str, _Cand | None] = field(default_factory=dict)  # kept bookings

    def min_load(self, key: DepartureKey) -> MinLoad | None:
        found = [m for m in self.min_loads if m.applies(key)]
        if not found:
            return None
        exact = [m for m in found if m.departure is not None]
        return (exact or found)[0]

    def need(self, s: Shipment, key: DepartureKey) -> float:
        return tracked_need(s.request, self.cn.network.links[key[0]].mode)

    def explore(self, s: Shipment, blocked: frozenset[DepartureKey]) -> int:
        finder = self.finders[s.id]
        if blocked in finder._cache or finder.searches >= self.options.max_searches_per_shipment:
            return 0
        added = 0
        bucket = self.cands.setdefault(s.id, {})
        for search, route in finder.run(blocked):
            cand = make_candidate(search, route, self.space)
            if cand.signature not in bucket:
                bucket[cand.signature] = _Cand(cand, search, blocked)
                added += 1
        return added


def _fixed_loads(p: _Problem) -> dict[DepartureKey, tuple[float, float, list[str]]]:
    loads: dict[DepartureKey, tuple[float, float, list[str]]] = {}
    for s in p.shipments:
        if s.id not in p.fixed:
            continue
        for key in s.booked:
            if key[0] not in p.cn.network.links:
                raise InvalidRequestError(f"shipments[{s.id}].booked", f"unknown link {key[0]!r}")
            need = p.need(s, key)
            teu, t, ids = loads.get(key, (0.0, 0.0, []))
            loads[key] = (teu + need, t + s.request.cargo.gross_kg / 1000.0, [*ids, s.id])
    return loads


@dataclass
class _Model:
    solver: pywraplp.Solver
    x: dict[tuple[str, tuple[Any, ...]], Any]
    u: dict[str, Any]
    z: dict[DepartureKey, Any]
    cap_rows: dict[DepartureKey, Any]
    keys: list[DepartureKey]
    penalties: dict[str, float]


def _penalty(p: _Problem, s: Shipment) -> float:
    if s.unassigned_penalty_cny is not None:
        return s.unassigned_penalty_cny
    cands = p.cands.get(s.id, {})
    if not cands:
        return NO_PATH_PENALTY_CNY
    return DEFAULT_PENALTY_FACTOR * max(
        1.0, min(c.cand.generalised_cost_cny for c in cands.values())
    )


def _build(
    p: _Problem,
    solver: pywraplp.Solver,
    integer: bool,
    fixed_loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
    z_fixed: Mapping[DepartureKey, bool] | None = None,
) -> _Model:
    def var(name: str) -> Any:
        return solver.BoolVar(name) if integer else solver.NumVar(0.0, 1.0, name)

    x: dict[tuple[str, tuple[Any, ...]], Any] = {}
    u: dict[str, Any] = {}
    usage: dict[DepartureKey, list[tuple[float, float, Any]]] = defaultdict(list)
    penalties: dict[str, float] = {}
    free = [s for s in p.shipments if s.id not in p.fixed]
    for si, s in enumerate(free):
        penalties[s.id] = _penalty(p, s)
        u[s.id] = var(f"u_{si}")
        row = [u[s.id]]
        for ci, (sig, c) in enumerate(
            sorted(p.cands.get(s.id, {}).items(), key=lambda kv: kv[1].cand.generalised_cost_cny)
        ):
            x[s.id, sig] = var(f"x_{si}_{ci}")
            row.append(x[s.id, sig])
            for key in c.cand.departures:
                usage[key].append((p.need(s, key), s.request.cargo.gross_kg / 1000.0, x[s.id, sig]))
        solver.Add(solver.Sum(row) == 1)
    keys = sorted(set(usage) | set(fixed_loads), key=lambda k: (k[1], k[0]))
    z: dict[DepartureKey, Any] = {}
    cap_rows: dict[DepartureKey, Any] = {}
    cost_terms: list[Any] = []
    for key in keys:
        cap = p.space.remaining(*key)
        rule = p.min_load(key)
        fixed_teu, fixed_t, _ = fixed_loads.get(key, (0.0, 0.0, []))
        terms = usage.get(key, [])
        load = solver.Sum([need * v for need, _, v in terms]) if terms else 0
        tonnes = solver.Sum([t * v for _, t, v in terms]) if terms else 0
        if rule is not None and (rule.min_teu or rule.min_t or rule.fixed_cost_cny):
            if z_fixed is not None:
                value = 1.0 if z_fixed.get(key, True) else 0.0
                z[key] = solver.NumVar(value, value, f"z_{len(z)}")
            else:
                z[key] = (
                    solver.BoolVar(f"z_{len(z)}")
                    if integer
                    else solver.NumVar(0.0, 1.0, f"z_{len(z)}")
                )
            big = cap if cap is not None else fixed_teu + sum(need for need, _, _ in terms)
            cap_rows[key] = solver.Add(load - big * z[key] <= -fixed_teu, f"cap_{len(cap_rows)}")
            if rule.min_teu:
                solver.Add(load - rule.min_teu * z[key] >= -fixed_teu)
            if rule.min_t:
                solver.Add(tonnes - rule.min_t * z[key] >= -fixed_t)
            if rule.fixed_cost_cny:
                cost_terms.append(rule.fixed_cost_cny * 100.0 * z[key])
        elif cap is not None:
            cap_rows[key] = solver.Add(load <= cap - fixed_teu, f"cap_{len(cap_rows)}")
    for (sid, sig), v in x.items():
        cost_terms.append(round(p.cands[sid][sig].cand.generalised_cost_cny * 100.0) * v)
    for sid, v in u.items():
        cost_terms.append(round(penalties[sid] * 100.0) * v)
    # kept bookings: their (re-priced) cost is a constant of the objective
    offset = sum(
        round(c.cand.generalised_cost_cny * 100.0) for c in p.fixed.values() if c is not None
    )
    solver.Minimize(solver.Sum(cost_terms) + offset)
    return _Model(solver, x, u, z, cap_rows, keys, penalties)


# -------------------------------------------------------------------------------- solve
def _check_references(
    cn: CompiledNetwork,
    shipments: Sequence[Shipment],
    rules: Sequence[MinLoad],
    capacities: Mapping[DepartureKey, float],
) -> None:
    """Every place names a node and every link exists; all problems at once, by path
    (``shipments.3.destination``, ``min_loads.0.link_id``, ``capacities.2.link_id``)."""
    problems = []
    for i, s in enumerate(shipments):
        for name, place in (("origin", s.request.origin), ("destination", s.request.destination)):
            try:
                if place.code is not None:
                    resolve_code(cn, place.code)
            except NotFoundError as exc:
                problems.append((f"shipments.{i}.{name}", str(exc)))
    for name, links in (
        ("min_loads", [r.link_id for r in rules]),
        ("capacities", [key[0] for key in capacities]),
    ):
        for i, link_id in enumerate(links):
            if link_id not in cn.network.links:
                problems.append((f"{name}.{i}.link_id", f"unknown link {link_id!r}"))
    if problems:
        raise InvalidRecordsError("assignment input", problems)


def assign_shipments(
    cn: CompiledNetwork,
    shipments: Sequence[Shipment],
    *,
    capacity: CapacityFn | None = None,
    capacities: Mapping[DepartureKey, float] | None = None,
    min_loads: Iterable[MinLoad] = (),
    options: AssignmentOptions | None = None,
) -> AssignmentResult:
    """Assign every shipment to one of its legal candidate paths, or leave it unassigned.

    ``capacity``: remaining space callback of dated departures (TEU; kg for air);
    ``capacities``: explicit per-departure space, overriding the callback and the links' static
    per-departure capacity. Shipments with ``booked`` departures keep them when
    ``options.keep_existing`` (their load is fixed); otherwise they are re-optimised and
    reported as ``moved`` if their path changes.
    """
    opts = options or AssignmentOptions()
    started = time.perf_counter()
    ids = [s.id for s in shipments]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise InvalidRequestError("shipments.id", f"duplicate shipment ids: {', '.join(dup)}")
    if not shipments:
        raise InvalidRequestError("shipments", "give at least one shipment")
    rules = list(min_loads)
    _check_references(cn, shipments, rules, capacities or {})
    space = DepartureSpace(cn.network, capacity, capacities)
    p = _Problem(cn, list(shipments), space, rules, opts)
    for s in p.shipments:
        p.finders[s.id] = CandidateFinder(cn, s.request, space)
        p.cands[s.id] = {}
        if opts.keep_existing and s.booked:
            p.fixed[s.id] = None
    # kept bookings: match a candidate path with exactly the booked departures (for reporting)
    for s in p.shipments:
        if s.id in p.fixed:
            p.explore(s, frozenset())
            booked = set(s.booked)
            match = next(
                (c for c in p.cands[s.id].values() if set(c.cand.departures) == booked), None
            )
            p.fixed[s.id] = match
            p.cands[s.id] = {}
    fixed_loads = _fixed_loads(p)
    infeasible = []
    for key, (teu, _, sids) in sorted(fixed_loads.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        cap = space.remaining(*key)
        if cap is not None and teu > cap + 1e-9:
            infeasible.append(
                f"kept bookings exceed the capacity of {departure_label(key)}: {teu:g} booked "
                f"({', '.join(sids)}) > {cap:g}"
            )
    if infeasible:
        info = SolveInfo.infeasible(
            checked_by=opts.backend.lower(),
            reasons=tuple(infeasible),
            wall_time_s=time.perf_counter() - started,
            time_limit_s=opts.time_limit_s,
            seed=opts.seed,
            unit="CNY",
        )
        return AssignmentResult(info, _unsolved(p, infeasible), (), 0, 0)
    free = [s for s in p.shipments if s.id not in p.fixed]
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
            and need + fixed_loads.get(key, (0.0,))[0] > (space.remaining(*key) or 0.0) + 1e-9
        )
    }
    for s in free:
        for c in list(p.cands[s.id].values()):
            for key in c.cand.departures:
                if key in hot:
                    p.explore(s, frozenset({key}))
    model = result_values = None
    rounds = 0
    while True:
        rounds += 1
        remaining_s = max(0.5, opts.time_limit_s - (time.perf_counter() - started))
        solver = mip_solver(opts.backend, min(opts.time_limit_s, remaining_s), opts.seed)
        model = _build(p, solver, True, fixed_loads)
        code = solver.Solve()
        info = mip_info(
            solver,
            code,
            opts.backend,
            time_limit_s=opts.time_limit_s,
            seed=opts.seed,
            scale=100.0,
            unit="CNY (generalised cost + penalties + fixed running costs)",
        )
        if not info.has_solution:
            break
        result_values = _values(model)
        if rounds >= opts.max_rounds:
            break
        tight = _tight(p, result_values, fixed_loads)
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
    assert model is not None
    if not info.has_solution:
        reasons = list(info.reasons)
        if info.status is SolveStatus.INFEASIBLE:
            reasons += _infeasibility_reasons(p, fixed_loads) or [
                "the kept bookings and the minimum loads cannot all be met"
            ]
        info = dataclasses.replace(
            info, reasons=tuple(reasons), wall_time_s=time.perf_counter() - started
        )
        return AssignmentResult(info, _unsolved(p, reasons), (), n_paths, searches)
    assert result_values is not None
    duals: dict[DepartureKey, float] = {}
    lp_status = lp_obj = None
    if opts.compute_duals:
        duals, lp_status, lp_obj = _duals(p, fixed_loads, result_values["runs"])
    assignments = _read_assignments(p, model, result_values, fixed_loads)
    departures = _read_departures(p, result_values, fixed_loads, duals)
    info = dataclasses.replace(
        info,
        wall_time_s=time.perf_counter() - started,
        details={
            "rounds": rounds,
            "variables": model.solver.NumVariables(),
            "constraints": model.solver.NumConstraints(),
        },
    )
    return AssignmentResult(info, assignments, departures, n_paths, searches, lp_status, lp_obj)


def _values(model: _Model) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for (sid, sig), v in model.x.items():
        if v.solution_value() > 0.5:
            chosen[sid] = sig
    runs = {key: z.solution_value() > 0.5 for key, z in model.z.items()}
    return {"chosen_sig": chosen, "runs": runs}


def _loads(
    p: _Problem,
    chosen_sig: Mapping[str, tuple[Any, ...]],
    fixed_loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
) -> dict[DepartureKey, tuple[float, float, list[str]]]:
    loads: dict[DepartureKey, tuple[float, float, list[str]]] = {
        k: (v[0], v[1], list(v[2])) for k, v in fixed_loads.items()
    }
    by_id = {s.id: s for s in p.shipments}
    for sid, sig in chosen_sig.items():
        s = by_id[sid]
        for key in p.cands[sid][sig].cand.departures:
            teu, t, ids = loads.get(key, (0.0, 0.0, []))
            loads[key] = (teu + p.need(s, key), t + s.request.cargo.gross_kg / 1000.0, [*ids, sid])
    return loads


def _tight(
    p: _Problem,
    values: dict[str, Any],
    fixed_loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
) -> set[DepartureKey]:
    """Departures cancelled in the optimum, or too full for a shipment with a path over them."""
    loads = _loads(p, values["chosen_sig"], fixed_loads)
    tight: set[DepartureKey] = {k for k, runs in values["runs"].items() if not runs}
    by_id = {s.id: s for s in p.shipments}
    for sid, cands in p.cands.items():
        s = by_id[sid]
        sig = values["chosen_sig"].get(sid)
        mine = set(cands[sig].cand.departures) if sig is not None else set()
        for c in cands.values():
            for key in c.cand.departures:
                cap = p.space.remaining(*key)
                if key in mine or cap is None:
                    continue
                if loads.get(key, (0.0, 0.0, []))[0] + p.need(s, key) > cap + 1e-9:
                    tight.add(key)
    return tight


def _duals(
    p: _Problem,
    fixed_loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
    runs: Mapping[DepartureKey, bool],
) -> tuple[dict[DepartureKey, float], str, float | None]:
    solver = lp_solver()
    model = _build(p, solver, False, fixed_loads, z_fixed=runs)
    code = solver.Solve()
    if code != pywraplp.Solver.OPTIMAL:
        return {}, "not optimal", None
    duals = {}
    for key, row in model.cap_rows.items():
        if model.z.get(key) is not None and not runs.get(key, True):
            continue
        duals[key] = max(0.0, -row.dual_value()) / 100.0
    return duals, "optimal", solver.Objective().Value() / 100.0


def _read_assignments(
    p: _Problem,
    model: _Model,
    values: dict[str, Any],
    fixed_loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
) -> tuple[ShipmentAssignment, ...]:
    chosen_sig = values["chosen_sig"]
    loads = _loads(p, chosen_sig, fixed_loads)
    runs = values["runs"]
    out = []
    for s in p.shipments:
        ncand = len(p.cands.get(s.id, {}))
        if s.id in p.fixed:
            match = p.fixed[s.id]
            note = (
                ()
                if match is not None
                else (
                    "kept booking: its departures are reserved; no current route matches them exactly, so it is not re-priced",
                )
            )
            out.append(
                ShipmentAssignment(
                    s.id,
                    "fixed",
                    match.cand if match else None,
                    match.search if match else None,
                    note,
                )
            )
            continue
        sig = chosen_sig.get(s.id)
        if sig is not None:
            c = p.cands[s.id][sig]
            moved = bool(s.booked) and set(c.cand.departures) != set(s.booked)
            out.append(
                ShipmentAssignment(s.id, "assigned", c.cand, c.search, (), moved, 0.0, ncand)
            )
            continue
        out.append(
            ShipmentAssignment(
                s.id,
                "unassigned",
                None,
                None,
                tuple(_unassigned_reasons(p, s, loads, runs, model.penalties[s.id])),
                False,
                model.penalties[s.id],
                ncand,
            )
        )
    return tuple(out)


def _unassigned_reasons(
    p: _Problem,
    s: Shipment,
    loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
    runs: Mapping[DepartureKey, bool],
    penalty: float,
) -> list[str]:
    cands = list(p.cands.get(s.id, {}).values())
    if not cands:
        return [
            "no legal path: " + r for r in no_route_reasons(p.cn, s.request, p.space.callback())
        ]
    blocked_paths = 0
    why: dict[DepartureKey, str] = {}
    for c in cands:
        hit = False
        for key in c.cand.departures:
            if not runs.get(key, True):
                rule = p.min_load(key)
                need = (
                    f"{rule.min_teu:g} TEU"
                    if rule and rule.min_teu
                    else f"{rule.min_t:g} t"
                    if rule
                    else "its minimum load"
                )
                why[key] = f"{departure_label(key)} does not run (below its minimum load of {need})"
                hit = True
                continue
            cap = p.space.remaining(*key)
            load = loads.get(key, (0.0, 0.0, []))[0]
            if cap is not None and load + p.need(s, key) > cap + 1e-9:
                why[key] = (
                    f"{departure_label(key)} is full ({load:g}/{cap:g}, needs {p.need(s, key):g})"
                )
                hit = True
        blocked_paths += hit
    if blocked_paths == len(cands):
        return [
            f"capacity: all {len(cands)} candidate path(s) use a full or cancelled departure: "
            + "; ".join(why[k] for k in sorted(why, key=lambda k: (k[1], k[0])))
        ]
    cheapest = min(c.cand.generalised_cost_cny for c in cands)
    return [
        f"leaving it unassigned (penalty CNY {penalty:,.0f}) costs less than its cheapest free path "
        f"(CNY {cheapest:,.0f} plus what it displaces)"
    ]


def _read_departures(
    p: _Problem,
    values: dict[str, Any],
    fixed_loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
    duals: Mapping[DepartureKey, float],
) -> tuple[DepartureUsage, ...]:
    loads = _loads(p, values["chosen_sig"], fixed_loads)
    keys = set(loads) | set(values["runs"])
    out = []
    for key in sorted(keys, key=lambda k: (k[1], k[0])):
        mode = p.cn.network.links[key[0]].mode
        teu, t, ids = loads.get(key, (0.0, 0.0, []))
        rule = p.min_load(key)
        out.append(
            DepartureUsage(
                key=key,
                mode=mode.value,
                unit="kg" if mode is Mode.AIR else "TEU",
                capacity=p.space.remaining(*key),
                load=teu,
                fixed_load=fixed_loads.get(key, (0.0, 0.0, []))[0],
                load_t=t,
                runs=values["runs"].get(key, True),
                min_teu=rule.min_teu if rule else 0.0,
                min_t=rule.min_t if rule else 0.0,
                fixed_cost_cny=rule.fixed_cost_cny if rule else 0.0,
                shadow_price_cny=duals.get(key),
                shipments=tuple(ids),
            )
        )
    return tuple(out)


def _infeasibility_reasons(
    p: _Problem, fixed_loads: Mapping[DepartureKey, tuple[float, float, list[str]]]
) -> list[str]:
    reasons = []
    by_id = {s.id: s for s in p.shipments}
    for key, (teu, t, sids) in fixed_loads.items():
        rule = p.min_load(key)
        if rule is None:
            continue
        extra_teu = extra_t = 0.0
        for sid, cands in p.cands.items():
            if any(key in c.cand.departures for c in cands.values()):
                extra_teu += p.need(by_id[sid], key)
                extra_t += by_id[sid].request.cargo.gross_kg / 1000.0
        if rule.min_teu and teu + extra_teu < rule.min_teu:
            reasons.append(
                f"{departure_label(key)} must run for the kept bookings ({', '.join(sids)}, {teu:g} TEU) "
                f"but cannot reach its minimum load of {rule.min_teu:g} TEU (at most {teu + extra_teu:g})"
            )
        if rule.min_t and t + extra_t < rule.min_t:
            reasons.append(
                f"{departure_label(key)} must run for the kept bookings ({', '.join(sids)}, {t:g} t) "
                f"but cannot reach its minimum load of {rule.min_t:g} t (at most {t + extra_t:g})"
            )
    return reasons


def _unsolved(p: _Problem, reasons: Sequence[str]) -> tuple[ShipmentAssignment, ...]:
    return tuple(
        ShipmentAssignment(
            s.id, "fixed" if s.id in p.fixed else "unassigned", None, None, tuple(reasons)
        )
        for s in p.shipments
    )
