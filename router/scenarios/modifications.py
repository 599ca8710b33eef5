"""The modifications a scenario applies to its base network (docs/scenario-spec.md): frozen
dataclasses, one per ``kind``, each able to

* ``parse`` itself from its YAML mapping (field types and ranges, issues with lines),
* ``validate`` itself against the network as modified by the modifications before it (every
  name resolved, did-you-mean suggestions, the edit possible), returning its issues, and
* ``apply`` itself to a network, returning a new one (:mod:`router.network.edits`); the kinds
  that change the demand (:mod:`router.scenarios.spec_customs`) also ``apply_demand``.

This module holds the base class and the kinds that close, resize, retime, reprice and reroute
services; the customs kinds are in :mod:`router.scenarios.spec_customs`, ``add_service`` in
:mod:`router.scenarios.spec_service`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import ClassVar, TypedDict, cast

import polars as pl

from router.network import edits
from router.network.load import FEE_KINDS
from router.network.model import Mode, Network, Regime, ScheduleKind, Tariff, TariffUnit
from router.scenarios.spec_yaml import MapView, SpecIssue, Where, did_you_mean, unknown

#: fields every modification may have besides its own
COMMON_FIELDS = ("kind", "note", "source")
#: largest factor a scaling modification accepts (a larger one is a typo, not a plan)
MAX_FACTOR = 100.0


class Common(TypedDict):
    note: str
    source: str
    where: Where


@dataclass(frozen=True, kw_only=True)
class Modification(ABC):
    """One step of a scenario (each kind a subclass). ``where`` says where it was written (for issues); ``note`` and
    ``source`` document it."""

    kind: ClassVar[str] = ""
    #: the fields of this kind (besides kind, note, source)
    FIELDS: ClassVar[tuple[str, ...]] = ()
    note: str = ""
    source: str = ""
    where: Where = field(default=Where(), compare=False, repr=False)

    @classmethod
    @abstractmethod
    def parse(cls, view: MapView) -> Modification | None:
        """The modification written in ``view``, or None (issues recorded in ``view.sink``)."""

    @staticmethod
    def common(view: MapView) -> Common:
        """The fields every kind has: note, source, and where it was written."""
        return Common(
            note=view.text("note") or "", source=view.text("source") or "", where=view.where()
        )

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        """Issues of this modification on ``network`` (the base as modified by the ones before);
        names in ``pending`` were declared by an earlier modification that has issues, so a
        reference to them is not reported again."""
        return []

    def apply(self, network: Network) -> Network:
        """``network`` with this modification made (a new network)."""
        return network

    def apply_demand(self, demand: pl.DataFrame, key: str) -> pl.DataFrame:
        """The demand table with this modification made; ``key`` identifies the scenario and
        this modification's position (the seed of its stable draws)."""
        return demand

    def later_hint(self, later: Sequence[Modification]) -> str:
        """A hint added to this modification's issues when one of the ``later`` modifications
        would make it valid (the order matters): "" if none."""
        return ""

    def declares(self) -> frozenset[str]:
        """Names (service codes, link ids) this modification adds to the network."""
        return frozenset()

    @classmethod
    def may_declare(cls, view: MapView) -> frozenset[str]:
        """The names a modification of this kind written in ``view`` would add, read as far as
        it can be when it has issues (so the modifications after it that name them are not
        reported for its absence); nothing is recorded in ``view.sink``."""
        return frozenset()

    def references(self) -> frozenset[str]:
        """Every name this modification's fields hold (codes, ids, texts)."""
        names: set[str] = set()
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                names.add(value)
            elif isinstance(value, tuple):
                names.update(v for v in value if isinstance(v, str))
        return frozenset(names)

    def issue(self, name: str, message: str) -> SpecIssue:
        return self.where.issue(name, message)


# ------------------------------------------------------------------------------ targets
def services_of(network: Network) -> set[str]:
    return {lk.service for lk in network.links.values() if lk.service}


def resolve_links(
    mod: Modification,
    network: Network,
    pending: frozenset[str],
    *,
    service: str | None,
    link: str | None,
) -> tuple[tuple[str, ...] | None, list[SpecIssue]]:
    """The link ids a ``service`` code or a ``link`` id names, or None with the issue (none if
    the name is ``pending``)."""
    if service is not None:
        ids = edits.service_links(network, service)
        if ids:
            return ids, []
        if service in pending:
            return None, []
        return None, [mod.issue("service", unknown("service", service, services_of(network)))]
    if link is not None:
        if link in network.links:
            return (link,), []
        if link in pending:
            return None, []
        return None, [mod.issue("link", unknown("link", link, network.links))]
    return None, [mod.issue("", "needs a service or a link")]


