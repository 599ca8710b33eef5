"""``router scenario ...``: planners' what-if runs of the seed's measures (DESIGN.md §7).

Exit codes: 0 done, 2 bad input (every problem printed), 1 a run directory is stale or missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from router.errors import RouterError

scenario_app = typer.Typer(
    help="Scenarios for planners: validate, run against a demand table, compare runs.",
    no_args_is_help=True,
)

Data = Annotated[
    Path | None, typer.Option("--data", help="Base network dataset (default: the bundled data).")
]
Specs = Annotated[
    list[str],
    typer.Argument(
        help="Scenario YAML files, or names of bundled scenarios (router scenario list)."
    ),
]


def _data_dir(data: Path | None) -> Path:
    from router.config import get_settings

    return data if data is not None else get_settings().data_dir


def _network(data_dir: Path) -> Any:
    from router.network import load_network

    try:
        return load_network(data_dir)
    except RouterError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None


def _fail(exc: Exception, outcome: str = "") -> NoReturn:
    """Exit 2 with the error; a spec's problems one per line (``file:line: field: message``)."""
    from router.scenarios.spec import ScenarioSpecError

    if isinstance(exc, ScenarioSpecError):
        for issue in exc.issues:
            typer.echo(str(issue), err=True)
        typer.echo(f"{len(exc.issues)} problem(s); {outcome}", err=True)
    else:
        typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code=2) from None


@scenario_app.command("list")
def list_command(data: Data = None) -> None:
    """The bundled scenarios (name, seed measure, title) and demand tables."""
    from router.scenarios.spec import bundled_scenarios, read_scenario
    from router.services.scenarios import bundled_demands

    data_dir = _data_dir(data)
    for name, path in bundled_scenarios(data_dir).items():
        spec = read_scenario(path)
        section = spec.seed.section if spec.seed else None
        where = f"seed §{section}" if section else "non-seed"
        typer.echo(f"{name:<40} {where:<14} {spec.title}")
    demands = bundled_demands(data_dir)
    typer.echo("demand tables: " + (", ".join(demands) or "none"))


@scenario_app.command("validate")
def validate_command(specs: Specs, data: Data = None) -> None:
    """Check scenario files against the base network; every problem of every file is printed
    with file, line and field, and nothing is applied."""
    from router.services.scenarios import load_scenarios

    data_dir = _data_dir(data)
    try:
        loaded = load_scenarios(specs, data_dir, _network(data_dir))
    except RouterError as exc:
        _fail(exc, "nothing applied")
    for scenario, folder, _ in loaded:
        on = "" if folder == data_dir.resolve() else f" (base {folder})"
        typer.echo(f"{scenario.name}: OK, {len(scenario.modifications)} modification(s){on}")


@scenario_app.command("run")
def run_command(
    specs: Specs,
    demand: Annotated[
        str,
        typer.Option(
            "--demand", help="Demand table (.csv/.parquet) or a bundled one's name (gba-100k)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Run directory to write.")],
    capacity: Annotated[
        bool,
        typer.Option(
            "--capacity", help="Capacity-aware (batch assignment over the departures' space)."
        ),
    ] = False,
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or ray.")] = "local",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes / Ray CPUs (default: all CPUs).")
    ] = None,
    address: Annotated[
        str | None,
        typer.Option("--address", help="An existing Ray cluster (default: a local Ray)."),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Node, link, service or border whose flows to report."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Route only the first N shipments.")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Capacity-aware: solver seconds per run.")
    ] = 60.0,
    data: Data = None,
) -> None:
    """Run the baseline and each scenario on a demand table; write the tables, KPIs, charts,
    flow maps and report.html into OUT."""
    from router.commands.progressbar import fraction_bar
    from router.scenarios.engines import EngineOptions
    from router.services.scenarios import execute, prepare_run

    data_dir = _data_dir(data)
    network = _network(data_dir)
    try:
        inputs = prepare_run(
            network,
            data_dir,
            specs,
            demand,
            capacity=capacity,
            engine=EngineOptions(engine, workers=workers, address=address),
            time_limit_s=time_limit,
            select=select or (),
            limit=limit,
        )
    except RouterError as exc:
        _fail(exc, "nothing run")
    plan = inputs.plan
    typer.echo(
        f"{plan.demand.height:,} shipments ({plan.demand_name}); runs: baseline, "
        + ", ".join(s.name for s in plan.scenarios)
        + f"; {'capacity-aware' if capacity else 'uncapacitated'}, engine {engine}"
    )
    with fraction_bar("routing") as update:
        manifest = execute(inputs, out, update)
    for run in manifest["runs"]:
        counts = ", ".join(f"{k} {v:,}" for k, v in run["shipments"].items())
        typer.echo(f"{run['name']:<40} {run['wall_s']:>8.1f} s  {counts}")
    typer.echo(f"report: {out / manifest['outputs'].get('report', 'report.html')}")


@scenario_app.command("compare")
def compare_command(
    dirs: Annotated[list[Path], typer.Argument(help="Run directories of router scenario run.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data: Data = None,
) -> None:
    """The KPI totals of every run in one or more run directories side by side (the first
    directory's baseline is the reference); stale runs (base data changed since) are flagged."""
    import polars as pl

    from router.scenarios.run import read_manifest, stale_reasons
    from router.scenarios.spec import dataset_checksum

    checksum = dataset_checksum(_data_dir(data))
    columns: dict[str, dict[str, Any]] = {}
    stale = False
    names = [folder.name for folder in dirs]
    for folder in dirs:
        # a column per run of every folder: folders of the same name go by their whole path
        label = folder.name if names.count(folder.name) == 1 else str(folder)
        try:
            manifest = read_manifest(folder)
        except RouterError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=1) from None
        for reason in stale_reasons(manifest, checksum):
            stale = True
            typer.echo(f"STALE {folder}: {reason}", err=True)
        for run in manifest["runs"]:
            path = folder / run["name"] / "kpis" / "totals.parquet"
            if path.is_file():
                columns[f"{label}:{run['name']}"] = pl.read_parquet(path).to_dicts()[0]
    if as_json:
        typer.echo(json.dumps(columns, indent=2, default=str))
    else:
        _print_columns(columns)
    if stale:
        raise typer.Exit(code=1)


def _print_columns(columns: dict[str, dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    table.add_column("KPI")
    for name in columns:
        table.add_column(name, justify="right")
    keys = list(dict.fromkeys(k for col in columns.values() for k in col))
    for key in keys:
        cells = []
        for col in columns.values():
            value = col.get(key)
            cells.append(f"{value:,.2f}" if isinstance(value, float) else str(value))
        table.add_row(key, *cells)
    Console().print(table)


@scenario_app.command("demand")
def demand_command(
    out: Annotated[Path, typer.Option("--out", help="File to write (.parquet or .csv).")],
    shipments: Annotated[int, typer.Option("--shipments", help="Rows to generate.")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 2026,
    data: Data = None,
) -> None:
    """Generate a demand table whose lanes, modes and cargo follow published GBA trade figures
    (docs/demand.md)."""
    from router.scenarios.generate import generate_demand

    frame = generate_demand(_network(_data_dir(data)), shipments, seed=seed)
    if out.suffix == ".csv":
        frame.write_csv(out)
    else:
        frame.write_parquet(out, compression="zstd")
    typer.echo(f"wrote {frame.height:,} shipments to {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(scenario_app, name="scenario")
