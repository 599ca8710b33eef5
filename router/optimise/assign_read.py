"""Reading an assignment: each shipment's path or why it stays unassigned, each departure's
load, whether it runs and the value of its space (LP duals with the on/off decisions fixed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ortools.linear_solver import pywraplp

from router.network.model import Mode
from router.network.timetable import DepartureKey, departure_label
from router.optimise.assign_model import (
    AssignmentProblem,
    FixedLoads,
    MasterModel,
    Shipment,
    build_master,
)
from router.optimise.assign_result import DepartureUsage, ShipmentAssignment
from router.optimise.ortools_util import lp_solver
from router.routing.explain import no_route_reasons


def chosen_values(model: MasterModel) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for (sid, sig), v in model.x.items():
        if v.solution_value() > 0.5:
            chosen[sid] = sig
    runs = {key: z.solution_value() > 0.5 for key, z in model.z.items()}
    boxes = {key: round(y.solution_value()) for key, y in model.boxes.items()}
    return {"chosen_sig": chosen, "runs": runs, "boxes": boxes}


def departure_loads(
    p: AssignmentProblem,
    chosen_sig: Mapping[str, tuple[Any, ...]],
    fixed_loads: FixedLoads,
    boxes: Mapping[DepartureKey, int] | None = None,
) -> dict[DepartureKey, tuple[float, float, list[str]]]:
    loads: dict[DepartureKey, tuple[float, float, list[str]]] = {
        k: (v[0], v[1], list(v[2])) for k, v in fixed_loads.items()
    }
    by_id = {s.id: s for s in p.shipments}
    for sid, sig in chosen_sig.items():
        s = by_id[sid]
        column = p.cands[sid][sig]
        for key in column.cand.departures:
            teu, t, ids = loads.get(key, (0.0, 0.0, []))
            need = 0.0 if key in column.shared else p.need(s, key)  # the boxes count instead
            loads[key] = (teu + need, t + s.request.cargo.gross_kg / 1000.0, [*ids, sid])
    for key, n in (boxes or {}).items():
        rule = p.shared_rule(key)
        if n and rule is not None:
            teu, t, ids = loads.get(key, (0.0, 0.0, []))
            loads[key] = (teu + n * rule.teu, t, ids)
    return loads


def tight_departures(
    p: AssignmentProblem,
    values: dict[str, Any],
    fixed_loads: FixedLoads,
) -> set[DepartureKey]:
    """Departures cancelled in the optimum, or too full for a shipment with a path over them."""
    loads = departure_loads(p, values["chosen_sig"], fixed_loads)
    tight: set[DepartureKey] = {k for k, runs in values["runs"].items() if not runs}
    by_id = {s.id: s for s in p.shipments}
    for sid, cands in p.cands.items():
        s = by_id[sid]
        sig = values["chosen_sig"].get(sid)
        mine = set(cands[sig].cand.departures) if sig is not None else set()
        for c in cands.values():
            for key in c.cand.departures:
                cap = p.space.remaining(*key)
                if key in mine or cap is None:
                    continue
                if loads.get(key, (0.0, 0.0, []))[0] + p.need(s, key) > cap + 1e-9:
                    tight.add(key)
    return tight


def duals(
    p: AssignmentProblem,
    fixed_loads: FixedLoads,
    penalties: Mapping[str, float],
    runs: Mapping[DepartureKey, bool],
) -> tuple[dict[DepartureKey, float], str, float | None]:
    solver = lp_solver()
    model = build_master(p, solver, False, fixed_loads, penalties, z_fixed=runs, link_rows=False)
    code = solver.Solve()
    if code != pywraplp.Solver.OPTIMAL:
        return {}, "not optimal", None
    duals = {}
    for key, row in model.cap_rows.items():
        if model.z.get(key) is not None and not runs.get(key, True):
            continue
        duals[key] = max(0.0, -row.dual_value()) / 100.0
    return duals, "optimal", solver.Objective().Value() / 100.0


def read_assignments(
    p: AssignmentProblem,
    model: MasterModel,
    values: dict[str, Any],
    fixed_loads: FixedLoads,
) -> tuple[ShipmentAssignment, ...]:
    chosen_sig = values["chosen_sig"]
    loads = departure_loads(p, chosen_sig, fixed_loads, values.get("boxes"))
    runs = values["runs"]
    out = []
    for s in p.shipments:
        ncand = len(p.cands.get(s.id, {}))
        if s.id in p.fixed:
            match = p.fixed[s.id]
            note = (
                ()
                if match is not None
                else (
                    "kept booking: its departures are reserved; no current route matches them exactly, so it is not re-priced",
                )
            )
            out.append(
                ShipmentAssignment(
                    s.id,
                    "fixed",
                    match.cand if match else None,
                    match.search if match else None,
                    note,
                )
            )
            continue
        sig = chosen_sig.get(s.id)
        if sig is not None:
            c = p.cands[s.id][sig]
            moved = bool(s.booked) and set(c.cand.departures) != set(s.booked)
            out.append(
                ShipmentAssignment(
                    s.id,
                    "assigned",
                    c.cand,
                    c.search,
                    (),
                    moved,
                    0.0,
                    ncand,
                    tuple(sorted(c.shared, key=lambda k: (k[1], k[0]))),
                    c.saving_fen / 100.0,
                )
            )
            continue
        out.append(
            ShipmentAssignment(
                s.id,
                "unassigned",
                None,
                None,
                tuple(unassigned_reasons(p, s, loads, runs, model.penalties[s.id])),
                False,
                model.penalties[s.id],
                ncand,
            )
        )
    return tuple(out)


def unassigned_reasons(
    p: AssignmentProblem,
    s: Shipment,
    loads: Mapping[DepartureKey, tuple[float, float, list[str]]],
    runs: Mapping[DepartureKey, bool],
    penalty: float,
) -> list[str]:
    cands = list(p.cands.get(s.id, {}).values())
    if not cands:
        return [
            "no legal path: " + r for r in no_route_reasons(p.cn, s.request, p.space.callback())
        ]
    blocked_paths = 0
    why: dict[DepartureKey, str] = {}
    for c in cands:
        hit = False
        for key in c.cand.departures:
            if not runs.get(key, True):
                rule = p.min_load(key)
                need = (
                    f"{rule.min_teu:g} TEU"
                    if rule and rule.min_teu
                    else f"{rule.min_t:g} t"
                    if rule
                    else "its minimum load"
                )
                why[key] = f"{departure_label(key)} does not run (below its minimum load of {need})"
                hit = True
                continue
            cap = p.space.remaining(*key)
            load = loads.get(key, (0.0, 0.0, []))[0]
            if cap is not None and load + p.need(s, key) > cap + 1e-9:
                why[key] = (
                    f"{departure_label(key)} is full ({load:g}/{cap:g}, needs {p.need(s, key):g})"
                )
                hit = True
        blocked_paths += hit
    if blocked_paths == len(cands):
        return [
            f"capacity: all {len(cands)} candidate path(s) use a full or cancelled departure: "
            + "; ".join(why[k] for k in sorted(why, key=lambda k: (k[1], k[0])))
        ]
    cheapest = min(c.cand.generalised_cost_cny for c in cands)
    return [
        f"leaving it unassigned (penalty CNY {penalty:,.0f}) costs less than its cheapest free path "
        f"(CNY {cheapest:,.0f} plus what it displaces)"
    ]


def read_departures(
    p: AssignmentProblem,
    values: dict[str, Any],
    fixed_loads: FixedLoads,
    duals: Mapping[DepartureKey, float],
) -> tuple[DepartureUsage, ...]:
    loads = departure_loads(p, values["chosen_sig"], fixed_loads, values["boxes"])
    keys = set(loads) | set(values["runs"])
    out = []
    for key in sorted(keys, key=lambda k: (k[1], k[0])):
        mode = p.cn.network.links[key[0]].mode
        teu, t, ids = loads.get(key, (0.0, 0.0, []))
        rule = p.min_load(key)
        out.append(
            DepartureUsage(
                key=key,
                mode=mode.value,
                unit="kg" if mode is Mode.AIR else "TEU",
                capacity=p.space.remaining(*key),
                load=teu,
                fixed_load=fixed_loads.get(key, (0.0, 0.0, []))[0],
                load_t=t,
                runs=values["runs"].get(key, True),
                min_teu=rule.min_teu if rule else 0.0,
                min_t=rule.min_t if rule else 0.0,
                fixed_cost_cny=rule.fixed_cost_cny if rule else 0.0,
                shadow_price_cny=duals.get(key),
                shipments=tuple(ids),
                shared_boxes=values["boxes"].get(key, 0),
                box_type=(rule_box.box_type if (rule_box := p.shared_rule(key)) else None),
                box_cost_cny=(
                    values["boxes"].get(key, 0) * p.box_freight_fen(key) / 100.0
                    if key in values["boxes"]
                    else 0.0
                ),
            )
        )
    return tuple(out)


def infeasibility_reasons(p: AssignmentProblem, fixed_loads: FixedLoads) -> list[str]:
    reasons = []
    by_id = {s.id: s for s in p.shipments}
    for key, (teu, t, sids) in fixed_loads.items():
        rule = p.min_load(key)
        if rule is None:
            continue
        extra_teu = extra_t = 0.0
        for sid, cands in p.cands.items():
            if any(key in c.cand.departures for c in cands.values()):
                extra_teu += p.need(by_id[sid], key)
                extra_t += by_id[sid].request.cargo.gross_kg / 1000.0
        if rule.min_teu and teu + extra_teu < rule.min_teu:
            reasons.append(
                f"{departure_label(key)} must run for the kept bookings ({', '.join(sids)}, {teu:g} TEU) "
                f"but cannot reach its minimum load of {rule.min_teu:g} TEU (at most {teu + extra_teu:g})"
            )
        if rule.min_t and t + extra_t < rule.min_t:
            reasons.append(
                f"{departure_label(key)} must run for the kept bookings ({', '.join(sids)}, {t:g} t) "
                f"but cannot reach its minimum load of {rule.min_t:g} t (at most {t + extra_t:g})"
            )
    return reasons


def unsolved(p: AssignmentProblem, reasons: Sequence[str]) -> tuple[ShipmentAssignment, ...]:
    return tuple(
        ShipmentAssignment(
            s.id, "fixed" if s.id in p.fixed else "unassigned", None, None, tuple(reasons)
        )
        for s in p.shipments
    )
