"""Column generation for the batch assignment: paths priced by the label search (DESIGN.md §3).

Round 0 prices every shipment with no prices: the path of least (relaxed) generalised cost over
the path space of :mod:`router.routing.reduced_cost` (legal paths, any later departure of a
timetabled link, arrival within the horizon). Each round then solves the LP relaxation of the
master (:mod:`router.optimise.assign_model`, GLOP), turns the duals into a price per shipment and
departure, and asks the pricing search for paths whose generalised cost plus prices is below the
shipment's convexity dual (negative reduced cost); they become columns. Shipments asking the
same (one request) share one search, and one pricing run per distinct prices.

**Bound.** Every round gives a lower bound valid for the whole problem (Lagrangian bound): the
LP value plus, per shipment, a lower bound of the least reduced cost any of its paths can have
when negative. The pricing search proves that lower bound (its relaxation leaves storage while
waiting out, so the bound may stay a little below the LP value when storage matters); a
shipment whose prices cannot lower any path below its convexity dual (its cheapest path's
relaxed cost plus every negative price it could collect is not below the dual) is not searched
and adds nothing. So the bound holds whether or not the generation converged.

**Integer plan.** The MIP over the generated columns (price-and-branch) is optimal when its cost
reaches the bound. Otherwise, after convergence, :func:`enumerate_improving_columns` adds every
path whose reduced cost is below the gap between the plan and the LP value: a plan using any
other path costs at least the LP value plus that path's reduced cost, so the MIP over the
enlarged set, solved to optimality, is optimal over every path. When the enumeration is too
large (path, label or time budget), the plan stays ``feasible`` with its gap.

Phase one (``phase_one=True``): every column costs 0 and a minimum load's shortfall 1 per unit.
Its bound is the least shortfall of the LP relaxation over every path: above zero, the minimum
loads cannot be met by any plan.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from router.network.timetable import DepartureKey
from router.optimise.assign_model import (
    AssignmentProblem,
    Column,
    FixedLoads,
    MasterModel,
    Shipment,
    build_master,
)
from router.optimise.candidates import make_candidate
from router.optimise.ortools_util import lp_solver
from router.routing.labels import Route
from router.routing.reduced_cost import (
    PricedSearch,
    PriceKey,
    PricingOutcome,
    build_priced_search,
)
from router.routing.request import QuoteRequest

log = logging.getLogger(__name__)

#: a column enters the master when its reduced cost is below minus this (fen)
ENTER_FEN = 0.01
#: column costs are whole fen in the master, the search's are exact: at most this apart (fen)
ROUNDING_FEN = 0.5
#: paths the pricing search returns per shipment and round
PATHS_PER_ROUND = 3
_INF = float("inf")


@dataclass
class ColumnGeneration:
    """The state and outcome of column generation on one problem (fen unless said)."""

    rounds: int = 0
    columns_generated: int = 0
    pricing_searches: int = 0
    lp_objective_fen: float | None = None
    bound_fen: float | None = None
    #: the bound of the last round, from the duals of the last LP solved (fen)
    last_bound_fen: float | None = None
    converged: bool = False
    incomplete_searches: int = 0
    #: per request (a shipment from one of its origins): a lower bound of its generalised cost
    #: over every path (fen), or None when it has no path at all
    cheapest_fen: dict[QuoteRequest, float | None] = field(default_factory=dict)
    #: one search per distinct request and cost weight (shipments asking the same share it)
    searches: dict[tuple[QuoteRequest, float], PricedSearch] = field(default_factory=dict)
    #: outcomes of pricing searches by (request, prices, threshold): shipments asking the same
    #: with the same duals are priced once
    outcomes: dict[tuple[object, ...], PricingOutcome] = field(default_factory=dict)

    def search(
        self, p: AssignmentProblem, request: QuoteRequest, cost_weight: float = 1.0
    ) -> PricedSearch:
        key = (request, cost_weight)
        ps = self.searches.get(key)
        if ps is None:
            ps = self.searches[key] = _priced_search(p, request, p.space.callback(), cost_weight)
        return ps

    def price(
        self,
        ps: PricedSearch,
        prices: dict[DepartureKey, float],
        threshold_fen: float,
        **options: object,
    ) -> PricingOutcome:
        """The pricing search's outcome, from the cache when the same request was priced with
        the same prices and threshold this round."""
        key = (
            ps.request,
            ps.cost_weight,
            frozenset(prices.items()),
            threshold_fen,
            *((k, frozenset(v.items()) if isinstance(v, dict) else v) for k, v in options.items()),
        )
        outcome = self.outcomes.get(key)
        if outcome is None:
            outcome = ps.priced_paths(_price_keys(ps, prices), threshold_fen, **options)  # type: ignore[arg-type]
            self.outcomes[key] = outcome
            self.pricing_searches += 1
            if not outcome.complete:
                self.incomplete_searches += 1
        return outcome


def _priced_search(
    p: AssignmentProblem,
    request: QuoteRequest,
    capacity: Callable[[str, datetime], float | None],
    cost_weight: float = 1.0,
) -> PricedSearch:
    """A pricing search for ``request`` over the problem's path space (its horizon)."""
    ps = build_priced_search(p.cn, request, capacity, cost_weight=cost_weight)
    ps.horizon_min = ps.ready_min + int(p.options.horizon_days * 24 * 60)
    return ps


