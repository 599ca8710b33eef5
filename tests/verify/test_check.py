"""The independent quote checker: legal quotes pass, and every kind of violation is caught.

Valid documents come from the engine (``make_quote``) on small hand-built networks; each test then
breaks one rule, either by editing the document or by checking the same document against a
different request or network, and asserts that the checker names the violation.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from verify_kit import BOX, READY, assert_flags, quote_ok, with_link
from verify_kit import request as kit_request

from router.network import Network
from router.network.builder import NetworkBuilder
from router.network.model import (
    AeoLevel,
    CargoClass,
    CustomsOp,
    Mode,
    NodeKind,
    Regime,
)
from router.quotes.document import make_quote
from router.routing.compiled import compile_network
from router.routing.request import (
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    QuoteRequest,
    TraderProfile,
)
from router.units import CST
from router.verify.legality import check_alternative, check_quote, point_jurisdiction

Op = CustomsOp
PORT_OPS = {
    Op.EXPORT_CLEARANCE,
    Op.IMPORT_CLEARANCE,
    Op.EXIT,
    Op.ENTRY,
    Op.SUPERVISED_SITE,
}
#: first/last mile short enough that a point in Futian only reaches the SZ city node
NEAR = Constraints(max_truck_km=10.0)


def build_network() -> Network:
    """A small GBA-like network with every regime, schedule kind and customs facility."""
    b = NetworkBuilder(name="check-test")
    b.add_node("SZ", 114.0579, 22.5431)
    b.add_node(
        "YTN",
        114.27,
        22.58,
        kind=NodeKind.SEAPORT,
        operations=PORT_OPS | {Op.DIRECT_LOADING, Op.DIRECT_PICKUP},
        reefer=True,
        dg_classes=frozenset({"3", "9"}),
        handling_h=2.0,
        export_clearance_h=4.0,
        import_clearance_h=6.0,
        inspection_h=24.0,
        dwell_export_h=72.0,
        dwell_direct_h=2.0,
        dwell_import_h=48.0,
    )
    b.add_node(
        "SHK",
        113.91,
        22.48,
        kind=NodeKind.SEAPORT,
        operations=PORT_OPS | {Op.DIRECT_LOADING},
        reefer=True,
        dg_classes=frozenset({"3"}),
        handling_h=2.0,
        export_clearance_h=4.0,
        inspection_h=24.0,
        dwell_export_h=72.0,
        dwell_combined_h=6.0,
        dwell_direct_h=2.0,
        free_storage_h=48.0,
    )
    b.add_node(
        "SDX",
        113.25,
        22.80,
        kind=NodeKind.RIVER_TERMINAL,
        operations={Op.COMBINED_PORT, Op.EXPORT_CLEARANCE, Op.SUPERVISED_SITE},
        combined_port_hub="SHK",
        handling_h=1.0,
        export_clearance_h=3.0,
    )
    b.add_node(
        "HGG",
        114.08,
        22.53,
        kind=NodeKind.BORDER_CROSSING,
        operations={Op.EXIT, Op.ENTRY, Op.EXPORT_CLEARANCE},
        export_clearance_h=1.0,
        closed_modes=frozenset({Mode.TRUCK}),
        closed_since=date(2025, 12, 21),
    )
    b.add_node(
        "SZB",
        113.95,
        22.50,
        kind=NodeKind.BORDER_CROSSING,
        operations={Op.EXIT, Op.ENTRY, Op.EXPORT_CLEARANCE},
        export_clearance_h=1.0,
        opening_hours=(7 * 60, 22 * 60),
    )
    b.add_node(
        "HKB",
        113.951,
        22.49,
        kind=NodeKind.BORDER_CROSSING,
        jurisdiction="HK",
        operations={Op.EXIT, Op.ENTRY, Op.IMPORT_CLEARANCE},
        import_clearance_h=1.0,
    )
    b.add_node(
        "HKG",
        114.12,
        22.34,
        kind=NodeKind.SEAPORT,
        jurisdiction="HK",
        operations=PORT_OPS,
        reefer=True,
        handling_h=1.5,
        export_clearance_h=2.0,
        import_clearance_h=2.0,
        dwell_export_h=24.0,
    )
    b.add_node(
        "RTM",
        4.05,
        51.95,
        kind=NodeKind.SEAPORT,
        jurisdiction="EU",
        operations=PORT_OPS,
        reefer=True,
        dg_classes=frozenset("123456789"),
        handling_h=2.0,
        import_clearance_h=12.0,
        inspection_h=48.0,
        dwell_import_h=24.0,
    )
    b.add_node(
        "ANR",
        4.40,
        51.27,
        kind=NodeKind.SEAPORT,
        jurisdiction="EU",
        operations=PORT_OPS | {Op.DRUG_PORT},
        reefer=True,
        import_clearance_h=12.0,
        dwell_import_h=24.0,
    )
    b.add_node(
        "PHS",
        114.13,
        22.68,
        kind=NodeKind.RAIL_TERMINAL,
        operations={Op.EXPORT_CLEARANCE, Op.EXIT, Op.SUPERVISED_SITE},
        handling_h=3.0,
        export_clearance_h=2.0,
        dwell_export_h=24.0,
    )
    b.add_node(
        "AKS",
        82.57,
        45.17,
        kind=NodeKind.BORDER_CROSSING,
        operations={Op.TRANSIT_BORDER, Op.EXIT, Op.ENTRY},
        border_transit_h=6.0,
    )
    b.add_node(
        "DUI",
        6.76,
        51.43,
        kind=NodeKind.RAIL_TERMINAL,
        jurisdiction="EU",
        operations={Op.ENTRY, Op.IMPORT_CLEARANCE, Op.SUPERVISED_SITE},
        import_clearance_h=10.0,
        dwell_import_h=24.0,
    )
    b.add_node(
        "SZX",
        113.81,
        22.64,
        kind=NodeKind.AIRPORT,
        operations={Op.EXPORT_CLEARANCE, Op.EXIT, Op.ECOMMERCE, Op.SUPERVISED_SITE},
        export_clearance_h=2.0,
        dwell_export_h=6.0,
    )
    b.add_node(
        "FRA",
        8.57,
        50.04,
        kind=NodeKind.AIRPORT,
        jurisdiction="EU",
        operations={Op.ENTRY, Op.IMPORT_CLEARANCE, Op.DRUG_PORT, Op.SUPERVISED_SITE},
        import_clearance_h=4.0,
    )
    truck: dict[str, Any] = {"operator": "Local haulier"}
    b.add_link("T-SZ-YTN", "SZ", "YTN", Mode.TRUCK, transit_h=1.5, **truck)
    b.add_link("T-SZ-SHK", "SZ", "SHK", Mode.TRUCK, transit_h=1.0, **truck)
    b.add_link("T-SHK-SZ", "SHK", "SZ", Mode.TRUCK, transit_h=1.0, **truck)
    b.add_link("T-SZ-SDX", "SZ", "SDX", Mode.TRUCK, transit_h=3.0, **truck)
    b.add_link("T-SZ-PHS", "SZ", "PHS", Mode.TRUCK, transit_h=1.0, **truck)
    b.add_link("T-SZ-SZX", "SZ", "SZX", Mode.TRUCK, transit_h=1.0, **truck)
    b.add_link("T-SZ-HGG", "SZ", "HGG", Mode.TRUCK, transit_h=0.5, **truck)
    b.add_link("T-SZ-SZB", "SZ", "SZB", Mode.TRUCK, transit_h=0.8, **truck)
    b.add_link(
        "T-HGG-HKG",
        "HGG",
        "HKG",
        Mode.TRUCK,
        transit_h=1.5,
        regime=Regime.INTERNATIONAL,
        operator="Cross-border haulier",
    )
    b.add_link(
        "T-SZB-HKB",
        "SZB",
        "HKB",
        Mode.TRUCK,
        transit_h=0.5,
        regime=Regime.INTERNATIONAL,
        operator="Cross-border haulier",
    )
    b.add_link("T-HKB-HKG", "HKB", "HKG", Mode.TRUCK, transit_h=1.0, operator="HK haulier")
    b.add_link("T-RTM-DUI", "RTM", "DUI", Mode.TRUCK, transit_h=4.0, operator="EU haulier")
    b.add_link(
        "B-SDX-SHK",
        "SDX",
        "SHK",
        Mode.BARGE,
        transit_h=14.0,
        regime=Regime.SUPERVISED,
        weekly=((0, 8 * 60), (3, 8 * 60)),
        cutoff_h=6.0,
        capacity_teu=4.0,
        operator="Barge line",
    )
    b.add_link(
        "F-YTN-HKG",
        "YTN",
        "HKG",
        Mode.FEEDER,
        transit_h=8.0,
        regime=Regime.INTERNATIONAL,
        headway_h=12.0,
        offset_h=8.0,
        cutoff_h=4.0,
        operator="Feeder line",
    )
    b.add_link(
        "D-SHK-RTM",
        "SHK",
        "RTM",
        Mode.DEEPSEA,
        transit_h=744.0,
        regime=Regime.INTERNATIONAL,
        weekly=((1, 10 * 60),),
        cutoff_h=48.0,
        operator="Carrier A",
    )
    b.add_link(
        "D-HKG-RTM",
        "HKG",
        "RTM",
        Mode.DEEPSEA,
        transit_h=720.0,
        regime=Regime.INTERNATIONAL,
        weekly=((4, 18 * 60),),
        cutoff_h=36.0,
        operator="Carrier B",
    )
    b.add_link(
        "D-HKG-ANR",
        "HKG",
        "ANR",
        Mode.DEEPSEA,
        transit_h=760.0,
        regime=Regime.INTERNATIONAL,
        weekly=((5, 12 * 60),),
        cutoff_h=36.0,
        operator="Carrier B",
    )
    b.add_link(
        "R-PHS-DUI",
        "PHS",
        "DUI",
        Mode.RAIL,
        transit_h=384.0,
        regime=Regime.INTERNATIONAL,
        weekly=((2, 20 * 60),),
        cutoff_h=24.0,
        via=("AKS",),
        capacity_teu=82.0,
        operator="Bay Area Express",
    )
    b.add_link(
        "A-SZX-FRA",
        "SZX",
        "FRA",
        Mode.AIR,
        transit_h=13.0,
        regime=Regime.INTERNATIONAL,
        weekly=tuple((d, 90) for d in range(7)),
        cutoff_h=4.0,
        capacity_kg=100_000.0,
        operator="Freighter",
    )
    b.add_fee("SHK", "declaration", "declaration", 200.0)
    b.add_fee("SHK", "inspection", "inspection", 1000.0)
    b.add_fee("SHK", "thc", "40", 1300.0)
    b.add_fee("SHK", "storage", "40", 100.0)
    # the hub's manifest-entry fee, waived for Combined Port cargo (so that route is cheaper
    # than clearing at the feeder and redeclaring: with storage charged on the whole stay both
    # would otherwise cost the same when they catch the same sailing)
    b.add_fee("SHK", "document", "shipment", 125.0)
    b.add_fee("RTM", "declaration", "declaration", 60.0, "EUR")
    return b.build()


@pytest.fixture(scope="module")
def net() -> Network:
    return build_network()


def request(
    origin: str = "SZ",
    destination: str = "RTM",
    cargo: Cargo = BOX,
    *,
    alternatives: int = 5,
    **options: Any,
) -> QuoteRequest:
    """The kit's request with this file's defaults (SZ -> RTM, five alternatives)."""
    return kit_request(origin, destination, cargo, alternatives=alternatives, **options)


def first_with(q: dict[str, Any], link_id: str) -> dict[str, Any]:
    """A deep copy of the first alternative that uses ``link_id``."""
    for alt in q["alternatives"]:
        if any(leg["link_id"] == link_id for leg in alt["legs"]):
            return copy.deepcopy(alt)
    raise AssertionError(f"no alternative uses {link_id}")


def leg_of(alt: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(leg for leg in alt["legs"] if leg["link_id"] == link_id)


def event_of(alt: dict[str, Any], operation: str, node: str | None = None) -> dict[str, Any]:
    return next(
        e
        for e in alt["customs_events"]
        if e["operation"] == operation and (node is None or e["node"] == node)
    )


def shift(moment: str, **delta: float) -> str:
    return (datetime.fromisoformat(moment) + timedelta(**delta)).isoformat()


# ------------------------------------------------------------------------------ legal quotes
@pytest.fixture(scope="module")
def sea(net: Network) -> tuple[QuoteRequest, dict[str, Any]]:
    req = request("SZ", "RTM", alternatives=8)
    return req, quote_ok(net, req)


def test_engine_quotes_pass(net: Network) -> None:
    """Every engine quote over all node pairs and several cargo/trader profiles is legal."""
    cargos = [
        BOX,
        Cargo(containers=(("22R1", 2),), cargo_class=CargoClass.REEFER),
        Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="3"),
        Cargo(weight_kg=800.0, volume_m3=3.0, cargo_class=CargoClass.PHARMA),
        Cargo(weight_kg=300.0, cargo_class=CargoClass.ECOMMERCE),
    ]
    traders = [
        TraderProfile(),
        TraderProfile(AeoLevel.ADVANCED, direct_eligible=True),
        TraderProfile(AeoLevel.NONE, combined_port_allowed=False, joint_declaration_eligible=True),
    ]
    routed = 0
    pairs = list(itertools.permutations(sorted(net.nodes), 2))
    for i, (o, d) in enumerate(pairs):
        for j in range(2):  # rotate cargo, trader and scope over the pairs
            k = 2 * i + j
            cargo, trader = cargos[k % len(cargos)], traders[k % len(traders)]
            scope = (CustomsScope.BOTH, CustomsScope.EXPORT, CustomsScope.IMPORT)[k % 3]
            req = request(o, d, cargo, trader=trader, scope=scope)
            q = make_quote(compile_network(net), req)
            routed += q["status"] == "ok"
            assert check_quote(net, req, q) == [], (o, d, cargo, trader, scope)
    assert routed >= 30


def test_sea_quote_has_the_expected_shapes(sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    """The fixture quote exercises supervised, headway and weekly legs (or the tests are moot)."""
    _, q = sea
    links = {leg["link_id"] for alt in q["alternatives"] for leg in alt["legs"]}
    assert {"D-SHK-RTM", "F-YTN-HKG", "D-HKG-RTM"} <= links


def test_tiny_dataset_quotes_pass(tiny_network: Network) -> None:
    ids = sorted(tiny_network.nodes)
    cargos = [
        BOX,
        Cargo(containers=(("42R1", 1),), cargo_class=CargoClass.REEFER),
        Cargo(weight_kg=400.0, cargo_class=CargoClass.PHARMA),
        Cargo(weight_kg=100.0, cargo_class=CargoClass.ECOMMERCE),
    ]
    routed = 0
    for (o, d), cargo in itertools.product(itertools.permutations(ids, 2), cargos):
        req = request(o, d, cargo, trader=TraderProfile(direct_eligible=True))
        q = make_quote(compile_network(tiny_network), req)
        routed += q["status"] == "ok"
        assert check_quote(tiny_network, req, q) == [], (o, d, cargo)
    assert routed > 20


def test_point_places_pass(net: Network) -> None:
    req = QuoteRequest(
        PlaceRef(lon=114.06, lat=22.56), PlaceRef("RTM"), BOX, READY, constraints=NEAR
    )
    q = quote_ok(net, req)
    assert q["alternatives"][0]["legs"][0]["from"] == "origin"
    back = QuoteRequest(
        PlaceRef("SHK"), PlaceRef(lon=114.06, lat=22.56), BOX, READY, constraints=NEAR
    )
    assert quote_ok(net, back)["alternatives"][0]["legs"][-1]["to"] == "destination"


def test_no_route_document_passes(net: Network) -> None:
    req = request("RTM", "SZX")
    q = make_quote(compile_network(net), req)
    assert q["status"] == "no_route"
    assert check_quote(net, req, q) == []
    assert_flags(check_quote(net, req, {**q, "reasons": []}), "without reasons")


# ------------------------------------------------------------------------- customs states
def test_dropped_export_clearance(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    alt["customs_events"] = [
        e for e in alt["customs_events"] if e["operation"] != "export_clearance"
    ]
    assert_flags(
        check_alternative(net, req, alt),
        "leaves CN without export clearance",
        "international link boarded by free cargo",
    )


def test_dropped_import_clearance(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    alt["customs_events"] = [
        e for e in alt["customs_events"] if e["operation"] != "import_clearance"
    ]
    assert_flags(check_alternative(net, req, alt), "ends with the cargo in_transit")


def test_export_scope_may_end_in_transit_but_not_under_import_scope(net: Network) -> None:
    req = request("SZ", "RTM", scope=CustomsScope.EXPORT)
    q = quote_ok(net, req)
    alt = q["alternatives"][0]
    assert alt["customs_events"][-1]["operation"] != "import_clearance"
    both = dataclasses.replace(req, customs_scope=CustomsScope.BOTH)
    assert_flags(check_alternative(net, both, alt), "customs scope both includes import")


def test_ends_cleared_for_export(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    _, q = sea
    alt = first_with(q, "D-SHK-RTM")
    alt["legs"] = [leg for leg in alt["legs"] if leg["link_id"] == "T-SZ-SHK"]
    alt["customs_events"] = alt["customs_events"][:1]
    assert_flags(
        check_alternative(net, request("SZ", "SHK"), alt),
        "cleared for export but never exported",
    )


def test_state_before_must_match(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    event_of(alt, "import_clearance")["state_before"] = "in_bond"
    assert_flags(check_alternative(net, req, alt), "state_before is 'in_bond'")


def test_event_at_the_wrong_node(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    event_of(alt, "export_clearance")["node"] = "YTN"
    assert_flags(check_alternative(net, req, alt), "happens at YTN but the cargo is at SHK")


def test_import_clearance_where_not_offered(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    rtm = net.nodes["RTM"]
    broken = dataclasses.replace(
        net,
        nodes={
            **net.nodes,
            "RTM": dataclasses.replace(rtm, operations=rtm.operations - {Op.IMPORT_CLEARANCE}),
        },
    )
    assert_flags(check_alternative(broken, req, alt), "RTM offers no import_clearance")


def test_changed_regime_in_document(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    leg_of(alt, "D-SHK-RTM")["regime"] = "domestic"
    assert_flags(check_alternative(net, req, alt), "regime is 'domestic'")


def test_supervised_link_turned_domestic(net: Network) -> None:
    """The Combined Port barge carries cleared_export cargo; as a domestic link it may not."""
    req = request("SZ", "RTM", required_nodes=("SDX",))
    q = quote_ok(net, req)
    alt = first_with(q, "B-SDX-SHK")
    assert event_of(alt, "combined_port", "SDX")
    barge = net.links["B-SDX-SHK"]
    broken = dataclasses.replace(
        net,
        links={**net.links, "B-SDX-SHK": dataclasses.replace(barge, regime=Regime.DOMESTIC)},
    )
    assert_flags(
        check_alternative(broken, req, alt),
        "domestic link carries cleared_export cargo",
        "regime is 'supervised' but link B-SDX-SHK has 'domestic'",
    )


def test_international_link_needs_exit_and_entry(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    shk, rtm = net.nodes["SHK"], net.nodes["RTM"]
    broken = dataclasses.replace(
        net,
        nodes={
            **net.nodes,
            "SHK": dataclasses.replace(shk, operations=shk.operations - {Op.EXIT}),
            "RTM": dataclasses.replace(rtm, operations=rtm.operations - {Op.ENTRY}),
        },
    )
    assert_flags(check_alternative(broken, req, alt), "offers no exit", "offers no entry")


def test_supervised_cargo_only_at_supervised_sites(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    shk = net.nodes["SHK"]
    bare = shk.operations - {Op.EXIT, Op.ENTRY, Op.SUPERVISED_SITE}
    broken = dataclasses.replace(
        net, nodes={**net.nodes, "SHK": dataclasses.replace(shk, operations=bare)}
    )
    assert_flags(check_alternative(broken, req, alt), "cargo is cleared_export at SHK")


def test_domestic_truck_into_another_jurisdiction(net: Network) -> None:
    """A cross-border road haul with its clearances removed is caught."""
    req = request("SZ", "HKG")
    q = quote_ok(net, req)
    alt = first_with(q, "T-SZB-HKB")
    alt["customs_events"] = []
    leg_of(alt, "T-SZB-HKB")["regime"] = "domestic"
    problems = check_alternative(net, req, alt)
    assert_flags(
        problems,
        "leaves CN without export clearance",
        "domestic link carries in_transit cargo",
        "cargo ends free in CN but is at HKG in HK",
    )


def test_rail_crossing_shows_exit_and_entry_events(net: Network) -> None:
    """v1 showed the Alashankou crossing as a ``transit_border`` event; in v2 the train exits
    China at Alashankou (stamped where the train is, by distance) and enters the EU at Duisburg,
    its point of entry. A missing exit is flagged, and so is a v1 ``transit_border`` event."""
    req = request("SZ", "DUI", allowed_modes=frozenset({Mode.TRUCK, Mode.RAIL}))
    q = quote_ok(net, req)
    alt = first_with(q, "R-PHS-DUI")
    leg = leg_of(alt, "R-PHS-DUI")
    exit_ = event_of(alt, "exit", "AKS")
    assert (exit_["jurisdiction"], exit_["state_before"], exit_["state_after"]) == (
        "CN",
        "cleared_export",
        "in_transit",
    )
    dep, arr = (datetime.fromisoformat(leg[k]) for k in ("departure", "arrival"))
    assert dep + timedelta(days=5) < datetime.fromisoformat(exit_["at"]) < arr
    entry = event_of(alt, "entry", "DUI")
    assert (entry["jurisdiction"], entry["at"], entry["state_after"]) == (
        "EU",
        leg["arrival"],
        "in_transit",
    )
    dropped = copy.deepcopy(alt)
    dropped["customs_events"] = [e for e in alt["customs_events"] if e["operation"] != "exit"]
    assert_flags(check_alternative(net, req, dropped), "no exit event from CN at AKS")
    stray = copy.deepcopy(alt)
    stray["customs_events"].insert(
        0, {**exit_, "operation": "transit_border", "at": READY.isoformat()}
    )
    assert_flags(
        check_alternative(net, req, stray), "transit_border is not an event of the customs model"
    )


# ---------------------------------------------------------------------------- cargo classes
def test_pharma_import_only_at_drug_ports(net: Network) -> None:
    """v1 read drug ports as a white list of nodes; v2: a jurisdiction with designated
    drug-import ports (the EU here: ANR, FRA) takes pharma only through one of them (RTM is not).
    The white list is of importers (a shorter clearance, tests/verify/test_customs_rules.py)."""
    pharma = Cargo(containers=(("42G1", 1),), cargo_class=CargoClass.PHARMA)
    req = request("SZ", "RTM", pharma)
    q = make_quote(compile_network(net), req)
    assert q["status"] == "no_route"  # RTM is no drug-import port and nothing links ANR to it
    general = quote_ok(net, request("SZ", "RTM"))
    alt = first_with(general, "D-SHK-RTM")
    assert_flags(
        check_alternative(net, req, alt),
        "pharma import at RTM, which is not a designated drug-import port of EU",
    )
    ok = quote_ok(net, request("SZ", "ANR", pharma))
    assert event_of(ok["alternatives"][0], "import_clearance", "ANR")


def test_reefer_needs_plugs_and_reefer_links(net: Network) -> None:
    req = request("SZ", "RTM", required_nodes=("SDX",))
    alt = first_with(quote_ok(net, req), "B-SDX-SHK")
    reefer = request(
        "SZ",
        "RTM",
        Cargo(containers=(("42R1", 1),), cargo_class=CargoClass.REEFER),
        required_nodes=("SDX",),
    )
    assert_flags(check_alternative(net, reefer, alt), "SDX, which has no reefer plugs")
    barge = net.links["B-SDX-SHK"]
    no_reefer = dataclasses.replace(barge, cargo_classes=frozenset({CargoClass.GENERAL}))
    broken = dataclasses.replace(net, links={**net.links, "B-SDX-SHK": no_reefer})
    assert_flags(
        check_alternative(broken, reefer, alt),
        "B-SDX-SHK does not accept reefer cargo",
        "reefer containers on B-SDX-SHK",
    )


def test_dangerous_goods_class_at_nodes(net: Network) -> None:
    dg = Cargo(containers=(("22G1", 1),), cargo_class=CargoClass.DANGEROUS, imdg_class="8")
    req = request("SZ", "RTM", dg)
    assert (
        make_quote(compile_network(net), req)["status"] == "no_route"
    )  # SHK and YTN take no class 8
    alt = first_with(quote_ok(net, request("SZ", "RTM")), "D-SHK-RTM")
    assert_flags(check_alternative(net, req, alt), "IMDG class 8 handled at SHK")


def test_ecommerce_export_only_at_ecommerce_nodes(net: Network) -> None:
    ecom = Cargo(weight_kg=500.0, cargo_class=CargoClass.ECOMMERCE)
    req = request("SZ", "RTM", ecom)
    alt = first_with(quote_ok(net, request("SZ", "RTM", Cargo(weight_kg=500.0))), "D-SHK-RTM")
    assert_flags(check_alternative(net, req, alt), "e-commerce export cleared at SHK")
    assert quote_ok(net, request("SZ", "FRA", ecom))


def test_capacity_per_departure(net: Network) -> None:
    req = request("SZ", "RTM", required_nodes=("SDX",))
    alt = first_with(quote_ok(net, req), "B-SDX-SHK")
    big = request("SZ", "RTM", Cargo(containers=(("42G1", 3),)), required_nodes=("SDX",))
    assert_flags(check_alternative(net, big, alt), "6 TEU exceed the 4 TEU capacity")


# --------------------------------------------------------------------- closures and constraints
def test_truck_through_closed_huanggang(net: Network) -> None:
    """Before the closure the Huanggang truck route is legal; the same route a month later is not."""
    before = request("SZ", "HKG", ready=datetime(2025, 11, 10, 9, tzinfo=CST))
    q = quote_ok(net, before)
    alt = first_with(q, "T-HGG-HKG")
    after = dataclasses.replace(before, ready=before.ready + timedelta(days=42))
    moved = copy.deepcopy(alt)
    for leg in moved["legs"]:
        leg["departure"] = shift(leg["departure"], days=42)
        leg["arrival"] = shift(leg["arrival"], days=42)
    for e in moved["customs_events"]:
        e["at"] = shift(e["at"], days=42)
    moved["departure"] = shift(moved["departure"], days=42)
    moved["arrival"] = shift(moved["arrival"], days=42)
    problems = check_alternative(net, after, moved)
    assert_flags(problems, "uses HGG, closed to truck since 2025-12-21")
    assert all("HGG" in p for p in problems), problems
    # and the engine itself no longer routes through it
    later = make_quote(compile_network(net), after)
    assert all(leg["link_id"] != "T-HGG-HKG" for a in later["alternatives"] for leg in a["legs"])


def test_leg_on_a_closed_link(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    """A leg departing on or after its link's own ``closed_since`` day (CST) is flagged, in the
    alternative and in the whole quote; with the closure the day after the departure it is legal."""
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    day = datetime.fromisoformat(leg_of(alt, "D-SHK-RTM")["departure"]).astimezone(CST).date()
    reason = f"on D-SHK-RTM, closed since {day.isoformat()}"
    for since in (day, day - timedelta(days=30)):
        closed = with_link(net, "D-SHK-RTM", closed_since=since)
        assert_flags(check_alternative(closed, req, alt), f"on D-SHK-RTM, closed since {since}")
        problems = check_alternative(closed, req, alt)
        assert all("D-SHK-RTM" in p for p in problems), problems
    assert_flags(check_quote(with_link(net, "D-SHK-RTM", closed_since=day), req, q), reason)
    later = with_link(net, "D-SHK-RTM", closed_since=day + timedelta(days=1))
    assert check_alternative(later, req, alt) == []


def test_request_constraints(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")

    def with_(**kw: Any) -> QuoteRequest:
        return dataclasses.replace(req, constraints=dataclasses.replace(req.constraints, **kw))

    assert_flags(
        check_alternative(net, with_(allowed_modes=frozenset({Mode.TRUCK, Mode.RAIL})), alt),
        "mode deepsea is not allowed",
    )
    assert_flags(
        check_alternative(net, with_(excluded_nodes=frozenset({"SHK"})), alt),
        "passes SHK, excluded",
    )
    assert_flags(
        check_alternative(net, with_(excluded_operators=frozenset({"Carrier A"})), alt),
        "operator 'Carrier A' is excluded",
    )
    assert_flags(
        check_alternative(net, with_(required_nodes=("YTN",)), alt), "required node(s) not visited"
    )
    assert_flags(check_alternative(net, with_(max_transfers=0), alt), "more than the 0 allowed")
    deadline = datetime.fromisoformat(alt["arrival"]) - timedelta(hours=1)
    assert_flags(
        check_alternative(net, dataclasses.replace(req, deadline=deadline), alt),
        "after the deadline",
    )
    assert_flags(
        check_alternative(net, dataclasses.replace(req, destination=PlaceRef("ANR")), alt),
        "not at the requested destination ANR",
    )
    assert_flags(
        check_alternative(net, dataclasses.replace(req, origin=PlaceRef("PHS")), alt),
        "not at the requested origin PHS",
    )


# ---------------------------------------------------------------------------------- timing
def test_departure_off_weekly_schedule(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    leg = leg_of(alt, "D-SHK-RTM")
    leg["departure"] = shift(leg["departure"], hours=1)
    leg["arrival"] = shift(leg["arrival"], hours=1)
    assert_flags(check_alternative(net, req, alt), "not a scheduled departure (Tue 10:00)")


def test_departure_off_headway_grid(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "F-YTN-HKG")
    leg = leg_of(alt, "F-YTN-HKG")
    leg["departure"] = shift(leg["departure"], hours=3)
    assert_flags(check_alternative(net, req, alt), "off the 12 h headway grid")


#: the timetable's fixed origin (DESIGN.md §2.1, router.network.timetable): Monday, 00:00 CST
TIMETABLE_ANCHOR = datetime(2024, 1, 1, tzinfo=CST)


def five_hour_shuttle() -> Network:
    """Two river terminals and a barge every 5 h: a headway that does not divide a week (168 h),
    so the continuous grid and a grid restarted every Monday 00:00 disagree in most weeks."""
    b = NetworkBuilder(name="headway-check")
    b.add_node("RA", 113.25, 22.80, kind=NodeKind.RIVER_TERMINAL)
    b.add_node("RB", 113.60, 22.75, kind=NodeKind.RIVER_TERMINAL)
    b.add_link("S-RA-RB", "RA", "RB", Mode.BARGE, transit_h=3.0, headway_h=5.0, offset_h=1.0)
    return b.build()


@pytest.mark.parametrize(
    "ready",
    [
        datetime(2026, 12, 3, 9, 0, tzinfo=CST),  # Thursday
        datetime(2026, 12, 6, 22, 30, tzinfo=CST),  # Sunday night: the grid runs on past Monday
        datetime(2026, 12, 7, 0, 0, tzinfo=CST),  # Monday 00:00
        datetime(2026, 12, 16, 13, 10, tzinfo=CST),
        datetime(2027, 1, 5, 6, 0, tzinfo=CST),
    ],
)
def test_headway_grid_runs_continuously_from_the_anchor(ready: datetime) -> None:
    """The engine's headway departures (anchor + offset + k x headway) pass; the same departure
    moved to the old grid, restarted at offset after Monday 00:00 of the ready week, is flagged."""
    shuttle = five_hour_shuttle()
    req = request("RA", "RB", ready=ready)
    alt = copy.deepcopy(quote_ok(shuttle, req)["alternatives"][0])
    leg = leg_of(alt, "S-RA-RB")
    dep = datetime.fromisoformat(leg["departure"])
    five = timedelta(hours=5)
    assert (dep - TIMETABLE_ANCHOR) % five == timedelta(hours=1)
    assert dep - five < ready <= dep  # the first departure the cargo can take
    monday = datetime.combine(ready.date() - timedelta(days=ready.weekday()), time(), CST)
    first_old = monday + timedelta(hours=1)
    old = first_old + -((first_old - dep) // five) * five  # first old-grid slot at or after dep
    assert timedelta(0) < old - dep < five  # none of these weeks starts on the anchored grid
    leg["departure"] = old.isoformat()
    leg["arrival"] = (old + timedelta(hours=3)).isoformat()
    assert_flags(
        check_alternative(shuttle, req, alt),
        "off the 5 h headway grid (offset 1 h from Monday 2024-01-01 00:00 CST)",
    )


def test_departure_outside_opening_hours(net: Network) -> None:
    req = request("SZ", "HKG", ready=datetime(2026, 12, 3, 23, 0, tzinfo=CST))
    alt = first_with(quote_ok(net, req), "T-SZB-HKB")
    leg = leg_of(alt, "T-SZB-HKB")
    assert datetime.fromisoformat(leg["departure"]).hour == 7  # waited for SZB to open
    leg["departure"] = shift(leg["departure"], hours=-4)
    assert_flags(check_alternative(net, req, alt), "outside SZB's opening hours 07:00-22:00")


def test_departure_before_the_cargo_is_ready(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    leg = leg_of(alt, "D-SHK-RTM")
    leg["departure"] = shift(leg["departure"], days=-7)
    leg["arrival"] = shift(leg["arrival"], days=-7)
    assert_flags(check_alternative(net, req, alt), "before the cargo can make it")


def test_cutoff_is_respected(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    """Moving the cargo's readiness at SHK past the cut-off of the sailing it takes is caught."""
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    dep = datetime.fromisoformat(leg_of(alt, "D-SHK-RTM")["departure"])
    event = event_of(alt, "export_clearance", "SHK")
    # clearance ends 1 h before departure: no time left for the yard dwell and 48 h cut-off
    event["at"] = (dep - timedelta(hours=1 + event["expected_h"])).isoformat()
    assert_flags(check_alternative(net, req, alt), "cut-off 48 h")


