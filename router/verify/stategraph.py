"""Static state-expanded graphs: the customs-state graph without clocks.

Two uses, both for cross-checks and benchmarks:

* :func:`network_state_graph` — (node, customs state) vertices and the arcs the customs rules
  allow, weighted by running minutes; a compiled single-criterion Dijkstra (scipy) runs on it.
* :func:`query_state_graph` — the exact state space one :class:`Search` explores (node, customs
  state, Combined Port hub, required-node mask, previous-leg kind), with each arc's cost in fen
  and transfers. Costs in this model do not depend on the clock, so the cheapest route is a
  shortest path here; an OR-Tools CP-SAT model of that path problem must find the same optimum
  as the label search.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from scipy.sparse import csr_matrix

from router.network.model import CustomsOp, CustomsState, Regime
from router.routing.bounds import min_csr
from router.routing.compiled import CompiledNetwork
from router.routing.labels import Label
from router.routing.search import Search
from router.routing.transitions import boarding_state

STATES = (
    CustomsState.FREE,
    CustomsState.CLEARED_EXPORT,
    CustomsState.IN_TRANSIT,
    CustomsState.IN_BOND,
)
_STATE_INDEX = {s: i for i, s in enumerate(STATES)}


def state_vertex(node: int, state: CustomsState) -> int:
    return node * len(STATES) + _STATE_INDEX[state]


def network_state_graph(cn: CompiledNetwork) -> csr_matrix:
    """(node, state) graph of legal moves weighted by minutes (customs actions weigh 1 minute)."""
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []

    def arc(a: int, b: int, w: float) -> None:
        rows.append(a)
        cols.append(b)
        weights.append(max(w, 1e-6))

    for i, node in enumerate(cn.nodes):
        if node.offers(CustomsOp.EXPORT_CLEARANCE):
            arc(state_vertex(i, CustomsState.FREE), state_vertex(i, CustomsState.CLEARED_EXPORT), 1)
        if node.offers(CustomsOp.IMPORT_CLEARANCE):
            for s in (CustomsState.IN_TRANSIT, CustomsState.IN_BOND):
                arc(state_vertex(i, s), state_vertex(i, CustomsState.FREE), 1)
    for cl in cn.links:
        w = cl.transit_min + cl.border_min
        dest_supervised = cn.nodes[cl.destination].is_supervised
        regime = cl.link.regime
        if regime is Regime.DOMESTIC:
            arc(
                state_vertex(cl.origin, CustomsState.FREE),
                state_vertex(cl.destination, CustomsState.FREE),
                w,
            )
            if not cl.link.mixed_trade:
                continue
        if not dest_supervised:
            continue
        for s in STATES[1:]:
            after = boarding_state(s, cl.link, at_crossing=cn.from_crossing[cl.index])
            if after is not None:
                arc(state_vertex(cl.origin, s), state_vertex(cl.destination, after), w)
    return min_csr(rows, cols, weights, len(cn.nodes) * len(STATES))


@dataclass(frozen=True)
class QueryGraph:
    """The static state space of one query: arcs with cost (fen) and transfer deltas."""

    sources: dict[int, int]  # vertex -> initial cost fen
    arcs: list[tuple[int, int, int, int]]  # (from, to, cost fen, transfers)
    sinks: dict[int, tuple[int, int]]  # vertex -> (finishing cost fen, transfers)
    vertices: int


def query_state_graph(search: Search) -> QueryGraph:
    """Explore every state the search could reach (ignoring the clock) and record its arcs."""
    index: dict[tuple[int, CustomsState, int, int, int], int] = {}
    first: list[Label] = []

    def vertex(label: Label) -> int:
        key = label.key
        if key not in index:
            index[key] = len(first)
            first.append(label)
        return index[key]

    sources: dict[int, int] = {}
    for label in search.initial_labels():
        v = vertex(label)
        sources[v] = min(sources.get(v, label.cost), label.cost)
    arcs: list[tuple[int, int, int, int]] = []
    sinks: dict[int, tuple[int, int]] = {}
    queue = deque(range(len(first)))
    seen = set(queue)
    while queue:
        v = queue.popleft()
        label = first[v]
        done = search.finish(label)
        if done is not None:
            sinks[v] = (done.cost - label.cost, done.transfers - label.transfers)
        for succ in search.expand(label):
            w = vertex(succ)
            arcs.append((v, w, succ.cost - label.cost, succ.transfers - label.transfers))
            if w not in seen:
                seen.add(w)
                queue.append(w)
    return QueryGraph(sources, arcs, sinks, len(first))


def cpsat_cheapest(
    graph: QueryGraph, max_transfers: int | None, time_limit_s: float = 30.0, seed: int = 0
) -> tuple[str, int | None]:
    """Cheapest route cost (fen) on a query graph by OR-Tools CP-SAT: (status name, optimum)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    src = {v: model.new_bool_var(f"s{v}") for v in graph.sources}
    snk = {v: model.new_bool_var(f"t{v}") for v in graph.sinks}
    use = [model.new_bool_var(f"a{i}") for i in range(len(graph.arcs))]
    out: dict[int, list[cp_model.IntVar]] = {}
    inn: dict[int, list[cp_model.IntVar]] = {}
    for var, (a, b, _, _) in zip(use, graph.arcs, strict=True):
        out.setdefault(a, []).append(var)
        inn.setdefault(b, []).append(var)
    model.add(sum(src.values()) == 1)
    model.add(sum(snk.values()) == 1)
    for v in range(graph.vertices):
        flow_in = sum(inn.get(v, [])) + src.get(v, 0)
        flow_out = sum(out.get(v, [])) + snk.get(v, 0)
        model.add(flow_in == flow_out)
        model.add(flow_in <= 1)
    cost = (
        sum(var * c for var, (_, _, c, _) in zip(use, graph.arcs, strict=True))
        + sum(src[v] * c for v, c in graph.sources.items())
        + sum(snk[v] * c for v, (c, _) in graph.sinks.items())
    )
    if max_transfers is not None:
        transfers = sum(var * t for var, (_, _, _, t) in zip(use, graph.arcs, strict=True)) + sum(
            snk[v] * t for v, (_, t) in graph.sinks.items()
        )
        model.add(transfers <= max_transfers)
    model.minimize(cost)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    name = solver.status_name(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return name, int(round(solver.objective_value))
    return name, None
