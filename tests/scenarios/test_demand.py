"""Demand tables (router.scenarios.demand) and the GBA demand generator (router.scenarios.generate).

Every validation rule is checked with the location it reports (file, row, column); a valid table
round-trips CSV <-> Parquet; a row's request equals the API's request for the same fields; the
generator is deterministic, its shares are near the sourced targets (data/README.md "Demand
sample"), its rows are valid against the bundled network, and the bundled samples are its output.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from router.api.schemas import QuoteRequestIn, to_quote_request
from router.errors import InvalidRecordsError, InvalidRequestError
from router.network import Network, load_network
from router.scenarios.demand import (
    DEMAND_SCHEMA,
    DemandError,
    demand_requests,
    parse_containers,
    parse_demand,
    read_demand,
    request_of,
    validate_demand,
    write_demand,
)
from router.scenarios.generate import (
    DEFAULT_MIX,
    DEFAULT_START,
    SAMPLE_SEED,
    SAMPLE_SHIPMENTS,
    expected_shares,
    generate_demand,
    observed_shares,
)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SAMPLE_PARQUET = DATA / "demand" / "gba-100k.parquet"
SAMPLE_CSV = DATA / "demand" / "gba-sample-50.csv"

HEADER = "id,origin,destination,containers,weight_kg,cargo_class,imdg_class,ready,deadline"
GOOD = "S1,CN-SZ-CITY,DEDUI,2x42G1,20000,general,,2026-03-02T08:00,2026-04-30T08:00"


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(DATA)


@pytest.fixture(scope="module")
def generated(network: Network) -> pl.DataFrame:
    return generate_demand(network, 30_000, seed=SAMPLE_SEED)


def issues_of(path: Path, network: Network | None) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DemandError) as info:
        read_demand(path, network)
    return [(i.row, i.column, i.message) for i in info.value.issues]


def write(tmp_path: Path, text: str, name: str = "demand.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------- validation
BAD_ROWS = [
    # (row text after the header, column, part of the message)
    ("S2,CNYTX,DEDUI,1x42G1,,,,2026-03-02T08:00,", "origin", "did you mean CNYTN"),
    ("S2,CN-SZ-CITY,DEDUX,1x42G1,,,,2026-03-02T08:00,", "destination", "unknown node"),
    ("S2,CNYTN,cnytn,1x42G1,,,,2026-03-02T08:00,", "destination", "same place as the origin"),
    ("S2,CNYTN,DEDUI,1x42G1,,,,2026-03-02T08:00,2026-03-01T08:00", "deadline", "not after"),
    ("S2,CNYTN,DEDUI,1x42G1,,,,2026-03-02T08:00,2026-03-02T08:00", "deadline", "not after"),
    ("S2,CNYTN,DEDUI,2x20GP,,,,2026-03-02T08:00,", "containers", "supported: 22G1"),
    ("S2,CNYTN,DEDUI,2*42G1,,,,2026-03-02T08:00,", "containers", "must look like 2x42G1"),
    ("S2,CNYTN,DEDUI,0x42G1,,,,2026-03-02T08:00,", "containers", "at least 1"),
    ("S2,CNYTN,DEDUI,501x42G1,,,,2026-03-02T08:00,", "containers", "at most 500"),
    ("S2,CNYTN,DEDUI,,,,,2026-03-02T08:00,", "weight_kg", "loose cargo"),
    ("S2,CNYTN,DEDUI,1x22G1,30000,,,2026-03-02T08:00,", "weight_kg", "exceeds the containers"),
    ("S2,CNYTN,DEDUI,1x22G1,-3,,,2026-03-02T08:00,", "weight_kg", "out of range"),
    ("S2,CNYTN,DEDUI,1x22G1,heavy,,,2026-03-02T08:00,", "weight_kg", "not a number"),
    ("S2,CNYTN,DEDUI,1x22G1,,dangerous,,2026-03-02T08:00,", "imdg_class", "need an IMDG class"),
    ("S2,CNYTN,DEDUI,1x22G1,,dangerous,10,2026-03-02T08:00,", "imdg_class", "not an IMDG"),
    ("S2,CNYTN,DEDUI,1x22G1,,reefer,,2026-03-02T08:00,", "containers", "reefer containers"),
    ("S2,CNYTN,DEDUI,1x22G1,,frozen,,2026-03-02T08:00,", "cargo_class", "allowed: general"),
    ("S2,CNYTN,DEDUI,1x22G1,,,,2026-02-30T08:00,", "ready", "not a date-time"),
    ("S2,CNYTN,DEDUI,1x22G1,,,,1999-12-31T08:00,", "ready", "2000-01-01"),
    ("S2,CNYTN,DEDUI,1x22G1,,,,,", "ready", "is required"),
    (",CNYTN,DEDUI,1x22G1,,,,2026-03-02T08:00,", "id", "is required"),
    ("S2,,DEDUI,1x22G1,,,,2026-03-02T08:00,", "origin", "is required"),
    ("S1,CNYTN,DEDUI,1x22G1,,,,2026-03-02T08:00,", "id", "duplicate id 'S1' (first at row 2)"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_each_rule_names_file_row_and_column(
    tmp_path: Path, network: Network, row: str, column: str, message: str
) -> None:
    path = write(tmp_path, f"{HEADER}\n{GOOD}\n{row}\n")
    with pytest.raises(DemandError) as info:
        read_demand(path, network)
    error = info.value
    assert isinstance(error, InvalidRecordsError)
    found = [i for i in error.issues if i.column == column and message in i.message]
    assert found, [str(i) for i in error.issues]
    assert found[0].row == 3  # line 3 of the file: header, the good row, this one
    assert found[0].file == str(path)
    assert str(found[0]).startswith(f"{path}:3: {column}: ")
    assert all(i.row == 3 for i in error.issues), [str(i) for i in error.issues]


OTHER_COLUMNS = [
    ("aeo_level", "general", "abolished"),
    ("aeo_level", "gold", "allowed: none, advanced"),
    ("direct_eligible", "maybe", "not true/false"),
    ("value_cny", "-1", "out of range"),
    ("volume_m3", "0", "out of range"),
    ("ecommerce_regime", "9999", "not an e-commerce regime"),
    ("ecommerce_regime", "9610", "needs cargo_class ecommerce"),
]


@pytest.mark.parametrize(("column", "value", "message"), OTHER_COLUMNS)
def test_trader_value_and_regime_rules(
    tmp_path: Path, network: Network, column: str, value: str, message: str
) -> None:
    path = write(
        tmp_path, f"{HEADER},{column}\n{GOOD},\nS2,CNYTN,DEDUI,1x22G1,,,,2026-03-02,,{value}\n"
    )
    assert any(
        row == 3 and col == column and message in text
        for row, col, text in issues_of(path, network)
    )


def test_table_level_problems(tmp_path: Path, network: Network) -> None:
    path = write(tmp_path, "id,origin,weight,ready\nS1,CNYTN,5,2026-03-02\n")
    issues = issues_of(path, network)
    assert (None, "destination") in [(r, c) for r, c, _ in issues]  # missing required column
    unknown = [m for r, c, m in issues if c == "weight"]
    assert (
        unknown and "did you mean weight_kg" in unknown[0] and "allowed: id, origin" in unknown[0]
    )
    assert any(c == "containers" and "containers or weight_kg" in m for _, c, m in issues)


def test_column_twice_empty_table_missing_file_and_suffix(tmp_path: Path) -> None:
    twice = write(tmp_path, "id,ID,origin\nS1,S2,CNYTN\n")
    assert any("column given twice" in m for _, _, m in issues_of(twice, None))
    empty = write(tmp_path, HEADER + "\n", "empty.csv")
    assert [m for _, _, m in issues_of(empty, None)] == ["no rows"]
    assert "file not found" in issues_of(tmp_path / "missing.csv", None)[0][2]
    assert ".csv or .parquet" in issues_of(write(tmp_path, "x", "demand.xlsx"), None)[0][2]


def test_every_issue_is_kept_and_the_message_is_capped(tmp_path: Path, network: Network) -> None:
    rows = [f"S{k},CNYTX,DEDUI,1x42G1,,,,2026-03-02T08:00," for k in range(120)]
    path = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(DemandError) as info:
        read_demand(path, network)
    assert len(info.value.issues) == 120
    assert [i.row for i in info.value.issues] == list(range(2, 122))
    assert "120 problem(s)" in str(info.value) and "... and 70 more" in str(info.value)


def test_csv_rows_are_numbered_by_their_line(tmp_path: Path, network: Network) -> None:
    text = f'{HEADER}\n"S1\nsecond line",CNYTN,DEDUI,1x42G1,,,,2026-03-02,\n\nS3,CNYTX,DEDUI,1x42G1,,,,2026-03-02,\n'
    issues = issues_of(write(tmp_path, text), network)
    assert [(r, c) for r, c, _ in issues] == [(5, "origin")]  # the blank line 4 is skipped


def test_parquet_rows_are_numbered_from_one(tmp_path: Path, network: Network) -> None:
    frame = pl.DataFrame(
        {
            "id": ["A", "B", "C"],
            "origin": ["CNYTN", "CNYTN", "CNYTN"],
            "destination": ["DEDUI", "NLRTM", "DEDUX"],
            "weight_kg": [100.0, None, 100.0],
            "ready": ["2026-03-02T08:00"] * 3,
        }
    )
    path = tmp_path / "demand.parquet"
    frame.write_parquet(path)
    issues = issues_of(path, network)
    assert [(r, c) for r, c, _ in issues] == [(2, "weight_kg"), (3, "destination")]
    with pytest.raises(DemandError) as info:
        validate_demand(frame, network, file="upload")
    assert str(info.value.issues[0]).startswith("upload:2: weight_kg: ")


def test_without_a_network_codes_are_not_resolved(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nS1,NOWHERE,ELSEWHERE,1x42G1,,,,2026-03-02,\n")
    assert read_demand(path).height == 1


def test_the_assignment_shipments_csv_reads(network: Network) -> None:
    df = read_demand(DATA / "samples" / "shipments.csv", network)
    assert df.height == 10 and dict(df.schema) == DEMAND_SCHEMA
    assert df["combined_port_allowed"].all() and df["deadline"].null_count() > 0


def test_typed_defaults_and_canonical_containers(tmp_path: Path, network: Network) -> None:
    text = (
        "ID, Origin ,destination,containers,ready,Direct_Eligible,aeo_level\n"
        "S1,cnytn,DEDUI,1x42g1; 2X22G1 ,2026-03-02 08:00:00+00:00,YES,\n"
        "S2,CNYTN,DEDUI,1x42G1,2026-03-02,,Advanced\n"
    )
    df = read_demand(write(tmp_path, text), network)
    assert dict(df.schema) == DEMAND_SCHEMA
    first = df.row(0, named=True)
    assert first["containers"] == "1x42G1;2x22G1"
    assert first["ready"].isoformat() == "2026-03-02T16:00:00+08:00"  # UTC offset converted
    assert first["direct_eligible"] is True and first["combined_port_allowed"] is True
    assert first["cargo_class"] == "general" and first["aeo_level"] == "none"
    assert df.row(1, named=True)["aeo_level"] == "advanced"
    assert parse_containers("2x22G1;1x42G1,1x22G1") == (("22G1", 3), ("42G1", 1))


# ------------------------------------------------------------------- round trips, requests
def test_csv_and_parquet_round_trip(tmp_path: Path, network: Network) -> None:
    df = generate_demand(network, 2_000, seed=7)
    for name in ("d.csv", "d.parquet"):
        write_demand(df, tmp_path / name)
        assert read_demand(tmp_path / name, network).equals(df)
    again = read_demand(tmp_path / "d.csv", network)
    write_demand(again, tmp_path / "e.parquet")
    assert read_demand(tmp_path / "e.parquet", network).equals(df)


def api_body(row: dict[str, Any]) -> dict[str, Any]:
    """The API's JSON body for a demand row's fields."""
    cargo: dict[str, Any] = {"cargo_class": row["cargo_class"]}
    if row["containers"]:
        cargo["containers"] = [
            {"type": code, "count": count} for code, count in parse_containers(row["containers"])
        ]
    for name in ("weight_kg", "volume_m3", "imdg_class", "value_cny", "ecommerce_regime"):
        if row[name] is not None:
            cargo[name] = row[name]
    body: dict[str, Any] = {
        "origin": row["origin"],
        "destination": row["destination"],
        "cargo": cargo,
        "ready": row["ready"].isoformat(),
        "trader": {
            name: row[name]
            for name in (
                "aeo_level",
                "direct_eligible",
                "combined_port_allowed",
                "joint_declaration_eligible",
                "inspect_first_pilot",
                "drug_whitelisted",
            )
        },
    }
    if row["deadline"] is not None:
        body["deadline"] = row["deadline"].isoformat()
    return body


def test_request_of_equals_the_api_request(network: Network) -> None:
    df = pl.concat([read_demand(SAMPLE_CSV, network), generate_demand(network, 500, seed=3)])
    df = df.with_columns(pl.format("R{}", pl.int_range(pl.len())).alias("id"))
    requests = dict(demand_requests(df))
    assert list(requests) == df["id"].to_list()
    classes = set()
    for row in df.iter_rows(named=True):
        api = to_quote_request(QuoteRequestIn.model_validate(api_body(row)), max_alternatives=20)
        assert requests[row["id"]] == api, row
        assert requests[row["id"]].value_of_time_cny_per_h == api.value_of_time_cny_per_h
        classes.add(row["cargo_class"])
    assert classes == {"general", "reefer", "dangerous", "pharma", "ecommerce"}


def test_request_of_a_text_row() -> None:
    text = {
        "id": "S1",
        "origin": "CNYTN",
        "destination": "DEDUI",
        "containers": "2x42G1",
        "weight_kg": "20000",
        "ready": "2026-03-02T08:00",
        "direct_eligible": "yes",
        "aeo_level": "ADVANCED",
        "value_cny": "",
    }
    request = request_of(text)
    assert request.cargo.containers == (("42G1", 2),) and request.cargo.weight_kg == 20000.0
    assert request.trader.direct_eligible and request.trader.combined_port_allowed
    assert request.ready.isoformat() == "2026-03-02T08:00:00+08:00"
    with pytest.raises(InvalidRequestError):
        request_of({**text, "cargo_class": "reefer"})  # the request's own rules still apply


# --------------------------------------------------------------------------- generator
def test_generator_is_deterministic(network: Network) -> None:
    a = generate_demand(network, 3_000, seed=11)
    assert a.equals(generate_demand(network, 3_000, seed=11))
    assert not a.equals(generate_demand(network, 3_000, seed=12))
    assert dict(a.schema) == DEMAND_SCHEMA and a["id"].is_unique().all()


#: tolerance of a share drawn per shipment (absolute + relative to the target), and of the AEO
#: share, drawn per shipper profile (about 750 profiles in 30,000 shipments)
PER_SHIPMENT_TOLERANCE = (0.006, 0.10)
PER_PROFILE_TOLERANCE = 0.04


def test_shares_are_near_the_sourced_targets(generated: pl.DataFrame) -> None:
    expected, observed = expected_shares(), observed_shares(generated)
    assert set(expected) == set(observed)
    for key, target in expected.items():
        if key == "aeo":
            tolerance = PER_PROFILE_TOLERANCE
        else:
            tolerance = PER_SHIPMENT_TOLERANCE[0] + PER_SHIPMENT_TOLERANCE[1] * target
        assert abs(observed[key] - target) <= tolerance, (key, observed[key], target)


def test_targets_are_the_sourced_figures() -> None:
    """The headline figures of data/README.md "Demand sample"."""
    expected = expected_shares()
    assert expected["import"] == pytest.approx(0.348)  # Guangdong 2024 H1: imports / trade
    assert expected["aeo"] == pytest.approx(0.363)  # AEO firms' share of China's trade
    shares = DEFAULT_MIX.segment_shares()
    assert shares["sea_fcl"] == pytest.approx(0.645, abs=0.001)
    assert shares["air"] == pytest.approx(0.237, abs=0.001)
    assert shares["rail"] == pytest.approx(0.0028, abs=0.0001)
    assert shares["road"] == pytest.approx(0.0009, abs=0.0001)
    exports = 1.0 - expected["import"]
    ecommerce = sum(
        exports * shares[s.name] * s.classes["ecommerce"] for s in DEFAULT_MIX.segments
    ) * (1.0 - DEFAULT_MIX.hong_kong_share)
    assert expected["class:ecommerce"] == pytest.approx(ecommerce)
    assert ecommerce / exports == pytest.approx(0.102 * 0.97)


def test_generated_rows_are_valid_and_resolve(network: Network, generated: pl.DataFrame) -> None:
    validate_demand(generated, network, file="generated")  # every code resolves in the network
    places = set(generated["origin"]) | set(generated["destination"])
    assert places <= set(network.nodes)
    ready = generated["ready"]
    assert set(ready.dt.hour().unique()) == {8, 14} and ready.dt.minute().max() == 0
    assert ready.dt.weekday().max() <= 5  # Monday 1 .. Friday 5
    assert (
        ready.min()
        >= pl.Series([DEFAULT_START]).cast(pl.Datetime).dt.replace_time_zone("Asia/Shanghai").item()
    )
    days = (generated["deadline"] - ready).drop_nulls().dt.total_days().unique().sort()
    assert set(days) <= {5, 7, 10, 16, 21, 28, 30, 35, 45, 63, 77}
    keys = [c for c in generated.columns if c not in ("id", "destination")]
    groups = generated.group_by(keys).len().height
    assert groups < 0.6 * generated.height  # shipments share one-to-many searches


def test_nodes_missing_from_the_network_are_left_out(network: Network) -> None:
    nodes = {k: v for k, v in network.nodes.items() if k != "AEDXB"}
    smaller = dataclasses.replace(network, nodes=nodes)
    df = generate_demand(smaller, 5_000, seed=5)
    assert "AEDXB" not in set(df["origin"]) | set(df["destination"])
    with pytest.raises(InvalidRequestError):
        generate_demand(dataclasses.replace(network, nodes={}), 10)


def test_bundled_samples_are_the_generator_output(network: Network) -> None:
    """data/demand/gba-100k.parquet and gba-sample-50.csv, as docs/demand.md regenerates them."""
    sample = read_demand(SAMPLE_PARQUET, network)
    assert sample.height == SAMPLE_SHIPMENTS >= 100_000
    assert sample.equals(generate_demand(network, SAMPLE_SHIPMENTS, seed=SAMPLE_SEED))
    small = dataclasses.replace(DEFAULT_MIX, shipments_per_profile=1)
    expected = generate_demand(network, 50, seed=SAMPLE_SEED, mix=small)
    assert read_demand(SAMPLE_CSV, network).equals(expected)
    assert SAMPLE_PARQUET.stat().st_size < 2_000_000


def test_parse_demand_of_a_typed_frame_keeps_it(network: Network) -> None:
    df = generate_demand(network, 200, seed=1)
    assert parse_demand(df, network).equals(df)
    shifted = df.with_columns(pl.col("ready").dt.convert_time_zone("UTC"))
    assert parse_demand(shifted, network)["ready"].equals(df["ready"])
    late = df.with_columns((pl.col("ready") - timedelta(days=1)).alias("deadline"))
    with pytest.raises(DemandError) as info:
        parse_demand(late, network)
    assert len(info.value.issues) == df.height
