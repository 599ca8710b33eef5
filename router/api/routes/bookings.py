"""Bookings: book a quote alternative (consumes departure space), get, list own, cancel."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from router.api.deps import ContextDep, NetworkDep, Shipper
from router.api.docs import AUTH, BOOKING_EXAMPLE, page_example, responses
from router.api.schemas import ID_PATTERN, BookingIn, BookingOut, Page
from router.services import bookings

router = APIRouter(tags=["bookings"])

BookingId = Annotated[
    str, Path(max_length=64, pattern=ID_PATTERN, examples=["9a8b7c6d5e4f40312a1b0c9d8e7f6a5b"])
]


@router.post(
    "/bookings",
    status_code=201,
    response_model=BookingOut,
    summary="Book one alternative (or the split) of an unexpired quote",
    description="Takes the cargo's space on every scheduled departure of the alternative in one "
    "database transaction: all or nothing. With `split: true`, books every part of the quote's "
    "split (each part's containers on its own departures) the same way. 409 when a departure has no room left (the message "
    "says how much is left), when the alternative is already booked or a departure has left; 410 "
    "when the quote has expired; 404 for an unknown (or another tenant's) quote.",
    responses=responses(
        BOOKING_EXAMPLE, *AUTH, 404, 409, 410, 413, status=201, description="Booked"
    ),
)
def create_booking(
    principal: Shipper, ctx: ContextDep, loaded: NetworkDep, body: BookingIn
) -> dict[str, Any]:
    return bookings.book(
        ctx,
        loaded.network,
        principal,
        body.quote_id,
        body.alternative,
        body.reference,
        split=body.split,
    )


@router.get(
    "/bookings",
    response_model=Page[BookingOut],
    summary="Your bookings, newest first",
    description="Paginated with `limit` and `offset`; filter by `status`.",
    responses=responses(page_example(BOOKING_EXAMPLE), *AUTH),
)
def list_bookings(
    principal: Shipper,
    ctx: ContextDep,
    status: Literal["confirmed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return bookings.list_bookings(ctx, principal, status, limit, offset)


@router.get(
    "/bookings/{booking_id}",
    response_model=BookingOut,
    summary="One of your bookings, with the space it holds",
    responses=responses(BOOKING_EXAMPLE, *AUTH, 404),
)
def get_booking(principal: Shipper, ctx: ContextDep, booking_id: BookingId) -> dict[str, Any]:
    return bookings.get_booking(ctx, principal, booking_id)


@router.post(
    "/bookings/{booking_id}/cancel",
    response_model=BookingOut,
    summary="Cancel a booking and release its space",
    description="409 if the booking is already cancelled.",
    responses=responses(
        {**BOOKING_EXAMPLE, "status": "cancelled", "cancelled_at": "2027-02-28T01:00:00+00:00"},
        *AUTH,
        404,
        409,
    ),
)
def cancel_booking(principal: Shipper, ctx: ContextDep, booking_id: BookingId) -> dict[str, Any]:
    return bookings.cancel_booking(ctx, principal, booking_id)
