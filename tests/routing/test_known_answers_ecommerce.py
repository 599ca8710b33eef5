"""Known answers of the quote search on tiny hand-built networks: the seed's e-commerce measures
(§7–8) as parameters of the customs model: the cross-border e-commerce regimes 9610/9710/9810/1210
clear only at e-commerce supervised sites listing them, 1210 bonded imports only into a bonded
zone, and the 先查验后装运 (inspect first, then load) export of a pilot trader.

Hand computations as in test_known_answers_measures.py: a declaration takes ``clearance_h x AEO
factor + p(inspection) x inspection_h`` and costs ``declaration + p(inspection) x inspection
fee``; builder AEO profile none: p=0.03, x1.0. Cargo: one 20' dry box. 2025-06-02 is a Monday.
"""

from __future__ import annotations

import dataclasses

import pytest
from routing_testkit import (
    alternative,
    arrival,
    at,
    clock,
    cny,
    customs_ops,
    link_ids,
    make_request,
    quote,
    solve,
)

from router.api.schemas import QuoteRequestIn, to_quote_request
from router.errors import DatasetError, InvalidRequestError
from router.network.builder import NetworkBuilder
from router.network.model import CargoClass, CustomsOp, Mode, Network, Node, NodeKind, Regime
from router.routing.customs import ecommerce_may_clear
from router.routing.request import Cargo, TraderProfile
from router.verify.legality import check_quote

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
ECOM = CustomsOp.ECOMMERCE
SUP = CustomsOp.SUPERVISED_SITE
INTL = Regime.INTERNATIONAL
SUPERVISED = Regime.SUPERVISED


def ecommerce(regime: str | None) -> Cargo:
    return Cargo(
        containers=(("22G1", 1),), cargo_class=CargoClass.ECOMMERCE, ecommerce_regime=regime
    )


# ----------------------------------------------------------------------------- export
def export_network() -> Network:
    """FAC (factory) trucks to the Qianhai-like bonded zone QH (e-commerce site for 9610 and
    9810, with the inspect-first pilot: 1.5 h) or to the port PORT (e-commerce site for 9710);
    QH reaches PORT by supervised truck; the ship leaves PORT on Tuesdays 18:00 for DEST."""
    b = NetworkBuilder()
    b.add_node("FAC", 113.95, 22.60)
    b.add_node(
        "QH",
        113.88,
        22.52,
        kind=NodeKind.BONDED_ZONE,
        operations={EC, IC, ECOM, SUP},
        ecommerce_regimes=frozenset({"9610", "9810"}),
        export_clearance_h=2,
        inspection_h=20,
        inspect_first_h=1.5,
    )
    b.add_node(
        "PORT",
        113.91,
        22.48,
        kind=NodeKind.SEAPORT,
        operations={EC, CustomsOp.EXIT, ECOM, SUP},
        ecommerce_regimes=frozenset({"9710"}),
        export_clearance_h=1,
        inspection_h=20,
    )
    b.add_node(
        "DEST",
        4.05,
        51.95,
        kind=NodeKind.SEAPORT,
        jurisdiction="EU",
        operations={CustomsOp.ENTRY, IC},
        import_clearance_h=2,
    )
    truck = Mode.TRUCK
    b.add_link("t-qh", "FAC", "QH", truck, transit_h=1, distance_km=10, tariffs=cny(100))
    b.add_link("t-port", "FAC", "PORT", truck, transit_h=1, distance_km=15, tariffs=cny(150))
    b.add_link(
        "s-qh-port",
        "QH",
        "PORT",
        truck,
        transit_h=1,
        regime=SUPERVISED,
        distance_km=8,
        tariffs=cny(80),
    )
    b.add_link(
        "ocean",
        "PORT",
        "DEST",
        Mode.DEEPSEA,
        transit_h=30 * 24,
        regime=INTL,
        weekly=((1, 1080),),  # Tuesday 18:00
        distance_km=18_000,
        tariffs=cny(8000),
    )
    for node in ("QH", "PORT"):
        b.add_fee(node, "declaration", "declaration", 100)
        b.add_fee(node, "inspection", "inspection", 500)
    return b.build()


