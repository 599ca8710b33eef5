"""The compiled label loop against the pure-Python reference on the bundled network.

Random requests over every kind of variation the search knows (containers and loose cargo,
cargo classes, traders, customs scopes, transfer limits, deadlines, required and excluded nodes,
lon/lat points with access legs, dated capacity): both implementations must return the same
routes (criteria and every step) and settle, create and prune the same labels. The replay check
that guards every compiled route is shown to fire on a corrupted table.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from router.errors import InvalidRequestError
from router.network.model import AeoLevel, CargoClass, Mode, NodeKind
from router.routing import kernel_tables
from router.routing.compiled import CompiledNetwork, compile_network
from router.routing.compiled_search import CompiledSearch, KernelMismatchError
from router.routing.query import build_search
from router.routing.request import (
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    QuoteRequest,
    TraderProfile,
)
from router.units import CST


@pytest.fixture(autouse=True)
def search_implementation() -> str:
    """These tests run both implementations themselves (not once per implementation)."""
    return "both"


def random_request(rng: random.Random, cn: CompiledNetwork) -> QuoteRequest:
    ends = sorted(n.id for n in cn.nodes if n.kind is not NodeKind.BORDER_CROSSING)
    origin_id, destination_id = rng.sample(ends, 2)
    origin = PlaceRef(origin_id)
    if rng.random() < 0.15:  # a factory near the origin node: an access leg by truck
        node = cn.nodes[cn.index[origin_id]]
        origin = PlaceRef(lon=node.lon + 0.05, lat=node.lat + 0.03)
    kind = rng.random()
    if kind < 0.6:
        cargo = Cargo(containers=((rng.choice(("22G1", "42G1", "45G1")), rng.randint(1, 3)),))
    elif kind < 0.7:
        cargo = Cargo(containers=(("45R1", 1),), cargo_class=CargoClass.REEFER)
    elif kind < 0.8:
        cargo = Cargo(
            weight_kg=rng.uniform(100, 3000),
            volume_m3=rng.uniform(1, 15),
            cargo_class=CargoClass.ECOMMERCE,
            ecommerce_regime=rng.choice(("9610", "9710", "9810")),
            value_cny=rng.uniform(1e4, 1e6),
        )
    else:
        cargo = Cargo(weight_kg=rng.uniform(200, 5000), volume_m3=rng.uniform(1, 20))
    ready = datetime(2026, 12, 1, tzinfo=CST) + timedelta(hours=rng.randrange(0, 24 * 60))
    deadline = ready + timedelta(days=rng.randint(3, 40)) if rng.random() < 0.3 else None
    required: tuple[str, ...] = ()
    if rng.random() < 0.1:
        required = (rng.choice(ends),)
    excluded = frozenset({rng.choice(ends)}) - {origin_id, destination_id, *required}
    modes = frozenset(Mode) - ({rng.choice(list(Mode))} if rng.random() < 0.2 else set())
    return QuoteRequest(
        origin,
        PlaceRef(destination_id),
        cargo,
        ready,
        deadline=deadline,
        trader=TraderProfile(
            rng.choice(list(AeoLevel)),
            direct_eligible=rng.random() < 0.3,
            combined_port_allowed=rng.random() < 0.8,
            joint_declaration_eligible=rng.random() < 0.3,
            inspect_first_pilot=rng.random() < 0.2,
        ),
        customs_scope=rng.choice(list(CustomsScope)),
        constraints=Constraints(
            allowed_modes=modes,
            max_transfers=rng.choice((None, None, 1, 2, 3)),
            required_nodes=required,
            excluded_nodes=excluded if rng.random() < 0.2 else frozenset(),
        ),
    )


def capacity_of(seed: int):  # type: ignore[no-untyped-def]
    """Dated capacity: about one departure in four full (deterministic per departure)."""

    def remaining(link_id: str, departure: datetime) -> float:
        return 0.0 if hash((seed, link_id, departure.isoformat())) % 4 == 0 else 50.0

    return remaining


def same_results(cn: CompiledNetwork, request: QuoteRequest, capacity=None) -> int:  # type: ignore[no-untyped-def]
    python = build_search(cn, request, capacity, implementation="python")
    compiled = build_search(cn, request, capacity, implementation="compiled")
    assert isinstance(compiled, CompiledSearch)
    expected, got = python.run(), compiled.run()
    assert [r.criteria for r in got] == [r.criteria for r in expected]
    assert [r.steps for r in got] == [r.steps for r in expected]
    assert compiled.stats == python.stats
    return len(got)


@pytest.mark.parametrize("seed", range(6))
def test_same_routes_as_the_reference_on_random_bundled_requests(
    bundled: CompiledNetwork, seed: int
) -> None:
    rng = random.Random(seed)
    routes = 0
    compared = 0
    while compared < 25:
        try:
            request = random_request(rng, bundled)
        except InvalidRequestError:
            continue
        try:
            routes += same_results(bundled, request)
        except InvalidRequestError:  # a point too far from any truck-served node
            continue
        compared += 1
    assert routes > 0  # the sample is not all no-route


@pytest.mark.parametrize("seed", range(2))
def test_same_routes_as_the_reference_with_dated_capacity(
    bundled: CompiledNetwork, seed: int
) -> None:
    rng = random.Random(100 + seed)
    routes = 0
    for _ in range(10):
        request = QuoteRequest(
            PlaceRef("CNYTN"),
            PlaceRef(rng.choice(("NLRTM", "DEHAM", "DEDUI", "PL-MALASZEWICZE", "USLAX"))),
            Cargo(containers=(("42G1", 1),)),
            datetime(2026, 12, 1, tzinfo=CST) + timedelta(hours=rng.randrange(0, 24 * 30)),
        )
        try:
            routes += same_results(bundled, request, capacity_of(seed))
        except InvalidRequestError:
            continue
    assert routes > 0


def test_a_corrupted_table_is_caught_by_the_replay(
    bundled: CompiledNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replay through the reference's transitions is a real check: make every leg one fen
    cheaper in the compiled tables and the first route's criteria no longer match when its
    steps are read."""
    original = kernel_tables.profile_tables

    def cheaper(search):  # type: ignore[no-untyped-def]
        tables = dict(original(search))
        tables["l_freight"] = tables["l_freight"] - 1
        return tables

    monkeypatch.setattr(kernel_tables, "profile_tables", cheaper)
    bundled.memo.clear()
    request = QuoteRequest(
        PlaceRef("CNYTN"),
        PlaceRef("NLRTM"),
        Cargo(containers=(("42G1", 1),)),
        datetime(2026, 12, 2, tzinfo=CST),
    )
    routes = build_search(bundled, request, implementation="compiled").run()
    assert routes
    with pytest.raises(KernelMismatchError, match="criteria differ"):
        list(routes[0].steps)  # steps are replayed (and checked) when first read
    bundled.memo.clear()


