"""The label-setting search returns exactly the Pareto set of brute-force enumeration.

Random small networks and requests (bruteforce_networks.py): random jurisdictions, customs
operations and regimes, and customs corridors where the customs model v2 steps decide the
routes (through trains and TIR hauls via the borders of other territories, in bond into the
destination's, transit declarations, point of entry vs office of destination, free ports,
transhipment, drug ports, DG bans, 一单两报, paper documents). The brute force enumerates
every route in the expanded state space with the engine's own transition rules
(:meth:`Search.initial_labels`, :meth:`Search.expand`, :meth:`Search.finish`) but without
dominance, lower bounds or pruning; it applies the deadline and the transfer limit itself, on
finished routes only. Paths are kept simple in the label-key space (node, customs state, anchor
(Combined Port hub or point of entry), required-node mask, previous leg kind): a path revisiting
a key is never better than the same path with the cycle cut out, since all criteria are
non-decreasing and departures are FIFO.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bruteforce_networks import CapacityFn, cases
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from routing_testkit import assert_same_as_other

from router.errors import InvalidRequestError
from router.network.model import (
    Network,
)
from router.quotes.document import build_search, make_quote
from router.routing.compiled import compile_network
from router.routing.labels import Label, dominates
from router.routing.request import (
    QuoteRequest,
)
from router.routing.search import Search
from router.verify.legality import check_quote

#: brute-force budget: examples whose route enumeration grows beyond this are rejected
MAX_EXPANSIONS = 200_000


# ------------------------------------------------------------------------------ brute force
class TooLarge(Exception):
    pass


def all_routes(search: Search) -> list[Label]:
    """Every finished route: DFS over the engine's transitions, simple in label-key space."""
    finished: list[Label] = []
    expansions = 0

    def dfs(label: Label, on_path: set) -> None:
        nonlocal expansions
        expansions += 1
        if expansions > MAX_EXPANSIONS:
            raise TooLarge
        done = search.finish(label)
        if done is not None:
            finished.append(done)
        for successor in search.expand(label):
            key = successor.key
            if key in on_path:
                continue
            on_path.add(key)
            dfs(successor, on_path)
            on_path.remove(key)

    for label in search.initial_labels():
        dfs(label, {label.key})
    return finished


def pareto(vectors: set[tuple[int, ...]]) -> set[tuple[int, ...]]:
    return {v for v in vectors if not any(w != v and dominates(w, v) for w in vectors)}


def brute_force_pareto(
    net: Network, request: QuoteRequest, capacity: CapacityFn | None
) -> set[tuple[int, ...]]:
    """Pareto set of criteria vectors (arrival, fen, grams, transfers) by enumeration.

    The deadline, the search horizon (``search_horizon_min``: no route arrives more than
    :data:`~router.routing.search.SEARCH_HORIZON_DAYS` after the ready time) and the transfer
    limit are applied here to finished routes, not by the engine.
    """
    relaxed = dataclasses.replace(
        request,
        deadline=None,
        constraints=dataclasses.replace(request.constraints, max_transfers=None),
    )
    search = build_search(compile_network(net), relaxed, capacity)
    horizon = search.search_horizon_min
    vectors = {lb.criteria for lb in all_routes(search) if lb.criteria[0] <= horizon}
    if request.deadline is not None:
        deadline_min = (request.deadline - search.epoch) // timedelta(minutes=1)
        vectors = {v for v in vectors if v[0] <= deadline_min}
    limit = request.constraints.max_transfers
    if limit is not None:
        vectors = {v for v in vectors if v[3] <= limit}
    return pareto(vectors)


def describe(net: Network, request: QuoteRequest) -> str:
    lines = [f"request: {request}"]
    lines += [f"node {n}" for n in net.nodes.values()]
    lines += [f"link {lk}" for lk in net.links.values()]
    lines += [f"fee {f}" for f in net.fees]
    return "\n".join(lines)


def check_same_pareto_set(
    net: Network, request: QuoteRequest, capacity: CapacityFn | None
) -> set[tuple[int, ...]]:
    try:
        cn = compile_network(net)
        search = build_search(cn, request, capacity)
        expected = brute_force_pareto(net, request, capacity)
    except InvalidRequestError:  # a point with no truck-served node nearby
        event("rejected: no access node")
        assume(False)
        raise
    except TooLarge:
        event("rejected: too many routes to enumerate")
        assume(False)
        raise
    event(f"pareto routes: {min(len(expected), 3)}{'+' if len(expected) >= 3 else ''}")
    note(describe(net, request))
    routes = search.run()
    assert_same_as_other(cn, request, capacity, search, routes)
    got = [r.criteria for r in routes]
    assert len(got) == len(set(got)), f"duplicate criteria vectors: {got}"
    assert set(got) == expected, (
        f"engine only: {sorted(set(got) - expected)}; brute force only: {sorted(expected - set(got))}"
    )
    return expected


SETTINGS = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(cases())
def test_search_equals_brute_force_pareto_set(case) -> None:
    net, request, capacity = case
    check_same_pareto_set(net, request, capacity)


@SETTINGS
@given(cases(), st.integers(0, 3), st.integers(12, 900))
def test_search_equals_brute_force_with_deadline_and_transfer_limit(
    case, max_transfers: int, deadline_h: int
) -> None:
    net, request, capacity = case
    request = dataclasses.replace(
        request,
        deadline=request.ready + timedelta(hours=deadline_h),
        constraints=dataclasses.replace(request.constraints, max_transfers=max_transfers),
    )
    check_same_pareto_set(net, request, capacity)


@SETTINGS
@given(cases(dense=True))
def test_search_equals_brute_force_on_dense_networks(case) -> None:
    """Two to three links per node: many alternative routes, larger Pareto sets."""
    net, request, capacity = case
    check_same_pareto_set(net, request, capacity)


@SETTINGS
@given(cases(corridor=True))
def test_search_equals_brute_force_on_multimodal_corridors(case) -> None:
    net, request, capacity = case
    check_same_pareto_set(net, request, capacity)


@SETTINGS
@given(cases(customs=True))
def test_search_equals_brute_force_on_customs_corridors(case) -> None:
    """CN -> (EAEU or Hong Kong, free port or not) -> EU: through trains and TIR via borders,
    in bond into the destination's territory, transit declarations, point of entry vs office
    of destination, transhipment, free-port through cargo, Combined Port feeders."""
    net, request, capacity = case
    check_same_pareto_set(net, request, capacity)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.one_of(cases(), cases(dense=True), cases(corridor=True), cases(customs=True)))
def test_every_quote_on_random_networks_passes_the_independent_checker(case) -> None:
    """The customs-legality checker (separate code, router.verify.legality) accepts every
    alternative the engine quotes on random networks with random customs attributes."""
    net, request, capacity = case
    try:
        quote = make_quote(compile_network(net), request, capacity=capacity)
    except InvalidRequestError:  # a point with no truck-served node nearby
        assume(False)
        raise
    event(f"status {quote['status']}")
    note(describe(net, request))
    assert check_quote(net, request, quote) == []
