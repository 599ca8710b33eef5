"""Pure edits of a :class:`Network` for planning scenarios (DESIGN.md §7).

Every function takes a network and typed arguments and returns a **new** network
(:func:`dataclasses.replace` with copied mappings); the network passed in is never changed.
An edit that names something the network does not have, or that cannot be made, raises
:class:`EditError` naming the argument. :func:`network_errors` runs the dataset's cross-table
checks (:mod:`router.network.validate`) on a network, so a caller can check that an edit kept
it valid.

Closures: a node closed to some modes (``Node.closed_modes``) holds one start day
(``closed_since``, None: always); a link holds its own ``closed_since``. Routing closes a link
from the first of its own day and the days its nodes close to its mode
(:func:`router.network.timetable.closed_from`). A closure has no end date: the timetable has
no reopening.

Sea lanes: the Asia–Europe loops sail either the Cape of Good Hope lane or the Suez lane,
between the same two waypoints (east of the Singapore Strait, off Cape Finisterre), drawn with
the waypoints of the bundled ``link_geometry.geojson`` (data/README.md, "Deep-sea services";
the Suez polyline as in the data before issue 10). :func:`reroute_sea` swaps the lane and
moves distance and time by the figures of data/README.md's Suez table: every row differs by
the same 6,222 km (Yantian → Rotterdam 24,300 km via the Cape against 18,078 km via Suez, both
lanes sharing their ends) and 14 days (``estimate:sea-cape``: the Cape days are the Suez days
+ 14; published Cape + 10–14 days, ``sea-transit-newsflash``, ``sea-cape-days``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Literal

from router.errors import InvalidRequestError, Problem, Severity
from router.network.fields import Row
from router.network.geo import path_km
from router.network.model import (
    AeoLevel,
    CargoClass,
    CustomsOp,
    Link,
    Mode,
    Network,
    Node,
    NodeFee,
    NodeKind,
    Regime,
    Schedule,
    ScheduleKind,
    Tariff,
    TariffUnit,
    WeeklyDeparture,
)
from router.network.validate import cross_check
from router.units import MINUTES_PER_DAY, MINUTES_PER_WEEK

#: node fields :func:`set_node_customs` may set (hours; ``joint_clearance_h`` and
#: ``inspect_first_h`` may be None: not offered)
# fmt: off
CUSTOMS_HOURS: tuple[str, ...] = (
    "export_clearance_h", "import_clearance_h", "inspection_h", "dwell_export_h",
    "dwell_import_h", "dwell_direct_h", "dwell_combined_h", "document_h", "joint_clearance_h",
    "inspect_first_h", "transit_declaration_h", "drug_permit_h",
)
# fmt: on
OPTIONAL_HOURS = frozenset({"joint_clearance_h", "inspect_first_h"})

#: node kinds where vessels, barges, trains or aircraft load and unload (direct loading)
TERMINAL_KINDS = frozenset(NodeKind) - {
    NodeKind.BORDER_CROSSING,
    NodeKind.BONDED_ZONE,
    NodeKind.INLAND_DEPOT,
    NodeKind.CITY,
}

SeaRoute = Literal["suez", "cape"]
#: the Cape of Good Hope lane: Singapore Strait (east), Sunda Strait, south of Madagascar, the
#: Cape, off West Africa, Cape Finisterre (data/link_geometry.geojson, the NC/NE loops)
# fmt: off
CAPE_LANE: tuple[tuple[float, float], ...] = (
    (104.4, 1.3), (105.6, -6.3), (80.0, -20.0), (40.0, -34.0), (20.0, -35.3), (10.0, -25.0),
    (-5.0, -5.0), (-18.0, 14.7), (-16.0, 28.0), (-9.8, 43.0),
)
#: the Suez lane: Singapore Strait, Malacca, Sri Lanka, Bab el-Mandeb, the Red Sea, Suez, the
#: Mediterranean, Gibraltar, Cape Finisterre (the NE loops' geometry before issue 10, git 68351c6^)
SUEZ_LANE: tuple[tuple[float, float], ...] = (
    (104.4, 1.3), (103.6, 1.2), (101.0, 2.6), (98.5, 5.0), (95.5, 6.0), (80.6, 5.7),
    (52.0, 12.6), (43.4, 12.6), (38.5, 20.0), (33.4, 28.0), (32.55, 29.9), (32.35, 31.3),
    (25.0, 34.0), (11.5, 37.3), (-5.6, 35.95), (-9.6, 37.0), (-9.8, 43.0),
)
# fmt: on
SEA_LANES: dict[str, tuple[tuple[float, float], ...]] = {"cape": CAPE_LANE, "suez": SUEZ_LANE}
#: km saved by sailing Suez instead of the Cape (data/README.md: 24,300 - 18,078, Yantian-Rotterdam)
SUEZ_SAVING_KM = 24_300.0 - 18_078.0
#: hours saved by sailing Suez instead of the Cape (estimate:sea-cape: 14 days)
SUEZ_SAVING_H = 14 * 24.0


class EditError(InvalidRequestError):
    """An edit names something the network does not have, or cannot be made; ``field`` names
    the argument."""


# ---------------------------------------------------------------------------- helpers
def _node(network: Network, node_id: str, fld: str = "node") -> Node:
    node = network.nodes.get(node_id)
    if node is None:
        raise EditError(fld, f"unknown node {node_id!r}")
    return node


def _links(network: Network, link_ids: Iterable[str], fld: str = "link") -> list[Link]:
    ids = list(link_ids)
    if not ids:
        raise EditError(fld, "names no link")
    missing = [i for i in ids if i not in network.links]
    if missing:
        raise EditError(fld, f"unknown link(s) {', '.join(missing)}")
    return [network.links[i] for i in ids]


def copied(network: Network, **changes: object) -> Network:
    """A new network with ``changes`` and every other mapping copied, so that no mapping of the
    result is one of ``network``'s (changing one cannot change the other)."""
    fields: dict[str, object] = {
        "nodes": dict(network.nodes),
        "links": dict(network.links),
        "jurisdictions": dict(network.jurisdictions),
        "modes": dict(network.modes),
        "customs_profiles": dict(network.customs_profiles),
        "fx_cny": dict(network.fx_cny),
    }
    fields.update(changes)
    return replace(network, **fields)  # type: ignore[arg-type]


