"""Use cases of the service: quote, book, cancel, departures, node search, network GeoJSON.

Plain functions over the service state, the network and the store; the routes only translate
HTTP to these calls. Every function here is synchronous and may be CPU-bound: routes call them from
plain ``def`` handlers, which FastAPI runs in its thread pool, off the event loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import LineString, box

from router.api.security import Principal
from router.api.state import ServiceState
from router.errors import InvalidRequestError, NotFoundError
from router.network.export import link_features, node_features
from router.network.model import Mode, Network, Node, NodeKind
from router.quotes.document import make_quote
from router.routing.compiled import CompiledNetwork
from router.routing.places import resolve_code, suggestions
from router.routing.request import QuoteRequest
from router.store import repositories as repo
from router.store.capacity import (
    CapacityView,
    Need,
    cargo_need,
    link_capacity,
    scheduled_departures,
)
from router.store.errors import NotBookableError
from router.store.models import Booking, BookingLeg, Departure, Quote, utcnow
from router.units import CST

#: longest date window of GET /v1/departures
MAX_WINDOW_DAYS = 92
DEFAULT_WINDOW_DAYS = 14


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# ------------------------------------------------------------------------------------ quotes
def check_distinct_places(cn: CompiledNetwork, request: QuoteRequest) -> None:
    """Origin and destination must not name the same node (a route needs at least one leg)."""
    origin, destination = request.origin, request.destination
    if origin.code is None or destination.code is None:
        return
    if set(resolve_code(cn, origin.code)) & set(resolve_code(cn, destination.code)):
        raise InvalidRequestError("destination", "must be a different place than the origin")


def create_quote(
    state: ServiceState,
    network: Network,
    principal: Principal,
    request: QuoteRequest,
    *,
    split: bool = False,
) -> dict[str, Any]:
    """Quote ``request`` against the space left on every departure, store it, return it.

    ``split``: also split the containers over departures (see :func:`make_quote`).
    """
    cn = state.compiled
    assert cn is not None and cn.network is network
    check_distinct_places(cn, request)
    since = request.ready.astimezone(UTC) - timedelta(days=1)
    with state.db.read() as session:
        booked = repo.booked_departures(session, since)
    capacity = CapacityView(network, booked)
    document = make_quote(cn, request, capacity=capacity, quote_id=uuid.uuid4().hex, split=split)
    for alt in document["alternatives"]:
        for leg in alt["legs"]:
            link_id = leg.get("link_id")
            unit = capacity.unit(link_id) if link_id else None
            if link_id and unit:
                leg["space_unit"] = unit
                leg["space_remaining"] = capacity(link_id, datetime.fromisoformat(leg["departure"]))
    need = cargo_need(request.cargo)
    with state.db.write() as session:
        row = repo.save_quote(
            session,
            document=document,
            tenant=principal.tenant,
            api_key_id=principal.key_id,
            need_teu=need.teu,
            need_kg=need.kg,
            ttl=timedelta(hours=state.settings.quote_ttl_h),
        )
    return quote_out(row)


def quote_out(row: Quote) -> dict[str, Any]:
    return {
        **row.document,
        "created_at": _iso(row.created_at),
        "expires_at": _iso(row.expires_at),
        "links": {
            "self": f"/v1/quotes/{row.id}",
            "geojson": f"/v1/quotes/{row.id}/geojson",
            "book": "/v1/bookings",
        },
    }


def get_quote(state: ServiceState, principal: Principal, quote_id: str) -> dict[str, Any]:
    with state.db.read() as session:
        return quote_out(repo.get_quote(session, quote_id, principal.tenant_scope))


# ---------------------------------------------------------------------------------- bookings
def _leg_space(
    network: Network, seq: int, link_id: str, departure_text: str, need: Need, now: datetime
) -> repo.LegSpace | None:
    """Space a leg takes on its departure (None when the service's space is not tracked)."""
    link = network.links.get(link_id)
    if link is None:
        raise NotBookableError(
            f"service {link_id} is no longer in the network; request a new quote",
            link_id=link_id,
        )
    departure = datetime.fromisoformat(departure_text)
    if departure <= now:
        raise NotBookableError(
            f"departure {link_id} at {departure.isoformat()} has already left; request a new quote",
            link_id=link_id,
            departure=departure.isoformat(),
        )
    cap = link_capacity(link)
    if cap is None:
        return None
    return repo.LegSpace(seq, link_id, departure, cap[0], cap[1], need.on(link))


def _leg_spaces(network: Network, quote: Quote, alt: dict[str, Any]) -> list[repo.LegSpace]:
    need = Need(teu=quote.need_teu, kg=quote.need_kg)
    now = utcnow()
    spaces = [
        _leg_space(network, seq, leg["link_id"], leg["departure"], need, now)
        for seq, leg in enumerate(alt["legs"])
        if leg.get("link_id")
    ]
    return [s for s in spaces if s is not None]


def _split_spaces(
    network: Network, quote: Quote, document: dict[str, Any], containers: int
) -> list[repo.LegSpace]:
    """Space each leg of a split booking ``document`` takes: its part's containers (parts that
    share a departure each reserve their own share of it)."""
    now = utcnow()
    spaces = []
    for leg in document["legs"]:
        need = Need(teu=float(leg["teu"]), kg=quote.need_kg * leg["containers"] / containers)
        space = _leg_space(network, leg["seq"], leg["link_id"], leg["departure"], need, now)
        if space is not None:
            spaces.append(space)
    return spaces


def _booking_document(alt: dict[str, Any]) -> dict[str, Any]:
    keys = ("mode", "service", "operator", "link_id", "from", "to", "departure", "arrival")
    return {
        "summary": alt["summary"],
        "tags": alt.get("tags", []),
        "departure": alt["departure"],
        "arrival": alt["arrival"],
        "duration_h": alt.get("duration_h"),
        "cost": alt["cost"],
        "co2e_kg": alt.get("co2e_kg"),
        "legs": [
            {"seq": seq, **{k: leg.get(k) for k in keys}} for seq, leg in enumerate(alt["legs"])
        ],
    }


def _split_booking_document(split: dict[str, Any]) -> dict[str, Any]:
    """What a split booking keeps: every part's legs, numbered in one sequence."""
    keys = ("mode", "service", "link_id", "from", "to", "departure", "arrival")
    legs: list[dict[str, Any]] = []
    for index, part in enumerate(split["parts"]):
        for leg in part["legs"]:
            legs.append(
                {
                    "seq": len(legs),
                    "part": index,
                    "containers": part["containers"],
                    "teu": part["teu"],
                    "operator": None,
                    **{k: leg.get(k) for k in keys},
                }
            )
    parts = split["parts"]
    placed = sum(p["containers"] for p in parts)
    return {
        "split": True,
        "summary": f"split: {placed} of {split['containers']} containers in {len(parts)} part(s)"
        f" over {len({(lg['link_id'], lg['departure']) for lg in legs})} departure(s)",
        "tags": [],
        "departure": min(p["departure"] for p in parts),
        "arrival": max(p["arrival"] for p in parts),
        "duration_h": max(p["duration_h"] for p in parts),
        "cost": {
            "total": round(sum(p["cost_cny"] for p in parts), 2),
            "currency": "CNY",
            "breakdown": {},
        },
        "co2e_kg": round(sum(p["co2e_kg"] for p in parts), 1),
        "legs": legs,
    }


def booking_out(
    booking: Booking, held: Sequence[tuple[BookingLeg, Departure]] = ()
) -> dict[str, Any]:
    doc = booking.document
    by_seq = {leg.seq: (leg, dep) for leg, dep in held}
    legs = []
    for leg in doc["legs"]:
        out = dict(leg)
        pair = by_seq.get(leg["seq"])
        if pair is not None:
            bl, dep = pair
            out["space"] = {
                "unit": bl.unit,
                "amount": bl.amount,
                "held": booking.status == "confirmed",
                "capacity": dep.capacity,
                "booked": round(dep.booked, 6),
                "remaining": round(max(0.0, dep.capacity - dep.booked), 6),
            }
        else:
            out["space"] = None
        legs.append(out)
    split = booking.alternative == repo.SPLIT_ALTERNATIVE
    return {
        "id": booking.id,
        "quote_id": booking.quote_id,
        "alternative": None if split else booking.alternative,
        "split": split,
        "status": booking.status,
        "reference": booking.reference,
        "created_at": _iso(booking.created_at),
        "cancelled_at": _iso(booking.cancelled_at),
        **{k: v for k, v in doc.items() if k != "legs"},
        "legs": legs,
    }


def book(
    state: ServiceState,
    network: Network,
    principal: Principal,
    quote_id: str,
    alternative: int,
    reference: str | None,
    *,
    split: bool = False,
) -> dict[str, Any]:
    """Book one alternative, or every part of the quote's split (``split``): every leg's space
    is taken in one transaction, or none is."""
    with state.db.write() as session:
        quote = repo.get_quote(session, quote_id, principal.tenant_scope, for_update=True)
        if split:
            plan = repo.check_split_bookable(quote)
            alternative = repo.SPLIT_ALTERNATIVE
            document = _split_booking_document(plan)
            legs = _split_spaces(network, quote, document, max(1, int(plan["containers"])))
        else:
            alt = repo.check_bookable(quote, alternative)
            legs = _leg_spaces(network, quote, alt)
            document = _booking_document(alt)
        booking = repo.create_booking(
            session,
            quote=quote,
            alternative=alternative,
            tenant=quote.tenant,
            api_key_id=principal.key_id,
            legs=legs,
            document=document,
            reference=reference,
        )
        held = repo.leg_spaces(session, [booking.id]).get(booking.id, [])
        return booking_out(booking, held)


def get_booking(state: ServiceState, principal: Principal, booking_id: str) -> dict[str, Any]:
    with state.db.read() as session:
        booking = repo.get_booking(session, booking_id, principal.tenant_scope)
        return booking_out(booking, repo.leg_spaces(session, [booking.id]).get(booking.id, []))


def list_bookings(
    state: ServiceState, principal: Principal, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    with state.db.read() as session:
        rows, total = repo.list_bookings(
            session, principal.tenant_scope, status=status, limit=limit, offset=offset
        )
        held = repo.leg_spaces(session, [b.id for b in rows])
        items = [booking_out(b, held.get(b.id, [])) for b in rows]
    return page(items, total, limit, offset)


def cancel_booking(state: ServiceState, principal: Principal, booking_id: str) -> dict[str, Any]:
    with state.db.write() as session:
        booking = repo.cancel_booking(session, booking_id, principal.tenant_scope)
        return booking_out(booking, repo.leg_spaces(session, [booking.id]).get(booking.id, []))


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    following = offset + len(items)
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": following if following < total else None,
    }


# -------------------------------------------------------------------------------- departures
def _node_or_404(network: Network, node_id: str) -> Node:
    node = network.nodes.get(node_id)
    if node is None:
        raise NotFoundError(
            "node",
            node_id,
            suggestions(sorted(network.nodes.values(), key=lambda n: n.id), node_id),
        )
    return node


def window(
    date_from: datetime | None, date_to: datetime | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The departures window [from, to): default the next 14 days, at most 92 days."""
    start = (date_from or now or datetime.now(CST)).replace(microsecond=0)
    start = start if start.tzinfo else start.replace(tzinfo=CST)
    end = date_to if date_to is not None else start + timedelta(days=DEFAULT_WINDOW_DAYS)
    end = end if end.tzinfo else end.replace(tzinfo=CST)
    if end <= start:
        raise InvalidRequestError("query.date_to", "must be after date_from")
    if end - start > timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidRequestError(
            "query.date_to", f"the window may span at most {MAX_WINDOW_DAYS} days"
        )
    return start, end


def list_departures(
    state: ServiceState,
    network: Network,
    *,
    service: str | None,
    origin: str | None,
    destination: str | None,
    mode: Mode | None,
    date_from: datetime | None,
    date_to: datetime | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Scheduled departures of capacity-bearing services in a window, with space left."""
    start, end = window(date_from, date_to)
    if origin:
        _node_or_404(network, origin)
    if destination:
        _node_or_404(network, destination)
    wanted = (service or "").strip().lower()
    links = {
        lk.id: lk
        for lk in network.links.values()
        if link_capacity(lk) is not None
        and (not wanted or wanted in (lk.id.lower(), lk.service.lower()))
        and (origin is None or lk.origin == origin)
        and (destination is None or lk.destination == destination)
        and (mode is None or lk.mode is mode)
    }
    with state.db.read() as session:
        rows = repo.departures_between(session, sorted(links), start, end) if links else []
    stored = {(r.link_id, r.departure_at): r for r in rows}
    entries: list[tuple[datetime, str, float, float, str]] = []
    for link in links.values():
        cap = link_capacity(link)
        assert cap is not None
        for moment in scheduled_departures(network, link, start, end):
            row = stored.pop((link.id, moment), None)
            if row is None:
                entries.append((moment, link.id, cap[1], 0.0, cap[0]))
            else:
                entries.append((moment, link.id, row.capacity, row.booked, row.unit))
    for (link_id, moment), row in stored.items():  # booked departures no longer on the schedule
        entries.append((moment.astimezone(CST), link_id, row.capacity, row.booked, row.unit))
    entries.sort(key=lambda e: (e[0], e[1]))
    items = []
    for moment, link_id, capacity, booked, unit in entries[offset : offset + limit]:
        link = links[link_id]
        items.append(
            {
                "link_id": link_id,
                "service": link.service,
                "operator": link.operator,
                "mode": link.mode.value,
                "from": link.origin,
                "to": link.destination,
                "departure": moment.astimezone(CST).isoformat(),
                "unit": unit,
                "capacity": capacity,
                "booked": round(booked, 6),
                "remaining": round(max(0.0, capacity - booked), 6),
            }
        )
    result = page(items, len(entries), limit, offset)
    result["window"] = {"from": start.isoformat(), "to": end.isoformat()}
    return result


# ------------------------------------------------------------------------------------- nodes
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


def _match_rank(node: Node, q: str) -> int | None:
    """0 exact id/UN/LOCODE/name, 1 prefix, 2 substring, None no match."""
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
    """Nodes matching ``q`` by id, UN/LOCODE, English or Chinese name (best matches first)."""
    text = (q or "").strip().lower()
    ranked: list[tuple[int, str, Node]] = []
    for node in network.nodes.values():
        if kind is not None and node.kind is not kind:
            continue
        if jurisdiction and node.jurisdiction.lower() != jurisdiction.lower():
            continue
        rank = _match_rank(node, text) if text else 0
        if rank is not None:
            ranked.append((rank, node.id, node))
    ranked.sort(key=lambda r: (r[0], r[1]))
    items = [node_summary(n) for _, _, n in ranked[offset : offset + limit]]
    return page(items, len(ranked), limit, offset)


def node_detail(network: Network, node_id: str) -> dict[str, Any]:
    node = _node_or_404(network, node_id)
    from router.network.export import node_properties

    out_links = [lk for lk in network.links.values() if lk.origin == node.id]
    in_links = [lk for lk in network.links.values() if lk.destination == node.id]
    return {
        **node_properties(node),
        **node_summary(node),
        "outgoing_links": len(out_links),
        "incoming_links": len(in_links),
        "modes": sorted({lk.mode.value for lk in (*out_links, *in_links)}),
    }


# ----------------------------------------------------------------------------------- GeoJSON
def parse_bbox(text: str) -> tuple[float, float, float, float]:
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


def _geo_cache(state: ServiceState, network: Network) -> dict[str, Any]:
    cached: dict[str, Any] | None = state.cache.get("geojson")
    if cached is None or cached["network"] is not network:
        links = link_features(network)
        cached = {
            "network": network,
            "nodes": [
                {**f, "properties": {**f["properties"], "feature_type": "node"}}
                for f in node_features(network)
            ],
            "links": [
                {**f, "properties": {**f["properties"], "feature_type": "link"}} for f in links
            ],
            "lines": [LineString(f["geometry"]["coordinates"]) for f in links],
        }
        state.cache["geojson"] = cached
    return cached


def network_geojson(
    state: ServiceState,
    network: Network,
    modes: Sequence[Mode] | None,
    bbox: str | None,
    layer: str,
) -> dict[str, Any]:
    """Nodes (Points) and links (LineStrings), filtered by mode and bounding box."""
    cache = _geo_cache(state, network)
    area = box(*parse_bbox(bbox)) if bbox else None
    wanted = {m.value for m in modes} if modes else None
    links = []
    touched: set[str] = set()
    for feature, line in zip(cache["links"], cache["lines"], strict=True):
        props = feature["properties"]
        if wanted is not None and props["mode"] not in wanted:
            continue
        if area is not None and not shapely.intersects(area, line):
            continue
        links.append(feature)
        touched.update((props["from"], props["to"], *[v for v in props["via"].split(";") if v]))
    nodes = []
    for feature in cache["nodes"]:
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
    return {"type": "FeatureCollection", "name": network.name, "features": features}
