"""The customs rules as data (DESIGN.md §2.2–2.3, docs/customs-model.md), written down
independently of the search: which states are supervised, which nodes may hold supervised cargo,
where cargo is handled, export yard dwell, road hauls and border passes, the customs events a
quote may show, dangerous-goods lists and the jurisdictions a trader's Chinese AEO status has
effect in."""

from __future__ import annotations

from router.network.model import (
    AeoLevel,
    CustomsOp,
    CustomsProfile,
    CustomsState,
    Jurisdiction,
    Mode,
    Network,
    Node,
    NodeKind,
)

SUPERVISED_STATES = frozenset(
    {CustomsState.CLEARED_EXPORT, CustomsState.IN_TRANSIT, CustomsState.IN_BOND}
)
#: operations that make a node a place where supervised cargo may be
SUPERVISED_OPS = frozenset(
    {
        CustomsOp.EXIT,
        CustomsOp.ENTRY,
        CustomsOp.SUPERVISED_SITE,
        CustomsOp.COMBINED_PORT,
        CustomsOp.TRANSIT_BORDER,
    }
)
#: node kinds where cargo is physically handled, so reefer plugs / DG classes matter
HANDLING_KINDS = frozenset(
    {
        NodeKind.SEAPORT,
        NodeKind.RIVER_TERMINAL,
        NodeKind.RAIL_TERMINAL,
        NodeKind.AIRPORT,
        NodeKind.AIR_TERMINAL,
        NodeKind.INLAND_DEPOT,
        NodeKind.BONDED_ZONE,
    }
)
#: export yard dwell: cargo delivered to the yard (cleared there, or brought in under seal) that
#: leaves on an international vessel, train or aircraft; not vessel-to-vessel transshipment
EXPORT_DWELL_MODES = frozenset({Mode.FEEDER, Mode.DEEPSEA, Mode.RAIL, Mode.AIR})
YARD_DWELL_STATES = frozenset({CustomsState.CLEARED_EXPORT, CustomsState.IN_BOND})
#: road modes: consecutive road legs are one haul by the same vehicle (no transfer, no handling)
ROAD_MODES = frozenset({Mode.TRUCK, Mode.TIR})
ROAD_MODE_NAMES = frozenset(m.value for m in ROAD_MODES)
#: modes that may pass intermediate borders in transit with only border time (TIR, rail)
TRANSIT_VIA_MODES = frozenset({Mode.RAIL, Mode.TIR})

# customs events of the quote document ------------------------------------------------------
EXPORT_OPS = frozenset({CustomsOp.EXPORT_CLEARANCE.value, CustomsOp.COMBINED_PORT.value})
IMPORT_OP = CustomsOp.IMPORT_CLEARANCE.value
TRANSIT_OP = CustomsOp.TRANSIT_DECLARATION.value
#: customs steps chosen at a node: they change the cargo's state and take time there
STEP_OPS = EXPORT_OPS | {IMPORT_OP, TRANSIT_OP}
EXIT_OP = CustomsOp.EXIT.value
ENTRY_OP = CustomsOp.ENTRY.value
ADVANCE_OP = "advance_info"
TRANSHIP_OP = "transhipment"
#: events of a border crossing (while a leg runs) or of a transhipment between legs
BORDER_EVENT_OPS = frozenset({EXIT_OP, ENTRY_OP, ADVANCE_OP, TRANSHIP_OP})
#: the v1 event of a via crossing; customs model v2 shows exit and entry instead
OLD_BORDER_OP = CustomsOp.TRANSIT_BORDER.value
#: the jurisdiction whose law grants the AEO levels (Chinese AEO, GAC Decree 251)
AEO_HOME = "CN"


def is_supervised(node: Node) -> bool:
    return bool(node.operations & SUPERVISED_OPS)


def dg_listed(entries: frozenset[str], imdg_class: str) -> bool:
    """Whether a list of IMDG classes ("3") and divisions ("1.4") covers ``imdg_class`` (such
    as "3", "1.4S"): by its main class or by its division."""
    main, _, rest = imdg_class.strip().partition(".")
    return main in entries or (rest[:1].isdigit() and f"{main}.{rest[:1]}" in entries)


def is_free_port(network: Network, code: str) -> bool:
    found = network.jurisdictions.get(code)
    return found is not None and found.free_port


def aeo_effective(network: Network, code: str) -> bool:
    """Whether a Chinese AEO status has effect in jurisdiction ``code``: in China, and abroad
    only where a mutual-recognition agreement with China is in force."""
    found: Jurisdiction | None = network.jurisdictions.get(code)
    return code == AEO_HOME or (found is not None and found.aeo_mra_cn)


def customs_profile(
    network: Network, level: AeoLevel, code: str
) -> tuple[CustomsProfile | None, str]:
    """The customs profile that applies to a trader of AEO ``level`` in jurisdiction ``code``,
    and why (for messages)."""
    own = network.customs_profiles.get(level)
    if aeo_effective(network, code):
        why = "China" if code == AEO_HOME else "AEO mutual recognition with China"
        return own, why
    plain = network.customs_profiles.get(AeoLevel.NONE, own)
    return plain, "no AEO mutual recognition with China: the none profile"


def drug_port_jurisdictions(network: Network) -> frozenset[str]:
    """Jurisdictions with designated drug-import ports: pharma enters them only through one."""
    return frozenset(
        n.jurisdiction for n in network.nodes.values() if n.offers(CustomsOp.DRUG_PORT)
    )
