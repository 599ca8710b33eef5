"""The quote document of DESIGN.md §4.1 (one shape for the library, the CLI's ``--json`` and the
API): run the search, pass its Pareto set through the filter chain, turn the chosen routes into
itineraries, or explain why there is no route. Money in the document is CNY; durations are hours;
CO2e is kg; departure space is TEU (kg on air services).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any, TypeVar

from router.network.capacity import link_capacity
from router.network.model import Mode, Network
from router.quotes.plans import CargoPlan, cargo_plans
from router.quotes.select import select_alternatives
from router.quotes.split import attach_split
from router.quotes.terms import earliest, inclusions, scope
from router.routing.compiled import CompiledNetwork
from router.routing.explain import no_route_reasons
from router.routing.itinerary import alternative_document
from router.routing.labels import Route, dominates
from router.routing.query import build_search
from router.routing.request import QuoteRequest
from router.routing.search import CapacityFn, Search
from router.units import CST


def request_document(request: QuoteRequest) -> dict[str, Any]:
    """The normalised request echoed in the quote."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, frozenset | set):
            return sorted(plain(v) for v in value)
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if hasattr(value, "value"):
            return value.value
        return value

    doc = {f.name: plain(getattr(request, f.name)) for f in dataclasses.fields(request)}
    doc["origin"] = str(request.origin)
    doc["destination"] = str(request.destination)
    for name in ("cargo", "trader", "constraints", "preferences"):
        part = getattr(request, name)
        doc[name] = {f.name: plain(getattr(part, f.name)) for f in dataclasses.fields(part)}
    doc["value_of_time_cny_per_h"] = round(request.value_of_time_cny_per_h, 4)
    return doc


def attach_space(doc: dict[str, Any], network: Network, capacity: CapacityFn) -> None:
    """Give every leg of the alternatives the space left on its departure when quoted:
    ``space_unit`` (``teu``, or ``kg`` on air services) and ``space_remaining`` from
    ``capacity``; both are None on legs whose space is not tracked (trucks, first and last
    mile)."""
    for alt in doc["alternatives"]:
        for leg in alt["legs"]:
            unit: str | None = None
            remaining: float | None = None
            link = network.links.get(leg.get("link_id") or "")
            tracked = link_capacity(link) if link is not None else None
            if link is not None and tracked is not None:
                remaining = capacity(link.id, datetime.fromisoformat(leg["departure"]))
                unit = tracked.unit if remaining is not None else None
            leg["space_unit"], leg["space_remaining"] = unit, remaining


def make_quote(
    cn: CompiledNetwork,
    request: QuoteRequest,
    *,
    capacity: CapacityFn | None = None,
    quote_id: str | None = None,
    split: bool = False,
) -> dict[str, Any]:
    """The quote document for ``request`` (status ``ok`` with alternatives, or ``no_route``).

    The cargo is searched under each of its plans (:mod:`router.quotes.plans`: as requested,
    loose cargo also as a full container load, containers by air only as their declared weight
    and volume) and the plans' Pareto sets are merged. ``capacity``: the space left on dated
    departures (None: every departure has room). When it is given, every leg carries
    ``space_unit`` and ``space_remaining`` (:func:`attach_space`). ``split``: also split the
    containers over departures (``doc["split"]``, see :func:`router.quotes.split.attach_split`);
    without it the split is attached only when the cargo has no route because no single
    departure has room for all of it.
    """
    plans, notes = cargo_plans(request)
    found: list[tuple[Route, Search, CargoPlan]] = []
    stats = {"labels_settled": 0, "labels_created": 0, "label_budget": 0, "complete": True}
    for plan in plans:
        search = build_search(cn, plan.request, capacity)
        found.extend((route, search, plan) for route in plan_routes(plan, search.run()))
        stats["labels_settled"] += search.stats.labels_settled
        stats["labels_created"] += search.stats.labels_created
        stats["complete"] = bool(stats["complete"]) and search.stats.complete
        stats["label_budget"] = max(int(stats["label_budget"]), search.label_budget or 0)
    # the cargo as requested has a route (an air_loose option does not move its boxes)
    as_requested = any(plan.name == "as_requested" for _, _, plan in found)
    found = pareto_over_plans(found)
    routes = [route for route, _, _ in found]
    origin = {id(route): (search, plan) for route, search, plan in found}
    doc: dict[str, Any] = {
        "id": quote_id or uuid.uuid4().hex,
        "status": "ok" if routes else "no_route",
        "reasons": [],
        "notes": notes,
        "request": request_document(request),
        "network": cn.network.name,
        "search": {"pareto_routes": len(routes), **stats, "plans": [p.name for p in plans]},
        "alternatives": [],
        "valid_until": None,
    }
    if not routes:
        doc["reasons"] = no_route_reasons(cn, request, capacity)
    else:
        ready_min = origin[id(routes[0])][0].ready_min
        for route, tags in select_alternatives(routes, request, ready_min):
            search, plan = origin[id(route)]
            alt = alternative_document(search, route, tags)
            alt["cargo_plan"] = {"name": plan.name, "description": plan.description}
            alt["scope"] = scope(cn.network, request, alt)
            alt["included"], alt["excluded"] = inclusions(cn.network, plan.request, alt)
            doc["alternatives"].append(alt)
        doc["valid_until"] = earliest([a["valid_until"] for a in doc["alternatives"]])
        # rates must hold on the day they are quoted and on the day the cargo is ready
        needed = max(datetime.now(CST).date(), request.ready.date()).isoformat()
        if doc["valid_until"] is not None and doc["valid_until"] < needed:
            notes.append(
                f"the rates used are valid until {doc['valid_until']}, before {needed}: prices "
                "are as of the data's rate sheet and must be confirmed with the carriers"
            )
        if capacity is not None:
            attach_space(doc, cn.network, capacity)
    # --- capacity-aware split (router.quotes.split): only when asked, or when the cargo has no
    # route because no single departure has room for all of its containers.
    if split or (not as_requested and request.cargo.is_containerised):
        attach_split(doc, cn, request, capacity, asked=split)
    return doc


T = TypeVar("T")


def plan_routes(plan: CargoPlan, routes: list[Route]) -> list[Route]:
    """The routes a search found for ``plan`` that the plan allows (an ``air_loose`` plan only
    offers routes that fly)."""
    if not plan.air_only:
        return routes
    return [
        r
        for r in routes
        if any(s.clink is not None and s.clink.link.mode is Mode.AIR for s in r.steps)
    ]


def pareto_over_plans(
    found: list[tuple[Route, T, CargoPlan]],
) -> list[tuple[Route, T, CargoPlan]]:
    """The routes of all plans that no other route dominates (ties: the first plan's), sorted by
    criteria; ``found`` lists each plan's routes in plan order.

    Of routes with equal criteria the first is kept; then, in criteria order, a route is kept
    unless a kept one is at least as good in every criterion (a route dominating it comes
    earlier in that order, and so does whatever dominates that one)."""
    first: dict[tuple[int, ...], int] = {}
    for k, item in enumerate(found):
        first.setdefault(item[0].criteria, k)
    kept: list[tuple[Route, T, CargoPlan]] = []
    for k in sorted(first.values(), key=lambda k: found[k][0].criteria):
        crit = found[k][0].criteria
        if not any(dominates(other[0].criteria, crit) for other in kept):
            kept.append(found[k])
    return kept
