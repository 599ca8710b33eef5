"""Known answers of the quote search on tiny hand-built networks: the seed's customs measures
(Combined Port, direct loading / pick-up, AEO), cargo classes, dated closures (of a crossing, of
a border a train passes) and the yard cut-off before a sailing (not a detour via another port).

Expected values are computed by hand in the comments as in test_known_answers.py: a leg departs
at the first departure at or after ``ready = arrival + handling (not before the first leg) + export
yard cut-off + link cut-off``; a declaration takes ``clearance_h x AEO factor + p(inspection) x
inspection_h`` and costs ``declaration + p(inspection) x inspection fee``. Builder AEO profiles:
none p=0.03 x1.0, advanced p=0.005 x0.7 (the general level was abolished by GAC Decree 251).
Cargo: one 20' dry box, 12.2 t hauled (see routing_testkit). 2025-06-02 is a Monday.
"""

from __future__ import annotations

from datetime import date

import pytest
from routing_testkit import (
    ONE_TEU,
    arrival,
    at,
    clock,
    cny,
    customs_ops,
    legs,
    link_ids,
    make_request,
    quote,
    solve,
)

from router.network.builder import NetworkBuilder
from router.network.model import (
    AeoLevel,
    CargoClass,
    CustomsOp,
    Mode,
    Network,
    NodeKind,
    Regime,
)
from router.routing.request import Cargo, CustomsScope, TraderProfile

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
EXIT = CustomsOp.EXIT
ENTRY = CustomsOp.ENTRY
SUP = CustomsOp.SUPERVISED_SITE
SEAPORT = NodeKind.SEAPORT
INTL = Regime.INTERNATIONAL
SUPERVISED = Regime.SUPERVISED


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
    # barge (no yard cut-off for barges, headway 12 h from Mon 00:00) 12:00 -> 20:00 at SHK;
    # ocean: handling 2 h + the Combined Port cut-off 12 h (not the 72 h yard cut-off) -> ready
    # Tue 10:00
    #   -> Tue 3 Jun 18:00 + 720 h -> Thu 3 Jul 18:00; import 2 h -> 20:00
    # cost 100 + 400 + THC 200 + 300 + 8000 + THC 400 = 9,400 CNY (12 h < 48 h free; one THC
    # per port call: the box discharged from the barge at SHK is not charged again on loading)
    # The truck route (clear at SHK 11:00 -> 13:00, cut-off 72 h -> Fri 6 Jun 18:00 sailing,
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
    # The clearance at FS is a plain export clearance: at SHK the 72 h yard cut-off applies:
    # barge arrives Mon 20:00, + 2 h handling + 72 h -> Thu 22:00 -> Fri 6 Jun 18:00 sailing
    # -> Sun 6 Jul 18:00; import -> 20:00. Storage is charged on the whole stay at SHK, from the
    # barge's arrival to the sailing: Mon 20:00 -> Fri 18:00 = 94 h, 46 h beyond the 48 h free
    # = 46/24 x 100 = 191.67 CNY. 9,400 + 191.67 = 9,591.67 CNY; the truck route arrives at the
    # same time and is dearer.
    net = combined_port_network()
    request = make_request("FS", "RTM", trader=TraderProfile(combined_port_allowed=False))
    search, routes = solve(net, request)
    (route,) = routes
    assert link_ids(route) == ["barge", "ocean"]
    assert arrival(search, route) == at("2025-07-06 20:00")
    assert route.cost_fen == 959_167
    assert customs_ops(search, route)[0] == ("FS", "export_clearance", "free", "cleared_export")
    ocean = legs(route)[1]
    assert (ocean.dwell_min, ocean.dwell_basis, ocean.storage_fen) == (72 * 60, "export", 19_167)


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
        # cut-off 72 h -> Thu 09:00 -> 12:00 sailing -> Thu 22:00; import 48 + 1 h -> Sat 23:00
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
def pharma_network(*, drug_port: bool, reach_drug_port: bool = True) -> Network:
    """An EU port O ships to two CN ports, A (cheap, quick) and W (a designated drug-import port
    when ``drug_port``); a drug importer off the white list needs 24 h more at W for the
    进口药品通关单 and the port drug test (``drug_permit_h``)."""
    b = NetworkBuilder()
    b.add_node(
        "O",
        4.05,
        51.95,
        kind=SEAPORT,
        jurisdiction="EU",
        operations={EC, EXIT},
        export_clearance_h=1,
    )
    b.add_node(
        "A",
        114.12,
        22.34,
        kind=SEAPORT,
        operations={ENTRY, IC},
        import_clearance_h=2,
    )
    b.add_node(
        "W",
        114.20,
        22.30,
        kind=SEAPORT,
        operations={ENTRY, IC} | ({CustomsOp.DRUG_PORT} if drug_port else set()),
        import_clearance_h=2,
        drug_permit_h=24,
    )
    b.add_node("C", 114.17, 22.32)
    b.add_link("oa", "O", "A", Mode.FEEDER, transit_h=5, regime=INTL, tariffs=cny(500))
    b.add_link("ow", "O", "W", Mode.FEEDER, transit_h=8, regime=INTL, tariffs=cny(900))
    b.add_link("ac", "A", "C", Mode.TRUCK, transit_h=1, tariffs=cny(200))
    if reach_drug_port:
        b.add_link("wc", "W", "C", Mode.TRUCK, transit_h=2, tariffs=cny(300))
    return b.build()


