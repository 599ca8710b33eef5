"""The quote search on the compiled label loop, one-to-one and one-to-many.

:class:`CompiledSearch` is the reference :class:`router.routing.search.Search` with its label
loop (:meth:`Search.run`) replaced by the Cython kernel :mod:`router.routing._labelloop`, which
runs over the flat tables of :mod:`router.routing.kernel_tables`. Everything else (set-up,
lower bounds, explanations, itineraries) is the reference's. A finished route's steps are
rebuilt, when first read, by replaying its arcs through the reference's own transitions: they
are the reference's steps, and a replay that does not reproduce the kernel's departures and
criteria raises :class:`KernelMismatchError` instead of returning a wrong quote.

One-to-many (:meth:`CompiledSearch.run_targets`): one run from the origin answers several
destination targets of one customs territory, each with its own Pareto front
(:mod:`router.routing.many`, docs/search-core.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from router.routing import _labelloop
from router.routing.customs import destination_districts
from router.routing.kernel_tables import query_tables, supported
from router.routing.labels import Label, LazySteps, Route, Step
from router.routing.search import Search

log = logging.getLogger(__name__)

ARC_INITIAL, ARC_CUSTOMS, ARC_LEG, ARC_FINISH = 0, 1, 2, 3


class KernelMismatchError(RuntimeError):
    """The compiled loop and the reference transitions disagree on a route (a defect)."""


class CompiledSearch(Search):
    """:class:`Search` with the compiled label loop (same Pareto set, same routes)."""

    def run(self) -> list[Route]:
        reason = supported(self)
        if reason is not None:
            log.debug("compiled search not applicable (%s): reference loop", reason)
            return super().run()
        return self.run_targets([sorted(self.dest_nodes)])[0]

    def run_targets(self, targets: Sequence[Sequence[int]]) -> list[list[Route]]:
        """The Pareto routes to each target (a list of destination node indices).

        One target is the reference's ``run`` (seed routes, target pruning). Several targets
        must lie in one customs territory and not share nodes (the caller groups them): the run
        keeps a front, seed routes and lower bounds per target, and prunes a label when every
        target it may still serve beats it.
        """
        reason = supported(self)
        if reason is not None:
            raise ValueError(f"the compiled search cannot run this query: {reason}")
        tables = query_tables(self, [list(t) for t in targets])
        if len(targets) > 1:  # target pruning per destination, with its own lower bounds
            per_target = [self.lower_bounds_to(nodes) for nodes in targets]
            for k, name in enumerate(("tlb_time", "tlb_cost", "tlb_co2")):
                tables[name] = np.concatenate(
                    [np.asarray(bounds[k], dtype=np.int64) for bounds in per_target]
                )
            if self.label_budget is not None:  # what each one-to-one search would get
                tables["budget"] = self.label_budget * len(targets)
        else:
            tables |= {"tlb_time": tables["lb_time"], "tlb_cost": tables["lb_cost"]}
            tables["tlb_co2"] = tables["lb_co2"]
        room = None
        if self.capacity is not None and not tables["space_mode"]:
            links = self.cn.links

            def room(i: int, dep: int) -> bool:
                return self._has_room(links[i], dep)

        loop = _labelloop.LabelLoop(tables, room, self._longest_gap)
        initial = self.initial_labels()
        loop.run([(lb.time, lb.cost, lb.co2, lb.node, lb.mask, lb.last) for lb in initial])
        self.stats.labels_created += loop.labels_created
        self.stats.labels_settled += loop.labels_settled
        self.stats.pruned_by_target += loop.pruned_by_target
        self.stats.complete = self.stats.complete and loop.complete
        out = []
        for nodes, front in zip(targets, loop.fronts_of(), strict=True):
            offices = frozenset(nodes) if len(targets) > 1 else None
            routes = [
                Route(
                    *loop.criteria(index), LazySteps(self._replayer(loop, index, initial, offices))
                )
                for index in front
            ]
            out.append(sorted(routes, key=lambda r: r.criteria))
        return out

    def _replayer(
        self, loop: Any, index: int, initial: list[Label], offices: frozenset[int] | None
    ) -> Callable[[], tuple[Step, ...]]:
        """Builds the steps of finished label ``index`` when they are first read, replayed
        with the offices of destination of its own destination (``offices``; None: the
        search's own)."""
        chain = loop.chain(index)
        criteria = tuple(loop.criteria(index))

        def steps() -> tuple[Step, ...]:
            own = (self.dest_nodes, self.dest_districts)
            try:
                if offices is not None:
                    self.dest_nodes = offices
                    self.dest_districts = destination_districts(self.cn, offices)
                return tuple(self._replay(chain, criteria, initial).steps())
            finally:
                self.dest_nodes, self.dest_districts = own

        return steps

    def _replay(
        self, chain: list[tuple[int, int, int]], criteria: tuple[int, ...], initial: list[Label]
    ) -> Label:
        """The finished label of the compiled loop with arcs ``chain`` and ``criteria``, rebuilt
        with the reference's transitions (which must reproduce its departures and criteria)."""
        label: Label | None = None
        for kind, ref, dep in chain:
            if kind == ARC_INITIAL:
                label = initial[ref]
                continue
            assert label is not None
            if kind == ARC_CUSTOMS:
                label = list(self._customs_actions(label))[ref]
            elif kind == ARC_LEG:
                cl = self.cn.links[ref]
                ctx = self._boarding(label, cl)
                if ctx is None:
                    raise KernelMismatchError(f"the reference may not board {cl.link.id} here")
                if self.simple_departure[cl.index]:
                    expected: int | None = ctx[0] + cl.cutoff_min
                else:
                    expected = self.next_departure(cl, ctx[0])
                if dep != expected:
                    raise KernelMismatchError(
                        f"departure of {cl.link.id}: compiled minute {dep}, reference {expected}"
                    )
                label = self._board_at(label, cl, ctx, dep)
            else:
                finished = self.finish(label)
                if finished is None:
                    raise KernelMismatchError("the reference may not finish this route")
                label = finished
        assert label is not None
        if label.criteria != criteria:
            raise KernelMismatchError(
                f"route criteria differ: compiled {criteria}, reference {label.criteria}"
            )
        return label
