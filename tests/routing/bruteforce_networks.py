"""Random networks, requests and departure capacities for the brute-force Pareto tests
(test_bruteforce.py) and the checker-on-random-quotes test.

:func:`networks`: 4–7 nodes over 2–4 customs jurisdictions with random customs operations, link
regimes consistent with the jurisdictions, modes, weekly / headway / any-time schedules, dwell
and clearance times, tariffs and fees. :func:`customs_corridors`: a mainland origin, an optional
territory crossed (the EAEU, or Hong Kong, a free port or not) and an EU destination with its
point of entry and inland offices, where the customs model v2 steps decide the routes (export
and Combined Port, through trains and TIR hauls passing via borders, in bond into the
destination's territory, transit declarations at the point of entry or across a territory
crossed, import at the point of entry or the office of destination, transhipment, free-port
through cargo). Both draw the v2 ingredients: free ports, AEO mutual recognition, customs
districts, drug ports and the drug permit, dangerous-goods classes and divisions on nodes and
link bans, 一单两报, paper documents, advance cargo information; traders with and without each
measure.
"""

from __future__ import annotations

import dataclasses
import itertools
import zlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from routing_testkit import READY

from router.network.builder import NetworkBuilder
from router.network.model import (
    AdvanceDue,
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
from router.network.pricing import ChargeUnit, PricingTables, Surcharge, TransferCost
from router.network.validate import MODE_ENDPOINTS
from router.routing.request import (
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    QuoteRequest,
    TraderProfile,
)

JURISDICTIONS = ("CN", "HK", "EU", "EAEU")
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
    CustomsOp.TRANSIT_DECLARATION,
    CustomsOp.TRANSIT_DECLARATION,
    CustomsOp.JOINT_DECLARATION,
)
EC = CustomsOp.EXPORT_CLEARANCE
IC = CustomsOp.IMPORT_CLEARANCE
EXIT = CustomsOp.EXIT
ENTRY = CustomsOp.ENTRY
SUP = CustomsOp.SUPERVISED_SITE
TD = CustomsOp.TRANSIT_DECLARATION
#: customs districts: a node in the destination's district is an office of destination
DISTRICTS = ("", "", "D1", "D2")
#: IMDG classes and divisions a terminal may permit or a link may bar
DG_ENTRIES = ("1", "1.4", "3", "3", "8", "9", "9")
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
    Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="9"),
    Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="1.4S"),
    Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.ECOMMERCE),
    Cargo(weight_kg=3_000, volume_m3=12),  # loose cargo
)
OPERATORS = ("", "A-Line", "B-Rail")


# ------------------------------------------------------------------------------ strategies
def node_terms(draw: st.DrawFn) -> dict[str, Any]:
    """Random customs, dwell and class attributes of a node (keyword arguments of add_node)."""
    hours = st.sampled_from
    closed = draw(st.integers(0, 9)) == 0
    return {
        "customs_district": draw(st.sampled_from(DISTRICTS)),
        "reefer": draw(st.integers(0, 3)) > 0,
        "dg_classes": frozenset(draw(st.lists(st.sampled_from(DG_ENTRIES), max_size=3))),
        "handling_h": draw(hours((0.0, 0.5, 1.0, 2.0))),
        "export_clearance_h": draw(hours((0.0, 1.0, 2.5, 4.0))),
        "import_clearance_h": draw(hours((0.0, 1.0, 3.0, 6.0))),
        "inspection_h": draw(hours((0.0, 8.0, 24.0))),
        "border_transit_h": draw(hours((0.0, 3.0, 10.0))),
        "dwell_export_h": draw(hours((0.0, 6.0, 24.0, 72.0))),
        "dwell_import_h": draw(hours((0.0, 12.0, 48.0))),
        "dwell_direct_h": draw(hours((0.0, 2.0))),
        "dwell_combined_h": draw(hours((0.0, 12.0))),
        "free_storage_h": draw(hours((0.0, 24.0, 48.0))),
        "transit_declaration_h": draw(hours((0.5, 1.0, 4.0))),
        "joint_clearance_h": draw(hours((None, 0.5))),
        "drug_permit_h": draw(hours((0.0, 24.0))),
        "document_h": draw(hours((0.0, 0.0, 2.0))),
        "opening_hours": draw(hours((None, None, (420, 1320), (480, 1080)))),
        "closed_modes": frozenset({Mode.TRUCK}) if closed else frozenset(),
        "closed_since": date(2025, 6, draw(st.integers(1, 12))) if closed else None,
    }


