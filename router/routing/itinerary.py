"""Itineraries: a found route turned into the legs, customs events, costs and times of the quote
document (DESIGN.md §4.1). Money in the documents is CNY, durations hours, CO2e kg.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from router.network.model import Mode
from router.routing.compiled import LEG_KIND, MODE_CODE, TERMINAL_LEG
from router.routing.emissions import emissions_method
from router.routing.events import customs_events
from router.routing.labels import Route, Step
from router.routing.prices import PriceLine
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


def _cny_line(name: str, basis: str, fen_: int) -> PriceLine:
    return PriceLine(name, basis, fen_ / 100.0, "CNY", fen_)


def leg_lines(search: Search, step: Step) -> list[PriceLine]:
    """The cost lines of one leg step: base freight and surcharges, terminal handling, port
    fees, storage while waiting, and the transfer before it; their fen add up to the step's."""
    cn = search.cn
    if step.kind in ("access", "egress"):
        mile = "first mile" if step.kind == "access" else "last mile"
        lines = [_cny_line("truck", mile, step.freight_fen)] if step.freight_fen else []
        if step.transfer_fen:
            lines.extend(search.transfer_lines(step.previous_mode, MODE_CODE[Mode.TRUCK]))
        return lines
    if step.kind == "charge":
        lines = list(search.route_charges)
        unstuff = step.charge_fen - sum(line.fen for line in lines)
        if unstuff:
            node = cn.nodes[step.node].id
            lines.append(_cny_line("CFS / cargo handling", f"unstuffing at {node}", unstuff))
        return lines
    cl = step.clink
    if cl is None:
        return []
    origin, dest = cn.nodes[cl.origin].id, cn.nodes[cl.destination].id
    lines = [line for line in search.prices.freight_lines(cl) or () if line.fen]
    waived = sum(line.fen for line in lines) - step.freight_fen
    if waived and lines:
        base = lines[0]
        share = (base.fen - waived) / base.fen if base.fen else 0.0
        lines[0] = PriceLine(
            base.name,
            base.basis + "; continues the truck haul of the leg before: fixed charge waived",
            base.amount * share,
            base.currency,
            base.fen - waived,
            base.valid_until,
        )
    if step.handling_fen:
        thc_dest = search.leg_constants(cl)[2]
        if cl.link.mode in (Mode.TRUCK, Mode.TIR):
            where = f"unstuffing at {origin}"
        elif LEG_KIND[step.previous_mode] == TERMINAL_LEG or step.handling_fen == thc_dest:
            where = f"at {dest}"
        else:
            where = f"at {origin} and {dest}" if thc_dest else f"at {origin}"
        name = "terminal handling" if search.cargo.is_containerised else "CFS / cargo handling"
        lines.append(_cny_line(name, where, step.handling_fen))
    if step.port_fees_fen:
        lines.append(
            _cny_line("port fees", f"port dues and documents, {origin}-{dest}", step.port_fees_fen)
        )
    if step.storage_fen:
        lines.append(
            _cny_line(
                "storage", f"at {origin} beyond its free time while waiting", step.storage_fen
            )
        )
    if step.transfer_fen:
        transfer = search.transfer_lines(step.previous_mode, cn.leg_code[cl.index])
        lines.extend(transfer)
    if step.customs_fen:
        lines.append(
            _cny_line(
                "customs",
                f"transit declaration at the entry border of {cl.link.id}",
                step.customs_fen,
            )
        )
    return lines


def customs_lines(search: Search, step: Step) -> list[PriceLine]:
    """The cost lines of a customs step: declaration with expected inspection, and storage."""
    node = search.cn.nodes[step.node].id
    lines = []
    if step.customs_fen:
        lines.append(
            _cny_line("customs", f"{step.op.replace('_', ' ')} at {node}", step.customs_fen)
        )
    if step.storage_fen:
        lines.append(_cny_line("storage", f"at {node} during the import dwell", step.storage_fen))
    return lines


def _co2e(ttw_g: int, wtt_g: int) -> dict[str, float]:
    """Tank-to-wheel and well-to-tank kg CO2e of a leg (ISO 14083)."""
    return {"ttw_kg": round(ttw_g / 1000.0, 1), "wtt_kg": round(wtt_g / 1000.0, 1)}


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
            "cost_breakdown": {
                "freight": _cny(step.freight_fen),
                "transfer": _cny(step.transfer_fen),
            },
            "cost_lines": [line.document() for line in leg_lines(search, step)],
            "co2e_kg": round(step.co2_g / 1000.0, 1),
            "co2e": _co2e(step.co2_g - acc.co2_wtt_g, acc.co2_wtt_g),
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
            "transfer": _cny(step.transfer_fen),
        },
        "cost_lines": [
            line.document() for line in leg_lines(search, step) if line.name != "customs"
        ],
        "co2e_kg": round(step.co2_g / 1000.0, 1),
        "co2e": _co2e(*search.leg_co2e_split(cl)),
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

    lines: list[dict[str, Any]] = []
    expiry = None
    leg_no = -1
    for s in steps:
        if s.kind in ("leg", "access", "egress"):
            leg_no += 1
        found = customs_lines(search, s) if s.kind == "customs" else leg_lines(search, s)
        for line in found:
            doc = line.document()
            doc["where"] = (
                "route"
                if s.kind == "charge"
                else f"leg {leg_no}"
                if s.kind != "customs"
                else search.cn.nodes[s.node].id
            )
            lines.append(doc)
            if line.valid_until is not None and (expiry is None or line.valid_until < expiry):
                expiry = line.valid_until
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
                "transfer": _cny(total("transfer_fen")),
                "route_charges": _cny(total("charge_fen")),
            },
            "lines": lines,
        },
        "valid_until": expiry.isoformat() if expiry is not None else None,
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
        "co2e": {
            "total_kg": round(route.co2_g / 1000.0, 1),
            "ttw_kg": round(sum(leg["co2e"]["ttw_kg"] for leg in legs), 1),
            "wtt_kg": round(sum(leg["co2e"]["wtt_kg"] for leg in legs), 1),
            "method": emissions_method(search.cn),
        },
        "legs": legs,
        "customs_events": events,
    }
