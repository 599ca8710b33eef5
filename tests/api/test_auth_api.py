"""API keys and roles: 401 without a valid key, 403 for the wrong role, 404 across tenants."""

from __future__ import annotations

import pytest
from api_testkit import Service, quote_body

PROTECTED = [
    ("get", "/v1/network", None),
    ("get", "/v1/network.geojson", None),
    ("post", "/v1/network/reload", None),
    ("get", "/v1/nodes", None),
    ("get", "/v1/nodes/CNYTN", None),
    ("post", "/v1/quotes", quote_body()),
    ("get", "/v1/quotes/abc", None),
    ("get", "/v1/quotes/abc/geojson", None),
    ("post", "/v1/bookings", {"quote_id": "abc"}),
    ("get", "/v1/bookings", None),
    ("get", "/v1/bookings/abc", None),
    ("post", "/v1/bookings/abc/cancel", None),
    ("get", "/v1/bookings/abc/events", None),
    ("get", "/v1/departures", None),
    ("get", "/v1/keys", None),
    ("post", "/v1/keys", {"name": "x", "role": "shipper"}),
    ("post", "/v1/keys/abc/revoke", None),
    ("post", "/v1/assignments", {"shipments": []}),
    ("get", "/v1/assignments", None),
    ("get", "/v1/assignments/abc", None),
    ("post", "/v1/consolidation/plans", {"containers": [], "trains": []}),
    ("get", "/v1/consolidation/plans", None),
    ("get", "/v1/consolidation/plans/abc", None),
    ("get", "/v1/jobs", None),
    ("get", "/v1/jobs/abc", None),
    ("post", "/v1/jobs/abc/cancel", None),
    ("get", "/v1/scenarios/bundled", None),
    ("post", "/v1/scenarios", {"scenarios": ["shenzhen-bay-closed"]}),
    ("get", "/v1/scenarios", None),
    ("post", "/v1/scenarios/demand", None),
    ("get", "/v1/scenarios/abc", None),
    ("get", "/v1/scenarios/abc/files/report.html", None),
]


def test_every_protected_operation_is_listed(svc: Service) -> None:
    schema = svc.client.get("/openapi.json").json()
    documented = [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if path not in ("/v1/health", "/v1/version")
    ]
    assert len(documented) == len(PROTECTED)
    for method, path in documented:
        assert any(m == method and p.count("/") == path.count("/") for m, p, _ in PROTECTED)


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_missing_or_invalid_key_is_401(svc: Service, method: str, path: str, body) -> None:
    response = svc.client.request(method, path, json=body)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
    for headers in (
        {"X-API-Key": "gbr_00000000_not-a-real-key"},
        {"Authorization": "Bearer nonsense"},
    ):
        response = svc.client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401


def test_bearer_token_is_accepted(svc: Service) -> None:
    headers = {"Authorization": f"Bearer {svc.keys['shipper']}"}
    assert svc.client.get("/v1/nodes", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("who", "method", "path", "body"),
    [
        ("operator", "post", "/v1/quotes", quote_body()),
        ("planner", "post", "/v1/quotes", quote_body()),
        ("operator", "get", "/v1/quotes/abc", None),
        ("planner", "post", "/v1/bookings", {"quote_id": "abc"}),
        ("operator", "get", "/v1/bookings", None),
        ("shipper", "get", "/v1/departures", None),
        ("planner", "get", "/v1/departures", None),
        ("shipper", "get", "/v1/keys", None),
        ("operator", "post", "/v1/keys", {"name": "x", "role": "admin"}),
        ("shipper", "post", "/v1/network/reload", None),
        ("shipper", "post", "/v1/assignments", {"shipments": []}),
        ("shipper", "get", "/v1/assignments/abc", None),
        ("planner", "post", "/v1/consolidation/plans", {"containers": [], "trains": []}),
        ("shipper", "get", "/v1/consolidation/plans", None),
    ],
)
def test_wrong_role_is_403(svc: Service, who: str, method: str, path: str, body) -> None:
    response = svc.client.request(method, path, json=body, headers=svc.h(who))
    assert response.status_code == 403, response.text
    error = response.json()
    assert error["code"] == "forbidden"
    assert f"role '{who}'" in error["message"]


def test_admin_may_use_every_role_s_operations(svc: Service) -> None:
    quote = svc.quote("admin")
    assert svc.client.get("/v1/departures", headers=svc.h("admin")).status_code == 200
    assert svc.book(quote["id"], "admin").status_code == 201
    assert svc.client.post("/v1/network/reload", headers=svc.h("admin")).status_code == 200


def test_another_tenant_s_quote_and_booking_are_not_found(svc: Service) -> None:
    quote = svc.quote("shipper")
    booking = svc.book(quote["id"]).json()
    get = svc.client.get
    for path in (f"/v1/quotes/{quote['id']}", f"/v1/quotes/{quote['id']}/geojson"):
        assert get(path, headers=svc.h("shipper")).status_code == 200
        other = get(path, headers=svc.h("other"))
        assert other.status_code == 404
        assert other.json()["message"] == f"unknown quote '{quote['id']}'"
    assert get(f"/v1/bookings/{booking['id']}", headers=svc.h("other")).status_code == 404
    cancel = svc.client.post(f"/v1/bookings/{booking['id']}/cancel", headers=svc.h("other"))
    assert cancel.status_code == 404
    assert svc.book(quote["id"], "other", alternative=1).status_code == 404
    assert get("/v1/bookings", headers=svc.h("other")).json()["total"] == 0
    assert get("/v1/bookings", headers=svc.h("shipper")).json()["total"] == 1
    # the same answer as for a quote that does not exist: existence is not leaked
    missing = get("/v1/quotes/" + "0" * 32, headers=svc.h("other"))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    # keys of one tenant share its quotes; admin sees every tenant's
    colleague = svc.new_key("shipper", "ACME ops", tenant="ACME")
    assert get(f"/v1/quotes/{quote['id']}", headers={"X-API-Key": colleague}).status_code == 200
    assert get(f"/v1/bookings/{booking['id']}", headers=svc.h("admin")).status_code == 200


def test_keys_api_creates_lists_and_revokes(svc: Service) -> None:
    created = svc.client.post(
        "/v1/keys", json={"name": "Initech", "role": "shipper"}, headers=svc.h("admin")
    )
    assert created.status_code == 201
    body = created.json()
    key, prefix = body["key"], body["prefix"]
    assert key.startswith(f"gbr_{prefix}_") and body["tenant"] == "Initech"
    listed = svc.client.get("/v1/keys?limit=100", headers=svc.h("admin")).json()
    row = next(k for k in listed["items"] if k["prefix"] == prefix)
    assert "key" not in row and row["revoked_at"] is None
    assert key not in str(listed)
    assert svc.client.get("/v1/nodes", headers={"X-API-Key": key}).status_code == 200
    revoked = svc.client.post(f"/v1/keys/{prefix}/revoke", headers=svc.h("admin"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert svc.client.get("/v1/nodes", headers={"X-API-Key": key}).status_code == 401
    missing = svc.client.post("/v1/keys/ffffffff/revoke", headers=svc.h("admin"))
    assert missing.status_code == 404
    bad = svc.client.post("/v1/keys", json={"name": "x", "role": "root"}, headers=svc.h("admin"))
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "role"
