"""Shared OR-Tools plumbing: solve statuses, the solve report, solver parameters.

Every optimisation model in :mod:`router.optimise` (shipment split, batch assignment, rail
consolidation) reports its solve the same way, as a :class:`SolveInfo`: status, objective, best
bound, relative gap, wall time, time limit and seed, built by one of two named constructors:
:meth:`SolveInfo.from_solver` (a solver or heuristic ran) and :meth:`SolveInfo.infeasible`
(infeasible with reasons found before any solve). Infeasible is a status with reasons, never
an exception. Statuses are the lower-case names below, one vocabulary across CP-SAT, the
MIP backends of ``pywraplp`` and min-cost flow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from router.errors import InvalidRequestError

#: default time limit of one solve, seconds
DEFAULT_TIME_LIMIT_S = 10.0
#: default random seed of one solve
DEFAULT_SEED = 0
#: relative gap at or below which a solution counts as proven optimal when a solver reports the
#: time limit (floating-point slack of MIP backends)
GAP_EPS = 1e-9


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven optimal
    FEASIBLE = "feasible"  # a solution, optimality not proven within the limit
    INFEASIBLE = "infeasible"  # proven: no solution satisfies the constraints (see reasons)
    NO_SOLUTION = "no_solution"  # the limit was reached before any solution was found
    MODEL_INVALID = "model_invalid"  # the model was rejected by the solver (a bug: report it)

    @property
    def has_solution(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``|objective - bound| / max(1, |objective|)``, None if either is unknown."""
    if objective is None or bound is None or math.isnan(objective) or math.isnan(bound):
        return None
    if math.isinf(bound):
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveInfo:
    """How one solve went. ``objective`` and ``best_bound`` are in the model's objective unit.

    Build it with :meth:`from_solver` or :meth:`infeasible` (keyword arguments only)."""

    status: SolveStatus
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_time_s: float
    time_limit_s: float
    seed: int
    solver: str
    reasons: tuple[str, ...] = ()
    objective_unit: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_solver(
        cls,
        *,
        status: SolveStatus,
        solver: str,
        objective: float | None,
        best_bound: float | None,
        wall_time_s: float,
        time_limit_s: float,
        seed: int,
        unit: str = "",
        reasons: tuple[str, ...] = (),
        details: Mapping[str, Any] | None = None,
    ) -> SolveInfo:
        """The report of a run of ``solver`` (a solver backend or a heuristic). The gap is the
        :func:`relative_gap` of objective and bound, 0 when the status is optimal."""
        return cls(
            status=status,
            objective=objective,
            best_bound=best_bound,
            gap=0.0 if status is SolveStatus.OPTIMAL else relative_gap(objective, best_bound),
            wall_time_s=wall_time_s,
            time_limit_s=time_limit_s,
            seed=seed,
            solver=solver,
            reasons=reasons,
            objective_unit=unit,
            details=dict(details or {}),
        )

    @classmethod
    def infeasible(
        cls,
        *,
        checked_by: str,
        reasons: tuple[str, ...],
        wall_time_s: float,
        time_limit_s: float,
        seed: int,
        unit: str = "",
    ) -> SolveInfo:
        """Infeasible with ``reasons`` found by ``checked_by`` before any solve: no objective."""
        return cls(
            status=SolveStatus.INFEASIBLE,
            objective=None,
            best_bound=None,
            gap=None,
            wall_time_s=wall_time_s,
            time_limit_s=time_limit_s,
            seed=seed,
            solver=checked_by,
            reasons=reasons,
            objective_unit=unit,
        )

    @property
    def has_solution(self) -> bool:
        return self.status.has_solution

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "objective": _round(self.objective),
            "best_bound": _round(self.best_bound),
            "gap": None if self.gap is None else round(self.gap, 6),
            "objective_unit": self.objective_unit,
            "wall_time_s": round(self.wall_time_s, 3),
            "time_limit_s": self.time_limit_s,
            "seed": self.seed,
            "solver": self.solver,
            "reasons": list(self.reasons),
            **({"details": self.details} if self.details else {}),
        }

    def summary(self) -> str:
        parts = [f"{self.solver}: {self.status.value}"]
        if self.objective is not None:
            parts.append(
                f"objective {self.objective:,.2f}{' ' + self.objective_unit if self.objective_unit else ''}"
            )
        if self.best_bound is not None:
            parts.append(f"bound {self.best_bound:,.2f}")
        if self.gap is not None:
            parts.append(f"gap {100 * self.gap:.3f}%")
        parts.append(f"{self.wall_time_s:.2f} s of {self.time_limit_s:g} s, seed {self.seed}")
        text = ", ".join(parts)
        if self.reasons:
            text += "; " + "; ".join(self.reasons)
        return text


def _round(value: float | None) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(value, 4)


def check_limits(time_limit_s: float, seed: int) -> None:
    """Reject a non-positive or absurd time limit and a negative seed (InvalidRequestError)."""
    if not (0 < time_limit_s <= 3600):
        raise InvalidRequestError("time_limit_s", "must be > 0 and at most 3600 seconds")
    if seed < 0 or seed >= 2**31:
        raise InvalidRequestError("seed", "must be between 0 and 2^31 - 1")


