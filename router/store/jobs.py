"""Database operations on jobs: submit, read, list, cancel, and the worker's side (claim the
oldest queued job, report progress, finish, re-queue the jobs of workers that stopped).

Every change of state is one conditional ``UPDATE ... WHERE status = ... [AND worker = ...]``
whose row count says whether it applied, so a worker that lost its job (re-queued after it went
silent, or cancelled meanwhile) cannot overwrite what happened since. Claiming locks the oldest
queued row with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers share one queue
without waiting on each other; SQLite has one writer at a time (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from router.errors import NotFoundError
from router.store.models import Job, utcnow
from router.store.repositories import newest_first

#: messages of the states a job enters without a worker's word
QUEUED_MESSAGE = "waiting for a worker"


def submit(
    session: Session, *, kind: str, tenant: str, api_key_id: int | None, request: dict[str, Any]
) -> Job:
    """A new queued job."""
    job = Job(
        id=uuid.uuid4().hex,
        kind=kind,
        tenant=tenant,
        api_key_id=api_key_id,
        status="queued",
        progress=0.0,
        message=QUEUED_MESSAGE,
        request=request,
        attempt=0,
        cancel_requested=False,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: str, tenant: str | None) -> Job:
    """The job, if ``tenant`` may see it (None: any tenant); others' jobs are 'not found'."""
    query = select(Job).where(Job.id == job_id)
    if tenant is not None:
        query = query.where(Job.tenant == tenant)
    job = session.scalars(query).one_or_none()
    if job is None:
        raise NotFoundError("job", job_id)
    return job


def list_jobs(
    session: Session,
    tenant: str | None,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Job], int]:
    """One page of jobs, newest first, and how many match."""
    where = []
    if tenant is not None:
        where.append(Job.tenant == tenant)
    if status is not None:
        where.append(Job.status == status)
    if kind is not None:
        where.append(Job.kind == kind)
    return newest_first(session, Job, where, limit, offset)


def _apply(session: Session, job_id: str, where: Sequence[Any], **values: Any) -> bool:
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, *where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def cancel(session: Session, job_id: str, tenant: str | None) -> Job:
    """Cancel a job: a queued one at once; a running one is asked to stop (its worker ends it
    as ``cancelled`` when it next reports). A finished job is left as it is."""
    job = get(session, job_id, tenant)
    now = utcnow()
    if not _apply(
        session,
        job.id,
        [Job.status == "queued"],
        status="cancelled",
        message="cancelled before it started",
        finished_at=now,
        cancel_requested=True,
    ):
        _apply(
            session,
            job.id,
            [Job.status == "running"],
            cancel_requested=True,
            message="cancelling: the worker stops it at its next checkpoint",
        )
    session.refresh(job)
    return job


# ------------------------------------------------------------------------------ the worker
def any_queued(session: Session, kinds: Sequence[str]) -> bool:
    """Whether a job of ``kinds`` waits (a cheap read before taking the write lock to claim)."""
    found = session.scalar(
        select(Job.id).where(Job.status == "queued", Job.kind.in_(list(kinds))).limit(1)
    )
    return found is not None


def claim(session: Session, worker: str, kinds: Sequence[str]) -> Job | None:
    """Take the oldest queued job of ``kinds`` for ``worker`` (None if there is none)."""
    candidate = session.scalars(
        select(Job)
        .where(Job.status == "queued", Job.kind.in_(list(kinds)))
        .order_by(Job.created_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).one_or_none()
    if candidate is None:
        return None
    now = utcnow()
    if not _apply(
        session,
        candidate.id,
        [Job.status == "queued"],
        status="running",
        worker=worker,
        attempt=candidate.attempt + 1,
        started_at=now,
        heartbeat_at=now,
        message="started",
    ):
        return None
    session.refresh(candidate)
    return candidate


@dataclass(frozen=True, slots=True)
class Beat:
    """What a worker learns when it reports: whether it still holds the job, and whether the job
    was asked to stop."""

    held: bool
    cancel_requested: bool


def heartbeat(session: Session, job_id: str, worker: str, progress: float, message: str) -> Beat:
    """Record a running job's progress (0-1) and message, if ``worker`` still holds it."""
    held = _apply(
        session,
        job_id,
        [Job.status == "running", Job.worker == worker],
        progress=min(1.0, max(0.0, progress)),
        message=message[:2000],
        heartbeat_at=utcnow(),
    )
    if not held:
        return Beat(False, False)
    requested = session.scalar(select(Job.cancel_requested).where(Job.id == job_id))
    return Beat(True, bool(requested))


def finish(
    session: Session,
    job_id: str,
    worker: str,
    status: str,
    *,
    message: str,
    run_id: str | None = None,
    error: str | None = None,
) -> bool:
    """End a running job held by ``worker`` as ``status`` (succeeded, failed or cancelled);
    False, changing nothing, when the worker no longer holds it."""
    return _apply(
        session,
        job_id,
        [Job.status == "running", Job.worker == worker],
        status=status,
        message=message[:2000],
        run_id=run_id,
        error=None if error is None else error[:4000],
        progress=1.0 if status == "succeeded" else Job.progress,
        finished_at=utcnow(),
    )


def requeue(session: Session, job_id: str, worker: str, message: str) -> bool:
    """Give a running job held by ``worker`` back to the queue (the worker is shutting down)."""
    return _apply(
        session,
        job_id,
        [Job.status == "running", Job.worker == worker],
        status="queued",
        worker=None,
        progress=0.0,
        message=message,
    )


def recover_stale(
    session: Session, *, stale_after: timedelta, max_attempts: int, now: datetime | None = None
) -> list[tuple[str, str]]:
    """Running jobs whose worker has not reported for ``stale_after`` (it crashed or was
    killed): queued again while they have attempts left, failed with the reason otherwise.

    Returns ``(job id, new status)`` of each job recovered.
    """
    now = now or utcnow()
    stale = session.scalars(
        select(Job)
        .where(Job.status == "running", Job.heartbeat_at < now - stale_after)
        .order_by(Job.created_at)
        .with_for_update(skip_locked=True)
    ).all()
    out = []
    for job in stale:
        silent = f"worker {job.worker} stopped reporting during attempt {job.attempt}"
        seen = [Job.status == "running", Job.heartbeat_at == job.heartbeat_at]
        if job.cancel_requested:
            done = _apply(
                session, job.id, seen, status="cancelled", message=f"cancelled ({silent})",
                finished_at=now,
            )  # fmt: skip
            status = "cancelled"
        elif job.attempt < max_attempts:
            done = _apply(
                session, job.id, seen, status="queued", worker=None, progress=0.0,
                message=f"queued again: {silent}",
            )  # fmt: skip
            status = "queued"
        else:
            reason = f"{silent}; not retried after {job.attempt} attempt(s)"
            done = _apply(
                session, job.id, seen, status="failed", message="failed", error=reason,
                finished_at=now,
            )  # fmt: skip
            status = "failed"
        if done:
            out.append((job.id, status))
    return out
