"""Departure space as the use cases see it: what a cargo needs on a departure, and the space left
on every departure after this service's bookings (the ``capacity`` callback of the search).

Amounts are TEU on container services (containers count their TEU; loose cargo its volume /
33 m3, :attr:`router.routing.request.Cargo.space_teu`) and chargeable kg on air services.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from router.network.capacity import tracked_links
from router.network.model import Link, Mode, Network
from router.network.timetable import DepartureKey
from router.routing.request import Cargo
from router.store import repositories as repo
from router.store.db import Database

#: bookings read for a query start this long before its earliest ready time (a departure
#: boarded on the day the cargo is ready may be listed a little before it, in UTC)
LOOKBACK = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Need:
    """Space a cargo takes on one departure: ``teu`` on container services, ``kg`` on air."""

    teu: float
    kg: float

    @classmethod
    def of(cls, cargo: Cargo) -> Need:
        """The space ``cargo`` takes (the same rule as the search's room check)."""
        return cls(teu=cargo.space_teu, kg=cargo.chargeable_air_kg)

    def on(self, link: Link) -> float:
        """The amount on ``link``'s departures (kg on air services, TEU on the others)."""
        return self.kg if link.mode is Mode.AIR else self.teu


class CapacityView:
    """Space left on every departure: the ``capacity`` callback of
    :func:`router.quotes.document.make_quote` and the optimisers.

    ``remaining``: the space left on departures that have bookings (TEU, kg for air), read in
    one query; every other departure of a tracked link has the link's full space per departure.
    Untracked links (trucks) have no limit (None). Answers from memory: the search asks many
    times.
    """

    def __init__(self, network: Network, remaining: Mapping[DepartureKey, float]) -> None:
        self._remaining = dict(remaining)
        self._by_link: dict[str, dict[datetime, float]] = {}
        for (link_id, when), left in self._remaining.items():
            self._by_link.setdefault(link_id, {})[when] = left
        self._booked_links = set(self._by_link)
        self._defaults: dict[tuple[str, ...], list[float | None]] = {}
        self._capacity = {link_id: cap.capacity for link_id, cap in tracked_links(network).items()}

    def default_spaces(self, link_ids: tuple[str, ...]) -> Sequence[float | None]:
        """The space of a departure with no booking of each of ``link_ids`` (None: not
        tracked); kept for the next search, which asks for the same links."""
        spaces = self._defaults.get(link_ids)
        if spaces is None:
            spaces = self._defaults[link_ids] = [self._capacity.get(i) for i in link_ids]
        return spaces

    def booked_links(self) -> Collection[str]:
        """The links with booked departures."""
        return self._booked_links

    def booked_space(self, link_id: str) -> Mapping[datetime, float]:
        """The space left on the booked departures of ``link_id``."""
        return self._by_link.get(link_id, {})

    def __call__(self, link_id: str, departure: datetime) -> float | None:
        capacity = self._capacity.get(link_id)
        if capacity is None:
            return None
        if link_id not in self._booked_links:  # nothing booked on this service: skip the lookup
            return capacity
        left = self._remaining.get((link_id, departure))  # aware datetimes hash by instant
        return capacity if left is None else left


def schedule_capacity(network: Network) -> CapacityView:
    """Every departure with the schedule's full space (nothing booked): what the CLI quotes
    against, and the API's ``space: schedule`` runs."""
    return CapacityView(network, {})


def live_capacity(db: Database, network: Network, since: datetime) -> CapacityView:
    """Space left after this service's bookings on departures from ``since`` on (minus
    :data:`LOOKBACK`)."""
    start = since.astimezone(UTC) - LOOKBACK
    with db.read() as session:
        booked = repo.booked_departures(session, start)
    return CapacityView(network, {key: space.remaining for key, space in booked.items()})
