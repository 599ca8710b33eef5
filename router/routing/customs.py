"""The customs steps the label search may take at a node (docs/customs-model.md).

:class:`CustomsRules` is mixed into :class:`router.routing.search.Search`: it turns a label into
its customs successors (export clearance or a Combined Port declaration, import clearance at the
point of entry or at the office of destination, a transit declaration to an inland office) and
prices them: declaration and expected inspection fees in fen, clearance plus expected inspection
minutes, with the trader's AEO status applied in China and where an MRA with China is in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from router.network.model import (
    ECOMMERCE_EXPORT_REGIMES,
    ECOMMERCE_IMPORT_REGIMES,
    ECOMMERCE_JURISDICTION,
    CargoClass,
    CustomsOp,
    CustomsState,
    Node,
    NodeKind,
    TariffUnit,
)
from router.network.pricing import AdValoremScope
from router.routing.labels import Label, Step
from router.routing.prices import storage_fen
from router.units import fen, minutes

if TYPE_CHECKING:
    from router.routing.compiled import CompiledNetwork
    from router.routing.prices import CargoPrices
    from router.routing.request import Cargo, QuoteRequest, TraderProfile


def regime_at(cargo: Cargo, node: Node) -> str | None:
    """The e-commerce regime (9610/9710/9810/1210) ``cargo`` is declared under at ``node``:
    China's supervision codes, so only in the Chinese mainland customs territory."""
    if cargo.cargo_class is not CargoClass.ECOMMERCE or node.jurisdiction != ECOMMERCE_JURISDICTION:
        return None
    return cargo.ecommerce_regime


def ecommerce_may_clear(cargo: Cargo, node: Node, export: bool) -> bool:
    """Whether e-commerce ``cargo`` may be export- (or import-) cleared at ``node``: in the
    Chinese mainland customs territory (whose e-commerce supervision this is), e-commerce
    exports only at an e-commerce supervised site; a declared regime only where the site lists
    it, in its direction (9610 both ways, 9710/9810 export, 1210 import), and 1210 only into a
    bonded zone (保税跨境贸易电子商务, GAC announcement 2014 No. 57). Elsewhere (an online
    order shipped to China from the EU, say) the goods leave under that territory's ordinary
    export procedure."""
    if cargo.cargo_class is not CargoClass.ECOMMERCE:
        return True
    if node.jurisdiction != ECOMMERCE_JURISDICTION:
        return True
    if export and not node.offers(CustomsOp.ECOMMERCE):
        return False
    regime = regime_at(cargo, node)
    if regime is None:
        return True
    directions = ECOMMERCE_EXPORT_REGIMES if export else ECOMMERCE_IMPORT_REGIMES
    return (
        regime in directions
        and node.offers(CustomsOp.ECOMMERCE)
        and regime in node.ecommerce_regimes
        and (regime != "1210" or node.kind is NodeKind.BONDED_ZONE)
    )


def destination_districts(cn: CompiledNetwork, dest_nodes: Iterable[int]) -> frozenset[Any]:
    """(jurisdiction, customs district) of the destination nodes that name a district."""
    return frozenset(
        (node.jurisdiction, node.customs_district)
        for i in dest_nodes
        if (node := cn.nodes[i]).customs_district
    )


def office_of_destination(
    cn: CompiledNetwork, index: int, dest_nodes: frozenset[int], dest_districts: frozenset[Any]
) -> bool:
    """Whether node ``index`` is an office of destination: a destination node, or a node of a
    destination's own customs district (a district code of another territory names another
    office, hence the pair with the jurisdiction)."""
    if index in dest_nodes:
        return True
    node = cn.nodes[index]
    return bool(node.customs_district) and (
        (node.jurisdiction, node.customs_district) in dest_districts
    )


def inspect_first_h(trader: TraderProfile, node: Node) -> float | None:
    """Hours of the 先查验后装运 export procedure for this trader at ``node`` (None: not here)."""
    return node.inspect_first_h if trader.inspect_first_pilot else None


