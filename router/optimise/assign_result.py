"""Results of the batch assignment: each shipment's path (or why it stays unassigned), each
dated departure's load, whether it runs and the value of its space, and the solve report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from router.network.timetable import DepartureKey, departure_label
from router.optimise.candidates import Candidate
from router.optimise.ortools_util import SolveInfo, SolveStatus
from router.routing.itinerary import alternative_document
from router.routing.search import Search
from router.units import as_cst


@dataclass(frozen=True, slots=True)
class ShipmentAssignment:
    shipment_id: str
    status: str  # assigned | unassigned | fixed
    candidate: Candidate | None
    search: Search | None
    reasons: tuple[str, ...] = ()
    moved: bool = False  # had a booking, now on another path
    penalty_cny: float = 0.0
    candidates: int = 0
    #: departures on which it rides boxes shared with other LCL shipments (their cost is the
    #: departure's ``box_cost_cny``), and the freight it does not pay there (CNY)
    shared_boxes: tuple[DepartureKey, ...] = ()
    freight_shared_cny: float = 0.0

    @property
    def generalised_cost_cny(self) -> float:
        """Its path's generalised cost less the freight its shared boxes carry."""
        if self.candidate is None:
            return 0.0
        return self.candidate.generalised_cost_cny - self.freight_shared_cny

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "shipment_id": self.shipment_id,
            "status": self.status,
            "reasons": list(self.reasons),
            "candidates": self.candidates,
        }
        if self.candidate is not None and self.search is not None:
            alt = alternative_document(self.search, self.candidate.route, [])
            for leg in alt["legs"]:
                leg.pop("geometry", None)
            doc.update(
                {
                    "moved": self.moved,
                    "departure": alt["departure"],
                    "arrival": alt["arrival"],
                    "duration_h": alt["duration_h"],
                    "cost": alt["cost"],
                    "generalised_cost_cny": round(self.generalised_cost_cny, 2),
                    "shared_boxes": [
                        {"link_id": k[0], "departure": k[1].isoformat()} for k in self.shared_boxes
                    ],
                    "freight_in_shared_boxes_cny": round(self.freight_shared_cny, 2),
                    "co2e_kg": alt["co2e_kg"],
                    "summary": alt["summary"],
                    "departures": [
                        {"link_id": k[0], "departure": k[1].isoformat()}
                        for k in self.candidate.departures
                    ],
                    "legs": alt["legs"],
                    "customs_events": alt["customs_events"],
                }
            )
        else:
            doc["penalty_cny"] = round(self.penalty_cny, 2)
        return doc


