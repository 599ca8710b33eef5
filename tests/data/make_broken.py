"""Generate the broken-dataset corpus from the valid ``tiny`` fixture.

Each case in ``broken/<case>/`` is a full copy of ``tiny/`` with exactly one defect (except
``many_defects``, which has several at once) and an ``expected.json`` naming the problem the
validator must report: ``file``, ``location`` (a substring of the problem's location), ``field``
and ``message`` (a substring of the problem's message); ``also`` lists further expected problems.
``unreachable/`` is a VALID copy with one node that no link ends at (a warning, not an error).

Run from anywhere; rewrites the output folders completely:

    python tests/data/make_broken.py            # writes tests/data/broken/ and tests/data/unreachable/
    python tests/data/make_broken.py OUT_DIR    # writes OUT_DIR/broken/ and OUT_DIR/unreachable/

The output is committed; ``tests/network/test_broken.py`` checks it is up to date.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TINY = HERE / "tiny"

Expected = dict[str, str]


# ---------------------------------------------------------------- file helpers


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def csv_row(file: str, **match: str) -> str:
    """The spreadsheet row number (header = row 1) of the first tiny row matching ``match``."""
    _, rows = read_csv(TINY / file)
    for index, row in enumerate(rows):
        if all(row[k] == v for k, v in match.items()):
            return f"row {index + 2}"
    raise KeyError(f"no row {match} in {file}")


def edit_csv(folder: Path, file: str, change: Callable[[list[str], list[dict[str, str]]], None]):
    columns, rows = read_csv(folder / file)
    change(columns, rows)
    write_csv(folder / file, columns, rows)


def set_cell(folder: Path, file: str, key: dict[str, str], column: str, value: str) -> None:
    def change(_: list[str], rows: list[dict[str, str]]) -> None:
        hits = [r for r in rows if all(r[k] == v for k, v in key.items())]
        assert len(hits) == 1, (file, key, len(hits))
        hits[0][column] = value

    edit_csv(folder, file, change)


def drop_rows(folder: Path, file: str, key: dict[str, str]) -> None:
    def change(_: list[str], rows: list[dict[str, str]]) -> None:
        keep = [r for r in rows if not all(r[k] == v for k, v in key.items())]
        assert len(keep) < len(rows), (file, key)
        rows[:] = keep

    edit_csv(folder, file, change)


def edit_node(folder: Path, node_id: str, change: Callable[[dict[str, Any]], None]) -> None:
    doc = read_json(folder / "nodes.geojson")
    hits = [f for f in doc["features"] if f["properties"]["id"] == node_id]
    assert len(hits) == 1, node_id
    change(hits[0])
    write_json(folder / "nodes.geojson", doc)


def set_prop(folder: Path, node_id: str, prop: str, value: Any) -> None:
    def change(feature: dict[str, Any]) -> None:
        assert prop in feature["properties"], prop
        feature["properties"][prop] = value

    edit_node(folder, node_id, change)


def set_coord(folder: Path, node_id: str, index: int, value: float) -> None:
    def change(feature: dict[str, Any]) -> None:
        feature["geometry"]["coordinates"][index] = value

    edit_node(folder, node_id, change)


# ---------------------------------------------------------------- the defects
# Each defect edits a copy of tiny in place and returns the problems it must cause.


def unknown_node_from(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "TRK-SZ-SHK"}, "from", "SZ-NOWHERE")
    row = csv_row("links.csv", id="TRK-SZ-SHK")
    return [_e("links.csv", row, "from", "unknown node 'SZ-NOWHERE'")]


def unknown_node_to(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "DS-HKG-RTM"}, "to", "NLXXX")
    row = csv_row("links.csv", id="DS-HKG-RTM")
    return [_e("links.csv", row, "to", "unknown node 'NLXXX'")]


def unknown_node_via(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "RAIL-PHS-DUI"}, "via", "CN-ALASHANKOU;KZ-DOSTYK")
    row = csv_row("links.csv", id="RAIL-PHS-DUI")
    return [_e("links.csv", row, "via", "unknown node 'KZ-DOSTYK'")]


def unknown_node_fee(d: Path) -> list[Expected]:
    set_cell(d, "node_fees.csv", {"node_id": "CNYTN", "fee": "document"}, "node_id", "CNYTX")
    row = csv_row("node_fees.csv", node_id="CNYTN", fee="document")
    return [_e("node_fees.csv", row, "node_id", "unknown node 'CNYTX'")]


def duplicate_node_id(d: Path) -> list[Expected]:
    doc = read_json(d / "nodes.geojson")
    original = read_json(TINY / "nodes.geojson")["features"]
    twin = copy.deepcopy(next(f for f in original if f["properties"]["id"] == "CNYTN"))
    twin["properties"]["name"] = "Yantian West (duplicate id)"
    twin["geometry"]["coordinates"] = [114.25, 22.57]
    doc["features"].append(twin)
    write_json(d / "nodes.geojson", doc)
    return [_e("nodes.geojson", "feature CNYTN", "id", "duplicate id 'CNYTN'")]


def duplicate_link_id(d: Path) -> list[Expected]:
    def change(_: list[str], rows: list[dict[str, str]]) -> None:
        twin = dict(next(r for r in rows if r["id"] == "TRK-SZ-SHK"))
        twin["to"] = "CNYTN"
        rows.append(twin)

    edit_csv(d, "links.csv", change)
    _, rows = read_csv(TINY / "links.csv")
    return [_e("links.csv", f"row {len(rows) + 2}", "id", "duplicate id 'TRK-SZ-SHK'")]


def longitude_out_of_range(d: Path) -> list[Expected]:
    set_coord(d, "KZ-ALMATY", 0, 200.0)
    return [_e("nodes.geojson", "feature KZ-ALMATY", "geometry", "longitude 200 is out of range")]


def latitude_out_of_range(d: Path) -> list[Expected]:
    set_coord(d, "HK-SHENZHENBAY", 1, -95.0)
    return [
        _e("nodes.geojson", "feature HK-SHENZHENBAY", "geometry", "latitude -95 is out of range")
    ]


def zero_transit_time(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "TRK-SHK-SZ"}, "transit_h", "0")
    row = csv_row("links.csv", id="TRK-SHK-SZ")
    return [_e("links.csv", row, "transit_h", "must be > 0, got 0")]


def negative_handling_time(d: Path) -> list[Expected]:
    set_prop(d, "CNYTN", "handling_h", -1.5)
    return [_e("nodes.geojson", "feature CNYTN", "handling_h", "must be >= 0, got -1.5")]


def unknown_mode(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "TRK-DG-SZ"}, "mode", "hovercraft")
    row = csv_row("links.csv", id="TRK-DG-SZ")
    return [_e("links.csv", row, "mode", "unknown value 'hovercraft'")]


def unknown_regime(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "TRK-SZ-DG"}, "regime", "bonded")
    row = csv_row("links.csv", id="TRK-SZ-DG")
    return [_e("links.csv", row, "regime", "unknown value 'bonded'")]


def unknown_cargo_class(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "DS-YTN-RTM"}, "cargo_classes", "general;livestock")
    row = csv_row("links.csv", id="DS-YTN-RTM")
    return [_e("links.csv", row, "cargo_classes", "unknown value 'livestock'")]


def schedule_bad_weekday(d: Path) -> list[Expected]:
    key = {"link_id": "DS-YTN-RTM", "weekday": "Thu"}
    set_cell(d, "schedules.csv", key, "weekday", "Thursday")
    row = csv_row("schedules.csv", **key)
    return [_e("schedules.csv", row, "weekday", "malformed schedule: weekday must be one of")]


def schedule_bad_time(d: Path) -> list[Expected]:
    key = {"link_id": "RAIL-PHS-DUI", "weekday": "Tue"}
    set_cell(d, "schedules.csv", key, "time", "25:00")
    row = csv_row("schedules.csv", **key)
    return [_e("schedules.csv", row, "time", "malformed schedule: time must be HH:MM")]


def schedule_weekly_without_rows(d: Path) -> list[Expected]:
    drop_rows(d, "schedules.csv", {"link_id": "DS-HKG-RTM"})
    row = csv_row("links.csv", id="DS-HKG-RTM")
    return [_e("links.csv", row, "schedule", "'weekly' link has no departures")]


def link_missing_40hc_tariff(d: Path) -> list[Expected]:
    drop_rows(d, "tariffs.csv", {"link_id": "DS-SHK-RTM", "unit": "40HC"})
    row = csv_row("links.csv", id="DS-SHK-RTM")
    return [_e("links.csv", row, "id", "missing tariff for unit(s) 40HC")]


def port_missing_thc(d: Path) -> list[Expected]:
    drop_rows(d, "node_fees.csv", {"node_id": "CNYTN", "fee": "thc", "unit": "40"})
    return [
        _e("nodes.geojson", "feature CNYTN", "id", "missing tariff: no 'thc' fee for unit(s) 40")
    ]


def international_inside_jurisdiction(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "RAIL-YTN-PHS"}, "regime", "international")
    row = csv_row("links.csv", id="RAIL-YTN-PHS")
    return [_e("links.csv", row, "regime", "'international' link inside one jurisdiction (CN)")]


def domestic_across_border(d: Path) -> list[Expected]:
    set_cell(d, "links.csv", {"id": "TRK-SZB-HK"}, "regime", "domestic")
    row = csv_row("links.csv", id="TRK-SZB-HK")
    return [_e("links.csv", row, "regime", "'domestic' link crosses a border (CN -> HK)")]


def unknown_jurisdiction(d: Path) -> list[Expected]:
    set_prop(d, "KZ-ALMATY", "jurisdiction", "CIS")
    return [_e("nodes.geojson", "feature KZ-ALMATY", "jurisdiction", "unknown jurisdiction 'CIS'")]


def links_unbalanced_quote(d: Path) -> list[Expected]:
    path = d / "links.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count("Ocean carrier B") == 1
    path.write_text(text.replace("Ocean carrier B", '"Ocean carrier B'), encoding="utf-8")
    return [_e("links.csv", "file", "", "not a valid CSV file")]


def links_binary_garbage(d: Path) -> list[Expected]:
    # a PNG signature and header chunk followed by bytes that are not UTF-8
    garbage = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(128, 256)) * 4
    (d / "links.csv").write_bytes(garbage)
    return [_e("links.csv", "file", "", "not a valid CSV file")]


def nodes_not_json(d: Path) -> list[Expected]:
    path = d / "nodes.geojson"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # truncated mid-document
    return [_e("nodes.geojson", "file", "", "not valid GeoJSON (JSON error")]


def nodes_not_feature_collection(d: Path) -> list[Expected]:
    doc = read_json(d / "nodes.geojson")
    write_json(d / "nodes.geojson", doc["features"])  # a bare list of features
    return [_e("nodes.geojson", "file", "", "top level must be a FeatureCollection")]


def missing_required_column(d: Path) -> list[Expected]:
    def change(columns: list[str], rows: list[dict[str, str]]) -> None:
        columns.remove("regime")
        for row in rows:
            del row["regime"]

    edit_csv(d, "links.csv", change)
    return [_e("links.csv", "file", "regime", "required column is missing")]


def many_defects(d: Path) -> list[Expected]:
    """Ten independent defects in five files; every one must be reported in the same run."""
    return [
        *unknown_node_from(d),
        *unknown_node_fee(d),
        *negative_handling_time(d),
        *duplicate_node_id(d),
        *longitude_out_of_range(d),
        *zero_transit_time(d),
        *unknown_mode(d),
        *schedule_bad_time(d),
        *link_missing_40hc_tariff(d),
        *domestic_across_border(d),
    ]


def unreachable_node(d: Path) -> list[Expected]:
    """VALID: a Zhongshan city node with an outgoing truck link but no link ending there."""
    doc = read_json(d / "nodes.geojson")
    city = copy.deepcopy(next(f for f in doc["features"] if f["properties"]["id"] == "DG-CITY"))
    city["properties"].update(id="ZS-CITY", name="Zhongshan", name_zh="中山")
    city["properties"]["customs_district"] = "Zhongshan Customs"
    city["geometry"]["coordinates"] = [113.3926, 22.5176]
    doc["features"].append(city)
    write_json(d / "nodes.geojson", doc)

    def add_link(_: list[str], rows: list[dict[str, str]]) -> None:
        link = dict(next(r for r in rows if r["id"] == "TRK-DG-SHK"))
        link.update({"id": "TRK-ZS-SHK", "from": "ZS-CITY", "transit_h": "2.5"})
        rows.append(link)

    def add_tariffs(_: list[str], rows: list[dict[str, str]]) -> None:
        for row in [r for r in rows if r["link_id"] == "TRK-DG-SHK"]:
            rows.append({**row, "link_id": "TRK-ZS-SHK"})

    edit_csv(d, "links.csv", add_link)
    edit_csv(d, "tariffs.csv", add_tariffs)
    return [
        _e("nodes.geojson", "feature ZS-CITY", "id", "unreachable node", severity="warning"),
    ]


def _e(file: str, location: str, fld: str, message: str, severity: str = "error") -> Expected:
    return {
        "file": file,
        "location": location,
        "field": fld,
        "message": message,
        "severity": severity,
    }


@dataclass
class Case:
    name: str
    defect: str
    apply: Callable[[Path], list[Expected]]
    folder: str = "broken"


CASES: list[Case] = [
    Case(
        "unknown_node_from", "links.csv 'from' names a node that does not exist", unknown_node_from
    ),
    Case("unknown_node_to", "links.csv 'to' names a node that does not exist", unknown_node_to),
    Case("unknown_node_via", "links.csv 'via' names a node that does not exist", unknown_node_via),
    Case(
        "unknown_node_fee",
        "node_fees.csv 'node_id' names a node that does not exist",
        unknown_node_fee,
    ),
    Case(
        "duplicate_node_id", "two features in nodes.geojson share the id CNYTN", duplicate_node_id
    ),
    Case("duplicate_link_id", "two rows of links.csv share the id TRK-SZ-SHK", duplicate_link_id),
    Case("longitude_out_of_range", "a node at longitude 200", longitude_out_of_range),
    Case("latitude_out_of_range", "a node at latitude -95", latitude_out_of_range),
    Case("zero_transit_time", "a link with transit_h 0", zero_transit_time),
    Case("negative_handling_time", "a node with a negative handling_h", negative_handling_time),
    Case("unknown_mode", "a link with mode 'hovercraft'", unknown_mode),
    Case("unknown_regime", "a link with regime 'bonded'", unknown_regime),
    Case("unknown_cargo_class", "a link carrying cargo class 'livestock'", unknown_cargo_class),
    Case("schedule_bad_weekday", "a schedules.csv weekday 'Thursday'", schedule_bad_weekday),
    Case("schedule_bad_time", "a schedules.csv time '25:00'", schedule_bad_time),
    Case(
        "schedule_weekly_without_rows",
        "a 'weekly' link with no rows in schedules.csv",
        schedule_weekly_without_rows,
    ),
    Case(
        "link_missing_40hc_tariff",
        "a deep-sea link without its 40HC tariff",
        link_missing_40hc_tariff,
    ),
    Case("port_missing_thc", "a seaport without its 40' thc fee", port_missing_thc),
    Case(
        "international_inside_jurisdiction",
        "an 'international' link between two CN nodes",
        international_inside_jurisdiction,
    ),
    Case(
        "domestic_across_border",
        "a 'domestic' link from the mainland to Hong Kong",
        domestic_across_border,
    ),
    Case("unknown_jurisdiction", "a node in jurisdiction 'CIS'", unknown_jurisdiction),
    Case("links_unbalanced_quote", "links.csv with an unbalanced quote", links_unbalanced_quote),
    Case("links_binary_garbage", "links.csv replaced by binary bytes", links_binary_garbage),
    Case("nodes_not_json", "nodes.geojson truncated: not JSON", nodes_not_json),
    Case(
        "nodes_not_feature_collection",
        "nodes.geojson is JSON but not a FeatureCollection",
        nodes_not_feature_collection,
    ),
    Case(
        "missing_required_column", "links.csv without the 'regime' column", missing_required_column
    ),
    Case("many_defects", "ten defects in five files at once", many_defects),
    Case(
        "unreachable",
        "VALID dataset: one node (ZS-CITY) that no link ends at",
        unreachable_node,
        folder=".",
    ),
]


def build(out: Path) -> list[Path]:
    """Write every case under ``out``; return the case folders."""
    shutil.rmtree(out / "broken", ignore_errors=True)
    written = []
    for case in CASES:
        target = out / case.folder / case.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(TINY, target, ignore=shutil.ignore_patterns("README.md"))
        problems = case.apply(target)
        primary, *also = problems
        expected: dict[str, Any] = {"case": case.name, "defect": case.defect, **primary}
        if also:
            expected["also"] = also
        write_json(target / "expected.json", expected)
        written.append(target)
    return written


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else HERE
    for folder in build(out):
        print(folder)


if __name__ == "__main__":
    main(sys.argv)
