"""Network summary and GeoJSON, node search and details."""

from __future__ import annotations

from api_testkit import Service


def test_network_summary(svc: Service) -> None:
    body = svc.client.get("/v1/network", headers=svc.h("planner")).json()
    assert (body["name"], body["nodes"], body["links"]) == ("tiny", 16, 23)
    assert body["links_by_mode"]["rail"] == 2
    assert body["loaded_at"]


def test_network_geojson_filters_by_mode_and_bbox(svc: Service) -> None:
    get = svc.client.get
    everything = get("/v1/network.geojson", headers=svc.h("shipper")).json()
    assert everything["type"] == "FeatureCollection"
    kinds = [f["properties"]["feature_type"] for f in everything["features"]]
    assert kinds.count("node") == 16 and kinds.count("link") == 23
    rail = get("/v1/network.geojson?mode=rail", headers=svc.h("shipper")).json()["features"]
    links = [f for f in rail if f["properties"]["feature_type"] == "link"]
    assert {f["properties"]["mode"] for f in links} == {"rail"} and len(links) == 2
    nodes = {f["properties"]["id"] for f in rail if f["properties"]["feature_type"] == "node"}
    assert nodes == {"CNYTN", "SZ-PINGHU-RAIL", "DEDUI", "CN-ALASHANKOU"}
    # Shenzhen only: no European nodes, and only links touching the box
    box = "113.7,22.4,114.4,22.8"
    local = get(f"/v1/network.geojson?bbox={box}", headers=svc.h("shipper")).json()["features"]
    ids = {f["properties"]["id"] for f in local}
    assert "CNYTN" in ids and "DEDUI" not in ids and "NLRTM" not in ids
    assert "DS-YTN-RTM" in ids  # leaves the box but crosses it
    both = get(
        f"/v1/network.geojson?bbox={box}&mode=deepsea&mode=feeder&layer=links",
        headers=svc.h("shipper"),
    ).json()["features"]
    assert {f["properties"]["mode"] for f in both} == {"deepsea", "feeder"}
    assert all(f["geometry"]["type"] == "LineString" for f in both)


def test_network_geojson_rejects_bad_filters(svc: Service) -> None:
    for bbox in ("1,2,3", "a,b,c,d", "10,10,0,0", "0,0,200,10"):
        response = svc.client.get(f"/v1/network.geojson?bbox={bbox}", headers=svc.h("shipper"))
        assert response.status_code == 422, bbox
        detail = response.json()["details"][0]
        assert detail["field"] == "bbox" and detail["loc"] == ["query", "bbox"]
    response = svc.client.get("/v1/network.geojson?mode=boat", headers=svc.h("shipper"))
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"][:2] == ["query", "mode"]


def test_node_search_by_id_locode_english_and_chinese_names(svc: Service) -> None:
    def ids(q: str, **params: object) -> list[str]:
        response = svc.client.get("/v1/nodes", params={"q": q, **params}, headers=svc.h("shipper"))
        assert response.status_code == 200
        return [n["id"] for n in response.json()["items"]]

    assert ids("CNYTN") == ["CNYTN"]
    assert ids("kzala") == ["KZ-ALMATY"]  # by UN/LOCODE
    assert ids("yantian") == ["CNYTN"]
    assert ids("盐田") == ["CNYTN"]
    assert ids("深圳")[:1] == ["SZ-CITY"]  # exact Chinese name first
    assert set(ids("shenzhen")) >= {"SZ-CITY", "SZ-SHENZHENBAY-CN", "CNSZX"}
    assert ids("zzzz") == []
    assert ids("", kind="airport") == ["CNSZX", "DEFRA"]
    assert set(ids("", jurisdiction="hk")) == {"HK-SHENZHENBAY", "HKHKG"}


def test_node_search_is_paginated(svc: Service) -> None:
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = svc.client.get(
            "/v1/nodes", params={"limit": 5, "offset": offset}, headers=svc.h("shipper")
        ).json()
        assert page["total"] == 16 and len(page["items"]) <= 5
        seen += [n["id"] for n in page["items"]]
        offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == 16
    too_many = svc.client.get("/v1/nodes?limit=1000", headers=svc.h("shipper"))
    assert too_many.status_code == 422
    assert too_many.json()["details"][0]["field"] == "limit"


def test_node_details_and_close_matches_for_unknown_ids(svc: Service) -> None:
    node = svc.client.get("/v1/nodes/CNYTN", headers=svc.h("shipper")).json()
    assert node["name_zh"] == "盐田国际集装箱码头" and node["kind"] == "seaport"
    assert "export_clearance" in node["operations"]
    assert node["outgoing_links"] == 3 and "deepsea" in node["modes"]
    missing = svc.client.get("/v1/nodes/CNYTX", headers=svc.h("shipper"))
    assert missing.status_code == 404
    body = missing.json()
    assert body["suggestions"][0] == "CNYTN"
    assert "did you mean" in body["message"]
