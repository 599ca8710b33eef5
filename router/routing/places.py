"""Resolve a request's origin/destination to nodes, with first/last-mile truck legs for points."""

from __future__ import annotations

import difflib
import statistics
from collections.abc import Iterable

from router.errors import InvalidRequestError, NotFoundError
from router.network.geo import geodesic_km
from router.network.model import Mode, Node, NodeKind, TariffUnit
from router.routing.compiled import CompiledNetwork, minutes
from router.routing.emissions import road_emissions_g
from router.routing.labels import Access
from router.routing.request import CONTAINER_TYPES, Cargo, PlaceRef

#: first/last-mile truck: average speed and loading/unloading time (estimate, data/README.md)
ACCESS_SPEED_KMH = 50.0
ACCESS_HANDLING_H = 1.0
MAX_ACCESS_NODES = 5


def suggestions(nodes: Iterable[Node], text: str, limit: int = 5) -> list[str]:
    """Node ids whose id, UN/LOCODE or name is close to ``text`` (the first of ``nodes`` wins a
    shared key: pass them in id order, as the compiled network holds them)."""
    keys: dict[str, str] = {}
    for node in nodes:
        for key in (node.id, node.unlocode or "", node.name, node.name_zh):
            if key:
                keys.setdefault(key.lower(), node.id)
    close = difflib.get_close_matches(text.lower(), list(keys), n=limit * 2, cutoff=0.5)
    contained = [k for k in keys if text.lower() in k] if len(text) >= 3 else []
    result: list[str] = []
    for key in [*close, *contained]:
        if keys[key] not in result:
            result.append(keys[key])
    return result[:limit]


def resolve_code(cn: CompiledNetwork, code: str) -> list[int]:
    """Node indices for a node id, or every node carrying that UN/LOCODE."""
    if code in cn.index:
        return [cn.index[code]]
    upper = code.upper()
    matches = [i for i, n in enumerate(cn.nodes) if (n.unlocode or "").upper() == upper]
    if not matches:
        raise NotFoundError("node", code, suggestions(cn.nodes, code))
    return matches


def _truck_rate_cny_per_km(cn: CompiledNetwork, jurisdiction: str, cargo: Cargo) -> float:
    """Median per-km truck price for this cargo among truck links in a jurisdiction."""
    rates: list[float] = []
    for cl in cn.links:
        link = cl.link
        if link.mode is not Mode.TRUCK or cn.nodes[cl.origin].jurisdiction != jurisdiction:
            continue
        if cargo.is_containerised:
            units = [CONTAINER_TYPES[c].unit for c, n in cargo.containers for _ in range(n)]
            if all(u in cl.price_cny for u in units):
                rates.append(sum(cl.price_cny[u] for u in units) / link.distance_km)
        elif TariffUnit.WM in cl.price_cny:
            rates.append(cl.price_cny[TariffUnit.WM] * cargo.revenue_tonnes / link.distance_km)
    if not rates:
        raise InvalidRequestError(
            "place", f"no truck tariff in jurisdiction {jurisdiction} to price a first/last mile"
        )
    return statistics.median(rates)


def point_jurisdiction(cn: CompiledNetwork, point: PlaceRef) -> str:
    """The customs territory of a lon/lat point: that of its nearest node that is not a border
    crossing (crossings sit on the line between two territories)."""
    assert point.lon is not None and point.lat is not None
    lon, lat = point.lon, point.lat
    inland = [n for n in cn.nodes if n.kind is not NodeKind.BORDER_CROSSING] or list(cn.nodes)
    nearest = min(inland, key=lambda n: geodesic_km(lon, lat, n.lon, n.lat))
    return nearest.jurisdiction


def access_legs(
    cn: CompiledNetwork, point: PlaceRef, cargo: Cargo, max_km: float, outbound: bool, field: str
) -> list[tuple[int, Access]]:
    """Truck legs between a lon/lat point and the nearest truck-served nodes within ``max_km``."""
    assert point.lon is not None and point.lat is not None
    params = cn.network.modes.get(Mode.TRUCK)
    detour = params.detour_factor if params else 1.3
    served = {
        cl.origin if outbound else cl.destination for cl in cn.links if cl.link.mode is Mode.TRUCK
    }
    jurisdiction = point_jurisdiction(cn, point)
    candidates = []
    for i in served:
        node = cn.nodes[i]
        if Mode.TRUCK in node.closed_modes or node.jurisdiction != jurisdiction:
            continue  # a first/last mile never crosses a customs border
        km = geodesic_km(point.lon, point.lat, node.lon, node.lat) * detour
        if km <= max_km:
            candidates.append((km, i))
    candidates.sort()
    if not candidates:
        raise InvalidRequestError(
            field,
            f"no truck-served node within {max_km:g} km of {point}; raise constraints.max_truck_km",
        )
    result = []
    for km, i in candidates[:MAX_ACCESS_NODES]:
        rate = _truck_rate_cny_per_km(cn, cn.nodes[i].jurisdiction, cargo)
        km = max(km, 1.0)
        co2 = road_emissions_g(cn, cn.nodes[i].country, km, cargo)
        result.append(
            (
                i,
                Access(
                    node=i,
                    distance_km=km,
                    duration_min=minutes(km / ACCESS_SPEED_KMH + ACCESS_HANDLING_H),
                    cost_fen=round(rate * km * 100),
                    co2_g=sum(co2),
                    co2_wtt_g=co2[1],
                ),
            )
        )
    return result


def resolve_place(
    cn: CompiledNetwork, place: PlaceRef, cargo: Cargo, max_km: float, outbound: bool, field: str
) -> list[tuple[int, Access | None]]:
    """Search end points for a place: its node(s), or truck access legs for a point."""
    if place.is_point:
        return list(access_legs(cn, place, cargo, max_km, outbound, field))
    assert place.code is not None
    try:
        return [(i, None) for i in resolve_code(cn, place.code)]
    except NotFoundError as exc:
        raise NotFoundError("node", place.code, exc.suggestions) from None
