"""Cargo export-cleared at a land border crossing leaves the territory there (docs/customs-model.md,
"export clearance"): an export declaration names its office of exit, and a box released for export
at Shenzhen Bay or Liantang is not trucked on under seal to a seaport to sail from there.

A factory O trucks to X, a land border crossing whose export clearance takes 1 h, or to P, the
seaport, whose export clearance takes 24 h; X is 1 h from P by a supervised road link (the link
carries import cargo in transit from the crossing to the port, 转关, which is legal). A sailing
leaves P for R abroad. Were X an inland depot, clearing there and trucking the box under seal to P
is the fastest route; at a border crossing it is illegal, and the box clears at the port.
"""

from __future__ import annotations

from routing_testkit import make_request, quote, solve

from router.network.builder import NetworkBuilder
from router.network.model import CustomsOp, Mode, Network, NodeKind, Regime
from router.verify.legality import check_alternative, check_quote

EC = CustomsOp.EXPORT_CLEARANCE
SUP = CustomsOp.SUPERVISED_SITE


def network(x_kind: NodeKind) -> Network:
    b = NetworkBuilder()
    b.add_node("O", 114.00, 22.60)
    b.add_node("X", 113.95, 22.50, kind=x_kind, operations={EC, SUP, CustomsOp.EXIT},
               export_clearance_h=1.0)  # fmt: skip
    b.add_node("P", 113.90, 22.48, kind=NodeKind.SEAPORT,
               operations={EC, SUP, CustomsOp.EXIT}, export_clearance_h=24.0)  # fmt: skip
    b.add_node("R", 4.05, 51.95, kind=NodeKind.SEAPORT, jurisdiction="EU",
               operations={CustomsOp.IMPORT_CLEARANCE, SUP, CustomsOp.ENTRY})  # fmt: skip
    b.add_link("O-X", "O", "X", Mode.TRUCK, transit_h=1.0, regime=Regime.DOMESTIC)
    b.add_link("O-P", "O", "P", Mode.TRUCK, transit_h=1.5, regime=Regime.DOMESTIC)
    b.add_link("X-P", "X", "P", Mode.TRUCK, transit_h=1.0, regime=Regime.SUPERVISED)
    b.add_link("P-R", "P", "R", Mode.DEEPSEA, transit_h=700.0, regime=Regime.INTERNATIONAL)
    return b.build()


def export_nodes(routes: list, search) -> list[str]:
    return [
        search.cn.nodes[s.node].id
        for r in routes
        for s in r.steps
        if s.kind == "customs" and s.op == "export_clearance"
    ]


def test_a_box_cleared_at_an_inland_depot_may_ride_under_seal_to_the_port() -> None:
    """The control: with X an inland depot the fastest route clears there and rides X-P."""
    search, routes = solve(network(NodeKind.INLAND_DEPOT), make_request("O", "R"))
    assert "X" in export_nodes(routes, search)
    fastest = min(routes, key=lambda r: r.arrival_min)
    assert [s.clink.link.id for s in fastest.steps if s.kind == "leg"] == ["O-X", "X-P", "P-R"]


def test_a_box_cleared_at_a_border_crossing_does_not_go_on_to_a_seaport() -> None:
    net = network(NodeKind.BORDER_CROSSING)
    request = make_request("O", "R")
    search, routes = solve(net, request)
    assert routes, "the box still sails, cleared at the port"
    assert set(export_nodes(routes, search)) == {"P"}
    assert all("X-P" not in [s.clink.link.id for s in r.steps if s.kind == "leg"] for r in routes)
    assert check_quote(net, request, quote(net, request)) == []


def test_the_checker_flags_a_box_cleared_at_a_crossing_and_trucked_to_a_port() -> None:
    """The independent checker: the inland-depot quote's fastest route, checked against the
    network where X is a border crossing, is illegal at its supervised leg X-P."""
    request = make_request("O", "R")
    depot = quote(network(NodeKind.INLAND_DEPOT), request)
    detour = next(
        alt
        for alt in depot["alternatives"]
        if [leg["link_id"] for leg in alt["legs"]] == ["O-X", "X-P", "P-R"]
    )
    problems = check_alternative(network(NodeKind.BORDER_CROSSING), request, detour)
    assert any(
        "export-cleared cargo at X, a land border crossing (its point of exit), is carried on by "
        "a supervised link to P" in p
        for p in problems
    ), problems
