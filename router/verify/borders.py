"""Border events of a replayed leg (docs/customs-model.md, "Border events on a leg").

A leg whose origin, ``via`` crossings and destination lie in more than one customs territory
changes territory A → B between two consecutive stops. At each change the quote must show, at the
right nodes and times:

1. ``exit`` from A at the last stop in A;
2. ``advance_info`` for B where the network's advance-information table requires a filing for B
   and the leg's mode, due ``lead_h`` before loading (sea, air) or before arrival at the border
   (rail, road);
3. ``entry`` into B at the first stop in B: transit under the rail note or TIR carnet through a
   territory only crossed; a transit declaration to the office of destination (the cargo arrives
   ``in_bond``, the declaration costs its fee) when B is the destination's territory and the leg
   goes on inside it; the point of entry (the cargo arrives ``in_transit``) when the leg ends at
   the border of B.

The checker places every stop by itself: the running time times the stop's share of the leg's
length along its geometry (great-circle lengths, the stop projected onto the line), plus the border
waits of the crossings before it. Between legs, cargo that stays ``in_transit`` and boards another
international leg outside the destination's territory does so under a ``transhipment`` event. Border events the legs do
not account for are reported as stray.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from router.network.model import AdvanceDue, AdvanceInfo, CustomsState, Link, Node, Regime
from router.verify.document import HOURS_TOL, TIME_TOL, fmt, hours, num_field, time_field
from router.verify.places import km
from router.verify.rules import ADVANCE_OP, ENTRY_OP, EXIT_OP, TRANSHIP_OP
from router.verify.state import RouteState

#: how far a border event may be from where the checker places the vehicle: an hour, or 0.5 % of
#: the leg's running time on long legs (the engine measures the geometry on the ellipsoid)
BORDER_TOL = timedelta(hours=1)
BORDER_TOL_SHARE = 0.005


@dataclass(frozen=True)
class Crossing:
    """A change of customs territory between two consecutive stops of a leg."""

    exit_node: Node
    entry_node: Node
    exit_at: datetime
    entry_at: datetime
    at_destination: bool


def _share_along(points: Sequence[tuple[float, float]], lon: float, lat: float) -> float:
    """Where the point of ``points`` nearest (lon, lat) lies, as a share (0..1) of the line's
    great-circle length; nearest in a local equirectangular frame of each segment."""
    if len(points) < 2:
        return 0.0
    lengths = [km(a[0], a[1], b[0], b[1]) for a, b in pairwise(points)]
    total = sum(lengths)
    if total <= 0:
        return 0.0
    best = (math.inf, 0, 0.0)
    for k, (a, b) in enumerate(pairwise(points)):
        scale = math.cos(math.radians((a[1] + b[1] + 2 * lat) / 4))
        ax, ay, bx, by = a[0] * scale, a[1], b[0] * scale, b[1]
        px, py = lon * scale, lat
        dx, dy = bx - ax, by - ay
        span = dx * dx + dy * dy
        t = 0.0 if span == 0 else min(1.0, max(0.0, ((px - ax) * dx + (py - ay) * dy) / span))
        d2 = (ax + t * dx - px) ** 2 + (ay + t * dy - py) ** 2
        if d2 < best[0]:
            best = (d2, k, t)
    _, seg, t = best
    return (sum(lengths[:seg]) + t * lengths[seg]) / total


def stop_times(link: Link, stops: list[Node], dep: datetime) -> list[datetime]:
    """When the vehicle reaches each stop (origin, vias, destination) of a leg departing at
    ``dep``: running time x the stop's share of the distance + the border waits before it."""
    times = [dep]
    waited = 0.0
    share = 0.0
    for node in stops[1:-1]:
        share = max(share, _share_along(link.geometry, node.lon, node.lat))
        times.append(dep + timedelta(hours=link.transit_h * share + waited))
        waited += node.border_transit_h
    times.append(dep + timedelta(hours=link.transit_h + waited))
    return times


