"""Loading the tiny fixture: object fields, derived distances, graph view, summary, warnings."""

from __future__ import annotations

import dataclasses
import logging
from datetime import date
from pathlib import Path

import pytest
from pyproj import Geod

from router.errors import DatasetError, Severity
from router.network import Network, inspect_dataset, load_network
from router.network.geo import geodesic_km, path_km
from router.network.graph import to_networkx
from router.network.model import (
    AeoLevel,
    CargoClass,
    CustomsOp,
    Link,
    Mode,
    Node,
    NodeKind,
    Regime,
    ScheduleKind,
    Tariff,
    TariffUnit,
    WeeklyDeparture,
)
from router.network.summary import network_summary

WGS84 = Geod(ellps="WGS84")


def independent_geodesic_km(a: Node, b: Node) -> float:
    """Geodesic length computed here, not through router.network.geo."""
    return WGS84.inv(a.lon, a.lat, b.lon, b.lat)[2] / 1000.0


def test_tiny_loads_without_any_problem(tiny_dir: Path) -> None:
    network, problems = inspect_dataset(tiny_dir)
    assert problems == []
    assert isinstance(network, Network)
    assert network.warnings == ()
    assert network.name == "tiny"


def test_tiny_table_sizes(tiny_network: Network) -> None:
    assert len(tiny_network.nodes) == 16
    assert len(tiny_network.links) == 23
    assert set(tiny_network.jurisdictions) == {"CN", "HK", "EU", "EAEU"}
    assert set(tiny_network.modes) == set(Mode)
    assert set(tiny_network.customs_profiles) == set(AeoLevel)
    assert set(tiny_network.fx_cny) == {"CNY", "USD", "EUR", "HKD"}
    assert tiny_network.fx_cny["CNY"] == 1.0
    assert len(tiny_network.fees) == 34
    # every mode and every regime and schedule kind is exercised by the fixture
    assert {lk.mode for lk in tiny_network.links.values()} == set(Mode)
    assert {lk.regime for lk in tiny_network.links.values()} == set(Regime)
    assert {lk.schedule.kind for lk in tiny_network.links.values()} == set(ScheduleKind)


def test_seaport_node_fields(tiny_network: Network) -> None:
    shk = tiny_network.get_node("CNSHK")
    assert isinstance(shk, Node)
    assert shk.kind is NodeKind.SEAPORT
    assert (shk.lon, shk.lat) == (113.9074, 22.4797)
    assert shk.name_zh == "蛇口集装箱码头"
    assert shk.unlocode == "CNSHK"
    assert shk.country == "CN" and shk.jurisdiction == "CN"
    assert shk.customs_district == "Shenzhen Customs"
    assert isinstance(shk.operations, frozenset)
    assert all(isinstance(op, CustomsOp) for op in shk.operations)
    assert shk.offers(CustomsOp.DIRECT_LOADING) and shk.offers(CustomsOp.EXIT)
    assert not shk.offers(CustomsOp.COMBINED_PORT)
    assert shk.is_supervised
    assert shk.reefer is True
    assert shk.dg_classes == frozenset({"2", "3", "8", "9"})
    assert isinstance(shk.handling_h, float) and shk.handling_h == 2.0
    assert shk.dwell_export_h == 72.0 and shk.dwell_direct_h == 2.0
    assert shk.dwell_combined_h == 48.0
    assert shk.free_storage_h == 168.0
    assert shk.capacity_teu_per_day == 15000.0
    assert shk.opening_hours is None
    assert shk.closed_modes == frozenset() and shk.closed_since is None
    assert shk.combined_port_hub is None