def _with_nodes(network: Network, changed: Mapping[str, Node]) -> Network:
    return copied(network, nodes={**network.nodes, **changed})


def _with_links(
    network: Network, changed: Mapping[str, Link], removed: Iterable[str] = ()
) -> Network:
    links = {**network.links, **changed}
    for link_id in removed:
        links.pop(link_id, None)
    return copied(network, links=links)


def service_links(network: Network, service: str) -> tuple[str, ...]:
    """Ids of the links of service code ``service`` (links.csv ``service``), sorted."""
    return tuple(
        sorted(lk.id for lk in network.links.values() if service and lk.service == service)
    )


def node_links(network: Network, node_id: str, modes: Iterable[Mode]) -> tuple[str, ...]:
    """Ids of the links of ``modes`` that start, end or pass (``via``) at ``node_id``, sorted."""
    wanted = frozenset(modes)
    return tuple(
        sorted(
            lk.id
            for lk in network.links.values()
            if lk.mode in wanted and node_id in (lk.origin, lk.destination, *lk.via)
        )
    )


def network_errors(network: Network) -> list[Problem]:
    """The errors the dataset checks find in ``network``: the cross-table checks of
    :mod:`router.network.validate` and the per-row rules of the loader that edits could break
    (currencies, schedules, mixed trade). Empty for a valid network."""
    problems: list[Problem] = []
    node_rows = {k: Row("network", f"node {k}", {}, problems) for k in network.nodes}
    link_rows = {k: Row("network", f"link {k}", {}, problems) for k in network.links}
    for link in network.links.values():
        row = link_rows[link.id]
        for end in (link.origin, link.destination, *link.via):
            if end not in network.nodes:
                row.error("from", f"unknown node {end!r}")
        _row_rules(network, link, row)
    for fee in network.fees:
        if fee.currency not in network.fx_cny:
            unknown = f"unknown currency {fee.currency!r}"
            problems.append(Problem("network", f"fee {fee.node_id}", "currency", unknown))
    if not any(p.severity is Severity.ERROR for p in problems):
        cross_check(
            network.nodes, node_rows, network.links, link_rows, list(network.fees), problems
        )
    return [p for p in problems if p.severity is Severity.ERROR]


