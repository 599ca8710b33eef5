"""The customs rules as data (DESIGN.md §2.2–2.3), written down independently of the search:
which states are supervised, which nodes may hold supervised cargo, where cargo is handled,
export yard dwell, road hauls and transit passes."""

from __future__ import annotations

from router.network.model import CustomsOp, CustomsState, Mode, Node, NodeKind

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
EXPORT_OPS = frozenset({CustomsOp.EXPORT_CLEARANCE.value, CustomsOp.COMBINED_PORT.value})
IMPORT_OP = CustomsOp.IMPORT_CLEARANCE.value
BORDER_OP = CustomsOp.TRANSIT_BORDER.value


def is_supervised(node: Node) -> bool:
    return bool(node.operations & SUPERVISED_OPS)
