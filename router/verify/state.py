"""The state of one route while the checker replays it: where the cargo is, in which customs
state, since when, where it entered the territory it is in; where the shipment is going (the
destination's jurisdictions, nodes and customs districts: its office of destination); the border
events still to be matched to a leg; what it has visited; running sums for the
document-consistency checks; and the violations found so far. Checks that only need this state
live here too (cargo handling at a node, supervised cargo only at supervised sites, counting
transfers, per-leg sums)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from router.network.model import CargoClass, CustomsState, Mode, Network, Node
from router.routing.request import CONTAINER_TYPES, QuoteRequest
from router.verify.document import SUM_CNY_TOL, num_field
from router.verify.places import km, matches_place, point_jurisdiction
from router.verify.rules import HANDLING_KINDS, dg_listed, is_supervised


@dataclass
class RouteState:
    """State of one route as it is replayed, and the violations found."""

    network: Network
    request: QuoteRequest
    problems: list[str] = field(default_factory=list)
    pos: str | None = None  # node the cargo is at; None while off-network (lon/lat point)
    state: CustomsState = CustomsState.FREE
    free_in: str | None = None  # jurisdiction the cargo is in free circulation in
    export_from: str | None = None  # jurisdiction of the export clearance while cleared_export
    hub: str | None = None  # Combined Port hub the export clearance is valid at
    combined_at: str | None = None  # the feeder terminal of that Combined Port declaration
    #: in_transit: the node where the cargo landed from an international leg (its point of
    #: entry); None once it has moved on as through cargo inside a free port
    anchor: str | None = None
    #: in_transit cargo carried between places inside a free port since it landed
    through_free_port: bool = False
    #: where a leg left the cargo in_transit, and when, while no customs step has followed
    landed: tuple[str, datetime] | None = None
    #: the destination: its jurisdictions, nodes and customs districts (office of destination)
    dest_jurisdictions: frozenset[str] = field(init=False)
    dest_nodes: frozenset[str] = field(init=False)
    dest_districts: frozenset[str] = field(init=False)
    #: border and transhipment events of the document, matched to the legs as they are replayed
    border_events: list[tuple[int, Mapping[str, Any]]] = field(default_factory=list)
    matched: set[int] = field(default_factory=set)
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
    via_wait_h: float = 0.0  # border waits at the via crossings of the legs
    items: int = 0

    def __post_init__(self) -> None:
        self.t = self.request.ready
        self.dest_jurisdictions, self.dest_nodes = self._destination()
        self.dest_districts = frozenset(
            d for n in self.dest_nodes if (d := self.network.nodes[n].customs_district)
        )

    def _destination(self) -> tuple[frozenset[str], frozenset[str]]:
        """The destination's jurisdictions and nodes. A lon/lat destination is in the
        jurisdiction of its nearest node (:func:`point_jurisdiction`) and may be reached from any
        truck-served node there within ``max_truck_km`` by road (a superset of the nodes the
        engine tries)."""
        dest = self.request.destination
        nodes = self.network.nodes
        if dest.code is not None:
            found = frozenset(n for n in nodes if matches_place(n, dest.code, self.network))
            return frozenset(nodes[n].jurisdiction for n in found), found
        if dest.lon is None or dest.lat is None:
            return frozenset(), frozenset()
        where = point_jurisdiction(self.network, dest.lon, dest.lat)
        if where is None:
            return frozenset(), frozenset()
        truck = self.network.modes.get(Mode.TRUCK)
        detour = truck.detour_factor if truck else 1.0
        reach = self.request.constraints.max_truck_km * 1.01
        served = {lk.destination for lk in self.network.links.values() if lk.mode is Mode.TRUCK}
        found = frozenset(
            n
            for n in served
            if nodes[n].jurisdiction == where[0]
            and km(dest.lon, dest.lat, nodes[n].lon, nodes[n].lat) * detour <= reach
        )
        return frozenset({where[0]}), found

    def is_office_of_destination(self, node: Node) -> bool:
        """A destination node, or a node of the destination's own customs district."""
        return node.id in self.dest_nodes or (
            bool(node.customs_district) and node.customs_district in self.dest_districts
        )

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
        dg = self.request.cargo.imdg_class
        if (
            self.cargo_class is CargoClass.DANGEROUS
            and dg is not None
            and not dg_listed(node.dg_classes, dg)
        ):
            self.bad(
                f"{where}: dangerous goods of IMDG class {dg} handled at {node.id}, which accepts "
                f"classes {sorted(node.dg_classes) or 'none'}"
            )

    def check_state_at_node(self, where: str) -> None:
        """Cargo under customs supervision may only be at supervised nodes."""
        if self.state is CustomsState.FREE or self.pos is None:
            return
        node = self.network.nodes.get(self.pos)
        if node is not None and not is_supervised(node):
            self.bad(
                f"{where}: cargo is {self.state.value} at {node.id}, which is not a supervised "
                "site (no exit/entry/supervised_site/combined_port/transit_border operation)"
            )

    def leg_sums(self, leg: Mapping[str, Any], where: str) -> None:
        cost = num_field(leg, "cost", where)
        self.items += 1
        self.leg_cost += cost
        self.leg_co2 += num_field(leg, "co2e_kg", where)
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

    def board(self, *, road: bool) -> bool:
        """Count a leg; True if boarding it is a transfer (a change of vehicle at a node).

        Consecutive road legs (truck, TIR, first/last mile) are one haul by the same vehicle: no
        transfer and no handling. Any change involving a vessel, barge, train or aircraft is.
        """
        transfer = self.last_road is not None and not (self.last_road and road)
        self.transfers += transfer
        self.last_road = road
        return transfer
