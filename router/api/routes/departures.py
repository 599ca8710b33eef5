"""Scheduled departures with capacity and remaining space (operators)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from router.api.deps import ContextDep, NetworkDep, Operator
from router.api.docs import AUTH, DEPARTURE_EXAMPLE, responses
from router.api.schemas import DepartureOut, IsoDateTime, Page
from router.network.model import Mode
from router.services import departures
from router.services.departures import DepartureFilter

router = APIRouter(tags=["capacity"])


class DeparturePage(Page[DepartureOut]):
    window: dict[str, datetime]


@router.get(
    "/departures",
    response_model=DeparturePage,
    response_model_by_alias=True,
    summary="Scheduled departures with capacity, booked and remaining space",
    description="Every scheduled departure of capacity-bearing services (trains, barges, "
    "vessels, flights) in a date window: `date_from` (default now) to `date_to` (default 14 days "
    "later, at most 92 days). Filter by `service` (service code or link id), `from` and `to` "
    "(node ids) and `mode`. Units: TEU, kg for air.",
    responses=responses(
        {
            "items": [DEPARTURE_EXAMPLE],
            "total": 1,
            "limit": 100,
            "offset": 0,
            "next_offset": None,
            "window": {"from": "2027-03-01T00:00:00+08:00", "to": "2027-03-15T00:00:00+08:00"},
        },
        *AUTH,
        404,
    ),
)
def list_departures(
    _: Operator,
    ctx: ContextDep,
    loaded: NetworkDep,
    service: Annotated[
        str | None,
        Query(max_length=100, description="Service code or link id", examples=["BAX-DUI"]),
    ] = None,
    origin: Annotated[
        str | None, Query(alias="from", max_length=100, description="Origin node id")
    ] = None,
    destination: Annotated[
        str | None, Query(alias="to", max_length=100, description="Destination node id")
    ] = None,
    mode: Mode | None = None,
    date_from: Annotated[
        IsoDateTime | None,
        Query(
            description="Window start (naive: China Standard Time)",
            examples=["2027-03-01T00:00:00"],
        ),
    ] = None,
    date_to: Annotated[
        IsoDateTime | None, Query(description="Window end (exclusive), after `date_from`")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return departures.list_departures(
        ctx,
        loaded.network,
        DepartureFilter(service=service, origin=origin, destination=destination, mode=mode),
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
    )
