"""The optimisation request models turned into the optimisers' own dataclasses, at the edge.

The pydantic models (:mod:`router.api.optimise_schemas`) have already checked types and bounds;
what is left are the domain's own rules (a reefer cargo needs reefer boxes, a slot pattern must
parse, a departure's wagon groups must agree on its fields...). Every problem of a table is
collected and reported at once, by field path (``shipments.1.destination``,
``trains.0.slot_pattern``), as the CLI's CSV readers (:mod:`router.optimise.io`) report rows.
Text is stripped as those readers strip cells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from router.api.optimise_schemas import (
    AssignmentIn,
    BookedContainerIn,
    CapacityIn,
    ConsolidationIn,
    MinLoadIn,
    SharedBoxesIn,
    ShipmentIn,
    WagonGroupIn,
)
from router.api.schemas import trader_profile
from router.errors import InvalidRecordsError, InvalidRequestError, RouterError
from router.network.timetable import DepartureKey, departure_key
from router.optimise.assign import AssignmentOptions, MinLoad, SharedBoxes, Shipment
from router.optimise.consolidation import (
    BookedContainer,
    ConsolidationOptions,
    CustomsStatus,
    TrainDeparture,
    WagonType,
    parse_patterns,
)
from router.optimise.io import require_unique
from router.routing.request import Cargo, PlaceRef, QuoteRequest

T = TypeVar("T")
R = TypeVar("R")
#: the first letter of an ISO 6346 size code and the container length it means, feet
ISO_LENGTH_FT = {"2": 20, "4": 40, "L": 45}


class _FieldError(Exception):
    """A problem with one field of the row being converted."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass
class _Problems:
    """Problems of one request array, by path ``<source>.<index>.<field>``."""

    source: str
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, index: int, name: str, message: str) -> None:
        path = ".".join(str(p) for p in (self.source, index, name) if p != "")
        self.items.append((path, message))

    def add_error(self, index: int, exc: Exception) -> None:
        if isinstance(exc, _FieldError):
            self.add(index, exc.name, exc.message)
        elif isinstance(exc, InvalidRequestError):
            self.add(index, exc.field.split(".")[-1], exc.message)
        else:
            self.add(index, "", str(exc))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidRecordsError(self.source, self.items)


def _convert(source: str, rows: Sequence[R], build: Callable[[R], T]) -> list[T]:
    """``build`` every row; all problems of the array in one InvalidRecordsError."""
    problems = _Problems(source)
    out: list[T] = []
    for index, row in enumerate(rows):
        try:
            out.append(build(row))
        except (_FieldError, RouterError) as exc:
            problems.add_error(index, exc)
    problems.raise_if_any()
    return out


def _required(text: str, name: str) -> str:
    value = text.strip()
    if not value:
        raise _FieldError(name, "is required")
    return value


# ------------------------------------------------------------------------------ assignment
def shipment(row: ShipmentIn) -> Shipment:
    """A shipment of the batch: its quote request, departures booked today, penalty."""
    shipment_id = _required(row.id, "id")
    counts: dict[str, int] = {}
    for box in row.containers:
        counts[box.type] = counts.get(box.type, 0) + box.count
    request = QuoteRequest(
        origin=PlaceRef.parse(_required(row.origin, "origin")),
        destination=PlaceRef.parse(_required(row.destination, "destination")),
        cargo=Cargo(
            containers=tuple(counts.items()),
            weight_kg=row.weight_kg,
            cargo_class=row.cargo_class,
            imdg_class=row.imdg_class,
            value_cny=row.value_cny,
            ecommerce_regime=row.ecommerce_regime,
        ),
        ready=row.ready,
        deadline=row.deadline,
        trader=trader_profile(row),
    )
    return Shipment(
        id=shipment_id,
        request=request,
        booked=tuple(departure_key(b.link_id.strip(), b.departure) for b in row.booked),
        unassigned_penalty_cny=row.penalty_cny,
        origins=tuple(o.strip() for o in row.origins),
    )


def min_load(row: MinLoadIn) -> MinLoad:
    return MinLoad(
        link_id=_required(row.link_id, "link_id"),
        departure=row.departure,
        min_teu=row.min_teu,
        min_t=row.min_t,
        fixed_cost_cny=row.fixed_cost_cny,
        hard=row.hard,
    )


def shared_boxes(row: SharedBoxesIn) -> SharedBoxes:
    return SharedBoxes(
        link_id=_required(row.link_id, "link_id"),
        departure=row.departure,
        box_type=row.box_type.strip().upper(),
        box_m3=row.box_m3,
    )


def capacity(row: CapacityIn) -> tuple[DepartureKey, float]:
    return departure_key(_required(row.link_id, "link_id"), row.departure), row.capacity


@dataclass(frozen=True, slots=True)
class AssignmentInputs:
    """What a batch assignment solves: shipments, minimum loads, space overrides, options."""

    shipments: list[Shipment]
    min_loads: list[MinLoad]
    capacities: dict[DepartureKey, float] | None
    options: AssignmentOptions
    supplies: dict[str, float]
    shared_boxes: list[SharedBoxes]


