"""From solver loads to train plans and the result (with why each unloaded container stayed
behind)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from router.optimise.consolidation.dg import wagon_gap
from router.optimise.consolidation.eligibility import ineligibility_reasons
from router.optimise.consolidation.model import BookedContainer, TrainDeparture, WagonType
from router.optimise.consolidation.result import (
    ConsolidationResult,
    PlanStats,
    TrainPlan,
    Unloaded,
    WagonLoad,
)
from router.optimise.ortools_util import SolveInfo

#: a train's plan while solving: position -> (wagon type, container indices); positions run
#: from 0 without gaps (an empty position is a spacer wagon in the train)
Load = dict[int, tuple[WagonType, list[int]]]


def plans_from_loads(
    loads: Mapping[int, Load],
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
) -> list[TrainPlan]:
    """Plans from solver loads (positions up to the last loaded wagon)."""
    plans = []
    for d, dep in enumerate(trains):
        wagons = loads.get(d, {})
        used = [w for w, (_, cs) in wagons.items() if cs]
        if not used:
            plans.append(TrainPlan(dep, ()))
            continue
        plans.append(
            TrainPlan(
                dep,
                tuple(
                    WagonLoad(w, wagons[w][0], tuple(containers[i] for i in sorted(wagons[w][1])))
                    for w in range(max(used) + 1)
                ),
            )
        )
    return plans


def plan_stats(plans: Iterable[TrainPlan]) -> PlanStats:
    plans = list(plans)
    boxes = [(c, p.departure) for p in plans for c in p.containers]
    return PlanStats(
        containers_loaded=len(boxes),
        teu_loaded=sum(c.teu for c, _ in boxes),
        weighted_teu=sum(c.teu * c.priority for c, _ in boxes),
        waiting_days=sum((d.date - c.ready).days for c, d in boxes),
        wagons_used=sum(len(p.wagons) for p in plans),
    )


def make_result(
    info: SolveInfo,
    method: str,
    plans: Sequence[TrainPlan],
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    details: Mapping[str, Any],
) -> ConsolidationResult:
    loaded = {c.id for p in plans for c in p.containers}
    unloaded = []
    for i, c in enumerate(containers):
        if c.id in loaded:
            continue
        reasons = (
            ineligibility_reasons(c, trains)
            if not elig[i]
            else _full_reasons(c, [trains[d] for d in elig[i]], plans)
        )
        unloaded.append(Unloaded(c, tuple(reasons)))
    return ConsolidationResult(
        info=info,
        method=method,
        plans=tuple(p for p in plans if p.runs),
        unloaded=tuple(unloaded),
        stats=plan_stats(plans),
        containers=len(containers),
        details=details,
    )


def _full_reasons(
    c: BookedContainer, deps: Sequence[TrainDeparture], plans: Sequence[TrainPlan]
) -> list[str]:
    by_id = {p.departure.id: p for p in plans}
    parts = []
    for d in sorted(deps, key=lambda t: (t.date, t.id)):
        p = by_id.get(d.id)
        teu = p.teu if p else 0.0
        gross = p.gross_kg if p else 0.0
        length = p.length_m if p else 0.0
        wagons = len(p.wagons) if p else 0
        detail = (
            f"{d.id} {d.date}: {teu:g}/{d.teu_capacity:g} TEU, {wagons}/{len(d.wagons)} wagons, "
            f"{gross / 1000:,.1f}/{d.max_gross_kg / 1000:,.0f} t, {length:,.0f}/{d.max_length_m:,.0f} m"
        )
        if c.dg_class and p:
            clash = sorted(
                {
                    x.dg_class
                    for x in p.containers
                    if x.dg_class and wagon_gap(c.dg_class, x.dg_class) >= 0
                }
            )
            if clash:
                detail += f"; DG class {c.dg_class} needs separation from class {', '.join(clash)} on board"
        parts.append(detail)
    return [
        "no room left on its eligible departures (taken by higher-priority, earlier or better-fitting "
        "containers): " + " | ".join(parts)
    ]
