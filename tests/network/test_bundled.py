"""The bundled GBA dataset (``data/``) meets the coverage the project promises.

These tests read the real bundled network, so they fail (not skip) while ``data/`` is incomplete.
Places are matched by UN/LOCODE or id where one exists, otherwise by (accent-folded) name.
The UN/LOCODE cross-check compares node positions with ``tests/data/unlocode_reference.csv``.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from pyproj import Geod

from router.errors import Severity
from router.network import Network, inspect_dataset
from router.network.geo import fraction_along, geodesic_km
from router.network.model import (
    AdvanceDue,
    CustomsOp,
    Link,
    Mode,
    Node,
    NodeKind,
    Regime,
    ScheduleKind,
    TariffUnit,
    dg_listed,
)

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


def _readme_counts(readme: str, heading: str) -> dict[str, int]:
    """The ``| name | count |`` rows of the table after ``heading`` in data/README.md."""
    block = readme.split(heading, 1)[1].split("\n\n", 2)[1]
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^\| (\w+) \| (\d+) \|", block, flags=re.MULTILINE)
    }


def test_readme_counts_are_the_loaded_counts(bundled: Network, bundled_dir: Path) -> None:
    """The sizes data/README.md states are the dataset's (92 nodes and 555 links after the
    customs model v2 additions)."""
    readme = (bundled_dir / "README.md").read_text(encoding="utf-8")
    assert f"| `nodes.geojson` | {len(bundled.nodes)} nodes |" in readme
    assert f"| `links.csv` | {len(bundled.links)} directed links" in readme
    assert (len(bundled.nodes), len(bundled.links)) == (92, 661)
    kinds: dict[str, int] = {}
    for node in bundled.nodes.values():
        kinds[node.kind.value] = kinds.get(node.kind.value, 0) + 1
    modes: dict[str, int] = {}
    regimes: dict[str, int] = {}
    for link in bundled.links.values():
        modes[link.mode.value] = modes.get(link.mode.value, 0) + 1
        regimes[link.regime.value] = regimes.get(link.regime.value, 0) + 1
    assert _readme_counts(readme, "Nodes by kind:") == kinds
    assert _readme_counts(readme, "Links by mode:") == modes
    assert _readme_counts(readme, "Links by regime:") == regimes
    departures = sum(len(lk.schedule.weekly) for lk in bundled.links.values())
    assert f"| `schedules.csv` | {departures} weekly departures" in readme
    assert (
        f"| `advance_info.csv` | advance cargo information each territory requires, per mode ({len(bundled.advance_info)} rows) |"
        in readme
    )


def test_bundled_loads_without_warnings(bundled: Network) -> None:
    """No "unreachable node" warning at start: Huanggang has its (dated) links again."""
    assert bundled.warnings == ()


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


def _stops(link: Link) -> list[str]:
    return [link.origin, *link.via, link.destination]


def _territories(network: Network, link: Link) -> list[str]:
    """The jurisdictions a link's stops pass through, consecutive repeats collapsed."""
    seq: list[str] = []
    for node_id in _stops(link):
        code = network.get_node(node_id).jurisdiction
        if not seq or seq[-1] != code:
            seq.append(code)
    return seq


def _long_distance_rail(network: Network) -> list[Link]:
    return [
        lk
        for lk in network.links.values()
        if lk.mode is Mode.RAIL and lk.regime is Regime.INTERNATIONAL and lk.via
    ]


def test_every_rail_link_to_europe_crosses_cn_eaeu_eu_in_order(bundled: Network) -> None:
    """Each China-Europe train shows each territory it crosses: CN, (Mongolia,) the EAEU, the EU
    (or the reverse), changing territory only between the two sides of a border."""
    europe = [
        lk
        for lk in _long_distance_rail(bundled)
        if {bundled.get_node(lk.origin).jurisdiction, bundled.get_node(lk.destination).jurisdiction}
        == {"CN", "EU"}
    ]
    assert len(europe) >= 8, [lk.id for lk in europe]
    allowed = (["CN", "EAEU", "EU"], ["CN", "MN", "EAEU", "EU"])
    for link in europe:
        seq = _territories(bundled, link)
        if bundled.get_node(link.origin).jurisdiction == "EU":
            seq = seq[::-1]
        assert seq in allowed, (link.id, seq)


