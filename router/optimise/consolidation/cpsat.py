"""The CP-SAT models: ``exact`` (container x departure x train position, each position one
wagon of the set in one of its slot patterns) and the aggregated containers -> departures
model (slot patterns counted per wagon type; a relaxation of the exact one), hints from a
plan, reading a solution, and the unsatisfiable core as reasons."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from router.optimise.consolidation.dg import wagon_gap
from router.optimise.consolidation.model import BookedContainer, TrainDeparture, WagonType
from router.optimise.consolidation.objective import Weights
from router.optimise.consolidation.plans import Load

#: CP-SAT linearization level: 2 puts the full LP relaxation in the search (strong bounds here)
LINEARIZATION = 2


def wagon_types(dep: TrainDeparture) -> list[tuple[WagonType, int]]:
    """The departure's wagon set as (type, count), in a fixed order."""
    return sorted(Counter(dep.wagons).items(), key=lambda kv: (kv[0].code, kv[0].payload_kg))


@dataclass
class Families:
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
class ExactModel:
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]  # (container, departure, position)
    in_train: dict[tuple[int, int], cp_model.IntVar]
    families: Families
    pick: dict[tuple[int, int, int, int], cp_model.IntVar] = field(
        default_factory=dict
    )  # d, w, g, k
    ge: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)  # (d, w, r)
    ranks: dict[int, dict[int, int]] = field(default_factory=dict)  # d -> dest index -> r
    has: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)


def build_exact(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: Weights,
    *,
    must: Iterable[int] = (),
    require_all: bool = False,
) -> ExactModel:
    """One CP-SAT model: container x departure x train position; each position of a train
    takes one wagon of the set (type g) loaded in one of its slot patterns (k)."""
    model = cp_model.CpModel()
    fam = Families(model, require_all)
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    in_train: dict[tuple[int, int], cp_model.IntVar] = {}
    ex = ExactModel(model, x, in_train, fam)
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


def read_exact(
    solver: cp_model.CpSolver,
    ex: ExactModel,
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


def hint_plan(
    ex: ExactModel,
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
def build_aggregate(
    containers: Sequence[BookedContainer],
    trains: Sequence[TrainDeparture],
    elig: Mapping[int, list[int]],
    weights: Weights,
    require_all: bool,
) -> tuple[cp_model.CpModel, dict[tuple[int, int], cp_model.IntVar], Families]:
    """Containers -> departures on aggregated capacities (wagons counted per type and slot
    pattern, payload, train weight and length): a relaxation of the exact model."""
    model = cp_model.CpModel()
    fam = Families(model, require_all)
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


def core_reasons(solver: cp_model.CpSolver, fam: Families) -> tuple[str, ...]:
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
