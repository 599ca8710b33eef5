"""Lower bounds on what remains of a route from each node to the destinations.

Reverse single-criterion Dijkstra (scipy.sparse.csgraph) over the links the query may use, once
per criterion: cut-off and running minutes (no waiting, dwell or customs); freight, destination
handling charge and port fees in fen (no customs, storage or origin handling); and the link's CO2e
grams (exact per link). Each is a true lower bound of what the search adds, so pruning with
them keeps the search exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from router.routing.compiled import CLink, CompiledNetwork

#: (freight, THC at origin, THC at destination, port fees, CO2e grams) of the cargo on a link
LegConstants = Callable[[CLink], tuple[int, int, int, int, int]]
INF = 1 << 60


def min_csr(rows: list[int], cols: list[int], weights: list[float], n: int) -> csr_matrix:
    """A CSR matrix keeping the SMALLEST weight of parallel arcs (scipy would add them up)."""
    if not rows:
        return csr_matrix((n, n))
    r, c, w = np.asarray(rows), np.asarray(cols), np.asarray(weights, dtype=float)
    order = np.lexsort((w, c, r))
    r, c, w = r[order], c[order], w[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    return csr_matrix((w[first], (r[first], c[first])), shape=(n, n))


def reverse_lower_bounds(
    cn: CompiledNetwork,
    usable: Sequence[bool],
    leg_constants: LegConstants,
    destinations: Iterable[int],
) -> tuple[list[int], list[int], list[int]]:
    """(minutes, fen, grams) lower bounds per node index to the nearest of ``destinations``
    over the links marked ``usable`` for this query; INF where no destination is reachable."""
    n = len(cn.nodes)
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
        # reversed edge: destination -> origin; tiny epsilon keeps zero weights as stored edges
        rows.append(cl.destination)
        cols.append(cl.origin)
        w_time.append(cl.cutoff_min + cl.transit_min + cl.border_min)
        w_cost.append(max(freight + thc_destination + port_fees, 0) + 1e-9)
        w_co2.append(max(co2_g, 0) + 1e-9)
    sources = sorted(set(destinations))
    result = []
    for weights in (w_time, w_cost, w_co2):
        graph = min_csr(rows, cols, weights, n)
        dist = dijkstra(graph, directed=True, indices=sources, min_only=True)
        result.append([INF if not np.isfinite(d) else int(math.floor(d)) for d in dist])
    return result[0], result[1], result[2]
