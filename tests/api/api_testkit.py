"""Helpers of the API tests: backends, the running service, request bodies."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from dbkit import backends, postgres_url
from fastapi.testclient import TestClient
from sqlalchemy import delete

from router.config import Settings
from router.services.context import ServiceContext
from router.store import repositories as repo
from router.store.models import (
    Booking,
    BookingEvent,
    BookingLeg,
    Departure,
    IdempotentResponse,
    Job,
    OptimisationRun,
    Quote,
)

POSTGRES_URL = postgres_url()
TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"

BACKENDS = backends()


def next_monday(weeks_ahead: int = 5) -> datetime:
    """A Monday 08:00 (CST, naive) a few weeks from now: departures after it are in the future."""
    today = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


READY = next_monday()


def quote_body(**overrides: Any) -> dict[str, Any]:
    """SZ-CITY -> DEDUI, 2 x 40' (4 TEU): truck to Pinghu South, then the X8428 train (82 TEU)."""
    body: dict[str, Any] = {
        "origin": "SZ-CITY",
        "destination": "DEDUI",
        "cargo": {"containers": [{"type": "42G1", "count": 2}]},
        "ready": READY.isoformat(),
    }
    body.update(overrides)
    return body


@dataclass
class Service:
    """A running app (lifespan entered) with a client and keys by role."""

    client: TestClient
    ctx: ServiceContext
    keys: dict[str, str]
    url: str

    def h(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}

    def new_key(self, role: str, name: str, tenant: str | None = None) -> str:
        with self.ctx.db.write() as session:
            _, secret = repo.create_key(session, name=name, role=role, tenant=tenant)
        return secret

    def quote(self, who: str = "shipper", **overrides: Any) -> dict[str, Any]:
        response = self.client.post("/v1/quotes", json=quote_body(**overrides), headers=self.h(who))
        assert response.status_code == 201, response.text
        doc: dict[str, Any] = response.json()
        return doc

    def book(self, quote_id: str, who: str = "shipper", alternative: int = 0) -> Any:
        return self.client.post(
            "/v1/bookings",
            json={"quote_id": quote_id, "alternative": alternative},
            headers=self.h(who),
        )

    def run_job(self, path: str, body: dict[str, Any], who: str, timeout_s: float = 30.0) -> Any:
        """Submit long work at ``path`` (202 and a job) and wait for the embedded worker to end
        it; the finished job."""
        response = self.client.post(path, json=body, headers=self.h(who))
        assert response.status_code == 202, response.text
        job = response.json()
        assert response.headers["Location"] == job["links"]["self"]
        deadline = time.monotonic() + timeout_s
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"job still {job['status']} after {timeout_s} s"
            time.sleep(0.05)
            polled = self.client.get(job["links"]["self"], headers=self.h(who))
            assert polled.status_code == 200, polled.text
            job = polled.json()
        return job

    def departure(self, departure: str, service: str = "X8428", who: str = "operator") -> Any:
        """The one departure of ``service`` at ``departure`` (ISO) from GET /v1/departures."""
        moment = datetime.fromisoformat(departure)
        response = self.client.get(
            "/v1/departures",
            params={
                "service": service,
                "date_from": (moment - timedelta(hours=1)).isoformat(),
                "date_to": (moment + timedelta(hours=1)).isoformat(),
            },
            headers=self.h(who),
        )
        assert response.status_code == 200, response.text
        (item,) = response.json()["items"]
        return item

    def clear(self) -> None:
        clear(self.ctx)


def clear(ctx: ServiceContext) -> None:
    """Forget every quote, booking, departure, run, job and idempotent response."""
    with ctx.db.write() as session:
        models = (BookingEvent, BookingLeg, Booking, Quote, Departure, OptimisationRun, Job)
        for model in (*models, IdempotentResponse):
            session.execute(delete(model))


def make_settings(url: str, **overrides: Any) -> Settings:
    """Settings of a test service on the tiny network (solver time limits kept short)."""
    defaults = {
        "max_solve_s": 5.0,
        "max_job_solve_s": 5.0,
        "job_poll_s": 0.05,
        "job_heartbeat_s": 0.2,
    }
    return Settings(data_dir=TINY, database_url=url, **{**defaults, **overrides})
