"""The carrier's dangerous-goods surcharge (issue 9, item 11): IMDG cargo pays the mode's
surcharge per TEU of space on top of the freight; general cargo does not."""

from __future__ import annotations

import dataclasses

from routing_testkit import make_request, solve

from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import CargoClass, Mode, Network, NodeKind
from router.routing.request import Cargo

FEU = Cargo(containers=(("42G1", 1),))
DG_FEU = Cargo(containers=(("42G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="3")


def _network(dg_surcharge_per_teu: float) -> Network:
    b = NetworkBuilder()
    b.modes[Mode.TRUCK] = dataclasses.replace(
        b.modes[Mode.TRUCK], dg_surcharge_per_teu=dg_surcharge_per_teu, dg_currency="USD"
    )
    depot = {"kind": NodeKind.INLAND_DEPOT, "dg_classes": frozenset({"3"})}
    b.add_node("A", 114.00, 22.50, **depot)
    b.add_node("B", 114.10, 22.60, **depot)
    b.add_link("A-B", "A", "B", Mode.TRUCK, transit_h=2.0, tariffs=container_tariffs(1000.0))
    return b.build()


def test_dangerous_goods_pay_the_surcharge_per_teu() -> None:
    network = _network(100.0)
    _, general = solve(network, make_request("A", "B", cargo=FEU))
    _, dangerous = solve(network, make_request("A", "B", cargo=DG_FEU))
    # a 40' box is 2 TEU: 2 x USD 100 x the network's USD rate, in fen
    expected = round(2 * 100.0 * network.fx_cny["USD"] * 100)
    assert dangerous[0].cost_fen - general[0].cost_fen == expected


def test_no_surcharge_configured_means_none() -> None:
    network = _network(0.0)
    _, general = solve(network, make_request("A", "B", cargo=FEU))
    _, dangerous = solve(network, make_request("A", "B", cargo=DG_FEU))
    assert dangerous[0].cost_fen == general[0].cost_fen
