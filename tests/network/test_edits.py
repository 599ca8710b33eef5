"""Scenario edits of the bundled network (router.network.edits): each edit's effect, the base
left untouched (equal to a fresh load), the result passing the dataset checks, and the quote
search seeing the change."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from router.network import Network, edits, load_network
from router.network.geo import path_km
from router.network.model import (
    AeoLevel,
    CargoClass,
    CustomsOp,
    Mode,
    Regime,
    Schedule,
    ScheduleKind,
    Tariff,
    TariffUnit,
    WeeklyDeparture,
)
from router.network.timetable import closed_from, departures
from router.routing.compiled import compile_network
from router.routing.labels import Route
from router.routing.query import build_search
from router.routing.request import Cargo, Constraints, PlaceRef, QuoteRequest, TraderProfile
from router.routing.search import Search
from router.units import CST

DATA = Path(__file__).resolve().parents[2] / "data"
#: Monday 1 June 2026, 08:00 CST
READY = datetime(2026, 6, 1, 8, 0)
ONE_TEU = Cargo(containers=(("22G1", 1),))
BAX_WAW = "RAIL-SZ-PINGHU-RAIL-PLWAW-BAX-WAW"


@pytest.fixture(scope="module")
def base() -> Network:
    return load_network(DATA)


@pytest.fixture(scope="module")
def pristine() -> Network:
    """A second load, to check that no edit changed ``base``."""
    return load_network(DATA)


@pytest.fixture(autouse=True)
def _base_untouched(base: Network, pristine: Network):
    yield
    if True:
        assert base == pristine
        assert base.nodes == pristine.nodes and base.links == pristine.links
        assert base.fees == pristine.fees and base.customs_profiles == pristine.customs_profiles


def valid(result: Network, base: Network) -> Network:
    """``result`` passes the dataset checks and shares no mapping with ``base``."""
    assert edits.network_errors(result) == []
    assert result is not base
    assert result.nodes is not base.nodes and result.links is not base.links
    assert result.fx_cny is not base.fx_cny and result.customs_profiles is not base.customs_profiles
    return result


def solve(
    network: Network,
    origin: str,
    destination: str,
    *,
    ready: datetime = READY,
    trader: TraderProfile | None = None,
    implementation: str | None = None,
    **constraints,
) -> tuple[Search, list[Route]]:
    request = QuoteRequest(
        origin=PlaceRef(code=origin),
        destination=PlaceRef(code=destination),
        cargo=ONE_TEU,
        ready=ready,
        trader=trader or TraderProfile(),
        constraints=Constraints(**constraints),
    )
    search = build_search(compile_network(network), request, implementation=implementation)
    return search, search.run()


def link_ids(route: Route) -> list[str]:
    return [s.clink.link.id for s in route.steps if s.clink is not None]


def nodes_of(route: Route) -> set[str]:
    return {
        end
        for s in route.steps
        if s.clink is not None
        for end in (s.clink.link.origin, s.clink.link.destination, *s.clink.link.via)
    }


# ------------------------------------------------------------------------------ closures
def test_closed_node_is_no_longer_used(base: Network) -> None:
    _, before = solve(base, "CN-SZ-CITY", "HKHKG")
    assert "CN-WENJINDU" in nodes_of(before[0])
    closed = valid(edits.close_node(base, "CN-WENJINDU"), base)
    assert closed.nodes["CN-WENJINDU"].closed_modes == frozenset(Mode)
    assert closed.nodes["CN-WENJINDU"].closed_since is None
    _, after = solve(closed, "CN-SZ-CITY", "HKHKG")
    assert after and all("CN-WENJINDU" not in nodes_of(r) for r in after)


def test_dated_node_closure_applies_from_its_day(base: Network) -> None:
    closed = valid(edits.close_node(base, "CN-WENJINDU", [Mode.TRUCK], date(2026, 6, 10)), base)
    _, early = solve(closed, "CN-SZ-CITY", "HKHKG")
    _, late = solve(closed, "CN-SZ-CITY", "HKHKG", ready=datetime(2026, 6, 15, 8))
    assert "CN-WENJINDU" in nodes_of(early[0])
    assert all("CN-WENJINDU" not in nodes_of(r) for r in late)


def test_node_keeps_one_closure_day_and_moves_other_days_to_links(base: Network) -> None:
    # Huanggang/Lok Ma Chau are closed to trucks since 2025-12-21 in the data
    lmc = base.nodes["HK-LMC"]
    assert lmc.closed_modes == {Mode.TRUCK} and lmc.closed_since == date(2025, 12, 21)
    always = valid(edits.close_node(base, "HK-LMC"), base)
    assert always.nodes["HK-LMC"].closed_modes == frozenset(Mode)
    assert always.nodes["HK-LMC"].closed_since is None
    earlier = valid(edits.close_node(base, "HK-LMC", [Mode.TRUCK], date(2025, 1, 1)), base)
    assert earlier.nodes["HK-LMC"].closed_since == date(2025, 1, 1)
    # two modes closed from different days at a node with rail and truck links
    one = edits.close_node(base, "SZ-PINGHU-RAIL", [Mode.TRUCK], date(2026, 7, 1))
    two = valid(edits.close_node(one, "SZ-PINGHU-RAIL", [Mode.RAIL], date(2026, 8, 1)), base)
    node = two.nodes["SZ-PINGHU-RAIL"]
    assert node.closed_modes == {Mode.TRUCK} and node.closed_since == date(2026, 7, 1)
    rail = edits.node_links(base, "SZ-PINGHU-RAIL", [Mode.RAIL])
    assert rail and all(two.links[i].closed_since == date(2026, 8, 1) for i in rail)
    assert closed_from(two, two.links[BAX_WAW]) == date(2026, 8, 1)
    truck = edits.node_links(base, "SZ-PINGHU-RAIL", [Mode.TRUCK])
    days = [closed_from(two, two.links[i]) for i in truck]
    # (a truck link to Huanggang is closed since 2025-12-21 already)
    assert date(2026, 7, 1) in days and all(d is not None and d <= date(2026, 7, 1) for d in days)


def test_reopen_lifts_a_node_closure(base: Network) -> None:
    reopened = valid(edits.reopen_node(edits.reopen_node(base, "CN-HUANGGANG"), "HK-LMC"), base)
    node = reopened.nodes["CN-HUANGGANG"]
    assert node.closed_modes == frozenset() and node.closed_since is None
    assert closed_from(reopened, reopened.links["TRK-CN-HUANGGANG-HK-LMC-X"]) is None
    with pytest.raises(edits.EditError, match="not closed to rail"):
        edits.reopen_node(base, "CN-HUANGGANG", [Mode.RAIL])


@pytest.mark.parametrize("implementation", ["compiled", "python"])
def test_dated_link_closure_is_honoured_by_both_searches(base: Network, implementation) -> None:
    rail = frozenset({Mode.RAIL, Mode.TRUCK})
    _, before = solve(base, "SZ-PINGHU-RAIL", "DEDUI", allowed_modes=rail)
    assert BAX_WAW in link_ids(before[0])
    closed = valid(edits.close_links(base, [BAX_WAW], date(2026, 5, 1)), base)
    assert closed.links[BAX_WAW].closed_since == date(2026, 5, 1)
    _, after = solve(
        closed, "SZ-PINGHU-RAIL", "DEDUI", implementation=implementation, allowed_modes=rail
    )
    assert after and all(BAX_WAW not in link_ids(r) for r in after)
    # the departures listing stops at the closure too
    start = datetime(2026, 4, 1, tzinfo=CST)
    listed = list(
        departures(closed, closed.links[BAX_WAW], start, datetime(2026, 7, 1, tzinfo=CST))
    )
    assert listed and max(listed) < datetime(2026, 5, 1, tzinfo=CST)
    # a closure after the departure changes nothing
    later = edits.close_links(base, [BAX_WAW], date(2026, 9, 1))
    _, same = solve(
        later, "SZ-PINGHU-RAIL", "DEDUI", implementation=implementation, allowed_modes=rail
    )
    assert [r.criteria for r in same] == [r.criteria for r in before]


def test_the_earlier_link_closure_stays(base: Network) -> None:
    may, sep = date(2026, 5, 1), date(2026, 9, 1)
    once = edits.close_links(base, [BAX_WAW], may)
    assert edits.close_links(once, [BAX_WAW], sep).links[BAX_WAW].closed_since == may
    later = edits.close_links(base, [BAX_WAW], sep)
    assert edits.close_links(later, [BAX_WAW], may).links[BAX_WAW].closed_since == may


def test_closed_link_without_a_day_is_removed(base: Network) -> None:
    closed = valid(edits.close_links(base, [BAX_WAW]), base)
    assert BAX_WAW not in closed.links and len(closed.links) == len(base.links) - 1
    with pytest.raises(edits.EditError, match="unknown link"):
        edits.close_links(base, ["NO-SUCH-LINK"])


# ------------------------------------------------------------------------------ capacity and frequency
def test_set_and_scale_capacity(base: Network) -> None:
    ids = edits.service_links(base, "BAX-DUI")
    assert ids
    set_to = valid(edits.set_capacity(base, ids, capacity_teu=120), base)
    assert all(set_to.links[i].capacity_teu == 120 for i in ids)
    scaled = valid(edits.scale_capacity(base, ids, 1.5), base)
    assert all(scaled.links[i].capacity_teu == base.links[i].capacity_teu * 1.5 for i in ids)
    air = next(lk for lk in base.links.values() if lk.mode is Mode.AIR)
    with pytest.raises(edits.EditError, match="capacity_kg"):
        edits.set_capacity(base, [air.id], capacity_teu=10)
    truck = next(
        lk for lk in base.links.values() if lk.capacity_teu is None and lk.capacity_kg is None
    )
    with pytest.raises(edits.EditError, match="no capacity"):
        edits.scale_capacity(base, [truck.id], 2)


def test_scaled_weekly_schedule_spreads_departures_evenly() -> None:
    one = Schedule(ScheduleKind.WEEKLY, (WeeklyDeparture(0, 8 * 60),))
    three = edits.scaled_schedule(one, 3)
    minutes = [d.weekday * 1440 + d.minute for d in three.weekly]
    assert minutes == [480, 480 + 3360, 480 + 6720]  # every 56 h from Monday 08:00
    four = Schedule(ScheduleKind.WEEKLY, tuple(WeeklyDeparture(d, 600) for d in (0, 1, 3, 5)))
    halved = edits.scaled_schedule(four, 0.5)
    assert [(d.weekday, d.minute) for d in halved.weekly] == [(0, 600), (3, 600)]
    assert len(edits.scaled_schedule(four, 0.01).weekly) == 1  # at least one departure
    doubled = edits.scaled_schedule(four, 2)
    assert len(doubled.weekly) == 8 and set(four.weekly) <= set(doubled.weekly)


def test_scaled_headway_divides_a_week() -> None:
    twelve = Schedule(ScheduleKind.HEADWAY, headway_h=12.0)
    assert edits.scaled_schedule(twelve, 2).headway_h == 6.0
    odd = edits.scaled_schedule(twelve, 1.3)  # 9.23 h -> the nearest divisor of a week
    assert 10080 % round(odd.headway_h * 60) == 0 and abs(odd.headway_h - 12 / 1.3) < 0.2
    with pytest.raises(edits.EditError, match="no timetable"):
        edits.scaled_schedule(Schedule(ScheduleKind.ANY), 2)


def test_more_frequent_trains_leave_sooner(base: Network) -> None:
    ids = edits.service_links(base, "BAX-WAW")
    more = valid(edits.scale_frequency(base, ids, 3), base)
    for i in ids:
        assert len(more.links[i].schedule.weekly) == 3 * len(base.links[i].schedule.weekly)
    rail = frozenset({Mode.RAIL})
    _, before = solve(base, "SZ-PINGHU-RAIL", "PLWAW", allowed_modes=rail)
    _, after = solve(more, "SZ-PINGHU-RAIL", "PLWAW", allowed_modes=rail)
    assert after[0].arrival_min <= before[0].arrival_min
    waits = [s.waiting_min for r in (before[0], after[0]) for s in r.steps if s.kind == "leg"]
    assert sum(waits[len(waits) // 2 :]) <= sum(waits[: len(waits) // 2])


# ------------------------------------------------------------------------------ services
def test_new_service_is_built_like_a_links_csv_row_and_used(base: Network) -> None:
    template = base.links["RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI"]
    fast = edits.new_link(
        base,
        link_id="RAIL-TEST-FAST",
        origin="SZ-PINGHU-RAIL",
        destination="DEDUI",
        mode=Mode.RAIL,
        transit_h=240,
        regime=Regime.INTERNATIONAL,
        cargo_classes=[CargoClass.GENERAL],
        schedule=Schedule(ScheduleKind.WEEKLY, (WeeklyDeparture(1, 600),)),
        tariffs=template.tariffs,
        service="TEST-FAST",
        via=template.via,
        capacity_teu=100,
    )
    assert not fast.distance_given
    straight = edits.straight_geometry(base, "SZ-PINGHU-RAIL", "DEDUI", template.via)
    assert fast.geometry == straight
    assert fast.distance_km == pytest.approx(
        path_km(straight) * base.modes[Mode.RAIL].detour_factor
    )
    added = valid(edits.add_links(base, [fast]), base)
    assert edits.service_links(added, "TEST-FAST") == ("RAIL-TEST-FAST",)
    _, routes = solve(added, "SZ-PINGHU-RAIL", "DEDUI", allowed_modes=frozenset({Mode.RAIL}))
    assert link_ids(routes[0]) == ["RAIL-TEST-FAST"]
    back = edits.reversed_link(base, fast, "RAIL-TEST-FAST-R")
    assert (back.origin, back.destination, back.via) == (
        "DEDUI",
        "SZ-PINGHU-RAIL",
        template.via[::-1],
    )
    with pytest.raises(edits.EditError, match="already exists"):
        edits.add_links(added, [fast])


def test_mixed_trade_only_on_domestic_links(base: Network) -> None:
    mixed = valid(edits.set_mixed_trade(base, ["BRG-CN-ZQ-XINGANG-CNNSA-D"]), base)
    assert mixed.links["BRG-CN-ZQ-XINGANG-CNNSA-D"].mixed_trade
    with pytest.raises(edits.EditError, match="only a domestic link"):
        edits.set_mixed_trade(base, ["BRG-CN-ZQ-XINGANG-CNNSA-S"])


# ------------------------------------------------------------------------------ prices
def test_tariffs_set_and_scaled(base: Network) -> None:
    link = "SEA-CNYTN-NLRTM-NE2"
    doubled = valid(edits.scale_tariffs(base, [link], 2.0), base)
    for unit, tariff in base.links[link].tariffs.items():
        assert doubled.links[link].tariffs[unit].fixed == 2 * tariff.fixed
        assert doubled.links[link].tariffs[unit].per_km == 2 * tariff.per_km
    line = Tariff(TariffUnit.C20, 100.0, 0.0, "USD", "test")
    replaced = valid(edits.set_tariffs(base, [link], {TariffUnit.C20: line}), base)
    assert replaced.links[link].tariffs[TariffUnit.C20] == line
    assert replaced.links[link].tariffs[TariffUnit.C40] == base.links[link].tariffs[TariffUnit.C40]
    with pytest.raises(edits.EditError, match="unknown currency"):
        edits.set_tariffs(base, [link], {TariffUnit.C20: Tariff(TariffUnit.C20, 1, 0, "XXX")})
    # the search pays the new price: NE2 ten times dearer costs more
    deep = frozenset({Mode.DEEPSEA})
    _, before = solve(base, "CNYTN", "NLRTM", allowed_modes=deep)
    dearer = edits.scale_tariffs(base, [link], 10.0)
    _, after = solve(dearer, "CNYTN", "NLRTM", allowed_modes=deep)

    def cost(routes: list[Route]) -> int:
        (route,) = [r for r in routes if link_ids(r) == [link]]
        return route.cost_fen

    assert cost(after) > cost(before)


def test_fees_scaled_by_kind(base: Network) -> None:
    halved = valid(edits.scale_fees(base, ["CNSHK"], 0.5, "thc"), base)
    for old, new in zip(base.fees, halved.fees, strict=True):
        expected = old.amount * 0.5 if (old.node_id, old.fee) == ("CNSHK", "thc") else old.amount
        assert new.amount == expected
    with pytest.raises(edits.EditError, match="no 'port_dues' fee"):
        edits.scale_fees(base, ["CN-ZQ-XINGANG"], 0.5, "port_dues")


# ------------------------------------------------------------------------------ customs
def test_node_customs_fields_and_operations(base: Network) -> None:
    changed = valid(
        edits.set_node_customs(
            base,
            "CNMWN",
            hours={"export_clearance_h": 3.0, "document_h": 0.0},
            add_operations=[CustomsOp.ECOMMERCE],
            ecommerce_regimes=["9610"],
        ),
        base,
    )
    node = changed.nodes["CNMWN"]
    assert node.export_clearance_h == 3.0 and CustomsOp.ECOMMERCE in node.operations
    assert node.ecommerce_regimes == {"9610"}
    with pytest.raises(edits.EditError, match="not a customs field"):
        edits.set_node_customs(base, "CNMWN", hours={"lon": 1.0})
    no_cp = valid(
        edits.set_node_customs(base, "CN-HZ-PORT", remove_operations=[CustomsOp.COMBINED_PORT]),
        base,
    )
    assert no_cp.nodes["CN-HZ-PORT"].combined_port_hub is None


def test_longer_export_clearance_is_seen_by_the_search(base: Network) -> None:
    slower = valid(edits.set_node_customs(base, "CNYTN", hours={"export_clearance_h": 11.0}), base)
    deep = frozenset({Mode.DEEPSEA})

    def export_min(network: Network) -> int:
        _, routes = solve(network, "CNYTN", "NLRTM", allowed_modes=deep)
        (step,) = [s for s in routes[0].steps if s.op == "export_clearance"]
        return step.customs_min

    assert export_min(slower) - export_min(base) == 600


def test_customs_profile(base: Network) -> None:
    changed = valid(
        edits.set_customs_profile(base, AeoLevel.ADVANCED, clearance_time_factor=0.5), base
    )
    assert changed.customs_profiles[AeoLevel.ADVANCED].clearance_time_factor == 0.5
    assert (
        changed.customs_profiles[AeoLevel.ADVANCED].inspection_probability
        == base.customs_profiles[AeoLevel.ADVANCED].inspection_probability
    )


def _zhaoqing_shekou_barge(base: Network):
    shuttle = base.links["BRG-CN-ZQ-XINGANG-CNNSA-S"]
    return edits.new_link(
        base,
        link_id="BRG-TEST-ZQ-SHK",
        origin="CN-ZQ-XINGANG",
        destination="CNSHK",
        mode=Mode.BARGE,
        transit_h=17.4,
        regime=Regime.SUPERVISED,
        cargo_classes=shuttle.cargo_classes,
        schedule=Schedule(ScheduleKind.HEADWAY, headway_h=12.0),
        tariffs=shuttle.tariffs,
        service="TEST-CP",
        capacity_teu=200,
    )


def test_combined_port_needs_a_barge_to_its_hub(base: Network) -> None:
    with pytest.raises(
        edits.EditError, match="no barge or feeder link from CN-ZQ-XINGANG to CNSHK"
    ):
        edits.enable_combined_port(base, "CN-ZQ-XINGANG", "CNSHK")
    with pytest.raises(edits.EditError, match="different customs territories"):
        edits.enable_combined_port(base, "CN-ZQ-XINGANG", "HKHKG")
    with pytest.raises(edits.EditError, match="not a seaport"):
        edits.enable_combined_port(base, "CN-ZQ-XINGANG", "CN-FS-SDXG")
    # never inside a free port (Hong Kong): pretend the mainland were one
    cn = replace(base.jurisdictions["CN"], free_port=True)
    free = replace(base, jurisdictions={**base.jurisdictions, "CN": cn})
    with pytest.raises(edits.EditError, match="free port"):
        edits.enable_combined_port(free, "CN-ZQ-XINGANG", "CNNSA")


def test_combined_port_to_a_new_hub_is_routed_through_it(base: Network) -> None:
    with_barge = edits.add_links(base, [_zhaoqing_shekou_barge(base)])
    cp = valid(
        edits.enable_combined_port(with_barge, "CN-ZQ-XINGANG", "CNSHK", dwell_combined_h=10), base
    )
    feeder = cp.nodes["CN-ZQ-XINGANG"]
    assert feeder.combined_port_hub == "CNSHK" and feeder.offers(CustomsOp.COMBINED_PORT)
    assert cp.nodes["CNSHK"].dwell_combined_h == 10
    search, routes = solve(
        cp, "CN-ZQ-XINGANG", "NLRTM", allowed_modes=frozenset({Mode.BARGE, Mode.DEEPSEA})
    )
    via_shekou = [r for r in routes if "BRG-TEST-ZQ-SHK" in link_ids(r)]
    assert via_shekou
    ops = [(search.cn.nodes[s.node].id, s.op) for s in via_shekou[0].steps if s.kind == "customs"]
    assert ("CN-ZQ-XINGANG", "combined_port") in ops


def test_direct_loading_shortens_the_yard_dwell(base: Network) -> None:
    eligible = TraderProfile(direct_eligible=True)
    feeder = frozenset({Mode.FEEDER})
    direct = valid(edits.enable_direct_loading(base, ["CNMWN"], dwell_direct_h=2), base)
    assert {CustomsOp.DIRECT_LOADING, CustomsOp.DIRECT_PICKUP} <= direct.nodes["CNMWN"].operations

    def dwell(network: Network) -> tuple[str, int]:
        _, routes = solve(network, "CNMWN", "HKHKG", trader=eligible, allowed_modes=feeder)
        (leg,) = [s for s in routes[0].steps if s.kind == "leg"]
        return leg.dwell_basis, leg.dwell_min

    assert dwell(base) == ("export", base.nodes["CNMWN"].dwell_export_h * 60)
    assert dwell(direct) == ("direct_loading", 120)
    with pytest.raises(edits.EditError, match="not a terminal"):
        edits.enable_direct_loading(base, ["CN-SZ-CITY"])


def test_border_wait_delays_the_train(base: Network) -> None:
    rail = frozenset({Mode.RAIL})
    longer = valid(edits.set_border_wait(base, "PL-MALASZEWICZE", add_hours=100), base)
    assert (
        longer.nodes["PL-MALASZEWICZE"].border_transit_h
        == base.nodes["PL-MALASZEWICZE"].border_transit_h + 100
    )
    _, before = solve(base, "SZ-PINGHU-RAIL", "PLWAW", allowed_modes=rail)
    _, after = solve(longer, "SZ-PINGHU-RAIL", "PLWAW", allowed_modes=rail)
    assert after[0].arrival_min - before[0].arrival_min == 100 * 60
    assert (
        valid(edits.set_border_wait(base, "PL-MALASZEWICZE", hours=5), base)
        .nodes["PL-MALASZEWICZE"]
        .border_transit_h
        == 5
    )
    with pytest.raises(edits.EditError, match="would be"):
        edits.set_border_wait(base, "PL-MALASZEWICZE", add_hours=-1000)


# ------------------------------------------------------------------------------ sea lanes
def _suez_table() -> list[tuple[str, float, float, float, float]]:
    """(link, Suez km, Suez days, Cape km, Cape days) of data/README.md's table."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| NE\d+E? \| `([^`]+)` \| ([\d,]+) \| (\d+) \| ([\d,]+) \| (\d+) \|", text)
    return [
        (lk, float(a.replace(",", "")), float(b), float(c.replace(",", "")), float(d))
        for lk, a, b, c, d in rows
    ]


