"""The batch assignment's inputs and its master model over a set of columns (DESIGN.md §3).

A *column* is one legal path of one shipment. The master model, over the columns found so far
(pywraplp; GLOP for the LP relaxation and its duals, SCIP by default for the integer plan)::

    x[s,p] >= 0 (binary)  shipment s takes column p
    u[s]   >= 0 (binary)  shipment s is left unassigned, at a penalty
    z[d] in [0,1] (binary) an on/off minimum-load departure d runs
    sum_p x[s,p] + u[s] = 1                                       every shipment decided
    fixed(d) + sum need(s,d) x[s,p] <= cap(d) [* z[d]]             space of a dated departure
    fixed(d) + sum need(s,d) x[s,p] >= min(d) * z[d]              on/off minimum load (TEU, t)
    fixed(d) + sum need(s,d) x[s,p] + short(d) >= min(d)          hard minimum load (TEU, t)
    sum_{p uses d} x[s,p] <= z[d]                                 a shipment only on a train that runs
    min  sum gc(s,p) x[s,p] + sum pen(s) u[s] + sum F(d) z[d] + M sum short(d)

in fen (CNY/100). ``short`` is the shortfall of a hard minimum load, priced at
:data:`SHORTFALL_FEN_PER_UNIT` so that the LP stays feasible while columns are generated; a plan
with a shortfall is not a plan (see :mod:`router.optimise.assign`). Every row knows its
coefficient per shipment and departure, so :meth:`MasterModel.prices` turns the LP duals into a
price per (shipment, departure) for the pricing search.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from ortools.linear_solver import pywraplp

from router.errors import InvalidRequestError
from router.network.model import Mode
from router.network.timetable import DepartureKey
from router.optimise.candidates import Candidate, CandidateFinder, DepartureSpace, tracked_need
from router.optimise.ortools_util import check_limits
from router.routing.compiled import CLink, CompiledNetwork
from router.routing.prices import CargoPrices
from router.routing.request import CONTAINER_TYPES, Cargo, PlaceRef, QuoteRequest
from router.routing.search import Search
from router.units import M3_PER_TEU, as_cst

#: default penalty of leaving a shipment unassigned, as a multiple of its cheapest path's
#: generalised cost (a shipment is dropped only when capacity or minimum loads force it)
DEFAULT_PENALTY_FACTOR = 10.0
#: penalty for a shipment without any legal path (constant: it cannot be assigned anyway)
NO_PATH_PENALTY_CNY = 100_000.0
#: price of one unit (TEU or t) of shortfall of a hard minimum load in the master, fen
SHORTFALL_FEN_PER_UNIT = 1e10
#: assignment methods: column generation (bound over every legal path) or the candidate paths
#: of blocked label searches (no bound beyond its candidates)
METHODS = ("column_generation", "candidates")


@dataclass(frozen=True, slots=True)
class Shipment:
    """One shipment of the batch: what is asked (``request``: places, cargo, times, trader,
    constraints, preferences) and ``booked``: the dated departures it is booked on today."""

    id: str
    request: QuoteRequest
    booked: tuple[DepartureKey, ...] = ()
    unassigned_penalty_cny: float | None = None
    #: node codes of depots the cargo may leave from instead of ``request.origin`` (the model
    #: chooses, within each depot's stock: ``supplies`` of :func:`assign_shipments`)
    origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidRequestError("shipments.id", "every shipment needs an id")
        if len(set(self.origins)) != len(self.origins):
            raise InvalidRequestError(f"shipments[{self.id}].origins", "an origin is named twice")
        if self.origins and self.booked:
            raise InvalidRequestError(
                f"shipments[{self.id}].origins", "a booked shipment has its origin already"
            )
        if self.unassigned_penalty_cny is not None and self.unassigned_penalty_cny < 0:
            raise InvalidRequestError(
                f"shipments[{self.id}].unassigned_penalty_cny", "must be >= 0"
            )

    @property
    def requests(self) -> list[QuoteRequest]:
        """The request from each origin it may leave from (its own when none are listed)."""
        if not self.origins:
            return [self.request]
        return [dataclasses.replace(self.request, origin=PlaceRef(code=o)) for o in self.origins]


@dataclass(frozen=True, slots=True)
class DepartureRule:
    """A rule on one dated departure of a link, or on every departure (``departure`` None)."""

    link_id: str
    departure: datetime | None = None

    def __post_init__(self) -> None:
        if self.departure is not None:
            object.__setattr__(
                self, "departure", as_cst(self.departure).replace(second=0, microsecond=0)
            )

    def applies(self, key: DepartureKey) -> bool:
        return key[0] == self.link_id and (self.departure is None or self.departure == key[1])


R = TypeVar("R", bound=DepartureRule)


def _most_specific(rules: Sequence[R], key: DepartureKey) -> R | None:
    """The first rule naming ``key``'s departure, else the first for every departure of its
    link, else None."""
    found = [r for r in rules if r.applies(key)]
    exact = [r for r in found if r.departure is not None]
    return (exact or found)[0] if found else None


@dataclass(frozen=True, slots=True)
class MinLoad(DepartureRule):
    """A minimum load of ``min_teu`` TEU and ``min_t`` gross tonnes on a departure.

    ``hard`` False (on/off): the departure only runs with at least that much booked, and
    running it costs ``fixed_cost_cny``; the plan may cancel it. ``hard`` True: the departure
    must carry at least that much (it runs; ``fixed_cost_cny`` must be 0). ``departure`` None:
    every departure of the link."""

    min_teu: float = 0.0
    min_t: float = 0.0
    fixed_cost_cny: float = 0.0
    hard: bool = False

    def __post_init__(self) -> None:
        DepartureRule.__post_init__(self)
        if self.min_teu < 0 or self.min_t < 0 or self.fixed_cost_cny < 0:
            raise InvalidRequestError("min_loads", "min_teu, min_t and fixed_cost_cny must be >= 0")
        if self.hard and self.departure is None:
            raise InvalidRequestError(
                "min_loads", "a hard minimum load names its departure (link_id and departure)"
            )
        if self.hard and self.fixed_cost_cny:
            raise InvalidRequestError(
                "min_loads",
                "a hard minimum load runs the departure in any case: give no fixed_cost_cny",
            )

    @property
    def on_off(self) -> bool:
        return not self.hard and bool(self.min_teu or self.min_t or self.fixed_cost_cny)


#: loadable volume of one 40' high cube for consolidated LCL, m3 (ISO 668 internal volume about
#: 76 m3; stowage leaves about 90 % usable: estimate, see data/README.md)
DEFAULT_BOX_M3 = 68.0


@dataclass(frozen=True, slots=True)
class SharedBoxes(DepartureRule):
    """A departure (or every departure of a link) on which the LCL shipments of the batch may
    share boxes (seed §8, 拼箱): a consolidator books whole ``box_type`` boxes at the link's
    per-box freight, each takes ``box_m3`` of cargo and the box type's payload, and an LCL
    shipment riding a shared box pays no freight of its own on that leg (its terminal and
    CFS handling stay)."""

    box_type: str = "45G1"
    box_m3: float = DEFAULT_BOX_M3

    def __post_init__(self) -> None:
        DepartureRule.__post_init__(self)
        if self.box_type not in CONTAINER_TYPES:
            raise InvalidRequestError(
                "shared_boxes.box_type",
                f"unknown ISO size-type {self.box_type!r} (one of {', '.join(CONTAINER_TYPES)})",
            )
        if not 0 < self.box_m3 <= 100:
            raise InvalidRequestError("shared_boxes.box_m3", "must be > 0 and at most 100 m3")

    @property
    def payload_t(self) -> float:
        return CONTAINER_TYPES[self.box_type].max_payload_kg / 1000.0

    @property
    def teu(self) -> float:
        return float(CONTAINER_TYPES[self.box_type].teu)


@dataclass(frozen=True, slots=True)
class AssignmentOptions:
    """How to solve. ``method``: ``column_generation`` (default; the status and bound hold over
    every legal path within ``horizon_days`` of each shipment's ready time) or ``candidates``
    (the label search with departures blocked; optimal only over the paths it found, so it
    reports ``feasible`` without a bound). ``max_rounds`` bounds the pricing rounds of column
    generation (or the candidate rounds); ``max_searches_per_shipment`` the candidate method's
    searches."""

    time_limit_s: float = 10.0
    seed: int = 0
    backend: str = "SCIP"
    keep_existing: bool = True
    max_searches_per_shipment: int = 8
    max_rounds: int = 50
    compute_duals: bool = True
    method: str = "column_generation"
    horizon_days: float = 60.0

    def __post_init__(self) -> None:
        check_limits(self.time_limit_s, self.seed)
        if self.max_searches_per_shipment < 1 or self.max_rounds < 1:
            raise InvalidRequestError("options", "search limits must be >= 1")
        if self.method not in METHODS:
            raise InvalidRequestError(
                "options.method", f"unknown method {self.method!r} (use {', '.join(METHODS)})"
            )
        if not 0 < self.horizon_days <= 366:
            raise InvalidRequestError("options.horizon_days", "must be > 0 and at most 366")


@dataclass
class Column:
    """A legal path of a shipment in the master: the candidate, the search that built it (for
    its document) and the departures blocked when it was found (candidate method)."""

    cand: Candidate
    search: Search
    blocked: frozenset[DepartureKey] = frozenset()
    #: node code the path leaves from (for depots' stock), None for a point
    origin: str | None = None
    #: departures on which it rides a shared box, and the freight (fen) it does not pay there
    shared: frozenset[DepartureKey] = frozenset()
    saving_fen: int = 0

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.cand.signature, tuple(sorted(self.shared, key=lambda k: (k[1], k[0]))))

    @property
    def cost_fen(self) -> int:
        """Generalised cost in the master, fen: the path's less the freight shared boxes pay."""
        return round(self.cand.generalised_cost_cny * 100.0) - self.saving_fen


#: (TEU, or kg for air; gross tonnes; shipment ids) per departure, of the kept bookings
FixedLoads = Mapping[DepartureKey, tuple[float, float, list[str]]]


@dataclass
class AssignmentProblem:
    cn: CompiledNetwork
    shipments: list[Shipment]
    space: DepartureSpace
    min_loads: list[MinLoad]
    options: AssignmentOptions
    #: stock per depot (node code), TEU: what shipments choosing among origins may take there
    supplies: dict[str, float] = field(default_factory=dict)
    shared_boxes: list[SharedBoxes] = field(default_factory=list)
    #: freight of one shared box per departure, fen (computed once)
    box_fen: dict[DepartureKey, int] = field(default_factory=dict)
    _clinks: dict[str, CLink] = field(default_factory=dict)
    finders: dict[str, CandidateFinder] = field(default_factory=dict)
    cands: dict[str, dict[tuple[Any, ...], Column]] = field(default_factory=dict)
    fixed: dict[str, Column | None] = field(default_factory=dict)  # kept bookings

    def min_load(self, key: DepartureKey) -> MinLoad | None:
        return _most_specific(self.min_loads, key)

    def need(self, s: Shipment, key: DepartureKey) -> float:
        return tracked_need(s.request, self.cn.network.links[key[0]].mode)

    def requests_of(self, s: Shipment) -> list[QuoteRequest]:
        return s.requests

    @property
    def free(self) -> list[Shipment]:
        return [s for s in self.shipments if s.id not in self.fixed]

    def explore(self, s: Shipment, blocked: frozenset[DepartureKey]) -> int:
        """Candidate method: run the label search with ``blocked`` departures; new columns."""
        from router.optimise.candidates import make_candidate

        finder = self.finders[s.id]
        if blocked in finder._cache or finder.searches >= self.options.max_searches_per_shipment:
            return 0
        added = 0
        bucket = self.cands.setdefault(s.id, {})
        for search, route in finder.run(blocked):
            column = Column(make_candidate(search, route, self.space), search, blocked)
            if column.key not in bucket:
                bucket[column.key] = column
                added += 1
        return added

    def add_column(self, s: Shipment, column: Column) -> bool:
        bucket = self.cands.setdefault(s.id, {})
        if column.key in bucket:
            return False
        bucket[column.key] = column
        return True

    def shared_rule(self, key: DepartureKey) -> SharedBoxes | None:
        return _most_specific(self.shared_boxes, key)

    def clink(self, link_id: str) -> CLink:
        """The compiled link of ``link_id`` (the id map is built once)."""
        if not self._clinks:
            self._clinks.update((cl.link.id, cl) for cl in self.cn.links)
        return self._clinks[link_id]

    def box_freight_fen(self, key: DepartureKey) -> int:
        """Freight (fen) of one shared box on the departure ``key``: the link's per-box base
        rate and surcharges on the departure's day."""
        if key not in self.box_fen:
            rule = self.shared_rule(key)
            assert rule is not None
            clink = self.clink(key[0])
            box = Cargo(containers=((rule.box_type, 1),))
            lines = CargoPrices(self.cn, box, key[1].date()).freight_lines(clink)
            if lines is None:
                raise InvalidRequestError(
                    "shared_boxes", f"link {key[0]} has no price for a {rule.box_type} box"
                )
            self.box_fen[key] = sum(line.fen for line in lines)
        return self.box_fen[key]

    def fixed_loads(self) -> dict[DepartureKey, tuple[float, float, list[str]]]:
        loads: dict[DepartureKey, tuple[float, float, list[str]]] = {}
        for s in self.shipments:
            if s.id not in self.fixed:
                continue
            for key in s.booked:
                if key[0] not in self.cn.network.links:
                    raise InvalidRequestError(
                        f"shipments[{s.id}].booked", f"unknown link {key[0]!r}"
                    )
                teu, t, ids = loads.get(key, (0.0, 0.0, []))
                loads[key] = (
                    teu + self.need(s, key),
                    t + s.request.cargo.gross_kg / 1000.0,
                    [*ids, s.id],
                )
        return loads

    def penalty(self, s: Shipment, cheapest_cny: float | None) -> float:
        """Penalty (CNY) of leaving ``s`` unassigned: its own, else a multiple of its cheapest
        path's generalised cost (``cheapest_cny``, fixed once so the model does not change as
        columns arrive), else :data:`NO_PATH_PENALTY_CNY`."""
        if s.unassigned_penalty_cny is not None:
            return s.unassigned_penalty_cny
        if cheapest_cny is None:
            return NO_PATH_PENALTY_CNY
        return DEFAULT_PENALTY_FACTOR * max(1.0, cheapest_cny)


def _most_load(p: AssignmentProblem, key: DepartureKey, fixed_teu: float) -> float:
    """The most a departure without a capacity could carry: every free shipment on it (and
    the shared boxes they would fill), fixed for the problem so the model does not tighten
    as columns arrive."""
    most = fixed_teu + sum(p.need(s, key) for s in p.free)
    rule = p.shared_rule(key)
    if rule is not None:
        m3 = sum(cargo_m3(s.request.cargo) for s in p.free if not s.request.cargo.is_containerised)
        most += rule.teu * (m3 / rule.box_m3 + len(p.free))
    return most


def cargo_m3(cargo: Cargo) -> float:
    """Volume of a loose cargo, m3 (its declared volume, else its space in TEU x m3 per TEU)."""
    return cargo.volume_m3 if cargo.volume_m3 is not None else cargo.space_teu * M3_PER_TEU


# ------------------------------------------------------------------------------- master
@dataclass
class MasterModel:
    """One build of the master (LP or MIP) over the problem's columns, with its rows."""

    solver: pywraplp.Solver
    x: dict[tuple[str, tuple[Any, ...]], Any]
    u: dict[str, Any]
    z: dict[DepartureKey, Any]
    cap_rows: dict[DepartureKey, Any]
    convexity: dict[str, Any]
    #: per departure: (row, coefficient kind) with kind "teu" (the shipment's space need) or
    #: "t" (its gross tonnes), for every row the shipments' loads enter
    load_rows: dict[DepartureKey, list[tuple[Any, str]]]
    link_rows: dict[tuple[str, DepartureKey], Any]
    shortfall: dict[tuple[DepartureKey, str], Any]
    keys: list[DepartureKey]
    penalties: dict[str, float]
    #: per shipment: the departures of its link rows
    links_of: dict[str, list[DepartureKey]] = field(default_factory=dict)
    #: per depot (node code): its stock row
    supply_rows: dict[str, Any] = field(default_factory=dict)
    #: per shared-box departure: its boxes and its (volume, weight) rows
    boxes: dict[DepartureKey, Any] = field(default_factory=dict)
    box_rows: dict[DepartureKey, tuple[Any, Any]] = field(default_factory=dict)

    def shared_price_fen(self, s: Shipment, key: DepartureKey) -> float:
        """Dual price (fen) of ``s``'s cargo in the shared boxes of ``key`` (0 without boxes
        yet): its volume and weight at the duals of the box rows."""
        rows = self.box_rows.get(key)
        if rows is None:
            return 0.0
        cargo = s.request.cargo
        return (
            -cargo_m3(cargo) * rows[0].dual_value() - cargo.gross_kg / 1000.0 * rows[1].dual_value()
        )

    #: per departure: the sum of the duals of its rows per TEU and per tonne (sign: price)
    _row_duals: dict[DepartureKey, tuple[float, float]] | None = None

    def prices_fen(self, p: AssignmentProblem, s: Shipment) -> dict[DepartureKey, float]:
        """Dual price (fen) of each departure for shipment ``s``: minus the sum of the rows'
        duals times the shipment's coefficient in them (its reduced cost is its generalised
        cost plus these prices, less its convexity dual)."""
        if self._row_duals is None:
            self._row_duals = {}
            for key, rows in self.load_rows.items():
                teu = -sum(row.dual_value() for row, kind in rows if kind == "teu")
                t = -sum(row.dual_value() for row, kind in rows if kind == "t")
                if teu or t:
                    self._row_duals[key] = (teu, t)
        out: dict[DepartureKey, float] = {}
        tonnes = s.request.cargo.gross_kg / 1000.0
        for key, (teu, t) in self._row_duals.items():
            total = p.need(s, key) * teu + tonnes * t
            if total:
                out[key] = total
        for key in self.links_of.get(s.id, ()):
            total = out.get(key, 0.0) - self.link_rows[s.id, key].dual_value()
            if total:
                out[key] = total
            else:
                out.pop(key, None)
        return out

    def origin_price_fen(self, p: AssignmentProblem, s: Shipment, request: QuoteRequest) -> float:
        """Dual price (fen) of taking ``s``'s cargo from its request's origin's stock."""
        code = request.origin.code
        row = self.supply_rows.get(code) if code is not None else None
        return 0.0 if row is None else -s.request.cargo.space_teu * row.dual_value()

    def threshold_fen(self, s: Shipment) -> float:
        """The convexity dual of ``s``: a column below it (with prices) improves the LP."""
        return float(self.convexity[s.id].dual_value())


def build_master(
    p: AssignmentProblem,
    solver: pywraplp.Solver,
    integer: bool,
    fixed_loads: FixedLoads,
    penalties: Mapping[str, float],
    z_fixed: Mapping[DepartureKey, bool] | None = None,
    link_rows: bool = True,
    phase_one: bool = False,
) -> MasterModel:
    """The master over the problem's columns (see the module doc). ``z_fixed``: on/off
    decisions fixed (for the duals of a plan); ``link_rows``: the per-shipment rows
    ``x <= z`` that tighten the relaxation of on/off departures; ``phase_one``: minimise the
    shortfall of hard minimum loads alone (every other cost 0)."""
    inf = solver.infinity()
    money = 0.0 if phase_one else 1.0
    short_fen = 1.0 if phase_one else SHORTFALL_FEN_PER_UNIT

    def var(name: str, upper: float = inf) -> Any:
        return solver.IntVar(0.0, 1.0, name) if integer else solver.NumVar(0.0, upper, name)

    x: dict[tuple[str, tuple[Any, ...]], Any] = {}
    u: dict[str, Any] = {}
    convexity: dict[str, Any] = {}
    # per departure: (shipment, variable, space it takes: 0 in a shared box)
    usage: dict[DepartureKey, list[tuple[Shipment, Any, float]]] = defaultdict(list)
    # per shared-box departure: (shipment, variable) of the columns riding its boxes
    sharing: dict[DepartureKey, list[tuple[Shipment, Any]]] = defaultdict(list)
    by_pair: dict[tuple[str, DepartureKey], list[Any]] = defaultdict(list)
    cost_terms: list[Any] = []
    for si, s in enumerate(p.free):
        u[s.id] = var(f"u_{si}")
        row = [u[s.id]]
        columns = sorted(
            p.cands.get(s.id, {}).items(), key=lambda kv: kv[1].cand.generalised_cost_cny
        )
        for ci, (sig, c) in enumerate(columns):
            v = x[s.id, sig] = var(f"x_{si}_{ci}")
            row.append(v)
            cost_terms.append(money * c.cost_fen * v)
            for key in c.cand.departures:
                shared = key in c.shared
                usage[key].append((s, v, 0.0 if shared else p.need(s, key)))
                if shared:
                    sharing[key].append((s, v))
                by_pair[s.id, key].append(v)
        convexity[s.id] = solver.Add(solver.Sum(row) == 1, f"one_{si}")
        cost_terms.append(money * round(penalties[s.id] * 100.0) * u[s.id])
    hard = {(m.link_id, m.departure) for m in p.min_loads if m.hard and m.departure is not None}
    keys = sorted(set(usage) | set(fixed_loads) | hard, key=lambda k: (k[1], k[0]))
    boxes: dict[DepartureKey, Any] = {}
    box_rows: dict[DepartureKey, tuple[Any, Any]] = {}
    for n, key in enumerate(sorted(sharing, key=lambda k: (k[1], k[0]))):
        box_rule = p.shared_rule(key)
        assert box_rule is not None
        y = boxes[key] = (
            solver.IntVar(0.0, inf, f"boxes_{n}")
            if integer
            else solver.NumVar(0.0, inf, f"boxes_{n}")
        )
        cost_terms.append(money * p.box_freight_fen(key) * y)
        vol = solver.Sum([cargo_m3(s.request.cargo) * v for s, v in sharing[key]])
        wt = solver.Sum([s.request.cargo.gross_kg / 1000.0 * v for s, v in sharing[key]])
        box_rows[key] = (
            solver.Add(vol - box_rule.box_m3 * y <= 0, f"box_m3_{n}"),
            solver.Add(wt - box_rule.payload_t * y <= 0, f"box_t_{n}"),
        )
    z: dict[DepartureKey, Any] = {}
    cap_rows: dict[DepartureKey, Any] = {}
    load_rows: dict[DepartureKey, list[tuple[Any, str]]] = {}
    links: dict[tuple[str, DepartureKey], Any] = {}
    shortfall: dict[tuple[DepartureKey, str], Any] = {}
    for n, key in enumerate(keys):
        cap = p.space.remaining(*key)
        rule = p.min_load(key)
        fixed_teu, fixed_t, _ = fixed_loads.get(key, (0.0, 0.0, []))
        terms = usage.get(key, [])
        load = solver.Sum([need * v for _, v, need in terms]) if terms else 0
        if key in boxes:
            rule_box = p.shared_rule(key)
            assert rule_box is not None
            load = load + rule_box.teu * boxes[key]
        tonnes = (
            solver.Sum([s.request.cargo.gross_kg / 1000.0 * v for s, v, _ in terms]) if terms else 0
        )
        rows: list[tuple[Any, str]] = []
        if rule is not None and rule.on_off:
            if z_fixed is not None or fixed_teu or fixed_t:
                # kept bookings on it: the departure runs
                value = 1.0 if z_fixed is None or z_fixed.get(key, True) else 0.0
                z[key] = solver.NumVar(value, value, f"z_{n}")
            else:
                z[key] = (
                    solver.IntVar(0.0, 1.0, f"z_{n}")
                    if integer
                    else solver.NumVar(0.0, 1.0, f"z_{n}")
                )
            big = cap if cap is not None else _most_load(p, key, fixed_teu)
            cap_rows[key] = solver.Add(load - big * z[key] <= -fixed_teu, f"cap_{n}")
            rows.append((cap_rows[key], "teu"))
            must_run = bool(fixed_teu or fixed_t)
            for unit, minimum, have, amount in (
                ("teu", rule.min_teu, fixed_teu, load),
                ("t", rule.min_t, fixed_t, tonnes),
            ):
                if not minimum:
                    continue
                if must_run and minimum > have:
                    # it runs for the kept bookings: a shortfall is an infeasibility (phase one)
                    short = shortfall[key, unit] = solver.NumVar(0.0, inf, f"short_{unit}_{n}")
                    amount = amount + short
                    cost_terms.append(short_fen * short)
                rows.append((solver.Add(amount - minimum * z[key] >= -have), unit))
            if rule.fixed_cost_cny:
                cost_terms.append(money * rule.fixed_cost_cny * 100.0 * z[key])
            if link_rows:
                for s, _, _ in terms:
                    pair = (s.id, key)
                    if pair not in links:
                        links[pair] = solver.Add(solver.Sum(by_pair[pair]) - z[key] <= 0)
        else:
            if cap is not None:
                cap_rows[key] = solver.Add(load <= cap - fixed_teu, f"cap_{n}")
                rows.append((cap_rows[key], "teu"))
            if rule is not None and rule.hard:
                for unit, minimum, have, amount in (
                    ("teu", rule.min_teu, fixed_teu, load),
                    ("t", rule.min_t, fixed_t, tonnes),
                ):
                    if minimum and minimum > have:
                        short = shortfall[key, unit] = solver.NumVar(0.0, inf, f"short_{unit}_{n}")
                        rows.append((solver.Add(amount + short >= minimum - have), unit))
                        cost_terms.append(short_fen * short)
        if rows:
            load_rows[key] = rows
    # kept bookings: their (re-priced) cost is a constant of the objective
    offset = money * sum(
        round(c.cand.generalised_cost_cny * 100.0) for c in p.fixed.values() if c is not None
    )
    solver.Minimize(solver.Sum(cost_terms) + offset)
    links_of: dict[str, list[DepartureKey]] = defaultdict(list)
    for sid, key in links:
        links_of[sid].append(key)
    supply_rows = {}
    for code, stock in sorted(p.supplies.items()):
        taking = [
            s.request.cargo.space_teu * x[s.id, sig]
            for s in p.free
            for sig, c in p.cands.get(s.id, {}).items()
            if c.origin == code
        ]
        supply_rows[code] = solver.Add(solver.Sum(taking) <= stock, f"stock_{code}")
    return MasterModel(
        solver,
        x,
        u,
        z,
        cap_rows,
        convexity,
        load_rows,
        links,
        shortfall,
        keys,
        dict(penalties),
        dict(links_of),
        supply_rows,
        boxes,
        box_rows,
    )


def air_unit(mode: Mode) -> str:
    return "kg" if mode is Mode.AIR else "TEU"
