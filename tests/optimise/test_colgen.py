"""Column generation for the batch assignment: known optima, an independent solver (HiGHS via
scipy) over explicitly enumerated paths, the bound, the candidate method's miss, minimum loads.

Also the published Powerco transportation problem (Winston) as an assignment from depots.

The feeder network ``A -> X -> B`` (domestic, no fees, value of time 5 CNY per TEU-hour,
carbon price 0):

* ``TRUCK_AB``: A -> B any time, 10 h, 10 km, CNY 1,000 per 20';
* ``RAIL_AX``: A -> X Mondays 10:00, 20 h, 500 km, CNY 900 per 20';
* ``RAIL_XB``: X -> B Tuesdays 10:00, 20 h, CNY 300 per 20', 40 TEU; in the tests it only runs
  with 20 TEU on board (an on/off minimum load, every week);
* ``TRUCK_XB``: X -> B any time, 10 h, CNY 2,000 per 20'.

Shipment S (10 x 20' at A, ready Monday 08:00): by truck 10 x 1,000 + 50 x 10 h = 10,500; by
rail over X (Monday 10:00 -> Tuesday 06:00 -> Tuesday 10:00 -> Wednesday 06:00, 46 h)
10 x 1,200 + 50 x 46 = 14,300, slower, dearer, with a transfer and more CO2e: for S alone the
rail path is dominated in every criterion. Shipment T (10 x 20' at X, ready Monday 08:00): rail
10 x 300 + 50 x 46 = 5,300; truck 10 x 2,000 + 50 x 10 = 20,500. The train needs 20 TEU, so
either both ride it (14,300 + 5,300 = 19,600, the optimum) or neither (10,500 + 20,500 =
31,000). The candidate method never sees the rail path for S and returns 31,000.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from optimise_testkit import MON_RAIL, READY, TUE_BARGE, shipment, two_mode_network
from scipy.optimize import Bounds, LinearConstraint, milp

from router.errors import InvalidRecordsError, InvalidRequestError
from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import Mode, Network, NodeKind
from router.optimise.assign import (
    AssignmentOptions,
    MinLoad,
    SharedBoxes,
    Shipment,
    assign_shipments,
)
from router.optimise.candidates import DepartureSpace, make_candidate
from router.routing.compiled import compile_network
from router.routing.reduced_cost import build_priced_search
from router.routing.request import Cargo, PlaceRef, Preferences, QuoteRequest
from router.units import CST

TUE_TRAIN = datetime(2025, 3, 4, 10, 0, tzinfo=CST)
CG = AssignmentOptions(time_limit_s=20.0, seed=0)
CANDIDATES = AssignmentOptions(time_limit_s=20.0, seed=0, method="candidates")


def feeder_network() -> Network:
    b = NetworkBuilder("feeder")
    b.add_node("A", 114.0, 22.6, kind=NodeKind.SEAPORT)
    b.add_node("X", 113.6, 22.8, kind=NodeKind.SEAPORT)
    b.add_node("B", 113.3, 23.1, kind=NodeKind.SEAPORT)
    b.add_link("TRUCK_AB", "A", "B", Mode.TRUCK, transit_h=10, distance_km=10.0,
               tariffs=container_tariffs(1000.0))  # fmt: skip
    b.add_link("RAIL_AX", "A", "X", Mode.RAIL, transit_h=20, distance_km=500.0,
               weekly=((0, 600),), tariffs=container_tariffs(900.0))  # fmt: skip
    b.add_link("RAIL_XB", "X", "B", Mode.RAIL, transit_h=20, weekly=((1, 600),),
               tariffs=container_tariffs(300.0), capacity_teu=40.0)  # fmt: skip
    b.add_link("TRUCK_XB", "X", "B", Mode.TRUCK, transit_h=10, distance_km=10.0,
               tariffs=container_tariffs(2000.0))  # fmt: skip
    for node in ("A", "X", "B"):
        for unit in ("20", "40", "40HC"):
            b.add_fee(node, "thc", unit, 0.0)
    return b.build()


def ship(sid: str, origin: str, n20: int) -> Shipment:
    cargo = Cargo(containers=(("22G1", n20),))
    return Shipment(
        sid,
        QuoteRequest(
            origin=PlaceRef(origin),
            destination=PlaceRef("B"),
            cargo=cargo,
            ready=READY,
            preferences=Preferences(value_of_time_cny_per_h=5.0 * n20, carbon_price_cny_per_t=0.0),
        ),
    )


TRAIN_NEEDS_20 = MinLoad("RAIL_XB", None, min_teu=20)  # every departure


@pytest.fixture(scope="module")
def feeder():
    return compile_network(feeder_network())


def test_column_generation_finds_the_path_no_shipment_would_choose(feeder):
    ships = [ship("S", "A", 10), ship("T", "X", 10)]
    result = assign_shipments(feeder, ships, min_loads=[TRAIN_NEEDS_20], options=CG)
    assert result.info.status.value == "optimal"
    assert result.info.objective == pytest.approx(19_600.0)
    assert result.info.best_bound == pytest.approx(19_600.0)
    links = {a.shipment_id: [k[0] for k in a.candidate.departures] for a in result.assignments}
    assert links == {"S": ["RAIL_AX", "RAIL_XB"], "T": ["RAIL_XB"]}
    assert result.info.details["columns_generated"] >= 3
    assert result.info.details["pricing_rounds"] >= 2


def test_the_candidate_method_misses_it_and_does_not_claim_optimality(feeder):
    ships = [ship("S", "A", 10), ship("T", "X", 10)]
    result = assign_shipments(feeder, ships, min_loads=[TRAIN_NEEDS_20], options=CANDIDATES)
    assert result.info.objective == pytest.approx(31_000.0)  # 58 % above the optimum
    assert result.info.status.value == "feasible" and result.info.best_bound is None
    assert "candidate paths only" in result.info.reasons[0]


def _enumerate(cn, s: Shipment, space: DepartureSpace, limit_fen: float):
    """Every path of ``s`` with generalised cost below ``limit_fen`` (no dominance)."""
    ps = build_priced_search(cn, s.request, space.callback(), horizon_min=None)
    ps.horizon_min = ps.ready_min + 60 * 24 * 60
    out = ps.priced_paths({}, limit_fen, max_paths=5000, every_path=True)
    assert out.complete
    return [make_candidate(ps, p.route, space) for p in out.paths]


def _highs_optimum(cn, ships, rules, penalty_cny):
    """The assignment's optimum by HiGHS (scipy.optimize.milp) over every path cheaper than
    the penalty, enumerated without dominance: an independent model of the same problem."""
    space = DepartureSpace(cn.network)
    cols = []  # (shipment index, cost CNY, departures)
    for i, s in enumerate(ships):
        for c in _enumerate(cn, s, space, penalty_cny * 100.0):
            cols.append((i, round(c.generalised_cost_cny * 100.0) / 100.0, c.departures))
    deps = sorted(
        {k for _, _, d in cols for k in d}
        | {(r.link_id, r.departure) for r in rules if r.departure is not None}
    )
    n_x, n_s, n_d = len(cols), len(ships), len(deps)
    # variables: x (columns), u (unassigned), z (departure runs)
    n = n_x + n_s + n_d
    cost = np.array([c for _, c, _ in cols] + [penalty_cny] * n_s + [0.0] * n_d)
    rows, lo, hi = [], [], []
    for i in range(n_s):  # each shipment once
        row = np.zeros(n)
        for j, (si, _, _) in enumerate(cols):
            row[j] = 1.0 if si == i else 0.0
        row[n_x + i] = 1.0
        rows.append(row), lo.append(1.0), hi.append(1.0)
    for d, key in enumerate(deps):
        cap = space.remaining(*key)
        need = [ships[si].request.cargo.space_teu if key in k else 0.0 for si, _, k in cols]
        rule = next((r for r in rules if r.applies(key)), None)
        row = np.zeros(n)
        row[:n_x] = need
        if rule is not None:
            row[n_x + n_s + d] = -(cap or 1e6)  # load <= cap * z
            rows.append(row), lo.append(-np.inf), hi.append(0.0)
            row2 = np.zeros(n)
            row2[:n_x] = need
            row2[n_x + n_s + d] = -rule.min_teu  # load >= min * z
            rows.append(row2), lo.append(0.0), hi.append(np.inf)
        elif cap is not None:
            rows.append(row), lo.append(-np.inf), hi.append(cap)
    res = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    assert res.success
    return res.fun


def test_an_independent_solver_over_every_path_agrees(feeder):
    ships = [ship("S", "A", 10), ship("T", "X", 10)]
    optimum = _highs_optimum(feeder, ships, [TRAIN_NEEDS_20], penalty_cny=50_000.0)
    assert optimum == pytest.approx(19_600.0)
    result = assign_shipments(feeder, ships, min_loads=[TRAIN_NEEDS_20], options=CG)
    assert result.info.objective == pytest.approx(optimum)
    assert result.info.best_bound <= optimum + 1e-6


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_batches_on_the_two_mode_network_agree_with_highs(seed):
    rng = np.random.default_rng(seed)
    net = two_mode_network(truck=True, rail_teu=float(rng.integers(10, 40)))
    cn = compile_network(net)
    ships = [shipment(f"S{i}", int(rng.integers(2, 15)), penalty=50_000.0) for i in range(5)]
    rules = [MinLoad("RAIL", MON_RAIL, min_teu=float(rng.integers(5, 25)))]
    optimum = _highs_optimum(cn, ships, rules, penalty_cny=50_000.0)
    result = assign_shipments(cn, ships, min_loads=rules, options=CG)
    bound = result.info.best_bound
    assert bound is not None and bound <= optimum + 0.01  # the bound never exceeds the optimum
    assert result.info.objective >= optimum - 0.01
    if result.info.status.value == "optimal":
        assert result.info.objective == pytest.approx(optimum, abs=0.01)
        assert result.info.gap == 0.0
    else:
        assert result.info.gap > 0


def test_hard_and_on_off_minimum_loads_differ():
    cn = compile_network(two_mode_network(truck=True))
    eight = [shipment("S", 8)]
    on_off = assign_shipments(
        cn, eight, min_loads=[MinLoad("RAIL", MON_RAIL, min_teu=10)], options=CG
    )
    assert on_off.assignment("S").candidate.departures[0] == ("BARGE", TUE_BARGE)
    assert not on_off.departure("RAIL", MON_RAIL).runs
    # hard: the Monday train must carry 8 TEU, so the shipment rides it
    hard = MinLoad("RAIL", MON_RAIL, min_teu=8, hard=True)
    forced = assign_shipments(cn, [shipment("S", 8)], min_loads=[hard], options=CG)
    assert forced.info.status.value == "optimal"
    assert forced.assignment("S").candidate.departures[0] == ("RAIL", MON_RAIL)
    # hard and out of reach: proved infeasible (phase one over every path)
    hard10 = MinLoad("RAIL", MON_RAIL, min_teu=10, hard=True)
    none = assign_shipments(cn, eight, min_loads=[hard10], options=CG)
    assert none.info.status.value == "infeasible"
    assert any("cannot be met by any plan" in r for r in none.info.reasons)


def test_same_seed_same_answer(feeder):
    ships = [ship("S", "A", 10), ship("T", "X", 10)]
    one = assign_shipments(feeder, ships, min_loads=[TRAIN_NEEDS_20], options=CG).to_dict()
    two = assign_shipments(feeder, ships, min_loads=[TRAIN_NEEDS_20], options=CG).to_dict()
    for doc in (one, two):
        doc["solve"].pop("wall_time_s")
    assert one == two


def depots_network() -> Network:
    """Two depots D1 and D2 trucking to B: CNY 1,000 and 1,500 per 20', 10 h each."""
    b = NetworkBuilder("depots")
    b.add_node("D1", 114.0, 22.6, kind=NodeKind.SEAPORT)
    b.add_node("D2", 113.9, 22.7, kind=NodeKind.SEAPORT)
    b.add_node("B", 113.3, 23.1, kind=NodeKind.SEAPORT)
    b.add_link("T1", "D1", "B", Mode.TRUCK, transit_h=10, tariffs=container_tariffs(1000.0))
    b.add_link("T2", "D2", "B", Mode.TRUCK, transit_h=10, tariffs=container_tariffs(1500.0))
    return b.build()


