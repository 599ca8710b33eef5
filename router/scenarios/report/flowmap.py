"""Flows on the network: legs summed per link (TEU, weight, shipments), the difference of a
scenario's flows from the baseline's, their drawing coordinates, and a static PNG flow map on
the shipped Natural Earth land (assets/land-50m.geojson).

Display longitudes: the network spans Europe to the US west coast with the Greater Bay Area in
between, so longitudes west of 30°W are shown +360° (the Americas east of the Pacific, not west
of Europe): trans-Pacific links run across the Pacific, not across Eurasia.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from router.network.model import Network

#: the Greater Bay Area view, display lon/lat: (west, east, south, north)
GBA_BOUNDS = (112.2, 115.0, 21.5, 24.0)
#: longitudes west of this are shown +360 (see the module docstring)
WRAP_LON = -30.0
ASSETS = "router.scenarios.report"
LAND_FILE = "assets/land-50m.geojson"

#: colours of the maps (PNG and HTML alike)
COLOURS = {
    "sea": "#dce8f2",
    "land": "#f2efe6",
    "coast": "#c4bcaa",
    "network": "#9a9a9a",
    "flow": "#5b4f7a",
    "more": "#d62728",
    "less": "#1f77d4",
}

FLOW_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "segment": pl.String,
    "link_id": pl.String,
    "mode": pl.String,
    "from_node": pl.String,
    "to_node": pl.String,
    "teu": pl.Float64,
    "weight_kg": pl.Float64,
    "shipments": pl.Int64,
}


def display_lon(lon: float) -> float:
    """The longitude a map draws ``lon`` at (see the module docstring)."""
    return lon + 360.0 if lon < WRAP_LON else lon


def asset_path(name: str) -> Path:
    """A file of router/scenarios/report/assets/ (``name`` like "assets/leaflet.js")."""
    return Path(str(resources.files(ASSETS).joinpath(name)))


@lru_cache(maxsize=1)
def land_geojson_text() -> str:
    """The shipped Natural Earth 1:50m land GeoJSON (public domain), as text."""
    return asset_path(LAND_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def land_rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Outer rings of the Natural Earth land polygons as (lon, lat) lists, each once as is and
    once shifted +360° (the display longitudes reach past 180°)."""
    data = json.loads(land_geojson_text())
    rings: list[tuple[tuple[float, float], ...]] = []
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for polygon in polygons:
            outer = tuple((float(x), float(y)) for x, y in polygon[0])
            rings.append(outer)
            rings.append(tuple((x + 360.0, y) for x, y in outer))
    return tuple(rings)


def link_flows(legs: pl.DataFrame) -> pl.DataFrame:
    """Legs summed per segment: a link (``segment`` = its id) or, for access/egress legs
    without one, the node pair and mode (``"<from>><to>:<mode>"``). TEU, weight (loose cargo
    has TEU 0 but a weight) and the number of shipments."""
    if legs.is_empty():
        return pl.DataFrame(schema=FLOW_SCHEMA)
    seg = pl.coalesce(
        pl.col("link_id"),
        pl.concat_str("from_node", pl.lit(">"), "to_node", pl.lit(":"), "mode"),
    )
    return (
        legs.with_columns(seg.alias("segment"))
        .group_by("segment")
        .agg(
            pl.col("link_id").first(),
            pl.col("mode").first(),
            pl.col("from_node").first(),
            pl.col("to_node").first(),
            pl.col("teu").sum().cast(pl.Float64),
            pl.col("weight_kg").sum().cast(pl.Float64),
            pl.col("shipment_id").n_unique().cast(pl.Int64).alias("shipments"),
        )
        .select(list(FLOW_SCHEMA))
        .sort("segment")
    )


def flow_difference(base: pl.DataFrame, run: pl.DataFrame) -> pl.DataFrame:
    """Per segment: the baseline's and the run's TEU, weight and shipments (0 where a side has
    none) and their deltas (run - baseline), only where something changed."""
    ident = ["segment", "link_id", "mode", "from_node", "to_node"]
    measures = ["teu", "weight_kg", "shipments"]
    joined = base.join(run, on="segment", how="full", coalesce=True, suffix="_run")
    return (
        joined.with_columns(
            *(pl.coalesce(c, f"{c}_run").alias(c) for c in ident[1:]),
            *(pl.col(m).fill_null(0).alias(f"{m}_base") for m in measures),
            *(pl.col(f"{m}_run").fill_null(0) for m in measures),
        )
        .with_columns(
            (pl.col(f"{m}_run") - pl.col(f"{m}_base")).alias(f"{m}_delta") for m in measures
        )
        .filter(
            (pl.col("teu_delta").abs() > 1e-9)
            | (pl.col("weight_kg_delta").abs() > 1e-6)
            | (pl.col("shipments_delta") != 0)
        )
        .select(*ident, *(f"{m}_{s}" for m in measures for s in ("base", "run", "delta")))
        .sort("segment")
    )


def segment_coords(
    row: dict[str, Any], networks: Sequence[Network]
) -> list[tuple[float, float]] | None:
    """(display lon, lat) points of a flow segment: its link's geometry from the first network
    that has the link, else a straight line between its nodes; None when neither is known."""
    link_id = row.get("link_id")
    for net in networks:
        link = net.links.get(link_id) if link_id else None
        if link is not None and len(link.geometry) >= 2:
            return [(display_lon(x), y) for x, y in link.geometry]
    for net in networks:
        a, b = net.nodes.get(row.get("from_node") or ""), net.nodes.get(row.get("to_node") or "")
        if a is not None and b is not None:
            return [(display_lon(a.lon), a.lat), (display_lon(b.lon), b.lat)]
    return None