def link_terms(draw: st.DrawFn, mode: Mode, corridor: bool = False) -> dict[str, Any]:
    """Random schedule, cut-off, running time, tariffs, classes, operator and DG bans of a link
    (keyword arguments of add_link)."""
    hours = st.sampled_from
    schedule = draw(st.integers(0, 2))
    terms: dict[str, Any] = {}
    if schedule == 1:
        terms["weekly"] = tuple(
            draw(
                st.lists(
                    st.tuples(st.integers(0, 6), st.integers(0, 47).map(lambda h: h * 30)),
                    min_size=1,
                    max_size=3,
                )
            )
        )
    elif schedule == 2:
        terms["headway_h"] = draw(hours((4.0, 6.0, 8.0, 12.0, 24.0)))
        terms["offset_h"] = draw(hours((0.0, 1.5, 3.0)))
    terms["cutoff_h"] = draw(hours((0.0, 0.0, 2.0, 12.0)))
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
    classes = set(CargoClass)
    if draw(st.integers(0, 5)) == 0:
        classes = {CargoClass.GENERAL} | set(
            draw(st.lists(st.sampled_from(list(CargoClass)), max_size=2))
        )
    terms |= {
        "transit_h": draw(st.integers(1, 96)) / 2.0,
        "tariffs": tariffs,
        "cargo_classes": frozenset(classes),
        "operator": draw(st.sampled_from(OPERATORS)),
        "dg_banned": frozenset(
            draw(st.lists(st.sampled_from(DG_ENTRIES), max_size=2))
            if draw(st.integers(0, 4)) == 0
            else ()
        ),
    }
    return terms


FEES = (
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
    ("cfs", "wm"),
)


def pricing(draw: st.DrawFn) -> PricingTables | None:
    """Random surcharges (per box, per TEU, percent of base) and transfer costs by mode pair."""
    if draw(st.integers(0, 2)) == 0:
        return None
    modes = st.sampled_from(list(Mode))
    surcharges = tuple(
        Surcharge(
            f"s{k}",
            draw(st.sampled_from(("BAF", "war_risk", "peak_season"))),
            draw(modes),
            draw(st.sampled_from((ChargeUnit.C20, ChargeUnit.C40, ChargeUnit.TEU, ChargeUnit.PCT))),
            float(draw(st.integers(1, 20)) * 10),
            "CNY",
            date(2025, 1, 1),
        )
        for k in range(draw(st.integers(0, 3)))
    )
    transfers = {
        (draw(modes), draw(modes)): float(draw(st.integers(1, 20)) * 25)
        for _ in range(draw(st.integers(0, 4)))
    }
    return PricingTables(
        surcharges=surcharges,
        transfer_costs=tuple(
            TransferCost(a, b, ChargeUnit.C20, amount, "CNY")
            for (a, b), amount in transfers.items()
        ),
    )


def add_fees(draw: st.DrawFn, b: NetworkBuilder, node_id: str, all_thc: bool = False) -> None:
    """Random node fees (each in about a third of the nodes; THC everywhere if ``all_thc``)."""
    for fee, unit in FEES:
        if (all_thc and fee == "thc") or draw(st.integers(0, 2)) == 0:
            b.add_fee(node_id, fee, unit, float(draw(st.integers(0, 40)) * 25))


def jurisdictions(draw: st.DrawFn, b: NetworkBuilder, codes: tuple[str, ...]) -> None:
    """Random free-port status, AEO mutual recognition and advance information."""
    for code in codes:
        b.set_jurisdiction(
            code,
            free_port=draw(st.integers(0, 2)) == 0,
            aeo_mra_cn=draw(st.booleans()),
        )
        for mode in Mode:
            if draw(st.integers(0, 4)) == 0:
                b.add_advance_info(
                    code,
                    mode,
                    f"{code} advance information ({mode.value})",
                    due=draw(st.sampled_from(list(AdvanceDue))),
                    lead_h=draw(st.sampled_from((0.5, 2.0, 24.0))),
                )


