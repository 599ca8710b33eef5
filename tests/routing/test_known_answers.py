"""Known answers of the quote search on tiny hand-built networks.

Every expected value below is computed by hand in the comments from the network's figures and
the search's rules (DESIGN.md §2.2, router/routing/search.py): a leg departs at the first departure
at or after ``ready = arrival + handling (not before the first leg) + export dwell + cut-off``;
a customs declaration takes ``clearance_h x AEO factor + p(inspection) x inspection_h`` and costs
``declaration + p(inspection) x inspection fee``; import clearance adds the import dwell first.
Default AEO profiles (builder): none p=0.03 x1.0, general p=0.015 x0.9, advanced p=0.005 x0.7.
Cargo: one 20' dry box, 12.2 t hauled (see routing_testkit). 2025-06-02 is a Monday.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from routing_testkit import (
    ONE_TEU,
    arrival,
    at,
    clock,
    cny,
    customs_ops,
    iso,
    legs,
    link_ids,
    make_request,
    quote,
    solve,
)

from router.errors import DatasetError, InvalidRequestError, NotFoundError
from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import (
    AeoLevel,
    CargoClass,
    CustomsOp,
    Mode,
    Network,
    NodeKind,
    Regime,
)
from router.quotes.document import build_search
from router.routing.compiled import compile_network
from router.routing.request import Cargo, CustomsScope, PlaceRef, TraderProfile
from router.verify.legality import check_alternative, check_quote

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
EXIT = CustomsOp.EXIT
ENTRY = CustomsOp.ENTRY
SUP = CustomsOp.SUPERVISED_SITE
SEAPORT = NodeKind.SEAPORT
INTL = Regime.INTERNATIONAL
SUPERVISED = Regime.SUPERVISED
NO_LEGAL_ROUTE = (
    "no legal route from {o} to {d} in the network under the customs rules for this cargo"
)


# --------------------------------------------------------------------------- export / import
def export_network(*, export_clearance_at_port: bool) -> Network:
    b = NetworkBuilder()
    b.add_node("F", 114.00, 22.70)  # factory, CN, no customs
    b.add_node(
        "P",
        114.27,
        22.57,
        kind=SEAPORT,
        operations={EXIT, SUP} | ({EC} if export_clearance_at_port else set()),
        handling_h=2,
        export_clearance_h=4,
        inspection_h=10,
        dwell_export_h=24,
        free_storage_h=72,
    )
    b.add_node(
        "H",
        114.12,
        22.34,
        kind=SEAPORT,
        jurisdiction="HK",
        operations={ENTRY, IC},
        handling_h=1,
        import_clearance_h=3,
        dwell_import_h=12,
    )
    b.add_link("t1", "F", "P", Mode.TRUCK, transit_h=3, distance_km=50, tariffs=cny(800))
    b.add_link(
        "s1",
        "P",
        "H",
        Mode.DEEPSEA,
        transit_h=20,
        regime=INTL,
        weekly=((2, 600),),  # Wednesday 10:00
        distance_km=80,
        tariffs=cny(2000),
    )
    for fee, unit, amount in (
        ("declaration", "declaration", 200),
        ("inspection", "inspection", 1000),
        ("thc", "20", 500),
        ("port_dues", "20", 50),
        ("document", "shipment", 100),
    ):
        b.add_fee("P", fee, unit, amount)
    for fee, unit, amount in (
        ("declaration", "declaration", 150),
        ("inspection", "inspection", 800),
        ("thc", "20", 400),
        ("port_dues", "20", 30),
        ("storage", "20", 20),
    ):
        b.add_fee("H", fee, unit, amount)
    return b.build()


def test_leaving_a_jurisdiction_needs_export_clearance() -> None:
    net = export_network(export_clearance_at_port=False)
    doc = quote(net, make_request("F", "H"))
    assert doc["status"] == "no_route"
    assert doc["alternatives"] == []
    assert doc["reasons"] == [NO_LEGAL_ROUTE.format(o="F", d="H")]


def test_export_then_import_known_answer() -> None:
    # t1 truck F->P: Mon 08:00 -> 11:00, 800 CNY, 12.2 x 50 x 62 = 37,820 g
    # export at P: 4 h x 1.0 + 0.03 x 10 h = 4.3 h = 258 min -> 15:18; 200 + 0.03 x 1000 = 230 CNY
    # s1: handling 2 h + export dwell 24 h -> ready Tue 17:18 -> Wed 10:00 departure, +20 h
    #     -> Thu 06:00 at H; 2000 freight + THC 500 + 400 + port dues 50 + 30 + document 100;
    #     12.2 x 80 x 8 = 7,808 g; no storage (24 h dwell < 72 h free)
    # import at H: dwell 12 h + 3 h -> Thu 21:00; 150 + 0.03 x 800 = 174 CNY; storage
    #     12 h beyond 0 h free = 0.5 day x 20 = 10 CNY
    # total 800 + 230 + 2000 + 900 + 180 + 174 + 10 = 4,294 CNY; CO2e 45,628 g; 1 transfer
    net = export_network(export_clearance_at_port=True)
    search, routes = solve(net, make_request("F", "H"))
    assert len(routes) == 1
    (route,) = routes
    assert arrival(search, route) == at("2025-06-05 21:00")
    assert route.cost_fen == 429_400
    assert route.co2_g == 45_628
    assert route.transfers == 1
    assert customs_ops(search, route) == [
        ("P", "export_clearance", "free", "cleared_export"),
        ("H", "import_clearance", "in_transit", "free"),
    ]
    doc = quote(net, make_request("F", "H"))
    assert doc["status"] == "ok"
    (alt,) = doc["alternatives"]
    assert sorted(alt["tags"]) == ["cheapest", "fastest", "greenest", "recommended"]
    assert alt["arrival"] == iso("2025-06-05 21:00")
    assert alt["cost"]["total"] == 4294.0
    assert alt["cost"]["breakdown"] == {
        "freight": 2800.0,
        "handling": 900.0,
        "port_fees": 180.0,
        "customs": 404.0,
        "storage": 10.0,
    }
    assert [(leg["from"], leg["to"], leg["departure"]) for leg in alt["legs"]] == [
        ("F", "P", iso("2025-06-02 08:00")),
        ("P", "H", iso("2025-06-04 10:00")),
    ]
    assert alt["legs"][1]["dwell_basis"] == "export"
    assert alt["legs"][1]["dwell_h"] == 24.0
    events = alt["customs_events"]
    assert [(e["node"], e["operation"]) for e in events] == [
        ("P", "export_clearance"),
        ("H", "import_clearance"),
    ]
    assert events[0]["expected_h"] == 4.3
    assert events[0]["cost"] == 230.0
    assert events[1]["expected_h"] == 15.0  # 12 h dwell + 3 h clearance
    assert events[1]["cost"] == 184.0  # 174 customs + 10 storage


def entry_network(*, import_clearance_at_entry: bool) -> Network:
    b = NetworkBuilder()
    b.add_node(
        "O",
        114.12,
        22.34,
        kind=SEAPORT,
        jurisdiction="HK",
        operations={EC, EXIT, SUP},
        export_clearance_h=1,
        dwell_export_h=6,
    )
    b.add_node(
        "Y",
        114.27,
        22.57,
        kind=SEAPORT,
        operations={ENTRY, SUP} | ({IC} if import_clearance_at_entry else set()),
        handling_h=1,
        import_clearance_h=4,
        dwell_import_h=48,
    )
    b.add_node(
        "D",
        114.05,
        22.80,
        kind=NodeKind.INLAND_DEPOT,
        operations={SUP, IC},
        handling_h=1,
        import_clearance_h=2,
        dwell_import_h=4,
    )
    b.add_node("C", 114.00, 22.90)
    b.add_link(
        "s",
        "O",
        "Y",
        Mode.DEEPSEA,
        transit_h=10,
        regime=INTL,
        weekly=((0, 1080),),  # Monday 18:00
        distance_km=100,
        tariffs=cny(3000),
    )
    b.add_link(
        "b", "Y", "D", Mode.TRUCK, transit_h=2, regime=SUPERVISED, distance_km=40, tariffs=cny(600)
    )
    b.add_link("d1", "Y", "C", Mode.TRUCK, transit_h=3, distance_km=55, tariffs=cny(700))
    b.add_link("d2", "D", "C", Mode.TRUCK, transit_h=1, distance_km=20, tariffs=cny(300))
    b.add_fee("O", "declaration", "declaration", 100)
    b.add_fee("O", "thc", "20", 300)
    b.add_fee("Y", "thc", "20", 350)
    b.add_fee("Y", "declaration", "declaration", 150)
    b.add_fee("D", "declaration", "declaration", 120)
    return b.build()


def test_import_clearance_inland_after_in_bond_move() -> None:
    # export at O: 60 min -> 09:00 (100 CNY); s: no handling before the first leg, export dwell
    #   6 h -> ready 15:00 -> Mon 18:00 departure -> Tue 04:00 at Y, in transit (3000 + THC 650)
    # Y offers no import clearance and d1 is domestic, so only the bonded truck b is legal:
    #   vessel -> truck is a transfer: handling 1 h -> 05:00 -> D 07:00 in bond (600); import at
    #   D: 4 h dwell + 2 h -> 13:00 (120); d2 is the same truck haul (no transfer, no handling)
    #   -> C 14:00 (300)
    # 100 + 3650 + 600 + 120 + 300 = 4,770 CNY; 1 transfer (vessel -> truck)
    net = entry_network(import_clearance_at_entry=False)
    search, routes = solve(net, make_request("O", "C"))
    assert len(routes) == 1
    (route,) = routes
    assert link_ids(route) == ["s", "b", "d2"]
    assert arrival(search, route) == at("2025-06-03 14:00")
    assert route.cost_fen == 477_000
    assert route.transfers == 1
    assert customs_ops(search, route) == [
        ("O", "export_clearance", "free", "cleared_export"),
        ("D", "import_clearance", "in_bond", "free"),
    ]
    assert [s.state_after.value for s in legs(route)] == ["in_transit", "in_bond", "free"]


def test_import_clearance_at_entry_or_inland_both_pareto() -> None:
    # At entry: import at Y: 48 h dwell + 4 h -> Thu 08:00 (150 CNY); d1: handling 1 h -> 09:00
    #   -> C Thu 12:00 (700). 100 + 3650 + 150 + 700 = 4,600 CNY, 1 transfer,
    #   CO2e 12.2 x (100 x 8 + 55 x 62) = 9,760 + 41,602 = 51,362 g.
    # Inland (previous test): Tue 14:00, 4,770 CNY, 1 transfer,
    #   CO2e 9,760 + 12.2 x 40 x 62 + 12.2 x 20 x 62 = 9,760 + 30,256 + 15,128 = 55,144 g.
    net = entry_network(import_clearance_at_entry=True)
    search, routes = solve(net, make_request("O", "C"))
    by_links = {tuple(link_ids(r)): r for r in routes}
    assert set(by_links) == {("s", "d1"), ("s", "b", "d2")}
    entry = by_links[("s", "d1")]
    inland = by_links[("s", "b", "d2")]
    assert (arrival(search, entry), entry.cost_fen, entry.co2_g, entry.transfers) == (
        at("2025-06-05 12:00"),
        460_000,
        51_362,
        1,
    )
    assert (arrival(search, inland), inland.cost_fen, inland.co2_g, inland.transfers) == (
        at("2025-06-03 14:00"),
        477_000,
        55_144,
        1,
    )
    assert customs_ops(search, entry)[1] == ("Y", "import_clearance", "in_transit", "free")
    assert customs_ops(search, inland)[1] == ("D", "import_clearance", "in_bond", "free")
    # generalised cost (15 CNY/h for one TEU, 100 CNY/t CO2e): entry 4600 + 76 h x 15 + 5.14
    # = 5,745.14; inland 4770 + 30 h x 15 + 5.51 = 5,225.51 -> inland is recommended
    alts = quote(net, make_request("O", "C"))["alternatives"]
    tags = {a["legs"][-1]["from"]: a["tags"] for a in alts}
    assert tags == {"D": ["fastest", "recommended"], "Y": ["cheapest", "greenest"]}
    assert [a["generalised_cost_cny"] for a in alts] == [5225.51, 5745.14]


# ------------------------------------------------------------------------ link regimes
def two_port_builder() -> NetworkBuilder:
    b = NetworkBuilder()
    b.add_node("A", 114.27, 22.57, kind=SEAPORT, operations={EC, EXIT})
    b.add_node("B", 114.12, 22.34, kind=SEAPORT, jurisdiction="HK", operations={ENTRY, IC})
    b.add_node("N", 114.00, 22.70, kind=SEAPORT)  # CN port offering no customs operation
    return b


@pytest.mark.parametrize(
    ("origin", "destination", "regime", "message"),
    [
        ("N", "B", INTL, "international link starts at 'N', which offers no 'exit'"),
        ("A", "N", INTL, "'international' link inside one jurisdiction (CN)"),
        ("B", "A", INTL, "international link starts at 'B', which offers no 'exit'"),
        ("A", "B", Regime.DOMESTIC, "'domestic' link crosses a border (CN -> HK)"),
        ("A", "B", SUPERVISED, "'supervised' link crosses a border (CN -> HK)"),
    ],
)
def test_international_links_need_exit_and_entry(
    origin: str, destination: str, regime: Regime, message: str
) -> None:
    b = two_port_builder()
    b.add_link("x", origin, destination, Mode.FEEDER, transit_h=5, regime=regime)
    with pytest.raises(DatasetError) as info:
        b.build()
    assert any(message in p.message for p in info.value.errors), info.value


def test_international_link_needs_entry_at_destination() -> None:
    b = two_port_builder()
    b.add_node("Q", 114.2, 22.3, kind=SEAPORT, jurisdiction="HK")  # no 'entry'
    b.add_link("x", "A", "Q", Mode.FEEDER, transit_h=5, regime=INTL)
    with pytest.raises(DatasetError) as info:
        b.build()
    assert any("ends at 'Q', which offers no 'entry'" in p.message for p in info.value.errors)


def test_free_cargo_cannot_board_an_international_link() -> None:
    # A offers export clearance: the only route clears there first
    b = two_port_builder()
    b.add_link("x", "A", "B", Mode.FEEDER, transit_h=5, regime=INTL)
    net = b.build()
    search, routes = solve(net, make_request("A", "B"))
    assert [customs_ops(search, r)[0][:2] for r in routes] == [("A", "export_clearance")]
    for step in routes[0].steps:
        if step.kind == "leg":
            assert step.state_before.value == "cleared_export"


def bonded_network(
    *, clearance_at_factory: bool, import_link: Regime, inland_supervised: bool = True
) -> Network:
    b = NetworkBuilder()
    # an inland clearance site: export clearance is only offered at supervised sites
    b.add_node("F", 114.00, 22.70, operations={EC, SUP} if clearance_at_factory else set())
    b.add_node("P", 114.27, 22.57, kind=SEAPORT, operations={EXIT, SUP})
    b.add_node("H", 114.12, 22.34, kind=SEAPORT, jurisdiction="HK", operations={ENTRY})
    b.add_node(
        "K",
        114.10,
        22.40,
        kind=NodeKind.INLAND_DEPOT,
        jurisdiction="HK",
        operations={IC, SUP} if inland_supervised else {IC},
        import_clearance_h=1,
    )
    # the domestic truck is cheaper and faster than the bonded one
    b.add_link("dom", "F", "P", Mode.TRUCK, transit_h=1, distance_km=30, tariffs=cny(100))
    b.add_link(
        "bond",
        "F",
        "P",
        Mode.TRUCK,
        transit_h=2,
        regime=SUPERVISED,
        distance_km=30,
        tariffs=cny(500),
    )
    b.add_link("sea", "P", "H", Mode.FEEDER, transit_h=6, regime=INTL, distance_km=60)
    b.add_link("imp", "H", "K", Mode.TRUCK, transit_h=1, regime=import_link, distance_km=10)
    return b.build()


def test_supervised_link_refuses_free_cargo() -> None:
    # F offers no export clearance: free cargo may take only the domestic truck to P, where it
    # cannot be export-cleared; the bonded truck refuses free cargo -> no route
    net = bonded_network(clearance_at_factory=False, import_link=SUPERVISED)
    doc = quote(net, make_request("F", "K"))
    assert doc["status"] == "no_route"
    assert doc["reasons"] == [NO_LEGAL_ROUTE.format(o="F", d="K")]


def test_export_clearance_only_at_supervised_sites() -> None:
    # F offers export clearance but is not a supervised site: cargo cleared there could not be
    # held under supervision, so the clearance is not offered -> no route
    b = NetworkBuilder()
    b.add_node("F", 114.00, 22.70, operations={EC})
    b.add_node("H", 114.12, 22.34, kind=SEAPORT, jurisdiction="HK", operations={ENTRY, IC})
    b.add_node("P", 114.27, 22.57, kind=SEAPORT, operations={EXIT})
    b.add_link("fp", "F", "P", Mode.TRUCK, transit_h=1, regime=SUPERVISED)
    b.add_link("ph", "P", "H", Mode.FEEDER, transit_h=6, regime=INTL)
    assert solve(b.build(), make_request("F", "H"))[1] == []
    b.add_node("F", 114.00, 22.70, operations={EC, SUP})
    search, routes = solve(b.build(), make_request("F", "H"))
    assert [link_ids(r) for r in routes] == [["fp", "ph"]]
    assert customs_ops(search, routes[0])[0] == ("F", "export_clearance", "free", "cleared_export")


def test_domestic_link_refuses_supervised_cargo() -> None:
    # Export-cleared at F the cargo must take the bonded truck (the cheaper domestic one refuses
    # it); arrived in transit at H (no import clearance) it must move in bond to K.
    # F clear: 0 min; bond 08:00 -> 10:00; sea (ANY, no dwell): 10:00 -> 16:00;
    # imp: 16:00 -> 17:00 in bond; import at K 1 h -> 18:00
    net = bonded_network(clearance_at_factory=True, import_link=SUPERVISED)
    search, routes = solve(net, make_request("F", "K"))
    assert len(routes) == 1
    assert link_ids(routes[0]) == ["bond", "sea", "imp"]
    assert arrival(search, routes[0]) == at("2025-06-02 18:00")
    assert [s.clink.link.regime.value for s in legs(routes[0])] == [
        "supervised",
        "international",
        "supervised",
    ]
    # the same network with a domestic H->K truck: the in-transit cargo cannot board it
    net = bonded_network(clearance_at_factory=True, import_link=Regime.DOMESTIC)
    assert solve(net, make_request("F", "K"))[1] == []


def test_supervised_cargo_only_at_supervised_sites() -> None:
    # K offers import clearance but is not a supervised site: the bonded truck may not end there
    net = bonded_network(clearance_at_factory=True, import_link=SUPERVISED, inland_supervised=False)
    assert solve(net, make_request("F", "K"))[1] == []


# ------------------------------------------------------------- transit borders (TIR, rail)
def rail_network() -> Network:
    b = NetworkBuilder()
    b.add_node(
        "PHS",
        114.10,
        22.62,
        kind=NodeKind.RAIL_TERMINAL,
        operations={EC, EXIT, SUP},
        export_clearance_h=2,
        dwell_export_h=12,
    )
    for code, lon, lat, juris, border_h in (
        ("ALA", 82.56, 45.17, "EAEU", 10),
        ("MAL", 23.53, 52.07, "EU", 14),
    ):
        b.add_node(
            code,
            lon,
            lat,
            kind=NodeKind.BORDER_CROSSING,
            jurisdiction=juris,
            operations={CustomsOp.TRANSIT_BORDER},
            border_transit_h=border_h,
        )
    b.add_node(
        "DUI",
        6.76,
        51.43,
        kind=NodeKind.RAIL_TERMINAL,
        jurisdiction="EU",
        operations={ENTRY, IC},
        import_clearance_h=3,
        dwell_import_h=5,
    )
    b.add_link(
        "bae",
        "PHS",
        "DUI",
        Mode.RAIL,
        transit_h=16 * 24,
        regime=INTL,
        via=("ALA", "MAL"),
        weekly=((4, 1200),),  # Friday 20:00
        distance_km=13_438,
        tariffs=cny(20_000),
    )
    return b.build()


def test_international_rail_crosses_via_borders_with_border_time_only() -> None:
    # export at PHS 2 h -> 10:00; no handling before the first leg; export dwell 12 h -> 22:00;
    # Friday 20:00 departure (6 Jun) + 384 h running + 10 h + 14 h border time = 17 days
    # -> Mon 23 Jun 20:00 at DUI; import: 5 h dwell + 3 h -> Tue 24 Jun 04:00
    net = rail_network()
    search, routes = solve(net, make_request("PHS", "DUI"))
    (route,) = routes
    (leg,) = legs(route)
    assert clock(search, leg.start_min) == at("2025-06-06 20:00")
    assert clock(search, leg.end_min) == at("2025-06-23 20:00")
    assert leg.customs_min == 24 * 60
    assert arrival(search, route) == at("2025-06-24 04:00")
    assert customs_ops(search, route) == [
        ("PHS", "export_clearance", "free", "cleared_export"),
        ("DUI", "import_clearance", "in_transit", "free"),
    ]
    (alt,) = quote(net, make_request("PHS", "DUI"))["alternatives"]
    events = [(e["node"], e["operation"], e["expected_h"]) for e in alt["customs_events"]]
    assert events == [
        ("PHS", "export_clearance", 2.0),
        ("ALA", "transit_border", 10.0),
        ("MAL", "transit_border", 14.0),
        ("DUI", "import_clearance", 8.0),
    ]
    transit = [e for e in alt["customs_events"] if e["operation"] == "transit_border"]
    assert all(e["state_before"] == e["state_after"] == "in_transit" for e in transit)
    assert all(e["cost"] == 0.0 for e in transit)


def road_network(*, tir: bool) -> Network:
    """Shenzhen depot -> Kyrgyz border -> Tashkent, by one TIR link via the border or by two
    plain road links through the border node (which offers every customs operation)."""
    b = NetworkBuilder()
    b.add_node(
        "SZD",
        114.10,
        22.62,
        kind=NodeKind.INLAND_DEPOT,
        operations={EC, EXIT, SUP},
        export_clearance_h=2,
    )
    b.add_node(
        "IRK",
        73.93,
        39.69,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="KG",
        operations={CustomsOp.TRANSIT_BORDER, ENTRY, EXIT, IC, EC, SUP},
        border_transit_h=6,
        import_clearance_h=8,
        export_clearance_h=8,
    )
    b.add_node(
        "TAS",
        69.24,
        41.30,
        kind=NodeKind.INLAND_DEPOT,
        jurisdiction="UZ",
        operations={ENTRY, IC},
        import_clearance_h=4,
    )
    if tir:
        b.add_link(
            "tir",
            "SZD",
            "TAS",
            Mode.TIR,
            transit_h=150,
            regime=INTL,
            via=("IRK",),
            distance_km=6500,
            tariffs=cny(30_000),
        )
    else:
        b.add_link(
            "r1",
            "SZD",
            "IRK",
            Mode.TRUCK,
            transit_h=120,
            regime=INTL,
            distance_km=5000,
            tariffs=cny(20_000),
        )
        b.add_link(
            "r2",
            "IRK",
            "TAS",
            Mode.TRUCK,
            transit_h=30,
            regime=INTL,
            distance_km=1500,
            tariffs=cny(8_000),
        )
    return b.build()


def test_tir_crosses_intermediate_border_with_border_time_only() -> None:
    # export 2 h -> Mon 10:00; TIR (no export dwell for road) 150 h + 6 h at IRK = 156 h
    # -> Sun 8 Jun 22:00; import 4 h -> Mon 9 Jun 02:00
    net = road_network(tir=True)
    search, routes = solve(net, make_request("SZD", "TAS"))
    (route,) = routes
    assert arrival(search, route) == at("2025-06-09 02:00")
    assert [op for _, op, _, _ in customs_ops(search, route)] == [
        "export_clearance",
        "import_clearance",
    ]
    (alt,) = quote(net, make_request("SZD", "TAS"))["alternatives"]
    assert [(e["node"], e["operation"]) for e in alt["customs_events"]] == [
        ("SZD", "export_clearance"),
        ("IRK", "transit_border"),
        ("TAS", "import_clearance"),
    ]


def test_plain_road_crossing_needs_clearance_at_each_border() -> None:
    # Without a TIR carnet the cargo must be cleared at the intermediate border: import into KG
    # and export from KG at IRK (DESIGN.md §2.2). Expected (the only legal route):
    # export SZD 2 h -> Mon 10:00; r1 120 h -> Sat 7 Jun 10:00 at IRK; import 8 h -> 18:00;
    # export 8 h -> Sun 02:00; r2 30 h -> Mon 9 Jun 08:00; import at TAS 4 h -> 12:00.
    net = road_network(tir=False)
    search, routes = solve(net, make_request("SZD", "TAS"))
    assert routes, "a route clearing at IRK exists"
    for route in routes:
        assert customs_ops(search, route) == [
            ("SZD", "export_clearance", "free", "cleared_export"),
            ("IRK", "import_clearance", "in_transit", "free"),
            ("IRK", "export_clearance", "free", "cleared_export"),
            ("TAS", "import_clearance", "in_transit", "free"),
        ]
    assert [arrival(search, r) for r in routes] == [at("2025-06-09 12:00")]


def test_checker_flags_a_plain_road_crossing_without_clearance() -> None:
    # the independent checker accepts the engine's route, and rejects it with the clearances at
    # the intermediate border (IRK) removed: r2 is then boarded by in_transit cargo
    net = road_network(tir=False)
    req = make_request("SZD", "TAS")
    doc = quote(net, req)
    assert check_quote(net, req, doc) == []
    (alt,) = doc["alternatives"]
    alt["customs_events"] = [e for e in alt["customs_events"] if e["node"] != "IRK"]
    problems = check_alternative(net, req, alt)
    assert any("plain road crossing boarded by in_transit cargo" in p for p in problems), problems


# ----------------------------------------------------------------------------- Combined Port
def combined_port_network() -> Network:
    b = NetworkBuilder()
    b.add_node(
        "FS",
        113.25,
        22.84,
        kind=NodeKind.RIVER_TERMINAL,
        operations={EC, CustomsOp.COMBINED_PORT, SUP},
        combined_port_hub="SHK",
        export_clearance_h=2,
        handling_h=1,
    )
    b.add_node(
        "SHK",
        113.91,
        22.48,
        kind=SEAPORT,
        operations={EC, EXIT, SUP},
        export_clearance_h=2,
        handling_h=2,
        dwell_export_h=72,
        dwell_combined_h=12,
        free_storage_h=48,
    )
    b.add_node(
        "RTM",
        4.05,
        51.95,
        kind=SEAPORT,
        jurisdiction="EU",
        operations={ENTRY, IC},
        import_clearance_h=2,
    )
    b.add_link(
        "barge",
        "FS",
        "SHK",
        Mode.BARGE,
        transit_h=8,
        regime=SUPERVISED,
        headway_h=12,
        distance_km=120,
        tariffs=cny(400),
    )
    b.add_link("truck", "FS", "SHK", Mode.TRUCK, transit_h=3, distance_km=130, tariffs=cny(1200))
    b.add_link(
        "ocean",
        "SHK",
        "RTM",
        Mode.DEEPSEA,
        transit_h=30 * 24,
        regime=INTL,
        weekly=((1, 1080), (4, 1080)),  # Tuesday and Friday 18:00
        distance_km=18_000,
        tariffs=cny(8000),
    )
    b.add_fee("FS", "declaration", "declaration", 100)
    b.add_fee("SHK", "declaration", "declaration", 100)
    b.add_fee("FS", "thc", "20", 200)
    b.add_fee("SHK", "thc", "20", 300)
    b.add_fee("RTM", "thc", "20", 400)
    b.add_fee("SHK", "storage", "20", 100)
    return b.build()


def test_combined_port_clearance_at_feeder_uses_combined_dwell_at_hub() -> None:
    # Combined Port: clear at FS 2 h -> Mon 10:00 (100 CNY), valid at hub SHK;
    # barge (no export dwell for barges, headway 12 h from Mon 00:00) 12:00 -> 20:00 at SHK;
    # ocean: handling 2 h + dwell_combined 12 h (not dwell_export 72 h) -> ready Tue 10:00
    #   -> Tue 3 Jun 18:00 + 720 h -> Thu 3 Jul 18:00; import 2 h -> 20:00
    # cost 100 + 400 + THC 200 + 300 + 8000 + THC 400 = 9,400 CNY (12 h < 48 h free; one THC
    # per port call: the box discharged from the barge at SHK is not charged again on loading)
    # The truck route (clear at SHK 11:00 -> 13:00, dwell 72 h -> Fri 6 Jun 18:00 sailing,
    # 10,100 CNY incl. 1 day of storage beyond 48 h) is dominated.
    net = combined_port_network()
    search, routes = solve(net, make_request("FS", "RTM"))
    (route,) = routes
    assert link_ids(route) == ["barge", "ocean"]
    assert arrival(search, route) == at("2025-07-03 20:00")
    assert route.cost_fen == 940_000
    assert customs_ops(search, route)[0] == ("FS", "combined_port", "free", "cleared_export")
    ocean = legs(route)[1]
    assert (ocean.dwell_min, ocean.dwell_basis) == (12 * 60, "combined_port")
    assert clock(search, ocean.start_min) == at("2025-06-03 18:00")


def test_combined_port_not_used_when_trader_not_allowed() -> None:
    # The clearance at FS is a plain export clearance: at SHK the 72 h export dwell applies:
    # barge arrives Mon 20:00, + 2 h handling + 72 h -> Thu 22:00 -> Fri 6 Jun 18:00 sailing
    # -> Sun 6 Jul 18:00; import -> 20:00. Storage 72 - 48 = 24 h = 1 day x 100 CNY.
    # 9,400 + 100 = 9,500 CNY; the truck route arrives at the same time for 10,100 CNY.
    net = combined_port_network()
    request = make_request("FS", "RTM", trader=TraderProfile(combined_port_allowed=False))
    search, routes = solve(net, request)
    (route,) = routes
    assert link_ids(route) == ["barge", "ocean"]
    assert arrival(search, route) == at("2025-07-06 20:00")
    assert route.cost_fen == 950_000
    assert customs_ops(search, route)[0] == ("FS", "export_clearance", "free", "cleared_export")
    ocean = legs(route)[1]
    assert (ocean.dwell_min, ocean.dwell_basis, ocean.storage_fen) == (72 * 60, "export", 10_000)


# ------------------------------------------------------------- direct loading / pick-up
def direct_network(*, loading: bool, pickup: bool) -> Network:
    b = NetworkBuilder()
    b.add_node(
        "O",
        113.91,
        22.48,
        kind=SEAPORT,
        operations={EC, EXIT, SUP} | ({CustomsOp.DIRECT_LOADING} if loading else set()),
        export_clearance_h=1,
        dwell_export_h=72,
        dwell_direct_h=2,
    )
    b.add_node(
        "D",
        114.12,
        22.34,
        kind=SEAPORT,
        jurisdiction="HK",
        operations={ENTRY, IC} | ({CustomsOp.DIRECT_PICKUP} if pickup else set()),
        import_clearance_h=1,
        dwell_import_h=48,
        dwell_direct_h=2,
    )
    b.add_link("s", "O", "D", Mode.FEEDER, transit_h=10, regime=INTL, headway_h=6, distance_km=60)
    return b.build()


@pytest.mark.parametrize(
    ("loading", "pickup", "eligible", "expected", "bases"),
    [
        # export 1 h -> 09:00; dwell 2 h -> 11:00 -> 12:00 sailing -> 22:00; import 2 + 1 h
        (True, True, True, "2025-06-03 01:00", ("direct_loading", "direct_pickup")),
        # dwell 72 h -> Thu 09:00 -> 12:00 sailing -> Thu 22:00; import 48 + 1 h -> Sat 23:00
        (True, True, False, "2025-06-07 23:00", ("export", "import")),
        (False, False, True, "2025-06-07 23:00", ("export", "import")),
        # direct loading only: Mon 22:00 arrival, import 48 + 1 h -> Wed 23:00
        (True, False, True, "2025-06-04 23:00", ("direct_loading", "import")),
        # direct pick-up only: Thu 22:00 arrival, import 2 + 1 h -> Fri 01:00
        (False, True, True, "2025-06-06 01:00", ("export", "direct_pickup")),
    ],
)
def test_direct_loading_and_pickup_cut_dwell_for_eligible_traders(
    loading: bool, pickup: bool, eligible: bool, expected: str, bases: tuple[str, str]
) -> None:
    net = direct_network(loading=loading, pickup=pickup)
    request = make_request("O", "D", trader=TraderProfile(direct_eligible=eligible))
    search, routes = solve(net, request)
    (route,) = routes
    assert arrival(search, route) == at(expected)
    (leg,) = legs(route)
    import_step = route.steps[-1]
    assert (leg.dwell_basis, import_step.dwell_basis) == bases


# ---------------------------------------------------------------------------------- AEO
def aeo_network() -> Network:
    b = NetworkBuilder()
    b.add_node(
        "F",
        114.00,
        22.70,
        operations={EC, EXIT},
        export_clearance_h=4,
        inspection_h=24,
    )
    b.add_node(
        "B", 114.10, 22.50, kind=NodeKind.BORDER_CROSSING, jurisdiction="HK", operations={ENTRY}
    )
    b.add_link("x", "F", "B", Mode.TRUCK, transit_h=2, regime=INTL, distance_km=40)
    b.add_fee("F", "declaration", "declaration", 200)
    b.add_fee("F", "inspection", "inspection", 1000)
    return b.build()


@pytest.mark.parametrize(
    ("level", "customs_min", "customs_fen"),
    [
        (AeoLevel.NONE, 283, 23_000),  # 4 x 1.0 + 0.03 x 24 = 4.72 h; 200 + 0.03 x 1000
        (AeoLevel.GENERAL, 238, 21_500),  # 4 x 0.9 + 0.015 x 24 = 3.96 h; 200 + 15
        (AeoLevel.ADVANCED, 175, 20_500),  # 4 x 0.7 + 0.005 x 24 = 2.92 h; 200 + 5
    ],
)
def test_aeo_level_sets_expected_clearance_time_and_cost(
    level: AeoLevel, customs_min: int, customs_fen: int
) -> None:
    # export scope only: the route may end in transit at the HK border crossing
    request = make_request(
        "F", "B", trader=TraderProfile(aeo_level=level), scope=CustomsScope.EXPORT
    )
    search, routes = solve(aeo_network(), request)
    (route,) = routes
    step = route.steps[0]
    assert (step.op, step.customs_min, step.customs_fen) == (
        "export_clearance",
        customs_min,
        customs_fen,
    )
    # truck departs right after clearance: 08:00 + clearance + 2 h
    assert route.arrival_min - search.ready_min == customs_min + 120
    assert route.cost_fen == customs_fen + 100_000


def test_aeo_advanced_is_faster_than_none() -> None:
    def expected_minutes(level: AeoLevel) -> int:
        request = make_request(
            "F", "B", trader=TraderProfile(aeo_level=level), scope=CustomsScope.EXPORT
        )
        search, (route,) = solve(aeo_network(), request)
        return route.arrival_min - search.ready_min

    assert expected_minutes(AeoLevel.ADVANCED) == expected_minutes(AeoLevel.NONE) - 108


# ------------------------------------------------------------------------ cargo classes
def pharma_network(*, whitelist: bool) -> Network:
    b = NetworkBuilder()
    b.add_node("O", 113.91, 22.48, kind=SEAPORT, operations={EC, EXIT}, export_clearance_h=1)
    b.add_node(
        "A",
        114.12,
        22.34,
        kind=SEAPORT,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=2,
    )
    b.add_node(
        "W",
        114.20,
        22.30,
        kind=SEAPORT,
        jurisdiction="HK",
        operations={ENTRY, IC} | ({CustomsOp.DRUG_PORT} if whitelist else set()),
        import_clearance_h=2,
    )
    b.add_node("C", 114.17, 22.32, jurisdiction="HK")
    b.add_link("oa", "O", "A", Mode.FEEDER, transit_h=5, regime=INTL, tariffs=cny(500))
    b.add_link("ow", "O", "W", Mode.FEEDER, transit_h=8, regime=INTL, tariffs=cny(900))
    b.add_link("ac", "A", "C", Mode.TRUCK, transit_h=1, tariffs=cny(200))
    b.add_link("wc", "W", "C", Mode.TRUCK, transit_h=2, tariffs=cny(300))
    return b.build()


PHARMA = Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.PHARMA)


def test_general_cargo_takes_the_cheapest_entry() -> None:
    # export 1 h -> 09:00; oa 09:00 -> 14:00; import 2 h -> 16:00; ac -> 17:00; 700 CNY
    search, routes = solve(pharma_network(whitelist=True), make_request("O", "C"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["oa", "ac"], at("2025-06-02 17:00"), 70_000)
    ]


def test_pharma_import_only_through_white_listed_node() -> None:
    # export 1 h -> 09:00; ow 09:00 -> 17:00; import at W 2 h -> 19:00; wc -> 21:00; 1,200 CNY
    request = make_request("O", "C", cargo=PHARMA)
    search, routes = solve(pharma_network(whitelist=True), request)
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["ow", "wc"], at("2025-06-02 21:00"), 120_000)
    ]
    assert customs_ops(search, routes[0])[1] == ("W", "import_clearance", "in_transit", "free")


def test_pharma_without_white_listed_node_is_no_route_with_reason() -> None:
    doc = quote(pharma_network(whitelist=False), make_request("O", "C", cargo=PHARMA))
    assert doc["status"] == "no_route"
    assert len(doc["reasons"]) == 1
    assert "white-listed" in doc["reasons"][0]


def class_network() -> Network:
    b = NetworkBuilder()
    b.add_node(
        "O",
        113.91,
        22.48,
        kind=SEAPORT,
        operations={EC, EXIT},
        reefer=True,
        dg_classes=frozenset({"3", "9"}),
    )
    hk = {"jurisdiction": "HK", "operations": {ENTRY, IC}}
    b.add_node("P1", 114.12, 22.34, kind=SEAPORT, reefer=False, dg_classes=frozenset(), **hk)
    b.add_node("P2", 114.20, 22.30, kind=SEAPORT, reefer=True, dg_classes=frozenset({"3"}), **hk)
    b.add_node("P3", 114.15, 22.28, kind=SEAPORT, reefer=True, dg_classes=frozenset({"3"}), **hk)
    b.add_node("C", 114.17, 22.32, jurisdiction="HK")
    # same times and distances everywhere: only prices differ (o3 < o1 < o2)
    sea = {"transit_h": 5, "regime": INTL, "distance_km": 60}
    b.add_link("o1", "O", "P1", Mode.FEEDER, tariffs=cny(500), **sea)
    b.add_link("o2", "O", "P2", Mode.FEEDER, tariffs=cny(900), **sea)
    b.add_link(
        "o3",
        "O",
        "P3",
        Mode.FEEDER,
        tariffs=cny(400),
        cargo_classes=frozenset({CargoClass.GENERAL}),
        **sea,
    )
    for port in ("P1", "P2", "P3"):
        b.add_link(f"{port}c", port, "C", Mode.TRUCK, transit_h=1, tariffs=cny(200), distance_km=20)
    return b.build()


@pytest.mark.parametrize(
    ("cargo", "via"),
    [
        (ONE_TEU, "o3"),  # cheapest: 400 CNY
        (Cargo(containers=(("22R1", 1),), cargo_class=CargoClass.REEFER), "o2"),
        (Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="3"), "o2"),
        # a reefer box of general cargo still needs reefer plugs and a reefer-capable service
        (Cargo(containers=(("22R1", 1),)), "o2"),
    ],
)
def test_reefer_and_dangerous_goods_only_where_allowed(cargo: Cargo, via: str) -> None:
    _, routes = solve(class_network(), make_request("O", "C", cargo=cargo))
    assert [link_ids(r)[0] for r in routes] == [via]


def test_dangerous_class_nowhere_allowed_is_no_route_with_reason() -> None:
    cargo = Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="8")
    doc = quote(class_network(), make_request("O", "C", cargo=cargo))
    assert doc["status"] == "no_route"
    assert doc["reasons"] == [
        "no route accepts dangerous (IMDG class 8) cargo at every link and terminal; "
        "routes exist for general cargo"
    ]


# --------------------------------------------------------------------------- closed node
def closure_network() -> Network:
    b = NetworkBuilder()
    b.add_node("F", 114.00, 22.70)
    b.add_node(
        "HG",
        114.075,
        22.521,
        kind=NodeKind.BORDER_CROSSING,
        operations={EC, EXIT},
        export_clearance_h=1,
        closed_modes=frozenset({Mode.TRUCK}),
        closed_since=date(2025, 12, 21),
    )
    b.add_node(
        "LMC",
        114.07,
        22.51,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=1,
    )
    b.add_node(
        "SZB",
        113.95,
        22.50,
        kind=NodeKind.BORDER_CROSSING,
        operations={EC, EXIT},
        export_clearance_h=1,
    )
    b.add_node(
        "SBH",
        113.94,
        22.49,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=1,
    )
    b.add_node("K", 114.17, 22.32, jurisdiction="HK")
    for lid, o, d, h, price, regime in (
        ("f-hg", "F", "HG", 1, 300, Regime.DOMESTIC),
        ("hg-lmc", "HG", "LMC", 1, 400, INTL),
        ("lmc-k", "LMC", "K", 1, 200, Regime.DOMESTIC),
        ("f-szb", "F", "SZB", 2, 500, Regime.DOMESTIC),
        ("szb-sbh", "SZB", "SBH", 1, 500, INTL),
        ("sbh-k", "SBH", "K", 1.5, 300, Regime.DOMESTIC),
    ):
        b.add_link(
            lid, o, d, Mode.TRUCK, transit_h=h, regime=regime, tariffs=cny(price), distance_km=20
        )
    return b.build()


def test_closed_crossing_usable_before_its_closure_date() -> None:
    # Fri 19 Dec: F 08:00 -> HG 09:00, export -> 10:00, LMC 11:00, import -> 12:00, K 13:00;
    # 900 CNY. Via SZB: 10:00, 11:00, 12:00, 13:00, K 14:30; 1,300 CNY (dominated)
    search, routes = solve(closure_network(), make_request("F", "K", ready=at("2025-12-19 08:00")))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["f-hg", "hg-lmc", "lmc-k"], at("2025-12-19 13:00"), 90_000)
    ]


@pytest.mark.parametrize(
    ("ready", "expected"),
    [
        # after the closure date: via SZB, 6.5 h
        ("2025-12-22 08:00", "2025-12-22 14:30"),
        # Sat 20 Dec 22:00: F -> HG would arrive 23:00 and clear at 24:00 = 21 Dec 00:00, when the
        # crossing is closed to trucks; via SZB: 24:00, 01:00, 02:00, 03:00, K 04:30
        ("2025-12-20 22:00", "2025-12-21 04:30"),
    ],
)
def test_closed_crossing_never_used_after_its_closure_date(ready: str, expected: str) -> None:
    search, routes = solve(closure_network(), make_request("F", "K", ready=at(ready)))
    assert [(link_ids(r), arrival(search, r)) for r in routes] == [
        (["f-szb", "szb-sbh", "sbh-k"], at(expected))
    ]


# ------------------------------------------------------------------------------ schedules
def feeder_network(**schedule: object) -> Network:
    """Two CN ports and one domestic feeder service (free cargo: no customs, no export dwell)."""
    b = NetworkBuilder()
    b.add_node("O", 113.91, 22.48, kind=SEAPORT)
    b.add_node("D", 113.68, 22.64, kind=SEAPORT)
    b.add_link("f", "O", "D", Mode.FEEDER, transit_h=30, distance_km=50, **schedule)
    return b.build()


@pytest.mark.parametrize(
    ("schedule", "ready", "departure"),
    [
        # Wednesday 10:00 with a 24 h cut-off: ready exactly at the cut-off makes it ...
        ({"weekly": ((2, 600),), "cutoff_h": 24}, "2025-06-03 10:00", "2025-06-04 10:00"),
        # ... one minute late waits a week
        ({"weekly": ((2, 600),), "cutoff_h": 24}, "2025-06-03 10:01", "2025-06-11 10:00"),
        ({"weekly": ((2, 600),)}, "2025-06-04 11:00", "2025-06-11 10:00"),
        # Sunday evening -> Monday 02:00 of the next week (week wrap)
        ({"weekly": ((0, 120),)}, "2025-06-08 20:00", "2025-06-09 02:00"),
        # Sunday 23:00 + 4 h cut-off = Monday 03:00, after Monday's 02:00 sailing -> a week later
        ({"weekly": ((0, 120),), "cutoff_h": 4}, "2025-06-08 23:00", "2025-06-16 02:00"),
        # two sailings a week: Sunday 22:00 and Monday 02:00
        ({"weekly": ((6, 1320), (0, 120))}, "2025-06-08 21:00", "2025-06-08 22:00"),
        ({"weekly": ((6, 1320), (0, 120))}, "2025-06-08 22:30", "2025-06-09 02:00"),
        # every 6 h from Monday 01:30: 01:30, 07:30, 13:30, 19:30
        ({"headway_h": 6, "offset_h": 1.5}, "2025-06-02 08:00", "2025-06-02 13:30"),
        ({"headway_h": 6, "offset_h": 1.5}, "2025-06-02 07:30", "2025-06-02 07:30"),
        ({"headway_h": 6, "offset_h": 1.5, "cutoff_h": 1}, "2025-06-02 07:00", "2025-06-02 13:30"),
        ({"headway_h": 6, "offset_h": 1.5}, "2025-06-08 23:00", "2025-06-09 01:30"),
        # trucks-style "any time" service leaves when the cargo is ready
        ({}, "2025-06-04 11:17", "2025-06-04 11:17"),
    ],
)
def test_departure_is_the_first_one_after_cutoff(
    schedule: dict, ready: str, departure: str
) -> None:
    net = feeder_network(**schedule)
    search, routes = solve(net, make_request("O", "D", ready=at(ready)))
    (route,) = routes
    (leg,) = legs(route)
    assert clock(search, leg.start_min) == at(departure)
    assert leg.waiting_min == (at(departure) - at(ready)).total_seconds() // 60
    assert arrival(search, route) == at(departure) + (
        at("2025-06-03 06:00") - at("2025-06-02 00:00")
    )
    (alt,) = quote(net, make_request("O", "D", ready=at(ready)))["alternatives"]
    assert alt["legs"][0]["departure"] == at(departure).isoformat()


def crossing_network() -> Network:
    b = NetworkBuilder()
    b.add_node("F", 114.00, 22.70)
    b.add_node(
        "HB",
        114.15,
        22.55,
        kind=NodeKind.BORDER_CROSSING,
        operations={EC, EXIT},
        export_clearance_h=0.5,
        opening_hours=(7 * 60, 22 * 60),
    )
    b.add_node(
        "HK",
        114.15,
        22.54,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="HK",
        operations={ENTRY, IC},
    )
    b.add_link("f-hb", "F", "HB", Mode.TRUCK, transit_h=2, distance_km=30)
    b.add_link("hb-hk", "HB", "HK", Mode.TRUCK, transit_h=1, regime=INTL, distance_km=2)
    return b.build()


@pytest.mark.parametrize(
    ("ready", "crossing", "expected"),
    [
        # at HB 22:00, cleared 22:30: the crossing is closed until 07:00 -> HK 08:00 next day
        ("2025-06-02 20:00", "2025-06-03 07:00", "2025-06-03 08:00"),
        # at HB 05:00, cleared 05:30: waits for the 07:00 opening
        ("2025-06-02 03:00", "2025-06-02 07:00", "2025-06-02 08:00"),
        # open: crosses right after clearance
        ("2025-06-02 10:00", "2025-06-02 12:30", "2025-06-02 13:30"),
        # cleared at 22:00 sharp, the closing minute: next morning
        ("2025-06-02 19:30", "2025-06-03 07:00", "2025-06-03 08:00"),
        # Sunday night -> Monday morning
        ("2025-06-08 21:00", "2025-06-09 07:00", "2025-06-09 08:00"),
    ],
)
def test_opening_hours_on_a_truck_crossing(ready: str, crossing: str, expected: str) -> None:
    search, routes = solve(crossing_network(), make_request("F", "HK", ready=at(ready)))
    (route,) = routes
    cross = legs(route)[1]
    assert clock(search, cross.start_min) == at(crossing)
    assert arrival(search, route) == at(expected)  # import clearance takes 0 h here


def ocean_network() -> Network:
    b = NetworkBuilder()
    b.add_node("O", 113.91, 22.48, kind=SEAPORT, operations={EC, EXIT})
    b.add_node("R", 4.05, 51.95, kind=SEAPORT, jurisdiction="EU", operations={ENTRY, IC})
    sea = {"regime": INTL, "distance_km": 20_000}
    b.add_link(
        "slow",
        "O",
        "R",
        Mode.DEEPSEA,
        transit_h=40 * 24,
        weekly=((0, 600),),
        tariffs=cny(6000),
        **sea,
    )  # Monday 10:00
    b.add_link(
        "fast",
        "O",
        "R",
        Mode.DEEPSEA,
        transit_h=28 * 24,
        weekly=((3, 360),),
        tariffs=cny(9000),
        **sea,
    )  # Thursday 06:00
    return b.build()


def test_multi_week_journeys() -> None:
    # clearances and dwells take 0 h here
    # slow: Mon 2 Jun 10:00 + 40 days -> Sat 12 Jul 10:00, 6,000 CNY
    # fast: Thu 5 Jun 06:00 + 28 days -> Thu 3 Jul 06:00, 9,000 CNY
    search, routes = solve(ocean_network(), make_request("O", "R"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["fast"], at("2025-07-03 06:00"), 900_000),
        (["slow"], at("2025-07-12 10:00"), 600_000),
    ]


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("2025-07-12 10:00", ["fast", "slow"]),  # arriving exactly at the deadline is on time
        ("2025-07-12 09:59", ["fast"]),
        ("2025-07-05 00:00", ["fast"]),
        ("2025-07-03 06:00", ["fast"]),
        ("2025-07-03 05:59", []),
    ],
)
def test_deadline_prunes_late_routes(deadline: str, expected: list[str]) -> None:
    request = make_request("O", "R", deadline=at(deadline))
    _, routes = solve(ocean_network(), request)
    assert [link_ids(r)[0] for r in routes] == expected


def test_deadline_too_early_reason_names_fastest_arrival_date() -> None:
    doc = quote(ocean_network(), make_request("O", "R", deadline=at("2025-07-01 00:00")))
    assert doc["status"] == "no_route"
    assert doc["reasons"] == ["deadline too early: fastest feasible arrival is 2025-07-03"]


# ---------------------------------------------------------------------------- constraints
def choice_network(*, direct: bool = True) -> Network:
    """Three ways from O to D (a river terminal), each best in something:
    direct truck (0 transfers), truck + barge via R (1), truck + rail + truck via A, B (2)."""
    b = NetworkBuilder()
    b.add_node("O", 114.00, 22.70)
    b.add_node("A", 114.05, 22.72, kind=NodeKind.RAIL_TERMINAL, handling_h=1)
    b.add_node("B", 113.30, 23.00, kind=NodeKind.RAIL_TERMINAL, handling_h=1)
    b.add_node("R", 113.90, 22.75, kind=NodeKind.RIVER_TERMINAL, handling_h=1)
    b.add_node("D", 113.25, 23.05, kind=NodeKind.RIVER_TERMINAL)
    if direct:
        b.add_link(
            "od",
            "O",
            "D",
            Mode.TRUCK,
            transit_h=20,
            distance_km=240,
            tariffs=cny(5000),
            operator="TruckCo",
        )
    b.add_link(
        "oa", "O", "A", Mode.TRUCK, transit_h=1, distance_km=20, tariffs=cny(300), operator="RailCo"
    )
    b.add_link(
        "ab",
        "A",
        "B",
        Mode.RAIL,
        transit_h=10,
        distance_km=200,
        tariffs=cny(1000),
        operator="RailCo",
    )
    b.add_link(
        "bd", "B", "D", Mode.TRUCK, transit_h=1, distance_km=20, tariffs=cny(300), operator="RailCo"
    )
    b.add_link(
        "or",
        "O",
        "R",
        Mode.TRUCK,
        transit_h=2,
        distance_km=30,
        tariffs=cny(400),
        operator="RiverCo",
    )
    b.add_link(
        "rd",
        "R",
        "D",
        Mode.BARGE,
        transit_h=12,
        distance_km=150,
        tariffs=cny(500),
        operator="RiverCo",
    )
    return b.build()


# direct: 08:00 -> Tue 04:00, 5,000 CNY, 12.2 x 240 x 62 = 181,536 g, 0 transfers
# barge: O->R 08:00-10:00, handling 1 h, R->D 11:00-23:00; 900 CNY;
#        12.2 x 30 x 62 + 12.2 x 150 x 31 = 22,692 + 56,730 = 79,422 g; 1 transfer
# rail: O->A 08:00-09:00, handling 1 h, A->B 10:00-20:00, handling 1 h, B->D 21:00-22:00;
#       1,600 CNY; 12.2 x 40 x 62 + 12.2 x 200 x 22 = 30,256 + 53,680 = 83,936 g; 2 transfers
DIRECT = (("od",), "2025-06-03 04:00", 500_000, 181_536, 0)
BARGE = (("or", "rd"), "2025-06-02 23:00", 90_000, 79_422, 1)
RAIL = (("oa", "ab", "bd"), "2025-06-02 22:00", 160_000, 83_936, 2)


def route_table(search, routes) -> set[tuple]:
    return {
        (tuple(link_ids(r)), clock(search, r.arrival_min), r.cost_fen, r.co2_g, r.transfers)
        for r in routes
    }


def expect(*rows: tuple) -> set[tuple]:
    return {(links, at(when), cost, co2, transfers) for links, when, cost, co2, transfers in rows}


@pytest.mark.parametrize(
    ("constraints", "expected"),
    [
        ({}, (DIRECT, BARGE, RAIL)),
        ({"allowed_modes": frozenset({Mode.TRUCK})}, (DIRECT,)),
        ({"allowed_modes": frozenset({Mode.TRUCK, Mode.BARGE})}, (DIRECT, BARGE)),
        ({"max_transfers": 0}, (DIRECT,)),
        ({"max_transfers": 1}, (DIRECT, BARGE)),
        ({"max_transfers": 2}, (DIRECT, BARGE, RAIL)),
        ({"required_nodes": ("B",)}, (RAIL,)),
        ({"required_nodes": ("R", "D")}, (BARGE,)),
        ({"excluded_nodes": frozenset({"R"})}, (DIRECT, RAIL)),
        ({"excluded_operators": frozenset({"TruckCo"})}, (BARGE, RAIL)),
        ({"excluded_operators": frozenset({"TruckCo", "RiverCo"})}, (RAIL,)),
    ],
)
def test_constraints(constraints: dict, expected: tuple) -> None:
    search, routes = solve(choice_network(), make_request("O", "D", **constraints))
    assert route_table(search, routes) == expect(*expected)


@pytest.mark.parametrize(
    ("network", "constraints", "reason"),
    [
        (
            choice_network(),
            {"allowed_modes": frozenset({Mode.RAIL})},
            "no route with the allowed modes; a route exists using rail, truck",
        ),
        (
            choice_network(direct=False),
            {"max_transfers": 0},
            "every route needs more transfers than allowed (0); the fewest is 1",
        ),
        (
            choice_network(),
            {"required_nodes": ("A", "R")},
            "the required nodes cannot all be visited on one route",
        ),
        (
            choice_network(),
            {"excluded_nodes": frozenset({"R", "A"}), "excluded_operators": frozenset({"TruckCo"})},
            "the excluded nodes/operators remove every route",
        ),
    ],
)
def test_constraint_no_route_reasons(network: Network, constraints: dict, reason: str) -> None:
    doc = quote(network, make_request("O", "D", **constraints))
    assert doc["status"] == "no_route"
    assert doc["reasons"] == [reason]


# ---------------------------------------------------------------- places: points and codes
def equator_network(*, rail: bool = False) -> Network:
    """Nodes on the equator, where the WGS84 geodesic is the equator itself: 0.5 degree of
    longitude = 6,378,137 m x pi / 360 = 55.659745 km."""
    b = NetworkBuilder()
    kind = NodeKind.RAIL_TERMINAL if rail else NodeKind.CITY
    b.add_node("O", 0.0, 0.0, kind=kind)
    b.add_node("D", 5.0, 0.0, kind=kind)
    # 5 CNY/km for a 20': every truck link prices 5 CNY/km, so the median rate is 5 CNY/km
    b.add_link(
        "od",
        "O",
        "D",
        Mode.TRUCK,
        transit_h=10,
        distance_km=600,
        tariffs=container_tariffs(0.0, 5.0),
    )
    if rail:
        b.add_link(
            "rail",
            "O",
            "D",
            Mode.RAIL,
            transit_h=6,
            distance_km=600,
            tariffs=container_tariffs(1000.0),
        )
    return b.build()


# first/last mile of 0.5 degree: 55.659745 km x 1.3 detour = 72.35767 km;
# 72.35767 / 50 km/h + 1 h = 2.44715 h = 147 min; 5 CNY x 72.35767 = 361.79 CNY;
# 12.2 t x 72.35767 km x 62 g/tkm = 54,731 g
ACCESS_MIN, ACCESS_FEN, ACCESS_G = 147, 36_179, 54_731


def test_lonlat_origin_gets_first_mile_truck_leg() -> None:
    request = make_request(PlaceRef(lon=0.5, lat=0.0), "D")
    search, routes = solve(equator_network(), request)
    (route,) = routes
    access = route.steps[0]
    assert access.kind == "access"
    assert search.cn.nodes[access.access.node].id == "O"
    assert access.access.distance_km == pytest.approx(72.35767, abs=1e-4)
    assert (access.end_min - access.start_min, access.cost_fen, access.co2_g) == (
        ACCESS_MIN,
        ACCESS_FEN,
        ACCESS_G,
    )
    # the truck continues (same haul, no transfer): 10:27 -> 20:27
    assert arrival(search, route) == at("2025-06-02 20:27")
    assert route.cost_fen == ACCESS_FEN + 300_000
    assert route.co2_g == ACCESS_G + 453_840  # 12.2 x 600 x 62
    assert route.transfers == 0
    (alt,) = quote(equator_network(), request)["alternatives"]
    first = alt["legs"][0]
    assert (first["service"], first["from"], first["to"], first["distance_km"]) == (
        "first-mile",
        "origin",
        "O",
        72.4,
    )


def test_lonlat_destination_gets_last_mile_truck_leg() -> None:
    request = make_request("O", PlaceRef(lon=4.5, lat=0.0))
    search, routes = solve(equator_network(), request)
    (route,) = routes
    assert route.steps[-1].kind == "egress"
    assert arrival(search, route) == at("2025-06-02 20:27")  # 18:00 + 147 min
    assert route.cost_fen == 300_000 + ACCESS_FEN


def test_lonlat_beyond_max_truck_km_is_an_error() -> None:
    request = make_request(PlaceRef(lon=0.5, lat=0.0), "D", max_truck_km=50)
    with pytest.raises(InvalidRequestError) as info:
        build_search(compile_network(equator_network()), request)
    assert info.value.field == "origin"
    assert "no truck-served node within 50 km" in info.value.message


def test_max_transfers_counts_the_last_mile_leg() -> None:
    # to a point near D: truck + last mile (0 transfers, 20:27) or rail + last mile (train ->
    # truck is 1 transfer: 08:00 -> 14:00, + 147 min -> 16:27). With max_transfers=0 only the
    # truck route is allowed.
    net = equator_network(rail=True)
    search, routes = solve(net, make_request("O", PlaceRef(lon=4.5, lat=0.0)))
    assert sorted((arrival(search, r), r.transfers) for r in routes) == [
        (at("2025-06-02 16:27"), 1),
        (at("2025-06-02 20:27"), 0),
    ]
    request = make_request("O", PlaceRef(lon=4.5, lat=0.0), max_transfers=0)
    search, routes = solve(net, request)
    assert [(arrival(search, r), r.transfers) for r in routes] == [(at("2025-06-02 20:27"), 0)]


def test_unknown_node_raises_not_found_with_suggestions() -> None:
    b = NetworkBuilder()
    b.add_node("CNYTN", 114.27, 22.57, kind=SEAPORT, name="Yantian")
    b.add_node("CNSHK", 113.91, 22.48, kind=SEAPORT, name="Shekou")
    b.add_link("x", "CNYTN", "CNSHK", Mode.FEEDER, transit_h=5)
    net = b.build()
    with pytest.raises(NotFoundError) as info:
        quote(net, make_request("CNYTX", "CNSHK"))
    assert info.value.key == "CNYTX"
    assert "CNYTN" in info.value.suggestions
    with pytest.raises(NotFoundError) as info:
        build_search(
            compile_network(net), make_request("CNYTN", "CNSHK", required_nodes=("CNSHX",))
        )
    assert "CNSHK" in info.value.suggestions


# ------------------------------------------------------------------------------- capacity
def test_full_departure_is_skipped_to_the_next_one() -> None:
    net = feeder_network(weekly=((2, 600),))
    calls: list[tuple[str, datetime]] = []

    def capacity(link_id: str, departure: datetime) -> float | None:
        calls.append((link_id, departure))
        if departure == at("2025-06-04 10:00"):
            return 0.5  # less than the 1 TEU of the cargo
        return 1.0  # exactly enough

    search, routes = solve(net, make_request("O", "D"), capacity)
    (route,) = routes
    assert clock(search, legs(route)[0].start_min) == at("2025-06-11 10:00")
    assert calls == [("f", at("2025-06-04 10:00")), ("f", at("2025-06-11 10:00"))]


def test_every_departure_full_is_no_route_with_reason() -> None:
    from router.quotes.document import no_route_reasons

    net = feeder_network(weekly=((2, 600),))
    request = make_request("O", "D")
    assert solve(net, request, lambda link_id, departure: 0.0)[1] == []
    assert no_route_reasons(compile_network(net), request, lambda link_id, departure: 0.0) == [
        "every feasible departure is fully booked for this cargo in the search horizon"
    ]
