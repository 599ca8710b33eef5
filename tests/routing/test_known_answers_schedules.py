"""Known answers of the quote search on tiny hand-built networks: timetables, opening hours,
deadlines, request constraints, lon/lat places and departure capacity.

Expected values are computed by hand in the comments as in test_known_answers.py. Cargo: one 20'
dry box, 12.2 t hauled (see routing_testkit). 2025-06-02 is a Monday.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from routing_testkit import (
    arrival,
    at,
    clock,
    cny,
    legs,
    link_ids,
    make_request,
    quote,
    solve,
)

from router.errors import InvalidRequestError, NotFoundError
from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import (
    CustomsOp,
    Mode,
    Network,
    NodeKind,
    Regime,
)
from router.quotes.document import build_search
from router.routing.compiled import compile_network
from router.routing.request import PlaceRef

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
EXIT = CustomsOp.EXIT
ENTRY = CustomsOp.ENTRY
SEAPORT = NodeKind.SEAPORT
INTL = Regime.INTERNATIONAL


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
    # asked once per departure by each implementation (solve runs the other one too)
    assert calls == 2 * [("f", at("2025-06-04 10:00")), ("f", at("2025-06-11 10:00"))]


def test_every_departure_full_is_no_route_with_reason() -> None:
    from router.quotes.document import no_route_reasons

    net = feeder_network(weekly=((2, 600),))
    request = make_request("O", "D")
    assert solve(net, request, lambda link_id, departure: 0.0)[1] == []
    assert no_route_reasons(compile_network(net), request, lambda link_id, departure: 0.0) == [
        "every feasible departure is fully booked for this cargo in the search horizon"
    ]
