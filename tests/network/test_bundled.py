"""The bundled GBA dataset (``data/``) meets the coverage the project promises.

These tests read the real bundled network, so they fail (not skip) while ``data/`` is incomplete.
Places are matched by UN/LOCODE or id where one exists, otherwise by (accent-folded) name.
The UN/LOCODE cross-check compares node positions with ``tests/data/unlocode_reference.csv``.
"""

from __future__ import annotations

import csv
import dataclasses
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from pyproj import Geod

from router.errors import Severity
from router.network import Network, inspect_dataset
from router.network.model import CustomsOp, Link, Mode, Node, NodeKind, ScheduleKind, TariffUnit

REFERENCE_FILE = Path(__file__).resolve().parents[1] / "data" / "unlocode_reference.csv"
MAX_OFFSET_KM = 25.0
GBA = {"CN", "HK"}  # jurisdictions of the home region; anything else is "foreign"
WGS84 = Geod(ellps="WGS84")


# ---------------------------------------------------------------- helpers


def fold(text: str) -> str:
    """Lower-case ASCII form of a name: 'Małaszewicze' -> 'malaszewicze'."""
    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def named(nodes: Iterable[Node], *aliases: str) -> list[Node]:
    wanted = [fold(a) for a in aliases]
    return [n for n in nodes if any(a in fold(n.name) for a in wanted)]


def coded(network: Network, code: str) -> list[Node]:
    return [n for n in network.nodes.values() if code in (n.id, n.unlocode)]


def km(a_lon: float, a_lat: float, b_lon: float, b_lat: float) -> float:
    return WGS84.inv(a_lon, a_lat, b_lon, b_lat)[2] / 1000.0


def reference() -> dict[str, tuple[float, float, str]]:
    """code -> (lat, lon, source) from the committed reference table."""
    with REFERENCE_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            r["code"]: (float(r["lat"]), float(r["lon"]), r["source"])
            for r in csv.DictReader(handle)
        }


def misplaced(network: Network, ref: dict[str, tuple[float, float, str]]) -> list[str]:
    """Nodes further than MAX_OFFSET_KM from the reference position of their UN/LOCODE."""
    result = []
    for node in network.nodes.values():
        if node.unlocode in ref:
            lat, lon, _ = ref[node.unlocode]
            offset = km(node.lon, node.lat, lon, lat)
            if offset > MAX_OFFSET_KM:
                result.append(f"{node.id} ({node.unlocode}) is {offset:.1f} km from {lat}, {lon}")
    return result


def rail_reach(network: Network, start: str) -> tuple[set[str], list[Link]]:
    """Nodes reachable from ``start`` over rail links only, and the rail links used."""
    seen, frontier, used = {start}, [start], []
    while frontier:
        here = frontier.pop()
        for link in network.out_links(here):
            if link.mode is not Mode.RAIL:
                continue
            used.append(link)
            if link.destination not in seen:
                seen.add(link.destination)
                frontier.append(link.destination)
    return seen - {start}, used


@pytest.fixture(scope="module")
def bundled(bundled_dir: Path) -> Network:
    network, problems = inspect_dataset(bundled_dir)
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    assert network is not None, f"bundled data has {len(errors)} error(s):\n" + "\n".join(
        errors[:50]
    )
    return network


# ---------------------------------------------------------------- loading and size


def test_bundled_loads_without_errors(bundled_dir: Path) -> None:
    network, problems = inspect_dataset(bundled_dir)
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    assert errors == []
    assert network is not None


def test_bundled_size(bundled: Network) -> None:
    assert len(bundled.nodes) >= 60
    assert len(bundled.links) >= 250


def test_bundled_has_readme_with_sources(bundled_dir: Path) -> None:
    readme = bundled_dir / "README.md"
    assert readme.is_file()
    assert len(readme.read_text(encoding="utf-8")) > 500


# ---------------------------------------------------------------- ports and terminals


