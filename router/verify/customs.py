"""Customs steps of a replayed route (docs/customs-model.md): export clearance and the Combined
Port declaration, import clearance at the point of entry or the office of destination, transit
declarations; the trader's customs time (AEO only where it has effect, 一单两报, the drug permit)
and import dwell; what the quote includes; and the customs state a link leaves the cargo in
(domestic, supervised and international regimes, free ports, plain road and TIR)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from router.network.model import (
    CargoClass,
    CustomsOp,
    CustomsState,
    Link,
    Mode,
    Node,
    NodeKind,
    Regime,
)
from router.routing.request import CustomsScope
from router.verify.document import (
    HOURS_TOL,
    TIME_TOL,
    fmt,
    get_field,
    num_field,
    time_field,
)
from router.verify.rules import (
    EXPORT_OPS,
    IMPORT_OP,
    OLD_BORDER_OP,
    SUPERVISED_STATES,
    TRANSIT_OP,
    customs_profile,
    drug_port_jurisdictions,
    is_free_port,
)
from router.verify.state import RouteState

#: China's cross-border e-commerce supervision codes by direction (GAC announcements 2014 No. 12
#: and 57, 2020 No. 75): 9610 B2C parcels both ways, 9710 B2B direct export, 9810 export to an
#: overseas warehouse, 1210 bonded import (only into a bonded zone); they are declared only in
#: the Chinese mainland customs territory
_EC_EXPORT = frozenset({"9610", "9710", "9810"})
_EC_IMPORT = frozenset({"9610", "1210"})
_EC_TERRITORY = "CN"


def _ecommerce_regime(r: RouteState, node: Node, export: bool, where: str) -> None:
    """A declared e-commerce regime clears only at an e-commerce site listing it, in its
    direction, and a 1210 import only into a bonded zone."""
    cargo = r.request.cargo
    regime = cargo.ecommerce_regime
    if cargo.cargo_class is not CargoClass.ECOMMERCE or not regime:
        return
    if node.jurisdiction != _EC_TERRITORY:
        return
    direction = "export" if export else "import"
    if regime not in (_EC_EXPORT if export else _EC_IMPORT):
        r.bad(f"{where}: e-commerce regime {regime} is not an {direction} regime")
    elif not node.offers(CustomsOp.ECOMMERCE) or regime not in node.ecommerce_regimes:
        r.bad(
            f"{where}: e-commerce {direction} {regime} cleared at {node.id}, which does not list it"
        )
    elif regime == "1210" and node.kind is not NodeKind.BONDED_ZONE:
        r.bad(f"{where}: 1210 bonded e-commerce import at {node.id}, not a bonded zone")


def event_header(r: RouteState, ev: Mapping[str, Any], where: str, node: Node) -> None:
    """The fields every customs event carries: its jurisdiction (that of its node) and the
    procedure (the legal instrument) it happens under."""
    jurisdiction = ev.get("jurisdiction")
    if jurisdiction != node.jurisdiction:
        r.bad(f"{where}: jurisdiction {jurisdiction!r} but {node.id} is in {node.jurisdiction}")
    procedure = ev.get("procedure")
    if not isinstance(procedure, str) or not procedure.strip():
        r.bad(f"{where}: names no procedure (the legal instrument of the step)")


def customs_event(r: RouteState, i: int, ev: Mapping[str, Any]) -> None:
    """One customs step at the node the cargo is at."""
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
    event_header(r, ev, where, node)
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
    included = ev.get("included_in_quote", True)
    if included is False and cost != 0:
        r.bad(f"{where}: not included in the quote but costs {cost}")
    if op in EXPORT_OPS:
        new_state, model_h = export_clearance(r, op, node, where, ev)
    elif op == IMPORT_OP:
        new_state, model_h = import_clearance(r, node, where, ev)
    elif op == TRANSIT_OP:
        new_state, model_h = transit_declaration(r, node, where, ev)
    elif op == OLD_BORDER_OP:
        r.bad(
            f"{where}: transit_border is not an event of the customs model v2 (a border shows "
            "exit, advance_info and entry events while the leg runs)"
        )
        return
    else:
        r.bad(f"{where}: unknown customs operation {op!r}")
        return
    if abs(clearance_h - model_h) > 2 * HOURS_TOL:
        r.bad(f"{where}: clearance_h {clearance_h} but {model_h:.2f} h is the time here")
    if after != new_state.value:
        r.bad(f"{where}: state_after is {after!r}, expected {new_state.value}")
    r.state = new_state
    r.landed = None
    r.check_state_at_node(where)
    r.t = at + timedelta(hours=expected_h)


def _clearance_base(r: RouteState, node: Node, normal_h: float) -> float:
    """Clearance hours at ``node`` before the trader's profile: 一单两报 where offered to an
    eligible trader."""
    if (
        r.request.trader.joint_declaration_eligible
        and node.offers(CustomsOp.JOINT_DECLARATION)
        and node.joint_clearance_h is not None
    ):
        return min(normal_h, node.joint_clearance_h)
    return normal_h


def _profile_h(
    r: RouteState,
    node: Node,
    base_h: float,
    where: str,
    ev: Mapping[str, Any],
    cap_h: float | None = None,
) -> float:
    """Clearance plus expected inspection hours under the AEO profile that applies at
    ``node``: the trader's own in China and under an MRA with China, else the ``none`` one.
    Reports an inspection probability that is not the applicable profile's."""
    level = r.request.trader.aeo_level
    profile, why = customs_profile(r.network, level, node.jurisdiction)
    if profile is None:
        hours_h = base_h + node.document_h
        return hours_h if cap_h is None else min(hours_h, cap_h)
    p = ev.get("inspection_probability")
    if isinstance(p, int | float) and abs(p - profile.inspection_probability) > 1e-9:
        r.bad(
            f"{where}: inspection_probability {p}, but at {node.id} ({node.jurisdiction}: {why}) "
            f"a trader of AEO level {level.value} has {profile.inspection_probability:g}"
        )
    hours = (
        base_h + node.document_h
    ) * profile.clearance_time_factor + profile.inspection_probability * node.inspection_h
    model_h = round(hours * 60.0) / 60.0
    if cap_h is not None:  # 先查验后装运: the procedure's hours when shorter
        model_h = min(model_h, round(cap_h * 60.0) / 60.0)
    clearance = ev.get("clearance_h")
    if isinstance(clearance, int | float) and abs(clearance - model_h) > 2 * HOURS_TOL:
        r.bad(
            f"{where}: clearance_h {clearance} but at {node.id} ({node.jurisdiction}: {why}) the "
            f"{profile.aeo_level.value} AEO profile gives {model_h:.2f} h"
        )
        return float(clearance)  # reported once
    return model_h


