"""The freight network: domain model, loading and validation, geodesy, graph views."""

from router.network.load import inspect_dataset, load_network
from router.network.model import Link, Network, Node

__all__ = ["Link", "Network", "Node", "inspect_dataset", "load_network"]