@dataclass(frozen=True, slots=True)
class DepartureUsage:
    key: DepartureKey
    mode: str
    unit: str  # TEU | kg
    capacity: float | None
    load: float
    fixed_load: float
    load_t: float
    runs: bool
    min_teu: float = 0.0
    min_t: float = 0.0
    fixed_cost_cny: float = 0.0
    shadow_price_cny: float | None = None  # per one more unit of space (LP dual)
    shipments: tuple[str, ...] = ()
    #: boxes booked to carry LCL shipments together, their ISO type and their freight (CNY)
    shared_boxes: int = 0
    box_type: str | None = None
    box_cost_cny: float = 0.0

    @property
    def utilisation(self) -> float | None:
        if self.capacity is None:
            return None
        return self.load / self.capacity if self.capacity > 0 else (1.0 if self.load else 0.0)

    @property
    def binding(self) -> bool:
        return self.capacity is not None and self.runs and self.load >= self.capacity - 1e-6

    @property
    def value_of_space_cny(self) -> float | None:
        """What one more unit of space would save (CNY): the LP dual of the capacity, reported
        only where the capacity binds in the plan. Elsewhere the relaxation may still price it
        (fractional shipments fill the rest), which one more unit cannot earn in whole ones."""
        return self.shadow_price_cny if self.binding else None

    def to_dict(self) -> dict[str, Any]:
        util = self.utilisation
        return {
            "link_id": self.key[0],
            "departure": self.key[1].isoformat(),
            "mode": self.mode,
            "unit": self.unit,
            "capacity": self.capacity,
            "load": round(self.load, 3),
            "fixed_load": round(self.fixed_load, 3),
            "load_t": round(self.load_t, 3),
            "utilisation": None if util is None else round(util, 4),
            "runs": self.runs,
            "min_teu": self.min_teu or None,
            "min_t": self.min_t or None,
            "fixed_cost_cny": self.fixed_cost_cny or None,
            "binding": self.binding,
            "shadow_price_cny_per_unit": None
            if self.value_of_space_cny is None
            else round(self.value_of_space_cny, 2),
            "shipments": list(self.shipments),
            "shared_boxes": self.shared_boxes or None,
            "box_type": self.box_type if self.shared_boxes else None,
            "box_cost_cny": round(self.box_cost_cny, 2) if self.shared_boxes else None,
        }


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    info: SolveInfo
    assignments: tuple[ShipmentAssignment, ...]
    departures: tuple[DepartureUsage, ...]
    candidate_paths: int
    searches: int
    lp_status: str | None = None
    lp_objective: float | None = None

    @property
    def status(self) -> SolveStatus:
        return self.info.status

    def assignment(self, shipment_id: str) -> ShipmentAssignment:
        for a in self.assignments:
            if a.shipment_id == shipment_id:
                return a
        raise KeyError(shipment_id)

    def departure(self, link_id: str, when: datetime) -> DepartureUsage | None:
        key = (link_id, as_cst(when))
        return next((d for d in self.departures if d.key == key), None)

    @property
    def total_cost_cny(self) -> float:
        return round(
            sum(
                a.generalised_cost_cny
                for a in self.assignments
                if a.candidate and a.status in ("assigned", "fixed")
            )
            + sum(a.penalty_cny for a in self.assignments if a.status == "unassigned")
            + sum(d.fixed_cost_cny for d in self.departures if d.runs)
            + sum(d.box_cost_cny for d in self.departures),
            2,
        )

    def summary(self) -> str:
        n = len(self.assignments)
        assigned = sum(1 for a in self.assignments if a.status == "assigned")
        fixed = sum(1 for a in self.assignments if a.status == "fixed")
        lines = [
            f"assignment: {assigned} assigned, {fixed} fixed, {n - assigned - fixed} unassigned of {n}; "
            + self.info.summary()
        ]
        for a in self.assignments:
            if a.candidate is not None and a.search is not None:
                lines.append(
                    f"  {a.shipment_id:<12} {a.status:<10} arrive {a.candidate.arrival:%Y-%m-%d %H:%M} "
                    f"GC CNY {a.candidate.generalised_cost_cny:>12,.0f}  "
                    + " > ".join(departure_label(k) for k in a.candidate.departures)
                )
            else:
                lines.append(f"  {a.shipment_id:<12} {a.status:<10} {'; '.join(a.reasons)}")
        for d in self.departures:
            if d.capacity is None and not (d.min_teu or d.min_t):
                continue
            util = d.utilisation
            lines.append(
                f"  {departure_label(d.key):<36} {'runs' if d.runs else 'CANCELLED':<9} "
                f"{d.load:>8.1f}/{d.capacity if d.capacity is not None else '-'} {d.unit}"
                + (f" ({100 * util:.0f}%)" if util is not None else "")
                + (
                    f"  value of space CNY {d.value_of_space_cny:,.0f}/{d.unit}"
                    if d.value_of_space_cny
                    else ""
                )
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.info.status.value,
            "solve": self.info.to_dict(),
            "total_generalised_cost_cny": self.total_cost_cny,
            "assigned": sum(1 for a in self.assignments if a.status == "assigned"),
            "fixed": sum(1 for a in self.assignments if a.status == "fixed"),
            "unassigned": sum(1 for a in self.assignments if a.status == "unassigned"),
            "assignments": [a.to_dict() for a in self.assignments],
            "departures": [d.to_dict() for d in self.departures],
            "candidate_paths": self.candidate_paths,
            "searches": self.searches,
            "lp_relaxation": {"status": self.lp_status, "objective": self.lp_objective},
        }
