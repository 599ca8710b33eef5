"""Bookings: book a quote alternative (consumes departure space), get, list own, cancel."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from router.api.deps import ContextDep, Limit, NetworkDep, Offset, Shipper
from router.api.docs import AUTH, BOOKING_EXAMPLE, page_example, responses
from router.api.idempotent import IdempotencyDep, answer
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
    principal: Shipper, ctx: ContextDep, loaded: NetworkDep, body: BookingIn, idem: IdempotencyDep
) -> JSONResponse:
    return answer(
        ctx,
        idem,
        lambda: bookings.book(
            ctx,
            loaded.network,
            principal,
            body.quote_id,
            body.alternative,
            body.reference,
            split=body.split,
            idem=idem,
        ),
        status=lambda _: 201,
        shape=lambda out: BookingOut.model_validate(out).model_dump(mode="json", by_alias=True),
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
    limit: Limit = 20,
    offset: Offset = 0,
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


EVENTS_EXAMPLE = {
    "booking_id": "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b",
    "items": [
        {
            "event": "created",
            "at": "2027-02-27T03:00:00+00:00",
            "by": {"key_prefix": "1a2b3c4d", "name": "ACME", "role": "shipper"},
            "detail": {"status": "confirmed"},
        },
        {
            "event": "cancelled",
            "at": "2027-02-28T01:00:00+00:00",
            "by": {"key_prefix": "1a2b3c4d", "name": "ACME", "role": "shipper"},
            "detail": {"status": "cancelled"},
        },
    ],
}


@router.get(
    "/bookings/{booking_id}/events",
    summary="Every change of a booking: created, cancelled; who and when",
    description="The booking's event log, oldest first. Each event is written in the same "
    "transaction as the change it records. `by` is the API key that made the change (null for "
    "events recorded before the log existed, or when the key was deleted).",
    responses=responses(EVENTS_EXAMPLE, *AUTH, 404),
)
def booking_events(principal: Shipper, ctx: ContextDep, booking_id: BookingId) -> dict[str, Any]:
    return bookings.booking_events(ctx, principal, booking_id)
