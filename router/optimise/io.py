"""Tables in, model inputs out: CSV files (CLI) and JSON records (API) for the optimisers.

Every reader collects all problems of a table (row, field, what is wrong) and raises one
:class:`~router.errors.InvalidRequestError` listing them, like the dataset validator. Records are
dicts of field -> value; from CSV every value is a string, from JSON it may be a number, bool or
list. Rows are numbered from 2 in CSV files (row 1 is the header) and from 0 in JSON arrays.

Formats (one header row, ``;`` separates lists inside a cell):

``bookings.csv`` (train load planning)
    container_id, iso_type, length_ft, gross_kg, dg_class, destination, ready, deadline,
    customs_status, priority
``trains.csv`` (one row per wagon group; a departure's rows in marshalling order)
    departure_id, date, origin, service, destinations, max_gross_t, max_length_m, wagon_type,
    wagons, slot_pattern, payload_t, tare_t, wagon_length_m, max_container_t
``shipments.csv`` (batch assignment)
    id, origin, destination, containers, ready, deadline, cargo_class, imdg_class, aeo_level,
    direct_eligible, combined_port_allowed, weight_kg, value_cny, booked, penalty_cny; optional
    joint_declaration_eligible, drug_whitelisted, inspect_first_pilot, ecommerce_regime, origins
    (depot node codes separated by ``;``: the model chooses among them)
``min_loads.csv``
    link_id, departure, min_teu, min_t, fixed_cost_cny; optional hard (true: the departure
    must carry at least that much; false, the default: it runs only with that much, on/off)
``capacities.csv``
    link_id, departure, capacity
``supplies.csv``
    node, teu (stock at a depot that shipments with ``origins`` may take)
``shared_boxes.csv``
    link_id, departure (blank: every departure), box_type (default 45G1), box_m3 (default 68)
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from router.errors import InvalidRecordsError, InvalidRequestError, RouterError
from router.network.model import CargoClass, parse_aeo_level
from router.network.timetable import DepartureKey, departure_key
from router.optimise.assign import MinLoad, SharedBoxes, Shipment
from router.optimise.assign_model import DEFAULT_BOX_M3
from router.optimise.consolidation import (
    BookedContainer,
    CustomsStatus,
    TrainDeparture,
    WagonType,
    parse_patterns,
    pattern_text,
)
from router.routing.request import Cargo, PlaceRef, QuoteRequest, TraderProfile
from router.units import as_cst

T = TypeVar("T")
Record = Mapping[str, Any]


@dataclass
class Problems:
    """Problems found in one table; :meth:`raise_if_any` raises them all at once.

    ``first_row``: the number of the first record (2 in a CSV file, whose row 1 is the header;
    0 in a JSON array, whose problems are then named by path: ``source.index.field``).
    """

    source: str
    first_row: int = 2
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, row: int | None, name: str, message: str) -> None:
        if self.first_row == 0:  # a JSON array: a field path
            path = ".".join(str(p) for p in (self.source, row, name) if p not in (None, ""))
            self.items.append((path, message))
            return
        where = f"row {row + self.first_row}" if row is not None else "table"
        self.items.append((f"{where}, field '{name}'" if name else where, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidRecordsError(self.source, self.items)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts (header names stripped and lower-cased)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = []
            for row in reader:
                rows.append(
                    {
                        (k or "").strip().lower(): (v or "").strip()
                        for k, v in row.items()
                        if k is not None
                    }
                )
            return rows
    except FileNotFoundError:
        raise InvalidRequestError(str(path), "file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidRequestError(str(path), f"cannot read: {exc}") from None


# ------------------------------------------------------------------------------- cells
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(rec: Record, name: str, required: bool = True) -> str | None:
    value = rec.get(name)
    if _blank(value):
        if required:
            raise ValueError("is required")
        return None
    return str(value).strip()


def _float(
    rec: Record, name: str, required: bool = True, default: float | None = None
) -> float | None:
    value: Any = rec.get(name)
    if _blank(value):
        if required:
            raise ValueError("is required")
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _int(rec: Record, name: str, default: int) -> int:
    value: Any = rec.get(name)
    if _blank(value):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a whole number") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


def _bool(rec: Record, name: str, default: bool) -> bool:
    value = rec.get(name)
    if _blank(value):
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "t"):
        return True
    if text in ("0", "false", "no", "n", "f"):
        return False
    raise ValueError(f"{value!r} is not true/false")


def _date(rec: Record, name: str, required: bool = True) -> date | None:
    value = rec.get(name)
    if _blank(value):
        if required:
            raise ValueError("is required")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _datetime(rec: Record, name: str, required: bool = True) -> datetime | None:
    value = rec.get(name)
    if _blank(value):
        if required:
            raise ValueError("is required")
        return None
    if isinstance(value, datetime):
        return as_cst(value)
    try:
        return as_cst(datetime.fromisoformat(str(value).strip()))
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time (ISO 8601, CST if no offset)") from None


def _list(value: Any) -> list[str]:
    if _blank(value):
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if not _blank(v)]
    return [p.strip() for p in str(value).split(";") if p.strip()]


def _rows(
    records: Sequence[Record], source: str, first_row: int, build: Callable[[Record], T]
) -> list[T]:
    problems = Problems(source, first_row)
    out: list[T] = []
    if not records:
        problems.add(None, "", "no rows")
    for k, rec in enumerate(records):
        try:
            out.append(build(rec))
        except _FieldError as exc:
            problems.add(k, exc.name, exc.message)
        except InvalidRequestError as exc:
            problems.add(k, exc.field.split(".")[-1], exc.message)
        except RouterError as exc:
            problems.add(k, "", str(exc))
    problems.raise_if_any()
    return out


class _FieldError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def _get(fn: Callable[..., T], rec: Record, name: str, *args: Any) -> T:
    try:
        return fn(rec, name, *args)
    except ValueError as exc:
        raise _FieldError(name, str(exc)) from None


# --------------------------------------------------------------------------- bookings
def container_from_record(rec: Record) -> BookedContainer:
    cid = _get(_text, rec, "container_id") or ""
    length = _get(_int, rec, "length_ft", 0)
    iso = _get(_text, rec, "iso_type", False) or ""
    if not length and iso:
        length = {"2": 20, "4": 40, "L": 45}.get(iso[:1].upper(), 0)
    status_text = (_get(_text, rec, "customs_status", False) or "export_cleared").lower()
    try:
        status = CustomsStatus(status_text)
    except ValueError:
        raise _FieldError(
            "customs_status",
            f"{status_text!r} is not one of {', '.join(s.value for s in CustomsStatus)}",
        ) from None
    return BookedContainer(
        id=cid,
        iso_type=iso,
        length_ft=length,
        gross_kg=_get(_float, rec, "gross_kg") or 0.0,
        destination=_get(_text, rec, "destination") or "",
        ready=_get(_date, rec, "ready") or date.min,
        deadline=_get(_date, rec, "deadline", False),
        dg_class=_get(_text, rec, "dg_class", False),
        customs_status=status,
        priority=_get(_int, rec, "priority", 1),
    )


def containers_from_records(
    records: Sequence[Record], source: str = "bookings", first_row: int = 2
) -> list[BookedContainer]:
    items = _rows(records, source, first_row, container_from_record)
    require_unique(items, lambda c: c.id, source, "container_id")
    return items


def read_bookings(path: Path) -> list[BookedContainer]:
    return containers_from_records(read_csv(path), str(path))


# ----------------------------------------------------------------------------- trains
@dataclass
class _TrainRows:
    first: int
    head: dict[str, Any]
    wagons: list[WagonType]


def wagon_from_record(rec: Record) -> tuple[WagonType, int]:
    pattern = _get(_text, rec, "slot_pattern") or ""
    try:
        patterns = parse_patterns(pattern)
    except InvalidRequestError as exc:
        raise _FieldError("slot_pattern", exc.message) from None
    limit = _get(_float, rec, "max_container_t", False)
    wagon = WagonType(
        code=_get(_text, rec, "wagon_type") or "",
        patterns=patterns,
        payload_kg=(_get(_float, rec, "payload_t") or 0.0) * 1000.0,
        tare_kg=(_get(_float, rec, "tare_t", False, 0.0) or 0.0) * 1000.0,
        length_m=_get(_float, rec, "wagon_length_m", False, 0.0) or 0.0,
        max_container_kg=None if limit is None else limit * 1000.0,
    )
    count = _get(_int, rec, "wagons", 1)
    if count < 1:
        raise _FieldError("wagons", "must be >= 1")
    return wagon, count


def trains_from_records(
    records: Sequence[Record], source: str = "trains", first_row: int = 2
) -> list[TrainDeparture]:
    """Departures from wagon-group rows (departure fields repeated on each row of a departure)."""
    problems = Problems(source, first_row)
    groups: dict[str, _TrainRows] = {}
    if not records:
        problems.add(None, "", "no rows")
    for k, rec in enumerate(records):
        try:
            dep_id = _get(_text, rec, "departure_id") or ""
            head = {
                "date": _get(_date, rec, "date"),
                "origin": _get(_text, rec, "origin", False) or "",
                "service": _get(_text, rec, "service", False) or "",
                "destinations": tuple(_list(rec.get("destinations"))),
                "max_gross_t": _get(_float, rec, "max_gross_t"),
                "max_length_m": _get(_float, rec, "max_length_m"),
            }
            wagon, count = wagon_from_record(rec)
        except _FieldError as exc:
            problems.add(k, exc.name, exc.message)
            continue
        except InvalidRequestError as exc:
            problems.add(k, exc.field.split(".")[-1], exc.message)
            continue
        group = groups.get(dep_id)
        if group is None:
            groups[dep_id] = _TrainRows(k, head, [wagon] * count)
            continue
        for name, value in head.items():
            if value != group.head[name] and not (name in ("origin", "service") and not value):
                problems.add(
                    k, name, f"differs from the departure's first row ({group.head[name]!r})"
                )
        group.wagons.extend([wagon] * count)
    trains = []
    for dep_id, group in groups.items():
        h = group.head
        try:
            trains.append(
                TrainDeparture(
                    id=dep_id,
                    date=h["date"],
                    destinations=h["destinations"],
                    max_gross_kg=h["max_gross_t"] * 1000.0,
                    max_length_m=h["max_length_m"],
                    wagons=tuple(group.wagons),
                    origin=h["origin"],
                    service=h["service"],
                )
            )
        except InvalidRequestError as exc:
            problems.add(group.first, exc.field.split(".")[-1], exc.message)
    problems.raise_if_any()
    return trains


def read_trains(path: Path) -> list[TrainDeparture]:
    return trains_from_records(read_csv(path), str(path))


# -------------------------------------------------------------------------- shipments
def _containers_spec(value: Any) -> tuple[tuple[str, int], ...]:
    """``2x42G1;1x22G1`` (or ``,`` separated), or a list of such strings / {code, count}."""
    parts: list[Any]
    if isinstance(value, list | tuple):
        parts = list(value)
    else:
        parts = [p for p in str(value).replace(",", ";").split(";") if p.strip()]
    out: dict[str, int] = {}
    for part in parts:
        if isinstance(part, Mapping):
            code, count = str(part.get("code", "")).upper(), part.get("count", 0)
        else:
            count_text, _, code = str(part).strip().partition("x")
            code = code.strip().upper()
            if not code or not count_text.strip().isdigit():
                raise ValueError(f"{part!r} must look like 2x42G1")
            count = int(count_text)
        out[code] = out.get(code, 0) + int(count)
    if not out:
        raise ValueError("give at least one container, e.g. 2x42G1")
    return tuple(out.items())


def parse_booked(value: Any) -> tuple[DepartureKey, ...]:
    """``LINK@2025-03-07T20:00;LINK2@...`` or a list of {link_id, departure}."""
    out = []
    items = value if isinstance(value, list | tuple) else _list(value)
    for item in items:
        if isinstance(item, Mapping):
            link, when = str(item.get("link_id", "")), item.get("departure", "")
        else:
            link, sep, when = str(item).partition("@")
            if not sep:
                raise ValueError(f"{item!r} must look like LINK_ID@2025-03-07T20:00")
        try:
            out.append(departure_key(link.strip(), when.strip() if isinstance(when, str) else when))
        except (TypeError, ValueError):
            raise ValueError(f"{when!r} is not a date-time") from None
    return tuple(out)


def shipment_from_record(rec: Record) -> Shipment:
    try:
        containers = _containers_spec(rec.get("containers"))
    except ValueError as exc:
        raise _FieldError("containers", str(exc)) from None
    cls_text = (_get(_text, rec, "cargo_class", False) or "general").lower()
    aeo_text = (_get(_text, rec, "aeo_level", False) or "none").lower()
    try:
        cargo_class = CargoClass(cls_text)
    except ValueError:
        raise _FieldError("cargo_class", f"{cls_text!r} is not a cargo class") from None
    try:
        aeo = parse_aeo_level(aeo_text)
    except ValueError as exc:
        raise _FieldError("aeo_level", str(exc)) from None
    try:
        booked = parse_booked(rec.get("booked"))
    except ValueError as exc:
        raise _FieldError("booked", str(exc)) from None
    return Shipment(
        id=_get(_text, rec, "id") or "",
        request=QuoteRequest(
            origin=PlaceRef.parse(_get(_text, rec, "origin") or ""),
            destination=PlaceRef.parse(_get(_text, rec, "destination") or ""),
            cargo=Cargo(
                containers=containers,
                weight_kg=_get(_float, rec, "weight_kg", False),
                cargo_class=cargo_class,
                imdg_class=_get(_text, rec, "imdg_class", False),
                ecommerce_regime=_get(_text, rec, "ecommerce_regime", False),
                value_cny=_get(_float, rec, "value_cny", False),
            ),
            ready=_get(_datetime, rec, "ready") or datetime.min,
            deadline=_get(_datetime, rec, "deadline", False),
            trader=TraderProfile(
                aeo_level=aeo,
                direct_eligible=_get(_bool, rec, "direct_eligible", False),
                combined_port_allowed=_get(_bool, rec, "combined_port_allowed", True),
                joint_declaration_eligible=_get(_bool, rec, "joint_declaration_eligible", False),
                drug_whitelisted=_get(_bool, rec, "drug_whitelisted", False),
                inspect_first_pilot=_get(_bool, rec, "inspect_first_pilot", False),
            ),
        ),
        booked=booked,
        unassigned_penalty_cny=_get(_float, rec, "penalty_cny", False),
        origins=tuple(_list(rec.get("origins"))),
    )


def shipments_from_records(
    records: Sequence[Record], source: str = "shipments", first_row: int = 2
) -> list[Shipment]:
    items = _rows(records, source, first_row, shipment_from_record)
    require_unique(items, lambda s: s.id, source, "id")
    return items


def read_shipments(path: Path) -> list[Shipment]:
    return shipments_from_records(read_csv(path), str(path))


def min_load_from_record(rec: Record) -> MinLoad:
    return MinLoad(
        link_id=_get(_text, rec, "link_id") or "",
        departure=_get(_datetime, rec, "departure", False),
        min_teu=_get(_float, rec, "min_teu", False, 0.0) or 0.0,
        min_t=_get(_float, rec, "min_t", False, 0.0) or 0.0,
        fixed_cost_cny=_get(_float, rec, "fixed_cost_cny", False, 0.0) or 0.0,
        hard=_get(_bool, rec, "hard", False),
    )


def min_loads_from_records(
    records: Sequence[Record], source: str = "min_loads", first_row: int = 2
) -> list[MinLoad]:
    return _rows(records, source, first_row, min_load_from_record)


def capacities_from_records(
    records: Sequence[Record], source: str = "capacities", first_row: int = 2
) -> dict[DepartureKey, float]:
    def build(rec: Record) -> tuple[DepartureKey, float]:
        when = _get(_datetime, rec, "departure")
        cap = _get(_float, rec, "capacity")
        assert when is not None and cap is not None
        if cap < 0:
            raise _FieldError("capacity", "must be >= 0")
        return departure_key(_get(_text, rec, "link_id") or "", when), cap

    return dict(_rows(records, source, first_row, build))


def supplies_from_records(
    records: Sequence[Record], source: str = "supplies", first_row: int = 2
) -> dict[str, float]:
    """Stock per depot node code (TEU); a depot listed twice is an error."""

    def build(rec: Record) -> tuple[str, float]:
        teu = _get(_float, rec, "teu")
        assert teu is not None
        if teu < 0:
            raise _FieldError("teu", "must be >= 0")
        return _get(_text, rec, "node") or "", teu

    rows = _rows(records, source, first_row, build)
    require_unique(rows, lambda r: r[0], source, "node")
    return dict(rows)


def shared_boxes_from_records(
    records: Sequence[Record], source: str = "shared_boxes", first_row: int = 2
) -> list[SharedBoxes]:
    """Departures on which LCL shipments may share boxes."""

    def build(rec: Record) -> SharedBoxes:
        return SharedBoxes(
            link_id=_get(_text, rec, "link_id") or "",
            departure=_get(_datetime, rec, "departure", False),
            box_type=(_get(_text, rec, "box_type", False) or "45G1").upper(),
            box_m3=_get(_float, rec, "box_m3", False, DEFAULT_BOX_M3) or DEFAULT_BOX_M3,
        )

    return _rows(records, source, first_row, build)


def require_unique(items: Iterable[T], key: Callable[[T], str], source: str, name: str) -> None:
    """Raise one error naming the first duplicate keys of ``items`` (``name`` in ``source``)."""
    seen: dict[str, int] = {}
    dup = []
    for item in items:
        k = key(item)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] == 2:
            dup.append(k)
    if dup:
        raise InvalidRequestError(source, f"duplicate {name}: {', '.join(dup[:10])}")


# ----------------------------------------------------------------------------- writers
BOOKING_FIELDS = (
    "container_id", "iso_type", "length_ft", "gross_kg", "dg_class", "destination", "ready",
    "deadline", "customs_status", "priority",
)  # fmt: skip
TRAIN_FIELDS = (
    "departure_id", "date", "origin", "service", "destinations", "max_gross_t", "max_length_m",
    "wagon_type", "wagons", "slot_pattern", "payload_t", "tare_t", "wagon_length_m",
    "max_container_t",
)  # fmt: skip


def write_bookings(path: Path, containers: Iterable[BookedContainer]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(BOOKING_FIELDS)
        for c in containers:
            w.writerow(
                [
                    c.id, c.iso_type, c.length_ft, f"{c.gross_kg:g}", c.dg_class or "",
                    c.destination, c.ready.isoformat(), c.deadline.isoformat() if c.deadline else "",
                    c.customs_status.value, c.priority,
                ]
            )  # fmt: skip


def write_trains(path: Path, trains: Iterable[TrainDeparture]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(TRAIN_FIELDS)
        for t in trains:
            for wagon, count in Counter(t.wagons).items():  # the set is a pool: one row per type
                w.writerow(
                    [
                        t.id, t.date.isoformat(), t.origin, t.service, ";".join(t.destinations),
                        f"{t.max_gross_kg / 1000:g}", f"{t.max_length_m:g}", wagon.code, count,
                        "/".join(pattern_text(p) for p in wagon.patterns),
                        f"{wagon.payload_kg / 1000:g}", f"{wagon.tare_kg / 1000:g}",
                        f"{wagon.length_m:g}",
                        "" if wagon.max_container_kg is None else f"{wagon.max_container_kg / 1000:g}",
                    ]
                )  # fmt: skip