@pytest.mark.parametrize("code", ["CNYTN", "CNSHK", "CNMWN", "CNDCB", "CNNSA", "CNHUA", "HKHKG"])
def test_major_container_port_present(bundled: Network, code: str) -> None:
    ports = [n for n in coded(bundled, code) if n.kind is NodeKind.SEAPORT]
    assert ports, f"no seaport with id or unlocode {code}"


def test_zhuhai_gaolan_present(bundled: Network) -> None:
    gaolan = named(bundled.nodes.values(), "Gaolan")
    assert gaolan, "no Zhuhai Gaolan node"
    assert any(n.jurisdiction == "CN" for n in gaolan)


def test_combined_port_feeders(bundled: Network) -> None:
    hubs = {"CNSHK", "CNYTN", "CNNSA"}
    feeders = [n for n in bundled.nodes.values() if n.offers(CustomsOp.COMBINED_PORT)]
    assert len(feeders) >= 8, [n.id for n in feeders]
    for feeder in feeders:
        assert feeder.combined_port_hub is not None
        hub = bundled.get_node(feeder.combined_port_hub)
        assert {hub.id, hub.unlocode} & hubs, f"{feeder.id} has hub {hub.id}"
    # and the feeders actually feed: a barge/feeder service from each to its hub exists
    for feeder in feeders:
        assert any(
            lk.destination == feeder.combined_port_hub and lk.mode in {Mode.BARGE, Mode.FEEDER}
            for lk in bundled.out_links(feeder.id)
        ), f"no barge or feeder link from {feeder.id} to its hub"


def test_at_least_four_bonded_zones(bundled: Network) -> None:
    zones = [n for n in bundled.nodes.values() if n.kind is NodeKind.BONDED_ZONE]
    assert len(zones) >= 4


GBA_CITIES = (
    "Guangzhou",
    "Shenzhen",
    "Zhuhai",
    "Foshan",
    "Huizhou",
    "Dongguan",
    "Zhongshan",
    "Jiangmen",
    "Zhaoqing",
)


@pytest.mark.parametrize("city", GBA_CITIES)
def test_mainland_gba_city_present(bundled: Network, city: str) -> None:
    cities = [n for n in bundled.nodes.values() if n.kind is NodeKind.CITY]
    assert [n for n in named(cities, city) if n.jurisdiction == "CN"], f"no city node {city}"


# ---------------------------------------------------------------- China–Europe rail and TIR

RAIL_CROSSINGS = {
    "Alashankou": ("Alashankou", "Alataw"),
    "Khorgos": ("Khorgos", "Horgos", "Khorgas"),
    "Erenhot": ("Erenhot", "Erlian"),
    "Manzhouli": ("Manzhouli",),
}
RAIL_CITIES = {
    "Duisburg": ("Duisburg",),
    "Hamburg": ("Hamburg",),
    "Małaszewicze": ("Małaszewicze",),
    "Warsaw": ("Warsaw", "Warszawa"),
    "Budapest": ("Budapest",),
    "Minsk": ("Minsk",),
    "Moscow": ("Moscow", "Moskva"),
    "Almaty": ("Almaty",),
    "Tashkent": ("Tashkent",),
}


def _pinghu(network: Network) -> Node:
    terminals = [
        n for n in named(network.nodes.values(), "Pinghu") if n.kind is NodeKind.RAIL_TERMINAL
    ]
    assert terminals, "no Pinghu South rail terminal"
    return terminals[0]


def test_rail_from_pinghu_via_the_four_border_crossings(bundled: Network) -> None:
    _, used = rail_reach(bundled, _pinghu(bundled).id)
    vias = [bundled.get_node(v) for lk in used for v in lk.via]
    for crossing, aliases in RAIL_CROSSINGS.items():
        assert named(vias, *aliases), f"no rail link from Pinghu passes {crossing} (via)"


def test_rail_from_pinghu_reaches_europe_and_central_asia(bundled: Network) -> None:
    reached, _ = rail_reach(bundled, _pinghu(bundled).id)
    nodes = [bundled.get_node(n) for n in reached]
    found = [city for city, aliases in RAIL_CITIES.items() if named(nodes, *aliases)]
    assert len(found) >= 6, f"rail from Pinghu reaches only {found}"


