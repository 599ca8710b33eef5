"""The network compiled for search: integer indices, departure tables, prices in CNY.

:func:`compile_network` builds an immutable handle once per loaded network (and later once per
scenario variant); callers create it explicitly and pass it to every search, quote and
optimisation (PyVRP's ``Model.data()`` → ``ProblemData``). There is no module-level cache. The
handle carries a bounded memo of per-query tables (link tables per cargo profile, lower bounds per
destination) that queries sharing them reuse. Times are whole minutes; a week is 10,080 minutes
starting Monday 00:00 CST.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from router.network.geo import fraction_along
from router.network.model import (
    CargoClass,
    CustomsOp,
    Link,
    Mode,
    Network,
    Node,
    NodeKind,
    Regime,
    ScheduleKind,
    TariffUnit,
)
from router.network.timetable import headway_minutes, weekly_minutes
from router.units import MINUTES_PER_DAY, MINUTES_PER_WEEK, minutes

WEEK_MIN = MINUTES_PER_WEEK
#: per-query tables kept per compiled network (least recently used go first): up to this many
MEMO_SIZE = 4096
#: ... and at most about this many node and link entries in all (a large network's tables are
#: large: its memo keeps fewer of them, never fewer than :data:`MEMO_MIN`)
MEMO_ENTRIES = 20_000_000
MEMO_MIN = 256
#: what the previous leg of a route was; a transfer is a change of vehicle at a node
NO_LEG, ROAD_LEG, TERMINAL_LEG = 0, 1, 2
#: what a label remembers of its previous leg: 0 (none) or 1 + the mode's position in ``Mode``
#: (so transfer costs can be priced by mode pair); :data:`LEG_KIND` maps a code to its kind
MODES: tuple[Mode, ...] = tuple(Mode)
MODE_CODE: dict[Mode, int] = {m: i + 1 for i, m in enumerate(MODES)}
LEG_KIND: tuple[int, ...] = (
    NO_LEG,
    *(ROAD_LEG if m in (Mode.TRUCK, Mode.TIR) else TERMINAL_LEG for m in MODES),
)
DAY_MIN = MINUTES_PER_DAY

#: modes that move cargo by lift-on/lift-off at terminals (charged THC, counted as transfers)
TERMINAL_MODES = frozenset({Mode.BARGE, Mode.FEEDER, Mode.DEEPSEA, Mode.RAIL, Mode.AIR})
#: modes whose boarding under export supervision requires the port-of-export yard dwell
EXPORT_DWELL_MODES = frozenset({Mode.FEEDER, Mode.DEEPSEA, Mode.RAIL, Mode.AIR})
#: sea-going modes whose ports charge port dues
SEA_MODES = frozenset({Mode.FEEDER, Mode.DEEPSEA})
#: node kinds where cargo is physically handled and class capabilities (reefer, DG) matter
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


@dataclass(frozen=True, slots=True)
class Border:
    """A change of customs territory along a link: the cargo leaves ``from_jurisdiction`` at
    ``exit_node`` and enters ``to_jurisdiction`` at ``entry_node`` (node indices; one node when a
    single crossing node stands for both sides). ``exit_min`` and ``entry_min`` are the minutes
    after departure at which the vehicle is there: running time times the node's fraction of the
    leg's distance, plus the border waits of the crossings before it (and its own, for the
    entry, which follows the wait)."""

    from_jurisdiction: str
    to_jurisdiction: str
    exit_node: int
    entry_node: int
    exit_min: int
    entry_min: int
    #: the entry is the link's own destination (the cargo lands at its point of entry)
    at_destination: bool


@dataclass(frozen=True, slots=True)
class CLink:
    """A link as the search sees it."""

    index: int
    link: Link
    origin: int
    destination: int
    via: tuple[int, ...]
    transit_min: int
    border_min: int
    cutoff_min: int
    schedule: ScheduleKind
    weekly_min: tuple[int, ...]  # sorted minutes of the week
    headway_min: int
    offset_min: int  # headway offset from the timetable anchor (router.network.timetable)
    price_cny: MappingProxyType[TariffUnit, float]  # per unit, distance applied, in CNY
    co2e_g_per_tkm: float
    reefer_factor: float
    transfer_co2e_kg_per_teu: float
    #: the carrier's dangerous-goods surcharge per TEU of space, CNY
    dg_surcharge_cny_per_teu: float = 0.0
    borders: tuple[Border, ...] = ()
    #: both ends lie in one free-port jurisdiction: cargo in transit may ride it and stay so
    free_port: bool = False


@dataclass(frozen=True, slots=True)
class CompiledNetwork:
    network: Network
    nodes: tuple[Node, ...]
    index: MappingProxyType[str, int]
    out_links: tuple[tuple[CLink, ...], ...]
    links: tuple[CLink, ...]
    fees_cny: tuple[MappingProxyType[tuple[str, str], float], ...]  # per node: (fee, unit) -> CNY
    supervised: tuple[bool, ...]  # per node: may hold cargo under customs supervision
    handling_min: tuple[int, ...]  # per node: handling time per transfer
    free_storage_min: tuple[int, ...]  # per node: free storage time
    leg_kind: tuple[int, ...]  # per link: ROAD_LEG (truck/TIR) or TERMINAL_LEG
    leg_code: tuple[int, ...]  # per link: its mode's code (:data:`MODE_CODE`)
    dwell_link: tuple[bool, ...]  # per link: boarding it from a yard needs the export dwell
    plain_road: tuple[bool, ...]  # per link: international truck haul without a TIR carnet
    from_crossing: tuple[bool, ...]  # per link: starts at a land border crossing
    #: jurisdictions with designated drug-import ports: pharma is imported only through those
    drug_port_jurisdictions: frozenset[str] = frozenset()
    #: free-port jurisdictions: cargo in transit moves on as through cargo and may be imported
    free_port_jurisdictions: frozenset[str] = frozenset()
    memo: OrderedDict[Any, Any] = field(default_factory=OrderedDict, compare=False, repr=False)

    @property
    def memo_limit(self) -> int:
        """How many tables the memo keeps: :data:`MEMO_SIZE`, fewer on a large network."""
        size = len(self.nodes) + len(self.links)
        return max(MEMO_MIN, min(MEMO_SIZE, MEMO_ENTRIES // max(size, 1)))

    def memo_get(self, key: Any) -> Any:
        """A per-query table computed earlier for the same key (see Search), or None."""
        value = self.memo.get(key)
        if value is not None:
            with suppress(KeyError):  # evicted meanwhile by another thread's query
                self.memo.move_to_end(key)
        return value

    def memo_put(self, key: Any, value: Any) -> None:
        """Keep ``value`` for ``key``; the least recently used entry goes beyond
        :attr:`memo_limit`."""
        self.memo[key] = value
        with suppress(KeyError):  # threads sharing the handle may evict concurrently
            self.memo.move_to_end(key)
            while len(self.memo) > self.memo_limit:
                self.memo.popitem(last=False)

    def fee(self, node: int, fee: str, unit: str) -> float:
        return self.fees_cny[node].get((fee, unit), 0.0)


def _borders(
    network: Network, index: dict[str, int], link: Link, transit_min: int
) -> tuple[Border, ...]:
    """The changes of customs territory along ``link``, placed by distance along its geometry."""
    nodes = network.nodes
    stops = [link.origin, *link.via, link.destination]
    # minutes after departure at which the vehicle reaches each stop (after the waits before it)
    reach: list[int] = [0]
    leave: list[int] = [0]
    waited = 0
    last_fraction = 0.0
    for node_id in link.via:
        node = nodes[node_id]
        fraction = max(last_fraction, fraction_along(link.geometry, node.lon, node.lat))
        last_fraction = fraction
        arrive = int(round(transit_min * fraction)) + waited
        waited += minutes(node.border_transit_h)
        reach.append(arrive)
        leave.append(int(round(transit_min * fraction)) + waited)
    end = transit_min + waited
    reach.append(end)
    leave.append(end)
    out: list[Border] = []
    for k in range(len(stops) - 1):
        a, b = nodes[stops[k]], nodes[stops[k + 1]]
        if a.jurisdiction == b.jurisdiction:
            continue
        out.append(
            Border(
                from_jurisdiction=a.jurisdiction,
                to_jurisdiction=b.jurisdiction,
                exit_node=index[a.id],
                entry_node=index[b.id],
                exit_min=reach[k] if k > 0 else 0,
                entry_min=leave[k + 1],
                at_destination=k + 1 == len(stops) - 1,
            )
        )
    return tuple(out)


def _compile_link(network: Network, index: dict[str, int], i: int, link: Link) -> CLink:
    params = network.modes.get(link.mode)
    nodes = network.nodes
    schedule = link.schedule
    price = {
        unit: network.to_cny(t.fixed + t.per_km * link.distance_km, t.currency)
        for unit, t in link.tariffs.items()
    }
    return CLink(
        index=i,
        link=link,
        origin=index[link.origin],
        destination=index[link.destination],
        via=tuple(index[v] for v in link.via),
        transit_min=max(1, minutes(link.transit_h)),
        border_min=sum(minutes(nodes[v].border_transit_h) for v in link.via),
        cutoff_min=minutes(schedule.cutoff_h),
        schedule=schedule.kind,
        weekly_min=weekly_minutes(link),
        headway_min=headway_minutes(link),
        offset_min=minutes(schedule.offset_h),
        price_cny=MappingProxyType(price),
        co2e_g_per_tkm=(
            link.co2e_g_per_tkm
            if link.co2e_g_per_tkm is not None
            else (params.co2e_g_per_tkm if params else 0.0)
        ),
        reefer_factor=1.0 + (params.reefer_surcharge_pct / 100.0 if params else 0.0),
        transfer_co2e_kg_per_teu=params.transfer_co2e_kg_per_teu if params else 0.0,
        dg_surcharge_cny_per_teu=(
            network.to_cny(params.dg_surcharge_per_teu, params.dg_currency) if params else 0.0
        ),
        borders=_borders(network, index, link, max(1, minutes(link.transit_h))),
        free_port=_free_port(network, link),
    )


def free_port_jurisdictions(network: Network) -> frozenset[str]:
    """Codes of the free-port jurisdictions (Hong Kong): no bonded regime for general cargo."""
    return frozenset(code for code, j in network.jurisdictions.items() if j.free_port)


def _free_port(network: Network, link: Link) -> bool:
    a, b = network.nodes[link.origin], network.nodes[link.destination]
    return (
        a.jurisdiction == b.jurisdiction
        and a.jurisdiction in free_port_jurisdictions(network)
        and link.regime is not Regime.INTERNATIONAL
    )


def compile_network(network: Network) -> CompiledNetwork:
    """Compile ``network`` for search: an immutable handle to create once and pass around."""
    nodes = tuple(sorted(network.nodes.values(), key=lambda n: n.id))
    index = {n.id: i for i, n in enumerate(nodes)}
    links = tuple(
        _compile_link(network, index, i, lk)
        for i, lk in enumerate(sorted(network.links.values(), key=lambda lk: lk.id))
    )
    out: list[list[CLink]] = [[] for _ in nodes]
    for cl in links:
        out[cl.origin].append(cl)
    fees: list[dict[tuple[str, str], float]] = [{} for _ in nodes]
    for f in network.fees:
        fees[index[f.node_id]][(f.fee, f.unit)] = network.to_cny(f.amount, f.currency)
    return CompiledNetwork(
        network=network,
        nodes=nodes,
        index=MappingProxyType(index),
        out_links=tuple(tuple(o) for o in out),
        links=links,
        fees_cny=tuple(MappingProxyType(f) for f in fees),
        supervised=tuple(n.is_supervised for n in nodes),
        handling_min=tuple(minutes(n.handling_h) for n in nodes),
        free_storage_min=tuple(minutes(n.free_storage_h) for n in nodes),
        leg_kind=tuple(
            ROAD_LEG if cl.link.mode in (Mode.TRUCK, Mode.TIR) else TERMINAL_LEG for cl in links
        ),
        leg_code=tuple(MODE_CODE[cl.link.mode] for cl in links),
        dwell_link=tuple(
            cl.link.mode in EXPORT_DWELL_MODES and cl.link.regime is Regime.INTERNATIONAL
            for cl in links
        ),
        plain_road=tuple(cl.link.is_plain_road_crossing for cl in links),
        from_crossing=tuple(nodes[cl.origin].kind is NodeKind.BORDER_CROSSING for cl in links),
        drug_port_jurisdictions=frozenset(
            n.jurisdiction for n in nodes if n.offers(CustomsOp.DRUG_PORT)
        ),
        free_port_jurisdictions=free_port_jurisdictions(network),
    )


def link_allows(cl: CLink, cargo_class: CargoClass) -> bool:
    return cargo_class in cl.link.cargo_classes