def _price_keys(ps: PricedSearch, prices: dict[DepartureKey, float]) -> dict[PriceKey, float]:
    epoch = ps.epoch
    return {
        (link_id, int((when - epoch) / timedelta(minutes=1))): value
        for (link_id, when), value in prices.items()
    }


@dataclass
class _Offer:
    """What paths cost a shipment (from one origin) under the duals, fen: ``plain`` per
    departure with rows; for LCL cargo on shared-box departures, ``shared`` (the box rows'
    dual price) and ``freight`` (what it would not pay), folded into ``prices`` and
    ``link_prices`` as the better of the two for the pricing search."""

    plain: dict[DepartureKey, float]
    prices: dict[DepartureKey, float]
    link_prices: dict[str, float] = field(default_factory=dict)
    shared: dict[DepartureKey, float] = field(default_factory=dict)
    freight: dict[str, int] = field(default_factory=dict)

    @property
    def gain(self) -> float:
        """The most the prices can give back on one path (each shared link once)."""
        return sum(v for v in self.prices.values() if v < 0) + sum(
            v for v in self.link_prices.values() if v < 0
        )

    def rides_shared(self, key: DepartureKey) -> bool:
        freight = self.freight.get(key[0])
        if freight is None:
            return False
        return self.shared.get(key, 0.0) - freight < self.plain.get(key, 0.0)

    def paid(self, column: Column) -> float:
        """The prices the column pays (the box rows' for the legs it rides a shared box)."""
        return sum(
            self.shared.get(key, 0.0) if key in column.shared else self.plain.get(key, 0.0)
            for key in column.cand.departures
        )


def _offer(
    p: AssignmentProblem,
    model: MasterModel | None,
    s: Shipment,
    ps: PricedSearch,
    plain: dict[DepartureKey, float],
) -> _Offer:
    offer = _Offer(plain, dict(plain))
    if s.request.cargo.is_containerised or not p.shared_boxes:
        return offer
    for rule in p.shared_boxes:
        freight = ps.freight_fen[p.clink(rule.link_id).index]
        if freight is None:
            continue
        offer.freight[rule.link_id] = freight
        if rule.departure is None:
            offer.link_prices[rule.link_id] = min(0.0, -float(freight))
    keys = set(plain) | (set(model.box_rows) if model is not None else set())
    keys |= {(r.link_id, r.departure) for r in p.shared_boxes if r.departure is not None}
    for key in keys:
        if key[0] not in offer.freight or p.shared_rule(key) is None:
            continue
        offer.shared[key] = model.shared_price_fen(s, key) if model is not None else 0.0
        shared = offer.shared[key] - offer.freight[key[0]]
        offer.prices[key] = min(plain.get(key, 0.0), shared)
    return offer