def _scope_included(r: RouteState, ev: Mapping[str, Any], want: bool, where: str) -> None:
    included = ev.get("included_in_quote", True)
    if isinstance(included, bool) and included != want:
        r.bad(
            f"{where}: included_in_quote is {included} for customs scope "
            f"{r.request.customs_scope.value}"
        )


def export_clearance(
    r: RouteState, op: str, node: Node, where: str, ev: Mapping[str, Any]
) -> tuple[CustomsState, float]:
    trader = r.request.trader
    if r.state is not CustomsState.FREE:
        r.bad(f"{where}: export clearance of cargo that is {r.state.value}, not free")
    elif r.free_in is not None and node.jurisdiction != r.free_in:
        r.bad(
            f"{where}: export clearance in {node.jurisdiction} of cargo in free "
            f"circulation in {r.free_in}"
        )
    if not node.offers(CustomsOp.EXPORT_CLEARANCE):
        r.bad(f"{where}: {node.id} offers no export_clearance")
    if node.jurisdiction in r.dest_jurisdictions:
        r.bad(f"{where}: export clearance in {node.jurisdiction}, the destination's territory")
    combined = op == CustomsOp.COMBINED_PORT.value
    if combined:
        hub = r.network.nodes.get(node.combined_port_hub or "")
        if not node.offers(CustomsOp.COMBINED_PORT) or hub is None:
            r.bad(f"{where}: {node.id} is not a Combined Port terminal")
        elif hub.jurisdiction != node.jurisdiction or is_free_port(r.network, hub.jurisdiction):
            r.bad(
                f"{where}: Combined Port hub {hub.id} is in {hub.jurisdiction}; the Combined Port "
                f"is a scheme between a feeder and its hub inside {node.jurisdiction} (never for "
                "Hong Kong or another customs territory)"
            )
        if not trader.combined_port_allowed:
            r.bad(f"{where}: the trader may not use the Combined Port")
    if (
        r.cargo_class is CargoClass.ECOMMERCE
        and node.jurisdiction == _EC_TERRITORY
        and not node.offers(CustomsOp.ECOMMERCE)
    ):
        r.bad(f"{where}: e-commerce export cleared at {node.id}, not an ecommerce node")
    if num_field(ev, "dwell_h", where) > HOURS_TOL:
        r.bad(f"{where}: export clearance with an import dwell of {ev.get('dwell_h')} h")
    scope = r.request.customs_scope
    _scope_included(r, ev, scope in (CustomsScope.EXPORT, CustomsScope.BOTH), where)
    _ecommerce_regime(r, node, True, where)
    # a 先查验后装运 pilot trader at a node offering it: inspected before loading, in the
    # procedure's hours (seed §8)
    cap_h = node.inspect_first_h if trader.inspect_first_pilot else None
    base_h = _clearance_base(r, node, node.export_clearance_h)
    model_h = _profile_h(r, node, base_h, where, ev, cap_h)
    r.export_from = node.jurisdiction
    legal_combined = combined and node.offers(CustomsOp.COMBINED_PORT)
    r.hub = node.combined_port_hub if legal_combined and trader.combined_port_allowed else None
    r.combined_at = node.id if legal_combined else None
    return CustomsState.CLEARED_EXPORT, model_h