def network_lines(network: Network) -> list[list[tuple[float, float]]]:
    """Every link's geometry in display longitudes (one line per node pair and geometry)."""
    seen: set[tuple[tuple[float, float], ...]] = set()
    lines = []
    for link in network.links.values():
        geom = tuple((display_lon(x), y) for x, y in link.geometry)
        if len(geom) >= 2 and geom not in seen and geom[::-1] not in seen:
            seen.add(geom)
            lines.append(list(geom))
    return lines


def _extent(lines: Iterable[Sequence[tuple[float, float]]]) -> tuple[float, float, float, float]:
    xs = [x for line in lines for x, _ in line]
    ys = [y for line in lines for _, y in line]
    if not xs:
        return GBA_BOUNDS
    pad_x, pad_y = max(5.0, (max(xs) - min(xs)) * 0.05), max(4.0, (max(ys) - min(ys)) * 0.08)
    return (
        min(xs) - pad_x,
        max(xs) + pad_x,
        max(-85.0, min(ys) - pad_y),
        min(85.0, max(ys) + pad_y),
    )


def _width(value: float, top: float, thinnest: float = 0.6, thickest: float = 7.0) -> float:
    return thinnest + (thickest - thinnest) * (value / top if top > 0 else 0.0)


def draw_flowmap(
    path: Path,
    networks: Sequence[Network],
    flows: pl.DataFrame,
    difference: pl.DataFrame | None = None,
    title: str = "",
) -> Path:
    """A PNG flow map: land, the network's links in grey, and either the run's flows (line
    width by TEU; loose-cargo-only segments dotted) or, with ``difference`` (a scenario against
    the baseline), the run's flows faint with the changes on top: more TEU red, less blue,
    width by the change. Two panels: the Greater Bay Area and the whole network.
    ``networks``: the run's network first, then the baseline's (for geometry)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(15, 7.5), dpi=110)
    FigureCanvasAgg(fig)  # the Agg backend, for this figure only
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
    net_lines = network_lines(networks[0])

    def lines_of(
        frame: pl.DataFrame, measure: str
    ) -> list[tuple[list[tuple[float, float]], float, bool]]:
        out = []
        for row in frame.iter_rows(named=True):
            coords = segment_coords(row, networks)
            if coords is not None:
                loose_only = abs(row[measure]) <= 1e-9
                out.append((coords, row[measure], loose_only))
        return out

    flow_lines = lines_of(flows, "teu")
    diff_lines = lines_of(difference, "teu_delta") if difference is not None else []
    everything = [c for c, _, _ in flow_lines + diff_lines] or net_lines
    for ax, bounds, name in (
        (axes[0], GBA_BOUNDS, "Greater Bay Area"),
        (axes[1], _extent(everything), "Whole network"),
    ):
        ax.set_facecolor(COLOURS["sea"])
        ax.add_collection(
            PolyCollection(
                land_rings(),
                facecolors=COLOURS["land"],
                edgecolors=COLOURS["coast"],
                linewidths=0.4,
            )
        )
        ax.add_collection(
            LineCollection(net_lines, colors=COLOURS["network"], linewidths=0.4, alpha=0.6)
        )
        top = max((abs(v) for _, v, _ in flow_lines), default=0.0)
        faint = difference is not None
        ax.add_collection(
            LineCollection(
                [c for c, _, lo in flow_lines if not lo],
                colors=COLOURS["flow"],
                linewidths=[_width(v, top) for _, v, lo in flow_lines if not lo],
                alpha=0.25 if faint else 0.75,
                capstyle="round",
            )
        )
        ax.add_collection(
            LineCollection(
                [c for c, _, lo in flow_lines if lo],
                colors=COLOURS["flow"],
                linewidths=0.8,
                linestyles="dotted",
                alpha=0.25 if faint else 0.8,
            )
        )
        if diff_lines:
            top_d = max(abs(v) for _, v, _ in diff_lines)
            ax.add_collection(
                LineCollection(
                    [c for c, _, _ in diff_lines],
                    colors=[
                        COLOURS["more"] if v > 0 else COLOURS["less"] for _, v, _ in diff_lines
                    ],
                    linewidths=[_width(abs(v), top_d) if v else 0.8 for _, v, _ in diff_lines],
                    linestyles=["dotted" if lo else "solid" for _, _, lo in diff_lines],
                    alpha=0.85,
                    capstyle="round",
                )
            )
        west, east, south, north = bounds
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        ax.set_aspect("equal" if ax is axes[0] else "auto")
        ax.set_title(name, fontsize=10)
        ax.tick_params(labelsize=7)
    handles = [Line2D([], [], color=COLOURS["network"], lw=1, label="network link")]
    if difference is None:
        handles += [
            Line2D([], [], color=COLOURS["flow"], lw=4, label="flow (width: TEU)"),
            Line2D([], [], color=COLOURS["flow"], lw=1, ls=":", label="loose cargo only"),
        ]
    else:
        handles += [
            Line2D([], [], color=COLOURS["flow"], lw=4, alpha=0.3, label="scenario flow (TEU)"),
            Line2D([], [], color=COLOURS["more"], lw=4, label="more TEU than baseline"),
            Line2D([], [], color=COLOURS["less"], lw=4, label="fewer TEU than baseline"),
        ]
    axes[1].legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    fig.suptitle(title or "Flows", fontsize=12)
    fig.text(
        0.99, 0.01, "Land: Natural Earth (public domain)", ha="right", fontsize=7, color="#666"
    )
    fig.tight_layout(rect=(0, 0.02, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path
