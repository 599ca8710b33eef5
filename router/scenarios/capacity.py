"""Capacity-aware routing of a demand table: the batch assignment (column generation over every
legal path, :func:`router.optimise.assign.assign_shipments`) over the scenario's capacities
(each timetabled link's space per departure), instead of each shipment taking its own
recommended route.

One assignment per run: the model couples every shipment through the departures it shares, so
it is not cut into chunks. It is meant for a planning window (a few thousand shipments, the
scale the assignment solves in minutes), not for a whole year of demand; the caller bounds the
size (:data:`MAX_SHIPMENTS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from router.errors import InvalidRequestError
from router.optimise.assign import assign_shipments
from router.optimise.assign_model import AssignmentOptions, Shipment
from router.routing.compiled import CompiledNetwork
from router.scenarios.demand import demand_requests
from router.scenarios.runner import Answer, route_facts, tables

#: the most shipments one capacity-aware run takes
MAX_SHIPMENTS = 5_000


@dataclass(frozen=True, slots=True)
class CapacityRun:
    """The tables of a capacity-aware run and the solve's status, objective and bound."""

    shipments: pl.DataFrame
    legs: pl.DataFrame
    solve: dict[str, Any]


def assign_demand(
    cn: CompiledNetwork, demand: pl.DataFrame, time_limit_s: float = 60.0, seed: int = 0
) -> CapacityRun:
    """Assign every shipment of ``demand`` to a legal path within the departures' space, or
    leave it unassigned (status ``unassigned``), by column generation with ``time_limit_s``."""
    if demand.height > MAX_SHIPMENTS:
        raise InvalidRequestError(
            "demand",
            f"capacity-aware runs take at most {MAX_SHIPMENTS:,} shipments ({demand.height:,} "
            "given): run a planning window of the demand (filter it by ready date or lane), "
            "or run uncapacitated",
        )
    shipments = list(demand_requests(demand))
    result = assign_shipments(
        cn,
        [Shipment(id=sid, request=request) for sid, request in shipments],
        options=AssignmentOptions(time_limit_s=time_limit_s, seed=seed, compute_duals=False),
    )
    answers: dict[str, Answer] = {}
    for a in result.assignments:
        if a.candidate is not None and a.search is not None and a.status != "unassigned":
            req = a.search.request
            answers[a.shipment_id] = Answer(route_facts(cn, req, a.candidate.route, req.cargo))
        else:
            reason = "; ".join(a.reasons)
            answers[a.shipment_id] = Answer(None, reason=reason, unrouted="unassigned")
    table, legs = tables(cn, shipments, answers)
    info = result.info
    solve = {
        "status": str(info.status),
        "objective": info.objective,
        "best_bound": info.best_bound,
        "gap": info.gap,
        "objective_unit": info.objective_unit,
        "wall_time_s": round(info.wall_time_s, 2),
        "summary": info.summary(),
        "total_cost_cny": result.total_cost_cny,
        "candidate_paths": result.candidate_paths,
    }
    return CapacityRun(table, legs, solve)
