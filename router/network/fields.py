"""Typed field access for one data row that records problems instead of raising.

Each accessor returns ``None`` (or an empty value) when the field is missing or invalid and adds a
:class:`~router.errors.Problem` naming the file, the row or feature and the field, so a loader can
read a whole dataset and report every problem at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from router.errors import Problem, Severity

E = TypeVar("E", bound=StrEnum)

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_hhmm(text: str) -> int | None:
    """Minutes after midnight of an ``HH:MM`` string, or ``None`` if malformed (24:00 allowed)."""
    if text.strip() == "24:00":
        return 24 * 60
    m = _HHMM.match(text.strip())
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


@dataclass
class Row:
    """One CSV row or GeoJSON feature's properties, with the place to report problems."""

    file: str
    location: str
    data: Mapping[str, Any]
    sink: list[Problem]

    def error(self, field: str, message: str) -> None:
        self.sink.append(Problem(self.file, self.location, field, message))

    def warn(self, field: str, message: str) -> None:
        self.sink.append(Problem(self.file, self.location, field, message, Severity.WARNING))

    def raw(self, field: str) -> Any:
        value = self.data.get(field)
        return value.strip() if isinstance(value, str) else value

    def text(self, field: str, *, required: bool = True) -> str | None:
        value = self.raw(field)
        if _blank(value):
            if required:
                self.error(field, "is required but empty")
            return None
        return str(value)

    def number(
        self,
        field: str,
        *,
        required: bool = True,
        default: float | None = None,
        minimum: float | None = 0.0,
        positive: bool = False,
        maximum: float | None = None,
    ) -> float | None:
        value = self.raw(field)
        if _blank(value):
            if required:
                self.error(field, "is required but empty")
            return default
        if isinstance(value, bool):
            self.error(field, f"must be a number, got {value!r}")
            return default
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.error(field, f"must be a number, got {value!r}")
            return default
        if not math.isfinite(number):
            self.error(field, f"must be finite, got {value!r}")
            return default
        if positive and number <= 0:
            self.error(field, f"must be > 0, got {number:g}")
            return default
        if minimum is not None and number < minimum:
            self.error(field, f"must be >= {minimum:g}, got {number:g}")
            return default
        if maximum is not None and number > maximum:
            self.error(field, f"must be <= {maximum:g}, got {number:g}")
            return default
        return number

    def flag(self, field: str, *, default: bool = False) -> bool:
        value = self.raw(field)
        if _blank(value):
            return default
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in {"true", "yes", "1"}:
            return True
        if text in {"false", "no", "0"}:
            return False
        self.error(field, f"must be true or false, got {value!r}")
        return default

    def enum(self, field: str, enum_cls: type[E], *, required: bool = True) -> E | None:
        value = self.text(field, required=required)
        if value is None:
            return None
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum_cls)
            self.error(field, f"unknown value {value!r} (allowed: {allowed})")
            return None

    def items(self, field: str) -> tuple[str, ...]:
        """A list field: a JSON array, or a ``;``-separated CSV cell."""
        value = self.raw(field)
        if _blank(value):
            return ()
        if isinstance(value, list | tuple):
            return tuple(str(v).strip() for v in value if not _blank(v))
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(";") if part.strip())
        self.error(field, f"must be a list, got {value!r}")
        return ()

    def enum_set(self, field: str, enum_cls: type[E]) -> frozenset[E]:
        result: set[E] = set()
        for item in self.items(field):
            try:
                result.add(enum_cls(item))
            except ValueError:
                allowed = ", ".join(e.value for e in enum_cls)
                self.error(field, f"unknown value {item!r} (allowed: {allowed})")
        return frozenset(result)

    def day(self, field: str) -> date | None:
        value = self.text(field, required=False)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(field, f"must be a date YYYY-MM-DD, got {value!r}")
            return None

    def hours_range(self, field: str) -> tuple[int, int] | None:
        """An ``HH:MM-HH:MM`` opening-hours range as minutes of the day."""
        value = self.text(field, required=False)
        if value is None:
            return None
        parts = value.split("-")
        if len(parts) == 2:
            start, end = parse_hhmm(parts[0]), parse_hhmm(parts[1])
            if start is not None and end is not None and start < end:
                return (start, end)
        self.error(field, f"must be 'HH:MM-HH:MM' with opening before closing, got {value!r}")
        return None
