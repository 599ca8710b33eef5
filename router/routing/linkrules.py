"""Per-link and per-node rules of one query's search, mixed into
:class:`router.routing.search.Search`: the cargo's freight on each link (base rate and
surcharges, :mod:`router.routing.prices`), whether it may use a link or be handled at a node
(request filters, cargo class, dangerous goods, reefer plugs, road weight limits), transfer
costs by mode pair, and the customs state cargo in transit arrives in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from router.network.model import (
    CargoClass,
    CustomsOp,
    CustomsState,
    Mode,
    Node,
    ScheduleKind,
    dg_listed,
)
from router.network.timetable import next_departure_min
from router.routing.compiled import (
    HANDLING_KINDS,
    LEG_KIND,
    MODES,
    NO_LEG,
    ROAD_LEG,
    TERMINAL_LEG,
    CLink,
    CompiledNetwork,
    minutes,
)
from router.routing.emissions import leg_co2e_split
from router.routing.labels import CapacityFn, Label
from router.routing.prices import CargoPrices, PriceLine
from router.routing.transitions import DWELL_STATES
from router.units import MINUTES_PER_DAY as DAY_MINUTES
from router.units import MINUTES_PER_WEEK as WEEK
from router.units import fen

#: later departures tried when the earliest ones are full (dated capacity)
MAX_DEPARTURE_TRIES = 60
#: how far ahead (minutes) the dominance slack looks at the room left on departures: 26 weeks
GAP_HORIZON_MIN = 26 * 7 * 24 * 60
#: no bound
_INF = 1 << 60

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
    capacity: CapacityFn | None
    ready_min: int
    lcl: bool
    _air_code: int
    dwell_link: tuple[bool, ...]
    _closed_from: list[int | None]
    epoch: datetime
    _phase: list[int]
    _room: dict[tuple[int, int], bool]
    _per_unit_fee: Callable[[int, str], float]

    # ----------------------------------------------------------------------- departures
    def next_departure(self, cl: CLink, ready: int) -> int | None:
        """Earliest departure of ``cl`` the cargo ready at ``ready`` can make, or None."""
        earliest = ready + cl.cutoff_min
        dep = self._first_departure_at_or_after(cl, earliest)
        for _ in range(MAX_DEPARTURE_TRIES):
            if dep is None:
                return None
            closed = self._closed_from[cl.index]
            if closed is not None and dep >= closed:
                return None
            if self._has_room(cl, dep):
                return dep
            dep = self._first_departure_at_or_after(cl, dep + 1)
        return None

    def _first_departure_at_or_after(self, cl: CLink, t: int) -> int:
        """The timetable's first departure of ``cl`` at or after search minute ``t``."""
        return next_departure_min(
            cl.schedule,
            cl.weekly_min,
            cl.headway_min,
            self._phase[cl.index],
            self.cn.nodes[cl.origin].opening_hours,
            t,
        )

    def _has_room(self, cl: CLink, dep: int) -> bool:
        """Whether the departure of ``cl`` at ``dep`` has room (asked once per departure)."""
        if self.capacity is None:
            return True
        key = (cl.index, dep)
        room = self._room.get(key)
        if room is None:
            remaining = self.capacity(cl.link.id, self.epoch + timedelta(minutes=dep))
            need = self.need_kg if cl.link.mode is Mode.AIR else self.need_teu
            room = self._room[key] = remaining is None or remaining + 1e-9 >= need
        return room

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

    def _longest_gap(self, node: int) -> int:
        """The longest a box that reached ``node`` earlier may wait for a departure beyond one
        that reached it later, both taking the same next leg: the longest gap between two
        departures of any link out of the node (plus the night its opening hours close). With
        dated capacity, the longest gap between departures that have room for this cargo
        within :data:`GAP_HORIZON_MIN` of the ready time (unbounded beyond it)."""
        opening = self.cn.nodes[node].opening_hours
        closed = DAY_MINUTES - (opening[1] - opening[0]) if opening else 0
        gap = 0
        for cl in self.cn.out_links[node]:
            if self.capacity is not None and cl.schedule is not ScheduleKind.ANY:
                gap = max(gap, self._gap_with_room(cl))
            elif cl.schedule is ScheduleKind.WEEKLY:
                times = cl.weekly_min
                gaps = [b - a for a, b in itertools.pairwise(times)]
                gaps.append(times[0] + WEEK - times[-1] if times else WEEK)
                gap = max(gap, max(gaps) + closed)
            elif cl.schedule is ScheduleKind.HEADWAY:
                gap = max(gap, cl.headway_min + closed)
            else:
                gap = max(gap, closed)
        return gap

    def _gap_with_room(self, cl: CLink) -> int:
        """Longest gap between consecutive departures of ``cl`` with room for this cargo in the
        horizon after the ready time (:data:`_INF` if the horizon ends without room)."""
        end = self.ready_min + GAP_HORIZON_MIN
        last = self.ready_min
        longest = 0
        t = self.ready_min
        while t <= end:
            dep = self._first_departure_at_or_after(cl, t)
            closed = self._closed_from[cl.index]
            if closed is not None and dep >= closed:
                return longest  # no departure after the closure, for any label
            if dep > end:
                break
            if self._has_room(cl, dep):
                longest = max(longest, dep - last)
                last = dep
            t = dep + 1
        return longest if last > end - WEEK else _INF

    def unstuff_fen(self, label: Label) -> int:
        """CFS charge (fen) for unstuffing LCL at ``label``'s node when it leaves the terminals
        there (by road, or at the end of the route), after a vessel, barge or train; 0 else."""
        if not self.lcl or LEG_KIND[label.last] != TERMINAL_LEG or label.last == self._air_code:
            return 0
        return fen(self._per_unit_fee(label.node, "thc"))

    def leg_co2e_split(self, cl: CLink) -> tuple[int, int]:
        """(TTW, WTT) grams CO2e of this cargo on ``cl`` (ISO 14083 / GLEC well-to-wheel), with
        the hub emissions of the transfer at its origin for vessels, barges, trains and aircraft."""
        return leg_co2e_split(self.cn, cl, self.cargo)

    def _export_dwell(self, label: Label, cl: CLink) -> tuple[int, str]:
        """Export yard dwell (minutes, basis) before boarding ``cl``.

        It applies to cargo leaving on an international vessel, train or aircraft from the yard
        it was delivered to (cleared here, or brought in under seal); not to vessel-to-vessel
        transshipment of cargo still in transit.
        """
        if not self.dwell_link[cl.index] or label.state not in DWELL_STATES:
            return 0, ""
        node = self.cn.nodes[label.node]
        options = [(node.dwell_export_h, "export")]
        if label.state is CustomsState.CLEARED_EXPORT and label.anchor == label.node:
            options.append((node.dwell_combined_h, "combined_port"))
        if self.request.trader.direct_eligible and node.offers(CustomsOp.DIRECT_LOADING):
            options.append((node.dwell_direct_h, "direct_loading"))
        hours, basis = min(options)
        return minutes(hours), basis
