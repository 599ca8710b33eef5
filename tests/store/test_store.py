"""Migrations, keys, quotes, bookings and capacity in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from router.errors import InvalidRequestError, NotFoundError
from router.store import repositories as repo
from router.store.db import Database, head_revision
from router.store.errors import AlreadyBookedError, CapacityError, NotBookableError
from router.store.models import ApiKey, Base, Departure, Quote

DEP = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def _quote(db: Database, tenant: str = "ACME", status: str = "ok", ttl_h: float = 72.0) -> Quote:
    doc = {
        "id": uuid.uuid4().hex,
        "status": status,
        "reasons": [],
        "alternatives": [{"summary": "x", "legs": []}] if status == "ok" else [],
    }
    with db.write() as session:
        return repo.save_quote(
            session,
            document=doc,
            tenant=tenant,
            api_key_id=None,
            need_teu=1.0,
            need_kg=100.0,
            ttl=timedelta(hours=ttl_h),
        )


def _leg(link: str = "RAIL-A", amount: float = 1.0, capacity: float = 82.0, seq: int = 0):
    return repo.LegSpace(seq, link, DEP, "teu", capacity, amount)


def _book(db: Database, quote: Quote, legs, alternative: int = 0):
    with db.write() as session:
        locked = repo.get_quote(session, quote.id, None, for_update=True)
        return repo.create_booking(
            session,
            quote=locked,
            alternative=alternative,
            tenant=locked.tenant,
            api_key_id=None,
            legs=legs,
            document={"legs": []},
        )


def _booked(db: Database, link: str = "RAIL-A") -> float:
    with db.read() as session:
        row = session.scalars(select(Departure).where(Departure.link_id == link)).one_or_none()
        return 0.0 if row is None else row.booked


# ------------------------------------------------------------------------------- migrations
def test_migrations_bring_the_schema_to_head_and_match_the_models(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert db.current_revision() == head_revision() == "0004"
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"api_keys", "quotes", "bookings", "booking_legs", "departures"} <= tables
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_migrations_are_idempotent_and_reversible(db: Database) -> None:
    db.migrate()  # already at head: nothing to do
    db.downgrade("base")
    with db.engine.connect() as conn:
        assert "quotes" not in inspect(conn).get_table_names()
    db.migrate()
    assert db.current_revision() == head_revision()


def test_sqlite_file_and_folder_are_created_with_wal(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "router.sqlite"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    assert path.is_file()
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    assert database.ping()
    database.dispose()


def test_ping_reports_an_unreachable_database() -> None:
    database = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert database.ping() is False


# ------------------------------------------------------------------------------------- keys
def test_keys_are_stored_hashed_and_found_by_secret(db: Database) -> None:
    with db.write() as session:
        row, secret = repo.create_key(session, name="ACME", role="shipper")
    assert secret.startswith("gbr_") and len(secret) > 40
    with db.read() as session:
        stored = session.scalars(select(ApiKey)).one()
        assert secret not in (stored.key_hash, stored.prefix, stored.name)
        assert stored.key_hash == repo.hash_key(secret)
        found = repo.find_active_key(session, secret)
        assert found is not None and found.tenant == "ACME" and found.role == "shipper"
        assert repo.find_active_key(session, secret + "x") is None
        assert repo.find_active_key(session, "not-a-key") is None
    with db.write() as session:
        repo.revoke_key(session, row.prefix)
    with db.read() as session:
        assert repo.find_active_key(session, secret) is None


def test_key_validation_and_unknown_prefix(db: Database) -> None:
    with db.write() as session, pytest.raises(InvalidRequestError):
        repo.create_key(session, name="x", role="superuser")
    with db.write() as session, pytest.raises(NotFoundError):
        repo.revoke_key(session, "nope")


# ----------------------------------------------------------------------- quotes and tenancy
def test_quotes_are_visible_to_their_tenant_only(db: Database) -> None:
    quote = _quote(db, tenant="ACME")
    with db.read() as session:
        assert repo.get_quote(session, quote.id, "ACME").document["id"] == quote.id
        assert repo.get_quote(session, quote.id, None).id == quote.id  # admin scope
        with pytest.raises(NotFoundError):
            repo.get_quote(session, quote.id, "OTHER")


# -------------------------------------------------------------------------------- capacity
def test_reserve_up_to_capacity_then_refuse_with_the_remaining_space(db: Database) -> None:
    for _ in range(3):
        with db.write() as session:
            repo.reserve(session, _leg(amount=2.0, capacity=7.0))
    assert _booked(db) == 6.0
    with db.write() as session, pytest.raises(CapacityError) as err:
        repo.reserve(session, _leg(amount=2.0, capacity=7.0))
    assert err.value.details["remaining"] == 1.0
    assert "has 1 teu left" in err.value.message
    assert _booked(db) == 6.0
    with db.write() as session:
        repo.reserve(session, _leg(amount=1.0, capacity=7.0))
    assert _booked(db) == 7.0


def test_the_database_itself_refuses_overbooking(db: Database) -> None:
    with db.write() as session:
        repo.reserve(session, _leg(amount=1.0, capacity=2.0))
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(update(Departure).values(booked=Departure.capacity + 1))
    assert _booked(db) == 1.0


def test_booking_is_all_or_nothing_and_cancel_releases(db: Database) -> None:
    quote = _quote(db)
    full = [_leg("RAIL-A", 1.0, 10.0, 0), _leg("BARGE-B", 5.0, 4.0, 1)]  # B cannot fit
    with pytest.raises(CapacityError):
        _book(db, quote, full)
    assert _booked(db, "RAIL-A") == 0.0  # the first leg's reservation was rolled back
    booking = _book(db, quote, [_leg("RAIL-A", 1.0, 10.0, 0), _leg("BARGE-B", 3.0, 4.0, 1)])
    assert (_booked(db, "RAIL-A"), _booked(db, "BARGE-B")) == (1.0, 3.0)
    with pytest.raises(AlreadyBookedError):
        _book(db, quote, [_leg("RAIL-A", 1.0, 10.0, 0)])
    with db.write() as session:
        cancelled = repo.cancel_booking(session, booking.id, "ACME")
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert (_booked(db, "RAIL-A"), _booked(db, "BARGE-B")) == (0.0, 0.0)
    with db.write() as session, pytest.raises(NotBookableError):
        repo.cancel_booking(session, booking.id, "ACME")
    with db.write() as session, pytest.raises(NotFoundError):
        repo.cancel_booking(session, booking.id, "OTHER")
    again = _book(db, quote, [_leg("RAIL-A", 1.0, 10.0, 0)])  # a cancelled alternative re-books
    assert again.id != booking.id


def test_booked_departures_snapshot(db: Database) -> None:
    with db.write() as session:
        repo.reserve(session, _leg("RAIL-A", 4.0, 82.0))
    with db.read() as session:
        snapshot = repo.booked_departures(session, DEP - timedelta(days=1))
        later = repo.booked_departures(session, DEP + timedelta(minutes=1))
    space = snapshot[("RAIL-A", DEP)]
    assert (space.capacity, space.booked, space.remaining) == (82.0, 4.0, 78.0)
    assert later == {}


def test_list_bookings_is_paginated_and_scoped(db: Database) -> None:
    for tenant in ("ACME", "ACME", "ACME", "OTHER"):
        _book(db, _quote(db, tenant=tenant), [_leg("RAIL-A", 1.0, 82.0)])
    with db.read() as session:
        first, total = repo.list_bookings(session, "ACME", limit=2, offset=0)
        second, _ = repo.list_bookings(session, "ACME", limit=2, offset=2)
        everyone, all_total = repo.list_bookings(session, None, limit=10)
    assert total == 3 and len(first) == 2 and len(second) == 1
    assert {b.id for b in first}.isdisjoint({b.id for b in second})
    assert all_total == 4 and len(everyone) == 4


# ----------------------------------------------------------------------------- concurrency
def _race(db: Database, n: int, legs_for) -> tuple[int, list[Exception]]:
    quotes = [_quote(db) for _ in range(n)]
    barrier = threading.Barrier(n)
    errors: list[Exception] = []
    ok = 0
    lock = threading.Lock()

    def worker(i: int) -> None:
        nonlocal ok
        barrier.wait()
        try:
            _book(db, quotes[i], legs_for(i))
            with lock:
                ok += 1
        except Exception as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return ok, errors


def test_concurrent_bookings_of_the_last_slots_never_overbook(db: Database) -> None:
    with db.write() as session:  # 79 of 82 TEU already booked: 3 slots left
        repo.reserve(session, _leg("RAIL-A", 79.0, 82.0))
    ok, errors = _race(db, 20, lambda i: [_leg("RAIL-A", 1.0, 82.0)])
    assert ok == 3
    assert len(errors) == 17 and all(isinstance(e, CapacityError) for e in errors), errors[:3]
    assert _booked(db) == 82.0


def test_concurrent_multi_leg_bookings_are_atomic_and_do_not_deadlock(db: Database) -> None:
    # half the bookings list the legs in one order, half in the other; A has room for 5
    def legs(i: int):
        pair = [_leg("RAIL-A", 1.0, 5.0, 0), _leg("BARGE-B", 1.0, 100.0, 1)]
        return pair if i % 2 else pair[::-1]

    ok, errors = _race(db, 16, legs)
    assert ok == 5
    assert all(isinstance(e, CapacityError) for e in errors), errors[:3]
    assert (_booked(db, "RAIL-A"), _booked(db, "BARGE-B")) == (5.0, 5.0)


# ------------------------------------------------------------------ lock order and retries
def test_cancel_releases_departures_in_the_order_booking_locks_them(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 defect 1: a booking locks its departures sorted by (link, time); a cancel that
    released them in leg order could deadlock against it on PostgreSQL."""
    quote = _quote(db)
    legs = [_leg("RAIL-Z", seq=0), _leg("BARGE-M", seq=1), _leg("FEEDER-A", seq=2)]
    booking = _book(db, quote, legs)
    released: list[int] = []
    original = repo.release

    def spy(session, departure_id, amount):  # type: ignore[no-untyped-def]
        released.append(departure_id)
        return original(session, departure_id, amount)

    monkeypatch.setattr(repo, "release", spy)
    with db.write() as session:
        repo.cancel_booking(session, booking.id, None)
    with db.read() as session:
        link_of = {d.id: d.link_id for d in session.scalars(select(Departure))}
    assert [link_of[i] for i in released] == ["BARGE-M", "FEEDER-A", "RAIL-Z"]


def test_a_deadlock_victim_is_run_again_and_other_errors_are_not(db: Database) -> None:
    from sqlalchemy.exc import OperationalError

    class Victim(Exception):
        sqlstate = "40P01"  # deadlock_detected

    class Other(Exception):
        sqlstate = "23505"  # unique_violation: not worth a retry

    calls: list[int] = []

    def flaky(session):  # type: ignore[no-untyped-def]
        calls.append(1)
        session.execute(text("SELECT 1"))
        if len(calls) < 3:
            raise OperationalError("UPDATE departures ...", {}, Victim())
        return "done"

    assert db.write_retrying(flaky) == "done" and len(calls) == 3
    calls.clear()

    def always(session):  # type: ignore[no-untyped-def]
        calls.append(1)
        raise OperationalError("UPDATE departures ...", {}, Victim())

    with pytest.raises(OperationalError):
        db.write_retrying(always, attempts=2)
    assert len(calls) == 2
    calls.clear()

    def broken(session):  # type: ignore[no-untyped-def]
        calls.append(1)
        raise OperationalError("INSERT ...", {}, Other())

    with pytest.raises(OperationalError):
        db.write_retrying(broken)
    assert len(calls) == 1
