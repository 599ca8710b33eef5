"""PNG charts of the baseline against every scenario (matplotlib, the Agg backend per figure,
no pyplot state): cost, door-to-door days, CO2e, mode share, on-time share, TEU-km by mode,
route changes, and the utilisation of the busiest services.

Each chart takes the tables of :func:`router.scenarios.kpis.compare_runs` (and the change
summary of :func:`router.scenarios.kpis.summarise_changes` with a ``run`` column) and writes
one PNG; runs are rows (horizontal bars), the baseline first and darker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: colours of the main modes (charts and maps)
MODE_COLOURS = {
    "truck": "#7f8c8d",
    "barge": "#16a085",
    "feeder": "#1abc9c",
    "deepsea": "#2c3e50",
    "rail": "#c0392b",
    "air": "#8e44ad",
    "tir": "#d35400",
}
CHANGE_COLOURS = {
    "same_route": "#d5d8dc",
    "other_route_same_mode": "#f5b041",
    "mode_shift": "#c0392b",
    "newly_routed": "#27ae60",
    "lost_route": "#17202a",
    "never_routed": "#aab7b8",
}
BASE_COLOUR, RUN_COLOUR = "#34495e", "#5dade2"
#: how many services the utilisation chart shows
BUSIEST = 12


def _figure(rows: int, cols: int = 1, width: float = 10.0) -> tuple[Figure, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, 1.2 + 0.38 * max(rows, 2)), dpi=100)
    FigureCanvasAgg(fig)  # the Agg backend, for this figure only
    return fig, fig.subplots(1, cols, squeeze=False)[0]


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def _value(totals: pl.DataFrame, run: str, metric: str) -> float:
    values = totals.filter(pl.col("run") == run).get_column(metric).to_list()
    return float(values[0]) if values and values[0] is not None else 0.0


def _bars(ax: Axes, runs: Sequence[str], values: Sequence[float], baseline: str, fmt: str) -> None:
    """Horizontal bars, one per run (top to bottom), labelled with their values."""
    ys = list(range(len(runs)))[::-1]
    colours = [BASE_COLOUR if r == baseline else RUN_COLOUR for r in runs]
    bars = ax.barh(ys, values, color=colours)
    ax.set_yticks(ys, list(runs), fontsize=8)
    ax.bar_label(bars, labels=[fmt.format(v) for v in values], fontsize=7, padding=2)
    ax.margins(x=0.18)
    ax.tick_params(axis="x", labelsize=7)


def _metric_chart(
    path: Path,
    totals: pl.DataFrame,
    baseline: str,
    panels: Sequence[tuple[str, str, float, str]],
    title: str,
) -> Path:
    """One panel per (metric, axis label, scale, value format) of the totals."""
    runs = totals.get_column("run").to_list()
    fig, axes = _figure(len(runs), len(panels), width=5.0 * len(panels))
    for ax, (metric, label, scale, fmt) in zip(axes, panels, strict=True):
        _bars(ax, runs, [_value(totals, r, metric) * scale for r in runs], baseline, fmt)
        ax.set_xlabel(label, fontsize=8)
    fig.suptitle(title, fontsize=11)
    return _save(fig, path)


def _stacked(
    path: Path,
    runs: Sequence[str],
    parts: Mapping[str, Sequence[float]],
    colours: Mapping[str, str],
    label: str,
    title: str,
) -> Path:
    fig, axes = _figure(len(runs), 1, width=10.0)
    ax = axes[0]
    ys = list(range(len(runs)))[::-1]
    left = [0.0] * len(runs)
    for name, values in parts.items():
        ax.barh(ys, values, left=left, color=colours.get(name, "#999999"), label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(ys, list(runs), fontsize=8)
    ax.set_xlabel(label, fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set_title(title, fontsize=11)
    return _save(fig, path)


def cost_chart(path: Path, totals: pl.DataFrame, baseline: str) -> Path:
    return _metric_chart(
        path,
        totals,
        baseline,
        [
            ("cost_cny", "total cost, million CNY", 1e-6, "{:,.2f}"),
            ("cost_cny_per_teu", "cost per TEU (containers), CNY", 1.0, "{:,.0f}"),
        ],
        "Cost",
    )


def days_chart(path: Path, totals: pl.DataFrame, baseline: str) -> Path:
    return _metric_chart(
        path,
        totals,
        baseline,
        [
            ("door_to_door_days_mean", "door-to-door days, mean", 1.0, "{:.1f}"),
            ("door_to_door_days_p90", "door-to-door days, 90th percentile", 1.0, "{:.1f}"),
            ("customs_h_mean", "customs hours per shipment, mean", 1.0, "{:.1f}"),
        ],
        "Time",
    )


def on_time_chart(path: Path, totals: pl.DataFrame, baseline: str) -> Path:
    return _metric_chart(
        path,
        totals,
        baseline,
        [
            ("on_time_share", "on time, % of routed shipments with a deadline", 100.0, "{:.1f}"),
            ("on_time_share_all", "on time, % of all with a deadline", 100.0, "{:.1f}"),
        ],
        "On-time share",
    )


def co2e_chart(path: Path, totals: pl.DataFrame, baseline: str) -> Path:
    runs = totals.get_column("run").to_list()
    parts = {
        "tank-to-wheel": [_value(totals, r, "co2e_ttw_kg") / 1000 for r in runs],
        "well-to-tank": [_value(totals, r, "co2e_wtt_kg") / 1000 for r in runs],
    }
    colours = {"tank-to-wheel": "#566573", "well-to-tank": "#aab7b8"}
    return _stacked(path, runs, parts, colours, "t CO2e (well-to-wheel)", "CO2e")


def _shares(
    frame: pl.DataFrame, runs: Sequence[str], key: str, value: str
) -> dict[str, list[float]]:
    names = sorted(set(frame.get_column(key).drop_nulls().to_list()))
    out: dict[str, list[float]] = {}
    for name in names:
        rows = frame.filter(pl.col(key) == name)
        by_run = dict(zip(rows.get_column("run"), rows.get_column(value), strict=True))
        out[name] = [float(by_run.get(r) or 0.0) for r in runs]
    return out


def mode_share_chart(path: Path, mode_share: pl.DataFrame, runs: Sequence[str]) -> Path:
    """Two panels: main-mode shares by TEU and by weight (loose cargo has no TEU)."""
    fig, axes = _figure(len(runs), 2, width=12.0)
    ys = list(range(len(runs)))[::-1]
    for ax, value, label in (
        (axes[0], "teu_share", "share of routed TEU, %"),
        (axes[1], "weight_share", "share of routed weight, %"),
    ):
        left = [0.0] * len(runs)
        for mode, values in _shares(mode_share, runs, "main_mode", value).items():
            pct = [v * 100 for v in values]
            ax.barh(ys, pct, left=left, color=MODE_COLOURS.get(mode, "#999999"), label=mode)
            left = [a + b for a, b in zip(left, pct, strict=True)]
        ax.set_yticks(ys, list(runs), fontsize=8)
        ax.set_xlim(0, 100)
        ax.set_xlabel(label, fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    axes[1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.suptitle("Mode share (main mode of each shipment)", fontsize=11)
    return _save(fig, path)


def teu_km_chart(path: Path, teu_km: pl.DataFrame, runs: Sequence[str]) -> Path:
    parts = {
        mode: [v / 1e6 for v in values]
        for mode, values in _shares(teu_km, runs, "mode", "teu_km").items()
    }
    return _stacked(path, runs, parts, MODE_COLOURS, "million TEU-km", "TEU-km by mode")


def changes_chart(path: Path, changes: pl.DataFrame, runs: Sequence[str]) -> Path:
    """Shipments of each scenario by how their route changed from the baseline's."""
    counts = changes.group_by("run", "change").agg(pl.col("shipments").sum())
    parts = {
        change: values for change, values in _shares(counts, runs, "change", "shipments").items()
    }
    ordered = {c: parts[c] for c in CHANGE_COLOURS if c in parts}
    return _stacked(
        path, runs, ordered, CHANGE_COLOURS, "shipments", "Route changes against the baseline"
    )


