"""Jobs: long work (assignments, train load plans) submitted now and run by a worker
(:mod:`router.services.worker`), with its state, progress and outcome kept in the database.

A job's life: ``queued`` -> ``running`` -> ``succeeded`` (its result is a stored optimisation
run, linked from the job), ``failed`` (with the reason), or ``cancelled``. A job whose worker
died is queued again, or failed with the reason once it has used its attempts
(``Settings.job_max_attempts``); none stays ``running`` for ever.
"""

from __future__ import annotations

from typing import Any

from router.services import idempotency
from router.services.auth import Principal
from router.services.context import ServiceContext
from router.services.idempotency import Idempotency
from router.services.paging import page
from router.services.runs import PATHS, SCENARIO
from router.store import jobs as repo
from router.store.models import JOB_KINDS, JOB_STATES, Job

KINDS = JOB_KINDS
STATES = JOB_STATES
FINISHED = frozenset({"succeeded", "failed", "cancelled"})


def job_out(job: Job) -> dict[str, Any]:
    """A job as the API and the CLI show it (times ISO 8601 UTC, progress 0-1)."""
    links = {"self": f"/v1/jobs/{job.id}", "cancel": f"/v1/jobs/{job.id}/cancel"}
    result = None
    if job.run_id is not None:
        # a scenario run is read by its job's id (its status, progress and files in one place)
        result = f"{PATHS[job.kind]}/{job.id if job.kind == SCENARIO else job.run_id}"
        links["result"] = result
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": round(job.progress, 4),
        "message": job.message,
        "error": job.error,
        "attempt": job.attempt,
        "cancel_requested": job.cancel_requested,
        "created_at": job.created_at.isoformat(),
        "started_at": None if job.started_at is None else job.started_at.isoformat(),
        "finished_at": None if job.finished_at is None else job.finished_at.isoformat(),
        "result_id": job.run_id,
        "links": links,
    }


def submit(
    ctx: ServiceContext,
    principal: Principal,
    kind: str,
    request: dict[str, Any],
    idem: Idempotency | None = None,
) -> dict[str, Any]:
    """Queue a job of ``kind`` (its ``request`` already validated by the caller); with
    ``idem``, a retry with the same key gets this job again instead of a new one."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    with ctx.db.write() as session:
        idempotency.claim(session, idem)
        job = repo.submit(
            session,
            kind=kind,
            tenant=principal.tenant,
            api_key_id=principal.key_id,
            request=request,
        )
        return idempotency.remember(session, idem, job_out(job))


def get_job(ctx: ServiceContext, principal: Principal, job_id: str) -> dict[str, Any]:
    """One of the caller's jobs (another tenant's is not found)."""
    with ctx.db.read() as session:
        return job_out(repo.get(session, job_id, principal.tenant_scope))


def list_jobs(
    ctx: ServiceContext,
    principal: Principal,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """One page of the caller's jobs, newest first."""
    with ctx.db.read() as session:
        rows, total = repo.list_jobs(
            session, principal.tenant_scope, status=status, kind=kind, limit=limit, offset=offset
        )
        items = [job_out(j) for j in rows]
    return page(items, total, limit, offset)


def cancel_job(ctx: ServiceContext, principal: Principal, job_id: str) -> dict[str, Any]:
    """Cancel a queued job at once, or ask a running one to stop; a finished job is unchanged."""
    return ctx.db.write_retrying(
        lambda session: job_out(repo.cancel(session, job_id, principal.tenant_scope))
    )
