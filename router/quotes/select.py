"""The filter chain: from a Pareto set of routes to a useful few alternatives, tagged
cheapest, fastest, greenest and recommended (least generalised cost).
"""

from __future__ import annotations

from router.routing.itinerary import generalised_cost_cny
from router.routing.labels import Route
from router.routing.request import QuoteRequest

TAGS = ("cheapest", "fastest", "greenest", "recommended")


def select_alternatives(
    routes: list[Route], request: QuoteRequest, ready_min: int
) -> list[tuple[Route, list[str]]]:
    """Up to N non-dominated routes: the tagged ones first, then the rest by generalised cost."""
    if not routes:
        return []
    gen = {id(r): generalised_cost_cny(r, request, ready_min) for r in routes}
    best = {
        "cheapest": min(routes, key=lambda r: (r.cost_fen, r.arrival_min, r.co2_g)),
        "fastest": min(routes, key=lambda r: (r.arrival_min, r.cost_fen, r.co2_g)),
        "greenest": min(routes, key=lambda r: (r.co2_g, r.cost_fen, r.arrival_min)),
        "recommended": recommended_route(routes, request, ready_min, gen),
    }
    ordered = sorted(routes, key=lambda r: (gen[id(r)], r.criteria))
    chosen = [best["recommended"]]
    for tag in ("cheapest", "fastest", "greenest"):
        if all(best[tag] is not c for c in chosen):
            chosen.append(best[tag])
    for r in ordered:
        if all(r is not c for c in chosen):
            chosen.append(r)
    chosen = chosen[: request.preferences.alternatives]
    return [(r, [t for t in TAGS if best[t] is r]) for r in chosen]


def recommended_route(
    routes: list[Route],
    request: QuoteRequest,
    ready_min: int,
    generalised: dict[int, float] | None = None,
) -> Route:
    """The route a quote recommends: least generalised cost (money, value of time, carbon
    price; CNY), then earliest arrival; ``generalised``: the costs by ``id(route)`` if known."""
    gen = generalised or {id(r): generalised_cost_cny(r, request, ready_min) for r in routes}
    return min(routes, key=lambda r: (gen[id(r)], r.arrival_min))