def from_depots(sid: str) -> Shipment:
    s = ship(sid, "D1", 10)
    return Shipment(sid, s.request, origins=("D1", "D2"), unassigned_penalty_cny=100_000.0)


def test_several_origins_with_stock_limits():
    cn = compile_network(depots_network())
    ships = [from_depots("S1"), from_depots("S2")]
    # unlimited stock: both from the cheaper depot, 2 x (10 x 1,000 + 50 x 10 h)
    free = assign_shipments(cn, ships, options=CG)
    assert free.info.objective == pytest.approx(21_000.0)
    # D1 holds 10 TEU: one shipment leaves from D2 (10 x 1,500 + 500)
    limited = assign_shipments(cn, ships, supplies={"D1": 10.0, "D2": 20.0}, options=CG)
    assert limited.info.status.value == "optimal"
    assert limited.info.objective == pytest.approx(10_500.0 + 15_500.0)
    firsts = sorted(a.candidate.route.steps[0].node for a in limited.assignments)
    assert [cn.nodes[i].id for i in firsts] == ["D1", "D2"]
    # 10 TEU of stock in all: one shipment stays behind at its penalty
    short = assign_shipments(cn, ships, supplies={"D1": 10.0, "D2": 0.0}, options=CG)
    assert short.info.status.value == "optimal"
    assert short.info.objective == pytest.approx(10_500.0 + 100_000.0)
    assert sorted(a.status for a in short.assignments) == ["assigned", "unassigned"]


