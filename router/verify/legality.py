"""Independent customs-legality and consistency checker for quote documents.

This module replays a route from the quote document (DESIGN.md §4.1, as produced by
:func:`router.quotes.document.make_quote`) against the :class:`~router.network.model.Network` and the
:class:`~router.routing.request.QuoteRequest`, and lists every rule the route breaks. It shares no
code with the search (:mod:`router.routing.search`, ``compiled``, ``bounds``, ``quote``): the rules
are written down a second time, from DESIGN.md §2.2–2.3, so that a bug in the search shows up as a
violation here instead of being repeated.

What is checked (an empty list means the route is legal and the document consistent):

* **customs states** — cargo starts ``free`` at the origin; ``domestic`` links carry only cargo free
  in their own jurisdiction; ``supervised`` links carry only ``cleared_export``/``in_transit``/
  ``in_bond`` cargo (``in_transit`` becomes ``in_bond``) and stay inside one jurisdiction;
  ``international`` links cross jurisdictions, start at an ``exit`` node, end at an ``entry`` node,
  need a supervised state on boarding (export clearance in the jurisdiction being left; a plain
  international truck link, without TIR, only ``cleared_export`` cargo) and deliver
  ``in_transit``; cargo that is not ``free`` is only ever at supervised nodes; export clearance
  (``combined_port`` op included) and import clearance only where offered; each customs event's
  ``state_before`` is the state the cargo is in; every ``via`` border crossing of a leg appears as a
  ``transit_border`` event; at the destination the cargo is ``free`` when the request's customs
  scope includes import or the shipment is domestic, and never ``cleared_export``.
* **cargo classes** — every link accepts the cargo class (and ``reefer`` for reefer containers);
  handling nodes have reefer plugs / the IMDG main class; pharma imports only at white-listed nodes;
  e-commerce exports only at e-commerce nodes.
* **closures** — no leg of a mode closed at its origin, destination or via node departs on or after
  the closure date (e.g. trucks through Huanggang since 2025-12-21).
* **request constraints** — allowed modes, excluded nodes and operators, required nodes,
  max transfers (a transfer is a change of vehicle at a node: consecutive road legs are one haul),
  deadline, origin and destination.
* **time** — legs in order and connected; departures after the cargo is ready at the node (customs
  events, handling at transfers, export yard dwell, cut-off); running time = transit + border time;
  weekly departures on a scheduled weekday/time (CST), headway departures on the headway grid
  (anchored at Monday 00:00 CST of the ready week, as the engine documents), ``any``-time departures
  within the node's opening hours; export yard dwell before international
  vessel/train/aircraft departures of cleared or bonded cargo, shortened (direct loading /
  pick-up, Combined Port) only where the trader and node qualify; customs times follow the AEO profile.
* **document consistency** — duration, departure/arrival, time breakdown, cost breakdown, per-leg
  and per-event sums, CO2e total, transfers, tags and Pareto optimality between alternatives.
* **capacity** — the shipment fits one departure (TEU, or chargeable kg for air).

Known limits: a lon/lat origin or destination has no jurisdiction in the model; it is taken to be
that of the nearest node that is not a border crossing (:func:`point_jurisdiction`), and a first- or
last-mile truck leg must stay inside it (besides carrying ``free`` cargo, within ``max_truck_km``,
to a truck-served node not closed to trucks). Booked capacity of dated departures is not known
here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from router.network.model import (
    CargoClass,
    CustomsOp,
    CustomsState,
    Link,
    Mode,
    Network,
    Node,
    NodeKind,
    Regime,
    ScheduleKind,
    TariffUnit,
)
from router.routing.request import CONTAINER_TYPES, CustomsScope, QuoteRequest
from router.units import CST

SUPERVISED_STATES = frozenset(
    {CustomsState.CLEARED_EXPORT, CustomsState.IN_TRANSIT, CustomsState.IN_BOND}
)
#: operations that make a node a place where supervised cargo may be
SUPERVISED_OPS = frozenset(
    {
        CustomsOp.EXIT,
        CustomsOp.ENTRY,
        CustomsOp.SUPERVISED_SITE,
        CustomsOp.COMBINED_PORT,
        CustomsOp.TRANSIT_BORDER,
    }
)
#: node kinds where cargo is physically handled, so reefer plugs / DG classes matter
HANDLING_KINDS = frozenset(
    {
        NodeKind.SEAPORT,
        NodeKind.RIVER_TERMINAL,
        NodeKind.RAIL_TERMINAL,
        NodeKind.AIRPORT,
        NodeKind.AIR_TERMINAL,
        NodeKind.INLAND_DEPOT,
        NodeKind.BONDED_ZONE,
    }
)
#: export yard dwell: cargo delivered to the yard (cleared there, or brought in under seal) that
#: leaves on an international vessel, train or aircraft; not vessel-to-vessel transshipment
EXPORT_DWELL_MODES = frozenset({Mode.FEEDER, Mode.DEEPSEA, Mode.RAIL, Mode.AIR})
YARD_DWELL_STATES = frozenset({CustomsState.CLEARED_EXPORT, CustomsState.IN_BOND})
#: road modes: consecutive road legs are one haul by the same vehicle (no transfer, no handling)
ROAD_MODES = frozenset({Mode.TRUCK, Mode.TIR})
ROAD_MODE_NAMES = frozenset(m.value for m in ROAD_MODES)
#: modes that may pass intermediate borders in transit with only border time (TIR, rail)
TRANSIT_VIA_MODES = frozenset({Mode.RAIL, Mode.TIR})
EXPORT_OPS = frozenset({CustomsOp.EXPORT_CLEARANCE.value, CustomsOp.COMBINED_PORT.value})
IMPORT_OP = CustomsOp.IMPORT_CLEARANCE.value
BORDER_OP = CustomsOp.TRANSIT_BORDER.value
TAGS = ("cheapest", "fastest", "greenest", "recommended")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: a 20' box holds about 33 m3: space of loose (LCL) cargo on a container service, in TEU
M3_PER_TEU = 33.0

MINUTE = timedelta(minutes=1)
TIME_TOL = timedelta(minutes=1)
HOURS_TOL = 0.011  # one rounded 0.01 h field
SUM_H_TOL = 0.05
SUM_CNY_TOL = 0.05


class _Malformed(Exception):
    """The document lacks a field or has one of the wrong type."""


def _get(doc: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(doc, Mapping) or key not in doc:
        raise _Malformed(f"{where}: missing field {key!r}")
    return doc[key]


def _num(doc: Mapping[str, Any], key: str, where: str) -> float:
    value = _get(doc, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Malformed(f"{where}: field {key!r} is not a number ({value!r})")
    return float(value)


def _time(doc: Mapping[str, Any], key: str, where: str) -> datetime:
    value = _get(doc, key, where)
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Malformed(f"{where}: field {key!r} is not an ISO-8601 time ({value!r})") from None
    return moment.replace(tzinfo=CST) if moment.tzinfo is None else moment.astimezone(CST)


def _h(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


def _fmt(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M %a")


def _week_start(moment: datetime) -> datetime:
    day = moment.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def _matches_place(node_id: str, code: str, network: Network) -> bool:
    """Whether ``code`` (node id or UN/LOCODE) names ``node_id``."""
    if node_id == code:
        return True
    if code in network.nodes:
        return False
    node = network.nodes.get(node_id)
    return node is not None and (node.unlocode or "").upper() == code.upper()


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def point_jurisdiction(network: Network, lon: float, lat: float) -> tuple[str, str] | None:
    """(jurisdiction, node id) of the nearest node that is not a border crossing.

    The model has no territory polygons, so this is how a lon/lat place gets a customs territory;
    border-crossing nodes are skipped because the two sides of a crossing sit almost on top of
    each other.
    """
    best: tuple[float, Node] | None = None
    for node in network.nodes.values():
        if node.kind is NodeKind.BORDER_CROSSING:
            continue
        d = _km(lon, lat, node.lon, node.lat)
        if best is None or d < best[0]:
            best = (d, node)
    return None if best is None else (best[1].jurisdiction, best[1].id)


def _is_supervised(node: Node) -> bool:
    return bool(node.operations & SUPERVISED_OPS)


@dataclass
class _Replay:
    """State of one route as it is replayed, and the violations found."""

    network: Network
    request: QuoteRequest
    problems: list[str] = field(default_factory=list)
    pos: str | None = None  # node the cargo is at; None while off-network (lon/lat point)
    state: CustomsState = CustomsState.FREE
    free_in: str | None = None  # jurisdiction the cargo is in free circulation in
    export_from: str | None = None  # jurisdiction of the export clearance while cleared_export
    hub: str | None = None  # Combined Port hub the export clearance is valid at
    t: datetime = field(init=False)  # when the cargo is ready where it is
    last_road: bool | None = None  # whether the previous leg was by road; None before the first
    transfers: int = 0
    visited: set[str] = field(default_factory=set)
    origin_node: str | None = None
    final_node: str | None = None
    # sums for the document-consistency checks
    leg_cost: float = 0.0
    leg_freight: float = 0.0
    leg_handling: float = 0.0
    leg_port_fees: float = 0.0
    leg_storage: float = 0.0
    leg_co2: float = 0.0
    leg_waiting_h: float = 0.0
    leg_dwell_h: float = 0.0
    event_cost: float = 0.0
    event_clearance_h: float = 0.0
    event_dwell_h: float = 0.0
    items: int = 0

    def __post_init__(self) -> None:
        self.t = self.request.ready

    def bad(self, message: str) -> None:
        self.problems.append(message)

    # -------------------------------------------------------------------- cargo properties
    @property
    def cargo_class(self) -> CargoClass:
        return self.request.cargo.cargo_class

    @property
    def reefer(self) -> bool:
        cargo = self.request.cargo
        return cargo.cargo_class is CargoClass.REEFER or any(
            CONTAINER_TYPES[c].reefer for c, _ in cargo.containers
        )

    def node(self, node_id: Any, where: str) -> Node | None:
        node = self.network.nodes.get(node_id) if isinstance(node_id, str) else None
        if node is None:
            self.bad(f"{where}: unknown node {node_id!r}")
        return node

    def check_handling_node(self, node: Node, where: str) -> None:
        """Reefer plugs and dangerous-goods class where the cargo is handled."""
        if node.kind not in HANDLING_KINDS:
            return
        if self.reefer and not node.reefer:
            self.bad(f"{where}: reefer cargo handled at {node.id}, which has no reefer plugs")
        dg = self.request.cargo.imdg_main_class
        if self.cargo_class is CargoClass.DANGEROUS and dg not in node.dg_classes:
            self.bad(
                f"{where}: dangerous goods of IMDG class {dg} handled at {node.id}, which accepts "
                f"classes {sorted(node.dg_classes) or 'none'}"
            )

    def check_state_at_node(self, where: str) -> None:
        """Cargo under customs supervision may only be at supervised nodes."""
        if self.state is CustomsState.FREE or self.pos is None:
            return
        node = self.network.nodes.get(self.pos)
        if node is not None and not _is_supervised(node):
            self.bad(
                f"{where}: cargo is {self.state.value} at {node.id}, which is not a supervised "
                "site (no exit/entry/supervised_site/combined_port/transit_border operation)"
            )

    # ------------------------------------------------------------------------ the origin
    def start(self, legs: list[Mapping[str, Any]]) -> None:
        req = self.request
        self.t = req.ready
        first = legs[0]
        if req.origin.is_point:
            if first.get("link_id") is not None or first.get("from") != "origin":
                self.bad(
                    f"route does not start with a first-mile truck leg from the origin point "
                    f"{req.origin}"
                )
                self.pos = first.get("from") if isinstance(first.get("from"), str) else None
            else:
                self.pos = None
        else:
            start = first.get("from")
            assert req.origin.code is not None
            if not isinstance(start, str) or not _matches_place(
                start, req.origin.code, self.network
            ):
                self.bad(
                    f"route starts at {start!r}, not at the requested origin {req.origin.code}"
                )
            self.pos = start if isinstance(start, str) else None
        if self.pos is not None:
            node = self.node(self.pos, "origin")
            if node is not None:
                self.origin_node = node.id
                self.free_in = node.jurisdiction
                self.visited.add(node.id)
                self.check_handling_node(node, "origin")

    # ------------------------------------------------------------------- customs events
    def customs_event(self, i: int, ev: Mapping[str, Any]) -> None:
        op = _get(ev, "operation", f"customs event {i}")
        where = f"customs event {i} ({op} at {ev.get('node')})"
        at = _time(ev, "at", where)
        expected_h = _num(ev, "expected_h", where)
        clearance_h = _num(ev, "clearance_h", where)
        dwell_h = _num(ev, "dwell_h", where)
        cost = _num(ev, "cost", where)
        before = _get(ev, "state_before", where)
        after = _get(ev, "state_after", where)
        self.items += 1
        self.event_cost += cost
        self.event_clearance_h += clearance_h
        self.event_dwell_h += dwell_h
        node = self.node(ev.get("node"), where)
        if node is None:
            return
        self.visited.add(node.id)
        if self.pos != node.id:
            here = self.pos if self.pos is not None else "off-network (first/last-mile truck)"
            self.bad(f"{where}: happens at {node.id} but the cargo is at {here}")
        if at < self.t - TIME_TOL:
            self.bad(f"{where}: at {_fmt(at)}, before the cargo is ready there ({_fmt(self.t)})")
        if before != self.state.value:
            self.bad(f"{where}: state_before is {before!r} but the cargo is {self.state.value}")
        if abs(expected_h - (clearance_h + dwell_h)) > 2 * HOURS_TOL:
            self.bad(f"{where}: expected_h {expected_h} != clearance_h + dwell_h")
        if min(expected_h, clearance_h, dwell_h, cost) < 0:
            self.bad(f"{where}: negative time or cost")
        trader = self.request.trader
        profile = self.network.customs_profiles.get(trader.aeo_level)
        req_scope = self.request.customs_scope
        included = ev.get("included_in_quote", True)
        if included is False and cost != 0:
            self.bad(f"{where}: not included in the quote but costs {cost}")
        if op in EXPORT_OPS:
            if self.state is not CustomsState.FREE:
                self.bad(f"{where}: export clearance of cargo that is {self.state.value}, not free")
            elif self.free_in is not None and node.jurisdiction != self.free_in:
                self.bad(
                    f"{where}: export clearance in {node.jurisdiction} of cargo in free "
                    f"circulation in {self.free_in}"
                )
            if not node.offers(CustomsOp.EXPORT_CLEARANCE):
                self.bad(f"{where}: {node.id} offers no export_clearance")
            if op == CustomsOp.COMBINED_PORT.value:
                if not node.offers(CustomsOp.COMBINED_PORT) or not node.combined_port_hub:
                    self.bad(f"{where}: {node.id} is not a Combined Port terminal")
                if not trader.combined_port_allowed:
                    self.bad(f"{where}: the trader may not use the Combined Port")
            if self.cargo_class is CargoClass.ECOMMERCE and not node.offers(CustomsOp.ECOMMERCE):
                self.bad(f"{where}: e-commerce export cleared at {node.id}, not an ecommerce node")
            if dwell_h > HOURS_TOL:
                self.bad(f"{where}: export clearance with an import dwell of {dwell_h} h")
            want_included = req_scope in (CustomsScope.EXPORT, CustomsScope.BOTH)
            if isinstance(included, bool) and included != want_included:
                self.bad(
                    f"{where}: included_in_quote is {included} for customs scope {req_scope.value}"
                )
            new_state = CustomsState.CLEARED_EXPORT
            clearance_base = node.export_clearance_h
            self.export_from = node.jurisdiction
            combined = (
                op == CustomsOp.COMBINED_PORT.value
                and node.offers(CustomsOp.COMBINED_PORT)
                and trader.combined_port_allowed
            )
            self.hub = node.combined_port_hub if combined else None
        elif op == IMPORT_OP:
            if self.state not in (CustomsState.IN_TRANSIT, CustomsState.IN_BOND):
                self.bad(f"{where}: import clearance of cargo that is {self.state.value}")
            if not node.offers(CustomsOp.IMPORT_CLEARANCE):
                self.bad(f"{where}: {node.id} offers no import_clearance")
            if self.cargo_class is CargoClass.PHARMA and not node.offers(
                CustomsOp.PHARMA_WHITELIST
            ):
                self.bad(f"{where}: pharma import at {node.id}, which is not on the white list")
            legal_dwell = node.dwell_import_h
            if trader.direct_eligible and node.offers(CustomsOp.DIRECT_PICKUP):
                legal_dwell = min(legal_dwell, node.dwell_direct_h)
            if dwell_h < legal_dwell - HOURS_TOL:
                self.bad(
                    f"{where}: import dwell {dwell_h} h is shorter than the {legal_dwell:g} h "
                    "this trader may have here"
                )
            # an import outside the destination's jurisdiction is always part of the quote;
            # a lon/lat destination's jurisdiction is not known exactly, so it is not judged
            dest_jurs = self.destination_jurisdictions()
            want_included = req_scope in (CustomsScope.IMPORT, CustomsScope.BOTH) or (
                node.jurisdiction not in dest_jurs
            )
            if (
                isinstance(included, bool)
                and included != want_included
                and not self.request.destination.is_point
            ):
                self.bad(
                    f"{where}: included_in_quote is {included} for customs scope {req_scope.value}"
                )
            new_state = CustomsState.FREE
            clearance_base = node.import_clearance_h
            self.free_in = node.jurisdiction
            self.export_from = None
            self.hub = None
        elif op == BORDER_OP:
            self.bad(f"{where}: transit_border event not on a via crossing of the leg before it")
            return
        else:
            self.bad(f"{where}: unknown customs operation {op!r}")
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
                self.bad(
                    f"{where}: clearance_h {clearance_h} but the {trader.aeo_level.value} AEO "
                    f"profile at {node.id} gives {model_h:.2f} h"
                )
            p = ev.get("inspection_probability")
            if isinstance(p, int | float) and abs(p - profile.inspection_probability) > 1e-9:
                self.bad(f"{where}: inspection_probability {p} != AEO profile's")
        if after != new_state.value:
            self.bad(f"{where}: state_after is {after!r}, expected {new_state.value}")
        self.state = new_state
        self.check_state_at_node(where)
        self.t = at + timedelta(hours=expected_h)

    def destination_jurisdictions(self) -> set[str]:
        dest = self.request.destination
        if dest.is_point or dest.code is None:
            return set()
        return {
            n.jurisdiction
            for n in self.network.nodes.values()
            if _matches_place(n.id, dest.code, self.network)
        }

    # ------------------------------------------------------------------------------ legs
    def leg_sums(self, leg: Mapping[str, Any], where: str) -> None:
        cost = _num(leg, "cost", where)
        self.items += 1
        self.leg_cost += cost
        self.leg_co2 += _num(leg, "co2e_kg", where)
        breakdown = leg.get("cost_breakdown")
        if isinstance(breakdown, Mapping):
            parts = {k: float(v) for k, v in breakdown.items()}
            if abs(sum(parts.values()) - cost) > SUM_CNY_TOL:
                self.bad(f"{where}: cost breakdown sums to {sum(parts.values()):.2f}, not {cost}")
            self.leg_freight += parts.get("freight", 0.0)
            self.leg_handling += parts.get("handling", 0.0)
            self.leg_port_fees += parts.get("port_fees", 0.0)
            self.leg_storage += parts.get("storage", 0.0)
        else:
            self.leg_freight += cost
        self.leg_waiting_h += float(leg.get("waiting_h") or 0.0)
        self.leg_dwell_h += float(leg.get("dwell_h") or 0.0)

    def access_leg(self, k: int, n_legs: int, leg: Mapping[str, Any]) -> None:
        """A first- or last-mile truck leg between a lon/lat point and a node."""
        req = self.request
        first = k == 0 and leg.get("from") == "origin"
        where = f"leg {k} ({'first' if first else 'last'}-mile truck)"
        dep, arr = _time(leg, "departure", where), _time(leg, "arrival", where)
        self.leg_sums(leg, where)
        if leg.get("mode") != Mode.TRUCK.value:
            self.bad(f"{where}: mode {leg.get('mode')!r}, not truck")
        if arr <= dep:
            self.bad(f"{where}: arrives {_fmt(arr)} before departing {_fmt(dep)}")
        if dep < self.t - TIME_TOL:
            self.bad(f"{where}: departs {_fmt(dep)} before the cargo is ready ({_fmt(self.t)})")
        if self.state is not CustomsState.FREE:
            self.bad(
                f"{where}: a truck to/from an off-network point carries {self.state.value} cargo"
            )
        km = _num(leg, "distance_km", where)
        if km > req.constraints.max_truck_km + 0.1:
            self.bad(f"{where}: {km} km, beyond max_truck_km {req.constraints.max_truck_km:g}")
        if first:
            if not req.origin.is_point:
                self.bad(f"{where}: first-mile leg but the origin is the node {req.origin}")
            node = self.node(leg.get("to"), where)
        else:
            if k != n_legs - 1 or leg.get("to") != "destination":
                self.bad(f"{where}: an off-network truck leg in the middle of the route")
            if not req.destination.is_point:
                self.bad(
                    f"{where}: last-mile leg but the destination is the node {req.destination}"
                )
            node = self.node(leg.get("from"), where)
            if node is not None and node.id != self.pos:
                self.bad(f"{where}: starts at {node.id} but the cargo is at {self.pos}")
        if node is not None:
            self.visited.add(node.id)
            self.check_closed(node, Mode.TRUCK, dep, where)
            point = req.origin if first else req.destination
            if point.lon is not None and point.lat is not None:
                found = point_jurisdiction(self.network, point.lon, point.lat)
                if found is not None and found[0] != node.jurisdiction:
                    self.bad(
                        f"{where}: truck between {point} (in {found[0]}, nearest node {found[1]}) "
                        f"and {node.id} (in {node.jurisdiction}) crosses a customs border with no "
                        "clearance"
                    )
            if not any(
                lk.mode is Mode.TRUCK and node.id in (lk.origin, lk.destination)
                for lk in self.network.links.values()
            ):
                self.bad(f"{where}: {node.id} is not served by truck")
            if first:
                self.pos = node.id
                self.origin_node = node.id
                self.free_in = node.jurisdiction
                self.check_handling_node(node, where)
            else:
                self.final_node = node.id
                self.pos = None
        self.t = arr
        self.board(road=True)

    def board(self, *, road: bool) -> bool:
        """Count a leg; True if boarding it is a transfer (a change of vehicle at a node).

        Consecutive road legs (truck, TIR, first/last mile) are one haul by the same vehicle: no
        transfer and no handling. Any change involving a vessel, barge, train or aircraft is.
        """
        transfer = self.last_road is not None and not (self.last_road and road)
        self.transfers += transfer
        self.last_road = road
        return transfer

    def check_closed(self, node: Node, mode: Mode, dep: datetime, where: str) -> None:
        if mode not in node.closed_modes:
            return
        since = node.closed_since
        if since is None or dep.astimezone(CST).date() >= since:
            when = f" since {since.isoformat()}" if since else ""
            self.bad(
                f"{where}: {mode.value} leg departing {_fmt(dep)} uses {node.id}, closed to "
                f"{mode.value}{when}"
            )

    def check_schedule(self, link: Link, origin: Node, dep: datetime, where: str) -> None:
        local = dep.astimezone(CST)
        if local.second or local.microsecond:
            self.bad(f"{where}: departure {local.isoformat()} is not on a whole minute")
        minute_of_day = local.hour * 60 + local.minute
        schedule = link.schedule
        if schedule.kind is ScheduleKind.WEEKLY:
            slots = {(d.weekday, d.minute) for d in schedule.weekly}
            if (local.weekday(), minute_of_day) not in slots:
                listed = ", ".join(
                    f"{WEEKDAYS[d]} {m // 60:02d}:{m % 60:02d}" for d, m in sorted(slots)
                )
                self.bad(f"{where}: departs {_fmt(dep)}, not a scheduled departure ({listed})")
        elif schedule.kind is ScheduleKind.HEADWAY:
            anchor = _week_start(self.request.ready)
            headway = max(1, round(schedule.headway_h * 60))
            offset = round(schedule.offset_h * 60)
            since = round((local - anchor).total_seconds() / 60.0)
            if (since - offset) % headway:
                self.bad(
                    f"{where}: departs {_fmt(dep)}, off the {schedule.headway_h:g} h headway grid "
                    f"(offset {schedule.offset_h:g} h from Monday 00:00 CST)"
                )
        elif origin.opening_hours is not None:
            open_m, close_m = origin.opening_hours
            inside = (
                open_m <= minute_of_day < close_m
                if open_m < close_m
                else (minute_of_day >= open_m or minute_of_day < close_m)
            )
            if not inside:
                self.bad(
                    f"{where}: departs {_fmt(dep)}, outside {origin.id}'s opening hours "
                    f"{open_m // 60:02d}:{open_m % 60:02d}-{close_m // 60:02d}:{close_m % 60:02d}"
                )

    def check_tariff_and_capacity(self, link: Link, where: str) -> None:
        cargo = self.request.cargo
        if link.mode is Mode.AIR:
            if TariffUnit.KG not in link.tariffs:
                self.bad(f"{where}: {link.id} has no per-kg tariff")
            if link.capacity_kg is not None and cargo.chargeable_air_kg > link.capacity_kg + 1e-6:
                self.bad(
                    f"{where}: {cargo.chargeable_air_kg:g} chargeable kg exceed the "
                    f"{link.capacity_kg:g} kg capacity of one departure"
                )
            return
        if cargo.is_containerised:
            missing = {
                CONTAINER_TYPES[c].unit.value
                for c, _ in cargo.containers
                if CONTAINER_TYPES[c].unit not in link.tariffs
            }
            if missing:
                self.bad(f"{where}: {link.id} has no tariff for {', '.join(sorted(missing))}")
            teu = float(cargo.teu)
        else:
            if TariffUnit.WM not in link.tariffs and TariffUnit.C20 not in link.tariffs:
                self.bad(f"{where}: {link.id} has no tariff for loose cargo")
            teu = (cargo.volume_m3 or 1.0) / M3_PER_TEU
        if link.capacity_teu is not None and teu > link.capacity_teu + 1e-9:
            self.bad(
                f"{where}: {teu:g} TEU exceed the {link.capacity_teu:g} TEU capacity of one departure"
            )

    def regime_transition(self, link: Link, origin: Node, dest: Node, where: str) -> CustomsState:
        """The state after the leg; reports boarding the link in a state it may not carry."""
        state = self.state
        crosses = origin.jurisdiction != dest.jurisdiction
        if crosses:
            if link.regime is not Regime.INTERNATIONAL:
                self.bad(
                    f"{where}: {link.regime.value} link crosses from {origin.jurisdiction} to "
                    f"{dest.jurisdiction}"
                )
            if state is CustomsState.FREE:
                self.bad(
                    f"{where}: cargo leaves {origin.jurisdiction} without export clearance "
                    "(it is free)"
                )
            elif state is CustomsState.CLEARED_EXPORT and self.export_from != origin.jurisdiction:
                self.bad(
                    f"{where}: cargo leaves {origin.jurisdiction} on an export clearance made in "
                    f"{self.export_from}"
                )
        if link.regime is Regime.DOMESTIC:
            if state is not CustomsState.FREE:
                self.bad(f"{where}: domestic link carries {state.value} cargo")
            elif self.free_in is not None and origin.jurisdiction != self.free_in:
                self.bad(
                    f"{where}: domestic link in {origin.jurisdiction} carries cargo in free "
                    f"circulation in {self.free_in} (no import clearance)"
                )
            return CustomsState.FREE
        if state not in SUPERVISED_STATES:
            self.bad(
                f"{where}: {link.regime.value} link boarded by {state.value} cargo (needs "
                "cleared_export, in_transit or in_bond)"
            )
        if link.regime is Regime.INTERNATIONAL:
            if not crosses:
                self.bad(f"{where}: international link inside {origin.jurisdiction}")
            if link.mode is Mode.TRUCK and state is not CustomsState.CLEARED_EXPORT:
                self.bad(
                    f"{where}: plain road crossing boarded by {state.value} cargo; without a TIR "
                    f"carnet it must be export-cleared in {origin.jurisdiction} first"
                )
            if not origin.offers(CustomsOp.EXIT):
                self.bad(f"{where}: international link starts at {origin.id}, which offers no exit")
            if not dest.offers(CustomsOp.ENTRY):
                self.bad(f"{where}: international link ends at {dest.id}, which offers no entry")
            return CustomsState.IN_TRANSIT
        if state is CustomsState.IN_TRANSIT:
            return CustomsState.IN_BOND
        return state

    def network_leg(
        self, k: int, leg: Mapping[str, Any], events: list[Mapping[str, Any]], ei: int
    ) -> int:
        """Replay one leg on a network link; returns the index of the next customs event."""
        req = self.request
        link_id = leg.get("link_id")
        where = f"leg {k} ({link_id})"
        dep, arr = _time(leg, "departure", where), _time(leg, "arrival", where)
        self.leg_sums(leg, where)
        link = self.network.links.get(link_id) if isinstance(link_id, str) else None
        if link is None:
            self.bad(f"{where}: unknown link {link_id!r}")
            self.t = arr
            self.pos = leg.get("to") if isinstance(leg.get("to"), str) else None
            self.board(road=leg.get("mode") in ROAD_MODE_NAMES)
            return ei
        doc_via = leg.get("via", [])
        for fld, have, want in (
            ("from", leg.get("from"), link.origin),
            ("to", leg.get("to"), link.destination),
            ("mode", leg.get("mode"), link.mode.value),
            ("regime", leg.get("regime"), link.regime.value),
            ("operator", leg.get("operator"), link.operator),
            (
                "via",
                list(doc_via) if isinstance(doc_via, list | tuple) else doc_via,
                list(link.via),
            ),
        ):
            if have != want:
                self.bad(f"{where}: {fld} is {have!r} but link {link.id} has {want!r}")
        nodes = self.network.nodes
        origin, dest = nodes[link.origin], nodes[link.destination]
        vias = [nodes[v] for v in link.via]
        if self.pos != link.origin:
            self.bad(f"{where}: starts at {link.origin} but the cargo is at {self.pos}")
        # request constraints
        cons = req.constraints
        if link.mode not in cons.allowed_modes:
            self.bad(f"{where}: mode {link.mode.value} is not allowed by the request")
        if link.operator in cons.excluded_operators:
            self.bad(f"{where}: operator {link.operator!r} is excluded by the request")
        for n in (origin, dest, *vias):
            if n.id in cons.excluded_nodes:
                self.bad(f"{where}: passes {n.id}, excluded by the request")
            self.check_closed(n, link.mode, dep, where)
        # cargo class
        if self.cargo_class not in link.cargo_classes:
            self.bad(f"{where}: {link.id} does not accept {self.cargo_class.value} cargo")
        if self.reefer and CargoClass.REEFER not in link.cargo_classes:
            self.bad(f"{where}: reefer containers on {link.id}, which does not accept reefers")
        self.check_tariff_and_capacity(link, where)
        # time: ready at the node, handling, export dwell, cut-off, schedule, running time
        transfer = self.board(road=link.mode in ROAD_MODES)
        handling_h = origin.handling_h if transfer else 0.0
        dwell_h = float(leg.get("dwell_h") or 0.0)
        basis = leg.get("dwell_basis")
        if (
            self.state in YARD_DWELL_STATES
            and link.mode in EXPORT_DWELL_MODES
            and link.regime is Regime.INTERNATIONAL
        ):
            options = {"export": origin.dwell_export_h}
            if self.hub == origin.id:
                options["combined_port"] = origin.dwell_combined_h
            if req.trader.direct_eligible and origin.offers(CustomsOp.DIRECT_LOADING):
                options["direct_loading"] = origin.dwell_direct_h
            legal = min(options.values())
            if dwell_h < legal - HOURS_TOL:
                self.bad(
                    f"{where}: export yard dwell {dwell_h} h at {origin.id} is shorter than the "
                    f"{legal:g} h this trader may have ({', '.join(sorted(options))})"
                )
            if basis is not None and basis not in options:
                self.bad(
                    f"{where}: dwell basis {basis!r} not available here (allowed: "
                    f"{', '.join(sorted(options))})"
                )
        elif basis is not None:
            self.bad(f"{where}: dwell basis {basis!r} on a leg without export yard dwell")
        ready = self.t + timedelta(hours=handling_h + dwell_h)
        earliest = ready + timedelta(hours=link.schedule.cutoff_h)
        if dep < earliest - TIME_TOL:
            self.bad(
                f"{where}: departs {_fmt(dep)} before the cargo can make it ({_fmt(earliest)}: "
                f"ready {_fmt(self.t)} + handling {handling_h:g} h + dwell {dwell_h:g} h + "
                f"cut-off {link.schedule.cutoff_h:g} h)"
            )
        waiting = leg.get("waiting_h")
        if isinstance(waiting, int | float) and abs(waiting - _h(dep - ready)) > 2 * HOURS_TOL:
            self.bad(f"{where}: waiting_h {waiting} but it waits {_h(dep - ready):.2f} h")
        self.check_schedule(link, origin, dep, where)
        running = timedelta(hours=link.transit_h + sum(v.border_transit_h for v in vias))
        if abs(arr - dep - running) > TIME_TOL + len(vias) * MINUTE:
            self.bad(
                f"{where}: runs {_h(arr - dep):.2f} h but transit + border time is "
                f"{_h(running):.2f} h"
            )
        if abs(_num(leg, "duration_h", where) - _h(arr - dep)) > HOURS_TOL:
            self.bad(f"{where}: duration_h {leg.get('duration_h')} != arrival - departure")
        # customs regime
        if link.via and link.mode not in TRANSIT_VIA_MODES:
            self.bad(
                f"{where}: {link.mode.value} passes border crossings {list(link.via)} in transit; "
                "only TIR and international rail may"
            )
        new_state = self.regime_transition(link, origin, dest, where)
        for v in vias:
            if not v.offers(CustomsOp.TRANSIT_BORDER):
                self.bad(f"{where}: passes {v.id} in transit, which offers no transit_border")
            if new_state is not CustomsState.FREE and not _is_supervised(v):
                self.bad(f"{where}: {new_state.value} cargo passes {v.id}, not supervised")
        # the via crossings must follow as transit_border events
        for v in vias:
            if ei >= len(events) or events[ei].get("operation") != BORDER_OP:
                self.bad(f"{where}: no transit_border event for the crossing at {v.id}")
                continue
            ev = events[ei]
            ew = f"customs event {ei} (transit_border at {ev.get('node')})"
            ei += 1
            at = _time(ev, "at", ew)
            self.items += 1
            self.event_cost += _num(ev, "cost", ew)
            self.event_clearance_h += _num(ev, "clearance_h", ew)
            self.event_dwell_h += _num(ev, "dwell_h", ew)
            if ev.get("node") != v.id:
                self.bad(f"{ew}: expected the crossing at {v.id} of {link.id}")
            if not dep <= at <= arr:
                self.bad(f"{ew}: at {_fmt(at)}, outside its leg ({_fmt(dep)}-{_fmt(arr)})")
            for fld in ("state_before", "state_after"):
                if ev.get(fld) != new_state.value:
                    self.bad(f"{ew}: {fld} is {ev.get(fld)!r}, cargo is {new_state.value}")
            exp = _num(ev, "expected_h", ew)
            if abs(exp - v.border_transit_h) > HOURS_TOL:
                self.bad(
                    f"{ew}: expected_h {exp} but {v.id} border time is {v.border_transit_h:g} h"
                )
        # arrive
        self.state = new_state
        self.export_from = self.export_from if new_state is CustomsState.CLEARED_EXPORT else None
        self.hub = self.hub if new_state is CustomsState.CLEARED_EXPORT else None
        self.pos = dest.id
        self.t = arr
        self.visited.update((origin.id, dest.id, *link.via))
        self.check_handling_node(dest, where)
        self.check_state_at_node(where)
        return ei

    # ------------------------------------------------------------------------ the route
    def run(self, alt: Mapping[str, Any]) -> None:
        legs = _get(alt, "legs", "alternative")
        events = _get(alt, "customs_events", "alternative")
        if not isinstance(legs, list) or not isinstance(events, list):
            raise _Malformed("alternative: legs and customs_events must be lists")
        if not legs:
            self.bad("alternative has no legs")
            return
        self.start(legs)
        ei = 0
        prev_dep: datetime | None = None
        for k, leg in enumerate(legs):
            dep = _time(leg, "departure", f"leg {k}")
            if prev_dep is not None and dep < prev_dep:
                self.bad(f"leg {k}: departs {_fmt(dep)}, before leg {k - 1} departs")
            prev_dep = dep
            while ei < len(events):
                # customs steps at the node before this leg departs (a transit_border event
                # here is a stray: crossings happen while a leg runs, after its departure)
                ev = events[ei]
                if _time(ev, "at", f"customs event {ei}") > dep:
                    break
                self.customs_event(ei, ev)
                ei += 1
            if leg.get("link_id") is None:
                self.access_leg(k, len(legs), leg)
            else:
                ei = self.network_leg(k, leg, events, ei)
        while ei < len(events):
            self.customs_event(ei, events[ei])
            ei += 1
        self.finish(alt, legs)

    def finish(self, alt: Mapping[str, Any], legs: list[Mapping[str, Any]]) -> None:
        req = self.request
        cons = req.constraints
        # where it ends, and in which state
        if req.destination.is_point:
            if legs[-1].get("to") != "destination":
                self.bad(
                    f"route does not end with a last-mile truck leg to the destination point "
                    f"{req.destination}"
                )
                self.final_node = self.pos
        else:
            self.final_node = self.pos
            assert req.destination.code is not None
            if self.pos is None or not _matches_place(self.pos, req.destination.code, self.network):
                self.bad(
                    f"route ends at {self.pos!r}, not at the requested destination {req.destination}"
                )
        final = self.network.nodes.get(self.final_node) if self.final_node else None
        origin = self.network.nodes.get(self.origin_node) if self.origin_node else None
        domestic = (
            final is not None and origin is not None and (final.jurisdiction == origin.jurisdiction)
        )
        if self.state is CustomsState.CLEARED_EXPORT:
            self.bad("route ends with the cargo cleared for export but never exported")
        elif self.state is not CustomsState.FREE and (
            domestic or req.customs_scope in (CustomsScope.IMPORT, CustomsScope.BOTH)
        ):
            why = (
                "the shipment is domestic"
                if domestic
                else (f"customs scope {req.customs_scope.value} includes import")
            )
            self.bad(f"route ends with the cargo {self.state.value}, not import-cleared, but {why}")
        elif (
            self.state is CustomsState.FREE
            and final is not None
            and self.free_in is not None
            and final.jurisdiction != self.free_in
        ):
            self.bad(
                f"cargo ends free in {self.free_in} but is at {final.id} in {final.jurisdiction}"
            )
        # request constraints
        missing = [n for n in cons.required_nodes if n not in self.visited]
        if missing:
            self.bad(f"required node(s) not visited: {', '.join(missing)}")
        transfers = alt.get("transfers")
        if transfers != self.transfers:
            self.bad(
                f"transfers is {transfers!r} but the route changes vehicle {self.transfers} time(s)"
            )
        if cons.max_transfers is not None and self.transfers > cons.max_transfers:
            self.bad(f"{self.transfers} transfers, more than the {cons.max_transfers} allowed")
        # times of the whole route
        end = max(self.t, _time(legs[-1], "arrival", f"leg {len(legs) - 1}"))
        arrival = _time(alt, "arrival", "alternative")
        departure = _time(alt, "departure", "alternative")
        first_dep = _time(legs[0], "departure", "leg 0")
        if departure != first_dep:
            self.bad(f"departure {_fmt(departure)} is not the first leg's {_fmt(first_dep)}")
        if first_dep < req.ready:
            self.bad(
                f"first leg departs {_fmt(first_dep)}, before the ready time {_fmt(req.ready)}"
            )
        if abs(arrival - end) > TIME_TOL:
            self.bad(f"arrival {_fmt(arrival)} but the route ends {_fmt(end)}")
        if req.deadline is not None and arrival > req.deadline:
            self.bad(f"arrives {_fmt(arrival)}, after the deadline {_fmt(req.deadline)}")
        duration = _num(alt, "duration_h", "alternative")
        if abs(duration - _h(arrival - req.ready)) > HOURS_TOL:
            self.bad(
                f"duration_h {duration} but arrival - ready is {_h(arrival - req.ready):.2f} h"
            )
        tb = _get(alt, "time_breakdown_h", "alternative")
        parts = {k: float(v) for k, v in tb.items()}
        if any(v < 0 for v in parts.values()):
            self.bad(f"time breakdown has a negative part: {parts}")
        if abs(sum(parts.values()) - duration) > SUM_H_TOL:
            self.bad(f"time breakdown sums to {sum(parts.values()):.2f} h, not duration {duration}")
        tol_items = SUM_H_TOL + 0.005 * self.items
        for name, total in (
            ("waiting", self.leg_waiting_h),
            ("dwell", self.leg_dwell_h + self.event_dwell_h),
            ("customs", self.event_clearance_h),
        ):
            if name in parts and abs(parts[name] - total) > tol_items:
                self.bad(
                    f"time breakdown {name} is {parts[name]} h but legs and customs events "
                    f"add up to {total:.2f} h"
                )
        # money and CO2e
        cost = _get(alt, "cost", "alternative")
        total = _num(cost, "total", "cost")
        if cost.get("currency") != "CNY":
            self.bad(f"cost currency is {cost.get('currency')!r}, not CNY")
        breakdown = {k: float(v) for k, v in _get(cost, "breakdown", "cost").items()}
        if any(v < 0 for v in breakdown.values()):
            self.bad(f"cost breakdown has a negative part: {breakdown}")
        if abs(sum(breakdown.values()) - total) > SUM_CNY_TOL:
            self.bad(f"cost breakdown sums to {sum(breakdown.values()):.2f}, not total {total}")
        tol_cny = SUM_CNY_TOL + 0.005 * self.items
        if abs(self.leg_cost + self.event_cost - total) > tol_cny:
            self.bad(
                f"legs and customs events cost {self.leg_cost + self.event_cost:.2f}, "
                f"not the total {total}"
            )
        for name, want in (
            ("freight", self.leg_freight),
            ("handling", self.leg_handling),
            ("port_fees", self.leg_port_fees),
        ):
            if name in breakdown and abs(breakdown[name] - want) > tol_cny:
                self.bad(
                    f"cost breakdown {name} is {breakdown[name]} but the legs add up to {want:.2f}"
                )
        customs_storage = breakdown.get("customs", 0.0) + breakdown.get("storage", 0.0)
        if abs(customs_storage - self.event_cost - self.leg_storage) > tol_cny:
            self.bad(
                f"cost breakdown customs + storage is {customs_storage:.2f} but customs events "
                f"and leg storage add up to {self.event_cost + self.leg_storage:.2f}"
            )
        co2 = _num(alt, "co2e_kg", "alternative")
        if abs(co2 - self.leg_co2) > 0.1 + 0.05 * self.items:
            self.bad(f"co2e_kg {co2} but the legs add up to {self.leg_co2:.1f}")


def check_alternative(
    network: Network, request: QuoteRequest, alternative: Mapping[str, Any]
) -> list[str]:
    """Every customs-legality and consistency violation of one alternative (empty: legal)."""
    replay = _Replay(network, request)
    try:
        replay.run(alternative)
    except _Malformed as exc:
        replay.bad(f"malformed document: {exc}")
    except (AttributeError, TypeError, ValueError) as exc:
        replay.bad(f"malformed document: {type(exc).__name__}: {exc}")
    return replay.problems


def _criteria(alt: Mapping[str, Any]) -> tuple[datetime, float, float, int] | None:
    try:
        return (
            _time(alt, "arrival", "alternative"),
            _num(_get(alt, "cost", "alternative"), "total", "cost"),
            _num(alt, "co2e_kg", "alternative"),
            int(_get(alt, "transfers", "alternative")),
        )
    except (_Malformed, TypeError, ValueError):
        return None


def _surely_dominates(
    a: tuple[datetime, float, float, int], b: tuple[datetime, float, float, int]
) -> bool:
    """a beats b for certain although money and CO2e are rounded in the document.

    Arrival and transfers are exact; equal rounded cost or CO2e could hide either order, so a
    counts as no worse there only when its rounded value is strictly smaller.
    """
    return a[0] <= b[0] and a[3] <= b[3] and a[1] < b[1] and a[2] < b[2]


def _check_set(alternatives: list[Mapping[str, Any]]) -> list[str]:
    """Tags and Pareto optimality across the alternatives of one quote.

    ``recommended`` is on exactly one alternative; ``cheapest``/``fastest``/``greenest`` on at most
    one (fewer alternatives than tags may drop some), and if present on the best alternative for
    that criterion. No alternative may be dominated by another.
    """
    problems: list[str] = []
    tagged: dict[str, list[int]] = {t: [] for t in TAGS}
    for i, alt in enumerate(alternatives):
        tags = alt.get("tags", [])
        for tag in tags if isinstance(tags, list) else []:
            if tag not in tagged:
                problems.append(f"alternative {i}: unknown tag {tag!r}")
            else:
                tagged[tag].append(i)
    for tag, holders in tagged.items():
        if len(holders) > 1 or (tag == "recommended" and alternatives and not holders):
            problems.append(f"tag {tag!r} is on {len(holders)} alternatives")
    crit = [_criteria(a) for a in alternatives]
    full = [c for c in crit if c is not None]
    if len(full) != len(crit):
        return problems
    best_arrival = min((c[0] for c in full), default=None)
    best_cost = min((c[1] for c in full), default=None)
    best_co2 = min((c[2] for c in full), default=None)
    for tag, value, best in (
        ("fastest", lambda c: c[0], best_arrival),
        ("cheapest", lambda c: c[1], best_cost),
        ("greenest", lambda c: c[2], best_co2),
    ):
        for i in tagged[tag]:
            if value(full[i]) != best:
                problems.append(f"alternative {i} is tagged {tag} but another alternative beats it")
    for i, b in enumerate(full):
        for j, a in enumerate(full):
            if i != j and _surely_dominates(a, b):
                problems.append(f"alternative {i} is dominated by alternative {j}")
                break
    return problems


def check_quote(network: Network, request: QuoteRequest, quote: Mapping[str, Any]) -> list[str]:
    """Every violation of a quote document: each alternative, and the set of alternatives."""
    status = quote.get("status")
    alternatives = quote.get("alternatives")
    if not isinstance(alternatives, list):
        return ["malformed document: 'alternatives' is not a list"]
    problems: list[str] = []
    if status == "no_route":
        if alternatives:
            problems.append("status no_route but the quote has alternatives")
        if not quote.get("reasons"):
            problems.append("status no_route without reasons")
        return problems
    if status != "ok":
        return [f"unknown status {status!r}"]
    if not alternatives:
        problems.append("status ok but no alternatives")
    if len(alternatives) > request.preferences.alternatives:
        problems.append(
            f"{len(alternatives)} alternatives, more than the {request.preferences.alternatives} asked"
        )
    for i, alt in enumerate(alternatives):
        problems.extend(f"alternative {i}: {p}" for p in check_alternative(network, request, alt))
    problems.extend(_check_set(alternatives))
    return problems