class CustomsRules:
    """Customs successors of a label; expects the per-query attributes set by the search."""

    cn: CompiledNetwork
    request: QuoteRequest
    apply_pharma_rule: bool
    dest_jurisdictions: set[str]
    dest_nodes: frozenset[int]
    #: (jurisdiction, customs district) of the destination nodes
    dest_districts: frozenset[tuple[str, str]]
    export_included: bool
    import_included: bool
    #: jurisdiction -> (inspection probability, clearance-time factor) for this trader
    customs_profile: dict[str, tuple[float, float]]
    #: the same for a trader with no AEO status (jurisdictions without a profile entry)
    no_aeo_profile: tuple[float, float]
    cargo: Cargo
    units: dict[TariffUnit, int]
    prices: CargoPrices
    #: per node: storage per day beyond free time (fen) for this cargo, and the free minutes
    storage_fen_per_day: list[float]
    free_storage_min: Sequence[int]

    # ------------------------------------------------------------------------ pricing
    def profile_at(self, node: Node) -> tuple[float, float]:
        """(inspection probability, clearance-time factor) of this trader at ``node``."""
        return self.customs_profile.get(node.jurisdiction, self.no_aeo_profile)

    def declaration(
        self, node: Node, clearance_h: float, included: bool, inspected: bool = True
    ) -> tuple[int, int]:
        """(fen, minutes) of one declaration at ``node`` taking ``clearance_h`` hours, with the
        expected inspection (probability x inspection time and fee) when ``inspected``."""
        index = self.cn.index[node.id]
        p_inspect, factor = self.profile_at(node) if inspected else (0.0, 1.0)
        time_min = minutes((clearance_h + node.document_h) * factor + p_inspect * node.inspection_h)
        if not included:
            return 0, time_min
        cost = self.cn.fee(index, "declaration", "declaration") + p_inspect * self.cn.fee(
            index, "inspection", "inspection"
        )
        return fen(cost), time_min

    def _clearance_h(self, node: Node, normal_h: float) -> float:
        """Clearance hours at ``node``: 一单两报 for eligible traders where it is offered."""
        if (
            self.request.trader.joint_declaration_eligible
            and node.offers(CustomsOp.JOINT_DECLARATION)
            and node.joint_clearance_h is not None
        ):
            return min(normal_h, node.joint_clearance_h)
        return normal_h

    def transit_guarantee_fen(self, jurisdiction: str) -> int:
        """Cost (fen) of the guarantee of a transit declaration lodged in ``jurisdiction``."""
        lines = self.prices.ad_valorem_lines(AdValoremScope.TRANSIT_DECLARATION, jurisdiction)
        return sum(line.fen for line in lines)

    def _storage_fen(self, node: int, dwell_min: int) -> int:
        """Storage (fen) of ``dwell_min`` minutes at ``node`` beyond its free time."""
        return storage_fen(self.storage_fen_per_day[node], self.free_storage_min[node], dwell_min)

    def _per_unit_fee(self, node: int, fee: str) -> float:
        """A per-container (or per-kg / per-wm for loose cargo) fee for this cargo at ``node``.

        Loose cargo pays handling (``thc``) per chargeable kg at an airport, else the container
        freight station's ``cfs`` charge per revenue tonne (stuffing or unstuffing the shared
        box), else a per-revenue-tonne ``thc``."""
        cargo = self.cargo
        if cargo.is_containerised:
            return sum(self.cn.fee(node, fee, unit.value) * n for unit, n in self.units.items())
        by_kg = self.cn.fee(node, fee, "kg")
        if by_kg:
            return by_kg * cargo.chargeable_air_kg
        if fee == "thc":
            cfs = self.cn.fee(node, "cfs", "wm")
            if cfs:
                return cfs * cargo.revenue_tonnes
        return self.cn.fee(node, fee, "wm") * cargo.revenue_tonnes

    # ------------------------------------------------------------------------ where
    def is_office_of_destination(self, index: int) -> bool:
        """A destination node, or a node of the destination's own customs district (in the
        destination's territory: a district code of another territory names another office)."""
        return office_of_destination(self.cn, index, self.dest_nodes, self.dest_districts)

    def _may_import(self, label: Label, node: Node) -> bool:
        state = label.state
        if state is CustomsState.IN_BOND:
            where_ok = self.is_office_of_destination(label.node)
        elif state is CustomsState.IN_TRANSIT:
            # at its point of entry (landed there on an international leg), or moved on inside
            # a free port to a destination office
            where_ok = label.anchor == label.node or self.is_office_of_destination(label.node)
            free_port = node.jurisdiction in self.cn.free_port_jurisdictions
            # import only into the destination's territory (or a free port, where an import and
            # re-export carries no duty); a territory merely crossed is crossed in transit
            where_ok = where_ok and (node.jurisdiction in self.dest_jurisdictions or free_port)
        else:
            return False
        return where_ok and self.may_import_at(node)

    def may_import_at(self, node: Node) -> bool:
        """Whether this cargo may be import-cleared at ``node`` at all (wherever it goes)."""
        if not node.offers(CustomsOp.IMPORT_CLEARANCE):
            return False
        if not ecommerce_may_clear(self.request.cargo, node, export=False):
            return False
        return not (
            self.apply_pharma_rule
            and self.request.cargo.cargo_class is CargoClass.PHARMA
            and node.jurisdiction in self.cn.drug_port_jurisdictions
            and not node.offers(CustomsOp.DRUG_PORT)
        )

    def _may_declare_transit(self, label: Label, node: Node) -> bool:
        if label.state is not CustomsState.IN_TRANSIT or label.anchor != label.node:
            return False
        if not node.offers(CustomsOp.TRANSIT_DECLARATION):
            return False
        if node.jurisdiction in self.dest_jurisdictions:
            # to an inland office of destination: never within the entry point's own office
            return not self.is_office_of_destination(label.node)
        return True  # across a territory the cargo only crosses (road without a TIR carnet)

    # ------------------------------------------------------------------------ steps
    def _customs_actions(self, label: Label) -> Iterator[Label]:
        node = self.cn.nodes[label.node]
        state = label.state
        if state is CustomsState.FREE:
            yield from self._export_clearance(label, node)
            return
        if self._may_import(label, node):
            yield self._import_clearance(label, node)
        if self._may_declare_transit(label, node):
            yield self._transit_declaration(label, node)

    def _export_clearance(self, label: Label, node: Node) -> Iterator[Label]:
        if node.jurisdiction in self.dest_jurisdictions:
            return
        terms = self.export_terms(label.node)
        if terms is None:
            return
        cost, time_min, hub = terms
        anchors = [(-1, CustomsOp.EXPORT_CLEARANCE)]
        if hub >= 0:
            anchors.append((hub, CustomsOp.COMBINED_PORT))
        for anchor, op in anchors:
            step = Step(
                "customs",
                label.node,
                label.time,
                label.time + time_min,
                op=op.value,
                state_before=label.state,
                state_after=CustomsState.CLEARED_EXPORT,
                included=self.export_included,
                customs_fen=cost,
                customs_min=time_min,
            )
            yield self._after_step(label, step, CustomsState.CLEARED_EXPORT, anchor)

    def export_terms(self, index: int) -> tuple[int, int, int] | None:
        """(fen, minutes, Combined Port hub index or -1) of an export declaration of this cargo
        at node ``index`` wherever the destination is; None if it may not be declared there."""
        node = self.cn.nodes[index]
        if not (
            node.offers(CustomsOp.EXPORT_CLEARANCE)
            and self.cn.supervised[index]
            and ecommerce_may_clear(self.request.cargo, node, export=True)
        ):
            return None
        clearance_h = self._clearance_h(node, node.export_clearance_h)
        cost, time_min = self.declaration(node, clearance_h, self.export_included)
        first_h = inspect_first_h(self.request.trader, node)
        if first_h is not None:
            # 先查验后装运 (seed §8: pilot traders at Qianhai's front warehouse): the goods are
            # inspected at the warehouse before they are packed and loaded, so the declaration
            # and its expected inspection take the procedure's hours instead of clearance +
            # p(inspect) x inspection (no unpacking of a loaded box); the inspection fee is
            # still expected (the inspection itself stays, Customs Law art. 28). The pilot is
            # an option: never slower than the normal declaration.
            time_min = min(time_min, minutes(first_h))
        hub = -1
        if (
            node.offers(CustomsOp.COMBINED_PORT)
            and self.request.trader.combined_port_allowed
            and node.combined_port_hub
        ):
            # one declaration at the feeder, valid at its mainland hub: onward only to the hub
            hub = self.cn.index[node.combined_port_hub]
        return cost, time_min, hub

    def _import_clearance(self, label: Label, node: Node) -> Label:
        included = self.import_included or node.jurisdiction not in self.dest_jurisdictions
        cost, time_min, dwell, storage, direct = self.import_terms(label.node, included)
        step = Step(
            "customs",
            label.node,
            label.time,
            label.time + dwell + time_min,
            op=CustomsOp.IMPORT_CLEARANCE.value,
            state_before=label.state,
            state_after=CustomsState.FREE,
            included=included,
            customs_fen=cost,
            storage_fen=storage,
            customs_min=time_min,
            dwell_min=dwell,
            dwell_basis="direct_pickup" if direct else "import",
        )
        return self._after_step(label, step, CustomsState.FREE, -1, storage)

    def import_terms(self, index: int, included: bool) -> tuple[int, int, int, int, bool]:
        """(declaration fen, clearance minutes, dwell minutes, storage fen, direct pick-up) of an
        import clearance of this cargo at node ``index``; an import outside the quote's customs
        scope (not ``included``) is the consignee's, with its dwell's storage: the time counts,
        the money is not in the quote."""
        node = self.cn.nodes[index]
        clearance_h = self._clearance_h(node, node.import_clearance_h)
        if (
            self.request.cargo.cargo_class is CargoClass.PHARMA
            and not self.request.trader.drug_whitelisted
        ):
            clearance_h += node.drug_permit_h  # 进口药品通关单 and the port drug test
        cost, time_min = self.declaration(node, clearance_h, included)
        direct = self.request.trader.direct_eligible and node.offers(CustomsOp.DIRECT_PICKUP)
        dwell_h = min(node.dwell_import_h, node.dwell_direct_h) if direct else node.dwell_import_h
        dwell = minutes(dwell_h)
        storage = self._storage_fen(index, dwell) if included else 0
        return cost, time_min, dwell, storage, direct

    def _transit_declaration(self, label: Label, node: Node) -> Label:
        cost, time_min = self.transit_terms(label.node)
        step = Step(
            "customs",
            label.node,
            label.time,
            label.time + time_min,
            op=CustomsOp.TRANSIT_DECLARATION.value,
            state_before=label.state,
            state_after=CustomsState.IN_BOND,
            customs_fen=cost,
            customs_min=time_min,
        )
        return self._after_step(label, step, CustomsState.IN_BOND, -1)

    def transit_terms(self, index: int) -> tuple[int, int]:
        """(fen, minutes) of a transit declaration at node ``index``, with the guarantee it needs
        (priced on the declared value)."""
        node = self.cn.nodes[index]
        cost, time_min = self.declaration(node, node.transit_declaration_h, True, inspected=False)
        return cost + self.transit_guarantee_fen(node.jurisdiction), time_min

    @staticmethod
    def _after_step(
        label: Label, step: Step, state: CustomsState, anchor: int, storage_fen: int = 0
    ) -> Label:
        return Label(
            step.end_min,
            label.cost + step.customs_fen + storage_fen,
            label.co2,
            label.transfers,
            label.node,
            state,
            anchor,
            label.mask,
            label.last,
            label,
            step,
        )