def _row_rules(network: Network, link: Link, row: Row) -> None:
    """The loader's per-row rules of a link (load.py checks them while reading links.csv)."""
    schedule = link.schedule
    if schedule.kind is ScheduleKind.WEEKLY and not schedule.weekly:
        row.error("schedule", "malformed schedule: 'weekly' link has no departures")
    if schedule.kind is ScheduleKind.HEADWAY and (
        schedule.headway_h <= 0 or MINUTES_PER_WEEK % max(1, round(schedule.headway_h * 60))
    ):
        row.error("headway_h", f"headway {schedule.headway_h:g} h must divide a week (168 h)")
    if link.mixed_trade and link.regime is not Regime.DOMESTIC:
        row.error("mixed_trade", f"only a domestic link can be mixed-trade, not {link.regime}")
    if link.transit_h <= 0 or link.distance_km <= 0:
        row.error("transit_h", "transit_h and distance_km must be > 0")
    for capacity in (link.capacity_teu, link.capacity_kg):
        if capacity is not None and capacity <= 0:
            row.error("capacity_teu", "capacity must be > 0")
    for tariff in link.tariffs.values():
        if tariff.currency not in network.fx_cny:
            row.error("currency", f"unknown currency {tariff.currency!r}")


# ---------------------------------------------------------------------------- closures
def _earlier(a: date | None, b: date | None) -> date | None:
    """The earlier of two closure start days (None: closed always, the earliest)."""
    return None if a is None or b is None else min(a, b)


def close_links(network: Network, link_ids: Iterable[str], since: date | None = None) -> Network:
    """Close links: removed when ``since`` is None (closed always), else no departure leaves on
    or after ``since`` (an earlier closure of the link stays)."""
    links = _links(network, link_ids)
    if since is None:
        return _with_links(network, {}, removed=[lk.id for lk in links])
    days = {lk.id: min(lk.closed_since or since, since) for lk in links}  # an earlier one stays
    changed = {lk.id: replace(lk, closed_since=days[lk.id]) for lk in links}
    return _with_links(network, changed)


def close_node(
    network: Network,
    node_id: str,
    modes: Iterable[Mode] | None = None,
    since: date | None = None,
) -> Network:
    """Close ``node_id`` to ``modes`` (None: every mode) from ``since`` (None: always).

    The node keeps one start day for its closed modes. When the modes it is closed to would
    need different days, it keeps the day it had (or, if it was open, the new one) for the modes
    closed from that day, and the other modes are closed on their links instead (each link of
    such a mode at the node closes from its day), which routing treats the same way.
    """
    node = _node(network, node_id)
    closing = frozenset(modes) if modes is not None else frozenset(Mode)
    if not closing:
        raise EditError("modes", "names no mode")
    days: dict[Mode, date | None] = dict.fromkeys(node.closed_modes, node.closed_since)
    for mode in closing:
        days[mode] = _earlier(days[mode], since) if mode in days else since
    distinct = set(days.values())
    keep = (
        distinct.pop()
        if len(distinct) == 1
        else (node.closed_since if node.closed_modes else since)
    )
    at_node = frozenset(m for m, d in days.items() if d == keep)
    result = _with_nodes(network, {node_id: replace(node, closed_modes=at_node, closed_since=keep)})
    for mode, day in sorted(days.items(), key=lambda item: item[0].value):
        if mode not in at_node:
            ids = node_links(result, node_id, (mode,))
            if ids:
                result = close_links(result, ids, day)
    return result


def reopen_node(network: Network, node_id: str, modes: Iterable[Mode] | None = None) -> Network:
    """Lift the node's closure for ``modes`` (None: every closed mode). Links closed on their
    own (:func:`close_links`) stay closed."""
    node = _node(network, node_id)
    opening = frozenset(modes) if modes is not None else node.closed_modes
    not_closed = sorted(m.value for m in opening - node.closed_modes)
    if not_closed:
        raise EditError("modes", f"node {node_id!r} is not closed to {', '.join(not_closed)}")
    left = node.closed_modes - opening
    return _with_nodes(
        network,
        {
            node_id: replace(
                node, closed_modes=left, closed_since=node.closed_since if left else None
            )
        },
    )


