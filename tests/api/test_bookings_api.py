"""Bookings over HTTP: capacity taken and released, concurrency, expiry, restarts, departures."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from api_testkit import READY, Service, make_settings, quote_body
from fastapi.testclient import TestClient
from sqlalchemy import update

from router.api import create_app
from router.store import repositories as repo
from router.store.models import Quote

RAIL = "RAIL-PHS-DUI"  # X8428 Pinghu South -> Duisburg, 82 TEU, Tue and Fri 20:00


def _rail_leg(doc: dict, alternative: int = 0) -> dict:
    return next(leg for leg in doc["alternatives"][alternative]["legs"] if leg["link_id"] == RAIL)


def _fill(svc: Service, departure: str, booked: float) -> None:
    """Set what is booked on the X8428 departure directly in the database."""
    leg = repo.LegSpace(0, RAIL, datetime.fromisoformat(departure), "teu", 82.0, booked)
    with svc.ctx.db.write() as session:
        repo.reserve(session, leg)


def test_booking_takes_space_and_cancelling_releases_it(svc: Service) -> None:
    quote = svc.quote()
    departure = _rail_leg(quote)["departure"]
    before = svc.departure(departure)
    assert (before["capacity"], before["booked"], before["remaining"]) == (82.0, 0.0, 82.0)

    response = svc.book(quote["id"])
    assert response.status_code == 201
    booking = response.json()
    assert booking["status"] == "confirmed" and booking["quote_id"] == quote["id"]
    rail = next(leg for leg in booking["legs"] if leg["link_id"] == RAIL)
    assert rail["space"]["amount"] == 4.0 and rail["space"]["remaining"] == 78.0
    truck = booking["legs"][0]
    assert truck["mode"] == "truck" and truck["space"] is None  # trucks are not tracked
    after = svc.departure(departure)
    assert (after["booked"], after["remaining"]) == (4.0, 78.0)

    got = svc.client.get(f"/v1/bookings/{booking['id']}", headers=svc.h("shipper")).json()
    assert got == booking
    cancelled = svc.client.post(f"/v1/bookings/{booking['id']}/cancel", headers=svc.h("shipper"))
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancelled_at"]
    assert svc.departure(departure)["remaining"] == 82.0
    again = svc.client.post(f"/v1/bookings/{booking['id']}/cancel", headers=svc.h("shipper"))
    assert again.status_code == 409 and "already cancelled" in again.json()["message"]


def test_booking_the_same_alternative_twice_is_409(svc: Service) -> None:
    quote = svc.quote()
    assert svc.book(quote["id"]).status_code == 201
    second = svc.book(quote["id"])
    assert second.status_code == 409
    assert second.json()["code"] == "already_booked"


def test_booking_an_expired_quote_is_410(svc: Service) -> None:
    quote = svc.quote()
    with svc.ctx.db.write() as session:
        session.execute(
            update(Quote)
            .where(Quote.id == quote["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    response = svc.book(quote["id"])
    assert response.status_code == 410
    assert response.json()["code"] == "quote_expired"
    assert "request a new quote" in response.json()["message"]


def test_booking_errors_for_bad_alternatives_and_no_route_quotes(svc: Service) -> None:
    quote = svc.quote()
    out_of_range = svc.book(quote["id"], alternative=7)
    assert out_of_range.status_code == 422
    assert out_of_range.json()["details"][0]["field"] == "alternative"
    deadline = (READY + timedelta(days=2)).isoformat()
    no_route = svc.client.post(
        "/v1/quotes", json=quote_body(deadline=deadline), headers=svc.h("shipper")
    ).json()
    response = svc.book(no_route["id"])
    assert response.status_code == 409 and "no route to book" in response.json()["message"]
    assert svc.book("f" * 32).status_code == 404
    bad = svc.client.post("/v1/bookings", json={"alternative": -1}, headers=svc.h("shipper"))
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["details"]} == {"quote_id", "alternative"}


def test_a_departure_that_has_left_cannot_be_booked(svc: Service) -> None:
    """A quote whose departure has left meanwhile (the API no longer quotes from the past: the
    quote is stored here as it would have been a month ago)."""
    from router.api.schemas import QuoteRequestIn, to_quote_request
    from router.services.quoting import quote_document

    past = datetime.now().replace(microsecond=0) - timedelta(days=30)
    request = to_quote_request(QuoteRequestIn.model_validate(quote_body(ready=past.isoformat())), 5)
    assert svc.ctx.loaded is not None
    document = quote_document(svc.ctx.loaded.compiled, request, quote_id=uuid.uuid4().hex)
    with svc.ctx.db.write() as session:
        stored = repo.save_quote(
            session,
            document=document,
            tenant="ACME",
            api_key_id=None,
            need_teu=4.0,
            need_kg=0.0,
            ttl=timedelta(hours=72),
        )
    quote = {"id": stored.id}
    response = svc.book(quote["id"])
    assert response.status_code == 409
    assert "has already left" in response.json()["message"]


def test_a_full_departure_is_refused_and_no_later_quote_offers_it(svc: Service) -> None:
    quote = svc.quote()
    departure = _rail_leg(quote)["departure"]
    _fill(svc, departure, 80.0)  # 2 TEU left; the quote needs 4
    response = svc.book(quote["id"])
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "capacity_exhausted"
    assert "has 2 teu left; this booking needs 4 teu" in error["message"]
    assert error["details"][0]["remaining"] == 2.0
    assert svc.departure(departure)["booked"] == 80.0  # nothing taken

    later = svc.quote()  # same request: the full departure is skipped
    leg = _rail_leg(later)
    assert datetime.fromisoformat(leg["departure"]) > datetime.fromisoformat(departure)
    assert leg["space_remaining"] == 82.0
    small = svc.quote(cargo={"containers": [{"type": "22G1", "count": 2}]})  # 2 TEU still fits
    assert _rail_leg(small)["departure"] == departure
    assert _rail_leg(small)["space_remaining"] == 2.0


def test_concurrent_bookings_of_the_last_slots_never_overbook(svc: Service) -> None:
    one_teu = {"containers": [{"type": "22G1", "count": 1}]}
    quotes = [svc.quote(cargo=one_teu) for _ in range(20)]
    departures = {_rail_leg(q)["departure"] for q in quotes}
    assert len(departures) == 1
    departure = departures.pop()
    _fill(svc, departure, 79.0)  # 3 slots left, 20 shippers racing for them

    barrier = threading.Barrier(len(quotes))
    results: list = [None] * len(quotes)

    def book(i: int) -> None:
        barrier.wait()
        results[i] = svc.book(quotes[i]["id"])

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(quotes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 3 + [409] * 17
    for refused in (r for r in results if r.status_code == 409):
        body = refused.json()
        assert body["code"] == "capacity_exhausted"
        assert "has 0 teu left; this booking needs 1 teu" in body["message"]
    state = svc.departure(departure)
    assert (state["booked"], state["remaining"]) == (82.0, 0.0)
    listed = svc.client.get("/v1/bookings?limit=100", headers=svc.h("shipper")).json()
    assert listed["total"] == 3


def test_bookings_list_is_paginated_and_filtered(svc: Service) -> None:
    ids = [svc.book(svc.quote()["id"]).json()["id"] for _ in range(3)]
    svc.client.post(f"/v1/bookings/{ids[0]}/cancel", headers=svc.h("shipper"))
    first = svc.client.get("/v1/bookings?limit=2", headers=svc.h("shipper")).json()
    second = svc.client.get("/v1/bookings?limit=2&offset=2", headers=svc.h("shipper")).json()
    assert first["total"] == 3 and first["next_offset"] == 2 and second["next_offset"] is None
    assert {b["id"] for b in first["items"] + second["items"]} == set(ids)
    assert first["items"][0]["id"] == ids[-1]  # newest first
    confirmed = svc.client.get("/v1/bookings?status=confirmed", headers=svc.h("shipper")).json()
    assert confirmed["total"] == 2
    cancelled = svc.client.get("/v1/bookings?status=cancelled", headers=svc.h("shipper")).json()
    assert [b["id"] for b in cancelled["items"]] == [ids[0]]
    assert svc.client.get("/v1/bookings?status=lost", headers=svc.h("shipper")).status_code == 422


def test_departures_listing_window_and_filters(svc: Service) -> None:
    start = READY.replace(hour=0)
    params = {"date_from": start.isoformat(), "date_to": (start + timedelta(days=7)).isoformat()}
    every = svc.client.get("/v1/departures", params=params, headers=svc.h("operator")).json()
    assert every["window"]["from"].startswith(start.date().isoformat())
    links = {d["link_id"] for d in every["items"]}
    # weekly and headway services with a capacity; never trucks
    assert {"RAIL-PHS-DUI", "BRG-SDX-SHK", "FDR-YTN-HKG", "AIR-SZX-FRA"} <= links
    assert not any(d["mode"] == "truck" for d in every["items"])
    feeder = [d for d in every["items"] if d["link_id"] == "FDR-YTN-HKG"]
    assert len(feeder) == 14  # every 12 h
    air = next(d for d in every["items"] if d["mode"] == "air")
    assert (air["unit"], air["capacity"]) == ("kg", 100_000.0)
    times = [(d["departure"], d["link_id"]) for d in every["items"]]
    assert times == sorted(times)

    def listed(**extra: str) -> list[dict]:
        response = svc.client.get(
            "/v1/departures", params={**params, **extra}, headers=svc.h("operator")
        )
        assert response.status_code == 200, response.text
        return response.json()["items"]

    rail = listed(**{"from": "SZ-PINGHU-RAIL", "to": "DEDUI"})
    assert [d["departure"][11:16] for d in rail] == ["20:00", "20:00"]
    assert listed(service="x8428") == rail and listed(service=RAIL) == rail
    assert {d["mode"] for d in listed(mode="deepsea")} == {"deepsea"}
    paged = svc.client.get(
        "/v1/departures", params={**params, "limit": 3, "offset": 3}, headers=svc.h("operator")
    ).json()
    assert paged["items"] == every["items"][3:6]

    unknown = svc.client.get(
        "/v1/departures", params={**params, "from": "SZ-PINGHU"}, headers=svc.h("operator")
    )
    assert unknown.status_code == 404 and "SZ-PINGHU-RAIL" in unknown.json()["suggestions"]
    too_long = {"date_from": "2027-01-01", "date_to": "2027-06-01"}
    response = svc.client.get("/v1/departures", params=too_long, headers=svc.h("operator"))
    assert response.status_code == 422 and "at most 92 days" in response.json()["message"]
    backwards = {"date_from": "2027-02-01", "date_to": "2027-01-01"}
    response = svc.client.get("/v1/departures", params=backwards, headers=svc.h("operator"))
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == ["query", "date_to"]


def test_quotes_and_bookings_survive_a_restart(svc: Service, tmp_path: Path) -> None:
    quote = svc.quote()
    booking = svc.book(quote["id"]).json()
    departure = _rail_leg(quote)["departure"]
    restarted = create_app(make_settings(svc.url))  # a new service on the same database
    with TestClient(restarted) as client:
        headers = svc.h("shipper")
        assert client.get(f"/v1/quotes/{quote['id']}", headers=headers).json()["id"] == quote["id"]
        got = client.get(f"/v1/bookings/{booking['id']}", headers=headers)
        assert got.status_code == 200 and got.json()["status"] == "confirmed"
        params = {"service": "X8428", "date_from": departure, "date_to": departure[:10] + "T23:00"}
        rows = client.get("/v1/departures", params=params, headers=svc.h("operator")).json()
        assert rows["items"][0]["booked"] == 4.0
        cancel = client.post(f"/v1/bookings/{booking['id']}/cancel", headers=headers)
        assert cancel.status_code == 200
    assert svc.departure(departure)["remaining"] == 82.0
