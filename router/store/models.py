"""SQLAlchemy models: API keys, quotes, bookings with their legs, and dated departures.

Times are stored as UTC (naive in the database, aware in Python). Capacity amounts are TEU, or kg
for air services (``unit``). The invariant ``0 <= booked <= capacity`` of every departure is also a
database CHECK constraint, so no code path can overbook.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: tolerance for comparing fractional capacity amounts (LCL volumes in TEU)
EPSILON = 1e-6

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC (the same on SQLite and PostgreSQL)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - SQLite returns datetimes already
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ApiKey(Base):
    """An API key: only its SHA-256 hash is stored; ``prefix`` identifies it to people."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        CheckConstraint("role IN ('shipper', 'operator', 'planner', 'admin')", name="role"),
    )


class Quote(Base):
    """A stored quote document (DESIGN.md §4.1) with its owner and expiry."""

    __tablename__ = "quotes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    need_teu: Mapped[float] = mapped_column(Float)
    need_kg: Mapped[float] = mapped_column(Float)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Departure(Base):
    """One dated departure of a capacity-bearing link, with what is booked on it."""

    __tablename__ = "departures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    link_id: Mapped[str] = mapped_column(String(100))
    departure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    unit: Mapped[str] = mapped_column(String(8))
    capacity: Mapped[float] = mapped_column(Float)
    booked: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("link_id", "departure_at", name="uq_departures_link_departure"),
        Index("ix_departures_departure_at", "departure_at"),
        CheckConstraint(f"booked >= -{EPSILON}", name="booked_not_negative"),
        CheckConstraint(f"booked <= capacity + {EPSILON}", name="booked_within_capacity"),
        CheckConstraint("unit IN ('teu', 'kg')", name="unit"),
    )


class Booking(Base):
    """A booking of one alternative of a quote; ``document`` keeps what was booked."""

    __tablename__ = "bookings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id", ondelete="RESTRICT"))
    alternative: Mapped[int] = mapped_column(Integer)
    tenant: Mapped[str] = mapped_column(String(100))
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)

    legs: Mapped[list[BookingLeg]] = relationship(
        back_populates="booking", order_by="BookingLeg.seq", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_bookings_tenant_created", "tenant", "created_at"),
        # one confirmed booking per quote alternative (cancelled ones may be re-booked)
        Index(
            "uq_bookings_confirmed_alternative",
            "quote_id",
            "alternative",
            unique=True,
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
        CheckConstraint("status IN ('confirmed', 'cancelled')", name="status"),
    )


class BookingLeg(Base):
    """Space a booking holds on one departure."""

    __tablename__ = "booking_legs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    departure_id: Mapped[int] = mapped_column(ForeignKey("departures.id", ondelete="RESTRICT"))
    link_id: Mapped[str] = mapped_column(String(100))
    departure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    booking: Mapped[Booking] = relationship(back_populates="legs")

    __table_args__ = (
        Index("ix_booking_legs_booking", "booking_id"),
        Index("ix_booking_legs_departure", "departure_id"),
    )


class OptimisationRun(Base):
    """A stored optimisation run (batch assignment or train load plan): request and result.

    ``kind`` is ``assignment``, ``consolidation`` or ``scenario``; ``status`` the solver status
    (optimal, feasible, infeasible, no_solution...; ``complete`` for a scenario run). Runs belong to the tenant of the key that made them.
    """

    __tablename__ = "optimisation_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(100))
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_optimisation_runs_tenant_kind_created", "tenant", "kind", "created_at"),
        CheckConstraint("kind IN ('assignment', 'consolidation', 'scenario')", name="kind"),
    )


#: job states: ``queued`` -> ``running`` -> ``succeeded`` | ``failed`` | ``cancelled``; a
#: queued job may be cancelled at once, and a running one stopped by a crash is queued again
JOB_STATES = ("queued", "running", "succeeded", "failed", "cancelled")
JOB_KINDS = ("assignment", "consolidation", "scenario")


class Job(Base):
    """Long work run by a worker outside the request: its request, state, progress and outcome.

    ``attempt`` counts the runs started; ``worker`` and ``heartbeat_at`` say who runs it and when
    it last reported (a running job whose heartbeat is older than the stale limit was lost with
    its worker and is queued again, or failed once it has used its attempts). ``run_id`` names
    the stored optimisation run of a succeeded job.
    """

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(100))
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    run_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_jobs_status_created", "status", "created_at"),
        Index("ix_jobs_tenant_created", "tenant", "created_at"),
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name="status"
        ),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
    )


class IdempotentResponse(Base):
    """The response to a request sent with an ``Idempotency-Key`` header, kept (per tenant and
    key, until ``expires_at``) so that a retry gets it again and creates nothing new. It is
    written in the same transaction as what the request created, so both or neither exist.

    ``fingerprint`` is a SHA-256 of the method, path and body: the same key with another request
    is refused.
    """

    __tablename__ = "idempotent_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("tenant", "key", name="uq_idempotent_responses_tenant_key"),
        Index("ix_idempotent_responses_expires_at", "expires_at"),
    )


class BookingEvent(Base):
    """One state change of a booking (``created`` or ``cancelled``): who made it, and when.

    Written in the same transaction as the change itself, so the log and the bookings agree.
    """

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(100))
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), nullable=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_booking_events_booking", "booking_id", "id"),
        CheckConstraint("event IN ('created', 'cancelled')", name="event"),
    )
