"""Everything a scenario run directory gets after its runs: KPI tables, comparisons, charts,
flow maps and the HTML report (docs/scenario-reports.md).

Reads ``OUT/manifest.json`` and each run's ``OUT/<run>/shipments.parquet`` and
``legs.parquet``; writes

* ``OUT/<run>/kpis/<table>.parquet`` (:data:`router.scenarios.kpis.KPI_TABLES`),
* ``OUT/compare/<table>.parquet`` (:func:`router.scenarios.kpis.compare_runs`; ``changes`` and
  ``changes_by_od``: route changes summed per scenario; ``changed_routes_<run>.parquet``: per
  shipment),
* ``OUT/charts/<chart>.png``, ``OUT/flowmap_<run>.png``, ``OUT/report.html``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from router.errors import InvalidRecordsError, NotFoundError
from router.network.model import Network
from router.scenarios.kpis import (
    changed_routes,
    compare_runs,
    demand_horizon,
    run_kpis,
    summarise_changes,
)
from router.scenarios.report.charts import kpi_charts
from router.scenarios.report.flowmap import draw_flowmap, flow_difference, link_flows
from router.scenarios.report.html import render_report
from router.scenarios.tables import LEGS_SCHEMA, SHIPMENTS_SCHEMA

log = logging.getLogger(__name__)


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """``OUT/manifest.json``, with ``runs`` (each with a ``name``) and ``baseline``."""
    path = out_dir / "manifest.json"
    if not path.is_file():
        raise NotFoundError("run manifest", str(path))
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    if not isinstance(manifest.get("runs"), list) or not manifest["runs"]:
        problems.append(("runs", "a non-empty list of runs is required"))
    else:
        for i, run in enumerate(manifest["runs"]):
            if not isinstance(run, dict) or not isinstance(run.get("name"), str):
                problems.append((f"runs.{i}.name", "required"))
    if problems:
        raise InvalidRecordsError(str(path), problems)
    manifest.setdefault("baseline", "baseline")
    return manifest


def read_run_table(path: Path, schema: Mapping[str, Any]) -> pl.DataFrame:
    """A run table with every column of ``schema`` (cast to it); extra columns are kept."""
    if not path.is_file():
        raise NotFoundError("run table", str(path))
    frame = pl.read_parquet(path)
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise InvalidRecordsError(str(path), [(c, "missing column") for c in missing])
    return frame.with_columns(pl.col(c).cast(t) for c, t in schema.items())


def _select(manifest: Mapping[str, Any]) -> list[str]:
    """The select-link items: the manifest's ``select`` and each run's own, in order."""
    items = [str(s) for s in manifest.get("select") or []]
    for run in manifest["runs"]:
        items += [str(s) for s in run.get("select") or []]
    return list(dict.fromkeys(items))


def write_outputs(out_dir: Path, networks: Mapping[str, Network]) -> dict[str, Path]:
    """KPIs, comparisons, charts, flow maps and report.html of the runs in ``out_dir``.
    ``networks``: each run's network by run name (the scenario's own, for its timetable,
    capacities and new links). Returns the written files by key: ``kpis:<run>:<table>``,
    ``compare:<table>``, ``changed_routes:<run>``, ``chart:<name>``, ``flowmap:<run>``,
    ``report``."""
    manifest = read_manifest(out_dir)
    baseline = str(manifest["baseline"])
    names = [str(r["name"]) for r in manifest["runs"]]
    if baseline not in names:
        raise NotFoundError("baseline run in the manifest", baseline, names)
    names = [baseline, *(n for n in names if n != baseline)]
    missing = [n for n in names if n not in networks]
    if missing:
        raise NotFoundError("network of run", missing[0], sorted(networks))
    select = _select(manifest)
    shipments = {
        n: read_run_table(out_dir / n / "shipments.parquet", SHIPMENTS_SCHEMA) for n in names
    }
    legs = {n: read_run_table(out_dir / n / "legs.parquet", LEGS_SCHEMA) for n in names}
    # one horizon for every run (the same demand), so utilisations compare
    horizon = demand_horizon(shipments[baseline])
    written: dict[str, Path] = {}

    kpis = {}
    for name in names:
        kpis[name] = run_kpis(shipments[name], legs[name], networks[name], select, horizon=horizon)
        folder = out_dir / name / "kpis"
        folder.mkdir(parents=True, exist_ok=True)
        for table, frame in kpis[name].items():
            written[f"kpis:{name}:{table}"] = _parquet(frame, folder / f"{table}.parquet")

    compare = compare_runs(kpis, baseline)
    compare_dir = out_dir / "compare"
    compare_dir.mkdir(parents=True, exist_ok=True)
    summaries, by_od = [], []
    for name in names[1:]:
        changes = changed_routes(shipments[baseline], shipments[name])
        path = compare_dir / f"changed_routes_{name}.parquet"
        written[f"changed_routes:{name}"] = _parquet(changes, path)
        summaries.append(summarise_changes(changes).with_columns(pl.lit(name).alias("run")))
        by_od.append(summarise_changes(changes, od=True).with_columns(pl.lit(name).alias("run")))
    if summaries:
        compare["changes"] = _run_first(pl.concat(summaries, how="vertical_relaxed"))
        compare["changes_by_od"] = _run_first(pl.concat(by_od, how="vertical_relaxed"))
    for table, frame in compare.items():
        written[f"compare:{table}"] = _parquet(frame, compare_dir / f"{table}.parquet")

    charts = kpi_charts(compare, out_dir / "charts", baseline)
    written.update({f"chart:{name}": path for name, path in charts.items()})

    titles = {
        str(r["name"]): png_title(str(r.get("title") or r["name"]), str(r["name"]))
        for r in manifest["runs"]
    }
    base_flows = link_flows(legs[baseline])
    for name in names:
        nets = [networks[name], networks[baseline]]
        flows = link_flows(legs[name])
        difference = None if name == baseline else flow_difference(base_flows, flows)
        title = titles.get(name, name)
        if difference is not None:
            title += f": change from the baseline ({titles.get(baseline, baseline)})"
        written[f"flowmap:{name}"] = draw_flowmap(
            out_dir / f"flowmap_{name}.png", nets, flows, difference, title
        )

    written["report"] = render_report(
        out_dir / "report.html",
        manifest=manifest,
        compare=compare,
        charts=charts,
        legs=legs,
        networks=networks,
    )
    log.info("scenario report: %d files under %s", len(written), out_dir)
    return written


def _run_first(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("run", *(c for c in frame.columns if c != "run"))


def _parquet(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_parquet(path)
    return path


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def png_title(title: str, name: str) -> str:
    """A run's title for PNG charts and maps, whose font (matplotlib's DejaVu Sans) has no
    Chinese: a title with Chinese in it gives way to the run's name (the HTML report keeps the
    titles whole)."""
    return name if _CJK.search(title) else title