def import_clearance(
    r: RouteState, node: Node, where: str, ev: Mapping[str, Any]
) -> tuple[CustomsState, float]:
    trader = r.request.trader
    state = r.state
    if state is CustomsState.IN_BOND:
        if not r.is_office_of_destination(node):
            r.bad(
                f"{where}: import clearance of in_bond cargo at {node.id}, which is not the office "
                f"of destination (a destination node or one of its customs districts "
                f"{sorted(r.dest_districts)}): clearance moved to another office"
            )
    elif state is CustomsState.IN_TRANSIT:
        at_entry = r.anchor == node.id
        if not at_entry and not (r.through_free_port and r.is_office_of_destination(node)):
            entered = f"its point of entry {r.anchor}" if r.anchor else "where it landed"
            r.bad(
                f"{where}: import clearance of in_transit cargo at {node.id}, not at {entered} "
                "(clearance shopping: import happens at the point of entry or, after a transit "
                "declaration, at the office of destination)"
            )
    else:
        r.bad(f"{where}: import clearance of cargo that is {state.value}")
    if node.jurisdiction not in r.dest_jurisdictions and not is_free_port(
        r.network, node.jurisdiction
    ):
        r.bad(
            f"{where}: import clearance into {node.jurisdiction}, which is neither the "
            "destination's territory nor a free port (a territory crossed is crossed in transit)"
        )
    if not node.offers(CustomsOp.IMPORT_CLEARANCE):
        r.bad(f"{where}: {node.id} offers no import_clearance")
    pharma = r.cargo_class is CargoClass.PHARMA
    if (
        pharma
        and node.jurisdiction in drug_port_jurisdictions(r.network)
        and not node.offers(CustomsOp.DRUG_PORT)
    ):
        r.bad(
            f"{where}: pharma import at {node.id}, which is not a designated drug-import port of "
            f"{node.jurisdiction}"
        )
    _ecommerce_regime(r, node, False, where)
    legal_dwell = node.dwell_import_h
    if trader.direct_eligible and node.offers(CustomsOp.DIRECT_PICKUP):
        legal_dwell = min(legal_dwell, node.dwell_direct_h)
    dwell_h = num_field(ev, "dwell_h", where)
    if dwell_h < legal_dwell - HOURS_TOL:
        r.bad(
            f"{where}: import dwell {dwell_h} h is shorter than the {legal_dwell:g} h "
            "this trader may have here"
        )
    # an import outside the destination's jurisdiction is always part of the quote
    scope = r.request.customs_scope
    want = scope in (CustomsScope.IMPORT, CustomsScope.BOTH) or (
        node.jurisdiction not in r.dest_jurisdictions
    )
    _scope_included(r, ev, want, where)
    base_h = _clearance_base(r, node, node.import_clearance_h)
    if pharma and not trader.drug_whitelisted:
        base_h += node.drug_permit_h  # 进口药品通关单 and the port drug test
    model_h = _profile_h(r, node, base_h, where, ev)
    r.free_in = node.jurisdiction
    r.export_from = None
    r.hub = None
    r.anchor = None
    r.through_free_port = False
    return CustomsState.FREE, model_h


