"""Typed dependencies: the service context, the loaded network, and the authenticated caller.

Clients send their key as ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``. A missing,
unknown or revoked key is 401; a key whose role may not use the operation is 403.
"""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from router.api.errors import Forbidden, ServiceUnavailable, Unauthorized
from router.api.limits import ComputeSlots, RateLimiter
from router.services import auth
from router.services.auth import Principal, Role
from router.services.context import LoadedNetwork, ServiceContext

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key (or send it as a Bearer token)"
)
bearer = HTTPBearer(auto_error=False, description="API key as a Bearer token")


@dataclass(frozen=True, slots=True)
class Limits:
    """The process's backpressure (:mod:`router.api.limits`), made by ``create_app``."""

    compute: ComputeSlots
    rate: RateLimiter


def limits(request: Request) -> Limits:
    found: Limits = request.app.state.limits
    return found


def compute_slots(request: Request) -> ComputeSlots:
    return limits(request).compute


#: hold a slot around a quote or solve computation: ``with slots.hold(): ...``
ComputeDep = Annotated[ComputeSlots, Depends(compute_slots)]


def get_context(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.service
    return ctx


ContextDep = Annotated[ServiceContext, Depends(get_context)]
#: a page of a list: how many items (at most 100) and how many to skip
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _is_sequence(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_sequence(a) for a in get_args(annotation) if a is not type(None))
    return get_origin(annotation) in (list, tuple, set, frozenset)


def reject_repeated_query_params(request: Request) -> None:
    """422 when a single-valued query parameter is given more than once (``?q=a&q=b``).

    On routes that need an API key the check runs after the key is checked
    (:func:`authenticate`): a caller without a valid key learns only that (401)."""
    if _needs_key(getattr(request.scope.get("route"), "dependant", None)):
        return
    check_repeated_query_params(request)


def _needs_key(dependant: Any) -> bool:
    if dependant is None:
        return False
    return any(
        d.call is authenticate or _needs_key(d) for d in getattr(dependant, "dependencies", ())
    )


def check_repeated_query_params(request: Request) -> None:
    """Raise the 422 of :func:`reject_repeated_query_params` if a parameter is repeated."""
    counts = Counter(key for key, _ in request.query_params.multi_items())
    repeated = {key for key, n in counts.items() if n > 1}
    if not repeated:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    params = getattr(dependant, "query_params", ()) or ()
    lists = {p.alias for p in params if _is_sequence(p.field_info.annotation)}
    errors = [
        {"type": "repeated", "loc": ("query", key), "msg": "given more than once", "input": None}
        for key in sorted(repeated - lists)
    ]
    if errors:
        raise RequestValidationError(errors)


def get_network(ctx: ContextDep) -> LoadedNetwork:
    """The network in service (taken once per request: a reload meanwhile does not change it)."""
    loaded = ctx.loaded
    if loaded is None:
        raise ServiceUnavailable(
            "the network is not loaded; an admin can fix the dataset and reload it",
            reason=ctx.network_error or "not loaded",
        )
    return loaded


NetworkDep = Annotated[LoadedNetwork, Depends(get_network)]


def authenticate(
    ctx: ContextDep,
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller of this request, from its API key (checked against the stored hashes).

    ``api_key`` and ``credentials`` document the two ways to send it (OpenAPI security
    schemes); the headers themselves are read here so that ambiguity is refused: two
    ``X-API-Key`` headers, two ``Authorization`` headers, a scheme other than Bearer, or an
    ``X-API-Key`` and a Bearer token that differ are each a 401 saying so."""
    secret = _secret(request)
    if not secret:
        raise Unauthorized("missing API key: send X-API-Key or Authorization: Bearer")
    principal = auth.authenticate(ctx.db, secret)
    if principal is None:
        raise Unauthorized("invalid or revoked API key")
    limits(request).rate.check(principal.key_id)
    check_repeated_query_params(request)
    return principal


def _secret(request: Request) -> str | None:
    keys = request.headers.getlist("x-api-key")
    if len(keys) > 1:
        raise Unauthorized("more than one X-API-Key header: send one key")
    authorization = request.headers.getlist("authorization")
    if len(authorization) > 1:
        raise Unauthorized("more than one Authorization header: send one key")
    token = None
    if authorization:
        scheme, _, value = authorization[0].strip().partition(" ")
        if scheme.lower() != "bearer":
            raise Unauthorized(
                f"unsupported Authorization scheme {scheme!r}: send Authorization: Bearer <key> "
                "or X-API-Key: <key>"
            )
        token = value.strip() or None
    if keys and token is not None and keys[0].strip() != token:
        raise Unauthorized("X-API-Key and Authorization: Bearer carry different keys: send one")
    return keys[0].strip() if keys else token


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting callers with one of ``roles`` (admin is always admitted)."""
    allowed = frozenset(roles)
    names = ", ".join(sorted({*(r.value for r in allowed), Role.ADMIN.value}))

    def check(principal: PrincipalDep) -> Principal:
        if not principal.may(allowed):
            raise Forbidden(
                f"role '{principal.role.value}' may not use this operation (needs: {names})",
                role=principal.role.value,
                allowed=sorted({*(r.value for r in allowed), Role.ADMIN.value}),
            )
        return principal

    return check


AnyRole = Annotated[Principal, Depends(require_roles(*Role))]
Shipper = Annotated[Principal, Depends(require_roles(Role.SHIPPER))]
Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR))]
Planner = Annotated[Principal, Depends(require_roles(Role.PLANNER))]
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
