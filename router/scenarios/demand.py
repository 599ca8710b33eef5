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

This module is the public API; the table's format (schema, bounds, the containers notation,
:class:`DemandError`) lives in :mod:`router.scenarios.demand_format` and the row checks in
:mod:`router.scenarios.demand_checks`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from router.network.model import CargoClass, Network, parse_aeo_level
from router.routing.request import Cargo, PlaceRef, QuoteRequest, TraderProfile
from router.scenarios.demand_checks import DemandParser
from router.scenarios.demand_format import (
    DEMAND_COLUMNS,
    DEMAND_SCHEMA,
    FALSE_WORDS,
    FLAG_DEFAULTS,
    REQUIRED_COLUMNS,
    TIME_ZONE,
    TRUE_WORDS,
    DemandError,
    DemandIssue,
    containers_text,
    parse_containers,
)
from router.units import as_cst

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
    return DemandParser(raw, network, file, first_row, csv_path).run()


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
