"""Time-dependent multi-criteria label-setting search under customs-supervision rules.

A label is a partial route: where the cargo is (node), in which customs state, with which
Combined Port hub its export clearance is valid for, which required nodes it has passed, and
its criteria: arrival minute, cost in fen (CNY/100), CO2e in grams and transfers. Labels are
settled in lexicographic order of (arrival + a lower bound of the time still to go, cost, CO2e,
transfers): Martins' algorithm, goal-directed like A* (within one state the bound is the same, so
labels of a state still settle in arrival order). A label dominated by a settled label of the
same state, or whose criteria plus lower bounds of what is left are dominated by a finished
route (target pruning), is dropped; a few quick single-criterion routes (fastest, cheapest,
greenest) seed the finished routes so that target pruning works from the start. Customs rules
live in :func:`Search.expand`, so the search never generates an illegal route;
:mod:`router.verify.legality` verifies that independently.

Route semantics (what "the Pareto set" means, also for brute force): a route is a sequence of
links and customs operations; every leg takes the earliest departure it can make after the
cargo is ready (cut-off, opening hours and remaining capacity respected).
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from router.network.model import (
    AeoLevel,
    CustomsState,
    Mode,
    Regime,
    ScheduleKind,
    TariffUnit,
)
from router.network.pricing import AdValoremScope
from router.network.timetable import (
    closed_from_min,
    headway_phase,
    week_start,
)
from router.routing.bounds import bound_arcs, reverse_lower_bounds
from router.routing.compiled import (
    LEG_KIND,
    MODE_CODE,
    NO_LEG,
    ROAD_LEG,
    SEA_MODES,
    TERMINAL_LEG,
    TERMINAL_MODES,
    CLink,
    CompiledNetwork,
)
from router.routing.customs import CustomsRules, destination_districts
from router.routing.labels import (
    Access,
    CapacityFn,
    Label,
    LazyStep,
    Route,
    SearchStats,
    Step,
    add_to_front,
    beaten,
)
from router.routing.linkrules import LinkRules
from router.routing.prices import CargoPrices, storage_fen
from router.routing.request import CustomsScope, QuoteRequest
from router.routing.transitions import (
    DWELL_STATES,
    STATE_AFTER,
    is_transfer,
)
from router.units import MINUTES_PER_DAY as DAY_MINUTES
from router.units import fen

#: what boarding a link needs that does not depend on the departure taken (see Search._boarding)
BoardingContext = tuple[int, CustomsState, int, bool, int, int, int, str]
#: settled labels after which a search stops and reports itself incomplete (bounds the work of
#: one request; the bundled network's hardest queries settle about 10,000): at least this many,
#: and :data:`LABELS_PER_NODE` per node of the network (:func:`label_budget_for`)
DEFAULT_LABEL_BUDGET = 200_000
LABELS_PER_NODE = 50
#: ``label_budget`` default: scaled to the network (:func:`label_budget_for`)
AUTO_BUDGET = -1
#: no route arriving later than this after its ready time is searched (a request without a
#: deadline has this one): the slowest route of the bundled network, a sailing via the Cape
#: with weekly transhipments, takes under half of it. It bounds the search where nothing else
#: does: labels that loop (a truck back and forth) cost storage slack, not dominance, and with
#: no finished route to prune them they would otherwise run on to the label budget
SEARCH_HORIZON_DAYS = 120


def label_budget_for(cn: CompiledNetwork) -> int:
    """The default label budget of one search on ``cn``: scales with the network's size."""
    return max(DEFAULT_LABEL_BUDGET, LABELS_PER_NODE * len(cn.nodes))


