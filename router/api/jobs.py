"""The job kinds the service runs, and how each solves its stored request.

A job keeps the caller's request body as given (JSON); the handler validates it again with the
same request model, converts it, and solves it. The route checks the same conversion before
queueing, so a request that cannot run is refused at once (422) instead of failing later.
Both the embedded worker (:func:`router.api.app.create_app`) and ``router worker`` use these
handlers.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

from router.api.optimise_convert import assignment_inputs, consolidation_inputs
from router.api.optimise_schemas import AssignmentIn, ConsolidationIn
from router.api.scenario_schemas import ScenarioRunIn
from router.optimise.assign import check_assignment
from router.optimise.consolidation.eligibility import check_input
from router.scenarios.engines import EngineOptions
from router.services import runs, scenarios
from router.services.context import LoadedNetwork, ServiceContext
from router.services.worker import JobHandler, JobWork, JobWorker

#: a prepared solve: its time limit (seconds) and the call that solves it
Prepared = tuple[float, Callable[[], dict[str, Any]]]


def _requested_s(ctx: ServiceContext, body: AssignmentIn | ConsolidationIn, job: bool) -> float:
    """The time limit asked for; when none is, the default (10 s) or this service's limit if
    that is lower (so a request leaving it out is never refused for it)."""
    if "time_limit_s" in body.model_fields_set:
        return body.time_limit_s
    return min(body.time_limit_s, runs.solve_limit_s(ctx, job=job))


def prepare_assignment(
    ctx: ServiceContext, loaded: LoadedNetwork, body: AssignmentIn, *, job: bool
) -> Prepared:
    """Check and convert an assignment request (InvalidRequestError names each bad field)."""
    inputs = assignment_inputs(body, runs.time_limit(ctx, _requested_s(ctx, body, job), job=job))
    check_assignment(
        loaded.compiled,
        inputs.shipments,
        inputs.min_loads,
        inputs.capacities,
        inputs.supplies,
        inputs.shared_boxes,
        inputs.options,
    )

    def solve() -> dict[str, Any]:
        return runs.solve_assignment(
            ctx,
            loaded,
            inputs.shipments,
            min_loads=inputs.min_loads,
            capacities=inputs.capacities,
            supplies=inputs.supplies,
            shared_boxes=inputs.shared_boxes,
            space=body.space,
            options=inputs.options,
        )

    return inputs.options.time_limit_s, solve


def prepare_consolidation(ctx: ServiceContext, body: ConsolidationIn, *, job: bool) -> Prepared:
    """Check and convert a train load plan request."""
    inputs = consolidation_inputs(body, runs.time_limit(ctx, _requested_s(ctx, body, job), job=job))
    check_input(inputs.containers, inputs.trains)

    def solve() -> dict[str, Any]:
        return runs.solve_consolidation(inputs.containers, inputs.trains, options=inputs.options)

    return inputs.options.time_limit_s, solve


def _run(work: JobWork, prepared: Prepared, what: str) -> dict[str, Any]:
    time_limit_s, solve = prepared
    work.progress.checkpoint()
    work.progress.expect(time_limit_s, f"solving the {what}")
    result = solve()
    work.progress.checkpoint()
    work.progress.stage(0.97, "storing the result")
    return result


def assignment_job(work: JobWork) -> dict[str, Any]:
    work.progress.stage(0.01, "reading the request")
    body = AssignmentIn.model_validate(work.request)
    return _run(work, prepare_assignment(work.ctx, work.loaded, body, job=True), "assignment")


def consolidation_job(work: JobWork) -> dict[str, Any]:
    work.progress.stage(0.01, "reading the request")
    body = ConsolidationIn.model_validate(work.request)
    return _run(work, prepare_consolidation(work.ctx, body, job=True), "train load plan")


def prepare_scenario(
    ctx: ServiceContext, loaded: LoadedNetwork, body: ScenarioRunIn, tenant: str
) -> scenarios.RunInputs:
    """Check a scenario run before it is queued: every spec (all problems at once), the demand
    (bundled or the tenant's upload), the selection and the service's size limit."""
    workers = ctx.settings.scenario_workers or None
    return scenarios.prepare_run(
        loaded.network,
        ctx.settings.data_dir,
        body.scenarios,
        body.demand,
        spec_texts=body.specs,
        capacity=body.capacity,
        engine=EngineOptions("local", workers=workers),
        time_limit_s=body.time_limit_s,
        select=body.select,
        limit=body.limit,
        uploads=scenarios.uploads_dir(ctx, tenant),
        max_shipments=ctx.settings.max_scenario_shipments,
    )


def scenario_job(work: JobWork) -> dict[str, Any]:
    """Run a scenario job into the tenant's run folder (emptied first: a job lost with its
    worker starts again from nothing)."""
    work.progress.stage(0.01, "checking the scenarios and the demand")
    body = ScenarioRunIn.model_validate(work.request)
    inputs = prepare_scenario(work.ctx, work.loaded, body, work.tenant)
    out_dir = scenarios.run_dir(work.ctx, work.tenant, work.job_id)
    shutil.rmtree(out_dir, ignore_errors=True)

    def report(fraction: float, message: str) -> None:
        work.progress.checkpoint()
        work.progress.stage(0.02 + 0.95 * fraction, message)

    manifest = scenarios.execute(inputs, out_dir, report)
    work.progress.stage(0.98, "storing the result")
    return scenarios.scenario_result(manifest, out_dir)


HANDLERS: dict[str, JobHandler] = {
    runs.ASSIGNMENT: assignment_job,
    runs.CONSOLIDATION: consolidation_job,
    runs.SCENARIO: scenario_job,
}


def make_worker(ctx: ServiceContext, name: str | None = None) -> JobWorker:
    """A worker for every job kind of the service."""
    return JobWorker(ctx, HANDLERS, name=name)
