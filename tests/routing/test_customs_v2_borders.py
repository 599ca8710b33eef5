"""Known answers of customs model v2 at borders (docs/customs-model.md, issue 9): EU entry and
NCTS T1 to an inland office, EAEU transit on rail stamped by distance, Hong Kong transhipment vs
Hong Kong import, Hong Kong -> mainland import or 转关.

Every expected value is computed by hand in the comments, as in test_known_answers.py: a leg
departs at the first departure at or after ``ready = arrival + handling (on a transfer) + export
yard cut-off (dwell_export_h) + link cut-off``; a declaration takes ``clearance_h x AEO factor +
p(inspection) x inspection_h`` (builder profile 'none': p=0.03, x1.0) and costs the node's
declaration fee + p x its inspection fee; an import adds the import dwell first; a transit
declaration takes ``transit_declaration_h`` with no inspection and costs the declaration fee.
A border on a leg is stamped where the vehicle is: running time x the border's share of the leg's
geometry plus the waits at the borders before it. 2025-06-02 is a Monday.
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
from router.network.model import AdvanceDue, CustomsOp, Mode, Network, NodeKind, Regime
from router.routing.request import Cargo

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
EXIT = CustomsOp.EXIT
ENTRY = CustomsOp.ENTRY
SUP = CustomsOp.SUPERVISED_SITE
TD = CustomsOp.TRANSIT_DECLARATION
TB = CustomsOp.TRANSIT_BORDER
SEAPORT = NodeKind.SEAPORT
BORDER = NodeKind.BORDER_CROSSING
INTL = Regime.INTERNATIONAL
SUPERVISED = Regime.SUPERVISED
TRANSIT = ("in_transit", "in_transit")


def by_links(doc: dict) -> dict[tuple[str, ...], dict]:
    """The quote's alternatives by their links."""
    return {tuple(leg["link_id"] for leg in a["legs"]): a for a in doc["alternatives"]}


#: loose air cargo: 1,000 kg, 3 m3 (chargeable 1,000 kg: 3 x 166.67 = 500 kg volumetric)
LOOSE = Cargo(weight_kg=1_000, volume_m3=3)


# ------------------------------------------------------------- EU entry by sea + NCTS T1
def rotterdam_network() -> Network:
    """Shekou -> Rotterdam by sea for Duisburg: import at Rotterdam (the point of entry) and a
    truck on, or NCTS T1 at Rotterdam to Duisburg (the office of destination) and a bonded
    train. The EU requires an ICS2 entry summary 24 h before loading at the port abroad."""
    b = NetworkBuilder()
    b.set_jurisdiction("EU", transit_procedure="NCTS T1 transit declaration")
    b.add_advance_info("EU", Mode.DEEPSEA, "ICS2 ENS", due=AdvanceDue.LOADING, lead_h=24)
    b.add_node(
        "SHK",
        113.91,
        22.48,
        kind=SEAPORT,
        operations={EC, EXIT, SUP},
        export_clearance_h=2,
        dwell_export_h=24,
        handling_h=2,
    )
    b.add_node(
        "RTM",
        4.05,
        51.95,
        kind=SEAPORT,
        jurisdiction="EU",
        customs_district="NL-RTM",
        operations={ENTRY, IC, TD, SUP},
        handling_h=2,
        import_clearance_h=4,
        dwell_import_h=48,
    )
    b.add_node(
        "DUI",
        6.76,
        51.43,
        kind=NodeKind.RAIL_TERMINAL,
        jurisdiction="EU",
        customs_district="DE-DUI",
        operations={IC, SUP},
        handling_h=1,
        import_clearance_h=2,
        dwell_import_h=4,
    )
    b.add_link(
        "ocean",
        "SHK",
        "RTM",
        Mode.DEEPSEA,
        transit_h=30 * 24,
        regime=INTL,
        weekly=((1, 1080),),  # Tuesday 18:00
        distance_km=18_000,
        tariffs=cny(8_000),
    )
    b.add_link(
        "train",
        "RTM",
        "DUI",
        Mode.RAIL,
        transit_h=10,
        regime=SUPERVISED,
        headway_h=24,
        offset_h=6,  # daily 06:00
        distance_km=230,
        tariffs=cny(1_800),
    )
    b.add_link("truck", "RTM", "DUI", Mode.TRUCK, transit_h=4, distance_km=230, tariffs=cny(1_500))
    b.add_fee("SHK", "declaration", "declaration", 200)
    b.add_fee("SHK", "thc", "20", 500)
    b.add_fee("RTM", "declaration", "declaration", 400)
    b.add_fee("RTM", "thc", "20", 600)
    b.add_fee("DUI", "declaration", "declaration", 300)
    b.add_fee("DUI", "thc", "20", 200)
    return b.build()