def utilisation_chart(
    path: Path, utilisation: pl.DataFrame, runs: Sequence[str], baseline: str
) -> Path:
    """A heat map of the utilisation (%) in every run of the :data:`BUSIEST` services with the
    highest utilisation in the baseline (then in any run); services no run uses are left out."""
    from matplotlib.colors import LinearSegmentedColormap

    ranked = (
        utilisation.filter(pl.col("utilisation") > 0)
        .group_by("service")
        .agg(
            pl.col("utilisation").filter(pl.col("run") == baseline).max().fill_null(0.0).alias("b"),
            pl.col("utilisation").max().fill_null(0.0).alias("any"),
        )
        .sort("b", "any", "service", descending=[True, True, False])
        .head(BUSIEST)
        .get_column("service")
        .to_list()
    )
    fig, axes = _figure(max(len(ranked), 3), 1, width=max(8.0, 2.5 + 0.8 * len(runs)))
    ax = axes[0]
    grid = []
    for service in ranked:
        rows = utilisation.filter(pl.col("service") == service)
        by_run = dict(zip(rows.get_column("run"), rows.get_column("utilisation"), strict=True))
        grid.append([100.0 * float(by_run.get(r) or 0.0) for r in runs])
    if not grid:
        ax.text(0.5, 0.5, "no capacity-tracked service", ha="center", va="center")
        ax.set_axis_off()
        return _save(fig, path)
    cmap = LinearSegmentedColormap.from_list("util", ["#fbfcfc", "#f5b041", "#c0392b"])
    image = ax.imshow(grid, aspect="auto", cmap=cmap, vmin=0, vmax=max(100.0, *map(max, grid)))
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            text = f"{value:.0f}" if value >= 10 or value == 0 else f"{value:.1f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(runs)), list(runs), rotation=35, ha="right", fontsize=7)
    ax.set_yticks(range(len(ranked)), ranked, fontsize=7)
    fig.colorbar(image, ax=ax, label="utilisation, %")
    ax.set_title("Utilisation of the busiest services (TEU, air: kg)", fontsize=11)
    return _save(fig, path)


