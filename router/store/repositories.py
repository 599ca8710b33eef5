"""Database operations on keys, quotes, bookings, departures and optimisation runs (given an
open session). Persistence only: which quotes may be booked and what space a leg needs are the
use cases' rules (:mod:`router.services`).

Capacity is enforced in the database, never in Python memory: a booking reserves each leg's space
with one conditional ``UPDATE departures SET booked = booked + :need WHERE ... AND booked + :need
<= capacity`` and checks that it changed a row. Concurrent bookings of the last slots serialise on
the departure row (PostgreSQL row lock; SQLite's write lock, taken at BEGIN IMMEDIATE), so whichever
comes second sees the first one's amount and fails cleanly. A CHECK constraint (booked <= capacity)
backs this up.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from router.errors import InvalidRequestError, NotFoundError
from router.network.timetable import DepartureKey
from router.store.errors import AlreadyBookedError, CapacityError, ConflictError, NotBookableError
from router.store.models import (
    EPSILON,
    ApiKey,
    Booking,
    BookingEvent,
    BookingLeg,
    Departure,
    Job,
    OptimisationRun,
    Quote,
    utcnow,
)

ROLES = ("shipper", "operator", "planner", "admin")
M = TypeVar("M", Booking, OptimisationRun, Job)
KEY_PREFIX = "gbr_"


# --------------------------------------------------------------------------------- API keys
def hash_key(secret: str) -> str:
    """SHA-256 of a key (keys are 256-bit random, so a fast hash is the right tool)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_key_secret() -> tuple[str, str]:
    """(full key, its public prefix)."""
    prefix = secrets.token_hex(4)
    return f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def create_key(
    session: Session, *, name: str, role: str, tenant: str | None = None
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the key itself (shown once, never stored)."""
    name = name.strip()
    if role not in ROLES:
        raise InvalidRequestError("role", f"must be one of {', '.join(ROLES)}")
    if not name or len(name) > 100:
        raise InvalidRequestError("name", "must be 1 to 100 characters")
    secret, prefix = new_key_secret()
    row = ApiKey(
        prefix=prefix,
        key_hash=hash_key(secret),
        name=name,
        tenant=(tenant or name).strip(),
        role=role,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row, secret


def find_active_key(session: Session, secret: str) -> ApiKey | None:
    """The unrevoked key matching ``secret``, or None."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    return session.scalars(
        select(ApiKey).where(ApiKey.key_hash == hash_key(secret), ApiKey.revoked_at.is_(None))
    ).one_or_none()


def count_keys(session: Session, *, active_only: bool = False) -> int:
    query = select(func.count()).select_from(ApiKey)
    if active_only:
        query = query.where(ApiKey.revoked_at.is_(None))
    return int(session.scalar(query) or 0)


def list_keys(session: Session, *, limit: int = 1000, offset: int = 0) -> tuple[list[ApiKey], int]:
    total = count_keys(session)
    rows = session.scalars(select(ApiKey).order_by(ApiKey.id).limit(limit).offset(offset)).all()
    return list(rows), total


def revoke_key(session: Session, prefix: str) -> ApiKey:
    """Revoke the key with this prefix (idempotent); NotFoundError if there is none."""
    row = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
    if row is None:
        raise NotFoundError("api key", prefix)
    if row.revoked_at is None:
        if row.role == "admin":
            # lock the active admin keys so two admins revoking each other cannot both win
            admins = session.scalars(
                select(ApiKey.id)
                .where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None))
                .with_for_update()
            ).all()
            if len(admins) <= 1:
                raise ConflictError(
                    "refusing to revoke the last active admin key: create another admin key "
                    "first (router keys create --role admin)",
                    prefix=prefix,
                )
        row.revoked_at = utcnow()
        session.flush()
    return row


# ----------------------------------------------------------------------------------- quotes
def save_quote(
    session: Session,
    *,
    document: dict[str, Any],
    tenant: str,
    api_key_id: int | None,
    need_teu: float,
    need_kg: float,
    ttl: timedelta,
    now: datetime | None = None,
) -> Quote:
    now = now or utcnow()
    row = Quote(
        id=document["id"],
        tenant=tenant,
        api_key_id=api_key_id,
        status=document["status"],
        created_at=now,
        expires_at=now + ttl,
        need_teu=need_teu,
        need_kg=need_kg,
        document=document,
    )
    session.add(row)
    session.flush()
    return row


def get_quote(
    session: Session, quote_id: str, tenant: str | None, *, for_update: bool = False
) -> Quote:
    """The quote, if ``tenant`` may see it (None: any tenant). Others' quotes are 'not found'."""
    query = select(Quote).where(Quote.id == quote_id)
    if tenant is not None:
        query = query.where(Quote.tenant == tenant)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFoundError("quote", quote_id)
    return row


# ------------------------------------------------------------------------------- departures
@dataclass(frozen=True, slots=True)
class BookedSpace:
    """What is booked on one departure (TEU, or kg for air) out of its capacity."""

    capacity: float
    booked: float

    @property
    def remaining(self) -> float:
        return max(0.0, self.capacity - self.booked)


