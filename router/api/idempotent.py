"""The ``Idempotency-Key`` header of the POSTs that create something (quotes, bookings, jobs):
read it, and answer with the first response when a retry repeats it (see
:mod:`router.services.idempotency`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse

from router.api.deps import ContextDep, PrincipalDep
from router.services import idempotency
from router.services.idempotency import Idempotency

REPLAYED_HEADER = "Idempotent-Replayed"
KEY_HELP = (
    "A key of yours (a UUID, say) that makes this POST safe to retry: a retry with the same key "
    "and body within the service's idempotency window (24 h by default) gets the first "
    f"response again, marked `{REPLAYED_HEADER}: true`, and creates nothing new. The same key "
    "with another body is 422. Only successful responses are kept."
)


async def idempotency_key(
    request: Request,
    principal: PrincipalDep,
    ctx: ContextDep,
    key: Annotated[
        str | None,
        Header(alias=idempotency.HEADER, description=KEY_HELP, pattern=r"^[!-~]{1,255}$"),
    ] = None,
) -> Idempotency | None:
    if key is None:
        return None
    raw = await request.body()
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("latin-1")
    return Idempotency.of(
        principal.tenant,
        key,
        request.method,
        request.url.path + ("?" + request.url.query if request.url.query else ""),
        body,
        timedelta(hours=ctx.settings.idempotency_ttl_h),
    )


IdempotencyDep = Annotated[Idempotency | None, Depends(idempotency_key)]


def answer(
    ctx: ContextDep,
    idem: Idempotency | None,
    call: Callable[[], dict[str, Any]],
    *,
    status: Callable[[dict[str, Any]], int],
    shape: Callable[[dict[str, Any]], dict[str, Any]] = lambda body: body,
    headers: Callable[[dict[str, Any]], dict[str, str]] = lambda body: {},
) -> JSONResponse:
    """``call()``'s response, or the first response to this key: ``status`` and ``headers``
    follow from the body, so a replay answers as the first answer did."""
    body, replayed = idempotency.respond_once(ctx, idem, call)
    extra = headers(body)
    if replayed:
        extra[REPLAYED_HEADER] = "true"
    return JSONResponse(shape(body), status_code=status(body), headers=extra)