def test_rail_links_are_weekly_international_services(bundled: Network) -> None:
    pinghu = _pinghu(bundled)
    outbound = [lk for lk in bundled.out_links(pinghu.id) if lk.mode is Mode.RAIL and lk.via]
    assert outbound
    for link in outbound:
        assert link.regime.value == "international"
        assert link.schedule.kind in {ScheduleKind.WEEKLY, ScheduleKind.HEADWAY}


def _tir_to(network: Network, *aliases: str) -> list[Link]:
    return [
        lk
        for lk in network.links.values()
        if lk.mode is Mode.TIR and named([network.get_node(lk.destination)], *aliases)
    ]


def test_tir_to_almaty_and_tashkent(bundled: Network) -> None:
    for city in ("Almaty", "Tashkent"):
        links = _tir_to(bundled, city)
        assert links, f"no TIR link to {city}"
        assert any(bundled.get_node(lk.origin).jurisdiction == "CN" for lk in links)


def test_tir_to_tashkent_via_irkeshtam(bundled: Network) -> None:
    irkeshtam = named(bundled.nodes.values(), "Irkeshtam")
    assert irkeshtam, "no Irkeshtam node"
    assert all(n.kind is NodeKind.BORDER_CROSSING for n in irkeshtam)
    ids = {n.id for n in irkeshtam}
    assert any(ids & set(lk.via) for lk in _tir_to(bundled, "Tashkent")), (
        "no TIR link to Tashkent passes Irkeshtam"
    )


# ---------------------------------------------------------------- Shenzhen–Hong Kong crossings

SZ_HK_CROSSINGS = {
    "Huanggang": ("Huanggang", "Lok Ma Chau"),
    "Shenzhen Bay": ("Shenzhen Bay",),
    "Liantang": ("Liantang", "Heung Yuen Wai"),
    "Wenjindu": ("Wenjindu", "Man Kam To"),
    "Shatoujiao": ("Shatoujiao", "Sha Tau Kok"),
}


def _crossings(network: Network, aliases: tuple[str, ...]) -> list[Node]:
    borders = [n for n in network.nodes.values() if n.kind is NodeKind.BORDER_CROSSING]
    return [n for n in named(borders, *aliases) if n.jurisdiction in GBA]


@pytest.mark.parametrize("crossing", sorted(SZ_HK_CROSSINGS))
def test_sz_hk_crossing_present(bundled: Network, crossing: str) -> None:
    assert _crossings(bundled, SZ_HK_CROSSINGS[crossing]), f"no {crossing} border crossing"


@pytest.mark.parametrize("crossing", sorted(set(SZ_HK_CROSSINGS) - {"Huanggang"}))
def test_open_sz_hk_crossing_carries_trucks(bundled: Network, crossing: str) -> None:
    ids = {n.id for n in _crossings(bundled, SZ_HK_CROSSINGS[crossing])}
    assert any(
        lk.mode is Mode.TRUCK
        and lk.regime.value == "international"
        and ids & {lk.origin, lk.destination, *lk.via}
        for lk in bundled.links.values()
    ), f"no international truck link uses {crossing}"


def test_huanggang_closed_to_trucks_since_2025_12_21(bundled: Network) -> None:
    nodes = named(_crossings(bundled, SZ_HK_CROSSINGS["Huanggang"]), "Huanggang")
    assert nodes, "no Huanggang node"
    for node in nodes:
        assert Mode.TRUCK in node.closed_modes, node.id
        assert node.closed_since == date(2025, 12, 21), node.id


# ---------------------------------------------------------------- air and deep sea


def _foreign_air_destinations(network: Network, airport: Node) -> set[str]:
    return {
        lk.destination
        for lk in network.out_links(airport.id)
        if lk.mode is Mode.AIR and network.get_node(lk.destination).jurisdiction not in GBA
    }


