"""Candidate paths for the optimisation models, from the label search.

The label search answers one shipment on free capacity: every leg takes the earliest departure
with room. The optimisation models need *several* legal paths per shipment, including ones that
wait for a later departure because an earlier one is full or cancelled. They get them by running
the same search again with some dated departures *blocked* (their remaining space reported as 0
to the search), so every candidate is a route the search itself produced: legal under the
customs rules by construction.

A dated departure is identified by a :data:`DepartureKey`: (link id, departure date-time in CST).
Its space comes, in order of precedence, from an explicit override table, the capacity callback
(remaining space, e.g. from the bookings store), or the link's static ``capacity_teu`` /
``capacity_kg`` per departure; a departure with none of these is not capacity-constrained.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from router.network.model import Mode, Network, Regime, ScheduleKind
from router.network.timetable import DepartureKey
from router.routing.compiled import TERMINAL_MODES, CompiledNetwork
from router.routing.itinerary import generalised_cost_cny
from router.routing.query import build_search
from router.routing.request import QuoteRequest
from router.routing.search import CapacityFn, Route, Search, Step


class DepartureSpace:
    """Space of dated departures: overrides, then the capacity callback, then the link's static
    per-departure capacity. Units: TEU, or kg for air links. None: not constrained."""

    def __init__(
        self,
        network: Network,
        capacity: CapacityFn | None = None,
        overrides: Mapping[DepartureKey, float] | None = None,
        timetabled_only: bool = False,
    ) -> None:
        self.network = network
        self.capacity = capacity
        self.overrides = dict(overrides or {})
        #: links without a timetable (trucks leaving when the cargo is ready) are not tracked
        #: (the batch assignment: a per-minute truck departure has no space of its own)
        self.timetabled_only = timetabled_only

    def remaining(self, link_id: str, when: datetime) -> float | None:
        if self.timetabled_only:
            link = self.network.links.get(link_id)
            if link is not None and link.schedule.kind is ScheduleKind.ANY:
                return None
        key = (link_id, when)
        if key in self.overrides:
            return self.overrides[key]
        if self.capacity is not None:
            value = self.capacity(link_id, when)
            if value is not None:
                return value
        link = self.network.links.get(link_id)
        if link is None:
            return None
        if link.mode is Mode.AIR:
            return link.capacity_kg
        return link.capacity_teu

    def callback(self, blocked: Iterable[DepartureKey] = ()) -> CapacityFn:
        """A capacity callback for the search, reporting 0 for the ``blocked`` departures."""
        blocked_set = frozenset(blocked)

        def fn(link_id: str, when: datetime) -> float | None:
            if (link_id, when) in blocked_set:
                return 0.0
            return self.remaining(link_id, when)

        return fn


def step_departure(search: Search, step: Step) -> DepartureKey | None:
    """The dated departure a leg step boards (None for access/customs steps)."""
    if step.kind != "leg" or step.clink is None:
        return None
    return (step.clink.link.id, search.epoch + timedelta(minutes=step.start_min))


def step_fixed_fen(search: Search, step: Step) -> int:
    """The per-consignment part of a step's cost in fen: customs declarations (and expected
    inspection) and the per-shipment document fee of an international terminal leg. The rest of
    a route's cost is proportional to the number of containers."""
    if step.kind == "customs":
        return step.customs_fen
    if step.kind == "leg" and step.clink is not None:
        link = step.clink.link
        if link.mode in TERMINAL_MODES and link.regime is Regime.INTERNATIONAL:
            return int(round(search.cn.fee(step.node, "document", "shipment") * 100.0))
    return 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One legal path for a shipment, as found by the label search."""

    route: Route
    departures: tuple[DepartureKey, ...]  # dated departures of its scheduled or tracked legs
    arrival: datetime
    cost_cny: float
    generalised_cost_cny: float
    co2e_kg: float
    signature: tuple[Any, ...]

    @property
    def first_departure(self) -> datetime | None:
        return self.departures[0][1] if self.departures else None


def route_signature(route: Route) -> tuple[Any, ...]:
    """What makes two routes the same path: their steps (kind, node, link, start, op)."""
    return tuple(
        (s.kind, s.node, s.clink.link.id if s.clink else "", s.start_min, s.op) for s in route.steps
    )


def route_departures(
    search: Search, route: Route, space: DepartureSpace
) -> tuple[DepartureKey, ...]:
    """Dated departures of a route whose link runs to a timetable or whose space is tracked."""
    out: list[DepartureKey] = []
    for step in route.steps:
        key = step_departure(search, step)
        if key is None or step.clink is None:
            continue
        if step.clink.schedule is not ScheduleKind.ANY or space.remaining(*key) is not None:
            out.append(key)
    return tuple(out)


def make_candidate(search: Search, route: Route, space: DepartureSpace) -> Candidate:
    return Candidate(
        route=route,
        departures=route_departures(search, route, space),
        arrival=search.epoch + timedelta(minutes=route.arrival_min),
        cost_cny=route.cost_fen / 100.0,
        generalised_cost_cny=generalised_cost_cny(route, search.request, search.ready_min),
        co2e_kg=route.co2_g / 1000.0,
        signature=route_signature(route),
    )


@dataclass
class CandidateFinder:
    """Runs (and caches) label searches for one request with sets of departures blocked."""

    cn: CompiledNetwork
    request: QuoteRequest
    space: DepartureSpace
    searches: int = 0
    _cache: dict[frozenset[DepartureKey], list[tuple[Search, Route]]] = dataclasses.field(
        default_factory=dict
    )

    def run(self, blocked: frozenset[DepartureKey] = frozenset()) -> list[tuple[Search, Route]]:
        if blocked not in self._cache:
            search = build_search(self.cn, self.request, self.space.callback(blocked))
            self.searches += 1
            self._cache[blocked] = [(search, r) for r in search.run()]
        return self._cache[blocked]

    @property
    def explored(self) -> list[frozenset[DepartureKey]]:
        return list(self._cache)


def tracked_need(request: QuoteRequest, mode: Mode) -> float:
    """Space one departure must have for the request's whole cargo (TEU, or kg for air)."""
    cargo = request.cargo
    if mode is Mode.AIR:
        return cargo.chargeable_air_kg
    return cargo.space_teu


def link_mode(network: Network, link_id: str) -> Mode:
    return network.links[link_id].mode


def generalised_cost_of(route: Route, search: Search) -> float:
    return generalised_cost_cny(route, search.request, search.ready_min)


CandidateFilter = Callable[[Candidate], bool]
