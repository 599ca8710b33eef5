"""Legs of a replayed route: first/last-mile truck legs to a lon/lat point, and legs on a network
link (link fields, request constraints, cargo class and dangerous-goods bans, tariff and capacity,
handling, export yard dwell, cut-off, the departure rule, running time, the customs regime, and
the border events of its changes of territory, :mod:`router.verify.borders`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from router.network.model import CargoClass, CustomsOp, CustomsState, Link, Mode, Regime, TariffUnit
from router.routing.request import CONTAINER_TYPES
from router.units import M3_PER_TEU
from router.verify.borders import check_crossings, transhipment
from router.verify.customs import free_port_link, regime_transition
from router.verify.departures import (
    closure_problems,
    link_closure_problems,
    schedule_problems,
)
from router.verify.document import (
    HOURS_TOL,
    MINUTE,
    TIME_TOL,
    fmt,
    hours,
    num_field,
    time_field,
)
from router.verify.places import point_jurisdiction
from router.verify.rules import (
    EXPORT_DWELL_MODES,
    ROAD_MODE_NAMES,
    ROAD_MODES,
    TRANSIT_VIA_MODES,
    YARD_DWELL_STATES,
    dg_listed,
    is_supervised,
)
from router.verify.state import RouteState


def access_leg(r: RouteState, k: int, n_legs: int, leg: Mapping[str, Any]) -> None:
    """A first- or last-mile truck leg between a lon/lat point and a node."""
    req = r.request
    first = k == 0 and leg.get("from") == "origin"
    where = f"leg {k} ({'first' if first else 'last'}-mile truck)"
    dep, arr = time_field(leg, "departure", where), time_field(leg, "arrival", where)
    r.leg_sums(leg, where)
    if leg.get("mode") != Mode.TRUCK.value:
        r.bad(f"{where}: mode {leg.get('mode')!r}, not truck")
    if arr <= dep:
        r.bad(f"{where}: arrives {fmt(arr)} before departing {fmt(dep)}")
    if dep < r.t - TIME_TOL:
        r.bad(f"{where}: departs {fmt(dep)} before the cargo is ready ({fmt(r.t)})")
    if r.state is not CustomsState.FREE:
        r.bad(f"{where}: a truck to/from an off-network point carries {r.state.value} cargo")
    km = num_field(leg, "distance_km", where)
    if km > req.constraints.max_truck_km + 0.1:
        r.bad(f"{where}: {km} km, beyond max_truck_km {req.constraints.max_truck_km:g}")
    if first:
        if not req.origin.is_point:
            r.bad(f"{where}: first-mile leg but the origin is the node {req.origin}")
        node = r.node(leg.get("to"), where)
    else:
        if k != n_legs - 1 or leg.get("to") != "destination":
            r.bad(f"{where}: an off-network truck leg in the middle of the route")
        if not req.destination.is_point:
            r.bad(f"{where}: last-mile leg but the destination is the node {req.destination}")
        node = r.node(leg.get("from"), where)
        if node is not None and node.id != r.pos:
            r.bad(f"{where}: starts at {node.id} but the cargo is at {r.pos}")
    if node is not None:
        r.visited.add(node.id)
        r.problems.extend(closure_problems(node, Mode.TRUCK, dep, where))
        point = req.origin if first else req.destination
        if point.lon is not None and point.lat is not None:
            found = point_jurisdiction(r.network, point.lon, point.lat)
            if found is not None and found[0] != node.jurisdiction:
                r.bad(
                    f"{where}: truck between {point} (in {found[0]}, nearest node {found[1]}) "
                    f"and {node.id} (in {node.jurisdiction}) crosses a customs border with no "
                    "clearance"
                )
        if not any(
            lk.mode is Mode.TRUCK and node.id in (lk.origin, lk.destination)
            for lk in r.network.links.values()
        ):
            r.bad(f"{where}: {node.id} is not served by truck")
        if first:
            r.pos = node.id
            r.origin_node = node.id
            r.free_in = node.jurisdiction
            r.check_handling_node(node, where)
        else:
            r.final_node = node.id
            r.pos = None
    r.t = arr
    r.board(road=True)


def check_tariff_and_capacity(r: RouteState, link: Link, where: str) -> None:
    cargo = r.request.cargo
    if link.mode is Mode.AIR:
        if TariffUnit.KG not in link.tariffs:
            r.bad(f"{where}: {link.id} has no per-kg tariff")
        if link.capacity_kg is not None and cargo.chargeable_air_kg > link.capacity_kg + 1e-6:
            r.bad(
                f"{where}: {cargo.chargeable_air_kg:g} chargeable kg exceed the "
                f"{link.capacity_kg:g} kg capacity of one departure"
            )
        return
    if cargo.is_containerised:
        missing = {
            CONTAINER_TYPES[c].unit.value
            for c, _ in cargo.containers
            if CONTAINER_TYPES[c].unit not in link.tariffs
        }
        if missing:
            r.bad(f"{where}: {link.id} has no tariff for {', '.join(sorted(missing))}")
        teu = float(cargo.teu)
    else:
        if TariffUnit.WM not in link.tariffs and TariffUnit.C20 not in link.tariffs:
            r.bad(f"{where}: {link.id} has no tariff for loose cargo")
        teu = (cargo.volume_m3 or 1.0) / M3_PER_TEU
    if link.capacity_teu is not None and teu > link.capacity_teu + 1e-9:
        r.bad(
            f"{where}: {teu:g} TEU exceed the {link.capacity_teu:g} TEU capacity of one departure"
        )


def network_leg(r: RouteState, k: int, leg: Mapping[str, Any]) -> None:
    """Replay one leg on a network link, with the border events of its changes of territory."""
    req = r.request
    link_id = leg.get("link_id")
    where = f"leg {k} ({link_id})"
    dep, arr = time_field(leg, "departure", where), time_field(leg, "arrival", where)
    r.leg_sums(leg, where)
    link = r.network.links.get(link_id) if isinstance(link_id, str) else None
    if link is None:
        r.bad(f"{where}: unknown link {link_id!r}")
        r.t = arr
        r.pos = leg.get("to") if isinstance(leg.get("to"), str) else None
        r.board(road=leg.get("mode") in ROAD_MODE_NAMES)
        r.landed = None
        return
    doc_via = leg.get("via", [])
    for fld, have, want in (
        ("from", leg.get("from"), link.origin),
        ("to", leg.get("to"), link.destination),
        ("mode", leg.get("mode"), link.mode.value),
        ("regime", leg.get("regime"), link.regime.value),
        ("operator", leg.get("operator"), link.operator),
        (
            "via",
            list(doc_via) if isinstance(doc_via, list | tuple) else doc_via,
            list(link.via),
        ),
    ):
        if have != want:
            r.bad(f"{where}: {fld} is {have!r} but link {link.id} has {want!r}")
    nodes = r.network.nodes
    origin, dest = nodes[link.origin], nodes[link.destination]
    vias = [nodes[v] for v in link.via]
    if r.pos != link.origin:
        r.bad(f"{where}: starts at {link.origin} but the cargo is at {r.pos}")
    # request constraints
    cons = req.constraints
    if link.mode not in cons.allowed_modes:
        r.bad(f"{where}: mode {link.mode.value} is not allowed by the request")
    if link.operator in cons.excluded_operators:
        r.bad(f"{where}: operator {link.operator!r} is excluded by the request")
    for n in (origin, dest, *vias):
        if n.id in cons.excluded_nodes:
            r.bad(f"{where}: passes {n.id}, excluded by the request")
        r.problems.extend(closure_problems(n, link.mode, dep, where))
    r.problems.extend(link_closure_problems(link, dep, where))
    # cargo class
    if r.cargo_class not in link.cargo_classes:
        r.bad(f"{where}: {link.id} does not accept {r.cargo_class.value} cargo")
    if r.reefer and CargoClass.REEFER not in link.cargo_classes:
        r.bad(f"{where}: reefer containers on {link.id}, which does not accept reefers")
    imdg = req.cargo.imdg_class
    if r.cargo_class is CargoClass.DANGEROUS and imdg and dg_listed(link.dg_banned, imdg):
        r.bad(
            f"{where}: {link.id} bars dangerous goods of IMDG class {imdg} "
            f"(banned: {', '.join(sorted(link.dg_banned))})"
        )
    check_tariff_and_capacity(r, link, where)
    # cargo still in transit from the leg before boards an international leg: a transhipment
    transhipment(r, origin, link, where)
    # time: ready at the node, handling, export dwell, cut-off, schedule, running time
    transfer = r.board(road=link.mode in ROAD_MODES)
    handling_h = origin.handling_h if transfer else 0.0
    dwell_h = float(leg.get("dwell_h") or 0.0)
    basis = leg.get("dwell_basis")
    if (
        r.state in YARD_DWELL_STATES
        and link.mode in EXPORT_DWELL_MODES
        and link.regime is Regime.INTERNATIONAL
    ):
        options = {"export": origin.dwell_export_h}
        if r.hub == origin.id:
            options["combined_port"] = origin.dwell_combined_h
        if req.trader.direct_eligible and origin.offers(CustomsOp.DIRECT_LOADING):
            options["direct_loading"] = origin.dwell_direct_h
        legal = min(options.values())
        if dwell_h < legal - HOURS_TOL:
            r.bad(
                f"{where}: export yard dwell {dwell_h} h at {origin.id} is shorter than the "
                f"{legal:g} h this trader may have ({', '.join(sorted(options))})"
            )
        if basis is not None and basis not in options:
            r.bad(
                f"{where}: dwell basis {basis!r} not available here (allowed: "
                f"{', '.join(sorted(options))})"
            )
    elif basis is not None:
        r.bad(f"{where}: dwell basis {basis!r} on a leg without export yard dwell")
    ready = r.t + timedelta(hours=handling_h + dwell_h)
    earliest = ready + timedelta(hours=link.schedule.cutoff_h)
    if dep < earliest - TIME_TOL:
        r.bad(
            f"{where}: departs {fmt(dep)} before the cargo can make it ({fmt(earliest)}: "
            f"ready {fmt(r.t)} + handling {handling_h:g} h + dwell {dwell_h:g} h + "
            f"cut-off {link.schedule.cutoff_h:g} h)"
        )
    waiting = leg.get("waiting_h")
    if isinstance(waiting, int | float) and abs(waiting - hours(dep - ready)) > 2 * HOURS_TOL:
        r.bad(f"{where}: waiting_h {waiting} but it waits {hours(dep - ready):.2f} h")
    r.problems.extend(schedule_problems(link, origin, dep, where))
    running = timedelta(hours=link.transit_h + sum(v.border_transit_h for v in vias))
    if abs(arr - dep - running) > TIME_TOL + len(vias) * MINUTE:
        r.bad(
            f"{where}: runs {hours(arr - dep):.2f} h but transit + border time is "
            f"{hours(running):.2f} h"
        )
    if abs(num_field(leg, "duration_h", where) - hours(arr - dep)) > HOURS_TOL:
        r.bad(f"{where}: duration_h {leg.get('duration_h')} != arrival - departure")
    # customs regime and the border events of the leg's changes of territory
    if link.via and link.mode not in TRANSIT_VIA_MODES:
        r.bad(
            f"{where}: {link.mode.value} passes border crossings {list(link.via)} in transit; "
            "only TIR and international rail may"
        )
    new_state = regime_transition(r, link, origin, dest, where)
    for v in vias:
        if not v.offers(CustomsOp.TRANSIT_BORDER):
            r.bad(f"{where}: passes {v.id} in transit, which offers no transit_border")
        if new_state is not CustomsState.FREE and not is_supervised(v):
            r.bad(f"{where}: {new_state.value} cargo passes {v.id}, not supervised")
    r.via_wait_h += sum(v.border_transit_h for v in vias)
    if link.regime is Regime.INTERNATIONAL:
        new_state, _ = check_crossings(r, link, dep, where)
        r.anchor = dest.id if new_state is CustomsState.IN_TRANSIT else None
        r.through_free_port = False
    elif new_state is CustomsState.IN_TRANSIT and free_port_link(r, origin, dest, link):
        r.anchor = None  # moved on as through cargo inside a free port
        r.through_free_port = True
    # arrive
    r.state = new_state
    r.export_from = r.export_from if new_state is CustomsState.CLEARED_EXPORT else None
    r.hub = r.hub if new_state is CustomsState.CLEARED_EXPORT else None
    r.pos = dest.id
    r.t = arr
    r.visited.update((origin.id, dest.id, *link.via))
    r.landed = (dest.id, arr) if new_state is CustomsState.IN_TRANSIT else None
    r.check_handling_node(dest, where)
    r.check_state_at_node(where)