def test_every_asia_europe_loop_sails_the_cape_in_the_base(base: Network) -> None:
    lanes = edits.lane_links(base)
    assert len(lanes) > 40
    assert {edits.sea_route(base.links[i]) for i in lanes} == {"cape"}
    assert edits.sea_route(base.links["SEA-CNYTN-USLAX-TP1"]) is None


def test_suez_reroute_reproduces_the_readme_table(base: Network) -> None:
    suez = valid(edits.reroute_sea(base, edits.lane_links(base), "suez"), base)
    table = _suez_table()
    assert len(table) >= 30
    off_by_a_day = []
    for link, suez_km, suez_days, cape_km, cape_days in table:
        assert base.links[link].distance_km == pytest.approx(cape_km, abs=1)
        assert base.links[link].transit_h == cape_days * 24
        assert suez.links[link].distance_km == pytest.approx(suez_km, abs=1.5)
        assert edits.sea_route(suez.links[link]) == "suez"
        if suez.links[link].transit_h != suez_days * 24:
            off_by_a_day.append(link)
            assert abs(suez.links[link].transit_h - suez_days * 24) == 24
    # the two loops whose Cape days come from the NC loop of the pair are 13 days slower
    assert len(off_by_a_day) <= 2
    back = edits.reroute_sea(suez, edits.lane_links(suez), "cape")
    assert back == base


def test_suez_reroute_arrives_two_weeks_earlier(base: Network) -> None:
    deep = frozenset({Mode.DEEPSEA})
    suez = edits.reroute_sea(base, edits.service_links(base, "NE2"), "suez")
    _, before = solve(base, "CNYTN", "NLRTM", allowed_modes=deep)
    _, after = solve(suez, "CNYTN", "NLRTM", allowed_modes=deep)
    assert before[0].arrival_min - after[0].arrival_min == 14 * 24 * 60
    assert link_ids(after[0]) == ["SEA-CNYTN-NLRTM-NE2"]
    with pytest.raises(edits.EditError, match="neither the Cape nor the Suez"):
        edits.reroute_sea(base, ["SEA-CNYTN-USLAX-TP1"], "suez")
