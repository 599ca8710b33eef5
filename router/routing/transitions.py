"""Customs-state transitions of the search: which customs state cargo is in after riding a link
of a given regime, and when boarding a leg is a transfer. The rules of DESIGN.md §2.2 that the
label search applies when it boards a link (customs operations at nodes are in the search).
"""

from __future__ import annotations

from router.network.model import CustomsState, Link, Mode, Regime
from router.routing.compiled import NO_LEG, ROAD_LEG

DWELL_STATES = frozenset({CustomsState.CLEARED_EXPORT, CustomsState.IN_BOND})
SUPERVISED_STATES = frozenset(
    {CustomsState.CLEARED_EXPORT, CustomsState.IN_TRANSIT, CustomsState.IN_BOND}
)

#: modes of road legs: consecutive road legs are one haul, not a transfer
ROAD_MODES = frozenset({Mode.TRUCK, Mode.TIR})


def _after(state: CustomsState, regime: Regime, plain_road: bool) -> CustomsState | None:
    """The customs state after a link of ``regime``, or None if the cargo may not board it.

    ``plain_road``: see :attr:`Link.is_plain_road_crossing` (only export-cleared cargo boards).
    """
    if regime is Regime.DOMESTIC:
        return CustomsState.FREE if state is CustomsState.FREE else None
    if state not in SUPERVISED_STATES:
        return None
    if regime is Regime.INTERNATIONAL:
        if plain_road and state is not CustomsState.CLEARED_EXPORT:
            return None
        return CustomsState.IN_TRANSIT
    return CustomsState.IN_BOND if state is CustomsState.IN_TRANSIT else state


STATE_AFTER: dict[tuple[CustomsState, Regime, bool], CustomsState | None] = {
    (s, r, p): _after(s, r, p) for s in CustomsState for r in Regime for p in (False, True)
}


def boarding_state(state: CustomsState, link: Link) -> CustomsState | None:
    """The customs state of cargo in ``state`` after riding ``link``; None if it may not board."""
    return STATE_AFTER[state, link.regime, link.is_plain_road_crossing]


def is_transfer(previous: int, current: int) -> int:
    """1 if boarding a ``current`` leg after a ``previous`` one changes vehicle, else 0.

    Consecutive road legs are one haul by the same truck (no transfer, no handling); any change
    involving a vessel, barge, train or aircraft is a transfer with handling at the node.
    """
    return int(previous != NO_LEG and not (previous == ROAD_LEG and current == ROAD_LEG))
