"""Use cases of the optimisation endpoints: batch assignment and train load planning.

Like :mod:`router.api.services`: plain synchronous functions (CPU-bound; the routes run them in
FastAPI's thread pool). Input rows go through the same readers as the CLI's CSV files; each run is
stored with its request and result, owned by the caller's tenant.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from router.api.optimise_schemas import (
    AssignmentIn,
    ConsolidationIn,
    records,
    shipment_records,
)
from router.api.security import Principal
from router.api.services import page
from router.api.state import ServiceState
from router.errors import InvalidRequestError
from router.network.model import Network
from router.optimise.assign import AssignmentOptions, assign_shipments
from router.optimise.consolidation import ConsolidationOptions, consolidate
from router.optimise.io import (
    capacities_from_records,
    containers_from_records,
    min_loads_from_records,
    shipments_from_records,
    trains_from_records,
)
from router.store import repositories as repo
from router.store.capacity import CapacityView
from router.store.models import OptimisationRun

ASSIGNMENT = "assignment"
CONSOLIDATION = "consolidation"
PATHS = {ASSIGNMENT: "/v1/assignments", CONSOLIDATION: "/v1/consolidation/plans"}


def _time_limit(state: ServiceState, requested: float) -> float:
    limit = state.settings.max_solve_s
    if requested > limit:
        raise InvalidRequestError("time_limit_s", f"at most {limit:g} s on this service")
    return requested


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


def _save(
    state: ServiceState,
    principal: Principal,
    kind: str,
    request: dict[str, Any],
    result: dict[str, Any],
) -> dict[str, Any]:
    with state.db.write() as session:
        row = repo.save_run(
            session,
            kind=kind,
            tenant=principal.tenant,
            api_key_id=principal.key_id,
            status=result["status"],
            request=request,
            result=result,
        )
        return run_out(row)


def run_assignment(
    state: ServiceState, network: Network, principal: Principal, body: AssignmentIn
) -> dict[str, Any]:
    """Assign the shipments under the space left on each departure; store and return the run."""
    time_limit_s = _time_limit(state, body.time_limit_s)
    shipments = shipments_from_records(shipment_records(body.shipments), "shipments", 0)
    rules = (
        min_loads_from_records(records(body.min_loads), "min_loads", 0) if body.min_loads else []
    )
    overrides = (
        capacities_from_records(records(body.capacities), "capacities", 0)
        if body.capacities
        else None
    )
    capacity = None
    if body.space == "live":
        since = min(s.request.ready for s in shipments).astimezone(UTC) - timedelta(days=1)
        with state.db.read() as session:
            capacity = CapacityView(network, repo.booked_departures(session, since))
    cn = state.compiled
    assert cn is not None and cn.network is network
    result = assign_shipments(
        cn,
        shipments,
        capacity=capacity,
        capacities=overrides,
        min_loads=rules,
        options=AssignmentOptions(
            time_limit_s=time_limit_s,
            seed=body.seed,
            backend=body.backend,
            keep_existing=body.keep_existing,
        ),
    )
    document = {**result.to_dict(), "space": body.space}
    return _save(state, principal, ASSIGNMENT, body.model_dump(mode="json"), document)


def run_consolidation(
    state: ServiceState, principal: Principal, body: ConsolidationIn
) -> dict[str, Any]:
    """Plan the train loads; store and return the run."""
    time_limit_s = _time_limit(state, body.time_limit_s)
    containers = containers_from_records(records(body.containers), "containers", 0)
    trains = trains_from_records(records(body.trains), "trains", 0)
    result = consolidate(
        containers,
        trains,
        ConsolidationOptions(
            time_limit_s=time_limit_s,
            seed=body.seed,
            method=body.method,
            require_all=body.require_all,
        ),
    )
    return _save(state, principal, CONSOLIDATION, body.model_dump(mode="json"), result.to_dict())


def get_run(state: ServiceState, principal: Principal, kind: str, run_id: str) -> dict[str, Any]:
    with state.db.read() as session:
        return run_out(repo.get_run(session, kind, run_id, principal.tenant_scope))


def list_runs(
    state: ServiceState, principal: Principal, kind: str, limit: int, offset: int
) -> dict[str, Any]:
    """The caller's runs of ``kind``, newest first (summaries without the result)."""
    with state.db.read() as session:
        rows, total = repo.list_runs(
            session, kind, principal.tenant_scope, limit=limit, offset=offset
        )
        items = [run_summary(r) for r in rows]
    return page(items, total, limit, offset)
