"""Per-link and per-node rules of one query's search, mixed into
:class:`router.routing.search.Search`: the cargo's freight on each link (base rate and
surcharges, :mod:`router.routing.prices`), whether it may use a link or be handled at a node
(request filters, cargo class, dangerous goods, reefer plugs, road weight limits), transfer
costs by mode pair, and the customs state cargo in transit arrives in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from router.network.model import CargoClass, CustomsState, Mode, Node, dg_listed
from router.routing.compiled import (
    HANDLING_KINDS,
    MODES,
    NO_LEG,
    ROAD_LEG,
    TERMINAL_LEG,
    CLink,
    CompiledNetwork,
)
from router.routing.prices import CargoPrices, PriceLine

if TYPE_CHECKING:
    from router.routing.request import Cargo, QuoteRequest


class LinkRules:
    """Link and node rules of a query; expects the per-query attributes set by the search."""

    cn: CompiledNetwork
    request: QuoteRequest
    cargo: Cargo
    prices: CargoPrices
    reefer: bool
    need_kg: float
    need_teu: float
    apply_class_rules: bool
    freight_fen: list[int | None]
    overweight: list[str | None]
    dest_jurisdictions: set[str]
    _transfer_fen: dict[tuple[int, int], int]

    # ----------------------------------------------------------------- per-link/node rules
    def _freight_fen(self, cl: CLink) -> int | None:
        """Freight of this cargo on the link in fen: base rate plus surcharges
        (:meth:`CargoPrices.freight_lines`), or None if the link has no price for it."""
        lines = self.prices.freight_lines(cl)
        return None if lines is None else sum(line.fen for line in lines)

    def _overweight(self, cl: CLink) -> str | None:
        """Why this cargo's boxes may not ride the road link ``cl`` (over its weight limit)."""
        if self.leg_kind_of(cl) != ROAD_LEG:
            return None
        nodes = self.cn.nodes
        for end in (cl.origin, cl.destination):
            reason = self.prices.road_overweight(nodes[end].jurisdiction)
            if reason is not None:
                return reason
        return None

    def leg_kind_of(self, cl: CLink) -> int:
        return ROAD_LEG if cl.link.mode in (Mode.TRUCK, Mode.TIR) else TERMINAL_LEG

    def transfer_fen(self, previous: int, code: int) -> int:
        """Transfer cost (fen) of changing from a leg of mode code ``previous`` to ``code``."""
        key = (previous, code)
        cached = self._transfer_fen.get(key)
        if cached is None:
            lines = self.transfer_lines(previous, code)
            cached = self._transfer_fen[key] = sum(line.fen for line in lines)
        return cached

    def transfer_lines(self, previous: int, code: int) -> tuple[PriceLine, ...]:
        if previous == NO_LEG:
            return ()
        return self.prices.transfer_lines(MODES[previous - 1], MODES[code - 1])

    def _usable(self, cl: CLink) -> bool:
        link = cl.link
        cons = self.request.constraints
        if link.mode not in cons.allowed_modes or link.operator in cons.excluded_operators:
            return False
        excluded = cons.excluded_nodes
        if (
            link.origin in excluded
            or link.destination in excluded
            or excluded.intersection(link.via)
        ):
            return False
        if self.freight_fen[cl.index] is None or self.overweight[cl.index] is not None:
            return False
        if self.apply_class_rules and self.cargo.cargo_class not in link.cargo_classes:
            return False
        if self.apply_class_rules and self.reefer and CargoClass.REEFER not in link.cargo_classes:
            return False  # reefer boxes (even with general cargo) need a reefer-capable service
        imdg = self.cargo.imdg_class
        if (
            self.apply_class_rules
            and self.cargo.cargo_class is CargoClass.DANGEROUS
            and imdg is not None
            and dg_listed(link.dg_banned, imdg)
        ):
            return False  # the link bars this IMDG class or division
        if link.mode is Mode.AIR:
            if link.capacity_kg is not None and self.need_kg > link.capacity_kg:
                return False
        elif link.capacity_teu is not None and self.need_teu > link.capacity_teu:
            return False
        return True

    def _node_ok(self, node: Node) -> bool:
        """Whether this cargo may be handled at the node (reefer plugs, dangerous-goods class)."""
        if not self.apply_class_rules or node.kind not in HANDLING_KINDS:
            return True
        if self.reefer and not node.reefer:
            return False
        imdg = self.cargo.imdg_class
        return not (
            self.cargo.cargo_class is CargoClass.DANGEROUS
            and imdg is not None
            and not dg_listed(node.dg_classes, imdg)
        )

    def _arrival_state(self, cl: CLink) -> CustomsState:
        """Customs state of cargo in transit arriving over the international link ``cl``."""
        borders = cl.borders
        if (
            borders
            and not borders[-1].at_destination
            and borders[-1].to_jurisdiction in self.dest_jurisdictions
        ):
            return CustomsState.IN_BOND
        return CustomsState.IN_TRANSIT
