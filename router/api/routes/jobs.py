"""Jobs: long work (assignments, train load plans) submitted with 202 and run by a worker; poll
its state and progress, read its result once it succeeded, cancel it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path

from router.api.deps import ContextDep, Limit, Offset, PrincipalDep
from router.api.docs import AUTH, page_example, responses
from router.api.optimise_schemas import JobOut, JobStatus
from router.api.schemas import ID_PATTERN, Page
from router.services import jobs

router = APIRouter(tags=["jobs"])

JobId = Annotated[
    str, Path(max_length=64, pattern=ID_PATTERN, examples=["9a8b7c6d5e4f43a2b1c0d9e8f7a6b5c4"])
]

JOB_EXAMPLE = {
    "id": "9a8b7c6d5e4f43a2b1c0d9e8f7a6b5c4",
    "kind": "assignment",
    "status": "running",
    "progress": 0.42,
    "message": "solving the assignment: 4 s of the 10 s time limit used",
    "error": None,
    "attempt": 1,
    "cancel_requested": False,
    "created_at": "2027-02-27T03:00:00+00:00",
    "started_at": "2027-02-27T03:00:01+00:00",
    "finished_at": None,
    "result_id": None,
    "links": {
        "self": "/v1/jobs/9a8b7c6d5e4f43a2b1c0d9e8f7a6b5c4",
        "cancel": "/v1/jobs/9a8b7c6d5e4f43a2b1c0d9e8f7a6b5c4/cancel",
    },
}


@router.get(
    "/jobs",
    response_model=Page[JobOut],
    summary="Your jobs, newest first",
    responses=responses(page_example(JOB_EXAMPLE), *AUTH),
)
def list_jobs(
    principal: PrincipalDep,
    ctx: ContextDep,
    status: JobStatus | None = None,
    kind: Literal["assignment", "consolidation"] | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    return jobs.list_jobs(ctx, principal, status=status, kind=kind, limit=limit, offset=offset)


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="A job's state and progress",
    description="`status` is `queued`, `running`, `succeeded`, `failed` (see `error`) or "
    "`cancelled`; `links.result` points to the stored run once it succeeded. Your tenant's jobs "
    "only; another tenant's job is 404.",
    responses=responses(JOB_EXAMPLE, *AUTH, 404),
)
def get_job(principal: PrincipalDep, ctx: ContextDep, job_id: JobId) -> dict[str, Any]:
    return jobs.get_job(ctx, principal, job_id)


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobOut,
    summary="Cancel a job",
    description="A queued job is cancelled at once. A running job is asked to stop: it ends as "
    "`cancelled` at its worker's next checkpoint, at the latest when its solver's time limit "
    "runs out (the solvers cannot be interrupted mid-solve), and its result is not kept. A "
    "finished job is returned unchanged.",
    responses=responses(
        {**JOB_EXAMPLE, "cancel_requested": True, "message": "cancelling"}, *AUTH, 404
    ),
)
def cancel_job(principal: PrincipalDep, ctx: ContextDep, job_id: JobId) -> dict[str, Any]:
    return jobs.cancel_job(ctx, principal, job_id)
