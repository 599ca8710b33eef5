"""``router assign``, ``router consolidate``, ``router split``: the OR-Tools optimisers.

Exit codes: 0 a plan was found (optimal or feasible), 2 bad input, 3 infeasible or no solution
within the time limit (the reasons are printed).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from router.commands.progressbar import with_progress
from router.errors import RouterError

TimeLimit = Annotated[float, typer.Option("--time-limit", help="Solver time limit, seconds.")]
Seed = Annotated[int, typer.Option(help="Random seed of the solver.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the full result document.")]
Out = Annotated[Path | None, typer.Option(help="Also write the result JSON to this file.")]
Data = Annotated[Path | None, typer.Option(help="Network dataset (default: bundled).")]


def _emit(doc: dict[str, Any], text: str, as_json: bool, out: Path | None, ok: bool) -> None:
    body = json.dumps(doc, indent=2, ensure_ascii=False, default=str)
    if out:
        out.write_text(body, encoding="utf-8")
    typer.echo(body if as_json else text)
    if not ok:
        raise typer.Exit(code=3)


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code=2) from None


def assign_command(
    shipments: Annotated[Path, typer.Argument(help="shipments.csv (see data/samples/).")],
    min_loads: Annotated[
        Path | None,
        typer.Option(
            "--min-loads", help="min_loads.csv: link_id, departure, min_teu, min_t, fixed_cost_cny."
        ),
    ] = None,
    capacities: Annotated[
        Path | None,
        typer.Option("--capacities", help="capacities.csv: link_id, departure, capacity."),
    ] = None,
    supplies: Annotated[
        Path | None,
        typer.Option("--supplies", help="supplies.csv: node, teu (stock at depots)."),
    ] = None,
    shared_boxes: Annotated[
        Path | None,
        typer.Option(
            "--shared-boxes",
            help="shared_boxes.csv: link_id, departure, box_type, box_m3 (LCL sharing boxes).",
        ),
    ] = None,
    keep_existing: Annotated[
        bool,
        typer.Option(
            "--keep-existing/--reoptimise-existing", help="Keep shipments' existing bookings fixed."
        ),
    ] = True,
    method: Annotated[
        str,
        typer.Option(
            help="column_generation (status and bound over every legal path) or candidates."
        ),
    ] = "column_generation",
    horizon_days: Annotated[
        float, typer.Option(help="Paths arrive within this many days of the ready time.")
    ] = 60.0,
    backend: Annotated[str, typer.Option(help="MIP backend: SCIP, CBC or CP_SAT.")] = "SCIP",
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
    as_json: AsJson = False,
    out: Out = None,
    data: Data = None,
) -> None:
    """Assign many shipments to departures under shared capacity and minimum loads."""
    from router.config import get_settings
    from router.optimise.assign import AssignmentOptions, assign_shipments
    from router.optimise.io import (
        capacities_from_records,
        min_loads_from_records,
        read_csv,
        read_shipments,
        shared_boxes_from_records,
        supplies_from_records,
    )
    from router.services.context import load_dataset

    try:
        items = read_shipments(shipments)
        rules = min_loads_from_records(read_csv(min_loads), str(min_loads)) if min_loads else []
        caps = (
            capacities_from_records(read_csv(capacities), str(capacities)) if capacities else None
        )
        stock = supplies_from_records(read_csv(supplies), str(supplies)) if supplies else None
        boxes = (
            shared_boxes_from_records(read_csv(shared_boxes), str(shared_boxes))
            if shared_boxes
            else []
        )
        cn = load_dataset(data or get_settings().data_dir).compiled
        options = AssignmentOptions(
            time_limit_s=time_limit,
            seed=seed,
            backend=backend,
            keep_existing=keep_existing,
            method=method,
            horizon_days=horizon_days,
        )
        result = with_progress(
            lambda: assign_shipments(
                cn,
                items,
                capacities=caps,
                min_loads=rules,
                supplies=stock,
                shared_boxes=boxes,
                options=options,
            ),
            time_limit_s=time_limit,
            what=f"assigning {len(items)} shipment(s)",
        )
    except (RouterError, ValueError) as exc:
        _fail(exc)
        return
    _emit(result.to_dict(), result.summary(), as_json, out, result.info.has_solution)


def consolidate_command(
    bookings: Annotated[Path, typer.Argument(help="bookings.csv: booked containers.")],
    trains: Annotated[
        Path, typer.Option("--trains", help="trains.csv: departures and wagon sets.")
    ],
    method: Annotated[str, typer.Option(help="auto, exact or decomposed.")] = "auto",
    require_all: Annotated[
        bool, typer.Option("--require-all", help="Infeasible unless every container is loaded.")
    ] = False,
    workers: Annotated[int, typer.Option(help="CP-SAT workers (1: reproducible).")] = 1,
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
    as_json: AsJson = False,
    out: Out = None,
) -> None:
    """Plan train loads: which booked container goes on which departure and wagon."""
    from router.optimise.consolidation import ConsolidationOptions, consolidate
    from router.optimise.io import read_bookings, read_trains

    try:
        boxes, departures = read_bookings(bookings), read_trains(trains)
        options = ConsolidationOptions(
            time_limit_s=time_limit, seed=seed, workers=workers, method=method,
            require_all=require_all,
        )  # fmt: skip
        result = with_progress(
            lambda: consolidate(boxes, departures, options),
            time_limit_s=time_limit,
            what=f"planning {len(boxes)} container(s) on {len(departures)} departure(s)",
        )
    except (RouterError, ValueError) as exc:
        _fail(exc)
        return
    _emit(result.to_dict(), result.summary(), as_json, out, result.info.has_solution)


def split_command(
    origin: Annotated[str, typer.Argument(help="Node id, UN/LOCODE, or lon,lat.")],
    destination: Annotated[str, typer.Argument(help="Node id, UN/LOCODE, or lon,lat.")],
    ready: Annotated[datetime, typer.Option(help="Cargo ready date-time (CST, UTC+8).")],
    containers: Annotated[str, typer.Option(help="e.g. 30x42G1,10x22G1")],
    deadline: Annotated[datetime | None, typer.Option(help="Latest arrival (CST).")] = None,
    cargo_class: Annotated[
        str, typer.Option(help="general|reefer|dangerous|pharma|ecommerce")
    ] = "general",
    imdg_class: Annotated[str | None, typer.Option(help="IMDG class for dangerous goods.")] = None,
    value_cny: Annotated[float | None, typer.Option(help="Declared cargo value, CNY.")] = None,
    aeo: Annotated[str, typer.Option(help="Chinese AEO status: none|advanced.")] = "none",
    capacities: Annotated[
        Path | None,
        typer.Option("--capacities", help="capacities.csv: remaining space per departure."),
    ] = None,
    method: Annotated[str, typer.Option(help="auto, flow or mip.")] = "auto",
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
    as_json: AsJson = False,
    out: Out = None,
    data: Data = None,
) -> None:
    """Split a shipment's containers over departures and modes at least generalised cost."""
    from router.commands.quote import parse_containers
    from router.config import get_settings
    from router.network.model import CargoClass, parse_aeo_level
    from router.optimise.io import capacities_from_records, read_csv
    from router.optimise.split import SplitOptions, split_shipment
    from router.routing.request import Cargo, PlaceRef, QuoteRequest, TraderProfile
    from router.services.context import load_dataset

    try:
        request = QuoteRequest(
            origin=PlaceRef.parse(origin),
            destination=PlaceRef.parse(destination),
            cargo=Cargo(
                containers=parse_containers(containers),
                cargo_class=CargoClass(cargo_class),
                imdg_class=imdg_class,
                value_cny=value_cny,
            ),
            ready=ready,
            deadline=deadline,
            trader=TraderProfile(parse_aeo_level(aeo)),
        )
        caps = (
            capacities_from_records(read_csv(capacities), str(capacities)) if capacities else None
        )
        cn = load_dataset(data or get_settings().data_dir).compiled
        result = split_shipment(
            cn,
            request,
            space_overrides=caps,
            options=SplitOptions(time_limit_s=time_limit, seed=seed, method=method),
        )
    except (RouterError, ValueError) as exc:
        _fail(exc)
        return
    _emit(result.to_dict(), result.summary(), as_json, out, result.status != "infeasible")


def register(app: typer.Typer) -> None:
    app.command("assign")(assign_command)
    app.command("consolidate")(consolidate_command)
    app.command("split")(split_command)
