"""The ``router network`` command line: check, info, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from router.cli import app
from router.config import get_settings
from router.network import load_network

runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def test_help_lists_the_network_commands() -> None:
    result = invoke("network", "--help")
    assert result.exit_code == 0
    for command in ("check", "info", "export"):
        assert command in result.output


def test_check_valid_dataset(tiny_dir: Path) -> None:
    result = invoke("network", "check", tiny_dir)
    assert result.exit_code == 0, result.output
    assert "OK, 16 nodes, 23 links, 0 warning(s)" in result.stdout
    assert "links by mode: air 1, barge 1, deepsea 3, feeder 1, rail 2, tir 1, truck 14" in (
        result.stdout
    )
    assert "nodes by kind: airport 2, border_crossing 4, city 2" in result.stdout
    assert result.stderr == ""


def test_check_valid_dataset_with_warning(test_data_dir: Path) -> None:
    result = invoke("network", "check", test_data_dir / "unreachable")
    assert result.exit_code == 0, result.output
    assert "OK, 17 nodes, 24 links, 1 warning(s)" in result.stdout
    assert "warning: nodes.geojson: feature ZS-CITY, field 'id': unreachable node" in result.stdout


def test_check_invalid_dataset_lists_problems_on_stderr(broken_dir: Path) -> None:
    result = invoke("network", "check", broken_dir / "unknown_mode")
    assert result.exit_code == 1
    assert "INVALID, 1 error(s), nothing loaded" in result.stderr
    assert "links.csv: row 5, field 'mode': unknown value 'hovercraft'" in result.stderr
    assert "OK" not in result.stdout


def test_check_nonexistent_path_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = invoke("network", "check", missing)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a traceback
    assert "Traceback" not in result.output
    assert str(missing) in result.stderr
    assert "does not exist" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("info",), ("info", "--json"), ("export", "--out", "{out}"), ("check",)],
    ids=["info", "info-json", "export", "check"],
)
def test_every_command_rejects_a_nonexistent_path(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "out.geojson"
    argv = [a.format(out=out) for a in args]
    result = invoke("network", *argv, tmp_path / "nope")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert not out.exists()


def test_info_prints_counts(tiny_dir: Path) -> None:
    result = invoke("network", "info", tiny_dir)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.split() == ["nodes", "16"] for line in lines)
    assert any(line.split() == ["links", "23"] for line in lines)
    assert "links_by_mode:" in lines
    assert any(line.split() == ["truck", "14"] for line in lines)
    assert any(line.split() == ["EAEU", "1"] for line in lines)


def test_info_json(tiny_dir: Path) -> None:
    result = invoke("network", "info", "--json", tiny_dir)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["name"] == "tiny"
    assert summary["nodes"] == 16 and summary["links"] == 23
    assert summary["links_by_regime"] == {"domestic": 12, "international": 9, "supervised": 2}
    assert summary["links_by_schedule"] == {"any": 15, "headway": 2, "weekly": 6}
    assert summary["nodes_by_kind"]["seaport"] == 4
    assert summary["warnings"] == 0


def test_export_geojson(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tiny.geojson"
    result = invoke("network", "export", "--format", "geojson", "--out", out, tiny_dir)
    assert result.exit_code == 0, result.output
    assert f"wrote geojson export of 16 nodes and 23 links to {out}" in result.stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == 16 + 23
    # the export is itself a dataset the CLI accepts
    assert invoke("network", "check", out).exit_code == 0
    assert load_network(out) == load_network(tiny_dir)


def test_export_geojson_is_the_default_format(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "default.geojson"
    result = invoke("network", "export", "--out", out, tiny_dir)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_export_csv(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv-export"
    result = invoke("network", "export", "--format", "csv", "--out", out, tiny_dir)
    assert result.exit_code == 0, result.output
    assert f"wrote csv export of 16 nodes and 23 links to {out}" in result.stdout
    assert (out / "links.csv").is_file() and (out / "nodes.geojson").is_file()
    assert len((out / "links.csv").read_text(encoding="utf-8").splitlines()) == 1 + 23
    check = invoke("network", "check", out)
    assert check.exit_code == 0, check.output
    assert load_network(out) == load_network(tiny_dir)


def test_export_of_an_invalid_dataset_writes_nothing(broken_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    result = invoke("network", "export", "--out", out, broken_dir / "many_defects")
    assert result.exit_code == 1
    assert "INVALID" in result.stderr
    assert not out.exists()


def test_export_unknown_format_is_a_usage_error(tiny_dir: Path, tmp_path: Path) -> None:
    result = invoke("network", "export", "--format", "xml", "--out", tmp_path / "x", tiny_dir)
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_default_dataset_comes_from_settings(
    tiny_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTER_DATA_DIR", str(tiny_dir))
    get_settings.cache_clear()
    try:
        result = invoke("network", "check")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"{tiny_dir}: OK, 16 nodes" in result.stdout


def test_quote_rejects_the_abolished_general_aeo_level(tiny_dir: Path) -> None:
    result = invoke(
        "quote", "CNSZX", "DEFRA", "--ready", "2025-06-02T08:00", "--containers", "1x22G1",
        "--aeo", "general", "--data", tiny_dir,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "GAC Decree 251" in result.output


def test_quote_json_events_name_jurisdiction_procedure_and_time(tiny_dir: Path) -> None:
    # a box is flown only as its declared cargo: weight and volume given
    result = invoke(
        "quote", "CNSZX", "DEFRA", "--ready", "2025-06-02T08:00", "--containers", "1x22G1",
        "--weight-kg", "2000", "--volume-m3", "10", "--incoterm", "CIP", "--json",
        "--data", tiny_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    events = [e for a in doc["alternatives"] for e in a["customs_events"]]
    assert events
    for event in events:
        assert event["jurisdiction"] and event["procedure"] and event["at"]


def test_quote_json_carries_the_commercial_fields(tiny_dir: Path) -> None:
    """The CLI prints the same document as the API: validity, scope, inclusions, cost lines
    and CO2e split per ISO 14083."""
    result = invoke(
        "quote", "CNSZX", "DEFRA", "--ready", "2025-06-02T08:00", "--weight-kg", "400",
        "--volume-m3", "3", "--incoterm", "DAP", "--json", "--data", tiny_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert "valid_until" in doc and "notes" in doc
    for alt in doc["alternatives"]:
        assert alt["scope"]["incoterm"] == "DAP"
        assert alt["scope"]["main_carriage_paid_by"] == "seller"
        assert alt["included"] and alt["excluded"]
        assert {"total_kg", "ttw_kg", "wtt_kg", "method"} <= set(alt["co2e"])
        total = sum(line["amount_cny"] for line in alt["cost"]["lines"])
        assert abs(total - alt["cost"]["total"]) < 0.05
    table = invoke(
        "quote", "CNSZX", "DEFRA", "--ready", "2025-06-02T08:00", "--weight-kg", "400",
        "--volume-m3", "3", "--data", tiny_dir,
    )  # fmt: skip
    assert "base freight" in table.output and "excluded:" in table.output