def _column(
    p: AssignmentProblem, ps: PricedSearch, route: Route, offer: _Offer | None = None
) -> Column:
    # the node the path leaves from (a code may name several nodes; a point names none)
    first = route.steps[0] if route.steps else None
    origin = (
        p.cn.nodes[first.node].id
        if first is not None and first.kind != "access" and ps.request.origin.code is not None
        else None
    )
    cand = make_candidate(ps, route, p.space)
    shared = frozenset(
        key
        for key in cand.departures
        if offer is not None and p.shared_rule(key) is not None and offer.rides_shared(key)
    )
    saving = sum(offer.freight[key[0]] for key in shared) if offer is not None else 0
    return Column(cand, ps, origin=origin, shared=shared, saving_fen=saving)


def _tracked(p: AssignmentProblem, ps: PricedSearch) -> Callable[[str, int], bool]:
    """Whether the departure of a link at a search minute has a row in the model, now or once
    a column uses it: space, a minimum load or shared boxes."""
    epoch = ps.epoch
    known: dict[tuple[str, int], bool] = {}

    def tracked(link_id: str, minute: int) -> bool:
        found = known.get((link_id, minute))
        if found is None:
            key = (link_id, epoch + timedelta(minutes=minute))
            found = known[link_id, minute] = (
                p.space.remaining(*key) is not None
                or p.min_load(key) is not None
                or p.shared_rule(key) is not None
            )
        return found

    return tracked


def _master_cost_fen(column: Column, phase_one: bool) -> float:
    return 0.0 if phase_one else float(column.cost_fen)


def initial_columns(p: AssignmentProblem, cg: ColumnGeneration) -> None:
    """Round 0: each free shipment's cheapest path over the whole path space, from each of its
    origins."""
    for s in p.free:
        for request in p.requests_of(s):
            ps = cg.search(p, request)
            offer = _offer(p, None, s, ps, {})
            outcome = cg.price(ps, offer.prices, _INF, max_paths=1, link_prices=offer.link_prices)
            if outcome.paths:
                cg.cheapest_fen[request] = outcome.lower_bound_fen
                if p.add_column(s, _column(p, ps, outcome.paths[0].route, offer)):
                    cg.columns_generated += 1
            else:
                cg.cheapest_fen[request] = None if outcome.complete else outcome.lower_bound_fen


def generate_columns(
    p: AssignmentProblem,
    fixed_loads: FixedLoads,
    penalties: dict[str, float],
    cg: ColumnGeneration,
    deadline: float,
    *,
    phase_one: bool = False,
) -> MasterModel | None:
    """Price columns into ``p`` until none improves the LP, the rounds or the time run out.

    Updates ``cg`` (rounds, columns, the LP value and the best valid bound) and returns the last
    solved LP master (None if no LP could be solved)."""
    weight = 0.0 if phase_one else 1.0
    model: MasterModel | None = None
    for _ in range(p.options.max_rounds):
        solver = lp_solver()
        model = build_master(p, solver, False, fixed_loads, penalties, phase_one=phase_one)
        if solver.Solve() != solver.OPTIMAL:
            log.warning("column generation: the LP master did not solve to optimality")
            return None
        cg.rounds += 1
        lp_value = solver.Objective().Value()
        cg.lp_objective_fen = lp_value
        added = 0
        bound = lp_value
        timed_out = False
        rounding = 0.0 if phase_one else ROUNDING_FEN  # phase one's costs are exact
        for s in p.free:
            plain = model.prices_fen(p, s)
            least = 0.0  # the least reduced cost of the shipment's paths, at most
            for request in p.requests_of(s):
                # the convexity dual less the price of the origin's stock
                sigma = model.threshold_fen(s) - model.origin_price_fen(p, s, request)
                cheapest = 0.0 if phase_one else cg.cheapest_fen.get(request)
                if cheapest is None:
                    continue  # no path at all from there: nothing to price
                ps = cg.search(p, request, weight)
                offer = _offer(p, model, s, ps, plain) if not phase_one else _Offer(plain, plain)
                crude = cheapest + offer.gain - sigma - rounding
                if crude >= 0:
                    continue
                if time.perf_counter() > deadline:
                    timed_out = True
                    least = min(least, crude)
                    continue
                outcome = cg.price(
                    ps,
                    offer.prices,
                    sigma + rounding,
                    max_paths=PATHS_PER_ROUND,
                    deadline=deadline,
                    link_prices=offer.link_prices,
                )
                least = min(least, outcome.lower_bound_fen - rounding - sigma)
                timed_out = timed_out or not outcome.complete
                for path in outcome.paths:
                    column = _column(p, ps, path.route, offer)
                    reduced = _master_cost_fen(column, phase_one) + offer.paid(column) - sigma
                    if reduced < -ENTER_FEN and p.add_column(s, column):
                        added += 1
            bound += least
        cg.columns_generated += added
        cg.last_bound_fen = bound
        if cg.bound_fen is None or bound > cg.bound_fen:
            cg.bound_fen = bound
        if not added:
            # converged: every shipment was priced to the end and none had a better path
            cg.converged = not timed_out
            break
        if time.perf_counter() > deadline:
            break
    return model