def booked_departures(session: Session, since: datetime) -> dict[DepartureKey, BookedSpace]:
    """Booked totals of departures at or after ``since`` that have anything booked."""
    rows = session.execute(
        select(
            Departure.link_id, Departure.departure_at, Departure.capacity, Departure.booked
        ).where(Departure.departure_at >= since, Departure.booked > EPSILON)
    ).all()
    return {(r[0], r[1]): BookedSpace(r[2], r[3]) for r in rows}


def departures_between(
    session: Session, link_ids: Sequence[str] | None, start: datetime, end: datetime
) -> list[Departure]:
    query = select(Departure).where(Departure.departure_at >= start, Departure.departure_at < end)
    if link_ids is not None:
        query = query.where(Departure.link_id.in_(list(link_ids)))
    return list(session.scalars(query).all())


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert
    if dialect == "sqlite":
        return sqlite_insert
    raise RuntimeError(f"unsupported database dialect {dialect!r} (use SQLite or PostgreSQL)")


@dataclass(frozen=True, slots=True)
class LegSpace:
    """Space one booked leg takes on one departure."""

    seq: int
    link_id: str
    departure_at: datetime  # aware
    unit: str
    capacity: float
    amount: float


def reserve(session: Session, leg: LegSpace) -> Departure:
    """Take ``leg.amount`` of space on its departure, atomically, or raise CapacityError."""
    now = utcnow()
    insert = _insert(session)
    session.execute(
        insert(Departure)
        .values(
            link_id=leg.link_id,
            departure_at=leg.departure_at,
            unit=leg.unit,
            capacity=leg.capacity,
            booked=0.0,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["link_id", "departure_at"])
    )
    result = session.execute(
        update(Departure)
        .where(
            Departure.link_id == leg.link_id,
            Departure.departure_at == leg.departure_at,
            Departure.booked + leg.amount <= Departure.capacity + EPSILON,
        )
        .values(booked=Departure.booked + leg.amount, updated_at=now)
        .returning(Departure.id)
        .execution_options(synchronize_session=False)
    )
    changed = result.scalars().all()
    row = session.scalars(
        select(Departure)
        .where(Departure.link_id == leg.link_id, Departure.departure_at == leg.departure_at)
        .execution_options(populate_existing=True)
    ).one()
    if not changed:
        raise CapacityError(
            f"departure {leg.link_id} at {leg.departure_at.isoformat()} has "
            f"{max(0.0, row.capacity - row.booked):g} {row.unit} left; "
            f"this booking needs {leg.amount:g} {leg.unit}",
            link_id=leg.link_id,
            departure=leg.departure_at.isoformat(),
            unit=row.unit,
            capacity=row.capacity,
            remaining=max(0.0, row.capacity - row.booked),
            needed=leg.amount,
        )
    return row


