"""Capacity of dated departures: what a cargo needs, what is left, which departures exist.

A departure is a (link id, departure datetime) pair. Links with a capacity (``capacity_teu``, or
``capacity_kg`` for air) track space per departure; others (trucks) are not tracked. Amounts are
TEU (containers count their TEU; loose cargo its volume / 33 m3, as the quote search does) or
chargeable kg for air.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from router.network.model import Link, Mode, Network
from router.network.timetable import DepartureKey, departures
from router.routing.request import Cargo
from router.units import CST


@dataclass(frozen=True, slots=True)
class Need:
    """Space a cargo takes on a departure: TEU on container services, kg on air services."""

    teu: float
    kg: float

    def on(self, link: Link) -> float:
        return self.kg if link.mode is Mode.AIR else self.teu


def cargo_need(cargo: Cargo) -> Need:
    """The space ``cargo`` takes (same rule as :class:`router.routing.search.Search`)."""
    return Need(teu=cargo.space_teu, kg=cargo.chargeable_air_kg)


def link_capacity(link: Link) -> tuple[str, float] | None:
    """(unit, capacity per departure) of a link, or None when its space is not tracked."""
    if link.mode is Mode.AIR:
        return None if link.capacity_kg is None else ("kg", float(link.capacity_kg))
    return None if link.capacity_teu is None else ("teu", float(link.capacity_teu))


def as_utc(moment: datetime) -> datetime:
    """An aware datetime in UTC (naive ones are read as CST, like quote requests)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CST)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class BookedSpace:
    capacity: float
    booked: float

    @property
    def remaining(self) -> float:
        return max(0.0, self.capacity - self.booked)


class CapacityView:
    """The ``capacity`` callback of :func:`router.quotes.document.make_quote`.

    Built once per quote from the booked totals read in one query; answers every call from memory
    (the search asks many times). Departures with no booking yet have the link's full capacity.
    """

    def __init__(self, network: Network, booked: Mapping[DepartureKey, BookedSpace]) -> None:
        self._booked = booked
        self._booked_links = {link_id for link_id, _ in booked}
        self._capacity = {
            link_id: cap
            for link_id, link in network.links.items()
            if (cap := link_capacity(link)) is not None
        }

    def __call__(self, link_id: str, departure: datetime) -> float | None:
        cap = self._capacity.get(link_id)
        if cap is None:
            return None
        if link_id not in self._booked_links:  # nothing booked on this service: skip the lookup
            return cap[1]
        space = self._booked.get((link_id, departure))  # aware datetimes hash by instant
        return cap[1] if space is None else space.remaining

    def unit(self, link_id: str) -> str | None:
        cap = self._capacity.get(link_id)
        return None if cap is None else cap[0]


def scheduled_departures(
    network: Network, link: Link, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Departures of a weekly or headway link in ``[start, end)``, as CST datetimes, by the one
    departure rule the search uses (:func:`router.network.timetable.departures`)."""
    yield from departures(network, link, start.astimezone(CST), end.astimezone(CST))