PHARMA = Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.PHARMA)


def test_general_cargo_takes_the_cheapest_entry() -> None:
    # export 1 h -> 09:00; oa 09:00 -> 14:00; import 2 h -> 16:00; ac -> 17:00; 700 CNY
    search, routes = solve(pharma_network(drug_port=True), make_request("O", "C"))
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["oa", "ac"], at("2025-06-02 17:00"), 70_000)
    ]


@pytest.mark.parametrize(
    ("whitelisted", "expected"),
    [
        # export 1 h -> 09:00; ow 09:00 -> 17:00; import at W 2 h -> 19:00; wc -> 21:00
        (True, "2025-06-02 21:00"),
        # off the white list: import at W 2 + 24 h -> Tue 19:00; wc -> Tue 21:00
        (False, "2025-06-03 21:00"),
    ],
)
def test_pharma_enters_only_through_a_drug_port(whitelisted: bool, expected: str) -> None:
    # CN has a designated drug-import port (W): pharma is imported only there, never at the
    # cheaper A; 900 + 300 = 1,200 CNY either way
    request = make_request(
        "O", "C", cargo=PHARMA, trader=TraderProfile(drug_whitelisted=whitelisted)
    )
    search, routes = solve(pharma_network(drug_port=True), request)
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["ow", "wc"], at(expected), 120_000)
    ]
    assert customs_ops(search, routes[0])[1] == ("W", "import_clearance", "in_transit", "free")


def test_pharma_in_a_territory_without_drug_ports_clears_at_the_cheapest_entry() -> None:
    # No node of CN is a designated drug-import port here, so the drug-port rule does not
    # apply: pharma takes the cheapest entry like general cargo (A: 17:00, 700 CNY). v1 read the
    # seed's drug white list as a port gate and found no route (issue 9, item 10).
    request = make_request("O", "C", cargo=PHARMA)
    search, routes = solve(pharma_network(drug_port=False), request)
    assert [(link_ids(r), arrival(search, r), r.cost_fen) for r in routes] == [
        (["oa", "ac"], at("2025-06-02 17:00"), 70_000)
    ]


def test_pharma_with_its_drug_port_out_of_reach_is_no_route_with_reason() -> None:
    doc = quote(
        pharma_network(drug_port=True, reach_drug_port=False), make_request("O", "C", cargo=PHARMA)
    )
    assert doc["status"] == "no_route"
    assert len(doc["reasons"]) == 1
    assert doc["reasons"][0].startswith(
        "pharma is imported only through a designated drug-import port; none reachable"
    ), doc["reasons"]


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


# ------------------------------------------------------------- dated closures
def closed_border_rail_network() -> Network:
    """A weekly train (Monday 10:00) passing the border crossing MAL, closed to rail from
    Tuesday 10 June 2025."""
    b = NetworkBuilder()
    b.add_node("PHS", 0.0, 0.0, kind=NodeKind.RAIL_TERMINAL, operations={EC, EXIT, SUP})
    b.add_node(
        "MAL",
        8.0,
        0.0,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="EU",
        operations={CustomsOp.TRANSIT_BORDER},
        closed_modes=frozenset({Mode.RAIL}),
        closed_since=date(2025, 6, 10),
    )
    b.add_node(
        "DUI", 10.0, 0.0, kind=NodeKind.RAIL_TERMINAL, jurisdiction="EU", operations={ENTRY, IC}
    )
    b.add_link(
        "train",
        "PHS",
        "DUI",
        Mode.RAIL,
        transit_h=100,
        regime=INTL,
        via=("MAL",),
        weekly=((0, 600),),
    )
    return b.build()


