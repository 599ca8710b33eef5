"""Backpressure: beyond the compute slots a quote is 503 with Retry-After at once (not queued
without bound); beyond a key's request rate, 429 with Retry-After; other keys go on."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from api_testkit import make_settings, quote_body
from fastapi.testclient import TestClient

from router.api import create_app
from router.store import repositories as repo


@pytest.fixture
def limited(service_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = make_settings(
        service_url,
        max_concurrent_compute=1,
        compute_queue_wait_s=0.05,
        rate_limit_per_s=2.0,
        rate_limit_burst=3,
        embedded_worker=False,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        keys = {}
        for name in ("limited-a", "limited-b"):
            with app.state.service.db.write() as session:
                _, keys[name] = repo.create_key(session, name=name, role="shipper")
        yield client, keys


def test_a_quote_beyond_the_compute_slots_is_503_with_retry_after(limited) -> None:
    client, keys = limited
    headers = {"X-API-Key": keys["limited-a"]}
    slots = client.app.state.limits.compute  # type: ignore[attr-defined]
    with slots.hold():  # the one slot is busy
        started = time.monotonic()
        busy = client.post("/v1/quotes", json=quote_body(), headers=headers)
        waited_s = time.monotonic() - started
    assert busy.status_code == 503, busy.text
    assert busy.headers["Retry-After"] == "1" and busy.json()["code"] == "unavailable"
    assert "1 computations at once" in busy.json()["message"]
    assert waited_s < 2.0  # refused after the short queue wait, not after the work
    assert client.post("/v1/quotes", json=quote_body(), headers=headers).status_code == 201


def test_a_key_beyond_its_rate_is_429_and_other_keys_go_on(limited) -> None:
    client, keys = limited
    a, b = {"X-API-Key": keys["limited-a"]}, {"X-API-Key": keys["limited-b"]}
    codes = [client.get("/v1/nodes", params={"limit": 1}, headers=a).status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    limited_answer = client.get("/v1/nodes", params={"limit": 1}, headers=a)
    assert limited_answer.status_code == 429
    assert int(limited_answer.headers["Retry-After"]) >= 1
    assert limited_answer.json()["code"] == "rate_limited"
    assert client.get("/v1/nodes", params={"limit": 1}, headers=b).status_code == 200
    time.sleep(0.6)  # 2 requests/s: one more is allowed after half a second
    assert client.get("/v1/nodes", params={"limit": 1}, headers=a).status_code == 200
