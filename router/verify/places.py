"""Places: node codes (id or UN/LOCODE) and the jurisdiction of a lon/lat point.

The great-circle distance is written here again on purpose: the checker shares no code with the
engine it checks.
"""

from __future__ import annotations

import math

from router.network.model import Network, Node, NodeKind


def matches_place(node_id: str, code: str, network: Network) -> bool:
    """Whether ``code`` (node id or UN/LOCODE) names ``node_id``."""
    if node_id == code:
        return True
    if code in network.nodes:
        return False
    node = network.nodes.get(node_id)
    return node is not None and (node.unlocode or "").upper() == code.upper()


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def point_jurisdiction(network: Network, lon: float, lat: float) -> tuple[str, str] | None:
    """(jurisdiction, node id) of the nearest node that is not a border crossing.

    The model has no territory polygons, so this is how a lon/lat place gets a customs territory;
    border-crossing nodes are skipped because the two sides of a crossing sit almost on top of
    each other.
    """
    best: tuple[float, Node] | None = None
    for node in network.nodes.values():
        if node.kind is NodeKind.BORDER_CROSSING:
            continue
        d = km(lon, lat, node.lon, node.lat)
        if best is None or d < best[0]:
            best = (d, node)
    return None if best is None else (best[1].jurisdiction, best[1].id)