def test_eu_entry_by_sea_then_import_at_the_port_or_t1_to_the_inland_office() -> None:
    # Both: export at SHK 2 h -> Mon 10:00 (200 CNY); yard cut-off 24 h -> Tue 10:00 -> Tue 3 Jun
    #   18:00 sailing + 720 h -> Thu 3 Jul 18:00 at RTM, in transit at its point of entry
    #   (8,000 + THC 500 + 600). ICS2 ENS due 24 h before loading: Mon 2 Jun 18:00.
    # Import at Rotterdam: 48 h dwell + 4 h -> Sat 5 Jul 22:00 (400 CNY); truck: vessel -> truck
    #   handling 2 h -> Sun 6 Jul 00:00 -> DUI 04:00 (1,500). 200 + 9,100 + 400 + 1,500
    #   = 11,200 CNY.
    # T1 to Duisburg: transit declaration at RTM 1 h -> Thu 19:00 (400 CNY); vessel -> train
    #   handling 2 h -> 21:00 -> Fri 4 Jul 06:00 train -> 16:00 at DUI in bond (1,800 + THC 200 at
    #   DUI; none again at RTM, one THC per port call); import at DUI, the office of destination:
    #   4 h dwell + 2 h -> 22:00 (300). 200 + 9,100 + 400 + 1,800 + 200 + 300 = 12,000 CNY.
    net = rotterdam_network()
    search, routes = solve(net, make_request("SHK", "DUI"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["ocean", "train"], at("2025-07-04 22:00"), 1_200_000),
        (["ocean", "truck"], at("2025-07-06 04:00"), 1_120_000),
    ]
    t1, at_port = routes
    assert customs_ops(search, at_port)[1:] == [("RTM", "import_clearance", "in_transit", "free")]
    assert customs_ops(search, t1)[1:] == [
        ("RTM", "transit_declaration", "in_transit", "in_bond"),
        ("DUI", "import_clearance", "in_bond", "free"),
    ]
    doc_alts = by_links(quote(net, make_request("SHK", "DUI")))
    common = [
        ("SHK", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 08:00")),
        ("RTM", "EU", "advance_info", *TRANSIT, iso("2025-06-02 18:00")),
        ("SHK", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-03 18:00")),
        ("RTM", "EU", "entry", *TRANSIT, iso("2025-07-03 18:00")),
    ]
    train = doc_alts[("ocean", "train")]
    assert event_rows(train) == [
        *common,
        ("RTM", "EU", "transit_declaration", "in_transit", "in_bond", iso("2025-07-03 18:00")),
        ("DUI", "EU", "import_clearance", "in_bond", "free", iso("2025-07-04 16:00")),
    ]
    t1_event = event(train, "RTM", "transit_declaration")
    assert t1_event["procedure"] == "NCTS T1 transit declaration to the office of destination DUI"
    assert (t1_event["expected_h"], t1_event["cost"]) == (1.0, 400.0)
    assert event(train, "RTM", "advance_info")["procedure"] == "ICS2 ENS"
    truck = doc_alts[("ocean", "truck")]
    assert event_rows(truck) == [
        *common,
        ("RTM", "EU", "import_clearance", "in_transit", "free", iso("2025-07-03 18:00")),
    ]
    assert event(truck, "RTM", "import_clearance")["expected_h"] == 52.0


# ------------------------------------------------------------- EAEU transit on rail
def eaeu_rail_network() -> Network:
    """A through train on the equator, where a stop's share of the geodesic length is its share
    of the longitude: Pinghu (0 deg, CN) - Khorgos (2, CN exit) - Altynkol (4, EAEU entry) -
    Brest (7, EAEU exit) - Małaszewicze (8, EU entry) - Duisburg (10, EU)."""
    b = NetworkBuilder()
    b.set_jurisdiction("CN", exit_procedure="出境 exit under the manifest")
    b.set_jurisdiction("EAEU", exit_procedure="EAEU exit")
    b.set_jurisdiction("EU", transit_procedure="NCTS T1 transit declaration")
    b.add_advance_info(
        "EAEU", Mode.RAIL, "EAEU preliminary information", due=AdvanceDue.ARRIVAL, lead_h=2
    )
    b.add_advance_info("EU", Mode.RAIL, "ICS2 ENS (rail)", due=AdvanceDue.ARRIVAL, lead_h=2)
    b.add_node(
        "PHS",
        0.0,
        0.0,
        kind=NodeKind.RAIL_TERMINAL,
        operations={EC, EXIT, SUP},
        export_clearance_h=2,
        dwell_export_h=12,
    )
    for code, lon, juris, wait_h in (
        ("KHO", 2.0, "CN", 3),
        ("ALT", 4.0, "EAEU", 5),
        ("BRE", 7.0, "EAEU", 6),
        ("MAL", 8.0, "EU", 10),
    ):
        b.add_node(
            code,
            lon,
            0.0,
            kind=BORDER,
            jurisdiction=juris,
            operations={TB},
            border_transit_h=wait_h,
        )
    b.add_node(
        "DUI",
        10.0,
        0.0,
        kind=NodeKind.RAIL_TERMINAL,
        jurisdiction="EU",
        operations={ENTRY, IC, SUP},
        import_clearance_h=3,
        dwell_import_h=5,
    )
    b.add_link(
        "train",
        "PHS",
        "DUI",
        Mode.RAIL,
        transit_h=100,
        regime=INTL,
        via=("KHO", "ALT", "BRE", "MAL"),
        weekly=((2, 720),),  # Wednesday 12:00
        distance_km=11_000,
        tariffs=cny(15_000),
    )
    b.add_fee("MAL", "declaration", "declaration", 250)
    return b.build()


def test_eaeu_rail_transit_entry_and_exit_events_stamped_by_distance() -> None:
    # export at PHS 2 h -> Mon 10:00; yard cut-off 12 h -> 22:00 -> Wed 4 Jun 12:00 train;
    # 100 h = 6,000 min running + 3 + 5 + 6 + 10 = 24 h of border waits -> Mon 9 Jun 16:00 at DUI
    # Where the train is (minutes after departure):
    # - KHO at 20 % of the geometry: 1,200 -> Thu 5 Jun 08:00: exit from CN (its last point);
    # - ALT at 40 %: 2,400 + 180 (wait at KHO) = 2,580 -> Fri 6 Jun 07:00: entry into the EAEU,
    #   a territory only crossed: transit under the rail consignment note (SMGS/CIM), 5 h wait;
    #   EAEU preliminary information 2 h before: Fri 05:00;
    # - BRE at 70 %: 4,200 + 180 + 300 = 4,680 -> Sat 7 Jun 18:00: exit from the EAEU;
    # - MAL at 80 %: 4,800 + 180 + 300 + 360 = 5,640 -> Sun 8 Jun 10:00: entry into the EU, the
    #   destination's territory, with the train going on: NCTS T1 to the office of destination,
    #   fee 250 CNY, 10 h wait; the cargo arrives in_bond; ICS2 ENS 2 h before: Sun 08:00
    # import at DUI (in bond, the office of destination): 5 h dwell + 3 h -> Tue 10 Jun 00:00
    # cost 15,000 + 250 = 15,250 CNY
    net = eaeu_rail_network()
    search, routes = solve(net, make_request("PHS", "DUI"))
    (route,) = routes
    (leg,) = legs(route)
    assert (clock(search, leg.start_min), clock(search, leg.end_min)) == (
        at("2025-06-04 12:00"),
        at("2025-06-09 16:00"),
    )
    assert arrival(search, route) == at("2025-06-10 00:00")
    assert route.cost_fen == 1_525_000
    assert leg.state_after.value == "in_bond"
    alt = alternative(net, make_request("PHS", "DUI"))
    assert event_rows(alt) == [
        ("PHS", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 08:00")),
        ("KHO", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-05 08:00")),
        ("ALT", "EAEU", "advance_info", *TRANSIT, iso("2025-06-06 05:00")),
        ("ALT", "EAEU", "entry", *TRANSIT, iso("2025-06-06 07:00")),
        ("BRE", "EAEU", "exit", *TRANSIT, iso("2025-06-07 18:00")),
        ("MAL", "EU", "advance_info", *TRANSIT, iso("2025-06-08 08:00")),
        ("MAL", "EU", "entry", "in_transit", "in_bond", iso("2025-06-08 10:00")),
        ("DUI", "EU", "import_clearance", "in_bond", "free", iso("2025-06-09 16:00")),
    ]
    procedures = {(e["node"], e["operation"]): e["procedure"] for e in alt["customs_events"]}
    assert procedures[("KHO", "exit")] == (
        "出境 exit under the manifest (rail consignment note (SMGS/CIM))"
    )
    assert procedures[("ALT", "entry")] == "transit under the rail consignment note (SMGS/CIM)"
    assert procedures[("BRE", "exit")] == "EAEU exit (rail consignment note (SMGS/CIM))"
    assert (
        procedures[("MAL", "entry")]
        == "NCTS T1 transit declaration to the office of destination DUI"
    )
    waits_and_fees = {
        e["node"]: (e["expected_h"], e["cost"])
        for e in alt["customs_events"]
        if e["operation"] == "entry"
    }
    assert waits_and_fees == {"ALT": (5.0, 0.0), "MAL": (10.0, 250.0)}


# ------------------------------------------------------------- Hong Kong: transhipment or import
def hong_kong_network() -> Network:
    """A Shenzhen factory F trucks to the Huanggang crossing (HG, CN) and on into Hong Kong at Lok
    Ma Chau (LMC); from there a HK truck reaches the airport (HKA, daily 02:00 flight to
    Frankfurt) or a HK city address (HKC). Hong Kong is a free port: through cargo is carried
    under the carrier's control and stays in transit; ROCARS road cargo information is due 30
    minutes before a truck reaches the HK control point."""
    b = NetworkBuilder()
    b.set_jurisdiction(
        "HK",
        free_port=True,
        import_procedure="HK import declaration (TDEC)",
        export_procedure="HK export declaration (TDEC)",
        transhipment_procedure="transhipment cargo under through bill; road-air under ITFS",
        exit_procedure="HK exit",
    )
    b.add_advance_info(
        "HK", Mode.TRUCK, "ROCARS road cargo information", due=AdvanceDue.ARRIVAL, lead_h=0.5
    )
    b.add_node("F", 114.05, 22.60)
    b.add_node("HG", 114.08, 22.53, kind=BORDER, operations={EC, EXIT}, export_clearance_h=1)
    b.add_node(
        "LMC",
        114.07,
        22.51,
        kind=BORDER,
        jurisdiction="HK",
        operations={ENTRY, IC, SUP},
        import_clearance_h=1,
        border_transit_h=0.5,  # a wait for trains or trucks passing it; none for a haul ending here
    )
    b.add_node(
        "HKA",
        113.92,
        22.31,
        kind=NodeKind.AIRPORT,
        jurisdiction="HK",
        operations={EC, EXIT, IC, SUP},
        export_clearance_h=2,
        handling_h=1,
    )
    b.add_node("HKC", 114.17, 22.32, jurisdiction="HK")
    b.add_node(
        "FRA",
        8.57,
        50.03,
        kind=NodeKind.AIRPORT,
        jurisdiction="EU",
        operations={ENTRY, IC},
        import_clearance_h=3,
    )
    b.add_link("f-hg", "F", "HG", Mode.TRUCK, transit_h=1, distance_km=12, tariffs=cny(300))
    b.add_link(
        "hg-lmc",
        "HG",
        "LMC",
        Mode.TRUCK,
        transit_h=0.5,
        regime=INTL,
        distance_km=3,
        tariffs=cny(400),
    )
    b.add_link("lmc-hka", "LMC", "HKA", Mode.TRUCK, transit_h=1.5, distance_km=40, tariffs=cny(500))
    b.add_link("lmc-hkc", "LMC", "HKC", Mode.TRUCK, transit_h=1, distance_km=25, tariffs=cny(200))
    b.add_link(
        "hka-fra",
        "HKA",
        "FRA",
        Mode.AIR,
        transit_h=13,
        regime=INTL,
        headway_h=24,
        offset_h=2,  # daily 02:00
        distance_km=9_200,
    )  # 30 CNY/kg (builder default)
    b.add_fee("HG", "declaration", "declaration", 100)
    b.add_fee("LMC", "declaration", "declaration", 150)
    b.add_fee("HKA", "declaration", "declaration", 120)
    return b.build()


def test_mainland_cargo_flown_out_of_hkia_is_transhipped_not_imported_into_hong_kong() -> None:
    # The 1 t / 3 m3 of loose cargo pays the trucks' LCL rate per revenue tonne (3 rt at a tenth
    # of the 20' rate), not a whole box.
    # F -> HG 08:00-09:00 (3 x 30 = 90 CNY); export at HG 1 h -> 10:00 (100); HG -> LMC
    #   10:00-10:30 (3 x 40 = 120), in transit at its HK point of entry; ROCARS 30 min before
    #   arrival: 10:00;
    # the same truck goes on to HKA inside the free port, still in transit (no transfer, no HK
    #   declaration): 10:30-12:00 (3 x 50 = 150; flat lane prices: nothing of them is waived);
    # at HKA the cargo boards the flight under transhipment (ITFS): truck -> aircraft handling
    #   1 h -> 13:00; no yard cut-off for cargo in transit -> Tue 3 Jun 02:00 flight + 13 h
    #   -> 15:00 at FRA (1,000 kg x 30 = 30,000); import at FRA 3 h -> 18:00
    # 90 + 100 + 120 + 150 + 30,000 = 30,460 CNY
    # Importing into HK at LMC (1 h, 150 CNY) and exporting again at HKA (2 h, 120 CNY) makes
    # the same flight for 270 CNY more: dominated.
    # (v1: no HK event at all, and the HK truck was 'in bond', not an HK regime: issue 9, item 6;
    # the entry at LMC takes no time: the haul ends there, its border wait is not on the route)
    net = hong_kong_network()
    request = make_request("F", "FRA", cargo=LOOSE)
    search, routes = solve(net, request)
    (route,) = routes
    assert link_ids(route) == ["f-hg", "hg-lmc", "lmc-hka", "hka-fra"]
    assert (arrival(search, route), route.cost_fen) == (at("2025-06-03 18:00"), 3_046_000)
    assert customs_ops(search, route) == [
        ("HG", "export_clearance", "free", "cleared_export"),
        ("FRA", "import_clearance", "in_transit", "free"),
    ]
    alt = alternative(net, request)
    assert event_rows(alt) == [
        ("HG", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 09:00")),
        ("HG", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-02 10:00")),
        ("LMC", "HK", "advance_info", *TRANSIT, iso("2025-06-02 10:00")),
        ("LMC", "HK", "entry", *TRANSIT, iso("2025-06-02 10:30")),
        ("HKA", "HK", "transhipment", *TRANSIT, iso("2025-06-02 12:00")),
        ("HKA", "HK", "exit", *TRANSIT, iso("2025-06-03 02:00")),
        ("FRA", "EU", "entry", *TRANSIT, iso("2025-06-03 15:00")),
        ("FRA", "EU", "import_clearance", "in_transit", "free", iso("2025-06-03 15:00")),
    ]
    assert event(alt, "LMC", "advance_info")["procedure"] == "ROCARS road cargo information"
    assert event(alt, "LMC", "entry")["expected_h"] == 0.0
    assert event(alt, "HKA", "transhipment")["procedure"] == (
        "transhipment cargo under through bill; road-air under ITFS"
    )
    assert event(alt, "HKA", "exit")["procedure"] == "HK exit (air waybill and manifest)"


def test_mainland_cargo_for_a_hong_kong_address_is_imported_at_the_crossing() -> None:
    # F -> HG 09:00, export -> 10:00, HG -> LMC 10:30 (as above); Hong Kong is the destination's
    # territory: import at LMC, the point of entry, 1 h -> 11:30 (150 CNY); HK truck -> HKC
    # 12:30 (3 rt x 20 = 60). 90 + 100 + 120 + 150 + 60 = 520 CNY
    net = hong_kong_network()
    request = make_request("F", "HKC", cargo=LOOSE)
    search, routes = solve(net, request)
    (route,) = routes
    assert (arrival(search, route), route.cost_fen) == (at("2025-06-02 12:30"), 52_000)
    alt = alternative(net, request)
    assert event_rows(alt) == [
        ("HG", "CN", "export_clearance", "free", "cleared_export", iso("2025-06-02 09:00")),
        ("HG", "CN", "exit", "cleared_export", "in_transit", iso("2025-06-02 10:00")),
        ("LMC", "HK", "advance_info", *TRANSIT, iso("2025-06-02 10:00")),
        ("LMC", "HK", "entry", *TRANSIT, iso("2025-06-02 10:30")),
        ("LMC", "HK", "import_clearance", "in_transit", "free", iso("2025-06-02 10:30")),
    ]
    assert event(alt, "LMC", "import_clearance")["procedure"] == "HK import declaration (TDEC)"


# ------------------------------------------------------------- Hong Kong -> mainland
def hong_kong_to_mainland_network(*, crossing_district: str = "HG") -> Network:
    """A HK warehouse trucks to Man Kam To (MKT, HK) and into the mainland at Wenjindu (WJD, CN,
    customs district ``crossing_district``); the destination SZC and the inland depot PHD lie
    in the district PH. The mainland requires its road manifest 1 h before arrival."""
    b = NetworkBuilder()
    b.set_jurisdiction("HK", free_port=True, export_procedure="HK export declaration (TDEC)")
    b.set_jurisdiction("CN", transit_procedure="转关 customs transfer")
    b.add_advance_info("CN", Mode.TRUCK, "原始舱单 road manifest", due=AdvanceDue.ARRIVAL, lead_h=1)
    b.add_node("HKW", 114.13, 22.37, jurisdiction="HK")
    b.add_node(
        "MKT",
        114.13,
        22.53,
        kind=BORDER,
        jurisdiction="HK",
        operations={EC, EXIT},
        export_clearance_h=0.5,
    )
    b.add_node(
        "WJD",
        114.13,
        22.54,
        kind=BORDER,
        customs_district=crossing_district,
        operations={ENTRY, IC, TD, SUP},
        import_clearance_h=2,
        dwell_import_h=6,
        transit_declaration_h=0.5,
    )
    b.add_node(
        "PHD",
        114.13,
        22.65,
        kind=NodeKind.INLAND_DEPOT,
        customs_district="PH",
        operations={IC, SUP},
        import_clearance_h=1,
        dwell_import_h=1,
    )
    b.add_node("SZC", 114.10, 22.68, customs_district="PH")
    b.add_link("hkw-mkt", "HKW", "MKT", Mode.TRUCK, transit_h=1, distance_km=20, tariffs=cny(300))
    b.add_link(
        "mkt-wjd",
        "MKT",
        "WJD",
        Mode.TRUCK,
        transit_h=0.5,
        regime=INTL,
        distance_km=2,
        tariffs=cny(400),
    )
    b.add_link("wjd-szc", "WJD", "SZC", Mode.TRUCK, transit_h=2, distance_km=20, tariffs=cny(600))
    b.add_link(
        "wjd-phd",
        "WJD",
        "PHD",
        Mode.TRUCK,
        transit_h=1.5,
        regime=SUPERVISED,
        distance_km=15,
        tariffs=cny(700),
    )
    b.add_link("phd-szc", "PHD", "SZC", Mode.TRUCK, transit_h=0.5, distance_km=5, tariffs=cny(200))
    b.add_fee("MKT", "declaration", "declaration", 100)
    b.add_fee("WJD", "declaration", "declaration", 200)
    b.add_fee("PHD", "declaration", "declaration", 150)
    return b.build()


HK_MAINLAND_COMMON = [
    ("MKT", "HK", "export_clearance", "free", "cleared_export", iso("2025-06-02 09:00")),
    ("WJD", "CN", "advance_info", *TRANSIT, iso("2025-06-02 09:00")),
    ("MKT", "HK", "exit", "cleared_export", "in_transit", iso("2025-06-02 09:30")),
    ("WJD", "CN", "entry", *TRANSIT, iso("2025-06-02 10:00")),
]


def test_hong_kong_to_mainland_import_at_the_crossing_or_zhuanguan_to_the_destination() -> None:
    # HKW -> MKT 08:00-09:00 (300 CNY); HK export 0.5 h -> 09:30 (100); MKT -> WJD 09:30-10:00
    #   (400), in transit at the mainland point of entry; road manifest due 1 h before: 09:00.
    # Import at the crossing: 6 h dwell + 2 h -> 18:00 (200); truck -> SZC 20:00 (600).
    #   300 + 100 + 400 + 200 + 600 = 1,600 CNY.
    # 转关 to the office of destination: transit declaration at WJD 0.5 h -> 10:30 (200);
    #   bonded truck, the same haul -> PHD 12:00 (700); import at PHD 1 h dwell + 1 h -> 14:00
    #   (150); truck -> SZC 14:30 (200). 300 + 100 + 400 + 200 + 700 + 150 + 200 = 2,050 CNY.
    # (v1: the cargo entered the mainland with no event: issue 9, item 7)
    net = hong_kong_to_mainland_network()
    search, routes = solve(net, make_request("HKW", "SZC"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["hkw-mkt", "mkt-wjd", "wjd-phd", "phd-szc"], at("2025-06-02 14:30"), 205_000),
        (["hkw-mkt", "mkt-wjd", "wjd-szc"], at("2025-06-02 20:00"), 160_000),
    ]
    alts = by_links(quote(net, make_request("HKW", "SZC")))
    transfer = alts[("hkw-mkt", "mkt-wjd", "wjd-phd", "phd-szc")]
    assert event_rows(transfer) == [
        *HK_MAINLAND_COMMON,
        ("WJD", "CN", "transit_declaration", "in_transit", "in_bond", iso("2025-06-02 10:00")),
        ("PHD", "CN", "import_clearance", "in_bond", "free", iso("2025-06-02 12:00")),
    ]
    assert event(transfer, "WJD", "transit_declaration")["procedure"] == (
        "转关 customs transfer to the office of destination PHD"
    )
    at_crossing = alts[("hkw-mkt", "mkt-wjd", "wjd-szc")]
    assert event_rows(at_crossing) == [
        *HK_MAINLAND_COMMON,
        ("WJD", "CN", "import_clearance", "in_transit", "free", iso("2025-06-02 10:00")),
    ]


def test_no_transit_declaration_within_the_entry_points_own_office() -> None:
    # The crossing WJD lies in the destination's own district (PH): a transfer from it to PHD
    # would be a transit declaration within its own office, which is an import at the point of
    # entry; only the import at WJD remains (20:00, 1,600 CNY as above).
    net = hong_kong_to_mainland_network(crossing_district="PH")
    search, routes = solve(net, make_request("HKW", "SZC"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["hkw-mkt", "mkt-wjd", "wjd-szc"], at("2025-06-02 20:00"), 160_000)
    ]
    assert [op for _, op, _, _ in customs_ops(search, routes[0])] == [
        "export_clearance",
        "import_clearance",
    ]
