"""Rail consolidation / train load planning with CP-SAT (DESIGN.md §3).

Which booked containers go on which train departure and which wagon slot.

Rules (every plan respects them; :func:`validate_plan` checks them independently):

* only export-cleared containers are loaded; a container never leaves before its ready date
  nor after its deadline (latest departure date), and only on a train serving its destination;
* a wagon takes a multiset of container lengths contained in one of its slot patterns (e.g.
  ``1x40/2x20``: one 40' or two 20'), at most its payload, and each container at most the
  wagon's per-container limit where one is given;
* the train is made of wagons of its departure's wagon set (a pool: the plan chooses which
  wagons run and marshals them), within the train's maximum gross weight (wagon tare plus
  containers) and length; wagons left empty between loaded ones run as spacers and count;
* containers are grouped in destination blocks, in the order the train serves them: block index
  never decreases along the train;
* dangerous goods of conflicting IMDG classes are on different wagons ("away from") or have at
  least one wagon between them ("separated from" or stricter), see :mod:`router.optimise.consolidation.dg`.

Objective, lexicographic: maximise loaded TEU weighted by priority, then minimise waiting days
(departure date minus ready date), then minimise wagons in the trains. It is one integer
objective with weights that keep the order strict; the reported objective is in
priority-weighted TEU (tie-breaks appear as a fraction below one TEU).

Models: ``exact`` is one CP-SAT model over container x departure x wagon; for large instances
``decomposed`` first assigns containers to departures with an aggregated CP-SAT model (slot
patterns counted per wagon type, payload, train weight and length; a relaxation, so its bound is
a valid bound for the whole problem), then plans each train's wagons exactly, then tries the
containers a train could not take on the other trains. ``auto`` picks by model size. Both start
from the first-fit-decreasing plan as a hint; :func:`first_fit_decreasing` is also the baseline
of ``benchmarks/consolidation_bench.py``.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ortools.sat.python import cp_model

from router.errors import InvalidRequestError
from router.optimise.consolidation.dg import normalise_class, wagon_gap
from router.optimise.ortools_util import (
    SolveInfo,
    SolveStatus,
    check_limits,
    cp_sat_info,
    cp_sat_solver,
    relative_gap,
)

#: TEU of a container by length; a 45' box counts 2.25 TEU (its length over 20')
TEU_BY_LENGTH: dict[int, float] = {20: 1.0, 40: 2.0, 45: 2.25}
_TEU4 = {20: 4, 40: 8, 45: 9}  # TEU x 4, integral
#: ISO 6346 size code (first character of the size-type) -> length in feet
ISO_LENGTH = {"2": 20, "4": 40, "L": 45}
#: largest plausible gross weight of one container, kg (ISO 668 rates 30,480 kg; some 36,000)
MAX_CONTAINER_GROSS_KG = 40_000.0

#: CP-SAT linearization level: 2 puts the full LP relaxation in the search (strong bounds here)
LINEARIZATION = 2
OBJECTIVE_UNIT = "priority-weighted TEU (ties: fewer waiting days, then fewer wagons)"


class CustomsStatus(StrEnum):
    EXPORT_CLEARED = "export_cleared"  # declared and released: may be loaded
    DECLARED = "declared"  # declared, not yet released
    NOT_DECLARED = "not_declared"
    HELD = "held"  # held by customs (inspection)


@dataclass(frozen=True, slots=True)
class BookedContainer:
    id: str
    iso_type: str
    length_ft: int
    gross_kg: float
    destination: str
    ready: date
    deadline: date | None = None
    dg_class: str | None = None
    customs_status: CustomsStatus = CustomsStatus.EXPORT_CLEARED
    priority: int = 1

    def __post_init__(self) -> None:
        where = f"containers[{self.id}]"
        if not self.id:
            raise InvalidRequestError("containers.id", "every container needs an id")
        if self.length_ft not in TEU_BY_LENGTH:
            raise InvalidRequestError(f"{where}.length_ft", "must be 20, 40 or 45")
        size = ISO_LENGTH.get(self.iso_type[:1].upper()) if self.iso_type else None
        if size is not None and size != self.length_ft:
            raise InvalidRequestError(
                f"{where}.iso_type",
                f"size-type {self.iso_type} is a {size}' container, not {self.length_ft}'",
            )
        if not (0 < self.gross_kg <= MAX_CONTAINER_GROSS_KG):
            raise InvalidRequestError(
                f"{where}.gross_kg", f"must be > 0 and <= {MAX_CONTAINER_GROSS_KG:g}"
            )
        if self.deadline is not None and self.deadline < self.ready:
            raise InvalidRequestError(f"{where}.deadline", "must not be before the ready date")
        if not 1 <= self.priority <= 9:
            raise InvalidRequestError(f"{where}.priority", "must be between 1 and 9")
        try:
            object.__setattr__(self, "dg_class", normalise_class(self.dg_class))
        except InvalidRequestError as exc:
            raise InvalidRequestError(f"{where}.dg_class", exc.message) from None
        object.__setattr__(self, "customs_status", CustomsStatus(self.customs_status))

    @property
    def teu(self) -> float:
        return TEU_BY_LENGTH[self.length_ft]

    @property
    def cleared(self) -> bool:
        return self.customs_status is CustomsStatus.EXPORT_CLEARED


def parse_patterns(text: str) -> tuple[tuple[int, ...], ...]:
    """``"1x40/2x20"`` -> ((40,), (20, 20)); ``"1x40+1x20/3x20"`` -> ((40, 20), (20, 20, 20))."""
    patterns: list[tuple[int, ...]] = []
    for alt in text.replace("|", "/").split("/"):
        lengths: list[int] = []
        for part in alt.replace("×", "x").replace("'", "").split("+"):
            count, _, length = part.strip().lower().partition("x")
            if not length:
                count, length = "1", count
            if not count.strip().isdigit() or not length.strip().isdigit():
                raise InvalidRequestError(
                    "slot_pattern", f"cannot read {text!r}: use e.g. 1x40/2x20"
                )
            if int(length) not in TEU_BY_LENGTH:
                raise InvalidRequestError(
                    "slot_pattern", f"slot length {length} must be 20, 40 or 45"
                )
            lengths += [int(length)] * int(count)
        if not lengths:
            raise InvalidRequestError("slot_pattern", f"empty loading pattern in {text!r}")
        patterns.append(tuple(sorted(lengths, reverse=True)))
    return tuple(dict.fromkeys(patterns))


def pattern_text(pattern: Sequence[int]) -> str:
    counts = Counter(pattern)
    return (
        "+".join(f"{n}x{length}" for length, n in sorted(counts.items(), reverse=True)) or "empty"
    )


@dataclass(frozen=True, slots=True)
class WagonType:
    """A wagon: alternative slot patterns (container lengths), payload, tare and length."""

    code: str
    patterns: tuple[tuple[int, ...], ...]
    payload_kg: float
    tare_kg: float = 0.0
    length_m: float = 0.0
    max_container_kg: float | None = None

    def __post_init__(self) -> None:
        if not self.patterns:
            raise InvalidRequestError(
                f"wagons[{self.code}].slot_pattern", "give at least one pattern"
            )
        if self.payload_kg <= 0 or self.tare_kg < 0 or self.length_m < 0:
            raise InvalidRequestError(
                f"wagons[{self.code}]", "payload must be > 0, tare and length >= 0"
            )

    def slots(self, length: int) -> int:
        return max(p.count(length) for p in self.patterns)

    def max_teu(self) -> float:
        return max(sum(TEU_BY_LENGTH[x] for x in p) for p in self.patterns)

    def takes(self, c: BookedContainer) -> bool:
        return (
            self.slots(c.length_ft) > 0
            and c.gross_kg <= self.payload_kg
            and (self.max_container_kg is None or c.gross_kg <= self.max_container_kg)
        )

    def fits(self, lengths: Iterable[int]) -> tuple[int, ...] | None:
        """The first pattern that holds these container lengths, or None."""
        need = Counter(lengths)
        for p in self.patterns:
            have = Counter(p)
            if all(have[length] >= n for length, n in need.items()):
                return p
        return None


@dataclass(frozen=True, slots=True)
class TrainDeparture:
    """A dated train: destinations in the order served, limits, and its wagon set in order."""

    id: str
    date: date
    destinations: tuple[str, ...]
    max_gross_kg: float
    max_length_m: float
    wagons: tuple[WagonType, ...]
    origin: str = ""
    service: str = ""

    def __post_init__(self) -> None:
        where = f"trains[{self.id}]"
        if not self.id:
            raise InvalidRequestError("trains.id", "every departure needs an id")
        if not self.destinations:
            raise InvalidRequestError(f"{where}.destinations", "serve at least one destination")
        if len(set(self.destinations)) != len(self.destinations):
            raise InvalidRequestError(f"{where}.destinations", "a destination is listed twice")
        if not self.wagons:
            raise InvalidRequestError(f"{where}.wagons", "a departure needs a wagon set")
        if self.max_gross_kg <= 0 or self.max_length_m <= 0:
            raise InvalidRequestError(f"{where}", "max gross weight and length must be > 0")

    @property
    def teu_capacity(self) -> float:
        return sum(w.max_teu() for w in self.wagons)


@dataclass(frozen=True, slots=True)
class ConsolidationOptions:
    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 1
    method: str = "auto"  # auto | exact | decomposed
    require_all: bool = False  # infeasible unless every container is loaded
    exact_max_pairs: int = 12_000  # auto: exact model up to this many container-wagon pairs
    warm_start: bool = True  # hint the solver with the first-fit-decreasing plan

    def __post_init__(self) -> None:
        check_limits(self.time_limit_s, self.seed)
        if self.method not in ("auto", "exact", "decomposed"):
            raise InvalidRequestError("method", "must be auto, exact or decomposed")
        if not 1 <= self.workers <= 64:
            raise InvalidRequestError("workers", "must be between 1 and 64")


# ------------------------------------------------------------------------------ results
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


# -------------------------------------------------------------------------- eligibility
def _check_input(containers: Sequence[BookedContainer], trains: Sequence[TrainDeparture]) -> None:
    if not containers:
        raise InvalidRequestError("containers", "give at least one booked container")
    if not trains:
        raise InvalidRequestError("trains", "give at least one train departure")
    for what, ids in (
        ("containers.id", [c.id for c in containers]),
        ("trains.id", [t.id for t in trains]),
    ):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise InvalidRequestError(what, f"duplicate ids: {', '.join(dup[:10])}")


def _in_window(c: BookedContainer, d: TrainDeparture) -> bool:
    return c.ready <= d.date and (c.deadline is None or d.date <= c.deadline)


def eligible(c: BookedContainer, d: TrainDeparture) -> bool:
    """Whether the container may go on the departure at all (before capacity)."""
    return (
        c.cleared
        and c.destination in d.destinations
        and _in_window(c, d)
        and any(w.takes(c) for w in d.wagons)
        and c.gross_kg + min(w.tare_kg for w in d.wagons if w.takes(c)) <= d.max_gross_kg
    )


def ineligibility_reasons(c: BookedContainer, trains: Sequence[TrainDeparture]) -> list[str]:
    """Why no departure can take the container (empty if one can)."""
    if not c.cleared:
        return [
            f"not export-cleared (customs status {c.customs_status.value}): only export-cleared "
            "containers may be loaded"
        ]
    serving = [d for d in trains if c.destination in d.destinations]
    if not serving:
        return [f"no departure serves destination {c.destination}"]
    window = [d for d in serving if _in_window(c, d)]
    if not window:
        dates = ", ".join(sorted({d.date.isoformat() for d in serving})[:8])
        until = f" and deadline {c.deadline}" if c.deadline else ""
        return [
            f"no departure to {c.destination} between ready date {c.ready}{until} "
            f"(departures to {c.destination}: {dates})"
        ]
    slot = [d for d in window if any(w.slots(c.length_ft) for w in d.wagons)]
    if not slot:
        return [
            f"no wagon on the departures to {c.destination} in its window has a {c.length_ft}' slot"
        ]
    heavy = [d for d in slot if any(w.takes(c) for w in d.wagons)]
    if not heavy:
        limits = sorted(
            {
                min(w.payload_kg, w.max_container_kg or math.inf)
                for d in slot
                for w in d.wagons
                if w.slots(c.length_ft)
            }
        )
        return [
            f"gross weight {c.gross_kg / 1000:g} t exceeds every suitable wagon's limit "
            f"(at most {limits[-1] / 1000:g} t per container)"
        ]
    if not any(eligible(c, d) for d in heavy):
        return [f"gross weight {c.gross_kg / 1000:g} t exceeds the trains' gross-weight limit"]
    return []


# --------------------------------------------------------------------------- weights
@dataclass(frozen=True, slots=True)
class _Weights:
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


def _weights(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
) -> _Weights:
    wagons = sum(len(t.wagons) for t in trains)
    b = wagons + 1
    max_wait = sum(
        max((trains[d].date - containers[i].ready).days for d in ds) for i, ds in elig.items() if ds
    )
    return _Weights(a=b * (max_wait + 1), b=b)


def _stats(plans: Iterable[TrainPlan]) -> PlanStats:
    plans = list(plans)
    boxes = [(c, p.departure) for p in plans for c in p.containers]
    return PlanStats(
        containers_loaded=len(boxes),
        teu_loaded=sum(c.teu for c, _ in boxes),
        weighted_teu=sum(c.teu * c.priority for c, _ in boxes),
        waiting_days=sum((d.date - c.ready).days for c, d in boxes),
        wagons_used=sum(len(p.wagons) for p in plans),
    )


# ----------------------------------------------------------------------- exact CP model
#: a train's plan while solving: position -> (wagon type, container indices); positions run
#: from 0 without gaps (an empty position is a spacer wagon in the train)
Load = dict[int, tuple[WagonType, list[int]]]


def wagon_types(dep: TrainDeparture) -> list[tuple[WagonType, int]]:
    """The departure's wagon set as (type, count), in a fixed order."""
    return sorted(Counter(dep.wagons).items(), key=lambda kv: (kv[0].code, kv[0].payload_kg))


