"""``router assign``, ``router consolidate`` and ``router split`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from optimise_testkit import two_mode_network
from typer.testing import CliRunner

from router.cli import app
from router.network.export import write_dataset

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("two-mode")
    write_dataset(two_mode_network(truck=True), folder)
    return folder


def test_consolidate_the_samples(tmp_path):
    out = tmp_path / "plan.json"
    result = run(
        "consolidate", SAMPLES / "bookings.csv", "--trains", SAMPLES / "trains.csv",
        "--time-limit", 3, "--json", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["status"] in ("optimal", "feasible")
    assert doc["loaded"] > 0 and doc["plans"]
    assert all(u["reasons"] for u in doc["unassigned"])
    assert json.loads(out.read_text()) == doc
    table = run(
        "consolidate",
        SAMPLES / "bookings.csv",
        "--trains",
        SAMPLES / "trains.csv",
        "--time-limit",
        2,
    )
    assert table.exit_code == 0 and "consolidation (" in table.output


def test_consolidate_require_all_is_infeasible_exit_3():
    result = run(
        "consolidate", SAMPLES / "bookings.csv", "--trains", SAMPLES / "trains.csv",
        "--time-limit", 2, "--require-all",
    )  # fmt: skip
    assert result.exit_code == 3
    assert "infeasible" in result.output and "not export-cleared" in result.output


def test_consolidate_bad_input_exit_2(tmp_path):
    bad = tmp_path / "bookings.csv"
    bad.write_text("container_id,length_ft,gross_kg,destination,ready\nA,33,1,X,2025-01-01\n")
    result = run("consolidate", bad, "--trains", SAMPLES / "trains.csv")
    assert result.exit_code == 2
    assert "length_ft" in result.output


def test_assign_on_a_dataset(dataset, tmp_path):
    shipments = tmp_path / "shipments.csv"
    shipments.write_text(
        "id,origin,destination,containers,ready\n"
        "S1,A,B,20x22G1,2025-03-03T08:00\n"
        "S2,A,B,30x22G1,2025-03-03T08:00\n"
        "S3,A,B,10x22G1,2025-03-03T08:00\n"
    )
    rules = tmp_path / "min_loads.csv"
    rules.write_text("link_id,departure,min_teu,min_t,fixed_cost_cny\nRAIL,,10,,0\n")
    result = run(
        "assign", shipments, "--data", dataset, "--min-loads", rules, "--time-limit", 3, "--json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["status"] == "optimal" and doc["assigned"] == 3
    rail = [d for d in doc["departures"] if d["link_id"] == "RAIL" and d["runs"] and d["load"]]
    assert rail and rail[0]["load"] == 40 and rail[0]["binding"]
    assert rail[0]["shadow_price_cny_per_unit"] > 0
    table = run("assign", shipments, "--data", dataset, "--time-limit", 3)
    assert table.exit_code == 0 and "assignment: 3 assigned" in table.output


def test_split_on_a_dataset(dataset):
    result = run(
        "split", "A", "B", "--ready", "2025-03-03T08:00", "--containers", "120x22G1",
        "--data", dataset, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["status"] == "ok" and doc["placed"] == 120
    assert sorted(p["containers"] for p in doc["parts"]) == [40, 80]
    bad = run(
        "split", "A", "B", "--ready", "2025-03-03T08:00", "--containers", "lots", "--data", dataset
    )
    assert bad.exit_code != 0
