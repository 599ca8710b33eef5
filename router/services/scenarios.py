"""Scenario runs for planners: find the scenarios and the demand a planner names, run them
(:func:`router.scenarios.run.run_scenarios`), and keep a service's runs per tenant.

Used by ``router scenario ...`` and by the API's scenario jobs. A scenario is named by its
bundled name (``data/scenarios/<name>.yaml``) or a path; a demand table by its bundled name
(``data/demand/<name>.parquet`` or ``.csv``), a path (CLI), or an upload to the service
(``upload:<id>``). The service writes each run into ``<scenario_dir>/<tenant>/<job id>/`` and
stores its manifest and KPI totals as an optimisation run of kind ``scenario``.
"""

from __future__ import annotations

import difflib
import io
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from router.errors import InvalidRequestError, NotFoundError, RouterError
from router.network import load_network
from router.network.model import Network
from router.scenarios.capacity import MAX_SHIPMENTS as MAX_CAPACITY_SHIPMENTS
from router.scenarios.demand import parse_demand, read_demand
from router.scenarios.engines import EngineOptions
from router.scenarios.run import RunPlan, run_scenarios, stale_reasons
from router.scenarios.spec import (
    BUNDLED,
    Scenario,
    ScenarioSpecError,
    SpecIssue,
    base_network_path,
    bundled_scenarios,
    check_scenario,
    dataset_checksum,
    read_spec_text,
)
from router.services.auth import Principal
from router.services.context import ServiceContext
from router.services.jobs import get_job
from router.services.runs import SCENARIO
from router.store import jobs as job_repo
from router.store import repositories as repo

#: demand formats by file suffix
DEMAND_SUFFIXES = (".parquet", ".csv")
UPLOAD = "upload:"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def bundled_demands(data_dir: Path) -> dict[str, Path]:
    """The demand tables shipped in ``data_dir/demand`` by name (file stem)."""
    folder = data_dir / "demand"
    if not folder.is_dir():
        return {}
    return {
        p.stem: p for p in sorted(folder.iterdir()) if p.suffix in DEMAND_SUFFIXES and p.is_file()
    }


def _close(word: str, choices: Sequence[str]) -> list[str]:
    return difflib.get_close_matches(word, choices, n=3)


def scenario_path(ref: str, data_dir: Path) -> Path:
    """The spec file of ``ref``: a bundled scenario's name, or a path to a YAML file
    (NotFoundError with the closest bundled names if neither)."""
    bundled = bundled_scenarios(data_dir)
    if ref in bundled:
        return bundled[ref]
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    raise NotFoundError("scenario (a bundled name or a YAML file)", ref, _close(ref, list(bundled)))


class Bases:
    """The base networks of a run's specs: the service's dataset for ``base: bundled``, and
    with ``datasets`` allowed (the CLI), another dataset folder a spec names, each loaded
    once."""

    def __init__(self, data_dir: Path, network: Network, datasets: bool) -> None:
        self.data_dir = data_dir
        self.datasets = datasets
        self._loaded: dict[Path, Network] = {data_dir.resolve(): network}

    def of(self, declared: str, spec_path: Path | None, file: str) -> tuple[Path, Network]:
        """The dataset folder and network of a spec declaring ``base: declared``."""
        probe = Scenario(name="base", title="", base=declared, path=spec_path)
        folder = base_network_path(probe, self.data_dir).resolve()
        if folder not in self._loaded:
            if not self.datasets:
                issue = SpecIssue(file, None, "base", "only the bundled network on this service")
                raise ScenarioSpecError((issue,))
            try:
                self._loaded[folder] = load_network(folder)
            except RouterError as exc:
                raise ScenarioSpecError((SpecIssue(file, None, "base", str(exc)),)) from None
        return folder, self._loaded[folder]


def _declared_base(text: str) -> str:
    """The ``base`` a spec's text declares (``bundled`` when it says none or cannot be read;
    reading problems are the spec check's to report)."""
    try:  # every scalar as text: a bad value elsewhere is the spec check's to report
        top = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return BUNDLED
    base = top.get("base") if isinstance(top, dict) else None
    return base if isinstance(base, str) and base.strip() else BUNDLED


