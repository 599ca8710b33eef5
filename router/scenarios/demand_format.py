"""The demand table's format: its columns and types, the API's bounds a row must keep, the
containers notation (``2x22G1;1x42G1``) and the error a table that breaks them raises.

Split from :mod:`router.scenarios.demand` (which re-exports all of it and documents the columns)
so that the row checks (:mod:`router.scenarios.demand_checks`) can use it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from router.errors import InvalidRecordsError
from router.routing.request import CONTAINER_TYPES

TIME_ZONE = "Asia/Shanghai"
DATETIME = pl.Datetime("us", TIME_ZONE)

#: the typed demand frame: column -> polars type, in order
DEMAND_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "origin": pl.String(),
    "destination": pl.String(),
    "containers": pl.String(),
    "weight_kg": pl.Float64(),
    "volume_m3": pl.Float64(),
    "cargo_class": pl.String(),
    "imdg_class": pl.String(),
    "ready": DATETIME,
    "deadline": DATETIME,
    "aeo_level": pl.String(),
    "direct_eligible": pl.Boolean(),
    "combined_port_allowed": pl.Boolean(),
    "joint_declaration_eligible": pl.Boolean(),
    "inspect_first_pilot": pl.Boolean(),
    "drug_whitelisted": pl.Boolean(),
    "value_cny": pl.Float64(),
    "ecommerce_regime": pl.String(),
}
DEMAND_COLUMNS: tuple[str, ...] = tuple(DEMAND_SCHEMA)
#: columns every table must have (and one of ``containers`` / ``weight_kg``)
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "origin", "destination", "ready")
#: columns of the batch assignment's shipments.csv that a demand table accepts and ignores
IGNORED_COLUMNS: tuple[str, ...] = ("booked", "penalty_cny", "origins")
#: trader flags and their defaults (as the API's TraderIn)
FLAG_DEFAULTS: dict[str, bool] = {
    "direct_eligible": False,
    "combined_port_allowed": True,
    "joint_declaration_eligible": False,
    "inspect_first_pilot": False,
    "drug_whitelisted": False,
}
TRUE_WORDS = ("1", "true", "yes", "y", "t")
FALSE_WORDS = ("0", "false", "no", "n", "f")

#: the API's bounds (router.api.schemas), so that a valid row is a valid quote request
MAX_CONTAINER_COUNT = 500
MAX_WEIGHT_KG = 10_000_000.0
MAX_VOLUME_M3 = 100_000.0
MAX_VALUE_CNY = 1e13
#: IMDG classes and divisions, as the API's pattern
IMDG_PATTERN = r"^(1(\.[1-6])?|2(\.[1-3])?|3|4(\.[1-3])?|5(\.[12])?|6(\.[12])?|7|8|9)$"
IMDG_ALLOWED = "1, 1.1-1.6, 2, 2.1-2.3, 3, 4, 4.1-4.3, 5, 5.1, 5.2, 6, 6.1, 6.2, 7, 8, 9"
DATETIME_HELP = "ISO 8601, e.g. 2026-03-02T08:00; naive times are China Standard Time"
MAX_SHOWN = 50


# ------------------------------------------------------------------------------ errors
@dataclass(frozen=True, slots=True)
class DemandIssue:
    """One bad cell (or column, or file) of a demand table. ``row``: the CSV line number
    (header = line 1) or the Parquet/frame row index + 1; None for the table as a whole."""

    file: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class DemandError(InvalidRecordsError):
    """A demand table failed validation; ``issues`` lists every problem (the message shows the
    first :data:`MAX_SHOWN` and counts the rest)."""

    def __init__(self, file: str, issues: Sequence[DemandIssue]) -> None:
        self.issues = tuple(issues)
        pairs = []
        for issue in self.issues:
            where = "table" if issue.row is None else f"row {issue.row}"
            if issue.column:
                where += f", field '{issue.column}'"
            pairs.append((where, issue.message))
        super().__init__(file, pairs, shown=MAX_SHOWN)


# --------------------------------------------------------------------------- containers
@lru_cache(maxsize=65536)
def parse_containers(text: str) -> tuple[tuple[str, int], ...]:
    """``2x22G1;1x42G1`` (``,`` also separates; counts of a code add up, in order of first
    appearance) as ((code, count), ...); ValueError says what is wrong and what is allowed."""
    out: dict[str, int] = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        count_text, sep, code = part.replace("X", "x").partition("x")
        code = code.strip().upper()
        if not sep or not count_text.strip().isdigit() or not code:
            raise ValueError(f"{part!r} must look like 2x42G1 (count x ISO size-type)")
        if code not in CONTAINER_TYPES:
            raise ValueError(
                f"unknown ISO size-type {code!r} (supported: {', '.join(CONTAINER_TYPES)})"
            )
        count = int(count_text)
        if count < 1:
            raise ValueError(f"count for {code} must be at least 1")
        out[code] = out.get(code, 0) + count
    if not out:
        raise ValueError("give at least one container, e.g. 2x42G1, or leave it empty")
    for code, count in out.items():
        if count > MAX_CONTAINER_COUNT:
            raise ValueError(f"at most {MAX_CONTAINER_COUNT} containers of {code}")
    return tuple(out.items())


def containers_text(containers: Sequence[tuple[str, int]]) -> str:
    """The canonical text of ((code, count), ...): ``2x22G1;1x42G1``."""
    return ";".join(f"{count}x{code}" for code, count in containers)