def test_9710_clears_only_at_the_port_that_lists_it() -> None:
    # 9710 is listed at PORT only: truck FAC -> PORT Mon 08:00-09:00 (150 CNY); export at PORT
    # 1 h + 0.03 x 20 h = 1.6 h = 96 min -> 10:36, 100 + 0.03 x 500 = 115 CNY; ship Tue 3 Jun
    # 18:00 + 720 h -> Thu 3 Jul 18:00; import at DEST 2 h (no fee there) -> 20:00.
    # Cost 150 + 115 + 8,000 = 8,265 CNY.
    net = export_network()
    request = make_request("FAC", "DEST", cargo=ecommerce("9710"))
    search, routes = solve(net, request)
    (route,) = routes
    assert link_ids(route) == ["t-port", "ocean"]
    export = route.steps[1]
    assert (search.cn.nodes[export.node].id, export.op) == ("PORT", "export_clearance")
    assert (export.customs_min, export.customs_fen) == (96, 11_500)
    assert arrival(search, route) == at("2025-07-03 20:00")
    assert route.cost_fen == 826_500
    doc = quote(net, request)
    assert check_quote(net, request, doc) == []
    (alt,) = doc["alternatives"]
    (ev,) = [e for e in alt["customs_events"] if e["operation"] == "export_clearance"]
    assert ev["procedure"].endswith("cross-border e-commerce export 9710 (B2B direct export)")


def test_9810_clears_at_the_bonded_zone_listing_it_not_at_the_nearer_port() -> None:
    # PORT does not list 9810 (plain e-commerce cargo would clear there, 8,265 CNY): truck to
    # QH 08:00-09:00 (100 CNY); export 2 h + 0.03 x 20 h = 2.6 h = 156 min -> 11:36 (115 CNY);
    # supervised truck -> PORT 12:36 (80 CNY); ship Tue 18:00 -> Thu 3 Jul 20:00 after import.
    # Cost 100 + 115 + 80 + 8,000 = 8,295 CNY.
    net = export_network()
    _, (plain,) = solve(net, make_request("FAC", "DEST", cargo=ecommerce(None)))
    assert link_ids(plain) == ["t-port", "ocean"]
    request = make_request("FAC", "DEST", cargo=ecommerce("9810"))
    search, routes = solve(net, request)
    (route,) = routes
    assert link_ids(route) == ["t-qh", "s-qh-port", "ocean"]
    assert customs_ops(search, route)[0] == ("QH", "export_clearance", "free", "cleared_export")
    export = route.steps[1]
    assert (export.customs_min, export.customs_fen) == (156, 11_500)
    assert clock(search, export.end_min) == at("2025-06-02 11:36")
    assert route.cost_fen == 829_500
    assert arrival(search, route) == at("2025-07-03 20:00")
    doc = quote(net, request)
    assert check_quote(net, request, doc) == []


def test_a_regime_listed_nowhere_in_its_direction_has_no_route() -> None:
    # 1210 is an import regime: no e-commerce site exports under it
    net = export_network()
    doc = quote(net, make_request("FAC", "DEST", cargo=ecommerce("1210")))
    assert doc["status"] == "no_route"


def test_pilot_trader_inspect_first_export_takes_the_procedures_hours() -> None:
    # 先查验后装运 at QH for a pilot trader: the export takes inspect_first_h = 1.5 h = 90 min
    # (not 2 h + 0.03 x 20 h = 156 min): Mon 09:00 -> 10:30, still 100 + 0.03 x 500 = 115 CNY
    # (11,500 fen; the inspection fee is still expected); supervised truck 10:30 -> 11:30; same
    # Tuesday sailing, same arrival Thu 3 Jul 20:00 and cost 8,295 CNY.
    net = export_network()
    request = make_request(
        "FAC", "DEST", cargo=ecommerce("9810"), trader=TraderProfile(inspect_first_pilot=True)
    )
    search, (route,) = solve(net, request)
    export = route.steps[1]
    assert search.cn.nodes[export.node].id == "QH"
    assert (export.customs_min, export.customs_fen) == (90, 11_500)
    assert (clock(search, export.start_min), clock(search, export.end_min)) == (
        at("2025-06-02 09:00"),
        at("2025-06-02 10:30"),
    )
    truck = route.steps[2]
    assert clock(search, truck.end_min) == at("2025-06-02 11:30")
    assert route.cost_fen == 829_500
    assert arrival(search, route) == at("2025-07-03 20:00")
    alt = alternative(net, request)
    (ev,) = [e for e in alt["customs_events"] if e["operation"] == "export_clearance"]
    assert ev["clearance_h"] == 1.5
    assert "9810 (export to an overseas warehouse)" in ev["procedure"]
    assert "先查验后装运" in ev["procedure"]
    assert check_quote(net, request, quote(net, request)) == []


