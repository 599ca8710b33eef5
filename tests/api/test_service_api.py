"""Health, version, OpenAPI documentation, limits, CORS, an unloadable network."""

from __future__ import annotations

from pathlib import Path

from api_testkit import Service, make_settings, quote_body
from fastapi.testclient import TestClient

from router.api import create_app
from router.store import repositories as repo


def test_health_reports_network_and_database(svc: Service) -> None:
    response = svc.client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["network"] == {"ok": True, "detail": "tiny: 16 nodes, 23 links"}
    assert body["database"]["ok"] is True


def test_version_needs_no_key(svc: Service) -> None:
    body = svc.client.get("/v1/version").json()
    assert body["api"] == "v1" and body["network"] == "tiny"
    assert body["schema_revision"] == "0004"
    assert body["database"] in ("sqlite", "postgresql")


def test_every_operation_is_documented_with_a_summary_and_an_example(svc: Service) -> None:
    schema = svc.client.get("/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 16
    assert all(path.startswith("/v1/") for path, _, _ in operations)
    for path, method, op in operations:
        assert op.get("summary"), f"{method.upper()} {path} has no summary"
        contents = [r.get("content", {}) for r in op["responses"].values()]
        contents.append(op.get("requestBody", {}).get("content", {}))
        examples = [
            media
            for content in contents
            for media in content.values()
            if "example" in media or "examples" in media
        ]
        assert examples, f"{method.upper()} {path} has no example"
        if path not in ("/v1/health", "/v1/version"):
            assert "401" in op["responses"], f"{method.upper()} {path} does not document 401"


def test_body_size_is_limited(svc: Service) -> None:
    body = quote_body(cargo={"containers": [{"type": "42G1", "count": 1}]}, pad="x" * 300_000)
    response = svc.client.post("/v1/quotes", json=body, headers=svc.h("shipper"))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"

    def chunks():  # no Content-Length: the limit applies while streaming
        for _ in range(40):
            yield b" " * 10_000

    response = svc.client.post("/v1/quotes", content=chunks(), headers=svc.h("shipper"))
    assert response.status_code == 413


def test_unknown_route_and_method_use_the_error_body(svc: Service) -> None:
    response = svc.client.get("/v1/nope", headers=svc.h("shipper"))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = svc.client.delete("/v1/quotes", headers=svc.h("shipper"))
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_cors_is_off_by_default_and_configurable(svc: Service, tmp_path: Path) -> None:
    headers = {"Origin": "https://example.com", "Access-Control-Request-Method": "GET"}
    response = svc.client.options("/v1/health", headers=headers)
    assert "access-control-allow-origin" not in response.headers
    app = create_app(
        make_settings(f"sqlite:///{tmp_path / 'c.sqlite'}", cors_origins=["https://example.com"])
    )
    with TestClient(app) as client:
        response = client.options("/v1/health", headers=headers)
        assert response.headers["access-control-allow-origin"] == "https://example.com"


def test_an_unloadable_network_degrades_health_and_gives_503(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'd.sqlite'}")
    settings.data_dir = tmp_path / "missing-dataset"
    app = create_app(settings)
    with TestClient(app) as client:
        health = client.get("/v1/health")
        assert health.status_code == 503
        assert health.json()["status"] == "degraded"
        assert health.json()["network"]["ok"] is False
        with app.state.service.db.write() as session:
            _, key = repo.create_key(session, name="ACME", role="shipper")
        response = client.get("/v1/network", headers={"X-API-Key": key})
        assert response.status_code == 503
        assert response.json()["code"] == "unavailable"
