"""Bad input found by a reliability tester (issue 13): each answers 4xx with a useful message,
never 500, and creates nothing."""

from __future__ import annotations

import json

import pytest
from api_testkit import Service, quote_body


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_departures_window_at_the_ends_of_the_calendar_is_422(svc: Service, day: str) -> None:
    for param in ("date_from", "date_to"):
        response = svc.client.get("/v1/departures", params={param: day}, headers=svc.h("operator"))
        assert response.status_code == 422, response.text
        assert response.json()["details"][0]["loc"] == ["query", param]
        assert "between 2000-01-01 and 2100-01-01" in response.json()["message"]


def test_a_lone_surrogate_in_a_place_is_422_not_500(svc: Service) -> None:
    body = json.dumps(quote_body(origin="\ud800"))  # json.dumps escapes it as \\ud800
    response = svc.client.post(
        "/v1/quotes",
        content=body,
        headers={**svc.h("shipper"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == "origin"


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_or_blank_place_is_422(svc: Service, blank: str) -> None:
    for field in ("origin", "destination"):
        response = svc.client.post(
            "/v1/quotes", json=quote_body(**{field: blank}), headers=svc.h("shipper")
        )
        assert response.status_code == 422, response.text
        assert response.json()["details"][0]["field"] == field


def test_the_same_point_as_origin_and_destination_is_422(svc: Service) -> None:
    point = {"lon": 114.06, "lat": 22.54}
    response = svc.client.post(
        "/v1/quotes",
        json=quote_body(origin=point, destination=dict(point)),
        headers=svc.h("shipper"),
    )
    assert response.status_code == 422, response.text
    assert "same place" in response.json()["message"]


def test_json_nested_too_deep_says_so(svc: Service) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = svc.client.post(
        "/v1/quotes",
        content=deep,
        headers={**svc.h("shipper"), "Content-Type": "application/json"},
    )
    assert response.status_code in (413, 422), response.text
    assert "too deep" in response.json()["message"]


def test_an_error_that_echoes_a_lone_surrogate_still_renders() -> None:
    """A message quoting client text that is not valid Unicode is escaped, not a 500."""
    from router.api.errors import _json

    response = _json(404, {"code": "not_found", "message": "unknown node '\ud800'"})
    assert response.status_code == 404
    assert json.loads(response.body)["message"] == "unknown node '\ud800'"


def test_the_last_active_admin_key_cannot_be_revoked(svc: Service) -> None:
    from router.store import repositories as repo
    from router.store.models import ApiKey

    own = svc.keys["admin"].split("_")[1]  # gbr_<prefix>_<secret>
    with svc.ctx.db.write() as session:  # only the fixture's admin key stays active
        for key in session.query(ApiKey).filter(ApiKey.role == "admin").all():
            if key.prefix != own and key.revoked_at is None:
                repo.revoke_key(session, key.prefix)
    refused = svc.client.post(f"/v1/keys/{own}/revoke", headers=svc.h("admin"))
    assert refused.status_code == 409, refused.text
    assert "last active admin key" in refused.json()["message"]
    assert svc.client.get("/v1/keys", headers=svc.h("admin")).status_code == 200  # still works
    second = svc.client.post(
        "/v1/keys", json={"name": "Deputy", "role": "admin"}, headers=svc.h("admin")
    ).json()
    assert (
        svc.client.post(f"/v1/keys/{second['prefix']}/revoke", headers=svc.h("admin")).status_code
        == 200
    )


def test_ambiguous_or_unsupported_credentials_are_refused(svc: Service) -> None:
    key, other = svc.keys["shipper"], svc.keys["operator"]
    cases = {
        "more than one X-API-Key": [("X-API-Key", key), ("X-API-Key", other)],
        "carry different keys": [("X-API-Key", key), ("Authorization", f"Bearer {other}")],
        "unsupported Authorization scheme 'Token'": [("Authorization", f"Token {key}")],
        "more than one Authorization": [
            ("Authorization", f"Bearer {key}"),
            ("Authorization", f"Bearer {other}"),
        ],
    }
    for message, headers in cases.items():
        response = svc.client.get("/v1/nodes", headers=headers)
        assert response.status_code == 401, (message, response.text)
        assert message in response.json()["message"]
    same = [("X-API-Key", key), ("Authorization", f"Bearer {key}")]
    assert svc.client.get("/v1/nodes", headers=same).status_code == 200
    assert (
        svc.client.get("/v1/nodes", headers=[("Authorization", f"bearer {key}")]).status_code == 200
    )


def test_the_key_is_checked_before_repeated_query_parameters(svc: Service) -> None:
    url = "/v1/departures?mode=rail&mode=barge"
    assert svc.client.get(url).status_code == 401
    assert svc.client.get(url, headers={"X-API-Key": "gbr_nope_nope"}).status_code == 401
    with_key = svc.client.get(url, headers=svc.h("operator"))
    assert with_key.status_code == 422 and "given more than once" in with_key.text


def test_an_unexpected_error_is_answered_without_reraising(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 defect 2: the 500 is answered and the exception ends there. The test client
    re-raises whatever reaches the server; before, Starlette re-raised it after answering, and
    uvicorn then dropped the keep-alive connection with the client's next request on it."""
    from router.services import network as network_service

    def broken(loaded):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(network_service, "summary", broken)
    response = svc.client.get("/v1/network", headers=svc.h("shipper"))
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "a bug" not in response.text  # no internals in the answer
    assert svc.client.get("/v1/health").status_code == 200  # the same client goes on


def test_a_ready_time_in_the_past_is_422(svc: Service) -> None:
    """Issue 13 defect 6: such a quote could never be booked."""
    from datetime import datetime, timedelta

    past = (datetime.now() - timedelta(days=2)).replace(microsecond=0).isoformat()
    response = svc.client.post("/v1/quotes", json=quote_body(ready=past), headers=svc.h("shipper"))
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == "ready"
    assert "in the past" in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "who", "body", "field"),
    [
        ("/v1/quotes", "shipper", quote_body(preferences={"alternatives": True}), "alternatives"),
        ("/v1/quotes", "shipper", quote_body(cargo={"weight_kg": "800"}), "weight_kg"),
        ("/v1/bookings", "shipper", {"quote_id": "a" * 32, "alternative": False}, "alternative"),
        (
            "/v1/consolidation/plans",
            "operator",
            {"containers": [], "trains": [], "seed": False},
            "seed",
        ),
    ],
)
def test_numbers_and_booleans_are_what_the_schema_says(
    svc: Service, path: str, who: str, body: dict, field: str
) -> None:
    """Issue 13 defect 13: ``seed: false`` was taken as 0 (and "800" as 800) where the schema
    says integer (number): what the schema does not allow is 422."""
    response = svc.client.post(path, json=body, headers=svc.h(who))
    assert response.status_code == 422, response.text
    fields = [d["field"] for d in response.json()["details"]]
    assert any(f.endswith(field) for f in fields), response.text


def test_the_schema_states_the_rules_the_service_enforces(svc: Service) -> None:
    """Issue 13 defect 13: the rules are in the OpenAPI document (and the schemathesis test
    checks that what it allows is accepted)."""
    schemas = svc.client.get("/openapi.json").json()["components"]["schemas"]
    limits = svc.ctx.settings
    assert (
        schemas["AssignmentIn"]["properties"]["time_limit_s"]["maximum"] == limits.max_job_solve_s
    )
    assert (
        schemas["BookingIn"]["properties"]["alternative"]["maximum"] == limits.max_alternatives - 1
    )
    assert "not" in schemas["BookingIn"]  # an alternative or the split, not both
    assert schemas["CargoIn"]["anyOf"]  # containers or weight_kg
    ready = schemas["QuoteRequestIn"]["properties"]["ready"]
    assert ready["pattern"] == "^20[0-9]{2}-"  # the years 2000-2099
    origin = schemas["QuoteRequestIn"]["properties"]["origin"]
    assert any(o.get("pattern") == r"\S" for o in origin["anyOf"])  # not blank
    paths = svc.client.get("/openapi.json").json()["paths"]
    bbox = next(p for p in paths["/v1/network.geojson"]["get"]["parameters"] if p["name"] == "bbox")
    assert bbox["schema"]["anyOf"][0]["pattern"].startswith("^")
