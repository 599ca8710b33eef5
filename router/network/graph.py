"""A networkx view of a :class:`Network` for analysis and export (the solver compiles its own)."""

from __future__ import annotations

import networkx as nx

from router.network.model import Network


def to_networkx(network: Network) -> nx.MultiDiGraph:
    """A MultiDiGraph: one node per network node, one keyed edge per link (key = link id).

    Node attributes: name, kind, jurisdiction, lon, lat. Edge attributes: mode, regime,
    distance_km, transit_h, operator, service.
    """
    graph = nx.MultiDiGraph(name=network.name)
    for node in network.nodes.values():
        graph.add_node(
            node.id,
            name=node.name,
            kind=node.kind.value,
            jurisdiction=node.jurisdiction,
            lon=node.lon,
            lat=node.lat,
        )
    for link in network.links.values():
        graph.add_edge(
            link.origin,
            link.destination,
            key=link.id,
            mode=link.mode.value,
            regime=link.regime.value,
            distance_km=link.distance_km,
            transit_h=link.transit_h,
            operator=link.operator,
            service=link.service,
        )
    return graph