@st.composite
def networks(draw: st.DrawFn, dense: bool = False, corridor: bool = False) -> Network:
    """``dense``: two to three links per node. ``corridor``: one jurisdiction, terminals only,
    many parallel services of different modes and handling charges everywhere, where the kind
    of the previous leg (same truck or a transfer, one THC per port call) decides dominance."""
    b = NetworkBuilder(name="random")
    if draw(st.booleans()):  # the carriers' dangerous-goods surcharge on some modes
        for mode in draw(st.lists(st.sampled_from(list(Mode)), max_size=3, unique=True)):
            b.modes[mode] = dataclasses.replace(
                b.modes[mode], dg_surcharge_per_teu=float(draw(st.integers(1, 20)) * 25)
            )
    n_juris = 1 if corridor else draw(st.integers(2, 4))
    jurisdictions(draw, b, JURISDICTIONS[:n_juris])
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
            if draw(st.integers(0, 2)) == 0:
                ops[d].add(CustomsOp.TRANSIT_DECLARATION)
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
    # border crossings that links only pass (via), in any jurisdiction: a through train or TIR
    # haul changes customs territory at each (exit, entry; in bond into the destination's)
    via_only = [] if corridor else [f"V{i}" for i in range(draw(st.integers(0, 2)))]
    via_ids = [ids[i] for i in transit] + via_only

    # Combined Port: a terminal clearing for a seaport hub
    seaports = [i for i in range(n_nodes) if kinds[i] is NodeKind.SEAPORT]
    hubs: dict[int, int] = {}
    for i in range(n_nodes):
        if CustomsOp.EXPORT_CLEARANCE in ops[i] and seaports and draw(st.integers(0, 3)) == 0:
            hub = draw(st.sampled_from(seaports))
            if hub != i:
                hubs[i] = hub
                ops[i].add(CustomsOp.COMBINED_PORT)

    for i in range(n_nodes):
        b.add_node(
            ids[i],
            draw(st.floats(113.0, 114.5)),
            draw(st.floats(22.0, 23.3)),
            kind=kinds[i],
            jurisdiction=juris[i],
            operations=ops[i],
            combined_port_hub=ids[hubs[i]] if i in hubs else None,
            **node_terms(draw),
        )

    for via_id in via_only:
        b.add_node(
            via_id,
            draw(st.floats(113.0, 114.5)),
            draw(st.floats(22.0, 23.3)),
            kind=NodeKind.BORDER_CROSSING,
            jurisdiction=draw(st.sampled_from(JURISDICTIONS[:n_juris])),
            operations={CustomsOp.TRANSIT_BORDER},
            border_transit_h=draw(st.sampled_from((0.0, 3.0, 10.0))),
        )
        if draw(st.booleans()):
            b.add_fee(via_id, "declaration", "declaration", float(draw(st.integers(0, 40)) * 25))

    distances: dict[tuple[int, int], float] = {}  # parallel services share their corridor
    for link_id, o, d, mode, regime in links:
        if (o, d) not in distances:
            distances[o, d] = float(draw(st.integers(5, 2000)))
        terms = link_terms(draw, mode, corridor)
        via: tuple[str, ...] = ()
        if (
            regime is Regime.INTERNATIONAL
            and mode in (Mode.RAIL, Mode.TIR)
            and via_ids
            and draw(st.booleans())
        ):
            via = tuple(
                v
                for v in draw(st.lists(st.sampled_from(via_ids), max_size=3, unique=True))
                if v not in (ids[o], ids[d])
            )
        b.add_link(
            link_id,
            ids[o],
            ids[d],
            mode,
            regime=regime,
            distance_km=distances[o, d],
            via=via,
            # 内外贸同船: a domestic service that also carries sealed cargo
            mixed_trade=regime is Regime.DOMESTIC and draw(st.integers(0, 3)) == 0,
            **terms,
        )

    for node_id in ids:
        add_fees(draw, b, node_id, corridor)
    b.pricing = pricing(draw)
    return b.build()


