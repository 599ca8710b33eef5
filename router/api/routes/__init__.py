"""One APIRouter per resource. ``create_app`` mounts every router in :data:`ROUTERS` under /v1;
add a resource by appending its router here."""

from __future__ import annotations

from fastapi import APIRouter

from router.api.routes import (
    bookings,
    departures,
    health,
    jobs,
    keys,
    network,
    nodes,
    optimise,
    quotes,
    scenarios,
)

ROUTERS: list[APIRouter] = [
    health.router,
    network.router,
    nodes.router,
    quotes.router,
    bookings.router,
    departures.router,
    optimise.router,
    jobs.router,
    scenarios.router,
    keys.router,
]
