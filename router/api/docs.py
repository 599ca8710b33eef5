"""OpenAPI documentation helpers: documented error responses and examples for every operation."""

from __future__ import annotations

from typing import Any

from router.api.schemas import ErrorBody
from router.config import Settings

ERROR_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    401: (
        "Missing, invalid or revoked API key",
        {"code": "unauthorized", "message": "invalid or revoked API key", "details": []},
    ),
    403: (
        "The key's role may not use this operation",
        {
            "code": "forbidden",
            "message": "role 'shipper' may not use this operation (needs: admin, operator)",
            "details": [{"role": "shipper", "allowed": ["admin", "operator"]}],
        },
    ),
    404: (
        "Not found (or not yours)",
        {
            "code": "not_found",
            "message": "unknown node 'CNYTX'; did you mean: CNYTN",
            "details": [{"kind": "node", "key": "CNYTX"}],
            "suggestions": ["CNYTN"],
        },
    ),
    409: (
        "Conflict with the current state (no space left, already booked, invalid dataset)",
        {
            "code": "capacity_exhausted",
            "message": "departure RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI at 2027-03-05T20:00:00+08:00 has 0 teu left; "
            "this booking needs 4 teu",
            "details": [
                {"link_id": "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI", "remaining": 0.0, "needed": 4.0}
            ],
        },
    ),
    410: (
        "The quote has expired",
        {
            "code": "quote_expired",
            "message": "quote 4f1c... expired at 2027-03-04T08:00:00+00:00; request a new quote",
            "details": [{"quote_id": "4f1c2a9e0b7d4e8f9a6b5c4d3e2f1a0b"}],
        },
    ),
    413: (
        "Request body too large",
        {
            "code": "payload_too_large",
            "message": "request body exceeds 262144 bytes",
            "details": [],
        },
    ),
    422: (
        "Invalid request: each offending field with its path and a readable message",
        {
            "code": "validation_error",
            "message": "cargo.weight_kg: Input should be greater than 0",
            "details": [
                {
                    "field": "cargo.weight_kg",
                    "loc": ["body", "cargo", "weight_kg"],
                    "message": "Input should be greater than 0",
                    "type": "greater_than",
                }
            ],
        },
    ),
    429: (
        "This API key's request rate is exceeded: retry after `Retry-After` seconds",
        {
            "code": "rate_limited",
            "message": "this API key's limit of 200 requests/s (bursts of 400) is reached; retry "
            "after the time in Retry-After",
            "details": [],
        },
    ),
    503: (
        "Unavailable: the network is not loaded, or the service is at its limit of computations "
        "at once (then with `Retry-After`)",
        {
            "code": "unavailable",
            "message": "the network is not loaded; an admin can fix the dataset and reload it",
            "details": [],
        },
    ),
}

#: errors any authenticated operation can answer
AUTH = (401, 403, 422, 429, 503)


