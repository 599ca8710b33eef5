"""The network: summary, GeoJSON (filtered by mode and bounding box), reload."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from router.api.deps import Admin, AnyRole, ContextDep, NetworkDep
from router.api.docs import AUTH, responses
from router.api.schemas import FeatureCollection, NetworkSummaryOut
from router.network.model import Mode
from router.services import network as network_service

_NUMBER = r"\s*-?[0-9]{1,3}(\.[0-9]+)?\s*"
#: four comma-separated decimal degrees
BBOX_PATTERN = f"^{_NUMBER}(,{_NUMBER}){{3}}$"

router = APIRouter(tags=["network"])

SUMMARY_EXAMPLE = {
    "name": "gba",
    "nodes": 16,
    "links": 23,
    "nodes_by_kind": {"seaport": 4, "rail_terminal": 2},
    "nodes_by_jurisdiction": {"CN": 10, "HK": 2},
    "links_by_mode": {"rail": 2, "truck": 14},
    "scheduled_departures_per_week": 31,
    "weekly_capacity_teu": 9000.0,
    "loaded_at": "2027-02-27T03:00:00+00:00",
}


@router.get(
    "/network",
    response_model=NetworkSummaryOut,
    summary="Summary of the loaded network",
    description="Counts by node kind, jurisdiction, mode, regime and schedule; weekly capacity.",
    responses=responses(SUMMARY_EXAMPLE, *AUTH),
)
def get_network_summary(_: AnyRole, loaded: NetworkDep) -> dict[str, object]:
    return network_service.summary(loaded)


@router.get(
    "/network.geojson",
    response_model=FeatureCollection,
    summary="The network as GeoJSON, filtered by mode and bounding box",
    description="Nodes as Points and links as LineStrings (RFC 7946). `mode` (repeatable) keeps "
    "links of those modes and the nodes they touch; `bbox=min_lon,min_lat,max_lon,max_lat` keeps "
    "features inside/crossing the box; `layer` picks nodes, links or both.",
    responses=responses(
        {
            "type": "FeatureCollection",
            "name": "gba",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [114.27, 22.58]},
                    "properties": {"id": "CNYTN", "kind": "seaport", "feature_type": "node"},
                }
            ],
        },
        *AUTH,
    ),
)
def get_network_geojson(
    _: AnyRole,
    loaded: NetworkDep,
    mode: Annotated[list[Mode] | None, Query(max_length=7, description="Modes to keep")] = None,
    bbox: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=BBOX_PATTERN,
            description="min_lon,min_lat,max_lon,max_lat (WGS84 decimal degrees), with "
            "-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90 (the order "
            "JSON Schema cannot state; 422 otherwise)",
            examples=["113.5,22.1,114.6,23.0"],
        ),
    ] = None,
    layer: Literal["all", "nodes", "links"] = "all",
) -> dict[str, object]:
    return network_service.network_geojson(loaded, mode, bbox, layer)


@router.post(
    "/network/reload",
    response_model=NetworkSummaryOut,
    summary="Reload the network from the data folder (admin)",
    description="Loads and validates the dataset again; if it has errors, the current network "
    "stays in service and the problems are returned (409).",
    responses=responses(SUMMARY_EXAMPLE, *AUTH, 409),
)
def reload_network(_: Admin, ctx: ContextDep) -> dict[str, object]:
    return network_service.reload(ctx)
