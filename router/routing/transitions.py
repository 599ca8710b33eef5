"""Customs-state transitions of the search: which customs state cargo is in after riding a link
of a given regime, and when boarding a leg is a transfer. The rules of DESIGN.md §2.2 that the
label search applies when it boards a link (customs operations at nodes are in the search).
"""

from __future__ import annotations

from router.network.model import CustomsState, Link, Mode, Regime
from router.routing.compiled import LEG_KIND, NO_LEG, ROAD_LEG

DWELL_STATES = frozenset({CustomsState.CLEARED_EXPORT, CustomsState.IN_BOND})
SUPERVISED_STATES = frozenset(
    {CustomsState.CLEARED_EXPORT, CustomsState.IN_TRANSIT, CustomsState.IN_BOND}
)

#: modes of road legs: consecutive road legs are one haul, not a transfer
ROAD_MODES = frozenset({Mode.TRUCK, Mode.TIR})


def _after(
    state: CustomsState,
    regime: Regime,
    plain_road: bool,
    free_port: bool,
    mixed: bool = False,
    at_crossing: bool = False,
) -> CustomsState | None:
    """The customs state after a link of ``regime``, or None if the cargo may not board it.

    - domestic links carry cargo in free circulation; a mixed-trade service (``mixed``,
      内外贸同船) also carries export-cleared and bonded cargo under seal; in a free port
      (``free_port``: both ends in one free-port jurisdiction) also cargo in transit, which
      stays in transit (through cargo);
    - supervised links carry export-cleared cargo and cargo under a transit declaration
      (``in_bond``) under seal; cargo still ``in_transit`` must be declared first (import or
      transit declaration), except in a free port, where it is carried as through cargo;
    - international links carry every supervised state abroad (the arrival state may become
      ``in_bond`` when a transit declaration is lodged at the entry border, see the search);
      a plain road haul (``plain_road``, no TIR carnet) needs a declaration at each border, so
      cargo merely ``in_transit`` may not board it;
    - at a land border crossing (``at_crossing``: the link starts at one) export-cleared cargo
      is at its point of exit and leaves the territory there: it boards international links
      only. An export declaration names the customs office of exit; goods released for export
      there are not carried back inland or on to another exit (the export transit, 出口转关,
      runs from the office of departure to the office of exit, not beyond it).
    """
    free, transit = CustomsState.FREE, CustomsState.IN_TRANSIT
    if at_crossing and state is CustomsState.CLEARED_EXPORT and regime is not Regime.INTERNATIONAL:
        return None
    if regime is Regime.DOMESTIC:
        if state is free:
            return free
        if mixed and state in (CustomsState.CLEARED_EXPORT, CustomsState.IN_BOND):
            return state  # 内外贸同船: supervised cargo under seal on the same departure
        return transit if state is transit and free_port else None
    if state not in SUPERVISED_STATES:
        return None
    if regime is Regime.INTERNATIONAL:
        if plain_road and state is transit:
            return None
        return transit
    if state is transit:
        return transit if free_port else None
    return state


#: (state, regime, plain road, free port, mixed trade, starts at a border crossing) -> state
#: after the link, None if it may not board
STATE_AFTER: dict[tuple[CustomsState, Regime, bool, bool, bool, bool], CustomsState | None] = {
    (s, r, p, f, m, c): _after(s, r, p, f, m, c)
    for s in CustomsState
    for r in Regime
    for p in (False, True)
    for f in (False, True)
    for m in (False, True)
    for c in (False, True)
}


def boarding_state(
    state: CustomsState, link: Link, free_port: bool = False, at_crossing: bool = False
) -> CustomsState | None:
    """The customs state of cargo in ``state`` after riding ``link`` (from a land border crossing
    if ``at_crossing``); None if it may not board."""
    key = (state, link.regime, link.is_plain_road_crossing, free_port, link.mixed_trade)
    return STATE_AFTER[(*key, at_crossing)]


def is_transfer(previous: int, current: int) -> int:
    """1 if boarding a ``current`` leg (a kind: ROAD_LEG or TERMINAL_LEG) after a ``previous``
    one (a label's mode code, :data:`router.routing.compiled.MODE_CODE`) changes vehicle, else 0.

    Consecutive road legs are one haul by the same truck (no transfer, no handling); any change
    involving a vessel, barge, train or aircraft is a transfer with handling at the node.
    """
    kind = LEG_KIND[previous]
    return int(kind != NO_LEG and not (kind == ROAD_LEG and current == ROAD_LEG))
