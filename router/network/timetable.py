"""The one departure rule: when a link's vehicles leave, used by the quote search, the departures
listing and the capacity store alike.

Times are whole minutes counted from :data:`ANCHOR` (Monday 1 January 2024, 00:00 CST): any
Monday 00:00 CST is a whole number of weeks from it, so a caller whose own clock starts on a
Monday (the search's epoch is the Monday of the ready week) converts by adding that many weeks.

- ``weekly`` links leave at their listed weekday and minute every week;
- ``headway`` links leave every ``headway_h`` hours, continuously, at ``ANCHOR + offset_h +
  k x headway_h`` (the same instants whatever week a query starts in, also when the headway
  does not divide a week);
- ``any`` links leave when the cargo is ready, within the origin node's opening hours if it has
  them.
A link is closed from its own ``closed_since`` day or the first day one of its nodes (origin,
destination or a border it passes) is closed to its mode, whichever comes first; no departure
leaves from then on.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from router.network.model import Link, Network, ScheduleKind
from router.units import CST, MINUTES_PER_DAY, MINUTES_PER_WEEK, as_cst, minutes

#: the timetable's origin: a Monday, 00:00 CST
ANCHOR = datetime(2024, 1, 1, tzinfo=CST)
#: "closed for ever": a closure with no start date
ALWAYS_MIN = -(10**12)

#: a dated departure: (link id, departure date-time in CST, whole minutes)
DepartureKey = tuple[str, datetime]


def departure_key(link_id: str, when: datetime | str) -> DepartureKey:
    """The key of ``link_id``'s departure at ``when`` (an ISO string or a datetime; naive is CST)."""
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return (link_id, as_cst(moment).replace(second=0, microsecond=0))


def departure_label(key: DepartureKey) -> str:
    """``"LINK @ 2025-06-02 08:00"``."""
    link_id, when = key
    return f"{link_id} @ {when.strftime('%Y-%m-%d %H:%M')}"


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 of the week of ``moment`` (same time zone)."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def minutes_since_anchor(moment: datetime) -> int:
    """Whole minutes from :data:`ANCHOR` to ``moment`` (floored)."""
    return int((moment - ANCHOR).total_seconds() // 60)


def at_minute(minute: int) -> datetime:
    """The CST datetime ``minute`` minutes after :data:`ANCHOR`."""
    return ANCHOR + timedelta(minutes=minute)


def weekly_minutes(link: Link) -> tuple[int, ...]:
    """Sorted minutes of the week (Monday 00:00 = 0) of a weekly link's departures."""
    return tuple(sorted({d.weekday * MINUTES_PER_DAY + d.minute for d in link.schedule.weekly}))


def headway_minutes(link: Link) -> int:
    """Minutes between departures of a headway link (at least 1); 0 for other links."""
    if link.schedule.kind is not ScheduleKind.HEADWAY:
        return 0
    return max(1, minutes(link.schedule.headway_h))


def next_departure_min(
    kind: ScheduleKind,
    weekly_min: tuple[int, ...],
    headway_min: int,
    offset_min: int,
    opening_hours: tuple[int, int] | None,
    t: int,
) -> int:
    """The first departure at or after minute ``t`` (minutes since :data:`ANCHOR`, or since any
    Monday 00:00 CST if the caller shifts ``offset_min`` accordingly; see :func:`headway_phase`).

    ``opening_hours``: (open, close) minutes of the day of the origin node, for ``any`` links.
    """
    if kind is ScheduleKind.ANY:
        if opening_hours is None:
            return t
        day, minute = divmod(t, MINUTES_PER_DAY)
        if minute < opening_hours[0]:
            return day * MINUTES_PER_DAY + opening_hours[0]
        if minute >= opening_hours[1]:
            return (day + 1) * MINUTES_PER_DAY + opening_hours[0]
        return t
    if kind is ScheduleKind.WEEKLY:
        week, minute = divmod(t, MINUTES_PER_WEEK)
        i = bisect_left(weekly_min, minute)
        if i < len(weekly_min):
            return week * MINUTES_PER_WEEK + weekly_min[i]
        return (week + 1) * MINUTES_PER_WEEK + weekly_min[0]
    k = -((offset_min - t) // headway_min)  # ceil((t - offset) / headway)
    return offset_min + k * headway_min


def headway_phase(offset_min: int, headway_min: int, epoch: datetime) -> int:
    """The headway offset as seen from a clock starting at ``epoch`` (a Monday 00:00 CST):
    departures at ``epoch + phase + k x headway`` are the anchored ones."""
    if headway_min <= 0:
        return offset_min
    return (offset_min - minutes_since_anchor(epoch)) % headway_min


def closed_from(network: Network, link: Link) -> date | None:
    """The first day ``link`` is closed (its own ``closed_since``) or a node of it (origin,
    destination, a border it passes) is closed to its mode; ``date.min`` when one is closed with
    no start date; None when it stays open."""
    first: date | None = link.closed_since
    for node_id in (link.origin, link.destination, *link.via):
        node = network.nodes[node_id]
        if link.mode in node.closed_modes:
            since = node.closed_since or date.min
            first = since if first is None else min(first, since)
    return first


def closed_from_min(network: Network, link: Link, epoch: datetime) -> int | None:
    """:func:`closed_from` as minutes from ``epoch`` (:data:`ALWAYS_MIN` if always closed)."""
    day = closed_from(network, link)
    if day is None:
        return None
    if day == date.min:
        return ALWAYS_MIN
    start = datetime(day.year, day.month, day.day, tzinfo=CST)
    return int((start - epoch).total_seconds() // 60)


def departures(network: Network, link: Link, start: datetime, end: datetime) -> Iterator[datetime]:
    """Departures of a ``weekly`` or ``headway`` link in ``[start, end)`` as CST datetimes, by
    the same rule as the search (closures respected). ``any`` links have none to list."""
    kind = link.schedule.kind
    if kind is ScheduleKind.ANY:
        return
    weekly, headway = weekly_minutes(link), headway_minutes(link)
    if kind is ScheduleKind.WEEKLY and not weekly:
        return
    offset = minutes(link.schedule.offset_h)
    closed = closed_from_min(network, link, ANCHOR)
    t = -int(-(start - ANCHOR).total_seconds() // 60)  # the first whole minute at or after start
    while True:
        dep = next_departure_min(kind, weekly, headway, offset, None, t)
        moment = at_minute(dep)
        if moment >= end or (closed is not None and dep >= closed):
            return
        yield moment
        t = dep + 1