def test_rail_borders_as_operated(bundled: Network) -> None:
    """Every territory a train or TIR truck crosses has its own entry and exit node in ``via``:
    a change of territory happens only between two border crossings (or at the ends), the
    leaving side offers ``exit`` and the entering side ``entry``."""
    links = _long_distance_rail(bundled) + [
        lk for lk in bundled.links.values() if lk.mode is Mode.TIR
    ]
    for link in links:
        stops = [bundled.get_node(n) for n in _stops(link)]
        for k, (a, b) in enumerate(pairwise(stops)):
            if a.jurisdiction == b.jurisdiction:
                continue
            assert a.offers(CustomsOp.EXIT), (link.id, a.id)
            assert b.offers(CustomsOp.ENTRY), (link.id, b.id)
            if k > 0:
                assert a.kind is NodeKind.BORDER_CROSSING, (link.id, a.id)
            if k + 1 < len(stops) - 1:
                assert b.kind is NodeKind.BORDER_CROSSING, (link.id, b.id)
        # a territory only crossed has both an entry and an exit node on the way
        codes = [n.jurisdiction for n in stops]
        for code in set(codes) - {codes[0], codes[-1]}:
            assert codes.count(code) >= 2, (link.id, code)


@pytest.mark.parametrize(
    ("service", "via"),
    [
        ("BAX-DUI", ["CN-ALASHANKOU", "KZ-DOSTYK", "BY-BREST", "PL-MALASZEWICZE"]),
        ("BAX-BUD", ["CN-KHORGOS", "KZ-ALTYNKOL", "BY-BREST", "PL-MALASZEWICZE"]),
        ("BAX-MOW-M", ["CN-MANZHOULI", "RU-ZABAIKALSK"]),
        ("BAX-MOW-E", ["CN-ERENHOT", "MN-ZAMYNUUD", "MN-SUKHBAATAR", "RU-NAUSHKI"]),
        ("BAX-TAS", ["CN-KHORGOS", "KZ-ALTYNKOL", "KZ-SARYAGASH", "UZ-KELES"]),
        ("BAX-DUI-E", ["PL-MALASZEWICZE", "BY-BREST", "KZ-DOSTYK", "CN-ALASHANKOU"]),
        ("BAX-TAS-E", ["UZ-KELES", "KZ-SARYAGASH", "KZ-ALTYNKOL", "CN-KHORGOS"]),
    ],
)
def test_rail_border_sequence(bundled: Network, service: str, via: list[str]) -> None:
    links = [lk for lk in bundled.links.values() if lk.service == service]
    assert len(links) == 1, service
    assert list(links[0].via) == via


def test_china_border_nodes_are_exits_not_only_transit(bundled: Network) -> None:
    for node_id in ("CN-ALASHANKOU", "CN-KHORGOS", "CN-MANZHOULI", "CN-ERENHOT"):
        node = bundled.get_node(node_id)
        assert node.jurisdiction == "CN"
        assert {CustomsOp.EXIT, CustomsOp.ENTRY} <= node.operations, node_id
    expected = {
        "KZ-DOSTYK": "EAEU",
        "KZ-ALTYNKOL": "EAEU",
        "RU-ZABAIKALSK": "EAEU",
        "RU-NAUSHKI": "EAEU",
        "BY-BREST": "EAEU",
        "MN-ZAMYNUUD": "MN",
        "MN-SUKHBAATAR": "MN",
        "UZ-KELES": "UZ",
        "PL-MALASZEWICZE": "EU",
    }
    for node_id, code in expected.items():
        assert bundled.get_node(node_id).jurisdiction == code, node_id


