"""The lexicographic objective as one integer objective: maximise loaded TEU weighted by
priority, then minimise waiting days, then minimise wagons. The weights keep the order
strict; reported objectives are in priority-weighted TEU (tie-breaks below one TEU)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from router.optimise.consolidation.model import BookedContainer, TrainDeparture
from router.optimise.consolidation.result import TrainPlan

OBJECTIVE_UNIT = "priority-weighted TEU (ties: fewer waiting days, then fewer wagons)"
_TEU4 = {20: 4, 40: 8, 45: 9}  # TEU x 4, integral


@dataclass(frozen=True, slots=True)
class Weights:
    a: int  # per priority x TEU x 4
    b: int  # per waiting day

    def coef(self, c: BookedContainer, d: TrainDeparture) -> int:
        return self.a * c.priority * _TEU4[c.length_ft] - self.b * (d.date - c.ready).days

    def objective(self, plans: Iterable[TrainPlan]) -> int:
        total = 0
        for p in plans:
            for w in p.wagons:
                total -= 1
                for c in w.containers:
                    total += self.coef(c, p.departure)
        return total

    def scale(self) -> float:
        return float(self.a * 4)


def objective_weights(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
) -> Weights:
    wagons = sum(len(t.wagons) for t in trains)
    b = wagons + 1
    max_wait = sum(
        max((trains[d].date - containers[i].ready).days for d in ds) for i, ds in elig.items() if ds
    )
    return Weights(a=b * (max_wait + 1), b=b)
