"""Plan validation, independent of the solver's model: every rule a plan breaks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from router.optimise.consolidation.dg import wagon_gap
from router.optimise.consolidation.eligibility import in_window
from router.optimise.consolidation.model import BookedContainer
from router.optimise.consolidation.result import TrainPlan


def validate_plan(
    plans: Iterable[TrainPlan], containers: Sequence[BookedContainer] | None = None
) -> list[str]:
    """Every rule a plan breaks (empty when valid); independent of the solver's model."""
    problems: list[str] = []
    seen: Counter[str] = Counter()
    for plan in plans:
        d = plan.departure
        tag = f"{d.id}"
        used = Counter(w.wagon for w in plan.wagons)
        have = Counter(d.wagons)
        for wagon, n in used.items():
            if n > have[wagon]:
                problems.append(
                    f"{tag}: {n} {wagon.code} wagons in the train, the set has {have[wagon]}"
                )
        for k, w in enumerate(plan.wagons):
            if w.position != k:
                problems.append(f"{tag}: wagon positions are not 1..{len(plan.wagons)} in order")
            if w.containers and w.pattern is None:
                problems.append(
                    f"{tag} wagon {k + 1}: lengths {[c.length_ft for c in w.containers]} fit no slot pattern"
                )
            if w.load_kg > w.wagon.payload_kg + 1e-6:
                problems.append(
                    f"{tag} wagon {k + 1}: {w.load_kg:g} kg > payload {w.wagon.payload_kg:g}"
                )
            for c in w.containers:
                seen[c.id] += 1
                if (
                    w.wagon.max_container_kg is not None
                    and c.gross_kg > w.wagon.max_container_kg + 1e-6
                ):
                    problems.append(f"{tag} wagon {k + 1}: {c.id} over the per-container limit")
                if not c.cleared:
                    problems.append(f"{tag}: {c.id} is not export-cleared")
                if c.destination not in d.destinations:
                    problems.append(f"{tag}: {c.id} to {c.destination}, not served")
                if not in_window(c, d):
                    problems.append(f"{tag}: {c.id} leaves outside its ready..deadline window")
            if len({c.destination for c in w.containers}) > 1:
                problems.append(f"{tag} wagon {k + 1}: mixes destinations")
        if plan.gross_kg > d.max_gross_kg + 1e-6:
            problems.append(f"{tag}: gross {plan.gross_kg:g} kg > {d.max_gross_kg:g}")
        if plan.length_m > d.max_length_m + 1e-6:
            problems.append(f"{tag}: length {plan.length_m:g} m > {d.max_length_m:g}")
        ranks = [
            d.destinations.index(w.block)
            for w in plan.wagons
            if w.block is not None and w.block in d.destinations
        ]
        if ranks != sorted(ranks):
            problems.append(f"{tag}: destination blocks out of order {ranks}")
        for k, w in enumerate(plan.wagons):
            for q in range(k, min(len(plan.wagons), k + 2)):
                for a in w.containers:
                    for b in plan.wagons[q].containers:
                        if a is b or not a.dg_class or not b.dg_class:
                            continue
                        gap = wagon_gap(a.dg_class, b.dg_class)
                        if gap < 0 or (q != k and gap < 1):
                            continue
                        problems.append(
                            f"{tag}: DG {a.id} (class {a.dg_class}) and {b.id} (class {b.dg_class}) on "
                            f"wagons {k + 1} and {q + 1}"
                        )
    for cid, n in seen.items():
        if n > 1:
            problems.append(f"{cid} loaded {n} times")
    if containers is not None:
        known = {c.id for c in containers}
        problems += [f"{cid} is not a booked container" for cid in seen if cid not in known]
    return problems