def test_special_nodes(tiny_network: Network) -> None:
    feeder = tiny_network.get_node("FS-SHUNDE-XINGANG")
    assert feeder.kind is NodeKind.RIVER_TERMINAL
    assert feeder.offers(CustomsOp.COMBINED_PORT)
    assert feeder.combined_port_hub == "CNSHK"

    huanggang = tiny_network.get_node("SZ-HUANGGANG")
    assert huanggang.kind is NodeKind.BORDER_CROSSING
    assert huanggang.closed_modes == frozenset({Mode.TRUCK})
    assert huanggang.closed_since == date(2025, 12, 21)

    bay = tiny_network.get_node("SZ-SHENZHENBAY-CN")
    assert bay.opening_hours == (7 * 60, 22 * 60)

    alashankou = tiny_network.get_node("CN-ALASHANKOU")
    assert alashankou.offers(CustomsOp.TRANSIT_BORDER)
    assert alashankou.border_transit_h == 6.0

    duisburg = tiny_network.get_node("DEDUI")
    assert duisburg.name_zh == ""  # may be empty abroad
    assert duisburg.jurisdiction == "EU" and duisburg.country == "DE"

    city = tiny_network.get_node("SZ-CITY")
    assert city.kind is NodeKind.CITY
    assert city.unlocode is None
    assert not city.is_supervised
    assert city.capacity_teu_per_day is None

    assert tiny_network.find_node("NOWHERE") is None
    with pytest.raises(KeyError):
        tiny_network.get_node("NOWHERE")


def test_international_rail_link_fields(tiny_network: Network) -> None:
    rail = tiny_network.links["RAIL-PHS-DUI"]
    assert isinstance(rail, Link)
    assert (rail.origin, rail.destination) == ("SZ-PINGHU-RAIL", "DEDUI")
    assert rail.mode is Mode.RAIL and rail.regime is Regime.INTERNATIONAL
    assert rail.operator == "Bay Area Express" and rail.service == "X8428"
    assert rail.via == ("CN-ALASHANKOU",)
    assert rail.distance_km == 13438.0 and rail.distance_given is True
    assert rail.transit_h == 384.0
    assert rail.cargo_classes == frozenset({CargoClass.GENERAL})
    assert rail.schedule.kind is ScheduleKind.WEEKLY
    assert rail.schedule.weekly == (WeeklyDeparture(1, 20 * 60), WeeklyDeparture(4, 20 * 60))
    assert rail.schedule.cutoff_h == 24.0
    assert rail.capacity_teu == 82.0 and rail.capacity_kg is None
    assert rail.co2e_g_per_tkm == 22.0
    # boxes, and LCL per revenue tonne (China-Europe rail consolidation)
    assert set(rail.tariffs) == {TariffUnit.C20, TariffUnit.C40, TariffUnit.C40HC, TariffUnit.WM}
    assert rail.tariffs[TariffUnit.C40] == Tariff(TariffUnit.C40, 3240.0, 0.0, "USD", "gba-facts")
    # no link_geometry.geojson: a straight line through the via node, [lon, lat] points
    stops = [tiny_network.get_node(n) for n in ("SZ-PINGHU-RAIL", "CN-ALASHANKOU", "DEDUI")]
    assert rail.geometry == tuple((n.lon, n.lat) for n in stops)


def test_other_link_kinds(tiny_network: Network) -> None:
    feeder = tiny_network.links["FDR-YTN-HKG"]
    assert feeder.schedule.kind is ScheduleKind.HEADWAY
    assert (feeder.schedule.headway_h, feeder.schedule.offset_h) == (12.0, 8.0)
    assert feeder.schedule.weekly == ()

    air = tiny_network.links["AIR-SZX-FRA"]
    assert air.mode is Mode.AIR
    assert set(air.tariffs) == {TariffUnit.KG}
    assert air.capacity_kg == 100000.0 and air.capacity_teu is None
    assert air.cargo_classes == frozenset(
        {CargoClass.GENERAL, CargoClass.PHARMA, CargoClass.ECOMMERCE}
    )

    barge = tiny_network.links["BRG-SDX-SHK"]
    assert barge.regime is Regime.SUPERVISED
    assert [d.weekday for d in barge.schedule.weekly] == [0, 2, 4]

    truck = tiny_network.links["TRK-SZ-SHK"]
    assert truck.schedule.kind is ScheduleKind.ANY
    assert truck.regime is Regime.DOMESTIC
    assert truck.co2e_g_per_tkm is None

    lcl = tiny_network.links["DS-SHK-RTM"].tariffs[TariffUnit.WM]
    assert (lcl.fixed, lcl.currency) == (60.0, "USD")


