"""Scenario modifications of customs: node procedures and times, AEO profiles, the Combined
Port, direct loading, border waits, and the trader mix of the demand.

The demand kinds (``enable_direct_loading``, ``set_trader_mix``) change the demand table's
trader columns (``aeo_level``, ``direct_eligible``, ``joint_declaration_eligible``,
``inspect_first_pilot``, ``drug_whitelisted``) with stable draws: shipment ``id``'s draw is
the first 8 bytes of sha256(scenario name, modification index, column, id) as a number in
[0, 1), the same in every run, engine and process. A share is reached with the fewest changes: when the target share
``t`` is above the table's current share ``c``, each shipment without the attribute gets it
when its draw is below (t - c) / (1 - c); when below, each one with it keeps it when its draw is
below t / c. (Apply a scenario to the whole demand table, not to parts of it: c is the table's.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from router.errors import InvalidRequestError
from router.network import edits
from router.network.model import (
    ECOMMERCE_REGIMES,
    AeoLevel,
    CustomsOp,
    Network,
    parse_aeo_level,
)
from router.scenarios.modifications import Modification, resolve_node
from router.scenarios.spec_yaml import MapView, SpecIssue, unknown

#: demand columns of the trader profile (docs/demand.md)
AEO_COLUMN = "aeo_level"
SHARE_COLUMNS: dict[str, str] = {
    "aeo_share": AEO_COLUMN,
    "direct_eligible_share": "direct_eligible",
    "joint_declaration_share": "joint_declaration_eligible",
    "inspect_first_share": "inspect_first_pilot",
    "drug_whitelisted_share": "drug_whitelisted",
}
#: the largest clearance-time factor an AEO profile may take
MAX_TIME_FACTOR = 10.0


# ------------------------------------------------------------------------------ draws
def draws(key: str, ids: Sequence[object]) -> pl.Series:
    """Each id's stable draw in [0, 1) for ``key`` (sha256; not Python's salted hash)."""
    prefix = key.encode("utf-8") + b"\x1f"
    values = [
        int.from_bytes(hashlib.sha256(prefix + str(i).encode("utf-8")).digest()[:8], "big") / 2**64
        for i in ids
    ]
    return pl.Series("draw", values, dtype=pl.Float64)


def reach_share(
    has: pl.Series, draw: pl.Series, target: float, *, only_up: bool = False
) -> pl.Series:
    """``has`` (booleans) changed to reach the share ``target`` with the fewest changes (module
    doc); ``only_up``: never take the attribute away."""
    n = len(has)
    if n == 0:
        return has
    current = float(has.sum()) / n
    if target >= current:
        if current >= 1.0:
            return has
        p = (target - current) / (1.0 - current)
        return has | (draw < p)
    if only_up:
        return has
    return has & (draw < target / current)


def _require(demand: pl.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in ("id", *columns) if c not in demand.columns]
    if missing:
        raise InvalidRequestError(
            "demand", f"the demand table has no column(s) {', '.join(missing)}"
        )


def _advanced(demand: pl.DataFrame) -> pl.Series:
    return (
        demand.get_column(AEO_COLUMN).cast(pl.String).str.to_lowercase() == AeoLevel.ADVANCED.value
    )


def _bools(demand: pl.DataFrame, column: str) -> pl.Series:
    return demand.get_column(column).cast(pl.Boolean).fill_null(False)


# ------------------------------------------------------------------------------ set_customs
@dataclass(frozen=True, kw_only=True)
class SetCustoms(Modification):
    """Set a node's customs times, operations and e-commerce regimes, or an AEO level's
    inspection probability and clearance-time factor."""

    kind: ClassVar[str] = "set_customs"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "node",
        *edits.CUSTOMS_HOURS,
        "add_operations",
        "remove_operations",
        "ecommerce_regimes",
        "aeo_level",
        "inspection_probability",
        "clearance_time_factor",
    )
    node: str | None = None
    hours: tuple[tuple[str, float | None], ...] = ()
    add_operations: tuple[CustomsOp, ...] = ()
    remove_operations: tuple[CustomsOp, ...] = ()
    ecommerce_regimes: tuple[str, ...] | None = None
    aeo_level: AeoLevel | None = None
    inspection_probability: float | None = None
    clearance_time_factor: float | None = None

    @classmethod
    def parse(cls, view: MapView) -> SetCustoms | None:
        which = view.exactly_one("node", "aeo_level")
        node_fields = [f for f in cls.FIELDS[1:-3] if f in view.values]
        profile_fields = [
            f for f in ("inspection_probability", "clearance_time_factor") if f in view.values
        ]
        if which == "node":
            return cls._parse_node(view, profile_fields)
        if which == "aeo_level":
            return cls._parse_profile(view, node_fields)
        return None

    @classmethod
    def _parse_node(cls, view: MapView, wrong: Sequence[str]) -> SetCustoms | None:
        ok = True
        for name in wrong:
            view.error(name, "goes with aeo_level, not with a node")
            ok = False
        hours: list[tuple[str, float | None]] = []
        for name in edits.CUSTOMS_HOURS:
            if name in edits.OPTIONAL_HOURS and view.is_null(name):
                hours.append((name, None))  # not offered
            elif name in view.values:
                value = view.number(name, minimum=0.0, maximum=24.0 * 365)
                ok = ok and value is not None
                if value is not None:
                    hours.append((name, value))
        ops = {
            k: view.enums(k, CustomsOp, what="customs operation")
            for k in ("add_operations", "remove_operations")
        }
        ok = ok and all(ops[k] is not None for k in ops if view.has(k))
        both = set(ops["add_operations"] or ()) & set(ops["remove_operations"] or ())
        if both:
            view.error(
                "remove_operations",
                f"also in add_operations: {', '.join(sorted(op.value for op in both))}",
            )
            ok = False
        regimes = (
            view.texts("ecommerce_regimes", non_empty=False)
            if view.has("ecommerce_regimes")
            else None
        )
        for regime in regimes or ():
            if regime not in ECOMMERCE_REGIMES:
                view.error(
                    "ecommerce_regimes",
                    f"{unknown('e-commerce regime', regime, ECOMMERCE_REGIMES)} (allowed: {', '.join(ECOMMERCE_REGIMES)})",
                )
                ok = False
        if not hours and not any(ops.values()) and regimes is None:
            view.error(
                "",
                "sets nothing: give customs hours, add_operations, remove_operations or ecommerce_regimes",
            )
            ok = False
        node = view.text("node")
        if not ok or node is None:
            return None
        return cls(
            node=node,
            hours=tuple(hours),
            add_operations=ops["add_operations"] or (),
            remove_operations=ops["remove_operations"] or (),
            ecommerce_regimes=regimes,
            **cls.common(view),
        )

    @classmethod
    def _parse_profile(cls, view: MapView, wrong: Sequence[str]) -> SetCustoms | None:
        ok = True
        for name in wrong:
            view.error(name, "goes with a node, not with aeo_level")
            ok = False
        level: AeoLevel | None = None
        text = view.text("aeo_level")
        if text is not None:
            try:
                level = parse_aeo_level(text)
            except ValueError as exc:
                view.error("aeo_level", str(exc))
        probability = view.number("inspection_probability", minimum=0.0, maximum=1.0)
        factor = view.number("clearance_time_factor", positive=True, maximum=MAX_TIME_FACTOR)
        given = view.given(("inspection_probability", "clearance_time_factor"))
        if not given:
            view.error("", "sets nothing: give inspection_probability and/or clearance_time_factor")
            ok = False
        if not ok or level is None or (probability is None and factor is None):
            return None
        if len(given) == 2 and (probability is None or factor is None):
            return None
        return cls(
            aeo_level=level,
            inspection_probability=probability,
            clearance_time_factor=factor,
            **cls.common(view),
        )

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        if self.aeo_level is not None:
            if self.aeo_level not in network.customs_profiles:
                return [
                    self.issue(
                        "aeo_level", f"the network has no profile for {self.aeo_level.value!r}"
                    )
                ]
            return []
        node, issues = resolve_node(self, network, self.node or "", "node")
        if node is None:
            return issues
        offered = network.nodes[node].operations
        gone = [op.value for op in self.remove_operations if op not in offered]
        if gone:
            issues.append(
                self.issue("remove_operations", f"{node} does not offer {', '.join(gone)}")
            )
        if (
            CustomsOp.COMBINED_PORT in self.add_operations
            and not network.nodes[node].combined_port_hub
        ):
            issues.append(
                self.issue(
                    "add_operations",
                    "a Combined Port terminal needs its hub and a barge to it: use enable_combined_port",
                )
            )
        return issues

    def apply(self, network: Network) -> Network:
        if self.aeo_level is not None:
            return edits.set_customs_profile(
                network,
                self.aeo_level,
                inspection_probability=self.inspection_probability,
                clearance_time_factor=self.clearance_time_factor,
            )
        return edits.set_node_customs(
            network,
            self.node or "",
            hours=dict(self.hours),
            add_operations=self.add_operations,
            remove_operations=self.remove_operations,
            ecommerce_regimes=self.ecommerce_regimes,
        )


# ------------------------------------------------------------------------------ Combined Port
@dataclass(frozen=True, kw_only=True)
class EnableCombinedPort(Modification):
    """Make a feeder terminal a Combined Port terminal of a hub (seed §13)."""

    kind: ClassVar[str] = "enable_combined_port"
    FIELDS: ClassVar[tuple[str, ...]] = ("feeder", "hub", "dwell_combined_h")
    feeder: str
    hub: str
    dwell_combined_h: float | None = None

    @classmethod
    def parse(cls, view: MapView) -> EnableCombinedPort | None:
        feeder = view.text("feeder", required=True)
        hub = view.text("hub", required=True)
        dwell = view.number("dwell_combined_h", minimum=0.0, maximum=24.0 * 30)
        if feeder is None or hub is None or (view.has("dwell_combined_h") and dwell is None):
            return None
        return cls(feeder=feeder, hub=hub, dwell_combined_h=dwell, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        feeder, issues = resolve_node(self, network, self.feeder, "feeder")
        hub, more = resolve_node(self, network, self.hub, "hub")
        issues += more
        if feeder is None or hub is None:
            return issues
        problem = edits.combined_port_problem(network, feeder, hub)
        if problem is not None:
            return [self.issue(*problem)]
        h = network.nodes[hub]
        dwell = self.dwell_combined_h
        if dwell is not None and dwell > h.dwell_export_h:
            issues.append(
                self.issue(
                    "dwell_combined_h",
                    f"{dwell:g} h is longer than the hub's ordinary CY cut-off (dwell_export_h "
                    f"{h.dwell_export_h:g} h)",
                )
            )
        return issues

    def later_hint(self, later: Sequence[Modification]) -> str:
        for mod in later:
            adds = getattr(mod, "barge_ends", lambda: ())()
            if (self.feeder, self.hub) in adds:
                return (
                    f" ({mod.where.path} adds one but comes after this modification: "
                    "modifications apply in order, so put it first)"
                )
        return ""

    def apply(self, network: Network) -> Network:
        return edits.enable_combined_port(
            network, self.feeder, self.hub, dwell_combined_h=self.dwell_combined_h
        )


# ------------------------------------------------------------------------------ direct loading
@dataclass(frozen=True, kw_only=True)
class EnableDirectLoading(Modification):
    """Offer direct loading and pick-up (直提直装, seed §1) at terminals, and make a share of the
    AEO (advanced) shipments of the demand eligible."""

    kind: ClassVar[str] = "enable_direct_loading"
    FIELDS: ClassVar[tuple[str, ...]] = ("terminals", "eligible_share", "dwell_direct_h")
    terminals: tuple[str, ...]
    eligible_share: float
    dwell_direct_h: float | None = None

    @classmethod
    def parse(cls, view: MapView) -> EnableDirectLoading | None:
        terminals = view.texts("terminals", required=True)
        share = view.number("eligible_share", required=True, minimum=0.0, maximum=1.0)
        dwell = view.number("dwell_direct_h", minimum=0.0, maximum=24.0 * 30)
        if terminals is None or share is None or (view.has("dwell_direct_h") and dwell is None):
            return None
        return cls(
            terminals=terminals, eligible_share=share, dwell_direct_h=dwell, **cls.common(view)
        )

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        issues: list[SpecIssue] = []
        for i, node_id in enumerate(self.terminals):
            at = f"terminals[{i}]"
            node = network.nodes.get(node_id)
            if node is None:
                issues.append(self.issue(at, unknown("node", node_id, network.nodes)))
            elif node.kind not in edits.TERMINAL_KINDS:
                issues.append(self.issue(at, f"{node_id} is a {node.kind.value}, not a terminal"))
            elif self.dwell_direct_h is not None and self.dwell_direct_h > node.dwell_export_h:
                issues.append(
                    self.issue(
                        "dwell_direct_h",
                        f"{self.dwell_direct_h:g} h is longer than {node_id}'s ordinary CY "
                        f"cut-off (dwell_export_h {node.dwell_export_h:g} h)",
                    )
                )
        return issues

    def apply(self, network: Network) -> Network:
        return edits.enable_direct_loading(
            network, self.terminals, dwell_direct_h=self.dwell_direct_h
        )

    def apply_demand(self, demand: pl.DataFrame, key: str) -> pl.DataFrame:
        """``eligible_share`` of the AEO (advanced) shipments direct-loading eligible (eligible
        ones stay eligible)."""
        _require(demand, (AEO_COLUMN, "direct_eligible"))
        advanced = _advanced(demand)
        eligible = _bools(demand, "direct_eligible")
        rows = advanced.arg_true()
        if rows.is_empty():
            return demand
        draw = draws(f"{key}\x1fdirect_eligible", demand.get_column("id").gather(rows).to_list())
        raised = reach_share(eligible.gather(rows), draw, self.eligible_share, only_up=True)
        result = eligible.scatter(rows, raised)
        return demand.with_columns(result.alias("direct_eligible"))


# ------------------------------------------------------------------------------ border waits
@dataclass(frozen=True, kw_only=True)
class SetBorderWait(Modification):
    """Set (``hours``) or change (``add_hours``) the stop of through trains and TIR trucks at a
    border crossing."""

    kind: ClassVar[str] = "set_border_wait"
    FIELDS: ClassVar[tuple[str, ...]] = ("node", "hours", "add_hours")
    node: str
    hours: float | None = None
    add_hours: float | None = None

    @classmethod
    def parse(cls, view: MapView) -> SetBorderWait | None:
        node = view.text("node", required=True)
        which = view.exactly_one("hours", "add_hours")
        hours = view.number("hours", minimum=0.0, maximum=24.0 * 30) if which == "hours" else None
        add = (
            view.number("add_hours", minimum=-24.0 * 30, maximum=24.0 * 30)
            if which == "add_hours"
            else None
        )
        if node is None or (hours is None and add is None):
            return None
        return cls(node=node, hours=hours, add_hours=add, **cls.common(view))

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        node, issues = resolve_node(self, network, self.node, "node")
        if node is None:
            return issues
        if not any(node in lk.via for lk in network.links.values()):
            crossings = sorted({v for lk in network.links.values() for v in lk.via})
            return [
                self.issue(
                    "node",
                    f"no service passes {node} in transit (via), so a border wait there changes "
                    f"nothing (border_transit_h is the stop of through trains and TIR trucks; "
                    f"crossings passed: {', '.join(crossings)})",
                )
            ]
        if self.add_hours is not None and network.nodes[node].border_transit_h + self.add_hours < 0:
            wait = network.nodes[node].border_transit_h
            issues.append(
                self.issue("add_hours", f"the wait at {node} is {wait:g} h; it cannot drop below 0")
            )
        return issues

    def apply(self, network: Network) -> Network:
        return edits.set_border_wait(network, self.node, hours=self.hours, add_hours=self.add_hours)


# ------------------------------------------------------------------------------ trader mix
@dataclass(frozen=True, kw_only=True)
class SetTraderMix(Modification):
    """Set the shares (0-1) of the demand's shipments that are AEO (advanced), direct-loading
    eligible, 一单两报 eligible, in the inspect-first pilot, or white-listed drug importers."""

    kind: ClassVar[str] = "set_trader_mix"
    FIELDS: ClassVar[tuple[str, ...]] = tuple(SHARE_COLUMNS)
    shares: tuple[tuple[str, float], ...]

    @classmethod
    def parse(cls, view: MapView) -> SetTraderMix | None:
        shares = []
        ok = True
        for name in SHARE_COLUMNS:
            if name in view.values:
                value = view.number(name, required=True, minimum=0.0, maximum=1.0)
                ok = ok and value is not None
                if value is not None:
                    shares.append((name, value))
        if not view.given(SHARE_COLUMNS):
            view.error("", f"sets nothing: give any of {', '.join(SHARE_COLUMNS)}")
            return None
        return cls(shares=tuple(shares), **cls.common(view)) if ok else None

    def apply_demand(self, demand: pl.DataFrame, key: str) -> pl.DataFrame:
        _require(demand, [SHARE_COLUMNS[name] for name, _ in self.shares])
        ids = demand.get_column("id").to_list()
        for name, share in self.shares:
            column = SHARE_COLUMNS[name]
            draw = draws(f"{key}\x1f{column}", ids)
            if column == AEO_COLUMN:
                advanced = reach_share(_advanced(demand), draw, share)
                level = pl.Series(AEO_COLUMN, [AeoLevel.NONE.value] * len(ids), dtype=pl.String)
                level = level.scatter(advanced.arg_true(), AeoLevel.ADVANCED.value)
                dtype = demand.schema[AEO_COLUMN]
                demand = demand.with_columns(level.cast(dtype))
            else:
                demand = demand.with_columns(
                    reach_share(_bools(demand, column), draw, share).alias(column)
                )
        return demand
