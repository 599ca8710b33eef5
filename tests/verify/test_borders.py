"""Border events in the checker (docs/customs-model.md, "Border events on a leg"): every change of
customs territory along a leg shows its exit, the advance information the next territory requires
and the entry, at the right nodes, stamped where the vehicle is; a through train into the
destination's territory declares transit at the border; cargo in transit changes vehicle under a
transhipment. Each test takes a legal engine quote on the ``v2`` network (verify_kit) and breaks
it in one way."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest
from verify_kit import (
    alternative,
    assert_flags,
    drop_events,
    event_of,
    leg_of,
    operations,
    quote,
    quote_ok,
    request,
    shift,
    v2_network,
    with_fee,
    with_node,
)

from router.network import Network
from router.network.model import Mode
from router.routing.request import QuoteRequest
from router.verify.legality import check_alternative, check_quote

RAIL = frozenset({Mode.TRUCK, Mode.RAIL})
SEA = frozenset({Mode.TRUCK, Mode.DEEPSEA})


@pytest.fixture(scope="module")
def net() -> Network:
    return v2_network()


@pytest.fixture(scope="module")
def rail_quote(net: Network) -> tuple[QuoteRequest, dict[str, Any]]:
    req = request("SZ", "DUI", allowed_modes=RAIL)
    return req, quote_ok(net, req)


@pytest.fixture
def rail(rail_quote: tuple[QuoteRequest, dict[str, Any]]) -> tuple[QuoteRequest, dict[str, Any]]:
    """Shenzhen → Duisburg by the Bay Area Express: CN → EAEU (Dostyk) → EU (Małaszewicze)."""
    req, q = rail_quote
    return req, alternative(q, "R-PHS-DUI")


def border_ops(alt: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (e["operation"], e["node"], e["jurisdiction"], e["state_after"])
        for e in alt["customs_events"]
        if e["operation"] in ("exit", "entry", "advance_info", "transhipment")
    ]


def test_rail_through_the_eaeu_shows_every_border_in_order(
    rail: tuple[QuoteRequest, dict[str, Any]],
) -> None:
    """Exit from China at Alashankou, EAEU entry at Dostyk under the rail note, EAEU exit at
    Brest, EU entry at Małaszewicze with the NCTS T1 to Duisburg (in bond), each advance filing
    before arrival, in time order; import at Duisburg, the office of destination."""
    _, alt = rail
    assert border_ops(alt) == [
        ("exit", "AKS", "CN", "in_transit"),
        ("advance_info", "DOS", "EAEU", "in_transit"),
        ("entry", "DOS", "EAEU", "in_transit"),
        ("exit", "BRE", "EAEU", "in_transit"),
        ("advance_info", "MAL", "EU", "in_transit"),
        ("entry", "MAL", "EU", "in_bond"),
    ]
    assert operations(alt)[-1] == ("import_clearance", "DUI")
    times = [datetime.fromisoformat(e["at"]) for e in alt["customs_events"]]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("operation", "node", "needle"),
    [
        ("exit", "AKS", "no exit event from CN at AKS"),
        ("entry", "DOS", "no entry event into EAEU at DOS"),
        ("advance_info", "DOS", "no advance_info event (EAEU preliminary information (rail))"),
        ("exit", "BRE", "no exit event from EAEU at BRE"),
        ("advance_info", "MAL", "no advance_info event (ICS2 ENS (rail)) for EU at MAL"),
        ("entry", "MAL", "no entry event into EU at MAL"),
    ],
)
def test_a_missing_border_event_is_flagged(
    net: Network,
    rail: tuple[QuoteRequest, dict[str, Any]],
    operation: str,
    node: str,
    needle: str,
) -> None:
    req, alt = rail
    assert check_alternative(net, req, alt) == []
    assert_flags(check_alternative(net, req, drop_events(alt, operation, node)), needle)


def test_a_border_event_at_the_wrong_node_is_flagged(
    net: Network, rail: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    """The EAEU entry put at Brest (the EAEU exit) instead of Dostyk."""
    req, alt = rail
    event_of(alt, "entry", "DOS")["node"] = "BRE"
    assert_flags(
        check_alternative(net, req, alt),
        "no entry event into EAEU at DOS",
        "(entry at BRE): no leg of the route crosses a border or tranships there",
    )


def test_border_events_stamped_at_even_intervals_are_flagged(
    net: Network, rail: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    """v1 spread the crossings evenly over the leg (issue 9, item 3); they are placed by
    distance along the geometry plus the border waits before them."""
    req, alt = rail
    leg = leg_of(alt, "R-PHS-DUI")
    dep, arr = (datetime.fromisoformat(leg[k]) for k in ("departure", "arrival"))
    crossings = [e for e in alt["customs_events"] if e["operation"] in ("exit", "entry")]
    for k, e in enumerate(crossings):
        e["at"] = (dep + (arr - dep) * (k + 1) / (len(crossings) + 1)).isoformat()
    alt["customs_events"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    assert_flags(
        check_alternative(net, req, alt),
        "(exit at AKS): at",
        "but the distance along the leg plus the border waits before it puts it at",
    )


def test_border_waits_before_a_crossing_count(
    net: Network, rail: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    """The EU entry stamped without the 12 h at Alashankou and 20 h at Brest before it."""
    req, alt = rail
    entry = event_of(alt, "entry", "MAL")
    entry["at"] = shift(entry["at"], hours=-32)
    alt["customs_events"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    assert_flags(
        check_alternative(net, req, alt), "(entry at MAL): at", "border waits before it puts it"
    )


def test_events_out_of_time_order_are_flagged(
    net: Network, rail: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, alt = rail
    events = alt["customs_events"]
    events[1], events[2] = events[2], events[1]
    assert_flags(check_alternative(net, req, alt), "before the event listed before it")


def test_advance_information_is_stamped_when_due(net: Network) -> None:
    """The ICS2 ENS for a sea leg is due 24 h before loading, not at the EU border."""
    req = request("SZ", "DUI", allowed_modes=SEA)
    alt = alternative(quote_ok(net, req), "D-YTN-RTM")
    ens = event_of(alt, "advance_info", "RTM")
    assert ens["procedure"] == "ICS2 ENS (sea)"
    assert ens["at"] == shift(leg_of(alt, "D-YTN-RTM")["departure"], hours=-24)
    ens["at"] = event_of(alt, "entry", "RTM")["at"]
    alt["customs_events"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    assert_flags(
        check_alternative(net, req, alt),
        "(advance_info at RTM): at",
        "but ICS2 ENS (sea) due 24 h before loading puts it at",
    )


def test_a_missing_eu_entry_by_sea_is_flagged(net: Network) -> None:
    """Shenzhen → Duisburg by sea showed export at Yantian and import at Duisburg, nothing at
    Rotterdam (issue 9, item 1): the ENS and the entry at the port of discharge are required,
    then import at the point of entry or a transit declaration to Duisburg."""
    req = request("SZ", "DUI", allowed_modes=SEA)
    alt = alternative(quote_ok(net, req), "D-YTN-RTM")
    assert [op for op in operations(alt) if op[1] == "RTM"][:2] == [
        ("advance_info", "RTM"),
        ("entry", "RTM"),
    ]
    broken = drop_events(drop_events(alt, "advance_info", "RTM"), "entry", "RTM")
    assert_flags(
        check_alternative(net, req, broken),
        "no advance_info event (ICS2 ENS (sea)) for EU at RTM",
        "no entry event into EU at RTM",
    )


def test_an_advance_filing_no_border_needs_is_flagged(
    net: Network, rail: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    """China requires no advance information in this network: a filing for it is stray."""
    req, alt = rail
    extra = {**event_of(alt, "advance_info", "DOS"), "node": "PHS", "jurisdiction": "CN"}
    alt["customs_events"].insert(0, {**extra, "at": alt["customs_events"][0]["at"]})
    assert_flags(
        check_alternative(net, req, alt),
        "(advance_info at PHS): no leg of the route crosses a border or tranships there",
    )


def test_the_v1_transit_border_event_is_flagged(
    net: Network, rail: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, alt = rail
    old = {**event_of(alt, "exit", "AKS"), "operation": "transit_border"}
    alt["customs_events"] = [
        e if e["operation"] != "exit" or e["node"] != "AKS" else old for e in alt["customs_events"]
    ]
    assert_flags(
        check_alternative(net, req, alt),
        "transit_border is not an event of the customs model v2",
        "no exit event from CN at AKS",
    )


def test_mongolia_is_crossed_on_rail_and_by_tir(net: Network) -> None:
    """The Erenhot route: exit China, enter and leave Mongolia under the rail note or TIR
    carnet, enter the EAEU at Naushki with a transit declaration to Moscow (in bond)."""
    req = request("SZ", "MOW")
    q = quote_ok(net, req)
    for link in ("R-PHS-MOW", "TIR-PHS-MOW"):
        alt = alternative(q, link)
        assert [op for op in border_ops(alt) if op[0] != "advance_info"] == [
            ("exit", "ERL", "CN", "in_transit"),
            ("entry", "ZMU", "MN", "in_transit"),
            ("exit", "SUK", "MN", "in_transit"),
            ("entry", "NAU", "EAEU", "in_bond"),
        ]
        assert_flags(
            check_alternative(net, req, drop_events(alt, "entry", "ZMU")),
            "no entry event into MN at ZMU",
        )
        bonded = copy.deepcopy(alt)
        event_of(bonded, "entry", "ZMU")["state_after"] = "in_bond"
        assert_flags(
            check_alternative(net, req, bonded),
            "(entry at ZMU): state_after is 'in_bond', expected in_transit",
        )
        wait = copy.deepcopy(alt)
        event_of(wait, "entry", "ZMU")["expected_h"] = 0.0
        assert_flags(check_alternative(net, req, wait), "but the border wait at ZMU is 4 h")


def test_a_through_train_declares_transit_at_the_destinations_border(
    net: Network, rail: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    """in_transit becomes in_bond only by a transit declaration: the entry of a through train
    into the destination's territory is one (NCTS T1 at Małaszewicze to Duisburg, with the fee
    of the declaration); an entry into a territory only crossed is not."""
    req, alt = rail
    undeclared = copy.deepcopy(alt)
    event_of(undeclared, "entry", "MAL")["state_after"] = "in_transit"
    assert_flags(
        check_alternative(net, req, undeclared),
        "(entry at MAL): state_after is 'in_transit', expected in_bond",
    )
    crossed = copy.deepcopy(alt)
    event_of(crossed, "entry", "DOS")["state_after"] = "in_bond"
    assert_flags(
        check_alternative(net, req, crossed),
        "(entry at DOS): state_after is 'in_bond', expected in_transit",
    )
    priced = copy.deepcopy(alt)
    event_of(priced, "entry", "MAL")["cost"] = 100.0
    assert_flags(
        check_alternative(net, req, priced),
        "(entry at MAL): costs 100.0 but the transit declaration fee at MAL is 0.00",
    )
    assert_flags(
        check_alternative(with_fee(net, "MAL", "declaration", "declaration", 80.0), req, alt),
        "(entry at MAL): costs 0.0 but the transit declaration fee at MAL is 80.00",
    )


@pytest.fixture(scope="module")
def hkia_quote(net: Network) -> tuple[QuoteRequest, dict[str, Any]]:
    req = request("SZ", "FRA", required_nodes=("HKA",))
    return req, quote_ok(net, req)


@pytest.fixture
def via_hkia(
    hkia_quote: tuple[QuoteRequest, dict[str, Any]],
) -> tuple[QuoteRequest, dict[str, Any]]:
    """A Shenzhen factory's box flown out of HKIA: export at the Shenzhen Bay crossing, ROCARS,
    HK entry, carried through Hong Kong as through cargo, transhipment, no HK import."""
    req, q = hkia_quote
    return req, alternative(q, "T-SZB-HKB", "A-HKA-FRA")


def test_hong_kong_transhipment_and_rocars(via_hkia: tuple[QuoteRequest, dict[str, Any]]) -> None:
    _, alt = via_hkia
    assert [op for op in operations(alt) if op[1] in ("HKB", "HKA")] == [
        ("advance_info", "HKB"),
        ("entry", "HKB"),
        ("transhipment", "HKA"),
        ("exit", "HKA"),
    ]
    transhipment = event_of(alt, "transhipment", "HKA")
    assert transhipment["at"] == leg_of(alt, "T-HKB-HKA")["arrival"]
    assert event_of(alt, "advance_info", "HKB")["procedure"] == "ROCARS"


@pytest.mark.parametrize(
    ("operation", "node", "needle"),
    [
        ("advance_info", "HKB", "no advance_info event (ROCARS) for HK at HKB"),
        (
            "transhipment",
            "HKA",
            "changes vehicle at HKA in HK onto an international leg with no transhipment event",
        ),
        ("exit", "HKA", "no exit event from HK at HKA"),
    ],
)
def test_hong_kong_events_are_required(
    net: Network,
    via_hkia: tuple[QuoteRequest, dict[str, Any]],
    operation: str,
    node: str,
    needle: str,
) -> None:
    req, alt = via_hkia
    assert_flags(check_alternative(net, req, drop_events(alt, operation, node)), needle)


def test_an_entry_at_the_legs_end_takes_no_border_wait(
    net: Network, via_hkia: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    """The truck's entry into Hong Kong at the end of its leg: the route spends no wait there,
    even where the crossing lists one for trains and trucks passing through it."""
    req, alt = via_hkia
    assert check_alternative(with_node(net, "HKB", border_transit_h=3.0), req, alt) == []
    event_of(alt, "entry", "HKB")["expected_h"] = 3.0
    assert_flags(
        check_alternative(net, req, alt),
        "(entry at HKB): expected_h 3.0 but the leg spends no border wait at HKB, its destination",
    )


def test_a_transhipment_is_stamped_on_arrival(
    net: Network, via_hkia: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    req, alt = via_hkia
    event = event_of(alt, "transhipment", "HKA")
    event["at"] = shift(event["at"], hours=2)
    alt["customs_events"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    assert_flags(check_alternative(net, req, alt), "(transhipment at HKA): at")


def test_moving_on_inside_a_free_port_is_no_transhipment(
    net: Network, via_hkia: tuple[QuoteRequest, dict[str, Any]]
) -> None:
    """The truck from the HK border to HKIA carries through cargo under the carrier's control:
    a transhipment event at the border, where the cargo boards no international leg, is stray."""
    req, alt = via_hkia
    extra = {**event_of(alt, "transhipment", "HKA"), "node": "HKB"}
    extra["at"] = event_of(alt, "entry", "HKB")["at"]
    alt["customs_events"].append(extra)
    alt["customs_events"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    assert_flags(
        check_alternative(net, req, alt),
        "(transhipment at HKB): no leg of the route crosses a border or tranships there",
    )


# ------------------------------------------------------------ waits at entry borders, fees
def test_advance_information_is_due_before_arrival_at_a_border_with_a_wait(net: Network) -> None:
    """A 6 h wait at Dostyk: the EAEU filing is due 2 h before the train reaches Dostyk, not
    before it leaves (the engine stamped it after the wait until it was fixed)."""
    waiting = with_node(net, "DOS", border_transit_h=6.0)
    req = request("SZ", "DUI", allowed_modes=RAIL)
    alt = alternative(quote_ok(waiting, req), "R-PHS-DUI")
    assert event_of(alt, "entry", "DOS")["expected_h"] == 6.0
    late = event_of(alt, "advance_info", "DOS")
    late["at"] = shift(late["at"], hours=6)
    alt["customs_events"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    assert_flags(
        check_alternative(waiting, req, alt),
        "(advance_info at DOS): at",
        "but EAEU preliminary information (rail) due 2 h before arrival at DOS puts it at",
    )


def test_engine_counts_the_entry_declaration_fee_once(net: Network) -> None:
    priced = with_fee(net, "MAL", "declaration", "declaration", 80.0)
    req = request("SZ", "DUI", allowed_modes=RAIL)
    assert check_quote(priced, req, quote(priced, req)) == []
