"""``router scenario list|validate|run|compare|demand``: the bundled scenarios listed, specs checked
with every problem at file:line, two small runs written and compared (a table, JSON, and stale
runs flagged when the base data changed), a demand table generated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from router.cli import app
from router.network import load_network
from router.scenarios.demand import read_demand
from router.scenarios.spec import dataset_checksum

runner = CliRunner()
DATA = Path(__file__).resolve().parents[2] / "data"
WIDE = {"COLUMNS": "240"}  # rich lays the compare table out for this width


def invoke(*args: str | Path) -> object:
    return runner.invoke(app, ["scenario", *map(str, args)], env=WIDE)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two run directories of 60 shipments each: Shenzhen Bay closed, port charges cut."""
    root = tmp_path_factory.mktemp("scenario-cli")
    out = []
    for name in ("shenzhen-bay-closed", "port-charges-cut"):
        folder = root / name
        result = runner.invoke(
            app,
            [
                *("scenario", "run", name, "--demand", "gba-100k", "--limit", "60"),
                *("--out", str(folder), "--workers", "1", "--data", str(DATA)),
            ],
        )
        assert result.exit_code == 0, result.output
        assert "60 shipments (gba-100k (first 60 rows)); runs: baseline, " + name in result.stdout
        assert f"report: {folder / 'report.html'}" in result.stdout
        out.append(folder)
    return out[0], out[1]


def test_list_shows_the_bundled_scenarios_and_demand_tables() -> None:
    result = invoke("list", "--data", DATA)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    seeded = [line for line in lines if "seed §" in line]
    assert len(seeded) >= 12, result.stdout
    assert any(line.startswith("shenzhen-bay-closed ") for line in lines)
    assert lines[-1] == "demand tables: gba-100k, gba-sample-50"


