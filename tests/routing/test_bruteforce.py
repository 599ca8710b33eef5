"""The label-setting search returns exactly the Pareto set of brute-force enumeration.

Random small networks (4–7 nodes over 2–3 customs jurisdictions, random customs operations,
link regimes consistent with the jurisdictions, modes, weekly / headway / any-time schedules,
dwell and clearance times, tariffs and fees) and random requests. The brute force enumerates
every route in the expanded state space with the engine's own transition rules
(:meth:`Search.initial_labels`, :meth:`Search.expand`, :meth:`Search.finish`) but without
dominance, lower bounds or pruning; it applies the deadline and the transfer limit itself, on
finished routes only. Paths are kept simple in the label-key space (node, customs state, hub,
required-node mask, previous leg kind): a path revisiting a key is never better than the same
path with the cycle cut out, since all criteria are non-decreasing and departures are FIFO.
"""

from __future__ import annotations

import dataclasses
import itertools
import zlib
from collections.abc import Callable
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from routing_testkit import READY

from router.errors import InvalidRequestError
from router.network.builder import NetworkBuilder
from router.network.model import (
    AeoLevel,
    CargoClass,
    CustomsOp,
    Mode,
    Network,
    NodeKind,
    Regime,
    Tariff,
    TariffUnit,
)
from router.network.validate import MODE_ENDPOINTS
from router.quotes.document import build_search, make_quote
from router.routing.compiled import compile_network
from router.routing.labels import Label, dominates
from router.routing.request import (
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    QuoteRequest,
    TraderProfile,
)
from router.routing.search import Search
from router.verify.legality import check_quote

