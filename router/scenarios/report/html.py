"""The self-contained scenario report: one ``report.html`` that opens offline. The KPI table,
the PNG charts as ``data:`` URIs, tables of route changes, utilisation and select-link flows,
and an interactive Leaflet map with no tile server (the Natural Earth land GeoJSON is its base
layer; flows are polylines with popups; baseline, scenario and difference layers toggle).
Leaflet's script and stylesheet and the land are inlined from the vendored files in
``assets/`` (built from the npm registry by ``web/``; licences in assets/LICENSES.md): the
page loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from router.network.model import Network
from router.scenarios.report.flowmap import (
    COLOURS,
    GBA_BOUNDS,
    asset_path,
    display_lon,
    flow_difference,
    land_geojson_text,
    link_flows,
    network_lines,
    segment_coords,
)


@dataclass(frozen=True)
class Metric:
    """A row of the KPI table: the totals' column, its label, a scale, the value format and
    whether a larger value is better (for the delta's colour; None: neither)."""

    column: str
    label: str
    scale: float = 1.0
    fmt: str = "{:,.1f}"
    higher_is_better: bool | None = None


METRICS: tuple[Metric, ...] = (
    Metric("shipments", "Shipments", fmt="{:,.0f}"),
    Metric("shipments_routed", "Shipments routed", fmt="{:,.0f}", higher_is_better=True),
    Metric(
        "shipments_no_route", "Shipments without a route", fmt="{:,.0f}", higher_is_better=False
    ),
    Metric(
        "shipments_unassigned",
        "Shipments unassigned (capacity)",
        fmt="{:,.0f}",
        higher_is_better=False,
    ),
    Metric("teu_routed", "TEU routed", fmt="{:,.0f}", higher_is_better=True),
    Metric("weight_kg_routed", "Weight routed, t", 1e-3, "{:,.0f}", True),
    Metric("cost_cny", "Total cost, million CNY", 1e-6, "{:,.2f}", False),
    Metric(
        "cost_cny_per_teu", "Cost per TEU (containers), CNY", fmt="{:,.0f}", higher_is_better=False
    ),
    Metric(
        "cost_cny_per_tonne_loose",
        "Cost per tonne (loose cargo), CNY",
        fmt="{:,.0f}",
        higher_is_better=False,
    ),
    Metric(
        "door_to_door_days_mean", "Door-to-door days, mean", fmt="{:,.2f}", higher_is_better=False
    ),
    Metric(
        "door_to_door_days_p90", "Door-to-door days, p90", fmt="{:,.2f}", higher_is_better=False
    ),
    Metric("on_time_share", "On time, % of routed with a deadline", 100.0, "{:,.1f}", True),
    Metric("on_time_share_all", "On time, % of all with a deadline", 100.0, "{:,.1f}", True),
    Metric("co2e_ttw_kg", "CO2e tank-to-wheel, t", 1e-3, "{:,.1f}", False),
    Metric("co2e_wtt_kg", "CO2e well-to-tank, t", 1e-3, "{:,.1f}", False),
    Metric("co2e_wtw_kg", "CO2e well-to-wheel, t", 1e-3, "{:,.1f}", False),
    Metric(
        "customs_h_mean", "Customs hours per shipment, mean", fmt="{:,.2f}", higher_is_better=False
    ),
    Metric("dwell_h_mean", "Dwell hours per shipment, mean", fmt="{:,.2f}", higher_is_better=False),
    Metric("transfers_mean", "Transfers per shipment, mean", fmt="{:,.2f}", higher_is_better=False),
    Metric("teu_km", "TEU-km, million", 1e-6, "{:,.2f}"),
    Metric("tonne_km", "Tonne-km, million", 1e-6, "{:,.2f}"),
)

CHART_TITLES = {
    "cost": "Cost",
    "days": "Door-to-door and customs time",
    "on_time": "On-time share",
    "co2e": "CO2e",
    "mode_share": "Mode share",
    "teu_km": "TEU-km by mode",
    "changes": "Route changes",
    "utilisation": "Utilisation of the busiest services",
}
#: how many rows the OD and utilisation tables show (the Parquet files have all)
TOP_ROWS = 20


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "run"


def _fmt(value: Any, fmt: str = "{:,.1f}", scale: float = 1.0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float | int):
        return fmt.format(value * scale)
    return _esc(value)


def _table(frame: pl.DataFrame, formats: Mapping[str, str] | None = None) -> str:
    """A plain HTML table of ``frame`` (strings left-aligned)."""
    formats = formats or {}
    head = "".join(
        f'<th class="{"name" if frame.schema[c] == pl.String else ""}">{_esc(c)}</th>'
        for c in frame.columns
    )
    rows = []
    for row in frame.iter_rows(named=True):
        cells = []
        for c in frame.columns:
            v = row[c]
            if frame.schema[c] == pl.String or v is None:
                cells.append(f'<td class="name">{_esc("" if v is None else v)}</td>')
            elif c.endswith("_delta"):
                cells.append(f"<td>{_signed(v, formats.get(c, '{:,.2f}'))}</td>")
            else:
                cells.append(f"<td>{_fmt(v, formats.get(c, '{:,.2f}'))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


def utilisation_pivot(util: pl.DataFrame, runs: Sequence[str], baseline: str) -> pl.DataFrame:
    """The :data:`TOP_ROWS` services with the highest utilisation (in the baseline, then in
    any run): service, mode, unit, and each run's utilisation in % (a column per run)."""
    ranked = (
        util.filter(pl.col("utilisation") > 0)
        .group_by("service", "space_unit")
        .agg(
            pl.col("mode").first(),
            pl.col("utilisation")
            .filter(pl.col("run") == baseline)
            .max()
            .fill_null(0.0)
            .alias("_base"),
            pl.col("utilisation").max().alias("_any"),
        )
        .sort("_base", "_any", "service", descending=[True, True, False])
        .head(TOP_ROWS)
    )
    wide = (
        util.join(ranked.select("service", "space_unit"), on=["service", "space_unit"])
        .with_columns((pl.col("utilisation").fill_null(0.0) * 100.0).alias("pct"))
        .pivot(on="run", index=["service", "space_unit"], values="pct")
    )
    cols = [r for r in runs if r in wide.columns]
    return (
        ranked.select("service", "mode", "space_unit")
        .join(wide, on=["service", "space_unit"], how="left", maintain_order="left")
        .select("service", "mode", "space_unit", *(pl.col(r).alias(f"{r}, %") for r in cols))
    )


def _nonzero(text: str) -> bool:
    return any(ch in "123456789" for ch in text)


def _signed(value: float, fmt: str) -> str:
    """``value`` in ``fmt`` with its sign; no "-0" for a change that rounds away."""
    text = fmt.format(value)
    if not _nonzero(text):
        return text.lstrip("-")
    return ("+" if value > 0 else "") + text


def kpi_table(totals: pl.DataFrame, baseline: str, titles: Mapping[str, str]) -> str:
    """Metrics as rows, runs as columns; each scenario cell with its change from the baseline
    (green when better, red when worse)."""
    runs = totals.get_column("run").to_list()
    by_run = {row["run"]: row for row in totals.iter_rows(named=True)}
    base = by_run.get(baseline, {})
    head = '<th class="name">KPI</th>' + "".join(
        f"<th>{_esc(titles.get(r, r))}<br><small>{_esc(r)}</small></th>" for r in runs
    )
    rows = []
    for m in METRICS:
        if m.column not in totals.columns:
            continue
        cells = [f'<td class="name">{_esc(m.label)}<br><small>{_esc(m.column)}</small></td>']
        for run in runs:
            value = by_run[run].get(m.column)
            text = _fmt(value, m.fmt, m.scale)
            ref = base.get(m.column)
            if run != baseline and value is not None and ref is not None:
                delta = (value - ref) * m.scale
                shown = _signed(delta, m.fmt)
                pct = f" ({_signed((value - ref) / abs(ref) * 100, '{:.1f}')}%)" if ref else ""
                tone = ""
                if m.higher_is_better is not None and _nonzero(shown):
                    tone = "better" if (delta > 0) == m.higher_is_better else "worse"
                text += f'<span class="delta {tone}">{shown}{_esc(pct)}</span>'
            cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


def _round_coords(coords: Sequence[tuple[float, float]]) -> list[list[float]]:
    """(display lon, lat) points as Leaflet [lat, lon] pairs, 4 decimals."""
    return [[round(y, 4), round(x, 4)] for x, y in coords]


def map_data(
    runs: Sequence[tuple[str, str]],
    legs: Mapping[str, pl.DataFrame],
    networks: Mapping[str, Network],
    baseline: str,
) -> dict[str, Any]:
    """The map's data: the baseline network's links, the nodes on flows, and per run (in
    ``runs`` order, (name, title)) its flows and, for scenarios, the changes from the
    baseline's flows (coordinates in display longitudes)."""
    base_net = networks[baseline]
    base_flows = link_flows(legs[baseline])
    out_runs = []
    node_ids: set[str] = set()
    all_coords: list[list[float]] = []
    max_teu = max_delta = 0.0
    for name, title in runs:
        nets = [networks[name], base_net]
        flows = link_flows(legs[name])
        items = []
        for row in flows.iter_rows(named=True):
            coords = segment_coords(row, nets)
            if coords is None:
                continue
            node_ids.update(n for n in (row["from_node"], row["to_node"]) if n)
            c = _round_coords(coords)
            all_coords.extend(c)
            max_teu = max(max_teu, row["teu"])
            items.append(
                {
                    "seg": row["segment"],
                    "mode": row["mode"],
                    "c": c,
                    "teu": round(row["teu"], 3),
                    "kg": round(row["weight_kg"], 1),
                    "n": row["shipments"],
                }
            )
        diff = None
        if name != baseline:
            diff = []
            for row in flow_difference(base_flows, flows).iter_rows(named=True):
                coords = segment_coords(row, nets)
                if coords is None:
                    continue
                max_delta = max(max_delta, abs(row["teu_delta"]))
                diff.append(
                    {
                        "seg": row["segment"],
                        "mode": row["mode"],
                        "c": _round_coords(coords),
                        "teu_base": round(row["teu_base"], 3),
                        "teu_run": round(row["teu_run"], 3),
                        "d_teu": round(row["teu_delta"], 3),
                        "kg_base": round(row["weight_kg_base"], 1),
                        "kg_run": round(row["weight_kg_run"], 1),
                        "d_kg": round(row["weight_kg_delta"], 1),
                        "d_n": row["shipments_delta"],
                    }
                )
        out_runs.append(
            {"name": name, "slug": _slug(name), "title": title, "flows": items, "diff": diff}
        )
    nodes = []
    for node_id in sorted(node_ids):
        node = base_net.nodes.get(node_id) or next(
            (n.nodes[node_id] for n in networks.values() if node_id in n.nodes), None
        )
        if node is not None:
            nodes.append(
                {
                    "id": node.id,
                    "name": node.name,
                    "kind": node.kind.value,
                    "lat": node.lat,
                    "lon": round(display_lon(node.lon), 4),
                }
            )
    west, east, south, north = GBA_BOUNDS
    if all_coords:
        lats, lons = [c[0] for c in all_coords], [c[1] for c in all_coords]
        world = [[min(lats), min(lons)], [max(lats), max(lons)]]
    else:
        world = [[-50.0, -20.0], [70.0, 300.0]]
    return {
        "baseline": baseline,
        "colours": COLOURS,
        "gba": [[south, west], [north, east]],
        "world": world,
        "network": [_round_coords(line) for line in network_lines(base_net)],
        "nodes": nodes,
        "runs": out_runs,
        "max_teu": max_teu,
        "max_delta_teu": max_delta,
    }


def _json_script(element_id: str, payload: str) -> str:
    """JSON in a non-executed script element (``</`` escaped so it cannot close it)."""
    return (
        f'<script type="application/json" id="{element_id}">'
        + payload.replace("</", "<\\/")
        + "</script>"
    )


def _inline_script(text: str) -> str:
    return "<script>" + text.replace("</script", "<\\/script") + "</script>"


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def render_report(
    path: Path,
    *,
    manifest: Mapping[str, Any],
    compare: Mapping[str, pl.DataFrame],
    charts: Mapping[str, Path],
    legs: Mapping[str, pl.DataFrame],
    networks: Mapping[str, Network],
) -> Path:
    """Write the self-contained report to ``path``. ``manifest``: the run directory's
    manifest.json; ``compare``: :func:`router.scenarios.kpis.compare_runs` plus "changes"
    (summary with a ``run`` column); ``charts``: PNGs by name; ``legs``: each run's legs (for
    the map); ``networks``: each run's network."""
    baseline = str(manifest.get("baseline", "baseline"))
    run_entries = list(manifest.get("runs", []))
    titles = {str(r["name"]): str(r.get("title") or r["name"]) for r in run_entries}
    totals = compare["totals"]
    runs = totals.get_column("run").to_list()
    data = map_data([(r, titles.get(r, r)) for r in runs], legs, networks, baseline)

    runs_table = pl.DataFrame(
        [
            {
                "run": str(r.get("name")),
                "title": titles.get(str(r.get("name")), ""),
                "mode": str(r.get("mode", "")),
                "engine": str(r.get("engine", "")),
                "demand": str(r.get("demand", "")),
                "demand_rows": str(r.get("demand_rows", "")),
                "spec": str(r.get("spec") or ""),
                "finished": str(r.get("finished", "")),
            }
            for r in run_entries
        ]
        or [{"run": baseline}]
    )
    sections = [
        "<h2>Runs</h2>",
        _table(runs_table),
        "<h2>KPIs, baseline against each scenario</h2>",
        '<p class="meta">Costs, times and CO2e over routed shipments; per-TEU figures over '
        "containerised shipments (loose cargo has 0 TEU and its own per-tonne cost). Under "
        "each scenario value: its change from the baseline (green better, red worse).</p>",
        kpi_table(totals, baseline, titles),
        "<h2>Flow map</h2>",
        '<p class="meta">No tile server: land from Natural Earth (public domain). Line width '
        "by TEU; loose-cargo-only segments dotted. Toggle the baseline, each scenario and its "
        "change from the baseline (red more, blue fewer TEU) in the layer list; click a line "
        "for its figures.</p>",
        '<div id="map"></div>',
    ]
    changes = compare.get("changes")
    if changes is not None and not changes.is_empty():
        sections += [
            "<h2>Route changes against the baseline</h2>",
            _table(
                changes.filter(pl.col("change") != "same_route").sort(
                    "run", "shipments", descending=[False, True]
                ),
                {"shipments": "{:,.0f}", "teu": "{:,.1f}", "weight_kg": "{:,.0f}"},
            ),
        ]
    util = compare["utilisation"]
    if not util.is_empty():
        sections += [
            f"<h2>Utilisation: the {TOP_ROWS} services with the highest utilisation</h2>",
            '<p class="meta">Space carried on the departures within the demand&#39;s horizon '
            "/ space offered by them (per-departure capacity x departures from the timetable), "
            "in %: TEU on container services, kg on air services. Services no run uses are left "
            "out; the Parquet tables have them all.</p>",
            _table(utilisation_pivot(util, runs, baseline), {}),
        ]
    sel = compare["select_link"]
    if not sel.is_empty():
        sections += [
            "<h2>Select-link: flows through the selected nodes, links and services</h2>",
            _table(
                sel.filter(pl.col("level") == "total")
                .select(
                    "select",
                    "run",
                    "shipments",
                    "shipments_delta",
                    "teu",
                    "teu_delta",
                    "weight_kg",
                    "weight_kg_delta",
                    "cost_cny",
                    "cost_cny_delta",
                )
                .sort("select", maintain_order=True),
                {
                    "shipments": "{:,.0f}",
                    "shipments_delta": "{:,.0f}",
                    "teu": "{:,.1f}",
                    "teu_delta": "{:,.1f}",
                    "weight_kg": "{:,.0f}",
                    "weight_kg_delta": "{:,.0f}",
                    "cost_cny": "{:,.0f}",
                    "cost_cny_delta": "{:,.0f}",
                },
            ),
        ]
    by_od = compare["by_od"]
    if not by_od.is_empty():
        top = (
            by_od.filter(pl.col("run") == baseline)
            .sort("teu", descending=True)
            .head(TOP_ROWS)
            .select("origin", "destination")
        )
        sections += [
            f"<h2>The {TOP_ROWS} largest origin-destination pairs (baseline TEU)</h2>",
            _table(
                by_od.join(top, on=["origin", "destination"])
                .select(
                    "origin",
                    "destination",
                    "run",
                    "teu",
                    "cost_cny_per_teu",
                    "cost_cny_per_teu_delta",
                    "door_to_door_days_mean",
                    "door_to_door_days_mean_delta",
                    "on_time_share",
                )
                .sort("origin", "destination", "run"),
                {
                    "teu": "{:,.0f}",
                    "cost_cny_per_teu": "{:,.0f}",
                    "cost_cny_per_teu_delta": "{:,.0f}",
                },
            ),
        ]
    sections.append("<h2>Charts</h2>")
    sections.append('<div class="charts">')
    for name, chart in charts.items():
        sections.append(
            f'<img alt="{_esc(CHART_TITLES.get(name, name))}" src="{_png_data_uri(chart)}">'
        )
    sections.append("</div>")

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Scenario report: GBA Freight Router</title>",
            "<style>" + asset_path("assets/leaflet.css").read_text(encoding="utf-8") + "</style>",
            "<style>" + asset_path("assets/report.css").read_text(encoding="utf-8") + "</style>",
            "</head><body><header><h1>Scenario report</h1>",
            f'<div class="meta">GBA Freight Router &middot; baseline <b>{_esc(baseline)}</b> '
            f"&middot; {len(runs)} run(s) &middot; written {stamp}</div></header><main>",
            *sections,
            "</main><footer>Tables at OD level are in the Parquet files beside this report "
            "(&lt;run&gt;/kpis/, compare/). Map: Leaflet (BSD-2-Clause); land: Natural Earth "
            "(public domain).</footer>",
            _json_script("land-data", land_geojson_text()),
            _json_script("report-data", json.dumps(data, separators=(",", ":"))),
            _inline_script(asset_path("assets/leaflet.js").read_text(encoding="utf-8")),
            _inline_script(asset_path("assets/report.js").read_text(encoding="utf-8")),
            "</body></html>\n",
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
