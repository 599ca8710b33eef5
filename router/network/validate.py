"""Cross-table checks of a dataset: references, customs regimes, mode endpoints, tariffs, reach.

These run after every table is parsed and add problems to the same list, so a user sees all of
them at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from router.errors import Problem
from router.network.fields import Row
from router.network.model import (
    CONTAINER_UNITS,
    ECOMMERCE_REGIMES,
    CustomsOp,
    Link,
    Mode,
    Node,
    NodeFee,
    NodeKind,
    Regime,
    TariffUnit,
)

#: node kinds each mode may start or end at
MODE_ENDPOINTS: dict[Mode, frozenset[NodeKind]] = {
    Mode.BARGE: frozenset({NodeKind.SEAPORT, NodeKind.RIVER_TERMINAL}),
    Mode.FEEDER: frozenset({NodeKind.SEAPORT, NodeKind.RIVER_TERMINAL}),
    Mode.DEEPSEA: frozenset({NodeKind.SEAPORT}),
    Mode.RAIL: frozenset(
        {NodeKind.RAIL_TERMINAL, NodeKind.SEAPORT, NodeKind.INLAND_DEPOT, NodeKind.BORDER_CROSSING}
    ),
    Mode.AIR: frozenset({NodeKind.AIRPORT, NodeKind.AIR_TERMINAL}),
    Mode.TRUCK: frozenset(NodeKind),
    Mode.TIR: frozenset(NodeKind) - {NodeKind.AIRPORT},
}

#: node kinds that must publish terminal handling charges, and in which units
THC_UNITS: dict[NodeKind, tuple[str, ...]] = {
    NodeKind.SEAPORT: tuple(u.value for u in CONTAINER_UNITS),
    NodeKind.RIVER_TERMINAL: tuple(u.value for u in CONTAINER_UNITS),
    NodeKind.RAIL_TERMINAL: tuple(u.value for u in CONTAINER_UNITS),
    NodeKind.AIRPORT: ("kg",),
}


def required_tariff_units(link: Link) -> tuple[TariffUnit, ...]:
    """Tariff lines a link must have: kg for air, the three container sizes otherwise."""
    return (TariffUnit.KG,) if link.mode is Mode.AIR else CONTAINER_UNITS


def _check_node(node: Node, row: Row, nodes: Mapping[str, Node]) -> None:
    hub = node.combined_port_hub
    if hub is not None:
        if hub not in nodes:
            row.error("combined_port_hub", f"unknown node {hub!r}")
        elif nodes[hub].kind is not NodeKind.SEAPORT:
            row.error("combined_port_hub", f"hub {hub!r} must be a seaport")
    if node.offers(CustomsOp.COMBINED_PORT):
        if hub is None:
            row.error("combined_port_hub", "a combined_port terminal needs its hub")
        if not node.offers(CustomsOp.EXPORT_CLEARANCE):
            row.error("operations", "a combined_port terminal must offer export_clearance")
    unknown = sorted(node.ecommerce_regimes - set(ECOMMERCE_REGIMES))
    if unknown:
        allowed = ", ".join(ECOMMERCE_REGIMES)
        row.error(
            "ecommerce_regimes", f"unknown e-commerce regime(s) {unknown} (allowed: {allowed})"
        )
    if node.ecommerce_regimes and not node.offers(CustomsOp.ECOMMERCE):
        row.error("ecommerce_regimes", "e-commerce regimes at a node that does not offer ecommerce")
    if "1210" in node.ecommerce_regimes and node.kind is not NodeKind.BONDED_ZONE:
        row.error("ecommerce_regimes", "1210 (bonded e-commerce import) only at a bonded_zone")
    if node.inspect_first_h is not None and not node.offers(CustomsOp.EXPORT_CLEARANCE):
        row.error("inspect_first_h", "inspect-first-then-load at a node without export_clearance")
    if node.closed_since is not None and not node.closed_modes:
        row.error("closed_modes", "closed_since is set but no closed mode is named")


def _check_link(link: Link, row: Row, nodes: Mapping[str, Node]) -> None:
    origin, destination = nodes[link.origin], nodes[link.destination]
    if link.origin == link.destination:
        row.error("to", "a link must join two different nodes")
    same = origin.jurisdiction == destination.jurisdiction
    if link.regime is Regime.INTERNATIONAL:
        if same:
            row.error(
                "regime",
                f"'international' link inside one jurisdiction ({origin.jurisdiction})",
            )
        if not origin.offers(CustomsOp.EXIT):
            row.error("from", f"international link starts at {origin.id!r}, which offers no 'exit'")
        if not destination.offers(CustomsOp.ENTRY):
            row.error(
                "to", f"international link ends at {destination.id!r}, which offers no 'entry'"
            )
    elif not same:
        row.error(
            "regime",
            f"{link.regime.value!r} link crosses a border "
            f"({origin.jurisdiction} -> {destination.jurisdiction}); use 'international'",
        )
    for via_id in link.via:
        via = nodes[via_id]
        if via.kind is not NodeKind.BORDER_CROSSING or not via.offers(CustomsOp.TRANSIT_BORDER):
            row.error(
                "via", f"via node {via_id!r} must be a border_crossing offering 'transit_border'"
            )
    if link.via and link.regime is not Regime.INTERNATIONAL:
        row.error("via", "only international links pass border crossings in transit")
    elif link.via and link.mode not in (Mode.RAIL, Mode.TIR):
        row.error(
            "via",
            f"only international rail and TIR pass border crossings in transit, not "
            f"{link.mode.value} (a plain truck or vessel stops at each border: split the link)",
        )
    allowed = MODE_ENDPOINTS[link.mode]
    for fld, node in (("from", origin), ("to", destination)):
        if node.kind not in allowed:
            row.error(
                fld, f"mode {link.mode.value!r} cannot serve a {node.kind.value} ({node.id!r})"
            )
    missing = [u.value for u in required_tariff_units(link) if u not in link.tariffs]
    if missing:
        row.error("id", f"missing tariff for unit(s) {', '.join(missing)} in tariffs.csv")
    if link.mode is Mode.AIR and link.capacity_teu is not None:
        row.error("capacity_teu", "air services give capacity_kg, not capacity_teu")


def cross_check(
    nodes: Mapping[str, Node],
    node_rows: Mapping[str, Row],
    links: Mapping[str, Link],
    link_rows: Mapping[str, Row],
    fees: list[NodeFee],
    problems: list[Problem],
) -> None:
    """Add every cross-table problem of a parsed dataset to ``problems``."""
    for node_id, node in nodes.items():
        _check_node(node, node_rows[node_id], nodes)
    for link_id, link in links.items():
        _check_link(link, link_rows[link_id], nodes)
    thc = {(f.node_id, f.unit) for f in fees if f.fee == "thc"}
    for node_id, node in nodes.items():
        missing = [u for u in THC_UNITS.get(node.kind, ()) if (node_id, u) not in thc]
        if missing:
            node_rows[node_id].error(
                "id",
                f"missing tariff: no 'thc' fee for unit(s) {', '.join(missing)} in node_fees.csv",
            )
    reached = {lk.destination for lk in links.values()} | {
        v for lk in links.values() for v in lk.via
    }
    for node_id in nodes:
        if node_id not in reached:
            node_rows[node_id].warn("id", "unreachable node: no link ends here")
