"""KPIs of scenario runs on hand-built shipments/legs tables with known answers
(router.scenarios.kpis), on the bundled network's real node, link and service ids."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from router.errors import NotFoundError
from router.network import Network, load_network
from router.scenarios.kpis import (
    CHANGE_CLASSES,
    KPI_TABLES,
    changed_routes,
    compare_runs,
    demand_horizon,
    run_kpis,
    summarise_changes,
)
from router.scenarios.tables import LEGS_SCHEMA, SHIPMENTS_SCHEMA

REPO = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")

RAIL = "RAIL-SZ-PINGHU-RAIL-DEHAM-BAX-HAM"  # weekly Tue 10:00, 100 TEU, via 4 borders
BARGE = "BRG-CN-FS-SDBJ-CNSHK-S"  # every 12 h at 06:00/18:00, 200 TEU
SEA = "SEA-CNSHK-DEHAM-NE4"  # weekly Thu 14:00, 2000 TEU; NE4 has 9 such links
AIR = "AIR-CNCAN-DEFRA"  # weekly Tue/Fri/Sun 02:00, 100,000 kg


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2025, 6, day, hour, tzinfo=TZ)


def table(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        [{c: row.get(c) for c in schema} for row in rows], schema=schema, orient="row"
    )


def ship(sid: str, origin: str, dest: str, teu: float, kg: float, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "shipment_id": sid,
        "origin": origin,
        "destination": dest,
        "origin_node": origin,
        "destination_node": dest,
        "teu": teu,
        "weight_kg": kg,
        "cargo_class": "general",
        "status": "routed",
        "transfers": 0,
        "border_crossings": "",
    }
    row.update(kw)
    if row["status"] != "routed":
        row.update(route_key=None, main_mode=None, border_crossings=None)
    return row


def leg(
    sid: str, seq: int, link: str, net: Network, dep: datetime, km: float, teu: float, kg: float
) -> dict[str, Any]:
    lk = net.links[link]
    return {
        "shipment_id": sid,
        "seq": seq,
        "link_id": link,
        "service": lk.service,
        "operator": lk.operator,
        "mode": lk.mode.value,
        "from_node": lk.origin,
        "to_node": lk.destination,
        "departure": dep,
        "arrival": dep,
        "distance_km": km,
        "teu": teu,
        "teu_km": teu * km,
        "weight_kg": kg,
        "tonne_km": kg / 1000 * km,
        "co2e_ttw_kg": 1.0,
        "co2e_wtt_kg": 0.5,
        "cost_cny": 100.0,
    }


@pytest.fixture(scope="module")
def net() -> Network:
    return load_network(REPO / "data")


BORDERS = "CN-ALASHANKOU+KZ-DOSTYK+BY-BREST+PL-MALASZEWICZE"


@pytest.fixture(scope="module")
def base_run(net: Network) -> tuple[pl.DataFrame, pl.DataFrame]:
    shipments = table(
        [
            ship(
                "S1",
                "SZ-PINGHU-RAIL",
                "DEHAM",
                2,
                20000,
                ready=at(2, 8),
                deadline=at(30),
                on_time=True,
                door_to_door_days=10.0,
                cost_cny=10000.0,
                co2e_ttw_kg=100.0,
                co2e_wtt_kg=20.0,
                customs_h=5.0,
                main_mode="rail",
                modes="rail",
                route_key=RAIL,
                border_crossings=BORDERS,
            ),
            ship(
                "S2",
                "CN-FS-SDBJ",
                "DEHAM",
                1,
                10000,
                ready=at(3, 9),
                deadline=at(25),
                on_time=False,
                door_to_door_days=20.0,
                cost_cny=6000.0,
                co2e_ttw_kg=50.0,
                co2e_wtt_kg=10.0,
                customs_h=10.0,
                main_mode="deepsea",
                modes="barge+deepsea",
                route_key=f"{BARGE}>{SEA}",
                transfers=1,
            ),
            ship(
                "S3",
                "CNCAN",
                "DEFRA",
                0,
                500,
                ready=at(9, 10),
                door_to_door_days=2.0,
                cost_cny=3000.0,
                co2e_ttw_kg=400.0,
                co2e_wtt_kg=80.0,
                customs_h=3.0,
                main_mode="air",
                modes="air",
                route_key=AIR,
            ),
            ship(
                "S4",
                "CN-FS-SDBJ",
                "DEHAM",
                4,
                40000,
                ready=at(15, 10),
                deadline=at(30),
                status="no_route",
            ),
            ship(
                "S5",
                "CN-FS-SDBJ",
                "DEHAM",
                2,
                20000,
                ready=at(3, 6),
                door_to_door_days=30.0,
                cost_cny=9000.0,
                co2e_ttw_kg=70.0,
                co2e_wtt_kg=14.0,
                customs_h=6.0,
                main_mode="deepsea",
                modes="barge+deepsea",
                route_key=f"{BARGE}>{SEA}",
                transfers=1,
            ),
        ],
        SHIPMENTS_SCHEMA,
    )
    legs = table(
        [
            leg("S1", 0, RAIL, net, at(3, 10), 11000, 2, 20000),
            leg("S2", 0, BARGE, net, at(3, 18), 100, 1, 10000),
            leg("S2", 1, SEA, net, at(5, 14), 18000, 1, 10000),
            leg("S3", 0, AIR, net, at(10, 2), 9000, 0, 500),
            leg("S5", 0, BARGE, net, at(3, 18), 100, 2, 20000),
            leg("S5", 1, SEA, net, at(12, 14), 18000, 2, 20000),
        ],
        LEGS_SCHEMA,
    )
    return shipments, legs


SELECT = ("CN-ALASHANKOU", SEA, "NE4", "CNSHK", "NOPE")


@pytest.fixture(scope="module")
def kpis(base_run, net) -> dict[str, pl.DataFrame]:
    return run_kpis(*base_run, net, SELECT)


def test_every_table_is_there(kpis):
    assert set(kpis) == set(KPI_TABLES)


def test_totals(kpis):
    t = kpis["totals"].row(0, named=True)
    assert kpis["totals"].height == 1
    assert (t["shipments"], t["shipments_routed"], t["shipments_no_route"]) == (5, 4, 1)
    assert (t["shipments_unassigned"], t["shipments_loose"]) == (0, 1)
    assert t["teu"] == 9 and t["teu_routed"] == 5
    assert t["weight_kg"] == 90500 and t["weight_kg_routed"] == 50500
    assert t["cost_cny"] == 28000
    # per TEU: the containerised routed shipments only (S1, S2, S5: 25,000 CNY / 5 TEU)
    assert t["cost_cny_per_teu"] == pytest.approx(5000)
    assert t["cost_cny_per_tonne_loose"] == pytest.approx(6000)  # 3000 CNY / 0.5 t
    assert t["door_to_door_days_mean"] == pytest.approx(15.5)
    # sorted 2, 10, 20, 30: rank 0.9 x 3 = 2.7 -> 20 + 0.7 x 10
    assert t["door_to_door_days_p90"] == pytest.approx(27.0)
    # deadlines: S1 on time, S2 late, S4 not routed; S3 and S5 have none
    assert t["shipments_with_deadline"] == 3
    assert t["on_time_share"] == pytest.approx(0.5)
    assert t["on_time_share_all"] == pytest.approx(1 / 3)
    assert t["co2e_ttw_kg"] == 620 and t["co2e_wtt_kg"] == 124 and t["co2e_wtw_kg"] == 744
    assert t["customs_h_mean"] == pytest.approx(6.0) and t["customs_h_total"] == 24
    assert t["transfers_mean"] == pytest.approx(0.5)
    assert t["teu_km"] == pytest.approx(22000 + 100 + 18000 + 200 + 36000)
    assert t["tonne_km"] == pytest.approx(220000 + 1000 + 180000 + 4500 + 2000 + 360000)


def test_by_od(kpis):
    od = {(r["origin"], r["destination"]): r for r in kpis["by_od"].iter_rows(named=True)}
    assert set(od) == {("SZ-PINGHU-RAIL", "DEHAM"), ("CN-FS-SDBJ", "DEHAM"), ("CNCAN", "DEFRA")}
    sdbj = od["CN-FS-SDBJ", "DEHAM"]
    assert (sdbj["shipments"], sdbj["shipments_routed"], sdbj["teu"]) == (3, 2, 7)
    assert sdbj["cost_cny"] == 15000 and sdbj["cost_cny_per_teu"] == pytest.approx(5000)
    assert sdbj["door_to_door_days_mean"] == pytest.approx(25)
    assert sdbj["on_time_share"] == 0.0 and sdbj["on_time_share_all"] == 0.0
    air = od["CNCAN", "DEFRA"]
    assert air["cost_cny_per_teu"] is None and air["on_time_share"] is None


def test_mode_share_by_teu_and_weight(kpis):
    share = {r["main_mode"]: r for r in kpis["mode_share"].iter_rows(named=True)}
    assert set(share) == {"rail", "deepsea", "air"}
    assert share["rail"]["teu_share"] == pytest.approx(0.4)
    assert share["deepsea"]["teu_share"] == pytest.approx(0.6)
    assert share["air"]["teu_share"] == 0.0  # loose cargo: no TEU ...
    assert share["air"]["weight_share"] == pytest.approx(500 / 50500)  # ... but weight
    assert share["deepsea"]["shipments"] == 2
    by_od = kpis["mode_share_by_od"].filter(pl.col("origin") == "CN-FS-SDBJ")
    assert by_od.get_column("teu_share").to_list() == [1.0]


def test_teu_km_by_mode_from_legs(kpis):
    rows = {r["mode"]: r for r in kpis["teu_km_by_mode"].iter_rows(named=True)}
    assert rows["rail"]["teu_km"] == 22000
    assert rows["barge"]["teu_km"] == 300
    assert rows["deepsea"]["teu_km"] == 54000
    assert rows["air"]["teu_km"] == 0 and rows["air"]["tonne_km"] == 4500
    assert rows["barge"]["legs"] == 2 and rows["barge"]["shipments"] == 2
    assert sum(r["teu_km_share"] for r in rows.values()) == pytest.approx(1.0)


def test_horizon_is_the_ready_days(base_run):
    assert demand_horizon(base_run[0]) == (at(2), at(16))


def test_utilisation_against_a_hand_count_of_departures(kpis):
    # horizon Mon 2 June 00:00 - Mon 16 June 00:00 (14 days)
    links = {r["link_id"]: r for r in kpis["utilisation_links"].iter_rows(named=True)}
    rail = links[RAIL]  # Tuesdays 3 and 10 June, 10:00
    assert (rail["departures"], rail["capacity_teu_offered"], rail["teu_carried"]) == (2, 200, 2)
    assert rail["utilisation"] == pytest.approx(0.01)
    assert rail["peak_departure_utilisation"] == pytest.approx(0.02)
    barge = links[BARGE]  # 06:00 and 18:00 each day
    assert (barge["departures"], barge["capacity_teu_offered"]) == (28, 5600)
    assert barge["departures_used"] == 1 and barge["teu_carried"] == 3  # S2 and S5 together
    assert barge["peak_departure_utilisation"] == pytest.approx(3 / 200)
    air = links[AIR]  # Tue, Fri, Sun 02:00: 3, 6, 8, 10, 13, 15 June
    assert air["space_unit"] == "kg" and air["capacity_teu_offered"] is None
    assert (air["departures"], air["capacity_kg_offered"]) == (6, 600_000)
    assert air["utilisation"] == pytest.approx(500 / 600_000)

    services = {r["service"]: r for r in kpis["utilisation"].iter_rows(named=True)}
    ne4 = services["NE4"]  # 9 port-pair links, 2 weekly departures each in the horizon
    assert (ne4["links"], ne4["departures"], ne4["capacity_teu_offered"]) == (9, 18, 36000)
    assert ne4["teu_carried"] == 3 and ne4["utilisation"] == pytest.approx(3 / 36000)
    assert ne4["departures_over_capacity"] == 0
    assert services[AIR]["mode"] == "air"  # no service code: the link is its own service
    assert services["BAX-HAM"]["utilisation"] == pytest.approx(0.01)


def test_utilisation_counts_only_departures_in_the_horizon(base_run, net):
    shipments, legs = base_run
    k = run_kpis(shipments, legs, net, horizon=(at(2), at(9)))
    links = {r["link_id"]: r for r in k["utilisation_links"].iter_rows(named=True)}
    assert links[SEA]["departures"] == 1 and links[SEA]["teu_carried"] == 1  # S5 sails on 12th
    assert links[AIR]["departures"] == 3 and links[AIR]["weight_kg_carried"] == 0


def test_select_link_by_node_border_link_and_service(kpis):
    sel = kpis["select_link"]
    total = {r["select"]: r for r in sel.filter(pl.col("level") == "total").iter_rows(named=True)}
    assert list(total) == list(SELECT)
    assert total["CN-ALASHANKOU"]["kind"] == "border"
    assert (total["CN-ALASHANKOU"]["shipments"], total["CN-ALASHANKOU"]["teu"]) == (1, 2)
    assert total[SEA]["kind"] == "link" and total[SEA]["teu"] == 3
    assert total["NE4"]["kind"] == "service" and total["NE4"]["shipments"] == 2
    assert total["CNSHK"]["kind"] == "node" and total["CNSHK"]["teu"] == 3  # counted once each
    assert total["CNSHK"]["teu_share"] == pytest.approx(0.6)
    assert total["NOPE"]["kind"] == "absent" and total["NOPE"]["shipments"] == 0
    od = sel.filter((pl.col("level") == "od") & (pl.col("select") == "NE4"))
    assert od.select("origin", "destination", "teu", "teu_share").rows() == [
        ("CN-FS-SDBJ", "DEHAM", 3.0, 1.0)
    ]


def test_select_link_counts_borders_crossed_by_a_route(net):
    # a border that is neither a leg end nor on a link's via list, only on border_crossings
    s = table(
        [
            ship(
                "X",
                "CNSZX",
                "HKHKG",
                1,
                1,
                route_key="a",
                main_mode="truck",
                border_crossings="CN-HUANGGANG+HK-LMC",
            )
        ],
        SHIPMENTS_SCHEMA,
    )
    legs = table([], LEGS_SCHEMA)
    sel = run_kpis(s, legs, net, ["HK-LMC"])["select_link"]
    assert sel.filter(pl.col("level") == "total").get_column("shipments").to_list() == [1]


def other_run(base: pl.DataFrame) -> pl.DataFrame:
    """S1 same; S2 another deep-sea route; S3 lost; S4 newly routed by rail; S5 shifts to rail."""
    changes = {
        "S2": {"route_key": f"TRK>{SEA}", "cost_cny": 5000.0},
        "S3": {
            "status": "no_route",
            "route_key": None,
            "main_mode": None,
            "cost_cny": None,
            "door_to_door_days": None,
        },
        "S4": {
            "status": "routed",
            "route_key": RAIL,
            "main_mode": "rail",
            "cost_cny": 20000.0,
            "door_to_door_days": 12.0,
            "on_time": True,
            "co2e_ttw_kg": 0.0,
            "co2e_wtt_kg": 0.0,
        },
        "S5": {
            "route_key": RAIL,
            "main_mode": "rail",
            "cost_cny": 8000.0,
            "door_to_door_days": 14.0,
        },
    }
    rows = []
    for row in base.iter_rows(named=True):
        row.update(changes.get(row["shipment_id"], {}))
        rows.append(row)
    return pl.DataFrame(rows, schema=base.schema, orient="row")


def test_changed_routes_classes(base_run):
    base = base_run[0]
    ch = changed_routes(base, other_run(base))
    got = dict(ch.select("shipment_id", "change").iter_rows())
    assert got == {
        "S1": "same_route",
        "S2": "other_route_same_mode",
        "S3": "lost_route",
        "S4": "newly_routed",
        "S5": "mode_shift",
    }
    assert set(got.values()) <= set(CHANGE_CLASSES)
    s5 = ch.filter(pl.col("shipment_id") == "S5").row(0, named=True)
    assert s5["mode_shift"] == "deepsea->rail"
    assert s5["cost_cny_delta"] == -1000 and s5["door_to_door_days_delta"] == -16
    assert ch.filter(pl.col("shipment_id") == "S3").get_column("cost_cny_delta").to_list() == [None]
    # a shipment in one table only; one routed in neither
    missing = changed_routes(base.filter(pl.col("shipment_id") != "S1"), base)
    assert dict(missing.select("shipment_id", "change").iter_rows())["S1"] == "newly_routed"
    assert (
        dict(changed_routes(base, base).select("shipment_id", "change").iter_rows())["S4"]
        == "never_routed"
    )
    summary = summarise_changes(ch)
    shift = summary.filter(pl.col("change") == "mode_shift").row(0, named=True)
    assert (shift["main_mode_base"], shift["main_mode_other"], shift["teu"]) == (
        "deepsea",
        "rail",
        2,
    )
    assert summarise_changes(ch, od=True).filter(pl.col("origin") == "CN-FS-SDBJ").height == 3


def test_compare_deltas(base_run, net, kpis):
    shipments, legs = base_run
    other = other_run(shipments)
    k2 = run_kpis(other, legs, net, SELECT)
    cmp = compare_runs({"baseline": kpis, "scn": k2}, "baseline")
    assert cmp["totals"].get_column("run").to_list() == ["baseline", "scn"]
    d = {(r["run"], r["metric"]): r for r in cmp["deltas"].iter_rows(named=True)}
    # cost: S1 10000 + S2 5000 + S4 20000 + S5 8000 = 43000 vs 28000
    assert d["scn", "cost_cny"]["value"] == 43000
    assert d["scn", "cost_cny"]["delta"] == 15000
    assert d["scn", "cost_cny"]["delta_pct"] == pytest.approx(15000 / 28000 * 100)
    assert d["baseline", "cost_cny"]["delta"] == 0
    assert d["scn", "shipments_routed"]["delta"] == 0  # S3 lost, S4 gained
    ms = {
        r["main_mode"]: r
        for r in cmp["mode_share"].filter(pl.col("run") == "scn").iter_rows(named=True)
    }
    assert ms["rail"]["teu"] == 8 and ms["rail"]["teu_delta"] == 6  # S1 2 + S4 4 + S5 2
    assert ms["air"]["shipments"] == 0 and ms["air"]["shipments_delta"] == -1  # zero-filled
    od = (
        cmp["by_od"]
        .filter((pl.col("run") == "scn") & (pl.col("origin") == "CN-FS-SDBJ"))
        .row(0, named=True)
    )
    assert od["cost_cny_delta"] == 33000 - 15000  # S2 5000 + S4 20000 + S5 8000
    sel = cmp["select_link"].filter(
        (pl.col("run") == "scn") & (pl.col("select") == "NOPE") & (pl.col("level") == "total")
    )
    assert sel.height == 1 and sel.get_column("origin").to_list() == [None]
    with pytest.raises(NotFoundError):
        compare_runs({"scn": k2}, "baseline")


def test_empty_run(net):
    k = run_kpis(table([], SHIPMENTS_SCHEMA), table([], LEGS_SCHEMA), net, ["NE4"])
    t = k["totals"].row(0, named=True)
    assert t["shipments"] == 0 and t["cost_cny"] == 0 and t["cost_cny_per_teu"] is None
    assert k["utilisation"].is_empty() and k["select_link"].height == 1
