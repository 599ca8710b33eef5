"""Bookings: book one alternative of a quote, or every part of its split, taking the cargo's
space on each departure in one transaction (all or nothing); read, list and cancel them.

A booking keeps a document of what was booked (summary, times, cost and its legs, numbered
``seq``); each leg on a tracked departure holds space there (TEU, kg for air), which cancelling
releases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from router.errors import InvalidRequestError
from router.network.capacity import link_capacity
from router.network.model import Network
from router.services import idempotency
from router.services.auth import Principal
from router.services.capacity import Need
from router.services.context import ServiceContext
from router.services.errors import ExpiredError, NotBookableError
from router.services.idempotency import Idempotency
from router.services.paging import page
from router.store import repositories as repo
from router.store.models import Booking, BookingLeg, Departure, Quote, utcnow


# ------------------------------------------------------------------------- what is booked
@dataclass(frozen=True, slots=True)
class LegView:
    """One leg of a quote alternative or of a split part, as a booking keeps it.

    Read from the quote document with :meth:`read`; ``departure`` and ``arrival`` are ISO 8601
    (CST) as in the document; ``link_id`` is None for first- and last-mile trucking.
    """

    mode: str
    service: str | None
    operator: str | None
    link_id: str | None
    origin: str
    destination: str
    departure: str
    arrival: str

    @classmethod
    def read(cls, leg: Mapping[str, Any]) -> LegView:
        return cls(
            mode=leg["mode"],
            service=leg.get("service"),
            operator=leg.get("operator"),
            link_id=leg.get("link_id"),
            origin=leg["from"],
            destination=leg["to"],
            departure=leg["departure"],
            arrival=leg["arrival"],
        )

    @property
    def departure_at(self) -> datetime:
        return datetime.fromisoformat(self.departure)

    def document(self) -> dict[str, Any]:
        """The leg's fields in a booking document."""
        return {
            "mode": self.mode,
            "service": self.service,
            "operator": self.operator,
            "link_id": self.link_id,
            "from": self.origin,
            "to": self.destination,
            "departure": self.departure,
            "arrival": self.arrival,
        }


@dataclass(frozen=True, slots=True)
class BookedLeg:
    """A leg of a booking: its number, the leg, and the space it needs on its departure. Legs of
    a split booking also name their ``part`` and that part's ``containers`` and ``teu``."""

    seq: int
    leg: LegView
    need: Need
    part: int | None = None
    containers: int | None = None
    teu: float | None = None

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"seq": self.seq}
        if self.part is not None:
            doc.update({"part": self.part, "containers": self.containers, "teu": self.teu})
        return {**doc, **self.leg.document()}


def alternative_legs(alt: Mapping[str, Any], need: Need) -> list[BookedLeg]:
    """The legs of one quote alternative, each needing the whole cargo's space."""
    return [BookedLeg(seq, LegView.read(leg), need) for seq, leg in enumerate(alt["legs"])]


def split_legs(split: Mapping[str, Any], need_kg: float) -> list[BookedLeg]:
    """Every part's legs of a quote's split, numbered in one sequence: each takes its part's
    containers (parts that share a departure each reserve their own share of it)."""
    containers = max(1, int(split["containers"]))
    legs: list[BookedLeg] = []
    for index, part in enumerate(split["parts"]):
        need = Need(teu=float(part["teu"]), kg=need_kg * part["containers"] / containers)
        for leg in part["legs"]:
            view = LegView.read(leg)
            legs.append(BookedLeg(len(legs), view, need, index, part["containers"], part["teu"]))
    return legs


def _alternative_document(alt: Mapping[str, Any], legs: Sequence[BookedLeg]) -> dict[str, Any]:
    return {
        "summary": alt["summary"],
        "tags": alt.get("tags", []),
        "departure": alt["departure"],
        "arrival": alt["arrival"],
        "duration_h": alt.get("duration_h"),
        "cost": alt["cost"],
        "co2e_kg": alt.get("co2e_kg"),
        "legs": [leg.document() for leg in legs],
    }


