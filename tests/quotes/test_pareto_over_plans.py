"""The merge of the cargo plans' Pareto sets against the plain quadratic definition: a route is
kept unless another is at least as good in every criterion and differs, or equals it and came
first (hypothesis over random criteria with many ties)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from router.quotes.document import pareto_over_plans
from router.quotes.plans import CargoPlan
from router.routing.labels import Route, dominates
from router.routing.request import Cargo, PlaceRef, QuoteRequest
from router.units import CST

READY = datetime(2026, 3, 2, 8, tzinfo=CST)
REQUEST = QuoteRequest(PlaceRef("A"), PlaceRef("B"), Cargo(containers=(("42G1", 1),)), READY)
PLANS = (CargoPlan("as_requested", "", REQUEST), CargoPlan("fcl", "", REQUEST))


def reference(found: list[tuple[Route, int, CargoPlan]]) -> list[tuple[Route, int, CargoPlan]]:
    out = []
    for k, item in enumerate(found):
        crit = item[0].criteria
        if not any(
            dominates(other[0].criteria, crit) and (other[0].criteria != crit or j < k)
            for j, other in enumerate(found)
            if j != k
        ):
            out.append(item)
    return sorted(out, key=lambda item: item[0].criteria)


small = st.integers(min_value=0, max_value=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(small, small, small, small, st.booleans()), max_size=25))
def test_same_routes_as_the_quadratic_definition(rows: list[tuple[int, ...]]) -> None:
    found = [
        (Route(a, b, c, d, ()), k, PLANS[int(second)])
        for k, (a, b, c, d, second) in enumerate(rows)
    ]
    assert [x[1] for x in pareto_over_plans(found)] == [x[1] for x in reference(found)]