#: customs corridor nodes: (id, jurisdiction role, kinds, operations always, operations maybe,
#: longitude); roles: origin CN, the territory crossed (X), the destination's EU
CORRIDOR_NODES: tuple[
    tuple[str, str, tuple[NodeKind, ...], set[CustomsOp], tuple[CustomsOp, ...], float], ...
] = (
    ("F", "CN", (NodeKind.CITY, NodeKind.INLAND_DEPOT), set(), (EC, SUP), 114.0),
    (
        "P",
        "CN",
        (NodeKind.SEAPORT, NodeKind.RAIL_TERMINAL, NodeKind.RIVER_TERMINAL),
        {EXIT, EC},
        (SUP, SUP, CustomsOp.DIRECT_LOADING, CustomsOp.JOINT_DECLARATION),
        113.5,
    ),
    ("Q", "CN", (NodeKind.RIVER_TERMINAL,), {EC, SUP}, (CustomsOp.COMBINED_PORT,), 113.0),
    (
        "X1",
        "X",
        (NodeKind.SEAPORT, NodeKind.BORDER_CROSSING, NodeKind.RAIL_TERMINAL),
        {ENTRY, EXIT},
        (IC, EC, TD, TD, SUP),
        90.0,
    ),
    (
        "X2",
        "X",
        (NodeKind.SEAPORT, NodeKind.BORDER_CROSSING, NodeKind.RAIL_TERMINAL),
        {ENTRY, EXIT},
        (IC, EC, TD, SUP),
        70.0,
    ),
    (
        "E",
        "EU",
        (NodeKind.SEAPORT, NodeKind.RAIL_TERMINAL, NodeKind.BORDER_CROSSING),
        {ENTRY},
        (IC, IC, TD, TD, SUP, SUP, CustomsOp.DRUG_PORT, CustomsOp.DIRECT_PICKUP),
        20.0,
    ),
    (
        "I",
        "EU",
        (NodeKind.INLAND_DEPOT, NodeKind.RAIL_TERMINAL),
        {IC},
        (SUP, SUP, TD, CustomsOp.DRUG_PORT),
        10.0,
    ),
    ("D", "EU", (NodeKind.CITY, NodeKind.INLAND_DEPOT), set(), (IC, SUP), 6.0),
)
#: via-only border crossings of the corridor: (id, role, longitude)
CORRIDOR_VIAS = (("VC", "CN", 100.0), ("VX", "X", 60.0), ("VE", "EU", 25.0))
#: candidate services: (from, to, regimes it may have)
CORRIDOR_LINKS: tuple[tuple[str, str, tuple[Regime, ...]], ...] = (
    ("F", "P", (Regime.DOMESTIC, Regime.SUPERVISED)),
    ("F", "Q", (Regime.DOMESTIC,)),
    ("Q", "P", (Regime.SUPERVISED,)),
    ("F", "E", (Regime.INTERNATIONAL,)),
    ("Q", "E", (Regime.INTERNATIONAL,)),
    ("P", "E", (Regime.INTERNATIONAL,)),
    ("P", "I", (Regime.INTERNATIONAL,)),
    ("P", "X1", (Regime.INTERNATIONAL,)),
    ("X1", "X2", (Regime.DOMESTIC, Regime.SUPERVISED)),
    ("X1", "E", (Regime.INTERNATIONAL,)),
    ("X2", "E", (Regime.INTERNATIONAL,)),
    ("X2", "I", (Regime.INTERNATIONAL,)),
    ("E", "I", (Regime.SUPERVISED, Regime.DOMESTIC)),
    ("E", "D", (Regime.DOMESTIC, Regime.SUPERVISED)),
    ("I", "D", (Regime.DOMESTIC, Regime.SUPERVISED)),
)


