"""Customs events of a route, in time order (DESIGN.md §2.2, §4.1; docs/customs-model.md).

Every event names the node, the jurisdiction whose law applies, the operation, the procedure (the
legal instrument: export declaration, NCTS T1, 转关, ENS, ROCARS, SMGS transit, ...), the customs
state before and after, when it happens (``at``), its expected duration and its cost. Events come
from two places:

- the route's customs steps (export clearance, Combined Port declaration, import clearance,
  transit declaration), chosen by the search;
- every change of customs territory along a leg (:class:`router.routing.compiled.Border`): exit,
  the advance cargo information the next territory requires, and entry; stamped where the vehicle
  is along the leg; plus a transhipment event where cargo in transit changes vehicle in a
  territory it only passes through.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from router.network.model import (
    ECOMMERCE_REGIMES,
    AdvanceDue,
    AdvanceInfo,
    CustomsOp,
    CustomsState,
    Jurisdiction,
    Regime,
)
from router.network.model import Mode as _Mode
from router.routing.compiled import Border, CLink
from router.routing.customs import inspect_first_h, regime_at
from router.routing.labels import Step
from router.routing.search import Search
from router.units import minutes

#: the document cargo crosses a territory under, by mode
_TRANSIT_DOCUMENT = {
    _Mode.RAIL: "rail consignment note (SMGS/CIM)",
    _Mode.TIR: "TIR carnet",
    _Mode.DEEPSEA: "ocean manifest",
    _Mode.FEEDER: "ocean manifest",
    _Mode.BARGE: "river manifest",
    _Mode.AIR: "air waybill and manifest",
    _Mode.TRUCK: "road cargo manifest",
}


def _iso(epoch: datetime, minute: int) -> str:
    return (epoch + timedelta(minutes=minute)).isoformat()


def _event(
    search: Search,
    node: int,
    jurisdiction: str,
    operation: str,
    procedure: str,
    minute: int,
    before: CustomsState,
    after: CustomsState,
    *,
    expected_min: int = 0,
    clearance_min: int = 0,
    dwell_min: int = 0,
    cost_fen: int = 0,
    inspection_probability: float = 0.0,
    included: bool = True,
) -> dict[str, Any]:
    return {
        "node": search.cn.nodes[node].id,
        "jurisdiction": jurisdiction,
        "operation": operation,
        "procedure": procedure,
        "state_before": before.value,
        "state_after": after.value,
        "at": _iso(search.epoch, minute),
        "expected_h": round(expected_min / 60.0, 2),
        "clearance_h": round(clearance_min / 60.0, 2),
        "dwell_h": round(dwell_min / 60.0, 2),
        "inspection_probability": inspection_probability,
        "cost": round(cost_fen / 100.0, 2),
        "included_in_quote": included,
        "_minute": minute,
    }


def _jurisdiction(search: Search, code: str) -> Jurisdiction:
    found = search.cn.network.jurisdictions.get(code)
    return found if found is not None else Jurisdiction(code, code, ())


def _advance_info(search: Search, code: str, mode: _Mode) -> AdvanceInfo | None:
    for info in search.cn.network.advance_info:
        if info.jurisdiction == code and info.mode is mode:
            return info
    return None


def _procedure(search: Search, steps: list[Step], k: int) -> str:
    """The legal instrument of customs step ``k`` of the route."""
    step = steps[k]
    node = search.cn.nodes[step.node]
    law = _jurisdiction(search, node.jurisdiction)
    if step.op == CustomsOp.COMBINED_PORT.value:
        return (
            f"GBA Combined Port: one declaration, inspection and release at {node.id}, "
            f"valid at the hub {node.combined_port_hub}"
        )
    trader = search.request.trader
    joint = (
        " (一单两报: one data entry for the mainland and Hong Kong declarations)"
        if trader.joint_declaration_eligible
        and node.offers(CustomsOp.JOINT_DECLARATION)
        and node.joint_clearance_h is not None
        else ""
    )
    regime = regime_at(search.request.cargo, node)
    if step.op == CustomsOp.EXPORT_CLEARANCE.value:
        first_h = inspect_first_h(trader, node)
        first = (
            " (先查验后装运: inspected before loading)"
            if first_h is not None and step.customs_min == minutes(first_h)
            else ""
        )
        ecommerce = (
            f": cross-border e-commerce export {regime} ({ECOMMERCE_REGIMES[regime]})"
            if regime
            else ""
        )
        return law.export_procedure + ecommerce + joint + first
    if step.op == CustomsOp.TRANSIT_DECLARATION.value:
        # to the office of destination where the cargo is imported in this territory, or to the
        # border where it leaves the territory (one it only crosses) on an international leg
        for later in steps[k + 1 :]:
            if later.kind == "customs" and later.op == CustomsOp.IMPORT_CLEARANCE.value:
                return f"{law.transit_procedure} to the office of destination " + (
                    search.cn.nodes[later.node].id
                )
            if later.clink is not None and later.clink.link.regime is Regime.INTERNATIONAL:
                return f"{law.transit_procedure} to the exit border " + (
                    search.cn.nodes[later.node].id
                )
        return f"{law.transit_procedure} to the exit border"
    ecommerce = (
        f": cross-border e-commerce import {regime} ({ECOMMERCE_REGIMES[regime]})" if regime else ""
    )
    return law.import_procedure + ecommerce + joint


def _office_after(search: Search, steps: list[Step], k: int) -> str:
    """The office of destination a leg ``k`` arriving in bond is declared to: where the route
    next imports the cargo ('' if it ends in bond)."""
    return next(
        (
            " " + search.cn.nodes[s.node].id
            for s in steps[k + 1 :]
            if s.kind == "customs" and s.op == CustomsOp.IMPORT_CLEARANCE.value
        ),
        "",
    )


def _border_events(
    search: Search, step: Step, cl: CLink, border: Border, office: str = ""
) -> list[dict[str, Any]]:
    mode = cl.link.mode
    dep = step.start_min
    leaving = _jurisdiction(search, border.from_jurisdiction)
    entering = _jurisdiction(search, border.to_jurisdiction)
    transit = CustomsState.IN_TRANSIT
    last = border is cl.borders[-1]
    before = step.state_before if border is cl.borders[0] else transit
    document = _TRANSIT_DOCUMENT[mode]
    events = [
        _event(
            search,
            border.exit_node,
            leaving.code,
            "exit",
            f"{leaving.exit_procedure} ({document})",
            dep + border.exit_min,
            before,
            transit,
        )
    ]
    # the vehicle reaches a via border, then waits there (its entry_min includes the wait); the
    # leg's own destination adds no wait to the leg, so its entry takes no time of the route
    wait = (
        0 if border.at_destination else minutes(search.cn.nodes[border.entry_node].border_transit_h)
    )
    reached = dep + border.entry_min - wait
    info = _advance_info(search, entering.code, mode)
    if info is not None:
        due = dep if info.due is AdvanceDue.LOADING else reached
        events.append(
            _event(
                search,
                border.entry_node,
                entering.code,
                "advance_info",
                info.name,
                due - minutes(info.lead_h),
                transit,
                transit,
            )
        )
    after = transit
    cost_fen = 0
    if border.at_destination:
        procedure = f"arrival under the {document}: point of entry"
    elif last and step.state_after is CustomsState.IN_BOND:
        procedure = f"{entering.transit_procedure} to the office of destination{office}"
        after = CustomsState.IN_BOND
        cost_fen = step.customs_fen
    else:
        procedure = f"transit under the {document}"
    events.append(
        _event(
            search,
            border.entry_node,
            entering.code,
            "entry",
            procedure,
            reached,
            transit,
            after,
            expected_min=wait,
            clearance_min=wait,
            cost_fen=cost_fen,
        )
    )
    return events


def customs_events(search: Search, steps: list[Step]) -> list[dict[str, Any]]:
    """Every customs event of a route's ``steps``, in time order."""
    events: list[dict[str, Any]] = []
    legs = [k for k, s in enumerate(steps) if s.kind == "leg"]
    for k, step in enumerate(steps):
        if step.kind == "customs":
            node = search.cn.nodes[step.node]
            p_inspect, _ = search.profile_at(node)
            inspected = step.op != CustomsOp.TRANSIT_DECLARATION.value
            events.append(
                _event(
                    search,
                    step.node,
                    node.jurisdiction,
                    step.op,
                    _procedure(search, steps, k),
                    step.start_min,
                    step.state_before,
                    step.state_after,
                    expected_min=step.customs_min + step.dwell_min,
                    clearance_min=step.customs_min,
                    dwell_min=step.dwell_min,
                    cost_fen=step.customs_fen + step.storage_fen,
                    inspection_probability=p_inspect if inspected else 0.0,
                    included=step.included,
                )
            )
        elif step.kind == "leg" and step.clink is not None:
            office = (
                _office_after(search, steps, k) if step.state_after is CustomsState.IN_BOND else ""
            )
            for border in step.clink.borders:
                events.extend(_border_events(search, step, step.clink, border, office))
    # transhipment: cargo in transit boards another international leg in a territory it only
    # passes through (a sea hub; HKIA for mainland cargo under ITFS); not where it merely moves
    # on inside a free port (the truck from the HK border to the airport)
    for a, b in pairwise(legs):
        arrive, leave = steps[a], steps[b]
        node = search.cn.nodes[leave.node]
        if (
            b == a + 1
            and leave.clink is not None
            and leave.clink.link.regime is Regime.INTERNATIONAL
            and arrive.state_after is CustomsState.IN_TRANSIT
            and leave.state_before is CustomsState.IN_TRANSIT
            and node.jurisdiction not in search.dest_jurisdictions
        ):
            law = _jurisdiction(search, node.jurisdiction)
            events.append(
                _event(
                    search,
                    leave.node,
                    law.code,
                    "transhipment",
                    law.transhipment_procedure,
                    arrive.end_min,
                    CustomsState.IN_TRANSIT,
                    CustomsState.IN_TRANSIT,
                )
            )
    events.sort(key=lambda e: e["_minute"])
    for e in events:
        del e["_minute"]
    return events
