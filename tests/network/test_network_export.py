"""Export round trips (GeoJSON file, CSV folder) and the RFC 7946 shape of the GeoJSON export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from router.network import Network, inspect_dataset, load_network
from router.network.export import geojson_document, write_dataset, write_geojson

BUNDLED = Path(__file__).resolve().parents[2] / "data"
needs_bundled = pytest.mark.skipif(
    not (BUNDLED / "nodes.geojson").exists(), reason="bundled dataset data/ not built yet"
)


def _datasets() -> list[Any]:
    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny"
    return [
        pytest.param(tiny, id="tiny"),
        pytest.param(BUNDLED, id="bundled", marks=needs_bundled),
    ]


@pytest.fixture(scope="module", params=_datasets())
def original(request: pytest.FixtureRequest) -> Network:
    return load_network(request.param)


def assert_same_network(copy: Network, original: Network) -> None:
    # field by field first, for a readable failure, then the whole value
    assert copy.nodes == original.nodes
    assert copy.links == original.links
    assert copy.jurisdictions == original.jurisdictions
    assert copy.modes == original.modes
    assert copy.customs_profiles == original.customs_profiles
    assert copy.fees == original.fees
    assert copy.fx_cny == original.fx_cny
    assert copy == original


def test_geojson_round_trip(original: Network, tmp_path: Path) -> None:
    out = tmp_path / "network.geojson"
    write_geojson(original, out)
    copy, problems = inspect_dataset(out)
    assert copy is not None, "\n".join(map(str, problems))
    assert_same_network(copy, original)
    assert copy.name == "network"  # the file's stem


def test_csv_round_trip(original: Network, tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    write_dataset(original, out)
    copy, problems = inspect_dataset(out)
    assert copy is not None, "\n".join(map(str, problems))
    assert_same_network(copy, original)
    # and a second round trip changes nothing
    again = tmp_path / "again"
    write_dataset(copy, again)
    for name in sorted(p.name for p in out.iterdir()):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_csv_export_writes_every_table(tiny_network: Network, tmp_path: Path) -> None:
    write_dataset(tiny_network, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "advance_info.csv",
        "customs_profiles.csv",
        "fx.csv",
        "jurisdictions.csv",
        "link_geometry.geojson",
        "links.csv",
        "modes.csv",
        "node_fees.csv",
        "nodes.geojson",
        "schedules.csv",
        "tariffs.csv",
    ]
    header = (tmp_path / "links.csv").read_text(encoding="utf-8").splitlines()[0]
    for column in ("id", "from", "to", "mode", "distance_km", "transit_h", "regime", "via"):
        assert column in header.split(",")


def test_round_trip_keeps_derived_distances_derived(tiny_network: Network, tmp_path: Path) -> None:
    write_dataset(tiny_network, tmp_path)
    rows = (tmp_path / "links.csv").read_text(encoding="utf-8").splitlines()
    columns = rows[0].split(",")
    by_id = {r.split(",")[0]: dict(zip(columns, r.split(","), strict=False)) for r in rows[1:]}
    assert by_id["TRK-SZ-SHK"]["distance_km"] == ""  # derived on load, not frozen in
    assert float(by_id["RAIL-PHS-DUI"]["distance_km"]) == 13438.0


def _rfc7946_checks(doc: dict[str, Any], network: Network) -> None:
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946 §4: always WGS84, no crs member
    assert isinstance(doc["features"], list)
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(points) == len(network.nodes)
    assert len(lines) == len(network.links)
    assert len(points) + len(lines) == len(doc["features"])
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        coords = feature["geometry"]["coordinates"]
        positions = [coords] if feature["geometry"]["type"] == "Point" else coords
        for position in positions:
            assert len(position) == 2
            lon, lat = position
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    for feature in points:
        node = network.nodes[feature["properties"]["id"]]
        assert feature["properties"]["feature_type"] == "node"
        assert feature["geometry"]["coordinates"] == [node.lon, node.lat]  # [lon, lat] order
    for feature in lines:
        link = network.links[feature["properties"]["id"]]
        assert feature["properties"]["feature_type"] == "link"
        coords = feature["geometry"]["coordinates"]
        assert len(coords) >= 2
        origin, destination = network.nodes[link.origin], network.nodes[link.destination]
        assert coords[0] == [origin.lon, origin.lat]
        assert coords[-1] == [destination.lon, destination.lat]


def test_geojson_export_is_rfc7946(tiny_network: Network, tmp_path: Path) -> None:
    out = tmp_path / "tiny.geojson"
    write_geojson(tiny_network, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    _rfc7946_checks(doc, tiny_network)
    # a known point, in [lon, lat] order (Shekou is at 22.48 N, 113.91 E)
    shekou = next(f for f in doc["features"] if f["properties"]["id"] == "CNSHK")
    assert shekou["geometry"]["coordinates"] == [113.9074, 22.4797]
    rail = next(f for f in doc["features"] if f["properties"]["id"] == "RAIL-PHS-DUI")
    assert rail["geometry"]["coordinates"] == [[114.13, 22.68], [82.57, 45.17], [6.7596, 51.435]]
    assert rail["properties"]["via"] == "CN-ALASHANKOU"
    assert doc["router:tables"]["fx.csv"]  # the other tables ride along as a foreign member


@needs_bundled
def test_bundled_geojson_export_is_rfc7946() -> None:
    network = load_network(BUNDLED)
    _rfc7946_checks(geojson_document(network), network)


def test_nodes_geojson_of_csv_export_is_rfc7946(tiny_network: Network, tmp_path: Path) -> None:
    write_dataset(tiny_network, tmp_path)
    nodes = json.loads((tmp_path / "nodes.geojson").read_text(encoding="utf-8"))
    assert nodes["type"] == "FeatureCollection"
    assert {f["geometry"]["type"] for f in nodes["features"]} == {"Point"}
    geometry = json.loads((tmp_path / "link_geometry.geojson").read_text(encoding="utf-8"))
    assert {f["geometry"]["type"] for f in geometry["features"]} == {"LineString"}


def test_round_trip_with_link_geometry(tiny_dir: Path, tmp_path: Path) -> None:
    """A drawn link geometry survives both export forms."""
    source = tmp_path / "with-geometry"
    shutil.copytree(tiny_dir, source)
    # Shekou -> Singapore Strait -> Suez -> Rotterdam, roughly
    path = [[113.9074, 22.4797], [103.85, 1.2], [32.55, 29.95], [4.4778, 51.9244]]
    (source / "link_geometry.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": path},
                        "properties": {"id": "DS-SHK-RTM"},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    original = load_network(source)
    assert original.links["DS-SHK-RTM"].geometry == tuple(tuple(p) for p in path)
    write_geojson(original, tmp_path / "a.geojson")
    write_dataset(original, tmp_path / "b")
    assert_same_network(load_network(tmp_path / "a.geojson"), original)
    assert_same_network(load_network(tmp_path / "b"), original)