@st.composite
def customs_corridors(draw: st.DrawFn) -> Network:
    """CN origin -> (a territory crossed: the EAEU, Hong Kong, or none) -> EU destination, with
    a point of entry E, an inland office I and a destination D in random customs districts, a
    Combined Port feeder Q, and through services passing via borders of every territory."""
    b = NetworkBuilder(name="random")
    crossed = draw(st.sampled_from(("EAEU", "HK", "")))
    role = {"CN": "CN", "X": crossed, "EU": "EU"}
    jurisdictions(draw, b, tuple(j for j in role.values() if j))
    nodes = [spec for spec in CORRIDOR_NODES if role[spec[1]]]
    kinds = {spec[0]: draw(st.sampled_from(spec[2])) for spec in nodes}
    ops = {
        spec[0]: set(spec[3]) | set(draw(st.lists(st.sampled_from(spec[4]), max_size=3)))
        for spec in nodes
    }
    # the point of entry clears or declares in transit (or both), as real ones do
    ops["E"] |= set(draw(st.sampled_from(((IC,), (TD,), (IC, TD)))))
    lon = {spec[0]: spec[5] for spec in nodes}
    vias = [(v, r, x) for v, r, x in CORRIDOR_VIAS if role[r] and draw(st.booleans())]
    lon |= {v: x for v, _, x in vias}
    juris = {spec[0]: role[spec[1]] for spec in nodes} | {v: role[r] for v, r, _ in vias}
    links: list[tuple[str, str, Mode, Regime, tuple[str, ...]]] = []
    for o, d, regimes in CORRIDOR_LINKS:
        if o not in kinds or d not in kinds:
            continue
        for _ in range(draw(st.sampled_from((0, 1, 1, 1, 2)))):
            modes = [
                m for m in Mode if kinds[o] in MODE_ENDPOINTS[m] and kinds[d] in MODE_ENDPOINTS[m]
            ]
            regime = draw(st.sampled_from(regimes))
            through = [m for m in modes if m in (Mode.RAIL, Mode.TIR)]
            if regime is Regime.INTERNATIONAL and through and draw(st.booleans()):
                modes = through  # a through train or TIR haul, often
            mode = draw(st.sampled_from(modes))
            via: tuple[str, ...] = ()
            if regime is Regime.INTERNATIONAL:
                ops[o].add(EXIT)
                ops[d].add(ENTRY)
                between = [v for v, _, x in vias if lon[d] < x < lon[o]]
                if between and mode in (Mode.RAIL, Mode.TIR) and draw(st.integers(0, 3)):
                    via = tuple(v for v in between if draw(st.booleans()))
            elif regime is Regime.SUPERVISED and draw(st.integers(0, 2)):
                ops[d].add(SUP)
            links.append((o, d, mode, regime, via))
    if kinds.get("P") is not NodeKind.SEAPORT:
        ops["Q"].discard(CustomsOp.COMBINED_PORT)
    for spec in nodes:
        node_id = spec[0]
        terms = node_terms(draw)
        terms["customs_district"] = draw(
            st.sampled_from(("DE", "DE", "NL", "") if juris[node_id] == "EU" else ("", "CN1"))
        )
        b.add_node(
            node_id,
            lon[node_id],
            draw(st.floats(39.0, 41.0)),
            kind=kinds[node_id],
            jurisdiction=juris[node_id],
            operations=ops[node_id],
            combined_port_hub="P" if CustomsOp.COMBINED_PORT in ops[node_id] else None,
            **terms,
        )
        add_fees(draw, b, node_id)
    for v, _, x in vias:
        b.add_node(
            v,
            x,
            draw(st.floats(39.0, 41.0)),
            kind=NodeKind.BORDER_CROSSING,
            jurisdiction=juris[v],
            operations={CustomsOp.TRANSIT_BORDER},
            border_transit_h=draw(st.sampled_from((0.0, 3.0, 10.0))),
        )
        if draw(st.booleans()):
            b.add_fee(v, "declaration", "declaration", float(draw(st.integers(0, 40)) * 25))
    for k, (o, d, mode, regime, via) in enumerate(links):
        b.add_link(
            f"L{k}",
            o,
            d,
            mode,
            regime=regime,
            distance_km=float(draw(st.integers(5, 2000))),
            via=via,
            **link_terms(draw, mode),
        )
    # requests from the mainland (or the territory crossed) to the EU, mostly
    origins = [n for n in ("F", "P", "Q", "X1") if n in kinds]
    b.name = "corridor:" + ",".join(origins) + "|D,D,I,E"
    b.pricing = pricing(draw)
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
    if net.name.startswith("corridor:") and draw(st.integers(0, 4)):
        sources, sinks = net.name.removeprefix("corridor:").split("|")
        origin = PlaceRef(code=draw(st.sampled_from(sources.split(","))))
        destination = PlaceRef(code=draw(st.sampled_from(sinks.split(","))))
    elif net.name.startswith("chain:") and draw(st.integers(0, 2)):
        # along the backbone, so that a route often exists
        chain = net.name.removeprefix("chain:").split(",")
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
            joint_declaration_eligible=draw(st.booleans()),
            drug_whitelisted=draw(st.booleans()),
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
    draw: st.DrawFn, dense: bool = False, corridor: bool = False, customs: bool = False
) -> tuple[Network, QuoteRequest, CapacityFn | None]:
    net = draw(customs_corridors() if customs else networks(dense, corridor))
    return net, draw(requests(net)), capacities(draw)
