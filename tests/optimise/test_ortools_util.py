"""The solve report: one construction path (named constructors, keyword arguments only)."""

from __future__ import annotations

import pytest

from router.optimise.ortools_util import SolveInfo, SolveStatus


def report(status: SolveStatus, objective: float | None, bound: float | None) -> SolveInfo:
    return SolveInfo.from_solver(
        status=status, solver="test", objective=objective, best_bound=bound,
        wall_time_s=0.5, time_limit_s=10.0, seed=3, unit="CNY", details={"rounds": 2},
    )  # fmt: skip


def test_from_solver_computes_the_gap_and_zeroes_it_when_optimal():
    feasible = report(SolveStatus.FEASIBLE, 110.0, 100.0)
    assert feasible.gap == pytest.approx(10.0 / 110.0) and feasible.has_solution
    assert feasible.objective_unit == "CNY" and feasible.details == {"rounds": 2}
    assert report(SolveStatus.OPTIMAL, 100.0, 99.9999).gap == 0.0
    unsolved = report(SolveStatus.NO_SOLUTION, None, None)
    assert unsolved.gap is None and not unsolved.has_solution


def test_infeasible_before_any_solve_has_reasons_and_no_objective():
    info = SolveInfo.infeasible(
        checked_by="eligibility check", reasons=("no departure serves X",),
        wall_time_s=0.1, time_limit_s=5.0, seed=0,
    )  # fmt: skip
    assert info.status is SolveStatus.INFEASIBLE and info.solver == "eligibility check"
    assert (info.objective, info.best_bound, info.gap) == (None, None, None)
    assert info.to_dict()["reasons"] == ["no departure serves X"]


def test_positional_construction_is_rejected():
    with pytest.raises(TypeError):
        SolveInfo(SolveStatus.OPTIMAL, 1.0, 1.0, 0.0, 0.1, 1.0, 0, "x")  # type: ignore[misc]
