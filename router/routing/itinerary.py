"""Itineraries: a found route turned into the legs, customs events, costs and times of the quote
document (DESIGN.md §4.1). Money in the documents is CNY, durations hours, CO2e kg.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from router.network.model import Mode
from router.routing.compiled import minutes
from router.routing.labels import Route, Step
from router.routing.request import QuoteRequest
from router.routing.search import Search


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
        "cost": _cny(step.cost_fen),
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


def _customs_events(search: Search, steps: list[Step]) -> list[dict[str, Any]]:
    cn, epoch = search.cn, search.epoch
    events: list[dict[str, Any]] = []
    for step in steps:
        if step.kind == "customs":
            events.append(
                {
                    "node": cn.nodes[step.node].id,
                    "operation": step.op,
                    "state_before": step.state_before.value,
                    "state_after": step.state_after.value,
                    "at": _iso(epoch, step.start_min),
                    "expected_h": _hours(step.customs_min + step.dwell_min),
                    "clearance_h": _hours(step.customs_min),
                    "dwell_h": _hours(step.dwell_min),
                    "inspection_probability": search.p_inspect,
                    "cost": _cny(step.customs_fen + step.storage_fen),
                    "included_in_quote": step.included,
                }
            )
        elif step.kind == "leg" and step.clink is not None:
            vias = step.clink.via
            for k, v in enumerate(vias):
                node = cn.nodes[v]
                # border stops spread along the running time, each after the previous stop
                t = step.start_min + step.clink.transit_min * (k + 1) // (len(vias) + 1)
                t += sum(minutes(cn.nodes[u].border_transit_h) for u in vias[:k])
                events.append(
                    {
                        "node": node.id,
                        "operation": "transit_border",
                        "state_before": step.state_after.value,
                        "state_after": step.state_after.value,
                        "at": _iso(epoch, t),
                        "expected_h": round(node.border_transit_h, 2),
                        "clearance_h": round(node.border_transit_h, 2),
                        "dwell_h": 0.0,
                        "inspection_probability": 0.0,
                        "cost": 0.0,
                        "included_in_quote": True,
                    }
                )
    return events


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
        if e["operation"] != "transit_border"
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
    events = _customs_events(search, steps)

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
