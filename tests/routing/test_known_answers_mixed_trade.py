"""内外贸同船 (seed §12, issue 9): a mixed-trade domestic service also carries export-cleared
cargo under seal on the same departures (one capacity); a plain domestic service does not.

The feeder terminal F clears the export (2 h); a domestic barge runs F -> H (the hub seaport,
which clears nothing itself) and a sailing leaves H for R abroad. Without a supervised or
mixed-trade barge the export-cleared box cannot reach the hub, so there is no legal route; with
the barge marked mixed-trade there is, and it rides the barge in the cleared_export state.
"""

from __future__ import annotations

from routing_testkit import make_request, quote, solve

from router.errors import DatasetError
from router.network.builder import NetworkBuilder
from router.network.model import CustomsOp, CustomsState, Mode, Network, NodeKind, Regime
from router.verify.legality import check_quote

EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
SUP = CustomsOp.SUPERVISED_SITE


def network(*, mixed: bool) -> Network:
    b = NetworkBuilder()
    b.add_node("F", 113.20, 22.80, kind=NodeKind.RIVER_TERMINAL, operations={EC, SUP},
               export_clearance_h=2.0)  # fmt: skip
    b.add_node("H", 113.90, 22.48, kind=NodeKind.SEAPORT,
               operations={SUP, CustomsOp.EXIT})  # fmt: skip
    b.add_node("R", 4.05, 51.95, kind=NodeKind.SEAPORT, jurisdiction="EU",
               operations={IC, SUP, CustomsOp.ENTRY})  # fmt: skip
    b.add_link("F-H", "F", "H", Mode.BARGE, transit_h=10.0, regime=Regime.DOMESTIC,
               mixed_trade=mixed)  # fmt: skip
    b.add_link("H-R", "H", "R", Mode.DEEPSEA, transit_h=700.0, regime=Regime.INTERNATIONAL)
    return b.build()


def test_export_cleared_box_rides_a_mixed_trade_barge_to_the_hub() -> None:
    net, request = network(mixed=True), make_request("F", "R")
    search, routes = solve(net, request)
    assert routes
    assert check_quote(net, request, quote(net, request)) == []  # the checker agrees
    legs = [s for s in routes[0].steps if s.kind == "leg"]
    barge = legs[0]
    assert barge.clink is not None and barge.clink.link.id == "F-H"
    assert barge.state_before is CustomsState.CLEARED_EXPORT
    assert barge.state_after is CustomsState.CLEARED_EXPORT
    ops = [s.op for s in routes[0].steps if s.kind == "customs"]
    assert ops == ["export_clearance", "import_clearance"]
    assert search.cn.nodes[routes[0].steps[0].node].id == "F"


def test_a_plain_domestic_barge_carries_no_export_cleared_box() -> None:
    _, routes = solve(network(mixed=False), make_request("F", "R"))
    assert routes == []


def test_mixed_trade_only_on_domestic_links(tmp_path) -> None:
    from router.network import load_network
    from router.network.export import write_dataset

    write_dataset(network(mixed=True), tmp_path)
    links = (tmp_path / "links.csv").read_text().splitlines()
    header = links[0].split(",")
    column = header.index("mixed_trade")
    regime = header.index("regime")
    rows = [row.split(",") for row in links[1:]]
    for row in rows:
        if row[0] == "H-R":
            row[column] = "yes"  # an international link cannot be mixed-trade
    assert any(row[regime] == "domestic" and row[column] == "yes" for row in rows)
    (tmp_path / "links.csv").write_text("\n".join([links[0], *(",".join(r) for r in rows)]) + "\n")
    try:
        load_network(tmp_path)
    except DatasetError as exc:
        assert "mixed_trade" in str(exc) and "only a domestic link" in str(exc)
    else:
        raise AssertionError("an international mixed-trade link must be refused")
