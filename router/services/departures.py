"""Departures: every scheduled departure of the capacity-bearing services in a date window, with
its capacity, what is booked and what is left (TEU, kg for air).

The schedule comes from the one departure rule (:func:`router.network.timetable.departures`,
through :func:`router.network.capacity.scheduled_departures`), the same the quote search uses,
so a listed departure is one a quote can board. Departures with bookings that are no longer on
the schedule (the network changed) are listed too, with what they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from router.errors import InvalidRequestError
from router.network.capacity import link_capacity, scheduled_departures
from router.network.model import Link, Mode, Network
from router.services.context import ServiceContext
from router.services.network import node_or_not_found
from router.services.paging import page
from router.store import repositories as repo
from router.units import CST, DATE_RANGE, plausible_date

#: longest date window of a departures listing, days
MAX_WINDOW_DAYS = 92
#: window of a listing given no end, days
DEFAULT_WINDOW_DAYS = 14


def window(
    date_from: datetime | None, date_to: datetime | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The departures window [from, to): default the next 14 days, at most 92 days; naive
    datetimes are CST."""
    for field, value in (("query.date_from", date_from), ("query.date_to", date_to)):
        if value is not None and not plausible_date(value):
            raise InvalidRequestError(field, DATE_RANGE)
    start = (date_from or now or datetime.now(CST)).replace(microsecond=0)
    start = start if start.tzinfo else start.replace(tzinfo=CST)
    end = date_to if date_to is not None else start + timedelta(days=DEFAULT_WINDOW_DAYS)
    end = end if end.tzinfo else end.replace(tzinfo=CST)
    if end <= start:
        raise InvalidRequestError("query.date_to", "must be after date_from")
    if end - start > timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidRequestError(
            "query.date_to", f"the window may span at most {MAX_WINDOW_DAYS} days"
        )
    return start, end


@dataclass(frozen=True, slots=True)
class DepartureFilter:
    """Which services to list: ``service`` (service code or link id, any case), ``origin`` and
    ``destination`` node ids, ``mode``. None: any."""

    service: str | None = None
    origin: str | None = None
    destination: str | None = None
    mode: Mode | None = None

    def admits(self, link: Link) -> bool:
        wanted = (self.service or "").strip().lower()
        return (
            (not wanted or wanted in (link.id.lower(), link.service.lower()))
            and (self.origin is None or link.origin == self.origin)
            and (self.destination is None or link.destination == self.destination)
            and (self.mode is None or link.mode is self.mode)
        )


@dataclass(frozen=True, slots=True)
class _Entry:
    departure: datetime
    link_id: str
    capacity: float
    booked: float
    unit: str


def list_departures(
    ctx: ServiceContext,
    network: Network,
    which: DepartureFilter,
    *,
    date_from: datetime | None,
    date_to: datetime | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """One page of the departures in the window, in time order (then by link id), each with its
    capacity, booked and remaining space; the page also gives the ``window`` used."""
    start, end = window(date_from, date_to)
    for node_id in (which.origin, which.destination):
        if node_id:
            node_or_not_found(network, node_id)
    links = {
        link.id: link
        for link in network.links.values()
        if link_capacity(link) is not None and which.admits(link)
    }
    with ctx.db.read() as session:
        rows = repo.departures_between(session, sorted(links), start, end) if links else []
    stored = {(r.link_id, r.departure_at): r for r in rows}
    entries: list[_Entry] = []
    for scheduled in scheduled_departures(network, links.values(), start, end):
        link_id, moment, space = scheduled.link.id, scheduled.departure, scheduled.space
        row = stored.pop((link_id, moment), None)
        if row is None:
            entries.append(_Entry(moment, link_id, space.capacity, 0.0, space.unit))
        else:
            entries.append(_Entry(moment, link_id, row.capacity, row.booked, row.unit))
    for (link_id, moment), row in stored.items():  # booked departures no longer on the schedule
        entries.append(_Entry(moment.astimezone(CST), link_id, row.capacity, row.booked, row.unit))
    entries.sort(key=lambda e: (e.departure, e.link_id))
    items = []
    for entry in entries[offset : offset + limit]:
        link = links[entry.link_id]
        items.append(
            {
                "link_id": entry.link_id,
                "service": link.service,
                "operator": link.operator,
                "mode": link.mode.value,
                "from": link.origin,
                "to": link.destination,
                "departure": entry.departure.astimezone(CST).isoformat(),
                "unit": entry.unit,
                "capacity": entry.capacity,
                "booked": round(entry.booked, 6),
                "remaining": round(max(0.0, entry.capacity - entry.booked), 6),
            }
        )
    result = page(items, len(entries), limit, offset)
    result["window"] = {"from": start.isoformat(), "to": end.isoformat()}
    return result
