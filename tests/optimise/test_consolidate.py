"""Train load planning: known optima, every rule on every plan, reasons, infeasibility."""

from __future__ import annotations

from datetime import timedelta

import pytest
from optimise_testkit import DAY, LONG, X70, box, train

from router.errors import InvalidRequestError
from router.optimise.consolidation import (
    BookedContainer,
    ConsolidationOptions,
    WagonType,
    consolidate,
    first_fit_decreasing,
    parse_patterns,
    validate_plan,
)
from router.synthetic.trains import perfect_packing, realistic_instance

FAST = ConsolidationOptions(time_limit_s=5.0, seed=0, method="exact")


def plan(containers, trains, options=FAST):
    result = consolidate(containers, trains, options)
    assert validate_plan(result.plans, containers) == []
    return result


def loaded(result) -> set[str]:
    return {c.id for p in result.plans for c in p.containers}


def position(result, cid: str) -> int:
    found = result.plan_of(cid)
    assert found is not None
    return found[1].position


def test_patterns_are_parsed():
    assert parse_patterns("1x40/2x20") == ((40,), (20, 20))
    assert parse_patterns("1x40+1x20/3x20|1x45") == ((40, 20), (20, 20, 20), (45,))
    with pytest.raises(InvalidRequestError):
        parse_patterns("1x30")
    with pytest.raises(InvalidRequestError):
        parse_patterns("two forties")


def test_known_optimum_everything_fits_in_the_fewest_wagons():
    boxes = [box(f"F{i}", 40) for i in range(3)] + [box("T1", 20, 15), box("T2", 20, 15)]
    result = plan(boxes, [train(wagons=6)])
    assert result.info.status.value == "optimal"
    assert loaded(result) == {b.id for b in boxes}
    assert result.stats.teu_loaded == 8 and result.stats.wagons_used == 4  # 3 forties + one pair
    assert result.unloaded == ()


def test_known_optimum_payload_splits_the_pair_and_one_twenty_stays():
    # two 20' at 35 t exceed the 60 t payload together: they need two wagons, only one is left
    boxes = [box(f"F{i}", 40) for i in range(3)] + [box("T1", 20, 35), box("T2", 20, 35)]
    result = plan(boxes, [train(wagons=4)])
    assert result.info.status.value == "optimal"
    assert result.stats.teu_loaded == 7 and result.stats.wagons_used == 4
    (left,) = result.unloaded
    assert left.container.id in {"T1", "T2"}
    assert "no room left on its eligible departures" in left.reasons[0]


def test_priority_decides_who_takes_the_last_wagon():
    boxes = [box("LOW", 40, priority=1), box("HIGH", 40, priority=3), box("MID", 40, priority=2)]
    result = plan(boxes, [train(wagons=2)])
    assert loaded(result) == {"HIGH", "MID"}


def test_earliest_train_first_then_fewest_wagons():
    trains = [train("EARLY", wagons=3), train("LATE", day=DAY + timedelta(days=2), wagons=3)]
    boxes = [box(f"T{i}", 20, 10) for i in range(4)]
    result = plan(boxes, trains)
    assert result.info.status.value == "optimal"
    assert [p.departure.id for p in result.plans] == ["EARLY"]
    assert result.stats.waiting_days == 0 and result.stats.wagons_used == 2


def test_ready_date_and_deadline_choose_the_departure():
    trains = [train("D0", wagons=2), train("D2", day=DAY + timedelta(days=2), wagons=2)]
    boxes = [
        box("LATE_READY", ready=DAY + timedelta(days=1)),
        box("TIGHT", deadline=DAY),
        box("NEVER", ready=DAY + timedelta(days=3)),
        box("MISSED", ready=DAY + timedelta(days=1), deadline=DAY + timedelta(days=1)),
    ]
    result = plan(boxes, trains)
    where = {c.id: p.departure.id for p in result.plans for c in p.containers}
    assert where == {"LATE_READY": "D2", "TIGHT": "D0"}
    reasons = {u.container.id: u.reasons[0] for u in result.unloaded}
    assert reasons["NEVER"].startswith("no departure to X between ready date 2025-03-06")
    assert "deadline 2025-03-04" in reasons["MISSED"]