@pytest.mark.parametrize(
    ("link_id", "detour"),
    [("TRK-SZ-SHK", 1.25), ("TRK-DG-SDX", 1.25), ("FDR-YTN-HKG", 1.3), ("AIR-SZX-FRA", 1.05)],
)
def test_blank_distance_is_geodesic_times_detour(
    tiny_network: Network, link_id: str, detour: float
) -> None:
    link = tiny_network.links[link_id]
    origin = tiny_network.get_node(link.origin)
    destination = tiny_network.get_node(link.destination)
    assert link.distance_given is False
    assert tiny_network.modes[link.mode].detour_factor == detour
    expected = independent_geodesic_km(origin, destination) * detour
    assert link.distance_km == pytest.approx(expected, rel=1e-9)


def test_blank_distance_runs_through_via_nodes(tiny_network: Network) -> None:
    tir = tiny_network.links["TIR-PHS-ALA"]
    stops = [tiny_network.get_node(n) for n in ("SZ-PINGHU-RAIL", "CN-ALASHANKOU", "KZ-ALMATY")]
    legs = independent_geodesic_km(stops[0], stops[1]) + independent_geodesic_km(*stops[1:])
    assert tir.distance_given is False
    assert tir.distance_km == pytest.approx(legs * 1.3, rel=1e-9)
    # longer than the direct geodesic: the detour through the border is kept
    assert tir.distance_km > independent_geodesic_km(stops[0], stops[2]) * 1.3


def test_derived_distances_are_plausible(tiny_network: Network) -> None:
    # Shenzhen centre to Shekou is about 17 km as the crow flies
    assert 15 < tiny_network.links["TRK-SZ-SHK"].distance_km / 1.25 < 20
    # Shenzhen to Frankfurt is about 9,200 km great circle
    assert 9000 < tiny_network.links["AIR-SZX-FRA"].distance_km / 1.05 < 9400


