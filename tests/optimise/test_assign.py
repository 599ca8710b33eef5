"""Batch assignment: known optima, minimum-load departures, kept bookings, duals, invariants."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from optimise_testkit import (
    BARGE_GC,
    MON_RAIL,
    RAIL_GC,
    THU_RAIL,
    TRUCK_GC,
    TUE_BARGE,
    shipment,
    two_mode_network,
)

from router.errors import InvalidRequestError
from router.optimise.assign import AssignmentOptions, MinLoad, assign_shipments
from router.quotes.document import alternative_document
from router.routing.compiled import compile_network
from router.units import CST
from router.verify.legality import check_alternative

FAST = AssignmentOptions(time_limit_s=5.0, seed=0)


@pytest.fixture(scope="module")
def net():
    return two_mode_network(truck=True)


def _first(a) -> tuple[str, datetime] | None:
    return a.candidate.departures[0] if a.candidate else None


def test_the_rail_goes_to_the_shipments_that_fill_it(net):
    # rail saves 160 per TEU over the barge: fill its 40 TEU with S2 (30) + S3 (10), S1 on barge
    ships = [shipment("S1", 20), shipment("S2", 30), shipment("S3", 10)]
    result = assign_shipments(compile_network(net), ships, options=FAST)
    assert result.info.status.value == "optimal"
    got = {a.shipment_id: _first(a) for a in result.assignments}
    assert got == {"S1": ("BARGE", TUE_BARGE), "S2": ("RAIL", MON_RAIL), "S3": ("RAIL", MON_RAIL)}
    assert result.info.objective == pytest.approx(40 * RAIL_GC + 20 * BARGE_GC)
    assert result.total_cost_cny == pytest.approx(71_000)
    rail = result.departure("RAIL", MON_RAIL)
    assert rail is not None and rail.load == 40 and rail.utilisation == 1.0 and rail.binding
    # LP dual of the rail capacity: one more TEU of space moves one barge TEU to rail
    assert rail.shadow_price_cny == pytest.approx(BARGE_GC - RAIL_GC)  # 160 CNY per TEU
    barge = result.departure("BARGE", TUE_BARGE)
    assert barge is not None and barge.load == 20 and not barge.binding
    assert barge.shadow_price_cny == pytest.approx(0.0)
    assert rail.to_dict()["shadow_price_cny_per_unit"] == pytest.approx(160.0)
    assert barge.to_dict()["shadow_price_cny_per_unit"] is None


def test_value_of_space_only_where_the_capacity_binds_in_the_plan(net):
    # 30 + 20 TEU for 40 TEU of Monday rail: the plan puts S1 (30) on rail and S2 on the barge,
    # leaving 10 TEU unused. The LP relaxation fills them with half of S2 and prices the space at
    # 160 CNY/TEU, but one more TEU cannot move a whole shipment: no value of space is reported.
    result = assign_shipments(
        compile_network(net), [shipment("S1", 30), shipment("S2", 20)], options=FAST
    )
    got = {a.shipment_id: _first(a) for a in result.assignments}
    assert got == {"S1": ("RAIL", MON_RAIL), "S2": ("BARGE", TUE_BARGE)}
    rail = result.departure("RAIL", MON_RAIL)
    assert rail is not None and rail.load == 30 and not rail.binding
    assert rail.shadow_price_cny == pytest.approx(BARGE_GC - RAIL_GC)  # the LP dual
    assert rail.value_of_space_cny is None
    assert rail.to_dict()["shadow_price_cny_per_unit"] is None


@pytest.mark.parametrize(
    ("teu", "fixed_cost", "runs"),
    [
        (8, 0.0, False),  # below the 10 TEU minimum: the train cannot run
        (12, 0.0, True),  # enough and free to run: rail (1,130/TEU) beats barge (1,290)
        (12, 5_000.0, False),  # 12 x 1,130 + 5,000 = 18,560 > 12 x 1,290 = 15,480: cancel
        (12, 1_000.0, True),  # 13,560 + 1,000 = 14,560 < 15,480: run
    ],
)
def test_minimum_lot_departure_runs_or_is_cancelled(net, teu, fixed_cost, runs):
    rule = MinLoad("RAIL", MON_RAIL, min_teu=10, fixed_cost_cny=fixed_cost)
    result = assign_shipments(
        compile_network(net), [shipment("S", teu)], min_loads=[rule], options=FAST
    )
    a = result.assignment("S")
    assert a.status == "assigned"
    assert _first(a) == (("RAIL", MON_RAIL) if runs else ("BARGE", TUE_BARGE))
    rail = result.departure("RAIL", MON_RAIL)
    assert rail is not None and rail.runs is runs
    assert rail.load == (teu if runs else 0)
    expected = teu * RAIL_GC + fixed_cost if runs else teu * BARGE_GC
    assert result.info.objective == pytest.approx(expected)


def test_minimum_load_in_tonnes(net):
    # 2 x 20' at 4 t cargo + 2.2 t tare = 12.4 t gross: below a 15 t minimum, so no train
    small = shipment("S", 2, weight_kg=8_000)
    rule = MinLoad("RAIL", None, min_t=15.0)
    result = assign_shipments(compile_network(net), [small], min_loads=[rule], options=FAST)
    assert _first(result.assignment("S")) == ("BARGE", TUE_BARGE)
    big = shipment("S", 2, weight_kg=20_000)  # 24.4 t: runs
    result = assign_shipments(compile_network(net), [big], min_loads=[rule], options=FAST)
    assert _first(result.assignment("S")) == ("RAIL", MON_RAIL)


def test_two_small_shipments_together_make_the_minimum(net):
    rule = MinLoad("RAIL", MON_RAIL, min_teu=10)
    alone = assign_shipments(
        compile_network(net), [shipment("S1", 6)], min_loads=[rule], options=FAST
    )
    assert _first(alone.assignment("S1")) == ("BARGE", TUE_BARGE)
    both = assign_shipments(
        compile_network(net), [shipment("S1", 6), shipment("S2", 6)], min_loads=[rule], options=FAST
    )
    assert {_first(a) for a in both.assignments} == {("RAIL", MON_RAIL)}
    assert both.departure("RAIL", MON_RAIL).load == 12


def test_kept_bookings_are_fixed_or_reoptimised(net):
    booked = (("RAIL", MON_RAIL),)
    ships = [shipment("OLD", 30, booked=booked), shipment("NEW", 35)]
    kept = assign_shipments(compile_network(net), ships, options=FAST)
    assert kept.assignment("OLD").status == "fixed"
    assert _first(kept.assignment("NEW")) == ("BARGE", TUE_BARGE)
    assert kept.departure("RAIL", MON_RAIL).fixed_load == 30
    free = assign_shipments(
        compile_network(net),
        ships,
        options=AssignmentOptions(time_limit_s=5.0, keep_existing=False),
    )
    # re-optimised: the 35 TEU shipment takes the rail, the old booking moves to the barge
    assert _first(free.assignment("NEW")) == ("RAIL", MON_RAIL)
    old = free.assignment("OLD")
    assert old.status == "assigned" and old.moved and _first(old) == ("BARGE", TUE_BARGE)
    assert free.info.objective < kept.info.objective


def test_kept_bookings_over_capacity_are_infeasible_with_a_reason(net):
    booked = (("RAIL", MON_RAIL),)
    ships = [shipment("A", 30, booked=booked), shipment("B", 30, booked=booked)]
    result = assign_shipments(compile_network(net), ships, options=FAST)
    assert result.info.status.value == "infeasible"
    assert "exceed the capacity of RAIL @ 2025-03-03 10:00" in result.info.reasons[0]
    assert "60 booked (A, B) > 40" in result.info.reasons[0]


def test_kept_booking_below_a_minimum_load_is_infeasible(net):
    booked = (("RAIL", MON_RAIL),)
    rule = MinLoad("RAIL", MON_RAIL, min_teu=30)
    result = assign_shipments(
        compile_network(net), [shipment("A", 5, booked=booked)], min_loads=[rule], options=FAST
    )
    assert result.info.status.value == "infeasible"
    assert any("cannot reach its minimum load of 30 TEU" in r for r in result.info.reasons)


def test_unassigned_shipments_carry_their_reason():
    net = two_mode_network()  # no truck
    deadline = datetime(2025, 3, 5, 0, 0, tzinfo=CST)  # only the Monday train arrives in time
    ships = [shipment("S1", 30, deadline=deadline), shipment("S2", 20, deadline=deadline)]
    result = assign_shipments(compile_network(net), ships, options=FAST)
    assert result.assignment("S1").status == "assigned"
    lost = result.assignment("S2")
    assert lost.status == "unassigned"
    assert "RAIL @ 2025-03-03 10:00 is full (30/40, needs 20)" in lost.reasons[0]
    nothing = assign_shipments(
        compile_network(net),
        [shipment("S3", 2, deadline=datetime(2025, 3, 3, 12, 0, tzinfo=CST))],
        options=FAST,
    )
    assert nothing.assignment("S3").status == "unassigned"
    assert nothing.assignment("S3").reasons[0].startswith("no legal path")


def test_same_seed_same_answer(net):
    ships = [shipment(f"S{i}", n) for i, n in enumerate((12, 8, 20, 6, 14))]
    rule = MinLoad("RAIL", None, min_teu=10, fixed_cost_cny=500)
    a = assign_shipments(
        compile_network(net), ships, min_loads=[rule], options=AssignmentOptions(seed=7)
    )
    b = assign_shipments(
        compile_network(net), ships, min_loads=[rule], options=AssignmentOptions(seed=7)
    )
    assert a.to_dict()["assignments"] == b.to_dict()["assignments"]
    assert a.info.objective == b.info.objective


def test_bad_input_is_rejected(net):
    with pytest.raises(InvalidRequestError):
        assign_shipments(compile_network(net), [shipment("S", 2), shipment("S", 3)])
    with pytest.raises(InvalidRequestError):
        assign_shipments(
            compile_network(net), [shipment("S", 2)], min_loads=[MinLoad("NOPE", min_teu=1)]
        )
    with pytest.raises(InvalidRequestError):
        assign_shipments(compile_network(net), [])
    with pytest.raises(InvalidRequestError):
        AssignmentOptions(time_limit_s=0)


@pytest.mark.parametrize("seed", range(6))
def test_invariants_on_random_batches(net, seed):
    rng = random.Random(seed)
    ships = [shipment(f"S{i}", rng.randint(2, 30)) for i in range(rng.randint(3, 7))]
    rules = [
        MinLoad("RAIL", None, min_teu=rng.choice((0, 10, 25)), fixed_cost_cny=rng.choice((0, 2000)))
    ]
    result = assign_shipments(compile_network(net), ships, min_loads=rules, options=FAST)
    assert result.info.has_solution
    by_id = {s.id: s for s in ships}
    load: dict = {}
    for a in result.assignments:
        assert a.status in ("assigned", "unassigned")
        if a.status == "unassigned":
            assert a.reasons
            continue
        s = by_id[a.shipment_id]
        # every assigned path is legal: replayed by the independent checker
        alt = alternative_document(a.search, a.candidate.route, [])
        assert check_alternative(net, s.request, alt) == []
        for key in a.candidate.departures:
            load[key] = load.get(key, 0) + s.request.cargo.teu
    for d in result.departures:
        assert d.load == load.get(d.key, 0)
        if d.capacity is not None:
            assert d.load <= d.capacity + 1e-9  # capacity never exceeded
        if d.key[0] == "RAIL":
            if d.runs:
                assert d.load >= rules[0].min_teu  # minimum loads respected
            else:
                assert d.load == 0
    # nothing better than the truck is ever left out: with the truck every shipment has room
    assert all(a.status == "assigned" for a in result.assignments)
    for a in result.assignments:
        assert (
            a.candidate.generalised_cost_cny
            <= TRUCK_GC * by_id[a.shipment_id].request.cargo.teu + 1e-6
        )
    assert THU_RAIL  # (imported for the docs: the Thursday train is the later rail option)