def _split_document(split: Mapping[str, Any], legs: Sequence[BookedLeg]) -> dict[str, Any]:
    """What a split booking keeps: every part's legs, numbered in one sequence."""
    parts = split["parts"]
    placed = sum(p["containers"] for p in parts)
    departures = {(lg.leg.link_id, lg.leg.departure) for lg in legs}
    return {
        "split": True,
        "summary": f"split: {placed} of {split['containers']} containers in {len(parts)} part(s)"
        f" over {len(departures)} departure(s)",
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
        "legs": [leg.document() for leg in legs],
    }


# ------------------------------------------------------------------------------ bookability
def _check_unexpired(quote: Quote, now: datetime) -> None:
    if quote.expires_at <= now:
        raise ExpiredError(
            f"quote {quote.id} expired at {quote.expires_at.isoformat()}; request a new quote",
            quote_id=quote.id,
            expired_at=quote.expires_at.isoformat(),
        )


def check_bookable(quote: Quote, alternative: int, now: datetime | None = None) -> dict[str, Any]:
    """The alternative's document, if the quote can still be booked; else a clear error."""
    if quote.status == "split":
        raise NotBookableError(
            f"quote {quote.id} has no single route for the whole cargo; book its split with "
            '"split": true',
            quote_id=quote.id,
        )
    if quote.status != "ok":
        raise NotBookableError(
            f"quote {quote.id} has no route to book (status {quote.status})", quote_id=quote.id
        )
    _check_unexpired(quote, now or utcnow())
    alternatives = quote.document.get("alternatives", [])
    if not 0 <= alternative < len(alternatives):
        raise InvalidRequestError(
            "alternative",
            f"quote {quote.id} has alternatives 0..{len(alternatives) - 1}; got {alternative}",
        )
    alt: dict[str, Any] = alternatives[alternative]
    return alt


def check_split_bookable(quote: Quote, now: datetime | None = None) -> dict[str, Any]:
    """The quote's split document, if it can still be booked; else a clear error."""
    split = quote.document.get("split")
    if not split or split.get("status") not in ("ok", "partial") or not split.get("parts"):
        raise NotBookableError(
            f'quote {quote.id} has no split to book; ask for one with "split": true',
            quote_id=quote.id,
        )
    if split["status"] != "ok":  # a booking carries the whole cargo that was quoted
        raise NotBookableError(
            f"quote {quote.id}'s split places only {split['placed']} of its "
            f"{split['containers']} containers, so it cannot carry the cargo quoted; quote the "
            f"{split['placed']} containers that fit (or book the rest elsewhere)",
            quote_id=quote.id,
            placed=split["placed"],
            containers=split["containers"],
        )
    _check_unexpired(quote, now or utcnow())
    result: dict[str, Any] = split
    return result


def leg_spaces(
    network: Network, legs: Sequence[BookedLeg], now: datetime | None = None
) -> list[repo.LegSpace]:
    """Space each leg takes on its departure (legs on untracked services take none).

    NotBookableError when a leg's service is no longer in the network or its departure has left.
    """
    now = now or utcnow()
    spaces = []
    for booked in legs:
        leg = booked.leg
        if not leg.link_id:
            continue
        link = network.links.get(leg.link_id)
        if link is None:
            raise NotBookableError(
                f"service {leg.link_id} is no longer in the network; request a new quote",
                link_id=leg.link_id,
            )
        departure = leg.departure_at
        if departure <= now:
            raise NotBookableError(
                f"departure {leg.link_id} at {departure.isoformat()} has already left; "
                "request a new quote",
                link_id=leg.link_id,
                departure=departure.isoformat(),
            )
        cap = link_capacity(link)
        if cap is not None:
            spaces.append(
                repo.LegSpace(
                    booked.seq, link.id, departure, cap.unit, cap.capacity, booked.need.on(link)
                )
            )
    return spaces


