"""One alternative replayed from start to end: where it starts, its legs and customs events in
order, and at the end the route's final state, request constraints, times, money and CO2e against
the document's totals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from router.network.model import CustomsState
from router.routing.request import CustomsScope
from router.verify.borders import stray_events
from router.verify.customs import customs_event
from router.verify.document import (
    Malformed,
    fmt,
    get_field,
    time_field,
)
from router.verify.legs import access_leg, network_leg
from router.verify.places import matches_place
from router.verify.rules import BORDER_EVENT_OPS
from router.verify.state import RouteState
from router.verify.totals import check_totals


def start(r: RouteState, legs: list[Mapping[str, Any]]) -> None:
    """Where the route starts: the requested origin node, or a first-mile leg from its point."""
    req = r.request
    r.t = req.ready
    first = legs[0]
    if req.origin.is_point:
        if first.get("link_id") is not None or first.get("from") != "origin":
            r.bad(
                f"route does not start with a first-mile truck leg from the origin point "
                f"{req.origin}"
            )
            r.pos = first.get("from") if isinstance(first.get("from"), str) else None
        else:
            r.pos = None
    else:
        first_node = first.get("from")
        assert req.origin.code is not None
        if not isinstance(first_node, str) or not matches_place(
            first_node, req.origin.code, r.network
        ):
            r.bad(f"route starts at {first_node!r}, not at the requested origin {req.origin.code}")
        r.pos = first_node if isinstance(first_node, str) else None
    if r.pos is not None:
        node = r.node(r.pos, "origin")
        if node is not None:
            r.origin_node = node.id
            r.free_in = node.jurisdiction
            r.visited.add(node.id)
            r.check_handling_node(node, "origin")


def run(r: RouteState, alt: Mapping[str, Any]) -> None:
    """Replay ``alt`` leg by leg, each customs event where it happens, then its end and totals."""
    legs = get_field(alt, "legs", "alternative")
    events = get_field(alt, "customs_events", "alternative")
    if not isinstance(legs, list) or not isinstance(events, list):
        raise Malformed("alternative: legs and customs_events must be lists")
    if not legs:
        r.bad("alternative has no legs")
        return
    start(r, legs)
    steps = split_events(r, events)
    ei = 0
    prev_dep: datetime | None = None
    for k, leg in enumerate(legs):
        dep = time_field(leg, "departure", f"leg {k}")
        if prev_dep is not None and dep < prev_dep:
            r.bad(f"leg {k}: departs {fmt(dep)}, before leg {k - 1} departs")
        prev_dep = dep
        while ei < len(steps):
            # customs steps at the node before this leg departs
            i, ev = steps[ei]
            if time_field(ev, "at", f"customs event {i}") > dep:
                break
            customs_event(r, i, ev)
            ei += 1
        if leg.get("link_id") is None:
            access_leg(r, k, len(legs), leg)
        else:
            network_leg(r, k, leg)
    while ei < len(steps):
        customs_event(r, *steps[ei])
        ei += 1
    stray_events(r)
    finish(r, alt, legs)
    check_totals(r, alt, legs)


def split_events(
    r: RouteState, events: list[Mapping[str, Any]]
) -> list[tuple[int, Mapping[str, Any]]]:
    """The customs steps of the route in order; border and transhipment events go to
    ``r.border_events``, to be matched to the legs that cross or tranship. The document lists
    every event in time order."""
    steps: list[tuple[int, Mapping[str, Any]]] = []
    previous: datetime | None = None
    for i, ev in enumerate(events):
        at = time_field(ev, "at", f"customs event {i}")
        if previous is not None and at < previous:
            r.bad(f"customs event {i}: at {fmt(at)}, before the event listed before it")
        previous = at
        if ev.get("operation") in BORDER_EVENT_OPS:
            r.border_events.append((i, ev))
        else:
            steps.append((i, ev))
    return steps


def finish(r: RouteState, alt: Mapping[str, Any], legs: list[Mapping[str, Any]]) -> None:
    """Where and in which customs state the route ends; required nodes and transfers."""
    req = r.request
    cons = req.constraints
    # where it ends, and in which state
    if req.destination.is_point:
        if legs[-1].get("to") != "destination":
            r.bad(
                f"route does not end with a last-mile truck leg to the destination point "
                f"{req.destination}"
            )
            r.final_node = r.pos
    else:
        r.final_node = r.pos
        assert req.destination.code is not None
        if r.pos is None or not matches_place(r.pos, req.destination.code, r.network):
            r.bad(f"route ends at {r.pos!r}, not at the requested destination {req.destination}")
    final = r.network.nodes.get(r.final_node) if r.final_node else None
    origin = r.network.nodes.get(r.origin_node) if r.origin_node else None
    domestic = (
        final is not None and origin is not None and (final.jurisdiction == origin.jurisdiction)
    )
    if r.state is CustomsState.CLEARED_EXPORT:
        r.bad("route ends with the cargo cleared for export but never exported")
    elif r.state is not CustomsState.FREE and (
        domestic or req.customs_scope in (CustomsScope.IMPORT, CustomsScope.BOTH)
    ):
        why = (
            "the shipment is domestic"
            if domestic
            else (f"customs scope {req.customs_scope.value} includes import")
        )
        r.bad(f"route ends with the cargo {r.state.value}, not import-cleared, but {why}")
    elif (
        r.state is CustomsState.FREE
        and final is not None
        and r.free_in is not None
        and final.jurisdiction != r.free_in
    ):
        r.bad(f"cargo ends free in {r.free_in} but is at {final.id} in {final.jurisdiction}")
    # request constraints
    missing = [n for n in cons.required_nodes if n not in r.visited]
    if missing:
        r.bad(f"required node(s) not visited: {', '.join(missing)}")
    transfers = alt.get("transfers")
    if transfers != r.transfers:
        r.bad(f"transfers is {transfers!r} but the route changes vehicle {r.transfers} time(s)")
    if cons.max_transfers is not None and r.transfers > cons.max_transfers:
        r.bad(f"{r.transfers} transfers, more than the {cons.max_transfers} allowed")
