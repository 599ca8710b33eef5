"""Itineraries: a found route turned into the legs, customs events, costs and times of the quote
document (DESIGN.md §4.1). Money in the documents is CNY, durations hours, CO2e kg.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from router.network.model import Mode
from router.routing.events import customs_events
from router.routing.labels import Route, Step
from router.routing.request import QuoteRequest
from router.routing.search import Search

#: events of a border crossing or a transhipment (the summary names only declarations)
BORDER_OPERATIONS = frozenset({"exit", "entry", "advance_info", "transhipment"})


def _iso(epoch: datetime, minute: int) -> str:
    return (epoch + timedelta(minutes=minute)).isoformat()


def _cny(fen: int) -> float:
    return round(fen / 100.0, 2)


def _hours(minutes: int) -> float:
    return round(minutes / 60.0, 2)


def generalised_cost_cny(route: Route, request: QuoteRequest, ready_min: int) -> float:
    """Money + value of time x hours + carbon price x tCO2e, in CNY."""
    hours = (route.arrival_min - ready_min) / 60.0
    return (
        route.cost_fen / 100.0
        + request.value_of_time_cny_per_h * hours
        + request.preferences.carbon_price_cny_per_t * route.co2_g / 1e6
    )


def _leg_document(search: Search, step: Step) -> dict[str, Any]:
    cn, epoch = search.cn, search.epoch
    node = cn.nodes[step.node]
    if step.kind in ("access", "egress"):
        acc = step.access
        assert acc is not None
        point = search.request.origin if step.kind == "access" else search.request.destination
        end = cn.nodes[acc.node]
        a = (point.lon, point.lat)
        b = (end.lon, end.lat)
        line = [list(a), list(b)] if step.kind == "access" else [list(b), list(a)]
        return {
            "mode": Mode.TRUCK.value,
            "service": "first-mile" if step.kind == "access" else "last-mile",
            "operator": "",
            "link_id": None,
            "regime": "domestic",
            "from": "origin" if step.kind == "access" else end.id,
            "to": end.id if step.kind == "access" else "destination",
            "departure": _iso(epoch, step.start_min),
            "arrival": _iso(epoch, step.end_min),
            "distance_km": round(acc.distance_km, 1),
            "duration_h": _hours(step.end_min - step.start_min),
            "cost": _cny(step.cost_fen),
            "co2e_kg": round(step.co2_g / 1000.0, 1),
            "co2e_factor_g_per_tkm": None,
            "geometry": {"type": "LineString", "coordinates": line},
        }
    cl = step.clink
    assert cl is not None
    link = cl.link
    return {
        "mode": link.mode.value,
        "service": link.service,
        "operator": link.operator,
        "link_id": link.id,
        "regime": link.regime.value,
        "from": node.id,
        "to": cn.nodes[cl.destination].id,
        "via": list(link.via),
        "departure": _iso(epoch, step.start_min),
        "arrival": _iso(epoch, step.end_min),
        "distance_km": round(link.distance_km, 1),
        "duration_h": _hours(step.end_min - step.start_min),
        # the transit declaration lodged at the entry border is the entry event's cost
        "cost": _cny(step.cost_fen - step.customs_fen),
        "cost_breakdown": {
            "freight": _cny(step.freight_fen),
            "handling": _cny(step.handling_fen),
            "port_fees": _cny(step.port_fees_fen),
            "storage": _cny(step.storage_fen),
        },
        "co2e_kg": round(step.co2_g / 1000.0, 1),
        "co2e_factor_g_per_tkm": cl.co2e_g_per_tkm,
        "waiting_h": _hours(step.waiting_min),
        "dwell_h": _hours(step.dwell_min),
        "dwell_basis": step.dwell_basis or None,
        "geometry": {"type": "LineString", "coordinates": [list(p) for p in link.geometry]},
    }


def _summary(
    search: Search, route: Route, legs: list[dict[str, Any]], events: list[dict[str, Any]]
) -> str:
    modes: list[str] = []
    for leg in legs:
        if not modes or modes[-1] != leg["mode"]:
            modes.append(leg["mode"])
    days = (route.arrival_min - search.ready_min) / 1440.0
    hubs = [leg["to"] for leg in legs[:-1]]
    clear = [
        f"{e['operation'].replace('_', ' ')} at {e['node']}"
        for e in events
        if e["operation"] not in BORDER_OPERATIONS
    ]
    text = (
        f"{'+'.join(modes)} from {legs[0]['from']} to {legs[-1]['to']}"
        + (f" via {', '.join(hubs)}" if hubs else "")
        + f": {days:.1f} days, CNY {route.cost_fen / 100:,.0f}, "
        f"{route.co2_g / 1e6:.2f} t CO2e, {route.transfers} transfer(s)"
    )
    return text + (f"; customs: {'; '.join(clear)}" if clear else "")


def alternative_document(search: Search, route: Route, tags: list[str]) -> dict[str, Any]:
    """One alternative of the quote document (DESIGN.md §4.1)."""
    steps = list(route.steps)
    legs = [_leg_document(search, s) for s in steps if s.kind in ("leg", "access", "egress")]
    events = customs_events(search, steps)

    def total(attr: str) -> int:
        return sum(getattr(s, attr) for s in steps)

    epoch = search.epoch
    first_departure = min(
        (s.start_min for s in steps if s.kind != "customs"), default=search.ready_min
    )
    return {
        "tags": tags,
        "summary": _summary(search, route, legs, events),
        "departure": _iso(epoch, first_departure),
        "arrival": _iso(epoch, route.arrival_min),
        "duration_h": _hours(route.arrival_min - search.ready_min),
        "transfers": route.transfers,
        "cost": {
            "total": _cny(route.cost_fen),
            "currency": "CNY",
            "breakdown": {
                "freight": _cny(total("freight_fen")),
                "handling": _cny(total("handling_fen")),
                "port_fees": _cny(total("port_fees_fen")),
                "customs": _cny(total("customs_fen")),
                "storage": _cny(total("storage_fen")),
            },
        },
        "generalised_cost_cny": round(
            generalised_cost_cny(route, search.request, search.ready_min), 2
        ),
        "time_breakdown_h": {
            "waiting": _hours(total("waiting_min")),
            "transit": _hours(total("transit_min")),
            "handling": _hours(total("handling_min")),
            "customs": _hours(total("customs_min")),
            "dwell": _hours(total("dwell_min")),
        },
        "co2e_kg": round(route.co2_g / 1000.0, 1),
        "legs": legs,
        "customs_events": events,
    }
