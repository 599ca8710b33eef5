"""One-to-many search: one compiled run per destination territory returns, for every
destination, the Pareto set a one-to-one quote to it returns.

Compared with the reference (one one-to-one search per destination) on random origins, cargo and
traders of the bundled network: the same destinations answered and the same criteria vectors for
each. Routes with equal criteria may be found in another order (ties between different routes of
the same arrival, cost, CO2e and transfers): each one is checked for customs legality instead.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from router.network.model import AeoLevel, NodeKind
from router.routing.compiled import CompiledNetwork
from router.routing.itinerary import alternative_document
from router.routing.many import group_key, search_many
from router.routing.query import build_search
from router.routing.request import Cargo, Constraints, PlaceRef, QuoteRequest, TraderProfile
from router.units import CST
from router.verify.legality import check_alternative


@pytest.fixture(autouse=True)
def search_implementation() -> str:
    """These tests compare both implementations themselves."""
    return "both"


def request_from(rng: random.Random, cn: CompiledNetwork) -> QuoteRequest:
    ends = sorted(n.id for n in cn.nodes if n.kind is not NodeKind.BORDER_CROSSING)
    if rng.random() < 0.8:
        cargo = Cargo(containers=((rng.choice(("22G1", "42G1")), rng.randint(1, 2)),))
    else:
        cargo = Cargo(weight_kg=rng.uniform(300, 3000), volume_m3=rng.uniform(2, 12))
    origin = rng.choice(ends)
    return QuoteRequest(
        PlaceRef(origin),
        PlaceRef(origin),  # ignored by search_many
        cargo,
        datetime(2026, 12, 1, tzinfo=CST) + timedelta(hours=rng.randrange(0, 24 * 45)),
        trader=TraderProfile(rng.choice(list(AeoLevel)), direct_eligible=rng.random() < 0.3),
        constraints=Constraints(max_transfers=rng.choice((None, 2, 3))),
    )


@pytest.mark.parametrize("seed", range(4))
def test_one_run_per_territory_gives_each_destination_its_one_to_one_pareto_set(
    bundled: CompiledNetwork, seed: int
) -> None:
    rng = random.Random(seed)
    request = request_from(rng, bundled)
    reference = search_many(bundled, request, None, implementation="python")
    compiled = search_many(bundled, request, None, implementation="compiled")
    assert compiled.routes.keys() == reference.routes.keys()
    assert compiled.unanswered == reference.unanswered
    for code, routes in reference.routes.items():
        assert [r.criteria for r in compiled.routes[code]] == [r.criteria for r in routes], code
    territories = {n.jurisdiction for n in bundled.nodes}
    assert compiled.runs <= len(territories) + 1  # the origin's node set may split one
    assert reference.runs == len(reference.routes)
    assert sum(map(len, reference.routes.values())) > 0


def test_every_one_to_many_route_is_legal(bundled: CompiledNetwork) -> None:
    """Every route, as an alternative document of a quote to its destination, passes the
    independent customs-legality checker."""
    request = request_from(random.Random(11), bundled)
    many = search_many(bundled, request, None, implementation="compiled")
    checked = 0
    for code, routes in many.routes.items():
        one = QuoteRequest(**{**_fields(request), "destination": PlaceRef(code)})
        search = build_search(bundled, one)
        for route in routes:
            alternative = alternative_document(search, route, [])
            assert check_alternative(bundled.network, one, alternative) == [], code
            checked += 1
    assert checked > 0


def _fields(request: QuoteRequest) -> dict:
    return {f: getattr(request, f) for f in request.__dataclass_fields__}


def test_unknown_destination_and_the_origin_itself_are_reported_not_raised(
    bundled: CompiledNetwork,
) -> None:
    request = request_from(random.Random(3), bundled)
    origin = request.origin.code
    assert origin is not None
    for implementation in ("compiled", "python"):
        many = search_many(
            bundled, request, [origin, "NOWHERE", "NLRTM"], implementation=implementation
        )
        assert set(many.unanswered) == {origin, "NOWHERE"}
        assert "same place" in many.unanswered[origin]
        assert "NOWHERE" in many.unanswered["NOWHERE"]
        assert set(many.routes) == {"NLRTM"}


def test_group_key_ignores_only_the_destination(bundled: CompiledNetwork) -> None:
    request = request_from(random.Random(5), bundled)
    other = QuoteRequest(**{**_fields(request), "destination": PlaceRef("NLRTM")})
    later = QuoteRequest(**{**_fields(request), "ready": request.ready + timedelta(hours=1)})
    assert group_key(request) == group_key(other)
    assert group_key(request) != group_key(later)