#: most paths enumerated per shipment when closing a gap (more: the gap stays open)
MAX_ENUMERATED_PATHS = 2000
#: most labels one enumeration settles (more: the gap stays open), for batches up to 20
#: shipments
MAX_ENUMERATED_LABELS = 20_000
#: ... and at least this many when the batch is large (the budget is shared out)
MIN_ENUMERATED_LABELS = 2_000


def enumerate_improving_columns(
    p: AssignmentProblem,
    model: MasterModel,
    cg: ColumnGeneration,
    gap_fen: float,
    deadline: float,
) -> bool:
    """Add every path whose reduced cost under ``model``'s duals is below ``gap_fen``: the
    plan's cost less the bound of the round those duals come from (LP value plus each
    shipment's least reduced cost). A plan using another path costs at least that bound plus
    the path's reduced cost, so no less than the plan: the integer optimum over the columns is
    then optimal over every path. True when every enumeration finished (within its path and
    label budgets and the time). An enumeration cut short still adds what it found (best
    first: the paths nearest the LP optimum), which gives the integer plan more to choose from.
    """
    proved = True
    labels = max(MIN_ENUMERATED_LABELS, MAX_ENUMERATED_LABELS * 20 // max(1, len(p.free)))
    labels = min(labels, MAX_ENUMERATED_LABELS)
    for s in p.free:
        plain = model.prices_fen(p, s)
        for request in p.requests_of(s):
            cheapest = cg.cheapest_fen.get(request)
            if cheapest is None:
                continue
            sigma = model.threshold_fen(s) - model.origin_price_fen(p, s, request)
            ps = cg.search(p, request)
            offer = _offer(p, model, s, ps, plain)
            if cheapest + offer.gain - sigma - ROUNDING_FEN >= gap_fen:
                continue
            if time.perf_counter() > deadline:
                return False
            outcome = cg.price(
                ps,
                offer.prices,
                sigma + gap_fen + ROUNDING_FEN,
                max_paths=MAX_ENUMERATED_PATHS,
                every_path=True,
                deadline=deadline,
                max_labels=labels,
                tracked=_tracked(p, ps),
                link_prices=offer.link_prices,
            )
            proved = proved and outcome.complete
            for path in outcome.paths:
                if p.add_column(s, _column(p, ps, path.route, offer)):
                    cg.columns_generated += 1
    return proved


def repair_unassigned(
    p: AssignmentProblem,
    chosen: dict[str, tuple[object, ...]],
    loads: dict[DepartureKey, tuple[float, float, list[str]]],
    cg: ColumnGeneration,
    deadline: float,
) -> int:
    """A primal heuristic: for each shipment the plan leaves unassigned, its cheapest paths in
    the space the plan leaves free (departures without room for it blocked), as new columns.
    The LP's columns may not fit together in whole shipments; these do, next to the plan."""
    added = 0
    for s in p.free:
        if s.id in chosen or time.perf_counter() > deadline:
            continue

        def room(link_id: str, when: datetime) -> float | None:
            cap = p.space.remaining(link_id, when)
            if cap is None:
                return None
            return cap - loads.get((link_id, when), (0.0, 0.0, []))[0]

        for request in p.requests_of(s):
            if cg.cheapest_fen.get(request) is None:
                continue
            ps = _priced_search(p, request, room)
            outcome = ps.priced_paths({}, max_paths=PATHS_PER_ROUND, deadline=deadline)
            cg.pricing_searches += 1
            for path in outcome.paths:
                # the column keeps the problem's space (its own search saw the residual)
                if p.add_column(s, _column(p, ps, path.route)):
                    added += 1
    cg.columns_generated += added
    return added
