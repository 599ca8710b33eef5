"""First-fit decreasing: the warm start of the CP-SAT models and the baseline of
``benchmarks/consolidation_bench.py``."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from router.optimise.consolidation.dg import wagon_gap
from router.optimise.consolidation.eligibility import check_input, eligible_departures
from router.optimise.consolidation.model import (
    TEU_BY_LENGTH,
    BookedContainer,
    TrainDeparture,
    WagonType,
)
from router.optimise.consolidation.objective import OBJECTIVE_UNIT, objective_weights
from router.optimise.consolidation.plans import Load, make_result, plans_from_loads
from router.optimise.consolidation.result import ConsolidationResult
from router.optimise.ortools_util import SolveInfo, SolveStatus


@dataclass
class _TrainState:
    dep: TrainDeparture
    wagons: list[tuple[WagonType, list[int]]] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    left: Counter[WagonType] = field(default_factory=Counter)
    gross: float = 0.0
    length: float = 0.0

    def __post_init__(self) -> None:
        if not self.left and not self.wagons:
            self.left = Counter(self.dep.wagons)


def _dg_clash(
    state: _TrainState, w: int, c: BookedContainer, containers: Sequence[BookedContainer]
) -> bool:
    """Whether a DG container at position ``w`` would break separation."""
    if not c.dg_class:
        return False
    for q in range(max(0, w - 1), min(len(state.wagons), w + 2)):
        for j in state.wagons[q][1]:
            other = containers[j].dg_class
            if not other:
                continue
            gap = wagon_gap(c.dg_class, other)
            if gap >= 0 and (q == w or gap >= 1):
                return True
    return False


def _new_wagon_type(state: _TrainState, c: BookedContainer | None) -> WagonType | None:
    """The least capable available wagon that takes ``c`` (any, for a spacer: the lightest)."""
    options = [t for t, n in state.left.items() if n > 0 and (c is None or t.takes(c))]
    if not options:
        return None
    if c is None:
        return min(options, key=lambda t: (t.tare_kg, t.length_m, t.code))
    return min(options, key=lambda t: (t.max_teu(), t.payload_kg, t.length_m, t.code))


def _try_place(
    state: _TrainState, i: int, containers: Sequence[BookedContainer], rank: int
) -> bool:
    """First fit of container ``i``: into the first wagon in the train that takes it (slot
    pattern, payload, destination block, DG separation), else a new wagon at the end (after an
    empty spacer wagon if DG separation needs one), within the train's weight and length."""
    c = containers[i]
    dep = state.dep
    if state.gross + c.gross_kg > dep.max_gross_kg:
        return False
    blocks = [
        dep.destinations.index(containers[ws[0]].destination) if ws else None
        for _, ws in state.wagons
    ]
    for w, (wagon, ws) in enumerate(state.wagons):
        if blocks[w] is not None and blocks[w] != rank:
            continue
        if blocks[w] is None:  # an empty spacer takes the block only between compatible ones
            before = [b for b in blocks[:w] if b is not None]
            after = [b for b in blocks[w + 1 :] if b is not None]
            if (before and before[-1] > rank) or (after and after[0] < rank):
                continue
        if not wagon.takes(c) or state.load[w] + c.gross_kg > wagon.payload_kg:
            continue
        if wagon.fits([*(containers[j].length_ft for j in ws), c.length_ft]) is None:
            continue
        if _dg_clash(state, w, c, containers):
            continue
        ws.append(i)
        state.load[w] += c.gross_kg
        state.gross += c.gross_kg
        return True
    if max((b for b in blocks if b is not None), default=-1) > rank:
        return False
    fresh = _new_wagon_type(state, c)
    if fresh is None:
        return False
    new = [fresh]
    trial = _TrainState(dep, [*state.wagons, (fresh, [])], [], Counter({fresh: 1}))
    if _dg_clash(trial, len(state.wagons), c, containers):
        state.left[fresh] -= 1
        spare = _new_wagon_type(state, None)
        state.left[fresh] += 1
        if spare is None or (spare == fresh and state.left[fresh] < 2):
            return False
        new = [spare, fresh]
    tare = sum(x.tare_kg for x in new)
    length = sum(x.length_m for x in new)
    if (
        state.gross + tare + c.gross_kg > dep.max_gross_kg
        or state.length + length > dep.max_length_m + 1e-9
    ):
        return False
    for x in new[:-1]:
        state.wagons.append((x, []))
        state.load.append(0.0)
        state.left[x] -= 1
    state.wagons.append((fresh, [i]))
    state.load.append(c.gross_kg)
    state.left[fresh] -= 1
    state.gross += tare + c.gross_kg
    state.length += length
    return True