# ---------------------------------------------------------------------------- capacity
def set_capacity(
    network: Network,
    link_ids: Iterable[str],
    *,
    capacity_teu: float | None = None,
    capacity_kg: float | None = None,
) -> Network:
    """Set the capacity per departure (TEU, or kg for air) of links; a None leaves it."""
    if capacity_teu is None and capacity_kg is None:
        raise EditError("capacity_teu", "give capacity_teu or capacity_kg")
    for value, fld in ((capacity_teu, "capacity_teu"), (capacity_kg, "capacity_kg")):
        if value is not None and value <= 0:
            raise EditError(fld, f"must be > 0, got {value:g}")
    changed = {}
    for lk in _links(network, link_ids):
        if capacity_teu is not None and lk.mode is Mode.AIR:
            raise EditError("capacity_teu", f"air link {lk.id!r} takes capacity_kg, not TEU")
        changed[lk.id] = replace(
            lk,
            capacity_teu=lk.capacity_teu if capacity_teu is None else capacity_teu,
            capacity_kg=lk.capacity_kg if capacity_kg is None else capacity_kg,
        )
    return _with_links(network, changed)


def scale_capacity(network: Network, link_ids: Iterable[str], factor: float) -> Network:
    """Multiply the capacity per departure (TEU and kg, where given) of links by ``factor``."""
    if factor <= 0:
        raise EditError("factor", f"must be > 0, got {factor:g}")
    changed = {}
    for lk in _links(network, link_ids):
        if lk.capacity_teu is None and lk.capacity_kg is None:
            raise EditError("factor", f"link {lk.id!r} has no capacity to scale")
        changed[lk.id] = replace(
            lk,
            capacity_teu=None if lk.capacity_teu is None else lk.capacity_teu * factor,
            capacity_kg=None if lk.capacity_kg is None else lk.capacity_kg * factor,
        )
    return _with_links(network, changed)


# ---------------------------------------------------------------------------- frequency
def week_divisor_min(minutes: float) -> int:
    """The whole-minute divisor of a week (10,080 min) nearest ``minutes`` (a headway must
    divide a week so the timetable repeats weekly, data/FORMAT.md)."""
    divisors = [d for d in range(1, MINUTES_PER_WEEK + 1) if MINUTES_PER_WEEK % d == 0]
    return min(divisors, key=lambda d: (abs(d - minutes), d))


