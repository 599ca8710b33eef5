"""The network in service: its summary, reload, node search and details, and GeoJSON layers
filtered by mode and bounding box (WGS84 degrees).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import shapely
from shapely.geometry import LineString, box

from router.errors import InvalidRequestError, NotFoundError
from router.network.export import link_features, node_features, node_properties
from router.network.model import Mode, Network, Node, NodeKind
from router.network.summary import network_summary
from router.routing.places import suggestions
from router.services.context import LoadedNetwork, ServiceContext
from router.services.paging import page

Layer = Literal["all", "nodes", "links"]


# ---------------------------------------------------------------------------------- summary
def summary(loaded: LoadedNetwork) -> dict[str, Any]:
    """Counts by node kind, jurisdiction, mode, regime and schedule; when it was loaded."""
    return {**network_summary(loaded.network), "loaded_at": loaded.loaded_at}


def reload(ctx: ServiceContext) -> dict[str, Any]:
    """Load the dataset again; DatasetError (the current network stays) if it has errors."""
    loaded = ctx.load_network(strict=True)
    assert loaded is not None
    return summary(loaded)


# ------------------------------------------------------------------------------------ nodes
def node_or_not_found(network: Network, node_id: str) -> Node:
    """The node ``node_id``; NotFoundError with close matches if there is none."""
    node = network.nodes.get(node_id)
    if node is None:
        raise NotFoundError(
            "node",
            node_id,
            suggestions(sorted(network.nodes.values(), key=lambda n: n.id), node_id),
        )
    return node


def node_summary(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "name": node.name,
        "name_zh": node.name_zh,
        "kind": node.kind.value,
        "unlocode": node.unlocode,
        "country": node.country,
        "jurisdiction": node.jurisdiction,
        "lon": node.lon,
        "lat": node.lat,
        "operations": sorted(op.value for op in node.operations),
    }


def match_rank(node: Node, q: str) -> int | None:
    """How well ``q`` (lower case) names ``node``: 0 exact id, UN/LOCODE, English or Chinese
    name; 1 a prefix of one; 2 a substring; None no match."""
    keys = [node.id, node.unlocode or "", node.name, node.name_zh]
    lowered = [k.lower() for k in keys if k]
    if q in lowered:
        return 0
    if any(k.startswith(q) for k in lowered):
        return 1
    if any(q in k for k in lowered):
        return 2
    return None


def search_nodes(
    network: Network,
    q: str | None,
    kind: NodeKind | None,
    jurisdiction: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Nodes matching ``q`` by id, UN/LOCODE, English or Chinese name (best matches first, then
    by id); without ``q`` every node of the ``kind`` and ``jurisdiction`` asked for."""
    text = (q or "").strip().lower()
    ranked: list[tuple[int, str, Node]] = []
    for node in network.nodes.values():
        if kind is not None and node.kind is not kind:
            continue
        if jurisdiction and node.jurisdiction.lower() != jurisdiction.lower():
            continue
        rank = match_rank(node, text) if text else 0
        if rank is not None:
            ranked.append((rank, node.id, node))
    ranked.sort(key=lambda r: (r[0], r[1]))
    items = [node_summary(n) for _, _, n in ranked[offset : offset + limit]]
    return page(items, len(ranked), limit, offset)


def node_detail(network: Network, node_id: str) -> dict[str, Any]:
    """A node's properties, with how many links leave and reach it and their modes."""
    node = node_or_not_found(network, node_id)
    out_links = [lk for lk in network.links.values() if lk.origin == node.id]
    in_links = [lk for lk in network.links.values() if lk.destination == node.id]
    return {
        **node_properties(node),
        **node_summary(node),
        "outgoing_links": len(out_links),
        "incoming_links": len(in_links),
        "modes": sorted({lk.mode.value for lk in (*out_links, *in_links)}),
    }


# ---------------------------------------------------------------------------------- GeoJSON
def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``min_lon,min_lat,max_lon,max_lat`` (WGS84 degrees) as four floats."""
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or any(v != v for v in values):
        raise InvalidRequestError("query.bbox", "must be min_lon,min_lat,max_lon,max_lat")
    x0, y0, x1, y1 = values
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise InvalidRequestError(
            "query.bbox",
            "needs -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90",
        )
    return x0, y0, x1, y1


@dataclass(frozen=True, slots=True)
class GeoLayers:
    """The network's GeoJSON features, built once per loaded network: nodes (Points), links
    (LineStrings) and the links' lines for bounding-box tests."""

    nodes: tuple[dict[str, Any], ...]
    links: tuple[dict[str, Any], ...]
    lines: tuple[LineString, ...]

    @classmethod
    def of(cls, network: Network) -> GeoLayers:
        links = link_features(network)
        return cls(
            nodes=tuple(
                {**f, "properties": {**f["properties"], "feature_type": "node"}}
                for f in node_features(network)
            ),
            links=tuple(
                {**f, "properties": {**f["properties"], "feature_type": "link"}} for f in links
            ),
            lines=tuple(LineString(f["geometry"]["coordinates"]) for f in links),
        )


def geo_layers(loaded: LoadedNetwork) -> GeoLayers:
    """The GeoJSON layers of ``loaded``, from its cache (built on first use)."""
    layers = loaded.cache.get("geojson")
    if not isinstance(layers, GeoLayers):
        layers = loaded.cache["geojson"] = GeoLayers.of(loaded.network)
    return layers


def network_geojson(
    loaded: LoadedNetwork, modes: Sequence[Mode] | None, bbox: str | None, layer: Layer
) -> dict[str, Any]:
    """Nodes (Points) and links (LineStrings) as an RFC 7946 FeatureCollection: ``modes`` keeps
    links of those modes and the nodes they touch; ``bbox`` keeps features inside or crossing
    the box; ``layer`` picks nodes, links or both."""
    layers = geo_layers(loaded)
    area = box(*parse_bbox(bbox)) if bbox else None
    wanted = {m.value for m in modes} if modes else None
    links = []
    touched: set[str] = set()
    for feature, line in zip(layers.links, layers.lines, strict=True):
        props = feature["properties"]
        if wanted is not None and props["mode"] not in wanted:
            continue
        if area is not None and not shapely.intersects(area, line):
            continue
        links.append(feature)
        touched.update((props["from"], props["to"], *[v for v in props["via"].split(";") if v]))
    nodes = []
    for feature in layers.nodes:
        lon, lat = feature["geometry"]["coordinates"]
        if area is not None and not (
            area.bounds[0] <= lon <= area.bounds[2] and area.bounds[1] <= lat <= area.bounds[3]
        ):
            continue
        if wanted is not None and feature["properties"]["id"] not in touched:
            continue
        nodes.append(feature)
    features = (nodes if layer in ("all", "nodes") else []) + (
        links if layer in ("all", "links") else []
    )
    return {"type": "FeatureCollection", "name": loaded.network.name, "features": features}
