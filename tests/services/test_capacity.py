"""Departure space: what a cargo needs, what the view reports, link capacities."""

from __future__ import annotations

from datetime import datetime

from router.network.capacity import LinkCapacity, link_capacity, tracked_links
from router.network.model import Network
from router.routing.request import Cargo
from router.services.capacity import CapacityView, Need, schedule_capacity
from router.units import CST

RAIL = "RAIL-PHS-DUI"
AIR = "AIR-SZX-FRA"
DEP = datetime(2030, 3, 5, 20, 0, tzinfo=CST)


def test_need_counts_teu_or_chargeable_kg() -> None:
    boxes = Need.of(Cargo(containers=(("42G1", 2), ("22G1", 1))))
    assert boxes.teu == 5.0
    loose = Need.of(Cargo(weight_kg=800, volume_m3=6.6))
    assert abs(loose.teu - 0.2) < 1e-9  # 6.6 m3 / 33 m3 per TEU
    assert loose.kg == max(800, 6.6 * 166.67)


def test_links_track_teu_or_kg(tiny_network: Network) -> None:
    assert link_capacity(tiny_network.links[RAIL]) == LinkCapacity("teu", 82.0)
    assert link_capacity(tiny_network.links[AIR]) == LinkCapacity("kg", 100_000.0)
    assert link_capacity(tiny_network.links["TRK-SZ-YTN"]) is None
    assert set(tracked_links(tiny_network)) >= {RAIL, AIR}
    need = Need(4.0, 900.0)
    assert need.on(tiny_network.links[RAIL]) == 4.0 and need.on(tiny_network.links[AIR]) == 900.0


def test_view_reports_what_is_left_full_capacity_elsewhere_and_no_limit_on_trucks(
    tiny_network: Network,
) -> None:
    view = CapacityView(tiny_network, {(RAIL, DEP): 2.0})
    assert view(RAIL, DEP) == 2.0
    assert view(RAIL, DEP.astimezone(CST).replace(day=8)) == 82.0
    assert view(AIR, DEP) == 100_000.0
    assert view("TRK-SZ-YTN", DEP) is None
    assert schedule_capacity(tiny_network)(RAIL, DEP) == 82.0
