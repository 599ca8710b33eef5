"""Demand tables: the shipments a scenario routes, read from CSV or Parquet and validated whole.

One row is one shipment, quoted as the API would quote it (:func:`request_of`). Columns (CSV
header names, any case; ``docs/demand.md`` describes them for users):

* ``id`` (unique), ``origin``, ``destination``: a node id or UN/LOCODE the network knows;
* ``containers``: ISO 6346 size-type codes with counts, ``2x22G1;1x42G1`` (``,`` also
  separates); empty for loose cargo;
* ``weight_kg`` (cargo gross weight without tare, kilograms; loose cargo needs it),
  ``volume_m3`` (cubic metres);
* ``cargo_class`` (general | reefer | dangerous | pharma | ecommerce, default general),
  ``imdg_class`` (dangerous goods: IMDG class or division), ``ecommerce_regime`` (9610 | 9710 |
  9810 | 1210, ecommerce cargo only);
* ``ready`` and ``deadline`` (ISO 8601 date-times; naive ones are China Standard Time;
  deadline optional);
* the trader: ``aeo_level`` (none | advanced), ``direct_eligible``, ``combined_port_allowed``
  (default true), ``joint_declaration_eligible``, ``inspect_first_pilot``, ``drug_whitelisted``
  (true/false, yes/no, 1/0; default false);
* ``value_cny``: declared cargo value, CNY (the request derives its value of time from it).

Required: ``id``, ``origin``, ``destination``, ``ready`` and one of ``containers`` /
``weight_kg``. The batch assignment's columns ``booked``, ``penalty_cny`` and ``origins``
(``data/samples/shipments.csv``) are accepted and ignored; any other column is an error.

:func:`read_demand` returns a frame of :data:`DEMAND_SCHEMA` (``ready``/``deadline`` as
``Datetime('us', 'Asia/Shanghai')``, ``containers`` in canonical form, defaults filled in) or
raises :class:`DemandError` naming every bad cell: file, row (CSV line number; Parquet row index
+ 1), column, what is wrong and what is allowed. The checks are vectorised (polars); per-value
Python work is done once per distinct value (codes, container specs, date-times).
"""

from __future__ import annotations

import csv
import difflib
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from router.errors import InvalidRecordsError
from router.network.model import (
    ABOLISHED_AEO_LEVELS,
    ECOMMERCE_REGIMES,
    AeoLevel,
    CargoClass,
    Network,
    parse_aeo_level,
)
from router.routing.places import suggestions
from router.routing.request import CONTAINER_TYPES, Cargo, PlaceRef, QuoteRequest, TraderProfile
from router.units import DATE_RANGE, as_cst, plausible_date

__all__ = [
    "DEMAND_COLUMNS",
    "DEMAND_SCHEMA",
    "REQUIRED_COLUMNS",
    "DemandError",
    "DemandIssue",
    "containers_text",
    "demand_requests",
    "parse_containers",
    "parse_demand",
    "read_demand",
    "request_of",
    "validate_demand",
    "write_demand",
]

log = logging.getLogger(__name__)

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

_ROW = "__row__"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


# ------------------------------------------------------------------------------ reading
def read_demand(path: Path, network: Network | None = None) -> pl.DataFrame:
    """The validated, typed demand table of a CSV or Parquet file (by suffix: ``.csv``,
    ``.parquet``/``.pq``); with ``network``, origins and destinations must resolve in it."""
    file = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise DemandError(file, [DemandIssue(file, None, "", "give a .csv or .parquet file")])
    if not path.is_file():
        raise DemandError(file, [DemandIssue(file, None, "", "file not found")])
    try:
        if suffix == ".csv":
            raw = pl.read_csv(path, infer_schema=False, encoding="utf8")
        else:
            raw = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DemandError(file, [DemandIssue(file, None, "", f"cannot read: {text}")]) from None
    if suffix == ".csv":
        return parse_demand(raw, network, file, first_row=2, csv_path=path)
    return parse_demand(raw, network, file, first_row=1)


