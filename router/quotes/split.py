"""The quote's split hook: attach a capacity-aware split of the containers over departures to a
quote document (``doc["split"]``), when asked or when no single departure has room for the cargo.
"""

from __future__ import annotations

from typing import Any

from router.optimise.candidates import DepartureSpace
from router.optimise.split import (
    QUOTE_SPLIT_TIME_LIMIT_S,
    SplitOptions,
    split_shipment,
    unit_request,
)
from router.routing.compiled import CompiledNetwork
from router.routing.query import build_search
from router.routing.request import CONTAINER_TYPES, QuoteRequest
from router.routing.search import CapacityFn


def fits_one_departure_only_by_capacity(
    cn: CompiledNetwork, request: QuoteRequest, capacity: CapacityFn | None
) -> bool:
    """Whether a single container of the cargo has a route (so capacity is what blocks it)."""
    cargo = request.cargo
    if not cargo.is_containerised or cargo.container_count < 2:
        return False
    code = max(cargo.containers, key=lambda cn: CONTAINER_TYPES[cn[0]].teu)[0]
    space = DepartureSpace(cn.network, capacity)
    return bool(build_search(cn, unit_request(request, code), space.callback()).run())


def attach_split(
    doc: dict[str, Any],
    cn: CompiledNetwork,
    request: QuoteRequest,
    capacity: CapacityFn | None,
    *,
    asked: bool = False,
    time_limit_s: float = QUOTE_SPLIT_TIME_LIMIT_S,
    seed: int = 0,
) -> None:
    """Add ``doc["split"]`` to a quote document (DESIGN.md §4.1 grows by this field).

    Called by :func:`router.quotes.document.make_quote` when the quote has no route and a single
    container of the cargo does have one (so the cargo only fails for lack of space on one
    departure), or when the caller asked for a split. A ``no_route`` quote becomes ``split`` when
    the split places every container (it has no alternative, and its split is bookable); with a
    ``partial`` split it stays ``no_route`` (nothing carries the whole cargo, nothing can be
    booked); a reason points to the split.
    """
    cargo = request.cargo
    if not cargo.is_containerised:
        return
    if not asked and (
        doc.get("alternatives") or not fits_one_departure_only_by_capacity(cn, request, capacity)
    ):
        return
    result = split_shipment(
        cn, request, capacity, options=SplitOptions(time_limit_s=time_limit_s, seed=seed)
    )
    doc["split"] = result.to_dict()
    if doc.get("status") == "no_route" and result.status == "ok":
        # no single alternative carries the cargo, but the split carries all of it: that is
        # what the quote offers (and what can be booked), and its status says so
        doc["status"] = "split"
    if doc.get("status") in ("no_route", "split") and result.status in ("ok", "partial"):
        reason = (
            f"the cargo ({cargo.container_count} containers, {cargo.teu} TEU) fits no single departure; "
            f"split over {len(result.parts)} part(s) ({result.placed} placed"
            + (f", {result.total - result.placed} not placed" if result.status == "partial" else "")
            + "): see split"
        )
        doc.setdefault("reasons", []).insert(0, reason)