def test_customs_status_destination_weight_and_slot_reasons():
    boxes = [
        box("PENDING", status="declared"),
        box("HELD", status="held"),
        box("ELSEWHERE", dest="Y"),
        box("HEAVY", 40, 31),
        box("LONG45", 45, 20),
        box("OK", 40),
    ]
    light = WagonType("X70L", parse_patterns("1x40/2x20"), 60_000.0, 20_000.0, 14.0, 30_000.0)
    result = plan(boxes, [train(wagons=3, wagon=light)])
    assert loaded(result) == {"OK"}
    reasons = {u.container.id: u.reasons[0] for u in result.unloaded}
    assert reasons["PENDING"].startswith("not export-cleared (customs status declared)")
    assert reasons["HELD"].startswith("not export-cleared (customs status held)")
    assert reasons["ELSEWHERE"] == "no departure serves destination Y"
    assert reasons["HEAVY"].startswith("gross weight 31 t exceeds every suitable wagon's limit")
    assert "at most 30 t per container" in reasons["HEAVY"]
    assert "has a 45' slot" in reasons["LONG45"]


def test_the_wagon_set_is_a_pool_45_footers_take_the_long_wagons():
    boxes = [box("L1", 45), box("L2", 45), box("F1", 40), box("T1", 20, 10), box("T2", 20, 10)]
    t = train(wagons=3, extra=(LONG, LONG))
    result = plan(boxes, [t])
    assert loaded(result) == {b.id for b in boxes}
    types = {c.id: w.wagon.code for p in result.plans for w in p.wagons for c in w.containers}
    assert types["L1"] == types["L2"] == "S60"
    # a third 45' has no third long wagon
    more = plan([*boxes, box("L3", 45)], [t])
    assert len(loaded(more) & {"L1", "L2", "L3"}) == 2


def test_train_weight_and_length_limits_bind():
    boxes = [box(f"F{i}", 40, 25) for i in range(4)]
    heavy = plan(boxes, [train(wagons=4, max_gross_t=4 * 20 + 3 * 25)])  # tare 20 t per wagon
    assert heavy.stats.containers_loaded == 3
    assert heavy.plans[0].gross_kg <= heavy.plans[0].departure.max_gross_kg
    short = plan(boxes, [train(wagons=4, max_length_m=2 * 14 + 1)])
    assert short.stats.containers_loaded == 2


def test_destination_blocks_follow_the_route_order():
    boxes = [
        box("Q1", 40, dest="Q"),
        box("P1", 40, dest="P"),
        box("Q2", 40, dest="Q"),
        box("P2", 40, dest="P"),
    ]
    result = plan(boxes, [train(dests=("P", "Q"), wagons=4)])
    order = [w.block for w in result.plans[0].wagons]
    assert order == ["P", "P", "Q", "Q"]
    # two 20' for different destinations never share a wagon
    pair = plan(
        [box("P", 20, dest="P"), box("Q", 20, dest="Q")], [train(dests=("P", "Q"), wagons=1)]
    )
    assert pair.stats.containers_loaded == 1


def test_dangerous_goods_are_separated_by_a_wagon():
    # class 3 and class 5.1 are "separated from" in IMDG 7.2.4: at least one wagon between them
    boxes = [box("FLAM", 40, dg="3"), box("OXID", 40, dg="5.1"), box("PLAIN", 40)]
    result = plan(boxes, [train(wagons=3)])
    assert loaded(result) == {"FLAM", "OXID", "PLAIN"}
    assert abs(position(result, "FLAM") - position(result, "OXID")) >= 2
    tight = plan(boxes, [train(wagons=2)])
    assert tight.stats.containers_loaded == 2
    (left,) = tight.unloaded
    assert left.container.dg_class in {"3", "5.1"}
    assert "needs separation from class" in left.reasons[0]


def test_away_from_classes_may_be_adjacent_but_not_on_one_wagon():
    # class 3 and 2.2 are "away from" (code 1): not the same wagon, adjacent is fine
    boxes = [box("A", 20, 10, dg="3"), box("B", 20, 10, dg="2.2")]
    result = plan(boxes, [train(wagons=2)])
    assert result.stats.wagons_used == 2
    assert position(result, "A") != position(result, "B")
    one = plan(boxes, [train(wagons=1)])
    assert one.stats.containers_loaded == 1


