"""Every exception -> HTTP status mapping of the API, in one place.

Error responses share one body (:class:`router.api.schemas.ErrorBody`)::

    {"code": "not_found", "message": "unknown node 'CNYTX'; did you mean: CNYTN",
     "details": [...], "suggestions": ["CNYTN"]}

Validation problems (422) list each offending field with its path (``details[].field``, e.g.
``cargo.containers.0.count``) and a readable message. A user mistake never becomes a 500; an
unexpected failure does, with a stable body and the cause in the server log.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from router.errors import (
    DatasetError,
    InvalidRecordsError,
    InvalidRequestError,
    NotFoundError,
    RouterError,
)
from router.services.errors import ConflictError, ExpiredError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error raised by the HTTP layer itself (auth, limits, availability)."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, retry_after_s: int | None = None, **details: Any) -> None:
        self.message = message
        self.details = details
        #: seconds a client should wait before retrying (the ``Retry-After`` header)
        self.retry_after_s = retry_after_s
        super().__init__(message)


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"


class PayloadTooLarge(ApiError):
    status_code = 413
    code = "payload_too_large"


class TooManyRequests(ApiError):
    status_code = 429
    code = "rate_limited"


class ServiceUnavailable(ApiError):
    status_code = 503
    code = "unavailable"


#: status of each domain error; the first matching class (in this order) wins
DOMAIN_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotFoundError, 404),
    (InvalidRequestError, 422),
    (ExpiredError, 410),
    (ConflictError, 409),
    (DatasetError, 409),
)

#: success statuses that depend on the outcome
QUOTE_CREATED = 201
QUOTE_NO_ROUTE = 200
HEALTHY = 200
UNHEALTHY = 503


def quote_status(document: dict[str, Any]) -> int:
    """201 for a bookable quote (``status`` ``ok``: alternatives; ``split``: only its split
    carries the cargo); 200 for an infeasible request (``status: no_route``)."""
    return QUOTE_CREATED if document.get("status") in ("ok", "split") else QUOTE_NO_ROUTE


def health_status(healthy: bool) -> int:
    return HEALTHY if healthy else UNHEALTHY


def status_for(exc: Exception) -> int:
    if isinstance(exc, ApiError):
        return exc.status_code
    for cls, status in DOMAIN_STATUS:
        if isinstance(exc, cls):
            return status
    return 500


LOCATIONS = ("body", "query", "path", "header")


def _field_loc(field: str) -> tuple[str, list[str | int]]:
    """(field path without its location, location list) of an InvalidRequestError's field.

    Fields of the request body are given bare (``cargo.weight_kg``); others name their location
    first (``query.bbox``).
    """
    parts = [p for p in field.split(".") if p]
    where = parts.pop(0) if parts and parts[0] in LOCATIONS else "body"
    return ".".join(parts), [where, *(int(p) if p.isdigit() else p for p in parts)]


def error_body(exc: Exception) -> dict[str, Any]:
    """The JSON error body for a domain or API error."""
    if isinstance(exc, NotFoundError):
        return {
            "code": "not_found",
            "message": str(exc),
            "details": [{"kind": exc.kind, "key": exc.key}],
            "suggestions": list(exc.suggestions),
        }
    if isinstance(exc, InvalidRequestError):
        details = []
        for path, message in exc.problems:
            field, loc = _field_loc(path)
            details.append(
                {"field": field, "loc": loc, "message": message, "type": "invalid_request"}
            )
        many = isinstance(exc, InvalidRecordsError)
        text = str(exc) if many else f"{details[0]['field']}: {exc.message}"
        return {"code": "validation_error", "message": text, "details": details}
    if isinstance(exc, ConflictError | ExpiredError):
        return {"code": exc.code, "message": exc.message, "details": [exc.details]}
    if isinstance(exc, DatasetError):
        return {
            "code": "dataset_invalid",
            "message": "the dataset has errors; the previous network stays in service",
            "details": [{"problem": str(p)} for p in exc.errors[:100]],
        }
    if isinstance(exc, ApiError):
        return {
            "code": exc.code,
            "message": exc.message,
            "details": [exc.details] if exc.details else [],
        }
    return {"code": "internal_error", "message": "internal server error", "details": []}


#: pydantic's "wrong type for this union member" errors, dropped when another member says more
_MEMBER_TYPE_ERRORS = frozenset({"string_type", "model_type", "model_attributes_type", "dict_type"})


def _is_union_tag(part: Any) -> bool:
    """Union member tags pydantic puts in error locations: ``str``, ``PointIn``..."""
    return isinstance(part, str) and (
        part[:1].isupper() or part in ("str", "int", "float") or part.startswith("constrained-")
    )


def _untagged(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Errors with union member tags removed from their locations, keeping for each field the
    errors of the member that matches the input's type (``origin.lon`` out of range, not also
    "origin should be a string")."""
    cleaned = []
    for err in errors:
        loc = list(err.get("loc", ()))
        tagged = [i for i, part in enumerate(loc) if _is_union_tag(part)]
        stripped = [p for i, p in enumerate(loc) if i not in tagged]
        prefix = tuple(loc[: tagged[0]]) if tagged else None
        cleaned.append((prefix, {**err, "loc": stripped}))
    out = []
    for prefix, err in cleaned:
        if prefix is not None and err.get("type") in _MEMBER_TYPE_ERRORS:
            siblings = [
                e
                for p, e in cleaned
                if p == prefix and e is not err and e.get("type") not in _MEMBER_TYPE_ERRORS
            ]
            if siblings:
                continue
        out.append(err)
    return out


