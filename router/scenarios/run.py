"""Run a baseline and scenarios on one demand table and write the run directory.

For each run (the baseline first, then every scenario in the order given): the scenario's
modifications are applied to a copy of the base network and its demand edits to a copy of the
demand (:class:`router.scenarios.spec.Scenario`), the demand is routed (uncapacitated by the
engine of :mod:`router.scenarios.engines`, or capacity-aware by
:mod:`router.scenarios.capacity`), and ``OUT/<run>/shipments.parquet`` and ``legs.parquet`` are
written; ``OUT/manifest.json`` records what ran on what (the base dataset's checksum, the
demand's, the spec's) so a result computed on older data can be flagged stale
(:func:`stale_reasons`). The KPIs, charts, maps and the report are written from these files by
:func:`router.scenarios.report.write_outputs`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from router.errors import InvalidRequestError
from router.network.model import Network
from router.routing.compiled import compile_network
from router.scenarios.capacity import assign_demand
from router.scenarios.engines import EngineOptions, route_demand
from router.scenarios.report import write_outputs
from router.scenarios.spec import Scenario, baseline

log = logging.getLogger(__name__)

#: progress callback: (share done 0-1, message)
RunProgress = Callable[[float, str], None]
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class RunPlan:
    """What to run: ``scenarios`` (the baseline is added first), the ``demand`` table (named
    ``demand_name`` in the manifest), uncapacitated or ``capacity``-aware (with
    ``time_limit_s`` per assignment), the engine, and the nodes, links, services or border
    crossings whose flows the report shows (``select``, added to the scenarios' own)."""

    scenarios: tuple[Scenario, ...]
    demand: pl.DataFrame
    demand_name: str
    capacity: bool = False
    engine: EngineOptions = field(default_factory=EngineOptions)
    time_limit_s: float = 60.0
    select: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [s.name for s in self.scenarios]
        if "baseline" in names:
            raise InvalidRequestError("scenarios", "'baseline' is the name of the base run")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise InvalidRequestError("scenarios", f"scenario named twice: {', '.join(twice)}")

    @property
    def runs(self) -> tuple[Scenario, ...]:
        return (baseline(), *self.scenarios)

    @property
    def selected(self) -> tuple[str, ...]:
        wanted = [*self.select, *(x for s in self.scenarios for x in s.select)]
        return tuple(dict.fromkeys(wanted))


def frame_checksum(df: pl.DataFrame) -> str:
    """A sha256 of a table's contents (row order and column names included)."""
    digest = hashlib.sha256(",".join(df.columns).encode())
    digest.update(df.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


def run_scenarios(
    base: Network,
    base_checksum: str,
    plan: RunPlan,
    out_dir: Path,
    progress: RunProgress | None = None,
) -> dict[str, Any]:
    """Run ``plan`` on ``base`` (its dataset's checksum ``base_checksum``) into ``out_dir``;
    returns the manifest. The KPI tables, charts and report are written last."""
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = plan.runs
    manifest: dict[str, Any] = {
        "created": _now(),
        "baseline": "baseline",
        "base_checksum": base_checksum,
        "demand": plan.demand_name,
        "demand_rows": plan.demand.height,
        "demand_checksum": frame_checksum(plan.demand),
        "mode": "capacity" if plan.capacity else "uncapacitated",
        "engine": plan.engine.engine,
        "select": list(plan.selected),
        "runs": [],
    }
    networks: dict[str, Network] = {}
    for k, scenario in enumerate(runs):

        def step(done: int, total: int, k: int = k, name: str = scenario.name) -> None:
            if progress is not None:
                share = (k + (done / total if total else 1.0)) / (len(runs) + 1)
                progress(share, f"{name}: {done:,} of {total:,} shipments routed")

        network = scenario.apply(base)
        demand = scenario.apply_demand(plan.demand)
        networks[scenario.name] = network
        started, cpu0, wall0 = _now(), time.process_time(), time.perf_counter()
        entry = _run_entry(scenario, plan, base_checksum, demand)
        if plan.capacity:
            step(0, demand.height)
            outcome = assign_demand(compile_network(network), demand, plan.time_limit_s)
            shipments, legs = outcome.shipments, outcome.legs
            entry["solve"] = outcome.solve
        else:
            checksum = f"{base_checksum}:{scenario.fingerprint}"
            routed = route_demand(network, checksum, demand, plan.engine, step)
            shipments, legs = routed.shipments, routed.legs
            entry["workers_cpu_s"] = round(routed.cpu_s, 3)
            entry["chunks"] = routed.chunks
        run_dir = out_dir / scenario.name
        run_dir.mkdir(exist_ok=True)
        shipments.write_parquet(run_dir / "shipments.parquet")
        legs.write_parquet(run_dir / "legs.parquet")
        counts = shipments.group_by("status").len().sort("status")
        entry.update(
            started=started,
            finished=_now(),
            wall_s=round(time.perf_counter() - wall0, 3),
            driver_cpu_s=round(time.process_time() - cpu0, 3),
            shipments=dict(zip(counts["status"].to_list(), counts["len"].to_list(), strict=True)),
        )
        manifest["runs"].append(entry)
        _write_manifest(out_dir, manifest)
        log.info("scenario run %s: %s", scenario.name, entry["shipments"])
    if progress is not None:
        progress(len(runs) / (len(runs) + 1), "writing KPIs, charts and the report")
    manifest["outputs"] = {
        k: str(p.relative_to(out_dir)) for k, p in write_outputs(out_dir, networks).items()
    }
    manifest["finished"] = _now()
    _write_manifest(out_dir, manifest)
    if progress is not None:
        progress(1.0, "done")
    return manifest


def _run_entry(
    scenario: Scenario, plan: RunPlan, base_checksum: str, demand: pl.DataFrame
) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "title": scenario.title,
        "description": scenario.description,
        # the file's name, not its path (a service's manifest is shown to its tenants)
        "spec": scenario.path.name if scenario.path is not None else None,
        "spec_fingerprint": scenario.fingerprint,
        "seed_section": scenario.seed.section if scenario.seed else None,
        "base_checksum": base_checksum,
        "demand": plan.demand_name,
        "demand_rows": demand.height,
        "mode": "capacity" if plan.capacity else "uncapacitated",
        "engine": plan.engine.engine if not plan.capacity else "in-process assignment",
        "workers": plan.engine.worker_count if not plan.capacity else 1,
    }


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of a run directory (a clear error when there is none)."""
    path = out_dir / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise InvalidRequestError(
            "run directory", f"{out_dir} is not a scenario run directory (no {MANIFEST})"
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidRequestError("run directory", f"{path}: not valid JSON ({exc})") from None
    return data


def stale_reasons(manifest: dict[str, Any], current_checksum: str) -> list[str]:
    """Why the results of ``manifest`` no longer describe the current base data (empty: not
    stale)."""
    if manifest.get("base_checksum") != current_checksum:
        return [
            "the base dataset changed since this run (checksum "
            f"{str(manifest.get('base_checksum'))[:12]} then, {current_checksum[:12]} now): run it again"
        ]
    return []


def _write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    tmp = out_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    tmp.replace(out_dir / MANIFEST)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
