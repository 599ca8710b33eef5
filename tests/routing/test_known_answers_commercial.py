"""Known answers for the commercial price structure (issue 10): every charge type on hand-built
networks, worked out by hand in the comments; waiting storage changing the winning route; the
LCL -> FCL switch point; chargeable weight; one fixed charge per truck haul; containers never
flown; road weight limits; validity, scope and inclusions of the quote."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from routing_testkit import at, make_request, solve

from router.errors import InvalidRequestError
from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import CargoClass, Mode, Network, NodeKind, Tariff, TariffUnit
from router.network.pricing import (
    AdValorem,
    AdValoremScope,
    ChargeUnit,
    PricingTables,
    RoadLimit,
    Surcharge,
    TransferCost,
)
from router.quotes.document import make_quote
from router.routing.compiled import compile_network
from router.routing.request import Cargo
from router.verify.legality import check_quote

TEU = Cargo(containers=(("22G1", 1),))
FEU = Cargo(containers=(("42G1", 1),))
AS_OF = date(2025, 1, 1)
DEPOT = {"kind": NodeKind.RIVER_TERMINAL}


def _surcharge(ident: str, name: str, mode: Mode, unit: ChargeUnit, amount: float, **kw: object):
    return Surcharge(ident, name, mode, unit, amount, kw.pop("currency", "CNY"), AS_OF, **kw)  # type: ignore[arg-type]


def _two_nodes(pricing: PricingTables | None = None, tariffs: dict | None = None) -> Network:
    b = NetworkBuilder(pricing=pricing)
    b.add_node("A", 114.00, 22.50, **DEPOT)
    b.add_node("B", 114.10, 22.60, **DEPOT)
    b.add_link(
        "A-B",
        "A",
        "B",
        Mode.BARGE,
        transit_h=5.0,
        distance_km=20.0,
        tariffs=tariffs or container_tariffs(1000.0),
    )
    return b.build()


def _cost_fen(network: Network, cargo: Cargo = TEU) -> int:
    _, routes = solve(network, make_request("A", "B", cargo=cargo))
    assert routes
    return min(r.cost_fen for r in routes)


# ------------------------------------------------------------------------- surcharges
def test_each_surcharge_basis_is_priced_once_on_the_matching_links() -> None:
    tables = PricingTables(
        surcharges=(
            # USD 100 per 20' at 7.1 = CNY 710
            _surcharge("baf", "BAF", Mode.BARGE, ChargeUnit.C20, 100.0, currency="USD"),
            # 10 % of the CNY 1,000 base = CNY 100
            _surcharge("pss", "peak_season", Mode.BARGE, ChargeUnit.PCT, 10.0),
            # CNY 50 per TEU, 1 TEU = CNY 50
            _surcharge("ets", "EU_ETS", Mode.BARGE, ChargeUnit.TEU, 50.0),
            # none of these match: another mode, a destination in another territory, a 40'
            # charge on a 20', a reefer surcharge on dry cargo, a surcharge not yet in force
            _surcharge("x1", "BAF", Mode.DEEPSEA, ChargeUnit.C20, 999.0),
            _surcharge("x2", "war_risk", Mode.BARGE, ChargeUnit.C20, 999.0, to_jurisdiction="HK"),
            _surcharge("x3", "LSS", Mode.BARGE, ChargeUnit.C40, 999.0),
            _surcharge(
                "x4", "reefer", Mode.BARGE, ChargeUnit.C20, 999.0, cargo_class=CargoClass.REEFER
            ),
            _surcharge(
                "x5", "security", Mode.BARGE, ChargeUnit.C20, 999.0, valid_from=date(2030, 1, 1)
            ),
        )
    )
    base = _cost_fen(_two_nodes())
    assert base == 100_000
    assert _cost_fen(_two_nodes(tables)) == base + 71_000 + 10_000 + 5_000
    doc = make_quote(compile_network(_two_nodes(tables)), make_request("A", "B", cargo=TEU))
    names = [line["name"] for line in doc["alternatives"][0]["cost"]["lines"]]
    assert names == ["base freight", "BAF", "peak_season", "EU_ETS"]
    assert doc["alternatives"][0]["cost"]["total"] == 1000 + 710 + 100 + 50


def test_a_lapsed_surcharge_is_replaced_by_the_one_valid_on_the_day() -> None:
    old = _surcharge("b24", "BAF", Mode.BARGE, ChargeUnit.C20, 300.0, valid_until=date(2025, 5, 31))
    new = _surcharge(
        "b25",
        "BAF",
        Mode.BARGE,
        ChargeUnit.C20,
        200.0,
        valid_from=date(2025, 6, 1),
        valid_until=date(2025, 8, 31),
    )
    # the hand-built ready time is 2 June 2025: only the second row applies
    net = _two_nodes(PricingTables(surcharges=(old, new)))
    assert _cost_fen(net) == 100_000 + 20_000
    doc = make_quote(compile_network(net), make_request("A", "B", cargo=TEU))
    assert doc["valid_until"] == "2025-08-31"


def test_valid_until_is_the_earliest_expiry_of_the_rates_used() -> None:
    tariffs = {
        u: dataclasses.replace(t, valid_until=date(2025, 9, 30))
        for u, t in container_tariffs(1000.0).items()
    }
    baf = _surcharge("b", "BAF", Mode.BARGE, ChargeUnit.C20, 1.0, valid_until=date(2025, 7, 15))
    net = _two_nodes(PricingTables(surcharges=(baf,)), tariffs)
    doc = make_quote(compile_network(net), make_request("A", "B", cargo=TEU))
    assert doc["valid_until"] == "2025-07-15"
    assert doc["alternatives"][0]["valid_until"] == "2025-07-15"


# ------------------------------------------------------------------------ transfers
def _truck_then_barge(pricing: PricingTables | None) -> Network:
    b = NetworkBuilder(pricing=pricing)
    for name, lon in (("A", 114.0), ("B", 114.1), ("C", 114.2)):
        b.add_node(name, lon, 22.5, **DEPOT)
    b.add_link(
        "A-B",
        "A",
        "B",
        Mode.TRUCK,
        transit_h=1.0,
        distance_km=10.0,
        tariffs=container_tariffs(300.0),
    )
    b.add_link(
        "B-C",
        "B",
        "C",
        Mode.BARGE,
        transit_h=5.0,
        distance_km=20.0,
        tariffs=container_tariffs(1000.0),
    )
    return b.build()


def test_a_transfer_pays_its_mode_pair_cost() -> None:
    pair = TransferCost(Mode.TRUCK, Mode.BARGE, ChargeUnit.C20, 200.0, "CNY")
    other = TransferCost(Mode.BARGE, Mode.TRUCK, ChargeUnit.C20, 999.0, "CNY")  # not this way
    plain = _truck_then_barge(None)
    priced = _truck_then_barge(PricingTables(transfer_costs=(pair, other)))
    _, a = solve(plain, make_request("A", "C"))
    _, b = solve(priced, make_request("A", "C"))
    assert b[0].cost_fen - a[0].cost_fen == 20_000


# ------------------------------------------------------------------------- ad valorem
def test_insurance_is_priced_on_the_declared_value_and_only_with_one() -> None:
    insurance = AdValorem("cargo_insurance", AdValoremScope.ROUTE, 0.3, "USD", minimum=30.0)
    net = _two_nodes(PricingTables(ad_valorem=(insurance,)))
    valued = dataclasses.replace(TEU, value_cny=1_000_000.0)
    # 0.3 % of CNY 1,000,000 = CNY 3,000 (above the USD 30 = CNY 213 minimum)
    assert _cost_fen(net, valued) == 100_000 + 300_000
    # a small value pays the minimum premium: USD 30 x 7.1
    small = dataclasses.replace(TEU, value_cny=1_000.0)
    assert _cost_fen(net, small) == 100_000 + 21_300
    assert _cost_fen(net, TEU) == 100_000  # no declared value: no insurance (and it says so)
    doc = make_quote(compile_network(net), make_request("A", "B", cargo=TEU))
    assert any("insurance" in text for text in doc["alternatives"][0]["excluded"])
    doc = make_quote(compile_network(net), make_request("A", "B", cargo=valued))
    alt = doc["alternatives"][0]
    assert alt["cost"]["breakdown"]["route_charges"] == 3000.0
    assert not check_quote(net, make_request("A", "B", cargo=valued), doc)


# ---------------------------------------------------------------- storage while waiting
def _two_ports(storage_cny_per_day: float) -> Network:
    """A -> P1 -> D (cheap truck, storage at P1) and A -> P2 -> D (dearer truck, free storage);
    both barges leave on Thursday 08:00 and arrive at the same time."""
    b = NetworkBuilder()
    b.add_node("A", 114.0, 22.5, **DEPOT)
    b.add_node("P1", 114.1, 22.5, kind=NodeKind.RIVER_TERMINAL, free_storage_h=0.0)
    b.add_node("P2", 114.1, 22.6, kind=NodeKind.RIVER_TERMINAL, free_storage_h=0.0)
    b.add_node("D", 114.5, 22.5, **DEPOT)
    b.add_link(
        "A-P1",
        "A",
        "P1",
        Mode.TRUCK,
        transit_h=1.0,
        distance_km=10.0,
        tariffs=container_tariffs(100.0),
    )
    b.add_link(
        "A-P2",
        "A",
        "P2",
        Mode.TRUCK,
        transit_h=1.0,
        distance_km=12.0,
        tariffs=container_tariffs(600.0),
    )
    for port in ("P1", "P2"):
        b.add_link(
            f"{port}-D",
            port,
            "D",
            Mode.BARGE,
            transit_h=10.0,
            distance_km=50.0,
            weekly=((3, 8 * 60),),
            tariffs=container_tariffs(1000.0),
        )
    b.add_fee("P1", "storage", "20", storage_cny_per_day)
    return b.build()


def test_waiting_for_a_departure_pays_storage_and_changes_the_winner() -> None:
    # without a storage fee the truck to P1 is cheaper: 100 + 1,000 < 600 + 1,000
    _, free = solve(_two_ports(0.0), make_request("A", "D"))
    assert [s.clink.link.id for s in free[0].steps if s.clink] == ["A-P1", "P1-D"]
    assert free[0].cost_fen == 110_000
    # at CNY 500 a day the box waits at P1 from Monday 09:00 to Thursday 08:00 = 71 h:
    # 71 / 24 x 500 = CNY 1,479.17, so the route via P2 (CNY 1,600) wins
    net = _two_ports(500.0)
    _, paid = solve(net, make_request("A", "D"))
    assert [s.clink.link.id for s in paid[0].steps if s.clink] == ["A-P2", "P2-D"]
    assert paid[0].cost_fen == 160_000
    doc = make_quote(
        compile_network(net),
        make_request("A", "D", allowed_modes=frozenset(Mode), excluded_nodes=frozenset({"P2"})),
    )
    lines = doc["alternatives"][0]["cost"]["lines"]
    storage = [line for line in lines if line["name"] == "storage"]
    assert [line["amount_cny"] for line in storage] == [1479.17]
    assert doc["alternatives"][0]["cost"]["total"] == 1100 + 1479.17


# ------------------------------------------------------------------------- truck hauls
def _trucks(per_km: float) -> Network:
    b = NetworkBuilder()
    for name, lon in (("A", 114.0), ("B", 114.1), ("C", 114.2)):
        b.add_node(name, lon, 22.5, **DEPOT)
    tariffs = {
        u: Tariff(u, 800.0, per_km, "CNY")
        for u in (TariffUnit.C20, TariffUnit.C40, TariffUnit.C40HC)
    }
    b.add_link("A-B", "A", "B", Mode.TRUCK, transit_h=1.0, distance_km=10.0, tariffs=tariffs)
    b.add_link("B-C", "B", "C", Mode.TRUCK, transit_h=1.0, distance_km=10.0, tariffs=tariffs)
    return b.build()


def test_one_truck_haul_pays_one_fixed_charge() -> None:
    # 800 + 5 x 10 for the first leg, only 5 x 10 for the leg continuing the haul
    _, routes = solve(_trucks(5.0), make_request("A", "C"))
    assert routes[0].cost_fen == (800 + 50 + 50) * 100
    # a flat lane price (no per-km part) is the whole price of its leg: nothing to waive
    _, flat = solve(_trucks(0.0), make_request("A", "C"))
    assert flat[0].cost_fen == 1600 * 100


# --------------------------------------------------------------------- cargo handling
def _air() -> Network:
    b = NetworkBuilder()
    b.add_node("A", 114.0, 22.5, kind=NodeKind.AIRPORT)
    b.add_node("B", 8.6, 50.0, kind=NodeKind.AIRPORT)
    b.add_link(
        "A-B",
        "A",
        "B",
        Mode.AIR,
        transit_h=13.0,
        distance_km=9000.0,
        tariffs={TariffUnit.KG: Tariff(TariffUnit.KG, 20.0, 0.0, "CNY")},
    )
    return b.build()


def test_air_charges_the_chargeable_weight() -> None:
    net = _air()
    light = Cargo(weight_kg=100.0, volume_m3=1.0)  # volumetric 166.67 kg > 100 kg
    heavy = Cargo(weight_kg=500.0, volume_m3=1.0)
    _, a = solve(net, make_request("A", "B", cargo=light, allowed_modes=frozenset({Mode.AIR})))
    _, b = solve(net, make_request("A", "B", cargo=heavy, allowed_modes=frozenset({Mode.AIR})))
    assert a[0].cost_fen == round(166.67 * 20 * 100)
    assert b[0].cost_fen == 500 * 20 * 100


def test_a_40ft_box_is_never_flown_and_is_offered_air_only_as_its_declared_cargo() -> None:
    cn = compile_network(_air())
    doc = make_quote(cn, make_request("A", "B", cargo=FEU))
    assert doc["status"] == "no_route"  # the only service is a flight
    assert any("containers are not flown" in note for note in doc["notes"])
    declared = dataclasses.replace(FEU, weight_kg=8_000.0, volume_m3=40.0)
    doc = make_quote(cn, make_request("A", "B", cargo=declared))
    flown = [a for a in doc["alternatives"] if "air" in {leg["mode"] for leg in a["legs"]}]
    assert len(flown) == 1
    assert flown[0]["cargo_plan"]["name"] == "air_loose"
    # chargeable: max(8,000 kg, 40 m3 x 166.67 = 6,666.8 kg) = 8,000 kg at CNY 20
    assert flown[0]["cost"]["total"] == 8_000 * 20


def _lcl_network() -> Network:
    b = NetworkBuilder()
    b.add_node("A", 114.0, 22.5, **DEPOT)
    b.add_node("B", 114.5, 22.5, **DEPOT)
    tariffs = {
        **container_tariffs(1000.0),
        TariffUnit.WM: Tariff(TariffUnit.WM, 60.0, 0.0, "CNY"),
    }
    b.add_link("A-B", "A", "B", Mode.BARGE, transit_h=10.0, distance_km=50.0, tariffs=tariffs)
    return b.build()


@pytest.mark.parametrize(
    ("volume_m3", "plan", "total"),
    [
        (16.0, "as_requested", 16 * 60),  # LCL CNY 960 < one 20' at CNY 1,000
        (17.0, "fcl", 1000),  # LCL would be CNY 1,020: the 20' is cheaper
    ],
)
def test_lcl_switches_to_fcl_where_a_full_box_is_cheaper(
    volume_m3: float, plan: str, total: float
) -> None:
    cargo = Cargo(weight_kg=2_000.0, volume_m3=volume_m3)
    doc = make_quote(compile_network(_lcl_network()), make_request("A", "B", cargo=cargo))
    cheapest = next(a for a in doc["alternatives"] if "cheapest" in a["tags"])
    assert cheapest["cargo_plan"]["name"] == plan
    assert cheapest["cost"]["total"] == total


def test_loose_cargo_is_not_priced_as_a_whole_box() -> None:
    # a link with box rates only carries no LCL: the loose cargo goes only as a full box
    b = NetworkBuilder()
    b.add_node("A", 114.0, 22.5, **DEPOT)
    b.add_node("B", 114.5, 22.5, **DEPOT)
    boxes_only = {u: t for u, t in container_tariffs(1000.0).items() if u is not TariffUnit.WM}
    b.add_link(
        "A-B",
        "A",
        "B",
        Mode.BARGE,
        transit_h=10.0,
        distance_km=50.0,
        tariffs=boxes_only,
    )
    cargo = Cargo(weight_kg=500.0, volume_m3=2.0)
    _, routes = solve(b.build(), make_request("A", "B", cargo=cargo))
    assert routes == []
    doc = make_quote(compile_network(b.build()), make_request("A", "B", cargo=cargo))
    assert [a["cargo_plan"]["name"] for a in doc["alternatives"]] == ["fcl"]


def test_an_overweight_box_gets_a_clear_reason_not_a_quote() -> None:
    limits = {"CN": RoadLimit("CN", 30_000.0, 15_000.0)}  # a box may weigh 15 t gross
    b = NetworkBuilder(pricing=PricingTables(road_limits=limits))
    b.add_node("A", 114.0, 22.5, **DEPOT)
    b.add_node("B", 114.1, 22.5, **DEPOT)
    b.add_link(
        "A-B",
        "A",
        "B",
        Mode.TRUCK,
        transit_h=1.0,
        distance_km=10.0,
        tariffs=container_tariffs(300.0),
    )
    net = b.build()
    light = dataclasses.replace(TEU, weight_kg=12_000.0)  # 12 t + 2.2 t tare = 14.2 t
    heavy = dataclasses.replace(TEU, weight_kg=20_000.0)  # 22.2 t gross
    assert make_quote(compile_network(net), make_request("A", "B", cargo=light))["status"] == "ok"
    doc = make_quote(compile_network(net), make_request("A", "B", cargo=heavy))
    assert doc["status"] == "no_route"
    assert any("overweight for road in CN" in reason for reason in doc["reasons"])


# ------------------------------------------------------------------- scope and terms
def test_scope_incoterm_and_inclusions_are_stated() -> None:
    cn = compile_network(_two_nodes())
    request = dataclasses.replace(make_request("A", "B", cargo=TEU), incoterm="fob")
    alt = make_quote(cn, request)["alternatives"][0]
    assert alt["scope"]["origin"] == {"type": "terminal", "place": "A", "kind": "river_terminal"}
    assert alt["scope"]["incoterm"] == "FOB"
    assert alt["scope"]["main_carriage_paid_by"] == "buyer"
    assert "import duties, VAT and other taxes" in alt["excluded"]
    assert any(text.startswith("demurrage and detention") for text in alt["excluded"])
    assert any(text.startswith("freight") for text in alt["included"])
    with pytest.raises(InvalidRequestError, match="Incoterms"):
        dataclasses.replace(make_request("A", "B"), incoterm="FOO")


def test_the_checker_flags_a_fee_charged_twice() -> None:
    net = _two_nodes()
    request = make_request("A", "B", cargo=TEU)
    doc = make_quote(compile_network(net), request)
    assert not check_quote(net, request, doc)
    cost = doc["alternatives"][0]["cost"]
    cost["lines"].append(dict(cost["lines"][0]))
    problems = check_quote(net, request, doc)
    assert any("charged twice" in p for p in problems)


def _storage_chain(slow_truck_cny: float) -> Network:
    """O -> A by a fast (1 h) or a slow (29 h) truck; A -> B by a daily 04:00 train; B -> D by a
    Thursday 08:00 vessel; B charges CNY 100 a day of storage from the first hour."""
    b = NetworkBuilder()
    b.add_node("O", 114.0, 22.5, **DEPOT)
    b.add_node("A", 114.1, 22.5, kind=NodeKind.RAIL_TERMINAL)
    b.add_node("B", 114.2, 22.5, kind=NodeKind.SEAPORT, free_storage_h=0.0)
    b.add_node("D", 114.5, 22.5, kind=NodeKind.SEAPORT)
    b.add_link(
        "fast",
        "O",
        "A",
        Mode.TRUCK,
        transit_h=1.0,
        distance_km=10.0,
        tariffs=container_tariffs(100.0),
    )
    b.add_link(
        "slow",
        "O",
        "A",
        Mode.TRUCK,
        transit_h=29.0,
        distance_km=10.0,
        tariffs=container_tariffs(100.0 + slow_truck_cny),
    )
    b.add_link(
        "train",
        "A",
        "B",
        Mode.RAIL,
        transit_h=2.0,
        distance_km=50.0,
        weekly=tuple((d, 4 * 60) for d in range(7)),
        tariffs=container_tariffs(500.0),
    )
    b.add_link(
        "ship",
        "B",
        "D",
        Mode.DEEPSEA,
        transit_h=10.0,
        distance_km=100.0,
        weekly=((3, 8 * 60),),
        tariffs=container_tariffs(1000.0),
    )
    b.add_fee("B", "storage", "20", 100.0)
    return b.build()


@pytest.mark.parametrize("slow_extra_cny", [0.0, 50.0])
def test_a_later_arrival_that_waits_less_downstream_is_kept(slow_extra_cny: float) -> None:
    # Ready Mon 01:00. Fast: A Mon 02:00 -> train Mon 04:00 -> B Mon 06:00, waits 74 h for the
    # Thursday vessel (308.33 CNY). Slow: A Tue 06:00 -> train Wed 04:00 -> B Wed 06:00, waits
    # 26 h (108.33 CNY). Same arrival; the slow route is cheaper by 200 - extra: Pareto-optimal.
    request = make_request("O", "D", ready=at("2025-06-02 01:00"))
    _, routes = solve(_storage_chain(slow_extra_cny), request)
    cheapest = min(routes, key=lambda r: r.cost_fen)
    assert next(s.clink.link.id for s in cheapest.steps if s.clink) == "slow"
    assert cheapest.cost_fen == round((100 + slow_extra_cny + 500 + 1000 + 108.3333) * 100)


@pytest.mark.xfail(
    strict=True,
    reason="known limitation (issue 10 closing note): when an earlier arrival catches an earlier "
    "departure and then waits longer at a later storage stop by more than the dominance slack "
    "(highest storage rate x min(arrival difference, departure gap here)), the later label is "
    "pruned; exact handling needs waiting-allowed semantics in the quote search (the "
    "assignment's pricing search of issue 11 has them; the compiled core of issue 12 reproduces "
    "the quote search as it is, in both implementations, so this stays open)",
)
def test_known_limitation_storage_downstream_beyond_the_slack() -> None:
    # as above, with the slow truck 150 CNY dearer: its route is still 50 CNY cheaper overall,
    # but the fast label (150 cheaper at A, 28 h earlier; slack 100 CNY/day x 24 h) prunes it
    request = make_request("O", "D", ready=at("2025-06-02 01:00"))
    _, routes = solve(_storage_chain(150.0), request)
    cheapest = min(routes, key=lambda r: r.cost_fen)
    assert next(s.clink.link.id for s in cheapest.steps if s.clink) == "slow"
