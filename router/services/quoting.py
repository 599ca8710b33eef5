"""Quoting: the quote document (DESIGN.md §4.1) against departure space, stored per tenant.

The CLI and the API build the document the same way, :func:`quote_document`: the CLI against
the schedule's full space per departure (it has no bookings), the API against the space left
after its bookings. For the same request on the same network with no bookings the two documents
are equal but for their ``id``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from router.errors import InvalidRequestError
from router.quotes.document import make_quote
from router.quotes.geojson import quote_geojson
from router.routing.compiled import CompiledNetwork
from router.routing.places import resolve_code
from router.routing.request import QuoteRequest
from router.services import idempotency
from router.services.auth import Principal
from router.services.capacity import CapacityView, Need, live_capacity, schedule_capacity
from router.services.context import LoadedNetwork, ServiceContext
from router.services.idempotency import Idempotency
from router.store import repositories as repo
from router.store.models import Quote
from router.units import CST

#: how far in the past a quote's ready time may lie (clocks differ; the request takes time)
READY_GRACE = timedelta(hours=1)
#: fields the API adds to a stored quote document: when it was stored, until when it can be
#: booked, and where to find it (not part of the document itself)
ROW_FIELDS = ("created_at", "expires_at", "links")


def check_distinct_places(cn: CompiledNetwork, request: QuoteRequest) -> None:
    """Origin and destination must not name the same node (a route needs at least one leg)."""
    origin, destination = request.origin, request.destination
    if origin.code is None or destination.code is None:
        return
    if set(resolve_code(cn, origin.code)) & set(resolve_code(cn, destination.code)):
        raise InvalidRequestError("destination", "must be a different place than the origin")


def check_ready_not_past(request: QuoteRequest, now: datetime | None = None) -> None:
    """A stored quote is for booking: its ready time may not lie in the past (beyond
    :data:`READY_GRACE`), or none of its departures could ever be booked."""
    ready = request.ready if request.ready.tzinfo else request.ready.replace(tzinfo=CST)
    now = now or datetime.now(UTC)
    if ready < now - READY_GRACE:
        raise InvalidRequestError(
            "ready",
            f"is in the past ({ready.isoformat()}); a quote from then could never be booked: "
            "give a time from now on",
        )


def quote_document(
    cn: CompiledNetwork,
    request: QuoteRequest,
    *,
    capacity: CapacityView | None = None,
    quote_id: str | None = None,
    split: bool = False,
) -> dict[str, Any]:
    """The quote document for ``request``, every leg with the space left on its departure.

    ``capacity``: space left per departure (default: the schedule's full space, nothing
    booked). ``split``: also split the containers over departures.
    """
    space = capacity if capacity is not None else schedule_capacity(cn.network)
    return make_quote(cn, request, capacity=space, quote_id=quote_id, split=split)


def create_quote(
    ctx: ServiceContext,
    loaded: LoadedNetwork,
    principal: Principal,
    request: QuoteRequest,
    *,
    split: bool = False,
    idem: Idempotency | None = None,
) -> dict[str, Any]:
    """Quote ``request`` against the space left on every departure, store it for the caller's
    tenant (bookable until the quote TTL ends) and return it (:func:`quote_out`). With ``idem``,
    the response is kept for a retry with the same key."""
    cn = loaded.compiled
    check_distinct_places(cn, request)
    check_ready_not_past(request)
    capacity = live_capacity(ctx.db, loaded.network, request.ready)
    document = quote_document(
        cn, request, capacity=capacity, quote_id=uuid.uuid4().hex, split=split
    )
    need = Need.of(request.cargo)
    with ctx.db.write() as session:
        idempotency.claim(session, idem)
        row = repo.save_quote(
            session,
            document=document,
            tenant=principal.tenant,
            api_key_id=principal.key_id,
            need_teu=need.teu,
            need_kg=need.kg,
            ttl=timedelta(hours=ctx.settings.quote_ttl_h),
        )
        return idempotency.remember(session, idem, quote_out(row))


def quote_out(row: Quote) -> dict[str, Any]:
    """A stored quote: its document as built, and the :data:`ROW_FIELDS`."""
    return {
        **row.document,
        "created_at": row.created_at.isoformat(),
        "expires_at": row.expires_at.isoformat(),
        "links": {
            "self": f"/v1/quotes/{row.id}",
            "geojson": f"/v1/quotes/{row.id}/geojson",
            "book": "/v1/bookings",
        },
    }


def get_quote(ctx: ServiceContext, principal: Principal, quote_id: str) -> dict[str, Any]:
    """One of the caller's stored quotes (another tenant's is not found)."""
    with ctx.db.read() as session:
        return quote_out(repo.get_quote(session, quote_id, principal.tenant_scope))


def get_quote_geojson(ctx: ServiceContext, principal: Principal, quote_id: str) -> dict[str, Any]:
    """The legs of every alternative of a stored quote as a GeoJSON FeatureCollection."""
    return quote_geojson(get_quote(ctx, principal, quote_id))
