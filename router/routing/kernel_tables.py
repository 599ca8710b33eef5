"""Flat tables of one query for the compiled label loop (:mod:`router.routing._labelloop`).

Every value comes from the reference search object (:class:`router.routing.search.Search`)
through its own rules, evaluated once per link, node or (node, customs state) instead of once per
label: the customs state after each link, the customs operations at each node, the freight,
handling, port and document fees of each leg, the export dwell, storage rates, lower bounds. The
tables that do not depend on the query's week, origin or deadline are kept on the compiled
network's memo, keyed by everything they do depend on (cargo profile and surcharges in force,
destination nodes, trader, customs scope, rule switches, required nodes), so a service's queries
reuse them. Units as in the search: minutes, fen, grams CO2e.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from router.network.model import CustomsOp, CustomsState, Mode, Regime, ScheduleKind
from router.routing.compiled import LEG_KIND, MODE_CODE, MODES, TERMINAL_LEG
from router.routing.customs import destination_districts
from router.routing.labels import Label, SpaceTable
from router.routing.linkrules import GAP_HORIZON_MIN

if TYPE_CHECKING:
    from router.routing.search import Search

#: customs state codes of the compiled loop
STATES: tuple[CustomsState, ...] = (
    CustomsState.FREE,
    CustomsState.CLEARED_EXPORT,
    CustomsState.IN_TRANSIT,
    CustomsState.IN_BOND,
)
STATE_CODE = {s: i for i, s in enumerate(STATES)}
SCHEDULE_CODE = {ScheduleKind.ANY: 0, ScheduleKind.WEEKLY: 1, ScheduleKind.HEADWAY: 2}
#: the loop packs a label's key in 64 bits: node and anchor in 20 bits each, 16 required nodes
MAX_NODES = (1 << 20) - 2
MAX_REQUIRED = 16
NO_CLOSURE = 1 << 62
#: destination contexts (distinct sets of offices of destination) of one run: bits of a word
MAX_CONTEXTS = 64
#: cargo in bond boarding a link: never (abroad from the destination's territory), always
#: (outside it), or only where the link's origin is not an office of destination
BOND_NEVER, BOND_ALWAYS, BOND_OFF_OFFICE = 0, 1, 2

Tables = dict[str, Any]


def supported(search: Search) -> str | None:
    """Why the compiled loop cannot run this search (None: it can)."""
    if len(search.cn.nodes) > MAX_NODES:
        return f"more than {MAX_NODES} nodes"
    if len(search.required) > MAX_REQUIRED:
        return f"more than {MAX_REQUIRED} required nodes"
    if len(MODES) >= 15:
        return "more than 14 modes"
    return None


def _i64(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _u8(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.uint8)


def _i32(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.int32)


def network_tables(search: Search) -> Tables:
    """What depends on the network only: links out of each node, schedules, leg kinds."""
    cn = search.cn
    out_start = [0]
    out_links: list[int] = []
    for links in cn.out_links:
        out_links.extend(cl.index for cl in links)
        out_start.append(len(out_links))
    wk_start = [0]
    wk: list[int] = []
    for cl in cn.links:
        wk.extend(cl.weekly_min)
        wk_start.append(len(wk))
    opening = [n.opening_hours for n in cn.nodes]
    tables: Tables = {
        "out_start": _i64(out_start),
        "out_links": _i32(out_links),
        "l_origin": _i32([cl.origin for cl in cn.links]),
        "l_dest": _i32([cl.destination for cl in cn.links]),
        "l_intl": _u8([cl.link.regime is Regime.INTERNATIONAL for cl in cn.links]),
        "l_air": _u8([cl.link.mode is Mode.AIR for cl in cn.links]),
        "link_ids": tuple(cl.link.id for cl in cn.links),
        "link_index": {cl.link.id: cl.index for cl in cn.links},
        "l_kind": _i32(cn.leg_kind),
        "l_code": _i32(cn.leg_code),
        "l_dwell": _u8(cn.dwell_link),
        "l_cutoff": _i64([cl.cutoff_min for cl in cn.links]),
        "l_run": _i64([cl.transit_min + cl.border_min for cl in cn.links]),
        "l_sched": _i32([SCHEDULE_CODE[cl.schedule] for cl in cn.links]),
        "l_wk_start": _i64(wk_start),
        "l_wk": _i64(wk),
        "l_headway": _i64([cl.headway_min for cl in cn.links]),
        "n_handling": _i64(cn.handling_min),
        "n_has_open": _u8([o is not None for o in opening]),
        "n_open": _i64([o[0] if o else 0 for o in opening]),
        "n_close": _i64([o[1] if o else 0 for o in opening]),
        "leg_kind_of_code": _i32(LEG_KIND),
        "n_codes": len(LEG_KIND),
        "air_code": MODE_CODE[Mode.AIR],
        "truck_code": MODE_CODE[Mode.TRUCK],
    }
    return tables


def gap_tables(search: Search) -> Tables:
    """Per node, the longest gap between departures out of it (the dominance slack's horizon):
    without dated capacity it depends on the network only."""
    return {"n_gap": _i64([search._longest_gap(v) for v in range(len(search.cn.nodes))])}


def week_tables(search: Search) -> Tables:
    """Closures and headway phases in minutes from the query's week start."""
    closed = [NO_CLOSURE if c is None else c for c in search._closed_from]
    return {"l_closed": _i64(closed), "l_phase": _i64(search._phase)}


def _memo(search: Search, key: tuple[Any, ...], build: Callable[[Search], Tables]) -> Tables:
    cached = search.cn.memo_get(key)
    if cached is None:
        cached = build(search)
        search.cn.memo_put(key, cached)
    return cached


def profile_tables(search: Search) -> Tables:
    """What depends on the cargo, the link filters and the surcharges in force: what each leg
    costs and emits, storage, unstuffing, transfer charges."""
    cn = search.cn
    n = len(cn.links)
    cols: dict[str, list[int]] = {
        k: [0] * n for k in ("freight", "thc_o", "thc_d", "port", "co2", "haul", "docw")
    }
    for cl in cn.links:
        i = cl.index
        if not search.boardable[i]:
            continue
        freight, thc_o, thc_d, port, co2 = search.leg_constants(cl)
        cols["freight"][i] = freight
        cols["thc_o"][i] = thc_o
        cols["thc_d"][i] = thc_d
        cols["port"][i] = port
        cols["co2"][i] = co2
        cols["haul"][i] = search.haul_fixed_fen[i]
        cols["docw"][i] = search.hub_document_fen(cl)
    # unstuffing loose cargo after a vessel, barge or train (not an aircraft)
    after_vessel = next(
        code
        for code, kind in enumerate(LEG_KIND)
        if kind == TERMINAL_LEG and code != MODE_CODE[Mode.AIR]
    )
    unstuff = [
        search.unstuff_fen(Label(0, 0, 0, 0, v, CustomsState.FREE, -1, 0, after_vessel))
        for v in range(len(cn.nodes))
    ]
    tables: Tables = {f"l_{name}": _i64(values) for name, values in cols.items()}
    tables |= {
        "l_boardable": _u8(search.boardable),
        "n_storage_day": np.asarray(search.storage_fen_per_day, dtype=np.float64),
        "n_free": _i64(search.free_storage_min),
        "n_unstuff": _i64(unstuff),
        "transfer_fen": _i64(
            [
                search.transfer_fen(previous, code) if previous else 0
                for previous in range(len(LEG_KIND))
                for code in range(len(LEG_KIND))
            ]
        ),
    }
    return tables


def state_after_tables(search: Search) -> Tables:
    """Per link and customs state, the state after riding the link (before the destination's
    territory is known: international links land ``in_transit``), -1 if the cargo may not
    board it (:meth:`Search.state_after_link`)."""
    cn = search.cn
    after = np.full(len(cn.links) * 4, -1, dtype=np.int8)
    for cl in cn.links:
        for code, state in enumerate(STATES):
            state_after = search.state_after_link(state, cl)
            if state_after is not None:
                after[cl.index * 4 + code] = STATE_CODE[state_after]
    return {"base_after": after}


def destination_tables(search: Search) -> Tables:
    """What depends on the destinations' territory: the customs state after each link (cargo
    entering it at a border before the link's end arrives in bond), where cargo in bond may go
    on (never abroad again from inside it), the territory and free ports."""
    cn = search.cn
    base = _memo(search, ("kernel-after",), state_after_tables)["base_after"]
    network = _memo(search, ("kernel-network",), network_tables)
    intl = network["l_intl"].astype(bool)
    arrival = np.fromiter(
        (STATE_CODE[state] for state in search.arrival_state), dtype=np.int8, count=len(intl)
    )
    after = base.reshape(-1, 4).copy()
    landing = intl[:, None] & (after >= 0)
    after[landing] = np.broadcast_to(arrival[:, None], after.shape)[landing]
    destjur = np.asarray(
        [node.jurisdiction in search.dest_jurisdictions for node in cn.nodes], dtype=bool
    )
    # :meth:`Search._bond_may_continue`, with the office rule left to the loop
    from_inside = destjur[network["l_origin"]]
    bond_mode = np.where(
        ~from_inside, BOND_ALWAYS, np.where(intl, BOND_NEVER, BOND_OFF_OFFICE)
    ).astype(np.uint8)
    return {
        # links entering the territory at a border before their end (arrival in bond)
        "bond_links": [i for i, s in enumerate(search.arrival_state) if s is CustomsState.IN_BOND],
        "l_after": after.reshape(-1),
        "l_bond_mode": bond_mode,
        "n_destjur": destjur.astype(np.uint8),
        "n_freeport": _u8([node.jurisdiction in cn.free_port_jurisdictions for node in cn.nodes]),
    }


def district_nodes(search: Search) -> Tables:
    """The nodes of each (jurisdiction, customs district)."""
    out: dict[Any, list[int]] = {}
    for v, node in enumerate(search.cn.nodes):
        if node.customs_district:
            out.setdefault((node.jurisdiction, node.customs_district), []).append(v)
    return out


def office_tables(search: Search, targets: Sequence[Sequence[int]]) -> Tables:
    """Offices of destination per destination context: targets whose offices are the same
    nodes share a context (a bit); per node, the contexts in which it is an office; per target,
    its context. One target (a one-to-one query): the search's own offices, one context."""
    cn = search.cn
    by_district = _memo(search, ("kernel-districts",), district_nodes)
    patterns: dict[tuple[int, ...], int] = {}
    target_ctx: list[int] = []
    masks = [0] * len(cn.nodes)
    for nodes in targets:
        # :func:`router.routing.customs.office_of_destination` for every node at once
        offices_set = set(nodes)
        for district in destination_districts(cn, nodes):
            offices_set.update(by_district[district])
        offices = tuple(sorted(offices_set))
        bit = patterns.get(offices)
        if bit is None:
            bit = patterns[offices] = len(patterns)
            if bit >= MAX_CONTEXTS:
                raise ValueError(f"more than {MAX_CONTEXTS} destination contexts in one run")
            for v in offices:
                masks[v] |= 1 << bit
        target_ctx.append(1 << bit)
    return {
        "n_office_ctx": np.asarray(masks, dtype=np.uint64),
        "t_ctx": np.asarray(target_ctx, dtype=np.uint64),
        "ctx_all": (1 << len(patterns)) - 1,
    }


def customs_tables(search: Search) -> Tables:
    """What customs operations cost and take at each node for this cargo and trader, wherever
    the cargo goes (:meth:`CustomsRules.export_terms` and the others), and the export dwell."""
    cn = search.cn
    n = len(cn.nodes)
    cols: dict[str, list[int]] = {
        k: [0] * n
        for k in (
            *("exp_ok", "exp_time", "exp_cost", "imp_ok", "imp_time", "imp_cost_in"),
            *("imp_cost_out", "tr_ok", "tr_time", "tr_cost", "dwell_plain", "dwell_cp"),
        )
    }
    hub = [-1] * n
    for v, node in enumerate(cn.nodes):
        export = search.export_terms(v)
        if export is not None:
            cols["exp_ok"][v] = 1
            cols["exp_cost"][v], cols["exp_time"][v], hub[v] = export
        if search.may_import_at(node):
            cols["imp_ok"][v] = 1
            cost, time_min, dwell, storage, _ = search.import_terms(v, True)
            cols["imp_time"][v] = time_min + dwell
            cols["imp_cost_in"][v] = cost + storage
            cost, _, _, storage, _ = search.import_terms(v, False)
            cols["imp_cost_out"][v] = cost + storage
        if node.offers(CustomsOp.TRANSIT_DECLARATION):
            cols["tr_ok"][v] = 1
            cols["tr_cost"][v], cols["tr_time"][v] = search.transit_terms(v)
        dwell_link = next((cl for cl in cn.out_links[v] if cn.dwell_link[cl.index]), None)
        if dwell_link is not None:
            plain = Label(0, 0, 0, 0, v, CustomsState.IN_BOND, -1, 0, 0)
            at_hub = Label(0, 0, 0, 0, v, CustomsState.CLEARED_EXPORT, v, 0, 0)
            cols["dwell_plain"][v] = search._export_dwell(plain, dwell_link)[0]
            cols["dwell_cp"][v] = search._export_dwell(at_hub, dwell_link)[0]
    tables: Tables = {f"n_{name}": _i64(values) for name, values in cols.items()}
    for flag in ("exp_ok", "imp_ok", "tr_ok"):
        tables[f"n_{flag}"] = tables[f"n_{flag}"].astype(np.uint8)
    tables["n_cp_hub"] = _i32(hub)
    return tables


def space_tables(search: Search) -> Tables:
    """Room on dated departures as tables, when the capacity callback can give them
    (:class:`SpaceTable`): per link the space of a departure with no booking (-1: not
    tracked) and what this cargo needs on it, and the booked departures with their space left
    (minutes from the week start, sorted). Otherwise the loop asks the callback."""
    capacity = search.capacity
    cn = search.cn
    if not isinstance(capacity, SpaceTable):
        return {"space_mode": False}
    network = _memo(search, ("kernel-network",), network_tables)
    defaults = capacity.default_spaces(network["link_ids"])
    space = np.asarray([-1.0 if d is None else d for d in defaults], dtype=np.float64)
    need = np.where(network["l_air"] == 1, search.need_kg, search.need_teu).astype(np.float64)
    rows: list[tuple[int, int, float]] = []
    minute = timedelta(minutes=1)
    index = network["link_index"]
    for link_id in capacity.booked_links():
        i = index.get(link_id)
        if i is None:
            continue
        for when, left in capacity.booked_space(link_id).items():
            since, rest = divmod(when - search.epoch, minute)
            if not rest:  # a departure the search can name (whole minutes)
                rows.append((i, since, left))
    rows.sort()
    counts = np.bincount([i for i, _, _ in rows], minlength=len(cn.links))
    starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    booked_min = [m for _, m, _ in rows]
    booked_left = [left for _, _, left in rows]
    return {
        "space_mode": True,
        "l_space": space,
        "l_need": need,
        "l_bk_start": starts,
        "bk_min": _i64(booked_min),
        "bk_left": np.asarray(booked_left, dtype=np.float64),
        "ready_min": search.ready_min,
        "gap_horizon_min": GAP_HORIZON_MIN,
    }


def query_tables(search: Search, targets: Sequence[Sequence[int]]) -> Tables:
    """All tables of one run: ``targets`` lists the destination nodes of each target (one
    target: a one-to-one query; more: one-to-many, each with its own Pareto front)."""
    cn = search.cn
    tables: Tables = {}
    tables |= _memo(search, ("kernel-network",), network_tables)
    tables |= _memo(search, ("kernel-week", search.epoch), week_tables)
    if search.capacity is None:
        tables |= _memo(search, ("kernel-gaps",), gap_tables)
    else:  # with dated capacity each query asks for the gaps it needs (router.routing.linkrules)
        tables["n_gap"] = np.full(len(cn.nodes), -1, dtype=np.int64)
    req = search.request
    tables |= _memo(search, ("kernel-profile", search._profile), profile_tables)
    tables |= _memo(
        search, ("kernel-destination", frozenset(search.dest_jurisdictions)), destination_tables
    )
    tables |= _memo(
        search,
        ("kernel-offices", tuple(tuple(t) for t in targets)),
        lambda s: office_tables(s, targets),
    )
    customs_key = (
        "kernel-customs",
        req.cargo,
        req.trader,
        req.customs_scope,
        search.apply_pharma_rule,
    )
    tables |= _memo(search, customs_key, customs_tables)
    n = len(cn.nodes)
    # an import outside the quote's customs scope is the consignee's (not in the quote's cost)
    included = search.import_included | (tables["n_destjur"] == 0)
    tables["n_imp_cost"] = np.where(included, tables["n_imp_cost_in"], tables["n_imp_cost_out"])
    required = np.zeros(len(cn.links), dtype=np.int64)
    if search.required:
        for cl in cn.links:
            bits = search.required.get(cl.destination, 0)
            for v in cl.via:
                bits |= search.required.get(v, 0)
            required[cl.index] = bits
    tables["l_reqbits"] = required
    # the transit declaration lodged at the entry border when the cargo enters the
    # destination's territory before the link's end (its guarantee is priced on the cargo)
    entry = np.zeros(len(cn.links), dtype=np.int64)
    for i in tables["bond_links"]:
        entry[i] = search.entry_declaration_fen(cn.links[i])
    tables["l_entry"] = entry
    tables["has_capacity"] = search.capacity is not None
    tables |= space_tables(search)
    sched = tables["l_sched"]
    simple = (
        (sched == 0)
        & (tables["n_has_open"][tables["l_origin"]] == 0)
        & (tables["l_closed"] == NO_CLOSURE)
        & (search.capacity is None)
    )
    tables["l_simple"] = simple.astype(np.uint8)
    target = np.full(n, -1, dtype=np.int32)
    has_access = np.zeros(n, dtype=np.uint8)
    acc_time = np.zeros(n, dtype=np.int64)
    acc_cost = np.zeros(n, dtype=np.int64)
    acc_co2 = np.zeros(n, dtype=np.int64)
    for t, nodes in enumerate(targets):
        for v in nodes:
            target[v] = t
            access = search.dest_access.get(v)
            if access is not None:
                has_access[v] = 1
                acc_time[v] = access.duration_min
                acc_cost[v] = access.cost_fen
                acc_co2[v] = access.co2_g
    lower_time, lower_cost, lower_co2 = search.lower
    rate = search.storage_rate
    top = max(rate, default=0.0)
    tables |= {
        "n_target": target,
        "n_has_access": has_access,
        "n_acc_time": acc_time,
        "n_acc_cost": acc_cost,
        "n_acc_co2": acc_co2,
        # every target of one run shares the origin's and destinations' territories
        "t_international": _u8([search.international] * len(targets)),
        "lb_time": _i64(lower_time),
        "lb_cost": _i64(lower_cost),
        "lb_co2": _i64(lower_co2),
        "n_targets": len(targets),
        "max_transfers": search.max_transfers,
        "deadline": search.latest_min,
        "budget": search.label_budget,
        "lcl": search.lcl,
        "import_included": search.import_included,
        "full_mask": search.full_mask,
        "route_charge": search.route_charge_fen,
        # the reference's dominance slack uses the highest storage rate at every node
        "top_rate": top if top else 0.0,
    }
    return tables
