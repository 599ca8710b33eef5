"""Capacity-aware splitting of one shipment over departures and modes (DESIGN.md §3).

When a quote's cargo (e.g. 60 TEU) does not fit any single departure's remaining space, its
containers are split over departures and modes at least total generalised cost.

Model
-----
1. **Candidate paths.** For each container type of the cargo, the label search is run for *one*
   container of that type, so a path only needs room for one box. Paths through later
   departures come from running it again with saturated departures blocked (a departure is
   blocked when the current optimum fills it); every candidate is a legal route of the search.
2. **Time-expanded network.** The candidate paths are merged into a DAG whose vertices are dated
   events: boarding a dated departure in a given customs state, arriving from it, finishing a
   customs step. Paths that board the same departure in the same state share the vertex, so
   flow may recombine the first half of one path with the second half of another (the result is
   still legal: the customs state, Combined Port hub, required-node mask and leg count are part
   of the vertex). Arc costs are per container (freight, handling, port dues, storage, carbon
   at the request's carbon price), the arc into the sink carries the value of time of the
   arrival, and a source-to-sink arc takes unplaced containers at a penalty.
3. **Solve.** With one container type, no per-consignment costs and one arc per dated departure
   it is a pure min-cost flow (``ortools.graph.python.min_cost_flow``). Otherwise a MIP
   (pywraplp, SCIP by default): integer container flows per type, one capacity row per dated
   departure shared by all container types (TEU, kg for air), and a binary per customs or
   document arc so its per-consignment cost (declaration, expected inspection, B/L document)
   is paid once per part that uses it.
4. **Read.** The optimal flow is decomposed into parts: how many containers of which type go on
   which legs, each with its own departure and arrival.

**Status.** The flow or MIP is optimal over the candidate paths only, not over every legal path
(a path through departures no search tried is not in the network): the result says
``feasible``, without a bound, and names the candidate set in its reasons. (The batch
assignment, :mod:`router.optimise.assign`, proves its status over every path.)
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ortools.graph.python import min_cost_flow

from router.errors import InvalidRequestError
from router.network.model import CustomsState, Mode, Network
from router.network.timetable import DepartureKey, departure_label
from router.optimise.candidates import (
    CandidateFinder,
    DepartureSpace,
    route_signature,
    step_departure,
    step_fixed_fen,
)
from router.optimise.ortools_util import (
    SolveInfo,
    SolveStatus,
    check_limits,
    mip_info,
    mip_solver,
)
from router.optimise.split_result import DepartureLoad, SplitLeg, SplitPart, SplitResult
from router.routing.compiled import CompiledNetwork
from router.routing.explain import no_route_reasons
from router.routing.request import CONTAINER_TYPES, Cargo, Preferences, QuoteRequest
from router.routing.search import CapacityFn, Route, Search, Step

#: default time limit of a split inside a quote, seconds
QUOTE_SPLIT_TIME_LIMIT_S = 5.0

SOURCE = ("SOURCE",)
SINK = ("SINK",)


@dataclass(frozen=True, slots=True)
class SplitOptions:
    time_limit_s: float = 10.0
    seed: int = 0
    method: str = "auto"  # auto | flow | mip
    backend: str = "SCIP"
    max_searches: int = 40
    max_rounds: int = 10
    unplaced_penalty_cny: float | None = None  # per container; default: far above any path

    def __post_init__(self) -> None:
        check_limits(self.time_limit_s, self.seed)
        if self.method not in ("auto", "flow", "mip"):
            raise InvalidRequestError("method", "must be auto, flow or mip")
        if self.max_searches < 1 or self.max_rounds < 1:
            raise InvalidRequestError("max_searches", "search limits must be >= 1")


# ------------------------------------------------------------------------ unit requests
def unit_request(request: QuoteRequest, code: str) -> QuoteRequest:
    """The request for one container of type ``code`` carrying its share of the cargo."""
    cargo = request.cargo
    share = CONTAINER_TYPES[code].teu / cargo.teu
    unit = Cargo(
        containers=((code, 1),),
        weight_kg=None if cargo.weight_kg is None else cargo.weight_kg * share,
        volume_m3=None if cargo.volume_m3 is None else cargo.volume_m3 * share,
        cargo_class=cargo.cargo_class,
        imdg_class=cargo.imdg_class,
        value_cny=None if cargo.value_cny is None else cargo.value_cny * share,
    )
    prefs = request.preferences
    vot = prefs.value_of_time_cny_per_h
    unit_prefs = Preferences(
        None if vot is None else vot * share, prefs.carbon_price_cny_per_t, prefs.alternatives
    )
    return dataclasses.replace(request, cargo=unit, preferences=unit_prefs)


# -------------------------------------------------------------------- time-expanded net
Vertex = tuple[Any, ...]


@dataclass
class Arc:
    tail: Vertex
    head: Vertex
    kind: str  # connect | leg | customs | access | egress | sink
    cost_fen: dict[str, int] = field(default_factory=dict)  # per container, by type
    fixed_fen: int = 0  # per consignment part using the arc
    departure: DepartureKey | None = None
    step: dict[str, Step] = field(default_factory=dict)  # by type (for the document)
    search: dict[str, Search] = field(default_factory=dict)
    arrival_min: int | None = None  # sink arcs: arrival minute (search epoch) of the path

    def available(self, code: str) -> bool:
        return code in self.cost_fen


@dataclass
class TimeExpandedNetwork:
    arcs: list[Arc] = field(default_factory=list)
    index: dict[tuple[Vertex, Vertex], int] = field(default_factory=dict)
    vertices: dict[Vertex, int] = field(default_factory=dict)

    def vertex(self, v: Vertex) -> int:
        if v not in self.vertices:
            self.vertices[v] = len(self.vertices)
        return self.vertices[v]

    def arc(self, tail: Vertex, head: Vertex, kind: str) -> Arc:
        key = (tail, head)
        if key not in self.index:
            self.vertex(tail)
            self.vertex(head)
            self.index[key] = len(self.arcs)
            self.arcs.append(Arc(tail, head, kind))
        return self.arcs[self.index[key]]

    def departure_arcs(self) -> dict[DepartureKey, list[int]]:
        out: dict[DepartureKey, list[int]] = defaultdict(list)
        for i, a in enumerate(self.arcs):
            if a.departure is not None:
                out[a.departure].append(i)
        return out


def _carbon_fen(search: Search, co2_g: int) -> float:
    return search.request.preferences.carbon_price_cny_per_t * co2_g / 1e4


def add_route(ten: TimeExpandedNetwork, code: str, search: Search, route: Route) -> None:
    """Merge one unit route (one container of ``code``) into the time-expanded network."""
    cn = search.cn
    first = route.steps[0] if route.steps else None
    node = first.node if first is not None else -1
    state = CustomsState.FREE
    hub = -1
    mask = search.required.get(node, 0) if first is not None and first.kind != "access" else 0
    legs = 0
    current: Vertex = SOURCE
    v: Vertex
    if first is None or first.kind != "access":
        v = ("O", node, search.ready_min)
        ten.arc(current, v, "connect").cost_fen.setdefault(code, 0)
        current = v
    for step in route.steps:
        var = step.cost_fen - step_fixed_fen(search, step) + _carbon_fen(search, step.co2_g)
        if step.kind == "access":
            assert step.access is not None
            node = step.access.node
            mask |= search.required.get(node, 0)
            legs += 1
            v = ("S", node, step.end_min)
            arc = ten.arc(current, v, "access")
        elif step.kind == "customs":
            state = step.state_after
            if step.op == "combined_port":
                hub_id = cn.nodes[step.node].combined_port_hub
                hub = cn.index[hub_id] if hub_id else -1
            elif state is not CustomsState.CLEARED_EXPORT:
                hub = -1
            v = ("C", current, step.op, step.start_min, step.end_min)
            arc = ten.arc(current, v, "customs")
        elif step.kind == "leg":
            cl = step.clink
            assert cl is not None
            board: Vertex = ("B", cl.link.id, step.start_min, state, hub, mask, legs)
            ten.arc(current, board, "connect").cost_fen.setdefault(code, 0)
            state = step.state_after
            if state is not CustomsState.CLEARED_EXPORT:
                hub = -1
            mask |= search.required.get(cl.destination, 0)
            for via in cl.via:
                mask |= search.required.get(via, 0)
            legs += 1
            node = cl.destination
            v = ("A", cl.link.id, step.start_min, state, hub, mask, legs)
            arc = ten.arc(board, v, "leg")
            arc.departure = step_departure(search, step)
        else:  # egress
            v = ("E", current, step.end_min)
            arc = ten.arc(current, v, "egress")
            legs += 1
        arc.cost_fen.setdefault(code, int(round(var)))
        arc.fixed_fen = max(arc.fixed_fen, step_fixed_fen(search, step))
        arc.step.setdefault(code, step)
        arc.search.setdefault(code, search)
        current = v
    vot_fen_per_min = search.request.value_of_time_cny_per_h * 100.0 / 60.0
    sink = ten.arc(current, SINK, "sink")
    sink.cost_fen.setdefault(
        code, int(round(vot_fen_per_min * (route.arrival_min - search.ready_min)))
    )
    sink.search.setdefault(code, search)
    sink.arrival_min = route.arrival_min


# ------------------------------------------------------------------------------ solving
@dataclass
class _Flow:
    info: SolveInfo
    method: str
    flows: dict[str, dict[int, int]]  # type -> arc index -> containers
    unplaced: dict[str, int]


def _need(ten: TimeExpandedNetwork, arc: Arc, code: str) -> float:
    """Space one container of ``code`` takes on the arc's departure (TEU, or kg for air)."""
    search = arc.search[code]
    step = arc.step[code]
    if step.clink is not None and step.clink.link.mode is Mode.AIR:
        return search.need_kg
    return float(CONTAINER_TYPES[code].teu)


