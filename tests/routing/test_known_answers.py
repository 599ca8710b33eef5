"""Known answers of the quote search on tiny hand-built networks: export and import, point of
entry and office of destination, link regimes (customs model v2, docs/customs-model.md; through
trains and TIR in test_known_answers_transit.py).

Every expected value below is computed by hand in the comments from the network's figures and
the search's rules (DESIGN.md §2.2, router/routing/search.py): a leg departs at the first departure
at or after ``ready = arrival + handling (not before the first leg) + export yard cut-off
(dwell_export_h) + link cut-off``; a customs declaration takes ``clearance_h x AEO factor +
p(inspection) x inspection_h`` and costs ``declaration + p(inspection) x inspection fee``; import
clearance adds the import dwell first; a transit declaration takes ``transit_declaration_h`` (1 h
unless given) with no inspection and costs the node's declaration fee. Every change of customs
territory on a leg shows an ``exit`` and an ``entry`` event (docs/customs-model.md).
Default AEO profiles (builder): none p=0.03 x1.0, advanced p=0.005 x0.7.
Cargo: one 20' dry box, 12.2 t hauled (see routing_testkit). 2025-06-02 is a Monday.
"""

from __future__ import annotations

import pytest
from routing_testkit import (
    alternative,
    arrival,
    at,
    cny,
    customs_ops,
    event,
    event_rows,
    iso,
    legs,
    link_ids,
    make_request,
    quote,
    solve,
)

from router.errors import DatasetError
from router.network.builder import NetworkBuilder
from router.network.model import (
    CustomsOp,
    Mode,
    Network,
    NodeKind,
    Regime,
)
from router.routing.request import CustomsScope

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
EXIT = CustomsOp.EXIT
ENTRY = CustomsOp.ENTRY
SUP = CustomsOp.SUPERVISED_SITE
TD = CustomsOp.TRANSIT_DECLARATION
SEAPORT = NodeKind.SEAPORT
INTL = Regime.INTERNATIONAL
SUPERVISED = Regime.SUPERVISED
NO_LEGAL_ROUTE = (
    "no legal route from {o} to {d} in the network under the customs rules for this cargo "
    "(arriving within 120 days of the ready time, the search horizon)"
)