def resolve_node(
    mod: Modification, network: Network, node_id: str, name: str
) -> tuple[str | None, list[SpecIssue]]:
    if node_id in network.nodes:
        return node_id, []
    return None, [mod.issue(name, unknown("node", node_id, network.nodes))]


def parse_target(view: MapView) -> dict[str, str | None] | None:
    """``service`` or ``link`` (exactly one)."""
    which = view.exactly_one("service", "link")
    if which is None:
        return None
    name = view.text(which)
    return None if name is None else {which: name}


def parse_factor(view: MapView, *, required: bool = True, zero: bool = False) -> float | None:
    if zero:
        return view.number("factor", required=required, minimum=0.0, maximum=MAX_FACTOR)
    return view.number("factor", required=required, positive=True, maximum=MAX_FACTOR)


def _listing(ids: Iterable[str], limit: int = 4) -> str:
    items = list(ids)
    head = ", ".join(items[:limit])
    return head + (f" and {len(items) - limit} more" if len(items) > limit else "")


# ------------------------------------------------------------------------------ close
@dataclass(frozen=True, kw_only=True)
class Close(Modification):
    """Close a node (to some or all modes), a link or every link of a service, always or from
    a day (``from``)."""

    kind: ClassVar[str] = "close"
    FIELDS: ClassVar[tuple[str, ...]] = ("node", "link", "service", "modes", "from", "until")
    node: str | None = None
    link: str | None = None
    service: str | None = None
    modes: tuple[Mode, ...] | None = None
    since: date | None = None

    @classmethod
    def parse(cls, view: MapView) -> Close | None:
        which = view.exactly_one("node", "link", "service")
        name = view.text(which) if which else None
        modes = view.enums("modes", Mode, what="mode")
        since = view.day("from")
        ok = name is not None and not (view.has("modes") and modes is None)
        if view.has("modes") and which in ("link", "service"):
            view.error("modes", f"modes go with a node; a {which} is closed for its own mode")
            ok = False
        if view.has("until"):
            view.error(
                "until",
                "a closure with an end date cannot be modelled: the timetable closes a service "
                "from a day on and has no reopening (router/network/timetable.py); leave out "
                "`until` (closed to the end of the demand) or run the closed period as its own "
                "scenario",
            )
            ok = False
        if not ok or which is None:
            return None
        return cls(**{which: name}, modes=modes, since=since, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        if self.node is None:
            return resolve_links(self, network, pending, service=self.service, link=self.link)[1]
        node, issues = resolve_node(self, network, self.node, "node")
        if node is not None:
            modes = self.modes or tuple(Mode)
            if not edits.node_links(network, node, modes):
                listed = ", ".join(m.value for m in modes)
                issues.append(
                    self.issue(
                        "modes" if self.modes else "node",
                        f"closes nothing: no {listed} link starts, ends or passes at {node}",
                    )
                )
        return issues

    def apply(self, network: Network) -> Network:
        if self.node is not None:
            return edits.close_node(network, self.node, self.modes, self.since)
        ids = (
            edits.service_links(network, self.service)
            if self.service is not None
            else (self.link or "",)
        )
        return edits.close_links(network, ids, self.since)


@dataclass(frozen=True, kw_only=True)
class Reopen(Modification):
    """Lift a node's closure (to some or all of the modes it is closed to)."""

    kind: ClassVar[str] = "reopen"
    FIELDS: ClassVar[tuple[str, ...]] = ("node", "modes")
    node: str
    modes: tuple[Mode, ...] | None = None

    @classmethod
    def parse(cls, view: MapView) -> Reopen | None:
        node = view.text("node", required=True)
        modes = view.enums("modes", Mode, what="mode")
        if node is None or (view.has("modes") and modes is None):
            return None
        return cls(node=node, modes=modes, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        node, issues = resolve_node(self, network, self.node, "node")
        if node is None:
            return issues
        closed = network.nodes[node].closed_modes
        if not closed:
            return [self.issue("node", f"{node} is not closed")]
        extra = [m.value for m in self.modes or () if m not in closed]
        if extra:
            shut = ", ".join(sorted(m.value for m in closed))
            issues.append(
                self.issue(
                    "modes", f"{node} is not closed to {', '.join(extra)} (closed to {shut})"
                )
            )
        return issues

    def apply(self, network: Network) -> Network:
        return edits.reopen_node(network, self.node, self.modes)


# ------------------------------------------------------------------------------ capacity
@dataclass(frozen=True, kw_only=True)
class SetCapacity(Modification):
    """Set the capacity per departure (``capacity_teu``, ``capacity_kg`` for air) of a service
    or link, or scale it by ``factor``."""

    kind: ClassVar[str] = "set_capacity"
    FIELDS: ClassVar[tuple[str, ...]] = ("service", "link", "capacity_teu", "capacity_kg", "factor")
    service: str | None = None
    link: str | None = None
    capacity_teu: float | None = None
    capacity_kg: float | None = None
    factor: float | None = None

    @classmethod
    def parse(cls, view: MapView) -> SetCapacity | None:
        target = parse_target(view)
        teu = view.number("capacity_teu", positive=True)
        kg = view.number("capacity_kg", positive=True)
        factor = parse_factor(view, required=False)
        absolute = view.given(("capacity_teu", "capacity_kg"))
        if view.has("factor") and absolute:
            view.error("factor", f"give factor or {' and '.join(absolute)}, not both")
            return None
        if not view.has("factor") and not absolute:
            view.error("", "needs capacity_teu, capacity_kg or factor")
            return None
        if target is None or (teu is None and kg is None and factor is None):
            return None
        return cls(**target, capacity_teu=teu, capacity_kg=kg, factor=factor, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        ids, issues = resolve_links(self, network, pending, service=self.service, link=self.link)
        if ids is None:
            return issues
        links = [network.links[i] for i in ids]
        if self.factor is not None:
            bare = [lk.id for lk in links if lk.capacity_teu is None and lk.capacity_kg is None]
            if bare:
                issues.append(self.issue("factor", f"no capacity to scale on {_listing(bare)}"))
        air = [lk.id for lk in links if lk.mode is Mode.AIR]
        if self.capacity_teu is not None and air:
            issues.append(
                self.issue("capacity_teu", f"air links take capacity_kg, not TEU: {_listing(air)}")
            )
        other = [lk.id for lk in links if lk.mode is not Mode.AIR]
        if self.capacity_kg is not None and other:
            issues.append(
                self.issue("capacity_kg", f"capacity_kg is for air links, not {_listing(other)}")
            )
        return issues

    def apply(self, network: Network) -> Network:
        ids = self._ids(network)
        if self.factor is not None:
            return edits.scale_capacity(network, ids, self.factor)
        return edits.set_capacity(
            network, ids, capacity_teu=self.capacity_teu, capacity_kg=self.capacity_kg
        )

    def _ids(self, network: Network) -> tuple[str, ...]:
        if self.service is not None:
            return edits.service_links(network, self.service)
        return (self.link or "",)


@dataclass(frozen=True, kw_only=True)
class ScaleFrequency(Modification):
    """Multiply the departures of a service or link by ``factor`` (weekly departures x factor
    spread evenly over the week, at least one; a headway divided by ``factor``)."""

    kind: ClassVar[str] = "scale_frequency"
    FIELDS: ClassVar[tuple[str, ...]] = ("service", "link", "factor")
    service: str | None = None
    link: str | None = None
    factor: float

    @classmethod
    def parse(cls, view: MapView) -> ScaleFrequency | None:
        target = parse_target(view)
        factor = parse_factor(view)
        if target is None or factor is None:
            return None
        return cls(**target, factor=factor, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        ids, issues = resolve_links(self, network, pending, service=self.service, link=self.link)
        if ids is None:
            return issues
        links = [network.links[i] for i in ids]
        untimed = [lk.id for lk in links if lk.schedule.kind is ScheduleKind.ANY]
        if untimed:
            return [
                self.issue(
                    "factor",
                    f"{_listing(untimed)} depart(s) whenever cargo is ready: no timetable to scale",
                )
            ]
        if all(edits.scaled_schedule(lk.schedule, self.factor) == lk.schedule for lk in links):
            return [
                self.issue(
                    "factor",
                    f"factor {self.factor:g} changes no departure (departures are whole: "
                    f"{_listing(f'{lk.id} {len(lk.schedule.weekly)}/week' for lk in links)})",
                )
            ]
        return []

    def apply(self, network: Network) -> Network:
        ids = (
            edits.service_links(network, self.service)
            if self.service is not None
            else (self.link or "",)
        )
        return edits.scale_frequency(network, ids, self.factor)


@dataclass(frozen=True, kw_only=True)
class SetMixedTrade(Modification):
    """Let a domestic service also carry export-cleared and bonded cargo under seal on the same
    departures (内外贸同船, seed §12), or stop it (``mixed_trade: false``)."""

    kind: ClassVar[str] = "set_mixed_trade"
    FIELDS: ClassVar[tuple[str, ...]] = ("service", "link", "mixed_trade")
    service: str | None = None
    link: str | None = None
    mixed_trade: bool = True

    @classmethod
    def parse(cls, view: MapView) -> SetMixedTrade | None:
        target = parse_target(view)
        mixed = view.flag("mixed_trade")
        if target is None or (view.has("mixed_trade") and mixed is None):
            return None
        return cls(**target, mixed_trade=True if mixed is None else mixed, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        ids, issues = resolve_links(self, network, pending, service=self.service, link=self.link)
        if ids is None or not self.mixed_trade:
            return issues
        wrong = [i for i in ids if network.links[i].regime is not Regime.DOMESTIC]
        if wrong:
            name = "service" if self.service is not None else "link"
            issues.append(
                self.issue(name, f"only domestic links can be mixed-trade, not {_listing(wrong)}")
            )
        return issues

    def apply(self, network: Network) -> Network:
        ids = (
            edits.service_links(network, self.service)
            if self.service is not None
            else (self.link or "",)
        )
        return edits.set_mixed_trade(network, ids, self.mixed_trade)


# ------------------------------------------------------------------------------ prices
@dataclass(frozen=True, slots=True)
class TariffLine:
    """A tariff line as written: ``fixed + per_km x distance_km`` per ``unit`` in ``currency``."""

    unit: TariffUnit
    fixed: float
    per_km: float
    currency: str
    source: str = ""
    as_of: date | None = None
    valid_until: date | None = None
    where: Where = field(default=Where(), compare=False, repr=False)

    def tariff(self) -> Tariff:
        return Tariff(
            self.unit,
            self.fixed,
            self.per_km,
            self.currency,
            self.source,
            as_of=self.as_of,
            valid_until=self.valid_until,
        )


TARIFF_FIELDS = ("unit", "fixed", "per_km", "currency", "source", "as_of", "valid_until")


def parse_tariffs(view: MapView, name: str = "tariffs") -> tuple[TariffLine, ...] | None:
    """A list of tariff lines (one per unit)."""
    views = view.mappings(name, required=True)
    if views is None:
        return None
    lines: list[TariffLine] = []
    ok = True
    for item in views:
        item.check_keys(TARIFF_FIELDS)
        unit = item.enum("unit", TariffUnit, required=True, what="tariff unit")
        fixed = item.number("fixed", required=True, minimum=0.0)
        per_km = item.number("per_km", minimum=0.0)
        currency = item.text("currency", required=True)
        as_of, until = item.day("as_of"), item.day("valid_until")
        if as_of and until and until < as_of:
            item.error("valid_until", f"{until} is before as_of {as_of}")
            ok = False
        if (
            unit is None
            or fixed is None
            or currency is None
            or (item.has("per_km") and per_km is None)
        ):
            ok = False
            continue
        if any(line.unit is unit for line in lines):
            item.error("unit", f"a second line for unit {unit.value}")
            ok = False
            continue
        lines.append(
            TariffLine(
                unit,
                fixed,
                per_km or 0.0,
                currency,
                item.text("source") or "",
                as_of,
                until,
                item.where(),
            )
        )
    return tuple(lines) if ok else None


def tariff_issues(network: Network, lines: Iterable[TariffLine]) -> list[SpecIssue]:
    """Currencies the network's FX table does not know."""
    return [
        line.where.issue(
            "currency",
            f"{unknown('currency', line.currency, network.fx_cny)} (the network converts "
            f"{', '.join(sorted(network.fx_cny))})",
        )
        for line in lines
        if line.currency not in network.fx_cny
    ]


@dataclass(frozen=True, kw_only=True)
class SetTariff(Modification):
    """Scale every tariff line of a service or link by ``factor``, or replace the lines of the
    units given in ``tariffs``."""

    kind: ClassVar[str] = "set_tariff"
    FIELDS: ClassVar[tuple[str, ...]] = ("service", "link", "factor", "tariffs")
    service: str | None = None
    link: str | None = None
    factor: float | None = None
    tariffs: tuple[TariffLine, ...] = ()

    @classmethod
    def parse(cls, view: MapView) -> SetTariff | None:
        target = parse_target(view)
        which = view.exactly_one("factor", "tariffs")
        factor = parse_factor(view, zero=True) if which == "factor" else None
        lines = parse_tariffs(view) if which == "tariffs" else ()
        if (
            target is None
            or which is None
            or lines is None
            or (which == "factor" and factor is None)
        ):
            return None
        return cls(**target, factor=factor, tariffs=lines, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        issues = resolve_links(self, network, pending, service=self.service, link=self.link)[1]
        return issues + tariff_issues(network, self.tariffs)

    def apply(self, network: Network) -> Network:
        ids = (
            edits.service_links(network, self.service)
            if self.service is not None
            else (self.link or "",)
        )
        if self.factor is not None:
            return edits.scale_tariffs(network, ids, self.factor)
        return edits.set_tariffs(network, ids, {line.unit: line.tariff() for line in self.tariffs})


@dataclass(frozen=True, kw_only=True)
class ScaleFees(Modification):
    """Multiply the fees at a node (or several), all or of one kind (``fee``), by ``factor``."""

    kind: ClassVar[str] = "scale_fees"
    FIELDS: ClassVar[tuple[str, ...]] = ("node", "nodes", "fee", "factor")
    nodes: tuple[str, ...]
    fee: str | None = None
    factor: float

    @classmethod
    def parse(cls, view: MapView) -> ScaleFees | None:
        which = view.exactly_one("node", "nodes")
        nodes: tuple[str, ...] | None = None
        if which == "node":
            one = view.text("node")
            nodes = None if one is None else (one,)
        elif which == "nodes":
            nodes = view.texts("nodes")
        fee = view.text("fee")
        if fee is not None and fee not in FEE_KINDS:
            view.error(
                "fee", f"{unknown('fee', fee, FEE_KINDS)} (allowed: {', '.join(sorted(FEE_KINDS))})"
            )
            fee = None
            nodes = None
        factor = parse_factor(view, zero=True)
        if nodes is None or factor is None:
            return None
        return cls(nodes=nodes, fee=fee, factor=factor, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        issues: list[SpecIssue] = []
        name = "node" if "node" in dict(self.where.fields) else "nodes"
        for i, node_id in enumerate(self.nodes):
            at = name if name == "node" else f"nodes[{i}]"
            if node_id not in network.nodes:
                issues.append(self.issue(at, unknown("node", node_id, network.nodes)))
                continue
            kinds = {f.fee for f in network.fees if f.node_id == node_id}
            if self.fee is not None and self.fee not in kinds:
                have = ", ".join(sorted(kinds)) or "none"
                issues.append(
                    self.issue(at, f"{node_id} has no {self.fee!r} fee (its fees: {have})")
                )
            elif not kinds:
                issues.append(self.issue(at, f"{node_id} has no fees"))
        return issues

    def apply(self, network: Network) -> Network:
        return edits.scale_fees(network, self.nodes, self.factor, self.fee)


# ------------------------------------------------------------------------------ sea lanes
@dataclass(frozen=True, kw_only=True)
class RerouteSea(Modification):
    """Sail Asia–Europe deep-sea services via Suez or the Cape of Good Hope (every such
    service, or those listed in ``services``)."""

    kind: ClassVar[str] = "reroute_sea"
    FIELDS: ClassVar[tuple[str, ...]] = ("via", "services")
    via: str
    services: tuple[str, ...] | None = None

    @classmethod
    def parse(cls, view: MapView) -> RerouteSea | None:
        via = view.text("via", required=True)
        if via is not None and via not in edits.SEA_LANES:
            view.error("via", f"{unknown('sea route', via, edits.SEA_LANES)} (allowed: suez, cape)")
            via = None
        services = view.texts("services")
        if via is None or (view.has("services") and services is None):
            return None
        return cls(via=via, services=services, **cls.common(view))

    def _ids(self, network: Network) -> tuple[str, ...]:
        if self.services is None:
            return tuple(
                i
                for i in edits.lane_links(network)
                if edits.sea_route(network.links[i]) != self.via
            )
        return tuple(i for s in self.services for i in edits.service_links(network, s))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        issues: list[SpecIssue] = []
        known = services_of(network)
        changed = 0
        for i, service in enumerate(self.services or ()):
            ids = edits.service_links(network, service)
            if not ids:
                if service not in pending:
                    issues.append(self.issue(f"services[{i}]", unknown("service", service, known)))
                continue
            routes = {edits.sea_route(network.links[x]) for x in ids}
            if None in routes:
                lanes = sorted({network.links[x].service for x in edits.lane_links(network)})
                issues.append(
                    self.issue(
                        f"services[{i}]",
                        f"service {service} does not sail between Asia and Europe by the Cape "
                        f"or Suez{did_you_mean(service, lanes)}",
                    )
                )
                continue
            changed += sum(r != self.via for r in routes)
        if not issues and (
            (self.services is None and not self._ids(network)) or (self.services and not changed)
        ):
            issues.append(
                self.issue("via", f"changes nothing: the services already sail via {self.via}")
            )
        return issues

    def apply(self, network: Network) -> Network:
        ids = self._ids(network)
        return edits.reroute_sea(network, ids, cast(edits.SeaRoute, self.via)) if ids else network