def _penalty_fen(ten: TimeExpandedNetwork, options: SplitOptions) -> int:
    if options.unplaced_penalty_cny is not None:
        return int(round(options.unplaced_penalty_cny * 100))
    worst = sum(max(a.cost_fen.values(), default=0) + a.fixed_fen for a in ten.arcs)
    return max(10_000_000, 10 * worst)


def _solve_flow(
    ten: TimeExpandedNetwork, code: str, count: int, space: DepartureSpace, options: SplitOptions
) -> _Flow:
    started = time.perf_counter()
    smcf = min_cost_flow.SimpleMinCostFlow()
    ids = ten.vertices
    teu = CONTAINER_TYPES[code].teu
    arc_ids: list[int] = []
    for i, a in enumerate(ten.arcs):
        if not a.available(code):
            continue
        cap = count
        if a.departure is not None:
            rem = space.remaining(*a.departure)
            if rem is not None:
                cap = min(count, int((rem + 1e-9) // _need(ten, a, code)))
        smcf.add_arc_with_capacity_and_unit_cost(ids[a.tail], ids[a.head], cap, a.cost_fen[code])
        arc_ids.append(i)
    penalty = _penalty_fen(ten, options)
    spill = smcf.add_arc_with_capacity_and_unit_cost(ids[SOURCE], ids[SINK], count, penalty)
    smcf.set_node_supply(ids[SOURCE], count)
    smcf.set_node_supply(ids[SINK], -count)
    status = smcf.solve()
    wall = time.perf_counter() - started
    if status != smcf.OPTIMAL:
        info = SolveInfo.from_solver(
            status=SolveStatus.MODEL_INVALID,
            solver="min-cost flow",
            objective=None,
            best_bound=None,
            wall_time_s=wall,
            time_limit_s=options.time_limit_s,
            seed=options.seed,
            unit="CNY",
            reasons=(f"min-cost flow status {status}",),
        )
        return _Flow(info, "min_cost_flow", {}, {})
    flows = {arc_ids[k]: int(smcf.flow(k)) for k in range(len(arc_ids)) if smcf.flow(k) > 0}
    objective = smcf.optimal_cost() / 100.0
    info = SolveInfo.from_solver(
        status=SolveStatus.OPTIMAL,
        solver="min-cost flow (ortools.graph)",
        objective=objective,
        best_bound=objective,
        wall_time_s=wall,
        time_limit_s=options.time_limit_s,
        seed=options.seed,
        unit="CNY (generalised, incl. penalties)",
        details={"teu_per_container": teu, "arcs": len(arc_ids), "vertices": len(ids)},
    )
    return _Flow(info, "min_cost_flow", {code: flows}, {code: int(smcf.flow(spill))})


def _solve_mip(
    ten: TimeExpandedNetwork,
    counts: Mapping[str, int],
    space: DepartureSpace,
    options: SplitOptions,
    time_limit_s: float,
) -> _Flow:
    solver = mip_solver(options.backend, time_limit_s, options.seed)
    total = sum(counts.values())
    f: dict[tuple[int, str], Any] = {}
    for i, a in enumerate(ten.arcs):
        for code in counts:
            if a.available(code):
                f[i, code] = solver.IntVar(0, counts[code], f"f_{i}_{code}")
    u = {code: solver.IntVar(0, counts[code], f"unplaced_{code}") for code in counts}
    out_arcs: dict[Vertex, list[int]] = defaultdict(list)
    in_arcs: dict[Vertex, list[int]] = defaultdict(list)
    for i, a in enumerate(ten.arcs):
        out_arcs[a.tail].append(i)
        in_arcs[a.head].append(i)
    for code, n in counts.items():
        for v in ten.vertices:
            outs = [f[i, code] for i in out_arcs[v] if (i, code) in f]
            ins = [f[i, code] for i in in_arcs[v] if (i, code) in f]
            if v == SOURCE:
                solver.Add(solver.Sum(outs) + u[code] == n)
            elif v == SINK:
                solver.Add(solver.Sum(ins) + u[code] == n)
            elif outs or ins:
                solver.Add(solver.Sum(outs) == solver.Sum(ins))
    for key, arcs in ten.departure_arcs().items():
        rem = space.remaining(*key)
        if rem is None:
            continue
        terms = [
            _need(ten, ten.arcs[i], code) * f[i, code]
            for i in arcs
            for code in counts
            if (i, code) in f
        ]
        solver.Add(solver.Sum(terms) <= rem, f"cap_{key[0]}_{key[1].isoformat()}")
    y = {}
    for i, a in enumerate(ten.arcs):
        if a.fixed_fen > 0:
            y[i] = solver.BoolVar(f"y_{i}")
            solver.Add(solver.Sum([f[i, c] for c in counts if (i, c) in f]) <= total * y[i])
    penalty = _penalty_fen(ten, options)
    objective = solver.Sum(
        [a_cost * var for (i, code), var in f.items() for a_cost in (ten.arcs[i].cost_fen[code],)]
        + [ten.arcs[i].fixed_fen * var for i, var in y.items()]
        + [penalty * var for var in u.values()]
    )
    solver.Minimize(objective)
    code_ = solver.Solve()
    info = mip_info(
        solver,
        code_,
        options.backend,
        time_limit_s=options.time_limit_s,
        seed=options.seed,
        scale=100.0,
        unit="CNY (generalised, incl. penalties)",
        details={
            "arcs": len(ten.arcs),
            "vertices": len(ten.vertices),
            "variables": solver.NumVariables(),
        },
    )
    if not info.has_solution:
        return _Flow(info, "mip", {}, {})
    flows: dict[str, dict[int, int]] = defaultdict(dict)
    for (i, code), var in f.items():
        value = int(round(var.solution_value()))
        if value > 0:
            flows[code][i] = value
    return _Flow(
        info, "mip", dict(flows), {c: int(round(v.solution_value())) for c, v in u.items()}
    )


def _decompose(ten: TimeExpandedNetwork, flows: Mapping[int, int]) -> list[tuple[list[int], int]]:
    """Split an integral source-sink flow on the DAG into paths with their container counts."""
    left = dict(flows)
    out: dict[Vertex, list[int]] = defaultdict(list)
    for i in sorted(left):
        out[ten.arcs[i].tail].append(i)
    paths: list[tuple[list[int], int]] = []
    while True:
        path: list[int] = []
        v: Vertex = SOURCE
        while v != SINK:
            nxt = next((i for i in out[v] if left.get(i, 0) > 0), None)
            if nxt is None:
                break
            path.append(nxt)
            v = ten.arcs[nxt].head
        if v != SINK or not path:
            return paths
        amount = min(left[i] for i in path)
        for i in path:
            left[i] -= amount
        paths.append((path, amount))


def _leg_of(arc: Arc, code: str) -> SplitLeg:
    step = arc.step[code]
    search = arc.search[code]
    cl = step.clink
    assert cl is not None
    return SplitLeg(
        mode=cl.link.mode.value,
        link_id=cl.link.id,
        service=cl.link.service,
        origin=search.cn.nodes[cl.origin].id,
        destination=search.cn.nodes[cl.destination].id,
        departure=search.epoch + timedelta(minutes=step.start_min),
        arrival=search.epoch + timedelta(minutes=step.end_min),
    )


def _parts(
    ten: TimeExpandedNetwork, flow: _Flow, ready_min: int, epoch: datetime
) -> list[SplitPart]:
    raw: dict[tuple[int, ...], dict[str, int]] = {}
    for code, flows in sorted(flow.flows.items()):
        for arcs, amount in _decompose(ten, flows):
            raw.setdefault(tuple(arcs), {})
            raw[tuple(arcs)][code] = raw[tuple(arcs)].get(code, 0) + amount
    # per-consignment costs are shared by the parts using the arc
    users: dict[int, int] = defaultdict(int)
    for key, by_code in raw.items():
        for i in key:
            if ten.arcs[i].fixed_fen:
                users[i] += sum(by_code.values())
    parts: list[SplitPart] = []
    for path, by_code in raw.items():  # path: tuple of arc indices
        count = sum(by_code.values())
        money = gen = co2 = 0.0
        for code, n in by_code.items():
            for i in path:
                a = ten.arcs[i]
                step = a.step.get(code)
                if a.kind == "sink" or step is None:
                    continue
                search = a.search[code]
                money += n * (step.cost_fen - step_fixed_fen(search, step))
                co2 += n * step.co2_g
            gen += n * sum(ten.arcs[i].cost_fen[code] for i in path)
        fixed = sum(ten.arcs[i].fixed_fen * count / users[i] for i in path if ten.arcs[i].fixed_fen)
        money += fixed
        gen += fixed
        any_code = next(iter(by_code))
        legs = tuple(_leg_of(ten.arcs[i], any_code) for i in path if ten.arcs[i].kind == "leg")
        sink = ten.arcs[path[-1]]
        arrival = epoch + timedelta(
            minutes=sink.arrival_min if sink.arrival_min is not None else ready_min
        )
        first = next((ten.arcs[i] for i in path if ten.arcs[i].kind in ("leg", "access")), None)
        departure = (
            epoch + timedelta(minutes=first.step[any_code].start_min)
            if first is not None
            else arrival
        )
        parts.append(
            SplitPart(
                containers=dict(sorted(by_code.items())),
                teu=sum(CONTAINER_TYPES[c].teu * n for c, n in by_code.items()),
                departure=departure,
                arrival=arrival,
                legs=legs,
                cost_cny=money / 100.0,
                generalised_cost_cny=gen / 100.0,
                co2e_kg=co2 / 1000.0,
            )
        )
    parts.sort(key=lambda p: (p.departure, p.arrival, -p.count))
    return parts


def _loads(
    ten: TimeExpandedNetwork, flow: _Flow, space: DepartureSpace, network: Network
) -> tuple[list[DepartureLoad], dict[DepartureKey, float]]:
    used: dict[DepartureKey, float] = defaultdict(float)
    for code, flows in flow.flows.items():
        for i, n in flows.items():
            a = ten.arcs[i]
            if a.departure is not None:
                used[a.departure] += n * _need(ten, a, code)
    out = []
    for key, amount in sorted(used.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        rem = space.remaining(*key)
        if rem is None:
            continue
        mode = network.links[key[0]].mode
        out.append(DepartureLoad(key, mode.value, rem, amount, "kg" if mode is Mode.AIR else "TEU"))
    return out, dict(used)


def split_shipment(
    cn: CompiledNetwork,
    request: QuoteRequest,
    capacity: CapacityFn | None = None,
    *,
    space_overrides: Mapping[DepartureKey, float] | None = None,
    options: SplitOptions | None = None,
) -> SplitResult:
    """Split the request's containers over departures and modes at least generalised cost.

    ``capacity`` reports the remaining space of a dated departure (TEU; kg for air), as for the
    quote; departures it does not track fall back to the link's per-departure capacity.
    """
    opts = options or SplitOptions()
    network = cn.network
    started = time.perf_counter()
    cargo = request.cargo
    if not cargo.is_containerised:
        raise InvalidRequestError("cargo", "only containerised cargo can be split over departures")
    counts: dict[str, int] = {}
    for code, n in cargo.containers:
        counts[code] = counts.get(code, 0) + n
    space = DepartureSpace(network, capacity, space_overrides)
    finders = {code: CandidateFinder(cn, unit_request(request, code), space) for code in counts}
    frontier: dict[str, set[frozenset[DepartureKey]]] = {code: {frozenset()} for code in counts}
    found: dict[str, dict[tuple[Any, ...], tuple[Search, Route]]] = {code: {} for code in counts}
    by_block: dict[tuple[str, frozenset[DepartureKey]], list[tuple[Search, Route]]] = {}
    flow: _Flow | None = None
    ten = TimeExpandedNetwork()
    searches = rounds = 0
    while True:
        rounds += 1
        added = 0
        for code in sorted(frontier):
            for blocked in sorted(frontier[code], key=lambda b: (len(b), sorted(b))):
                if searches >= opts.max_searches:
                    break
                before = finders[code].searches
                results = finders[code].run(blocked)
                searches += finders[code].searches - before
                by_block[code, blocked] = results
                for search, route in results:
                    sig = route_signature(route)
                    if sig not in found[code]:
                        found[code][sig] = (search, route)
                        add_route(ten, code, search, route)
                        added += 1
        if not any(found.values()):
            break
        if flow is None or added:
            remaining_s = max(0.5, opts.time_limit_s - (time.perf_counter() - started))
            flow = _solve(ten, counts, space, opts, remaining_s)
        if not flow.info.has_solution or rounds >= opts.max_rounds or searches >= opts.max_searches:
            break
        _, used = _loads(ten, flow, space, network)
        full = set()
        for key, amount in used.items():
            rem = space.remaining(*key)
            if rem is None:
                continue
            smallest = min(CONTAINER_TYPES[c].teu for c in counts)
            if network.links[key[0]].mode is Mode.AIR or rem - amount < smallest - 1e-9:
                full.add(key)
        frontier = {code: set() for code in counts}
        for (code, blocked), results in by_block.items():
            for search, route in results:
                for step in route.steps:
                    dep = step_departure(search, step)
                    if dep is not None and dep in full and dep not in blocked:
                        nxt = blocked | {dep}
                        if (code, nxt) not in by_block:
                            frontier[code].add(nxt)
        if not any(frontier.values()):
            break
    total_paths = sum(len(v) for v in found.values())
    any_search = next((s for f in by_block.values() for s, _ in f), None)
    if flow is None or any_search is None:
        code0 = next(iter(counts))
        why_not = tuple(
            "no legal route even for a single container: " + r
            for r in no_route_reasons(cn, unit_request(request, code0), space.callback())
        )
        info = SolveInfo.infeasible(
            checked_by="label search",
            reasons=why_not,
            wall_time_s=time.perf_counter() - started,
            time_limit_s=opts.time_limit_s,
            seed=opts.seed,
            unit="CNY",
        )
        return SplitResult(
            info, "none", counts, (), dict(counts), (), 0, searches, why_not, request.ready
        )
    parts = (
        _parts(ten, flow, any_search.ready_min, any_search.epoch) if flow.info.has_solution else []
    )
    loads, _ = _loads(ten, flow, space, network)
    unplaced = {c: counts[c] - sum(p.containers.get(c, 0) for p in parts) for c in counts}
    reasons: list[str] = []
    missing = sum(unplaced.values())
    if missing:
        full_keys = [d for d in loads if d.capacity - d.used < 1 - 1e-9]
        why = f"{missing} of {sum(counts.values())} containers could not be placed: " + (
            "every legal departure before the deadline is full"
            if request.deadline is not None
            else f"no room on the departures explored ({searches} searches)"
        )
        if full_keys:
            why += " (full: " + ", ".join(departure_label(d.key) for d in full_keys[:6]) + ")"
        reasons.append(why)
    if not flow.info.has_solution:
        reasons.extend(flow.info.reasons)
    info = dataclasses.replace(flow.info, wall_time_s=time.perf_counter() - started)
    if info.has_solution:
        # proved only over the candidate paths merged into the time-expanded network: paths
        # through departures the searches never tried are not covered, so no stronger claim
        # (and a MIP's own bound holds over those candidates only)
        info = dataclasses.replace(
            info,
            status=SolveStatus.FEASIBLE,
            best_bound=None,
            gap=None,
            reasons=(
                *info.reasons,
                f"{'optimal' if flow.info.status is SolveStatus.OPTIMAL else 'feasible'} over "
                f"the {total_paths} candidate paths of its time-expanded network only: no bound "
                "over every legal path",
            ),
        )
    return SplitResult(
        info=info,
        method=flow.method,
        containers=counts,
        parts=tuple(parts),
        unplaced=unplaced,
        departures=tuple(loads),
        candidate_paths=total_paths,
        searches=searches,
        reasons=tuple(reasons),
        ready=request.ready,
    )


def _solve(
    ten: TimeExpandedNetwork,
    counts: Mapping[str, int],
    space: DepartureSpace,
    opts: SplitOptions,
    time_limit_s: float,
) -> _Flow:
    shared = any(
        len(arcs) > 1 and space.remaining(*key) is not None
        for key, arcs in ten.departure_arcs().items()
    )
    fixed = any(a.fixed_fen > 0 for a in ten.arcs)
    pure = len(counts) == 1 and not shared and not fixed
    if opts.method == "flow":
        if not pure:
            raise InvalidRequestError(
                "method",
                "min-cost flow needs one container type, no per-consignment costs and one arc per "
                "departure; use method=mip or auto",
            )
        code, n = next(iter(counts.items()))
        return _solve_flow(ten, code, n, space, opts)
    if opts.method == "auto" and pure:
        code, n = next(iter(counts.items()))
        return _solve_flow(ten, code, n, space, opts)
    return _solve_mip(ten, counts, space, opts, min(opts.time_limit_s, time_limit_s))
