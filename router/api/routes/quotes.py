"""Quotes: create (201, or 200 with status no_route), get, legs as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse

from router.api.deps import ComputeDep, ContextDep, NetworkDep, Shipper
from router.api.docs import AUTH, NO_ROUTE_EXAMPLE, QUOTE_RESPONSE_EXAMPLE, responses
from router.api.errors import quote_status
from router.api.idempotent import IdempotencyDep, answer
from router.api.schemas import (
    ID_PATTERN,
    QUOTE_EXAMPLE,
    FeatureCollection,
    QuoteOut,
    QuoteRequestIn,
    to_quote_request,
)
from router.services import quoting

router = APIRouter(tags=["quotes"])

QuoteId = Annotated[
    str, Path(max_length=64, pattern=ID_PATTERN, examples=["4f1c2a9e0b7d4e8f9a6b5c4d3e2f1a0b"])
]


@router.post(
    "/quotes",
    status_code=201,
    response_model=QuoteOut,
    summary="Quote a shipment",
    description="Ranked alternatives (cheapest, fastest, greenest, recommended and other "
    "non-dominated routes) with legs, dated departures, cost/time breakdowns, CO2e and customs "
    "events, using only departures with room for the cargo; each leg gives the space left on its "
    "departure (`space_remaining` in `space_unit`: TEU, kg for air). The body is the quote "
    "document `router quote --json` prints, plus the stored quote's `created_at`, `expires_at` "
    "and `links`. 201 with the stored quote (`status: ok`; or `split` when no single departure has "
    "room for the cargo but a split over several carries all of it); 200 with `status: no_route` "
    "and the engine's reasons when nothing carries the whole cargo; 404 with close matches for an unknown node.",
    responses={
        **responses(QUOTE_RESPONSE_EXAMPLE, *AUTH, 404, 413, status=201, description="Quoted"),
        200: {
            "model": QuoteOut,
            "description": "No route: `status` is `no_route` and `reasons` says why",
            "content": {"application/json": {"example": NO_ROUTE_EXAMPLE}},
        },
    },
)
def create_quote(
    principal: Shipper,
    ctx: ContextDep,
    loaded: NetworkDep,
    body: Annotated[
        QuoteRequestIn,
        Body(
            openapi_examples={
                "containers": {
                    "summary": "Two 40' boxes, Yantian to Duisburg",
                    "value": QUOTE_EXAMPLE,
                },
                "air": {
                    "summary": "Loose cargo by weight from a point in Shenzhen",
                    "value": {
                        "origin": {"lon": 114.06, "lat": 22.54},
                        "destination": "DEFRA",
                        "cargo": {"weight_kg": 800, "volume_m3": 3},
                        "ready": "2027-03-01T08:00:00",
                    },
                },
            }
        ),
    ],
    idem: IdempotencyDep,
    slots: ComputeDep,
) -> JSONResponse:
    request = to_quote_request(body, ctx.settings.max_alternatives)

    def quote() -> dict[str, Any]:
        with slots.hold():
            return quoting.create_quote(
                ctx, loaded, principal, request, split=body.split, idem=idem
            )

    return answer(
        ctx,
        idem,
        quote,
        status=quote_status,
        shape=lambda doc: QuoteOut.model_validate(doc).model_dump(mode="json", by_alias=True),
    )


@router.get(
    "/quotes/{quote_id}",
    response_model=QuoteOut,
    summary="A stored quote",
    description="Your own quotes only; another tenant's quote is 404.",
    responses=responses(QUOTE_RESPONSE_EXAMPLE, *AUTH, 404),
)
def get_quote(principal: Shipper, ctx: ContextDep, quote_id: QuoteId) -> dict[str, Any]:
    return quoting.get_quote(ctx, principal, quote_id)


@router.get(
    "/quotes/{quote_id}/geojson",
    response_model=FeatureCollection,
    summary="A quote's legs as a GeoJSON FeatureCollection",
    description="One LineString per leg of every alternative, with the leg's fields, the "
    "alternative index, sequence and tags as properties.",
    responses=responses(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[114.14, 22.65], [6.76, 51.43]],
                    },
                    "properties": {
                        "mode": "rail",
                        "alternative": 0,
                        "sequence": 1,
                        "tags": ["cheapest"],
                    },
                }
            ],
        },
        *AUTH,
        404,
    ),
)
def get_quote_geojson(principal: Shipper, ctx: ContextDep, quote_id: QuoteId) -> dict[str, Any]:
    return quoting.get_quote_geojson(ctx, principal, quote_id)
