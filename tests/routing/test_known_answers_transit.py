"""Known answers of through services on tiny hand-built networks: a train and a TIR haul passing
via borders, plain road through a territory crossed (customs model v2, docs/customs-model.md).

Expected values are computed by hand in the comments as in test_known_answers.py: a leg departs
at the first departure at or after ``ready = arrival + handling (on a transfer) + export yard
cut-off (dwell_export_h) + link cut-off``; border events on a leg are stamped where the vehicle
is (running time x the border's share of the leg's geometry + the waits at the borders before
it). Cargo: one 20' dry box (see routing_testkit). 2025-06-02 is a Monday.
"""

from __future__ import annotations

from routing_testkit import (
    alternative,
    arrival,
    at,
    clock,
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

from router.network.builder import NetworkBuilder
from router.network.model import (
    AdvanceDue,
    CustomsOp,
    Mode,
    Network,
    NodeKind,
    Regime,
)
from router.verify.legality import check_alternative, check_quote

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


# ------------------------------------------------------------- transit borders (TIR, rail)
def rail_network() -> Network:
    """Pinghu South -> Duisburg by one through train leaving China at Alashankou (ALA, CN) and
    entering the EU at Małaszewicze (MAL); the EU requires an ICS2 entry summary 2 h before the
    train reaches its border."""
    b = NetworkBuilder()
    b.set_jurisdiction("EU", transit_procedure="NCTS T1 transit declaration")
    b.add_advance_info("EU", Mode.RAIL, "ICS2 ENS (rail)", due=AdvanceDue.ARRIVAL, lead_h=2)
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
        ("ALA", 82.56, 45.17, "CN", 10),
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
    b.add_fee("MAL", "declaration", "declaration", 300)
    return b.build()


def test_international_rail_crosses_via_borders_with_border_time_only() -> None:
    # export at PHS 2 h -> 10:00; no handling before the first leg; yard cut-off 12 h -> 22:00;
    # Friday 20:00 departure (6 Jun) + 384 h running + 10 h + 14 h border time = 17 days
    # -> Mon 23 Jun 20:00 at DUI
    # v2 border events, placed by distance along the geometry PHS-ALA-MAL-DUI (geodesic
    # 3,799.8 + 4,295.6 + 1,157.7 = 9,253.1 km):
    # - exit from CN at ALA (CN's last point): 3,799.8 / 9,253.1 = 41.06 % of 23,040 min
    #   = 9,461 min after departure -> Fri 13 Jun 09:41;
    # - entry into the EU at MAL: 8,095.4 / 9,253.1 = 87.49 % of 23,040 = 20,157 min + the 10 h
    #   wait at ALA = 20,757 min -> Sat 21 Jun 05:57; the EU is the destination's territory and
    #   the train goes on inside it: NCTS T1 to the office of destination, lodged at MAL (its
    #   declaration fee, 300 CNY), the train arrives in_bond;
    # - ICS2 ENS due 2 h before the train reaches MAL -> Sat 21 Jun 03:57
    # import at DUI (the office of destination): 5 h dwell + 3 h -> Tue 24 Jun 04:00
    # cost 20,000 freight + 300 T1 = 20,300 CNY
    # (v1 showed ALA and MAL as 'transit_border' events at evenly spaced times and the cargo
    # arriving in_transit with no EU entry)
    net = rail_network()
    search, routes = solve(net, make_request("PHS", "DUI"))
    (route,) = routes
    (leg,) = legs(route)
    assert clock(search, leg.start_min) == at("2025-06-06 20:00")
    assert clock(search, leg.end_min) == at("2025-06-23 20:00")
    assert leg.customs_min == 24 * 60
    assert arrival(search, route) == at("2025-06-24 04:00")
    assert route.cost_fen == 2_030_000
    assert customs_ops(search, route) == [
        ("PHS", "export_clearance", "free", "cleared_export"),
        ("DUI", "import_clearance", "in_bond", "free"),
    ]
    alt = alternative(net, make_request("PHS", "DUI"))
    assert event_rows(alt) == [
        ("PHS", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 08:00")),
        ("ALA", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-13 09:41")),
        ("MAL", "EU", "advance_info", "in_transit", "in_transit", iso("2025-06-21 03:57")),
        ("MAL", "EU", "entry", "in_transit", "in_bond", iso("2025-06-21 05:57")),
        ("DUI", "EU", "import_clearance", "in_bond", "free", iso("2025-06-23 20:00")),
    ]
    entry = event(alt, "MAL", "entry")
    assert entry["procedure"] == "NCTS T1 transit declaration to the office of destination DUI"
    assert (entry["expected_h"], entry["cost"]) == (14.0, 300.0)
    assert event(alt, "MAL", "advance_info")["procedure"] == "ICS2 ENS (rail)"
    assert event(alt, "DUI", "import_clearance")["expected_h"] == 8.0


def road_network(*, tir: bool, transit_declaration: bool = True) -> Network:
    """Shenzhen depot -> Irkeshtam (IRK, Kyrgyzstan: the EAEU) -> Tashkent (UZ), by one TIR link
    via the border or by two plain road links through the border node, which offers every
    customs operation (a transit declaration under a guarantee only if ``transit_declaration``).
    The EAEU requires preliminary information 2 h before a truck reaches its border."""
    b = NetworkBuilder()
    b.set_jurisdiction("EAEU", transit_procedure="EAEU customs transit under a guarantee")
    for mode in (Mode.TRUCK, Mode.TIR):
        b.add_advance_info(
            "EAEU", mode, "EAEU preliminary information", due=AdvanceDue.ARRIVAL, lead_h=2
        )
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
        jurisdiction="EAEU",
        country="KG",
        operations={CustomsOp.TRANSIT_BORDER, ENTRY, EXIT, IC, EC, SUP}
        | ({TD} if transit_declaration else set()),
        border_transit_h=6,
        import_clearance_h=8,
        export_clearance_h=8,
        transit_declaration_h=12,
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
    b.add_fee("IRK", "declaration", "declaration", 500)
    return b.build()


def test_tir_crosses_intermediate_border_with_border_time_only() -> None:
    # export 2 h -> Mon 10:00; TIR (no yard cut-off for road) 150 h + 6 h at IRK = 156 h
    # -> Sun 8 Jun 22:00; import 4 h -> Mon 9 Jun 02:00; 30,000 CNY (no declaration at IRK)
    # v2 border events (geometry SZD-IRK-TAS: geodesic 4,225.7 + 435.9 km; IRK at 90.65 % of
    # 9,000 min = 8,158 min = 5 d 15 h 58 min after departure -> Sun 8 Jun 01:58):
    # - exit from CN at the leg's origin SZD when the truck leaves (Mon 10:00);
    # - EAEU preliminary information 2 h before the truck reaches IRK (Sat 7 Jun 23:58);
    # - entry into the EAEU at IRK under the TIR carnet (a territory only crossed), then exit
    #   from the EAEU at IRK, its last point in the EAEU (both when the truck reaches IRK);
    # - entry into UZ at TAS, its point of entry, on arrival (Sun 22:00)
    # (v1 showed one 'transit_border' event at IRK)
    net = road_network(tir=True)
    search, routes = solve(net, make_request("SZD", "TAS"))
    (route,) = routes
    assert arrival(search, route) == at("2025-06-09 02:00")
    assert route.cost_fen == 3_000_000
    assert [op for _, op, _, _ in customs_ops(search, route)] == [
        "export_clearance",
        "import_clearance",
    ]
    alt = alternative(net, make_request("SZD", "TAS"))
    transit = ("in_transit", "in_transit")
    assert event_rows(alt) == [
        ("SZD", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 08:00")),
        ("SZD", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-02 10:00")),
        ("IRK", "EAEU", "advance_info", *transit, iso("2025-06-07 23:58")),
        ("IRK", "EAEU", "entry", *transit, iso("2025-06-08 01:58")),
        ("IRK", "EAEU", "exit", *transit, iso("2025-06-08 01:58")),
        ("TAS", "UZ", "entry", *transit, iso("2025-06-08 22:00")),
        ("TAS", "UZ", "import_clearance", "in_transit", "free", iso("2025-06-08 22:00")),
    ]
    assert event(alt, "IRK", "entry")["procedure"] == "transit under the TIR carnet"
    assert (event(alt, "IRK", "entry")["expected_h"], event(alt, "IRK", "entry")["cost"]) == (
        6.0,
        0.0,
    )


def test_plain_road_crosses_a_transit_territory_under_a_transit_declaration() -> None:
    # Without a TIR carnet the truck crosses the EAEU under an EAEU customs transit declaration
    # lodged at its entry (DESIGN.md §2.2); the cargo is never imported into the EAEU, which it
    # only crosses (v1 imported it into Kyrgyzstan at IRK and exported it again: issue 9, item 4)
    # export SZD 2 h -> Mon 10:00; r1 120 h -> Sat 7 Jun 10:00 at IRK, its point of entry;
    # transit declaration 12 h, no inspection -> 22:00 (500 CNY, IRK's declaration fee);
    # r2 30 h -> Mon 9 Jun 04:00; import at TAS 4 h -> 08:00
    # 20,000 + 500 + 8,000 = 28,500 CNY
    net = road_network(tir=False)
    search, routes = solve(net, make_request("SZD", "TAS"))
    (route,) = routes
    assert customs_ops(search, route) == [
        ("SZD", "export_clearance", "free", "cleared_export"),
        ("IRK", "transit_declaration", "in_transit", "in_bond"),
        ("TAS", "import_clearance", "in_transit", "free"),
    ]
    assert arrival(search, route) == at("2025-06-09 08:00")
    assert route.cost_fen == 2_850_000
    alt = alternative(net, make_request("SZD", "TAS"))
    transit = ("in_transit", "in_transit")
    assert event_rows(alt) == [
        ("SZD", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 08:00")),
        ("SZD", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-02 10:00")),
        ("IRK", "EAEU", "advance_info", *transit, iso("2025-06-07 08:00")),
        ("IRK", "EAEU", "entry", *transit, iso("2025-06-07 10:00")),
        ("IRK", "EAEU", "transit_declaration", "in_transit", "in_bond", iso("2025-06-07 10:00")),
        ("IRK", "EAEU", "exit", "in_bond", "in_transit", iso("2025-06-07 22:00")),
        ("TAS", "UZ", "entry", *transit, iso("2025-06-09 04:00")),
        ("TAS", "UZ", "import_clearance", "in_transit", "free", iso("2025-06-09 04:00")),
    ]
    declaration = event(alt, "IRK", "transit_declaration")
    assert declaration["procedure"] == (
        "EAEU customs transit under a guarantee to the exit border IRK"
    )
    assert (declaration["expected_h"], declaration["cost"]) == (12.0, 500.0)


def test_plain_road_through_a_transit_territory_needs_its_transit_declaration() -> None:
    # IRK offers import and export clearance but no transit declaration: the cargo may not be
    # imported into a territory it only crosses, and cargo still in transit may not board a
    # plain road crossing: no route
    net = road_network(tir=False, transit_declaration=False)
    assert solve(net, make_request("SZD", "TAS"))[1] == []


def test_tir_and_plain_road_transit_both_pareto() -> None:
    # TIR: Mon 9 Jun 02:00, 30,000 CNY; plain road under an EAEU transit: 08:00, 28,500 CNY
    b_tir, b_road = road_network(tir=True), road_network(tir=False)
    both = NetworkBuilder(
        nodes=dict(b_tir.nodes),
        links={**b_tir.links, **b_road.links},
        fees=list(b_tir.fees),
        jurisdictions=dict(b_tir.jurisdictions),
        advance_info=list(b_tir.advance_info),
    ).build()
    search, routes = solve(both, make_request("SZD", "TAS"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["tir"], at("2025-06-09 02:00"), 3_000_000),
        (["r1", "r2"], at("2025-06-09 08:00"), 2_850_000),
    ]


def test_checker_flags_a_plain_road_crossing_without_its_transit_declaration() -> None:
    # the independent checker accepts the engine's route, and rejects it with the transit
    # declaration at the intermediate border (IRK) removed: r2 is then boarded by in_transit
    # cargo
    net = road_network(tir=False)
    req = make_request("SZD", "TAS")
    doc = quote(net, req)
    assert check_quote(net, req, doc) == []
    (alt,) = doc["alternatives"]
    alt["customs_events"] = [
        e for e in alt["customs_events"] if e["operation"] != "transit_declaration"
    ]
    problems = check_alternative(net, req, alt)
    assert any("plain road crossing boarded by in_transit cargo" in p for p in problems), problems