def crossings(r: RouteState, link: Link, dep: datetime) -> list[Crossing]:
    nodes = r.network.nodes
    stops = [nodes[link.origin], *(nodes[v] for v in link.via), nodes[link.destination]]
    times = stop_times(link, stops, dep)
    return [
        Crossing(a, b, times[k], times[k + 1], k + 2 == len(stops))
        for k, (a, b) in enumerate(pairwise(stops))
        if a.jurisdiction != b.jurisdiction
    ]


def advance_info(r: RouteState, jurisdiction: str, link: Link) -> AdvanceInfo | None:
    for info in r.network.advance_info:
        if info.jurisdiction == jurisdiction and info.mode is link.mode:
            return info
    return None


def take(r: RouteState, op: str, node: str) -> tuple[int, Mapping[str, Any]] | None:
    """The first border event of ``op`` at ``node`` not yet matched to a leg."""
    for i, ev in r.border_events:
        if i not in r.matched and ev.get("operation") == op and ev.get("node") == node:
            r.matched.add(i)
            r.items += 1
            r.event_cost += num_field(ev, "cost", f"customs event {i}")
            return i, ev
    return None


def _check_event(
    r: RouteState,
    found: tuple[int, Mapping[str, Any]],
    jurisdiction: str,
    when: datetime,
    tolerance: timedelta,
    states: tuple[str, str],
    basis: str,
) -> str:
    i, ev = found
    where = f"customs event {i} ({ev.get('operation')} at {ev.get('node')})"
    if ev.get("jurisdiction") != jurisdiction:
        r.bad(f"{where}: jurisdiction {ev.get('jurisdiction')!r}, expected {jurisdiction}")
    procedure = ev.get("procedure")
    if not isinstance(procedure, str) or not procedure.strip():
        r.bad(f"{where}: names no procedure")
    at = time_field(ev, "at", where)
    if abs(at - when) > tolerance:
        r.bad(
            f"{where}: at {fmt(at)}, but {basis} puts it at {fmt(when)} ({hours(at - when):+.1f} h)"
        )
    for fld, want in zip(("state_before", "state_after"), states, strict=True):
        if ev.get(fld) != want:
            r.bad(f"{where}: {fld} is {ev.get(fld)!r}, expected {want}")
    return where


def check_crossings(
    r: RouteState, link: Link, dep: datetime, where: str
) -> tuple[CustomsState, int]:
    """Check the border events of an international leg departing at ``dep``; returns the state
    the cargo arrives in and the number of changes of territory."""
    found = crossings(r, link, dep)
    transit = CustomsState.IN_TRANSIT.value
    before = r.state.value
    tolerance = max(BORDER_TOL, timedelta(hours=BORDER_TOL_SHARE * link.transit_h))
    placed = "the distance along the leg plus the border waits before it"
    arrival = CustomsState.IN_TRANSIT
    for n, c in enumerate(found):
        last = n == len(found) - 1
        a, b = c.exit_node, c.entry_node
        exit_ev = take(r, EXIT_OP, a.id)
        if exit_ev is None:
            r.bad(f"{where}: no exit event from {a.jurisdiction} at {a.id}")
        else:
            _check_event(
                r, exit_ev, a.jurisdiction, c.exit_at, tolerance, (before, transit), placed
            )
        before = transit
        info = advance_info(r, b.jurisdiction, link)
        if info is not None:
            advance = take(r, ADVANCE_OP, b.id)
            loading = info.due is AdvanceDue.LOADING
            due = (dep if loading else c.entry_at) - timedelta(hours=info.lead_h)
            if advance is None:
                r.bad(
                    f"{where}: no advance_info event ({info.name}) for {b.jurisdiction} at {b.id}, "
                    f"due {info.lead_h:g} h before {'loading' if loading else 'arrival'}"
                )
            else:
                basis = f"{info.name} due {info.lead_h:g} h before " + (
                    "loading" if loading else f"arrival at {b.id}"
                )
                # advance information changes no state
                kept = str(advance[1].get("state_before"))
                states = (kept, kept)
                _check_event(r, advance, b.jurisdiction, due, tolerance, states, basis)
        into_destination = b.jurisdiction in r.dest_jurisdictions
        declared = last and not c.at_destination and into_destination
        after = CustomsState.IN_BOND if declared else CustomsState.IN_TRANSIT
        entry_ev = take(r, ENTRY_OP, b.id)
        if entry_ev is None:
            r.bad(f"{where}: no entry event into {b.jurisdiction} at {b.id}")
        else:
            ew = _check_event(
                r, entry_ev, b.jurisdiction, c.entry_at, tolerance, (transit, after.value), placed
            )
            _entry_terms(r, entry_ev[1], ew, c, declared)
        if last:
            arrival = after
    return arrival, len(found)