def test_rail_geometry_passes_the_borders_in_order(bundled: Network) -> None:
    """The drawn route of each train passes within 5 km of its border crossings, in order, so
    border events are placed by distance along it."""
    for link in _long_distance_rail(bundled):
        assert len(link.geometry) > len(link.via) + 2, f"{link.id} has no route geometry"
        last = 0.0
        for node_id in link.via:
            node = bundled.get_node(node_id)
            nearest = min(geodesic_km(x, y, node.lon, node.lat) for x, y in link.geometry)
            assert nearest < 5.0, (link.id, node_id, nearest)
            fraction = fraction_along(link.geometry, node.lon, node.lat)
            assert fraction > last, (link.id, node_id, fraction, last)
            last = fraction
        assert last < 1.0, link.id


def test_sourced_border_waits(bundled: Network) -> None:
    """Khorgos/Altynkol and Brest/Małaszewicze hold sourced typical waits: a regular
    Małaszewicze-Brest wait of two days (railtech 2018), a day at Khorgos-Altynkol."""
    hours = {n: bundled.get_node(n).border_transit_h for n in bundled.nodes}
    assert hours["BY-BREST"] + hours["PL-MALASZEWICZE"] == 48.0
    assert hours["CN-KHORGOS"] + hours["KZ-ALTYNKOL"] == 24.0
    assert hours["CN-ALASHANKOU"] + hours["KZ-DOSTYK"] == 16.0


def test_rail_station_to_station_within_published_bands(bundled: Network) -> None:
    """Running time plus border stops: Duisburg about 16 days (rail-eyesz: 16 d), Moscow via
    Manzhouli about 15 days (rail-gz-moscow-2016, rail-dg-moscow-2016: Guangzhou and Shilong to
    Moscow about 15 d), Warsaw from Guangzhou 16 d (rail-gz-warsaw-2024)."""

    def days(service: str) -> float:
        link = next(lk for lk in bundled.links.values() if lk.service == service)
        border = sum(bundled.get_node(v).border_transit_h for v in link.via)
        return (link.transit_h + border) / 24

    assert 15.5 <= days("BAX-DUI") <= 17.0
    for service in ("BAX-MOW-M", "GZ-MOW-M", "DG-MOW-M"):
        assert 14.5 <= days(service) <= 15.5, service
    # Moscow via Erenhot and Naushki: 10 d from Tianjin (rail-eurosib), 17 d from Chongqing
    # (rail-fesco-mongolia); no published figure from the GBA
    assert 10.0 <= days("BAX-MOW-E") <= 17.0
    assert days("GZ-WAW-E") == pytest.approx(16.0)


def test_pinghu_runs_three_to_four_trains_a_week(bundled: Network) -> None:
    """The Bay Area Express runs about 3.5 trains a week (rail-nsrd: 516 trips in 3 years;
    rail-sz-2023: 188 in 2023; rail-sz-5yr: 878 in 5 years): distinct departures of the
    international trains out of Pinghu South (services sharing a train leave together)."""
    pinghu = _pinghu(bundled)
    trains = [
        lk
        for lk in bundled.out_links(pinghu.id)
        if lk.mode is Mode.RAIL and lk.regime is Regime.INTERNATIONAL
    ]
    departures = {(d.weekday, d.minute) for lk in trains for d in lk.schedule.weekly}
    assert all(lk.schedule.kind is ScheduleKind.WEEKLY for lk in trains)
    assert 3 <= len(departures) <= 4, sorted(departures)


def test_north_europe_loops_sail_via_the_cape(bundled: Network) -> None:
    """Asia-North Europe loops run via the Cape of Good Hope as operated in 2026 (sea-cape-2026,
    sea-cape-ft-2026: no return to Suez): every GBA <-> North Europe sailing is at least
    24,000 km (Yantian-Rotterdam 24,300 km via the Cape, 18,078 via Suez) and 44-49 days port to
    port (sea-transit-geese: Cape 45-48 d; Suez + 10-14 d, sea-cape-days)."""
    north_europe = {"NLRTM", "DEHAM", "BEANR", "GBFXT"}
    loops = [
        lk
        for lk in bundled.links.values()
        if lk.mode is Mode.DEEPSEA
        and {lk.origin, lk.destination} & north_europe
        and {
            bundled.get_node(lk.origin).jurisdiction,
            bundled.get_node(lk.destination).jurisdiction,
        }
        & GBA
    ]
    assert len(loops) >= 40
    for link in loops:
        assert link.distance_km >= 24_000, (link.id, link.distance_km)
        assert 44 * 24 <= link.transit_h <= 49 * 24, (link.id, link.transit_h)