def test_running_time_must_match_transit(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    leg_of(alt, "D-SHK-RTM")["arrival"] = shift(leg_of(alt, "D-SHK-RTM")["arrival"], hours=-30)
    assert_flags(check_alternative(net, req, alt), "but transit + border time is 744.00 h")


def test_legs_must_connect(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    leg = leg_of(alt, "T-SZ-SHK")
    leg.update({"link_id": "T-SZ-YTN", "to": "YTN"})
    problems = check_alternative(net, req, alt)
    assert_flags(problems, "starts at SHK but the cargo is at YTN")
    leg["link_id"] = "NO-SUCH-LINK"
    assert_flags(check_alternative(net, req, alt), "unknown link 'NO-SUCH-LINK'")


def test_facilitated_dwell_needs_eligibility(net: Network) -> None:
    eligible = request("SZ", "RTM", trader=TraderProfile(direct_eligible=True), alternatives=8)
    alt = first_with(quote_ok(net, eligible), "D-SHK-RTM")
    assert leg_of(alt, "D-SHK-RTM")["dwell_basis"] == "direct_loading"
    plain = dataclasses.replace(eligible, trader=TraderProfile(direct_eligible=False))
    assert_flags(
        check_alternative(net, plain, alt),
        "dwell basis 'direct_loading' not available",
        "shorter than the 72 h",
    )


def test_combined_port_needs_permission(net: Network) -> None:
    req = request("SZ", "RTM", required_nodes=("SDX",))
    alt = first_with(quote_ok(net, req), "B-SDX-SHK")
    assert leg_of(alt, "D-SHK-RTM")["dwell_basis"] == "combined_port"
    barred = dataclasses.replace(req, trader=TraderProfile(combined_port_allowed=False))
    assert_flags(
        check_alternative(net, barred, alt),
        "may not use the Combined Port",
        "dwell basis 'combined_port' not available",
    )


def test_customs_time_follows_the_aeo_profile(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    advanced = dataclasses.replace(req, trader=TraderProfile(aeo_level=AeoLevel.ADVANCED))
    assert_flags(check_alternative(net, advanced, alt), "the advanced AEO profile gives")


# --------------------------------------------------------------------- document consistency
def test_time_breakdown_must_sum(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    alt["time_breakdown_h"]["waiting"] += 5.0
    assert_flags(check_alternative(net, req, alt), "time breakdown sums to")


def test_duration_and_arrival_must_match(
    net: Network, sea: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    alt["duration_h"] += 1.0
    assert_flags(check_alternative(net, req, alt), "duration_h")
    alt = first_with(q, "D-SHK-RTM")
    alt["arrival"] = shift(alt["arrival"], hours=2)
    assert_flags(check_alternative(net, req, alt), "but the route ends")


def test_cost_breakdown_must_sum(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    assert alt["cost"]["breakdown"]["customs"] > 0  # SHK declaration fee
    alt["cost"]["breakdown"]["freight"] += 100.0
    problems = check_alternative(net, req, alt)
    assert_flags(problems, "cost breakdown sums to", "cost breakdown freight")
    alt = first_with(q, "D-SHK-RTM")
    alt["cost"]["total"] += 0.5
    alt["cost"]["breakdown"]["handling"] += 0.5
    assert_flags(check_alternative(net, req, alt), "legs, customs events and route charges cost")


def test_transfers_must_match_legs(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    alt["transfers"] += 1
    assert_flags(check_alternative(net, req, alt), "transfers is")


def test_malformed_document(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    alt = first_with(q, "D-SHK-RTM")
    del alt["legs"][0]["departure"]
    assert_flags(check_alternative(net, req, alt), "malformed document")
    assert_flags(check_quote(net, req, {"status": "ok"}), "malformed document")


def test_tags_and_pareto(net: Network, sea: tuple[QuoteRequest, dict[str, Any]]) -> None:
    req, q = sea
    assert len(q["alternatives"]) >= 2
    worse = copy.deepcopy(q["alternatives"][0])
    worse["tags"] = []
    worse["cost"]["total"] += 1000.0
    worse["cost"]["breakdown"]["freight"] += 1000.0
    worse["co2e_kg"] += 10.0
    broken = {**q, "alternatives": [*q["alternatives"], worse]}
    assert_flags(check_quote(net, req, broken), "is dominated by alternative 0")
    twice = copy.deepcopy(q)
    twice["alternatives"][1]["tags"].append("recommended")
    assert_flags(check_quote(net, req, twice), "tag 'recommended' is on 2 alternatives")
    swapped = copy.deepcopy(q)
    fastest = next(a for a in swapped["alternatives"] if "fastest" in a["tags"])
    slowest = max(swapped["alternatives"], key=lambda a: a["arrival"])
    assert fastest is not slowest
    fastest["tags"].remove("fastest")
    slowest["tags"].append("fastest")
    assert_flags(check_quote(net, req, swapped), "is tagged fastest but another")


# ------------------------------------------------------------------- first/last-mile access
def test_point_jurisdiction() -> None:
    network = build_network()
    assert point_jurisdiction(network, 114.06, 22.55) == ("CN", "SZ")
    assert point_jurisdiction(network, 114.15, 22.32) == ("HK", "HKG")


def test_first_mile_truck_across_a_border_is_flagged(net: Network) -> None:
    req = QuoteRequest(
        PlaceRef(lon=114.06, lat=22.56), PlaceRef("RTM"), BOX, READY, constraints=NEAR
    )
    alt = copy.deepcopy(quote_ok(net, req)["alternatives"][0])
    hk_point = dataclasses.replace(req, origin=PlaceRef(lon=114.15, lat=22.32))
    assert_flags(
        check_alternative(net, hk_point, alt), "crosses a customs border with no clearance"
    )


def test_engine_point_to_point_across_the_border_is_legal(net: Network) -> None:
    req = QuoteRequest(PlaceRef(lon=114.06, lat=22.56), PlaceRef(lon=114.15, lat=22.32), BOX, READY)
    q = make_quote(compile_network(net), req)
    assert check_quote(net, req, q) == []


def test_engine_general_cargo_in_reefer_boxes_is_legal(tiny_network: Network) -> None:
    req = request("CNSZX", "DEFRA", Cargo(containers=(("22R1", 1),)))
    q = make_quote(compile_network(tiny_network), req)
    assert check_quote(tiny_network, req, q) == []


#: engine modules the checker must not use: the search and everything it is made of
ENGINE_MODULES = tuple(
    f"router.routing.{m}"
    for m in (
        "search",
        "query",
        "itinerary",
        "compiled",
        "customs",
        "events",
        "transitions",
        "labels",
        "bounds",
        "places",
        "explain",
    )
)


def test_checker_does_not_import_the_search() -> None:
    """The checker is independent: no module of router.verify (but stategraph, which is a second
    formulation of the search's own state graph) uses the search or the modules it is made of
    (the compiled network, customs steps, customs events, state transitions, labels), the quote
    or optimisation code, the engine's timetable or its geometry helpers (the checker places
    border crossings along a leg itself); from router.routing it may only read the request
    type."""
    import ast
    import pkgutil
    from pathlib import Path

    import router.verify

    package = Path(router.verify.__file__).parent
    modules = sorted(m.name for m in pkgutil.iter_modules([str(package)]))
    assert {"legality", "route", "legs", "customs", "borders", "departures"} <= set(modules)
    for name in modules:
        if name == "stategraph":
            continue
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        imported |= {
            f"{node.module}.{a.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for a in node.names
        }
        forbidden = {
            m
            for m in imported
            if m.startswith(("router.quotes", "router.optimise", "router.verify.stategraph"))
            or m.startswith(ENGINE_MODULES)
            or m in ("router.network.timetable", "router.network.geo")
            or (m.startswith("router.routing") and not m.startswith("router.routing.request"))
        }
        assert not forbidden, f"router.verify.{name} imports {sorted(forbidden)}"
        assert all(
            not (isinstance(node, ast.ImportFrom) and node.level) for node in ast.walk(tree)
        ), f"router.verify.{name} uses a relative import"
