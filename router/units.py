"""Units and clocks shared by every layer.

Time inside the engine is whole minutes; money inside solvers is integer fen (CNY/100); the
engine's clock is China Standard Time (UTC+8), the time zone of every schedule in the data.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: China Standard Time (UTC+8), the zone schedules and quote requests are read in
CST = timezone(timedelta(hours=8), "CST")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
#: the dates a request may name (ready, deadline, a departures window): outside them a request
#: is a mistake, not a plan (and the calendar's ends overflow date arithmetic)
EARLIEST = datetime(2000, 1, 1)
LATEST = datetime(2100, 1, 1)
DATE_RANGE = "must be between 2000-01-01 and 2100-01-01"


def plausible_date(value: datetime) -> bool:
    """Whether ``value`` (naive or aware: its wall-clock date counts) lies in [EARLIEST, LATEST)."""
    return EARLIEST <= value.replace(tzinfo=None) < LATEST


#: m3 of loose cargo counted as one TEU of departure space (quote search, capacity, assignment)
M3_PER_TEU = 33.0


def as_cst(moment: datetime) -> datetime:
    """``moment`` in China Standard Time (naive datetimes are taken to be CST already)."""
    return moment.replace(tzinfo=CST) if moment.tzinfo is None else moment.astimezone(CST)


def minutes(hours: float) -> int:
    """Hours as whole minutes (rounded)."""
    return int(round(hours * 60.0))


def fen(cny: float) -> int:
    """CNY as integer fen (rounded)."""
    return int(round(cny * 100.0))
