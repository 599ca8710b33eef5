"""Storms against a real server (``router serve --workers 2`` in its own process), on SQLite and
PostgreSQL: concurrent quotes, bookings and cancels give no server error, never overbook, and
store every booking answered 201; a server killed (``kill -9``) in the middle of a storm and of
a job loses nothing that was confirmed, doubles nothing retried with its Idempotency-Key, and
its job is run again to its end.

Figures (printed with ``-s``): requests by status, bookings, cancels.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_testkit import BACKENDS, POSTGRES_URL, TINY, next_monday
from dbkit import database_url
from sqlalchemy import func, select
from test_optimise_api import container, wagons

from router.store import repositories as repo
from router.store.db import Database
from router.store.models import EPSILON, Booking, BookingEvent, BookingLeg, Departure

pytestmark = pytest.mark.slow

CLIENTS = 10
READY = next_monday(weeks_ahead=3)


@dataclass
class Server:
    url: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "router", "serve", "--port", str(self.port),
                   "--workers", "2", "--log-level", "warning"]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server exited at start-up"
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not become healthy")

    def kill(self) -> None:
        """kill -9 of the whole process group: the supervisor and its workers, at once."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, str, dict]]:
    with database_url(str(request.param), tmp_path, POSTGRES_URL) as url:
        db = Database(url)
        db.migrate()
        keys = {}
        with db.write() as session:
            for role in ("shipper", "operator"):
                _, keys[role] = repo.create_key(session, name=f"storm-{role}", role=role)
        db.dispose()
        port = _free_port()
        env = {
            **os.environ,
            "ROUTER_DATABASE_URL": url,
            "ROUTER_DATA_DIR": str(TINY),
            "ROUTER_LOG_LEVEL": "WARNING",
            "ROUTER_RATE_LIMIT_PER_S": "0",
            "ROUTER_JOB_POLL_S": "0.1",
            "ROUTER_JOB_HEARTBEAT_S": "0.2",
            "ROUTER_JOB_STALE_AFTER_S": "2",
        }
        server = Server(f"http://127.0.0.1:{port}", port, env)
        server.start()
        try:
            yield server, url, keys
        finally:
            server.stop()


