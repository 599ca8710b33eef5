"""Splitting one shipment over departures: hand-computed optima (see optimise_testkit)."""

from __future__ import annotations

from datetime import datetime

import pytest
from optimise_testkit import (
    BARGE_GC,
    MON_RAIL,
    RAIL_GC,
    THU_RAIL,
    TUE_BARGE,
    boxes,
    request,
    two_mode_network,
)

from router.errors import InvalidRequestError
from router.optimise.split import SplitOptions, split_shipment
from router.quotes.document import make_quote
from router.routing.compiled import compile_network
from router.units import CST

FAST = SplitOptions(time_limit_s=5.0, seed=0)


@pytest.fixture(scope="module")
def net():
    return two_mode_network()


def _by_first_departure(result):
    return {(p.legs[0].link_id, p.legs[0].departure): p for p in result.parts}


def test_sixty_boxes_fill_the_rail_and_the_rest_take_the_barge(net):
    result = split_shipment(compile_network(net), request(boxes(60)), options=FAST)
    assert result.status == "ok"
    assert result.method == "min_cost_flow"
    parts = _by_first_departure(result)
    assert set(parts) == {("RAIL", MON_RAIL), ("BARGE", TUE_BARGE)}
    assert parts["RAIL", MON_RAIL].count == 40
    assert parts["BARGE", TUE_BARGE].count == 20
    assert parts["RAIL", MON_RAIL].arrival == datetime(2025, 3, 4, 10, 0, tzinfo=CST)
    assert parts["BARGE", TUE_BARGE].arrival == datetime(2025, 3, 7, 10, 0, tzinfo=CST)
    assert result.generalised_cost_cny == pytest.approx(40 * RAIL_GC + 20 * BARGE_GC)  # 71,000
    assert result.cost_cny == pytest.approx(40 * 1000 + 20 * 800)
    assert result.info.objective == pytest.approx(71_000.0)  # the known optimum
    # proved only over its candidate paths: the status says no more than that
    assert result.info.status.value == "feasible" and result.info.best_bound is None
    assert "candidate paths" in result.info.reasons[-1]


def test_flow_and_mip_agree_on_the_pure_flow_case(net):
    flow = split_shipment(
        compile_network(net), request(boxes(60)), options=SplitOptions(method="flow")
    )
    mip = split_shipment(
        compile_network(net), request(boxes(60)), options=SplitOptions(method="mip")
    )
    assert flow.method == "min_cost_flow" and mip.method == "mip"
    assert flow.info.status.value == mip.info.status.value == "feasible"
    assert flow.info.objective == pytest.approx(mip.info.objective)
    assert sorted(p.count for p in flow.parts) == sorted(p.count for p in mip.parts)


def test_mixed_sizes_put_the_forties_on_the_rail(net):
    # per TEU the rail saves 180 on a 40' (2x(2,420-2,060)/2) but only 160 on a 20'
    result = split_shipment(compile_network(net), request(boxes(20, 20)), options=FAST)
    assert result.method == "mip"
    parts = _by_first_departure(result)
    assert dict(parts["RAIL", MON_RAIL].containers) == {"42G1": 20}
    assert dict(parts["BARGE", TUE_BARGE].containers) == {"22G1": 20}
    assert result.generalised_cost_cny == pytest.approx(20 * (1800 + 10 * 26) + 20 * BARGE_GC)


def test_a_deadline_leaves_the_rest_unplaced_with_a_reason(net):
    result = split_shipment(
        compile_network(net),
        request(boxes(60), deadline=datetime(2025, 3, 5, 0, 0, tzinfo=CST)),
        options=FAST,
    )
    assert result.status == "partial"
    assert result.placed == 40 and result.unplaced == {"22G1": 20}
    assert "20 of 60 containers could not be placed" in result.reasons[0]
    assert "RAIL @ 2025-03-03 10:00" in result.reasons[0]


def test_remaining_space_comes_from_the_capacity_callback(net):
    def capacity(link_id: str, when: datetime) -> float | None:
        return 10.0 if (link_id, when) == ("RAIL", MON_RAIL) else None

    result = split_shipment(compile_network(net), request(boxes(60)), capacity, options=FAST)
    parts = _by_first_departure(result)
    assert parts["RAIL", MON_RAIL].count == 10
    assert parts["BARGE", TUE_BARGE].count == 50
    loads = {d.key: d for d in result.departures}
    assert loads["RAIL", MON_RAIL].used == 10 and loads["RAIL", MON_RAIL].utilisation == 1.0