def load_scenarios(
    refs: Sequence[str],
    data_dir: Path,
    base: Network,
    texts: Sequence[str] = (),
    *,
    datasets: bool = True,
) -> list[tuple[Scenario, Path, Network]]:
    """The scenarios named by ``refs`` (bundled names or paths) and given as YAML ``texts``,
    each with the dataset folder and network it modifies (its ``base``: ``base`` for
    ``bundled``; another dataset only with ``datasets``), read and validated against that
    network (:func:`check_scenario`: a spec's field problems and unknown names together);
    every problem of every spec is reported at once (one :class:`ScenarioSpecError`), and
    nothing is returned unless all are valid."""
    bases = Bases(data_dir, base, datasets)
    sources: list[tuple[str | Path, str]] = []
    unknown: list[NotFoundError] = []
    for ref in refs:
        try:
            sources.append((scenario_path(ref, data_dir), ref))
        except NotFoundError as exc:
            unknown.append(exc)
    if unknown:  # every unknown name at once, with the closest bundled names
        keys = ", ".join(exc.key for exc in unknown)
        raise NotFoundError(unknown[0].kind, keys, [m for exc in unknown for m in exc.suggestions])
    sources += [(text, f"specs[{k}]") for k, text in enumerate(texts)]
    issues: list[SpecIssue] = []
    out: list[tuple[Scenario, Path, Network]] = []
    for source, file in sources:
        try:
            if isinstance(source, Path):  # read once: for its base, then checked
                text, spec_path, stem = read_spec_text(source), source, source.stem
                file = str(source)
            else:
                text, spec_path, stem = source, None, None
            folder, network = bases.of(_declared_base(text), spec_path, file)
            scenario = check_scenario(text, network, file=file, stem=stem)
            if spec_path is not None:
                scenario = replace(scenario, path=spec_path)
        except ScenarioSpecError as exc:
            issues.extend(exc.issues)
            continue
        out.append((scenario, folder, network))
    if issues:
        raise ScenarioSpecError(tuple(issues))
    return out


def load_demand(
    ref: str, data_dir: Path, network: Network, uploads: Path | None = None
) -> tuple[pl.DataFrame, str]:
    """The demand table named ``ref`` (bundled name, ``upload:<id>`` with ``uploads``, or a
    path), validated against ``network``, and the name it is recorded under."""
    bundled = bundled_demands(data_dir)
    if ref in bundled:
        return read_demand(bundled[ref], network), ref
    if ref.startswith(UPLOAD):
        upload_id = ref.removeprefix(UPLOAD)
        path = None if uploads is None else uploads / f"{_SAFE.sub('_', upload_id)}.parquet"
        if path is None or not path.is_file():
            raise NotFoundError("demand upload", upload_id)
        return read_demand(path, network), ref
    path = Path(ref)
    if uploads is None and path.suffix in DEMAND_SUFFIXES and path.is_file():
        return read_demand(path, network), str(path)
    what = "demand (a bundled name" + (
        ", or upload:<id>)" if uploads is not None else " or a file)"
    )
    raise NotFoundError(what, ref, _close(ref, list(bundled)))


@dataclass(frozen=True, slots=True)
class RunInputs:
    """A checked scenario run: the scenarios, the demand and how to run them, and the base
    network (the baseline) with its dataset's checksum."""

    plan: RunPlan
    network: Network
    base_checksum: str


def prepare_run(
    network: Network,
    data_dir: Path,
    scenario_refs: Sequence[str],
    demand_ref: str,
    *,
    spec_texts: Sequence[str] = (),
    capacity: bool = False,
    engine: EngineOptions | None = None,
    time_limit_s: float = 60.0,
    select: Sequence[str] = (),
    limit: int | None = None,
    uploads: Path | None = None,
    max_shipments: int | None = None,
) -> RunInputs:
    """Check everything a run needs before any work: the specs (every problem at once), the
    demand (every bad row), the limits. ``limit``: route only the first ``limit`` shipments."""
    if not scenario_refs and not spec_texts:
        raise InvalidRequestError(
            "scenarios", "name at least one scenario to run against the baseline"
        )
    loaded = load_scenarios(scenario_refs, data_dir, network, spec_texts, datasets=uploads is None)
    folders = sorted({str(folder) for _, folder, _ in loaded})
    if len(folders) > 1:
        raise InvalidRequestError(
            "scenarios",
            "the scenarios of one run modify one base network (the baseline's); these name "
            + ", ".join(folders),
        )
    _, base_dir, network = loaded[0]
    scenarios = [scenario for scenario, _, _ in loaded]
    demand, demand_name = load_demand(demand_ref, data_dir, network, uploads)
    if limit is not None:
        if limit < 1:
            raise InvalidRequestError("limit", "must be at least 1")
        demand = demand.head(limit)
        demand_name = f"{demand_name} (first {demand.height:,} rows)"
    if capacity and demand.height > MAX_CAPACITY_SHIPMENTS:
        raise InvalidRequestError(
            "demand",
            f"{demand.height:,} shipments: capacity-aware runs take at most "
            f"{MAX_CAPACITY_SHIPMENTS:,} (give a limit, or run uncapacitated)",
        )
    if max_shipments is not None and demand.height > max_shipments:
        raise InvalidRequestError(
            "demand",
            f"{demand.height:,} shipments: at most {max_shipments:,} per run on this service",
        )
    _check_select(network, select)
    plan = RunPlan(
        scenarios=tuple(scenarios),
        demand=demand,
        demand_name=demand_name,
        capacity=capacity,
        engine=engine or EngineOptions(),
        time_limit_s=time_limit_s,
        select=tuple(select),
    )
    return RunInputs(plan, network, dataset_checksum(base_dir))


def _check_select(network: Network, select: Sequence[str]) -> None:
    services = {link.service for link in network.links.values() if link.service}
    unknown = [
        s for s in select if s not in network.nodes and s not in network.links and s not in services
    ]
    if unknown:
        raise NotFoundError("node, link or service to select", ", ".join(unknown))


