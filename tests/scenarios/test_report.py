"""write_outputs on a small synthetic run directory built on the bundled network: every file is
written, the PNGs decode, the tables read back, and report.html is self-contained (nothing to
load from any http(s) address). ``make_run_dir`` is shared with test_report_browser.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from router.errors import InvalidRecordsError, NotFoundError
from router.network import Network, load_network
from router.network.model import ScheduleKind
from router.network.timetable import departures
from router.scenarios.kpis import KPI_TABLES
from router.scenarios.report import write_outputs
from router.scenarios.tables import LEGS_SCHEMA, SHIPMENTS_SCHEMA

REPO = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 6, 2, 8, tzinfo=TZ)

#: synthetic routes on real links: (name, origin, destination, link ids, TEU per shipment)
ROUTES: dict[str, tuple[str, str, tuple[str, ...], float]] = {
    "barge-sea": ("CN-FS-SDBJ", "DEHAM", ("BRG-CN-FS-SDBJ-CNSHK-S", "SEA-CNSHK-DEHAM-NE4"), 2),
    "rail": ("SZ-PINGHU-RAIL", "DEHAM", ("RAIL-SZ-PINGHU-RAIL-DEHAM-BAX-HAM",), 2),
    "air": ("CNCAN", "DEFRA", ("AIR-CNCAN-DEFRA",), 0),
    "pacific": ("CNYTN", "USLAX", ("SEA-CNYTN-USLAX-TP1",), 1),
    "shatian": ("CN-DG-SHATIAN", "DEHAM", ("BRG-CN-DG-SHATIAN-CNSHK-S", "SEA-CNSHK-DEHAM-NE4"), 1),
}


def _route(net: Network, sid: str, route: str, ready: datetime) -> tuple[dict, list[dict]]:
    origin, dest, links, teu = ROUTES[route]
    kg = 500.0 if teu == 0 else 9000.0 * teu
    t = ready
    legs, modes, borders = [], [], []
    for seq, link_id in enumerate(links):
        link = net.links[link_id]
        dep = t
        if link.schedule.kind is not ScheduleKind.ANY:
            dep = next(iter(departures(net, link, t, t + timedelta(days=14))))
        arr = dep + timedelta(hours=link.transit_h)
        legs.append(
            {
                "shipment_id": sid,
                "seq": seq,
                "link_id": link_id,
                "service": link.service,
                "operator": link.operator,
                "mode": link.mode.value,
                "from_node": link.origin,
                "to_node": link.destination,
                "departure": dep,
                "arrival": arr,
                "distance_km": link.distance_km,
                "teu": teu,
                "teu_km": teu * link.distance_km,
                "weight_kg": kg,
                "tonne_km": kg / 1000 * link.distance_km,
                "co2e_ttw_kg": kg / 1000 * link.distance_km * 0.01,
                "co2e_wtt_kg": kg / 1000 * link.distance_km * 0.002,
                "cost_cny": 800.0 + 0.2 * link.distance_km,
            }
        )
        modes.append(link.mode.value)
        borders += list(link.via)
        t = arr + timedelta(hours=6)
    main = max(legs, key=lambda leg: leg["distance_km"])["mode"]
    arrival = legs[-1]["arrival"]
    days = (arrival - ready).total_seconds() / 86400
    deadline = ready + timedelta(days=30)
    shipment = {
        "shipment_id": sid,
        "origin": origin,
        "destination": dest,
        "origin_node": origin,
        "destination_node": dest,
        "teu": teu,
        "weight_kg": kg,
        "cargo_class": "general",
        "ready": ready,
        "deadline": deadline,
        "status": "routed",
        "route_key": ">".join(links),
        "main_mode": main,
        "modes": "+".join(modes),
        "departure": legs[0]["departure"],
        "arrival": arrival,
        "door_to_door_days": days,
        "on_time": arrival <= deadline,
        "cost_cny": sum(leg["cost_cny"] for leg in legs),
        "co2e_ttw_kg": sum(leg["co2e_ttw_kg"] for leg in legs),
        "co2e_wtt_kg": sum(leg["co2e_wtt_kg"] for leg in legs),
        "customs_h": 8.0,
        "dwell_h": 24.0,
        "waiting_h": 10.0,
        "transit_h": sum(net.links[lk].transit_h for lk in links),
        "transfers": len(links) - 1,
        "border_crossings": "+".join(borders),
    }
    return shipment, legs


def _unrouted(sid: str, route: str, ready: datetime) -> dict[str, Any]:
    origin, dest, _, teu = ROUTES[route]
    return {
        "shipment_id": sid,
        "origin": origin,
        "destination": dest,
        "origin_node": origin,
        "destination_node": dest,
        "teu": teu,
        "weight_kg": 500.0 if teu == 0 else 9000.0 * teu,
        "cargo_class": "general",
        "ready": ready,
        "deadline": ready + timedelta(days=30),
        "status": "no_route",
    }


def _write_run(out: Path, name: str, rows: list[tuple[dict, list[dict]]]) -> None:
    folder = out / name
    folder.mkdir(parents=True)
    ships = [{c: s.get(c) for c in SHIPMENTS_SCHEMA} for s, _ in rows]
    legs = [{c: leg.get(c) for c in LEGS_SCHEMA} for _, ls in rows for leg in ls]
    pl.DataFrame(ships, schema=SHIPMENTS_SCHEMA, orient="row").write_parquet(
        folder / "shipments.parquet"
    )
    pl.DataFrame(legs, schema=LEGS_SCHEMA, orient="row").write_parquet(folder / "legs.parquet")


def make_run_dir(out: Path, net: Network) -> dict[str, Network]:
    """A run directory with a baseline and two scenarios of 60 shipments: ``rail-shift`` moves
    half of the barge-sea shipments to rail, loses some air cargo and routes the shipments the
    baseline could not; ``pacific-off`` loses the trans-Pacific route. Returns the networks."""
    plan = ["barge-sea", "rail", "air", "pacific", "shatian"]
    base, rail_shift, pacific_off = [], [], []
    for i in range(60):
        sid = f"S{i:03d}"
        route = plan[i % len(plan)]
        ready = START + timedelta(hours=6 * (i % 40))
        routed = _route(net, sid, route, ready)
        unrouted = (_unrouted(sid, route, ready), [])
        baseline_row = unrouted if i % 13 == 0 else routed
        base.append(baseline_row)
        if route == "barge-sea" and i % 2 == 0:
            shifted = _route(net, sid, "rail", ready)
            shifted[0].update(origin=routed[0]["origin"], destination=routed[0]["destination"])
            rail_shift.append(shifted)
        elif route == "air" and i % 3 == 0:
            rail_shift.append(unrouted)
        else:
            rail_shift.append(routed)
        pacific_off.append(unrouted if route == "pacific" else baseline_row)
    for name, rows in (
        ("baseline", base),
        ("rail-shift", rail_shift),
        ("pacific-off", pacific_off),
    ):
        _write_run(out, name, rows)
    manifest = {
        "runs": [
            {"name": "baseline", "title": "Baseline", "mode": "uncapacitated", "engine": "local"},
            {
                "name": "rail-shift",
                "title": "Rail shift",
                "mode": "uncapacitated",
                "engine": "local",
                "spec": "data/scenarios/rail-shift.yaml",
            },
            {
                "name": "pacific-off",
                "title": "Trans-Pacific closed",
                "mode": "uncapacitated",
                "engine": "local",
            },
        ],
        "baseline": "baseline",
        "select": ["CNSHK", "NE4", "CN-ALASHANKOU", "RAIL-SZ-PINGHU-RAIL-DEHAM-BAX-HAM"],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return {"baseline": net, "rail-shift": net, "pacific-off": net}


@pytest.fixture(scope="module")
def net() -> Network:
    return load_network(REPO / "data")


@pytest.fixture(scope="module")
def outputs(net, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("runs")
    networks = make_run_dir(out, net)
    return out, write_outputs(out, networks)


class _Refs(HTMLParser):
    """Every attribute value of every element (script and style bodies are data, not tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def test_every_file_is_written(outputs):
    out, written = outputs
    runs = ("baseline", "rail-shift", "pacific-off")
    for run in runs:
        for table in KPI_TABLES:
            assert written[f"kpis:{run}:{table}"] == out / run / "kpis" / f"{table}.parquet"
        assert written[f"flowmap:{run}"] == out / f"flowmap_{run}.png"
    for table in (
        "totals",
        "deltas",
        "by_od",
        "mode_share",
        "utilisation",
        "select_link",
        "changes",
        "changes_by_od",
    ):
        assert written[f"compare:{table}"] == out / "compare" / f"{table}.parquet"
    assert written["changed_routes:rail-shift"].name == "changed_routes_rail-shift.parquet"
    assert "changed_routes:baseline" not in written
    for chart in (
        "cost",
        "days",
        "on_time",
        "co2e",
        "mode_share",
        "teu_km",
        "utilisation",
        "changes",
    ):
        assert written[f"chart:{chart}"] == out / "charts" / f"{chart}.png"
    assert written["report"] == out / "report.html"
    assert all(path.is_file() and path.stat().st_size > 0 for path in written.values())


def test_pngs_decode(outputs):
    from PIL import Image

    _, written = outputs
    pngs = [p for k, p in written.items() if k.startswith(("chart:", "flowmap:"))]
    assert len(pngs) == 11
    for path in pngs:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width >= 400 and image.height >= 150
            # not blank: a drawn picture has many colours
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 20


def test_tables_read_back(outputs):
    out, _ = outputs
    totals = pl.read_parquet(out / "compare" / "totals.parquet")
    assert totals.get_column("run").to_list() == ["baseline", "rail-shift", "pacific-off"]
    assert totals.get_column("shipments").to_list() == [60, 60, 60]
    changes = pl.read_parquet(out / "compare" / "changes.parquet")
    shift = changes.filter((pl.col("run") == "rail-shift") & (pl.col("change") == "mode_shift"))
    assert shift.get_column("main_mode_base").to_list() == ["deepsea"]
    assert shift.get_column("main_mode_other").to_list() == ["rail"]
    lost = changes.filter((pl.col("run") == "pacific-off") & (pl.col("change") == "lost_route"))
    assert lost.get_column("shipments").sum() > 0
    util = pl.read_parquet(out / "baseline" / "kpis" / "utilisation.parquet")
    ne4 = util.filter(pl.col("service") == "NE4").row(0, named=True)
    assert ne4["teu_carried"] > 0 and 0 < ne4["utilisation"] < 1
    sel = pl.read_parquet(out / "compare" / "select_link.parquet").filter(
        (pl.col("level") == "total") & (pl.col("select") == "CN-ALASHANKOU")
    )
    assert dict(zip(sel["run"], sel["teu_delta"], strict=True))["rail-shift"] > 0


def test_report_is_self_contained(outputs):
    out, _ = outputs
    text = (out / "report.html").read_text(encoding="utf-8")
    assert 1_000_000 < len(text) < 10_000_000  # the land, Leaflet, 8 charts; nothing huge
    refs = _Refs()
    refs.feed(text)
    remote = [
        (tag, key, value[:80])
        for tag, key, value in refs.attrs
        if value.strip().lower().startswith(("http:", "https:", "//", "ftp:"))
    ]
    assert remote == []
    loads = [(t, k, v) for t, k, v in refs.attrs if k in ("src", "href", "srcset", "data")]
    assert loads and all(v.startswith("data:image/png;base64,") for _, _, v in loads)
    assert not any(tag in ("link", "iframe", "object", "embed") for tag, _, _ in refs.attrs)
    for style in refs.styles:
        for ref in style.split("url(")[1:]:
            assert ref.lstrip("'\"").startswith(("data:", "#")), ref[:60]
    scripts = [(t, k, v) for t, k, v in refs.attrs if t == "script"]
    assert all(k in ("type", "id") for _, k, _ in scripts)  # inline scripts only, no src
    assert '<div id="map">' in text and "L.map(" in text
    assert "Rail shift" in text and "Trans-Pacific closed" in text


def test_errors(net, tmp_path):
    with pytest.raises(NotFoundError, match="manifest"):
        write_outputs(tmp_path, {"baseline": net})
    networks = make_run_dir(tmp_path, net)
    with pytest.raises(NotFoundError, match="network of run"):
        write_outputs(tmp_path, {"baseline": networks["baseline"]})
    pl.read_parquet(tmp_path / "baseline" / "legs.parquet").drop("teu_km").write_parquet(
        tmp_path / "baseline" / "legs.parquet"
    )
    with pytest.raises(InvalidRecordsError, match="teu_km"):
        write_outputs(tmp_path, networks)
    (tmp_path / "manifest.json").write_text(json.dumps({"runs": []}))
    with pytest.raises(InvalidRecordsError, match="runs"):
        write_outputs(tmp_path, networks)
