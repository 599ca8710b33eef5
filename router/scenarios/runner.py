"""Route a demand table on one network: every shipment takes the route its quote recommends.

A shipment is quoted as :func:`router.quotes.document.make_quote` would quote it alone, without
the capacity of dated departures (uncapacitated: every departure has room): its cargo is
searched under each of its cargo plans (:func:`router.quotes.plans.cargo_plans`), the plans'
Pareto sets are merged (:func:`router.quotes.document.pareto_over_plans`) and the quote's
recommended route (:func:`router.quotes.select.recommended_route`: least generalised cost) is
the one it takes. The deadline counts as in a quote (only routes arriving by it); a shipment with no
route that meets its deadline takes the route its quote without the deadline recommends, late
(``on_time = false``), as a shipper who must ship anyway would.

Shipments that share everything but their destination and deadline (origin, ready time,
cargo, trader: :func:`router.routing.many.group_key` of the request without its deadline) are
answered by one one-to-many search per cargo plan (:func:`router.routing.many.search_many`,
:class:`GroupAnswers`), and each chosen route is read once; the tables follow the schemas of
:mod:`router.scenarios.tables`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from router.errors import NotFoundError
from router.network.model import NodeKind
from router.network.timetable import week_start
from router.quotes.document import pareto_over_plans, plan_routes
from router.quotes.plans import CargoPlan, cargo_plans
from router.quotes.select import recommended_route
from router.routing.compiled import CompiledNetwork
from router.routing.emissions import leg_co2e_split
from router.routing.labels import Route
from router.routing.many import group_key, search_many
from router.routing.places import resolve_code
from router.routing.request import Cargo, QuoteRequest
from router.scenarios.tables import LEGS_SCHEMA, SHIPMENTS_SCHEMA
from router.scenarios.weeks import WEEK, WeekShift

#: a shipment of the demand: its id and its quote request
Shipment = tuple[str, QuoteRequest]


@dataclass(frozen=True, slots=True)
class LegFacts:
    """One leg of a chosen route (money CNY, emissions kg CO2e, distance km)."""

    link_id: str | None
    service: str
    operator: str
    mode: str
    from_node: str
    to_node: str
    departure: datetime
    arrival: datetime
    distance_km: float
    co2e_ttw_kg: float
    co2e_wtt_kg: float
    cost_cny: float


@dataclass(frozen=True, slots=True)
class RouteFacts:
    """What the KPIs need of one chosen route, for every shipment that takes it."""

    route_key: str
    teu: float
    weight_kg: float
    main_mode: str
    modes: str
    departure: datetime
    arrival: datetime
    door_to_door_days: float
    cost_cny: float
    co2e_ttw_kg: float
    co2e_wtt_kg: float
    customs_h: float
    dwell_h: float
    waiting_h: float
    transit_h: float
    transfers: int
    border_crossings: str
    legs: tuple[LegFacts, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """The route a shipment takes (None: none, with the reason and the status it gets:
    ``no_route``, or ``unassigned`` by a capacity-aware run) and whether it was searched without
    its deadline because none met it."""

    facts: RouteFacts | None
    late: bool = False
    reason: str = ""
    unrouted: str = "no_route"
    #: how much later than the facts' times the shipment's route runs (the route was searched
    #: for an equivalent ready time whole weeks earlier: :mod:`router.scenarios.weeks`)
    shift: timedelta = timedelta(0)


def route_facts(
    cn: CompiledNetwork, request: QuoteRequest, route: Route, cargo: Cargo
) -> RouteFacts:
    """The facts of ``route`` found for ``request`` (``cargo``: the cargo of the plan that found
    it, e.g. loose cargo carried as a full container load)."""
    epoch = week_start(request.ready)
    ready_min = int((request.ready - epoch).total_seconds() // 60)
    legs: list[LegFacts] = []
    keys: list[str] = []
    borders: list[str] = []
    totals: dict[str, int] = defaultdict(int)
    first_departure: int | None = None
    for step in route.steps:
        for attr in ("customs_min", "dwell_min", "waiting_min", "transit_min"):
            totals[attr] += getattr(step, attr)
        if step.kind not in ("leg", "access", "egress"):
            continue
        if first_departure is None:
            first_departure = step.start_min
        departure = epoch + timedelta(minutes=step.start_min)
        arrival = epoch + timedelta(minutes=step.end_min)
        if step.kind == "leg":
            cl = step.clink
            assert cl is not None
            link = cl.link
            # the leg's well-to-tank share as the quote document splits it
            _, wtt = leg_co2e_split(cn, cl, cargo)
            frm, to = cn.nodes[step.node].id, cn.nodes[cl.destination].id
            keys.append(link.id)
            for node_id in (frm, *link.via, to):
                node = cn.network.nodes.get(node_id)
                border = node is not None and node.kind is NodeKind.BORDER_CROSSING
                if border and (not borders or borders[-1] != node_id):
                    borders.append(node_id)
            legs.append(
                LegFacts(
                    link.id,
                    link.service,
                    link.operator,
                    link.mode.value,
                    frm,
                    to,
                    departure,
                    arrival,
                    link.distance_km,
                    (step.co2_g - wtt) / 1000.0,
                    wtt / 1000.0,
                    (step.cost_fen - step.customs_fen) / 100.0,
                )
            )
        else:
            acc = step.access
            assert acc is not None
            node_id = cn.nodes[acc.node].id
            keys.append(f"{step.kind}:{node_id}")
            ends = ("origin", node_id) if step.kind == "access" else (node_id, "destination")
            legs.append(
                LegFacts(
                    None,
                    "first-mile" if step.kind == "access" else "last-mile",
                    "",
                    "truck",
                    *ends,
                    departure,
                    arrival,
                    acc.distance_km,
                    (step.co2_g - acc.co2_wtt_g) / 1000.0,
                    acc.co2_wtt_g / 1000.0,
                    step.cost_fen / 100.0,
                )
            )
    modes: list[str] = []
    for leg in legs:
        if not modes or modes[-1] != leg.mode:
            modes.append(leg.mode)
    main = max(legs, key=lambda leg: leg.distance_km).mode if legs else ""
    wtt_kg = sum(leg.co2e_wtt_kg for leg in legs)
    return RouteFacts(
        route_key=">".join(keys),
        teu=float(cargo.teu),
        weight_kg=cargo.cargo_kg,
        main_mode=main,
        modes="+".join(modes),
        departure=epoch
        + timedelta(minutes=ready_min if first_departure is None else first_departure),
        arrival=epoch + timedelta(minutes=route.arrival_min),
        door_to_door_days=(route.arrival_min - ready_min) / 1440.0,
        cost_cny=route.cost_fen / 100.0,
        co2e_ttw_kg=route.co2_g / 1000.0 - wtt_kg,
        co2e_wtt_kg=wtt_kg,
        customs_h=totals["customs_min"] / 60.0,
        dwell_h=totals["dwell_min"] / 60.0,
        waiting_h=totals["waiting_min"] / 60.0,
        transit_h=totals["transit_min"] / 60.0,
        transfers=route.transfers,
        border_crossings="+".join(borders),
        legs=tuple(legs),
    )


@dataclass(frozen=True, slots=True)
class Options:
    """The Pareto routes of one destination (merged over the cargo plans, sorted by criteria)
    with the plan that found each, or why there are none."""

    merged: list[tuple[Route, None, CargoPlan]]
    reason: str = ""


def pareto_many(
    cn: CompiledNetwork, request: QuoteRequest, codes: Sequence[str]
) -> dict[str, Options]:
    """The Pareto routes of ``request`` (its destination ignored) to each destination code,
    merged over its cargo plans as its one-to-one quote merges them, without capacity."""
    plans, _ = cargo_plans(request)
    found: dict[str, list[tuple[Route, None, CargoPlan]]] = defaultdict(list)
    reasons: dict[str, str] = {}
    for plan in plans:
        many = search_many(cn, plan.request, codes)
        for code, routes in many.routes.items():
            found[code].extend((r, None, plan) for r in plan_routes(plan, routes))
        for code, reason in many.unanswered.items():
            reasons.setdefault(code, reason)
    return {
        code: Options(pareto_over_plans(found.get(code, [])), reasons.get(code, "no route"))
        for code in codes
    }


class GroupAnswers:
    """The answers of one one-to-many group: shipments sharing all but their destination and
    deadline. Its Pareto routes per destination are searched once, with the group's latest
    deadline (none if a member has none), and each shipment takes the recommended route of
    those arriving by its own deadline.

    That is the route its own quote (with its deadline) recommends: a route arriving by a
    deadline that is Pareto-optimal among the routes arriving by it is Pareto-optimal among all
    routes (a route dominating it arrives no later), so a quote's Pareto set is the routes of a
    search with any later deadline (or none) that arrive by its own. A shipment none of whose
    routes arrive in time takes the route its quote without a deadline recommends, late (the
    destination is then searched again without one). Route facts are read once per chosen
    route."""

    def __init__(
        self,
        cn: CompiledNetwork,
        request: QuoteRequest,
        codes: Sequence[str],
        deadline: datetime | None,
    ) -> None:
        self.cn = cn
        self.request = dataclasses.replace(request, deadline=deadline)
        self.options = pareto_many(cn, self.request, codes)
        epoch = week_start(request.ready)
        self.ready_min = int((request.ready - epoch).total_seconds() // 60)
        self.epoch = epoch
        self._relaxed: dict[str, Options] = {}
        self._facts: dict[int, RouteFacts] = {}

    def answer(self, code: str, deadline: datetime | None) -> Answer:
        merged = self.options[code].merged
        if deadline is not None:
            due_min = (deadline - self.epoch).total_seconds() / 60
            merged = [item for item in merged if item[0].arrival_min <= due_min]
        if merged:
            return Answer(self._facts_of(merged))
        relaxed = self._without_deadline(code)
        if not relaxed.merged:
            return Answer(None, reason=relaxed.reason)
        return Answer(self._facts_of(relaxed.merged), late=deadline is not None)

    def _without_deadline(self, code: str) -> Options:
        if self.request.deadline is None:
            return self.options[code]
        if code not in self._relaxed:
            unbounded = dataclasses.replace(self.request, deadline=None)
            self._relaxed[code] = pareto_many(self.cn, unbounded, [code])[code]
        return self._relaxed[code]

    def _facts_of(self, merged: list[tuple[Route, None, CargoPlan]]) -> RouteFacts:
        routes = [route for route, _, _ in merged]
        best = recommended_route(routes, self.request, self.ready_min)
        facts = self._facts.get(id(best))
        if facts is None:
            plan = next(plan for route, _, plan in merged if route is best)
            facts = route_facts(self.cn, plan.request, best, plan.request.cargo)
            self._facts[id(best)] = facts
        return facts


def group_shipments(shipments: Iterable[Shipment]) -> dict[Hashable, list[Shipment]]:
    """Shipments by what one one-to-many search shares: everything but the destination and
    the deadline (:class:`GroupAnswers`)."""
    groups: dict[Hashable, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        groups[group_key(dataclasses.replace(shipment[1], deadline=None))].append(shipment)
    return groups


def route_shipments(
    cn: CompiledNetwork, shipments: Sequence[Shipment]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``shipments`` and ``legs`` tables (:mod:`router.scenarios.tables`) of ``shipments``
    routed on ``cn``, in the order given."""
    weeks = WeekShift(cn)
    earlier: list[Shipment] = []
    shifts: dict[str, timedelta] = {}
    for shipment_id, request in shipments:
        shift = weeks.weeks_back(request.ready) * WEEK
        shifts[shipment_id] = shift
        earlier.append((shipment_id, _earlier(request, shift)))
    answers: dict[str, Answer] = {}
    for members in group_shipments(earlier).values():
        codes = sorted({r.destination.code or "" for _, r in members})
        deadlines = [r.deadline for _, r in members]
        latest = None if None in deadlines else max(d for d in deadlines if d is not None)
        group = GroupAnswers(cn, members[0][1], codes, latest)
        for shipment_id, r in members:
            answer = group.answer(r.destination.code or "", r.deadline)
            answers[shipment_id] = dataclasses.replace(answer, shift=shifts[shipment_id])
    return tables(cn, shipments, answers)


