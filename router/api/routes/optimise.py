"""Optimisation: batch assignment of shipments to departures, and train load plans (OR-Tools).

Both are queued as jobs by default (202 with the job; a worker solves it within the request's time
limit, at most ``ROUTER_MAX_JOB_SOLVE_S``, and stores the run), or solved inside the request with
``sync=true`` (at most ``ROUTER_MAX_SOLVE_S``; 201 with the run). Whatever the solver status, the
run is stored: ``infeasible`` and ``no_solution`` are outcomes with reasons, not errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from router.api.deps import (
    ComputeDep,
    ContextDep,
    Limit,
    NetworkDep,
    Offset,
    Operator,
    require_roles,
)
from router.api.docs import AUTH, page_example, responses
from router.api.idempotent import IdempotencyDep, answer
from router.api.jobs import prepare_assignment, prepare_consolidation
from router.api.limits import ComputeSlots
from router.api.optimise_schemas import (
    AssignmentIn,
    ConsolidationIn,
    JobOut,
    RunOut,
    RunSummaryOut,
)
from router.api.routes.jobs import JOB_EXAMPLE
from router.api.schemas import ID_PATTERN, Page
from router.services import jobs, runs
from router.services.auth import Principal, Role
from router.services.context import ServiceContext
from router.services.idempotency import Idempotency

router = APIRouter(tags=["optimisation"])

PlannerOrOperator = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.OPERATOR))]
RunId = Annotated[
    str, Path(max_length=64, pattern=ID_PATTERN, examples=["0c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5"])
]

SOLVE_EXAMPLE = {
    "status": "optimal",
    "objective": 1_545_510.12,
    "best_bound": 1_545_510.12,
    "gap": 0.0,
    "objective_unit": "CNY",
    "wall_time_s": 2.41,
    "time_limit_s": 10.0,
    "seed": 0,
    "solver": "scip (pywraplp)",
    "reasons": [],
}

ASSIGNMENT_EXAMPLE = {
    "id": "0c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5",
    "kind": "assignment",
    "status": "optimal",
    "created_at": "2027-02-27T03:00:00+00:00",
    "result": {
        "status": "optimal",
        "solve": SOLVE_EXAMPLE,
        "space": "live",
        "total_generalised_cost_cny": 1_545_510.12,
        "assigned": 2,
        "fixed": 0,
        "unassigned": 0,
        "assignments": [
            {
                "shipment_id": "S01",
                "status": "assigned",
                "reasons": [],
                "candidates": 3,
                "moved": False,
                "departure": "2027-03-01T08:00:00+08:00",
                "arrival": "2027-03-21T22:16:00+08:00",
                "generalised_cost_cny": 824_037.0,
                "departures": [
                    {
                        "link_id": "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI",
                        "departure": "2027-03-05T10:00:00+08:00",
                    }
                ],
            }
        ],
        "departures": [
            {
                "link_id": "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI",
                "departure": "2027-03-05T10:00:00+08:00",
                "mode": "rail",
                "unit": "TEU",
                "capacity": 100.0,
                "load": 60.0,
                "utilisation": 0.6,
                "runs": True,
                "min_teu": 60.0,
                "binding": False,
                "shadow_price_cny_per_unit": None,
                "shipments": ["S01", "S02"],
            }
        ],
    },
    "links": {"self": "/v1/assignments/0c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5"},
}

PLAN_EXAMPLE = {
    "id": "5e4d3c2b1a0f49e8d7c6b5a4f3e2d1c0",
    "kind": "consolidation",
    "status": "optimal",
    "created_at": "2027-02-27T03:00:00+00:00",
    "result": {
        "status": "optimal",
        "method": "exact",
        "solve": {**SOLVE_EXAMPLE, "solver": "cp-sat", "objective_unit": ""},
        "containers": 2,
        "loaded": 2,
        "unloaded": 0,
        "plans": [
            {
                "departure_id": "BAX-DUI-0302",
                "date": "2027-03-02",
                "destinations": ["DEDUI"],
                "containers": 2,
                "wagons_used": 2,
                "wagons": [
                    {
                        "position": 1,
                        "wagon_type": "NX70A",
                        "slot_pattern": "1x40",
                        "containers": ["MSKU0000001"],
                        "teu": 2,
                    }
                ],
            }
        ],
        "unassigned": [],
    },
    "links": {"self": "/v1/consolidation/plans/5e4d3c2b1a0f49e8d7c6b5a4f3e2d1c0"},
}


def _summary(example: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in example.items() if k != "result"}


SYNC_HELP = (
    "Solve inside this request and answer 201 with the stored run (for small inputs: the time "
    "limit is then at most the service's `max_solve_s`). By default the work is queued as a job: "
    "202 with the job, to poll at `links.self`."
)
Sync = Annotated[bool, Query(description=SYNC_HELP)]


def _queued_or_solved(
    ctx: ServiceContext,
    principal: Principal,
    kind: runs.RunKind,
    request: dict[str, Any],
    solve: Callable[[], dict[str, Any]] | None,
    idem: Idempotency | None,
    slots: ComputeSlots,
) -> JSONResponse:
    """201 with the run solved now (``solve``, holding a compute slot), or 202 with the job
    queued for it."""
    if solve is not None:
        now = solve

        def run() -> dict[str, Any]:
            with slots.hold():
                return runs.run_now(ctx, principal, kind, request, now, idem)

        return answer(ctx, idem, run, status=lambda _: 201)
    return answer(
        ctx,
        idem,
        lambda: jobs.submit(ctx, principal, kind, request, idem),
        status=lambda _: 202,
        headers=lambda job: {"Location": job["links"]["self"]},
    )


def _job_responses(example: dict[str, Any], *errors: int) -> dict[int | str, dict[str, Any]]:
    return {
        **responses(JOB_EXAMPLE | {"kind": example["kind"]}, *errors, status=202,
                    description="Queued as a job"),
        201: {
            "model": RunOut,
            "description": "Solved now (`sync=true`)",
            "content": {"application/json": {"example": example}},
        },
    }  # fmt: skip


@router.post(
    "/assignments",
    status_code=202,
    response_model=JobOut,
    summary="Assign many shipments to departures under shared capacity",
    description="Each shipment takes one of its legal candidate paths (from the customs-aware "
    "route search) or is left unassigned at a penalty; every dated departure's space is shared "
    "(by default the space left after this service's bookings), and departures with a minimum "
    "load run only if it is met (MIP, SCIP by default). Reports each shipment's path, each "
    "departure's load and utilisation, why a shipment is unassigned, and the LP dual value of "
    "each binding departure's capacity. The request is checked at once (422 names each bad "
    "field); then 202 with the queued job (its result, once it succeeded, at "
    "`/v1/assignments/{id}`), or with `sync=true` 201 with the stored run, whatever the solver "
    "status.",
    responses=_job_responses(ASSIGNMENT_EXAMPLE, *AUTH, 404, 413, 422),
)
def create_assignment(
    principal: PlannerOrOperator,
    ctx: ContextDep,
    loaded: NetworkDep,
    body: AssignmentIn,
    idem: IdempotencyDep,
    slots: ComputeDep,
    sync: Sync = False,
) -> JSONResponse:
    _, solve = prepare_assignment(ctx, loaded, body, job=not sync)
    request = body.model_dump(mode="json")
    return _queued_or_solved(
        ctx, principal, runs.ASSIGNMENT, request, solve if sync else None, idem, slots
    )


@router.get(
    "/assignments",
    response_model=Page[RunSummaryOut],
    summary="Your assignment runs, newest first",
    responses=responses(page_example(_summary(ASSIGNMENT_EXAMPLE)), *AUTH),
)
def list_assignments(
    principal: PlannerOrOperator, ctx: ContextDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    return runs.list_runs(ctx, principal, runs.ASSIGNMENT, limit, offset)


@router.get(
    "/assignments/{run_id}",
    response_model=RunOut,
    summary="A stored assignment run",
    description="Your tenant's runs only; another tenant's run is 404.",
    responses=responses(ASSIGNMENT_EXAMPLE, *AUTH, 404),
)
def get_assignment(principal: PlannerOrOperator, ctx: ContextDep, run_id: RunId) -> dict[str, Any]:
    return runs.get_run(ctx, principal, runs.ASSIGNMENT, run_id)


@router.post(
    "/consolidation/plans",
    status_code=202,
    response_model=JobOut,
    summary="Plan train loads: containers to departures and wagon slots",
    description="CP-SAT over containers x departures x wagon slots: slot lengths and wagon "
    "payloads, train weight and length limits, dangerous goods of conflicting classes at least "
    "one wagon apart, containers grouped by destination block, only export-cleared containers, "
    "never before ready or after the deadline. Maximises loaded TEU (priority-weighted), then "
    "minimises waiting days, then wagons used. The request is checked at once (422); then 202 "
    "with the queued job (its plan at `/v1/consolidation/plans/{id}` once it succeeded), or "
    "with `sync=true` 201 with the stored plan whatever the solver status; containers not "
    "loaded are listed with their reasons.",
    responses=_job_responses(PLAN_EXAMPLE, *AUTH, 413, 422),
)
def create_plan(
    principal: Operator,
    ctx: ContextDep,
    body: ConsolidationIn,
    idem: IdempotencyDep,
    slots: ComputeDep,
    sync: Sync = False,
) -> JSONResponse:
    _, solve = prepare_consolidation(ctx, body, job=not sync)
    request = body.model_dump(mode="json")
    return _queued_or_solved(
        ctx, principal, runs.CONSOLIDATION, request, solve if sync else None, idem, slots
    )


@router.get(
    "/consolidation/plans",
    response_model=Page[RunSummaryOut],
    summary="Your train load plans, newest first",
    responses=responses(page_example(_summary(PLAN_EXAMPLE)), *AUTH),
)
def list_plans(
    principal: Operator, ctx: ContextDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    return runs.list_runs(ctx, principal, runs.CONSOLIDATION, limit, offset)


@router.get(
    "/consolidation/plans/{run_id}",
    response_model=RunOut,
    summary="A stored train load plan",
    description="Your tenant's plans only; another tenant's plan is 404.",
    responses=responses(PLAN_EXAMPLE, *AUTH, 404),
)
def get_plan(principal: Operator, ctx: ContextDep, run_id: RunId) -> dict[str, Any]:
    return runs.get_run(ctx, principal, runs.CONSOLIDATION, run_id)
