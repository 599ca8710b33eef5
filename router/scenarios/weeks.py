"""Ready times a week apart that give the same routes, a week apart.

A search's answer depends on its ready time only through (``router.routing.search``): the ready
time within its week (the week starts Monday 00:00 CST), the surcharges in force on the ready
day (the price period), and the week's dated tables: each link's closure as minutes from the
week start and each headway service's phase in the week. Everything else (timetables, tariffs,
customs times, fees, emissions, FX) is weekly or fixed. So two ready times the same minute of
two weeks with equal surcharges in force, equal headway phases and equal closures give the same
Pareto routes, the later's departures and arrivals shifted by the weeks between them. A closure
at or before the week start closes a link for every departure of the search (departures are
never before the ready time), whatever its day, so it counts as "closed since the week start";
a closure inside or after the week must be the same minute of both weeks.

:class:`WeekShift` maps each ready time to the earliest such equivalent ready time up to
:data:`LOOKBACK_WEEKS` weeks earlier (a function of the ready time alone, so every chunk and
engine maps it the same way); the scenario runner searches there and shifts the answer.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

from router.network.timetable import closed_from_min, headway_phase, week_start
from router.routing.compiled import CompiledNetwork
from router.routing.prices import current_surcharges

#: how far back an equivalent week is looked for
LOOKBACK_WEEKS = 26
WEEK = timedelta(weeks=1)


class WeekShift:
    """The equivalent earlier ready times of one compiled network (cached per week and day)."""

    def __init__(self, cn: CompiledNetwork) -> None:
        self.cn = cn
        pricing = cn.network.pricing
        self._surcharges = pricing.surcharges if pricing is not None else ()
        self._weeks: dict[datetime, Hashable] = {}
        self._days: dict[object, Hashable] = {}
        self._shifts: dict[datetime, int] = {}

    def _week(self, epoch: datetime) -> Hashable:
        sig = self._weeks.get(epoch)
        if sig is None:
            network = self.cn.network
            closures = []
            for cl in self.cn.links:
                minute = closed_from_min(network, cl.link, epoch)
                closures.append(None if minute is None else max(minute, 0))
            phases = tuple(
                headway_phase(cl.offset_min, cl.headway_min, epoch) for cl in self.cn.links
            )
            sig = self._weeks[epoch] = (tuple(closures), phases)
        return sig

    def _day(self, ready: datetime) -> Hashable:
        day = ready.date()
        sig = self._days.get(day)
        if sig is None:
            sig = self._days[day] = frozenset(current_surcharges(self._surcharges, day))
        return sig

    def signature(self, ready: datetime) -> Hashable:
        """What of ``ready``'s date the search depends on (see the module's docstring)."""
        return (self._week(week_start(ready)), self._day(ready))

    def weeks_back(self, ready: datetime) -> int:
        """How many weeks before ``ready`` its earliest equivalent ready time lies (0: none)."""
        k = self._shifts.get(ready)
        if k is None:
            own = self.signature(ready)
            k = max(
                (n for n in range(LOOKBACK_WEEKS + 1) if self.signature(ready - n * WEEK) == own),
                default=0,
            )
            self._shifts[ready] = k
        return k