def assignment_inputs(body: AssignmentIn, time_limit_s: float) -> AssignmentInputs:
    """The core inputs of ``body`` (InvalidRequestError names each bad field by path)."""
    shipments = _convert("shipments", body.shipments, shipment)
    require_unique(shipments, lambda s: s.id, "shipments", "id")
    rules = _convert("min_loads", body.min_loads, min_load)
    overrides = dict(_convert("capacities", body.capacities, capacity)) if body.capacities else None
    options = AssignmentOptions(
        time_limit_s=time_limit_s,
        seed=body.seed,
        backend=body.backend,
        keep_existing=body.keep_existing,
        method=body.method,
        horizon_days=body.horizon_days,
    )
    supplies: dict[str, float] = {}
    for i, row in enumerate(body.supplies):
        node = _required(row.node, f"supplies.{i}.node")
        if node in supplies:
            raise InvalidRequestError(f"supplies.{i}.node", f"depot {node!r} is listed twice")
        supplies[node] = row.teu
    shared = _convert("shared_boxes", body.shared_boxes, shared_boxes)
    return AssignmentInputs(shipments, rules, overrides, options, supplies, shared)


# --------------------------------------------------------------------------- consolidation
def booked_container(row: BookedContainerIn) -> BookedContainer:
    """A booked container; its length from ``length_ft``, else from its ISO size code."""
    iso = row.iso_type.strip()
    length = row.length_ft or (ISO_LENGTH_FT.get(iso[:1].upper(), 0) if iso else 0)
    return BookedContainer(
        id=_required(row.container_id, "container_id"),
        iso_type=iso,
        length_ft=length,
        gross_kg=row.gross_kg,
        destination=_required(row.destination, "destination"),
        ready=row.ready,
        deadline=row.deadline,
        dg_class=row.dg_class,
        customs_status=CustomsStatus(row.customs_status),
        priority=row.priority,
    )


def wagon_type(row: WagonGroupIn) -> WagonType:
    """The wagon type of one wagon group (payload, tare and limits given in tonnes)."""
    try:
        patterns = parse_patterns(row.slot_pattern.strip())
    except InvalidRequestError as exc:
        raise _FieldError("slot_pattern", exc.message) from None
    return WagonType(
        code=_required(row.wagon_type, "wagon_type"),
        patterns=patterns,
        payload_kg=row.payload_t * 1000.0,
        tare_kg=row.tare_t * 1000.0,
        length_m=row.wagon_length_m,
        max_container_kg=None if row.max_container_t is None else row.max_container_t * 1000.0,
    )


@dataclass
class _Departure:
    """The wagon groups of one departure so far, with the departure's fields from its first."""

    first: int
    head: dict[str, Any]
    wagons: list[WagonType]


def _head(row: WagonGroupIn) -> dict[str, Any]:
    """The departure's fields, repeated on each of its wagon groups."""
    return {
        "date": row.date,
        "origin": row.origin.strip(),
        "service": row.service.strip(),
        "destinations": tuple(d.strip() for d in row.destinations if d.strip()),
        "max_gross_t": row.max_gross_t,
        "max_length_m": row.max_length_m,
    }


def train_departures(rows: Sequence[WagonGroupIn], source: str = "trains") -> list[TrainDeparture]:
    """Departures from wagon groups in marshalling order; the groups of one departure (same
    ``departure_id``) must agree on its fields (origin and service may be left out)."""
    problems = _Problems(source)
    departures: dict[str, _Departure] = {}
    for index, row in enumerate(rows):
        try:
            dep_id = _required(row.departure_id, "departure_id")
            head = _head(row)
            wagon = wagon_type(row)
        except (_FieldError, RouterError) as exc:
            problems.add_error(index, exc)
            continue
        seen = departures.get(dep_id)
        if seen is None:
            departures[dep_id] = _Departure(index, head, [wagon] * row.wagons)
            continue
        for name, value in head.items():
            if value != seen.head[name] and not (name in ("origin", "service") and not value):
                problems.add(
                    index, name, f"differs from the departure's first row ({seen.head[name]!r})"
                )
        seen.wagons.extend([wagon] * row.wagons)
    trains = []
    for dep_id, dep in departures.items():
        head = dep.head
        day: date = head["date"]
        try:
            trains.append(
                TrainDeparture(
                    id=dep_id,
                    date=day,
                    destinations=head["destinations"],
                    max_gross_kg=head["max_gross_t"] * 1000.0,
                    max_length_m=head["max_length_m"],
                    wagons=tuple(dep.wagons),
                    origin=head["origin"],
                    service=head["service"],
                )
            )
        except InvalidRequestError as exc:
            problems.add_error(dep.first, exc)
    problems.raise_if_any()
    return trains


@dataclass(frozen=True, slots=True)
class ConsolidationInputs:
    """What a train load plan solves: booked containers, train departures, options."""

    containers: list[BookedContainer]
    trains: list[TrainDeparture]
    options: ConsolidationOptions


def consolidation_inputs(body: ConsolidationIn, time_limit_s: float) -> ConsolidationInputs:
    """The core inputs of ``body`` (InvalidRequestError names each bad field by path)."""
    containers = _convert("containers", body.containers, booked_container)
    require_unique(containers, lambda c: c.id, "containers", "container_id")
    trains = train_departures(body.trains)
    options = ConsolidationOptions(
        time_limit_s=time_limit_s, seed=body.seed, method=body.method, require_all=body.require_all
    )
    return ConsolidationInputs(containers, trains, options)