JURISDICTIONS = ("CN", "HK", "EU")
KINDS = (
    NodeKind.SEAPORT,
    NodeKind.SEAPORT,
    NodeKind.RIVER_TERMINAL,
    NodeKind.RAIL_TERMINAL,
    NodeKind.INLAND_DEPOT,
    NodeKind.BORDER_CROSSING,
    NodeKind.CITY,
    NodeKind.AIRPORT,
)
TERMINAL_KINDS = (
    NodeKind.SEAPORT,
    NodeKind.RIVER_TERMINAL,
    NodeKind.RAIL_TERMINAL,
    NodeKind.INLAND_DEPOT,
)
OPTIONAL_OPS = (
    CustomsOp.EXPORT_CLEARANCE,
    CustomsOp.EXPORT_CLEARANCE,
    CustomsOp.IMPORT_CLEARANCE,
    CustomsOp.IMPORT_CLEARANCE,
    CustomsOp.SUPERVISED_SITE,
    CustomsOp.DIRECT_LOADING,
    CustomsOp.DIRECT_PICKUP,
    CustomsOp.DRUG_PORT,
    CustomsOp.ECOMMERCE,
)
CARGOES = (
    Cargo(containers=(("22G1", 1),)),
    Cargo(containers=(("22G1", 1),)),
    Cargo(containers=(("22G1", 1),)),
    Cargo(containers=(("22G1", 1),)),
    Cargo(containers=(("42G1", 2),), weight_kg=30_000),
    Cargo(containers=(("42G1", 2),), weight_kg=30_000),
    Cargo(containers=(("42G1", 2),), weight_kg=30_000),
    Cargo(containers=(("22R1", 1),), cargo_class=CargoClass.REEFER),
    Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.PHARMA),
    Cargo(containers=(("45G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="3"),
    Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.ECOMMERCE),
    Cargo(weight_kg=3_000, volume_m3=12),  # loose cargo
)
OPERATORS = ("", "A-Line", "B-Rail")
#: brute-force budget: examples whose route enumeration grows beyond this are rejected
MAX_EXPANSIONS = 200_000


# ------------------------------------------------------------------------------ strategies
@st.composite
def networks(draw: st.DrawFn, dense: bool = False, corridor: bool = False) -> Network:
    """``dense``: two to three links per node. ``corridor``: one jurisdiction, terminals only,
    many parallel services of different modes and handling charges everywhere, where the kind
    of the previous leg (same truck or a transfer, one THC per port call) decides dominance."""
    b = NetworkBuilder(name="random")
    n_juris = 1 if corridor else draw(st.integers(2, 3))
    n_nodes = draw(st.integers(4, 7))
    chain = draw(st.permutations(range(n_nodes)))  # a backbone through every node
    if draw(st.integers(0, 3)):
        # jurisdictions in runs along the backbone, as on a real corridor
        cuts = sorted(
            draw(st.lists(st.integers(1, n_nodes - 1), min_size=n_juris - 1, max_size=n_juris - 1))
        )
        juris = [""] * n_nodes
        for k, node in enumerate(chain):
            juris[node] = JURISDICTIONS[sum(1 for c in cuts if c <= k)]
    else:
        juris = [draw(st.sampled_from(JURISDICTIONS[:n_juris])) for _ in range(n_nodes)]
    kinds = [draw(st.sampled_from(TERMINAL_KINDS if corridor else KINDS)) for _ in range(n_nodes)]
    ops: list[set[CustomsOp]] = [
        set(draw(st.lists(st.sampled_from(OPTIONAL_OPS), max_size=4))) for _ in range(n_nodes)
    ]
    ids = [f"N{i}" for i in range(n_nodes)]

    # links first: international ones add exit / entry at their ends
    # (customs operations are often, not always, where a route needs them)
    links: list[tuple[str, int, int, Mode, Regime]] = []
    pairs = list(itertools.pairwise(chain))
    b.name = "chain:" + ",".join(f"N{i}" for i in chain)  # read by requests()
    n_links = draw(
        st.integers(2 * n_nodes, 3 * n_nodes + 3)
        if dense or corridor
        else st.integers(n_nodes - 1, 2 * n_nodes + 3)
    )
    for k in range(n_links):
        if k < len(pairs):
            o, d = pairs[k]
        elif draw(st.integers(0, 1 if corridor else 3)) == 0:  # a parallel service
            _, o, d, _, _ = draw(st.sampled_from(links))
        else:
            o = draw(st.integers(0, n_nodes - 1))
            d = draw(st.integers(0, n_nodes - 2))
            d = d + 1 if d >= o else d
        modes = [m for m in Mode if kinds[o] in MODE_ENDPOINTS[m] and kinds[d] in MODE_ENDPOINTS[m]]
        mode = draw(st.sampled_from(modes))
        if juris[o] != juris[d]:
            regime = Regime.INTERNATIONAL
            ops[o].add(CustomsOp.EXIT)
            ops[d].add(CustomsOp.ENTRY)
            if draw(st.integers(0, 4)):
                ops[o].add(CustomsOp.EXPORT_CLEARANCE)
            if draw(st.integers(0, 4)):
                ops[d].add(CustomsOp.IMPORT_CLEARANCE)
        else:
            regime = Regime.SUPERVISED if draw(st.integers(0, 3)) == 0 else Regime.DOMESTIC
            if regime is Regime.SUPERVISED and draw(st.integers(0, 2)):
                ops[d].add(CustomsOp.SUPERVISED_SITE)
        links.append((f"L{k}", o, d, mode, regime))

    # transit borders: border crossings may let rail / TIR pass in transit
    transit = [
        i for i in range(n_nodes) if kinds[i] is NodeKind.BORDER_CROSSING and draw(st.booleans())
    ]
    for i in transit:
        ops[i].add(CustomsOp.TRANSIT_BORDER)

    # Combined Port: a terminal clearing for a seaport hub
    seaports = [i for i in range(n_nodes) if kinds[i] is NodeKind.SEAPORT]
    hubs: dict[int, int] = {}
    for i in range(n_nodes):
        if CustomsOp.EXPORT_CLEARANCE in ops[i] and seaports and draw(st.integers(0, 3)) == 0:
            hub = draw(st.sampled_from(seaports))
            if hub != i:
                hubs[i] = hub
                ops[i].add(CustomsOp.COMBINED_PORT)

    hours = st.sampled_from
    for i in range(n_nodes):
        closed = draw(st.integers(0, 9)) == 0
        b.add_node(
            ids[i],
            draw(st.floats(113.0, 114.5)),
            draw(st.floats(22.0, 23.3)),
            kind=kinds[i],
            jurisdiction=juris[i],
            operations=ops[i],
            combined_port_hub=ids[hubs[i]] if i in hubs else None,
            reefer=draw(st.integers(0, 3)) > 0,
            dg_classes=frozenset(draw(st.lists(st.sampled_from("3389"), max_size=2))),
            handling_h=draw(hours((0.0, 0.5, 1.0, 2.0))),
            export_clearance_h=draw(hours((0.0, 1.0, 2.5, 4.0))),
            import_clearance_h=draw(hours((0.0, 1.0, 3.0, 6.0))),
            inspection_h=draw(hours((0.0, 8.0, 24.0))),
            border_transit_h=draw(hours((0.0, 3.0, 10.0))),
            dwell_export_h=draw(hours((0.0, 6.0, 24.0, 72.0))),
            dwell_import_h=draw(hours((0.0, 12.0, 48.0))),
            dwell_direct_h=draw(hours((0.0, 2.0))),
            dwell_combined_h=draw(hours((0.0, 12.0))),
            free_storage_h=draw(hours((0.0, 24.0, 48.0))),
            opening_hours=draw(st.sampled_from((None, None, (420, 1320), (480, 1080)))),
            closed_modes=frozenset({Mode.TRUCK}) if closed else frozenset(),
            closed_since=date(2025, 6, draw(st.integers(1, 12))) if closed else None,
        )

    distances: dict[tuple[int, int], float] = {}  # parallel services share their corridor
    for link_id, o, d, mode, regime in links:
        if (o, d) not in distances:
            distances[o, d] = float(draw(st.integers(5, 2000)))
        schedule = draw(st.integers(0, 2))
        kwargs: dict = {}
        if schedule == 1:
            kwargs["weekly"] = tuple(
                draw(
                    st.lists(
                        st.tuples(st.integers(0, 6), st.integers(0, 47).map(lambda h: h * 30)),
                        min_size=1,
                        max_size=3,
                    )
                )
            )
        elif schedule == 2:
            kwargs["headway_h"] = draw(hours((4.0, 6.0, 8.0, 12.0, 24.0)))
            kwargs["offset_h"] = draw(hours((0.0, 1.5, 3.0)))
        kwargs["cutoff_h"] = draw(hours((0.0, 0.0, 2.0, 12.0)))
        fixed = draw(st.integers(0, 60)) * 50.0
        per_km = draw(hours((0.0, 0.0, 0.5, 2.0)))
        if corridor:  # road dearer per km than rail and water, as on real corridors
            fixed /= 3.0
            per_km = 2.0 if mode in (Mode.TRUCK, Mode.TIR) else draw(hours((0.3, 0.5, 1.0)))
        currency = draw(st.sampled_from(("CNY", "CNY", "USD")))
        if mode is Mode.AIR:
            tariffs = {TariffUnit.KG: Tariff(TariffUnit.KG, fixed / 100.0, 0.0, currency)}
        else:
            factors = {TariffUnit.C20: 1.0, TariffUnit.C40: 1.8, TariffUnit.C40HC: 1.9}
            tariffs = {u: Tariff(u, fixed * f, per_km * f, currency) for u, f in factors.items()}
            if draw(st.booleans()):
                tariffs[TariffUnit.WM] = Tariff(TariffUnit.WM, fixed / 10.0, 0.0, currency)
        via: tuple[str, ...] = ()
        if (
            regime is Regime.INTERNATIONAL
            and mode in (Mode.RAIL, Mode.TIR)
            and transit
            and draw(st.booleans())
        ):
            via = tuple(
                ids[v]
                for v in draw(st.lists(st.sampled_from(transit), max_size=2, unique=True))
                if v not in (o, d)
            )
        classes = set(CargoClass)
        if draw(st.integers(0, 5)) == 0:
            classes = {CargoClass.GENERAL} | set(
                draw(st.lists(st.sampled_from(list(CargoClass)), max_size=2))
            )
        b.add_link(
            link_id,
            ids[o],
            ids[d],
            mode,
            transit_h=draw(st.integers(1, 96)) / 2.0,
            regime=regime,
            tariffs=tariffs,
            distance_km=distances[o, d],
            cargo_classes=frozenset(classes),
            operator=draw(st.sampled_from(OPERATORS)),
            via=via,
            **kwargs,
        )

    for i in range(n_nodes):
        for fee, unit in (
            ("thc", "20"),
            ("thc", "40"),
            ("thc", "40HC"),
            ("thc", "wm"),
            ("declaration", "declaration"),
            ("inspection", "inspection"),
            ("storage", "20"),
            ("storage", "40"),
            ("port_dues", "20"),
            ("port_dues", "40"),
            ("document", "shipment"),
        ):
            if (corridor and fee == "thc") or draw(st.integers(0, 2)) == 0:
                b.add_fee(ids[i], fee, unit, float(draw(st.integers(0, 40)) * 25))
    return b.build()


def place(draw: st.DrawFn, net: Network, avoid: str | None, outbound: bool) -> PlaceRef:
    """A node that links leave (origin) or reach (destination), or sometimes a lon/lat point
    near a truck-served one."""
    ends = {lk.origin if outbound else lk.destination: lk.mode for lk in net.links.values()}
    trucked = sorted(
        (lk.origin if outbound else lk.destination)
        for lk in net.links.values()
        if lk.mode is Mode.TRUCK
    )
    trucked = [c for c in trucked if c != avoid]
    if trucked and draw(st.integers(0, 9)) == 0:
        node = net.nodes[draw(st.sampled_from(trucked))]
        return PlaceRef(
            lon=node.lon + draw(st.floats(-0.3, 0.3)), lat=node.lat + draw(st.floats(-0.3, 0.3))
        )
    codes = sorted(set(ends) - {avoid}) or sorted(set(net.nodes) - {avoid})
    return PlaceRef(code=draw(st.sampled_from(codes)))


@st.composite
def requests(draw: st.DrawFn, net: Network) -> QuoteRequest:
    chain = net.name.removeprefix("chain:").split(",")
    if draw(st.integers(0, 2)):  # along the backbone, so that a route often exists
        i = draw(st.integers(0, len(chain) - 2))
        origin = PlaceRef(code=chain[i])
        destination = PlaceRef(code=chain[draw(st.integers(i + 1, len(chain) - 1))])
    else:
        origin = place(draw, net, None, outbound=True)
        destination = place(draw, net, origin.code, outbound=False)
    ready = READY + timedelta(minutes=30 * draw(st.integers(0, 7 * 48 - 1)))
    deadline = None
    if draw(st.integers(0, 3)) == 0:
        deadline = ready + timedelta(hours=draw(st.integers(24, 1500)))
    nodes = sorted(net.nodes)
    required: tuple[str, ...] = ()
    if draw(st.integers(0, 6)) == 0:
        required = (draw(st.sampled_from(nodes)),)
    excluded: frozenset[str] = frozenset()
    if draw(st.integers(0, 6)) == 0:
        excluded = frozenset({draw(st.sampled_from(nodes))}) - {origin.code, destination.code}
    modes = frozenset(Mode)
    if draw(st.integers(0, 7)) == 0:
        modes = frozenset(draw(st.lists(st.sampled_from(list(Mode)), min_size=1, max_size=4)))
    return QuoteRequest(
        origin=origin,
        destination=destination,
        cargo=draw(st.sampled_from(CARGOES)),
        ready=ready,
        deadline=deadline,
        trader=TraderProfile(
            aeo_level=draw(st.sampled_from(list(AeoLevel))),
            direct_eligible=draw(st.booleans()),
            combined_port_allowed=draw(st.booleans()),
        ),
        customs_scope=draw(st.sampled_from(list(CustomsScope))),
        constraints=Constraints(
            allowed_modes=modes,
            max_transfers=draw(st.sampled_from((None, None, None, 0, 1, 2, 3))),
            required_nodes=required,
            excluded_nodes=excluded,
            excluded_operators=frozenset(
                draw(st.lists(st.sampled_from(OPERATORS[1:]), max_size=1))
                if draw(st.integers(0, 5)) == 0
                else ()
            ),
        ),
    )


CapacityFn = Callable[[str, datetime], float | None]


def capacities(draw: st.DrawFn) -> CapacityFn | None:
    """None, or a deterministic callback on which about a third of departures are full."""
    if draw(st.integers(0, 3)):
        return None
    salt = draw(st.integers(0, 1000))

    def capacity(link_id: str, departure: datetime) -> float | None:
        h = zlib.crc32(f"{salt}|{link_id}|{departure.isoformat()}".encode())
        return 0.0 if h % 3 == 0 else None

    return capacity


@st.composite
def cases(
    draw: st.DrawFn, dense: bool = False, corridor: bool = False
) -> tuple[Network, QuoteRequest, CapacityFn | None]:
    net = draw(networks(dense, corridor))
    return net, draw(requests(net)), capacities(draw)


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

    The deadline and the transfer limit are applied here to finished routes, not by the engine.
    """
    relaxed = dataclasses.replace(
        request,
        deadline=None,
        constraints=dataclasses.replace(request.constraints, max_transfers=None),
    )
    search = build_search(compile_network(net), relaxed, capacity)
    vectors = {lb.criteria for lb in all_routes(search)}
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
        search = build_search(compile_network(net), request, capacity)
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


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.one_of(cases(), cases(dense=True), cases(corridor=True)))
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
