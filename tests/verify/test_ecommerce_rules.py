"""The checker's e-commerce rules (seed §7–8, docs/customs-model.md): a declared regime
(9610/9710/9810/1210) clears only at an e-commerce site listing it, 1210 imports only into a
bonded zone, and the 先查验后装运 export time only for a pilot trader where it is offered.

Each mutation test takes a legal engine quote on a network (or for a request) where the route
is legal and checks it against one where it is not."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from verify_kit import assert_flags, with_node

from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import CargoClass, CustomsOp, Mode, Network, NodeKind, Regime
from router.quotes.document import make_quote
from router.routing.compiled import compile_network
from router.routing.request import Cargo, PlaceRef, QuoteRequest, TraderProfile
from router.units import CST
from router.verify.legality import check_quote

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
ECOM = CustomsOp.ECOMMERCE
SUP = CustomsOp.SUPERVISED_SITE
TD = CustomsOp.TRANSIT_DECLARATION
READY = datetime(2025, 6, 2, 8, 0, tzinfo=CST)


def network() -> Network:
    """FAC -> PORT (e-commerce site for 9710 and 9810, inspect-first 1 h) -> ship -> EU; and
    EU -> ship -> PORT (transit declaration) -> supervised truck -> BZ (bonded zone, 9610 and
    1210)."""
    b = NetworkBuilder()
    b.add_node("FAC", 113.95, 22.60)
    b.add_node(
        "PORT",
        113.91,
        22.48,
        kind=NodeKind.SEAPORT,
        operations={EC, IC, CustomsOp.EXIT, CustomsOp.ENTRY, ECOM, SUP, TD},
        ecommerce_regimes=frozenset({"9710", "9810"}),
        customs_district="PORT-D",
        export_clearance_h=2,
        inspection_h=20,
        inspect_first_h=1,
        import_clearance_h=2,
    )
    b.add_node(
        "BZ",
        113.88,
        22.52,
        kind=NodeKind.BONDED_ZONE,
        operations={IC, ECOM, SUP},
        ecommerce_regimes=frozenset({"9610", "1210"}),
        customs_district="SZ",
        import_clearance_h=6,
    )
    b.add_node(
        "EU",
        4.05,
        51.95,
        kind=NodeKind.SEAPORT,
        jurisdiction="EU",
        operations={EC, IC, CustomsOp.EXIT, CustomsOp.ENTRY, ECOM, SUP},
        export_clearance_h=1,
        import_clearance_h=2,
    )
    b.add_link("truck", "FAC", "PORT", Mode.TRUCK, transit_h=1, distance_km=15)
    b.add_link("bz", "PORT", "BZ", Mode.TRUCK, transit_h=1, regime=Regime.SUPERVISED, distance_km=8)
    for a, c in (("PORT", "EU"), ("EU", "PORT")):
        b.add_link(
            f"ocean-{a}",
            a,
            c,
            Mode.DEEPSEA,
            transit_h=600,
            regime=Regime.INTERNATIONAL,
            weekly=((1, 1080),),
            distance_km=18_000,
            tariffs=container_tariffs(8000),
        )
    return b.build()


def ecommerce(regime: str) -> Cargo:
    return Cargo(
        containers=(("22G1", 1),), cargo_class=CargoClass.ECOMMERCE, ecommerce_regime=regime
    )


def ask(origin: str, destination: str, cargo: Cargo, pilot: bool = False) -> QuoteRequest:
    return QuoteRequest(
        PlaceRef(code=origin),
        PlaceRef(code=destination),
        cargo,
        READY,
        trader=TraderProfile(inspect_first_pilot=pilot),
    )


def quoted(net: Network, req: QuoteRequest) -> dict:
    doc = make_quote(compile_network(net), req, quote_id="t")
    assert doc["status"] == "ok", doc["reasons"]
    return doc


def test_engine_quotes_pass() -> None:
    net = network()
    for req in (
        ask("FAC", "EU", ecommerce("9710")),
        ask("FAC", "EU", ecommerce("9810"), pilot=True),
        ask("EU", "BZ", ecommerce("1210")),
        ask("EU", "BZ", ecommerce("9610")),
    ):
        assert check_quote(net, req, quoted(net, req)) == []


def test_a_regime_the_site_does_not_list_is_flagged() -> None:
    net = network()
    req = ask("FAC", "EU", ecommerce("9810"))
    doc = quoted(net, req)
    unlisted = with_node(net, "PORT", ecommerce_regimes=frozenset({"9710"}))
    assert_flags(check_quote(unlisted, req, doc), "e-commerce export 9810 cleared at PORT")


def test_an_export_regime_is_not_an_import_regime() -> None:
    net = network()
    req = ask("EU", "BZ", ecommerce("9610"))
    doc = quoted(net, req)
    as_9710 = dataclasses.replace(req, cargo=ecommerce("9710"))
    assert_flags(check_quote(net, as_9710, doc), "9710 is not an import regime")


def test_1210_outside_a_bonded_zone_is_flagged() -> None:
    net = network()
    req = ask("EU", "BZ", ecommerce("1210"))
    doc = quoted(net, req)
    depot = with_node(net, "BZ", kind=NodeKind.INLAND_DEPOT)
    assert_flags(check_quote(depot, req, doc), "not a bonded zone")


def test_inspect_first_time_only_for_a_pilot_trader() -> None:
    # the pilot's export at PORT takes 1 h (not 2 h + 0.03 x 20 h = 2.6 h)
    net = network()
    req = ask("FAC", "EU", ecommerce("9810"), pilot=True)
    doc = quoted(net, req)
    (ev,) = [
        e for e in doc["alternatives"][0]["customs_events"] if e["operation"] == "export_clearance"
    ]
    assert ev["clearance_h"] == 1.0
    ordinary = dataclasses.replace(req, trader=TraderProfile())
    assert_flags(check_quote(net, ordinary, doc), "clearance_h 1.0 but")
    not_offered = with_node(net, "PORT", inspect_first_h=None)
    assert_flags(check_quote(not_offered, req, doc), "clearance_h 1.0 but")