def test_shenzhen_airport_flies_to_four_foreign_airports(bundled: Network) -> None:
    airports = [n for n in coded(bundled, "CNSZX") if n.kind is NodeKind.AIRPORT]
    assert airports, "no airport with id or unlocode CNSZX"
    destinations = set().union(*(_foreign_air_destinations(bundled, a) for a in airports))
    assert len(destinations) >= 4, destinations


def test_hong_kong_airport_flies_to_four_foreign_airports(bundled: Network) -> None:
    airports = [
        n for n in bundled.nodes.values() if n.kind is NodeKind.AIRPORT and n.jurisdiction == "HK"
    ]
    assert airports, "no Hong Kong airport"
    destinations = set().union(*(_foreign_air_destinations(bundled, a) for a in airports))
    assert len(destinations) >= 4, destinations


def test_deep_sea_weekly_services_to_six_foreign_ports(bundled: Network) -> None:
    destinations = {
        lk.destination
        for lk in bundled.links.values()
        if lk.mode is Mode.DEEPSEA
        and lk.schedule.kind is ScheduleKind.WEEKLY
        and bundled.get_node(lk.origin).jurisdiction in GBA
        and bundled.get_node(lk.destination).jurisdiction not in GBA
    }
    assert len(destinations) >= 6, destinations


# ---------------------------------------------------------------- schedules and tariffs


def test_every_weekly_link_has_departures(bundled: Network) -> None:
    empty = [
        lk.id
        for lk in bundled.links.values()
        if lk.schedule.kind is ScheduleKind.WEEKLY and not lk.schedule.weekly
    ]
    assert empty == []


def test_every_link_has_its_tariffs(bundled: Network) -> None:
    containers = {TariffUnit.C20, TariffUnit.C40, TariffUnit.C40HC}
    missing = []
    for link in bundled.links.values():
        need = {TariffUnit.KG} if link.mode is Mode.AIR else containers
        if not need <= set(link.tariffs):
            missing.append(f"{link.id}: {sorted(u.value for u in need - set(link.tariffs))}")
    assert missing == []


def test_every_currency_converts(bundled: Network) -> None:
    used = {t.currency for lk in bundled.links.values() for t in lk.tariffs.values()}
    used |= {f.currency for f in bundled.fees}
    assert used <= set(bundled.fx_cny)


# ---------------------------------------------------------------- UN/LOCODE cross-check


def test_reference_table_is_well_formed() -> None:
    ref = reference()
    assert len(ref) >= 15
    for code, (lat, lon, source) in ref.items():
        assert len(code) == 5 and code.isalpha() and code.isupper(), code
        assert -90 <= lat <= 90 and -180 <= lon <= 180, code
        assert source, f"{code} has no source"
    for code in ("CNYTN", "CNSHK", "CNMWN", "CNNSA", "CNHUA", "CNSZX", "CNZUH"):
        assert code in ref


def test_cross_check_catches_a_misplaced_node(tiny_network: Network) -> None:
    """The check itself works: tiny passes, and a node moved 50 km away is caught."""
    ref = reference()
    assert misplaced(tiny_network, ref) == []
    lat, lon, _ = ref["CNSHK"]
    moved = dataclasses.replace(tiny_network.get_node("CNSHK"), lat=lat + 0.45, lon=lon)
    shifted = dataclasses.replace(tiny_network, nodes={**tiny_network.nodes, "CNSHK": moved})
    problems = misplaced(shifted, ref)
    assert len(problems) == 1 and problems[0].startswith("CNSHK (CNSHK) is 49.")


def test_bundled_nodes_sit_at_their_unlocode(bundled: Network) -> None:
    assert misplaced(bundled, reference()) == []


def test_reference_covers_the_bundled_codes(bundled: Network) -> None:
    used = {n.unlocode for n in bundled.nodes.values() if n.unlocode}
    covered = used & set(reference())
    assert len(covered) >= 10, f"reference covers only {sorted(covered)}"
