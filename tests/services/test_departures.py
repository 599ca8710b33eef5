"""The departures listing: the one departure rule, windows and filters."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from router.errors import InvalidRequestError
from router.network.model import Mode, Network
from router.routing.compiled import compile_network
from router.routing.request import Cargo, Constraints, PlaceRef, QuoteRequest
from router.services.context import ServiceContext
from router.services.departures import DepartureFilter, list_departures, window
from router.services.quoting import quote_document
from router.units import CST

FEEDER = "FDR-YTN-HKG"  # Yantian -> Kwai Tsing, every 12 h from 08:00 (offset) in the tiny data
#: a Monday 00:00 CST: the week boundary the departures cross
MONDAY = datetime(2030, 3, 4, tzinfo=CST)


def every_5_hours(network: Network) -> Network:
    """The tiny network with the feeder leaving every 5 h: 5 does not divide a week's 168 h."""
    link = network.links[FEEDER]
    schedule = dataclasses.replace(link.schedule, headway_h=5.0)
    return dataclasses.replace(
        network, links={**network.links, FEEDER: dataclasses.replace(link, schedule=schedule)}
    )


def listed(ctx: ServiceContext, network: Network, start: datetime, end: datetime) -> list[str]:
    page = list_departures(
        ctx,
        network,
        DepartureFilter(service=FEEDER),
        date_from=start,
        date_to=end,
        limit=500,
        offset=0,
    )
    return [item["departure"] for item in page["items"]]


def test_a_headway_that_does_not_divide_a_week_lists_what_the_search_boards(
    ctx: ServiceContext,
) -> None:
    network = every_5_hours(ctx.network)  # type: ignore[arg-type]
    cn = compile_network(network)
    # cargo ready hourly from Thursday noon to Monday noon; after the export dwell it boards
    # departures from Sunday to Thursday, so the search's clock (from the Monday of the ready
    # week) crosses a week boundary for some and not for others
    boarded = set()
    for hour in range(0, 4 * 24 + 1):
        ready = MONDAY - timedelta(days=3, hours=12) + timedelta(hours=hour)
        request = QuoteRequest(
            PlaceRef("CNYTN"),
            PlaceRef("HKHKG"),
            Cargo(containers=(("22G1", 1),)),
            ready,
            constraints=Constraints(allowed_modes=frozenset({Mode.FEEDER})),
        )
        doc = quote_document(cn, request)
        assert doc["status"] == "ok", doc["reasons"]
        fastest = next(a for a in doc["alternatives"] if "fastest" in a["tags"])
        (leg,) = [leg for leg in fastest["legs"] if leg["link_id"] == FEEDER]
        boarded.add(leg["departure"])
    first, last = min(boarded, key=datetime.fromisoformat), max(boarded, key=datetime.fromisoformat)
    start, end = datetime.fromisoformat(first), datetime.fromisoformat(last) + timedelta(minutes=1)
    assert start < MONDAY < end
    departures = listed(ctx, network, start, end)
    # every departure in the window is boarded by some quote, and no quote boards another
    assert departures == sorted(boarded, key=datetime.fromisoformat)
    times = [datetime.fromisoformat(d) for d in departures]
    assert {b - a for a, b in pairwise(times)} == {timedelta(hours=5)}
    assert any(t < MONDAY for t in times) and any(t >= MONDAY for t in times)


def test_departures_page_and_window(ctx: ServiceContext) -> None:
    network = ctx.network
    assert network is not None
    start = MONDAY
    page = list_departures(
        ctx,
        network,
        DepartureFilter(origin="SZ-PINGHU-RAIL", destination="DEDUI"),
        date_from=start.replace(tzinfo=None),  # naive: CST
        date_to=start + timedelta(days=14),
        limit=3,
        offset=1,
    )
    assert page["total"] == 4 and page["next_offset"] is None
    assert [d["departure"][11:16] for d in page["items"]] == ["20:00"] * 3
    assert all(d["remaining"] == d["capacity"] == 82.0 for d in page["items"])
    assert page["window"] == {
        "from": start.isoformat(),
        "to": (start + timedelta(days=14)).isoformat(),
    }


def test_departures_window_rules() -> None:
    now = datetime(2030, 3, 4, 9, 30, 15, 999, tzinfo=CST)
    start, end = window(None, None, now)
    assert (start, end - start) == (now.replace(microsecond=0), timedelta(days=14))
    with pytest.raises(InvalidRequestError, match="after date_from") as err:
        window(start, start)
    assert err.value.field == "query.date_to"
    with pytest.raises(InvalidRequestError, match="at most 92 days"):
        window(now, now + timedelta(days=93))


def test_filter_by_service_code_or_link_id_any_case(ctx: ServiceContext) -> None:
    network = ctx.network
    assert network is not None
    link = network.links[FEEDER]
    for service in ("yh1", FEEDER.lower(), " YH1 "):
        assert DepartureFilter(service=service).admits(link)
    assert not DepartureFilter(service="X8428").admits(link)
    assert not DepartureFilter(mode=Mode.RAIL).admits(link)