def _spread(minutes: list[int], target: int) -> list[int]:
    """``target`` weekly departure minutes spread evenly from the sorted ``minutes``: fewer keep
    every (n/target)-th departure from the first; more keep every departure and share the new
    ones among the gaps by length (largest remainder), each gap divided evenly."""
    n = len(minutes)
    if target <= n:
        return [minutes[(k * n) // target] for k in range(target)]
    gaps = [
        ((minutes[(i + 1) % n] - minutes[i]) % MINUTES_PER_WEEK) or MINUTES_PER_WEEK
        for i in range(n)
    ]
    extra = target - n
    shares = [extra * g / MINUTES_PER_WEEK for g in gaps]
    counts = [int(s) for s in shares]
    order = sorted(range(n), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[: extra - sum(counts)]:
        counts[i] += 1
    result = list(minutes)
    for i, count in enumerate(counts):
        for k in range(1, count + 1):
            result.append((minutes[i] + round(k * gaps[i] / (count + 1))) % MINUTES_PER_WEEK)
    return sorted(set(result))


def scaled_schedule(schedule: Schedule, factor: float) -> Schedule:
    """``schedule`` with its departures multiplied by ``factor``: a weekly timetable gets
    ``max(1, round(n x factor))`` departures spread evenly over the week (:func:`_spread`); a
    headway is divided by ``factor`` (rounded to the nearest whole-minute divisor of a week).
    An ``any`` schedule has no departures to scale."""
    if factor <= 0:
        raise EditError("factor", f"must be > 0, got {factor:g}")
    if schedule.kind is ScheduleKind.WEEKLY:
        minutes = sorted({d.weekday * MINUTES_PER_DAY + d.minute for d in schedule.weekly})
        target = max(1, round(len(minutes) * factor))
        spread = _spread(minutes, target)
        weekly = tuple(WeeklyDeparture(m // MINUTES_PER_DAY, m % MINUTES_PER_DAY) for m in spread)
        return replace(schedule, weekly=weekly)
    if schedule.kind is ScheduleKind.HEADWAY:
        headway_min = week_divisor_min(schedule.headway_h * 60.0 / factor)
        return replace(schedule, headway_h=headway_min / 60.0)
    raise EditError("factor", "a link that departs whenever cargo is ready has no timetable")


def scale_frequency(network: Network, link_ids: Iterable[str], factor: float) -> Network:
    """Multiply the departures of links by ``factor`` (:func:`scaled_schedule`); the capacity
    per departure stays, so the capacity offered scales with the departures."""
    changed = {}
    for lk in _links(network, link_ids):
        try:
            changed[lk.id] = replace(lk, schedule=scaled_schedule(lk.schedule, factor))
        except EditError as exc:
            raise EditError(exc.field, f"link {lk.id!r}: {exc.message}") from None
    return _with_links(network, changed)


# ---------------------------------------------------------------------------- services
def straight_geometry(
    network: Network, origin: str, destination: str, via: Iterable[str] = ()
) -> tuple[tuple[float, float], ...]:
    """A link's straight-line geometry: its ends through its ``via`` nodes, as load.py draws a
    link that has no feature in link_geometry.geojson."""
    stops = [network.nodes[origin], *(network.nodes[v] for v in via), network.nodes[destination]]
    return tuple((n.lon, n.lat) for n in stops)


def new_link(
    network: Network,
    *,
    link_id: str,
    origin: str,
    destination: str,
    mode: Mode,
    transit_h: float,
    regime: Regime,
    cargo_classes: Iterable[CargoClass],
    schedule: Schedule,
    tariffs: Mapping[TariffUnit, Tariff],
    operator: str = "",
    service: str = "",
    via: Iterable[str] = (),
    distance_km: float | None = None,
    capacity_teu: float | None = None,
    capacity_kg: float | None = None,
    co2e_g_per_tkm: float | None = None,
    dg_banned: Iterable[str] = (),
    mixed_trade: bool = False,
    source: str = "",
) -> Link:
    """A link built as load.py builds one from links.csv: the geometry is a straight line
    through the ``via`` nodes, and the distance, when not given, its geodesic length x the
    mode's detour factor (at least 0.1 km)."""
    stops = (origin, destination, *via)
    for fld, node_id in zip(("from", "to", *("via" for _ in via)), stops, strict=True):
        _node(network, node_id, fld)
    via = tuple(via)
    geometry = straight_geometry(network, origin, destination, via)
    given = distance_km is not None
    if distance_km is None:
        params = network.modes.get(mode)
        detour = params.detour_factor if params else 1.0
        distance_km = max(path_km(geometry) * detour, 0.1)
    return Link(
        id=link_id,
        origin=origin,
        destination=destination,
        mode=mode,
        operator=operator,
        service=service,
        distance_km=distance_km,
        transit_h=transit_h,
        regime=regime,
        cargo_classes=frozenset(cargo_classes),
        schedule=schedule,
        tariffs=dict(tariffs),
        geometry=geometry,
        via=via,
        capacity_teu=capacity_teu,
        capacity_kg=capacity_kg,
        co2e_g_per_tkm=co2e_g_per_tkm,
        distance_given=given,
        dg_banned=frozenset(dg_banned),
        mixed_trade=mixed_trade,
        source=source,
    )


def reversed_link(network: Network, link: Link, link_id: str) -> Link:
    """The same service in the other direction (ends swapped, ``via`` in reverse order)."""
    return replace(
        link,
        id=link_id,
        origin=link.destination,
        destination=link.origin,
        via=tuple(reversed(link.via)),
        geometry=tuple(reversed(link.geometry)),
    )


def add_links(network: Network, links: Iterable[Link]) -> Network:
    """Add new links (their ids must be new, their nodes known)."""
    added: dict[str, Link] = {}
    for lk in links:
        if lk.id in network.links or lk.id in added:
            raise EditError("id", f"link {lk.id!r} already exists")
        for fld, node_id in (
            ("from", lk.origin),
            ("to", lk.destination),
            *(("via", v) for v in lk.via),
        ):
            _node(network, node_id, fld)
        added[lk.id] = lk
    return _with_links(network, added)


def set_mixed_trade(network: Network, link_ids: Iterable[str], mixed: bool = True) -> Network:
    """Let domestic links also carry export-cleared and bonded cargo under seal on the same
    departures (内外贸同船, seed §12), or stop it."""
    changed = {}
    for lk in _links(network, link_ids):
        if mixed and lk.regime is not Regime.DOMESTIC:
            raise EditError(
                "mixed_trade",
                f"link {lk.id!r} is {lk.regime.value}; only a domestic link can be mixed-trade",
            )
        changed[lk.id] = replace(lk, mixed_trade=mixed)
    return _with_links(network, changed)


# ---------------------------------------------------------------------------- prices
def set_tariffs(
    network: Network, link_ids: Iterable[str], tariffs: Mapping[TariffUnit, Tariff]
) -> Network:
    """Replace the tariff lines of ``tariffs``' units on links (other units stay)."""
    if not tariffs:
        raise EditError("tariffs", "names no tariff line")
    for tariff in tariffs.values():
        if tariff.currency not in network.fx_cny:
            raise EditError("currency", f"unknown currency {tariff.currency!r}")
    changed = {
        lk.id: replace(lk, tariffs={**lk.tariffs, **tariffs}) for lk in _links(network, link_ids)
    }
    return _with_links(network, changed)


def scale_tariffs(network: Network, link_ids: Iterable[str], factor: float) -> Network:
    """Multiply every tariff line (fixed and per-km) of links by ``factor``."""
    if factor < 0:
        raise EditError("factor", f"must be >= 0, got {factor:g}")
    changed = {
        lk.id: replace(
            lk,
            tariffs={
                unit: replace(t, fixed=t.fixed * factor, per_km=t.per_km * factor)
                for unit, t in lk.tariffs.items()
            },
        )
        for lk in _links(network, link_ids)
    }
    return _with_links(network, changed)


def scale_fees(
    network: Network, node_ids: Iterable[str], factor: float, fee: str | None = None
) -> Network:
    """Multiply the fees (all, or those of kind ``fee``: thc, port_dues, ...) at nodes by
    ``factor``."""
    if factor < 0:
        raise EditError("factor", f"must be >= 0, got {factor:g}")
    nodes = set(node_ids)
    for node_id in nodes:
        _node(network, node_id)
        if not any(f.node_id == node_id and (fee is None or f.fee == fee) for f in network.fees):
            what = f"no {fee!r} fee" if fee else "no fee"
            raise EditError("fee" if fee else "node", f"node {node_id!r} has {what}")

    def scaled(f: NodeFee) -> NodeFee:
        if f.node_id in nodes and (fee is None or f.fee == fee):
            return replace(f, amount=f.amount * factor)
        return f

    return copied(network, fees=tuple(scaled(f) for f in network.fees))


# ---------------------------------------------------------------------------- customs
def set_node_customs(
    network: Network,
    node_id: str,
    *,
    hours: Mapping[str, float | None] | None = None,
    add_operations: Iterable[CustomsOp] = (),
    remove_operations: Iterable[CustomsOp] = (),
    ecommerce_regimes: Iterable[str] | None = None,
) -> Network:
    """Set customs hours (:data:`CUSTOMS_HOURS`) of a node, add or remove customs operations
    and set its e-commerce regimes."""
    node = _node(network, node_id)
    values = dict(hours or {})
    for name, value in values.items():
        if name not in CUSTOMS_HOURS:
            raise EditError(name, f"not a customs field (one of {', '.join(CUSTOMS_HOURS)})")
        if value is None and name not in OPTIONAL_HOURS:
            raise EditError(name, "is required")
        if value is not None and value < 0:
            raise EditError(name, f"must be >= 0, got {value:g}")
    added, removed = frozenset(add_operations), frozenset(remove_operations)
    both = sorted(op.value for op in added & removed)
    if both:
        raise EditError("remove_operations", f"both added and removed: {', '.join(both)}")
    changes: dict[str, object] = dict(values)
    changes["operations"] = (node.operations | added) - removed
    if ecommerce_regimes is not None:
        changes["ecommerce_regimes"] = frozenset(ecommerce_regimes)
    if CustomsOp.COMBINED_PORT in removed:
        changes["combined_port_hub"] = None
    return _with_nodes(network, {node_id: replace(node, **changes)})  # type: ignore[arg-type]


def set_customs_profile(
    network: Network,
    level: AeoLevel,
    *,
    inspection_probability: float | None = None,
    clearance_time_factor: float | None = None,
) -> Network:
    """Set the inspection probability (0-1) and clearance-time factor (> 0) of an AEO level."""
    profile = network.customs_profiles.get(level)
    if profile is None:
        raise EditError("aeo_level", f"the network has no profile for {level.value!r}")
    if inspection_probability is not None and not 0 <= inspection_probability <= 1:
        raise EditError("inspection_probability", f"must be 0-1, got {inspection_probability:g}")
    if clearance_time_factor is not None and clearance_time_factor <= 0:
        raise EditError("clearance_time_factor", f"must be > 0, got {clearance_time_factor:g}")
    if inspection_probability is not None:
        profile = replace(profile, inspection_probability=inspection_probability)
    if clearance_time_factor is not None:
        profile = replace(profile, clearance_time_factor=clearance_time_factor)
    return copied(network, customs_profiles={**network.customs_profiles, level: profile})


def combined_port_barges(network: Network, feeder: str, hub: str) -> tuple[str, ...]:
    """Barge or feeder links from ``feeder`` to ``hub`` that carry export-cleared cargo under
    seal (supervised, or a mixed-trade domestic service), sorted."""
    return tuple(
        sorted(
            lk.id
            for lk in network.links.values()
            if lk.origin == feeder
            and lk.destination == hub
            and lk.mode in (Mode.BARGE, Mode.FEEDER)
            and (
                lk.regime is Regime.SUPERVISED or (lk.regime is Regime.DOMESTIC and lk.mixed_trade)
            )
        )
    )


def combined_port_problem(network: Network, feeder: str, hub: str) -> tuple[str, str] | None:
    """(argument, message) of why ``feeder`` cannot become a Combined Port terminal of ``hub``,
    or None if it can."""
    f, h = _node(network, feeder, "feeder"), _node(network, hub, "hub")
    if feeder == hub:
        return "hub", "the feeder and the hub are the same node"
    if h.kind is not NodeKind.SEAPORT:
        return "hub", f"hub {hub!r} is a {h.kind.value}, not a seaport"
    if f.kind not in (NodeKind.RIVER_TERMINAL, NodeKind.SEAPORT):
        return "feeder", f"feeder {feeder!r} is a {f.kind.value}, not a river terminal or seaport"
    if f.jurisdiction != h.jurisdiction:
        return "hub", (
            f"feeder {feeder!r} ({f.jurisdiction}) and hub {hub!r} ({h.jurisdiction}) are in "
            "different customs territories: a Combined Port declaration is valid only at a hub "
            "of the same territory"
        )
    territory = network.jurisdictions.get(h.jurisdiction)
    if territory is not None and territory.free_port:
        return "hub", f"{h.jurisdiction} is a free port: the Combined Port is a mainland procedure"
    if not combined_port_barges(network, feeder, hub):
        return "feeder", (
            f"no barge or feeder link from {feeder} to {hub} carries export-cleared cargo "
            "(supervised, or mixed-trade domestic): add one first (add_service)"
        )
    return None


def enable_combined_port(
    network: Network, feeder: str, hub: str, *, dwell_combined_h: float | None = None
) -> Network:
    """Make ``feeder`` a Combined Port terminal of ``hub`` (seed §13): one export declaration at
    the feeder, valid at the hub; the cargo moves on a supervised barge to the hub.

    The feeder gets ``combined_port``, ``export_clearance`` and ``supervised_site`` and its hub;
    a feeder that did not clear exports before takes the hub's clearance, inspection and
    document hours and, if it has none, the hub's declaration and inspection fees.
    ``dwell_combined_h``: the hub's CY cut-off for cargo from its feeders.
    """
    problem = combined_port_problem(network, feeder, hub)
    if problem is not None:
        raise EditError(*problem)
    f, h = network.nodes[feeder], network.nodes[hub]
    changes: dict[str, object] = {
        "operations": f.operations
        | {CustomsOp.COMBINED_PORT, CustomsOp.EXPORT_CLEARANCE, CustomsOp.SUPERVISED_SITE},
        "combined_port_hub": hub,
    }
    fees = network.fees
    if not f.offers(CustomsOp.EXPORT_CLEARANCE):
        changes.update(
            export_clearance_h=h.export_clearance_h,
            inspection_h=h.inspection_h,
            document_h=h.document_h,
        )
        kinds = {x.fee for x in fees if x.node_id == feeder}
        fees = fees + tuple(
            replace(x, node_id=feeder)
            for x in fees
            if x.node_id == hub and x.fee in ("declaration", "inspection") and x.fee not in kinds
        )
    nodes: dict[str, Node] = {feeder: replace(f, **changes)}  # type: ignore[arg-type]
    if dwell_combined_h is not None:
        if dwell_combined_h < 0:
            raise EditError("dwell_combined_h", f"must be >= 0, got {dwell_combined_h:g}")
        nodes[hub] = replace(h, dwell_combined_h=dwell_combined_h)
    return copied(network, nodes={**network.nodes, **nodes}, fees=fees)


def enable_direct_loading(
    network: Network, terminals: Iterable[str], *, dwell_direct_h: float | None = None
) -> Network:
    """Offer direct loading and direct pick-up (直提直装, seed §1) at terminals: eligible traders'
    export and import yard dwell there is ``dwell_direct_h`` (given, or the node's own)."""
    changed = {}
    for node_id in terminals:
        node = _node(network, node_id, "terminals")
        if node.kind not in TERMINAL_KINDS:
            raise EditError("terminals", f"{node_id!r} is a {node.kind.value}, not a terminal")
        dwell = node.dwell_direct_h if dwell_direct_h is None else dwell_direct_h
        if dwell < 0:
            raise EditError("dwell_direct_h", f"must be >= 0, got {dwell:g}")
        changed[node_id] = replace(
            node,
            operations=node.operations | {CustomsOp.DIRECT_LOADING, CustomsOp.DIRECT_PICKUP},
            dwell_direct_h=dwell,
        )
    if not changed:
        raise EditError("terminals", "names no terminal")
    return _with_nodes(network, changed)


def set_border_wait(
    network: Network, node_id: str, *, hours: float | None = None, add_hours: float | None = None
) -> Network:
    """Set (``hours``) or change (``add_hours``) the stop of through trains and TIR trucks at a
    border crossing (``border_transit_h``); the result may not be negative."""
    node = _node(network, node_id)
    if (hours is None) == (add_hours is None):
        raise EditError("hours", "give exactly one of hours and add_hours")
    value = hours if hours is not None else node.border_transit_h + (add_hours or 0.0)
    if value < 0:
        raise EditError(
            "hours" if hours is not None else "add_hours", f"the wait would be {value:g} h"
        )
    return _with_nodes(network, {node_id: replace(node, border_transit_h=value)})


# ---------------------------------------------------------------------------- sea lanes
def _find(points: tuple[tuple[float, float], ...], lane: tuple[tuple[float, float], ...]) -> int:
    """Index in ``points`` where ``lane`` starts as a contiguous run, or -1."""
    n = len(lane)
    for i in range(len(points) - n + 1):
        if points[i : i + n] == lane:
            return i
    return -1


def sea_route(link: Link) -> SeaRoute | None:
    """``cape`` or ``suez`` when the deep-sea link's geometry sails that lane (either way), else
    None."""
    if link.mode is not Mode.DEEPSEA:
        return None
    routes: tuple[SeaRoute, ...] = ("cape", "suez")
    for name in routes:
        lane = SEA_LANES[name]
        if _find(link.geometry, lane) >= 0 or _find(link.geometry, tuple(reversed(lane))) >= 0:
            return name
    return None


def lane_links(network: Network) -> tuple[str, ...]:
    """Ids of the deep-sea links that sail between Asia and Europe by the Cape or Suez lane."""
    return tuple(sorted(lk.id for lk in network.links.values() if sea_route(lk) is not None))


def rerouted(link: Link, via: SeaRoute) -> Link:
    """``link`` sailing the ``via`` lane: the other lane's waypoints swapped for this one's,
    distance and transit moved by :data:`SUEZ_SAVING_KM` and :data:`SUEZ_SAVING_H`."""
    current = sea_route(link)
    if current is None:
        raise EditError("services", f"link {link.id!r} sails neither the Cape nor the Suez lane")
    if current == via:
        return link
    old, new = SEA_LANES[current], SEA_LANES[via]
    points = link.geometry
    start = _find(points, old)
    if start < 0:  # sailed the other way round (Europe to Asia)
        old, new = tuple(reversed(old)), tuple(reversed(new))
        start = _find(points, old)
    geometry = points[:start] + new + points[start + len(old) :]
    sign = -1.0 if via == "suez" else 1.0
    distance = link.distance_km + sign * SUEZ_SAVING_KM
    transit = link.transit_h + sign * SUEZ_SAVING_H
    if distance <= 0 or transit <= 0:
        raise EditError(
            "services", f"link {link.id!r} is too short to lose {SUEZ_SAVING_KM:g} km and 14 days"
        )
    return replace(
        link, geometry=geometry, distance_km=distance, transit_h=transit, distance_given=True
    )


def reroute_sea(network: Network, link_ids: Iterable[str], via: SeaRoute) -> Network:
    """Sail deep-sea links via ``suez`` or the ``cape`` (:func:`rerouted`); links already on
    that lane are unchanged."""
    if via not in SEA_LANES:
        raise EditError("via", f"unknown sea route {via!r} (suez or cape)")
    changed = {lk.id: rerouted(lk, via) for lk in _links(network, link_ids, "services")}
    return _with_links(network, changed)
