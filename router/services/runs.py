"""Optimisation runs: batch assignment of shipments to departures and train load plans, solved
within the service's time limit and stored with their request and result for the caller's
tenant.

The inputs are the optimisers' own dataclasses (the API builds them from its request models, the
CLI from CSV files); ``request`` is the caller's request as a JSON document, stored as given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from sqlalchemy.orm import Session

from router.errors import InvalidRequestError
from router.network.timetable import DepartureKey
from router.optimise.assign import (
    AssignmentOptions,
    MinLoad,
    SharedBoxes,
    Shipment,
    assign_shipments,
)
from router.optimise.consolidation import (
    BookedContainer,
    ConsolidationOptions,
    TrainDeparture,
    consolidate,
)
from router.services import idempotency
from router.services.auth import Principal
from router.services.capacity import CapacityView, live_capacity
from router.services.context import LoadedNetwork, ServiceContext
from router.services.idempotency import Idempotency
from router.services.paging import page
from router.store import repositories as repo
from router.store.models import OptimisationRun

RunKind = Literal["assignment", "consolidation", "scenario"]
ASSIGNMENT: RunKind = "assignment"
CONSOLIDATION: RunKind = "consolidation"
SCENARIO: RunKind = "scenario"
PATHS: dict[str, str] = {
    ASSIGNMENT: "/v1/assignments",
    CONSOLIDATION: "/v1/consolidation/plans",
    SCENARIO: "/v1/scenarios",
}
#: ``live``: departures' capacity less this service's bookings; ``schedule``: full capacity
Space = Literal["live", "schedule"]


def solve_limit_s(ctx: ServiceContext, *, job: bool) -> float:
    """This service's longest solver time limit, seconds: ``max_job_solve_s`` for a job,
    ``max_solve_s`` for a solve inside the request."""
    return ctx.settings.max_job_solve_s if job else ctx.settings.max_solve_s


def time_limit(ctx: ServiceContext, requested_s: float, *, job: bool = False) -> float:
    """``requested_s`` if within this service's longest solve (:func:`solve_limit_s`)."""
    limit = solve_limit_s(ctx, job=job)
    if requested_s > limit:
        where = "in a job" if job else "inside a request (submit a job for longer solves)"
        raise InvalidRequestError("time_limit_s", f"at most {limit:g} s {where} on this service")
    return requested_s


def run_summary(row: OptimisationRun) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "links": {"self": f"{PATHS[row.kind]}/{row.id}"},
    }


def run_out(row: OptimisationRun) -> dict[str, Any]:
    return {**run_summary(row), "result": row.result}


def store_run(
    session: Session,
    principal_tenant: str,
    api_key_id: int | None,
    kind: RunKind,
    request: dict[str, Any],
    result: dict[str, Any],
) -> OptimisationRun:
    """Store a run's request and result for the tenant (inside the caller's transaction)."""
    return repo.save_run(
        session,
        kind=kind,
        tenant=principal_tenant,
        api_key_id=api_key_id,
        status=result["status"],
        request=request,
        result=result,
    )


def _save(
    ctx: ServiceContext,
    principal: Principal,
    kind: RunKind,
    request: dict[str, Any],
    result: dict[str, Any],
    idem: Idempotency | None = None,
) -> dict[str, Any]:
    with ctx.db.write() as session:
        idempotency.claim(session, idem)
        row = store_run(session, principal.tenant, principal.key_id, kind, request, result)
        return idempotency.remember(session, idem, run_out(row))


def solve_assignment(
    ctx: ServiceContext,
    loaded: LoadedNetwork,
    shipments: Sequence[Shipment],
    *,
    min_loads: Sequence[MinLoad] = (),
    capacities: Mapping[DepartureKey, float] | None = None,
    supplies: Mapping[str, float] | None = None,
    shared_boxes: Sequence[SharedBoxes] = (),
    space: Space = "live",
    options: AssignmentOptions,
) -> dict[str, Any]:
    """Assign the shipments under the space of each departure (``space``; ``capacities``
    override single departures, TEU or kg for air): the result document, not stored."""
    capacity: CapacityView | None = None
    if space == "live" and shipments:
        since = min(s.request.ready for s in shipments)
        capacity = live_capacity(ctx.db, loaded.network, since)
    result = assign_shipments(
        loaded.compiled,
        shipments,
        capacity=capacity,
        capacities=capacities,
        min_loads=min_loads,
        supplies=supplies,
        shared_boxes=shared_boxes,
        options=options,
    )
    return {**result.to_dict(), "space": space}


def solve_consolidation(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    *,
    options: ConsolidationOptions,
) -> dict[str, Any]:
    """Plan the train loads: the result document, not stored."""
    return consolidate(list(containers), list(trains), options).to_dict()


def run_now(
    ctx: ServiceContext,
    principal: Principal,
    kind: RunKind,
    request: dict[str, Any],
    solve: Callable[[], dict[str, Any]],
    idem: Idempotency | None = None,
) -> dict[str, Any]:
    """Solve now, in the caller's request (the synchronous option), and store the run."""
    return _save(ctx, principal, kind, request, solve(), idem)


def get_run(
    ctx: ServiceContext, principal: Principal, kind: RunKind, run_id: str
) -> dict[str, Any]:
    """One of the caller's runs of ``kind`` (another tenant's is not found)."""
    with ctx.db.read() as session:
        return run_out(repo.get_run(session, kind, run_id, principal.tenant_scope))


def list_runs(
    ctx: ServiceContext, principal: Principal, kind: RunKind, limit: int, offset: int
) -> dict[str, Any]:
    """The caller's runs of ``kind``, newest first (summaries without the result)."""
    with ctx.db.read() as session:
        rows, total = repo.list_runs(
            session, kind, principal.tenant_scope, limit=limit, offset=offset
        )
        items = [run_summary(r) for r in rows]
    return page(items, total, limit, offset)
