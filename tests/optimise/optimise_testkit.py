"""Hand-built networks and instances with known optima for the OR-Tools models.

The two-mode network ``A -> B`` (both mainland China, domestic regime, no fees):

* ``RAIL``: Mondays and Thursdays 10:00, 24 h, 40 TEU per departure, CNY 1,000 per 20'
  (1,800 per 40');
* ``BARGE``: Tuesdays 10:00, 72 h, 100 TEU per departure, CNY 800 per 20' (1,440 per 40');
* optionally ``TRUCK``: any time, 10 h, no capacity limit, CNY 2,000 per 20'.

Cargo is ready Monday 3 March 2025 08:00 CST, the carbon price is 0 and the value of time is
5 CNY per TEU-hour (given explicitly), so for one 20' box the generalised cost is

* rail Monday: 1,000 + 5 x 26 h = 1,130 (arrives Tue 10:00);
* barge Tuesday: 800 + 5 x 98 h = 1,290 (arrives Fri 10:00);
* rail Thursday: 1,000 + 5 x 98 h = 1,490 (arrives Fri 10:00, dominated by the barge);
* truck: 2,000 + 5 x 10 h = 2,050.

The international variant ``A (CN) -> B (HK)`` adds export clearance at A and import clearance
at B, with a CNY 500 declaration fee at B (per declaration) and nothing else, so every part of a
split that clears import separately pays 500 once.
"""

from __future__ import annotations

from datetime import date, datetime

from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import CustomsOp, Mode, Network, NodeKind, Regime
from router.optimise.assign import Shipment
from router.optimise.consolidation import (
    BookedContainer,
    TrainDeparture,
    WagonType,
    parse_patterns,
)
from router.routing.request import Cargo, PlaceRef, Preferences, QuoteRequest
from router.units import CST

READY = datetime(2025, 3, 3, 8, 0, tzinfo=CST)  # a Monday
MON_RAIL = datetime(2025, 3, 3, 10, 0, tzinfo=CST)
TUE_BARGE = datetime(2025, 3, 4, 10, 0, tzinfo=CST)
THU_RAIL = datetime(2025, 3, 6, 10, 0, tzinfo=CST)
VOT_PER_TEU_H = 5.0
RAIL_GC, BARGE_GC, THU_RAIL_GC, TRUCK_GC = 1130.0, 1290.0, 1490.0, 2050.0


def two_mode_network(
    *, truck: bool = False, international: bool = False, rail_teu: float = 40.0
) -> Network:
    """See the module docstring (zero THC fees are listed so the dataset exports cleanly)."""
    b = NetworkBuilder(name="two-mode")
    if international:
        b.add_node(
            "A", 114.0, 22.6, kind=NodeKind.SEAPORT, jurisdiction="CN",
            operations={CustomsOp.EXPORT_CLEARANCE, CustomsOp.EXIT, CustomsOp.SUPERVISED_SITE},
        )  # fmt: skip
        b.add_node(
            "B", 114.2, 22.3, kind=NodeKind.SEAPORT, jurisdiction="HK",
            operations={CustomsOp.IMPORT_CLEARANCE, CustomsOp.ENTRY, CustomsOp.SUPERVISED_SITE},
        )  # fmt: skip
        b.add_fee("B", "declaration", "declaration", 500.0)
        regime = Regime.INTERNATIONAL
    else:
        b.add_node("A", 114.0, 22.6, kind=NodeKind.SEAPORT)
        b.add_node("B", 113.3, 23.1, kind=NodeKind.SEAPORT)
        regime = Regime.DOMESTIC
    b.add_link(
        "RAIL", "A", "B", Mode.RAIL, transit_h=24, regime=regime,
        weekly=((0, 600), (3, 600)), tariffs=container_tariffs(1000.0), capacity_teu=rail_teu,
    )  # fmt: skip
    b.add_link(
        "BARGE", "A", "B", Mode.BARGE, transit_h=72, regime=regime,
        weekly=((1, 600),), tariffs=container_tariffs(800.0), capacity_teu=100.0,
    )  # fmt: skip
    for node in ("A", "B"):
        for unit in ("20", "40", "40HC"):
            b.add_fee(node, "thc", unit, 0.0)
    if truck:
        b.add_link(
            "TRUCK", "A", "B", Mode.TRUCK, transit_h=10, regime=regime,
            tariffs=container_tariffs(2000.0),
        )  # fmt: skip
    return b.build()


def boxes(n20: int = 0, n40: int = 0, weight_kg: float | None = None) -> Cargo:
    containers = tuple((c, n) for c, n in (("22G1", n20), ("42G1", n40)) if n)
    return Cargo(containers=containers, weight_kg=weight_kg)


def request(cargo: Cargo, *, deadline: datetime | None = None) -> QuoteRequest:
    return QuoteRequest(
        origin=PlaceRef("A"),
        destination=PlaceRef("B"),
        cargo=cargo,
        ready=READY,
        deadline=deadline,
        preferences=Preferences(
            value_of_time_cny_per_h=VOT_PER_TEU_H * cargo.teu, carbon_price_cny_per_t=0.0
        ),
    )


def shipment(
    sid: str, n20: int, *, booked: tuple = (), weight_kg: float | None = None,
    penalty: float | None = None, deadline: datetime | None = None,
) -> Shipment:  # fmt: skip
    cargo = boxes(n20, weight_kg=weight_kg)
    return Shipment(
        id=sid,
        request=request(cargo, deadline=deadline),
        booked=booked,
        unassigned_penalty_cny=penalty,
    )


# ------------------------------------------------------------------------ consolidation
DAY = date(2025, 3, 3)
X70 = WagonType("X70", parse_patterns("1x40/2x20"), 60_000.0, 20_000.0, 14.0)
LONG = WagonType("S60", parse_patterns("1x45/1x40+1x20/3x20"), 69_000.0, 20_000.0, 20.0)


def box(
    cid: str, length: int = 40, gross_t: float = 20.0, dest: str = "X", *, ready: date = DAY,
    deadline: date | None = None, dg: str | None = None, status: str = "export_cleared",
    priority: int = 1,
) -> BookedContainer:  # fmt: skip
    iso = {20: "22G1", 40: "42G1", 45: "L5G1"}[length]
    return BookedContainer(
        cid,
        iso,
        length,
        gross_t * 1000.0,
        dest,
        ready,
        deadline,
        dg,
        status,
        priority,  # type: ignore[arg-type]
    )


def train(
    tid: str = "T1", *, day: date = DAY, dests: tuple[str, ...] = ("X",), wagons: int = 4,
    wagon: WagonType = X70, max_gross_t: float = 10_000.0, max_length_m: float = 1_000.0,
    extra: tuple[WagonType, ...] = (),
) -> TrainDeparture:  # fmt: skip
    return TrainDeparture(
        tid, day, dests, max_gross_t * 1000.0, max_length_m, (wagon,) * wagons + extra
    )