def test_unknown_depot_and_method_errors():
    cn = compile_network(depots_network())
    with pytest.raises(InvalidRecordsError) as err:
        assign_shipments(cn, [from_depots("S1")], supplies={"NOPE": 5.0}, options=CG)
    assert "supplies.NOPE" in str(err.value.problems)
    with pytest.raises(InvalidRequestError):
        assign_shipments(cn, [from_depots("S1")], options=CANDIDATES)


# ---------------------------------------------------------------- a published instance
#: Powerco (W. L. Winston, *Operations Research: Applications and Algorithms*, 4th ed., 2004,
#: §7.1 Example 1): three power plants supply 35, 50 and 40 million kWh, four cities need 45,
#: 20, 30 and 30; the cost of sending one million kWh from plant i to city j is COSTS[i][j] (USD).
#: Published optimum: USD 1,020 (x12 = 10, x13 = 25, x21 = 45, x23 = 5, x32 = 10, x34 = 30).
POWERCO_SUPPLY = {"P1": 35.0, "P2": 50.0, "P3": 40.0}
POWERCO_DEMAND = {"C1": 45, "C2": 20, "C3": 30, "C4": 30}
POWERCO_COSTS = {
    "P1": {"C1": 8, "C2": 6, "C3": 10, "C4": 9},
    "P2": {"C1": 9, "C2": 12, "C3": 13, "C4": 7},
    "P3": {"C1": 14, "C2": 9, "C3": 16, "C4": 5},
}
POWERCO_OPTIMUM = 1_020.0


