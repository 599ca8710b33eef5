"""Train load plans and the consolidation result: wagons in train order, what stayed
behind and why, plan statistics, the solve report."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from router.optimise.consolidation.model import (
    BookedContainer,
    TrainDeparture,
    WagonType,
    pattern_text,
)
from router.optimise.ortools_util import SolveInfo, SolveStatus


@dataclass(frozen=True, slots=True)
class WagonLoad:
    position: int  # 0-based position in the train
    wagon: WagonType  # which wagon of the set (the set is a pool: the plan marshals the train)
    containers: tuple[BookedContainer, ...]

    @property
    def load_kg(self) -> float:
        return sum(c.gross_kg for c in self.containers)

    @property
    def teu(self) -> float:
        return sum(c.teu for c in self.containers)

    @property
    def block(self) -> str | None:
        return self.containers[0].destination if self.containers else None

    @property
    def pattern(self) -> tuple[int, ...] | None:
        return self.wagon.fits(c.length_ft for c in self.containers)

    def to_dict(self) -> dict[str, Any]:
        pattern = self.pattern
        return {
            "position": self.position + 1,
            "wagon_type": self.wagon.code,
            "slot_pattern": pattern_text(pattern) if pattern and self.containers else "empty",
            "block": self.block,
            "containers": [c.id for c in self.containers],
            "teu": self.teu,
            "load_kg": round(self.load_kg, 1),
            "payload_kg": self.wagon.payload_kg,
            "dg_classes": sorted({c.dg_class for c in self.containers if c.dg_class}),
        }


@dataclass(frozen=True, slots=True)
class TrainPlan:
    departure: TrainDeparture
    wagons: tuple[WagonLoad, ...]  # the wagons in the train, in order

    @property
    def containers(self) -> tuple[BookedContainer, ...]:
        return tuple(c for w in self.wagons for c in w.containers)

    @property
    def teu(self) -> float:
        return sum(w.teu for w in self.wagons)

    @property
    def gross_kg(self) -> float:
        return sum(w.wagon.tare_kg + w.load_kg for w in self.wagons)

    @property
    def length_m(self) -> float:
        return sum(w.wagon.length_m for w in self.wagons)

    @property
    def runs(self) -> bool:
        return bool(self.containers)

    def to_dict(self) -> dict[str, Any]:
        d = self.departure
        cap = d.teu_capacity
        return {
            "departure_id": d.id,
            "date": d.date.isoformat(),
            "origin": d.origin,
            "service": d.service,
            "destinations": list(d.destinations),
            "containers": len(self.containers),
            "wagons_used": len(self.wagons),
            "wagons_available": len(d.wagons),
            "utilisation": {
                "teu": self.teu,
                "teu_capacity": cap,
                "teu_pct": round(100 * self.teu / cap, 2) if cap else None,
                "gross_kg": round(self.gross_kg, 1),
                "max_gross_kg": d.max_gross_kg,
                "weight_pct": round(100 * self.gross_kg / d.max_gross_kg, 2),
                "length_m": round(self.length_m, 2),
                "max_length_m": d.max_length_m,
                "length_pct": round(100 * self.length_m / d.max_length_m, 2),
            },
            "blocks": [
                {
                    "destination": dest,
                    "wagons": [w.position + 1 for w in self.wagons if w.block == dest],
                }
                for dest in d.destinations
                if any(w.block == dest for w in self.wagons)
            ],
            "wagons": [w.to_dict() for w in self.wagons],
        }


@dataclass(frozen=True, slots=True)
class Unloaded:
    container: BookedContainer
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"container_id": self.container.id, "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class PlanStats:
    containers_loaded: int
    teu_loaded: float
    weighted_teu: float
    waiting_days: int
    wagons_used: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class ConsolidationResult:
    info: SolveInfo
    method: str
    plans: tuple[TrainPlan, ...]
    unloaded: tuple[Unloaded, ...]
    stats: PlanStats
    containers: int
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> SolveStatus:
        return self.info.status

    def plan_of(self, container_id: str) -> tuple[TrainPlan, WagonLoad] | None:
        for plan in self.plans:
            for w in plan.wagons:
                if any(c.id == container_id for c in w.containers):
                    return plan, w
        return None

    def summary(self) -> str:
        s = self.stats
        lines = [
            f"consolidation ({self.method}): {s.containers_loaded}/{self.containers} containers, "
            f"{s.teu_loaded:g} TEU on {sum(p.runs for p in self.plans)} train(s), {s.wagons_used} wagon(s), "
            f"{s.waiting_days} waiting day(s); " + self.info.summary()
        ]
        for plan in self.plans:
            d = plan.departure
            lines.append(
                f"  {d.id:<14} {d.date}  {len(plan.containers):>4} boxes {plan.teu:>7g} TEU / {d.teu_capacity:g}  "
                f"{len(plan.wagons):>3}/{len(d.wagons)} wagons  {plan.gross_kg / 1000:>8,.1f}/{d.max_gross_kg / 1000:,.0f} t  "
                f"{plan.length_m:>6,.0f}/{d.max_length_m:,.0f} m"
            )
        for u in self.unloaded:
            lines.append(f"  not loaded {u.container.id}: {'; '.join(u.reasons)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.info.status.value,
            "method": self.method,
            "solve": self.info.to_dict(),
            "containers": self.containers,
            "loaded": self.stats.containers_loaded,
            "unloaded": len(self.unloaded),
            "stats": self.stats.to_dict(),
            "plans": [p.to_dict() for p in self.plans],
            "unassigned": [u.to_dict() for u in self.unloaded],
            **({"details": dict(self.details)} if self.details else {}),
        }
