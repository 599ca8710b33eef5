"""A quote's commercial terms (DESIGN.md §2.3, §4.1): its scope (door or terminal at each end, the
Incoterm when given), what its price includes and excludes, and its validity.
"""

from __future__ import annotations

from typing import Any

from router.network.model import Network, NodeKind
from router.routing.request import (
    CONTAINER_TYPES,
    INCOTERMS,
    CustomsScope,
    PlaceRef,
    QuoteRequest,
)


def _end(network: Network, place: PlaceRef, node_id: str | None) -> dict[str, Any]:
    if place.is_point:
        return {"type": "door", "place": str(place)}
    node = network.nodes.get(node_id or "")
    if node is not None and node.kind is NodeKind.CITY:
        return {"type": "door", "place": node.id}
    kind = node.kind.value if node is not None else "terminal"
    return {"type": "terminal", "place": node_id, "kind": kind}


def scope(network: Network, request: QuoteRequest, alt: dict[str, Any]) -> dict[str, Any]:
    """Door or terminal at each end of an alternative, and the Incoterm when the shipper gave
    one (with who pays the main carriage under it, Incoterms 2020)."""
    legs = alt["legs"]
    first, last = legs[0]["from"], legs[-1]["to"]
    doc: dict[str, Any] = {
        "origin": _end(network, request.origin, None if first == "origin" else first),
        "destination": _end(network, request.destination, None if last == "destination" else last),
        "customs": request.customs_scope.value,
        "incoterm": request.incoterm,
    }
    if request.incoterm is not None:
        doc["main_carriage_paid_by"] = INCOTERMS[request.incoterm]
    return doc


def inclusions(
    network: Network, request: QuoteRequest, alt: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """What the alternative's price includes and what it leaves out."""
    names = {line["name"] for line in alt["cost"]["lines"]}
    legs = alt["legs"]
    included = ["freight (base rate and the surcharges listed)"]
    if "terminal handling" in names or "CFS / cargo handling" in names:
        included.append("terminal handling charges listed per terminal")
    if "port fees" in names:
        included.append("port dues and document fees")
    if "storage" in names:
        included.append(
            "terminal storage beyond free time, including while waiting for a departure"
        )
    if "transfer" in names:
        included.append("transfer costs between modes")
    if any(leg["service"] in ("first-mile", "last-mile") for leg in legs):
        included.append("first- and last-mile trucking")
    cscope = request.customs_scope
    if cscope in (CustomsScope.EXPORT, CustomsScope.BOTH):
        included.append("export customs declaration and expected inspection cost")
    if cscope in (CustomsScope.IMPORT, CustomsScope.BOTH):
        included.append("import customs declaration and expected inspection cost")
    excluded = ["import duties, VAT and other taxes"]
    if any(
        line["where"] == "route" and "insurance" in line["name"] for line in alt["cost"]["lines"]
    ):
        included.append("cargo insurance on the declared value")
    else:
        excluded.append("cargo insurance (give the cargo's declared value to have it quoted)")
    if cscope is CustomsScope.EXPORT:
        excluded.append("import customs clearance (outside the requested customs scope)")
    elif cscope is CustomsScope.IMPORT:
        excluded.append("export customs clearance (outside the requested customs scope)")
    if request.cargo.is_containerised:
        units = {CONTAINER_TYPES[code].unit.value for code, _ in request.cargo.containers}
        excluded.append(_demurrage_text(network, legs, units))
    last = legs[-1]["to"]
    node = network.nodes.get(last)
    if (
        node is not None
        and node.kind is not NodeKind.CITY
        and not any(f.node_id == last and f.fee in ("thc", "cfs") for f in network.fees)
    ):
        excluded.append(f"destination charges at {last} (no tariff in the data)")
    return included, excluded


_BOX = {"20": "20'", "40": "40'", "40HC": "40'HC"}


def _demurrage_text(network: Network, legs: list[dict[str, Any]], units: set[str]) -> str:
    tables = network.pricing
    ports = {leg["from"] for leg in legs} | {leg["to"] for leg in legs}
    found = [
        d
        for d in (tables.demurrage if tables else ())
        if d.node_id in ports and d.unit.value in units
    ]
    if not found:
        return "demurrage and detention beyond the carrier's free time"
    parts = [
        f"{d.charge} at {d.node_id}: {d.free_days:g} free days, then {d.amount_per_day:g} "
        f"{d.currency}/day per {_BOX[d.unit.value]}"
        for d in sorted(found, key=lambda d: (d.node_id, d.charge, d.unit.value))
    ]
    return "demurrage and detention beyond free time (" + "; ".join(parts) + ")"


def earliest(dates: list[str | None]) -> str | None:
    """The earliest of ISO dates (None if none is given)."""
    given = [d for d in dates if d]
    return min(given) if given else None