def powerco_network() -> Network:
    """Plants and cities as depots and destinations; one truck link per pair whose price per
    20' box is the unit cost (one box = one million kWh), no fees, value of time 0."""
    b = NetworkBuilder("powerco")
    for k, node in enumerate([*POWERCO_SUPPLY, *POWERCO_DEMAND]):
        b.add_node(node, 113.0 + 0.1 * k, 22.5 + 0.05 * k, kind=NodeKind.SEAPORT)
    for plant, row in POWERCO_COSTS.items():
        for city, unit in row.items():
            b.add_link(f"{plant}-{city}", plant, city, Mode.TRUCK, transit_h=1,
                       tariffs=container_tariffs(float(unit)))  # fmt: skip
    return b.build()


def test_the_published_powerco_optimum():
    """Each city's demand in lots of 5 (every flow of the published optimum is a multiple of
    5, so lots lose nothing); each lot may come from any plant within its supply."""
    cn = compile_network(powerco_network())
    lots = []
    for city, demand in POWERCO_DEMAND.items():
        for k in range(demand // 5):
            request = QuoteRequest(
                origin=PlaceRef("P1"),
                destination=PlaceRef(city),
                cargo=Cargo(containers=(("22G1", 5),)),
                ready=READY,
                preferences=Preferences(value_of_time_cny_per_h=0.0, carbon_price_cny_per_t=0.0),
            )
            lots.append(Shipment(f"{city}-{k}", request, origins=tuple(POWERCO_SUPPLY)))
    result = assign_shipments(cn, lots, supplies=POWERCO_SUPPLY, options=CG)
    assert result.info.status.value == "optimal"
    assert result.info.objective == pytest.approx(POWERCO_OPTIMUM)
    assert result.info.best_bound <= POWERCO_OPTIMUM + 1e-6
    flows: dict[tuple[str, str], int] = {}
    for a in result.assignments:
        plant = cn.nodes[a.candidate.route.steps[0].node].id
        city = a.shipment_id.split("-")[0]
        flows[plant, city] = flows.get((plant, city), 0) + 5
    for plant, stock in POWERCO_SUPPLY.items():
        assert sum(v for (p, _), v in flows.items() if p == plant) <= stock


# ------------------------------------------------------------------- shared LCL boxes
def lcl(sid: str, m3: float, tonnes: float) -> Shipment:
    """Loose cargo A -> B on the two-mode network, value of time and carbon price 0."""
    return Shipment(
        sid,
        QuoteRequest(
            origin=PlaceRef("A"),
            destination=PlaceRef("B"),
            cargo=Cargo(weight_kg=tonnes * 1000.0, volume_m3=m3),
            ready=READY,
            preferences=Preferences(value_of_time_cny_per_h=0.0, carbon_price_cny_per_t=0.0),
        ),
    )


def test_lcl_shipments_share_boxes_when_it_pays():
    """Value of time 0: as LCL the barge is cheapest (CNY 80 per revenue tonne: 30 m3 pay
    2,400 each, 4,800 together); the rail takes LCL at 100 per revenue tonne or a whole 40'
    high cube at 1,900 (68 m3, 26.6 t). Sharing one box on the rail: 1,900 for both. A single
    10 m3 lot pays 800 on the barge, less than a box."""
    cn = compile_network(two_mode_network(truck=True))
    pair = [lcl("L1", 30.0, 5.0), lcl("L2", 30.0, 5.0)]
    alone = assign_shipments(cn, pair, options=CG)
    assert alone.info.objective == pytest.approx(4_800.0)
    shared = assign_shipments(cn, pair, shared_boxes=[SharedBoxes("RAIL")], options=CG)
    assert shared.info.status.value == "optimal"
    assert shared.info.objective == pytest.approx(1_900.0)
    assert shared.total_cost_cny == pytest.approx(shared.info.objective)
    for a in shared.assignments:
        assert a.shared_boxes == (("RAIL", MON_RAIL),) and a.freight_shared_cny == 3_000.0
    rail = shared.departure("RAIL", MON_RAIL)
    assert rail.shared_boxes == 1 and rail.box_type == "45G1" and rail.box_cost_cny == 1_900.0
    assert rail.load == 2.0  # the box's space, not the loose cargo's
    # three lots of 30 m3 need two boxes (68 m3 each): 3,800 against 7,200 on the barge
    trio = [*pair, lcl("L3", 30.0, 5.0)]
    three = assign_shipments(cn, trio, shared_boxes=[SharedBoxes("RAIL")], options=CG)
    assert three.info.objective == pytest.approx(3_800.0)
    assert three.departure("RAIL", MON_RAIL).shared_boxes == 2
    small = [lcl("S", 10.0, 2.0)]
    one = assign_shipments(cn, small, shared_boxes=[SharedBoxes("RAIL")], options=CG)
    assert not one.assignments[0].shared_boxes
    assert one.info.objective == pytest.approx(800.0)


def test_shared_boxes_only_on_vessels_barges_and_trains():
    cn = compile_network(two_mode_network(truck=True))
    with pytest.raises(InvalidRecordsError) as err:
        assign_shipments(cn, [lcl("L", 5.0, 1.0)], shared_boxes=[SharedBoxes("TRUCK")], options=CG)
    assert "shared_boxes.0.link_id" in str(err.value.problems)


def test_departures_without_a_timetable_have_no_space_or_minimum_of_their_own():
    """A truck leaves whenever the cargo is ready: space or a minimum load per truck minute
    is refused (the search could not compare two arrivals fairly across such minutes)."""
    cn = compile_network(two_mode_network(truck=True))
    when = READY.replace(hour=9)
    with pytest.raises(InvalidRecordsError) as err:
        assign_shipments(cn, [shipment("S", 2)], capacities={("TRUCK", when): 1.0}, options=CG)
    assert "capacities.0.link_id" in str(err.value.problems)
    with pytest.raises(InvalidRecordsError):
        assign_shipments(cn, [shipment("S", 2)], min_loads=[MinLoad("TRUCK", None, 5)], options=CG)


def test_bad_shipment_inputs_are_refused():
    with pytest.raises(InvalidRequestError):
        shipment("S", 2, penalty=-1.0)
    s = from_depots("S1")
    with pytest.raises(InvalidRequestError):
        Shipment("S2", s.request, origins=("D1", "D1"))


def test_columns_carry_the_whole_price_of_their_path(bundled_dir):
    """A column costs what a quote of the same path costs: storage while waiting, transfer
    costs and ad-valorem charges (cargo insurance on the declared value) included."""
    from router.network import load_network
    from router.routing.itinerary import generalised_cost_cny

    cn = compile_network(load_network(bundled_dir))
    request = QuoteRequest(
        origin=PlaceRef("SZ-PINGHU-RAIL"),
        destination=PlaceRef("DEDUI"),
        cargo=Cargo(containers=(("42G1", 2),), value_cny=2_000_000.0),
        ready=READY,
    )
    result = assign_shipments(cn, [Shipment("V", request)], options=CG)
    (a,) = result.assignments
    route, search = a.candidate.route, a.search
    charges = [s for s in route.steps if s.kind == "charge"]
    assert charges and charges[0].charge_fen > 0  # insurance on the declared value
    assert any(s.transfer_fen for s in route.steps)  # a change of vehicle on the way
    assert a.candidate.generalised_cost_cny == pytest.approx(
        generalised_cost_cny(route, request, search.ready_min)
    )
    assert result.info.objective == pytest.approx(a.candidate.generalised_cost_cny, abs=0.01)
