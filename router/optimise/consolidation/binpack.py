"""The bin-packing core of one departure: fewest identical wagons for a set of boxes.

When a plan reduces to one departure with one wagon type, one destination block, boxes of one
length and no dangerous goods, train load planning is one-dimensional bin packing: wagons are
bins of capacity ``payload_kg`` holding at most ``max_items`` boxes (the wagon's slots for that
length); wagon positions do not matter. This module packs such a set:

* :func:`lower_bound`: a valid lower bound on the wagons needed to carry every box, the larger
  of the Martello–Toth bound L2 (Martello and Toth 1990, *Knapsack Problems*, ch. 8; it
  includes the continuous bound L1 = ceil(total weight / capacity)) and ceil(boxes /
  ``max_items``);
* :func:`pack`: first-fit and best-fit decreasing, then, while above the lower bound, a
  portfolio of searches for a packing into exactly ``lower bound`` wagons (then one more):
  a tabu search on overloaded wagons (moves and swaps of boxes; good when the wagons have
  slack), randomised minimum-slack filling wagon by wagon (after Gupta and Ho's minimum bin
  slack), the pattern model of Gilmore and Gomory (1961) over every wagon load the total slack
  allows (listed when they are few, e.g. nearly full wagons of three to four boxes) solved by
  CP-SAT, a fail-first depth-first search, and, where the weights' greatest common divisor
  makes the capacity small, Valério de Carvalho's arc-flow model (1999, Annals of Operations
  Research 86:629–659) solved by CP-SAT. Nearly full wagons (slack under a tenth of a wagon)
  try the filling and pattern searches first, others the tabu search.

A packing with as many wagons as the lower bound is optimal (proved by the bound). Every search
is limited by work (iterations, CP-SAT deterministic time) before wall time, so the same seed
gives the same packing unless the wall-clock limit cuts a search short. Weights are in kg,
integers (callers round up).
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

#: arc-flow is tried when the capacity divided by the weights' gcd is at most this
ARC_FLOW_MAX_CAPACITY = 2_000
#: tabu-search iterations per second of budget (work limit, so results do not depend on speed)
LOCAL_SEARCH_ITERATIONS_PER_S = 4_000
#: randomised minimum-slack restarts per second of budget
FILL_RESTARTS_PER_S = 150
#: most wagon loads the pattern model lists
MAX_PATTERNS = 20_000
#: depth-first search nodes per second of budget
SEARCH_NODES_PER_S = 400

Bins = list[list[int]]


@dataclass(frozen=True, slots=True)
class Packing:
    """A packing of every box: ``bins`` lists box indices per wagon; ``lower_bound`` wagons
    are needed by any packing of every box; ``method`` names the search that found it."""

    bins: tuple[tuple[int, ...], ...]
    lower_bound: int
    method: str

    @property
    def wagons(self) -> int:
        return len(self.bins)

    @property
    def optimal(self) -> bool:
        return self.wagons == self.lower_bound


def l2_bound(weights: Sequence[int], capacity: int) -> int:
    """Martello–Toth L2 (>= L1): for each threshold k <= capacity/2, boxes heavier than
    capacity - k (J1) and heavier than capacity/2 (J2) need a wagon each, and the boxes of at
    least k kg (J3) fill what J2 leaves free."""
    if not weights:
        return 0
    l1 = -(-sum(weights) // capacity)
    best = l1
    thresholds = sorted({w for w in weights if w <= capacity // 2} | {0})
    for k in thresholds:
        j1 = [w for w in weights if w > capacity - k]
        j2 = [w for w in weights if capacity - k >= w > capacity / 2]
        j3 = [w for w in weights if capacity / 2 >= w >= k]
        free = len(j2) * capacity - sum(j2)
        extra = max(0, -(-(sum(j3) - free) // capacity))
        best = max(best, len(j1) + len(j2) + extra)
    return best


def lower_bound(weights: Sequence[int], capacity: int, max_items: int) -> int:
    """Wagons needed for every box: max(L2, ceil(boxes / max_items))."""
    return max(l2_bound(weights, capacity), -(-len(weights) // max(1, max_items)))


def _decreasing(weights: Sequence[int]) -> list[int]:
    return sorted(range(len(weights)), key=lambda i: (-weights[i], i))


def fit_decreasing(weights: Sequence[int], capacity: int, max_items: int, best: bool) -> Bins:
    """First-fit (``best=False``) or best-fit decreasing."""
    bins: Bins = []
    loads: list[int] = []
    for i in _decreasing(weights):
        w = weights[i]
        options = [
            b for b in range(len(bins)) if loads[b] + w <= capacity and len(bins[b]) < max_items
        ]
        if options:
            b = max(options, key=lambda b: (loads[b], -b)) if best else options[0]
            bins[b].append(i)
            loads[b] += w
        else:
            bins.append([i])
            loads.append(w)
    return bins


def _tabu(
    weights: Sequence[int], capacity: int, max_items: int, k: int, iterations: int,
    deadline: float, rng: random.Random,
) -> Bins | None:  # fmt: skip
    """Tabu search over packings into ``k`` wagons minimising the total overload (kg above
    capacity); moves: one box to another wagon, or a swap of two boxes. None if not solved."""
    bins: Bins = [[] for _ in range(k)]
    loads = [0] * k
    for i in _decreasing(weights):  # best fit into k wagons, overflow into the lightest
        w = weights[i]
        fit = [b for b in range(k) if loads[b] + w <= capacity and len(bins[b]) < max_items]
        room = [b for b in range(k) if len(bins[b]) < max_items]
        if not room:
            return None
        b = max(fit, key=lambda b: (loads[b], -b)) if fit else min(room, key=lambda b: loads[b])
        bins[b].append(i)
        loads[b] += w

    def over(load: int) -> int:
        return load - capacity if load > capacity else 0

    f = sum(over(x) for x in loads)
    best_f = f
    tabu: dict[int, int] = {}
    for it in range(iterations):
        if f == 0:
            return bins
        if it % 256 == 0 and time.perf_counter() > deadline:
            return None
        b = rng.choice([x for x in range(k) if loads[x] > capacity])
        move: tuple[int, int | None, int] | None = None
        move_d = 0
        for i in bins[b]:
            wi = weights[i]
            free_i = tabu.get(i, -1) < it
            for c in range(k):
                if c == b:
                    continue
                base = over(loads[b]) + over(loads[c])
                if len(bins[c]) < max_items:
                    d = over(loads[b] - wi) + over(loads[c] + wi) - base
                    if (free_i or f + d < best_f) and (
                        move is None or d < move_d or (d == move_d and rng.random() < 0.3)
                    ):
                        move, move_d = (i, None, c), d
                for j in bins[c]:
                    wj = weights[j]
                    if wj == wi:
                        continue
                    d = over(loads[b] - wi + wj) + over(loads[c] + wi - wj) - base
                    if ((free_i and tabu.get(j, -1) < it) or f + d < best_f) and (
                        move is None or d < move_d or (d == move_d and rng.random() < 0.3)
                    ):
                        move, move_d = (i, j, c), d
        if move is None:
            continue
        i, swap, c = move
        bins[b].remove(i)
        bins[c].append(i)
        loads[b] -= weights[i]
        loads[c] += weights[i]
        tabu[i] = it + rng.randint(5, 15)
        if swap is not None:
            bins[c].remove(swap)
            bins[b].append(swap)
            loads[c] -= weights[swap]
            loads[b] += weights[swap]
            tabu[swap] = it + rng.randint(5, 15)
        f += move_d
        best_f = min(best_f, f)
    return bins if f == 0 else None


def _completions(
    rest: Sequence[tuple[int, int]], room: int, min_fill: int, max_items: int, limit: int,
    deadline: float = math.inf,
) -> list[tuple[int, list[int]]]:  # fmt: skip
    """Subsets of ``rest`` ((weight, box) by decreasing weight) of total weight in
    [min_fill, room] and at most ``max_items`` boxes, one per weight multiset, fullest first
    (positions in ``rest``; at most ``limit`` of them, fewer if ``deadline`` passes)."""
    out: list[tuple[int, list[int]]] = []
    calls = [0]
    n = len(rest)
    weights = [w for w, _ in rest]
    negated = [-w for w in weights]
    prefix = [0] * (n + 1)
    for q in range(n):
        prefix[q + 1] = prefix[q] + weights[q]
    chosen: list[int] = []
    limit_reached: list[bool] = []

    def rec(q: int, s: int, left: int) -> None:
        if s >= min_fill:
            out.append((s, list(chosen)))
        calls[0] += 1
        if calls[0] % 1024 == 0 and time.perf_counter() > deadline:
            limit_reached.append(True)
        if left == 0 or limit_reached:
            return
        last = None
        for j in range(max(q, bisect.bisect_left(negated, s - room)), n):
            # the heaviest ``left`` boxes from j on cannot reach min_fill: nor can later ones
            if len(out) >= limit or s + prefix[min(n, j + left)] - prefix[j] < min_fill:
                return
            w = weights[j]
            if w == last:
                continue
            last = w
            chosen.append(j)
            rec(j + 1, s + w, left - 1)
            chosen.pop()

    rec(0, 0, max_items)
    out.sort(key=lambda t: -t[0])
    return out


@dataclass
class _Dfs:
    """One depth-first dive of :func:`_mrv` (node count against ``limit``)."""

    capacity: int
    max_items: int
    limit: int
    deadline: float
    rng: random.Random
    count: int = 0

    def stop(self) -> bool:
        return self.count >= self.limit or time.perf_counter() > self.deadline

    def run(self, items: list[tuple[int, int]], bins_left: int, slack: int) -> Bins | None:
        if not items:
            return []
        if bins_left == 0 or self.stop():
            return None
        self.count += 1
        best: tuple[int, list[tuple[int, int]], list[tuple[int, list[int]]]] | None = None
        distinct = 0
        for q, (w, _) in enumerate(items):
            if q and items[q - 1][0] == w:
                continue
            distinct += 1
            if distinct > 12:
                break
            rest = items[:q] + items[q + 1 :]
            room = self.capacity - w
            options = _completions(rest, room, room - slack, self.max_items - 1, 40)
            if not options:
                return None
            if (
                best is None
                or len(options) < len(best[2])
                or (len(options) == len(best[2]) and self.rng.random() < 0.5)
            ):
                best = (q, rest, options)
        assert best is not None
        q, rest, options = best
        w, i = items[q]
        for fill, sel in sorted(options, key=lambda o: (-o[0], self.rng.random())):
            taken = set(sel)
            nxt = [x for j, x in enumerate(rest) if j not in taken]
            found = self.run(nxt, bins_left - 1, slack - (self.capacity - w - fill))
            if found is not None:
                return [[i] + [rest[j][1] for j in sel], *found]
            if self.stop():
                return None
        return None


def _mrv(
    weights: Sequence[int], capacity: int, max_items: int, k: int, nodes: int,
    deadline: float, rng: random.Random,
) -> Bins | None:  # fmt: skip
    """Depth-first search for a packing into ``k`` wagons within their total slack, wagon by
    wagon: the next wagon is built around the box with the fewest completions among the
    heaviest distinct weights (fail-first), trying its completions fullest first; restarts
    with doubling node limits and random tie-breaks, ``nodes`` in all."""
    used, budget = 0, 200
    items = sorted(((weights[i], i) for i in range(len(weights))), reverse=True)
    while used < nodes and time.perf_counter() < deadline:
        dive = _Dfs(capacity, max_items, min(budget, nodes - used), deadline, rng)
        found = dive.run(items, k, k * capacity - sum(weights))
        if found is not None:
            return found
        used += dive.count
        budget *= 2
    return None


def _patterns(
    weights: Sequence[int], capacity: int, max_items: int, k: int, deadline: float, seed: int
) -> Bins | None:
    """The pattern model (Gilmore and Gomory 1961) over every wagon load that ``k`` wagons'
    total slack allows (weight multisets of at most ``max_items`` boxes filled to at least
    capacity - slack): choose ``k`` loads covering each weight exactly as often as it occurs,
    with CP-SAT. None if the loads are too many to list before ``deadline`` or none is found."""
    slack = k * capacity - sum(weights)
    demand = Counter(weights)
    sizes = sorted(demand, reverse=True)
    loads: set[tuple[int, ...]] = set()
    for t, size in enumerate(sizes):
        rest = [
            (other, 0)
            for other in sizes[t:]
            for _ in range(min(demand[other] - (other == size), max_items - 1))
        ]
        room = capacity - size
        options = _completions(rest, room, room - slack, max_items - 1, MAX_PATTERNS, deadline)
        loads.update(tuple([size] + [rest[j][0] for j in sel]) for _, sel in options)
        if len(loads) > MAX_PATTERNS or time.perf_counter() > deadline:
            return None
    patterns = sorted(loads, reverse=True)
    model = cp_model.CpModel()
    use = [model.new_int_var(0, min(k, *(demand[w] for w in p)), "") for p in patterns]
    model.add(sum(use) == k)
    for size in sizes:
        model.add(
            sum(p.count(size) * v for p, v in zip(patterns, use, strict=True) if size in p)
            == demand[size]
        )
    left = deadline - time.perf_counter()
    if left < 0.05:
        return None
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = left
    solver.parameters.max_deterministic_time = left
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    pool: dict[int, list[int]] = defaultdict(list)
    for i in _decreasing(weights):
        pool[weights[i]].append(i)
    bins: Bins = []
    for p, v in zip(patterns, use, strict=True):
        for _ in range(solver.value(v)):
            bins.append([pool[w].pop() for w in p])
    return bins


def _min_slack(
    weights: Sequence[int], capacity: int, max_items: int, k: int, restarts: int,
    deadline: float, rng: random.Random,
) -> Bins | None:  # fmt: skip
    """Randomised minimum-slack filling: wagon by wagon, the heaviest box left plus one of the
    fullest completions (chosen at random), within the total slack ``k`` wagons allow."""
    for _ in range(restarts):
        if time.perf_counter() > deadline:
            return None
        items = sorted(((weights[i], i) for i in range(len(weights))), reverse=True)
        slack = k * capacity - sum(weights)
        bins: Bins = []
        while items and len(bins) < k:
            first, rest = items[0], items[1:]
            room = capacity - first[0]
            options = _completions(rest, room, room - slack, max_items - 1, 60)
            if not options:
                break
            top = [o for o in options if o[0] == options[0][0]]
            fill, sel = rng.choice(top)
            bins.append([first[1]] + [rest[q][1] for q in sel])
            slack -= room - fill
            taken = set(sel)
            items = [x for q, x in enumerate(rest) if q not in taken]
        if not items:
            return bins
    return None


def _arc_flow(
    weights: Sequence[int], capacity: int, k: int, time_limit_s: float, seed: int
) -> Bins | None:
    """Valério de Carvalho's arc-flow model (boxes in decreasing weight along each wagon's
    path 0 -> capacity) with exactly ``k`` wagons, solved by CP-SAT; None if not found."""
    g = 0
    for w in [*weights, capacity]:
        g = math.gcd(g, w)
    cap = capacity // g
    if cap > ARC_FLOW_MAX_CAPACITY:
        return None
    sizes_of = [w // g for w in weights]
    demand = Counter(sizes_of)
    sizes = sorted(demand, reverse=True)
    first_type: dict[int, int] = defaultdict(lambda: len(sizes))
    first_type[0] = 0
    heap, seen = [0], {0}
    arcs: list[tuple[int, int, int]] = []
    while heap:  # nodes in increasing order: every arc into u is known when u is expanded
        u = heapq.heappop(heap)
        for t in range(first_type[u], len(sizes)):
            v = u + sizes[t]
            if v > cap:
                continue
            arcs.append((u, v, t))
            first_type[v] = min(first_type[v], t)
            if v not in seen:
                seen.add(v)
                heapq.heappush(heap, v)
    model = cp_model.CpModel()
    flow = {a: model.new_int_var(0, min(k, demand[sizes[a[2]]]), "") for a in arcs}
    loss = {u: model.new_int_var(0, k, "") for u in seen if u not in (0, cap)}
    out_of: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    into: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (u, v, _), var in flow.items():
        out_of[u].append(var)
        into[v].append(var)
    for u, var in loss.items():
        out_of[u].append(var)
        into[cap].append(var)
    for u in seen | {cap}:
        if u == 0:
            model.add(sum(out_of[u]) == k)
        elif u == cap:
            model.add(sum(into[u]) == k)
        else:
            model.add(sum(into[u]) == sum(out_of[u]))
    by_type: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (_, _, t), var in flow.items():
        by_type[t].append(var)
    for t, size in enumerate(sizes):
        model.add(sum(by_type[t]) >= demand[size])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.max_deterministic_time = max(0.05, time_limit_s)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    left = {a: solver.value(v) for a, v in flow.items()}
    left_loss = {u: solver.value(v) for u, v in loss.items()}
    arcs_from: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for a in arcs:
        arcs_from[a[0]].append(a)
    pool: dict[int, list[int]] = defaultdict(list)
    for i in _decreasing(weights):
        pool[sizes_of[i]].append(i)
    bins: Bins = []
    for _ in range(k):  # path decomposition: one wagon per unit of flow
        u, boxes = 0, []
        while u != cap:
            step = next((a for a in arcs_from[u] if left[a] > 0), None)
            if step is None:
                left_loss[u] -= 1
                break
            left[step] -= 1
            boxes.append(sizes[step[2]])
            u = step[1]
        bins.append([pool[s].pop() for s in boxes if pool[s]])
    return bins if not any(pool.values()) else None


def _most_boxes(weights: Sequence[int], capacity: int) -> int:
    """The most boxes one wagon can hold by weight alone (the lightest ones)."""
    total = count = 0
    for w in sorted(weights):
        if total + w > capacity:
            break
        total += w
        count += 1
    return count


def pack(
    weights: Sequence[int], capacity: int, max_items: int, time_limit_s: float, seed: int = 0
) -> Packing:
    """The fewest wagons found for every box (see the module docstring) within the limit."""
    started = time.perf_counter()
    lb = lower_bound(weights, capacity, max_items)
    best = min((fit_decreasing(weights, capacity, max_items, b) for b in (False, True)), key=len)
    method = "first/best-fit decreasing"
    rng = random.Random(seed)
    tight = lb * capacity - sum(weights) < capacity // 10  # (almost) every wagon full
    max_items = min(max_items, _most_boxes(weights, capacity))
    share = {
        "tabu search": 0.15, "minimum slack": 0.1, "patterns": 0.2, "depth-first search": 0.2,
        "arc flow": 0.15,
    }  # fmt: skip
    order = (
        ["minimum slack", "patterns", "depth-first search"]
        if tight
        else ["tabu search", "minimum slack", "patterns", "depth-first search"]
    )
    if max_items >= _most_boxes(weights, capacity):  # the slots never bind: arc flow applies
        order.append("arc flow")
    spent = 0.0
    for k in (lb, lb + 1):
        for name in order if k == lb else ["minimum slack", "tabu search"]:
            if len(best) <= k:
                break
            part = share[name] if k == lb else 0.1
            spent += part
            until = started + spent * time_limit_s
            if name == "tabu search":
                work = int(LOCAL_SEARCH_ITERATIONS_PER_S * part * time_limit_s)
                found = _tabu(weights, capacity, max_items, k, work, until, rng)
            elif name == "minimum slack":
                work = max(1, int(FILL_RESTARTS_PER_S * part * time_limit_s))
                found = _min_slack(weights, capacity, max_items, k, work, until, rng)
            elif name == "patterns":
                found = _patterns(weights, capacity, max_items, k, until, seed)
            elif name == "depth-first search":
                work = max(1, int(SEARCH_NODES_PER_S * part * time_limit_s))
                found = _mrv(weights, capacity, max_items, k, work, until, rng)
            else:
                left = until - time.perf_counter()
                found = _arc_flow(weights, capacity, k, left, seed) if left > 0.1 else None
            if found is not None and len([b for b in found if b]) < len(best):
                best, method = [b for b in found if b], name
    return Packing(tuple(tuple(sorted(b)) for b in best), lb, method)