def test_guangzhou_and_dongguan_rail_terminals(bundled: Network) -> None:
    """Guangzhou International Port (successor of Dalang) and Dongguan Shilong run China-Europe
    trains, and Guangzhou trucks reach them without going to Shenzhen."""
    gz = [n for n in named(bundled.nodes.values(), "Guangzhou International Port")]
    dg = [n for n in named(bundled.nodes.values(), "Shilong")]
    assert gz and dg
    for terminal in (gz[0], dg[0]):
        assert terminal.kind is NodeKind.RAIL_TERMINAL and terminal.jurisdiction == "CN"
        trains = [
            lk
            for lk in bundled.out_links(terminal.id)
            if lk.mode is Mode.RAIL and lk.regime is Regime.INTERNATIONAL
        ]
        assert trains, terminal.id
        assert all(lk.schedule.kind is ScheduleKind.WEEKLY for lk in trains)
    gz_city = bundled.get_node("CN-GZ-CITY")
    for terminal in (gz[0], dg[0]):
        truck = [
            lk
            for lk in bundled.out_links(gz_city.id)
            if lk.destination == terminal.id and lk.mode is Mode.TRUCK
        ]
        assert truck and all(lk.distance_km < 100 for lk in truck), terminal.id
    destinations = {
        lk.destination
        for t in (gz[0], dg[0])
        for lk in bundled.out_links(t.id)
        if lk.mode is Mode.RAIL
    }
    assert destinations == {"RUMOW", "PLWAW", "DEDUI"}, destinations


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


def test_huanggang_usable_before_2025_12_21(bundled: Network) -> None:
    """The closure is dated: the crossing keeps its truck links (both directions and feeders),
    which the node's ``closed_since`` shuts from 2025-12-21; before it, trucks may use it."""
    pairs = {
        (lk.origin, lk.destination)
        for lk in bundled.links.values()
        if lk.mode is Mode.TRUCK and lk.regime is Regime.INTERNATIONAL
    }
    assert {("CN-HUANGGANG", "HK-LMC"), ("HK-LMC", "CN-HUANGGANG")} <= pairs
    for node_id in ("CN-HUANGGANG", "HK-LMC"):
        node = bundled.get_node(node_id)
        assert node.closed_since == date(2025, 12, 21)
        assert any(
            lk.destination == node_id
            for lk in bundled.links.values()
            if lk.origin not in {"CN-HUANGGANG", "HK-LMC"}
        )
        assert any(
            lk.origin == node_id
            for lk in bundled.links.values()
            if lk.destination not in {"CN-HUANGGANG", "HK-LMC"}
        )


def _sz_hk_border_links(network: Network) -> list[Link]:
    sides = {n.id for a in SZ_HK_CROSSINGS.values() for n in _crossings(network, a)}
    return [
        lk
        for lk in network.links.values()
        if lk.regime is Regime.INTERNATIONAL and lk.origin in sides and lk.destination in sides
    ]


def test_sz_hk_crossings_bar_only_the_listed_dangerous_classes(bundled: Network) -> None:
    """The land ports bar listed hazardous chemicals (classes 1-8), not class 9 (lithium
    batteries): the cross-border links carry dangerous goods with a class ban."""
    links = _sz_hk_border_links(bundled)
    assert len(links) == 10
    for link in links:
        assert "dangerous" in {c.value for c in link.cargo_classes}, link.id
        assert link.dg_banned == frozenset("12345678"), link.id
        assert not dg_listed(link.dg_banned, "9")
        assert dg_listed(link.dg_banned, "3") and dg_listed(link.dg_banned, "1.4S")


