"""The document's totals against the replayed route: departure, arrival, duration and deadline;
the time breakdown against the legs' waiting and dwell and the customs events; the cost breakdown
against the legs' and events' money; CO2e."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.verify.document import (
    HOURS_TOL,
    SUM_CNY_TOL,
    SUM_H_TOL,
    TIME_TOL,
    fmt,
    get_field,
    hours,
    num_field,
    time_field,
)
from router.verify.state import RouteState


def check_totals(r: RouteState, alt: Mapping[str, Any], legs: list[Mapping[str, Any]]) -> None:
    """Times, money and CO2e of the whole alternative."""
    req = r.request
    end = max(r.t, time_field(legs[-1], "arrival", f"leg {len(legs) - 1}"))
    arrival = time_field(alt, "arrival", "alternative")
    departure = time_field(alt, "departure", "alternative")
    first_dep = time_field(legs[0], "departure", "leg 0")
    if departure != first_dep:
        r.bad(f"departure {fmt(departure)} is not the first leg's {fmt(first_dep)}")
    if first_dep < req.ready:
        r.bad(f"first leg departs {fmt(first_dep)}, before the ready time {fmt(req.ready)}")
    if abs(arrival - end) > TIME_TOL:
        r.bad(f"arrival {fmt(arrival)} but the route ends {fmt(end)}")
    if req.deadline is not None and arrival > req.deadline:
        r.bad(f"arrives {fmt(arrival)}, after the deadline {fmt(req.deadline)}")
    duration = num_field(alt, "duration_h", "alternative")
    if abs(duration - hours(arrival - req.ready)) > HOURS_TOL:
        r.bad(f"duration_h {duration} but arrival - ready is {hours(arrival - req.ready):.2f} h")
    tb = get_field(alt, "time_breakdown_h", "alternative")
    parts = {k: float(v) for k, v in tb.items()}
    if any(v < 0 for v in parts.values()):
        r.bad(f"time breakdown has a negative part: {parts}")
    if abs(sum(parts.values()) - duration) > SUM_H_TOL:
        r.bad(f"time breakdown sums to {sum(parts.values()):.2f} h, not duration {duration}")
    tol_items = SUM_H_TOL + 0.005 * r.items
    for name, total in (
        ("waiting", r.leg_waiting_h),
        ("dwell", r.leg_dwell_h + r.event_dwell_h),
        ("customs", r.event_clearance_h + r.via_wait_h),
    ):
        if name in parts and abs(parts[name] - total) > tol_items:
            r.bad(
                f"time breakdown {name} is {parts[name]} h but legs, border waits and customs "
                f"steps add up to {total:.2f} h"
            )
    # money and CO2e
    cost = get_field(alt, "cost", "alternative")
    total = num_field(cost, "total", "cost")
    if cost.get("currency") != "CNY":
        r.bad(f"cost currency is {cost.get('currency')!r}, not CNY")
    breakdown = {k: float(v) for k, v in get_field(cost, "breakdown", "cost").items()}
    if any(v < 0 for v in breakdown.values()):
        r.bad(f"cost breakdown has a negative part: {breakdown}")
    if abs(sum(breakdown.values()) - total) > SUM_CNY_TOL:
        r.bad(f"cost breakdown sums to {sum(breakdown.values()):.2f}, not total {total}")
    tol_cny = SUM_CNY_TOL + 0.005 * r.items
    lines = cost.get("lines")
    route_charges = 0.0
    if isinstance(lines, list):
        check_lines(r, lines, total, tol_cny)
        route_charges = sum(
            float(line.get("amount_cny", 0.0)) for line in lines if line.get("where") == "route"
        )
        if abs(breakdown.get("route_charges", 0.0) - route_charges) > tol_cny:
            r.bad(
                f"cost breakdown route_charges is {breakdown.get('route_charges', 0.0)} but the "
                "route's "
                f"charges add up to {route_charges:.2f}"
            )
    if abs(r.leg_cost + r.event_cost + route_charges - total) > tol_cny:
        r.bad(
            f"legs, customs events and route charges cost "
            f"{r.leg_cost + r.event_cost + route_charges:.2f}, not the total {total}"
        )
    for name, want in (
        ("freight", r.leg_freight),
        ("handling", r.leg_handling),
        ("port_fees", r.leg_port_fees),
    ):
        if name in breakdown and abs(breakdown[name] - want) > tol_cny:
            r.bad(f"cost breakdown {name} is {breakdown[name]} but the legs add up to {want:.2f}")
    customs_storage = breakdown.get("customs", 0.0) + breakdown.get("storage", 0.0)
    if abs(customs_storage - r.event_cost - r.leg_storage) > tol_cny:
        r.bad(
            f"cost breakdown customs + storage is {customs_storage:.2f} but customs events "
            f"and leg storage add up to {r.event_cost + r.leg_storage:.2f}"
        )
    co2 = num_field(alt, "co2e_kg", "alternative")
    if abs(co2 - r.leg_co2) > 0.1 + 0.05 * r.items:
        r.bad(f"co2e_kg {co2} but the legs add up to {r.leg_co2:.1f}")


def check_lines(r: RouteState, lines: list[Any], total: float, tol: float) -> None:
    """The cost lines: each well formed, none charged twice, together the total."""
    seen: set[tuple[str, str, str]] = set()
    amount = 0.0
    for k, line in enumerate(lines):
        if not isinstance(line, Mapping) or not isinstance(line.get("amount_cny"), int | float):
            r.bad(f"cost line {k} is malformed: {line!r}")
            continue
        key = (str(line.get("name")), str(line.get("basis")), str(line.get("where")))
        if key in seen:
            r.bad(f"cost line {key} is charged twice")
        seen.add(key)
        if line["amount_cny"] < 0:
            r.bad(f"cost line {key} is negative: {line['amount_cny']}")
        amount += float(line["amount_cny"])
    if abs(amount - total) > tol:
        r.bad(f"cost lines add up to {amount:.2f}, not the total {total}")
