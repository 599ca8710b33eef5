"""Idempotency-Key on quotes, bookings and jobs: a retry gets the first response and creates
nothing new (also when both are sent at once); the booking event log records who did what."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from api_testkit import Service, quote_body
from sqlalchemy import func, select
from test_optimise_api import BATCH

from router.store.models import Booking, Job, Quote


def count(svc: Service, model: Any) -> int:
    with svc.ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def post(svc: Service, path: str, body: dict[str, Any], key: str | None, who: str) -> Any:
    headers = svc.h(who) | ({"Idempotency-Key": key} if key else {})
    return svc.client.post(path, json=body, headers=headers)


def test_a_retried_quote_is_the_same_quote(svc: Service) -> None:
    key = str(uuid.uuid4())
    first = post(svc, "/v1/quotes", quote_body(), key, "shipper")
    again = post(svc, "/v1/quotes", quote_body(), key, "shipper")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(svc, Quote) == 1
    # the same key with another body is refused; another tenant's same key is its own
    other = post(svc, "/v1/quotes", quote_body(preferences={"alternatives": 1}), key, "shipper")
    assert other.status_code == 422 and "different request" in other.json()["message"]
    assert other.json()["details"][0]["loc"] == ["header", "Idempotency-Key"]
    theirs = post(svc, "/v1/quotes", quote_body(), key, "other")
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]
    # without a key every request is new
    post(svc, "/v1/quotes", quote_body(), None, "shipper")
    assert count(svc, Quote) == 3


def test_a_retried_booking_books_once_even_when_both_arrive_together(svc: Service) -> None:
    quote = svc.quote()
    body = {"quote_id": quote["id"], "alternative": 0}
    key = "book-" + uuid.uuid4().hex
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda _: post(svc, "/v1/bookings", body, key, "shipper"), range(4))
        )
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 3
    assert count(svc, Booking) == 1
    departure = next(leg for leg in answers[0].json()["legs"] if leg["space"])
    assert departure["space"]["booked"] == 4.0  # the cargo's 4 TEU, taken once


def test_a_failed_request_is_not_kept(svc: Service) -> None:
    key = "k-" + uuid.uuid4().hex
    missing = {"quote_id": "0" * 32, "alternative": 0}
    assert post(svc, "/v1/bookings", missing, key, "shipper").status_code == 404
    assert post(svc, "/v1/bookings", missing, key, "shipper").status_code == 404


def test_bad_keys_are_refused(svc: Service) -> None:
    for bad in (b"", b"has space", b"x" * 256, "é".encode()):
        response = svc.client.post(
            "/v1/quotes", json=quote_body(), headers=svc.h("shipper") | {"Idempotency-Key": bad}
        )
        assert response.status_code == 422, (bad, response.text)
    assert count(svc, Quote) == 0


def test_a_retried_job_submission_is_the_same_job(svc: Service) -> None:
    body = {"shipments": BATCH, "time_limit_s": 5}
    key = uuid.uuid4().hex
    first = post(svc, "/v1/assignments", body, key, "planner")
    again = post(svc, "/v1/assignments", body, key, "planner")
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert count(svc, Job) == 1


def test_the_booking_event_log_records_who_did_what(svc: Service) -> None:
    booking = svc.book(svc.quote()["id"]).json()
    cancelled = svc.client.post(f"/v1/bookings/{booking['id']}/cancel", headers=svc.h("admin"))
    assert cancelled.status_code == 200
    log = svc.client.get(f"/v1/bookings/{booking['id']}/events", headers=svc.h("shipper"))
    assert log.status_code == 200
    events = log.json()["items"]
    assert [e["event"] for e in events] == ["created", "cancelled"]
    assert [e["by"]["role"] for e in events] == ["shipper", "admin"]
    assert events[0]["at"] <= events[1]["at"]
    assert events[1]["detail"]["status"] == "cancelled"
    hidden = svc.client.get(f"/v1/bookings/{booking['id']}/events", headers=svc.h("other"))
    assert hidden.status_code == 404