def test_sz_hk_crossings_offer_joint_declaration(bundled: Network) -> None:
    for aliases in SZ_HK_CROSSINGS.values():
        for node in _crossings(bundled, aliases):
            assert node.offers(CustomsOp.JOINT_DECLARATION), node.id
            assert node.joint_clearance_h is not None
            assert node.joint_clearance_h <= node.export_clearance_h, node.id


def test_hong_kong_has_no_bonded_truck_links(bundled: Network) -> None:
    """Hong Kong is a free port without a bonded regime for general cargo: one domestic link per
    pair inside HK, on which through cargo stays in transit."""
    hk = bundled.jurisdictions["HK"]
    assert hk.free_port
    inside = [
        lk
        for lk in bundled.links.values()
        if bundled.get_node(lk.origin).jurisdiction == "HK"
        and bundled.get_node(lk.destination).jurisdiction == "HK"
        and lk.mode is Mode.TRUCK
    ]
    assert inside
    assert all(lk.regime is Regime.DOMESTIC for lk in inside)
    pairs = [(lk.origin, lk.destination) for lk in inside]
    assert len(pairs) == len(set(pairs))


# ---------------------------------------------------------------- customs model data


def test_every_node_has_a_specific_customs_district(bundled: Network) -> None:
    """Every node names its customs office; a district never spans two countries, and the
    German, Dutch, Belgian and Chinese destinations are separate offices."""
    missing = [n.id for n in bundled.nodes.values() if not n.customs_district.strip()]
    assert missing == []
    countries: dict[str, set[str]] = {}
    for node in bundled.nodes.values():
        countries.setdefault(node.customs_district, set()).add(node.country)
    assert {d: c for d, c in countries.items() if len(c) > 1} == {}
    district = {n.id: n.customs_district for n in bundled.nodes.values()}
    assert len({district[n] for n in ("DEDUI", "DEHAM", "DEFRA")}) == 3
    assert len({district[n] for n in ("NLRTM", "NLAMS", "BEANR", "BELGG")}) == 4
    assert district["DEDUI"] == district["DEDUI-BARGE"] == "Hauptzollamt Duisburg"
    assert district["CN-SZ-CITY"] == district["CNYTN"] == "Shenzhen Customs"
    assert district["CN-GZ-CITY"] == "Guangzhou Customs"
    assert district["CNFOS"] == district["CN-FS-SDXG"]
    assert len({district[n] for n in ("CN-SZ-CITY", "CN-GZ-CITY", "CNFOS", "CNDGG", "CNZSN")}) == 5


def test_transit_declarations_where_they_are_lodged(bundled: Network) -> None:
    lodged = {n.id for n in bundled.nodes.values() if n.offers(CustomsOp.TRANSIT_DECLARATION)}
    expected = {
        "NLRTM", "BEANR", "DEHAM", "NLAMS", "BELGG", "DEFRA", "PL-MALASZEWICZE",
        "CNYTN", "CNSHK", "CNNSA", "CNSZX", "CNCAN", "CN-SZBAY", "CN-LIANTANG",
        "CN-ALASHANKOU", "CN-MANZHOULI", "CN-ERENHOT", "CN-KHORGOS",
        "KZ-DOSTYK", "KZ-ALTYNKOL", "RU-ZABAIKALSK", "RU-NAUSHKI", "BY-BREST", "KG-IRKESHTAM",
        "USLAX",
    }  # fmt: skip
    assert expected <= lodged, sorted(expected - lodged)
    assert not any(bundled.get_node(n).jurisdiction == "HK" for n in lodged)


def test_jurisdictions_free_port_and_aeo_mutual_recognition(bundled: Network) -> None:
    j = bundled.jurisdictions
    assert {code for code, x in j.items() if x.free_port} == {"HK"}
    mra = {code for code, x in j.items() if x.aeo_mra_cn}
    assert mra == {"EU", "HK", "SG", "AE", "MN"}
    assert "MN" in j and "UZ" in j
    defaults = {f.name: f.default for f in dataclasses.fields(j["CN"])}
    for code, x in j.items():
        assert x.source, code
        for step in ("export", "import", "transit", "transhipment", "exit"):
            name = f"{step}_procedure"
            assert getattr(x, name) != defaults[name], (code, step)
    assert j["EU"].transit_procedure == "NCTS T1 transit declaration"
    assert j["CN"].transit_procedure.startswith("转关")