def test_when_the_barge_is_gone_later_rail_departures_are_found_by_blocking(net):
    def capacity(link_id: str, when: datetime) -> float | None:
        return 0.0 if link_id == "BARGE" else None

    result = split_shipment(compile_network(net), request(boxes(60)), capacity, options=FAST)
    parts = _by_first_departure(result)
    assert parts["RAIL", MON_RAIL].count == 40
    assert parts["RAIL", THU_RAIL].count == 20
    assert result.searches >= 2


def test_per_declaration_costs_are_paid_once_per_part():
    net = two_mode_network(international=True)
    result = split_shipment(compile_network(net), request(boxes(60)), options=FAST)
    assert result.method == "mip"  # per-consignment costs need the MIP
    parts = _by_first_departure(result)
    assert parts["RAIL", MON_RAIL].count == 40 and parts["BARGE", TUE_BARGE].count == 20
    # two import declarations at B (one per arrival), CNY 500 each
    assert result.cost_cny == pytest.approx(40 * 1000 + 20 * 800 + 2 * 500)
    assert result.info.objective == pytest.approx(71_000 + 1_000)
    with pytest.raises(InvalidRequestError):
        split_shipment(
            compile_network(net), request(boxes(60)), options=SplitOptions(method="flow")
        )


def test_no_route_at_all_is_infeasible_with_reasons(net):
    bad = request(boxes(2), deadline=datetime(2025, 3, 3, 12, 0, tzinfo=CST))
    result = split_shipment(compile_network(net), bad, options=FAST)
    assert result.status == "infeasible"
    assert result.info.status.value == "infeasible"
    assert result.reasons and "deadline" in result.reasons[0]


def test_loose_cargo_cannot_be_split(net):
    from router.routing.request import Cargo

    with pytest.raises(InvalidRequestError):
        split_shipment(compile_network(net), request(Cargo(weight_kg=1000.0)), options=FAST)


def test_same_seed_same_answer(net):
    a = split_shipment(compile_network(net), request(boxes(20, 20)), options=SplitOptions(seed=3))
    b = split_shipment(compile_network(net), request(boxes(20, 20)), options=SplitOptions(seed=3))
    assert a.to_dict()["parts"] == b.to_dict()["parts"]
    assert a.info.objective == b.info.objective


def test_quote_attaches_the_split_when_no_single_departure_fits(net):
    doc = make_quote(compile_network(net), request(boxes(120)), quote_id="q")
    assert doc["status"] == "split"  # no single route; the split carries all of the cargo
    assert "fits no single departure" in doc["reasons"][0]
    split = doc["split"]
    assert split["status"] == "ok" and split["placed"] == 120
    counts = sorted(p["containers"] for p in split["parts"])
    assert counts == [40, 80]
    assert split["total"]["generalised_cost_cny"] == pytest.approx(40 * RAIL_GC + 80 * BARGE_GC)
    assert split["solve"]["status"] == "feasible"  # optimal over its candidate paths only


def test_a_quote_whose_split_is_partial_has_no_route(net):
    # the deadline leaves 20 of the 60 boxes unplaced: nothing carries the whole cargo
    late = request(boxes(60), deadline=datetime(2025, 3, 5, 0, 0, tzinfo=CST))
    doc = make_quote(compile_network(net), late, quote_id="q")
    assert doc["split"]["status"] == "partial" and doc["split"]["placed"] == 40
    assert doc["status"] == "no_route" and "20 not placed" in doc["reasons"][0]


def test_quote_without_capacity_trouble_has_no_split_unless_asked(net):
    doc = make_quote(compile_network(net), request(boxes(30)), quote_id="q")
    assert doc["status"] == "ok" and "split" not in doc
    asked = make_quote(compile_network(net), request(boxes(30)), quote_id="q", split=True)
    assert asked["split"]["status"] == "ok"
    assert [p["containers"] for p in asked["split"]["parts"]] == [30]