def pack_train(
    containers: Sequence[BookedContainer], dep: TrainDeparture, ids: Iterable[int]
) -> Load:
    """First-fit packing of ``ids`` into one train, block by block in the order served (each
    block's boxes by decreasing priority, size and weight)."""
    order = sorted(
        ids,
        key=lambda i: (
            dep.destinations.index(containers[i].destination),
            -containers[i].priority,
            -containers[i].length_ft,
            -containers[i].gross_kg,
            containers[i].id,
        ),
    )
    state = _TrainState(dep)
    for i in order:
        _try_place(state, i, containers, dep.destinations.index(containers[i].destination))
    if not any(ws for _, ws in state.wagons):
        return {}
    return {w: (wagon, list(ws)) for w, (wagon, ws) in enumerate(state.wagons)}


def ffd_loads(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
) -> dict[int, Load]:
    """First-fit decreasing, earliest train first.

    Trains are filled in date order. For each train, the eligible containers still waiting are
    ranked by decreasing priority, then earliest ready date, then decreasing size and weight;
    they are taken in that order while the train's slots (per length), TEU and weight allow,
    then packed first-fit (:func:`pack_train`) block by block; boxes that do not fit wait for a
    later train.
    """
    left = {i for i, ds in elig.items() if ds}
    out: dict[int, Load] = {}
    for d in sorted(range(len(trains)), key=lambda k: (trains[k].date, trains[k].id)):
        dep = trains[d]
        cand = sorted(
            (i for i in left if d in elig[i]),
            key=lambda i: (
                -containers[i].priority,
                containers[i].ready,
                -containers[i].length_ft,
                -containers[i].gross_kg,
                containers[i].id,
            ),
        )
        slots = {length: sum(w.slots(length) for w in dep.wagons) for length in TEU_BY_LENGTH}
        teu_room = dep.teu_capacity
        weight_room = dep.max_gross_kg - sum(w.tare_kg for w in dep.wagons)
        chosen = []
        for i in cand:
            c = containers[i]
            if slots[c.length_ft] > 0 and teu_room >= c.teu and weight_room >= c.gross_kg:
                slots[c.length_ft] -= 1
                teu_room -= c.teu
                weight_room -= c.gross_kg
                chosen.append(i)
        chosen_set = set(chosen)
        chosen += [i for i in cand if i not in chosen_set]
        packed = pack_train(containers, dep, chosen)
        for _, ws in packed.values():
            left.difference_update(ws)
        if packed:
            out[d] = packed
    return out


def first_fit_decreasing(
    containers: Sequence[BookedContainer], trains: Sequence[TrainDeparture]
) -> ConsolidationResult:
    """The first-fit-decreasing baseline plan (no solver; see :func:`ffd_loads`)."""
    check_input(containers, trains)
    started = time.perf_counter()
    elig = eligible_departures(containers, trains)
    loads = ffd_loads(containers, trains, elig)
    plans = plans_from_loads(loads, containers, trains)
    weights = objective_weights(containers, trains, elig)
    obj = weights.objective(plans) / weights.scale()
    info = SolveInfo.from_solver(
        status=SolveStatus.FEASIBLE,
        solver="first-fit decreasing",
        objective=obj,
        best_bound=None,
        wall_time_s=time.perf_counter() - started,
        time_limit_s=0.0,
        seed=0,
        unit=OBJECTIVE_UNIT,
    )
    return make_result(info, "first-fit-decreasing", plans, containers, trains, elig, {})
