"""Health and version (no API key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from router import __version__
from router.api.deps import ContextDep
from router.api.docs import responses
from router.api.errors import health_status
from router.api.schemas import ComponentHealth, HealthOut, VersionOut

router = APIRouter(tags=["service"])

HEALTH_EXAMPLE = {
    "status": "ok",
    "version": __version__,
    "network": {"ok": True, "detail": "gba: 120 nodes, 400 links"},
    "database": {"ok": True, "detail": "sqlite"},
}


@router.get(
    "/health",
    response_model=HealthOut,
    summary="Liveness, network loaded, database reachable",
    description="200 when the network is loaded and the database answers; 503 (same body, "
    "status `degraded`) otherwise. Needs no API key.",
    responses={
        **responses(HEALTH_EXAMPLE),
        503: {
            "model": HealthOut,
            "description": "Degraded: network not loaded or database unreachable",
            "content": {
                "application/json": {
                    "example": {
                        **HEALTH_EXAMPLE,
                        "status": "degraded",
                        "database": {"ok": False, "detail": "postgresql: not reachable"},
                    }
                }
            },
        },
    },
)
def health(ctx: ContextDep) -> JSONResponse:
    network = ctx.network
    net = ComponentHealth(
        ok=network is not None,
        detail=(
            f"{network.name}: {len(network.nodes)} nodes, {len(network.links)} links"
            if network is not None
            else f"not loaded: {ctx.network_error or 'unknown reason'}"
        ),
    )
    reachable = ctx.database_reachable()
    db = ComponentHealth(
        ok=reachable, detail=ctx.database_dialect + ("" if reachable else ": not reachable")
    )
    healthy = net.ok and db.ok
    body = HealthOut(
        status="ok" if healthy else "degraded", version=__version__, network=net, database=db
    )
    return JSONResponse(body.model_dump(), status_code=health_status(healthy))


@router.get(
    "/version",
    response_model=VersionOut,
    summary="Service, API, network and database schema versions",
    description="Needs no API key.",
    responses=responses(
        {
            "version": __version__,
            "api": "v1",
            "network": "gba",
            "database": "sqlite",
            "schema_revision": "0002",
        }
    ),
)
def version(ctx: ContextDep) -> VersionOut:
    return VersionOut(
        version=__version__,
        api="v1",
        network=ctx.network.name if ctx.network is not None else None,
        database=ctx.database_dialect,
        schema_revision=ctx.schema_revision(),
    )
