"""``router serve`` and ``router keys ...``: run the HTTP service and manage its API keys."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from router.services.auth import NewKey

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)

ROLE_HELP = "shipper (quotes, own bookings), operator (departures, capacity), planner, admin"


def _print_new_key(new: NewKey) -> None:
    info = new.info
    typer.echo(
        f"Created {info.role} key for '{info.name}' (tenant '{info.tenant}'). "
        "It is shown only this once:"
    )
    typer.echo("")
    typer.echo(f"    {new.secret}")
    typer.echo("")
    typer.echo("Send it as 'X-API-Key: <key>' or 'Authorization: Bearer <key>'.")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Start the API service: migrate the database, create the first admin key, run uvicorn.

    On first start with an empty database an admin key is created and printed once.
    """
    import uvicorn

    from router.config import SUPERVISOR_ENV, get_settings
    from router.services import auth
    from router.services.context import open_database

    settings = get_settings()
    with open_database(settings) as db:
        first = auth.create_first_admin_key(db)
        url = db.display_url
    if first is not None:
        typer.echo("Empty database: ", nl=False)
        _print_new_key(first)
        typer.echo("Create more keys with: router keys create --role shipper --name ACME\n")
    typer.echo(
        f"Serving network {settings.data_dir} with database {url} "
        f"on http://{host}:{port} (API docs: http://{host}:{port}/docs)"
    )
    if workers > 1:  # the workers end with this process (router.api.supervision)
        os.environ[SUPERVISOR_ENV] = str(os.getpid())
    uvicorn.run(
        "router.api.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    name: Annotated[str, typer.Option(help="Who the key is for, e.g. ACME.")],
    tenant: Annotated[
        str | None, typer.Option(help="Tenant whose quotes/bookings it shares (default: name).")
    ] = None,
) -> None:
    """Create an API key and print it (once; only its hash is stored)."""
    from router.config import get_settings
    from router.errors import InvalidRequestError
    from router.services import auth
    from router.services.context import open_database

    try:
        with open_database(get_settings()) as db:
            new = auth.create_key(db, name=name, role=role, tenant=tenant)
    except InvalidRequestError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    _print_new_key(new)


@keys_app.command("list")
def keys_list() -> None:
    """List API keys (prefix, role, name, tenant, created, revoked)."""
    from router.config import get_settings
    from router.services import auth
    from router.services.context import open_database

    with open_database(get_settings()) as db:
        rows, _ = auth.list_keys(db, limit=100_000)
    typer.echo(f"{'prefix':<10} {'role':<9} {'name':<24} {'tenant':<24} {'created':<20} revoked")
    for row in rows:
        revoked = row.revoked_at.strftime("%Y-%m-%d %H:%M") if row.revoked_at else "-"
        typer.echo(
            f"{row.prefix:<10} {row.role:<9} {row.name[:24]:<24} {row.tenant[:24]:<24} "
            f"{row.created_at.strftime('%Y-%m-%d %H:%M'):<20} {revoked}"
        )


@keys_app.command("revoke")
def keys_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (see 'router keys list').")],
) -> None:
    """Revoke an API key: requests with it get 401 from then on."""
    from router.config import get_settings
    from router.errors import NotFoundError
    from router.services import auth
    from router.services.context import open_database

    try:
        with open_database(get_settings()) as db:
            info = auth.revoke_key(db, prefix)
    except NotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"revoked {info.role} key {info.prefix} ({info.name})")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
