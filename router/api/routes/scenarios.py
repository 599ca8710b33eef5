"""Scenario runs for planners (DESIGN.md §7): submit a run of bundled or inline scenarios
against a bundled or uploaded demand table as a job, follow it, read its KPIs and download its
tables, charts, maps and report. Tenants see their own runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, JSONResponse

from router.api.deps import ContextDep, Limit, NetworkDep, Offset, require_roles
from router.api.docs import AUTH, page_example, responses
from router.api.idempotent import IdempotencyDep, answer
from router.api.jobs import prepare_scenario
from router.api.optimise_schemas import JobOut
from router.api.routes.jobs import JOB_EXAMPLE
from router.api.scenario_schemas import (
    BundledScenarioOut,
    DemandUploadOut,
    ScenarioRunIn,
    ScenarioRunOut,
)
from router.api.schemas import ID_PATTERN, Page
from router.scenarios.spec import bundled_scenarios, read_scenario
from router.services import jobs, runs, scenarios
from router.services.auth import Principal, Role

router = APIRouter(tags=["scenarios"])

Planner = Annotated[Principal, Depends(require_roles(Role.PLANNER))]
RunId = Annotated[
    str, Path(max_length=64, pattern=ID_PATTERN, examples=["9a8b7c6d5e4f43a2b1c0d9e8f7a6b5c4"])
]
FileName = Annotated[
    str,
    Path(
        max_length=200,
        pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$",
        examples=["report.html", "baseline/shipments.parquet"],
    ),
]
SCENARIO_JOB = JOB_EXAMPLE | {
    "kind": "scenario",
    "message": "bay-area-express-double: 40,000 of 100,000 shipments routed",
}
MEDIA = {
    ".parquet": "application/vnd.apache.parquet",
    ".png": "image/png",
    ".html": "text/html",
    ".json": "application/json",
}


@router.get(
    "/scenarios/bundled",
    response_model=list[BundledScenarioOut],
    summary="The scenarios shipped with the service",
    responses=responses([], *AUTH),
)
def list_bundled(principal: Planner, ctx: ContextDep) -> list[dict[str, Any]]:
    out = []
    for name, path in bundled_scenarios(ctx.settings.data_dir).items():
        spec = read_scenario(path)
        section = spec.seed.section if spec.seed else None
        out.append(
            {
                "name": name,
                "title": spec.title,
                "description": spec.description,
                "seed_section": None if section is None else str(section),
                "modifications": len(spec.modifications),
            }
        )
    return out


@router.post(
    "/scenarios",
    status_code=202,
    response_model=JobOut,
    summary="Run scenarios against the baseline on a demand table (a job)",
    description="Each scenario's modifications are applied to a copy of the bundled network, "
    "the demand is routed on the baseline and on each scenario (every shipment takes the route "
    "its quote recommends, or, with `capacity`, the batch assignment over the departures' "
    "space), and KPIs, charts, flow maps and an offline HTML report are written. Everything is "
    "checked before the job is queued: 422 lists every problem of every spec (file, line, "
    "field) and every bad demand row. Then 202 with the job; follow it at "
    "`/v1/scenarios/{id}`.",
    responses=responses(SCENARIO_JOB, *AUTH, 404, 413, 422, status=202, description="Queued"),
)
def create_scenario_run(
    principal: Planner,
    ctx: ContextDep,
    loaded: NetworkDep,
    body: ScenarioRunIn,
    idem: IdempotencyDep,
) -> JSONResponse:
    if body.capacity:
        # the capacity-aware solve is a job's solve: within this service's limit for jobs,
        # and a request leaving the limit out gets the default or the service's limit if lower
        if "time_limit_s" in body.model_fields_set:
            runs.time_limit(ctx, body.time_limit_s, job=True)
        else:
            limit_s = min(body.time_limit_s, runs.solve_limit_s(ctx, job=True))
            body = body.model_copy(update={"time_limit_s": limit_s})
    prepare_scenario(ctx, loaded, body, principal.tenant)
    request = body.model_dump(mode="json")
    return answer(
        ctx,
        idem,
        lambda: jobs.submit(ctx, principal, runs.SCENARIO, request, idem),
        status=lambda _: 202,
        headers=lambda job: {"Location": f"/v1/scenarios/{job['id']}"},
        shape=lambda job: {**job, "links": {**job["links"], "self": f"/v1/scenarios/{job['id']}"}},
    )


@router.post(
    "/scenarios/demand",
    status_code=201,
    response_model=DemandUploadOut,
    summary="Upload a demand table (CSV or Parquet) for your scenario runs",
    description="The body is the file itself (`Content-Type: text/csv` or "
    "`application/vnd.apache.parquet`), in the format of docs/demand.md. Every bad row is "
    "reported at once (422 with row and column). Use the returned id as `demand` of a run.",
    responses=responses({"id": "upload:" + "0" * 32, "rows": 2, "columns": []}, *AUTH, 413, 422,
                        status=201, description="Stored"),
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string", "minLength": 1}},
        "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
    }}},
)  # fmt: skip
async def upload_demand(
    principal: Planner, ctx: ContextDep, loaded: NetworkDep, request: Request
) -> JSONResponse:
    content = await request.body()
    kind = request.headers.get("content-type", "")
    out = scenarios.upload_demand(ctx, principal, content, kind, loaded.network)
    return JSONResponse(out, status_code=201)


@router.get(
    "/scenarios",
    response_model=Page[JobOut],
    summary="Your scenario runs, newest first",
    description="Each run's job (status, progress); read a run at `/v1/scenarios/{id}`.",
    responses=responses(page_example(SCENARIO_JOB), *AUTH),
)
def list_scenario_runs(
    principal: Planner,
    ctx: ContextDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    listed = jobs.list_jobs(ctx, principal, kind=runs.SCENARIO, limit=limit, offset=offset)
    for job in listed["items"]:
        job["links"]["self"] = f"/v1/scenarios/{job['id']}"
    return listed


@router.get(
    "/scenarios/{run_id}",
    response_model=ScenarioRunOut,
    summary="A scenario run: status, progress, KPIs and files",
    description="Your tenant's runs only. Once it succeeded: `result.kpis` (totals per run), "
    "`result.manifest` (what ran on what), `stale` (the base data changed since the run) and "
    "`files` (downloads).",
    responses=responses(SCENARIO_JOB, *AUTH, 404),
)
def get_scenario_run(principal: Planner, ctx: ContextDep, run_id: RunId) -> dict[str, Any]:
    return scenarios.get_scenario_run(ctx, principal, run_id)


@router.get(
    "/scenarios/{run_id}/files/{name:path}",
    summary="Download a file of a finished scenario run",
    description="Names as listed in the run's `files`: `report.html`, `<run>/shipments.parquet`, "
    "`<run>/legs.parquet`, KPI tables, charts and flow maps.",
    responses={**responses(None, *AUTH, 404), 200: {"description": "The file"}},
)
def get_scenario_file(
    principal: Planner, ctx: ContextDep, run_id: RunId, name: FileName
) -> FileResponse:
    path = scenarios.scenario_file(ctx, principal, run_id, name)
    media = MEDIA.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, filename=path.name)
