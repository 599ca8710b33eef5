"""Why a request has no route: which single relaxation of it (deadline, cargo rules, modes,
transfers, exclusions, required nodes, capacity) would give one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from router.network.model import CargoClass, Mode
from router.routing.compiled import CompiledNetwork
from router.routing.labels import CapacityFn, Route
from router.routing.query import build_search
from router.routing.request import QuoteRequest
from router.routing.search import SEARCH_HORIZON_DAYS, Search

_Relaxation = tuple[str, dict[str, Any], Callable[[QuoteRequest], QuoteRequest] | None]


def _relaxations(request: QuoteRequest) -> list[_Relaxation]:
    cons = request.constraints
    out: list[_Relaxation] = []
    if request.deadline is not None:
        out.append(("deadline", {"respect_deadline": False}, None))
    if request.cargo.cargo_class is CargoClass.PHARMA:
        out.append(("pharma", {"apply_pharma_rule": False}, None))
    if request.cargo.cargo_class is not CargoClass.GENERAL or request.cargo.imdg_class:
        out.append(("class", {"apply_class_rules": False}, None))
    if cons.allowed_modes != frozenset(Mode):
        out.append(
            (
                "modes",
                {},
                lambda r: dataclasses.replace(
                    r, constraints=dataclasses.replace(r.constraints, allowed_modes=frozenset(Mode))
                ),
            )
        )
    if cons.max_transfers is not None:
        out.append(
            (
                "transfers",
                {},
                lambda r: dataclasses.replace(
                    r, constraints=dataclasses.replace(r.constraints, max_transfers=None)
                ),
            )
        )
    if cons.excluded_nodes or cons.excluded_operators:
        out.append(
            (
                "excluded",
                {},
                lambda r: dataclasses.replace(
                    r,
                    constraints=dataclasses.replace(
                        r.constraints, excluded_nodes=frozenset(), excluded_operators=frozenset()
                    ),
                ),
            )
        )
    if cons.required_nodes:
        out.append(
            (
                "required",
                {},
                lambda r: dataclasses.replace(
                    r, constraints=dataclasses.replace(r.constraints, required_nodes=())
                ),
            )
        )
    return out


def _reason(kind: str, search: Search, routes: list[Route], req: QuoteRequest) -> str:
    """Why the user's request ``req`` has no route, given the ``routes`` of its ``kind``
    relaxation (``search.request`` is the relaxed request, whose limits were lifted)."""
    if kind == "deadline":
        fastest = min(routes, key=lambda r: r.arrival_min)
        when = (search.epoch + timedelta(minutes=fastest.arrival_min)).date().isoformat()
        return f"deadline too early: fastest feasible arrival is {when}"
    if kind == "pharma":
        modes = ", ".join(sorted(m.value for m in req.constraints.allowed_modes))
        return f"pharma is imported only through a designated drug-import port; none reachable with the allowed modes ({modes})"
    if kind == "class":
        what = req.cargo.cargo_class.value + (
            f" (IMDG class {req.cargo.imdg_class})" if req.cargo.imdg_class else ""
        )
        return f"no route accepts {what} cargo at every link and terminal; routes exist for general cargo"
    if kind == "modes":
        used = sorted({s.clink.link.mode.value for s in routes[0].steps if s.clink is not None})
        return f"no route with the allowed modes; a route exists using {', '.join(used)}"
    if kind == "transfers":
        least = min(r.transfers for r in routes)
        return f"every route needs more transfers than allowed ({req.constraints.max_transfers}); the fewest is {least}"
    if kind == "excluded":
        return "the excluded nodes/operators remove every route"
    return "the required nodes cannot all be visited on one route"


def no_route_reasons(
    cn: CompiledNetwork, request: QuoteRequest, capacity: CapacityFn | None
) -> list[str]:
    """Why no route exists: which single relaxation of the request would give one."""
    reasons: list[str] = []
    search = build_search(cn, request, capacity)
    ends = {cn.nodes[i].jurisdiction for i, _ in (*search.origins, *search.destinations)}
    overweight = sorted(
        {r for r in search.overweight if r and any(f"for road in {j}:" in r for j in ends)}
    )
    reasons.extend(
        f"{reason}; spread the cargo over more boxes or lighten them" for reason in overweight[:3]
    )
    for kind, options, change in _relaxations(request):
        relaxed = change(request) if change else request
        search = build_search(cn, relaxed, capacity, **options)
        routes = search.run()
        if routes:
            reasons.append(_reason(kind, search, routes, request))
    if capacity is not None and not reasons and build_search(cn, request, None).run():
        reasons.append(
            "every feasible departure is fully booked for this cargo in the search horizon"
        )
    if not reasons:
        reasons.append(
            f"no legal route from {request.origin} to {request.destination} in the network under "
            f"the customs rules for this cargo (arriving within {SEARCH_HORIZON_DAYS} days of the "
            "ready time, the search horizon)"
        )
    return reasons
