"""Least reduced-cost paths: the pricing problem of column generation (DESIGN.md §3).

The batch assignment (:mod:`router.optimise.colgen`) prices every dated departure: using one
costs a shipment the departure's dual *price* (fen, per shipment: its space times the dual of
the departure's capacity row, less the duals of minimum-load rows). A column (a path) is worth
adding when its generalised cost plus the prices it pays is below the shipment's *threshold*
(the dual of its convexity row). :class:`PricedSearch` finds the paths of least generalised cost
plus price, below a threshold, exactly, over this **path space**:

* a path is a sequence of links and customs operations allowed by the customs rules (the same
  transitions as :class:`~router.routing.search.Search`, so every path is legal);
* on a timetabled link a leg may board **any** departure with room for the shipment at or after
  the earliest one it can make (waiting for a later, cheaper departure is allowed; the wait is
  charged storage and value of time); a link without a timetable departs as soon as the cargo
  is ready, as in the quote search;
* the path arrives by the request's deadline and by the search horizon (``horizon_min``).

The search minimises a **relaxation**: the criterion of a label is one number in fen, ``g`` =
cost *without storage while waiting* + value of time x minutes since ready + carbon price x
grams + prices paid. Storage makes dominance between an earlier and a later label depend on
where each will wait next; without it the rule is exact and cheap: a label reaching a state
(node, customs state, anchor, required nodes, last mode) at ``t1`` with ``g1`` and no more
transfers dominates one reaching it at ``t2 >= t1`` with ``g2 >= g1 + v (t2 - t1)`` (``v`` the
value of time per minute), because the earlier label can take the later one's departures (and
pays nothing for waiting but time); for the later departures of one link that means only a
departure with a lower price than every earlier one is worth a label. So the least ``g`` found
is a lower bound of the least generalised cost plus price over the path space (what column
generation's bound needs), and each path found is returned with its true generalised cost,
storage included (what the master needs). Labels settle best first, in order of ``g`` plus lower
bounds of what remains (cost, value of time, CO2e, and the most the remaining prices can give
back); the search ends when that reaches the best path found or the threshold.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from router.network.model import ScheduleKind
from router.routing.compiled import CompiledNetwork
from router.routing.labels import CapacityFn, Label, Route, Step
from router.routing.prices import storage_fen
from router.routing.query import resolve_ends
from router.routing.request import QuoteRequest
from router.routing.search import Search

#: key of a departure price: (link id, departure minute from the search's epoch)
PriceKey = tuple[str, int]
_INF = float("inf")


@dataclass(frozen=True, slots=True)
class PricedPath:
    """A path found by the pricing search: its route, its true generalised cost (fen, storage
    included: 100 x :func:`router.routing.itinerary.generalised_cost_cny` of the route) and the
    prices it pays (fen)."""

    route: Route
    objective_fen: float
    price_fen: float

    @property
    def priced_fen(self) -> float:
        return self.objective_fen + self.price_fen


@dataclass(frozen=True, slots=True)
class PricingOutcome:
    """What one pricing search proved.

    ``paths``: paths whose relaxed criterion (no storage) plus prices is below the threshold,
    best first: the best and the improving paths met on the way to it (at most ``max_paths``),
    with their true costs. ``lower_bound_fen``: a lower bound of generalised cost plus price over
    the whole path space (the relaxed optimum when ``complete``, else the least that any
    unexplored label could still reach); at least the threshold when no path is below it.
    ``complete``: the search ran to the end (not stopped by its label budget, path budget or
    deadline)."""

    paths: tuple[PricedPath, ...]
    lower_bound_fen: float
    complete: bool
    labels_settled: int


#: storage paid so far (fen) and the tracked departures used, of a label (every-path mode)
_Trail = tuple[float, tuple[PriceKey, ...]]
_NO_TRAIL: _Trail = (0.0, ())
#: most departures of one link tried from one label (a guard; reaching it marks the search
#: incomplete, so its bound falls back to what is still open)
MAX_LATER_DEPARTURES = 500


@dataclass
class _Pricing:
    """The state of one pricing run: prices, rates and the best value so far (all fen)."""

    prices: Mapping[PriceKey, float]
    link_prices: Mapping[str, float]
    vot: float  # value of time, fen per minute
    carbon: float  # carbon price, fen per gram
    weight: float  # of the money cost
    ready: int
    lb_g: list[float]
    lb_time: list[int]
    floor: float  # the most the prices still to pay can give back (<= 0)
    slack_rate: float
    latest: int
    best: float
    every_path: bool = False
    truncated: bool = False
    #: a lower bound of what the departures left untried (the guard) could reach
    beyond: float = float("inf")
    _by_link: dict[str, tuple[list[int], list[float]]] = field(default_factory=dict)

    def lowest_price_after(self, link_id: str, dep: int) -> float:
        """The lowest price of a departure of ``link_id`` after minute ``dep`` (fen)."""
        table = self._by_link.get(link_id)
        if table is None:
            listed = sorted((m, v) for (lid, m), v in self.prices.items() if lid == link_id)
            minutes = [m for m, _ in listed]
            suffix = [v for _, v in listed]
            for k in range(len(suffix) - 2, -1, -1):
                suffix[k] = min(suffix[k], suffix[k + 1])
            table = self._by_link[link_id] = (minutes, suffix)
        minutes, suffix = table
        k = bisect.bisect_right(minutes, dep)
        listed_min = suffix[k] if k < len(suffix) else _INF
        return min(listed_min, self.link_prices.get(link_id, 0.0))

    def price_at(self, link_id: str, dep: int) -> float:
        """The price of the departure of ``link_id`` at minute ``dep`` (fen)."""
        found = self.prices.get((link_id, dep))
        return self.link_prices.get(link_id, 0.0) if found is None else found

    def g(self, label: Label, price: float) -> float:
        return (
            self.weight * label.cost
            + self.vot * (label.time - self.ready)
            + self.carbon * label.co2
            + price
        )

    def hopeless(self, label: Label, g: float) -> bool:
        """No completion of ``label`` (at ``g``) can go below the best so far, or it is late."""
        node = label.node
        if label.time + self.lb_time[node] > self.latest:
            return True
        return g + self.lb_g[node] + self.floor >= self.best


@dataclass
class PricedSearch(Search):
    """A :class:`Search` for least generalised cost plus departure prices (see module doc).

    ``horizon_min``: latest arrival minute (from the search's epoch) of the path space, or None
    for no limit other than the request's deadline and the search horizon."""

    horizon_min: int | None = None
    #: weight of the generalised cost in the criterion: 1, or 0 to minimise the prices alone
    #: (phase one of column generation: is there a plan at all?)
    cost_weight: float = 1.0
    #: start from the quick single-criterion routes as upper bounds (see Search.seed_routes);
    #: off by default: the best-first search is faster without them
    use_seeds: bool = False

    def priced_paths(
        self,
        prices: Mapping[PriceKey, float],
        threshold_fen: float = _INF,
        max_paths: int = 3,
        every_path: bool = False,
        deadline: float | None = None,
        tracked: Callable[[str, int], bool] | None = None,
        link_prices: Mapping[str, float] | None = None,
        max_labels: int | None = None,
    ) -> PricingOutcome:
        """Paths whose generalised cost plus ``prices`` is below ``threshold_fen`` (all in fen),
        the least first, and a lower bound of that sum over the whole path space.

        ``every_path``: return *every* path below the threshold (no dominance between labels,
        no tightening to the best found); ``complete`` is False when there are more than
        ``max_paths`` of them or the label budget ran out; two partial paths are compared only
        when they use the same ``tracked`` departures (``tracked(link_id, minute)``: those with
        space or a minimum load in the model; None: every departure of a timetabled link), on
        their
        true cost with the storage slack of the module doc. ``link_prices``: the price of a
        departure of these links that ``prices`` does not name (a path takes a link once at
        most where it pays: its bound counts each negative one once). ``max_labels``: a label
        budget for this run (default: the search's). ``deadline``: a
        :func:`time.perf_counter` value after which the search stops (``complete`` False)."""
        w = self.cost_weight
        vot = w * self.request.value_of_time_cny_per_h * 100.0 / 60.0
        carbon = w * self.request.preferences.carbon_price_cny_per_t * 100.0 / 1e6
        lb_time, lb_cost, lb_co2 = self.lower
        latest = self.latest_min
        if self.horizon_min is not None:
            latest = min(latest, self.horizon_min)
        st = _Pricing(
            prices=prices,
            vot=vot,
            carbon=carbon,
            weight=w,
            ready=self.ready_min,
            lb_g=[
                _INF if t >= _UNREACHABLE else w * c + vot * t + carbon * e
                for t, c, e in zip(lb_time, lb_cost, lb_co2, strict=True)
            ],
            lb_time=lb_time,
            link_prices=link_prices or {},
            floor=sum(p for p in prices.values() if p < 0)
            + sum(p for p in (link_prices or {}).values() if p < 0),
            slack_rate=vot,
            latest=latest,
            best=threshold_fen,
            every_path=every_path,
        )
        # (g, finished label); a label carries ``acc``: prices paid less storage paid (x weight)
        found: list[tuple[float, Label]] = []
        for seed in self.seed_routes() if self.use_seeds else ():
            # the quick routes take the earliest departures: paths of this space too
            if seed.time <= latest:
                steps = seed.steps()
                acc = self._price_of(steps, st) - w * sum(x.storage_fen for x in steps)
                g_seed = st.g(seed, acc)
                if g_seed < st.best and not every_path:
                    found.append((g_seed, seed))
                    st.best = g_seed
        counter = itertools.count()
        heap: list[tuple[float, float, int, Label, float, _Trail]] = []
        settled: dict[tuple[object, ...], list[tuple[int, float, int]]] = {}
        # every path: two labels compare only when they use the same tracked departures (then
        # either path serves the integer plan alike), on their true cost with the storage slack
        rate = st.slack_rate
        eps = 0.0
        if every_path:
            top = w * max(self.storage_rate, default=0.0)
            rate, eps = st.slack_rate + top, 1.0 if top else 0.0

        def covered(key: tuple[object, ...], t: int, g: float, x: int) -> bool:
            bucket = settled.get(key)
            if not bucket:
                return False
            for s_t, s_g, s_x in bucket:
                if s_t <= t and s_x <= x and s_g + rate * (t - s_t) + eps <= g:
                    return True
            return False

        def state(lb: Label, g: float, trail: _Trail) -> tuple[tuple[object, ...], float]:
            """The dominance key and the value compared under it."""
            if every_path:
                return (lb.key, trail[1]), g + trail[0]
            return (lb.key,), g

        def push(lb: Label, acc: float, trail: _Trail) -> None:
            if st.lb_g[lb.node] >= _INF:
                return
            g = st.g(lb, acc)
            if st.hopeless(lb, g):
                return
            key, value = state(lb, g, trail)
            if covered(key, lb.time, value, lb.transfers):
                return
            heapq.heappush(heap, (g + st.lb_g[lb.node], g, next(counter), lb, acc, trail))

        for lb in self.initial_labels():
            push(lb, 0.0, _NO_TRAIL)
        budget = self.label_budget if max_labels is None else max_labels
        settled_count = 0
        complete = True
        while heap:
            if (budget is not None and settled_count >= budget) or (
                deadline is not None and not settled_count % 256 and time.perf_counter() > deadline
            ):
                complete = False
                break
            key_g, g, _, label, price, trail = heapq.heappop(heap)
            if key_g + st.floor >= st.best:
                break  # best first: nothing left can go below the best found
            if st.hopeless(label, g):
                continue
            key, value = state(label, g, trail)
            if covered(key, label.time, value, label.transfers):
                continue
            settled.setdefault(key, []).append((label.time, value, label.transfers))
            settled_count += 1
            done = self.finish(label)
            if done is not None and self.within_deadline(done):
                g_done = st.g(done, price)
                if g_done < st.best and done.time <= latest:
                    found.append((g_done, done))
                    if not every_path:
                        st.best = g_done
                    elif len(found) > max_paths:
                        complete = False
                        break
            for successor, paid, stored, row in self._priced_successors(label, st, price):
                if every_path:
                    kept = row is not None and (tracked is None or tracked(*row))
                    sig = (*trail[1], row) if kept and row is not None else trail[1]
                    push(successor, paid, (trail[0] + stored, sig))
                else:
                    push(successor, paid, _NO_TRAIL)
        complete = complete and not st.truncated
        found.sort(key=lambda f: f[0])
        paths = []
        for _, f in found[:max_paths]:
            route = Route(f.time, f.cost, f.co2, f.transfers, tuple(f.steps()))
            paths.append(PricedPath(route, st.g(f, 0.0), self._price_of(route.steps, st)))
        if complete:
            lower = found[0][0] if found else threshold_fen
        else:
            still_open = (h[1] + st.lb_g[h[3].node] + st.floor for h in heap)
            lower = min([*still_open, st.beyond, threshold_fen, *(g_ for g_, _ in found)])
        return PricingOutcome(tuple(paths), lower, complete, settled_count)

    def _price_of(self, steps: Iterable[Step], st: _Pricing) -> float:
        """The prices a route pays (its leg steps' departures)."""
        total = 0.0
        for step in steps:
            if step.kind == "leg" and step.clink is not None:
                total += st.price_at(step.clink.link.id, step.start_min)
        return total

    def _priced_successors(
        self, label: Label, st: _Pricing, price: float
    ) -> Iterator[tuple[Label, float, float, PriceKey | None]]:
        """Every successor with the prices paid less the storage so far, the storage of its
        step and its departure: customs operations, and each link boarded on its earliest
        departure and, if timetabled, on each later departure with room that the labels of the
        earlier departures do not dominate, until no later one can pay."""
        for successor in self._customs_actions(label):
            yield successor, price, 0.0, None
        # a successor's criterion is at least this label's (less what prices may give back)
        base = st.g(label, price) + st.floor
        lb_g, best = st.lb_g, st.best
        for cl in self.cn.out_links[label.node]:
            if base + lb_g[cl.destination] >= best:
                continue
            ctx = self._boarding(label, cl)
            if ctx is None:
                continue
            ready = ctx[0]
            link_id = cl.link.id
            dep: int | None
            if self.simple_departure[cl.index]:
                dep = ready + cl.cutoff_min
            else:
                dep = self.next_departure(cl, ready)
            if dep is None:
                continue
            if cl.schedule is ScheduleKind.ANY:
                stored = self._stored(label, dep, st)
                acc = price + st.price_at(link_id, dep) - stored
                yield self._board_at(label, cl, ctx, dep), acc, stored, (link_id, dep)
                continue
            siblings: list[tuple[int, float]] = []
            cheapest = _INF  # the lowest price among the departures boarded
            for _ in range(MAX_LATER_DEPARTURES):
                boarded = self._board_at(label, cl, ctx, dep)
                stored = self._stored(label, dep, st)
                # without its own price, g only grows with the departure: once hopeless, stop
                if st.hopeless(boarded, st.g(boarded, price - stored)):
                    break
                paid = price + st.price_at(link_id, dep) - stored
                g = st.g(boarded, paid)
                t = boarded.time
                if st.every_path or not any(
                    s_g + st.slack_rate * (t - s_t) <= g for s_t, s_g in siblings
                ):
                    siblings.append((t, g))
                    cheapest = min(cheapest, st.price_at(link_id, dep))
                    yield boarded, paid, stored, (link_id, dep)
                # a later departure of the link differs from an earlier one only in its price
                # and its time (storage is left out): worth a label only if it is cheaper
                if not st.every_path and st.lowest_price_after(link_id, dep) >= cheapest:
                    break
                dep = self.next_departure(cl, dep + 1 - cl.cutoff_min)
                if dep is None:
                    break
            else:
                # departures beyond the guard were not tried: what they could still reach
                st.truncated = True
                beyond = st.g(boarded, price - stored) + lb_g[boarded.node] + st.floor
                st.beyond = min(st.beyond, beyond)

    def _stored(self, label: Label, dep: int, st: _Pricing) -> float:
        """Storage (fen, times the cost weight) the leg boarded at ``dep`` pays at the node of
        ``label``: left out of the relaxed criterion."""
        per_day = self.storage_fen_per_day[label.node]
        if not per_day or not st.weight:
            return 0.0
        return st.weight * storage_fen(per_day, self.free_storage_min[label.node], dep - label.time)


_UNREACHABLE = 1 << 59


def build_priced_search(
    cn: CompiledNetwork,
    request: QuoteRequest,
    capacity: CapacityFn | None = None,
    horizon_min: int | None = None,
    cost_weight: float = 1.0,
) -> PricedSearch:
    """A ready-to-run :class:`PricedSearch` for ``request`` (places resolved as for quotes)."""
    origins, destinations = resolve_ends(cn, request)
    return PricedSearch(
        cn,
        request,
        origins,
        destinations,
        capacity=capacity,
        horizon_min=horizon_min,
        cost_weight=cost_weight,
    )
