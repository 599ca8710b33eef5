"""The job worker: takes queued jobs from the database one at a time, runs each with the handler
of its kind, reports its progress, and stores its outcome.

One worker runs inside every service process (``router serve``, unless
``ROUTER_EMBEDDED_WORKER=false``), and ``router worker`` runs one on its own; any number share a
queue (:mod:`router.store.jobs` claims with ``SKIP LOCKED``). While a job runs, a heartbeat
thread records its progress every ``job_heartbeat_s`` and learns whether it was cancelled. Every
worker also looks, before each claim, for running jobs whose worker has gone silent for
``job_stale_after_s`` (killed, crashed, machine lost) and queues them again or fails them with the
reason. A succeeded job's run is stored in the same transaction that ends the job, so a crash
leaves either both or neither.

On shutdown (``stop``) the running job gets ``job_shutdown_grace_s`` to finish; otherwise it goes
back to the queue (its next attempt starts it again) and the worker's result, if it comes later,
is dropped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from router.errors import RouterError
from router.services import idempotency
from router.services.context import LoadedNetwork, ServiceContext
from router.services.jobs import FINISHED
from router.services.progress import JobCancelled, Progress
from router.services.runs import RunKind, store_run
from router.store import jobs as repo
from router.store.models import Job

log = logging.getLogger(__name__)


class _NoLongerHeld(Exception):
    """The job was taken back from this worker (queued again, or ended) while it ran."""


@dataclass(frozen=True, slots=True)
class JobWork:
    """What a handler gets: the service, the loaded network, the job's stored request, and the
    progress to report to (and to check for cancellation at its checkpoints)."""

    ctx: ServiceContext
    loaded: LoadedNetwork
    job_id: str
    kind: str
    tenant: str
    request: dict[str, Any]
    progress: Progress


#: runs one job: its result document (stored as an optimisation run of the job's kind)
JobHandler = Callable[[JobWork], dict[str, Any]]


def worker_name() -> str:
    """``host:pid:random``: unique per worker, readable in job listings."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class JobWorker:
    """Runs queued jobs of the kinds it has handlers for, one at a time, in a thread."""

    def __init__(
        self,
        ctx: ServiceContext,
        handlers: Mapping[str, JobHandler],
        *,
        name: str | None = None,
    ) -> None:
        settings = ctx.settings
        self.ctx = ctx
        self.handlers = dict(handlers)
        self.name = name or worker_name()
        self.poll_s = settings.job_poll_s
        self.heartbeat_s = settings.job_heartbeat_s
        self.stale_after = timedelta(seconds=settings.job_stale_after_s)
        self.max_attempts = settings.job_max_attempts
        self.grace_s = settings.job_shutdown_grace_s
        self._stopping = threading.Event()
        self._recovered_at = -float("inf")
        self._thread: threading.Thread | None = None
        self._current: str | None = None
        self._abandoned: set[str] = set()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Run in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self.run_forever, name="job-worker", daemon=True)
        self._thread.start()
        log.info("job worker %s started (kinds: %s)", self.name, ", ".join(self.handlers))

    def stop(self, grace_s: float | None = None) -> None:
        """Stop taking jobs; let the running one finish within ``grace_s`` (default
        ``job_shutdown_grace_s``), else give it back to the queue."""
        self._stopping.set()
        thread = self._thread
        if thread is not None:
            thread.join(self.grace_s if grace_s is None else grace_s)
        with self._lock:
            current = self._current
            if current is not None:
                self._abandoned.add(current)
        if current is not None:
            with self.ctx.db.write() as session:
                if repo.requeue(session, current, self.name, "queued again: its worker shut down"):
                    log.warning("job %s queued again: worker %s shut down", current, self.name)

    def run_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                ran = self.run_once()
            except Exception:  # the database went away for a moment: try again later
                log.exception("job worker %s: could not take a job", self.name)
                ran = None
            if ran is None:
                self._stopping.wait(self.poll_s)

    # ------------------------------------------------------------------------------ a job
    def recover(self) -> list[tuple[str, str]]:
        """Queue again (or fail) the running jobs whose worker went silent; drop the expired
        idempotent responses."""
        with self.ctx.db.write() as session:
            recovered = repo.recover_stale(
                session, stale_after=self.stale_after, max_attempts=self.max_attempts
            )
            idempotency.purge_expired(session)
        for job_id, status in recovered:
            log.warning("job %s was lost with its worker: now %s", job_id, status)
        return recovered

    def run_once(self) -> str | None:
        """Recover lost jobs (at most every quarter of the stale limit), then take one queued
        job and run it to its end; its id, or None when there was nothing to do (or no network
        is loaded to run it on). An idle poll only reads: no write lock is taken."""
        now = time.monotonic()
        if now - self._recovered_at >= self.stale_after.total_seconds() / 4:
            self._recovered_at = now
            self.recover()
        loaded = self.ctx.loaded
        if loaded is None or self._stopping.is_set():
            return None
        kinds = list(self.handlers)
        with self.ctx.db.read() as session:
            if not repo.any_queued(session, kinds):
                return None
        with self.ctx.db.write() as session:
            job = repo.claim(session, self.name, kinds)
        if job is None:
            return None
        with self._lock:
            self._current = job.id
        try:
            self._run(job, loaded)
        finally:
            with self._lock:
                self._current = None
        return job.id

    def _run(self, job: Job, loaded: LoadedNetwork) -> None:
        progress = Progress()
        work = JobWork(self.ctx, loaded, job.id, job.kind, job.tenant, job.request, progress)
        beating = threading.Event()
        beat = threading.Thread(
            target=self._heartbeats, args=(job.id, progress, beating), daemon=True
        )
        beat.start()
        log.info("job %s (%s, attempt %d) started by %s", job.id, job.kind, job.attempt, self.name)
        try:
            result = self.handlers[job.kind](work)
        except JobCancelled:
            self._finish(job.id, "cancelled", message="cancelled while running")
        except RouterError as exc:  # the request cannot be run as given
            self._finish(job.id, "failed", message="failed", error=str(exc))
        except Exception as exc:
            log.exception("job %s failed", job.id)
            error = f"internal error: {type(exc).__name__}: {exc}"
            self._finish(job.id, "failed", message="failed", error=error)
        else:
            self._succeed(job, progress, result)
        finally:
            beating.set()
            beat.join()

    def _heartbeats(self, job_id: str, progress: Progress, done: threading.Event) -> None:
        while not done.wait(self.heartbeat_s):
            snap = progress.snapshot()
            try:
                with self.ctx.db.write() as session:
                    beat = repo.heartbeat(session, job_id, self.name, snap.fraction, snap.message)
            except Exception:  # a missed beat is retried at the next one
                log.exception("job %s: heartbeat not recorded", job_id)
                continue
            if beat.cancel_requested or not beat.held:
                progress.request_cancel()

    def _succeed(self, job: Job, progress: Progress, result: dict[str, Any]) -> None:
        with self._lock:
            if job.id in self._abandoned:
                return
        kind = cast(RunKind, job.kind)
        try:
            with self.ctx.db.write() as session:
                current = session.get(Job, job.id)
                if current is None:  # deleted meanwhile
                    raise _NoLongerHeld
                if current.cancel_requested or progress.cancel_requested:
                    repo.finish(
                        session, job.id, self.name, "cancelled",
                        message="cancelled while running; its result was not kept",
                    )  # fmt: skip
                    return
                run = store_run(session, job.tenant, job.api_key_id, kind, job.request, result)
                if not repo.finish(
                    session, job.id, self.name, "succeeded",
                    message=f"done: {result.get('status', 'finished')}", run_id=run.id,
                ):  # fmt: skip
                    raise _NoLongerHeld  # rolls the stored run back with the transaction
        except _NoLongerHeld:
            log.warning("job %s: result dropped, the job is no longer this worker's", job.id)
            return
        log.info("job %s succeeded: run %s", job.id, run.id)

    def _finish(self, job_id: str, status: str, *, message: str, error: str | None = None) -> None:
        with self._lock:
            if job_id in self._abandoned:
                return
        with self.ctx.db.write() as session:
            repo.finish(session, job_id, self.name, status, message=message, error=error)
        log.info("job %s %s%s", job_id, status, f": {error}" if error else "")


def wait_for(ctx: ServiceContext, job_id: str, timeout_s: float, poll_s: float = 0.1) -> Job:
    """The job once it has finished (or as it is after ``timeout_s``): for tests and the CLI."""
    deadline = time.monotonic() + timeout_s
    while True:
        with ctx.db.read() as session:
            job = repo.get(session, job_id, None)
        if job.status in FINISHED or time.monotonic() > deadline:
            return job
        time.sleep(poll_s)