def transit_declaration(
    r: RouteState, node: Node, where: str, ev: Mapping[str, Any]
) -> tuple[CustomsState, float]:
    if r.state is not CustomsState.IN_TRANSIT:
        r.bad(f"{where}: transit declaration of cargo that is {r.state.value}, not in_transit")
    elif r.anchor != node.id:
        entered = f"its point of entry {r.anchor}" if r.anchor else "where it landed"
        r.bad(f"{where}: transit declaration at {node.id}, not at {entered}")
    if not node.offers(CustomsOp.TRANSIT_DECLARATION):
        r.bad(f"{where}: {node.id} offers no transit_declaration")
    if node.jurisdiction in r.dest_jurisdictions and r.is_office_of_destination(node):
        r.bad(
            f"{where}: transit declaration within the entry point's own office ({node.id} is an "
            "office of destination): that is an import at the point of entry"
        )
    if ev.get("included_in_quote", True) is False:
        r.bad(f"{where}: a transit declaration the route needs is not included in the quote")
    if num_field(ev, "dwell_h", where) > HOURS_TOL:
        r.bad(f"{where}: transit declaration with a dwell of {ev.get('dwell_h')} h")
    p = ev.get("inspection_probability")
    if isinstance(p, int | float) and p != 0:
        r.bad(f"{where}: inspection_probability {p} on a transit declaration (not inspected)")
    r.anchor = None
    r.through_free_port = False
    return CustomsState.IN_BOND, round((node.transit_declaration_h + node.document_h) * 60) / 60


def free_port_link(r: RouteState, origin: Node, dest: Node, link: Link) -> bool:
    """Both ends in one free-port jurisdiction, not an international link: through cargo in
    transit may ride it under the carrier's control (Hong Kong)."""
    return (
        origin.jurisdiction == dest.jurisdiction
        and link.regime is not Regime.INTERNATIONAL
        and is_free_port(r.network, origin.jurisdiction)
    )


def regime_transition(
    r: RouteState, link: Link, origin: Node, dest: Node, where: str
) -> CustomsState:
    """The state after a domestic or supervised leg, or ``in_transit`` after an international
    one (the border events may turn it into ``in_bond``); reports boarding the link in a state it
    may not carry."""
    state = r.state
    crosses = origin.jurisdiction != dest.jurisdiction
    transit = CustomsState.IN_TRANSIT
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
    if (
        state is CustomsState.CLEARED_EXPORT
        and origin.kind is NodeKind.BORDER_CROSSING
        and link.regime is not Regime.INTERNATIONAL
    ):
        r.bad(
            f"{where}: export-cleared cargo at {origin.id}, a land border crossing (its point of "
            f"exit), is carried on by a {link.regime.value} link to {dest.id} instead of leaving "
            f"{origin.jurisdiction} there"
        )
    if state is CustomsState.IN_BOND and origin.jurisdiction in r.dest_jurisdictions:
        # the transit declaration names the office of destination: it is discharged there
        if crosses:
            r.bad(
                f"{where}: in_bond cargo leaves {origin.jurisdiction}, the destination's "
                "territory, under a transit declaration that names its office of destination"
            )
        elif r.is_office_of_destination(origin):
            r.bad(
                f"{where}: in_bond cargo moves on from {origin.id}, an office of destination it "
                "has reached (its bonded movement ends there: clear it there)"
            )
    free_port = free_port_link(r, origin, dest, link)
    if link.regime is Regime.DOMESTIC:
        if state is transit and free_port:
            return transit  # through cargo inside a free port
        if link.mixed_trade and state in (CustomsState.CLEARED_EXPORT, CustomsState.IN_BOND):
            return state  # 内外贸同船: sealed supervised cargo on a domestic departure
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
        if link.mode is Mode.TRUCK and state is transit:
            r.bad(
                f"{where}: plain road crossing boarded by in_transit cargo; without a TIR "
                f"carnet it carries only cargo export-cleared in {origin.jurisdiction} or "
                "under a transit declaration (in_bond)"
            )
        if state is CustomsState.CLEARED_EXPORT and r.hub is not None and origin.id != r.hub:
            r.bad(
                f"{where}: the Combined Port declaration made at {r.combined_at} is valid only "
                f"onward from its hub {r.hub}, but the cargo leaves {origin.jurisdiction} at "
                f"{origin.id}"
            )
        if not origin.offers(CustomsOp.EXIT):
            r.bad(f"{where}: international link starts at {origin.id}, which offers no exit")
        if not dest.offers(CustomsOp.ENTRY):
            r.bad(f"{where}: international link ends at {dest.id}, which offers no entry")
        return transit
    if state is transit:
        if free_port:
            return transit
        r.bad(
            f"{where}: supervised link boarded by in_transit cargo outside a free port: it must "
            f"be declared first (import at its point of entry {r.anchor} or a transit "
            "declaration to the office of destination)"
        )
        return transit  # judged on as what it is: in transit, away from its point of entry
    return state if state in SUPERVISED_STATES else CustomsState.FREE
