"""The search horizon (router.routing.search.SEARCH_HORIZON_DAYS): no route arriving later than
120 days after its ready time is searched, with or without a deadline, and a request with none
says so in its no-route reason. A sailing of 100 days is quoted; one of 130 days is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from routing_testkit import make_request, quote, solve

from router.network.builder import NetworkBuilder
from router.network.model import CustomsOp, Mode, Network, NodeKind, Regime
from router.routing.search import SEARCH_HORIZON_DAYS

SUP = CustomsOp.SUPERVISED_SITE


def network(sailing_days: float) -> Network:
    b = NetworkBuilder()
    b.add_node("A", 114.0, 22.6, kind=NodeKind.SEAPORT,
               operations={SUP, CustomsOp.EXIT, CustomsOp.EXPORT_CLEARANCE})  # fmt: skip
    b.add_node("D", 4.05, 51.95, kind=NodeKind.SEAPORT, jurisdiction="EU",
               operations={CustomsOp.IMPORT_CLEARANCE, SUP, CustomsOp.ENTRY})  # fmt: skip
    b.add_link("A-D", "A", "D", Mode.DEEPSEA, transit_h=sailing_days * 24.0,
               regime=Regime.INTERNATIONAL)  # fmt: skip
    return b.build()


def test_the_horizon_is_120_days() -> None:
    assert SEARCH_HORIZON_DAYS == 120


def test_a_route_within_the_horizon_is_quoted() -> None:
    search, routes = solve(network(100.0), make_request("A", "D"))
    assert len(routes) == 1
    assert search.ready_min + 100 * 1440 <= routes[0].arrival_min <= search.deadline_min


@pytest.mark.parametrize("deadline_days", [None, 200])
def test_a_route_beyond_the_horizon_is_not(deadline_days: int | None) -> None:
    request = make_request("A", "D")
    if deadline_days is not None:
        request = make_request("A", "D", deadline=request.ready + timedelta(days=deadline_days))
    search, routes = solve(network(130.0), request)
    assert routes == []
    assert search.deadline_min == search.ready_min + 120 * 1440
    q = quote(network(130.0), request)
    assert q["status"] == "no_route"
    assert any("within 120 days of the ready time, the search horizon" in r for r in q["reasons"])
