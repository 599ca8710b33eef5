"""One-to-many search: the Pareto routes from one origin and ready time to many destinations.

Same semantics as one-to-one (:func:`router.routing.query.build_search`): each destination's
routes are the Pareto set a quote to that destination alone would find. With the compiled loop
(:class:`router.routing.compiled_search.CompiledSearch`) one run answers every destination of one
customs territory: the customs rules that depend on the destination are its territory (where
cargo may be export-cleared, where it arrives in bond, whether a route is international: the same
for all of them) and its offices of destination (where cargo in transit or in bond may be
import-cleared, where a movement in bond ends), which the loop tracks per label as a set of
destination contexts. A run keeps one Pareto front per destination and prunes by the deadline
only (no goal direction towards one destination). The reference implementation answers each
destination with its own one-to-one search.

Used by batch work (scenario runs, demand tables) that groups shipments by origin, ready time
and cargo profile (:func:`group_key`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from router.errors import InvalidRequestError, NotFoundError
from router.routing.compiled import CompiledNetwork
from router.routing.compiled_search import CompiledSearch
from router.routing.kernel_tables import MAX_CONTEXTS
from router.routing.labels import Access, CapacityFn, Route, SearchStats
from router.routing.places import resolve_place
from router.routing.query import build_search, resolve_origin, search_class
from router.routing.request import PlaceRef, QuoteRequest


@dataclass
class ManyRoutes:
    """Routes per destination code (sorted by criteria, as one-to-one), the label-loop runs that
    found them, their summed statistics, and the destinations that could not be searched (code
    -> reason: unknown code, same node as the origin)."""

    routes: dict[str, list[Route]] = field(default_factory=dict)
    runs: int = 0
    stats: SearchStats = field(default_factory=SearchStats)
    unanswered: dict[str, str] = field(default_factory=dict)

    def add_stats(self, stats: SearchStats) -> None:
        self.stats.labels_created += stats.labels_created
        self.stats.labels_settled += stats.labels_settled
        self.stats.pruned_by_target += stats.pruned_by_target
        self.stats.complete = self.stats.complete and stats.complete


def group_key(request: QuoteRequest) -> Hashable:
    """What a one-to-many run shares: everything of the request but its destination."""
    return dataclasses.replace(request, destination=request.origin)


def search_many(
    cn: CompiledNetwork,
    request: QuoteRequest,
    destinations: Sequence[str] | None = None,
    capacity: CapacityFn | None = None,
    implementation: str | None = None,
) -> ManyRoutes:
    """The Pareto routes of ``request`` (its destination ignored) to each destination code
    (node id or UN/LOCODE; None: every node but the origin's), with ``implementation``
    (``compiled`` or ``python``, default from the settings) as :func:`build_search`."""
    origin = dataclasses.replace(request, destination=request.origin)
    codes = list(dict.fromkeys(destinations if destinations is not None else _all_codes(cn)))
    result = ManyRoutes()
    if search_class(implementation) is not CompiledSearch:
        for code in codes:
            one = dataclasses.replace(request, destination=PlaceRef(code))
            try:
                search = build_search(cn, one, capacity, implementation=implementation)
            except (NotFoundError, InvalidRequestError) as exc:
                result.unanswered[code] = str(exc)
                continue
            result.routes[code] = search.run()
            result.runs += 1
            result.add_stats(search.stats)
        return result
    origins = resolve_origin(cn, origin)
    origin_nodes = {i for i, _ in origins}
    groups: dict[frozenset[str], list[tuple[str, list[tuple[int, Access | None]]]]] = {}
    for code in codes:
        try:
            ends = resolve_place(
                cn, PlaceRef(code), request.cargo, request.constraints.max_truck_km, False, code
            )
        except NotFoundError as exc:
            result.unanswered[code] = str(exc)
            continue
        same_place = PlaceRef(code) == request.origin
        if same_place or origin_nodes & {i for i, _ in ends}:
            what = "place" if same_place else "node"
            same = InvalidRequestError("destination", f"origin and destination are the same {what}")
            result.unanswered[code] = str(same)  # as one-to-one (resolve_ends) words it
            continue
        territory = frozenset(cn.nodes[i].jurisdiction for i, _ in ends)
        groups.setdefault(territory, []).append((code, ends))
    for members in groups.values():
        for run in _runs(members):
            dest_ends = [end for _, ends in run for end in ends]
            search = CompiledSearch(cn, origin, origins, dest_ends, capacity=capacity)
            fronts = search.run_targets([[i for i, _ in ends] for _, ends in run])
            for (code, _), routes in zip(run, fronts, strict=True):
                result.routes[code] = routes
            result.runs += 1
            result.add_stats(search.stats)
    return result


def _runs(
    members: list[tuple[str, list[tuple[int, Access | None]]]],
) -> list[list[tuple[str, list[tuple[int, Access | None]]]]]:
    """Split one territory's destinations into runs whose destination nodes are disjoint (a
    node ends one destination only) and that have at most :data:`MAX_CONTEXTS` destinations."""
    runs: list[list[tuple[str, list[tuple[int, Access | None]]]]] = []
    used: list[set[int]] = []
    for member in members:
        nodes = {i for i, _ in member[1]}
        for run, taken in zip(runs, used, strict=True):
            if len(run) < MAX_CONTEXTS and not nodes & taken:
                run.append(member)
                taken |= nodes
                break
        else:
            runs.append([member])
            used.append(set(nodes))
    return runs


def _all_codes(cn: CompiledNetwork) -> list[str]:
    return [node.id for node in cn.nodes]
