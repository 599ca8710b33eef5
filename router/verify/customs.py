"""Customs steps of a replayed route: each customs event (export and import clearance, Combined
Port, the AEO profile's clearance time, import dwell, what the quote includes) and the customs
state a link leaves the cargo in (domestic, supervised and international regimes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from router.network.model import CargoClass, CustomsOp, CustomsState, Link, Mode, Node, Regime
from router.routing.request import CustomsScope
from router.verify.document import (
    HOURS_TOL,
    TIME_TOL,
    fmt,
    get_field,
    num_field,
    time_field,
)
from router.verify.places import matches_place
from router.verify.rules import BORDER_OP, EXPORT_OPS, IMPORT_OP, SUPERVISED_STATES
from router.verify.state import RouteState


def customs_event(r: RouteState, i: int, ev: Mapping[str, Any]) -> None:
    op = get_field(ev, "operation", f"customs event {i}")
    where = f"customs event {i} ({op} at {ev.get('node')})"
    at = time_field(ev, "at", where)
    expected_h = num_field(ev, "expected_h", where)
    clearance_h = num_field(ev, "clearance_h", where)
    dwell_h = num_field(ev, "dwell_h", where)
    cost = num_field(ev, "cost", where)
    before = get_field(ev, "state_before", where)
    after = get_field(ev, "state_after", where)
    r.items += 1
    r.event_cost += cost
    r.event_clearance_h += clearance_h
    r.event_dwell_h += dwell_h
    node = r.node(ev.get("node"), where)
    if node is None:
        return
    r.visited.add(node.id)
    if r.pos != node.id:
        here = r.pos if r.pos is not None else "off-network (first/last-mile truck)"
        r.bad(f"{where}: happens at {node.id} but the cargo is at {here}")
    if at < r.t - TIME_TOL:
        r.bad(f"{where}: at {fmt(at)}, before the cargo is ready there ({fmt(r.t)})")
    if before != r.state.value:
        r.bad(f"{where}: state_before is {before!r} but the cargo is {r.state.value}")
    if abs(expected_h - (clearance_h + dwell_h)) > 2 * HOURS_TOL:
        r.bad(f"{where}: expected_h {expected_h} != clearance_h + dwell_h")
    if min(expected_h, clearance_h, dwell_h, cost) < 0:
        r.bad(f"{where}: negative time or cost")
    trader = r.request.trader
    profile = r.network.customs_profiles.get(trader.aeo_level)
    req_scope = r.request.customs_scope
    included = ev.get("included_in_quote", True)
    if included is False and cost != 0:
        r.bad(f"{where}: not included in the quote but costs {cost}")
    if op in EXPORT_OPS:
        if r.state is not CustomsState.FREE:
            r.bad(f"{where}: export clearance of cargo that is {r.state.value}, not free")
        elif r.free_in is not None and node.jurisdiction != r.free_in:
            r.bad(
                f"{where}: export clearance in {node.jurisdiction} of cargo in free "
                f"circulation in {r.free_in}"
            )
        if not node.offers(CustomsOp.EXPORT_CLEARANCE):
            r.bad(f"{where}: {node.id} offers no export_clearance")
        if op == CustomsOp.COMBINED_PORT.value:
            if not node.offers(CustomsOp.COMBINED_PORT) or not node.combined_port_hub:
                r.bad(f"{where}: {node.id} is not a Combined Port terminal")
            if not trader.combined_port_allowed:
                r.bad(f"{where}: the trader may not use the Combined Port")
        if r.cargo_class is CargoClass.ECOMMERCE and not node.offers(CustomsOp.ECOMMERCE):
            r.bad(f"{where}: e-commerce export cleared at {node.id}, not an ecommerce node")
        if dwell_h > HOURS_TOL:
            r.bad(f"{where}: export clearance with an import dwell of {dwell_h} h")
        want_included = req_scope in (CustomsScope.EXPORT, CustomsScope.BOTH)
        if isinstance(included, bool) and included != want_included:
            r.bad(f"{where}: included_in_quote is {included} for customs scope {req_scope.value}")
        new_state = CustomsState.CLEARED_EXPORT
        clearance_base = node.export_clearance_h
        r.export_from = node.jurisdiction
        combined = (
            op == CustomsOp.COMBINED_PORT.value
            and node.offers(CustomsOp.COMBINED_PORT)
            and trader.combined_port_allowed
        )
        r.hub = node.combined_port_hub if combined else None
    elif op == IMPORT_OP:
        if r.state not in (CustomsState.IN_TRANSIT, CustomsState.IN_BOND):
            r.bad(f"{where}: import clearance of cargo that is {r.state.value}")
        if not node.offers(CustomsOp.IMPORT_CLEARANCE):
            r.bad(f"{where}: {node.id} offers no import_clearance")
        if r.cargo_class is CargoClass.PHARMA and not node.offers(CustomsOp.DRUG_PORT):
            r.bad(f"{where}: pharma import at {node.id}, which is not on the white list")
        legal_dwell = node.dwell_import_h
        if trader.direct_eligible and node.offers(CustomsOp.DIRECT_PICKUP):
            legal_dwell = min(legal_dwell, node.dwell_direct_h)
        if dwell_h < legal_dwell - HOURS_TOL:
            r.bad(
                f"{where}: import dwell {dwell_h} h is shorter than the {legal_dwell:g} h "
                "this trader may have here"
            )
        # an import outside the destination's jurisdiction is always part of the quote;
        # a lon/lat destination's jurisdiction is not known exactly, so it is not judged
        dest_jurs = destination_jurisdictions(r)
        want_included = req_scope in (CustomsScope.IMPORT, CustomsScope.BOTH) or (
            node.jurisdiction not in dest_jurs
        )
        if (
            isinstance(included, bool)
            and included != want_included
            and not r.request.destination.is_point
        ):
            r.bad(f"{where}: included_in_quote is {included} for customs scope {req_scope.value}")
        new_state = CustomsState.FREE
        clearance_base = node.import_clearance_h
        r.free_in = node.jurisdiction
        r.export_from = None
        r.hub = None
    elif op == BORDER_OP:
        r.bad(f"{where}: transit_border event not on a via crossing of the leg before it")
        return
    else:
        r.bad(f"{where}: unknown customs operation {op!r}")
        return
    if profile is not None:
        model_h = (
            round(
                (
                    clearance_base * profile.clearance_time_factor
                    + profile.inspection_probability * node.inspection_h
                )
                * 60.0
            )
            / 60.0
        )
        if abs(clearance_h - model_h) > 2 * HOURS_TOL:
            r.bad(
                f"{where}: clearance_h {clearance_h} but the {trader.aeo_level.value} AEO "
                f"profile at {node.id} gives {model_h:.2f} h"
            )
        p = ev.get("inspection_probability")
        if isinstance(p, int | float) and abs(p - profile.inspection_probability) > 1e-9:
            r.bad(f"{where}: inspection_probability {p} != AEO profile's")
    if after != new_state.value:
        r.bad(f"{where}: state_after is {after!r}, expected {new_state.value}")
    r.state = new_state
    r.check_state_at_node(where)
    r.t = at + timedelta(hours=expected_h)


def destination_jurisdictions(r: RouteState) -> set[str]:
    dest = r.request.destination
    if dest.is_point or dest.code is None:
        return set()
    return {
        n.jurisdiction
        for n in r.network.nodes.values()
        if matches_place(n.id, dest.code, r.network)
    }


def regime_transition(
    r: RouteState, link: Link, origin: Node, dest: Node, where: str
) -> CustomsState:
    """The state after the leg; reports boarding the link in a state it may not carry."""
    state = r.state
    crosses = origin.jurisdiction != dest.jurisdiction
    if crosses:
        if link.regime is not Regime.INTERNATIONAL:
            r.bad(
                f"{where}: {link.regime.value} link crosses from {origin.jurisdiction} to "
                f"{dest.jurisdiction}"
            )
        if state is CustomsState.FREE:
            r.bad(
                f"{where}: cargo leaves {origin.jurisdiction} without export clearance (it is free)"
            )
        elif state is CustomsState.CLEARED_EXPORT and r.export_from != origin.jurisdiction:
            r.bad(
                f"{where}: cargo leaves {origin.jurisdiction} on an export clearance made in "
                f"{r.export_from}"
            )
    if link.regime is Regime.DOMESTIC:
        if state is not CustomsState.FREE:
            r.bad(f"{where}: domestic link carries {state.value} cargo")
        elif r.free_in is not None and origin.jurisdiction != r.free_in:
            r.bad(
                f"{where}: domestic link in {origin.jurisdiction} carries cargo in free "
                f"circulation in {r.free_in} (no import clearance)"
            )
        return CustomsState.FREE
    if state not in SUPERVISED_STATES:
        r.bad(
            f"{where}: {link.regime.value} link boarded by {state.value} cargo (needs "
            "cleared_export, in_transit or in_bond)"
        )
    if link.regime is Regime.INTERNATIONAL:
        if not crosses:
            r.bad(f"{where}: international link inside {origin.jurisdiction}")
        if link.mode is Mode.TRUCK and state is not CustomsState.CLEARED_EXPORT:
            r.bad(
                f"{where}: plain road crossing boarded by {state.value} cargo; without a TIR "
                f"carnet it must be export-cleared in {origin.jurisdiction} first"
            )
        if not origin.offers(CustomsOp.EXIT):
            r.bad(f"{where}: international link starts at {origin.id}, which offers no exit")
        if not dest.offers(CustomsOp.ENTRY):
            r.bad(f"{where}: international link ends at {dest.id}, which offers no entry")
        return CustomsState.IN_TRANSIT
    if state is CustomsState.IN_TRANSIT:
        return CustomsState.IN_BOND
    return state