def kpi_charts(
    compare: Mapping[str, pl.DataFrame], out_dir: Path, baseline: str
) -> dict[str, Path]:
    """Every chart into ``out_dir`` (``<name>.png``), by name: cost, days, on_time, co2e,
    mode_share, teu_km, utilisation, and changes when ``compare`` has a "changes" table."""
    totals = compare["totals"]
    runs = totals.get_column("run").to_list()
    charts: dict[str, Callable[[Path], Path]] = {
        "cost": lambda p: cost_chart(p, totals, baseline),
        "days": lambda p: days_chart(p, totals, baseline),
        "on_time": lambda p: on_time_chart(p, totals, baseline),
        "co2e": lambda p: co2e_chart(p, totals, baseline),
        "mode_share": lambda p: mode_share_chart(p, compare["mode_share"], runs),
        "teu_km": lambda p: teu_km_chart(p, compare["teu_km_by_mode"], runs),
        "utilisation": lambda p: utilisation_chart(p, compare["utilisation"], runs, baseline),
    }
    changes = compare.get("changes")
    if changes is not None and not changes.is_empty():
        scenario_runs = [r for r in runs if r != baseline]
        charts["changes"] = lambda p: changes_chart(p, changes, scenario_runs)
    return {name: draw(out_dir / f"{name}.png") for name, draw in charts.items()}
