"""Known answers of customs model v2 rules (docs/customs-model.md, issue 9): no clearance
shopping (and an office of destination lies in the destination's territory), AEO only in China
and under an MRA, dangerous goods barred only where their class or division is listed, the
Combined Port only onward to its hub, 一单两报, paper documents. Dated closures and the yard
cut-off are in test_known_answers_measures.py, drug ports and the drug permit too.

Every expected value is computed by hand in the comments, as in test_known_answers.py: a leg
departs at the first departure at or after ``ready = arrival + handling (on a transfer) + export
yard cut-off (dwell_export_h) + link cut-off``; a declaration takes ``(clearance_h + document_h) x
AEO factor + p(inspection) x inspection_h`` and costs the node's declaration fee + p x its
inspection fee (builder profiles: none p=0.03 x1.0, advanced p=0.005 x0.7); an import adds the
import dwell first; a transit declaration takes ``transit_declaration_h`` (1 h unless given) with
no inspection and costs the declaration fee. Cargo: one 20' dry box unless a test says otherwise.
2025-06-02 is a Monday.
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
    link_ids,
    make_request,
    solve,
)

from router.network.builder import NetworkBuilder
from router.network.model import AeoLevel, CargoClass, CustomsOp, Mode, Network, NodeKind, Regime
from router.routing.request import Cargo, TraderProfile

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
EXIT = CustomsOp.EXIT
ENTRY = CustomsOp.ENTRY
SUP = CustomsOp.SUPERVISED_SITE
TD = CustomsOp.TRANSIT_DECLARATION
JOINT = CustomsOp.JOINT_DECLARATION
SEAPORT = NodeKind.SEAPORT
BORDER = NodeKind.BORDER_CROSSING
INTL = Regime.INTERNATIONAL
SUPERVISED = Regime.SUPERVISED


def dangerous(imdg_class: str) -> Cargo:
    return Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class=imdg_class)


# ------------------------------------------------------------- no clearance shopping
def shopping_network(*, airport_district: str) -> Network:
    """A box lands at Yantian (YTN, district YT; import dwell 48 h) for a Futian address (SZC,
    district FT); Bao'an airport (BAO, district ``airport_district``) clears in 2 h of dwell and
    is reachable by a bonded truck."""
    b = NetworkBuilder()
    b.add_node("O", 4.05, 51.95, kind=SEAPORT, jurisdiction="EU", operations={EC, EXIT})
    b.add_node(
        "YTN",
        114.27,
        22.57,
        kind=SEAPORT,
        customs_district="YT",
        operations={ENTRY, IC, TD, SUP},
        handling_h=1,
        import_clearance_h=4,
        dwell_import_h=48,
    )
    b.add_node(
        "BAO",
        113.81,
        22.64,
        kind=NodeKind.AIRPORT,
        customs_district=airport_district,
        operations={IC, SUP},
        import_clearance_h=1,
        dwell_import_h=2,
    )
    b.add_node("SZC", 114.05, 22.54, customs_district="FT")
    b.add_link(
        "sea",
        "O",
        "YTN",
        Mode.DEEPSEA,
        transit_h=20,
        regime=INTL,
        distance_km=100,
        tariffs=cny(2_000),
    )
    b.add_link(
        "yt-bao",
        "YTN",
        "BAO",
        Mode.TRUCK,
        transit_h=1,
        regime=SUPERVISED,
        distance_km=60,
        tariffs=cny(300),
    )
    b.add_link("bao-szc", "BAO", "SZC", Mode.TRUCK, transit_h=1, distance_km=30, tariffs=cny(300))
    b.add_link("yt-szc", "YTN", "SZC", Mode.TRUCK, transit_h=1.5, distance_km=30, tariffs=cny(500))
    b.add_fee("YTN", "declaration", "declaration", 200)
    b.add_fee("BAO", "declaration", "declaration", 200)
    return b.build()


# sea 08:00 -> Tue 04:00 at YTN (2,000 CNY); import at YTN 48 h dwell + 4 h -> Thu 08:00 (200);
# vessel -> truck handling 1 h -> 09:00 -> SZC 10:30 (500): 2,700 CNY
AT_ENTRY = (["sea", "yt-szc"], "2025-06-05 10:30", 270_000)


@pytest.mark.parametrize(
    ("airport_district", "expected"),
    [
        # BAO is off the way and not the destination's office: it is never used for import
        # clearance (v1 moved the box there to clear with a shorter dwell: issue 9, item 8)
        ("BA", [AT_ENTRY]),
        # BAO in the destination's own district is an office of destination: 转关 at YTN 1 h ->
        # Tue 05:00 (200); handling 1 h -> 06:00 -> BAO 07:00 in bond (300); import 2 h dwell
        # + 1 h -> 10:00 (200); -> SZC 11:00 (300): 3,000 CNY
        ("FT", [(["sea", "yt-bao", "bao-szc"], "2025-06-03 11:00", 300_000), AT_ENTRY]),
    ],
)
def test_no_import_clearance_at_a_cheaper_dwell_node_off_the_way(
    airport_district: str, expected: list
) -> None:
    search, routes = solve(
        shopping_network(airport_district=airport_district), make_request("O", "SZC")
    )
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (links, at(when), fen) for links, when, fen in expected
    ]
    for route in routes:
        (imported,) = [
            node for node, op, _, _ in customs_ops(search, route) if op == "import_clearance"
        ]
        assert imported == ("BAO" if link_ids(route)[1] == "yt-bao" else "YTN")


def same_district_name_network(*, bonded_exit: bool) -> Network:
    """A train lands cargo in the EAEU at ALT; a depot KZD and the destination DUI (EU) both
    use the district code D1, and the EAEU exit border KZB is reached from KZD by a domestic
    truck (and by a bonded one if ``bonded_exit``)."""
    b = NetworkBuilder()
    b.add_node("O", 0.0, 0.0, kind=NodeKind.RAIL_TERMINAL, operations={EC, EXIT})
    b.add_node(
        "ALT",
        4.0,
        0.0,
        kind=NodeKind.RAIL_TERMINAL,
        jurisdiction="EAEU",
        customs_district="D1",
        operations={ENTRY, TD, SUP},
    )
    b.add_node(
        "KZD",
        5.0,
        0.0,
        kind=NodeKind.INLAND_DEPOT,
        jurisdiction="EAEU",
        customs_district="D1",
        operations={IC, EC, SUP},
    )
    b.add_node("KZB", 7.0, 0.0, kind=BORDER, jurisdiction="EAEU", operations={EC, EXIT, SUP})
    b.add_node(
        "DUI",
        10.0,
        0.0,
        kind=NodeKind.INLAND_DEPOT,
        jurisdiction="EU",
        customs_district="D1",
        operations={ENTRY, IC},
    )
    b.add_link("train", "O", "ALT", Mode.RAIL, transit_h=40, regime=INTL, distance_km=4_500)
    b.add_link("bond", "ALT", "KZD", Mode.TRUCK, transit_h=5, regime=SUPERVISED, distance_km=110)
    b.add_link("dom", "KZD", "KZB", Mode.TRUCK, transit_h=5, distance_km=220)
    if bonded_exit:
        b.add_link(
            "bond2", "KZD", "KZB", Mode.TRUCK, transit_h=8, regime=SUPERVISED, distance_km=220
        )
    b.add_link("road", "KZB", "DUI", Mode.TRUCK, transit_h=60, regime=INTL, distance_km=3_300)
    return b.build()


def test_an_office_of_destination_lies_in_the_destinations_territory() -> None:
    # Districts are codes of one customs territory: KZD's D1 in the EAEU is not the district
    # D1 of the destination DUI in the EU. The cargo declared in transit at ALT may not be
    # imported into the EAEU at KZD (a territory it only crosses), so without a bonded way to
    # the exit border there is no route (before the fix: import at KZD, domestic truck,
    # re-export at KZB).
    assert solve(same_district_name_network(bonded_exit=False), make_request("O", "DUI"))[1] == []
    # With a bonded truck to the exit border: 08:00 train 40 h -> Wed 00:00 at ALT; transit
    # declaration 1 h -> 01:00; bond 5 h -> 06:00; bond2 8 h -> 14:00; road 60 h -> Sat 7 Jun
    # 02:00; import at DUI (0 h)
    search, routes = solve(same_district_name_network(bonded_exit=True), make_request("O", "DUI"))
    assert [(link_ids(r), arrival(search, r)) for r in routes] == [
        (["train", "bond", "bond2", "road"], at("2025-06-07 02:00"))
    ]
    assert [op for _, op, _, _ in customs_ops(search, routes[0])] == [
        "export_clearance",
        "transit_declaration",
        "import_clearance",
    ]


# ------------------------------------------------------------- AEO only where it has effect
def aeo_mra_network() -> Network:
    """A Chinese port ships to the EU (AEO mutual recognition with China in force) and to the
    US (none)."""
    b = NetworkBuilder()
    b.set_jurisdiction("EU", aeo_mra_cn=True)
    b.set_jurisdiction("US", aeo_mra_cn=False)
    b.add_node(
        "O",
        113.91,
        22.48,
        kind=SEAPORT,
        operations={EC, EXIT},
        export_clearance_h=2,
        inspection_h=10,
    )
    for code, lon, lat, juris in (("R", 4.05, 51.95, "EU"), ("L", -118.26, 33.74, "US")):
        b.add_node(
            code,
            lon,
            lat,
            kind=SEAPORT,
            jurisdiction=juris,
            operations={ENTRY, IC},
            import_clearance_h=4,
            inspection_h=24,
        )
        b.add_link(f"o-{code}", "O", code, Mode.DEEPSEA, transit_h=20, regime=INTL, distance_km=100)
        b.add_fee(code, "declaration", "declaration", 300)
        b.add_fee(code, "inspection", "inspection", 1_000)
    b.add_fee("O", "declaration", "declaration", 100)
    b.add_fee("O", "inspection", "inspection", 500)
    return b.build()


@pytest.mark.parametrize(
    ("destination", "level", "export", "imported", "p_import"),
    [
        # export: 2 x 1.0 + 0.03 x 10 = 2.3 h = 138 min; 100 + 0.03 x 500 = 115 CNY
        # import: 4 x 1.0 + 0.03 x 24 = 4.72 h = 283 min; 300 + 0.03 x 1,000 = 330 CNY
        ("R", AeoLevel.NONE, (138, 11_500), (283, 33_000), 0.03),
        ("L", AeoLevel.NONE, (138, 11_500), (283, 33_000), 0.03),
        # advanced, in China: 2 x 0.7 + 0.005 x 10 = 1.45 h = 87 min; 100 + 2.5 = 102.5 CNY
        # in the EU (MRA): 4 x 0.7 + 0.005 x 24 = 2.92 h = 175 min; 300 + 5 = 305 CNY
        ("R", AeoLevel.ADVANCED, (87, 10_250), (175, 30_500), 0.005),
        # in the US (no MRA with China): as a trader without AEO status
        ("L", AeoLevel.ADVANCED, (87, 10_250), (283, 33_000), 0.03),
    ],
)
def test_aeo_has_effect_in_china_and_only_under_an_mra_abroad(
    destination: str,
    level: AeoLevel,
    export: tuple[int, int],
    imported: tuple[int, int],
    p_import: float,
) -> None:
    net = aeo_mra_network()
    request = make_request("O", destination, trader=TraderProfile(aeo_level=level))
    _, (route,) = solve(net, request)
    steps = [s for s in route.steps if s.kind == "customs"]
    assert [(s.op, s.customs_min, s.customs_fen) for s in steps] == [
        ("export_clearance", *export),
        ("import_clearance", *imported),
    ]
    alt = alternative(net, request)
    assert event(alt, destination, "import_clearance")["inspection_probability"] == p_import


# ------------------------------------------------------------- dangerous goods
def dg_crossing_network() -> Network:
    """Factory F to a Hong Kong address: by the Huanggang land crossing, whose truck link bars
    IMDG classes 1-8 (listed dangerous chemicals), or by a 4.8-day feeder from Shekou."""
    b = NetworkBuilder()
    b.add_node("F", 114.05, 22.60)
    b.add_node("HG", 114.08, 22.53, kind=BORDER, operations={EC, EXIT}, export_clearance_h=1)
    b.add_node(
        "LMC",
        114.07,
        22.51,
        kind=BORDER,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=1,
    )
    ports = {"kind": SEAPORT, "dg_classes": frozenset({"3", "9"})}
    b.add_node("SK", 113.91, 22.48, operations={EC, EXIT}, export_clearance_h=1, **ports)
    b.add_node(
        "KT",
        114.12,
        22.34,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=1,
        **ports,
    )
    b.add_node("HKC", 114.17, 22.32, jurisdiction="HK")
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
        dg_banned=frozenset("12345678"),
    )
    b.add_link("lmc-hkc", "LMC", "HKC", Mode.TRUCK, transit_h=1, distance_km=25, tariffs=cny(200))
    b.add_link("f-sk", "F", "SK", Mode.TRUCK, transit_h=1, distance_km=25, tariffs=cny(300))
    b.add_link(
        "feeder",
        "SK",
        "KT",
        Mode.FEEDER,
        transit_h=115.2,
        regime=INTL,
        distance_km=40,
        tariffs=cny(1_500),
    )
    b.add_link("kt-hkc", "KT", "HKC", Mode.TRUCK, transit_h=1, distance_km=10, tariffs=cny(200))
    return b.build()


@pytest.mark.parametrize(
    ("imdg_class", "expected"),
    [
        # class 9 (lithium batteries) is not among the crossing's listed classes: F -> HG 09:00,
        # export 1 h -> 10:00, -> LMC 10:30, import 1 h -> 11:30, -> HKC 12:30; 900 CNY (the
        # feeder, Sat 7 Jun 07:12 and 2,000 CNY, is dominated). v1 barred every DG class there
        # (issue 9, item 11).
        ("9", (["f-hg", "hg-lmc", "lmc-hkc"], "2025-06-02 12:30", 90_000)),
        # class 3 is barred at the crossing: F -> SK 09:00, export 1 h -> 10:00, feeder 115 h 12
        # min -> Sat 7 Jun 05:12, import 1 h -> 06:12, -> HKC 07:12; 300 + 1,500 + 200 CNY
        ("3", (["f-sk", "feeder", "kt-hkc"], "2025-06-07 07:12", 200_000)),
    ],
)
def test_dangerous_class_barred_only_where_the_ban_lists_it(
    imdg_class: str, expected: tuple
) -> None:
    search, routes = solve(
        dg_crossing_network(), make_request("F", "HKC", cargo=dangerous(imdg_class))
    )
    links, when, fen = expected
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (links, at(when), fen)
    ]


def dg_division_network() -> Network:
    """Two ports of entry: A permits only division 1.4 of class 1 (and is cheaper), B the whole
    class 1."""
    b = NetworkBuilder()
    b.add_node(
        "O",
        4.05,
        51.95,
        kind=SEAPORT,
        jurisdiction="EU",
        operations={EC, EXIT},
        dg_classes=frozenset({"1"}),
    )
    b.add_node(
        "A", 114.12, 22.34, kind=SEAPORT, operations={ENTRY, IC}, dg_classes=frozenset({"1.4"})
    )
    b.add_node(
        "B", 114.20, 22.30, kind=SEAPORT, operations={ENTRY, IC}, dg_classes=frozenset({"1"})
    )
    b.add_node("C", 114.17, 22.32)
    # same times and distances: only prices differ
    sea = {"transit_h": 20, "regime": INTL, "distance_km": 18_000}
    b.add_link("oa", "O", "A", Mode.DEEPSEA, tariffs=cny(500), **sea)
    b.add_link("ob", "O", "B", Mode.DEEPSEA, tariffs=cny(900), **sea)
    b.add_link("ac", "A", "C", Mode.TRUCK, transit_h=1, distance_km=10, tariffs=cny(200))
    b.add_link("bc", "B", "C", Mode.TRUCK, transit_h=1, distance_km=10, tariffs=cny(200))
    return b.build()


@pytest.mark.parametrize(
    ("imdg_class", "expected"),
    [
        # 1.4S: division 1.4 is permitted at A: 08:00 -> Tue 04:00 at A, -> C 05:00; 700 CNY
        ("1.4S", ["oa", "ac"]),
        # 1.1D: only B permits it (the whole class 1): same times, 1,100 CNY
        ("1.1D", ["ob", "bc"]),
    ],
)
def test_dangerous_division_permitted_where_the_port_lists_it(
    imdg_class: str, expected: list[str]
) -> None:
    search, routes = solve(
        dg_division_network(), make_request("O", "C", cargo=dangerous(imdg_class))
    )
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (expected, at("2025-06-03 05:00"), 70_000 if expected[0] == "oa" else 110_000)
    ]


# ------------------------------------------------------------- Combined Port only to its hub
def feeder_to_hong_kong_network() -> Network:
    """A Combined Port feeder terminal FS (hub: Shekou) with a barge straight to Hong Kong."""
    b = NetworkBuilder()
    b.set_jurisdiction("CN", export_procedure="出口报关 export declaration")
    b.add_node(
        "FS",
        113.25,
        22.84,
        kind=NodeKind.RIVER_TERMINAL,
        operations={EC, CustomsOp.COMBINED_PORT, EXIT, SUP},
        combined_port_hub="SHK",
        export_clearance_h=2,
    )
    b.add_node("SHK", 113.91, 22.48, kind=SEAPORT, operations={EC, EXIT, SUP})
    b.add_node(
        "HKT",
        114.12,
        22.34,
        kind=SEAPORT,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=2,
    )
    b.add_link(
        "barge-hk",
        "FS",
        "HKT",
        Mode.BARGE,
        transit_h=10,
        regime=INTL,
        headway_h=12,
        distance_km=150,
        tariffs=cny(600),
    )
    b.add_link(
        "barge-shk",
        "FS",
        "SHK",
        Mode.BARGE,
        transit_h=8,
        regime=SUPERVISED,
        headway_h=12,
        distance_km=120,
        tariffs=cny(400),
    )
    b.add_fee("FS", "declaration", "declaration", 100)
    return b.build()


def test_barge_from_a_combined_port_feeder_to_hong_kong_is_a_plain_export() -> None:
    # A Combined Port declaration is valid only onward to the mainland hub (SHK); Hong Kong is
    # another customs territory, so the barge to HK carries a plain export declaration:
    # export 2 h -> 10:00 (100 CNY); barge every 12 h from Mon 00:00 -> 12:00 -> 22:00 at HKT
    # (600); import 2 h -> Tue 00:00. (v1 labelled it combined_port: issue 9, item 5)
    net = feeder_to_hong_kong_network()
    search, routes = solve(net, make_request("FS", "HKT"))
    (route,) = routes
    assert (link_ids(route), arrival(search, route), route.cost_fen) == (
        ["barge-hk"],
        at("2025-06-03 00:00"),
        70_000,
    )
    assert customs_ops(search, route) == [
        ("FS", "export_clearance", "free", "cleared_export"),
        ("HKT", "import_clearance", "in_transit", "free"),
    ]
    alt = alternative(net, make_request("FS", "HKT"))
    assert event(alt, "FS", "export_clearance")["procedure"] == "出口报关 export declaration"
    assert not [e for e in alt["customs_events"] if e["operation"] == "combined_port"]


def test_combined_port_cargo_leaving_its_hub_by_road_pays_what_road_pays() -> None:
    # The hub's manifest-entry (document) fee is charged on sea, rail and air departures and
    # waived for Combined Port cargo loading there; a truck leaving the hub pays none, so there
    # is nothing to waive (before the fix the waiver was subtracted anyway: 100 CNY too little).
    # export 2 h -> 10:00 (100 CNY); barge (every 12 h) 12:00 -> 20:00 at SHK (400 + THC 200);
    # barge -> truck handling 1 h -> 21:00; truck -> HKB 22:00 (500); import 1 h -> 23:00.
    # 100 + 400 + 200 + 500 = 1,200 CNY, with either declaration at FS.
    b = NetworkBuilder()
    b.add_node(
        "FS",
        113.25,
        22.84,
        kind=NodeKind.RIVER_TERMINAL,
        operations={EC, CustomsOp.COMBINED_PORT, SUP},
        combined_port_hub="SHK",
        export_clearance_h=2,
    )
    b.add_node("SHK", 113.91, 22.48, kind=SEAPORT, operations={EC, EXIT, SUP}, handling_h=1)
    b.add_node(
        "HKB",
        114.05,
        22.50,
        kind=BORDER,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=1,
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
    b.add_link(
        "truck",
        "SHK",
        "HKB",
        Mode.TRUCK,
        transit_h=1,
        regime=INTL,
        distance_km=30,
        tariffs=cny(500),
    )
    b.add_fee("FS", "declaration", "declaration", 100)
    b.add_fee("SHK", "thc", "20", 200)
    b.add_fee("SHK", "document", "shipment", 100)
    search, routes = solve(b.build(), make_request("FS", "HKB"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["barge", "truck"], at("2025-06-02 23:00"), 120_000)
    ]


# ------------------------------------------------------------- 一单两报
def joint_declaration_network() -> Network:
    """Huanggang (HG) and Lok Ma Chau (LMC) offer 一单两报: one data entry for the mainland
    export and the Hong Kong import declarations, for eligible traders."""
    b = NetworkBuilder()
    b.set_jurisdiction("CN", export_procedure="出口报关 export declaration")
    b.set_jurisdiction("HK", free_port=True, import_procedure="HK import declaration (TDEC)")
    b.add_node("F", 114.05, 22.60)
    b.add_node(
        "HG",
        114.08,
        22.53,
        kind=BORDER,
        operations={EC, EXIT, JOINT},
        export_clearance_h=2,
        joint_clearance_h=0.5,
    )
    b.add_node(
        "LMC",
        114.07,
        22.51,
        kind=BORDER,
        jurisdiction="HK",
        operations={ENTRY, IC, JOINT},
        import_clearance_h=1.5,
        joint_clearance_h=0.25,
    )
    b.add_node("HKC", 114.17, 22.32, jurisdiction="HK")
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
    b.add_link("lmc-hkc", "LMC", "HKC", Mode.TRUCK, transit_h=1, distance_km=25, tariffs=cny(200))
    return b.build()


JOINT_NOTE = " (一单两报: one data entry for the mainland and Hong Kong declarations)"


@pytest.mark.parametrize(
    ("eligible", "expected", "export_h", "import_h"),
    [
        # F -> HG 09:00; export 2 h -> 11:00; -> LMC 11:30; import 1.5 h -> 13:00; -> HKC 14:00
        (False, "2025-06-02 14:00", 2.0, 1.5),
        # 一单两报: export 0.5 h -> 09:30; -> LMC 10:00; import 0.25 h -> 10:15; -> HKC 11:15
        (True, "2025-06-02 11:15", 0.5, 0.25),
    ],
)
def test_joint_declaration_shortens_clearance_for_eligible_traders(
    eligible: bool, expected: str, export_h: float, import_h: float
) -> None:
    net = joint_declaration_network()
    request = make_request("F", "HKC", trader=TraderProfile(joint_declaration_eligible=eligible))
    search, (route,) = solve(net, request)
    assert arrival(search, route) == at(expected)
    alt = alternative(net, request)
    export, imported = event(alt, "HG", "export_clearance"), event(alt, "LMC", "import_clearance")
    assert (export["clearance_h"], imported["clearance_h"]) == (export_h, import_h)
    note = JOINT_NOTE if eligible else ""
    assert export["procedure"] == "出口报关 export declaration" + note
    assert imported["procedure"] == "HK import declaration (TDEC)" + note


# ------------------------------------------------------------- paper documents
def document_network(document_h: float) -> Network:
    b = NetworkBuilder()
    b.add_node(
        "O",
        113.91,
        22.48,
        kind=SEAPORT,
        operations={EC, EXIT},
        export_clearance_h=2,
        document_h=document_h,
    )
    b.add_node(
        "H",
        114.12,
        22.34,
        kind=SEAPORT,
        jurisdiction="HK",
        operations={ENTRY, IC},
        import_clearance_h=1,
        document_h=document_h,
    )
    b.add_link("s", "O", "H", Mode.FEEDER, transit_h=5, regime=INTL, distance_km=60)
    return b.build()


@pytest.mark.parametrize(
    ("document_h", "expected", "clearances"),
    [
        # paperless: export 2 h -> 10:00; feeder -> 15:00; import 1 h -> 16:00
        (0.0, "2025-06-02 16:00", (2.0, 1.0)),
        # paper documents add 3 h to each declaration: export 5 h -> 13:00; -> 18:00; import
        # 1 + 3 h -> 22:00
        (3.0, "2025-06-02 22:00", (5.0, 4.0)),
    ],
)
def test_paper_documents_lengthen_clearance(
    document_h: float, expected: str, clearances: tuple[float, float]
) -> None:
    net = document_network(document_h)
    search, (route,) = solve(net, make_request("O", "H"))
    assert arrival(search, route) == at(expected)
    alt = alternative(net, make_request("O", "H"))
    assert (
        event(alt, "O", "export_clearance")["clearance_h"],
        event(alt, "H", "import_clearance")["clearance_h"],
    ) == clearances
