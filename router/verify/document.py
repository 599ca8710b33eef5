"""Reading the quote document: typed field access that reports a malformed document, time and
number formatting, and the tolerances of its rounded fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from router.units import CST

MINUTE = timedelta(minutes=1)
TIME_TOL = timedelta(minutes=1)
HOURS_TOL = 0.011  # one rounded 0.01 h field
SUM_H_TOL = 0.05
SUM_CNY_TOL = 0.05


class Malformed(Exception):
    """The document lacks a field or has one of the wrong type."""


def get_field(doc: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(doc, Mapping) or key not in doc:
        raise Malformed(f"{where}: missing field {key!r}")
    return doc[key]


def num_field(doc: Mapping[str, Any], key: str, where: str) -> float:
    value = get_field(doc, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Malformed(f"{where}: field {key!r} is not a number ({value!r})")
    return float(value)


def time_field(doc: Mapping[str, Any], key: str, where: str) -> datetime:
    value = get_field(doc, key, where)
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Malformed(f"{where}: field {key!r} is not an ISO-8601 time ({value!r})") from None
    return moment.replace(tzinfo=CST) if moment.tzinfo is None else moment.astimezone(CST)


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


def fmt(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M %a")
