"""ISO 14083 / GLEC emissions (router.routing.emissions): the TEU-km basis by trade lane, the rail
split by country, TTW + WTT = WTW, a published worked example, and realism on the bundled data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from router.network.builder import NetworkBuilder
from router.network.emissions import EmissionBasis, EmissionFactor, Traction
from router.network.load import load_network
from router.network.model import Mode, Network, NodeKind
from router.routing.compiled import CompiledNetwork, compile_network
from router.routing.emissions import (
    FALLBACK_METHOD,
    METHOD,
    emissions_method,
    leg_emissions_g,
    trade_lane,
    transfer_emissions_g,
)
from router.routing.request import Cargo

DATA = Path(__file__).resolve().parents[2] / "data"
ONE_40 = Cargo(containers=(("42G1", 1),))  # 2 TEU, 20 t cargo + 3.75 t tare


def factor(
    fid: str, mode: Mode, basis: EmissionBasis, region: str, ttw: float, wtt: float, **kw: object
) -> EmissionFactor:
    return EmissionFactor(fid, mode, basis, region, ttw, wtt, **kw)  # type: ignore[arg-type]


FACTORS = (
    factor("sea-ane", Mode.DEEPSEA, EmissionBasis.TEU_KM, "asia-north_europe", 70.0, 10.0),
    factor("sea-def", Mode.DEEPSEA, EmissionBasis.TEU_KM, "default", 100.0, 20.0),
    factor("truck", Mode.TRUCK, EmissionBasis.TKM, "default", 80.0, 20.0, load_factor=0.6),
    factor("air", Mode.AIR, EmissionBasis.TKM, "default", 500.0, 80.0),
    factor("rail-cn", Mode.RAIL, EmissionBasis.TKM, "CN", 0.0, 24.0, traction=Traction.ELECTRIC),
    factor("rail-de", Mode.RAIL, EmissionBasis.TKM, "DE", 0.0, 16.0, traction=Traction.ELECTRIC),
    factor("rail-kz", Mode.RAIL, EmissionBasis.TKM, "KZ", 28.0, 7.0, traction=Traction.DIESEL),
    factor("rail-def", Mode.RAIL, EmissionBasis.TKM, "default", 30.0, 8.0),
    factor("hub-sea", Mode.DEEPSEA, EmissionBasis.TRANSFER_TEU, "default", 21000.0, 0.0),
)


def network(factors: tuple[EmissionFactor, ...] = FACTORS) -> Network:
    b = NetworkBuilder()  # one customs territory: emissions follow countries, not borders
    b.add_node("SZ", 114.0, 22.5, kind=NodeKind.SEAPORT, jurisdiction="CN")
    b.add_node("RTM", 4.0, 51.9, kind=NodeKind.SEAPORT, jurisdiction="CN", country="NL")
    b.add_node("LAX", -118.2, 33.7, kind=NodeKind.SEAPORT, jurisdiction="CN", country="US")
    b.add_node("CN-RAIL", 82.6, 45.2, kind=NodeKind.RAIL_TERMINAL, jurisdiction="CN")
    b.add_node("KZ-RAIL", 82.5, 45.3, kind=NodeKind.RAIL_TERMINAL, jurisdiction="CN", country="KZ")
    b.add_node("RU-RAIL", 60.6, 56.8, kind=NodeKind.RAIL_TERMINAL, jurisdiction="CN", country="RU")
    b.add_node("SZX", 113.8, 22.6, kind=NodeKind.AIRPORT, jurisdiction="CN")
    b.add_node("DUI", 6.8, 51.4, kind=NodeKind.RAIL_TERMINAL, jurisdiction="CN", country="DE")
    b.add_node("FRA", 8.6, 50.0, kind=NodeKind.AIRPORT, jurisdiction="CN", country="DE")
    b.add_link(
        "SEA",
        "SZ",
        "RTM",
        Mode.DEEPSEA,
        transit_h=700,
        distance_km=18_000.0,
    )
    b.add_link(
        "SEA-US",
        "SZ",
        "LAX",
        Mode.DEEPSEA,
        transit_h=400,
        distance_km=12_000.0,
    )
    b.add_link("TRUCK", "DUI", "FRA", Mode.TRUCK, transit_h=4, distance_km=250.0)
    b.add_link("AIR", "SZX", "FRA", Mode.AIR, transit_h=13)
    b.add_link("RAIL-CN", "SZ", "CN-RAIL", Mode.RAIL, transit_h=60, distance_km=4_000.0)
    b.add_link(
        "RAIL-KZ-RU",
        "KZ-RAIL",
        "RU-RAIL",
        Mode.RAIL,
        transit_h=60,
        distance_km=2_000.0,
    )
    net = b.build()
    return dataclasses.replace(net, emission_factors=factors)


def link(cn: CompiledNetwork, link_id: str):  # type: ignore[no-untyped-def]
    return next(cl for cl in cn.links if cl.link.id == link_id)


def test_sea_is_per_teu_km_by_trade_lane_independent_of_weight_and_tare() -> None:
    cn = compile_network(network())
    sea = link(cn, "SEA")
    assert trade_lane(cn.network, sea.link) == "asia-north_europe"
    # a 40' is 2 TEU: 2 x 18,000 km x (70 + 10) g
    assert leg_emissions_g(cn, sea, ONE_40) == (2_520_000, 360_000)
    heavy = Cargo(containers=(("42G1", 1),), weight_kg=26_000)
    light = Cargo(containers=(("42G1", 1),), weight_kg=2_000)
    assert leg_emissions_g(cn, sea, heavy) == leg_emissions_g(cn, sea, light)
    two_20 = Cargo(containers=(("22G1", 2),))
    assert leg_emissions_g(cn, sea, two_20) == leg_emissions_g(cn, sea, ONE_40)
    # a lane without its own row takes the default row
    us = link(cn, "SEA-US")
    assert trade_lane(cn.network, us.link) == "transpacific"
    assert leg_emissions_g(cn, us, ONE_40) == (2 * 12_000 * 100, 2 * 12_000 * 20)


def test_rail_is_split_by_country_along_the_route() -> None:
    cn = compile_network(network())
    china = link(cn, "RAIL-CN")
    # 20 t x 4,000 km, all in China (both ends CN): electric, WTT only
    assert leg_emissions_g(cn, china, ONE_40) == (0, 20 * 4_000 * 24)
    kz_ru = link(cn, "RAIL-KZ-RU")
    # KZ -> RU: half the distance at Kazakhstan's diesel factor, half at the default (no RU
    # row); nothing at Germany's electric factor
    ttw, wtt = leg_emissions_g(cn, kz_ru, ONE_40)
    assert ttw == 20 * (1_000 * 28 + 1_000 * 30)
    assert wtt == 20 * (1_000 * 7 + 1_000 * 8)
    assert wtt != 20 * 2_000 * 16


def test_ttw_plus_wtt_is_wtw_and_truck_and_air_are_per_cargo_tonne_km() -> None:
    cn = compile_network(network())
    truck = link(cn, "TRUCK")
    ttw, wtt = leg_emissions_g(cn, truck, ONE_40)
    # per t-km of cargo (20 t), not gross: the tare does not count; the factor's load factor
    # (empty running included) is in the intensity
    assert (ttw, wtt) == (20 * 250 * 80, 20 * 250 * 20)
    assert ttw + wtt == 20 * 250 * 100
    half = Cargo(containers=(("42G1", 1),), weight_kg=10_000)
    assert leg_emissions_g(cn, truck, half) == (10 * 250 * 80, 10 * 250 * 20)
    air = link(cn, "AIR")
    loose = Cargo(weight_kg=1_000, volume_m3=2.0)
    ttw, wtt = leg_emissions_g(cn, air, loose)
    gcd_plus_95 = ttw / 500.0  # 1 t
    assert 9_100 < gcd_plus_95 < 9_300  # Shenzhen-Frankfurt great circle ~9,100 km + 95 km
    assert wtt == round(gcd_plus_95 * 80)


def test_transfer_and_method_and_fallback() -> None:
    cn = compile_network(network())
    assert transfer_emissions_g(cn, cn.index["RTM"], Mode.DEEPSEA, ONE_40) == (42_000, 0)
    assert transfer_emissions_g(cn, cn.index["DUI"], Mode.RAIL, ONE_40) == (0, 0)
    assert emissions_method(cn) == METHOD
    plain = compile_network(network(()))
    sea = link(plain, "SEA")
    # fallback: the mode's g/t-km on gross weight (cargo + tare), all TTW, as before
    expected = round(ONE_40.gross_kg / 1000 * 18_000 * sea.co2e_g_per_tkm)
    assert leg_emissions_g(plain, sea, ONE_40) == (expected, 0)
    assert emissions_method(plain) == FALLBACK_METHOD


def test_published_worked_example_searoutes_inland_waterway() -> None:
    """Searoutes' GLEC / ISO 14083 inland-waters example (developer.searoutes.com/docs/
    inland-waters): motor vessel < 1,000 t, FRFOS -> FRLIO, 324,684 m, 10,000 kg: TTW 77,924 g,
    WTT 16,884 g, total 94,808 g; reproduced with the bundled barge factor."""
    bundled = load_network(DATA)
    barge = next(f for f in bundled.emission_factors if f.id == "barge-default")
    b = NetworkBuilder()
    b.add_node("FRFOS", 4.9, 43.4, kind=NodeKind.RIVER_TERMINAL, jurisdiction="EU", country="FR")
    b.add_node("FRLIO", 4.8, 45.7, kind=NodeKind.RIVER_TERMINAL, jurisdiction="EU", country="FR")
    b.add_link("B", "FRFOS", "FRLIO", Mode.BARGE, transit_h=30, distance_km=324.684)
    net = b.build()
    net = dataclasses.replace(net, emission_factors=(barge,))
    cn = compile_network(net)
    ttw, wtt = leg_emissions_g(cn, cn.links[0], Cargo(weight_kg=10_000, volume_m3=20.0))
    assert (ttw, wtt) == (77_924, 16_884)
    assert ttw + wtt == 94_808


# --- realism on the bundled network -------------------------------------------------------------

#: GLEC v3.1 dry-container trade-lane factors read (g CO2e WTW per TEU-km): Panama 80.4,
#: Europe-Africa 89.4 (data/README.md, `ef-glec-climatiq`); a 40' (2 TEU) over the link's
#: distance must fall in between
GLEC_BAND_G_PER_TEU_KM = (80.4, 89.4)


@pytest.fixture(scope="module")
def bundled() -> CompiledNetwork:
    return compile_network(load_network(DATA))


def wtw_kg(cn: CompiledNetwork, link_id: str, cargo: Cargo = ONE_40) -> float:
    return sum(leg_emissions_g(cn, link(cn, link_id), cargo)) / 1000.0


def test_bundled_40ft_south_china_to_rotterdam_within_the_glec_band(
    bundled: CompiledNetwork,
) -> None:
    legs = [
        cl
        for cl in bundled.links
        if cl.link.mode is Mode.DEEPSEA
        and cl.link.origin in ("CNYTN", "CNSHK")
        and cl.link.destination == "NLRTM"
    ]
    assert legs
    low, high = GLEC_BAND_G_PER_TEU_KM
    for cl in legs:
        kg = sum(leg_emissions_g(bundled, cl, ONE_40)) / 1000.0
        km = cl.link.distance_km
        assert 2 * km * low / 1000 <= kg <= 2 * km * high / 1000, (cl.link.id, kg)
        # Suez (~18,000 km) to Cape (~24,300 km) routings: ~2.9 to ~4.4 t per 40'
        assert 2_900 <= kg <= 4_400, (cl.link.id, kg)


def test_bundled_shenzhen_to_duisburg_per_box_sea_below_rail_below_air(
    bundled: CompiledNetwork,
) -> None:
    sea = wtw_kg(bundled, "SEA-CNYTN-NLRTM-NE1") + wtw_kg(bundled, "RAIL-NLRTM-DEDUI-D")
    rail = wtw_kg(bundled, "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI")
    air = wtw_kg(bundled, "AIR-CNSZX-DEFRA")
    assert sea < rail < air, (sea, rail, air)
    # the China-Europe train crosses Kazakhstan, Belarus (and Russia) on their own factors
    ttw, _ = leg_emissions_g(bundled, link(bundled, "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI"), ONE_40)
    assert ttw > 0  # diesel stretches outside China and the EU