# --------------------------------------------------------------------------------- CP-SAT
def cp_sat_solver(
    time_limit_s: float, seed: int, workers: int = 1, linearization_level: int | None = None
) -> cp_model.CpSolver:
    """A CP-SAT solver with a time limit and seed.

    With ``workers == 1`` the search is deterministic: the same model and seed give the same
    answer (when it stops on optimality, not on the wall-clock limit). With more workers CP-SAT
    runs a portfolio, faster but not reproducible under a time limit. ``linearization_level`` 2
    gives the single-worker search the full LP relaxation (much better bounds on packing
    models).
    """
    check_limits(time_limit_s, seed)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = float(time_limit_s)
    params.random_seed = int(seed)
    params.num_workers = max(1, int(workers))
    params.log_search_progress = False
    if linearization_level is not None:
        params.linearization_level = linearization_level
    return solver


def cp_sat_status(solver: cp_model.CpSolver, status: Any) -> SolveStatus:
    if status == cp_model.OPTIMAL:
        return SolveStatus.OPTIMAL
    if status == cp_model.FEASIBLE:
        return SolveStatus.FEASIBLE
    if status == cp_model.INFEASIBLE:
        return SolveStatus.INFEASIBLE
    if status == cp_model.MODEL_INVALID:
        return SolveStatus.MODEL_INVALID
    return SolveStatus.NO_SOLUTION


def cp_sat_info(
    solver: cp_model.CpSolver,
    status: Any,
    *,
    time_limit_s: float,
    seed: int,
    scale: float = 1.0,
    sign: float = 1.0,
    reasons: tuple[str, ...] = (),
    unit: str = "",
    details: dict[str, Any] | None = None,
    has_objective: bool = True,
) -> SolveInfo:
    """The :class:`SolveInfo` of a finished CP-SAT solve (objective x ``sign`` / ``scale``)."""
    st = cp_sat_status(solver, status)
    objective = bound = None
    if st.has_solution and has_objective:
        objective = sign * solver.objective_value / scale
        bound = sign * solver.best_objective_bound / scale
    return SolveInfo.from_solver(
        status=st,
        solver=f"cp-sat ({solver.parameters.num_workers} worker(s))",
        objective=objective,
        best_bound=bound,
        wall_time_s=solver.wall_time,
        time_limit_s=time_limit_s,
        seed=seed,
        unit=unit,
        reasons=reasons,
        details=details,
    )


# ------------------------------------------------------------------------------- pywraplp
MIP_BACKENDS = ("SCIP", "CBC", "CP_SAT")


def mip_solver(backend: str, time_limit_s: float, seed: int) -> pywraplp.Solver:
    """A pywraplp MIP solver (SCIP, CBC or CP-SAT) with a time limit and seed, single thread."""
    check_limits(time_limit_s, seed)
    name = backend.upper()
    if name not in MIP_BACKENDS:
        raise InvalidRequestError(
            "backend", f"unknown MIP backend {backend!r} (use {', '.join(MIP_BACKENDS)})"
        )
    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:  # pragma: no cover - depends on the OR-Tools build
        raise InvalidRequestError(
            "backend", f"MIP backend {name} is not available in this OR-Tools build"
        )
    solver.SetTimeLimit(int(time_limit_s * 1000))
    if name == "SCIP":
        solver.SetSolverSpecificParametersAsString(
            f"randomization/randomseedshift = {seed}\nparallel/maxnthreads = 1\n"
        )
    elif name == "CP_SAT":
        solver.SetSolverSpecificParametersAsString(f"random_seed:{seed} num_workers:1")
    else:
        solver.SetNumThreads(1)
    return solver


def lp_solver() -> pywraplp.Solver:
    """A GLOP linear-programming solver (for LP relaxations and their dual values)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    assert solver is not None
    return solver


def mip_status(code: int, solver: pywraplp.Solver) -> SolveStatus:
    if code == pywraplp.Solver.OPTIMAL:
        return SolveStatus.OPTIMAL
    if code == pywraplp.Solver.FEASIBLE:
        return SolveStatus.FEASIBLE
    if code == pywraplp.Solver.INFEASIBLE:
        return SolveStatus.INFEASIBLE
    if code in (pywraplp.Solver.MODEL_INVALID, pywraplp.Solver.ABNORMAL):
        return SolveStatus.MODEL_INVALID
    return SolveStatus.NO_SOLUTION


def mip_info(
    solver: pywraplp.Solver,
    code: int,
    backend: str,
    *,
    time_limit_s: float,
    seed: int,
    scale: float = 1.0,
    reasons: tuple[str, ...] = (),
    unit: str = "",
    details: Mapping[str, Any] | None = None,
) -> SolveInfo:
    st = mip_status(code, solver)
    objective = bound = None
    if st.has_solution:
        objective = solver.Objective().Value() / scale
        bound = solver.Objective().BestBound() / scale
    gap = relative_gap(objective, bound)
    if st is SolveStatus.FEASIBLE and gap is not None and gap <= GAP_EPS:
        st = SolveStatus.OPTIMAL
    if st is SolveStatus.OPTIMAL and (
        bound is None
        or (objective is not None and abs(bound - objective) > 1e-6 * max(1.0, abs(objective)))
    ):
        bound = objective
    return SolveInfo.from_solver(
        status=st,
        solver=f"{backend.lower()} (pywraplp)",
        objective=objective,
        best_bound=bound,
        wall_time_s=solver.wall_time() / 1000.0,
        time_limit_s=time_limit_s,
        seed=seed,
        unit=unit,
        reasons=reasons,
        details=details,
    )
