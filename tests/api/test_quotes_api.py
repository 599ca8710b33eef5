"""Quotes over HTTP: the document, storage, GeoJSON, and every error mapping."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from api_testkit import READY, Service, quote_body

from router.quotes.document import make_quote
from router.routing.request import Cargo, PlaceRef, Preferences, QuoteRequest


def test_quote_is_created_with_id_expiry_and_alternatives(svc: Service) -> None:
    response = svc.client.post("/v1/quotes", json=quote_body(), headers=svc.h("shipper"))
    assert response.status_code == 201
    doc = response.json()
    assert doc["status"] == "ok" and doc["reasons"] == []
    assert len(doc["id"]) == 32
    created = datetime.fromisoformat(doc["created_at"])
    expires = datetime.fromisoformat(doc["expires_at"])
    assert expires - created == timedelta(hours=svc.ctx.settings.quote_ttl_h)
    alt = doc["alternatives"][0]
    assert {"cheapest", "fastest", "recommended"} <= set(alt["tags"])
    for key in ("summary", "departure", "arrival", "duration_h", "transfers", "cost",
                "time_breakdown_h", "co2e_kg", "legs", "customs_events"):  # fmt: skip
        assert key in alt
    rail = next(leg for leg in alt["legs"] if leg["mode"] == "rail")
    assert rail["link_id"] == "RAIL-PHS-DUI" and rail["from"] == "SZ-PINGHU-RAIL"
    assert (rail["space_unit"], rail["space_remaining"]) == ("teu", 82.0)
    assert doc["request"]["origin"] == "SZ-CITY"
    assert doc["links"]["geojson"] == f"/v1/quotes/{doc['id']}/geojson"
    again = svc.client.get(f"/v1/quotes/{doc['id']}", headers=svc.h("shipper"))
    assert again.status_code == 200
    assert again.json()["alternatives"] == doc["alternatives"]


def test_quote_returns_all_the_engines_alternatives(svc: Service) -> None:
    body = quote_body(destination="NLRTM", preferences={"alternatives": 8})
    doc = svc.client.post("/v1/quotes", json=body, headers=svc.h("shipper")).json()
    engine = make_quote(
        svc.ctx.compiled,  # type: ignore[arg-type]
        QuoteRequest(
            PlaceRef("SZ-CITY"),
            PlaceRef("NLRTM"),
            Cargo(containers=(("42G1", 2),)),
            READY,
            preferences=Preferences(alternatives=8),
        ),
    )
    assert len(doc["alternatives"]) == len(engine["alternatives"]) > 1
    assert [a["summary"] for a in doc["alternatives"]] == [
        a["summary"] for a in engine["alternatives"]
    ]


def test_quote_geojson_has_one_linestring_per_leg(svc: Service) -> None:
    doc = svc.quote()
    geo = svc.client.get(f"/v1/quotes/{doc['id']}/geojson", headers=svc.h("shipper")).json()
    assert geo["type"] == "FeatureCollection"
    legs = sum(len(a["legs"]) for a in doc["alternatives"])
    assert len(geo["features"]) == legs
    assert all(f["geometry"]["type"] == "LineString" for f in geo["features"])
    assert geo["features"][0]["properties"]["alternative"] == 0


def test_quote_from_a_point_and_loose_air_cargo(svc: Service) -> None:
    body = quote_body(
        origin={"lon": 114.06, "lat": 22.54},
        destination="DEFRA",
        cargo={"weight_kg": 800, "volume_m3": 3},
    )
    response = svc.client.post("/v1/quotes", json=body, headers=svc.h("shipper"))
    assert response.status_code == 201, response.text
    legs = response.json()["alternatives"][0]["legs"]
    air = next(leg for leg in legs if leg["mode"] == "air")
    assert air["space_unit"] == "kg" and air["space_remaining"] == 100_000
    assert legs[0]["from"] == "origin"


def test_infeasible_request_is_200_no_route_with_reasons(svc: Service) -> None:
    deadline = (READY + timedelta(days=3)).isoformat()
    response = svc.client.post(
        "/v1/quotes", json=quote_body(deadline=deadline), headers=svc.h("shipper")
    )
    assert response.status_code == 200
    doc = response.json()
    assert doc["status"] == "no_route" and doc["alternatives"] == []
    assert any("deadline too early" in r for r in doc["reasons"])
    assert svc.client.get(f"/v1/quotes/{doc['id']}", headers=svc.h("shipper")).status_code == 200


def test_unknown_node_is_404_with_close_matches(svc: Service) -> None:
    for field, value in (("origin", "SZ-CTY"), ("destination", "DEDUl")):
        response = svc.client.post(
            "/v1/quotes", json=quote_body(**{field: value}), headers=svc.h("shipper")
        )
        assert response.status_code == 404
        body = response.json()
        assert body["code"] == "not_found" and body["suggestions"]
        assert body["suggestions"][0] == {"origin": "SZ-CITY", "destination": "DEDUI"}[field]
    excluded = quote_body(constraints={"excluded_nodes": ["CNYTNN"]})
    response = svc.client.post("/v1/quotes", json=excluded, headers=svc.h("shipper"))
    assert response.status_code == 404 and "CNYTN" in response.json()["suggestions"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"cargo": None}, "cargo", "field required"),
        ({"ready": "next tuesday"}, "ready", "ISO 8601"),
        ({"ready": 1700000000}, "ready", "ISO 8601"),
        ({"ready": "1850-01-01T00:00:00"}, "ready", "between 2000-01-01"),
        (
            {"cargo": {"containers": [{"type": "42G1", "count": 0}]}},
            "cargo.containers.0.count",
            "greater than or equal to 1",
        ),
        (
            {"cargo": {"containers": [{"type": "99X9", "count": 1}]}},
            "cargo.containers.0.type",
            "22G1",
        ),
        ({"cargo": {"weight_kg": -5}}, "cargo.weight_kg", "greater than 0"),
        ({"cargo": {}}, "cargo", "give containers, or weight_kg"),
        ({"cargo": {"weight_kg": 10, "cargo_class": "dangerous"}}, "cargo.imdg_class", "IMDG"),
        (
            {"cargo": {"containers": [{"type": "22G1", "count": 1}], "weight_kg": 90000}},
            "cargo.weight_kg",
            "payload",
        ),
        ({"origin": {"lon": 500, "lat": 0}}, "origin.lon", "less than or equal to 180"),
        ({"origin": 7}, "origin", "valid string"),
        ({"origin": "DEDUI"}, "destination", "different place than the origin"),
        ({"origin": "cnytn", "destination": "CNYTN"}, "destination", "different place"),
        ({"deadline": "2000-01-02T00:00:00"}, "deadline", "after the ready time"),
        ({"constraints": {"allowed_modes": []}}, "constraints.allowed_modes", "at least 1 item"),
        ({"constraints": {"allowed_modes": ["boat"]}}, "constraints.allowed_modes.0", "truck"),
        (
            {"constraints": {"required_nodes": ["CNYTN"] * 9}},
            "constraints.required_nodes",
            "at most 8",
        ),
        ({"preferences": {"alternatives": 15}}, "preferences.alternatives", "at most 10"),
        (
            {"preferences": {"alternatives": 50}},
            "preferences.alternatives",
            "less than or equal to 20",
        ),
        ({"surprise": 1}, "surprise", "Extra inputs are not permitted"),
        ({"trader": {"aeo_level": "general"}}, "trader.aeo_level", "GAC Decree 251"),
        ({"trader": {"aeo_level": "gold"}}, "trader.aeo_level", "allowed: none, advanced"),
        ({"cargo": {"weight_kg": float("nan")}}, "cargo.weight_kg", "finite"),
        (
            {"cargo": {"containers": [{"type": "42G1", "count": 1}], "ecommerce_regime": "9610"}},
            "cargo.ecommerce_regime",
            "needs cargo_class ecommerce",
        ),
        (
            {"cargo": {"cargo_class": "ecommerce", "weight_kg": 50, "ecommerce_regime": "1111"}},
            "cargo.ecommerce_regime",
            "9610",
        ),
    ],
)
def test_invalid_requests_are_422_with_field_and_message(
    svc: Service, change: dict, field: str, words: str
) -> None:
    body = quote_body(**change)
    body = {k: v for k, v in body.items() if v is not None}
    if "deadline" in change:
        body["ready"] = "2000-01-03T00:00:00"
    response = svc.client.post(
        "/v1/quotes",
        content=json.dumps(body),  # allows NaN, which must then be refused
        headers={**svc.h("shipper"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_error"
    fields = [d["field"] for d in error["details"]]
    assert field in fields, fields
    detail = error["details"][fields.index(field)]
    assert detail["loc"][0] == "body"
    assert words.lower() in detail["message"].lower(), detail["message"]
    assert words.lower() in error["message"].lower()


def test_malformed_json_is_422(svc: Service) -> None:
    response = svc.client.post(
        "/v1/quotes",
        content=b'{"origin": "SZ-CITY",',
        headers={**svc.h("shipper"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["details"][0]["message"]


def test_unknown_quote_is_404(svc: Service) -> None:
    response = svc.client.get("/v1/quotes/" + "f" * 32, headers=svc.h("shipper"))
    assert response.status_code == 404
    assert response.json()["message"] == f"unknown quote '{'f' * 32}'"


def test_the_api_returns_the_clis_quote_document(svc: Service) -> None:
    # one quote document (DESIGN.md §4.1): with no bookings, POST /v1/quotes returns what
    # `router quote --json` prints for the same request, but for the quote id and the stored
    # row's fields (created_at, expires_at, links); every leg reports its departure's space
    from typer.testing import CliRunner

    from router.cli import app

    body = quote_body(
        destination="NLRTM",
        cargo={"containers": [{"type": "42G1", "count": 2}], "weight_kg": 18_000},
        trader={"aeo_level": "advanced"},
        preferences={"alternatives": 8},
    )
    api = svc.client.post("/v1/quotes", json=body, headers=svc.h("shipper"))
    assert api.status_code == 201, api.text
    result = CliRunner().invoke(
        app,
        [
            "quote", "SZ-CITY", "NLRTM", "--ready", READY.isoformat(), "--containers", "2x42G1",
            "--weight-kg", "18000", "--aeo", "advanced", "--alternatives", "8", "--json",
            "--data", str(svc.ctx.settings.data_dir),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    served = api.json()
    assert served["id"] != cli["id"]
    assert set(served) - set(cli) == {"created_at", "expires_at", "links"}
    row_fields = {"id", "created_at", "expires_at", "links"}
    assert {k: v for k, v in served.items() if k not in row_fields} == {
        k: v for k, v in cli.items() if k != "id"
    }
    legs = [leg for alt in cli["alternatives"] for leg in alt["legs"]]
    assert len(cli["alternatives"]) > 1 and all("space_remaining" in leg for leg in legs)
    tracked = [leg for leg in legs if leg["space_unit"] is not None]
    assert tracked and all(leg["space_remaining"] > 0 for leg in tracked)
    assert all(leg["space_remaining"] is None for leg in legs if leg["mode"] == "truck")