def validate_demand(df: pl.DataFrame, network: Network | None, file: str = "demand") -> None:
    """Raise :class:`DemandError` listing every problem of ``df`` (rows numbered from 1)."""
    parse_demand(df, network, file)


def parse_demand(
    raw: pl.DataFrame,
    network: Network | None = None,
    file: str = "demand",
    first_row: int = 1,
    csv_path: Path | None = None,
) -> pl.DataFrame:
    """The typed frame (:data:`DEMAND_SCHEMA`) of a raw table whose cells are text (CSV) or
    typed (Parquet, a frame): every problem is collected, then one :class:`DemandError` raised.
    ``first_row``: the number of the first data row (2 in a CSV file); ``csv_path``: the file,
    to number rows by their line when cells span lines."""
    return _Parser(raw, network, file, first_row, csv_path).run()


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


# ------------------------------------------------------------------------------ parser
def _clean_name(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def _text(expr: pl.Expr) -> pl.Expr:
    """Stripped text, blanks as null."""
    stripped = expr.cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _is_text(dtype: pl.DataType) -> bool:
    return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum | pl.Categorical)


def _epoch_us(moment: datetime) -> int:
    return (as_cst(moment) - _EPOCH) // timedelta(microseconds=1)


def _parse_moment(text: str) -> int | str:
    """Microseconds since 1970 of an ISO date-time (naive: CST), or what is wrong with it."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return f"{text!r} is not a date-time ({DATETIME_HELP})"
    if not plausible_date(as_cst(moment)):
        return f"{text!r}: {DATE_RANGE}"
    return _epoch_us(moment)


class _Parser:
    def __init__(
        self,
        raw: pl.DataFrame,
        network: Network | None,
        file: str,
        first_row: int,
        csv_path: Path | None,
    ) -> None:
        self.network = network
        self.file = file
        self.first_row = first_row
        self.csv_path = csv_path
        self.table_issues: list[DemandIssue] = []
        self.cell_issues: list[pl.DataFrame] = []
        self.missing: set[str] = set()
        by_locode: dict[str, set[str]] = {}
        for node in network.nodes.values() if network is not None else ():
            if node.unlocode:
                by_locode.setdefault(node.unlocode.upper(), set()).add(node.id)
        self.locodes = {k: frozenset(v) for k, v in by_locode.items()}
        self.raw = self._columns(raw)

    # ---------------------------------------------------------------- columns
    def _columns(self, raw: pl.DataFrame) -> pl.DataFrame:
        names = [_clean_name(c) for c in raw.columns]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self.table_issues.append(DemandIssue(self.file, None, name, "column given twice"))
            seen.add(name)
        if len(seen) < len(names):
            return pl.DataFrame()
        raw = raw.rename(dict(zip(raw.columns, names, strict=True)))
        allowed = (*DEMAND_COLUMNS, *IGNORED_COLUMNS)
        for name in names:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}? " if close else ""
                self.table_issues.append(
                    DemandIssue(
                        self.file,
                        None,
                        name,
                        f"unknown column; {hint}allowed: {', '.join(allowed)}",
                    )
                )
        ignored = [n for n in names if n in IGNORED_COLUMNS]
        if ignored:
            log.info("%s: ignoring batch-assignment column(s) %s", self.file, ", ".join(ignored))
        for name in REQUIRED_COLUMNS:
            if name not in names:
                self._missing(name, f"missing column (required: {', '.join(REQUIRED_COLUMNS)})")
        if "containers" not in names and "weight_kg" not in names:
            self._missing("containers", "missing column: give containers or weight_kg (or both)")
        keep = [n for n in names if n in DEMAND_SCHEMA]
        raw = raw.select(keep).with_row_index(_ROW)
        # blank CSV lines come back as rows of nulls: skip them
        if keep:
            raw = raw.filter(~pl.all_horizontal(pl.col(keep).is_null()))
        absent = [n for n in DEMAND_SCHEMA if n not in keep]
        return raw.with_columns(pl.lit(None, pl.String).alias(n) for n in absent)

    def _missing(self, name: str, message: str) -> None:
        self.missing.add(name)
        self.table_issues.append(DemandIssue(self.file, None, name, message))

    def _bad(self, frame: pl.DataFrame, mask: pl.Expr, column: str, message: pl.Expr) -> None:
        bad = frame.filter(mask).select(
            pl.col(_ROW), pl.lit(column).alias("column"), message.cast(pl.String).alias("message")
        )
        if bad.height:
            self.cell_issues.append(bad)

    # ---------------------------------------------------------------- run
    def run(self) -> pl.DataFrame:
        raw = self.raw
        if raw.width == 0:
            self._raise()
        if raw.height == 0 and not self.table_issues:
            self.table_issues.append(DemandIssue(self.file, None, "", "no rows"))
        exprs = [
            pl.col(_ROW),
            self._ids(raw),
            *self._places(raw),
            *self._cargo(raw),
            *self._times(raw),
            *self._trader(raw),
        ]
        helpers = [
            self.payload.alias("__payload__"),
            self.reefer_boxes.alias("__reefer__"),
            _text(pl.col("containers")).alias("__spec__"),
            _text(pl.col("weight_kg")).is_null().alias("__no_weight_text__"),
        ]
        out = raw.select(*exprs, *helpers)
        self._rules(out)
        if self.table_issues or self.cell_issues:
            self._raise()
        return out.select(pl.col(name).cast(dtype) for name, dtype in DEMAND_SCHEMA.items())

    def _raise(self) -> None:
        issues = list(self.table_issues)
        if self.cell_issues:
            order = {name: k for k, name in enumerate(DEMAND_COLUMNS)}
            cells = (
                pl.concat(self.cell_issues)
                .with_columns(
                    pl.col("column").replace_strict(order, default=len(order)).alias("__order__")
                )
                .sort(_ROW, "__order__")
            )
            rows = self._row_numbers(cells[_ROW])
            issues.extend(
                DemandIssue(self.file, row, column, message)
                for row, column, message in zip(
                    rows, cells["column"].to_list(), cells["message"].to_list(), strict=True
                )
            )
        raise DemandError(self.file, issues)

    def _row_numbers(self, index: pl.Series) -> list[int]:
        """Display numbers of 0-based row indices: CSV line numbers (cells may span lines)."""
        if self.csv_path is not None:
            starts = _csv_line_starts(self.csv_path)
            if starts is not None:
                return [starts[i] if i < len(starts) else i + self.first_row for i in index]
        return [i + self.first_row for i in index.to_list()]

    # ---------------------------------------------------------------- ids and places
    def _ids(self, raw: pl.DataFrame) -> pl.Expr:
        ids = raw.select(pl.col(_ROW), _text(pl.col("id")).alias("id"))
        if "id" not in self.missing:
            self._bad(ids, pl.col("id").is_null(), "id", pl.lit("is required (a unique text)"))
        dup = ids.filter(pl.col("id").is_not_null() & pl.col("id").is_duplicated())
        dup = dup.with_columns(pl.col(_ROW).min().over("id").alias("__first__")).filter(
            pl.col(_ROW) != pl.col("__first__")
        )
        if dup.height:
            rows = self._row_numbers(dup["__first__"])
            dup = dup.with_columns(pl.Series("__first__", rows))
            self._bad(
                dup,
                pl.lit(True),
                "id",
                pl.format("duplicate id '{}' (first at row {})", pl.col("id"), pl.col("__first__")),
            )
        return _text(pl.col("id")).alias("id")

    def _places(self, raw: pl.DataFrame) -> list[pl.Expr]:
        exprs = []
        for name in ("origin", "destination"):
            text = _text(pl.col(name))
            if name not in self.missing:
                self._bad(
                    raw,
                    text.is_null(),
                    name,
                    pl.lit("is required (a node id or UN/LOCODE of the network)"),
                )
            if self.network is not None:
                codes = raw.select(text.alias("c")).drop_nulls().unique()["c"].to_list()
                unknown = {c: self._unknown_place(c) for c in codes if not self._resolve(c)}
                if unknown:
                    self._bad(
                        raw,
                        text.is_in(list(unknown)),
                        name,
                        text.replace_strict(unknown, default=None, return_dtype=pl.String),
                    )
            exprs.append(text.alias(name))
        if self.network is not None:
            pairs = raw.select(
                _text(pl.col("origin")).alias("o"), _text(pl.col("destination")).alias("d")
            )
            same = [
                f"{o}\x1f{d}"
                for o, d in pairs.drop_nulls().unique().iter_rows()
                if o == d or (self._resolve(o) & self._resolve(d))
            ]
            if same:
                key = pl.concat_str(
                    [_text(pl.col("origin")), _text(pl.col("destination"))], separator="\x1f"
                )
                self._bad(
                    raw,
                    key.is_in(same),
                    "destination",
                    pl.format(
                        "'{}' is the same place as the origin '{}' (a route needs two places)",
                        _text(pl.col("destination")),
                        _text(pl.col("origin")),
                    ),
                )
        return exprs

    def _resolve(self, code: str) -> frozenset[str]:
        """Node ids of a code, as the router resolves it (router.routing.places.resolve_code)."""
        assert self.network is not None
        if code in self.network.nodes:
            return frozenset((code,))
        return self.locodes.get(code.upper(), frozenset())

    def _unknown_place(self, code: str) -> str:
        assert self.network is not None
        nodes = [self.network.nodes[k] for k in sorted(self.network.nodes)]
        close = suggestions(nodes, code)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"unknown node or UN/LOCODE {code!r}{hint}"

    # ---------------------------------------------------------------- cargo
    def _cargo(self, raw: pl.DataFrame) -> list[pl.Expr]:
        exprs: list[pl.Expr] = []
        spec = _text(pl.col("containers"))
        texts = raw.select(spec.alias("c")).drop_nulls().unique()["c"].to_list()
        canonical: dict[str, str] = {}
        teu: dict[str, float] = {}
        payload: dict[str, float] = {}
        reefer: dict[str, bool] = {}
        errors: dict[str, str] = {}
        for text in texts:
            try:
                boxes = parse_containers(text)
            except ValueError as exc:
                errors[text] = str(exc)
                continue
            canonical[text] = containers_text(boxes)
            teu[text] = float(sum(CONTAINER_TYPES[c].teu * n for c, n in boxes))
            payload[text] = sum(CONTAINER_TYPES[c].max_payload_kg * n for c, n in boxes)
            reefer[text] = any(CONTAINER_TYPES[c].reefer for c, _ in boxes)
        if errors:
            self._bad(
                raw,
                spec.is_in(list(errors)),
                "containers",
                spec.replace_strict(errors, default=None, return_dtype=pl.String),
            )
        exprs.append(
            spec.replace_strict(canonical, default=None, return_dtype=pl.String).alias("containers")
        )
        self.payload = spec.replace_strict(payload, default=None, return_dtype=pl.Float64)
        self.reefer_boxes = spec.replace_strict(reefer, default=None, return_dtype=pl.Boolean)
        for name, limit, what in (
            ("weight_kg", MAX_WEIGHT_KG, "kilograms"),
            ("volume_m3", MAX_VOLUME_M3, "cubic metres"),
        ):
            exprs.append(self._number(raw, name, what, limit, positive=True))
        exprs.append(self._number(raw, "value_cny", "CNY", MAX_VALUE_CNY, positive=False))
        exprs.append(
            self._choice(raw, "cargo_class", [c.value for c in CargoClass], CargoClass.GENERAL)
        )
        imdg = _text(pl.col("imdg_class"))
        self._bad(
            raw,
            imdg.is_not_null() & ~imdg.str.contains(IMDG_PATTERN),
            "imdg_class",
            pl.format(
                "'{}' is not an IMDG class or division (allowed: {})", imdg, pl.lit(IMDG_ALLOWED)
            ),
        )
        exprs.append(imdg.alias("imdg_class"))
        regimes = ", ".join(f"{k} {v}" for k, v in ECOMMERCE_REGIMES.items())
        regime = _text(pl.col("ecommerce_regime"))
        self._bad(
            raw,
            regime.is_not_null() & ~regime.is_in(list(ECOMMERCE_REGIMES)),
            "ecommerce_regime",
            pl.format("'{}' is not an e-commerce regime (allowed: {})", regime, pl.lit(regimes)),
        )
        exprs.append(regime.alias("ecommerce_regime"))
        return exprs

    def _number(
        self, raw: pl.DataFrame, name: str, what: str, limit: float, positive: bool
    ) -> pl.Expr:
        col = raw[name]
        bound = "> 0" if positive else ">= 0"
        if col.dtype == pl.Boolean:
            self._bad(
                raw, pl.col(name).is_not_null(), name, pl.lit(f"is not a number ({what} {bound})")
            )
            return pl.lit(None, pl.Float64).alias(name)
        if col.dtype.is_numeric():
            value = pl.col(name).cast(pl.Float64)
        else:
            text = _text(pl.col(name))
            value = text.cast(pl.Float64, strict=False)
            self._bad(
                raw,
                text.is_not_null() & value.is_null(),
                name,
                pl.format("'{}' is not a number ({} {})", text, pl.lit(what), pl.lit(bound)),
            )
        finite = value.is_finite()
        low = value <= 0 if positive else value < 0
        self._bad(
            raw,
            value.is_not_null() & (~finite | low | (value > limit)),
            name,
            pl.format(
                "{} is out of range ({} {}, at most {})",
                value,
                pl.lit(what),
                pl.lit(bound),
                pl.lit(f"{limit:g}"),
            ),
        )
        return value.alias(name)

    def _choice(self, raw: pl.DataFrame, name: str, allowed: list[str], default: str) -> pl.Expr:
        text = _text(pl.col(name)).str.to_lowercase()
        self._bad(
            raw,
            text.is_not_null() & ~text.is_in(allowed),
            name,
            pl.format(
                "'{}' is not allowed (allowed: {})", _text(pl.col(name)), pl.lit(", ".join(allowed))
            ),
        )
        return text.fill_null(default).alias(name)

    # ---------------------------------------------------------------- times
    def _times(self, raw: pl.DataFrame) -> list[pl.Expr]:
        exprs = []
        for name in ("ready", "deadline"):
            col = raw[name]
            if isinstance(col.dtype, pl.Datetime):
                moment = pl.col(name)
                moment = (
                    moment.dt.replace_time_zone(TIME_ZONE)
                    if col.dtype.time_zone is None
                    else moment.dt.convert_time_zone(TIME_ZONE)
                )
                moment = moment.dt.cast_time_unit("us")
            elif col.dtype == pl.Date:
                moment = pl.col(name).cast(pl.Datetime("us")).dt.replace_time_zone(TIME_ZONE)
            else:
                text = _text(pl.col(name))
                values = raw.select(text.alias("t")).drop_nulls().unique()["t"].to_list()
                parsed = {t: _parse_moment(t) for t in values}
                good = {t: v for t, v in parsed.items() if isinstance(v, int)}
                bad = {t: v for t, v in parsed.items() if isinstance(v, str)}
                if bad:
                    self._bad(
                        raw,
                        text.is_in(list(bad)),
                        name,
                        text.replace_strict(bad, default=None, return_dtype=pl.String),
                    )
                moment = (
                    text.replace_strict(good, default=None, return_dtype=pl.Int64)
                    .cast(pl.Datetime("us", "UTC"))
                    .dt.convert_time_zone(TIME_ZONE)
                )
            if not _is_text(col.dtype) and col.dtype != pl.Null:
                year = moment.dt.year()
                self._bad(
                    raw,
                    moment.is_not_null() & ((year < 2000) | (year > 2099)),
                    name,
                    pl.format("{}: {}", moment, pl.lit(DATE_RANGE)),
                )
            if name == "ready" and "ready" not in self.missing:
                self._bad(
                    raw,
                    pl.col(name).is_null(),
                    name,
                    pl.lit(f"is required ({DATETIME_HELP})"),
                )
            exprs.append(moment.alias(name))
        return exprs

    # ---------------------------------------------------------------- trader
    def _trader(self, raw: pl.DataFrame) -> list[pl.Expr]:
        exprs = []
        text = _text(pl.col("aeo_level")).str.to_lowercase()
        levels = [a.value for a in AeoLevel]
        for word, why in ABOLISHED_AEO_LEVELS.items():
            self._bad(raw, text == word, "aeo_level", pl.lit(why))
        self._bad(
            raw,
            text.is_not_null() & ~text.is_in(levels) & ~text.is_in(list(ABOLISHED_AEO_LEVELS)),
            "aeo_level",
            pl.format(
                "unknown AEO level '{}' (allowed: {})",
                _text(pl.col("aeo_level")),
                pl.lit(", ".join(levels)),
            ),
        )
        exprs.append(text.fill_null(AeoLevel.NONE.value).alias("aeo_level"))
        for name, default in FLAG_DEFAULTS.items():
            exprs.append(self._flag(raw, name, default))
        return exprs

    def _flag(self, raw: pl.DataFrame, name: str, default: bool) -> pl.Expr:
        col = raw[name]
        if col.dtype == pl.Boolean:
            return pl.col(name).fill_null(default).alias(name)
        if col.dtype.is_integer():
            self._bad(
                raw,
                pl.col(name).is_not_null() & ~pl.col(name).is_in([0, 1]),
                name,
                pl.format("{} is not true/false (1 or 0)", pl.col(name)),
            )
            return (pl.col(name) == 1).fill_null(default).alias(name)
        text = _text(pl.col(name)).str.to_lowercase()
        value = (
            pl.when(text.is_in(TRUE_WORDS))
            .then(True)
            .when(text.is_in(FALSE_WORDS))
            .then(False)
            .otherwise(None)
        )
        self._bad(
            raw,
            text.is_not_null() & value.is_null(),
            name,
            pl.format(
                "'{}' is not true/false (allowed: {} / {})",
                _text(pl.col(name)),
                pl.lit(", ".join(TRUE_WORDS)),
                pl.lit(", ".join(FALSE_WORDS)),
            ),
        )
        return value.fill_null(default).alias(name)

    # ---------------------------------------------------------------- row rules
    def _rules(self, out: pl.DataFrame) -> None:
        """The cross-field rules of router.routing.request (Cargo, QuoteRequest)."""
        frame = out
        loose = pl.col("__spec__").is_null()
        if "weight_kg" not in self.missing or "containers" not in self.missing:
            self._bad(
                frame,
                loose & pl.col("__no_weight_text__"),
                "weight_kg",
                pl.lit("loose cargo (no containers) needs weight_kg (kilograms > 0)"),
            )
        self._bad(
            frame,
            pl.col("weight_kg") > pl.col("__payload__"),
            "weight_kg",
            pl.format(
                "{} kg exceeds the containers' payload {} kg",
                pl.col("weight_kg"),
                pl.col("__payload__"),
            ),
        )
        self._bad(
            frame,
            (pl.col("cargo_class") == CargoClass.DANGEROUS.value) & pl.col("imdg_class").is_null(),
            "imdg_class",
            pl.lit(f"dangerous goods need an IMDG class or division ({IMDG_ALLOWED})"),
        )
        self._bad(
            frame,
            (pl.col("cargo_class") == CargoClass.REEFER.value) & (pl.col("__reefer__") == False),  # noqa: E712
            "containers",
            pl.format(
                "reefer cargo needs reefer containers (22R1, 42R1, 45R1), not {}",
                pl.col("containers"),
            ),
        )
        self._bad(
            frame,
            pl.col("ecommerce_regime").is_not_null()
            & (pl.col("cargo_class") != CargoClass.ECOMMERCE.value),
            "ecommerce_regime",
            pl.format(
                "an e-commerce regime needs cargo_class ecommerce, not {}", pl.col("cargo_class")
            ),
        )
        self._bad(
            frame,
            pl.col("deadline") <= pl.col("ready"),
            "deadline",
            pl.format(
                "{} is not after the ready time {}",
                pl.col("deadline").dt.strftime("%Y-%m-%dT%H:%M%:z"),
                pl.col("ready").dt.strftime("%Y-%m-%dT%H:%M%:z"),
            ),
        )


def _csv_line_starts(path: Path) -> list[int] | None:
    """The line number where each data record of a CSV file starts (header = line 1), or None
    if the file cannot be read again."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            starts = []
            last = reader.line_num
            for _ in reader:
                starts.append(last + 1)
                last = reader.line_num
            return starts
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