def responses(
    example: Any, *errors: int, status: int = 200, description: str = "Success"
) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the success example and the documented errors."""
    out: dict[int | str, dict[str, Any]] = {
        status: {"description": description, "content": {"application/json": {"example": example}}}
    }
    for code in sorted(set(errors)):
        text, body = ERROR_EXAMPLES[code]
        out[code] = {
            "model": ErrorBody,
            "description": text,
            "content": {"application/json": {"example": body}},
        }
    return out


LEG_EXAMPLE = {
    "mode": "rail",
    "service": "BAX-DUI",
    "operator": "Shenzhen China-Europe Railway Express (Bay Area Express)",
    "link_id": "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI",
    "regime": "international",
    "from": "SZ-PINGHU-RAIL",
    "to": "DEDUI",
    "departure": "2027-03-05T20:00:00+08:00",
    "arrival": "2027-03-21T20:00:00+08:00",
    "distance_km": 13438.0,
    "duration_h": 384.0,
    "cost": 42000.0,
    "co2e_kg": 6300.0,
    "geometry": {"type": "LineString", "coordinates": [[114.14, 22.65], [6.76, 51.43]]},
    "space_unit": "teu",
    "space_remaining": 96.0,
}

QUOTE_RESPONSE_EXAMPLE = {
    "id": "4f1c2a9e0b7d4e8f9a6b5c4d3e2f1a0b",
    "status": "ok",
    "reasons": [],
    "request": {"origin": "CNYTN", "destination": "DEDUI", "ready": "2027-03-01T08:00:00+08:00"},
    "alternatives": [
        {
            "tags": ["cheapest", "recommended"],
            "summary": "rail from CNYTN to DEDUI via SZ-PINGHU-RAIL: 20.5 days, CNY 51,104, "
            "14.14 t CO2e, 1 transfer(s)",
            "departure": "2027-03-01T08:00:00+08:00",
            "arrival": "2027-03-21T20:00:00+08:00",
            "duration_h": 492.0,
            "transfers": 1,
            "cost": {
                "total": 51104.0,
                "currency": "CNY",
                "breakdown": {
                    "freight": 48000.0,
                    "handling": 2100.0,
                    "port_fees": 0.0,
                    "customs": 1004.0,
                    "storage": 0.0,
                },
            },
            "time_breakdown_h": {
                "waiting": 80.0,
                "transit": 390.0,
                "handling": 2.0,
                "customs": 20.0,
                "dwell": 0.0,
            },
            "co2e_kg": 14140.0,
            "legs": [LEG_EXAMPLE],
            "customs_events": [
                {
                    "node": "SZ-PINGHU-RAIL",
                    "operation": "export_clearance",
                    "state_before": "free",
                    "state_after": "cleared_export",
                    "expected_h": 4.0,
                    "cost": 500.0,
                }
            ],
        }
    ],
    "created_at": "2027-02-27T03:00:00+00:00",
    "expires_at": "2027-03-02T03:00:00+00:00",
    "links": {
        "self": "/v1/quotes/4f1c2a9e0b7d4e8f9a6b5c4d3e2f1a0b",
        "geojson": "/v1/quotes/4f1c2a9e0b7d4e8f9a6b5c4d3e2f1a0b/geojson",
        "book": "/v1/bookings",
    },
}

NO_ROUTE_EXAMPLE = {
    **QUOTE_RESPONSE_EXAMPLE,
    "status": "no_route",
    "reasons": ["deadline too early: fastest feasible arrival is 2027-03-21"],
    "alternatives": [],
}

BOOKING_EXAMPLE = {
    "id": "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b",
    "quote_id": "4f1c2a9e0b7d4e8f9a6b5c4d3e2f1a0b",
    "alternative": 0,
    "status": "confirmed",
    "reference": "PO-7781",
    "created_at": "2027-02-27T03:05:00+00:00",
    "cancelled_at": None,
    "summary": QUOTE_RESPONSE_EXAMPLE["alternatives"][0]["summary"],  # type: ignore[index]
    "departure": "2027-03-01T08:00:00+08:00",
    "arrival": "2027-03-21T20:00:00+08:00",
    "cost": {"total": 51104.0, "currency": "CNY", "breakdown": {"freight": 48000.0}},
    "legs": [
        {
            "seq": 0,
            "mode": "rail",
            "service": "BAX-DUI",
            "operator": "Shenzhen China-Europe Railway Express (Bay Area Express)",
            "link_id": "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI",
            "from": "SZ-PINGHU-RAIL",
            "to": "DEDUI",
            "departure": "2027-03-05T20:00:00+08:00",
            "arrival": "2027-03-21T20:00:00+08:00",
            "space": {
                "unit": "teu",
                "amount": 4.0,
                "held": True,
                "capacity": 100.0,
                "booked": 4.0,
                "remaining": 96.0,
            },
        }
    ],
}

DEPARTURE_EXAMPLE = {
    "link_id": "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI",
    "service": "BAX-DUI",
    "operator": "Shenzhen China-Europe Railway Express (Bay Area Express)",
    "mode": "rail",
    "from": "SZ-PINGHU-RAIL",
    "to": "DEDUI",
    "departure": "2027-03-05T20:00:00+08:00",
    "unit": "teu",
    "capacity": 100.0,
    "booked": 4.0,
    "remaining": 96.0,
}

NODE_EXAMPLE = {
    "id": "CNYTN",
    "name": "Yantian International Container Terminals",
    "name_zh": "盐田国际集装箱码头",
    "kind": "seaport",
    "unlocode": "CNYTN",
    "country": "CN",
    "jurisdiction": "CN",
    "lon": 114.27,
    "lat": 22.58,
    "operations": ["direct_loading", "export_clearance", "import_clearance", "supervised_site"],
}


def page_example(item: Any, total: int = 1) -> dict[str, Any]:
    return {"items": [item], "total": total, "limit": 20, "offset": 0, "next_offset": None}


def state_service_limits(schema: dict[str, Any], settings: Settings) -> None:
    """Write this service's configured limits into its OpenAPI document, so that the schema
    states what the service enforces: the longest solver time limit (of a job; ``sync=true``
    has its own, in the description; a capacity-aware scenario run's), the alternatives a quote
    may have, and so the highest alternative index a booking may name."""
    components = schema.get("components", {}).get("schemas", {})
    for model in ("AssignmentIn", "ConsolidationIn"):
        prop = components.get(model, {}).get("properties", {}).get("time_limit_s")
        if prop is not None:
            prop["maximum"] = settings.max_job_solve_s
            prop["default"] = min(prop.get("default", 10.0), settings.max_job_solve_s)
            prop["description"] = (
                f"Solver time limit, seconds: at most {settings.max_job_solve_s:g} s in a job, "
                f"{settings.max_solve_s:g} s with `sync=true` (left out: 10 s, or the limit if "
                "lower)"
            )
    scenario = components.get("ScenarioRunIn", {}).get("properties", {}).get("time_limit_s")
    if scenario is not None:
        scenario["maximum"] = settings.max_job_solve_s
        scenario["default"] = min(scenario.get("default", 60.0), settings.max_job_solve_s)
        scenario["description"] = (
            "Capacity-aware: solver time limit per run, seconds (at most "
            f"{settings.max_job_solve_s:g} s on this service)"
        )
    alternatives = settings.max_alternatives
    prefs = components.get("PreferencesIn", {}).get("properties", {}).get("alternatives")
    if prefs is not None:
        prefs["maximum"] = alternatives
    booking = components.get("BookingIn", {}).get("properties", {}).get("alternative")
    if booking is not None:
        booking["maximum"] = alternatives - 1


#: OpenAPI links: what a response's id opens next (a client's workflow, and the stateful fuzzer's)
#: (method, path, status) -> {link name: (method, path, parameters, request body)}
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, str], Any]]] = {
    ("post", "/v1/quotes", "201"): {
        "GetQuote": ("get", "/v1/quotes/{quote_id}", {"quote_id": "$response.body#/id"}, None),
        "QuoteLegs": (
            "get", "/v1/quotes/{quote_id}/geojson", {"quote_id": "$response.body#/id"}, None
        ),
        "BookFirstAlternative": (
            "post", "/v1/bookings", {}, {"quote_id": "$response.body#/id", "alternative": 0}
        ),
    },
    ("post", "/v1/bookings", "201"): {
        name: (method, path, {"booking_id": "$response.body#/id"}, None)
        for name, method, path in (
            ("GetBooking", "get", "/v1/bookings/{booking_id}"),
            ("CancelBooking", "post", "/v1/bookings/{booking_id}/cancel"),
            ("BookingEvents", "get", "/v1/bookings/{booking_id}/events"),
        )
    },
    **{
        ("post", submit, "202"): {
            "GetJob": ("get", "/v1/jobs/{job_id}", {"job_id": "$response.body#/id"}, None),
            "CancelJob": (
                "post", "/v1/jobs/{job_id}/cancel", {"job_id": "$response.body#/id"}, None
            ),
        }
        for submit in ("/v1/assignments", "/v1/consolidation/plans")
    },
    ("get", "/v1/jobs/{job_id}", "200"): {
        "GetAssignmentResult": (
            "get", "/v1/assignments/{run_id}", {"run_id": "$response.body#/result_id"}, None
        ),
        "GetPlanResult": (
            "get", "/v1/consolidation/plans/{run_id}", {"run_id": "$response.body#/result_id"},
            None,
        ),
    },
    ("post", "/v1/assignments", "201"): {
        "GetAssignment": ("get", "/v1/assignments/{run_id}", {"run_id": "$response.body#/id"}, None)
    },
    ("post", "/v1/consolidation/plans", "201"): {
        "GetPlan": (
            "get", "/v1/consolidation/plans/{run_id}", {"run_id": "$response.body#/id"}, None
        )
    },
}  # fmt: skip


def add_links(schema: dict[str, Any]) -> None:
    """Write :data:`LINKS` into the OpenAPI document (by the targets' operation ids)."""
    paths = schema.get("paths", {})
    for (method, path, status), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        out = response.setdefault("links", {})
        for name, (target_method, target_path, parameters, body) in links.items():
            target = paths.get(target_path, {}).get(target_method)
            if target is None:
                continue
            link: dict[str, Any] = {"operationId": target["operationId"]}
            if parameters:
                link["parameters"] = parameters
            if body is not None:
                link["requestBody"] = body
            out[name] = link