@dataclass
class Search(LinkRules, CustomsRules):
    """One query's search over a compiled network.

    ``origins`` and ``destinations`` are node indices with an optional access leg; the rules and
    prices come from ``request``. ``capacity`` reports remaining space of dated departures.
    """

    cn: CompiledNetwork
    request: QuoteRequest
    origins: list[tuple[int, Access | None]]
    destinations: list[tuple[int, Access | None]]
    capacity: CapacityFn | None = None
    respect_deadline: bool = True
    apply_pharma_rule: bool = True
    apply_class_rules: bool = True
    label_budget: int | None = AUTO_BUDGET
    stats: SearchStats = field(default_factory=SearchStats)

    def __post_init__(self) -> None:
        req = self.request
        if self.label_budget == AUTO_BUDGET:
            self.label_budget = label_budget_for(self.cn)
        self.epoch = week_start(req.ready)
        self.ready_min = int((req.ready - self.epoch).total_seconds() // 60)
        #: the latest arrival searched (minutes from the epoch): the request's deadline, and
        #: never beyond the search horizon
        self.search_horizon_min = self.ready_min + SEARCH_HORIZON_DAYS * DAY_MINUTES
        self.deadline_min = (
            min(int((req.deadline - self.epoch).total_seconds() // 60), self.search_horizon_min)
            if req.deadline
            else self.search_horizon_min
        )
        network = self.cn.network
        profiles = network.customs_profiles
        own = profiles[req.trader.aeo_level]
        plain = profiles.get(AeoLevel.NONE, own)
        # a Chinese AEO status has effect in China and where an MRA with China is in force
        with_aeo = (own.inspection_probability, own.clearance_time_factor)
        self.no_aeo_profile = (plain.inspection_probability, plain.clearance_time_factor)
        self.customs_profile = {
            code: with_aeo if code == "CN" or jurisdiction.aeo_mra_cn else self.no_aeo_profile
            for code, jurisdiction in network.jurisdictions.items()
        }
        cargo = req.cargo
        self.cargo = cargo
        # what the cargo pays on links and at nodes, on the ready day (router.routing.prices)
        self.prices = CargoPrices(self.cn, cargo, req.ready.date())
        self.units: dict[TariffUnit, int] = self.prices.boxes
        self.reefer = self.prices.reefer
        self.need_teu = cargo.space_teu
        self.need_kg = cargo.chargeable_air_kg
        origin_jurisdictions = {self.cn.nodes[i].jurisdiction for i, _ in self.origins}
        self.dest_jurisdictions = {self.cn.nodes[i].jurisdiction for i, _ in self.destinations}
        self.international = bool(origin_jurisdictions - self.dest_jurisdictions) or bool(
            self.dest_jurisdictions - origin_jurisdictions
        )
        self.export_included = req.customs_scope in (CustomsScope.EXPORT, CustomsScope.BOTH)
        self.import_included = req.customs_scope in (CustomsScope.IMPORT, CustomsScope.BOTH)
        self.required = {
            self.cn.index[n]: 1 << i for i, n in enumerate(req.constraints.required_nodes)
        }
        self.full_mask = (1 << len(self.required)) - 1
        self.dest_access = {i: acc for i, acc in self.destinations}
        self.dest_nodes = frozenset(self.dest_access)
        # (jurisdiction, district): a district code names an office of one customs territory
        self.dest_districts = destination_districts(self.cn, self.dest_nodes)
        cons = req.constraints
        self.max_transfers = cons.max_transfers if cons.max_transfers is not None else 1 << 30
        # per-link and per-node tables depend only on the cargo (not its declared value: that
        # prices only the ad-valorem charges, which are not in them), the link filters and the
        # surcharges in force (the price period of the ready day, not the day itself): queries
        # that share them (the common case in a service and in batch work) reuse them,
        # whatever their week and cargo value
        self._profile = (
            dataclasses.replace(cargo, value_cny=None),
            cons.allowed_modes,
            cons.excluded_operators,
            cons.excluded_nodes,
            self.apply_class_rules,
            tuple(id(s) for s in self.prices.surcharges),
        )
        tables = self.cn.memo_get(("tables", self._profile))
        if tables is None:
            freight = [self._freight_fen(cl) for cl in self.cn.links]
            self.freight_fen = freight
            self.overweight = [self._overweight(cl) for cl in self.cn.links]
            usable = [self._usable(cl) for cl in self.cn.links]
            node_ok = [self._node_ok(n) for n in self.cn.nodes]
            boardable = [usable[cl.index] and node_ok[cl.destination] for cl in self.cn.links]
            haul_fixed = [self.prices.haul_fixed_fen(cl) for cl in self.cn.links]
            storage_day = [
                self._per_unit_fee(i, "storage") * 100.0 for i in range(len(self.cn.nodes))
            ]
            tables = (
                freight,
                usable,
                node_ok,
                boardable,
                haul_fixed,
                storage_day,
                self.overweight,
            )
            self.cn.memo_put(("tables", self._profile), tables)
        (
            self.freight_fen,
            self.usable,
            self.node_ok,
            self.boardable,
            self.haul_fixed_fen,
            self.storage_fen_per_day,
            self.overweight,
        ) = tables
        # closures and headway phases as minutes from the query's week start
        week = self.cn.memo_get(("week", self.epoch))
        if week is None:
            week = (
                [closed_from_min(network, cl.link, self.epoch) for cl in self.cn.links],
                [headway_phase(cl.offset_min, cl.headway_min, self.epoch) for cl in self.cn.links],
            )
            self.cn.memo_put(("week", self.epoch), week)
        self._closed_from, self._phase = week
        #: storage accrues at most this fast at a node (fen per minute), for at most this long
        #: more for an earlier label than for a later one: the dominance slack (see run)
        self.storage_rate = [per_day / DAY_MINUTES for per_day in self.storage_fen_per_day]
        self.storage_gap_min: list[int | None] = [None] * len(self.cn.nodes)
        self.free_storage_min = self.cn.free_storage_min
        self._transfer_fen: dict[tuple[int, int], int] = {}
        #: charges of the whole route in percent of the declared value (cargo insurance)
        self.route_charges = self.prices.ad_valorem_lines(AdValoremScope.ROUTE)
        self.route_charge_fen = sum(line.fen for line in self.route_charges)
        self.lcl = not cargo.is_containerised
        self._air_code = MODE_CODE[Mode.AIR]
        self.leg_kind, self.dwell_link = self.cn.leg_kind, self.cn.dwell_link
        # departs the moment the cargo is ready (after cut-off): no timetable, opening hours,
        # closure or capacity to look up
        if self.capacity is not None:
            self.simple_departure = [False] * len(self.cn.links)
        else:
            simple = self.cn.memo_get(("simple", self.epoch))
            if simple is None:
                simple = [
                    cl.schedule is ScheduleKind.ANY
                    and self.cn.nodes[cl.origin].opening_hours is None
                    and self._closed_from[cl.index] is None
                    for cl in self.cn.links
                ]
                self.cn.memo_put(("simple", self.epoch), simple)
            self.simple_departure = simple
        # international links entering the destination's territory at a border before their end
        # (a train entering the EU at Małaszewicze for Duisburg): a transit declaration to the
        # office of destination is lodged at that border and the cargo arrives in bond
        dest_key = ("arrival", frozenset(self.dest_jurisdictions))
        arrival = self.cn.memo_get(dest_key)
        if arrival is None:
            arrival = [self._arrival_state(cl) for cl in self.cn.links]
            self.cn.memo_put(dest_key, arrival)
        self.arrival_state = arrival
        self._constants: dict[int, tuple[int, int, int, int, int]] = {}
        self._room: dict[tuple[int, int], bool] = {}
        self.lower = self._lower_bounds()

    def entry_declaration_fen(self, cl: CLink) -> int:
        """Fee of the transit declaration lodged at the entry border of ``cl`` (0 if none)."""
        if self.arrival_state[cl.index] is not CustomsState.IN_BOND:
            return 0
        border = cl.borders[-1]
        fee = fen(self.cn.fee(border.entry_node, "declaration", "declaration"))
        return fee + self.transit_guarantee_fen(border.to_jurisdiction)

    def _lower_bounds(self) -> tuple[list[int], list[int], list[int]]:
        """Per node: lower bounds on remaining minutes, fen and grams to any destination."""
        return self.lower_bounds_to(i for i, _ in self.destinations)

    def lower_bounds_to(self, nodes: Iterable[int]) -> tuple[list[int], list[int], list[int]]:
        """Per node: lower bounds on remaining minutes, fen and grams to the nearest of
        ``nodes`` (kept on the network's memo per cargo profile and destination nodes)."""
        key = ("bounds", self._profile, tuple(sorted(set(nodes))))
        bounds = self.cn.memo_get(key)
        if bounds is None:
            arcs = self.cn.memo_get(("bound-arcs", self._profile))
            if arcs is None:
                arcs = bound_arcs(self.cn, self.usable, self._bound_constants)
                self.cn.memo_put(("bound-arcs", self._profile), arcs)
            bounds = reverse_lower_bounds(self.cn, arcs, key[2])
            self.cn.memo_put(key, bounds)
        return bounds

    # ------------------------------------------------------------------------ transitions
    def initial_labels(self) -> list[Label]:
        labels = []
        for node, access in self.origins:
            mask = self.required.get(node, 0)
            if access is None:
                labels.append(
                    Label(self.ready_min, 0, 0, 0, node, CustomsState.FREE, -1, mask, NO_LEG)
                )
                continue
            step = Step(
                "access",
                node,
                self.ready_min,
                self.ready_min + access.duration_min,
                access=access,
                freight_fen=access.cost_fen,
                co2_g=access.co2_g,
                transit_min=access.duration_min,
            )
            labels.append(
                Label(
                    step.end_min,
                    access.cost_fen,
                    access.co2_g,
                    0,
                    node,
                    CustomsState.FREE,
                    -1,
                    mask,
                    MODE_CODE[Mode.TRUCK],
                    None,
                    step,
                )
            )
        return [lb for lb in labels if self.node_ok[lb.node]]

    def expand(self, label: Label) -> Iterator[Label]:
        """Every successor of ``label`` allowed by the customs, schedule and request rules."""
        yield from self._customs_actions(label)
        for cl in self.cn.out_links[label.node]:
            successor = self._board(label, cl)
            if successor is not None:
                yield successor

    def _board(self, label: Label, cl: CLink) -> Label | None:
        """``label`` boarding ``cl`` on its earliest departure with room (None: not allowed)."""
        ctx = self._boarding(label, cl)
        if ctx is None:
            return None
        ready = ctx[0]
        if self.simple_departure[cl.index]:
            dep = ready + cl.cutoff_min
        else:
            scheduled = self.next_departure(cl, ready)
            if scheduled is None:
                return None
            dep = scheduled
        return self._board_at(label, cl, ctx, dep)

    def _boarding(self, label: Label, cl: CLink) -> BoardingContext | None:
        """Whether ``label`` may board ``cl`` and, if so, what does not depend on the departure
        taken: (ready minute, state after, anchor, transfer, transfers, handling minutes, dwell
        minutes, dwell basis)."""
        i = cl.index
        if not self.boardable[i]:
            return None
        regime = cl.link.regime
        after = self.state_after_link(label.state, cl)
        if after is None:
            return None
        if label.state is CustomsState.IN_BOND and not self._bond_may_continue(label, regime):
            return None
        anchor = -1
        if regime is Regime.INTERNATIONAL:
            if label.state is CustomsState.CLEARED_EXPORT and 0 <= label.anchor != label.node:
                return None  # a Combined Port declaration is valid only onward from its hub
            after = self.arrival_state[i]
            if after is CustomsState.IN_TRANSIT:
                anchor = cl.destination  # landed at its point of entry
        elif after is CustomsState.CLEARED_EXPORT:
            anchor = label.anchor
        kind = self.leg_kind[i]
        last_kind = LEG_KIND[label.last]
        transfer = last_kind != NO_LEG and not (last_kind == ROAD_LEG and kind == ROAD_LEG)
        transfers = label.transfers + transfer
        if transfers > self.max_transfers:
            return None
        origin = label.node
        handling_min = self.cn.handling_min[origin] if transfer else 0
        if self.dwell_link[i] and label.state in DWELL_STATES:
            dwell_min, dwell_basis = self._export_dwell(label, cl)
        else:
            dwell_min, dwell_basis = 0, ""
        ready = label.time + handling_min + dwell_min
        return (ready, after, anchor, transfer, transfers, handling_min, dwell_min, dwell_basis)

    def state_after_link(self, state: CustomsState, cl: CLink) -> CustomsState | None:
        """The customs state of cargo in ``state`` after riding ``cl`` (an international link
        lands it in transit; :attr:`arrival_state` may make that in bond), or None if it may
        not board: :data:`STATE_AFTER`, and supervised cargo only to a supervised node."""
        i, cn = cl.index, self.cn
        link = cl.link
        key = (state, link.regime, cn.plain_road[i], cl.free_port, link.mixed_trade)
        after = STATE_AFTER[(*key, cn.from_crossing[i])]
        if (
            after is not None
            and after is not CustomsState.FREE
            and not self.cn.supervised[cl.destination]
        ):
            return None
        return after

    def hub_document_fen(self, cl: CLink) -> int:
        """The document (manifest-entry) fee a Combined Port declaration spares on ``cl`` when
        the cargo loads at its hub: the fee of the link's origin on international vessel, barge,
        train and aircraft legs (the legs that pay it, :meth:`leg_constants`), else 0."""
        if cl.link.regime is Regime.INTERNATIONAL and cl.link.mode in TERMINAL_MODES:
            return self._document_fen(cl.origin)
        return 0

    def _board_at(self, label: Label, cl: CLink, ctx: BoardingContext, dep: int) -> Label:
        """The label of ``label`` boarding the departure of ``cl`` at minute ``dep``."""
        ready, after, anchor, transfer, transfers, handling_min, dwell_min, dwell_basis = ctx
        i = cl.index
        kind = self.leg_kind[i]
        last_kind = LEG_KIND[label.last]
        origin = label.node
        arrival = dep + cl.transit_min + cl.border_min
        freight, thc_origin, thc_destination, port_fees_fen, co2_g = self.leg_constants(cl)
        if last_kind == ROAD_LEG and kind == ROAD_LEG:
            freight -= self.haul_fixed_fen[i]  # one truck haul, one fixed charge
        code = self.cn.leg_code[i]
        transfer_fen = self.transfer_fen(label.last, code) if transfer else 0
        customs_fen = self.entry_declaration_fen(cl)
        if label.state is CustomsState.CLEARED_EXPORT and label.anchor == origin:
            # Combined Port cargo loads at its hub under the feeder's declaration: the hub's
            # manifest-entry (document) fee is waived (data/README.md, cp-txyhg)
            port_fees_fen -= self.hub_document_fen(cl)
        # one terminal handling charge per port call: a container discharged here from a vessel,
        # barge or train (already charged) is not charged again when it is loaded onward
        handling_fen = thc_destination + (0 if last_kind == TERMINAL_LEG else thc_origin)
        if kind == ROAD_LEG and self.lcl:
            handling_fen += self.unstuff_fen(label)
        # storage while the box waits at the terminal (handling, yard dwell and the wait for the
        # departure) beyond the node's free time
        per_day = self.storage_fen_per_day[origin]
        stored = (
            storage_fen(per_day, self.free_storage_min[origin], dep - label.time) if per_day else 0
        )
        mask = label.mask
        if self.required:
            mask |= self.required.get(cl.destination, 0)
            for v in cl.via:
                mask |= self.required.get(v, 0)
        step = LazyStep(
            self._leg_step,
            (
                cl,
                origin,
                dep,
                arrival,
                ready,
                label.state,
                after,
                handling_fen,
                stored,
                handling_min,
                dwell_min,
                dwell_basis,
                port_fees_fen,
                freight,
                label.last if transfer else NO_LEG,
                transfer_fen,
            ),
        )
        return Label(
            arrival,
            label.cost
            + freight
            + handling_fen
            + port_fees_fen
            + stored
            + customs_fen
            + transfer_fen,
            label.co2 + co2_g,
            transfers,
            cl.destination,
            after,
            anchor,
            mask,
            code,
            label,
            step,
        )

    def leg_constants(self, cl: CLink) -> tuple[int, int, int, int, int]:
        """(freight, THC at origin, THC at destination, port fees and document fen, CO2e grams)
        of this cargo on a link."""
        cached = self._constants.get(cl.index)
        if cached is not None:
            return cached
        link = cl.link
        origin = cl.origin
        freight = self.freight_fen[cl.index]
        assert freight is not None
        thc_origin = thc_destination = port_fees_fen = 0
        co2 = sum(self.leg_co2e_split(cl))
        if link.mode in TERMINAL_MODES:
            thc_origin = fen(self._per_unit_fee(origin, "thc"))
            if self.lcl and link.mode is not Mode.AIR:
                # LCL is stuffed into the shared box at the first terminal and unstuffed where
                # it leaves the terminals (:meth:`unstuff_fen`), not at each transhipment
                thc_destination = 0
            else:
                thc_destination = fen(self._per_unit_fee(cl.destination, "thc"))
            if link.mode in SEA_MODES:
                port_fees_fen = fen(
                    self._per_unit_fee(origin, "port_dues")
                    + self._per_unit_fee(cl.destination, "port_dues")
                )
            if link.regime is Regime.INTERNATIONAL:
                port_fees_fen += self._document_fen(origin)
        result = (freight, thc_origin, thc_destination, port_fees_fen, int(round(co2)))
        self._constants[cl.index] = result
        return result

    def _bond_may_continue(self, label: Label, regime: Regime) -> bool:
        """Whether cargo under a transit declaration (``in_bond``) may board a link of ``regime``.

        In the destination's territory the declaration names the office of destination and is
        discharged there: the cargo may not leave the territory again under it, and its
        movement under seal ends at the first office of destination it reaches (no moving on
        to clear where the dwell is shorter). In a territory it only crosses (EAEU road
        transit) it leaves by the exit border.
        """
        node = label.node
        if self.cn.nodes[node].jurisdiction not in self.dest_jurisdictions:
            return True
        return regime is not Regime.INTERNATIONAL and not self.is_office_of_destination(node)

    def _bound_constants(self, cl: CLink) -> tuple[int, int, int, int, int]:
        """:meth:`leg_constants` less what a route may be spared on the link (the document fee
        waived for Combined Port cargo at its hub, a truck haul's fixed charge on a continuing
        leg): what the lower bounds may count on."""
        freight, thc_origin, thc_destination, port_fees_fen, co2_g = self.leg_constants(cl)
        port_fees_fen -= self.hub_document_fen(cl)
        # a road leg continuing a truck haul does not pay the haul's fixed charge again
        freight -= self.haul_fixed_fen[cl.index]
        return freight, thc_origin, thc_destination, port_fees_fen, co2_g

    def _document_fen(self, node: int) -> int:
        """The per-shipment document (manifest-entry) fee at ``node``, fen."""
        return fen(self.cn.fee(node, "document", "shipment"))

    def _leg_step(
        self,
        cl: CLink,
        origin: int,
        dep: int,
        arrival: int,
        ready: int,
        before: CustomsState,
        after: CustomsState,
        handling_fen: int,
        storage_fen: int,
        handling_min: int,
        dwell_min: int,
        dwell_basis: str,
        port_fees_fen: int,
        freight: int,
        previous: int,
        transfer_fen: int,
    ) -> Step:
        _, _, _, _, co2_g = self.leg_constants(cl)
        return Step(
            "leg",
            origin,
            dep,
            arrival,
            clink=cl,
            state_before=before,
            state_after=after,
            freight_fen=freight,
            handling_fen=handling_fen,
            port_fees_fen=port_fees_fen,
            customs_fen=self.entry_declaration_fen(cl),
            storage_fen=storage_fen,
            transfer_fen=transfer_fen,
            co2_g=co2_g,
            waiting_min=dep - ready,
            transit_min=cl.transit_min,
            customs_min=cl.border_min,
            handling_min=handling_min,
            dwell_min=dwell_min,
            dwell_basis=dwell_basis,
            previous_mode=previous,
        )

    def finish(self, label: Label) -> Label | None:
        """The finished route if ``label`` may end here (with its last-mile leg and the route's
        ad-valorem charges), else None."""
        done = self._finish(label)
        charge = self.route_charge_fen + (self.unstuff_fen(label) if done is not None else 0)
        if done is None or not charge:
            return done
        step = Step("charge", label.node, done.time, done.time, charge_fen=charge)
        return Label(
            done.time,
            done.cost + charge,
            done.co2,
            done.transfers,
            done.node,
            done.state,
            done.anchor,
            done.mask,
            done.last,
            done,
            step,
        )

    def _finish(self, label: Label) -> Label | None:
        if label.node not in self.dest_access or label.mask != self.full_mask:
            return None
        access = self.dest_access[label.node]
        if access is not None:
            if label.state is not CustomsState.FREE:
                return None
            changed = is_transfer(label.last, ROAD_LEG)
            transfers = label.transfers + changed
            limit = self.request.constraints.max_transfers
            if limit is not None and transfers > limit:  # the last-mile truck is a transfer too
                return None
            truck = MODE_CODE[Mode.TRUCK]
            transfer_fen = self.transfer_fen(label.last, truck) if changed else 0
            step = Step(
                "egress",
                label.node,
                label.time,
                label.time + access.duration_min,
                access=access,
                freight_fen=access.cost_fen,
                transfer_fen=transfer_fen,
                co2_g=access.co2_g,
                transit_min=access.duration_min,
                previous_mode=label.last if changed else 0,
            )
            return Label(
                step.end_min,
                label.cost + access.cost_fen + transfer_fen,
                label.co2 + access.co2_g,
                transfers,
                label.node,
                label.state,
                -1,
                label.mask,
                MODE_CODE[Mode.TRUCK],
                label,
                step,
            )
        if label.state is CustomsState.FREE:
            return label
        if (
            label.state is CustomsState.CLEARED_EXPORT
            or not self.international
            or self.import_included
        ):
            return None
        return label

    @property
    def latest_min(self) -> int:
        """The latest arrival searched (minutes from the epoch): the deadline (within the
        horizon), or the horizon alone when the deadline is not respected."""
        return self.deadline_min if self.respect_deadline else self.search_horizon_min

    def within_deadline(self, label: Label) -> bool:
        return label.time + self.lower[0][label.node] <= self.latest_min

    # ---------------------------------------------------------------------------- search
    def seed_routes(self, max_settled: int = 20_000) -> list[Label]:
        """Quick real routes that bound the Pareto search from the start (target pruning).

        One goal-directed single-criterion search (A* on the lower bounds, one label per state)
        for each of arrival time, cost and CO2e. Each finished label is a legal route within the
        request's limits, so any label whose optimistic completion it dominates can be dropped
        without losing a Pareto-optimal route: the search stays exact.
        """
        seeds: list[Label] = []
        lower = self.lower
        for which in range(3):  # 0: time, 1: cost, 2: CO2e
            bound = lower[which]
            counter = itertools.count()
            heap: list[tuple[int, int, Label]] = []
            done: set[tuple[int, CustomsState, int, int, int]] = set()

            def value(lb: Label, which: int = which) -> int:
                return (lb.time, lb.cost, lb.co2)[which]

            for lb in self.initial_labels():
                if bound[lb.node] < _INF and self.within_deadline(lb):
                    heapq.heappush(heap, (value(lb) + bound[lb.node], next(counter), lb))
            settled = 0
            while heap and settled < max_settled:
                _, _, label = heapq.heappop(heap)
                if label.key in done:
                    continue
                done.add(label.key)
                settled += 1
                finished = self.finish(label)
                if finished is not None and self.within_deadline(finished):
                    seeds.append(finished)
                    break
                for succ in self.expand(label):
                    if (
                        succ.key not in done
                        and bound[succ.node] < _INF
                        and self.within_deadline(succ)
                    ):
                        heapq.heappush(heap, (value(succ) + bound[succ.node], next(counter), succ))
        front: list[Label] = []
        for lb in seeds:
            front = add_to_front(front, lb)
        return front

    def run(self) -> list[Route]:
        """The Pareto set of finished routes, as sorted routes."""
        counter = itertools.count()
        heap: list[tuple[tuple[int, int, int, int], int, Label]] = []
        settled: dict[tuple[int, CustomsState, int, int, int], list[tuple[int, int, int, int]]] = {}
        lb_time, lb_cost, lb_co2 = self.lower
        deadline = self.latest_min
        finals = self.seed_routes()

        longest = self.storage_gap_min
        # the highest storage rate anywhere: a label that reaches this node earlier may also
        # reach the next storage stop earlier and wait there longer (not only here)
        top = max(self.storage_rate, default=0.0)
        rate = [top if r or top else 0.0 for r in self.storage_rate]

        def covered(
            bucket: list[tuple[int, int, int, int]], node: int, t: int, c: int, e: int, x: int
        ) -> bool:
            # entries were settled earlier, so their time is never later than the label's
            r = rate[node]
            if not r:
                for s_ in bucket:  # noqa: SIM110 - a plain loop is faster here
                    if s_[1] <= c and s_[2] <= e and s_[3] <= x:
                        return True
                return False
            # storage is charged on the time a box waits for its departure: an earlier label
            # may wait (and pay storage at up to ``r`` fen per minute, the highest rate) longer
            # than a later one, here or at the next storage stop, by at most their time
            # difference and the longest gap between departures out of this node; it dominates
            # only with that much cost to spare (+1 fen: each stay is rounded to fen)
            g = longest[node]
            if g is None:
                g = longest[node] = self._longest_gap(node)
            for s_ in bucket:
                if s_[1] + r * min(t - s_[0], g) + 1 <= c and s_[2] <= e and s_[3] <= x:
                    return True
            return False

        def push(lb: Label) -> None:
            node = lb.node
            t_ = lb.time + lb_time[node]  # the heap key: arrival + time still to go, at least
            if lb_time[node] >= _INF or (deadline is not None and t_ > deadline):
                return
            if beaten(finals, t_, lb.cost + lb_cost[node], lb.co2 + lb_co2[node], lb.transfers):
                self.stats.pruned_by_target += 1
                return
            bucket = settled.get(lb.key)
            if bucket and covered(bucket, node, t_, lb.cost, lb.co2, lb.transfers):
                return
            self.stats.labels_created += 1
            heapq.heappush(heap, ((t_, lb.cost, lb.co2, lb.transfers), next(counter), lb))

        for lb in self.initial_labels():
            push(lb)
        budget = self.label_budget
        while heap:
            if budget is not None and self.stats.labels_settled >= budget:
                self.stats.complete = False
                break
            crit, _, label = heapq.heappop(heap)
            bucket = settled.setdefault(label.key, [])
            node = label.node
            if covered(bucket, node, crit[0], crit[1], crit[2], crit[3]):
                continue
            # the front may have grown since the label was pushed
            if beaten(finals, crit[0], crit[1] + lb_cost[node], crit[2] + lb_co2[node], crit[3]):
                self.stats.pruned_by_target += 1
                continue
            bucket.append(crit)
            self.stats.labels_settled += 1
            done = self.finish(label)
            if done is not None and self.within_deadline(done):
                finals = add_to_front(finals, done)
            for successor in self.expand(label):
                push(successor)
        routes = [Route(f.time, f.cost, f.co2, f.transfers, tuple(f.steps())) for f in finals]
        return sorted(routes, key=lambda r: r.criteria)


_INF = 1 << 60
