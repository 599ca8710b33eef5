"""Lower bounds on what remains of a route from each node to the destinations.

Reverse single-criterion Dijkstra (scipy.sparse.csgraph) over the links the query may use, once
per criterion: cut-off and running minutes (no waiting, dwell or customs); freight, destination
handling charge and port fees in fen (no customs, storage or origin handling); and the link's CO2e
grams (exact per link). Each is a true lower bound of what the search adds, so pruning with
them keeps the search exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from router.routing.compiled import CLink, CompiledNetwork

#: (freight, THC at origin, THC at destination, port fees, CO2e grams) of the cargo on a link
LegConstants = Callable[[CLink], tuple[int, int, int, int, int]]
INF = 1 << 60


def min_csr(
    rows: Sequence[int] | np.ndarray,
    cols: Sequence[int] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    n: int,
) -> csr_matrix:
    """A CSR matrix keeping the SMALLEST weight of parallel arcs (scipy would add them up)."""
    if len(rows) == 0:
        return csr_matrix((n, n))
    r, c, w = np.asarray(rows), np.asarray(cols), np.asarray(weights, dtype=float)
    order = np.lexsort((w, c, r))
    r, c, w = r[order], c[order], w[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    return csr_matrix((w[first], (r[first], c[first])), shape=(n, n))


@dataclass(frozen=True)
class BoundArcs:
    """The reversed graphs of the links a query may use, weighted with what boarding each
    always adds: minutes, fen and grams. Depends on the cargo profile, not the destination."""

    minutes: csr_matrix
    fen: csr_matrix
    grams: csr_matrix


def bound_arcs(
    cn: CompiledNetwork, usable: Sequence[bool], leg_constants: LegConstants
) -> BoundArcs:
    """:class:`BoundArcs` of the links marked ``usable``."""
    rows: list[int] = []
    cols: list[int] = []
    w_time: list[float] = []
    w_cost: list[float] = []
    w_co2: list[float] = []
    for cl in cn.links:
        if not usable[cl.index]:
            continue
        # what boarding the link always adds: freight, the handling charge at its destination,
        # port fees, its CO2e (the handling charge at its origin is waived after a vessel/train)
        freight, _, thc_destination, port_fees, co2_g = leg_constants(cl)
        rows.append(cl.destination)
        cols.append(cl.origin)
        w_time.append(cl.cutoff_min + cl.transit_min + cl.border_min)
        # a tiny epsilon keeps zero weights as stored edges
        w_cost.append(max(freight + thc_destination + port_fees, 0) + 1e-9)
        w_co2.append(max(co2_g, 0) + 1e-9)
    n = len(cn.nodes)
    return BoundArcs(
        min_csr(rows, cols, w_time, n),
        min_csr(rows, cols, w_cost, n),
        min_csr(rows, cols, w_co2, n),
    )


def reverse_lower_bounds(
    cn: CompiledNetwork, arcs: BoundArcs, destinations: Iterable[int]
) -> tuple[list[int], list[int], list[int]]:
    """(minutes, fen, grams) lower bounds per node index to the nearest of ``destinations``
    over ``arcs``; INF where no destination is reachable."""
    n = len(cn.nodes)
    sources = sorted(set(destinations))
    result = []
    for graph in (arcs.minutes, arcs.fen, arcs.grams):
        dist = dijkstra(graph, directed=True, indices=sources, min_only=True)
        finite = np.isfinite(dist)
        out = np.full(n, INF, dtype=np.int64)
        out[finite] = np.floor(dist[finite]).astype(np.int64)
        result.append(out.tolist())
    return result[0], result[1], result[2]