@dataclass
class _Families:
    """Assumption literals of constraint families (explains infeasibility with require_all)."""

    model: cp_model.CpModel
    enabled: bool
    lits: dict[cp_model.IntVar, str] = field(default_factory=dict)

    def lit(self, text: str) -> list[cp_model.IntVar]:
        if not self.enabled:
            return []
        v = self.model.new_bool_var(text)
        self.lits[v] = text
        return [v]


def _enforce(ct: cp_model.Constraint, lits: list[cp_model.IntVar]) -> None:
    if lits:
        ct.only_enforce_if(lits)


@dataclass
class _Exact:
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]  # (container, departure, position)
    in_train: dict[tuple[int, int], cp_model.IntVar]
    families: _Families
    pick: dict[tuple[int, int, int, int], cp_model.IntVar] = field(
        default_factory=dict
    )  # d, w, g, k
    ge: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)  # (d, w, r)
    ranks: dict[int, dict[int, int]] = field(default_factory=dict)  # d -> dest index -> r
    has: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)


def _build_exact(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: _Weights,
    *,
    must: Iterable[int] = (),
    require_all: bool = False,
) -> _Exact:
    """One CP-SAT model: container x departure x train position; each position of a train
    takes one wagon of the set (type g) loaded in one of its slot patterns (k)."""
    model = cp_model.CpModel()
    fam = _Families(model, require_all)
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    in_train: dict[tuple[int, int], cp_model.IntVar] = {}
    ex = _Exact(model, x, in_train, fam)
    by_dep: dict[int, list[int]] = defaultdict(list)
    for i, ds in elig.items():
        for d in ds:
            by_dep[d].append(i)
    objective: list[Any] = []
    for d in sorted(by_dep):
        dep = trains[d]
        cs = by_dep[d]
        types = wagon_types(dep)
        n = len(dep.wagons)
        gross_lit = fam.lit(f"train gross weight of {dep.id} ({dep.max_gross_kg / 1000:g} t)")
        length_lit = fam.lit(f"train length of {dep.id} ({dep.max_length_m:g} m)")
        slot_lit = fam.lit(f"wagon slots of {dep.id}")
        pay_lit = fam.lit(f"wagon payloads of {dep.id}")
        dg_lit = fam.lit(f"dangerous-goods separation on {dep.id}")
        block_lit = fam.lit(f"destination blocks on {dep.id}")
        single = len(types) == 1 and len(types[0][0].patterns) == 1
        picks: dict[int, list[tuple[WagonType, tuple[int, ...], cp_model.IntVar]]] = {}
        for w in range(n):
            in_train[d, w] = model.new_bool_var(f"in_{d}_{w}")
            if w:
                model.add_implication(in_train[d, w], in_train[d, w - 1])
            objective.append(-1 * in_train[d, w])
            if single:
                picks[w] = [(types[0][0], types[0][0].patterns[0], in_train[d, w])]
                ex.pick[d, w, 0, 0] = in_train[d, w]
                continue
            picks[w] = []
            for g, (wagon, _) in enumerate(types):
                for k, pat in enumerate(wagon.patterns):
                    v = model.new_bool_var(f"p_{d}_{w}_{g}_{k}")
                    ex.pick[d, w, g, k] = v
                    picks[w].append((wagon, pat, v))
            model.add_exactly_one([v for _, _, v in picks[w]] + [in_train[d, w].Not()])
        for g, (_, count) in enumerate(types):
            if count < n and not single:
                model.add(
                    sum(v for (dd, _, gg, _), v in ex.pick.items() if dd == d and gg == g) <= count
                )
        # symmetry: with one wagon type, one destination and no dangerous goods the positions
        # are interchangeable, so the k-th heaviest box may go in the first k+1 positions only
        sym = (
            len(types) == 1
            and len({containers[i].destination for i in cs}) == 1
            and not any(containers[i].dg_class for i in cs)
        )
        order = {
            i: k
            for k, i in enumerate(
                sorted(cs, key=lambda i: (-containers[i].gross_kg, -containers[i].length_ft, i))
            )
        }
        wx: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for i in cs:
            c = containers[i]
            coef = weights.coef(c, dep)
            for w in range(min(n, order[i] + 1) if sym else n):
                v = model.new_bool_var(f"x_{i}_{d}_{w}")
                x[i, d, w] = v
                wx[w].append((i, v))
                objective.append(coef * v)
        gross_terms: list[Any] = []
        length_terms: list[Any] = []
        for w in range(n):
            for wagon, _, v in picks[w]:
                gross_terms.append(int(math.ceil(wagon.tare_kg)) * v)
                length_terms.append(int(round(wagon.length_m * 100)) * v)
            items = wx.get(w, [])
            for length in sorted({containers[i].length_ft for i, _ in items}):
                ct = model.add(
                    sum(v for i, v in items if containers[i].length_ft == length)
                    <= sum(pat.count(length) * pv for _, pat, pv in picks[w])
                )
                _enforce(ct, slot_lit)
            load = sum(int(math.ceil(containers[i].gross_kg)) * v for i, v in items)
            payload = sum(int(wagon.payload_kg) * pv for wagon, _, pv in picks[w])
            _enforce(model.add(load <= payload), pay_lit)
            for i, v in items:
                model.add_implication(v, in_train[d, w])
                takers = [pv for wagon, _, pv in picks[w] if wagon.takes(containers[i])]
                if len(takers) < len(picks[w]):
                    model.add_bool_or(takers).only_enforce_if(v)
            gross_terms.append(load)
        _enforce(model.add(sum(gross_terms) <= int(dep.max_gross_kg)), gross_lit)
        _enforce(model.add(sum(length_terms) <= int(round(dep.max_length_m * 100))), length_lit)
        # destination blocks in the order served, as an order encoding: ge[w][r] = "position w
        # is in block r or a later one", never decreasing along the train
        present = sorted({dep.destinations.index(containers[i].destination) for i in cs})
        if len(present) > 1:
            rank = {j: r for r, j in enumerate(present)}
            ex.ranks[d] = rank
            ge = [
                [model.new_constant(1)]
                + [model.new_bool_var(f"ge_{d}_{w}_{r}") for r in range(1, len(present))]
                for w in range(n)
            ]
            for w in range(n):
                for r in range(1, len(present)):
                    ex.ge[d, w, r] = ge[w][r]
                    if r > 1:
                        model.add_implication(ge[w][r], ge[w][r - 1])
                    if w:
                        _enforce(model.add(ge[w - 1][r] <= ge[w][r]), block_lit)
            for w, items in wx.items():
                for i, v in items:
                    r = rank[dep.destinations.index(containers[i].destination)]
                    if r > 0:
                        model.add_implication(v, ge[w][r])
                    if r + 1 < len(present):
                        model.add_implication(v, ge[w][r + 1].Not())
        # dangerous goods
        classes = sorted({cl for i in cs if (cl := containers[i].dg_class) is not None})
        if classes:
            has: dict[tuple[int, str], cp_model.IntVar] = {}
            for w, items in wx.items():
                for cls in classes:
                    vs = [v for i, v in items if containers[i].dg_class == cls]
                    if vs:
                        h = model.new_bool_var(f"dg_{d}_{w}_{cls}")
                        for v in vs:
                            model.add_implication(v, h)
                        has[w, cls] = h
                        ex.has[d, w, cls] = h
                        if wagon_gap(cls, cls) >= 0 and len(vs) > 1:
                            _enforce(model.add(sum(vs) <= 1), dg_lit)
            for ai, a in enumerate(classes):
                for b in classes[ai:]:
                    gap = wagon_gap(a, b)
                    if gap < 0:
                        continue
                    for w in range(n):
                        for w2 in range(w, min(n, w + gap + 1)):
                            pairs = [(w, w2), (w2, w)] if a != b else [(w, w2)]
                            for p, q in pairs:
                                if p == q and a == b:
                                    continue  # same wagon, same class: the count limit above
                                if (p, a) in has and (q, b) in has:
                                    _enforce(model.add(has[p, a] + has[q, b] <= 1), dg_lit)
    all_lit = fam.lit("load every container")
    must_set = set(must)
    for i, ds in elig.items():
        vs = [x[i, d, w] for d in ds for w in range(len(trains[d].wagons)) if (i, d, w) in x]
        if not vs:
            continue
        if i in must_set:
            model.add_exactly_one(vs)
        elif require_all:
            _enforce(model.add(sum(vs) == 1), all_lit)
            model.add_at_most_one(vs)
        else:
            model.add_at_most_one(vs)
    model.maximize(sum(objective))
    if fam.enabled:
        model.add_assumptions(list(fam.lits))
    return ex