@pytest.mark.parametrize(
    ("ready", "departure"),
    [
        ("2025-06-02 08:00", "2025-06-02 10:00"),  # before the closure date
        ("2025-06-03 08:00", "2025-06-09 10:00"),  # the last train before it
        ("2025-06-10 08:00", None),  # from the date on, no train passes MAL
    ],
)
def test_dated_closure_of_a_border_usable_before_its_date(
    ready: str, departure: str | None
) -> None:
    search, routes = solve(
        closed_border_rail_network(), make_request("PHS", "DUI", ready=at(ready))
    )
    assert [clock(search, legs(r)[0].start_min) for r in routes] == (
        [at(departure)] if departure else []
    )


# ------------------------------------------------------------- yard cut-off, not a detour
def yard_network() -> Network:
    """Factory F 1 h from the port P (yard cut-off 24 h before a sailing) or 3 h (107 km) from
    the Combined Port feeder Z, whose barge cargo needs only 12 h at P; sailing Wednesday
    10:00."""
    b = NetworkBuilder()
    b.add_node("F", 114.20, 22.62)
    b.add_node(
        "P",
        114.27,
        22.57,
        kind=SEAPORT,
        operations={EC, EXIT, SUP},
        export_clearance_h=2,
        dwell_export_h=24,
        dwell_combined_h=12,
        free_storage_h=72,
    )
    b.add_node(
        "Z",
        113.38,
        22.52,
        kind=NodeKind.RIVER_TERMINAL,
        operations={EC, CustomsOp.COMBINED_PORT, SUP},
        combined_port_hub="P",
        export_clearance_h=2,
    )
    b.add_node("R", 4.05, 51.95, kind=SEAPORT, jurisdiction="EU", operations={ENTRY, IC})
    b.add_link("f-p", "F", "P", Mode.TRUCK, transit_h=1, distance_km=10, tariffs=cny(300))
    b.add_link("f-z", "F", "Z", Mode.TRUCK, transit_h=3, distance_km=107, tariffs=cny(400))
    b.add_link(
        "z-p",
        "Z",
        "P",
        Mode.BARGE,
        transit_h=8,
        regime=SUPERVISED,
        headway_h=12,
        distance_km=110,
        tariffs=cny(300),
    )
    b.add_link(
        "ocean",
        "P",
        "R",
        Mode.DEEPSEA,
        transit_h=720,
        regime=INTL,
        weekly=((2, 600),),
        distance_km=18_000,
        tariffs=cny(8_000),
    )
    return b.build()


@pytest.mark.parametrize(
    ("ready", "sailing"),
    [
        # F -> P 09:00, export 2 h -> 11:00; at the yard 24 h before the Wednesday 10:00
        # sailing (cut-off Tue 10:00 -> ready Tue 11:00 is in time for Wed 4 Jun 10:00)
        ("2025-06-02 08:00", "2025-06-04 10:00"),
        # ready Tue 08:00: at P 09:00, cleared 11:00, in the yard from then: Wed 11:00 is after
        # Wednesday's cut-off -> next Wednesday. The detour via Z (barge Wed 00:00 -> 08:00 at
        # P + 12 h -> 20:00) makes no earlier sailing either.
        ("2025-06-03 08:00", "2025-06-11 10:00"),
    ],
)
def test_yard_cut_off_before_the_sailing_not_a_detour_via_another_port(
    ready: str, sailing: str
) -> None:
    # the detour F -> Z -> barge -> P reaches the same sailing for 400 + 300 CNY instead of
    # 300: dominated (v1's 88 h minimum stay made such zig-zags the fastest: issue 9, item 12)
    search, routes = solve(yard_network(), make_request("F", "R", ready=at(ready)))
    (route,) = routes
    assert link_ids(route) == ["f-p", "ocean"]
    ocean = legs(route)[1]
    assert clock(search, ocean.start_min) == at(sailing)
    assert (ocean.dwell_min, ocean.dwell_basis) == (24 * 60, "export")
    assert route.cost_fen == 830_000  # 300 + 8,000 CNY
    doc = quote(yard_network(), make_request("F", "R", ready=at(ready)))
    assert [a["legs"][1]["departure"] for a in doc["alternatives"]] == [at(sailing).isoformat()]
