"""``router jobs list|show|cancel``: the job queue of the service's database (every tenant's jobs;
``--tenant`` narrows). They use the same settings as ``router serve`` (``ROUTER_DATABASE_URL``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

jobs_app = typer.Typer(help="List, show and cancel jobs (assignments, train load plans).",
                       no_args_is_help=True)  # fmt: skip

JobIdArg = Annotated[str, typer.Argument(help="The job's id (see 'router jobs list').")]


def _admin(tenant: str | None) -> Any:
    """A principal that sees every tenant's jobs, or one tenant's."""
    from router.services.auth import Principal, Role

    if tenant is None:
        return Principal(key_id=0, name="router jobs", tenant="*", role=Role.ADMIN)
    return Principal(key_id=0, name="router jobs", tenant=tenant, role=Role.PLANNER)


def _ctx() -> Any:
    from router.config import get_settings
    from router.services.context import ServiceContext

    ctx = ServiceContext.open(get_settings())
    ctx.migrate()
    return ctx


def _line(job: dict[str, Any]) -> str:
    return (
        f"{job['id']}  {job['kind']:<13} {job['status']:<9} {job['progress'] * 100:5.1f}%  "
        f"{job['created_at'][:19]}  {job['error'] or job['message']}"
    )


@jobs_app.command("list")
def jobs_list(
    status: Annotated[
        str | None, typer.Option(help="queued, running, succeeded, failed or cancelled.")
    ] = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's jobs.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The newest jobs first: id, kind, status, progress, created (UTC), message or error."""
    from router.services import jobs

    if status is not None and status not in jobs.STATES:
        typer.echo(f"error: --status must be one of {', '.join(jobs.STATES)}", err=True)
        raise typer.Exit(code=2)
    ctx = _ctx()
    try:
        found = jobs.list_jobs(ctx, _admin(tenant), status=status, limit=limit)
    finally:
        ctx.close()
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    typer.echo(f"{found['total']} job(s) in {ctx.db.display_url}")
    for job in found["items"]:
        typer.echo(_line(job))


@jobs_app.command("show")
def jobs_show(
    job_id: JobIdArg,
    wait: Annotated[
        bool, typer.Option("--wait", help="Follow it (progress bar) until it ends.")
    ] = False,
) -> None:
    """One job as JSON; with ``--wait``, once it has finished (exit 1 if it failed)."""
    from router.commands.progressbar import follow_job
    from router.errors import NotFoundError
    from router.services import jobs

    ctx = _ctx()
    admin = _admin(None)
    try:
        job = jobs.get_job(ctx, admin, job_id)
        if wait:

            def read() -> tuple[str, float, str]:
                current = jobs.get_job(ctx, admin, job_id)
                return current["status"], current["progress"], current["message"]

            follow_job(read)
            job = jobs.get_job(ctx, admin, job_id)
    except NotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        ctx.close()
    typer.echo(json.dumps(job, indent=2))
    if wait and job["status"] != "succeeded":
        raise typer.Exit(code=1)


@jobs_app.command("cancel")
def jobs_cancel(job_id: JobIdArg) -> None:
    """Cancel a queued job, or ask a running one to stop."""
    from router.errors import NotFoundError
    from router.services import jobs

    ctx = _ctx()
    try:
        job = jobs.cancel_job(ctx, _admin(None), job_id)
    except NotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        ctx.close()
    if job["status"] == "cancelled":
        typer.echo(f"job {job_id} cancelled")
    elif job["status"] == "running":
        typer.echo(f"job {job_id} is asked to stop: {job['message']}")
    else:
        typer.echo(f"job {job_id} had already ended: {job['status']}")


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")