def _read_exact(
    solver: cp_model.CpSolver,
    ex: _Exact,
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
) -> dict[int, Load]:
    out: dict[int, Load] = {}
    for (d, w, g, _k), v in ex.pick.items():
        if solver.boolean_value(v):
            out.setdefault(d, {})[w] = (wagon_types(trains[d])[g][0], [])
    for (i, d, w), v in ex.x.items():
        if solver.boolean_value(v):
            out[d][w][1].append(i)
    return out


def _plans(
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


def _hint(
    ex: _Exact,
    loads: Mapping[int, Load],
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
) -> None:
    """Hint every variable from a plan (complete and feasible: the first solution is the plan)."""
    on = {(i, d, w) for d, ws in loads.items() for w, (_, cs) in ws.items() for i in cs}
    m = ex.model
    last = {d: max((w for w, (_, cs) in ws.items() if cs), default=-1) for d, ws in loads.items()}
    for key, v in ex.x.items():
        m.add_hint(v, key in on)
    for (d, w), v in ex.in_train.items():
        m.add_hint(v, w <= last.get(d, -1))
    chosen: dict[tuple[int, int], tuple[int, int]] = {}
    for d, ws in loads.items():
        types = [t for t, _ in wagon_types(trains[d])]
        for w, (wagon, cs) in ws.items():
            if w > last.get(d, -1):
                continue
            fit = wagon.fits(containers[i].length_ft for i in cs)
            chosen[d, w] = (types.index(wagon), wagon.patterns.index(fit) if fit else 0)
    for (d, w, g, k), v in ex.pick.items():
        if v is not ex.in_train.get((d, w)):
            m.add_hint(v, chosen.get((d, w)) == (g, k))
    for d, rank in ex.ranks.items():
        n = len(trains[d].wagons)
        block = [-1] * n
        for w, (_, cs) in loads.get(d, {}).items():
            if cs:
                block[w] = rank[trains[d].destinations.index(containers[cs[0]].destination)]
        current = 0
        for w in range(n):  # empty wagons take the block before them
            current = max(current, block[w])
            for r in range(1, len(rank)):
                if (d, w, r) in ex.ge:
                    m.add_hint(ex.ge[d, w, r], current >= r)
    for (d, w, cls), v in ex.has.items():
        cs = loads.get(d, {}).get(w, (None, []))[1]
        m.add_hint(v, any(containers[i].dg_class == cls for i in cs))


# ------------------------------------------------------------------ aggregated CP model
def _build_aggregate(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: _Weights,
    require_all: bool,
) -> tuple[cp_model.CpModel, dict[tuple[int, int], cp_model.IntVar], _Families]:
    """Containers -> departures on aggregated capacities (wagons counted per type and slot
    pattern, payload, train weight and length): a relaxation of the exact model."""
    model = cp_model.CpModel()
    fam = _Families(model, require_all)
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    by_dep: dict[int, list[int]] = defaultdict(list)
    objective: list[Any] = []
    for i, ds in elig.items():
        for d in ds:
            y[i, d] = model.new_bool_var(f"y_{i}_{d}")
            by_dep[d].append(i)
            objective.append(weights.coef(containers[i], trains[d]) * y[i, d])
    for d, cs in sorted(by_dep.items()):
        dep = trains[d]
        used_terms: list[Any] = []
        gross_terms: list[Any] = []
        length_terms: list[Any] = []
        payload_terms: list[Any] = []
        slot_terms: dict[int, list[Any]] = defaultdict(list)
        for g, (wagon, count) in enumerate(wagon_types(dep)):
            n_pat = [
                model.new_int_var(0, count, f"n_{d}_{g}_{k}") for k in range(len(wagon.patterns))
            ]
            used = model.new_int_var(0, count, f"u_{d}_{g}")
            model.add(used == sum(n_pat))
            used_terms.append(used)
            gross_terms.append(int(math.ceil(wagon.tare_kg)) * used)
            length_terms.append(int(round(wagon.length_m * 100)) * used)
            payload_terms.append(int(wagon.payload_kg) * used)
            for k, p in enumerate(wagon.patterns):
                for length in set(p):
                    slot_terms[length].append(p.count(length) * n_pat[k])
        load = sum(int(math.ceil(containers[i].gross_kg)) * y[i, d] for i in cs)
        slot_lit = fam.lit(f"wagon slots of {dep.id}")
        for length in sorted({containers[i].length_ft for i in cs}):
            _enforce(
                model.add(
                    sum(y[i, d] for i in cs if containers[i].length_ft == length)
                    <= sum(slot_terms[length])
                ),
                slot_lit,
            )
        _enforce(model.add(load <= sum(payload_terms)), fam.lit(f"wagon payloads of {dep.id}"))
        _enforce(
            model.add(sum(gross_terms) + load <= int(dep.max_gross_kg)),
            fam.lit(f"train gross weight of {dep.id} ({dep.max_gross_kg / 1000:g} t)"),
        )
        _enforce(
            model.add(sum(length_terms) <= int(round(dep.max_length_m * 100))),
            fam.lit(f"train length of {dep.id} ({dep.max_length_m:g} m)"),
        )
        objective.extend(-1 * u for u in used_terms)
    all_lit = fam.lit("load every container")
    for i, ds in elig.items():
        vs = [y[i, d] for d in ds]
        if require_all:
            _enforce(model.add(sum(vs) == 1), all_lit)
            model.add_at_most_one(vs)
        else:
            model.add_at_most_one(vs)
    model.maximize(sum(objective))
    if fam.enabled:
        model.add_assumptions(list(fam.lits))
    return model, y, fam


# -------------------------------------------------------------------------- heuristic
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


def _pack(containers: Sequence[BookedContainer], dep: TrainDeparture, ids: Iterable[int]) -> Load:
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


def _ffd_loads(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
) -> dict[int, Load]:
    """First-fit decreasing, earliest train first.

    Trains are filled in date order. For each train, the eligible containers still waiting are
    ranked by decreasing priority, then earliest ready date, then decreasing size and weight;
    they are taken in that order while the train's slots (per length), TEU and weight allow,
    then packed first-fit (:func:`_pack`) block by block; boxes that do not fit wait for a
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
        packed = _pack(containers, dep, chosen)
        for _, ws in packed.values():
            left.difference_update(ws)
        if packed:
            out[d] = packed
    return out


def first_fit_decreasing(
    containers: Sequence[BookedContainer], trains: Sequence[TrainDeparture]
) -> ConsolidationResult:
    """The first-fit-decreasing baseline plan (no solver; see :func:`_ffd_loads`)."""
    _check_input(containers, trains)
    started = time.perf_counter()
    elig = {
        i: [d for d, t in enumerate(trains) if eligible(c, t)] for i, c in enumerate(containers)
    }
    loads = _ffd_loads(containers, trains, elig)
    plans = _plans(loads, containers, trains)
    weights = _weights(containers, trains, elig)
    obj = weights.objective(plans) / weights.scale()
    info = SolveInfo(
        SolveStatus.FEASIBLE, obj, None, None, time.perf_counter() - started, 0.0, 0,
        "first-fit decreasing", objective_unit=OBJECTIVE_UNIT,
    )  # fmt: skip
    return _result(info, "first-fit-decreasing", plans, containers, trains, elig, {})


# ------------------------------------------------------------------------------ solve
def consolidate(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    options: ConsolidationOptions | None = None,
) -> ConsolidationResult:
    """Plan which containers go on which departure and wagon (see the module docstring)."""
    opts = options or ConsolidationOptions()
    _check_input(containers, trains)
    started = time.perf_counter()
    elig = {
        i: [d for d, t in enumerate(trains) if eligible(c, t)] for i, c in enumerate(containers)
    }
    weights = _weights(containers, trains, elig)
    if opts.require_all:
        hopeless = [
            (c, ineligibility_reasons(c, trains)) for i, c in enumerate(containers) if not elig[i]
        ]
        if hopeless:
            reasons = tuple(f"{c.id}: {'; '.join(r)}" for c, r in hopeless)
            info = SolveInfo(
                SolveStatus.INFEASIBLE, None, None, None, time.perf_counter() - started,
                opts.time_limit_s, opts.seed, "eligibility check",
                (f"{len(hopeless)} container(s) cannot go on any departure", *reasons), OBJECTIVE_UNIT,
            )  # fmt: skip
            return _result(info, "none", [], containers, trains, elig, {})
    pairs = sum(
        1 for i, ds in elig.items() for d in ds for w in trains[d].wagons if w.takes(containers[i])
    )
    method = opts.method
    if method == "auto":  # the exact model needs roughly a second per thousand pairs
        small = pairs <= min(opts.exact_max_pairs, 1000 * opts.time_limit_s)
        method = "exact" if small else "decomposed"
    ffd = _ffd_loads(containers, trains, elig) if opts.warm_start else {}
    if method == "exact":
        info, loads = _solve_exact(containers, trains, elig, weights, opts, ffd)
    else:
        info, loads = _solve_decomposed(containers, trains, elig, weights, opts, ffd, started)
    if ffd and not opts.require_all and info.status is not SolveStatus.INFEASIBLE:
        # never worse than the warm start: keep the heuristic plan if the solver did not beat it
        ffd_obj = weights.objective(_plans(ffd, containers, trains)) / weights.scale()
        if not info.has_solution or (info.objective is not None and info.objective < ffd_obj):
            loads = {d: dict(load) for d, load in ffd.items()}
            info = dataclasses.replace(
                info,
                status=SolveStatus.FEASIBLE,
                objective=ffd_obj,
                gap=relative_gap(ffd_obj, info.best_bound),
                details={**info.details, "plan_source": "first-fit-decreasing warm start"},
            )
    info = dataclasses.replace(
        info,
        wall_time_s=time.perf_counter() - started,
        details={**info.details, "container_wagon_pairs": pairs},
    )
    plans = _plans(loads, containers, trains) if info.has_solution else []
    return _result(info, method, plans, containers, trains, elig, {"container_wagon_pairs": pairs})


def _core_reasons(solver: cp_model.CpSolver, fam: _Families) -> tuple[str, ...]:
    try:
        core = solver.sufficient_assumptions_for_infeasibility()
    except Exception:  # pragma: no cover - depends on the solver's search
        core = []
    names = []
    index_to_text = {v.index: t for v, t in fam.lits.items()}
    for lit in core:
        text = index_to_text.get(lit if lit >= 0 else -lit - 1)
        if text:
            names.append(text)
    if not names:
        return (
            "not every container fits the trains' slots, weights, lengths and separation rules",
        )
    return (
        "not every container can be loaded; these limits conflict: " + "; ".join(sorted(names)),
    )


def _solve_exact(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: _Weights,
    opts: ConsolidationOptions,
    hint: Mapping[int, Load],
) -> tuple[SolveInfo, dict[int, Load]]:
    ex = _build_exact(containers, trains, elig, weights, require_all=opts.require_all)
    if hint and not opts.require_all:
        _hint(ex, hint, containers, trains)
    workers = 1 if opts.require_all else opts.workers
    solver = cp_sat_solver(opts.time_limit_s, opts.seed, workers, LINEARIZATION)
    status = solver.solve(ex.model)
    reasons: tuple[str, ...] = ()
    if status == cp_model.INFEASIBLE and opts.require_all:
        reasons = _core_reasons(solver, ex.families)
    info = cp_sat_info(
        solver, status, time_limit_s=opts.time_limit_s, seed=opts.seed, scale=weights.scale(),
        reasons=reasons, unit=OBJECTIVE_UNIT, details={"model": "exact"},
    )  # fmt: skip
    if not info.has_solution:
        return info, {}
    return info, _read_exact(solver, ex, containers, trains)


def _solve_train(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    d: int,
    cs: Sequence[int],
    weights: _Weights,
    opts: ConsolidationOptions,
    time_limit_s: float,
    must: Iterable[int] = (),
    hint: Load | None = None,
) -> tuple[SolveStatus, Load, float | None]:
    """Exact wagon plan of one departure for containers ``cs`` (``must`` ones stay loaded)."""
    elig = {i: [d] for i in cs}
    ex = _build_exact(containers, trains, elig, weights, must=must)
    if hint:
        _hint(ex, {d: hint}, containers, trains)
    solver = cp_sat_solver(max(0.05, time_limit_s), opts.seed, opts.workers, LINEARIZATION)
    status = solver.solve(ex.model)
    st = cp_sat_info(solver, status, time_limit_s=time_limit_s, seed=opts.seed).status
    if not st.has_solution:
        return st, dict(hint or {}), None
    return st, _read_exact(solver, ex, containers, trains).get(d, {}), solver.best_objective_bound


def _solve_decomposed(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: _Weights,
    opts: ConsolidationOptions,
    ffd: Mapping[int, Load],
    started: float,
) -> tuple[SolveInfo, dict[int, Load]]:
    budget = opts.time_limit_s
    # stage A: containers -> departures on aggregated capacities (a relaxation)
    model, y, fam = _build_aggregate(containers, trains, elig, weights, opts.require_all)
    # (no hint from the heuristic here: an incomplete hint costs CP-SAT more than it helps)
    stage_a_s = max(0.1, 0.5 * budget - (time.perf_counter() - started))
    solver = cp_sat_solver(
        stage_a_s, opts.seed, 1 if opts.require_all else opts.workers, LINEARIZATION
    )
    status = solver.solve(model)
    stage_a = cp_sat_info(
        solver, status, time_limit_s=stage_a_s, seed=opts.seed, scale=weights.scale(),
        unit=OBJECTIVE_UNIT,
    )  # fmt: skip
    per_dep: dict[int, list[int]] = defaultdict(list)
    bound_scaled: float | None = None
    if stage_a.has_solution:
        bound_scaled = solver.best_objective_bound
        for (i, d), v in y.items():
            if solver.boolean_value(v):
                per_dep[d].append(i)
    elif status == cp_model.INFEASIBLE or not ffd:
        reasons = (
            _core_reasons(solver, fam)
            if status == cp_model.INFEASIBLE and opts.require_all
            else stage_a.reasons
        )
        return dataclasses.replace(stage_a, reasons=reasons, time_limit_s=budget), {}
    else:  # no assignment in time: start from the heuristic's trains
        for d, load in ffd.items():
            per_dep[d] = [i for _, cs in load.values() for i in cs]
    # stage B: exact wagon plan per train
    loads: dict[int, Load] = {}
    pool: set[int] = set()
    todo = sorted(per_dep, key=lambda k: (trains[k].date, trains[k].id))
    left_boxes = max(1, sum(len(cs) for cs in per_dep.values()))
    for d in todo:
        cs = per_dep[d]
        stage_b = 0.85 * budget - (time.perf_counter() - started)
        share = stage_b * len(cs) / left_boxes
        left_boxes -= len(cs)
        start = _pack(containers, trains[d], cs)
        plan = start
        if share >= 0.2:  # else no time left for CP-SAT: keep the packed plan
            st, plan, _ = _solve_train(containers, trains, d, cs, weights, opts, share, hint=start)
            if weights.objective(_plans({d: plan}, containers, trains)) < weights.objective(
                _plans({d: start}, containers, trains)
            ):
                plan = start
        loads[d] = plan
        placed = {i for _, ws in plan.values() for i in ws}
        pool |= set(cs) - placed
    # repair: containers a train could not take, tried on their other trains (earliest first)
    pool |= {i for i, ds in elig.items() if ds} - {
        i for load in loads.values() for _, cs in load.values() for i in cs
    }
    repaired = 0
    for d in sorted(range(len(trains)), key=lambda k: (trains[k].date, trains[k].id)):
        left_s = 0.97 * budget - (time.perf_counter() - started)
        if left_s < 0.2 or not pool:
            break
        extra = [i for i in sorted(pool) if d in elig[i]]
        if not extra:
            continue
        current = [i for _, ws in loads.get(d, {}).values() for i in ws]
        st, plan, _ = _solve_train(
            containers, trains, d, current + extra, weights, opts, min(left_s, max(0.2, left_s / 4)),
            must=current, hint=loads.get(d),
        )  # fmt: skip
        if st.has_solution:
            loads[d] = plan
            placed = {i for _, ws in plan.values() for i in ws}
            repaired += len(placed & set(extra))
            pool -= placed
    plans = _plans(loads, containers, trains)
    obj = weights.objective(plans)
    source = "decomposed"
    if ffd:
        ffd_obj = weights.objective(_plans(ffd, containers, trains))
        if ffd_obj > obj:
            loads, obj, source = (
                {d: dict(load) for d, load in ffd.items()},
                ffd_obj,
                "first-fit-decreasing warm start",
            )
    value = obj / weights.scale()
    best = None if bound_scaled is None else max(bound_scaled, obj) / weights.scale()
    gap = relative_gap(value, best)
    st = SolveStatus.OPTIMAL if gap is not None and gap <= 1e-12 else SolveStatus.FEASIBLE
    if opts.require_all and sum(len(cs) for ld in loads.values() for _, cs in ld.values()) < sum(
        1 for ds in elig.values() if ds
    ):
        st = SolveStatus.NO_SOLUTION
    info = SolveInfo(
        status=st, objective=value, best_bound=best, gap=0.0 if st is SolveStatus.OPTIMAL else gap,
        wall_time_s=time.perf_counter() - started, time_limit_s=budget, seed=opts.seed,
        solver=f"cp-sat decomposed ({opts.workers} worker(s))",
        reasons=() if st is not SolveStatus.NO_SOLUTION else ("the decomposition did not load every container; try method=exact or a longer time limit",),
        objective_unit=OBJECTIVE_UNIT,
        details={
            "model": "decomposed",
            "stage_a_status": stage_a.status.value,
            "stage_a_gap": stage_a.gap,
            "repaired": repaired,
            "plan_source": source,
        },
    )  # fmt: skip
    return info, loads


def _result(
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
        stats=_stats(plans),
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


# ----------------------------------------------------------------------------- checks
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
                if not _in_window(c, d):
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
