"""Helpers shared by the quote search tests: requests, running a search, reading routes.

Every hand-built network in these tests uses one 20' dry container (``22G1``) unless a test says
otherwise: 10,000 kg of cargo (the default load per TEU) + 2,200 kg tare = 12.2 t hauled, so a leg's
CO2e is ``12.2 t x distance_km x g/tkm`` with the builder's default intensities (truck and TIR 62,
barge 31, feeder 16, deepsea 8, rail 22 g/tkm). Tariffs built with ``container_tariffs(x)`` cost
``x`` CNY per 20'. Money inside the search is integer fen (CNY/100), time integer minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from router.network.builder import container_tariffs
from router.network.model import Network
from router.quotes.document import build_search, make_quote
from router.routing.compiled import CompiledNetwork, compile_network
from router.routing.compiled_search import CompiledSearch
from router.routing.labels import CapacityFn, Route, Step
from router.routing.request import (
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    QuoteRequest,
    TraderProfile,
)
from router.routing.search import Search
from router.units import CST

#: Monday 2 June 2025, 08:00 CST: the default ready time of the hand-built tests
READY = datetime(2025, 6, 2, 8, 0, tzinfo=CST)

ONE_TEU = Cargo(containers=(("22G1", 1),))


def at(text: str) -> datetime:
    """``"2025-06-02 08:00"`` as an aware CST datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def iso(text: str) -> str:
    """``"2025-06-02 08:00"`` as the ISO string the quote document uses."""
    return at(text).isoformat()


def cny(amount: float) -> dict:
    """Builder tariff lines: ``amount`` CNY per 20' (1.8x per 40', 1.9x per 40'HC)."""
    return container_tariffs(amount)


def make_request(
    origin: str | PlaceRef,
    destination: str | PlaceRef,
    *,
    ready: datetime = READY,
    deadline: datetime | None = None,
    cargo: Cargo = ONE_TEU,
    trader: TraderProfile | None = None,
    scope: CustomsScope = CustomsScope.BOTH,
    **constraints: Any,
) -> QuoteRequest:
    """A quote request; keyword arguments other than the named ones go to :class:`Constraints`."""
    return QuoteRequest(
        origin=origin if isinstance(origin, PlaceRef) else PlaceRef(code=origin),
        destination=destination
        if isinstance(destination, PlaceRef)
        else PlaceRef(code=destination),
        cargo=cargo,
        ready=ready,
        deadline=deadline,
        trader=trader or TraderProfile(),
        customs_scope=scope,
        constraints=Constraints(**constraints),
    )


def solve(
    network: Network, request: QuoteRequest, capacity: CapacityFn | None = None, **options: Any
) -> tuple[Search, list[Route]]:
    """The search and its Pareto routes, with the implementation ``ROUTER_SEARCH`` selects;
    the other implementation must return the same routes with the same label counts."""
    cn = compile_network(network)
    search = build_search(cn, request, capacity, **options)
    routes = search.run()
    assert_same_as_other(cn, request, capacity, search, routes, **options)
    return search, routes


def assert_same_as_other(
    cn: CompiledNetwork,
    request: QuoteRequest,
    capacity: CapacityFn | None,
    search: Search,
    routes: list[Route],
    **options: Any,
) -> None:
    """The other search implementation returns the same routes (criteria and steps) and
    settles, creates and prunes the same labels."""
    other_name = "python" if isinstance(search, CompiledSearch) else "compiled"
    other = build_search(cn, request, capacity, implementation=other_name, **options)
    other_routes = other.run()
    assert [r.criteria for r in other_routes] == [r.criteria for r in routes], other_name
    assert [r.steps for r in other_routes] == [r.steps for r in routes], other_name
    assert other.stats == search.stats, (other_name, other.stats, search.stats)


def quote(network: Network, request: QuoteRequest, capacity: CapacityFn | None = None) -> dict:
    return make_quote(compile_network(network), request, capacity=capacity, quote_id="test")


def clock(search: Search, minute: int) -> datetime:
    """A search minute as a datetime."""
    return search.epoch + timedelta(minutes=minute)


def arrival(search: Search, route: Route) -> datetime:
    return clock(search, route.arrival_min)


def legs(route: Route) -> list[Step]:
    return [s for s in route.steps if s.kind == "leg"]


def link_ids(route: Route) -> list[str]:
    return [s.clink.link.id for s in route.steps if s.clink is not None]


def customs_ops(search: Search, route: Route) -> list[tuple[str, str, str, str]]:
    """(node, operation, state before, state after) of every customs step of ``route``."""
    return [
        (search.cn.nodes[s.node].id, s.op, s.state_before.value, s.state_after.value)
        for s in route.steps
        if s.kind == "customs"
    ]


def alternative(
    network: Network, request: QuoteRequest, capacity: CapacityFn | None = None
) -> dict:
    """The only alternative of the quote document (fails if there are none or several)."""
    doc = quote(network, request, capacity)
    assert doc["status"] == "ok", doc["reasons"]
    (alt,) = doc["alternatives"]
    return alt


def event_rows(alt: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(node, jurisdiction, operation, state before, state after, at) of every customs event of
    a quote alternative, in the document's order (time order)."""
    return [
        (
            e["node"],
            e["jurisdiction"],
            e["operation"],
            e["state_before"],
            e["state_after"],
            e["at"],
        )
        for e in alt["customs_events"]
    ]


def event(alt: dict, node: str, operation: str) -> dict:
    """The one customs event of ``operation`` at ``node``."""
    (found,) = [
        e for e in alt["customs_events"] if e["node"] == node and e["operation"] == operation
    ]
    return found
