"""Shared helpers of the checker tests: a small network with the customs territories of the
customs model v2 (docs/customs-model.md), engine quotes that must pass the checker, and ways to
break one rule of a legal quote.

The ``v2`` network: Shenzhen (city, Yantian port, Bao'an airport, Pinghu rail terminal, the
Shenzhen Bay crossing, the Shunde Combined Port feeder of Shekou), Hong Kong (a free port: the
Shenzhen Bay crossing, Kwai Tsing, HKIA), the EU (Rotterdam, Antwerp, Amsterdam airport,
Małaszewicze, Duisburg, Frankfurt airport), the EAEU (Dostyk, Brest, Naushki, Moscow), Mongolia
(Zamyn-Uud, Sükhbaatar) and the US (Los Angeles airport). Figures are invented for the tests;
coordinates are roughly right, so border events fall where the trains are.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime, timedelta
from typing import Any

from router.network import Network
from router.network.builder import NetworkBuilder
from router.network.model import (
    AdvanceDue,
    AdvanceInfo,
    CustomsOp,
    Jurisdiction,
    Mode,
    NodeFee,
    NodeKind,
    Regime,
)
from router.quotes.document import make_quote
from router.routing.compiled import compile_network
from router.routing.request import (
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    Preferences,
    QuoteRequest,
    TraderProfile,
)
from router.units import CST
from router.verify.legality import check_quote

Op = CustomsOp
READY = datetime(2026, 12, 3, 9, 0, tzinfo=CST)  # a Thursday
#: one 40' with its cargo declared (10 t, 50 m3), so that it also has an air option as loose
#: cargo (containers are not flown)
BOX = Cargo(containers=(("42G1", 1),), weight_kg=10_000.0, volume_m3=50.0)
PORT = {Op.EXPORT_CLEARANCE, Op.IMPORT_CLEARANCE, Op.EXIT, Op.ENTRY, Op.SUPERVISED_SITE}
BORDER = {Op.EXIT, Op.ENTRY, Op.SUPERVISED_SITE, Op.TRANSIT_BORDER}
SZ_CUSTOMS = "Shenzhen Customs"

JURISDICTIONS = {
    "CN": Jurisdiction(
        "CN",
        "Chinese mainland",
        ("CN",),
        transit_procedure="转关 transit declaration",
    ),
    "HK": Jurisdiction(
        "HK",
        "Hong Kong SAR",
        ("HK",),
        free_port=True,
        transhipment_procedure="transhipment (ITFS) under the carrier's control",
    ),
    "EU": Jurisdiction(
        "EU", "European Union", ("NL", "DE", "PL"), aeo_mra_cn=True, transit_procedure="NCTS T1"
    ),
    "EAEU": Jurisdiction("EAEU", "Eurasian Economic Union", ("KZ", "RU", "BY")),
    "MN": Jurisdiction("MN", "Mongolia", ("MN",)),
    "US": Jurisdiction("US", "United States", ("US",)),
}
ADVANCE_INFO = (
    AdvanceInfo("EU", Mode.DEEPSEA, "ICS2 ENS (sea)", AdvanceDue.LOADING, 24.0),
    AdvanceInfo("EU", Mode.AIR, "ICS2 ENS (air)", AdvanceDue.LOADING, 4.0),
    AdvanceInfo("EU", Mode.RAIL, "ICS2 ENS (rail)", AdvanceDue.ARRIVAL, 2.0),
    AdvanceInfo("EAEU", Mode.RAIL, "EAEU preliminary information (rail)", AdvanceDue.ARRIVAL, 2.0),
    AdvanceInfo("HK", Mode.TRUCK, "ROCARS", AdvanceDue.ARRIVAL, 0.5),
    AdvanceInfo("US", Mode.AIR, "ACAS", AdvanceDue.LOADING, 4.0),
)


def _nodes(b: NetworkBuilder) -> None:
    port: dict[str, Any] = {"handling_h": 1.0, "export_clearance_h": 2.0, "inspection_h": 24.0}
    b.add_node("SZ", 114.06, 22.54, customs_district=SZ_CUSTOMS)
    b.add_node(
        "YTN",
        114.27,
        22.58,
        kind=NodeKind.SEAPORT,
        operations=PORT | {Op.TRANSIT_DECLARATION, Op.DRUG_PORT},
        customs_district=SZ_CUSTOMS,
        dg_classes=frozenset({"3", "9", "1.4"}),
        import_clearance_h=8.0,
        dwell_import_h=72.0,
        dwell_export_h=24.0,
        drug_permit_h=48.0,
        **port,
    )
    b.add_node(
        "SZX",
        113.81,
        22.64,
        kind=NodeKind.AIRPORT,
        operations=PORT | {Op.TRANSIT_DECLARATION, Op.ECOMMERCE},
        customs_district=SZ_CUSTOMS,
        import_clearance_h=2.0,
        dwell_import_h=4.0,
        dwell_export_h=4.0,
        **port,
    )
    b.add_node(
        "SHK",
        113.91,
        22.48,
        kind=NodeKind.SEAPORT,
        operations=PORT,
        customs_district=SZ_CUSTOMS,
        import_clearance_h=8.0,
        dwell_import_h=48.0,
        dwell_export_h=72.0,
        dwell_combined_h=6.0,
        **port,
    )
    b.add_node(
        "SDX",
        113.25,
        22.80,
        kind=NodeKind.RIVER_TERMINAL,
        operations={Op.COMBINED_PORT, Op.EXPORT_CLEARANCE, Op.EXIT, Op.SUPERVISED_SITE},
        combined_port_hub="SHK",
        customs_district="Foshan Customs",
        handling_h=1.0,
        export_clearance_h=3.0,
    )
    b.add_node(
        "PHS",
        114.13,
        22.68,
        kind=NodeKind.RAIL_TERMINAL,
        operations=PORT,
        customs_district=SZ_CUSTOMS,
        import_clearance_h=6.0,
        dwell_export_h=12.0,
        **port,
    )
    b.add_node(
        "SZB",
        113.95,
        22.50,
        kind=NodeKind.BORDER_CROSSING,
        operations=PORT | {Op.TRANSIT_DECLARATION, Op.JOINT_DECLARATION},
        customs_district=SZ_CUSTOMS,
        export_clearance_h=1.0,
        import_clearance_h=2.0,
        joint_clearance_h=0.5,
    )
    b.add_node(
        "HKB",
        113.951,
        22.49,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="HK",
        operations=PORT,
        customs_district="HK C&ED",
        export_clearance_h=0.5,
        import_clearance_h=0.5,
    )
    b.add_node(
        "HKG",
        114.12,
        22.34,
        kind=NodeKind.SEAPORT,
        jurisdiction="HK",
        operations=PORT,
        customs_district="HK C&ED",
        import_clearance_h=2.0,
        dwell_export_h=24.0,
        dg_classes=frozenset({"3", "9"}),
        **port,
    )
    b.add_node(
        "HKA",
        113.92,
        22.31,
        kind=NodeKind.AIRPORT,
        jurisdiction="HK",
        operations=PORT,
        customs_district="HK C&ED",
        import_clearance_h=1.0,
        dwell_export_h=4.0,
        **port,
    )
    eu: dict[str, Any] = {"jurisdiction": "EU", "handling_h": 2.0, "inspection_h": 48.0}
    b.add_node(
        "RTM",
        4.05,
        51.95,
        kind=NodeKind.SEAPORT,
        operations=PORT,
        customs_district="Douane Rotterdam",
        import_clearance_h=12.0,
        dwell_import_h=48.0,
        dg_classes=frozenset("123456789"),
        **eu,
    )
    b.add_node(
        "ANR",
        4.40,
        51.27,
        kind=NodeKind.SEAPORT,
        operations=PORT | {Op.DRUG_PORT},
        customs_district="Douane Antwerpen",
        import_clearance_h=12.0,
        dwell_import_h=24.0,
        drug_permit_h=24.0,
        **eu,
    )
    b.add_node(
        "AMS",
        4.76,
        52.31,
        kind=NodeKind.AIRPORT,
        operations=PORT | {Op.TRANSIT_DECLARATION},
        customs_district="Douane Schiphol",
        import_clearance_h=6.0,
        dwell_import_h=72.0,
        **eu,
    )
    b.add_node(
        "DUI",
        6.76,
        51.43,
        kind=NodeKind.RAIL_TERMINAL,
        operations=PORT | {Op.TRANSIT_DECLARATION},
        customs_district="Hauptzollamt Duisburg",
        import_clearance_h=2.0,
        dwell_import_h=2.0,
        **eu,
    )
    b.add_node(
        "MAL",
        23.36,
        52.05,
        kind=NodeKind.BORDER_CROSSING,
        operations=BORDER | {Op.TRANSIT_DECLARATION},
        customs_district="Biała Podlaska",
        **{k: v for k, v in eu.items() if k == "jurisdiction"},
    )
    b.add_node(
        "FRA",
        8.57,
        50.04,
        kind=NodeKind.AIRPORT,
        operations=PORT | {Op.DRUG_PORT},
        customs_district="Hauptzollamt Frankfurt",
        import_clearance_h=4.0,
        **eu,
    )
    b.add_node(
        "AKS",
        82.57,
        45.17,
        kind=NodeKind.BORDER_CROSSING,
        operations=BORDER,
        customs_district="Urumqi Customs",
        border_transit_h=12.0,
    )
    b.add_node(
        "DOS",
        82.49,
        45.25,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="EAEU",
        country="KZ",
        operations=BORDER,
    )
    b.add_node(
        "BRE",
        23.69,
        52.10,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="EAEU",
        country="BY",
        operations=BORDER,
        border_transit_h=20.0,
    )
    b.add_node(
        "ERL",
        111.98,
        43.65,
        kind=NodeKind.BORDER_CROSSING,
        operations=BORDER,
        border_transit_h=10.0,
    )
    mongolia: dict[str, Any] = {"jurisdiction": "MN", "operations": BORDER}
    b.add_node(
        "ZMU", 111.90, 43.72, kind=NodeKind.BORDER_CROSSING, border_transit_h=4.0, **mongolia
    )
    b.add_node(
        "SUK", 106.20, 50.23, kind=NodeKind.BORDER_CROSSING, border_transit_h=6.0, **mongolia
    )
    b.add_node(
        "NAU",
        106.11,
        50.37,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="EAEU",
        country="RU",
        operations=BORDER,
    )
    b.add_node(
        "MOW",
        37.62,
        55.75,
        kind=NodeKind.RAIL_TERMINAL,
        jurisdiction="EAEU",
        country="RU",
        operations=PORT,
        customs_district="Moscow Customs",
        import_clearance_h=12.0,
        dwell_import_h=24.0,
    )
    b.add_node(
        "LAX",
        -118.41,
        33.94,
        kind=NodeKind.AIRPORT,
        jurisdiction="US",
        operations=PORT,
        customs_district="Los Angeles",
        import_clearance_h=4.0,
        inspection_h=24.0,
    )


def _links(b: NetworkBuilder) -> None:
    intl = Regime.INTERNATIONAL
    sup = Regime.SUPERVISED

    def truck(link_id: str, a: str, z: str, hours: float, **kw: Any) -> None:
        kw.setdefault("operator", "Haulier")
        b.add_link(link_id, a, z, Mode.TRUCK, transit_h=hours, **kw)

    for z, h in (("YTN", 1.5), ("SZX", 1.0), ("SHK", 1.0), ("SDX", 3.0), ("PHS", 1.0)):
        truck(f"T-SZ-{z}", "SZ", z, h)
        truck(f"T-{z}-SZ", z, "SZ", h)
    truck("T-SZ-SZB", "SZ", "SZB", 0.8)
    truck("T-SZB-SZ", "SZB", "SZ", 0.8)
    truck("S-YTN-SZX", "YTN", "SZX", 1.2, regime=sup, operator="Bonded haulier")
    truck("S-SZB-SZX", "SZB", "SZX", 1.0, regime=sup, operator="Bonded haulier")
    truck("S-SZB-PHS", "SZB", "PHS", 1.0, regime=sup, operator="Bonded haulier")
    truck(
        "T-SZB-HKB",
        "SZB",
        "HKB",
        0.5,
        regime=intl,
        dg_banned=frozenset({"1", "2", "3", "4", "5", "6", "7", "8"}),
    )
    truck(
        "T-HKB-SZB",
        "HKB",
        "SZB",
        0.5,
        regime=intl,
        dg_banned=frozenset({"1", "2", "3", "4", "5", "6", "7", "8"}),
    )
    for a, z, h in (("HKB", "HKG", 1.0), ("HKB", "HKA", 0.8), ("HKA", "HKB", 0.8)):
        truck(f"T-{a}-{z}", a, z, h)
    eu_roads = (
        ("AMS", "RTM", 1.5),
        ("AMS", "DUI", 3.5),
        ("DUI", "RTM", 3.0),
        ("RTM", "DUI", 3.0),
        ("ANR", "RTM", 1.5),
    )
    for a, z, h in eu_roads:
        truck(f"T-{a}-{z}", a, z, h)
        truck(f"S-{a}-{z}", a, z, h, regime=sup, operator="Bonded haulier")
    b.add_link(
        "B-SDX-SHK",
        "SDX",
        "SHK",
        Mode.BARGE,
        transit_h=14.0,
        regime=sup,
        weekly=((0, 8 * 60), (3, 20 * 60)),
        cutoff_h=4.0,
        operator="Barge line",
    )
    b.add_link(
        "B-SDX-HKG",
        "SDX",
        "HKG",
        Mode.BARGE,
        transit_h=12.0,
        regime=intl,
        weekly=((4, 8 * 60),),
        cutoff_h=4.0,
        operator="Barge line",
    )
    sea: dict[str, Any] = {"regime": intl, "cutoff_h": 24.0, "operator": "Carrier"}
    b.add_link("D-YTN-RTM", "YTN", "RTM", Mode.DEEPSEA, transit_h=720.0, weekly=((1, 600),), **sea)
    b.add_link("D-SHK-RTM", "SHK", "RTM", Mode.DEEPSEA, transit_h=744.0, weekly=((6, 600),), **sea)
    b.add_link("D-HKG-RTM", "HKG", "RTM", Mode.DEEPSEA, transit_h=700.0, weekly=((5, 600),), **sea)
    b.add_link("D-YTN-ANR", "YTN", "ANR", Mode.DEEPSEA, transit_h=730.0, weekly=((2, 600),), **sea)
    b.add_link("D-RTM-YTN", "RTM", "YTN", Mode.DEEPSEA, transit_h=720.0, weekly=((1, 600),), **sea)
    b.add_link("D-ANR-YTN", "ANR", "YTN", Mode.DEEPSEA, transit_h=730.0, weekly=((2, 600),), **sea)
    air: dict[str, Any] = {"regime": intl, "cutoff_h": 3.0, "operator": "Freighter"}
    daily = tuple((d, 90) for d in range(7))
    b.add_link("A-SZX-FRA", "SZX", "FRA", Mode.AIR, transit_h=13.0, weekly=daily, **air)
    b.add_link("A-SZX-AMS", "SZX", "AMS", Mode.AIR, transit_h=13.0, weekly=daily, **air)
    b.add_link("A-SZX-LAX", "SZX", "LAX", Mode.AIR, transit_h=14.0, weekly=daily, **air)
    b.add_link("A-HKA-FRA", "HKA", "FRA", Mode.AIR, transit_h=13.0, weekly=daily, **air)
    b.add_link("A-FRA-HKA", "FRA", "HKA", Mode.AIR, transit_h=12.0, weekly=daily, **air)
    rail: dict[str, Any] = {"regime": intl, "cutoff_h": 24.0, "operator": "Bay Area Express"}
    b.add_link(
        "R-PHS-DUI",
        "PHS",
        "DUI",
        Mode.RAIL,
        transit_h=384.0,
        weekly=((2, 20 * 60),),
        via=("AKS", "DOS", "BRE", "MAL"),
        **rail,
    )
    b.add_link(
        "R-PHS-MOW",
        "PHS",
        "MOW",
        Mode.RAIL,
        transit_h=300.0,
        weekly=((4, 20 * 60),),
        via=("ERL", "ZMU", "SUK", "NAU"),
        **rail,
    )
    b.add_link(
        "R-MOW-DUI",
        "MOW",
        "DUI",
        Mode.RAIL,
        transit_h=150.0,
        weekly=tuple((d, 6 * 60) for d in range(7)),
        via=("BRE", "MAL"),
        **rail,
    )
    b.add_link(
        "TIR-PHS-MOW",
        "PHS",
        "MOW",
        Mode.TIR,
        transit_h=200.0,
        via=("ERL", "ZMU", "SUK", "NAU"),
        operator="TIR haulier",
        regime=intl,
    )


def v2_network() -> Network:
    b = NetworkBuilder(name="customs-v2")
    _nodes(b)
    _links(b)
    for node in ("YTN", "SZX", "SZB", "RTM", "AMS", "DUI", "FRA", "LAX", "HKG"):
        b.add_fee(node, "declaration", "declaration", 100.0)
        b.add_fee(node, "inspection", "inspection", 500.0)
    network = b.build()
    return dataclasses.replace(
        network, jurisdictions=dict(JURISDICTIONS), advance_info=ADVANCE_INFO
    )


def with_jurisdiction(network: Network, code: str, **changes: Any) -> Network:
    """``network`` with jurisdiction ``code`` changed (free_port, aeo_mra_cn, ...)."""
    jurisdiction = dataclasses.replace(network.jurisdictions[code], **changes)
    return dataclasses.replace(network, jurisdictions={**network.jurisdictions, code: jurisdiction})


def with_node(network: Network, node_id: str, **changes: Any) -> Network:
    node = dataclasses.replace(network.nodes[node_id], **changes)
    return dataclasses.replace(network, nodes={**network.nodes, node_id: node})


def with_link(network: Network, link_id: str, **changes: Any) -> Network:
    link = dataclasses.replace(network.links[link_id], **changes)
    return dataclasses.replace(network, links={**network.links, link_id: link})


def request(
    origin: str,
    destination: str,
    cargo: Cargo = BOX,
    *,
    ready: datetime = READY,
    scope: CustomsScope = CustomsScope.BOTH,
    trader: TraderProfile | None = None,
    alternatives: int = 8,
    **constraints: Any,
) -> QuoteRequest:
    return QuoteRequest(
        origin=PlaceRef(origin),
        destination=PlaceRef(destination),
        cargo=cargo,
        ready=ready,
        customs_scope=scope,
        trader=trader or TraderProfile(),
        constraints=Constraints(**constraints),
        preferences=Preferences(alternatives=alternatives),
    )


def quote(network: Network, req: QuoteRequest) -> dict[str, Any]:
    return make_quote(compile_network(network), req)


def quote_ok(network: Network, req: QuoteRequest) -> dict[str, Any]:
    """An engine quote that must exist and pass the checker."""
    q = quote(network, req)
    assert q["status"] == "ok", q["reasons"]
    assert check_quote(network, req, q) == []
    return q


def alternative(q: dict[str, Any], *links: str) -> dict[str, Any]:
    """A deep copy of the first alternative that uses every one of ``links``."""
    for alt in q["alternatives"]:
        used = {leg["link_id"] for leg in alt["legs"]}
        if set(links) <= used:
            return copy.deepcopy(alt)
    raise AssertionError(f"no alternative uses {links}")


def with_event(q: dict[str, Any], operation: str, node: str) -> dict[str, Any]:
    """A deep copy of the first alternative with an ``operation`` event at ``node``."""
    for alt in q["alternatives"]:
        if any(e["operation"] == operation and e["node"] == node for e in alt["customs_events"]):
            return copy.deepcopy(alt)
    raise AssertionError(f"no alternative has {operation} at {node}")


def leg_of(alt: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(leg for leg in alt["legs"] if leg["link_id"] == link_id)


def event_of(alt: dict[str, Any], operation: str, node: str | None = None) -> dict[str, Any]:
    return next(
        e
        for e in alt["customs_events"]
        if e["operation"] == operation and (node is None or e["node"] == node)
    )


def drop_events(alt: dict[str, Any], operation: str, node: str | None = None) -> dict[str, Any]:
    """A copy of ``alt`` without its ``operation`` events (at ``node`` only, if given)."""
    broken = copy.deepcopy(alt)
    broken["customs_events"] = [
        e
        for e in alt["customs_events"]
        if not (e["operation"] == operation and (node is None or e["node"] == node))
    ]
    return broken


def operations(alt: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["operation"], e["node"]) for e in alt["customs_events"]]


def shift(moment: str, **delta: float) -> str:
    return (datetime.fromisoformat(moment) + timedelta(**delta)).isoformat()


def assert_flags(problems: list[str], *needles: str) -> None:
    assert problems, "the checker accepted a broken document"
    for needle in needles:
        assert any(needle in p for p in problems), f"{needle!r} not in {problems}"


def with_fee(network: Network, node: str, fee: str, unit: str, amount: float) -> Network:
    return dataclasses.replace(
        network, fees=(*network.fees, NodeFee(node, fee, unit, amount, "CNY"))
    )
