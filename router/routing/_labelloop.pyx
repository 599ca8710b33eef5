# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=False
# distutils: language = c++
"""The compiled label loop of the quote search (DESIGN.md §3, §8).

The same time-dependent multi-criteria label-setting search as the pure-Python reference
(:class:`router.routing.search.Search`), over flat arrays that
:mod:`router.routing.kernel_tables` builds from a reference search object: boarding (customs
state after a link, transfers, handling, export dwell, departure lookup with cut-off, opening
hours, closures and room on dated departures, freight, handling charges, storage while waiting),
customs operations at nodes, finishing at a destination (last-mile leg, route charges), Pareto
dominance with the storage slack, target pruning with seed routes, the deadline and the label
budget. Every rule keeps the reference's order of evaluation (labels, pushes, ties), so both
return the same Pareto set with the same routes; the tests assert it.

Units as in the reference: minutes from the query's week start, fen, grams CO2e, transfers.
Customs states: 0 free, 1 cleared_export, 2 in_transit, 3 in_bond. Leg kinds: 0 none, 1 road,
2 terminal. Arc kinds of a label: 0 initial, 1 customs operation, 2 leg, 3 finish.
"""

from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint64_t
from libc.math cimport nearbyint
from libcpp.unordered_map cimport unordered_map
from libcpp.vector cimport vector

include "_labelloop_defs.pxi"


