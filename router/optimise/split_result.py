"""Results of a shipment split: the parts (containers that travel together, with their legs,
departure, arrival and costs), the load each part puts on a dated departure, what stayed
unplaced and why, and the solve report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from router.network.timetable import DepartureKey
from router.optimise.ortools_util import SolveInfo


@dataclass(frozen=True, slots=True)
class SplitLeg:
    mode: str
    link_id: str
    service: str
    origin: str
    destination: str
    departure: datetime
    arrival: datetime


@dataclass(frozen=True, slots=True)
class SplitPart:
    """Containers that travel together: the same legs, departures and arrival."""

    containers: Mapping[str, int]
    teu: int
    departure: datetime
    arrival: datetime
    legs: tuple[SplitLeg, ...]
    cost_cny: float
    generalised_cost_cny: float
    co2e_kg: float

    @property
    def count(self) -> int:
        return sum(self.containers.values())


@dataclass(frozen=True, slots=True)
class DepartureLoad:
    key: DepartureKey
    mode: str
    capacity: float
    used: float
    unit: str  # TEU | kg

    @property
    def utilisation(self) -> float:
        return self.used / self.capacity if self.capacity > 0 else 1.0


@dataclass(frozen=True, slots=True)
class SplitResult:
    info: SolveInfo
    method: str
    containers: Mapping[str, int]
    parts: tuple[SplitPart, ...]
    unplaced: Mapping[str, int]
    departures: tuple[DepartureLoad, ...]
    candidate_paths: int
    searches: int
    reasons: tuple[str, ...]
    ready: datetime

    @property
    def placed(self) -> int:
        return sum(p.count for p in self.parts)

    @property
    def total(self) -> int:
        return sum(self.containers.values())

    @property
    def status(self) -> str:
        """``ok`` (every container placed), ``partial``, or ``infeasible`` (none placed)."""
        if not self.info.has_solution or self.placed == 0:
            return "infeasible"
        return "ok" if self.placed == self.total else "partial"

    @property
    def cost_cny(self) -> float:
        return round(sum(p.cost_cny for p in self.parts), 2)

    @property
    def generalised_cost_cny(self) -> float:
        return round(sum(p.generalised_cost_cny for p in self.parts), 2)

    def summary(self) -> str:
        lines = [
            f"split {self.status}: {self.placed}/{self.total} containers in {len(self.parts)} part(s), "
            f"CNY {self.cost_cny:,.0f} (generalised {self.generalised_cost_cny:,.0f}); "
            + self.info.summary()
        ]
        for p in self.parts:
            boxes = ", ".join(f"{n}x{c}" for c, n in sorted(p.containers.items()))
            route = " > ".join(
                f"{leg.mode} {leg.link_id} {leg.departure:%m-%d %H:%M}" for leg in p.legs
            )
            lines.append(
                f"  {boxes:<14} arrive {p.arrival:%Y-%m-%d %H:%M}  CNY {p.cost_cny:>11,.0f}  {route}"
            )
        lines += [f"  ! {r}" for r in self.reasons]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "method": self.method,
            "containers": self.total,
            "placed": self.placed,
            "unplaced": self.total - self.placed,
            "unplaced_by_type": {k: v for k, v in self.unplaced.items() if v},
            "parts": [
                {
                    "containers": p.count,
                    "container_types": dict(p.containers),
                    "teu": p.teu,
                    "departure": p.departure.isoformat(),
                    "arrival": p.arrival.isoformat(),
                    "duration_h": round((p.arrival - self.ready).total_seconds() / 3600.0, 2),
                    "cost_cny": round(p.cost_cny, 2),
                    "generalised_cost_cny": round(p.generalised_cost_cny, 2),
                    "co2e_kg": round(p.co2e_kg, 1),
                    "legs": [
                        {
                            "mode": leg.mode,
                            "link_id": leg.link_id,
                            "service": leg.service,
                            "from": leg.origin,
                            "to": leg.destination,
                            "departure": leg.departure.isoformat(),
                            "arrival": leg.arrival.isoformat(),
                        }
                        for leg in p.legs
                    ],
                }
                for p in self.parts
            ],
            "departures": [
                {
                    "link_id": d.key[0],
                    "departure": d.key[1].isoformat(),
                    "mode": d.mode,
                    "capacity": round(d.capacity, 3),
                    "used": round(d.used, 3),
                    "unit": d.unit,
                    "utilisation": round(d.utilisation, 4),
                }
                for d in self.departures
            ],
            "total": {
                "cost_cny": self.cost_cny,
                "generalised_cost_cny": self.generalised_cost_cny,
                "co2e_kg": round(sum(p.co2e_kg for p in self.parts), 1),
                "last_arrival": max((p.arrival for p in self.parts), default=None)
                and max(p.arrival for p in self.parts).isoformat(),
            },
            "candidate_paths": self.candidate_paths,
            "searches": self.searches,
            "reasons": list(self.reasons),
            "solve": self.info.to_dict(),
        }