# --------------------------------------------------------------------------------- use cases
def booking_out(
    booking: Booking, held: Sequence[tuple[BookingLeg, Departure]] = ()
) -> dict[str, Any]:
    """A booking with the space each leg holds and what is left on its departure."""
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
        "created_at": booking.created_at.isoformat(),
        "cancelled_at": None if booking.cancelled_at is None else booking.cancelled_at.isoformat(),
        **{k: v for k, v in doc.items() if k != "legs"},
        "legs": legs,
    }


def book(
    ctx: ServiceContext,
    network: Network,
    principal: Principal,
    quote_id: str,
    alternative: int,
    reference: str | None,
    *,
    split: bool = False,
    idem: Idempotency | None = None,
) -> dict[str, Any]:
    """Book one alternative, or every part of the quote's split (``split``): every leg's space
    is taken in one transaction, or none is. With ``idem``, the booking's response is kept for
    a retry with the same key (:mod:`router.services.idempotency`)."""

    def book(session: Session) -> dict[str, Any]:
        idempotency.claim(session, idem)
        quote = repo.get_quote(session, quote_id, principal.tenant_scope, for_update=True)
        chosen = alternative
        if split:
            plan = check_split_bookable(quote)
            chosen = repo.SPLIT_ALTERNATIVE
            legs = split_legs(plan, quote.need_kg)
            document = _split_document(plan, legs)
        else:
            alt = check_bookable(quote, alternative)
            legs = alternative_legs(alt, Need(teu=quote.need_teu, kg=quote.need_kg))
            document = _alternative_document(alt, legs)
        booking = repo.create_booking(
            session,
            quote=quote,
            alternative=chosen,
            tenant=quote.tenant,
            api_key_id=principal.key_id,
            legs=leg_spaces(network, legs),
            document=document,
            reference=reference,
        )
        repo.record_booking_event(session, booking, "created", principal.key_id)
        held = repo.leg_spaces(session, [booking.id]).get(booking.id, [])
        return idempotency.remember(session, idem, booking_out(booking, held))

    return ctx.db.write_retrying(book)


def get_booking(ctx: ServiceContext, principal: Principal, booking_id: str) -> dict[str, Any]:
    """One of the caller's bookings (another tenant's is not found)."""
    with ctx.db.read() as session:
        booking = repo.get_booking(session, booking_id, principal.tenant_scope)
        return booking_out(booking, repo.leg_spaces(session, [booking.id]).get(booking.id, []))


def list_bookings(
    ctx: ServiceContext, principal: Principal, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """One page of the caller's bookings, newest first, optionally of one ``status``."""
    with ctx.db.read() as session:
        rows, total = repo.list_bookings(
            session, principal.tenant_scope, status=status, limit=limit, offset=offset
        )
        held = repo.leg_spaces(session, [b.id for b in rows])
        items = [booking_out(b, held.get(b.id, [])) for b in rows]
    return page(items, total, limit, offset)


def cancel_booking(ctx: ServiceContext, principal: Principal, booking_id: str) -> dict[str, Any]:
    """Cancel a confirmed booking and release its space (NotBookableError if already cancelled)."""

    def cancel(session: Session) -> dict[str, Any]:
        booking = repo.cancel_booking(session, booking_id, principal.tenant_scope)
        repo.record_booking_event(session, booking, "cancelled", principal.key_id)
        return booking_out(booking, repo.leg_spaces(session, [booking.id]).get(booking.id, []))

    return ctx.db.write_retrying(cancel)


def booking_events(ctx: ServiceContext, principal: Principal, booking_id: str) -> dict[str, Any]:
    """Every change of one of the caller's bookings: what, when (UTC), and by which key."""
    with ctx.db.read() as session:
        booking = repo.get_booking(session, booking_id, principal.tenant_scope)
        events = repo.booking_events(session, booking.id)
    items = [
        {
            "event": event.event,
            "at": event.at.isoformat(),
            "by": None if key is None else {"key_prefix": key.prefix, "name": key.name,
                                            "role": key.role},
            "detail": event.detail,
        }
        for event, key in events
    ]  # fmt: skip
    return {"booking_id": booking.id, "items": items}
