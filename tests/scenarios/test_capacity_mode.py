"""Capacity-aware scenario runs: the batch assignment over the departures' space. Checked:
every departure's load within its capacity, the status and bound of the solve reported, and
shipments that cannot fit left unassigned, not overbooked."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from router.errors import InvalidRequestError
from router.network import load_network
from router.network.model import Network
from router.routing.compiled import compile_network
from router.scenarios.capacity import MAX_SHIPMENTS, assign_demand
from router.scenarios.demand import demand_requests, parse_demand
from router.scenarios.runner import route_shipments

DATA = Path(__file__).resolve().parents[2] / "data"
RAIL = "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI"


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(DATA)


def _demand(network: Network, boxes: int, count: int) -> pl.DataFrame:
    """``count`` shipments of ``boxes`` 40' boxes from the Bay Area Express terminal to
    Duisburg, ready together, no deadline: more than one train can take at once."""
    raw = pl.DataFrame(
        {
            "id": [f"R{k:02d}" for k in range(count)],
            "origin": ["SZ-PINGHU-RAIL"] * count,
            "destination": ["DEDUI"] * count,
            "containers": [f"{boxes}x42G1"] * count,
            "weight_kg": [boxes * 15_000.0] * count,
            "ready": ["2026-03-02T08:00"] * count,
            "aeo_level": ["advanced"] * count,
            # electronics: about CNY 3.5 million a box, so the faster train is worth its price
            "value_cny": [boxes * 3_500_000.0] * count,
        }
    )
    return parse_demand(raw, network, "rail.csv", first_row=2)


def test_departures_are_never_overbooked(network: Network) -> None:
    capacity_teu = network.links[RAIL].capacity_teu
    assert capacity_teu is not None
    per_shipment_teu = 2 * 20
    count = int(capacity_teu // per_shipment_teu) + 3  # one departure cannot take them all
    demand = _demand(network, 20, count)
    run = assign_demand(compile_network(network), demand, time_limit_s=30)
    assert run.solve["status"] in ("optimal", "feasible"), run.solve
    assert run.shipments.height == count
    assert set(run.shipments["status"]) <= {"routed", "unassigned"}
    loads = (
        run.legs.filter(pl.col("link_id").is_not_null())
        .group_by("link_id", "departure")
        .agg(pl.col("teu").sum())
    )
    capacities = {lid: link.capacity_teu for lid, link in network.links.items()}
    for link_id, departure, teu in loads.iter_rows():
        cap = capacities[link_id]
        assert cap is None or teu <= cap + 1e-6, (link_id, departure, teu, cap)
    on_rail = loads.filter(pl.col("link_id") == RAIL)
    # the first train is full or nearly, and the rest rode later trains or other services
    assert on_rail["teu"].max() > capacity_teu - per_shipment_teu
    routed = run.shipments.filter(pl.col("status") == "routed")
    assert routed.height > 0 and (routed["cost_cny"] > 0).all()
    # uncapacitated, every one of them takes the same train: more than it holds
    _, legs = route_shipments(compile_network(network), list(demand_requests(demand)))
    free = legs.filter(pl.col("link_id") == RAIL).group_by("departure").agg(pl.col("teu").sum())
    assert free["teu"].max() == count * per_shipment_teu > capacity_teu


def test_capacity_runs_are_bounded_in_size(network: Network) -> None:
    demand = _demand(network, 1, MAX_SHIPMENTS + 1)
    with pytest.raises(InvalidRequestError, match="at most"):
        assign_demand(compile_network(network), demand)