def test_inspect_first_only_for_pilot_traders_and_where_offered() -> None:
    # an ordinary trader at QH: 156 min; a pilot trader at PORT (not offered there): 96 min
    net = export_network()
    search, (route,) = solve(net, make_request("FAC", "DEST", cargo=ecommerce("9810")))
    assert route.steps[1].customs_min == 156
    pilot = TraderProfile(inspect_first_pilot=True)
    search, (route,) = solve(
        net, make_request("FAC", "DEST", cargo=ecommerce("9710"), trader=pilot)
    )
    assert (search.cn.nodes[route.steps[1].node].id, route.steps[1].customs_min) == ("PORT", 96)


# ----------------------------------------------------------------------------- import
def import_network() -> Network:
    """ORIG (EU) ships to PORT (point of entry, district PORT-D, e-commerce site for 9610); the
    bonded zone BZ (district SZ, 9610 and 1210) and the shop SHOP (district SZ) are trucked
    from PORT: supervised to BZ, domestic to SHOP; BZ trucks on to SHOP."""
    b = NetworkBuilder()
    b.add_node(
        "ORIG",
        4.05,
        51.95,
        kind=NodeKind.SEAPORT,
        jurisdiction="EU",
        operations={EC, CustomsOp.EXIT, ECOM, SUP},
        export_clearance_h=1,
    )
    b.add_node(
        "PORT",
        113.91,
        22.48,
        kind=NodeKind.SEAPORT,
        operations={CustomsOp.ENTRY, IC, ECOM, SUP, CustomsOp.TRANSIT_DECLARATION},
        ecommerce_regimes=frozenset({"9610"}),
        customs_district="PORT-D",
        import_clearance_h=4,
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
    b.add_node("SHOP", 113.95, 22.55, customs_district="SZ")
    b.add_link(
        "ocean",
        "ORIG",
        "PORT",
        Mode.DEEPSEA,
        transit_h=600,
        regime=INTL,
        weekly=((0, 1200),),  # Monday 20:00
        distance_km=18_000,
        tariffs=cny(8000),
    )
    truck = Mode.TRUCK
    b.add_link(
        "s-port-bz",
        "PORT",
        "BZ",
        truck,
        transit_h=1,
        regime=SUPERVISED,
        distance_km=8,
        tariffs=cny(80),
    )
    b.add_link("d-port-shop", "PORT", "SHOP", truck, transit_h=1, distance_km=9, tariffs=cny(90))
    b.add_link("d-bz-shop", "BZ", "SHOP", truck, transit_h=1, distance_km=7, tariffs=cny(70))
    return b.build()


def test_1210_imports_only_into_the_bonded_zone() -> None:
    # 9610 imports at the point of entry PORT, which lists it; 1210 cannot (PORT is a seaport):
    # 转关 at PORT to the bonded zone BZ (the destination's district SZ), import there
    net = import_network()
    request = make_request("ORIG", "SHOP", cargo=ecommerce("9610"))
    search, (route,) = solve(net, request)
    assert link_ids(route) == ["ocean", "d-port-shop"]
    assert [(n, op) for n, op, _, _ in customs_ops(search, route)] == [
        ("ORIG", "export_clearance"),
        ("PORT", "import_clearance"),
    ]
    request = make_request("ORIG", "SHOP", cargo=ecommerce("1210"))
    search, (route,) = solve(net, request)
    assert link_ids(route) == ["ocean", "s-port-bz", "d-bz-shop"]
    assert customs_ops(search, route) == [
        ("ORIG", "export_clearance", "free", "cleared_export"),
        ("PORT", "transit_declaration", "in_transit", "in_bond"),
        ("BZ", "import_clearance", "in_bond", "free"),
    ]
    doc = quote(net, request)
    assert check_quote(net, request, doc) == []
    (alt,) = doc["alternatives"]
    (ev,) = [e for e in alt["customs_events"] if e["operation"] == "import_clearance"]
    assert ev["procedure"].endswith(
        "cross-border e-commerce import 1210 (bonded e-commerce import)"
    )


def test_an_ecommerce_order_leaves_another_territory_under_its_ordinary_export() -> None:
    # China's e-commerce supervision (sites, regimes) is the mainland's: an online order shipped
    # from the EU is export-cleared at an ordinary EU office, not at a "Chinese e-commerce site"
    # (until issue 14, e-commerce imports into China had no route on the bundled network)
    net = import_network()
    orig = net.nodes["ORIG"]
    plain = dataclasses.replace(orig, operations=orig.operations - {ECOM})
    net = dataclasses.replace(net, nodes={**net.nodes, "ORIG": plain})
    assert ecommerce_may_clear(ecommerce("9610"), plain, export=True)
    for regime, links in (("9610", ["ocean", "d-port-shop"]),
                          ("1210", ["ocean", "s-port-bz", "d-bz-shop"])):  # fmt: skip
        request = make_request("ORIG", "SHOP", cargo=ecommerce(regime))
        search, (route,) = solve(net, request)
        assert link_ids(route) == links
        assert customs_ops(search, route)[0][:2] == ("ORIG", "export_clearance")
        assert check_quote(net, request, quote(net, request)) == []
    # in the mainland an e-commerce export still clears only at an e-commerce site
    fac = Node(
        "F", "F", "", NodeKind.CITY, 113.9, 22.6, "CN", "CN", operations=frozenset({EC, SUP})
    )
    assert not ecommerce_may_clear(ecommerce("9610"), fac, export=True)


def test_1210_is_never_cleared_outside_a_bonded_zone() -> None:
    site = Node(
        "AIR",
        "air terminal",
        "",
        NodeKind.AIR_TERMINAL,
        113.8,
        22.6,
        "CN",
        "CN",
        operations=frozenset({IC, ECOM}),
        ecommerce_regimes=frozenset({"1210"}),
    )
    assert not ecommerce_may_clear(ecommerce("1210"), site, export=False)
    bonded = Node(
        "BZ",
        "bonded zone",
        "",
        NodeKind.BONDED_ZONE,
        113.8,
        22.6,
        "CN",
        "CN",
        operations=frozenset({IC, ECOM}),
        ecommerce_regimes=frozenset({"1210"}),
    )
    assert ecommerce_may_clear(ecommerce("1210"), bonded, export=False)
    assert not ecommerce_may_clear(ecommerce("9610"), bonded, export=False)


@pytest.mark.parametrize(
    ("regimes", "kind", "words"),
    [
        (frozenset({"1210"}), NodeKind.SEAPORT, "only at a bonded_zone"),
        (frozenset({"9999"}), NodeKind.BONDED_ZONE, "unknown e-commerce regime"),
    ],
)
def test_dataset_rejects_unknown_or_misplaced_regimes(
    regimes: frozenset[str], kind: NodeKind, words: str
) -> None:
    b = NetworkBuilder()
    b.add_node("X", 113.9, 22.5, kind=kind, operations={IC, ECOM}, ecommerce_regimes=regimes)
    with pytest.raises(DatasetError, match=words):
        b.build()


# ----------------------------------------------------------------------------- request edge
def test_regime_needs_ecommerce_cargo() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Cargo(containers=(("22G1", 1),), ecommerce_regime="9610")
    assert caught.value.field == "cargo.ecommerce_regime"
    with pytest.raises(InvalidRequestError) as caught:
        ecommerce("9999")
    assert caught.value.field == "cargo.ecommerce_regime"


def test_api_body_with_a_regime_on_general_cargo_names_the_field() -> None:
    # the API maps this error to 422 (tests/api/test_quotes_api.py runs it over HTTP)
    body = QuoteRequestIn.model_validate(
        {
            "origin": "FAC",
            "destination": "DEST",
            "cargo": {"containers": [{"type": "22G1", "count": 1}], "ecommerce_regime": "9610"},
            "ready": "2025-06-02T08:00:00",
            "trader": {"inspect_first_pilot": True},
        }
    )
    with pytest.raises(InvalidRequestError) as caught:
        to_quote_request(body, 10)
    assert caught.value.field == "cargo.ecommerce_regime"
