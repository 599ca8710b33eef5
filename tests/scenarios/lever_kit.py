"""Shared runs of ``tests/scenarios/test_levers.py``: the bundled network and demand, each bundled
scenario applied to them, and routed slices of the demand, each routed once per test module.

A run routes the rows of a *slice* (a fixed set of shipment ids) of a scenario's demand. The
scenario's demand edits (trader mix, direct-loading eligibility) are applied to the **whole**
bundled demand first, as a scenario run does (a share is reached over the whole table,
docs/scenario-spec.md "The demand"), and the slice is cut from the result, so the baseline and
the scenario route the same shipments, each with its own trader attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from router.network import load_network
from router.network.model import Network
from router.scenarios.demand import read_demand
from router.scenarios.engines import EngineOptions, Routed, route_demand
from router.scenarios.spec import Scenario, baseline, bundled_scenarios, load_scenario

DATA = Path(__file__).resolve().parents[2] / "data"
DEMAND = DATA / "demand" / "gba-100k.parquet"
BASELINE = "baseline"
ENGINE = EngineOptions("local", workers=1)

#: picks a slice's rows out of a whole demand table (the baseline's, or the scenario's named by
#: :attr:`Slice.demand_of`)
Pick = Callable[[pl.DataFrame], pl.DataFrame]


@dataclass(frozen=True)
class Slice:
    """A fixed set of shipments: the ids of the rows ``pick`` returns from the whole demand of
    ``demand_of`` (a scenario name, or the baseline)."""

    name: str
    pick: Pick
    demand_of: str = BASELINE


class LeverKit:
    """The bundled network and demand, the bundled scenarios, and their routed slices, each
    computed once and kept (a test module holds one kit in a module-scoped fixture)."""

    def __init__(self, data: Path = DATA) -> None:
        self.base = load_network(data)
        self.paths = bundled_scenarios(data)
        self.whole = read_demand(DEMAND, self.base)
        self._scenarios: dict[str, Scenario] = {}
        self._networks: dict[str, Network] = {}
        self._demands: dict[str, pl.DataFrame] = {}
        self._ids: dict[str, pl.Series] = {}
        self._runs: dict[tuple[str, str], Routed] = {}

    def scenario(self, name: str) -> Scenario:
        """The scenario ``name`` read and validated against the bundled network (or the
        baseline)."""
        if name not in self._scenarios:
            self._scenarios[name] = (
                baseline() if name == BASELINE else load_scenario(self.paths[name], self.base)
            )
        return self._scenarios[name]

    def network(self, name: str) -> Network:
        if name not in self._networks:
            self._networks[name] = self.scenario(name).apply(self.base)
        return self._networks[name]

    def demand(self, name: str) -> pl.DataFrame:
        """The whole bundled demand with the scenario's demand edits."""
        if name not in self._demands:
            self._demands[name] = self.scenario(name).apply_demand(self.whole)
        return self._demands[name]

    def ids(self, part: Slice) -> pl.Series:
        if part.name not in self._ids:
            self._ids[part.name] = part.pick(self.demand(part.demand_of))["id"]
        return self._ids[part.name]

    def rows(self, name: str, part: Slice) -> pl.DataFrame:
        """The slice's rows of the scenario's demand, in the demand's order."""
        return self.demand(name).filter(pl.col("id").is_in(self.ids(part).implode()))

    def run(self, name: str, part: Slice) -> Routed:
        """The slice routed on the scenario's network (uncapacitated, one local worker)."""
        key = (name, part.name)
        if key not in self._runs:
            scenario = self.scenario(name)
            self._runs[key] = route_demand(
                self.network(name), scenario.fingerprint, self.rows(name, part), ENGINE
            )
        return self._runs[key]


def touching(legs: pl.DataFrame, nodes: Iterable[str], modes: Iterable[str] = ()) -> set[str]:
    """Shipments with a leg starting or ending at one of ``nodes`` (of one of ``modes``, if
    given)."""
    at = pl.col("from_node").is_in(list(nodes)) | pl.col("to_node").is_in(list(nodes))
    if modes:
        at = at & pl.col("mode").is_in(list(modes))
    return set(legs.filter(at)["shipment_id"].to_list())


def crossing(shipments: pl.DataFrame, nodes: Iterable[str]) -> set[str]:
    """Shipments whose ``border_crossings`` name one of ``nodes``."""
    names = pl.col("border_crossings").str.split("+")
    hit = names.list.eval(pl.element().is_in(list(nodes))).list.any()
    return set(shipments.filter(hit)["shipment_id"].to_list())


def riding(legs: pl.DataFrame, links: Iterable[str] = (), service_prefix: str = "") -> set[str]:
    """Shipments with a leg on one of ``links`` or on a service whose code starts with
    ``service_prefix``."""
    on = pl.col("link_id").is_in(list(links))
    if service_prefix:
        on = on | pl.col("service").str.starts_with(service_prefix)
    return set(legs.filter(on)["shipment_id"].to_list())


def paired(base: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    """The two shipments tables side by side (the scenario's columns suffixed ``_s``), with
    ``same_route`` (routed in both on the same route)."""
    return base.join(other, on="shipment_id", suffix="_s", how="inner").with_columns(
        same_route=(pl.col("route_key") == pl.col("route_key_s")).fill_null(False)
    )


def of(frame: pl.DataFrame, ids: Iterable[str]) -> pl.DataFrame:
    """The rows of ``frame`` (with ``shipment_id``) whose shipment is in ``ids``."""
    return frame.filter(pl.col("shipment_id").is_in(list(ids)))


def rail_teu_share(shipments: pl.DataFrame) -> float:
    """TEU of routed shipments whose main mode is rail / TEU of routed shipments."""
    routed = shipments.filter(pl.col("status") == "routed")
    rail = routed.filter(pl.col("main_mode") == "rail")["teu"].sum()
    return float(rail) / float(routed["teu"].sum())
