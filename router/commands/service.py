"""``router serve`` and ``router keys ...``: run the HTTP service and manage its API keys."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from router.services.auth import NewKey

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)

ROLE_HELP = "shipper (quotes, own bookings), operator (departures, capacity), planner, admin"


def _print_new_key(new: NewKey, database: str) -> None:
    info = new.info
    typer.echo(
        f"Created {info.role} key for '{info.name}' (tenant '{info.tenant}') in {database}. "
        "It is shown only this once:"
    )
    typer.echo("")
    typer.echo(f"    {new.secret}")
    typer.echo("")
    typer.echo("Send it as 'X-API-Key: <key>' or 'Authorization: Bearer <key>'.")


class _Once:
    """Call ``then`` once: when the server accepts connections on ``host:port`` (from a daemon
    thread, so that what it prints comes after the server's start-up log, where a person looks),
    or when :meth:`now` is called first (the server stopped, or never started)."""

    def __init__(self, then: Callable[[], None]) -> None:
        self._then = then
        self._lock = threading.Lock()
        self._done = False

    def now(self) -> None:
        with self._lock:
            if not self._done:
                self._done = True
                self._then()

    def when_listening(self, host: str, port: int, timeout_s: float) -> None:
        target = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host

        def wait() -> None:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection((target, port), timeout=0.5):
                        break
                except OSError:
                    time.sleep(0.2)
            self.now()

        threading.Thread(target=wait, name="announce", daemon=True).start()


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
    typer.echo(f"Serving network {settings.data_dir} with database {url} on http://{host}:{port}")

    def ready() -> None:
        typer.echo("")
        if first is not None:
            typer.echo("=" * 78)
            typer.echo("Empty database: ", nl=False)
            _print_new_key(first, url)
            typer.echo("More keys: router keys create --role shipper --name ACME")
            typer.echo("Lost the admin key? router keys create --role admin --name <you>")
            typer.echo("=" * 78)
        typer.echo(f"Ready: http://{host}:{port} (API docs: http://{host}:{port}/docs)")

    announce = _Once(ready)
    announce.when_listening(host, port, timeout_s=300)
    if workers > 1:  # the workers end with this process (router.api.supervision)
        os.environ[SUPERVISOR_ENV] = str(os.getpid())
    uvicorn.run(
        "router.api.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # on SIGTERM: stop accepting, let the requests in flight finish (at most this long),
        # then the lifespan's shutdown gives the running job its grace or re-queues it
        timeout_graceful_shutdown=int(settings.shutdown_grace_s),
    )
    announce.now()  # if the server never answered, the key is still shown


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
            url = db.display_url
    except InvalidRequestError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    _print_new_key(new, url)


@keys_app.command("list")
def keys_list() -> None:
    """List API keys (prefix, role, name, tenant, created, revoked)."""
    from router.config import get_settings
    from router.services import auth
    from router.services.context import open_database

    with open_database(get_settings()) as db:
        rows, _ = auth.list_keys(db, limit=100_000)
        typer.echo(f"{len(rows)} key(s) in {db.display_url}")
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
    from router.services.errors import ConflictError

    try:
        with open_database(get_settings()) as db:
            info = auth.revoke_key(db, prefix)
            url = db.display_url
    except (NotFoundError, ConflictError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"revoked {info.role} key {info.prefix} ({info.name}) in {url}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
