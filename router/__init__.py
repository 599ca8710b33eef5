"""GBA Freight Router: multimodal freight routing under customs-supervision rules.

The public library API (DESIGN.md §5), in the order a user calls it::

    import router

    network = router.load_network("data")        # validated; DatasetError lists every problem
    cn = router.compile_network(network)          # the explicit, immutable search handle
    request = router.QuoteRequest(
        router.PlaceRef("CN-SZ-CITY"), router.PlaceRef("DEDUI"),
        router.Cargo(containers=(("42G1", 1),)), ready=datetime(2026, 12, 1, 8, 0),
    )
    quote = router.make_quote(cn, request)        # the quote document of DESIGN.md §4.1
    problems = router.check_quote(network, request, quote)   # independent legality check

and, for the optimisation models: :func:`split_shipment` (one shipment's containers over
departures), :func:`assign_shipments` (many shipments under shared capacity) and
:func:`consolidate` (train load planning). Units are in the names: ``*_km``, ``*_h``, ``*_kg``,
``*_cny``; times are CST (UTC+8) unless an offset is given.

Names are resolved lazily (PEP 562): ``import router`` loads nothing heavy; the first use of a
name imports the module that defines it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "load_network": "router.network.load",
    "inspect_dataset": "router.network.load",
    "Network": "router.network.model",
    "Node": "router.network.model",
    "Link": "router.network.model",
    "compile_network": "router.routing.compiled",
    "CompiledNetwork": "router.routing.compiled",
    "QuoteRequest": "router.routing.request",
    "PlaceRef": "router.routing.request",
    "Cargo": "router.routing.request",
    "TraderProfile": "router.routing.request",
    "Constraints": "router.routing.request",
    "Preferences": "router.routing.request",
    "CustomsScope": "router.routing.request",
    "make_quote": "router.quotes.document",
    "split_shipment": "router.optimise.split",
    "SplitOptions": "router.optimise.split",
    "assign_shipments": "router.optimise.assign",
    "AssignmentOptions": "router.optimise.assign",
    "Shipment": "router.optimise.assign",
    "MinLoad": "router.optimise.assign",
    "consolidate": "router.optimise.consolidation",
    "ConsolidationOptions": "router.optimise.consolidation",
    "check_quote": "router.verify.legality",
    "check_alternative": "router.verify.legality",
}

__all__ = [
    "AssignmentOptions",
    "Cargo",
    "CompiledNetwork",
    "ConsolidationOptions",
    "Constraints",
    "CustomsScope",
    "Link",
    "MinLoad",
    "Network",
    "Node",
    "PlaceRef",
    "Preferences",
    "QuoteRequest",
    "Shipment",
    "SplitOptions",
    "TraderProfile",
    "assign_shipments",
    "check_alternative",
    "check_quote",
    "compile_network",
    "consolidate",
    "inspect_dataset",
    "load_network",
    "make_quote",
    "split_shipment",
]

if TYPE_CHECKING:
    from router.network.load import inspect_dataset, load_network
    from router.network.model import Link, Network, Node
    from router.optimise.assign import AssignmentOptions, MinLoad, Shipment, assign_shipments
    from router.optimise.consolidation import ConsolidationOptions, consolidate
    from router.optimise.split import SplitOptions, split_shipment
    from router.quotes.document import make_quote
    from router.routing.compiled import CompiledNetwork, compile_network
    from router.routing.request import (
        Cargo,
        Constraints,
        CustomsScope,
        PlaceRef,
        Preferences,
        QuoteRequest,
        TraderProfile,
    )
    from router.verify.legality import check_alternative, check_quote


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'router' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
