"""``router quote``: quote a shipment from the command line.

The document is the service's (:func:`router.services.quoting.quote_document`): ``--json``
prints what ``POST /v1/quotes`` returns for the same request on the same network with no
bookings, but for the quote ``id``; each leg's departure space is the schedule's full space.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from router.errors import RouterError


def parse_containers(spec: str) -> tuple[tuple[str, int], ...]:
    """``2x42G1,1x22G1`` -> (("42G1", 2), ("22G1", 1))."""
    out = []
    for part in spec.split(","):
        count, _, code = part.strip().partition("x")
        if not code or not count.isdigit():
            raise typer.BadParameter(f"container spec {part!r} must look like 2x42G1")
        out.append((code.upper(), int(count)))
    return tuple(out)


def _table(doc: dict[str, Any]) -> str:
    rows = [f"Quote {doc['id']}: {doc['status']}"]
    rows += [f"  note: {n}" for n in doc.get("notes", [])]
    if doc["status"] != "ok":
        rows += [f"  - {r}" for r in doc["reasons"]]
        return "\n".join(rows)
    if doc.get("valid_until"):
        rows.append(f"Rates valid until {doc['valid_until']}")
    header = (
        f"{'#':>2} {'tags':<32} {'days':>6} {'cost CNY':>11} {'CO2e kg':>9} {'xfers':>5}  arrival"
    )
    rows.append(header)
    for i, alt in enumerate(doc["alternatives"], 1):
        rows.append(
            f"{i:>2} {','.join(alt['tags']) or '-':<32} {alt['duration_h'] / 24:>6.1f} "
            f"{alt['cost']['total']:>11,.0f} {alt['co2e_kg']:>9,.0f} {alt['transfers']:>5}  {alt['arrival'][:16]}"
        )
    for i, alt in enumerate(doc["alternatives"], 1):
        rows.append(f"\n[{i}] {alt['summary']}")
        plan, scope = alt["cargo_plan"], alt["scope"]
        rows.append(
            f"    cargo: {plan['description']}; scope {scope['origin']['type']} to "
            f"{scope['destination']['type']}"
            + (f", {scope['incoterm']}" if scope.get("incoterm") else "")
        )
        co2 = alt["co2e"]
        rows.append(
            f"    CO2e {co2['total_kg']:,.0f} kg (TTW {co2['ttw_kg']:,.0f}, WTT {co2['wtt_kg']:,.0f})"
        )
        for leg in alt["legs"]:
            rows.append(
                f"    {leg['mode']:<8} {leg['from']:>20} -> {leg['to']:<20} "
                f"{leg['departure'][:16]} -> {leg['arrival'][:16]}  {leg['distance_km']:>8,.0f} km  CNY {leg['cost']:>9,.0f}"
            )
        for ev in alt["customs_events"]:
            rows.append(
                f"    customs  {ev['operation']:<18} at {ev['node']:<20} {ev['state_before']} -> {ev['state_after']}, "
                f"~{ev['expected_h']} h, CNY {ev['cost']:,.0f}"
            )
        for line in alt["cost"]["lines"]:
            rows.append(
                f"    {line['where']:<10} {line['name']:<22} {line['amount']:>12,.2f} "
                f"{line['currency']}  (CNY {line['amount_cny']:,.2f})  {line['basis']}"
            )
        rows.append(f"    excluded: {'; '.join(alt['excluded'])}")
    return "\n".join(rows)


def quote_command(
    origin: Annotated[str, typer.Argument(help="Node id, UN/LOCODE, or lon,lat.")],
    destination: Annotated[str, typer.Argument(help="Node id, UN/LOCODE, or lon,lat.")],
    ready: Annotated[datetime, typer.Option(help="Cargo ready date-time (CST, UTC+8).")],
    containers: Annotated[str | None, typer.Option(help="e.g. 2x42G1,1x22R1")] = None,
    weight_kg: Annotated[
        float | None, typer.Option(help="Cargo gross weight without tare, kg.")
    ] = None,
    volume_m3: Annotated[float | None, typer.Option(help="Cargo volume, m3 (LCL/air).")] = None,
    cargo_class: Annotated[
        str, typer.Option(help="general|reefer|dangerous|pharma|ecommerce")
    ] = "general",
    imdg_class: Annotated[str | None, typer.Option(help="IMDG class for dangerous goods.")] = None,
    value_cny: Annotated[float | None, typer.Option(help="Declared cargo value, CNY.")] = None,
    deadline: Annotated[datetime | None, typer.Option(help="Latest arrival (CST).")] = None,
    aeo: Annotated[
        str, typer.Option(help="Chinese AEO status: none|advanced (general was abolished in 2021).")
    ] = "none",
    direct: Annotated[bool, typer.Option(help="Eligible for direct loading / pick-up.")] = False,
    joint_declaration: Annotated[
        bool, typer.Option(help="Eligible for 一单两报 at SZ–HK land crossings.")
    ] = False,
    drug_whitelisted: Annotated[
        bool, typer.Option(help="White-listed importer of a listed drug (seed §9).")
    ] = False,
    inspect_first: Annotated[
        bool,
        typer.Option(help="In the 先查验后装运 (inspect first, then load) pilot (seed §8)."),
    ] = False,
    ecommerce_regime: Annotated[
        str | None,
        typer.Option(
            help="E-commerce regime for ecommerce cargo: 9610 (B2C parcels) | 9710 (B2B direct "
            "export) | 9810 (overseas warehouse) | 1210 (bonded import, bonded zones only)."
        ),
    ] = None,
    no_combined_port: Annotated[
        bool, typer.Option(help="Do not use Combined Port clearance.")
    ] = False,
    scope: Annotated[str, typer.Option(help="Customs scope: export|import|both.")] = "both",
    modes: Annotated[str | None, typer.Option(help="Allowed modes, comma-separated.")] = None,
    max_transfers: Annotated[int | None, typer.Option()] = None,
    require: Annotated[str | None, typer.Option(help="Required node ids, comma-separated.")] = None,
    exclude: Annotated[str | None, typer.Option(help="Excluded node ids, comma-separated.")] = None,
    exclude_operators: Annotated[
        str | None, typer.Option(help="Excluded operators, comma-separated.")
    ] = None,
    max_truck_km: Annotated[float, typer.Option(help="First/last-mile truck limit, km.")] = 150.0,
    value_of_time: Annotated[float | None, typer.Option(help="CNY per hour.")] = None,
    carbon_price: Annotated[float, typer.Option(help="CNY per tonne CO2e.")] = 100.0,
    alternatives: Annotated[int, typer.Option(help="Number of alternatives.")] = 5,
    incoterm: Annotated[
        str | None, typer.Option(help="Incoterms 2020 rule of the sale (FOB, CIF, DAP, ...).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full quote document.")] = False,
    out: Annotated[Path | None, typer.Option(help="Write the quote JSON here.")] = None,
    geojson: Annotated[Path | None, typer.Option(help="Write the legs as GeoJSON here.")] = None,
    data: Annotated[Path | None, typer.Option(help="Dataset (default: bundled).")] = None,
) -> None:
    """Quote a shipment: ranked alternatives with legs, customs events, cost, time and CO2e.

    Exit 0 with a route (status ok, or split: only a split over several departures carries the
    cargo), 2 for bad input, 3 when nothing carries the whole cargo (status no_route).
    """
    from router.config import get_settings
    from router.network.model import CargoClass, Mode, parse_aeo_level
    from router.quotes.geojson import quote_geojson
    from router.routing.request import (
        Cargo,
        Constraints,
        CustomsScope,
        PlaceRef,
        Preferences,
        QuoteRequest,
        TraderProfile,
    )
    from router.services.context import load_dataset
    from router.services.quoting import quote_document

    def names(text: str | None) -> tuple[str, ...]:
        return tuple(p.strip() for p in text.split(",") if p.strip()) if text else ()

    try:
        request = QuoteRequest(
            origin=PlaceRef.parse(origin),
            destination=PlaceRef.parse(destination),
            cargo=Cargo(
                containers=parse_containers(containers) if containers else (),
                weight_kg=weight_kg,
                volume_m3=volume_m3,
                cargo_class=CargoClass(cargo_class),
                imdg_class=imdg_class,
                value_cny=value_cny,
                ecommerce_regime=ecommerce_regime,
            ),
            ready=ready,
            deadline=deadline,
            trader=TraderProfile(
                aeo_level=parse_aeo_level(aeo),
                direct_eligible=direct,
                combined_port_allowed=not no_combined_port,
                joint_declaration_eligible=joint_declaration,
                drug_whitelisted=drug_whitelisted,
                inspect_first_pilot=inspect_first,
            ),
            customs_scope=CustomsScope(scope),
            incoterm=incoterm,
            constraints=Constraints(
                allowed_modes=frozenset(Mode(m) for m in names(modes)) or frozenset(Mode),
                max_transfers=max_transfers,
                required_nodes=names(require),
                excluded_nodes=frozenset(names(exclude)),
                excluded_operators=frozenset(names(exclude_operators)),
                max_truck_km=max_truck_km,
            ),
            preferences=Preferences(value_of_time, carbon_price, alternatives),
        )
        loaded = load_dataset(data or get_settings().data_dir)
        doc = quote_document(loaded.compiled, request)
    except (RouterError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if out:
        out.write_text(text, encoding="utf-8")
    if geojson:
        geojson.write_text(json.dumps(quote_geojson(doc), ensure_ascii=False), encoding="utf-8")
    typer.echo(text if as_json else _table(doc))
    if doc["status"] == "no_route":  # "split": the split carries the cargo (see --json)
        raise typer.Exit(code=3)


def register(app: typer.Typer) -> None:
    app.command("quote")(quote_command)