def test_geodesy_helpers() -> None:
    # one degree of longitude on the WGS84 equator is 111.3195 km
    assert geodesic_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.3195, abs=1e-3)
    assert geodesic_km(114.0, 22.0, 114.0, 22.0) == 0.0
    assert path_km([(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]) == pytest.approx(2 * 111.3195, abs=2e-3)
    assert path_km([(0.0, 0.0)]) == 0.0


def test_network_helpers(tiny_network: Network) -> None:
    assert tiny_network.to_cny(100.0, "USD") == pytest.approx(710.0)
    assert tiny_network.to_cny(100.0, "CNY") == 100.0
    fees = tiny_network.fees_at("CNSHK")
    assert len(fees) == 12 and all(f.node_id == "CNSHK" for f in fees)
    thc = {f.unit: f.amount for f in fees if f.fee == "thc"}
    assert thc == {"20": 370.0, "40": 560.0, "40HC": 560.0}
    out = {lk.id for lk in tiny_network.out_links("SZ-CITY")}
    assert out == {
        "TRK-SZ-SHK",
        "TRK-SZ-YTN",
        "TRK-SZ-DG",
        "TRK-SZ-PHS",
        "TRK-SZ-SZX",
        "TRK-SZ-SZB",
        "TRK-SZ-HGG",
    }
    assert tiny_network.customs_profiles[AeoLevel.ADVANCED].inspection_probability == 0.0057


def test_network_is_immutable(tiny_network: Network) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_network.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_network.get_node("CNSHK").lat = 0.0  # type: ignore[misc]


def test_networkx_view(tiny_network: Network) -> None:
    graph = to_networkx(tiny_network)
    assert graph.number_of_nodes() == 16
    assert graph.number_of_edges() == 23
    assert graph.is_directed() and graph.is_multigraph()
    edge = graph.edges["SZ-PINGHU-RAIL", "DEDUI", "RAIL-PHS-DUI"]
    assert edge["mode"] == "rail" and edge["regime"] == "international"
    assert edge["distance_km"] == 13438.0
    assert graph.nodes["CNSHK"]["kind"] == "seaport"
    assert (graph.nodes["CNSHK"]["lon"], graph.nodes["CNSHK"]["lat"]) == (113.9074, 22.4797)
    assert graph.out_degree("SZ-CITY") == 7


def test_summary(tiny_network: Network) -> None:
    summary = network_summary(tiny_network)
    assert summary["nodes"] == 16 and summary["links"] == 23
    assert summary["links_by_mode"] == {
        "air": 1,
        "barge": 1,
        "deepsea": 3,
        "feeder": 1,
        "rail": 2,
        "tir": 1,
        "truck": 14,
    }
    assert summary["nodes_by_jurisdiction"] == {"CN": 10, "EAEU": 1, "EU": 3, "HK": 2}
    # 11 weekly rows + a 12-hourly feeder (14/week) + a daily rail shuttle (7/week)
    assert summary["scheduled_departures_per_week"] == 11 + 14 + 7
    assert summary["warnings"] == 0


def test_unreachable_node_is_a_warning_not_an_error(test_data_dir: Path, caplog) -> None:
    folder = test_data_dir / "unreachable"
    network, problems = inspect_dataset(folder)
    assert network is not None
    assert len(network.nodes) == 17
    assert [p.severity for p in problems] == [Severity.WARNING]
    (problem,) = problems
    assert (problem.file, problem.location, problem.field) == (
        "nodes.geojson",
        "feature ZS-CITY",
        "id",
    )
    assert "unreachable node" in problem.message
    assert len(network.warnings) == 1 and "ZS-CITY" in network.warnings[0]
    with caplog.at_level(logging.WARNING, logger="router.network.load"):
        load_network(folder)
    assert any("unreachable node" in r.getMessage() for r in caplog.records)


def test_missing_dataset_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dataset"
    network, problems = inspect_dataset(missing)
    assert network is None
    assert len(problems) == 1 and "does not exist" in problems[0].message
    with pytest.raises(DatasetError) as info:
        load_network(missing)
    assert "does not exist" in str(info.value)


def test_empty_folder_reports_every_missing_file(tmp_path: Path) -> None:
    network, problems = inspect_dataset(tmp_path)
    assert network is None
    missing = {p.file for p in problems if p.message == "file is missing"}
    assert missing == {
        "nodes.geojson",
        "links.csv",
        "schedules.csv",
        "tariffs.csv",
        "node_fees.csv",
        "modes.csv",
        "jurisdictions.csv",
        "customs_profiles.csv",
        "fx.csv",
    }


def test_only_rail_and_tir_pass_border_crossings_in_transit() -> None:
    """A plain truck (or a vessel) stops at each border; a `via` crossing is for through trains
    and TIR only (the checker rejects such a leg too, so validation refuses the data)."""
    from router.errors import DatasetError
    from router.network.builder import NetworkBuilder
    from router.network.model import CustomsOp, Mode, NodeKind, Regime

    def build(mode: Mode) -> Network:
        ops = {CustomsOp.EXIT, CustomsOp.ENTRY, CustomsOp.SUPERVISED_SITE}
        b = NetworkBuilder()
        b.add_node("A", 114.00, 22.60, kind=NodeKind.INLAND_DEPOT, operations=ops)
        b.add_node("X", 114.10, 22.54, kind=NodeKind.BORDER_CROSSING,
                   operations=ops | {CustomsOp.TRANSIT_BORDER})  # fmt: skip
        b.add_node("B", 114.15, 22.40, kind=NodeKind.INLAND_DEPOT, jurisdiction="HK",
                   operations=ops)  # fmt: skip
        b.add_link("A-B", "A", "B", mode, transit_h=3.0, regime=Regime.INTERNATIONAL,
                   via=("X",))  # fmt: skip
        return b.build()

    assert "A-B" in build(Mode.TIR).links
    with pytest.raises(DatasetError) as info:
        build(Mode.TRUCK)
    assert "only international rail and TIR pass border crossings" in str(info.value)
    assert "'via'" in str(info.value)
