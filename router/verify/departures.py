"""When a link may depart, written down independently of the engine's timetable
(:mod:`router.network.timetable` is not imported: the checker is a second opinion on it).

* ``weekly`` links leave at a listed weekday and minute (CST) every week;
* ``headway`` links leave continuously every ``headway_h`` hours at :data:`ANCHOR` + ``offset_h``
  + k x ``headway_h`` (the same instants whichever week a query starts in, also when the headway
  does not divide a week);
* ``any`` links leave whenever the cargo is ready, within the origin node's opening hours if it has
  them;
* no leg of a mode closed at one of its nodes departs on or after the closure date, and no leg
  on a link departs on or after the link's own ``closed_since`` day (CST).
"""

from __future__ import annotations

from datetime import datetime

from router.network.model import Link, Mode, Node, ScheduleKind
from router.units import CST
from router.verify.document import fmt

#: origin of the headway grid: Monday 1 January 2024, 00:00 CST
ANCHOR = datetime(2024, 1, 1, tzinfo=CST)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def closure_problems(node: Node, mode: Mode, dep: datetime, where: str) -> list[str]:
    """A leg of ``mode`` departing at ``dep`` that uses ``node`` while it is closed to ``mode``."""
    if mode not in node.closed_modes:
        return []
    since = node.closed_since
    if since is None or dep.astimezone(CST).date() >= since:
        when = f" since {since.isoformat()}" if since else ""
        return [
            f"{where}: {mode.value} leg departing {fmt(dep)} uses {node.id}, closed to "
            f"{mode.value}{when}"
        ]
    return []


def link_closure_problems(link: Link, dep: datetime, where: str) -> list[str]:
    """A leg on ``link`` departing at ``dep`` (CST day) on or after the link's ``closed_since``."""
    since = link.closed_since
    if since is not None and dep.astimezone(CST).date() >= since:
        return [f"{where}: departs {fmt(dep)} on {link.id}, closed since {since.isoformat()}"]
    return []


def schedule_problems(link: Link, origin: Node, dep: datetime, where: str) -> list[str]:
    """A departure of ``link`` at ``dep`` that its schedule does not offer."""
    problems: list[str] = []
    local = dep.astimezone(CST)
    if local.second or local.microsecond:
        problems.append(f"{where}: departure {local.isoformat()} is not on a whole minute")
    minute_of_day = local.hour * 60 + local.minute
    schedule = link.schedule
    if schedule.kind is ScheduleKind.WEEKLY:
        slots = {(d.weekday, d.minute) for d in schedule.weekly}
        if (local.weekday(), minute_of_day) not in slots:
            listed = ", ".join(
                f"{WEEKDAYS[d]} {m // 60:02d}:{m % 60:02d}" for d, m in sorted(slots)
            )
            problems.append(f"{where}: departs {fmt(dep)}, not a scheduled departure ({listed})")
    elif schedule.kind is ScheduleKind.HEADWAY:
        headway = max(1, round(schedule.headway_h * 60))
        offset = round(schedule.offset_h * 60)
        since = round((local - ANCHOR).total_seconds() / 60.0)
        if (since - offset) % headway:
            problems.append(
                f"{where}: departs {fmt(dep)}, off the {schedule.headway_h:g} h headway grid "
                f"(offset {schedule.offset_h:g} h from Monday 2024-01-01 00:00 CST)"
            )
    elif origin.opening_hours is not None:
        open_m, close_m = origin.opening_hours
        inside = (
            open_m <= minute_of_day < close_m
            if open_m < close_m
            else (minute_of_day >= open_m or minute_of_day < close_m)
        )
        if not inside:
            problems.append(
                f"{where}: departs {fmt(dep)}, outside {origin.id}'s opening hours "
                f"{open_m // 60:02d}:{open_m % 60:02d}-{close_m // 60:02d}:{close_m % 60:02d}"
            )
    return problems
