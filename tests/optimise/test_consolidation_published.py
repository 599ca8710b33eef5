"""Train load planning on published bin-packing instances (Falkenauer u120 and t120, known
optima from OR-Library / BPPLIB, see benchmarks/data/binpacking/README.md), the lower bounds
against those optima, same seed -> same answer, and the week bound of the decomposition."""

from __future__ import annotations

import time

import pytest

from router.optimise.consolidation import (
    ConsolidationOptions,
    consolidate,
    validate_plan,
)
from router.optimise.consolidation.binpack import (
    _arc_flow,
    _patterns,
    fit_decreasing,
    l2_bound,
    lower_bound,
    pack,
)
from router.optimise.consolidation.eligibility import eligible_departures
from router.optimise.consolidation.objective import objective_weights
from router.synthetic.binpacking import published_instances
from router.synthetic.trains import perfect_packing, realistic_instance

PUBLISHED = {p.name: p for p in published_instances()}


def _solve_and_check(name: str, time_limit_s: float, seed: int = 3):
    """Solve a published instance and check the result against its published optimum."""
    instance = PUBLISHED[name].load()
    containers, trains = instance.as_consolidation()
    result = consolidate(
        containers,
        trains,
        ConsolidationOptions(time_limit_s=time_limit_s, seed=seed, method="exact"),
    )
    assert validate_plan(result.plans, containers) == []
    assert result.stats.containers_loaded == len(containers)
    optimum = PUBLISHED[name].optimum  # published, not computed by us
    assert result.stats.wagons_used >= optimum  # never better than the known optimum
    # the objective of a plan loading every box in `optimum` wagons: the bound (maximisation)
    # may never be below it
    scale = objective_weights(containers, trains, eligible_departures(containers, trains)).scale()
    best_possible = result.info.objective + (result.stats.wagons_used - optimum) / scale
    assert result.info.best_bound is not None
    assert result.info.best_bound >= best_possible - 1e-9
    if result.info.status.value == "optimal":
        assert result.info.gap == 0 and result.stats.wagons_used == optimum
        assert result.info.best_bound == pytest.approx(result.info.objective, abs=1e-9)
    else:
        assert result.info.gap is not None and result.info.gap > 0
    return result


@pytest.mark.parametrize("name", ["u120_00", "u120_03", "t120_00", "t120_03", "t249_01"])
def test_falkenauer_instances_solved_to_the_published_optimum(name):
    result = _solve_and_check(
        name, 60.0
    )  # a loaded machine needs the room; it stops at the optimum
    assert result.info.status.value == "optimal"
    assert result.stats.wagons_used == PUBLISHED[name].optimum


def test_status_and_bound_stay_honest_when_the_optimum_is_not_reached():
    # 0.3 s is usually too short for the triplet searches: the first-fit plan (45 wagons) comes
    # back as feasible, with a gap against a bound that still covers the published optimum
    result = _solve_and_check("t120_01", 0.3)
    assert result.stats.wagons_used >= PUBLISHED["t120_01"].optimum


def test_lower_bounds_never_exceed_the_published_optima():
    for p in PUBLISHED.values():
        instance = p.load()
        kg = [int(s) for s in instance.sizes_kg]
        assert l2_bound(kg, int(instance.capacity_kg)) <= p.optimum
        assert lower_bound(kg, int(instance.capacity_kg), len(kg)) <= p.optimum


def test_l2_bound_counts_big_items():
    # three items above half the capacity need three bins although they weigh 1.8 bins
    assert l2_bound([60, 60, 60], 100) == 3
    assert l2_bound([50, 50, 50, 50], 100) == 2
    assert lower_bound([10] * 9, 100, 4) == 3  # slots bind: at most 4 boxes a wagon


def test_pack_respects_capacity_and_slots_and_is_reproducible():
    instance = perfect_packing(12, kind="mixed", seed=5)
    kg = [int(s) for s in instance.sizes_kg]
    cap = int(instance.capacity_kg)
    a = pack(kg, cap, 4, 1.0, seed=7)
    b = pack(kg, cap, 4, 1.0, seed=7)
    assert a == b
    assert sorted(i for w in a.bins for i in w) == list(range(len(kg)))
    assert all(sum(kg[i] for i in w) <= cap and len(w) <= 4 for w in a.bins)
    assert a.lower_bound <= instance.optimum <= a.wagons


def test_same_seed_same_answer_on_bin_packing():
    containers, trains = PUBLISHED["t120_02"].load().as_consolidation()
    opts = ConsolidationOptions(time_limit_s=10.0, seed=11, method="exact")
    a = consolidate(containers, trains, opts)
    b = consolidate(containers, trains, opts)
    assert a.to_dict()["plans"] == b.to_dict()["plans"]
    assert a.info.status == b.info.status


def test_decomposed_week_bound_is_valid_for_the_whole_week():
    # a small week that the exact model solves to proven optimality: the decomposition's
    # reported bound (the aggregated relaxation of the whole week) must not be below it
    containers, trains = realistic_instance(36, days=3, seed=8)
    exact = consolidate(
        containers, trains, ConsolidationOptions(time_limit_s=20.0, seed=0, method="exact")
    )
    assert exact.info.status.value == "optimal"
    optimum = exact.info.objective
    dec = consolidate(
        containers, trains, ConsolidationOptions(time_limit_s=4.0, seed=0, method="decomposed")
    )
    assert validate_plan(dec.plans, containers) == []
    assert dec.info.best_bound is not None
    assert dec.info.best_bound >= optimum - 1e-9
    assert dec.info.objective <= optimum + 1e-9
    if dec.info.status.value == "optimal":
        assert abs(dec.info.objective - optimum) <= 1e-9 and dec.info.gap == 0


@pytest.mark.parametrize(("name", "search"), [("u120_00", "arc flow"), ("t120_00", "patterns")])
def test_arc_flow_and_pattern_models_pack_every_box(name, search):
    instance = PUBLISHED[name].load()
    kg = [int(s) for s in instance.sizes_kg]
    cap = int(instance.capacity_kg)
    k = PUBLISHED[name].optimum
    deadline = time.perf_counter() + 20.0
    if search == "arc flow":  # (on 40 of the boxes and as many wagons as first fit needs)
        kg = kg[:40]
        k = len(fit_decreasing(kg, cap, len(kg), best=False))
        bins = _arc_flow(kg, cap, k, 20.0, seed=0)
    else:
        bins = _patterns(kg, cap, len(kg), k, deadline, seed=0)
    assert bins is not None and len([b for b in bins if b]) <= k
    assert sorted(i for b in bins for i in b) == list(range(len(kg)))
    assert all(sum(kg[i] for i in b) <= cap for b in bins)


def test_auto_method_uses_the_bin_packing_core():
    # 249 boxes x 104 wagons is too large for `auto` to pick the exact model; the bin-packing
    # structure is recognised first and proves the published optimum
    containers, trains = PUBLISHED["t249_00"].load().as_consolidation()
    result = consolidate(containers, trains, ConsolidationOptions(time_limit_s=60.0, seed=1))
    assert result.method == "bin packing" and result.info.status.value == "optimal"
    assert result.stats.wagons_used == PUBLISHED["t249_00"].optimum
