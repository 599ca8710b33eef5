"""The row checks of a demand table: :class:`DemandParser` turns a raw table (text cells of a
CSV file, or typed Parquet/frame columns) into the typed frame of
:data:`~router.scenarios.demand_format.DEMAND_SCHEMA`, collecting every bad cell first and then
raising one :class:`~router.scenarios.demand_format.DemandError`.

The checks are vectorised (polars); per-value Python work is done once per distinct value (codes,
container specs, date-times). The public entry point is :func:`router.scenarios.demand.parse_demand`.
"""

from __future__ import annotations

import csv
import difflib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from router.network.model import (
    ABOLISHED_AEO_LEVELS,
    ECOMMERCE_REGIMES,
    AeoLevel,
    CargoClass,
    Network,
)
from router.routing.places import suggestions
from router.routing.request import CONTAINER_TYPES
from router.scenarios.demand_format import (
    DATETIME_HELP,
    DEMAND_COLUMNS,
    DEMAND_SCHEMA,
    FALSE_WORDS,
    FLAG_DEFAULTS,
    IGNORED_COLUMNS,
    IMDG_ALLOWED,
    IMDG_PATTERN,
    MAX_VALUE_CNY,
    MAX_VOLUME_M3,
    MAX_WEIGHT_KG,
    REQUIRED_COLUMNS,
    TIME_ZONE,
    TRUE_WORDS,
    DemandError,
    DemandIssue,
    containers_text,
    parse_containers,
)
from router.units import DATE_RANGE, as_cst, plausible_date

__all__ = ["DemandParser"]

# the logger of the public module, where the messages have always come from
log = logging.getLogger("router.scenarios.demand")

_ROW = "__row__"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


class DemandParser:
    """One pass over a raw demand table: :meth:`run` returns the typed frame or raises."""

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