@dataclass
class Tally:
    """What the clients saw: answers by status, bookings confirmed (and whether cancelled),
    bookings whose fate is unknown (the connection broke) with their Idempotency-Key, and cancels
    whose fate is unknown (the server may have committed one and died before answering)."""

    codes: Counter[int] = field(default_factory=Counter)
    booked: dict[str, str] = field(default_factory=dict)  # booking id -> confirmed|cancelled
    unknown: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    cancels_lost: list[str] = field(default_factory=list)  # cancels sent, answer lost
    broken: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def storm(server: Server, key: str, seconds: float, tally: Tally, seed: int) -> None:
    """One client: quote, book (with an Idempotency-Key), sometimes cancel, until time is up."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        while time.monotonic() < deadline:
            body = {
                "origin": "SZ-CITY",
                "destination": "DEDUI",
                "cargo": {"containers": [{"type": "42G1", "count": rng.randint(1, 4)}]},
                "ready": READY.isoformat(),
                "constraints": {"allowed_modes": ["truck", "rail"]},
            }
            try:
                quote = client.post("/v1/quotes", json=body)
            except httpx.TransportError:
                with tally.lock:
                    tally.broken += 1
                continue
            with tally.lock:
                tally.codes[quote.status_code] += 1
            if quote.status_code != 201:
                continue
            booking = {"quote_id": quote.json()["id"], "alternative": 0}
            idem = uuid.uuid4().hex
            try:
                made = client.post("/v1/bookings", json=booking, headers={"Idempotency-Key": idem})
            except httpx.TransportError:
                with tally.lock:
                    tally.unknown.append((idem, booking))
                continue
            with tally.lock:
                tally.codes[made.status_code] += 1
                if made.status_code == 201:
                    tally.booked[made.json()["id"]] = "confirmed"
            if made.status_code != 201 or rng.random() < 0.5:
                continue
            booking_id = made.json()["id"]
            try:
                cancel = client.post(f"/v1/bookings/{booking_id}/cancel")
            except httpx.TransportError:
                with tally.lock:
                    tally.cancels_lost.append(booking_id)
                continue
            with tally.lock:
                tally.codes[cancel.status_code] += 1
                if cancel.status_code == 200:
                    tally.booked[booking_id] = "cancelled"


def run_storm(server: Server, key: str, seconds: float, tally: Tally) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=storm, args=(server, key, seconds, tally, seed))
        for seed in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    return threads


def check_store(url: str, tally: Tally) -> dict[str, int]:
    """Every 201 booking stored with the state the client last saw; every departure's booked
    space equals its confirmed bookings' legs and is within capacity; every booking's events."""
    db = Database(url)
    try:
        with db.read() as session:
            bookings = {b.id: b.status for b in session.scalars(select(Booking))}
            for booking_id, status in tally.booked.items():
                assert bookings.get(booking_id) == status, (booking_id, status)
            held = dict(
                session.execute(
                    select(BookingLeg.departure_id, func.sum(BookingLeg.amount))
                    .join(Booking, Booking.id == BookingLeg.booking_id)
                    .where(Booking.status == "confirmed")
                    .group_by(BookingLeg.departure_id)
                ).all()
            )
            departures = list(session.scalars(select(Departure)))
            for dep in departures:
                assert dep.booked <= dep.capacity + EPSILON, (dep.link_id, dep.booked)
                assert abs(dep.booked - float(held.get(dep.id, 0.0))) < 1e-6, dep.link_id
            events = Counter((e.booking_id, e.event) for e in session.scalars(select(BookingEvent)))
            for booking_id, status in bookings.items():
                assert events[booking_id, "created"] == 1, booking_id
                assert events[booking_id, "cancelled"] == (status == "cancelled"), booking_id
            full = sum(1 for d in departures if d.capacity - d.booked < 2.0)
        return {"bookings": len(bookings), "departures": len(departures), "nearly_full": full}
    finally:
        db.dispose()


def test_a_booking_and_cancel_storm_keeps_every_booking_and_never_overbooks(served) -> None:
    server, url, keys = served
    tally = Tally()
    for thread in run_storm(server, keys["shipper"], 8.0, tally):
        thread.join()
    stored = check_store(url, tally)
    print(f"\nstorm: {dict(tally.codes)}, {len(tally.booked)} booked, {stored}")
    assert not [c for c in tally.codes if c >= 500], tally.codes
    assert tally.broken == 0 and not tally.unknown and not tally.cancels_lost
    assert tally.codes[201] >= 20 and "cancelled" in tally.booked.values()


def test_a_server_killed_mid_storm_and_mid_job_loses_nothing(served) -> None:
    server, url, keys = served
    operator = {"X-API-Key": keys["operator"]}
    rng = random.Random(3)
    sizes = ["42G1", "22G1", "45G1"]
    boxes = [
        container(f"C{i}", rng.choice(sizes), gross_kg=rng.randint(5_000, 30_000))
        for i in range(160)
    ]
    trains = [
        wagons(40, departure_id=f"T{d}", max_gross_t=1_500, slot_pattern="1x40/2x20/1x45")
        for d in range(2)
    ]
    plan = {"containers": boxes, "trains": trains, "time_limit_s": 4, "method": "exact"}
    submitted = httpx.post(f"{server.url}/v1/consolidation/plans", json=plan, headers=operator)
    assert submitted.status_code == 202, submitted.text
    job_url = f"{server.url}{submitted.json()['links']['self']}"

    tally = Tally()
    threads = run_storm(server, keys["shipper"], 30.0, tally)
    deadline = time.monotonic() + 20
    while httpx.get(job_url, headers=operator).json()["status"] != "running":
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    time.sleep(1.5)  # the storm and the job are both under way
    server.kill()
    for thread in threads:
        thread.join()
    confirmed_before = dict(tally.booked)
    assert confirmed_before, "no booking was confirmed before the kill"

    server.start()
    with httpx.Client(base_url=server.url, headers={"X-API-Key": keys["shipper"]}) as client:
        # a cancel whose answer was lost is retried, as a client would: 200 if the kill came
        # before its commit, 409 (already cancelled) if after; either way it is cancelled now
        for booking_id in tally.cancels_lost:
            retried = client.post(f"/v1/bookings/{booking_id}/cancel")
            assert retried.status_code in (200, 409), retried.text
            tally.booked[booking_id] = "cancelled"
        stored = check_store(url, tally)  # every 201 survived the kill; space matches the legs
        # the bookings whose answer was lost are retried with their key: each books at most once
        for idem, booking in tally.unknown:
            first = client.post("/v1/bookings", json=booking, headers={"Idempotency-Key": idem})
            again = client.post("/v1/bookings", json=booking, headers={"Idempotency-Key": idem})
            assert first.status_code in (201, 409, 410), first.text
            if first.status_code == 201:
                assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
                tally.booked[first.json()["id"]] = "confirmed"
    check_store(url, tally)

    deadline = time.monotonic() + 60
    job = httpx.get(job_url, headers=operator).json()
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = httpx.get(job_url, headers=operator).json()
    print(
        f"\ncrash: {dict(tally.codes)}, {len(confirmed_before)} confirmed before the kill, "
        f"{len(tally.unknown)} booking and {len(tally.cancels_lost)} cancel answers lost and "
        f"retried, {stored}; job {job['status']} "
        f"after {job['attempt']} attempts"
    )
    assert not [c for c in tally.codes if c >= 500], tally.codes
    assert job["status"] == "succeeded" and job["attempt"] == 2, job
    result = httpx.get(f"{server.url}{job['links']['result']}", headers=operator)
    assert result.status_code == 200 and result.json()["result"]["loaded"] > 0
