"""Bookings as use cases: which quotes may be booked, what a booking keeps, the space it takes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from router.errors import InvalidRequestError
from router.routing.request import Cargo, PlaceRef, QuoteRequest
from router.services import auth, bookings, quoting
from router.services.bookings import BookedLeg, LegView, alternative_legs, leg_spaces, split_legs
from router.services.capacity import Need
from router.services.context import ServiceContext
from router.services.errors import ExpiredError, NotBookableError
from router.store.models import Quote
from router.units import CST

RAIL = "RAIL-PHS-DUI"  # X8428 Pinghu South -> Duisburg, 82 TEU, Tue and Fri 20:00
LATER = datetime.now(CST).replace(microsecond=0) + timedelta(days=60)


def _quote(status: str = "ok", ttl_h: float = 72.0, alternatives: int = 1) -> Quote:
    now = datetime.now(UTC)
    doc = {
        "id": uuid.uuid4().hex,
        "status": status,
        "alternatives": [{"summary": "x", "legs": []}] * alternatives if status == "ok" else [],
    }
    return Quote(
        id=doc["id"],
        tenant="ACME",
        status=status,
        created_at=now,
        expires_at=now + timedelta(hours=ttl_h),
        need_teu=4.0,
        need_kg=36_000.0,
        document=doc,
    )


def _leg(link_id: str | None, departure: datetime, mode: str = "rail") -> dict:
    return {
        "mode": mode,
        "service": "X8428",
        "operator": "Rail",
        "link_id": link_id,
        "from": "SZ-PINGHU-RAIL",
        "to": "DEDUI",
        "departure": departure.isoformat(),
        "arrival": (departure + timedelta(days=16)).isoformat(),
        "distance_km": 13_438.0,
    }


def test_bookability_rules() -> None:
    ok = _quote()
    assert bookings.check_bookable(ok, 0) == ok.document["alternatives"][0]
    with pytest.raises(InvalidRequestError) as err:
        bookings.check_bookable(ok, 3)
    assert err.value.field == "alternative"
    with pytest.raises(NotBookableError, match="no route to book"):
        bookings.check_bookable(_quote(status="no_route"), 0)
    with pytest.raises(ExpiredError, match="request a new quote"):
        bookings.check_bookable(_quote(ttl_h=-1), 0)
    with pytest.raises(NotBookableError, match="no split to book"):
        bookings.check_split_bookable(ok)


def test_only_a_split_that_carries_the_whole_cargo_is_bookable() -> None:
    # issue 13 defect 8: a quote whose split placed only part of the cargo was bookable (1,500
    # containers booked from a "no_route" quote)
    parts = [{"containers": 3, "teu": 6.0, "legs": []}]
    partial = _quote(status="no_route")
    partial.document["split"] = {"status": "partial", "placed": 3, "containers": 5, "parts": parts}
    with pytest.raises(NotBookableError, match="places only 3 of its 5 containers"):
        bookings.check_split_bookable(partial)
    whole = _quote(status="split")
    whole.document["split"] = {"status": "ok", "placed": 3, "containers": 3, "parts": parts}
    assert bookings.check_split_bookable(whole)["placed"] == 3
    with pytest.raises(NotBookableError, match='book its split with "split": true'):
        bookings.check_bookable(whole, 0)


def test_a_leg_is_read_once_into_a_typed_view() -> None:
    leg = LegView.read(_leg(RAIL, LATER))
    assert (leg.origin, leg.destination, leg.link_id) == ("SZ-PINGHU-RAIL", "DEDUI", RAIL)
    assert leg.departure_at == LATER
    booked = BookedLeg(2, leg, Need(4.0, 36_000.0))
    assert booked.document() == {
        "seq": 2,
        "mode": "rail",
        "service": "X8428",
        "operator": "Rail",
        "link_id": RAIL,
        "from": "SZ-PINGHU-RAIL",
        "to": "DEDUI",
        "departure": LATER.isoformat(),
        "arrival": (LATER + timedelta(days=16)).isoformat(),
    }


def test_split_legs_are_numbered_in_one_sequence_and_take_their_parts_space() -> None:
    split = {
        "containers": 5,
        "parts": [
            {"containers": 3, "teu": 6.0, "legs": [_leg(None, LATER, "truck"), _leg(RAIL, LATER)]},
            {"containers": 2, "teu": 4.0, "legs": [_leg(RAIL, LATER + timedelta(days=3))]},
        ],
    }
    legs = split_legs(split, need_kg=50_000.0)
    assert [(lg.seq, lg.part, lg.containers, lg.teu) for lg in legs] == [
        (0, 0, 3, 6.0),
        (1, 0, 3, 6.0),
        (2, 1, 2, 4.0),
    ]
    assert [lg.need for lg in legs] == [Need(6.0, 30_000.0)] * 2 + [Need(4.0, 20_000.0)]
    assert legs[2].document()["part"] == 1 and legs[0].document()["link_id"] is None


def test_leg_spaces_skip_untracked_legs_and_refuse_departed_or_unknown_services(
    ctx: ServiceContext,
) -> None:
    network = ctx.network
    assert network is not None
    need = Need(4.0, 36_000.0)
    alt = {"legs": [_leg(None, LATER, "truck"), _leg(RAIL, LATER)]}
    (space,) = leg_spaces(network, alternative_legs(alt, need))
    assert (space.seq, space.link_id, space.unit, space.capacity, space.amount) == (
        1,
        RAIL,
        "teu",
        82.0,
        4.0,
    )
    left = {"legs": [_leg(RAIL, datetime.now(CST) - timedelta(hours=1))]}
    with pytest.raises(NotBookableError, match="has already left"):
        leg_spaces(network, alternative_legs(left, need))
    gone = {"legs": [_leg("RAIL-GONE", LATER)]}
    with pytest.raises(NotBookableError, match="no longer in the network"):
        leg_spaces(network, alternative_legs(gone, need))


def test_book_and_cancel_through_the_use_cases(ctx: ServiceContext) -> None:
    loaded = ctx.loaded
    assert loaded is not None
    shipper = auth.authenticate(ctx.db, auth.create_key(ctx.db, name="ACME", role="shipper").secret)
    other = auth.authenticate(ctx.db, auth.create_key(ctx.db, name="Globex", role="shipper").secret)
    assert shipper is not None and other is not None
    ready = (LATER - timedelta(days=LATER.weekday())).replace(hour=8, minute=0)  # a Monday
    request = QuoteRequest(
        PlaceRef("SZ-CITY"), PlaceRef("DEDUI"), Cargo(containers=(("42G1", 2),)), ready
    )
    quote = quoting.create_quote(ctx, loaded, shipper, request)
    assert quote["status"] == "ok"
    booking = bookings.book(ctx, loaded.network, shipper, quote["id"], 0, "PO-1")
    assert booking["status"] == "confirmed" and booking["reference"] == "PO-1"
    rail = next(leg for leg in booking["legs"] if leg["link_id"] == RAIL)
    assert rail["space"]["amount"] == 4.0 and rail["space"]["remaining"] == 78.0
    assert quote["alternatives"][0]["legs"][rail["seq"]]["departure"] == rail["departure"]
    # a second quote of the same cargo sees the space the booking took
    again = quoting.create_quote(ctx, loaded, shipper, request)
    leg = next(lg for lg in again["alternatives"][0]["legs"] if lg["link_id"] == RAIL)
    assert (leg["departure"], leg["space_remaining"]) == (rail["departure"], 78.0)
    assert bookings.list_bookings(ctx, other, None, 10, 0)["total"] == 0
    cancelled = bookings.cancel_booking(ctx, shipper, booking["id"])
    assert cancelled["status"] == "cancelled"
    assert next(lg for lg in cancelled["legs"] if lg["link_id"] == RAIL)["space"]["held"] is False
