"""Build a :class:`Network` in code (tests, generated benchmark networks, scenario edits).

The builder fills the global tables (modes, AEO profiles, FX, jurisdictions) with neutral
defaults that callers can override: :meth:`NetworkBuilder.set_jurisdiction` sets a territory's
free-port status, AEO mutual recognition and procedure names, and
:meth:`NetworkBuilder.add_advance_info` the advance cargo information it requires.
:meth:`NetworkBuilder.build` runs the same cross-table validation as the file loader, raising
:class:`~router.errors.DatasetError` on any error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from router.errors import DatasetError, Problem, Severity
from router.network.fields import Row
from router.network.geo import path_km
from router.network.model import (
    AdvanceDue,
    AdvanceInfo,
    AeoLevel,
    CargoClass,
    CustomsOp,
    CustomsProfile,
    Jurisdiction,
    Link,
    Mode,
    ModeParams,
    Network,
    Node,
    NodeFee,
    NodeKind,
    Regime,
    Schedule,
    ScheduleKind,
    Tariff,
    TariffUnit,
    WeeklyDeparture,
)
from router.network.pricing import PricingTables
from router.network.validate import cross_check

DEFAULT_MODES: dict[Mode, ModeParams] = {
    m: ModeParams(m, detour, co2, 0.0, 0.0, "builder default")
    for m, detour, co2 in (
        (Mode.TRUCK, 1.3, 62.0),
        (Mode.BARGE, 1.2, 31.0),
        (Mode.FEEDER, 1.2, 16.0),
        (Mode.DEEPSEA, 1.2, 8.0),
        (Mode.RAIL, 1.2, 22.0),
        (Mode.AIR, 1.05, 602.0),
        (Mode.TIR, 1.3, 62.0),
    )
}

DEFAULT_PROFILES: dict[AeoLevel, CustomsProfile] = {
    AeoLevel.NONE: CustomsProfile(AeoLevel.NONE, 0.03, 1.0),
    AeoLevel.ADVANCED: CustomsProfile(AeoLevel.ADVANCED, 0.005, 0.7),
}


def container_tariffs(
    per_teu_fixed: float, per_teu_km: float = 0.0, currency: str = "CNY"
) -> dict[TariffUnit, Tariff]:
    """Tariff lines for 20/40/40HC (a 40' priced at 1.8 x a 20') from a per-TEU price, and an
    LCL line per revenue tonne at a tenth of the 20' price."""
    factors = {TariffUnit.C20: 1.0, TariffUnit.C40: 1.8, TariffUnit.C40HC: 1.9, TariffUnit.WM: 0.1}
    return {u: Tariff(u, per_teu_fixed * f, per_teu_km * f, currency) for u, f in factors.items()}