def _earlier(request: QuoteRequest, shift: timedelta) -> QuoteRequest:
    """``request`` ready (and due) ``shift`` earlier."""
    if not shift:
        return request
    deadline = None if request.deadline is None else request.deadline - shift
    return dataclasses.replace(request, ready=request.ready - shift, deadline=deadline)


def tables(
    cn: CompiledNetwork, shipments: Sequence[Shipment], answers: dict[str, Answer]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The two tables of routed ``shipments`` from their ``answers`` (by shipment id)."""
    rows: list[dict[str, Any]] = []
    leg_rows: list[tuple[Any, ...]] = []
    nodes = NodeIds(cn)
    for shipment_id, request in shipments:
        answer = answers[shipment_id]
        f = answer.facts
        rows.append(_shipment_row(nodes, shipment_id, request, answer))
        if f is None:
            continue
        for seq, leg in enumerate(f.legs):
            leg_rows.append(
                (
                    shipment_id,
                    seq,
                    leg.link_id,
                    leg.service,
                    leg.operator,
                    leg.mode,
                    leg.from_node,
                    leg.to_node,
                    leg.departure + answer.shift,
                    leg.arrival + answer.shift,
                    leg.distance_km,
                    f.teu,
                    f.teu * leg.distance_km,
                    f.weight_kg,
                    f.weight_kg / 1000.0 * leg.distance_km,
                    leg.co2e_ttw_kg,
                    leg.co2e_wtt_kg,
                    leg.cost_cny,
                )
            )
    shipments_df = pl.DataFrame(rows, schema=SHIPMENTS_SCHEMA)
    legs_df = pl.DataFrame(leg_rows, schema=LEGS_SCHEMA, orient="row")
    return shipments_df, legs_df


class NodeIds:
    """The node id of each place code of the demand (:func:`router.routing.places.resolve_code`:
    a node id, or the first node with that UN/LOCODE; None if none), looked up once a code."""

    def __init__(self, cn: CompiledNetwork) -> None:
        self.cn = cn
        self._ids: dict[str, str | None] = {}

    def __call__(self, code: str | None) -> str | None:
        if code is None:
            return None
        if code not in self._ids:
            try:
                self._ids[code] = self.cn.nodes[resolve_code(self.cn, code)[0]].id
            except NotFoundError:
                self._ids[code] = None
        return self._ids[code]


def _shipment_row(
    nodes: NodeIds, shipment_id: str, request: QuoteRequest, answer: Answer
) -> dict[str, Any]:
    f = answer.facts
    row: dict[str, Any] = {
        "shipment_id": shipment_id,
        "origin": request.origin.code,
        "destination": request.destination.code,
        "origin_node": nodes(request.origin.code),
        "destination_node": nodes(request.destination.code),
        "teu": f.teu if f is not None else float(request.cargo.teu),
        "weight_kg": f.weight_kg if f is not None else request.cargo.cargo_kg,
        "cargo_class": request.cargo.cargo_class.value,
        "ready": request.ready,
        "deadline": request.deadline,
        "status": "routed" if f is not None else answer.unrouted,
    }
    if f is None:
        return row
    arrival = f.arrival + answer.shift
    on_time = (
        None if request.deadline is None else (not answer.late and arrival <= request.deadline)
    )
    row.update(
        route_key=f.route_key,
        main_mode=f.main_mode,
        modes=f.modes,
        departure=f.departure + answer.shift,
        arrival=arrival,
        door_to_door_days=f.door_to_door_days,
        on_time=on_time,
        cost_cny=f.cost_cny,
        co2e_ttw_kg=f.co2e_ttw_kg,
        co2e_wtt_kg=f.co2e_wtt_kg,
        customs_h=f.customs_h,
        dwell_h=f.dwell_h,
        waiting_h=f.waiting_h,
        transit_h=f.transit_h,
        transfers=f.transfers,
        border_crossings=f.border_crossings,
    )
    return row