def test_require_all_is_infeasible_with_the_conflicting_limits():
    boxes = [box(f"F{i}", 40) for i in range(5)]
    opts = ConsolidationOptions(time_limit_s=5.0, method="exact", require_all=True)
    result = consolidate(boxes, [train(wagons=4)], opts)
    assert result.info.status.value == "infeasible"
    assert result.plans == ()
    assert "these limits conflict" in result.info.reasons[0]
    assert "wagon slots of T1" in result.info.reasons[0]
    ok = consolidate(boxes[:4], [train(wagons=4)], opts)
    assert ok.info.status.value == "optimal" and ok.stats.containers_loaded == 4
    ineligible = consolidate([*boxes[:2], box("P", status="not_declared")], [train()], opts)
    assert ineligible.info.status.value == "infeasible"
    assert any(r.startswith("P: not export-cleared") for r in ineligible.info.reasons)


def test_bin_packing_with_a_known_optimum():
    instance = perfect_packing(6, kind="triplet", seed=2)
    containers, trains = instance.as_consolidation()
    result = plan(containers, trains, ConsolidationOptions(time_limit_s=10.0, method="exact"))
    assert result.stats.containers_loaded == len(containers)
    assert result.stats.wagons_used == instance.optimum == 6
    assert result.info.status.value == "optimal"


def test_first_fit_decreasing_plans_are_valid_and_never_better():
    containers, trains = realistic_instance(80, days=3, seed=5)
    ffd = first_fit_decreasing(containers, trains)
    assert validate_plan(ffd.plans, containers) == []
    cp = plan(containers, trains, ConsolidationOptions(time_limit_s=5.0, method="decomposed"))
    assert cp.info.objective >= ffd.info.objective - 1e-9
    assert cp.info.best_bound is not None and cp.info.best_bound >= cp.info.objective - 1e-9
    assert cp.stats.teu_loaded >= ffd.stats.teu_loaded - 2.25


def test_every_unloaded_container_has_a_reason_and_none_is_lost():
    containers, trains = realistic_instance(60, days=2, seed=11)
    result = plan(containers, trains, ConsolidationOptions(time_limit_s=2.0))
    ids = loaded(result) | {u.container.id for u in result.unloaded}
    assert ids == {c.id for c in containers}
    assert all(u.reasons for u in result.unloaded)


def test_same_seed_same_answer():
    trains = [
        train("A", dests=("P", "Q"), wagons=5),
        train("B", day=DAY + timedelta(days=1), dests=("P", "Q"), wagons=5),
    ]
    boxes = [
        box(f"C{i}", (20, 40)[i % 2], 8 + 2 * i, ("P", "Q")[i % 3 == 0], priority=1 + i % 2,
            dg="3" if i == 4 else None)
        for i in range(14)
    ]  # fmt: skip
    opts = ConsolidationOptions(time_limit_s=5.0, seed=4, method="exact")
    a = consolidate(boxes, trains, opts)
    b = consolidate(boxes, trains, opts)
    assert a.info.status.value == "optimal"
    assert a.to_dict()["plans"] == b.to_dict()["plans"]
    assert a.to_dict()["unassigned"] == b.to_dict()["unassigned"]


def test_bad_input_is_rejected():
    with pytest.raises(InvalidRequestError):
        BookedContainer("", "42G1", 40, 1000.0, "X", DAY)
    with pytest.raises(InvalidRequestError):
        BookedContainer("BAD", "42G1", 30, 1000.0, "X", DAY)
    with pytest.raises(InvalidRequestError):
        BookedContainer("BAD", "22G1", 40, 1000.0, "X", DAY)  # a 20' size-type
    with pytest.raises(InvalidRequestError):
        BookedContainer("BAD", "42G1", 40, 1000.0, "X", DAY, deadline=DAY - timedelta(days=1))
    with pytest.raises(InvalidRequestError):
        box("X", 40, dg="12")
    with pytest.raises(InvalidRequestError):
        consolidate([box("A"), box("A")], [train()])
    with pytest.raises(InvalidRequestError):
        WagonType("W", (), 1000.0)
    with pytest.raises(InvalidRequestError):
        ConsolidationOptions(method="magic")
    assert X70.max_teu() == 2
