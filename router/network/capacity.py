"""Departure space of the network: which links track it, in which unit, how much each departure
has, and which dated departures there are.

A dated departure is a (link id, departure date-time) pair (:data:`DepartureKey`). Links with a
capacity track space per departure: ``capacity_teu`` TEU on container services, or
``capacity_kg`` chargeable kilograms on air services. Links without one (trucks) are not
tracked. Departure times come from the one departure rule,
:func:`router.network.timetable.departures`, which the quote search uses too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from router.network.model import Link, Mode, Network
from router.network.timetable import departures

#: unit of departure space: TEU on container services, chargeable kg on air services
SpaceUnit = Literal["teu", "kg"]


@dataclass(frozen=True, slots=True)
class LinkCapacity:
    """Space of every departure of a tracked link: ``capacity`` in ``unit`` (TEU or kg)."""

    unit: SpaceUnit
    capacity: float


def link_capacity(link: Link) -> LinkCapacity | None:
    """The per-departure space of ``link``, or None when its space is not tracked."""
    if link.mode is Mode.AIR:
        return None if link.capacity_kg is None else LinkCapacity("kg", float(link.capacity_kg))
    return None if link.capacity_teu is None else LinkCapacity("teu", float(link.capacity_teu))


def tracked_links(network: Network) -> dict[str, LinkCapacity]:
    """Every link whose departure space is tracked, by link id."""
    return {
        link_id: cap
        for link_id, link in network.links.items()
        if (cap := link_capacity(link)) is not None
    }


@dataclass(frozen=True, slots=True)
class ScheduledDeparture:
    """One scheduled departure of a tracked link, with the link's full space per departure."""

    link: Link
    departure: datetime  # CST, whole minutes
    space: LinkCapacity


def scheduled_departures(
    network: Network, links: Iterable[Link], start: datetime, end: datetime
) -> Iterator[ScheduledDeparture]:
    """Departures in ``[start, end)`` (aware datetimes) of the tracked ``links`` that run to a
    timetable (``weekly`` or ``headway``), link by link in time order, by the one departure rule
    (closures respected). Untracked links and ``any`` links have none to list."""
    for link in links:
        space = link_capacity(link)
        if space is None:
            continue
        for moment in departures(network, link, start, end):
            yield ScheduledDeparture(link, moment, space)
