"""The bundled commercial price data (issue 10, data/README.md "Prices and fees").

* every airport and air terminal has a per-kg handling charge; no port charges the Shenzhen
  port-facility security fee merged into the THC in 2022;
* every tariff row and surcharge is dated, and every loose-cargo-capable PRD terminal link has a
  revenue-tonne rate;
* all-in rates are split, not added to: a headhaul base plus its named surcharges gives back a
  positive all-in rate, and the base is positive.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from router.errors import Severity
from router.network import Network, inspect_dataset
from router.network.model import Mode, NodeKind, TariffUnit
from router.network.pricing import ChargeUnit


@pytest.fixture(scope="module")
def bundled(bundled_dir: Path) -> Network:
    network, problems = inspect_dataset(bundled_dir)
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    assert network is not None, "\n".join(errors[:20])
    return network


def test_every_airport_and_air_terminal_has_a_kg_handling_charge(bundled: Network) -> None:
    air = {
        n.id for n in bundled.nodes.values() if n.kind in (NodeKind.AIRPORT, NodeKind.AIR_TERMINAL)
    }
    charged = {
        f.node_id for f in bundled.fees if f.fee == "thc" and f.unit == "kg" and f.amount > 0
    }
    assert air and air <= charged, sorted(air - charged)


def test_no_port_facility_security_fee(bundled: Network) -> None:
    # merged into the terminal operations fee (港口作业包干费) from 2022-04-01 (fees-mot-2022)
    assert not [f for f in bundled.fees if f.fee == "port_dues"]


def test_cfs_and_storage_where_boxes_and_loose_cargo_wait(bundled: Network) -> None:
    fees = {(f.node_id, f.fee) for f in bundled.fees}
    waiting = ["CNYTN", "CNSHK", "CNNSA", "HKHKG", "NLRTM", "DEHAM", "BEANR", "GBFXT", "USLAX"]
    waiting += [n.id for n in bundled.nodes.values() if n.kind is NodeKind.RAIL_TERMINAL]
    for node in waiting:
        assert (node, "storage") in fees, node
        assert (node, "cfs") in fees, node
        assert bundled.nodes[node].free_storage_h > 0, node


def test_every_tariff_is_dated(bundled: Network) -> None:
    for link in bundled.links.values():
        for tariff in link.tariffs.values():
            assert tariff.as_of is not None and tariff.valid_until is not None, link.id
            assert tariff.valid_until >= tariff.as_of, link.id


def test_every_surcharge_has_as_of_and_a_source(bundled: Network) -> None:
    pricing = bundled.pricing
    assert pricing is not None and pricing.surcharges
    for s in pricing.surcharges:
        assert isinstance(s.as_of, date) and s.source, s.id


def test_required_surcharges_exist(bundled: Network) -> None:
    assert bundled.pricing is not None
    named = {(s.name, s.mode, s.to_jurisdiction) for s in bundled.pricing.surcharges}
    for name in ("BAF", "war_risk", "EU_ETS", "peak_season"):
        assert (name, Mode.DEEPSEA, "EU") in named, name
    for name in ("BAF", "peak_season"):
        assert (name, Mode.DEEPSEA, "US") in named, name
    kinds = {(s.name, s.mode) for s in bundled.pricing.surcharges}
    assert ("fuel", Mode.AIR) in kinds
    for mode in (Mode.DEEPSEA, Mode.RAIL, Mode.TRUCK, Mode.BARGE, Mode.FEEDER):
        assert ("DG", mode) in kinds and ("reefer", mode) in kinds, mode
    overweight = [s for s in bundled.pricing.surcharges if s.name == "overweight"]
    assert overweight and all(s.unit is ChargeUnit.C20 and s.min_box_cargo_kg for s in overweight)


def test_headhaul_bases_stay_positive_after_the_split(bundled: Network) -> None:
    for link in bundled.links.values():
        for tariff in link.tariffs.values():
            assert tariff.fixed > 0 or tariff.per_km > 0, link.id


def test_loose_cargo_rates_on_prd_barges_feeders_and_trains(bundled: Network) -> None:
    for link in bundled.links.values():
        if link.mode in (Mode.BARGE, Mode.FEEDER, Mode.RAIL, Mode.DEEPSEA):
            assert TariffUnit.WM in link.tariffs, link.id


def test_road_limits_leave_room_for_a_loaded_box(bundled: Network) -> None:
    assert bundled.pricing is not None and bundled.pricing.road_limits
    for code in ("CN", "HK", "EU", "US"):
        limit = bundled.pricing.road_limits[code]
        assert 20_000 <= limit.max_box_gross_kg <= 36_000, code
