"""Capacity of dated departures: what a cargo needs, what is left, which departures exist.

A departure is a (link id, departure datetime) pair. Links with a capacity (``capacity_teu``, or
``capacity_kg`` for air) track space per departure; others (trucks) are not tracked. Amounts are
TEU (containers count their TEU; loose cargo its volume / 33 m3, as the quote search does) or
chargeable kg for air.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from router.network.model import Link, Mode, Network, ScheduleKind
from router.routing.request import CST, Cargo
from router.routing.search import week_start

#: m3 of loose cargo counted as one TEU of space (the quote search uses the same figure)
M3_PER_TEU = 33.0


@dataclass(frozen=True, slots=True)
class Need:
    """Space a cargo takes on a departure: TEU on container services, kg on air services."""

    teu: float
    kg: float

    def on(self, link: Link) -> float:
        return self.kg if link.mode is Mode.AIR else self.teu


def cargo_need(cargo: Cargo) -> Need:
    """The space ``cargo`` takes (same rule as :class:`router.routing.search.Search`)."""
    teu = float(cargo.teu) if cargo.is_containerised else (cargo.volume_m3 or 1.0) / M3_PER_TEU
    return Need(teu=teu, kg=cargo.chargeable_air_kg)


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


DepartureKey = tuple[str, datetime]


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


def _closed_from(network: Network, link: Link) -> datetime | None:
    first: date | None = None
    closed_always = False
    for node_id in (link.origin, link.destination, *link.via):
        node = network.nodes[node_id]
        if link.mode in node.closed_modes:
            if node.closed_since is None:
                closed_always = True
            elif first is None or node.closed_since < first:
                first = node.closed_since
    if closed_always:
        return datetime.min.replace(tzinfo=CST)
    if first is None:
        return None
    return datetime(first.year, first.month, first.day, tzinfo=CST)


def scheduled_departures(
    network: Network, link: Link, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Departures of a weekly or headway link in ``[start, end)``, as CST datetimes.

    Headway departures are counted from each week's Monday 00:00 + offset (as a quote whose cargo
    is ready that week sees them). ``any``-time links have no enumerable departures.
    """
    schedule = link.schedule
    if schedule.kind is ScheduleKind.ANY:
        return
    start, end = start.astimezone(CST), end.astimezone(CST)
    closed = _closed_from(network, link)
    if closed is not None:
        end = min(end, closed)
    week = week_start(start)
    while week < end:
        if schedule.kind is ScheduleKind.WEEKLY:
            offsets = sorted({d.weekday * 1440 + d.minute for d in schedule.weekly})
            moments = [week + timedelta(minutes=m) for m in offsets]
        else:
            headway = max(1, round(schedule.headway_h * 60))
            minute = round(schedule.offset_h * 60) % headway
            moments = []
            while minute < 7 * 1440:
                moments.append(week + timedelta(minutes=minute))
                minute += headway
        for moment in moments:
            if start <= moment < end:
                yield moment
        week += timedelta(days=7)