def execute(
    inputs: RunInputs,
    out_dir: Path,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Run a checked plan into ``out_dir``; returns the manifest."""
    return run_scenarios(inputs.network, inputs.base_checksum, inputs.plan, out_dir, progress)


# ---------------------------------------------------------------- the service's runs, per tenant
def tenant_dir(ctx: ServiceContext, tenant: str) -> Path:
    root = ctx.settings.scenario_dir
    assert root is not None  # set by Settings.model_post_init
    return root / _SAFE.sub("_", tenant)


def run_dir(ctx: ServiceContext, tenant: str, job_id: str) -> Path:
    return tenant_dir(ctx, tenant) / "runs" / _SAFE.sub("_", job_id)


def uploads_dir(ctx: ServiceContext, tenant: str) -> Path:
    return tenant_dir(ctx, tenant) / "uploads"


def upload_demand(
    ctx: ServiceContext, principal: Principal, content: bytes, content_type: str, network: Network
) -> dict[str, Any]:
    """Validate an uploaded demand table (Parquet by its magic bytes or content type, else
    CSV) and keep it for the tenant's runs as ``upload:<id>``; every bad row is reported."""
    if not content:
        raise InvalidRequestError("body", "the demand upload is empty")
    is_parquet = content[:4] == b"PAR1" or "parquet" in content_type
    name = "upload.parquet" if is_parquet else "upload.csv"
    try:
        if is_parquet:
            raw = pl.read_parquet(io.BytesIO(content))
        else:
            raw = pl.read_csv(io.BytesIO(content), infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InvalidRequestError("body", f"{name}: cannot read: {first}") from None
    demand = parse_demand(raw, network, name, first_row=1 if is_parquet else 2)
    upload_id = uuid.uuid4().hex
    folder = uploads_dir(ctx, principal.tenant)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{upload_id}.parquet.part"
    demand.write_parquet(part)
    part.replace(folder / f"{upload_id}.parquet")
    return {"id": f"{UPLOAD}{upload_id}", "rows": demand.height, "columns": demand.columns}


def scenario_result(manifest: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """What a finished run's stored result holds: the manifest and the KPI totals per run."""
    totals: dict[str, Any] = {}
    for run in manifest.get("runs", []):
        path = out_dir / run["name"] / "kpis" / "totals.parquet"
        if path.is_file():
            totals[run["name"]] = pl.read_parquet(path).to_dicts()[0]
    return {"status": "complete", "manifest": manifest, "kpis": totals}


def _finished_run(
    ctx: ServiceContext, principal: Principal, job_id: str
) -> tuple[str, dict[str, Any] | None]:
    """The tenant of the caller's scenario job and its stored result (None: not finished)."""
    with ctx.db.read() as session:
        job = job_repo.get(session, job_id, principal.tenant_scope)
        if job.kind != SCENARIO:
            raise NotFoundError("scenario run", job_id)
        if job.run_id is None:
            return job.tenant, None
        row = repo.get_run(session, SCENARIO, job.run_id, principal.tenant_scope)
        return job.tenant, dict(row.result)


def get_scenario_run(ctx: ServiceContext, principal: Principal, job_id: str) -> dict[str, Any]:
    """A scenario job of the caller's tenant: its status and progress, and once it succeeded,
    its KPIs, whether its base data changed since (``stale``) and links to its files."""
    _, result = _finished_run(ctx, principal, job_id)
    job = get_job(ctx, principal, job_id)
    out: dict[str, Any] = {**job, "links": {**job["links"], "self": f"/v1/scenarios/{job_id}"}}
    if result is None:
        return out
    manifest = result.get("manifest", {})
    reasons = stale_reasons(manifest, dataset_checksum(ctx.settings.data_dir))
    files = {name: f"/v1/scenarios/{job_id}/files/{name}" for name in result_files(manifest)}
    out.update(result=result, stale=bool(reasons), stale_reasons=reasons, files=files)
    return out


def result_files(manifest: dict[str, Any]) -> list[str]:
    """The downloadable files of a run (paths relative to its folder): the manifest, every
    run's tables and the outputs (KPI tables, charts, maps, report)."""
    names = [
        f"{run['name']}/{table}.parquet"
        for run in manifest.get("runs", [])
        for table in ("shipments", "legs")
    ]
    names += sorted(set(manifest.get("outputs", {}).values()))
    return ["manifest.json", *names]


def scenario_file(ctx: ServiceContext, principal: Principal, job_id: str, name: str) -> Path:
    """The file ``name`` of the caller's finished scenario run (only files the run lists)."""
    tenant, result = _finished_run(ctx, principal, job_id)
    if result is None:
        raise NotFoundError("finished scenario run", job_id)
    if name not in result_files(result.get("manifest", {})):
        raise NotFoundError(f"file of scenario run {job_id}", name)
    path = run_dir(ctx, tenant, job_id) / name
    if not path.is_file():
        raise NotFoundError(f"file (no longer on disk) of scenario run {job_id}", name)
    return path