cdef class LabelLoop:
    """One query's compiled search; ``tables`` come from :mod:`router.routing.kernel_tables`."""

    # links
    cdef const int32_t[:] l_origin
    cdef const int32_t[:] l_dest
    cdef const uint8_t[:] l_boardable
    cdef const int8_t[:] l_after
    cdef const uint8_t[:] l_intl
    cdef const uint8_t[:] l_bond_mode
    cdef const int32_t[:] l_kind
    cdef const int32_t[:] l_code
    cdef const uint8_t[:] l_dwell
    cdef const int64_t[:] l_cutoff
    cdef const int64_t[:] l_run
    cdef const int32_t[:] l_sched
    cdef const int64_t[:] l_wk_start
    cdef const int64_t[:] l_wk
    cdef const int64_t[:] l_headway
    cdef const int64_t[:] l_phase
    cdef const int64_t[:] l_closed
    cdef const uint8_t[:] l_simple
    cdef const int64_t[:] l_freight
    cdef const int64_t[:] l_thc_o
    cdef const int64_t[:] l_thc_d
    cdef const int64_t[:] l_port
    cdef const int64_t[:] l_co2
    cdef const int64_t[:] l_haul
    cdef const int64_t[:] l_entry
    cdef const int64_t[:] l_docw
    cdef const int64_t[:] l_reqbits
    cdef const int64_t[:] out_start
    cdef const int32_t[:] out_links
    # nodes
    cdef const int64_t[:] n_handling
    cdef const double[:] n_storage_day
    cdef const int64_t[:] n_free
    cdef const int64_t[:] n_unstuff
    cdef const int64_t[:] n_dwell_plain
    cdef const int64_t[:] n_dwell_cp
    cdef const uint8_t[:] n_has_open
    cdef const int64_t[:] n_open
    cdef const int64_t[:] n_close
    # customs operations at nodes (destination-independent terms) and where they may happen
    cdef const uint8_t[:] n_exp_ok
    cdef const int64_t[:] n_exp_time
    cdef const int64_t[:] n_exp_cost
    cdef const int32_t[:] n_cp_hub
    cdef const uint8_t[:] n_imp_ok
    cdef const int64_t[:] n_imp_time
    cdef const int64_t[:] n_imp_cost
    cdef const uint8_t[:] n_tr_ok
    cdef const int64_t[:] n_tr_time
    cdef const int64_t[:] n_tr_cost
    cdef const uint64_t[:] n_office_ctx
    cdef const uint8_t[:] n_destjur
    cdef const uint8_t[:] n_freeport
    # finishing
    cdef const int32_t[:] n_target
    cdef const uint8_t[:] n_has_access
    cdef const int64_t[:] n_acc_time
    cdef const int64_t[:] n_acc_cost
    cdef const int64_t[:] n_acc_co2
    cdef const uint8_t[:] t_international
    cdef const int64_t[:] transfer_fen
    cdef const int64_t[:] lb_time
    cdef const int64_t[:] lb_cost
    cdef const int64_t[:] lb_co2
    # one-to-many: lower bounds per target (target-major, nodes inner)
    cdef const int64_t[:] tlb_time
    cdef const int64_t[:] tlb_cost
    cdef const int64_t[:] tlb_co2
    cdef int64_t n_nodes
    cdef const int32_t[:] leg_kind_of_code
    # scalars
    cdef int n_targets
    cdef int n_codes
    cdef int64_t max_transfers
    cdef int64_t deadline
    cdef int64_t budget
    cdef bint lcl
    cdef int air_code
    cdef int truck_code
    cdef bint import_included
    cdef int64_t full_mask
    cdef int64_t route_charge
    cdef bint has_capacity
    # room on dated departures as tables (space_mode) instead of the callbacks
    cdef bint space_mode
    cdef const double[:] l_space
    cdef const double[:] l_need
    cdef const int64_t[:] l_bk_start
    cdef const int64_t[:] bk_min
    cdef const double[:] bk_left
    cdef int64_t ready_min
    cdef int64_t gap_horizon
    cdef double top_rate
    cdef object room_fn
    cdef object gap_fn
    # labels
    cdef vector[int64_t] L_time
    cdef vector[int64_t] L_cost
    cdef vector[int64_t] L_co2
    cdef vector[int64_t] L_tr
    cdef vector[int32_t] L_key
    #: the destination contexts a label still serves (one-to-many: sets of offices of
    #: destination, one bit each); always 1 in a one-to-one run
    cdef vector[uint64_t] L_ctx
    cdef vector[int32_t] L_parent
    cdef vector[int32_t] L_kind
    cdef vector[int32_t] L_ref
    cdef vector[int64_t] L_dep
    # keys (node, state, anchor, mask, last)
    cdef unordered_map[uint64_t, int32_t] key_index
    cdef vector[int32_t] K_node
    cdef vector[int32_t] K_state
    cdef vector[int32_t] K_anchor
    cdef vector[int64_t] K_mask
    cdef vector[int32_t] K_last
    cdef const uint64_t[:] t_ctx
    cdef uint64_t ctx_all
    cdef vector[vector[Crit]] buckets
    cdef vector[int64_t] gaps
    cdef vector[vector[int32_t]] fronts
    cdef int64_t seq
    cdef public int64_t labels_created
    cdef public int64_t labels_settled
    cdef public int64_t pruned_by_target
    cdef public bint complete

    def __init__(self, dict tables, room_fn=None, gap_fn=None):
        self.l_origin = tables["l_origin"]
        self.l_dest = tables["l_dest"]
        self.l_boardable = tables["l_boardable"]
        self.l_after = tables["l_after"]
        self.l_intl = tables["l_intl"]
        self.l_bond_mode = tables["l_bond_mode"]
        self.l_kind = tables["l_kind"]
        self.l_code = tables["l_code"]
        self.l_dwell = tables["l_dwell"]
        self.l_cutoff = tables["l_cutoff"]
        self.l_run = tables["l_run"]
        self.l_sched = tables["l_sched"]
        self.l_wk_start = tables["l_wk_start"]
        self.l_wk = tables["l_wk"]
        self.l_headway = tables["l_headway"]
        self.l_phase = tables["l_phase"]
        self.l_closed = tables["l_closed"]
        self.l_simple = tables["l_simple"]
        self.l_freight = tables["l_freight"]
        self.l_thc_o = tables["l_thc_o"]
        self.l_thc_d = tables["l_thc_d"]
        self.l_port = tables["l_port"]
        self.l_co2 = tables["l_co2"]
        self.l_haul = tables["l_haul"]
        self.l_entry = tables["l_entry"]
        self.l_docw = tables["l_docw"]
        self.l_reqbits = tables["l_reqbits"]
        self.out_start = tables["out_start"]
        self.out_links = tables["out_links"]
        self.n_handling = tables["n_handling"]
        self.n_storage_day = tables["n_storage_day"]
        self.n_free = tables["n_free"]
        self.n_unstuff = tables["n_unstuff"]
        self.n_dwell_plain = tables["n_dwell_plain"]
        self.n_dwell_cp = tables["n_dwell_cp"]
        self.n_has_open = tables["n_has_open"]
        self.n_open = tables["n_open"]
        self.n_close = tables["n_close"]
        self.n_exp_ok = tables["n_exp_ok"]
        self.n_exp_time = tables["n_exp_time"]
        self.n_exp_cost = tables["n_exp_cost"]
        self.n_cp_hub = tables["n_cp_hub"]
        self.n_imp_ok = tables["n_imp_ok"]
        self.n_imp_time = tables["n_imp_time"]
        self.n_imp_cost = tables["n_imp_cost"]
        self.n_tr_ok = tables["n_tr_ok"]
        self.n_tr_time = tables["n_tr_time"]
        self.n_tr_cost = tables["n_tr_cost"]
        self.n_office_ctx = tables["n_office_ctx"]
        self.n_destjur = tables["n_destjur"]
        self.n_freeport = tables["n_freeport"]
        self.n_target = tables["n_target"]
        self.n_has_access = tables["n_has_access"]
        self.n_acc_time = tables["n_acc_time"]
        self.n_acc_cost = tables["n_acc_cost"]
        self.n_acc_co2 = tables["n_acc_co2"]
        self.t_international = tables["t_international"]
        self.transfer_fen = tables["transfer_fen"]
        self.lb_time = tables["lb_time"]
        self.lb_cost = tables["lb_cost"]
        self.lb_co2 = tables["lb_co2"]
        self.tlb_time = tables["tlb_time"]
        self.tlb_cost = tables["tlb_cost"]
        self.tlb_co2 = tables["tlb_co2"]
        self.n_nodes = len(tables["n_handling"])
        self.leg_kind_of_code = tables["leg_kind_of_code"]
        self.n_targets = tables["n_targets"]
        self.t_ctx = tables["t_ctx"]
        self.ctx_all = tables["ctx_all"]
        self.n_codes = tables["n_codes"]
        self.max_transfers = tables["max_transfers"]
        self.deadline = tables["deadline"]  # the deadline within the search horizon
        self.budget = -1 if tables["budget"] is None else tables["budget"]
        self.lcl = tables["lcl"]
        self.air_code = tables["air_code"]
        self.truck_code = tables["truck_code"]
        self.import_included = tables["import_included"]
        self.full_mask = tables["full_mask"]
        self.route_charge = tables["route_charge"]
        self.has_capacity = tables["has_capacity"]
        self.space_mode = tables["space_mode"]
        if self.space_mode:
            self.l_space = tables["l_space"]
            self.l_need = tables["l_need"]
            self.l_bk_start = tables["l_bk_start"]
            self.bk_min = tables["bk_min"]
            self.bk_left = tables["bk_left"]
            self.ready_min = tables["ready_min"]
            self.gap_horizon = tables["gap_horizon_min"]
        self.top_rate = tables["top_rate"]
        self.room_fn = room_fn
        self.gap_fn = gap_fn
        for g in tables["n_gap"]:  # -1: asked of ``gap_fn`` when needed
            self.gaps.push_back(g)
        self.fronts.resize(self.n_targets)
        self.seq = 0
        self.labels_created = 0
        self.labels_settled = 0
        self.pruned_by_target = 0
        self.complete = True

    # ------------------------------------------------------------------ keys and labels
    cdef int32_t key_of(self, int32_t node, int32_t state, int32_t anchor, int64_t mask,
                        int32_t last):
        cdef uint64_t packed = (
            (<uint64_t>node << 44)
            | (<uint64_t>(anchor + 1) << 24)
            | (<uint64_t>mask << 8)
            | (<uint64_t>state << 4)
            | <uint64_t>last
        )
        if self.key_index.count(packed):
            return self.key_index[packed]
        cdef int32_t k = <int32_t>self.K_node.size()
        self.key_index[packed] = k
        self.K_node.push_back(node)
        self.K_state.push_back(state)
        self.K_anchor.push_back(anchor)
        self.K_mask.push_back(mask)
        self.K_last.push_back(last)
        self.buckets.push_back(vector[Crit]())
        return k

    cdef int32_t add_label(self, const Succ& s, int32_t parent):
        cdef int32_t i = <int32_t>self.L_time.size()
        self.L_time.push_back(s.time)
        self.L_cost.push_back(s.cost)
        self.L_co2.push_back(s.co2)
        self.L_tr.push_back(s.transfers)
        self.L_key.push_back(self.key_of(s.node, s.state, s.anchor, s.mask, s.last))
        self.L_ctx.push_back(s.ctx)
        self.L_parent.push_back(parent)
        self.L_kind.push_back(s.kind)
        self.L_ref.push_back(s.ref)
        self.L_dep.push_back(s.dep)
        return i

    cdef Succ as_succ(self, int32_t i):
        cdef Succ s
        cdef int32_t k = self.L_key[i]
        s.time = self.L_time[i]
        s.cost = self.L_cost[i]
        s.co2 = self.L_co2[i]
        s.transfers = self.L_tr[i]
        s.node = self.K_node[k]
        s.state = self.K_state[k]
        s.anchor = self.K_anchor[k]
        s.mask = self.K_mask[k]
        s.last = self.K_last[k]
        s.ctx = self.L_ctx[i]
        s.kind = self.L_kind[i]
        s.ref = self.L_ref[i]
        s.dep = self.L_dep[i]
        return s

    # ------------------------------------------------------------------ departures
    cdef int64_t first_departure(self, int32_t i, int64_t t):
        cdef int sched = self.l_sched[i]
        cdef int32_t origin = self.l_origin[i]
        cdef int64_t day, minute, week, lo, hi, mid, start, end, k, headway
        if sched == SCHED_ANY:
            if not self.n_has_open[origin]:
                return t
            day = floordiv(t, DAY)
            minute = t - day * DAY
            if minute < self.n_open[origin]:
                return day * DAY + self.n_open[origin]
            if minute >= self.n_close[origin]:
                return (day + 1) * DAY + self.n_open[origin]
            return t
        if sched == SCHED_WEEKLY:
            week = floordiv(t, WEEK)
            minute = t - week * WEEK
            start = self.l_wk_start[i]
            end = self.l_wk_start[i + 1]
            lo = start
            hi = end
            while lo < hi:  # bisect_left
                mid = (lo + hi) >> 1
                if self.l_wk[mid] < minute:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < end:
                return week * WEEK + self.l_wk[lo]
            return (week + 1) * WEEK + self.l_wk[start]
        headway = self.l_headway[i]
        k = -floordiv(self.l_phase[i] - t, headway)
        return self.l_phase[i] + k * headway

    cdef int64_t next_departure(self, int32_t i, int64_t ready):
        """Earliest departure with room, or -1 (none within the tries, or closed)."""
        cdef int64_t dep = self.first_departure(i, ready + self.l_cutoff[i])
        cdef int tries
        for tries in range(MAX_DEPARTURE_TRIES):
            if self.l_closed[i] != NO_CLOSURE and dep >= self.l_closed[i]:
                return -1
            if self.has_room(i, dep):
                return dep
            dep = self.first_departure(i, dep + 1)
        return -1

    cdef bint has_room(self, int32_t i, int64_t dep):
        """Whether the departure of link ``i`` at minute ``dep`` has room for the cargo (the
        reference's ``_has_room``): from the space tables, or asked of ``room_fn``."""
        if not self.has_capacity:
            return True
        if not self.space_mode:
            return self.room_fn(i, dep)
        if self.l_space[i] < 0.0:
            return True  # not tracked
        cdef double left = self.l_space[i]
        cdef int64_t lo = self.l_bk_start[i], hi = self.l_bk_start[i + 1], mid
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.bk_min[mid] < dep:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.l_bk_start[i + 1] and self.bk_min[lo] == dep:
            left = self.bk_left[lo]
        return left + 1e-9 >= self.l_need[i]

    cdef int64_t longest_gap(self, int32_t node):
        """The reference's ``_longest_gap`` with dated capacity: the longest gap between
        departures with room of the timetabled links out of ``node``, and the night its opening
        hours close for the others."""
        cdef int64_t night = 0, gap = 0, g
        cdef int64_t p
        cdef int32_t i
        if self.n_has_open[node]:
            night = DAY - (self.n_close[node] - self.n_open[node])
        for p in range(self.out_start[node], self.out_start[node + 1]):
            i = self.out_links[p]
            g = night if self.l_sched[i] == SCHED_ANY else self.gap_with_room(i)
            if g > gap:
                gap = g
        return gap

    cdef int64_t gap_with_room(self, int32_t i):
        """The reference's ``_gap_with_room``: the longest gap between consecutive departures
        of link ``i`` with room within the horizon after the ready time (INF if the horizon
        ends without room)."""
        cdef int64_t end = self.ready_min + self.gap_horizon
        cdef int64_t last = self.ready_min, longest = 0, t = self.ready_min, dep
        while t <= end:
            dep = self.first_departure(i, t)
            if self.l_closed[i] != NO_CLOSURE and dep >= self.l_closed[i]:
                return longest  # no departure after the closure, for any label
            if dep > end:
                break
            if self.has_room(i, dep):
                if dep - last > longest:
                    longest = dep - last
                last = dep
            t = dep + 1
        return longest if last > end - WEEK else INF

    # ------------------------------------------------------------------ transitions
    cdef void expand(self, const Succ& lb, vector[Succ]& out):
        out.clear()
        cdef int32_t v = lb.node
        cdef int32_t s = lb.state
        cdef bint at_anchor = lb.anchor == v
        cdef uint64_t where
        cdef int n = 0
        cdef Succ succ = lb
        succ.kind = ARC_CUSTOMS
        succ.dep = 0
        if s == FREE:
            # export declaration (and a Combined Port one valid at its hub), never in the
            # destination's own territory
            if self.n_exp_ok[v] and not self.n_destjur[v]:
                succ.time = lb.time + self.n_exp_time[v]
                succ.cost = lb.cost + self.n_exp_cost[v]
                succ.state = CLEARED_EXPORT
                succ.anchor = -1
                succ.ref = 0
                out.push_back(succ)
                if self.n_cp_hub[v] >= 0:
                    succ.anchor = self.n_cp_hub[v]
                    succ.ref = 1
                    out.push_back(succ)
        else:
            # import at the office of destination (in bond), or at the point of entry or an
            # office of destination of the destination's territory or a free port (in transit);
            # ``where``: the destination contexts in which the rule allows it here
            where = 0
            if s == IN_BOND:
                where = lb.ctx & self.n_office_ctx[v]
            elif s == IN_TRANSIT and (self.n_destjur[v] or self.n_freeport[v]):
                where = lb.ctx if at_anchor else lb.ctx & self.n_office_ctx[v]
            if where and self.n_imp_ok[v]:
                succ.time = lb.time + self.n_imp_time[v]
                succ.cost = lb.cost + self.n_imp_cost[v]
                succ.state = FREE
                succ.anchor = -1
                succ.ctx = where
                succ.ref = n
                out.push_back(succ)
                n += 1
            # a transit declaration at the point of entry, to an inland office of destination
            # (never within the entry point's own office) or across a territory only crossed
            if s == IN_TRANSIT and at_anchor and self.n_tr_ok[v]:
                where = lb.ctx & ~self.n_office_ctx[v] if self.n_destjur[v] else lb.ctx
                if where:
                    succ.time = lb.time + self.n_tr_time[v]
                    succ.cost = lb.cost + self.n_tr_cost[v]
                    succ.state = IN_BOND
                    succ.anchor = -1
                    succ.ctx = where
                    succ.ref = n
                    out.push_back(succ)
        cdef int64_t p
        cdef int32_t i, after, anchor, kind, last_kind, code
        cdef bint transfer
        cdef int64_t transfers, handling_min, dwell, ready, dep, freight, handling_fen, port
        cdef int64_t stored, extra
        cdef uint64_t ctx
        cdef double per_day
        last_kind = self.leg_kind_of_code[lb.last]
        succ = lb
        for p in range(self.out_start[v], self.out_start[v + 1]):
            i = self.out_links[p]
            if not self.l_boardable[i]:
                continue
            after = self.l_after[i * 4 + s]
            if after < 0:
                continue
            ctx = lb.ctx
            if s == IN_BOND:
                # in the destination's territory cargo in bond may not leave it again and its
                # movement ends at the first office of destination it reaches
                if self.l_bond_mode[i] == BOND_NEVER:
                    continue
                if self.l_bond_mode[i] == BOND_OFF_OFFICE:
                    ctx = ctx & ~self.n_office_ctx[v]
                    if not ctx:
                        continue
            anchor = -1
            if self.l_intl[i]:
                if s == CLEARED_EXPORT and lb.anchor >= 0 and lb.anchor != v:
                    continue
                if after == IN_TRANSIT:
                    anchor = self.l_dest[i]
            elif after == CLEARED_EXPORT:
                anchor = lb.anchor
            kind = self.l_kind[i]
            transfer = last_kind != NO_LEG and not (last_kind == ROAD_LEG and kind == ROAD_LEG)
            transfers = lb.transfers + (1 if transfer else 0)
            if transfers > self.max_transfers:
                continue
            handling_min = self.n_handling[v] if transfer else 0
            dwell = 0
            if self.l_dwell[i] and (s == CLEARED_EXPORT or s == IN_BOND):
                dwell = self.n_dwell_cp[v] if (s == CLEARED_EXPORT and lb.anchor == v) \
                    else self.n_dwell_plain[v]
            ready = lb.time + handling_min + dwell
            if self.l_simple[i]:
                dep = ready + self.l_cutoff[i]
            else:
                dep = self.next_departure(i, ready)
                if dep < 0:
                    continue
            freight = self.l_freight[i]
            if last_kind == ROAD_LEG and kind == ROAD_LEG:
                freight -= self.l_haul[i]
            code = self.l_code[i]
            port = self.l_port[i]
            if s == CLEARED_EXPORT and lb.anchor == v and self.l_intl[i]:
                port -= self.l_docw[i]
            handling_fen = self.l_thc_d[i] + (0 if last_kind == TERMINAL_LEG else self.l_thc_o[i])
            if kind == ROAD_LEG and self.lcl:
                handling_fen += self.unstuff(v, lb.last)
            per_day = self.n_storage_day[v]
            stored = 0
            if per_day != 0.0:
                extra = dep - lb.time - self.n_free[v]
                if extra > 0:
                    stored = <int64_t>nearbyint(per_day * <double>extra / <double>DAY)
            succ.time = dep + self.l_run[i]
            succ.cost = (
                lb.cost + freight + handling_fen + port + stored + self.l_entry[i]
                + (self.transfer_fen[lb.last * self.n_codes + code] if transfer else 0)
            )
            succ.co2 = lb.co2 + self.l_co2[i]
            succ.transfers = transfers
            succ.node = self.l_dest[i]
            succ.state = after
            succ.anchor = anchor
            succ.mask = lb.mask | self.l_reqbits[i]
            succ.last = code
            succ.ctx = ctx
            succ.kind = ARC_LEG
            succ.ref = i
            succ.dep = dep
            out.push_back(succ)

    cdef inline int64_t unstuff(self, int32_t node, int32_t last):
        if not self.lcl or self.leg_kind_of_code[last] != TERMINAL_LEG or last == self.air_code:
            return 0
        return self.n_unstuff[node]

    cdef bint finish(self, const Succ& lb, Succ* done, int32_t* target):
        """Whether ``lb`` may end here; ``done`` gets the finished route's criteria."""
        cdef int32_t v = lb.node
        cdef int32_t t = self.n_target[v]
        cdef bint changed
        cdef int64_t charge
        if t < 0 or lb.mask != self.full_mask or not (lb.ctx & self.t_ctx[t]):
            return False
        done[0] = lb
        if self.n_has_access[v]:
            if lb.state != FREE:
                return False
            changed = self.leg_kind_of_code[lb.last] == TERMINAL_LEG
            done.transfers = lb.transfers + (1 if changed else 0)
            if done.transfers > self.max_transfers:
                return False
            done.time = lb.time + self.n_acc_time[v]
            done.cost = lb.cost + self.n_acc_cost[v] + (
                self.transfer_fen[lb.last * self.n_codes + self.truck_code] if changed else 0
            )
            done.co2 = lb.co2 + self.n_acc_co2[v]
            done.anchor = -1
            done.last = self.truck_code
        elif lb.state != FREE and (
            lb.state == CLEARED_EXPORT or not self.t_international[t] or self.import_included
        ):
            return False
        charge = self.route_charge + self.unstuff(v, lb.last)
        done.cost += charge
        done.kind = ARC_FINISH
        done.ref = 0
        done.dep = 0
        target[0] = t
        return True

    cdef inline bint within_deadline(self, int64_t time, int32_t node):
        return time + self.lb_time[node] <= self.deadline

    # ------------------------------------------------------------------ Pareto fronts
    cdef bint beaten(self, int32_t target, int64_t t, int64_t c, int64_t e, int64_t x):
        cdef vector[int32_t]* front = &self.fronts[target]
        cdef size_t j
        cdef int32_t f
        for j in range(front.size()):
            f = front[0][j]
            if (self.L_time[f] <= t and self.L_cost[f] <= c and self.L_co2[f] <= e
                    and self.L_tr[f] <= x):
                return True
        return False

    cdef bint beaten_everywhere(self, const Succ& lb):
        """One-to-many target pruning: whether every destination ``lb`` may still reach (and
        serve, by its contexts) has a finished route at least as good as ``lb``'s criteria plus
        the lower bounds to that destination."""
        cdef int32_t t
        cdef int64_t b
        for t in range(self.n_targets):
            if not (lb.ctx & self.t_ctx[t]):
                continue
            b = t * self.n_nodes + lb.node
            if self.tlb_time[b] >= INF:
                continue
            if not self.beaten(t, lb.time + self.tlb_time[b], lb.cost + self.tlb_cost[b],
                               lb.co2 + self.tlb_co2[b], lb.transfers):
                return False
        return True

    cdef void add_to_front(self, int32_t target, int32_t label):
        cdef vector[int32_t]* front = &self.fronts[target]
        cdef vector[int32_t] kept
        cdef size_t j
        cdef int32_t f
        cdef int64_t t = self.L_time[label], c = self.L_cost[label]
        cdef int64_t e = self.L_co2[label], x = self.L_tr[label]
        for j in range(front.size()):
            f = front[0][j]
            if (self.L_time[f] <= t and self.L_cost[f] <= c and self.L_co2[f] <= e
                    and self.L_tr[f] <= x):
                return
        for j in range(front.size()):
            f = front[0][j]
            if not (t <= self.L_time[f] and c <= self.L_cost[f] and e <= self.L_co2[f]
                    and x <= self.L_tr[f]):
                kept.push_back(f)
        kept.push_back(label)
        front.swap(kept)

    cdef uint64_t covered(self, int32_t key, int32_t node, int64_t t, int64_t c, int64_t e,
                          int64_t x, uint64_t ctx):
        """The contexts of ``ctx`` in which no settled label of ``key`` dominates these criteria
        (0: covered). Entries were settled earlier, so their time is never later than ``t``.

        Storage is charged on the time a box waits for its departure: an earlier label may wait
        (and pay storage at up to the highest rate) longer than a later one, here or at the
        next storage stop, by at most their time difference and the longest gap between
        departures out of this node; it dominates only with that much cost to spare (+1 fen:
        each stay is rounded to fen).

        A bag is kept sorted by cost, so only its prefix of entries no dearer than ``c`` (less
        one fen with the storage slack) is scanned: the answer does not depend on the order."""
        cdef vector[Crit]* bucket = &self.buckets[key]
        cdef size_t j, end
        cdef double r = self.top_rate
        cdef int64_t g, m
        cdef uint64_t left = ctx
        if r == 0.0:
            end = self.cost_prefix(bucket, c)
            for j in range(end):
                if bucket[0][j].e <= e and bucket[0][j].x <= x:
                    left &= ~bucket[0][j].ctx
                    if not left:
                        return 0
            return left
        g = self.gaps[node]
        if g < 0:
            g = self.longest_gap(node) if self.space_mode else self.gap_fn(node)
            self.gaps[node] = g
        end = self.cost_prefix(bucket, c - 1)
        for j in range(end):
            m = t - bucket[0][j].t
            if g < m:
                m = g
            if (<double>bucket[0][j].c + r * <double>m + 1.0 <= <double>c
                    and bucket[0][j].e <= e and bucket[0][j].x <= x):
                left &= ~bucket[0][j].ctx
                if not left:
                    return 0
        return left

    cdef inline size_t cost_prefix(self, vector[Crit]* bucket, int64_t c):
        """How many entries of the cost-sorted ``bucket`` cost at most ``c``."""
        cdef size_t lo = 0, hi = bucket.size(), mid
        while lo < hi:
            mid = (lo + hi) >> 1
            if bucket[0][mid].c <= c:
                lo = mid + 1
            else:
                hi = mid
        return lo

    cdef void settle(self, int32_t key, const Crit& crit):
        """Add ``crit`` to the bag of ``key``, keeping it sorted by cost."""
        cdef vector[Crit]* bucket = &self.buckets[key]
        cdef size_t at = self.cost_prefix(bucket, crit.c)
        bucket.insert(bucket.begin() + at, crit)

    # ------------------------------------------------------------------ the searches
    cdef void seed_routes(self, vector[Succ]& initial, int32_t goal):
        """Quick single-criterion A* routes to target ``goal`` per criterion (time, cost, CO2e),
        as the reference's seed routes, into the target's front."""
        cdef vector[HeapItem] heap
        cdef vector[Succ] succs
        cdef vector[char] done
        cdef vector[int32_t] seeds
        cdef HeapItem item
        cdef Succ lb, fin
        cdef int which, settled
        cdef int32_t idx, fidx, target, key, parent
        cdef const int64_t[:] bound
        cdef size_t j
        cdef int64_t offset = goal * self.n_nodes
        for which in range(3):
            bound = self.tlb_time if which == 0 else (self.tlb_cost if which == 1 else self.tlb_co2)
            bound = bound[offset:offset + self.n_nodes]
            heap.clear()
            done.assign(self.K_node.size(), 0)
            for j in range(initial.size()):
                lb = initial[j]
                if bound[lb.node] < INF and self.within_deadline(lb.time, lb.node):
                    idx = self.add_label(lb, -1)
                    item.k0 = self.value(lb, which) + bound[lb.node]
                    item.k1 = item.k2 = item.k3 = 0
                    item.seq = self.seq
                    self.seq += 1
                    item.label = idx
                    heap_push(heap, item)
            settled = 0
            while heap.size() > 0 and settled < SEED_MAX_SETTLED:
                item = heap_pop(heap)
                parent = item.label
                key = self.L_key[parent]
                if <size_t>key < done.size() and done[key]:
                    continue
                if <size_t>key >= done.size():
                    done.resize(self.K_node.size(), 0)
                done[key] = 1
                settled += 1
                lb = self.as_succ(parent)
                if (self.finish(lb, &fin, &target) and target == goal
                        and self.within_deadline(fin.time, fin.node)):
                    fidx = self.add_label(fin, parent)
                    seeds.push_back(fidx)
                    break
                self.expand(lb, succs)
                for j in range(succs.size()):
                    if not (succs[j].ctx & self.t_ctx[goal]):
                        continue  # a label that cannot end at this target
                    key = self.key_of(succs[j].node, succs[j].state, succs[j].anchor,
                                      succs[j].mask, succs[j].last)
                    if <size_t>key < done.size() and done[key]:
                        continue
                    if bound[succs[j].node] < INF and self.within_deadline(
                            succs[j].time, succs[j].node):
                        idx = self.add_label(succs[j], parent)
                        item.k0 = self.value(succs[j], which) + bound[succs[j].node]
                        item.seq = self.seq
                        self.seq += 1
                        item.label = idx
                        heap_push(heap, item)
        for j in range(seeds.size()):
            self.add_to_front(goal, seeds[j])

    cdef inline int64_t value(self, const Succ& lb, int which):
        return lb.time if which == 0 else (lb.cost if which == 1 else lb.co2)

    cdef void push(self, vector[HeapItem]& heap, const Succ& lb, int32_t parent, bint prune):
        cdef int32_t node = lb.node
        cdef int64_t t_ = lb.time + self.lb_time[node]
        cdef HeapItem item
        cdef int32_t key
        if self.lb_time[node] >= INF or t_ > self.deadline:
            return
        if prune and self.beaten(0, t_, lb.cost + self.lb_cost[node], lb.co2 + self.lb_co2[node],
                                 lb.transfers):
            self.pruned_by_target += 1
            return
        if not prune and self.beaten_everywhere(lb):
            self.pruned_by_target += 1
            return
        key = self.key_of(lb.node, lb.state, lb.anchor, lb.mask, lb.last)
        cdef Succ kept = lb
        if self.buckets[key].size():
            kept.ctx = self.covered(key, node, t_, lb.cost, lb.co2, lb.transfers, lb.ctx)
            if not kept.ctx:
                return
        self.labels_created += 1
        item.k0 = t_
        item.k1 = lb.cost
        item.k2 = lb.co2
        item.k3 = lb.transfers
        item.seq = self.seq
        self.seq += 1
        item.label = self.add_label(kept, parent)
        heap_push(heap, item)

    def run(self, list initial):
        """Search from ``initial`` labels, given as (time, cost, co2, node, mask, last) tuples.

        With one target: seed routes and target pruning, as the reference's ``run``. With more
        (one-to-many): seed routes per target, each target keeps its own Pareto front, and a
        label is pruned when every target it may still serve beats it.
        """
        cdef vector[Succ] starts
        cdef Succ s, lb, fin
        cdef int k = 0
        for row in initial:
            s.time = row[0]
            s.cost = row[1]
            s.co2 = row[2]
            s.node = row[3]
            s.mask = row[4]
            s.last = row[5]
            s.transfers = 0
            s.state = FREE
            s.anchor = -1
            s.ctx = self.ctx_all
            s.kind = ARC_INITIAL
            s.ref = k
            s.dep = 0
            starts.push_back(s)
            k += 1
        cdef bint prune = self.n_targets == 1
        cdef int32_t goal
        for goal in range(self.n_targets):
            self.seed_routes(starts, goal)
        cdef vector[HeapItem] heap
        cdef vector[Succ] succs
        cdef HeapItem item
        cdef int32_t key, node, target, fidx
        cdef size_t j
        cdef Crit crit
        cdef uint64_t ctx
        for j in range(starts.size()):
            self.push(heap, starts[j], -1, prune)
        while heap.size() > 0:
            if self.budget >= 0 and self.labels_settled >= self.budget:
                self.complete = False
                break
            item = heap_pop(heap)
            key = self.L_key[item.label]
            node = self.K_node[key]
            ctx = self.covered(key, node, item.k0, item.k1, item.k2, item.k3,
                               self.L_ctx[item.label])
            if not ctx:
                continue
            self.L_ctx[item.label] = ctx  # serves only the contexts where it is not dominated
            if prune and self.beaten(0, item.k0, item.k1 + self.lb_cost[node],
                                     item.k2 + self.lb_co2[node], item.k3):
                self.pruned_by_target += 1
                continue
            lb = self.as_succ(item.label)
            if not prune and self.beaten_everywhere(lb):
                self.pruned_by_target += 1
                continue
            crit.t = item.k0
            crit.c = item.k1
            crit.e = item.k2
            crit.x = item.k3
            crit.ctx = ctx
            self.settle(key, crit)
            self.labels_settled += 1
            if self.finish(lb, &fin, &target) and self.within_deadline(fin.time, fin.node):
                fidx = self.add_label(fin, item.label)
                self.add_to_front(target, fidx)
            self.expand(lb, succs)
            for j in range(succs.size()):
                self.push(heap, succs[j], item.label, prune)

    def fronts_of(self):
        """Per target, the finished labels of its Pareto front (label indices, in front order)."""
        return [[self.fronts[t][j] for j in range(self.fronts[t].size())]
                for t in range(self.n_targets)]

    def criteria(self, int32_t label):
        return (self.L_time[label], self.L_cost[label], self.L_co2[label], self.L_tr[label])

    def chain(self, int32_t label):
        """The arcs from the initial label to ``label``: (kind, ref, departure minute) each."""
        out = []
        cdef int32_t i = label
        while i >= 0:
            out.append((self.L_kind[i], self.L_ref[i], self.L_dep[i]))
            i = self.L_parent[i]
        out.reverse()
        return out