def test_advance_information_for_every_entry_that_requires_it(bundled: Network) -> None:
    """One row per territory and mode; every way the data enters the EU, the US, the EAEU, China
    and Great Britain, and Hong Kong by road, has its advance cargo information."""
    info = {(a.jurisdiction, a.mode): a for a in bundled.advance_info}
    assert len(info) == len(bundled.advance_info)
    required = {"EU", "US", "EAEU", "CN", "GB"}
    entries = set()
    for link in bundled.links.values():
        if link.regime is not Regime.INTERNATIONAL:
            continue
        stops = [bundled.get_node(n) for n in _stops(link)]
        for a, b in pairwise(stops):
            if a.jurisdiction != b.jurisdiction:
                entries.add((b.jurisdiction, link.mode))
    needed = {(code, mode) for code, mode in entries if code in required}
    needed.add(("HK", Mode.TRUCK))
    assert needed <= set(info), sorted(needed - set(info))
    assert info[("EU", Mode.DEEPSEA)].due is AdvanceDue.LOADING
    assert info[("EU", Mode.DEEPSEA)].lead_h == 24
    assert info[("EU", Mode.RAIL)].due is AdvanceDue.ARRIVAL
    assert info[("EU", Mode.RAIL)].lead_h == 2
    assert info[("HK", Mode.TRUCK)].lead_h == 0.5
    assert info[("US", Mode.DEEPSEA)].lead_h == 24


def test_drug_ports_are_the_designated_ones(bundled: Network) -> None:
    """Drugs enter China only through the designated ports of Guangzhou, Shenzhen, Zhuhai and
    (since 2022) Zhongshan; no other territory has drug ports in the data."""
    ports = [n for n in bundled.nodes.values() if n.offers(CustomsOp.DRUG_PORT)]
    assert {n.jurisdiction for n in ports} == {"CN"}
    ids = {n.id for n in ports}
    assert {"CN-ZS-PORT", "CNYTN", "CNSHK", "CNSZX", "CNCAN", "CNNSA", "CN-ZH-GAOLAN"} <= ids
    assert not ids & {"SZ-PINGHU-RAIL", "GZ-INTL-PORT-RAIL", "CN-FS-SDXG", "CN-ALASHANKOU"}
    cities = {"CNSZX", "CN-GZ-CITY", "CNZUH", "CNZSN"}
    for node in ports:
        assert node.drug_permit_h > 0, node.id
        nearest = min(
            geodesic_km(node.lon, node.lat, bundled.get_node(c).lon, bundled.get_node(c).lat)
            for c in cities
        )
        assert nearest < 60, (node.id, nearest)


def test_seaports_accept_division_1_4_not_whole_class_1(bundled: Network) -> None:
    for node in bundled.nodes.values():
        if node.kind is NodeKind.SEAPORT and node.dg_classes:
            assert dg_listed(node.dg_classes, "1.4S"), node.id
            assert not dg_listed(node.dg_classes, "1.1"), node.id


def test_export_dwell_is_a_cy_cut_off(bundled: Network) -> None:
    """Mainland seaports close the yard 1-2 days before the vessel (not an 88 h minimum); direct
    loading <= Combined Port <= trucked-in."""
    for node in bundled.nodes.values():
        if node.kind is NodeKind.SEAPORT and node.jurisdiction == "CN":
            assert 12 <= node.dwell_export_h <= 48, node.id
            total = node.dwell_export_h + node.handling_h
            assert total <= 48, node.id
        if node.offers(CustomsOp.DIRECT_LOADING):
            assert node.dwell_direct_h <= node.dwell_combined_h <= node.dwell_export_h, node.id


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
