"""The job worker on SQLite and PostgreSQL: each job runs once however many workers share the
queue; a job lost with its worker is queued again or failed with the reason; cancel; shutdown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from router.errors import InvalidRequestError, NotFoundError
from router.services import jobs
from router.services.auth import Principal, Role
from router.services.context import ServiceContext
from router.services.worker import JobWork, JobWorker, wait_for
from router.store import jobs as repo
from router.store.models import Job, OptimisationRun, utcnow

PLANNER = Principal(key_id=None, name="test", tenant="acme", role=Role.PLANNER)


def worker(
    ctx: ServiceContext, handler: Callable[[JobWork], dict[str, Any]], name: str
) -> JobWorker:
    w = JobWorker(ctx, {"assignment": handler}, name=name)
    w.poll_s, w.heartbeat_s = 0.02, 0.05
    return w


def submit(ctx: ServiceContext, n: int = 1) -> list[str]:
    return [jobs.submit(ctx, PLANNER, "assignment", {"n": i})["id"] for i in range(n)]


def runs_stored(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(OptimisationRun)) or 0)


def job(ctx: ServiceContext, job_id: str) -> Job:
    with ctx.db.read() as session:
        return repo.get(session, job_id, None)


def test_workers_sharing_a_queue_run_each_job_once(ctx: ServiceContext) -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def handler(work: JobWork) -> dict[str, Any]:
        with lock:
            seen.append(work.request["n"])
        time.sleep(0.01)
        return {"status": "optimal", "n": work.request["n"]}

    ids = submit(ctx, 16)
    workers = [worker(ctx, handler, f"w{i}") for i in range(3)]
    for w in workers:
        w.start()
    finished = [wait_for(ctx, i, timeout_s=60) for i in ids]
    for w in workers:
        w.stop()
    assert sorted(seen) == list(range(16))  # every job once, none twice
    assert {j.status for j in finished} == {"succeeded"}
    assert all(j.attempt == 1 and j.progress == 1.0 and j.run_id for j in finished)
    assert runs_stored(ctx) == 16
    with ctx.db.read() as session:
        run = session.get(OptimisationRun, finished[3].run_id)
        assert run is not None and run.result["n"] == 3 and run.tenant == "acme"


def _go_silent(ctx: ServiceContext, job_id: str, attempt: int) -> None:
    """As if a worker claimed the job and was killed ``attempt`` times: running, its heartbeat
    old."""
    with ctx.db.write() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="running",
                worker="dead:1:x",
                attempt=attempt,
                heartbeat_at=utcnow() - timedelta(minutes=5),
                started_at=utcnow() - timedelta(minutes=6),
            )
        )


def test_a_job_lost_with_its_worker_runs_again(ctx: ServiceContext) -> None:
    (job_id,) = submit(ctx)
    _go_silent(ctx, job_id, attempt=1)
    w = worker(ctx, lambda work: {"status": "optimal"}, "w1")
    assert w.run_once() == job_id
    done = job(ctx, job_id)
    assert done.status == "succeeded" and done.attempt == 2 and done.worker == "w1"


def test_a_job_lost_on_its_last_attempt_fails_with_the_reason(ctx: ServiceContext) -> None:
    (job_id,) = submit(ctx)
    _go_silent(ctx, job_id, attempt=3)
    ran: list[str] = []
    w = worker(ctx, lambda work: ran.append(work.job_id) or {"status": "optimal"}, "w1")
    assert w.run_once() is None and ran == []
    failed = job(ctx, job_id)
    assert failed.status == "failed" and failed.finished_at is not None
    assert (
        failed.error is not None and "dead:1:x stopped reporting during attempt 3" in failed.error
    )
    assert "not retried after 3 attempt(s)" in failed.error


def test_a_live_job_is_not_taken_from_its_worker(ctx: ServiceContext) -> None:
    (job_id,) = submit(ctx)
    with ctx.db.write() as session:
        claimed = repo.claim(session, "alive", ["assignment"])
    assert claimed is not None and claimed.id == job_id
    assert worker(ctx, lambda work: {"status": "optimal"}, "w1").run_once() is None
    assert job(ctx, job_id).status == "running"


def test_cancelling_a_queued_job_ends_it_at_once(ctx: ServiceContext) -> None:
    (job_id,) = submit(ctx)
    out = jobs.cancel_job(ctx, PLANNER, job_id)
    assert out["status"] == "cancelled" and out["finished_at"] is not None
    assert worker(ctx, lambda work: {"status": "optimal"}, "w1").run_once() is None
    other = Principal(key_id=None, name="x", tenant="globex", role=Role.PLANNER)
    with pytest.raises(NotFoundError):
        jobs.cancel_job(ctx, other, job_id)


def test_cancelling_a_running_job_stops_it_at_its_checkpoint(ctx: ServiceContext) -> None:
    started = threading.Event()

    def handler(work: JobWork) -> dict[str, Any]:
        started.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            work.progress.checkpoint()
            time.sleep(0.01)
        return {"status": "optimal"}

    (job_id,) = submit(ctx)
    w = worker(ctx, handler, "w1")
    w.start()
    assert started.wait(10)
    assert jobs.cancel_job(ctx, PLANNER, job_id)["cancel_requested"] is True
    done = wait_for(ctx, job_id, timeout_s=10)
    w.stop()
    assert done.status == "cancelled" and done.run_id is None
    assert runs_stored(ctx) == 0


def test_a_result_that_comes_after_the_cancel_is_not_kept(ctx: ServiceContext) -> None:
    release = threading.Event()
    started = threading.Event()

    def handler(work: JobWork) -> dict[str, Any]:  # a solver that cannot be interrupted
        started.set()
        release.wait(10)
        return {"status": "optimal"}

    (job_id,) = submit(ctx)
    w = worker(ctx, handler, "w1")
    w.start()
    assert started.wait(10)
    jobs.cancel_job(ctx, PLANNER, job_id)
    assert job(ctx, job_id).status == "running"  # until the solver returns
    release.set()
    done = wait_for(ctx, job_id, timeout_s=10)
    w.stop()
    assert done.status == "cancelled" and "not kept" in done.message
    assert runs_stored(ctx) == 0


def test_failures_are_recorded_with_their_reason(ctx: ServiceContext) -> None:
    def refuse(work: JobWork) -> dict[str, Any]:
        raise InvalidRequestError("shipments.0.destination", "unknown node 'DEDUX'")

    def crash(work: JobWork) -> dict[str, Any]:
        raise RuntimeError("boom")

    first, second = submit(ctx, 2)
    assert worker(ctx, refuse, "w1").run_once() == first
    assert worker(ctx, crash, "w2").run_once() == second
    refused, crashed = job(ctx, first), job(ctx, second)
    assert refused.status == crashed.status == "failed"
    assert refused.error is not None and "unknown node 'DEDUX'" in refused.error
    assert crashed.error == "internal error: RuntimeError: boom"


def test_shutdown_gives_the_running_job_back_to_the_queue(ctx: ServiceContext) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(work: JobWork) -> dict[str, Any]:
        started.set()
        release.wait(10)
        return {"status": "optimal", "by": "slow"}

    (job_id,) = submit(ctx)
    first = worker(ctx, slow, "w1")
    first.start()
    assert started.wait(10)
    first.stop(grace_s=0.1)  # the job does not finish within the grace period
    requeued = job(ctx, job_id)
    assert requeued.status == "queued" and requeued.worker is None
    assert "shut down" in requeued.message
    release.set()  # the first worker's late result is dropped
    time.sleep(0.3)
    assert runs_stored(ctx) == 0 and job(ctx, job_id).status == "queued"
    second = worker(ctx, lambda work: {"status": "optimal", "by": "second"}, "w2")
    assert second.run_once() == job_id
    done = job(ctx, job_id)
    assert done.status == "succeeded" and done.attempt == 2 and runs_stored(ctx) == 1


def test_progress_is_reported_while_the_job_runs(ctx: ServiceContext) -> None:
    seen: list[tuple[float, str]] = []
    go_on = threading.Event()

    def handler(work: JobWork) -> dict[str, Any]:
        work.progress.expect(1.0, "solving")
        go_on.wait(10)
        return {"status": "optimal"}

    (job_id,) = submit(ctx)
    w = worker(ctx, handler, "w1")
    w.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len({m for _, m in seen}) < 3:
        current = job(ctx, job_id)
        if current.status == "running" and current.message.startswith("solving"):
            seen.append((current.progress, current.message))
        time.sleep(0.05)
    go_on.set()
    wait_for(ctx, job_id, timeout_s=10)
    w.stop()
    fractions = [f for f, _ in seen]
    assert len(seen) >= 3 and fractions == sorted(fractions)
    assert 0 < fractions[-1] <= 0.95
    assert "of the 1 s time limit used" in seen[-1][1]
