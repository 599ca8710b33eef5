"""Quote assembly: run the search, filter and tag alternatives, explain them, or say why not.

:func:`make_quote` returns the quote document of DESIGN.md §4.1 (one shape for the library, the
CLI's ``--json`` and the API). Money in the document is CNY; durations are hours; CO2e is kg.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from router.errors import InvalidRequestError
from router.network.model import CargoClass, Mode, Network
from router.solver.compiled import CompiledNetwork, compile_network, minutes
from router.solver.places import resolve_place
from router.solver.request import QuoteRequest
from router.solver.search import CapacityFn, Route, Search, Step

TAGS = ("cheapest", "fastest", "greenest", "recommended")


def _iso(epoch: datetime, minute: int) -> str:
    return (epoch + timedelta(minutes=minute)).isoformat()


def _cny(fen: int) -> float:
    return round(fen / 100.0, 2)


def _hours(minutes: int) -> float:
    return round(minutes / 60.0, 2)


def build_search(
    network: Network, request: QuoteRequest, capacity: CapacityFn | None = None, **options: Any
) -> Search:
    """A ready-to-run :class:`Search` for ``request`` (places resolved, bounds computed)."""
    cn = compile_network(network)
    cons = request.constraints
    for node_id in (*cons.required_nodes, *cons.excluded_nodes):
        if node_id not in cn.index:
            from router.errors import NotFoundError
            from router.solver.places import suggestions

            raise NotFoundError("node", node_id, suggestions(cn, node_id))
    origins = resolve_place(cn, request.origin, request.cargo, cons.max_truck_km, True, "origin")
    destinations = resolve_place(
        cn, request.destination, request.cargo, cons.max_truck_km, False, "destination"
    )
    if {i for i, _ in origins} & {i for i, access in destinations if access is None}:
        raise InvalidRequestError("destination", "origin and destination are the same node")
    return Search(cn, request, origins, destinations, capacity=capacity, **options)


def generalised_cost_cny(route: Route, request: QuoteRequest, ready_min: int) -> float:
    """Money + value of time x hours + carbon price x tCO2e, in CNY."""
    hours = (route.arrival_min - ready_min) / 60.0
    return (
        route.cost_fen / 100.0
        + request.value_of_time_cny_per_h * hours
        + request.preferences.carbon_price_cny_per_t * route.co2_g / 1e6
    )


def select_alternatives(
    routes: list[Route], request: QuoteRequest, ready_min: int
) -> list[tuple[Route, list[str]]]:
    """Up to N non-dominated routes: the tagged ones first, then the rest by generalised cost."""
    if not routes:
        return []
    gen = {id(r): generalised_cost_cny(r, request, ready_min) for r in routes}
    best = {
        "cheapest": min(routes, key=lambda r: (r.cost_fen, r.arrival_min, r.co2_g)),
        "fastest": min(routes, key=lambda r: (r.arrival_min, r.cost_fen, r.co2_g)),
        "greenest": min(routes, key=lambda r: (r.co2_g, r.cost_fen, r.arrival_min)),
        "recommended": min(routes, key=lambda r: (gen[id(r)], r.arrival_min)),
    }
    ordered = sorted(routes, key=lambda r: (gen[id(r)], r.criteria))
    chosen = [best["recommended"]]
    for tag in ("cheapest", "fastest", "greenest"):
        if all(best[tag] is not c for c in chosen):
            chosen.append(best[tag])
    for r in ordered:
        if all(r is not c for c in chosen):
            chosen.append(r)
    chosen = chosen[: request.preferences.alternatives]
    return [(r, [t for t in TAGS if best[t] is r]) for r in chosen]


def _node_label(cn: CompiledNetwork, index: int) -> str:
    return cn.nodes[index].id


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


_Relaxation = tuple[str, dict[str, Any], Callable[[QuoteRequest], QuoteRequest] | None]


def _relaxations(request: QuoteRequest) -> list[_Relaxation]:
    cons = request.constraints
    out: list[_Relaxation] = []
    if request.deadline is not None:
        out.append(("deadline", {"respect_deadline": False}, None))
    if request.cargo.cargo_class is CargoClass.PHARMA:
        out.append(("pharma", {"apply_pharma_rule": False}, None))
    if request.cargo.cargo_class is not CargoClass.GENERAL or request.cargo.imdg_class:
        out.append(("class", {"apply_class_rules": False}, None))
    if cons.allowed_modes != frozenset(Mode):
        out.append(
            (
                "modes",
                {},
                lambda r: dataclasses.replace(
                    r, constraints=dataclasses.replace(r.constraints, allowed_modes=frozenset(Mode))
                ),
            )
        )
    if cons.max_transfers is not None:
        out.append(
            (
                "transfers",
                {},
                lambda r: dataclasses.replace(
                    r, constraints=dataclasses.replace(r.constraints, max_transfers=None)
                ),
            )
        )
    if cons.excluded_nodes or cons.excluded_operators:
        out.append(
            (
                "excluded",
                {},
                lambda r: dataclasses.replace(
                    r,
                    constraints=dataclasses.replace(
                        r.constraints, excluded_nodes=frozenset(), excluded_operators=frozenset()
                    ),
                ),
            )
        )
    if cons.required_nodes:
        out.append(
            (
                "required",
                {},
                lambda r: dataclasses.replace(
                    r, constraints=dataclasses.replace(r.constraints, required_nodes=())
                ),
            )
        )
    return out


def _reason(kind: str, search: Search, routes: list[Route], req: QuoteRequest) -> str:
    """Why the user's request ``req`` has no route, given the ``routes`` of its ``kind``
    relaxation (``search.request`` is the relaxed request, whose limits were lifted)."""
    if kind == "deadline":
        fastest = min(routes, key=lambda r: r.arrival_min)
        when = (search.epoch + timedelta(minutes=fastest.arrival_min)).date().isoformat()
        return f"deadline too early: fastest feasible arrival is {when}"
    if kind == "pharma":
        modes = ", ".join(sorted(m.value for m in req.constraints.allowed_modes))
        return f"pharma import needs a white-listed port of entry; none reachable with the allowed modes ({modes})"
    if kind == "class":
        what = req.cargo.cargo_class.value + (
            f" (IMDG class {req.cargo.imdg_class})" if req.cargo.imdg_class else ""
        )
        return f"no route accepts {what} cargo at every link and terminal; routes exist for general cargo"
    if kind == "modes":
        used = sorted({s.clink.link.mode.value for s in routes[0].steps if s.clink is not None})
        return f"no route with the allowed modes; a route exists using {', '.join(used)}"
    if kind == "transfers":
        least = min(r.transfers for r in routes)
        return f"every route needs more transfers than allowed ({req.constraints.max_transfers}); the fewest is {least}"
    if kind == "excluded":
        return "the excluded nodes/operators remove every route"
    return "the required nodes cannot all be visited on one route"


def no_route_reasons(
    network: Network, request: QuoteRequest, capacity: CapacityFn | None
) -> list[str]:
    """Why no route exists: which single relaxation of the request would give one."""
    reasons = []
    for kind, options, change in _relaxations(request):
        relaxed = change(request) if change else request
        search = build_search(network, relaxed, capacity, **options)
        routes = search.run()
        if routes:
            reasons.append(_reason(kind, search, routes, request))
    if capacity is not None and not reasons and build_search(network, request, None).run():
        reasons.append(
            "every feasible departure is fully booked for this cargo in the search horizon"
        )
    if not reasons:
        reasons.append(
            f"no legal route from {request.origin} to {request.destination} in the network under "
            "the customs rules for this cargo"
        )
    return reasons


def make_quote(
    network: Network,
    request: QuoteRequest,
    *,
    capacity: CapacityFn | None = None,
    quote_id: str | None = None,
    split: bool = False,
) -> dict[str, Any]:
    """The quote document for ``request`` (status ``ok`` with alternatives, or ``no_route``).

    ``split``: also split the containers over departures (``doc["split"]``, see
    :func:`router.solver.split.attach_split`); without it the split is attached only when the
    cargo has no route because no single departure has room for all of it.
    """
    search = build_search(network, request, capacity)
    routes = search.run()
    doc: dict[str, Any] = {
        "id": quote_id or uuid.uuid4().hex,
        "status": "ok" if routes else "no_route",
        "reasons": [],
        "request": request_document(request),
        "network": network.name,
        "search": {
            "pareto_routes": len(routes),
            "labels_settled": search.stats.labels_settled,
            "labels_created": search.stats.labels_created,
            "complete": search.stats.complete,
        },
        "alternatives": [],
    }
    if not routes:
        doc["reasons"] = no_route_reasons(network, request, capacity)
    else:
        doc["alternatives"] = [
            alternative_document(search, route, tags)
            for route, tags in select_alternatives(routes, request, search.ready_min)
        ]
    # --- capacity-aware split (router.solver.split): only when asked, or when the cargo has no
    # route because no single departure has room for all of its containers.
    if split or (not routes and request.cargo.is_containerised):
        from router.solver.split import attach_split

        attach_split(doc, network, request, capacity, asked=split)
    return doc
