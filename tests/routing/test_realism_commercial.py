"""Realism of the commercial quote on the bundled network (issue 10): the sea lane as operated,
per-box emissions by mode, containers never flown, LCL never dearer than the full box it fits,
and the quote's commercial fields. Bands and their sources are in data/README.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from router.network.load import load_network
from router.quotes.document import make_quote
from router.routing.compiled import CompiledNetwork, compile_network
from router.routing.request import Cargo, Constraints, PlaceRef, Preferences, QuoteRequest
from router.verify.legality import check_quote

READY = datetime(2026, 12, 7, 9, 0)
FEU = Cargo(containers=(("42G1", 1),), weight_kg=9_000.0)


@pytest.fixture(scope="module")
def cn() -> CompiledNetwork:
    return compile_network(load_network("data"))


def _quote(cn: CompiledNetwork, origin: str, dest: str, cargo: Cargo, **cons: Any) -> dict:
    request = QuoteRequest(
        PlaceRef(origin),
        PlaceRef(dest),
        cargo,
        READY,
        constraints=Constraints(**cons),
        preferences=Preferences(alternatives=20),
    )
    doc = make_quote(cn, request)
    assert doc["status"] == "ok", doc["reasons"]
    assert not check_quote(cn.network, request, doc)
    return doc


def _modes(alt: dict) -> set[str]:
    return {leg["mode"] for leg in alt["legs"]}


def test_shenzhen_rotterdam_by_sea_follows_the_cape_routing(cn: CompiledNetwork) -> None:
    # North Europe loops run via the Cape of Good Hope (data/README.md): 45-50 days port to port
    # (gba-facts §7, sea-transit-geese), plus the CY cut-off before sailing and import at the
    # end: door to door from Yantian within 45 to 56 days
    doc = _quote(cn, "CNYTN", "NLRTM", FEU)
    sea = [a for a in doc["alternatives"] if _modes(a) == {"deepsea"}]
    assert sea
    for alt in sea:
        assert 45.0 <= alt["duration_h"] / 24.0 <= 56.0, alt["summary"]


def test_per_box_co2e_sea_below_rail_below_air_shenzhen_duisburg(cn: CompiledNetwork) -> None:
    doc = _quote(cn, "CN-SZ-CITY", "DEDUI", dataclass_feu_with_volume())
    by_mode: dict[str, float] = {}
    for alt in doc["alternatives"]:
        modes = _modes(alt)
        kind = "air" if "air" in modes else "sea" if "deepsea" in modes else "rail"
        kg = alt["co2e"]["total_kg"]
        by_mode[kind] = min(kg, by_mode.get(kind, kg))
        assert abs(alt["co2e"]["ttw_kg"] + alt["co2e"]["wtt_kg"] - kg) <= 0.1 * len(alt["legs"])
    assert set(by_mode) == {"sea", "rail", "air"}
    assert by_mode["sea"] < by_mode["rail"] < by_mode["air"]


def dataclass_feu_with_volume() -> Cargo:
    """One 40' at the GLEC average load of 10 t per TEU (the basis of the TEU-km sea factors),
    with its volume declared so that it also gets an air option as loose cargo."""
    return Cargo(containers=(("42G1", 1),), weight_kg=20_000.0, volume_m3=50.0)


def test_a_40ft_box_never_flies(cn: CompiledNetwork) -> None:
    doc = _quote(cn, "CN-SZ-CITY", "DEFRA", Cargo(containers=(("42G1", 1),)))
    assert all("air" not in _modes(a) for a in doc["alternatives"])
    declared = _quote(cn, "CN-SZ-CITY", "DEFRA", dataclass_feu_with_volume())
    for alt in declared["alternatives"]:
        if "air" in _modes(alt):
            assert alt["cargo_plan"]["name"] == "air_loose"
            assert "containers are not flown" in alt["cargo_plan"]["description"]


def test_lcl_60_m3_is_not_dearer_than_a_40ft(cn: CompiledNetwork) -> None:
    lcl = _quote(cn, "CN-SZ-CITY", "NLRTM", Cargo(weight_kg=9_000.0, volume_m3=60.0))
    fcl = _quote(cn, "CN-SZ-CITY", "NLRTM", FEU)
    cheapest_lcl = min(a["cost"]["total"] for a in lcl["alternatives"])
    cheapest_fcl = min(a["cost"]["total"] for a in fcl["alternatives"])
    assert cheapest_lcl <= cheapest_fcl + 0.01


def test_airport_handling_is_never_zero(cn: CompiledNetwork) -> None:
    doc = _quote(cn, "CN-SZ-CITY", "DEFRA", Cargo(weight_kg=400.0, volume_m3=3.0))
    flown = [a for a in doc["alternatives"] if "air" in _modes(a)]
    assert flown
    for alt in flown:
        for leg in alt["legs"]:
            if leg["mode"] == "air":
                assert leg["cost_breakdown"]["handling"] > 0, leg["link_id"]


def test_the_quote_carries_its_commercial_fields(cn: CompiledNetwork) -> None:
    doc = _quote(cn, "CNYTN", "NLRTM", FEU)
    assert doc["valid_until"] is not None
    for alt in doc["alternatives"]:
        assert {"scope", "included", "excluded", "valid_until", "cargo_plan"} <= set(alt)
        assert {"total_kg", "ttw_kg", "wtt_kg", "method"} <= set(alt["co2e"])
        lines = alt["cost"]["lines"]
        assert abs(sum(line["amount_cny"] for line in lines) - alt["cost"]["total"]) < 0.05
        for line in lines:
            assert {"name", "basis", "amount", "currency", "amount_cny", "where"} <= set(line)
    sea = next(a for a in doc["alternatives"] if _modes(a) == {"deepsea"})
    names = {line["name"] for line in sea["cost"]["lines"]}
    # the Asia-North Europe surcharges are named lines, not hidden in an all-in rate
    assert {"base freight", "BAF", "war_risk", "EU_ETS", "terminal handling"} <= names


def test_no_shenzhen_security_fee_and_each_fee_once(cn: CompiledNetwork) -> None:
    doc = _quote(cn, "CNSHK", "USLAX", FEU)
    for alt in doc["alternatives"]:
        lines = alt["cost"]["lines"]
        keys = [(line["name"], line["basis"], line["where"]) for line in lines]
        assert len(keys) == len(set(keys))
    # the port-facility security fee was merged into the terminal's operations fee from
    # 2022-04-01 (fees-mot-2022): no mainland terminal charges it as port dues any more
    assert not [
        f.node_id
        for f in cn.network.fees
        if f.fee == "port_dues" and cn.network.nodes[f.node_id].jurisdiction == "CN"
    ]
