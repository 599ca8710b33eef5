"""The FastAPI application: ``create_app(settings)`` builds it; the lifespan opens the database,
runs the migrations and loads the network once, before the first request."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from router import __version__
from router.api.deps import Limits, reject_repeated_query_params
from router.api.docs import add_links, state_service_limits
from router.api.errors import install_error_handlers
from router.api.jobs import make_worker
from router.api.limits import ComputeSlots, RateLimiter
from router.api.middleware import BodySizeLimit, UnexpectedErrors
from router.api.routes import ROUTERS
from router.api.supervision import end_with_supervisor
from router.config import Settings, get_settings
from router.services.context import ServiceContext

log = logging.getLogger(__name__)

DESCRIPTION = """
Multimodal freight routing for the Greater Bay Area under customs-supervision rules: quotes with
ranked alternatives, bookings that consume departure capacity, batch assignment of many shipments
to scarce departures and train load plans (OR-Tools), the network as GeoJSON.

**Authentication.** Send your API key as `X-API-Key: <key>` or `Authorization: Bearer <key>`.
Roles: `shipper` (quotes, own bookings), `operator` (departures and capacity, assignments, train
load plans), `planner` (assignments), `admin` (keys, network reload, everything). Health and version need no key.

**Long work** (batch assignments, train load plans) is queued as a job: 202 with the job, to
poll at `/v1/jobs/{id}` until `links.result` names the stored run (or `?sync=true` for small
inputs). **Retries**: send `Idempotency-Key: <uuid>` with a POST that creates something; a retry
with the same key gets the first answer and creates nothing new. **Overload**: 503 (too many
computations at once) and 429 (this key's rate) come with `Retry-After`.

**Errors** share one body: `{"code", "message", "details", "suggestions"}`; 422 lists each
invalid field with its path.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = ServiceContext.open(settings)
        if settings.auto_migrate:
            await anyio.to_thread.run_sync(ctx.migrate)
        await anyio.to_thread.run_sync(ctx.load_network)
        app.state.service = ctx
        worker = make_worker(ctx) if settings.embedded_worker else None
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            # uvicorn has let the requests in flight finish; the running job gets its grace
            # period, then goes back to the queue
            if worker is not None:
                await anyio.to_thread.run_sync(worker.stop)
            ctx.close()

    app = FastAPI(
        title="GBA Freight Router",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(reject_repeated_query_params)],
        openapi_tags=[
            {"name": "service", "description": "Health and version"},
            {"name": "network", "description": "The freight network and its nodes"},
            {"name": "quotes", "description": "Route quotes"},
            {"name": "bookings", "description": "Bookings that take departure space"},
            {"name": "capacity", "description": "Departures and remaining space"},
            {"name": "optimisation", "description": "Batch assignment and train load plans"},
            {"name": "jobs", "description": "Long work run by workers: state, progress, cancel"},
            {"name": "keys", "description": "API keys (admin)"},
        ],
    )
    app.state.limits = Limits(
        ComputeSlots(settings.max_concurrent_compute, settings.compute_queue_wait_s),
        RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst),
    )
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = default_openapi()
            state_service_limits(document, settings)
            add_links(document)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router, prefix="/v1")
    batch = settings.max_optimise_body_bytes
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        larger=[
            ("/v1/assignments", batch),
            ("/v1/consolidation", batch),
            ("/v1/scenarios/demand", settings.max_demand_upload_bytes),
            ("/v1/scenarios", batch),
        ],
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory router.api.app:app_factory`` (settings from the environment)."""
    logging.basicConfig(level=get_settings().log_level)
    end_with_supervisor()
    return create_app()