# ----------------------------------------------------------------------------- requests
def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


def _opt_float(value: Any) -> float | None:
    return None if _blank(value) else float(value)


def _opt_text(value: Any) -> str | None:
    return None if _blank(value) else str(value).strip()


def _flag_value(value: Any, default: bool) -> bool:
    if _blank(value):
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not true/false")


def _moment(value: Any) -> datetime | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return as_cst(value)
    if isinstance(value, date):
        return as_cst(datetime(value.year, value.month, value.day))
    return as_cst(datetime.fromisoformat(str(value).strip()))


def request_of(row: Mapping[str, Any]) -> QuoteRequest:
    """The quote request of one demand row (a row of :func:`read_demand`'s frame, or a dict of
    text cells), as the API builds it for the same fields: defaults of the API for what the row
    leaves out (trader flags, cargo class), no constraints, default preferences (the value of
    time derived from ``value_cny``)."""
    spec = _opt_text(row.get("containers"))
    ready = _moment(row.get("ready"))
    if ready is None:
        raise ValueError("ready is required")
    return QuoteRequest(
        origin=PlaceRef.parse(str(row["origin"]).strip()),
        destination=PlaceRef.parse(str(row["destination"]).strip()),
        cargo=Cargo(
            containers=parse_containers(spec) if spec else (),
            weight_kg=_opt_float(row.get("weight_kg")),
            volume_m3=_opt_float(row.get("volume_m3")),
            cargo_class=CargoClass((_opt_text(row.get("cargo_class")) or "general").lower()),
            imdg_class=_opt_text(row.get("imdg_class")),
            value_cny=_opt_float(row.get("value_cny")),
            ecommerce_regime=_opt_text(row.get("ecommerce_regime")),
        ),
        ready=ready,
        deadline=_moment(row.get("deadline")),
        trader=TraderProfile(
            aeo_level=parse_aeo_level(_opt_text(row.get("aeo_level")) or "none"),
            **{name: _flag_value(row.get(name), d) for name, d in FLAG_DEFAULTS.items()},
        ),
    )


def demand_requests(df: pl.DataFrame) -> Iterator[tuple[str, QuoteRequest]]:
    """(shipment id, quote request) of every row of a validated demand frame, in order."""
    for row in df.iter_rows(named=True):
        yield str(row["id"]), request_of(row)


# ------------------------------------------------------------------------------ writing
def write_demand(df: pl.DataFrame, path: Path) -> None:
    """Write a demand frame: ``.csv`` (ready/deadline as naive CST ``YYYY-MM-DDTHH:MM``, as a
    user would write them) or ``.parquet`` (zstd, typed)."""
    frame = df.select(DEMAND_COLUMNS)
    if path.suffix.lower() == ".csv":
        frame.with_columns(
            pl.col("ready", "deadline")
            .dt.convert_time_zone(TIME_ZONE)
            .dt.strftime("%Y-%m-%dT%H:%M")
        ).write_csv(path)
    else:
        frame.write_parquet(path, compression="zstd", compression_level=19, statistics=False)
