"""API keys (admin): create (shown once), list, revoke."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Path

from router.api.deps import Admin, ContextDep, Limit, Offset
from router.api.docs import AUTH, page_example, responses
from router.api.schemas import ID_PATTERN, KeyCreatedOut, KeyIn, KeyOut, Page
from router.services import auth
from router.services.paging import page

router = APIRouter(tags=["keys"])

KEY_EXAMPLE = {
    "prefix": "3f9a0c1d",
    "name": "ACME Forwarding",
    "tenant": "ACME Forwarding",
    "role": "shipper",
    "created_at": "2027-02-27T03:00:00+00:00",
    "revoked_at": None,
}


def key_out(info: auth.KeyInfo) -> dict[str, Any]:
    return dataclasses.asdict(info)


@router.post(
    "/keys",
    status_code=201,
    response_model=KeyCreatedOut,
    summary="Create an API key (admin)",
    description="The key is in the response once and is stored only as a hash. `tenant` "
    "(default: the name) scopes quotes and bookings: keys of one tenant share them.",
    responses=responses(
        {**KEY_EXAMPLE, "key": "gbr_3f9a0c1d_kq0Yb1...redacted"}, *AUTH, 413, status=201
    ),
)
def create_key(_: Admin, ctx: ContextDep, body: KeyIn) -> dict[str, Any]:
    new = auth.create_key(ctx.db, name=body.name, role=body.role, tenant=body.tenant)
    return {**key_out(new.info), "key": new.secret}


@router.get(
    "/keys",
    response_model=Page[KeyOut],
    summary="List API keys (admin)",
    responses=responses(page_example(KEY_EXAMPLE), *AUTH),
)
def list_keys(
    _: Admin,
    ctx: ContextDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    keys, total = auth.list_keys(ctx.db, limit=limit, offset=offset)
    return page([key_out(k) for k in keys], total, limit, offset)


@router.post(
    "/keys/{prefix}/revoke",
    response_model=KeyOut,
    summary="Revoke an API key (admin)",
    description="Requests with a revoked key get 401 from then on. Idempotent. 409 for the last "
    "active admin key (create another admin key first).",
    responses=responses(
        {**KEY_EXAMPLE, "revoked_at": "2027-03-01T00:00:00+00:00"}, *AUTH, 404, 409
    ),
)
def revoke_key(
    _: Admin,
    ctx: ContextDep,
    prefix: Annotated[str, Path(max_length=16, pattern=ID_PATTERN, examples=["3f9a0c1d"])],
) -> dict[str, Any]:
    return key_out(auth.revoke_key(ctx.db, prefix))