def _entry_terms(
    r: RouteState, ev: Mapping[str, Any], where: str, c: Crossing, declared: bool
) -> None:
    """The wait and the cost of an entry: a via crossing's border wait (none at the leg's own
    destination: the leg spends no wait there); the transit declaration fee when the entry
    declares the cargo to the office of destination (with its guarantee), else nothing."""
    node = c.entry_node
    expected = num_field(ev, "expected_h", where)
    if c.at_destination and abs(expected) > HOURS_TOL:
        r.bad(
            f"{where}: expected_h {expected} but the leg spends no border wait at {node.id}, its "
            "destination"
        )
    elif not c.at_destination and abs(expected - node.border_transit_h) > HOURS_TOL:
        r.bad(
            f"{where}: expected_h {expected} but the border wait at {node.id} is "
            f"{node.border_transit_h:g} h"
        )
    cost = num_field(ev, "cost", where)
    fee = 0.0
    if declared:
        fee = sum(
            r.network.to_cny(f.amount, f.currency)
            for f in r.network.fees
            if f.node_id == node.id and f.fee == "declaration" and f.unit == "declaration"
        )
        fee += transit_guarantee_cny(r, node.jurisdiction)
    if abs(cost - fee) > 0.011:
        what = "the transit declaration fee" if declared else "no fee (no declaration)"
        r.bad(f"{where}: costs {cost} but {what} at {node.id} is {fee:.2f}")


def transit_guarantee_cny(r: RouteState, jurisdiction: str) -> float:
    """The guarantee a transit declaration in ``jurisdiction`` costs (ad-valorem rows of the
    network's price tables, on the declared value; none without one)."""
    value = r.request.cargo.value_cny
    tables = r.network.pricing
    if not value or tables is None:
        return 0.0
    total = 0.0
    for a in tables.ad_valorem:
        if a.applies.value == "transit_declaration" and a.jurisdiction == jurisdiction:
            amount = max(value * a.rate_pct / 100.0, r.network.to_cny(a.minimum, a.currency))
            total += round(amount, 2)
    return total


def transhipment(r: RouteState, node: Node, link: Link, where: str) -> None:
    """Cargo ``in_transit`` that boards another international leg at ``node`` with no customs
    step since it arrived there does so under a transhipment: required outside the destination's
    territory (it stays under its international regime and leaves again: a sea hub, HKIA under
    ITFS), optional inside it. Moving on inside a free port is no transhipment."""
    if (
        r.landed is None
        or r.landed[0] != node.id
        or r.state is not CustomsState.IN_TRANSIT
        or link.regime is not Regime.INTERNATIONAL
    ):
        return
    arrived = r.landed[1]
    found = take(r, TRANSHIP_OP, node.id)
    if found is None:
        if node.jurisdiction not in r.dest_jurisdictions:
            r.bad(
                f"{where}: cargo in_transit changes vehicle at {node.id} in {node.jurisdiction} "
                "onto an international leg with no transhipment event (nor import or transit "
                "declaration)"
            )
        return
    transit = CustomsState.IN_TRANSIT.value
    _check_event(
        r, found, node.jurisdiction, arrived, TIME_TOL, (transit, transit), "the arrival there"
    )


def stray_events(r: RouteState) -> None:
    """Border events that no leg crossing or transhipment accounts for."""
    for i, ev in r.border_events:
        if i not in r.matched:
            r.items += 1
            r.event_cost += num_field(ev, "cost", f"customs event {i}")
            r.bad(
                f"customs event {i} ({ev.get('operation')} at {ev.get('node')}): no leg of the "
                "route crosses a border or tranships there"
            )