def release(session: Session, departure_id: int, amount: float) -> None:
    """Give back ``amount`` of space on a departure (never below zero)."""
    session.execute(
        update(Departure)
        .where(Departure.id == departure_id)
        .values(
            booked=case(
                (Departure.booked - amount < 0, 0.0),
                else_=Departure.booked - amount,
            ),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


# --------------------------------------------------------------------------------- bookings
#: the ``alternative`` stored for a booking of a quote's split (all of its parts)
SPLIT_ALTERNATIVE = -1


def create_booking(
    session: Session,
    *,
    quote: Quote,
    alternative: int,
    tenant: str,
    api_key_id: int | None,
    legs: Sequence[LegSpace],
    document: dict[str, Any],
    reference: str | None = None,
) -> Booking:
    """Book one alternative of a locked, bookable quote: reserve every leg's space or nothing.

    Call inside one write transaction (``Database.write``); any error rolls all of it back.
    """
    existing = session.scalar(
        select(Booking.id).where(
            Booking.quote_id == quote.id,
            Booking.alternative == alternative,
            Booking.status == "confirmed",
        )
    )
    what = "the split" if alternative == SPLIT_ALTERNATIVE else f"alternative {alternative}"
    if existing is not None:
        raise AlreadyBookedError(
            f"{what} of quote {quote.id} is already booked ({existing})", booking_id=existing
        )
    booking = Booking(
        id=uuid.uuid4().hex,
        quote_id=quote.id,
        alternative=alternative,
        tenant=tenant,
        api_key_id=api_key_id,
        status="confirmed",
        reference=reference,
        created_at=utcnow(),
        document=document,
    )
    session.add(booking)
    try:
        session.flush()
    except IntegrityError:
        raise AlreadyBookedError(f"{what} of quote {quote.id} is already booked") from None
    # a fixed order of row locks, so two bookings sharing departures cannot deadlock
    for leg in sorted(legs, key=lambda lg: (lg.link_id, lg.departure_at)):
        departure = reserve(session, leg)
        session.add(
            BookingLeg(
                booking_id=booking.id,
                seq=leg.seq,
                departure_id=departure.id,
                link_id=leg.link_id,
                departure_at=leg.departure_at,
                amount=leg.amount,
                unit=leg.unit,
            )
        )
    session.flush()
    return booking


def get_booking(
    session: Session, booking_id: str, tenant: str | None, *, for_update: bool = False
) -> Booking:
    query = select(Booking).where(Booking.id == booking_id)
    if tenant is not None:
        query = query.where(Booking.tenant == tenant)
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFoundError("booking", booking_id)
    return row


def list_bookings(
    session: Session,
    tenant: str | None,
    *,
    status: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Booking], int]:
    where = []
    if tenant is not None:
        where.append(Booking.tenant == tenant)
    if status is not None:
        where.append(Booking.status == status)
    return newest_first(session, Booking, where, limit, offset)


def cancel_booking(session: Session, booking_id: str, tenant: str | None) -> Booking:
    """Cancel a confirmed booking and release its space (inside one write transaction)."""
    booking = get_booking(session, booking_id, tenant, for_update=True)
    result = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == "confirmed")
        .values(status="cancelled", cancelled_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotBookableError(
            f"booking {booking.id} is already {booking.status}", booking_id=booking.id
        )
    # the same lock order as create_booking (link, departure time): a booking and a cancel
    # sharing departures cannot deadlock
    for leg in sorted(booking.legs, key=lambda lg: (lg.link_id, lg.departure_at)):
        release(session, leg.departure_id, leg.amount)
    session.flush()
    session.refresh(booking)
    return booking


def record_booking_event(
    session: Session, booking: Booking, event: str, api_key_id: int | None, **detail: Any
) -> BookingEvent:
    """Log a booking's change of state (``created``, ``cancelled``) in the caller's transaction."""
    row = BookingEvent(
        booking_id=booking.id,
        event=event,
        tenant=booking.tenant,
        api_key_id=api_key_id,
        at=utcnow(),
        detail={"status": booking.status, **detail},
    )
    session.add(row)
    session.flush()
    return row


def booking_events(session: Session, booking_id: str) -> list[tuple[BookingEvent, ApiKey | None]]:
    """A booking's events in the order they happened, each with the key that made it."""
    rows = session.execute(
        select(BookingEvent, ApiKey)
        .outerjoin(ApiKey, ApiKey.id == BookingEvent.api_key_id)
        .where(BookingEvent.booking_id == booking_id)
        .order_by(BookingEvent.id)
    ).all()
    return [(event, key) for event, key in rows]


def leg_spaces(
    session: Session, booking_ids: Sequence[str]
) -> dict[str, list[tuple[BookingLeg, Departure]]]:
    """Booking legs with their departures' current state, by booking id."""
    if not booking_ids:
        return {}
    rows = session.execute(
        select(BookingLeg, Departure)
        .join(Departure, Departure.id == BookingLeg.departure_id)
        .where(BookingLeg.booking_id.in_(list(booking_ids)))
        .order_by(BookingLeg.booking_id, BookingLeg.seq)
    ).all()
    out: dict[str, list[tuple[BookingLeg, Departure]]] = {}
    for leg, dep in rows:
        out.setdefault(leg.booking_id, []).append((leg, dep))
    return out


# ------------------------------------------------------------------------ optimisation runs
def save_run(
    session: Session,
    *,
    kind: str,
    tenant: str,
    api_key_id: int | None,
    status: str,
    request: dict[str, Any],
    result: dict[str, Any],
) -> OptimisationRun:
    row = OptimisationRun(
        id=uuid.uuid4().hex,
        kind=kind,
        tenant=tenant,
        api_key_id=api_key_id,
        status=status,
        created_at=utcnow(),
        request=request,
        result=result,
    )
    session.add(row)
    session.flush()
    return row


def get_run(session: Session, kind: str, run_id: str, tenant: str | None) -> OptimisationRun:
    """The run, if ``tenant`` may see it (None: any tenant). Others' runs are 'not found'."""
    query = select(OptimisationRun).where(
        OptimisationRun.id == run_id, OptimisationRun.kind == kind
    )
    if tenant is not None:
        query = query.where(OptimisationRun.tenant == tenant)
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFoundError(kind.replace("_", " "), run_id)
    return row


def list_runs(
    session: Session, kind: str, tenant: str | None, *, limit: int = 20, offset: int = 0
) -> tuple[list[OptimisationRun], int]:
    where = [OptimisationRun.kind == kind]
    if tenant is not None:
        where.append(OptimisationRun.tenant == tenant)
    # a listing shows summaries: the request and result documents are not loaded
    summary = defer(OptimisationRun.request), defer(OptimisationRun.result)
    return newest_first(session, OptimisationRun, where, limit, offset, *summary)


def newest_first(
    session: Session,
    model: type[M],
    where: Sequence[Any],
    limit: int,
    offset: int,
    *options: Any,
) -> tuple[list[M], int]:
    """One page of ``model`` rows matching ``where``, newest first, and how many match."""
    total = int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
    rows = session.scalars(
        select(model)
        .options(*options)
        .where(*where)
        .order_by(model.created_at.desc(), model.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total