def test_validate_a_bundled_scenario() -> None:
    result = invoke("validate", "shenzhen-bay-closed", "aeo-share-double", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert "shenzhen-bay-closed: OK, 2 modification(s)" in result.stdout
    assert "aeo-share-double: OK" in result.stdout


BROKEN = """\
name: broken
title: Broken on purpose
base: bundled
modifications:
  - kind: close
    service: BAX-DUX
  - kind: close
    node: CN-SZBAY
    modes: [rail]
"""

MISTYPED = """\
name: mistyped
title: Mistyped on purpose
base: bundled
modifications:
  - kind: scale_frequency
    service: BAX-DUI
    factor: 0
  - kind: close
    node: CN-SZBAY
    from: 2026-13-01
"""


def test_validate_prints_every_problem_of_every_file_with_its_line(tmp_path: Path) -> None:
    broken, mistyped = tmp_path / "broken.yaml", tmp_path / "mistyped.yaml"
    broken.write_text(BROKEN)
    mistyped.write_text(MISTYPED)
    result = invoke("validate", broken, "shenzhen-bay-closed", mistyped, "--data", DATA)
    assert result.exit_code == 2, result.output
    problems = result.stderr.splitlines()
    assert problems == [
        f"{broken}:6: modifications[0].service: unknown service 'BAX-DUX'; did you mean BAX-DUI?",
        f"{broken}:9: modifications[1].modes: closes nothing: no rail link starts, ends or "
        "passes at CN-SZBAY",
        f"{mistyped}:7: modifications[0].factor: must be > 0, got 0",
        f"{mistyped}:10: modifications[1].from: must be a date YYYY-MM-DD, got '2026-13-01'",
        "4 problem(s); nothing applied",
    ]
    assert result.stdout == ""
    typo = invoke("validate", "shenzhen-bay-clsed", "--data", DATA)
    assert typo.exit_code == 2 and "did you mean: shenzhen-bay-closed" in typo.stderr


def test_run_writes_the_tables_kpis_charts_and_report(runs: tuple[Path, Path]) -> None:
    first, _ = runs
    manifest = json.loads((first / "manifest.json").read_text())
    assert [run["name"] for run in manifest["runs"]] == ["baseline", "shenzhen-bay-closed"]
    assert manifest["demand_rows"] == 60 and manifest["engine"] == "local"
    assert all(run["workers"] == 1 for run in manifest["runs"])
    for name in ("baseline", "shenzhen-bay-closed"):
        shipments = pl.read_parquet(first / name / "shipments.parquet")
        assert shipments.height == 60
        assert (first / name / "legs.parquet").is_file()
        assert (first / name / "kpis" / "totals.parquet").is_file()
    for relative in manifest["outputs"].values():
        assert (first / relative).is_file(), relative
    assert (first / "report.html").stat().st_size > 100_000
    assert list((first / "charts").glob("*.png"))


def test_run_refuses_bad_input_with_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    base = ["--out", out, "--workers", "1", "--data", DATA]
    zero = invoke("run", "shenzhen-bay-closed", "--demand", "gba-100k", "--limit", "0", *base)
    assert zero.exit_code == 2 and "limit" in zero.stderr
    demand = invoke("run", "shenzhen-bay-closed", "--demand", "gba-10k", *base)
    assert demand.exit_code == 2 and "did you mean: gba-100k" in demand.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    spec = invoke("run", broken, "--demand", "gba-100k", "--limit", "5", *base)
    assert spec.exit_code == 2 and "2 problem(s); nothing run" in spec.stderr
    assert f"{broken}:6: modifications[0].service" in spec.stderr
    assert not out.exists()


def test_compare_shows_runs_side_by_side(runs: tuple[Path, Path]) -> None:
    first, second = runs
    table = invoke("compare", first, second, "--data", DATA)
    assert table.exit_code == 0, table.output
    header = next(line for line in table.stdout.splitlines() if "KPI" in line)
    for column in ("shenzhen-bay-closed:baseline", "port-charges-cut:port-charges-cut"):
        assert column in header
    assert any(line.split("│")[1].strip() == "shipments" for line in table.stdout.splitlines()[3:])

    as_json = invoke("compare", first, second, "--json", "--data", DATA)
    assert as_json.exit_code == 0, as_json.output
    columns = json.loads(as_json.stdout)
    assert list(columns) == [
        "shenzhen-bay-closed:baseline",
        "shenzhen-bay-closed:shenzhen-bay-closed",
        "port-charges-cut:baseline",
        "port-charges-cut:port-charges-cut",
    ]
    assert all(column["shipments"] == 60 for column in columns.values())
    # the same demand on the same base: the two baselines agree
    assert columns["shenzhen-bay-closed:baseline"] == columns["port-charges-cut:baseline"]


def test_compare_tells_runs_with_the_same_folder_name_apart(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = runs
    a, b = tmp_path / "a" / "run", tmp_path / "b" / "run"
    shutil.copytree(first, a)
    shutil.copytree(second, b)
    result = invoke("compare", a, b, "--json", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)) == [
        f"{a}:baseline",
        f"{a}:shenzhen-bay-closed",
        f"{b}:baseline",
        f"{b}:port-charges-cut",
    ]


def test_compare_flags_runs_of_changed_base_data(runs: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = runs
    changed = tmp_path / "data"
    shutil.copytree(DATA, changed, ignore=shutil.ignore_patterns("samples", "demand", "*.md"))
    with (changed / "links.csv").open("a") as f:
        f.write("\n")
    result = invoke("compare", first, second, "--json", "--data", changed)
    assert result.exit_code == 1, result.output
    stale = [line for line in result.stderr.splitlines() if line.startswith("STALE")]
    assert [line.split()[1] for line in stale] == [f"{first}:", f"{second}:"]
    assert "base dataset changed" in stale[0]
    assert len(json.loads(result.stdout)) == 4  # the figures are still shown
    missing = invoke("compare", first, tmp_path / "nothing", "--data", DATA)
    assert missing.exit_code == 1 and "not a scenario run directory" in missing.stderr


def test_demand_writes_a_valid_table_of_the_rows_asked(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = invoke("demand", "--shipments", "200", "--out", out, "--data", DATA)
    assert result.exit_code == 0, result.output
    assert f"wrote 200 shipments to {out}" in result.stdout
    table = read_demand(out, load_network(DATA))
    assert table.height == 200 and table["id"].n_unique() == 200


OWN_BASE = """\
name: own-base
title: Shenzhen Bay closed, on a copy of the dataset
base: {base}
assumptions:
  - text: a test
    source: the test
modifications:
  - kind: close
    node: {node}
"""


def test_a_spec_on_its_own_dataset_is_checked_and_run_on_it(tmp_path: Path) -> None:
    """``base:`` names a dataset folder (relative to the spec): the spec is checked against
    that network and the run's baseline is that dataset, not the bundled one."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("demand", "scenarios", "samples"))
    nodes = copy / "nodes.geojson"  # another dataset: a node renamed
    nodes.write_text(nodes.read_text().replace("(Shenzhen side)", "(the copy's)", 1))
    spec = tmp_path / "specs" / "own-base.yaml"
    spec.parent.mkdir()
    spec.write_text(OWN_BASE.format(base="../data", node="CN-SZBAY"))
    result = invoke("validate", spec, "--data", DATA)
    assert result.exit_code == 0, result.output
    assert f"own-base: OK, 1 modification(s) (base {copy.resolve()})" in result.stdout
    out = tmp_path / "run"
    run = invoke(
        "run", spec, "--demand", "gba-100k", "--limit", "20", "--out", out, "--workers", "1",
        "--data", DATA,
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["base_checksum"] == dataset_checksum(copy) != dataset_checksum(DATA)
    # a node unknown in that dataset is reported against it; two bases in one run are refused
    spec.write_text(OWN_BASE.format(base="../data", node="CN-SZBAX"))
    bad = invoke("validate", spec, "--data", DATA)
    assert bad.exit_code == 2 and "modifications[0].node: unknown node 'CN-SZBAX'" in bad.stderr
    spec.write_text(OWN_BASE.format(base="../data", node="CN-SZBAY"))
    mixed = invoke(
        "run", spec, "shenzhen-bay-closed", "--demand", "gba-100k", "--limit", "5",
        "--out", tmp_path / "mixed", "--data", DATA,
    )  # fmt: skip
    assert mixed.exit_code == 2 and "modify one base network" in mixed.stderr