def _readable(err: dict[str, Any]) -> dict[str, Any]:
    loc = list(err.get("loc", ()))
    path = [str(p) for p in loc[1:]] if loc and loc[0] in ("body", "query", "path") else loc
    where = loc[0] if loc else "request"
    message = str(err.get("msg", "invalid value"))
    if err.get("type") == "json_invalid":
        message = "request body is not valid JSON: " + str(err.get("ctx", {}).get("error", ""))
    elif err.get("type") == "missing":
        message = "field required"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return {
        "field": ".".join(str(p) for p in path) or str(where),
        "loc": loc,
        "message": message,
        "type": err.get("type", "value_error"),
    }


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    details = [_readable(e) for e in _untagged(errors)[:50]]
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
    return {"code": "validation_error", "message": summary or "invalid request", "details": details}


class _ErrorResponse(JSONResponse):
    """An error body that always renders: text the client sent that is not valid Unicode (a
    lone surrogate echoed in a message) is escaped instead of failing the response."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return _ErrorResponse(jsonable_encoder(body), status_code=status, headers=headers)


async def _on_router_error(request: Request, exc: Exception) -> JSONResponse:
    status = status_for(exc)
    retry_after = getattr(exc, "retry_after_s", None)
    if status >= 500 and retry_after is None:  # a refusal to overload is not a failure
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return _json(status, error_body(exc), headers or None)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _json(422, validation_body(list(exc.errors())))


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # FastAPI could not decode the body (e.g. not UTF-8)
        message = f"request body could not be read as JSON: {exc.detail}"
        if isinstance(exc.__cause__, RecursionError):
            message = "request body could not be read as JSON: it is nested too deep"
        detail = {"field": "body", "loc": ["body"], "message": message, "type": "json_invalid"}
        return _json(
            422, {"code": "validation_error", "message": detail["message"], "details": [detail]}
        )
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return _json(
        exc.status_code,
        {"code": code, "message": str(exc.detail), "details": []},
        headers or None,
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route of this path answers (Starlette lists only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(500, error_body(exc))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: domain errors, API errors, validation, HTTP errors, the rest."""
    app.add_exception_handler(RouterError, _on_router_error)
    app.add_exception_handler(ApiError, _on_router_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
