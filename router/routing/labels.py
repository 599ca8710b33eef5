"""Labels, steps and routes of the label search, and Pareto dominance over them.

A label is a partial route: node, customs state, its anchor (Combined Port hub or point of
entry), required nodes passed, the
previous leg's kind, and its criteria: arrival minute, cost in fen (CNY/100), CO2e grams and
transfers. A step is one transition (leg, customs operation, access or egress leg); a route is a
finished label's criteria and steps.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, overload, runtime_checkable

from router.network.model import CustomsState
from router.routing.compiled import CLink

#: remaining space of one dated departure (TEU, or kg for air); None when not tracked
CapacityFn = Callable[[str, datetime], float | None]


@runtime_checkable
class SpaceTable(Protocol):
    """A capacity callback that can also say what it answers as tables (the compiled search
    then checks room without calling back): each link's space on a departure with no booking
    (None: not tracked), the links with bookings, and the space left on their booked
    departures."""

    def __call__(self, link_id: str, departure: datetime) -> float | None: ...

    def default_spaces(self, link_ids: tuple[str, ...]) -> Sequence[float | None]: ...

    def booked_links(self) -> Collection[str]: ...

    def booked_space(self, link_id: str) -> Mapping[datetime, float]: ...


@dataclass(frozen=True, slots=True)
class Access:
    """A first- or last-mile truck leg between a lon/lat point and a node (computed per query)."""

    node: int
    distance_km: float
    duration_min: int
    cost_fen: int
    co2_g: int  # well to wheel
    co2_wtt_g: int = 0  # of which well to tank


@dataclass(frozen=True, slots=True)
class Step:
    """One transition of a route: a leg on a link, a customs operation, or an access leg."""

    kind: str  # "leg" | "customs" | "access" | "egress"
    node: int  # leg/access: where it starts; customs: where it happens
    start_min: int
    end_min: int
    clink: CLink | None = None
    access: Access | None = None
    op: str = ""
    state_before: CustomsState = CustomsState.FREE
    state_after: CustomsState = CustomsState.FREE
    included: bool = True
    freight_fen: int = 0
    handling_fen: int = 0
    port_fees_fen: int = 0
    customs_fen: int = 0
    storage_fen: int = 0
    #: cost of the change of vehicle before a leg (by mode pair, on top of handling)
    transfer_fen: int = 0
    co2_g: int = 0
    waiting_min: int = 0
    transit_min: int = 0
    handling_min: int = 0
    customs_min: int = 0
    dwell_min: int = 0
    dwell_basis: str = ""
    #: the mode code of the leg before a leg that changed vehicle (0: none)
    previous_mode: int = 0
    #: ad-valorem and other charges of the whole route (kind "charge")
    charge_fen: int = 0

    @property
    def cost_fen(self) -> int:
        return (
            self.freight_fen
            + self.handling_fen
            + self.port_fees_fen
            + self.customs_fen
            + self.storage_fen
            + self.transfer_fen
            + self.charge_fen
        )


@dataclass(frozen=True, slots=True)
class LazyStep:
    """A step built only when a finished route is read (most labels never are)."""

    make: Callable[..., Step]
    args: tuple[Any, ...]

    def build(self) -> Step:
        return self.make(*self.args)


@dataclass(slots=True)
class Label:
    time: int
    cost: int
    co2: int
    transfers: int
    node: int
    state: CustomsState
    #: cleared_export: the Combined Port hub the declaration is valid at; in_transit: the node
    #: where the cargo landed on an international leg (its point of entry); -1 otherwise
    anchor: int
    mask: int  # required nodes passed, as bits
    last: int  # the previous leg's mode code (compiled.MODE_CODE), 0 before the first leg
    parent: Label | None = None
    step: Step | LazyStep | None = None

    @property
    def key(self) -> tuple[int, CustomsState, int, int, int]:
        return (self.node, self.state, self.anchor, self.mask, self.last)

    @property
    def criteria(self) -> tuple[int, int, int, int]:
        return (self.time, self.cost, self.co2, self.transfers)

    def steps(self) -> list[Step]:
        out: list[Step] = []
        label: Label | None = self
        while label is not None:
            if isinstance(label.step, LazyStep):
                out.append(label.step.build())
            elif label.step is not None:
                out.append(label.step)
            label = label.parent
        out.reverse()
        return out


class LazySteps(Sequence[Step]):
    """The steps of a route, built on first use by ``make`` (the compiled search replays a
    route through the reference transitions only when someone reads its steps)."""

    __slots__ = ("_make", "_steps")

    def __init__(self, make: Callable[[], tuple[Step, ...]]) -> None:
        self._make: Callable[[], tuple[Step, ...]] | None = make
        self._steps: tuple[Step, ...] | None = None

    def _built(self) -> tuple[Step, ...]:
        if self._steps is None:
            assert self._make is not None
            self._steps = self._make()
            self._make = None
        return self._steps

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Step, ...]: ...

    def __getitem__(self, index: int | slice) -> Step | tuple[Step, ...]:
        return self._built()[index]

    def __len__(self) -> int:
        return len(self._built())

    def __iter__(self) -> Iterator[Step]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazySteps | tuple):
            return self._built() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._built())

    def __repr__(self) -> str:
        return repr(self._built())


@dataclass(frozen=True, slots=True)
class Route:
    """A finished route: its criteria and the steps that make it."""

    arrival_min: int
    cost_fen: int
    co2_g: int
    transfers: int
    steps: tuple[Step, ...] | LazySteps

    @property
    def criteria(self) -> tuple[int, int, int, int]:
        return (self.arrival_min, self.cost_fen, self.co2_g, self.transfers)


@dataclass
class SearchStats:
    labels_created: int = 0
    labels_settled: int = 0
    pruned_by_target: int = 0
    #: False when the label budget ran out: the routes found are Pareto-optimal (labels settle in
    #: order of arrival plus a lower bound of the rest, so no later label can arrive earlier than
    #: a route found) but later-arriving cheaper or greener ones may be missing
    complete: bool = True


def dominates(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """a is at least as good as b in every criterion."""
    return all(x <= y for x, y in zip(a, b, strict=True))


def add_to_front(front: list[Label], label: Label) -> list[Label]:
    """``front`` (mutually non-dominated finished labels) with ``label`` added if nothing in it
    dominates ``label``; the labels ``label`` dominates are dropped."""
    if any(dominates(f.criteria, label.criteria) for f in front):
        return front
    return [f for f in front if not dominates(label.criteria, f.criteria)] + [label]


def beaten(front: list[Label], time: int, cost: int, co2: int, transfers: int) -> bool:
    """Whether a finished label of ``front`` is at least as good as these (optimistic) criteria:
    target pruning, with the time, cost and CO2e of a partial route plus their lower bounds."""
    for f in front:
        if f.time <= time and f.cost <= cost and f.co2 <= co2 and f.transfers <= transfers:
            return True
    return False
