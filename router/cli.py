"""The ``router`` command line: network check/info/export (and, as they land, quote, serve...)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from router.config import get_settings
from router.errors import Problem, Severity
from router.network.model import Network

app = typer.Typer(
    help="GBA Freight Router: multimodal freight routing under customs rules.",
    no_args_is_help=True,
    add_completion=False,
)
network_app = typer.Typer(
    help="Validate, describe and export network datasets.", no_args_is_help=True
)
app.add_typer(network_app, name="network")

DatasetArg = Annotated[
    Path | None,
    typer.Argument(help="Dataset folder or exported .geojson file (default: the bundled data)."),
]


def _dataset(path: Path | None) -> Path:
    return path if path is not None else get_settings().data_dir


def _load_or_exit(path: Path | None) -> tuple[Network, list[Problem]]:
    from router.network import inspect_dataset

    dataset = _dataset(path)
    network, problems = inspect_dataset(dataset)
    if network is None:
        errors = [p for p in problems if p.severity is Severity.ERROR]
        typer.echo(f"{dataset}: INVALID, {len(errors)} error(s), nothing loaded", err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(code=1)
    return network, problems


def _print_summary(summary: dict[str, object]) -> None:
    for key, value in summary.items():
        if isinstance(value, dict):
            typer.echo(f"{key}:")
            for sub, count in value.items():
                typer.echo(f"  {sub:<22} {count}")
        else:
            typer.echo(f"{key:<30} {value}")


@network_app.command("check")
def network_check(path: DatasetArg = None) -> None:
    """Validate a dataset; exit 0 with a summary if valid, 1 with every problem if not."""
    from router.network.summary import network_summary

    network, problems = _load_or_exit(path)
    summary = network_summary(network)
    typer.echo(
        f"{_dataset(path)}: OK, {summary['nodes']} nodes, {summary['links']} links, "
        f"{len(problems)} warning(s)"
    )
    typer.echo(
        "links by mode: " + ", ".join(f"{k} {v}" for k, v in summary["links_by_mode"].items())
    )
    typer.echo(
        "nodes by kind: " + ", ".join(f"{k} {v}" for k, v in summary["nodes_by_kind"].items())
    )
    for problem in problems[:20]:
        typer.echo(f"  {problem}")
    if len(problems) > 20:
        typer.echo(f"  ... and {len(problems) - 20} more warning(s)")


@network_app.command("info")
def network_info(
    path: DatasetArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts by node kind, mode and jurisdiction; capacity and schedule summary."""
    from router.network.summary import network_summary

    network, _ = _load_or_exit(path)
    summary = network_summary(network)
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        _print_summary(summary)


class ExportFormat(StrEnum):
    GEOJSON = "geojson"
    CSV = "csv"


@network_app.command("export")
def network_export(
    out: Annotated[Path, typer.Option("--out", help="Output file (geojson) or folder (csv).")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="geojson or csv.")
    ] = ExportFormat.GEOJSON,
    path: DatasetArg = None,
) -> None:
    """Export as one RFC 7946 GeoJSON file, or as a dataset folder of CSV tables."""
    from router.network.export import write_dataset, write_geojson

    network, _ = _load_or_exit(path)
    if fmt is ExportFormat.GEOJSON:
        write_geojson(network, out)
    else:
        write_dataset(network, out)
    typer.echo(
        f"wrote {fmt.value} export of {len(network.nodes)} nodes and {len(network.links)} links to {out}"
    )


@app.command("worker")
def worker(
    name: Annotated[str | None, typer.Option(help="Worker name in job listings.")] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Exit once the queue is empty.")
    ] = False,
) -> None:
    """Run queued jobs (assignments, train load plans) against the service's database.

    Any number of workers, here and inside ``router serve``, share one queue. SIGTERM or Ctrl-C
    stops taking jobs; the running one gets ``ROUTER_JOB_SHUTDOWN_GRACE_S`` to finish, then goes
    back to the queue.
    """
    import logging
    import signal
    import threading

    from router.api.jobs import make_worker  # the job kinds and their request models
    from router.services.context import ServiceContext

    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    ctx = ServiceContext.open(settings)
    ctx.migrate()
    if ctx.load_network() is None:
        typer.echo(f"error: network not loaded: {ctx.network_error}", err=True)
        raise typer.Exit(code=1)
    job_worker = make_worker(ctx, name)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"worker {job_worker.name} taking jobs from {ctx.db.display_url}")
    try:
        if until_idle:
            while not stop.is_set() and job_worker.run_once() is not None:
                pass
        else:
            job_worker.start()
            stop.wait()
    finally:
        job_worker.stop()
        ctx.close()


def _register_commands() -> None:
    from router.commands import jobs, optimise, quote, scenario, service

    quote.register(app)
    service.register(app)
    optimise.register(app)
    jobs.register(app)
    scenario.register(app)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="router")


if __name__ == "__main__":
    main()
