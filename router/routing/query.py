"""The one entry point of the search core: a ready-to-run :class:`Search` for a quote request.

Places are resolved against the compiled network (node codes, or lon/lat points with a truck
access leg); required and excluded nodes are checked to exist; per-query tables and lower bounds
are built by :class:`Search` itself (and reused from the compiled network's bounded memo).
"""

from __future__ import annotations

from typing import Any

from router.config import get_settings
from router.errors import InvalidRequestError, NotFoundError
from router.routing.compiled import CompiledNetwork
from router.routing.labels import Access, CapacityFn
from router.routing.places import resolve_place, suggestions
from router.routing.request import QuoteRequest
from router.routing.search import Search

SEARCH_IMPLEMENTATIONS = ("compiled", "python")


def search_class(implementation: str | None = None) -> type[Search]:
    """The search implementation: ``compiled`` (the Cython label loop, default) or ``python``
    (the pure-Python reference); ``None`` reads ``ROUTER_SEARCH`` from the settings."""
    choice = implementation or get_settings().search
    if choice == "python":
        return Search
    if choice != "compiled":
        raise InvalidRequestError(
            "search", f"unknown search implementation {choice!r}; use one of: compiled, python"
        )
    from router.routing.compiled_search import CompiledSearch  # needs the built extension

    return CompiledSearch


def build_search(
    cn: CompiledNetwork,
    request: QuoteRequest,
    capacity: CapacityFn | None = None,
    implementation: str | None = None,
    **options: Any,
) -> Search:
    """A ready-to-run search for ``request`` (places resolved, bounds computed), with the
    compiled label loop unless ``implementation`` (or ``ROUTER_SEARCH``) says ``python``."""
    origins, destinations = resolve_ends(cn, request)
    cls = search_class(implementation)
    return cls(cn, request, origins, destinations, capacity=capacity, **options)


def resolve_ends(
    cn: CompiledNetwork, request: QuoteRequest
) -> tuple[list[tuple[int, Access | None]], list[tuple[int, Access | None]]]:
    """The request's origin and destination nodes, each with its access leg if the place is a
    point (required and excluded nodes are checked to exist)."""
    if request.origin == request.destination:
        raise InvalidRequestError("destination", "origin and destination are the same place")
    origins = resolve_origin(cn, request)
    destinations = resolve_place(
        cn,
        request.destination,
        request.cargo,
        request.constraints.max_truck_km,
        False,
        "destination",
    )
    if {i for i, _ in origins} & {i for i, access in destinations if access is None}:
        raise InvalidRequestError("destination", "origin and destination are the same node")
    return origins, destinations


def resolve_origin(cn: CompiledNetwork, request: QuoteRequest) -> list[tuple[int, Access | None]]:
    """The request's origin nodes with their access legs (required and excluded nodes are
    checked to exist)."""
    cons = request.constraints
    for node_id in (*cons.required_nodes, *cons.excluded_nodes):
        if node_id not in cn.index:
            raise NotFoundError("node", node_id, suggestions(cn.nodes, node_id))
    return resolve_place(cn, request.origin, request.cargo, cons.max_truck_km, True, "origin")