def test_unknown_implementation_is_refused(bundled: CompiledNetwork) -> None:
    request = QuoteRequest(
        PlaceRef("CNYTN"),
        PlaceRef("NLRTM"),
        Cargo(containers=(("42G1", 1),)),
        datetime(2026, 12, 2, tzinfo=CST),
    )
    with pytest.raises(InvalidRequestError, match="unknown search implementation 'rust'"):
        build_search(bundled, request, implementation="rust")


def test_label_budget_scales_with_the_network_and_is_reported(bundled: CompiledNetwork) -> None:
    from router.quotes.document import make_quote
    from router.routing.search import DEFAULT_LABEL_BUDGET, LABELS_PER_NODE, label_budget_for
    from router.synthetic.network import generate_network

    assert label_budget_for(bundled) == DEFAULT_LABEL_BUDGET  # 92 nodes: the floor
    large = compile_network(generate_network(5_000, 20_000, seed=3))
    assert label_budget_for(large) == LABELS_PER_NODE * 5_000 > DEFAULT_LABEL_BUDGET
    # the memo of per-query tables is bounded, more tightly on a large network
    from router.routing.compiled import MEMO_ENTRIES, MEMO_SIZE

    assert bundled.memo_limit == MEMO_SIZE
    limit = MEMO_ENTRIES // (len(large.nodes) + len(large.links))
    assert large.memo_limit == limit < MEMO_SIZE
    for k in range(limit + 50):
        large.memo_put(("test", k), k)
    assert len(large.memo) == limit and large.memo_get(("test", 0)) is None
    assert large.memo_get(("test", limit + 49)) == limit + 49
    request = QuoteRequest(
        PlaceRef("CNYTN"),
        PlaceRef("NLRTM"),
        Cargo(containers=(("42G1", 1),)),
        datetime(2026, 12, 2, tzinfo=CST),
    )
    for implementation in ("compiled", "python"):
        search = build_search(bundled, request, implementation=implementation, label_budget=5)
        search.run()
        assert search.stats.complete is False and search.stats.labels_settled == 5
    doc = make_quote(bundled, request, quote_id="budget")
    assert doc["search"]["label_budget"] == DEFAULT_LABEL_BUDGET
    assert doc["search"]["complete"] is True


@pytest.mark.parametrize("seed", range(3))
def test_space_tables_give_the_same_routes_as_the_callback(
    bundled: CompiledNetwork, seed: int
) -> None:
    """With the service's capacity view (booked departures, some full or nearly) the compiled
    loop checks room from tables, without calling back: same routes as the reference, which
    asks the callback for every departure."""
    from router.network.timetable import departures
    from router.routing.labels import SpaceTable
    from router.services.capacity import CapacityView, tracked_links

    rng = random.Random(seed)
    network = bundled.network
    start = datetime(2026, 12, 1, tzinfo=CST)
    booked: dict[tuple[str, datetime], float] = {}
    for link_id in sorted(tracked_links(network)):
        for when in departures(network, network.links[link_id], start, start + timedelta(days=60)):
            if rng.random() < 0.3:
                booked[(link_id, when)] = rng.choice((0.0, 0.5, 1.0, 2.0, 40.0))
    view = CapacityView(network, booked)
    assert isinstance(view, SpaceTable) and booked
    compared = 0
    for _ in range(12):
        try:
            request = random_request(rng, bundled)
            compared += same_results(bundled, request, view) >= 0
        except InvalidRequestError:
            continue
    assert compared >= 8