# --------------------------------------------------------------------------- export / import
def export_network(*, export_clearance_at_port: bool, onward: bool = False) -> Network:
    """Factory F -> port P (CN) -> by sea to H (HK); with ``onward``, a HK truck from H to C."""
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
    if onward:
        b.add_node("C", 114.17, 22.32, jurisdiction="HK")
        b.add_link("t2", "H", "C", Mode.TRUCK, transit_h=1, distance_km=10, tariffs=cny(300))
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
    # s1: handling 2 h + yard cut-off 24 h -> ready Tue 17:18 -> Wed 10:00 departure, +20 h
    #     -> Thu 06:00 at H; 2000 freight + THC 500 + 400 + port dues 50 + 30 + document 100;
    #     12.2 x 80 x 8 = 7,808 g; no storage (24 h in the yard < 72 h free)
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
        "transfer": 0.0,
        "route_charges": 0.0,
    }
    assert [(leg["from"], leg["to"], leg["departure"]) for leg in alt["legs"]] == [
        ("F", "P", iso("2025-06-02 08:00")),
        ("P", "H", iso("2025-06-04 10:00")),
    ]
    assert alt["legs"][1]["dwell_basis"] == "export"
    assert alt["legs"][1]["dwell_h"] == 24.0
    # v2: the sailing changes customs territory (CN -> HK), so it shows the exit from CN at the
    # port of loading when the vessel sails (Wed 10:00) and the entry into HK at its point of
    # entry when it arrives (Thu 06:00); no advance information is required in this network
    events = alt["customs_events"]
    assert event_rows(alt) == [
        ("P", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 11:00")),
        ("P", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-04 10:00")),
        ("H", "HK", "entry", "in_transit", "in_transit", iso("2025-06-05 06:00")),
        ("H", "HK", "import_clearance", "in_transit", "free", iso("2025-06-05 06:00")),
    ]
    assert events[0]["expected_h"] == 4.3
    assert events[0]["cost"] == 230.0
    assert [(e["expected_h"], e["cost"]) for e in events[1:3]] == [(0.0, 0.0), (0.0, 0.0)]
    assert events[3]["expected_h"] == 15.0  # 12 h dwell + 3 h clearance
    assert events[3]["cost"] == 184.0  # 174 customs + 10 storage


def test_import_outside_the_quotes_customs_scope_costs_nothing_in_the_quote() -> None:
    # Customs scope 'export': the HK import at H is the consignee's. The cargo must still be
    # imported there to go on by the domestic truck, and the time counts, but neither its
    # declaration nor the storage of its import dwell is in the quote (before the fix the
    # 10 CNY of storage stayed in, on an event marked not included).
    # As above to H, Thu 06:00, 4,110 CNY (800 + 230 + 2000 + 900 + 180); import 12 h dwell +
    # 3 h -> Thu 21:00; vessel -> truck handling 1 h -> 22:00; t2 -> C 23:00 (300 CNY); the box
    # waits that 1 h of handling at H with no free time left: 1/24 day x 20 CNY = 0.83 CNY
    net = export_network(export_clearance_at_port=True, onward=True)
    request = make_request("F", "C", scope=CustomsScope.EXPORT)
    search, (route,) = solve(net, request)
    assert (arrival(search, route), route.cost_fen) == (at("2025-06-05 23:00"), 441_083)
    imported = event(alternative(net, request), "H", "import_clearance")
    assert (imported["included_in_quote"], imported["cost"], imported["expected_h"]) == (
        False,
        0.0,
        15.0,
    )


def entry_network(*, import_clearance_at_entry: bool, transit_declaration: bool = True) -> Network:
    """A sailing into the CN port Y (customs district YT); the destination C and the inland
    depot D lie in the district SZ, so D is an office of destination for cargo declared in
    transit (转关) at Y."""
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
        operations={ENTRY, SUP}
        | ({IC} if import_clearance_at_entry else set())
        | ({TD} if transit_declaration else set()),
        customs_district="YT",
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
        customs_district="SZ",
        handling_h=1,
        import_clearance_h=2,
        dwell_import_h=4,
    )
    b.add_node("C", 114.00, 22.90, customs_district="SZ")
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


def test_import_clearance_inland_after_a_transit_declaration() -> None:
    # export at O: 60 min -> 09:00 (100 CNY); s: no handling before the first leg, export yard
    #   cut-off 6 h -> ready 15:00 -> Mon 18:00 departure -> Tue 04:00 at Y, its point of entry,
    #   in transit (3000 + THC 300 + 350)
    # Y offers no import clearance and d1 is domestic: the cargo is declared in transit (转关) at
    #   Y to the office of destination D (district SZ, the destination's): 1 h, no inspection ->
    #   05:00, Y's declaration fee 150 CNY; vessel -> truck is a transfer: handling 1 h -> 06:00
    #   -> D 08:00 in bond (600); import at D: 4 h dwell + 2 h -> 14:00 (120); d2 is the same
    #   truck haul (no transfer, no handling) -> C 15:00 (300)
    # 100 + 3650 + 150 + 600 + 120 + 300 = 4,920 CNY; 1 transfer (vessel -> truck)
    # (v1 moved the landed box onto the bonded truck with no declaration at Y: the state jumped
    # from in_transit to in_bond with no event)
    net = entry_network(import_clearance_at_entry=False)
    search, routes = solve(net, make_request("O", "C"))
    assert len(routes) == 1
    (route,) = routes
    assert link_ids(route) == ["s", "b", "d2"]
    assert arrival(search, route) == at("2025-06-03 15:00")
    assert route.cost_fen == 492_000
    assert route.transfers == 1
    assert customs_ops(search, route) == [
        ("O", "export_clearance", "free", "cleared_export"),
        ("Y", "transit_declaration", "in_transit", "in_bond"),
        ("D", "import_clearance", "in_bond", "free"),
    ]
    assert [s.state_after.value for s in legs(route)] == ["in_transit", "in_bond", "free"]
    alt = alternative(net, make_request("O", "C"))
    assert event_rows(alt) == [
        ("O", "HK", "export_clearance", "free", "cleared_export", iso("2025-06-02 08:00")),
        ("O", "HK", "exit", "cleared_export", "in_transit", iso("2025-06-02 18:00")),
        ("Y", "CN", "entry", "in_transit", "in_transit", iso("2025-06-03 04:00")),
        ("Y", "CN", "transit_declaration", "in_transit", "in_bond", iso("2025-06-03 04:00")),
        ("D", "CN", "import_clearance", "in_bond", "free", iso("2025-06-03 08:00")),
    ]
    declaration = event(alt, "Y", "transit_declaration")
    assert (declaration["expected_h"], declaration["cost"]) == (1.0, 150.0)
    assert declaration["procedure"] == "transit declaration to the office of destination D"


def test_landed_cargo_leaves_its_point_of_entry_only_declared() -> None:
    # without a transit declaration at Y, the landed box may neither board the bonded truck
    # (cargo in_transit is declared first) nor the domestic one: no route
    net = entry_network(import_clearance_at_entry=False, transit_declaration=False)
    assert solve(net, make_request("O", "C"))[1] == []


def test_import_clearance_at_entry_or_inland_both_pareto() -> None:
    # At entry: import at Y: 48 h dwell + 4 h -> Thu 08:00 (150 CNY); d1: handling 1 h -> 09:00
    #   -> C Thu 12:00 (700). 100 + 3650 + 150 + 700 = 4,600 CNY, 1 transfer,
    #   CO2e 12.2 x (100 x 8 + 55 x 62) = 9,760 + 41,602 = 51,362 g.
    # Inland (previous test): Tue 15:00, 4,920 CNY, 1 transfer,
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
        at("2025-06-03 15:00"),
        492_000,
        55_144,
        1,
    )
    assert customs_ops(search, entry)[1] == ("Y", "import_clearance", "in_transit", "free")
    assert customs_ops(search, inland)[1:] == [
        ("Y", "transit_declaration", "in_transit", "in_bond"),
        ("D", "import_clearance", "in_bond", "free"),
    ]
    # generalised cost (15 CNY/h for one TEU, 100 CNY/t CO2e): entry 4600 + 76 h x 15 + 5.14
    # = 5,745.14; inland 4920 + 31 h x 15 + 5.51 = 5,390.51 -> inland is recommended
    alts = quote(net, make_request("O", "C"))["alternatives"]
    tags = {a["legs"][-1]["from"]: a["tags"] for a in alts}
    assert tags == {"D": ["fastest", "recommended"], "Y": ["cheapest", "greenest"]}
    assert [a["generalised_cost_cny"] for a in alts] == [5390.51, 5745.14]


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
    # (HK here is the builder's default territory, not a free port: cargo landed at H moves on
    # only once declared there)
    b.add_node("H", 114.12, 22.34, kind=SEAPORT, jurisdiction="HK", operations={ENTRY, TD})
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
    # it); arrived in transit at H (no import clearance) it is declared in transit there to the
    # office of destination K and moves in bond.
    # F clear: 0 min; bond 08:00 -> 10:00; sea (ANY, no dwell): 10:00 -> 16:00; transit
    # declaration at H 1 h -> 17:00; imp: 17:00 -> 18:00 in bond; import at K 1 h -> 19:00
    net = bonded_network(clearance_at_factory=True, import_link=SUPERVISED)
    search, routes = solve(net, make_request("F", "K"))
    assert len(routes) == 1
    assert link_ids(routes[0]) == ["bond", "sea", "imp"]
    assert arrival(search, routes[0]) == at("2025-06-02 19:00")
    assert [op for _, op, _, _ in customs_ops(search, routes[0])] == [
        "export_clearance",
        "transit_declaration",
        "import_clearance",
    ]
    assert [s.clink.link.regime.value for s in legs(routes[0])] == [
        "supervised",
        "international",
        "supervised",
    ]
    # the same network with a domestic H->K truck: the cargo, in transit or declared in bond,
    # cannot board it
    net = bonded_network(clearance_at_factory=True, import_link=Regime.DOMESTIC)
    assert solve(net, make_request("F", "K"))[1] == []


def test_supervised_cargo_only_at_supervised_sites() -> None:
    # K offers import clearance but is not a supervised site: the bonded truck may not end there
    net = bonded_network(clearance_at_factory=True, import_link=SUPERVISED, inland_supervised=False)
    assert solve(net, make_request("F", "K"))[1] == []