@dataclass
class NetworkBuilder:
    """Collects nodes, links and fees, then builds a validated immutable network."""

    name: str = "built"
    nodes: dict[str, Node] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    fees: list[NodeFee] = field(default_factory=list)
    modes: dict[Mode, ModeParams] = field(default_factory=lambda: dict(DEFAULT_MODES))
    profiles: dict[AeoLevel, CustomsProfile] = field(default_factory=lambda: dict(DEFAULT_PROFILES))
    fx_cny: dict[str, float] = field(
        default_factory=lambda: {"CNY": 1.0, "USD": 7.1, "EUR": 7.7, "HKD": 0.91}
    )
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    advance_info: list[AdvanceInfo] = field(default_factory=list)
    #: surcharges, transfer costs, ad-valorem charges, demurrage, road limits (None: none)
    pricing: PricingTables | None = None

    def set_jurisdiction(self, code: str, **attrs: Any) -> Jurisdiction:
        """Add or replace the customs territory ``code``; ``attrs`` are :class:`Jurisdiction`
        fields (``free_port``, ``aeo_mra_cn``, ``*_procedure`` texts, ``name``, ``countries``).
        Nodes added later with this jurisdiction keep it; a node's own country is unaffected."""
        jurisdiction = Jurisdiction(
            code=code,
            name=attrs.pop("name", code),
            countries=tuple(attrs.pop("countries", (code[:2],))),
            **attrs,
        )
        self.jurisdictions[code] = jurisdiction
        return jurisdiction

    def add_advance_info(
        self,
        jurisdiction: str,
        mode: Mode,
        name: str,
        *,
        due: AdvanceDue,
        lead_h: float,
        source: str = "",
    ) -> AdvanceInfo:
        """Require advance cargo information for ``jurisdiction`` on ``mode`` (EU ENS, HK
        ROCARS, ...), ``lead_h`` hours before loading or before arrival at the border."""
        info = AdvanceInfo(jurisdiction, mode, name, due, lead_h, source)
        self.advance_info.append(info)
        return info

    def add_node(
        self,
        node_id: str,
        lon: float,
        lat: float,
        *,
        kind: NodeKind = NodeKind.CITY,
        jurisdiction: str = "CN",
        operations: frozenset[CustomsOp] | set[CustomsOp] = frozenset(),
        **attrs: Any,
    ) -> Node:
        node = Node(
            id=node_id,
            name=attrs.pop("name", node_id),
            name_zh=attrs.pop("name_zh", ""),
            kind=kind,
            lon=lon,
            lat=lat,
            country=attrs.pop("country", jurisdiction[:2]),
            jurisdiction=jurisdiction,
            operations=frozenset(operations),
            **attrs,
        )
        self.nodes[node_id] = node
        if jurisdiction not in self.jurisdictions:
            self.jurisdictions[jurisdiction] = Jurisdiction(
                jurisdiction, jurisdiction, (jurisdiction[:2],)
            )
        return node

    def add_link(
        self,
        link_id: str,
        origin: str,
        destination: str,
        mode: Mode,
        *,
        transit_h: float,
        regime: Regime = Regime.DOMESTIC,
        weekly: tuple[tuple[int, int], ...] = (),
        headway_h: float = 0.0,
        offset_h: float = 0.0,
        cutoff_h: float = 0.0,
        tariffs: dict[TariffUnit, Tariff] | None = None,
        distance_km: float | None = None,
        cargo_classes: frozenset[CargoClass] = frozenset(CargoClass),
        **attrs: Any,
    ) -> Link:
        """Add a link; ``weekly`` is ((weekday 0=Mon, minute of day), ...)."""
        if weekly:
            schedule = Schedule(
                ScheduleKind.WEEKLY,
                tuple(
                    sorted(
                        {WeeklyDeparture(d, m) for d, m in weekly},
                        key=lambda w: (w.weekday, w.minute),
                    )
                ),
                cutoff_h=cutoff_h,
            )
        elif headway_h:
            schedule = Schedule(
                ScheduleKind.HEADWAY, headway_h=headway_h, offset_h=offset_h, cutoff_h=cutoff_h
            )
        else:
            schedule = Schedule(ScheduleKind.ANY, cutoff_h=cutoff_h)
        if tariffs is None:
            tariffs = (
                {TariffUnit.KG: Tariff(TariffUnit.KG, 30.0, 0.0, "CNY")}
                if mode is Mode.AIR
                else container_tariffs(1000.0)
            )
        via = tuple(attrs.pop("via", ()))
        a, b = self.nodes[origin], self.nodes[destination]
        points = (
            (a.lon, a.lat),
            *((self.nodes[v].lon, self.nodes[v].lat) for v in via),
            (b.lon, b.lat),
        )
        given = distance_km is not None
        if distance_km is None:
            distance_km = max(path_km(points) * self.modes[mode].detour_factor, 0.1)
        link = Link(
            id=link_id,
            origin=origin,
            destination=destination,
            mode=mode,
            operator=attrs.pop("operator", ""),
            service=attrs.pop("service", link_id),
            distance_km=distance_km,
            transit_h=transit_h,
            regime=regime,
            cargo_classes=frozenset(cargo_classes),
            schedule=schedule,
            tariffs=tariffs,
            geometry=points,
            via=via,
            distance_given=given,
            **attrs,
        )
        self.links[link_id] = link
        return link

    def add_fee(
        self, node_id: str, fee: str, unit: str, amount: float, currency: str = "CNY"
    ) -> None:
        self.fees.append(NodeFee(node_id, fee, unit, amount, currency))

    def build(self, *, check_fees: bool = False) -> Network:
        """Validate and freeze. ``check_fees`` also requires THC at terminals, as files do."""
        problems: list[Problem] = []
        node_rows = {k: Row("builder", f"node {k}", {}, problems) for k in self.nodes}
        link_rows = {k: Row("builder", f"link {k}", {}, problems) for k in self.links}
        for link in self.links.values():
            for end in (link.origin, link.destination, *link.via):
                if end not in self.nodes:
                    link_rows[link.id].error("from", f"unknown node {end!r}")
        if any(p.severity is Severity.ERROR for p in problems):
            raise DatasetError(problems)
        cross_check(self.nodes, node_rows, self.links, link_rows, self.fees, problems)
        errors = [
            p
            for p in problems
            if p.severity is Severity.ERROR and (check_fees or "'thc'" not in p.message)
        ]
        if errors:
            raise DatasetError(errors)
        return Network(
            nodes=dict(self.nodes),
            links=dict(self.links),
            jurisdictions=dict(self.jurisdictions),
            modes=dict(self.modes),
            customs_profiles=dict(self.profiles),
            fees=tuple(self.fees),
            fx_cny=dict(self.fx_cny),
            advance_info=tuple(self.advance_info),
            pricing=self.pricing,
            name=self.name,
            warnings=tuple(str(p) for p in problems if p.severity is Severity.WARNING),
        )
