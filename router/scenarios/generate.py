"""A seeded demand table for the Greater Bay Area whose mix follows published trade figures.

:func:`generate_demand` draws shipments to and from the GBA: who ships (the nine mainland cities
weighted by their exports, and Hong Kong), where to (trade regions weighted by China's exports
to them, then the network's ports, rail terminals and airports of each region), how (deep-sea
containers, sea LCL, air cargo, China–Europe/Central Asia rail, TIR road, in proportion to the
GBA's 2024 container, rail and air volumes), what (box mix, weights, reefer, dangerous goods,
pharma, cross-border e-commerce) and by whom (AEO share of trade). Every figure and how it was
derived is in data/README.md, section "Demand sample"; :data:`DEFAULT_MIX` holds them.

The generator does not choose a route or a mode: a shipment is a request (place to place, cargo,
ready time, deadline). The intended channel shows in its cargo (boxes or loose weight), its
foreign end (a seaport, an inland rail terminal, an airport) and its deadline (time-critical
cargo has a deadline only rail, road or air can meet); the router picks the route.

Shared one-to-many searches (:func:`router.routing.many.group_key`: every field but the
destination): ready times lie on a coarse grid (08:00 and 14:00 of working days), deadlines are
ready + a few lane-typical day counts (or none), and weights and declared values are drawn from
a few levels per box or kilogram, so many shipments share their origin, ready time, cargo and
trader and differ only in their destination.

Deterministic for a seed (numpy's PCG64 stream). Run ``python -m router.scenarios.generate
--shipments N --seed S --out PATH`` to write a table (CSV or Parquet by suffix).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from router.errors import InvalidRequestError
from router.network.model import Network, NodeKind
from router.routing.request import CONTAINER_TYPES
from router.scenarios.demand import DEMAND_SCHEMA, TIME_ZONE, write_demand

__all__ = [
    "DEFAULT_MIX",
    "DEFAULT_START",
    "DEFAULT_WEEKS",
    "SAMPLE_SEED",
    "SAMPLE_SHIPMENTS",
    "DemandMix",
    "Segment",
    "expected_shares",
    "generate_demand",
    "observed_shares",
    "region_of",
]

log = logging.getLogger(__name__)

#: the bundled sample: data/demand/gba-100k.parquet = generate_demand(bundled network,
#: SAMPLE_SHIPMENTS, seed=SAMPLE_SEED, start=DEFAULT_START, weeks=DEFAULT_WEEKS)
SAMPLE_SHIPMENTS = 100_000
SAMPLE_SEED = 2026
#: a Monday inside the bundled rate sheet's validity (tariffs valid until 2026-05-31)
DEFAULT_START = date(2026, 3, 2)
DEFAULT_WEEKS = 8

Weights = Mapping[str, float]
Deadlines = tuple[tuple[int | None, float], ...]

# ----------------------------------------------------------------------- sourced volumes
#: GBA export container volume by sea, TEU a year (estimate `demand-sea-teu`: half of the
#: foreign-trade throughput of Shenzhen, Guangzhou and Hong Kong's gateway cargo, 2024)
SEA_EXPORT_TEU = 23.2e6
#: China–Europe / Central Asia trains from the GBA, TEU a year (`demand-rail`: 927 trains in
#: 2024 at 2023's 110 TEU a train)
RAIL_TEU = 102_000.0
#: GBA air cargo exports, tonnes a year (estimate `demand-air`: 45 % of the 7.2 Mt of
#: international cargo at HKG, CAN and SZX in 2024)
AIR_EXPORT_T = 3.24e6
#: share of road in China–Central Asia trade, 2024 (`demand-ca-road`)
CENTRAL_ASIA_ROAD_SHARE = 0.518


@dataclass(frozen=True)
class Segment:
    """One channel of the demand. ``regions``: trade region -> share of the channel's
    shipments; ``nodes``: region -> foreign node -> weight (exports: destination; imports:
    origin); ``deadlines``: region -> (days after ready or None, probability); ``classes``:
    cargo class -> probability (the rest general), exports and imports."""

    name: str
    containerised: bool
    regions: Weights
    nodes: Mapping[str, Weights]
    deadlines: Mapping[str, Deadlines]
    classes: Weights
    import_regions: Weights
    import_nodes: Mapping[str, Weights]
    import_classes: Weights


#: China's 2024 exports by region, CNY trillion (`demand-regions`; Europe includes an estimated
#: 0.55 for the UK, the Middle East is an estimate): the regions the network serves
REGION_EXPORTS: dict[str, float] = {
    "europe": 4.19,
    "north_america": 3.73,
    "southeast_asia": 4.17,
    "middle_east": 0.46,
}
SEA_DEADLINES: dict[str, Deadlines] = {
    "europe": ((None, 0.5), (63, 0.3), (77, 0.2)),
    "north_america": ((None, 0.5), (35, 0.3), (45, 0.2)),
    "southeast_asia": ((None, 0.5), (16, 0.3), (21, 0.2)),
    "middle_east": ((None, 0.5), (28, 0.3), (35, 0.2)),
}
SEA_NODES: dict[str, Weights] = {
    "europe": {"NLRTM": 0.32, "DEHAM": 0.24, "GBFXT": 0.17, "DEDUI": 0.14, "BEANR": 0.13},
    "north_america": {"USLAX": 0.75, "USCHI": 0.25},
    "southeast_asia": {"SGSIN": 1.0},
    "middle_east": {"AEJEA": 1.0},
}
SEA_IMPORT_NODES: dict[str, Weights] = {
    "europe": {"NLRTM": 0.45, "DEHAM": 0.20, "BEANR": 0.20, "GBFXT": 0.15},
    "north_america": {"USLAX": 0.8, "USCHI": 0.2},
    "southeast_asia": {"SGSIN": 1.0},
    "middle_east": {"AEJEA": 1.0},
}
AIR_REGIONS = {r: REGION_EXPORTS[r] for r in ("europe", "north_america", "middle_east")}
#: share of e-commerce in the GBA's trade (`demand-ecommerce`): of export shipments
ECOMMERCE_SHARE = 0.102

SEGMENTS: tuple[Segment, ...] = (
    Segment(
        name="sea_fcl",
        containerised=True,
        regions=REGION_EXPORTS,
        nodes=SEA_NODES,
        deadlines=SEA_DEADLINES,
        classes={"reefer": 0.02, "dangerous": 0.05, "pharma": 0.002, "ecommerce": ECOMMERCE_SHARE},
        import_regions=REGION_EXPORTS,
        import_nodes=SEA_IMPORT_NODES,
        import_classes={"reefer": 0.08, "dangerous": 0.04, "pharma": 0.01},
    ),
    Segment(
        name="sea_lcl",
        containerised=False,
        regions=REGION_EXPORTS,
        nodes=SEA_NODES,
        deadlines=SEA_DEADLINES,
        classes={"dangerous": 0.02, "ecommerce": ECOMMERCE_SHARE},
        import_regions=REGION_EXPORTS,
        import_nodes=SEA_IMPORT_NODES,
        import_classes={"dangerous": 0.02, "pharma": 0.005},
    ),
    Segment(
        name="air",
        containerised=False,
        regions=AIR_REGIONS,
        nodes={
            "europe": {"DEFRA": 0.40, "NLAMS": 0.35, "BELGG": 0.25},
            "north_america": {"USLAX-AIR": 0.6, "US-ORD-AIR": 0.4},
            "middle_east": {"AEDXB": 1.0},
        },
        deadlines=dict.fromkeys(AIR_REGIONS, ((5, 0.5), (7, 0.5))),
        classes={"dangerous": 0.03, "pharma": 0.01, "ecommerce": ECOMMERCE_SHARE},
        import_regions=AIR_REGIONS,
        import_nodes={
            "europe": {"DEFRA": 0.50, "NLAMS": 0.35, "BELGG": 0.15},
            "north_america": {"USLAX-AIR": 1.0},
            "middle_east": {"AEDXB": 1.0},
        },
        import_classes={"reefer": 0.05, "dangerous": 0.02, "pharma": 0.05},
    ),
    Segment(
        name="rail",
        containerised=True,
        regions={"europe": 0.35, "russia_belarus": 0.45, "central_asia": 0.20},
        nodes={
            "europe": {"DEDUI": 0.40, "PLWAW": 0.25, "DEHAM": 0.20, "HUBUD": 0.15},
            "russia_belarus": {"RUMOW": 0.85, "BYMSQ": 0.15},
            "central_asia": {"KZALA": 0.6, "UZTAS": 0.4},
        },
        deadlines={
            "europe": ((30, 0.5), (35, 0.5)),
            "russia_belarus": ((None, 0.4), (30, 0.3), (35, 0.3)),
            "central_asia": ((None, 0.5), (21, 0.5)),
        },
        classes={"reefer": 0.01, "dangerous": 0.03, "ecommerce": ECOMMERCE_SHARE},
        import_regions={"europe": 0.35, "russia_belarus": 0.45, "central_asia": 0.20},
        import_nodes={
            "europe": {"DEDUI": 0.6, "PLWAW": 0.4},
            "russia_belarus": {"RUMOW": 1.0},
            "central_asia": {"KZALA": 0.6, "UZTAS": 0.4},
        },
        import_classes={"reefer": 0.01},
    ),
    Segment(
        name="road",
        containerised=True,
        regions={"central_asia": 1.0},
        nodes={"central_asia": {"KZALA": 0.55, "UZTAS": 0.45}},
        deadlines={"central_asia": ((10, 1.0),)},
        classes={"reefer": 0.02, "ecommerce": ECOMMERCE_SHARE},
        import_regions={},
        import_nodes={},
        import_classes={},
    ),
)

#: the GBA end: exports 2024 by city, CNY billion (`demand-cities`; estimates for five cities),
#: each city's node; Hong Kong as a share of all shipments (estimate)
CITY_EXPORTS: dict[str, float] = {
    "CN-SZ-CITY": 2444.0,
    "CNDGG": 890.0,
    "CN-GZ-CITY": 701.0,
    "CNFOS": 561.0,
    "CNHUI": 300.0,
    "CNZSN": 250.0,
    "CNZUH": 250.0,
    "CNJMN": 180.0,
    "CNZQG": 70.0,
}
HONG_KONG_NODE = "HKHKG"
HONG_KONG_SHARE = 0.03

#: box counts per shipment; box types (general, temperature-controlled, road); cargo kg a box
BOX_COUNTS: dict[int, float] = {1: 0.55, 2: 0.25, 3: 0.10, 4: 0.05, 6: 0.03, 10: 0.02}
BOX_TYPES: dict[str, float] = {"22G1": 0.30, "42G1": 0.25, "45G1": 0.45}
REEFER_BOX_TYPES: dict[str, float] = {"22R1": 0.2, "42R1": 0.3, "45R1": 0.5}
ROAD_BOX_TYPES: dict[str, float] = {"42G1": 0.4, "45G1": 0.6}
BOX_KG_20: dict[int, float] = {8000: 0.25, 12000: 0.35, 16000: 0.25, 20000: 0.15}
BOX_KG_40: dict[int, float] = {6000: 0.20, 10000: 0.35, 14000: 0.30, 18000: 0.15}
REEFER_KG_20: dict[int, float] = {14000: 0.5, 18000: 0.5}
REEFER_KG_40: dict[int, float] = {20000: 0.5, 24000: 0.5}
#: declared value per TEU, CNY (pharma per TEU separately)
VALUE_PER_TEU: dict[int, float] = {
    50_000: 0.30,
    100_000: 0.30,
    200_000: 0.25,
    400_000: 0.10,
    800_000: 0.05,
}
PHARMA_VALUE_PER_TEU: dict[int, float] = {1_000_000: 0.5, 3_000_000: 0.5}
#: loose cargo: kg per shipment, kg per m3, CNY per kg
LCL_KG: dict[int, float] = {300: 0.20, 800: 0.25, 1500: 0.25, 3000: 0.20, 6000: 0.10}
LCL_KG_PER_M3 = 250.0
LCL_VALUE_PER_KG: dict[int, float] = {10: 0.30, 25: 0.35, 50: 0.25, 150: 0.10}
AIR_KG: dict[int, float] = {100: 0.15, 300: 0.20, 500: 0.20, 1000: 0.20, 2000: 0.15, 5000: 0.10}
AIR_KG_PER_M3 = 167.0
AIR_VALUE_PER_KG: dict[int, float] = {100: 0.3, 300: 0.3, 1000: 0.3, 3000: 0.1}
PHARMA_VALUE_PER_KG: dict[int, float] = {2000: 0.5, 5000: 0.5}
#: dangerous goods: IMDG class by channel
DG_CLASSES: dict[str, float] = {"9": 0.5, "3": 0.3, "8": 0.2}
AIR_DG_CLASSES: dict[str, float] = {"9": 0.6, "3": 0.25, "8": 0.15}
#: e-commerce regimes: air parcels are B2C (9610); boxes and LCL B2B / overseas warehouse
SEA_ECOMMERCE_REGIMES: dict[str, float] = {"9810": 0.6, "9710": 0.4}


@dataclass(frozen=True)
class DemandMix:
    """The figures the generator draws from (defaults: :data:`DEFAULT_MIX`, sourced in
    data/README.md "Demand sample"). Shares are of shipments."""

    segments: tuple[Segment, ...] = SEGMENTS
    #: share of imports (into the GBA) among all shipments (`demand-imports`)
    import_share: float = 0.348
    #: share of AEO (advanced) traders, by trade value (`demand-aeo`)
    aeo_share: float = 0.363
    #: of AEO traders, the share eligible for ship-side direct loading / pick-up (estimate)
    direct_share_of_aeo: float = 0.25
    joint_declaration_share: float = 0.10
    inspect_first_share: float = 0.02
    #: of pharma imports, the share by a white-listed importer (estimate)
    drug_whitelisted_share: float = 0.5
    #: share of sea shipments that are LCL (estimate)
    lcl_share_of_sea: float = 0.15
    city_exports: Weights = field(default_factory=lambda: dict(CITY_EXPORTS))
    hong_kong_share: float = HONG_KONG_SHARE
    #: mean shipments of one shipper profile over the horizon: how many shipments share an
    #: origin, ready slot, cargo and trader (more: fewer one-to-many searches, noisier shares)
    shipments_per_profile: int = 40
    #: ready slots (hour of the day -> probability), working days only
    ready_hours: Mapping[int, float] = field(default_factory=lambda: {8: 0.6, 14: 0.4})

    def segment_shares(self) -> dict[str, float]:
        """Share of each channel among export shipments, from the annual volumes: TEU over the
        mean TEU a shipment, tonnes over the mean kg, LCL as a share of sea shipments."""
        teu_per_box = _mean({CONTAINER_TYPES[c].teu: p for c, p in BOX_TYPES.items()})
        boxes = _mean(BOX_COUNTS)
        fcl = SEA_EXPORT_TEU / (teu_per_box * boxes)
        counts = {
            "sea_fcl": fcl,
            "sea_lcl": fcl * self.lcl_share_of_sea / (1.0 - self.lcl_share_of_sea),
            "air": AIR_EXPORT_T * 1000.0 / _mean(AIR_KG),
            "rail": RAIL_TEU / (teu_per_box * boxes),
            "road": RAIL_TEU
            * 0.20
            * CENTRAL_ASIA_ROAD_SHARE
            / (1.0 - CENTRAL_ASIA_ROAD_SHARE)
            / 2.0,
        }
        names = {s.name for s in self.segments}
        counts = {k: v for k, v in counts.items() if k in names}
        total = sum(counts.values())
        return {k: v / total for k, v in counts.items()}

    def import_segment_shares(self) -> dict[str, float]:
        """Share of each channel among import shipments: the export shares of the channels that
        carry imports, renormalised."""
        shares = {s.name: self.segment_shares()[s.name] for s in self.segments if s.import_regions}
        total = sum(shares.values())
        return {k: v / total for k, v in shares.items()}

    def gba_weights(self) -> dict[str, float]:
        total = sum(self.city_exports.values())
        weights = {
            k: v / total * (1.0 - self.hong_kong_share) for k, v in self.city_exports.items()
        }
        weights[HONG_KONG_NODE] = self.hong_kong_share
        return weights


DEFAULT_MIX = DemandMix()


def _mean(table: Mapping[int, float]) -> float:
    return sum(k * p for k, p in table.items()) / sum(table.values())


# --------------------------------------------------------------------------- generation
class _Draw:
    """Seeded draws from weight tables."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def pick(self, table: Mapping, size: int) -> np.ndarray:
        """``size`` keys of ``table`` drawn with its weights (an object array)."""
        keys = list(table)
        p = np.array([table[k] for k in keys], dtype=float)
        choice = self.rng.choice(len(keys), size=size, p=p / p.sum())
        out = np.empty(size, dtype=object)
        for k, key in enumerate(keys):
            out[choice == k] = key
        return out

    def chance(self, p: float, size: int) -> np.ndarray:
        return self.rng.random(size) < p


def _present(network: Network, table: Weights, what: str) -> dict[str, float]:
    kept = {k: v for k, v in table.items() if k in network.nodes}
    for k in table:
        if k not in kept:
            log.warning("demand generator: node %s (%s) is not in the network; left out", k, what)
    return kept


#: node kinds pharma may end at (rail carries no pharma)
GATEWAYS = frozenset({NodeKind.SEAPORT, NodeKind.AIRPORT})
#: the temperature-controlled box of the same size as a dry one
REEFER_BOX = {"22G1": "22R1", "42G1": "42R1", "45G1": "45R1"}


def generate_demand(
    network: Network,
    shipments: int,
    seed: int = SAMPLE_SEED,
    start: date = DEFAULT_START,
    weeks: int = DEFAULT_WEEKS,
    mix: DemandMix = DEFAULT_MIX,
) -> pl.DataFrame:
    """``shipments`` rows of demand (:data:`router.scenarios.demand.DEMAND_SCHEMA`) ready on
    working days of the ``weeks`` weeks from ``start``, drawn from ``mix`` with ``seed``.

    Each shipment draws its direction and channel (with the mix's shares), then a shipper
    profile of that channel (``mix.shipments_per_profile`` shipments each on average, popularity
    exponential): the profile fixes the GBA end, the trader, the cargo per box or kilogram and
    the weekly ready slot (a weekday at 08:00 or 14:00), as a manufacturer ships similar cargo on
    its shipping day, and its service level (the quantile of each lane's deadline table it
    takes). The shipment then draws its week, foreign end and cargo class.

    Nodes of the mix that ``network`` lacks are left out (with a warning) and the weights of the
    rest renormalised. Rows are sorted by ready time; ids are ``S`` + the row number."""
    if shipments < 0:
        raise InvalidRequestError("shipments", "must be >= 0")
    if weeks < 1:
        raise InvalidRequestError("weeks", "must be >= 1")
    draw = _Draw(seed)
    n = shipments
    gba = _present(network, mix.gba_weights(), "GBA end")
    if not gba:
        raise InvalidRequestError("network", "none of the GBA nodes of the demand mix is in it")
    pools = {
        (False, name): (1.0 - mix.import_share) * share
        for name, share in mix.segment_shares().items()
    } | {
        (True, name): mix.import_share * share
        for name, share in mix.import_segment_shares().items()
    }
    pool_keys = list(pools)
    pool = draw.rng.choice(len(pool_keys), size=n, p=np.array(list(pools.values())))
    out: dict[str, np.ndarray] = {
        "is_import": np.zeros(n, dtype=bool),
        "gba": np.empty(n, dtype=object),
        "foreign": np.empty(n, dtype=object),
        "ready": np.empty(n, dtype=object),
        "deadline_days": np.full(n, np.nan),
        "cargo_class": np.full(n, "general", dtype=object),
        "containers": np.full(n, None, dtype=object),
        "weight_kg": np.full(n, np.nan),
        "volume_m3": np.full(n, np.nan),
        "value_cny": np.full(n, np.nan),
        "imdg_class": np.full(n, None, dtype=object),
        "ecommerce_regime": np.full(n, None, dtype=object),
        "aeo": np.zeros(n, dtype=bool),
        "direct": np.zeros(n, dtype=bool),
        "joint": np.zeros(n, dtype=bool),
        "inspect_first": np.zeros(n, dtype=bool),
        "whitelisted": np.zeros(n, dtype=bool),
    }
    by_name = {s.name: s for s in mix.segments}
    slots = _weekly_slots(start, weeks)
    for k, (imports, name) in enumerate(pool_keys):
        idx = np.flatnonzero(pool == k)
        if idx.size:
            _fill_pool(draw, network, mix, by_name[name], imports, gba, slots, idx, out)
    is_import = out["is_import"]
    origin = np.where(is_import, out["foreign"], out["gba"])
    destination = np.where(is_import, out["gba"], out["foreign"])
    frame = pl.DataFrame(
        {
            "origin": pl.Series(origin.tolist(), dtype=pl.String),
            "destination": pl.Series(destination.tolist(), dtype=pl.String),
            "containers": pl.Series(out["containers"].tolist(), dtype=pl.String),
            "weight_kg": out["weight_kg"],
            "volume_m3": out["volume_m3"],
            "cargo_class": pl.Series(out["cargo_class"].tolist(), dtype=pl.String),
            "imdg_class": pl.Series(out["imdg_class"].tolist(), dtype=pl.String),
            "ready": pl.Series(out["ready"].tolist(), dtype=pl.Datetime("us")),
            "deadline_days": out["deadline_days"],
            "aeo_level": np.where(out["aeo"], "advanced", "none"),
            "direct_eligible": out["direct"],
            "combined_port_allowed": np.ones(n, dtype=bool),
            "joint_declaration_eligible": out["joint"],
            "inspect_first_pilot": out["inspect_first"],
            "drug_whitelisted": out["whitelisted"],
            "value_cny": out["value_cny"],
            "ecommerce_regime": pl.Series(out["ecommerce_regime"].tolist(), dtype=pl.String),
        },
        nan_to_null=True,
    )
    width = max(6, len(str(n)))
    frame = (
        frame.with_columns(pl.col("ready").dt.replace_time_zone(TIME_ZONE))
        .with_columns(
            (pl.col("ready") + pl.duration(days=pl.col("deadline_days").cast(pl.Int64))).alias(
                "deadline"
            )
        )
        .with_row_index("__k__")
        .sort("ready", "__k__")
        .with_row_index("__n__", offset=1)
        .with_columns(
            pl.format("S{}", pl.col("__n__").cast(pl.String).str.zfill(width)).alias("id")
        )
    )
    return frame.select(pl.col(c).cast(t) for c, t in DEMAND_SCHEMA.items())


def _weekly_slots(start: date, weeks: int) -> dict[int, list[date]]:
    """Weekday (0 = Monday .. 4 = Friday) -> its ``weeks`` dates from ``start``."""
    days = [start + timedelta(days=d) for d in range(weeks * 7)]
    return {wd: [d for d in days if d.weekday() == wd] for wd in range(5)}


def _fill_pool(
    draw: _Draw,
    network: Network,
    mix: DemandMix,
    seg: Segment,
    imports: bool,
    gba: Weights,
    slots: Mapping[int, Sequence[date]],
    idx: np.ndarray,
    out: dict[str, np.ndarray],
) -> None:
    """The shipments ``idx`` of one channel and direction: their shipper profiles, then each
    shipment's week, foreign end, deadline and cargo class."""
    size = idx.size
    m = max(1, round(size / mix.shipments_per_profile))
    if imports and seg.name == "rail":
        # trains end at mainland terminals; cargo for Hong Kong would need a second import
        gba = {k: v for k, v in gba.items() if k != HONG_KONG_NODE} or gba
    # ------------------------------------------------ profiles
    home = draw.pick(gba, m)
    aeo = draw.chance(mix.aeo_share, m)
    direct = aeo & draw.chance(mix.direct_share_of_aeo, m)
    joint = draw.chance(mix.joint_declaration_share, m)
    inspect_first = draw.chance(mix.inspect_first_share, m)
    weekday = draw.rng.integers(0, 5, size=m)
    hour = draw.pick(mix.ready_hours, m)
    dg_class = draw.pick(AIR_DG_CLASSES if seg.name == "air" else DG_CLASSES, m)
    regime = (
        np.full(m, "9610", dtype=object)
        if seg.name == "air"
        else draw.pick(SEA_ECOMMERCE_REGIMES, m)
    )
    cargo = _boxes(draw, seg, m) if seg.containerised else _loose(draw, seg, m)
    # the shipper's service level: the quantile of each lane's deadline table it takes
    service = draw.rng.random(m)
    popularity = draw.rng.exponential(1.0, size=m)
    # ------------------------------------------------ shipments
    prof = draw.rng.choice(m, size=size, p=popularity / popularity.sum())
    week = draw.rng.integers(0, len(slots[0]), size=size)
    out["is_import"][idx] = imports
    out["gba"][idx] = home[prof]
    out["aeo"][idx] = aeo[prof]
    out["direct"][idx] = direct[prof]
    out["joint"][idx] = joint[prof]
    out["inspect_first"][idx] = inspect_first[prof]
    out["ready"][idx] = [
        datetime.combine(slots[int(weekday[p])][int(w)], time(int(hour[p])))
        for p, w in zip(prof, week, strict=True)
    ]
    nodes = seg.import_nodes if imports else seg.nodes
    tables = {r: _present(network, nodes[r], f"{seg.name} {r}") for r in nodes}
    regions = {
        r: w for r, w in (seg.import_regions if imports else seg.regions).items() if tables[r]
    }
    if not regions:
        raise InvalidRequestError("network", f"no node of the demand channel {seg.name} is in it")
    region = draw.pick(regions, size)
    for r in regions:
        sub = np.flatnonzero(region == r)
        if not sub.size:
            continue
        out["foreign"][idx[sub]] = draw.pick(tables[r], sub.size)
        out["deadline_days"][idx[sub]] = _quantile(seg.deadlines[r], service[prof[sub]])
    classes = dict(seg.import_classes if imports else seg.classes)
    classes["general"] = max(0.0, 1.0 - sum(classes.values()))
    cls = draw.pick(classes, size)
    # e-commerce regimes are mainland customs procedures: Hong Kong shippers have none
    cls[(cls == "ecommerce") & (home[prof] == HONG_KONG_NODE)] = "general"
    out["cargo_class"][idx] = cls
    dangerous = cls == "dangerous"
    out["imdg_class"][idx[dangerous]] = dg_class[prof[dangerous]]
    ecommerce = cls == "ecommerce"
    out["ecommerce_regime"][idx[ecommerce]] = regime[prof[ecommerce]]
    pharma = cls == "pharma"
    # rail carries no pharma: pharma for an inland rail terminal goes to its region's port
    at_gateway = np.array(
        [k not in network.nodes or network.nodes[k].kind in GATEWAYS for k in out["foreign"][idx]]
    )
    for r in regions:
        gateway = next(
            (k for k in nodes[r] if k in network.nodes and network.nodes[k].kind in GATEWAYS),
            None,
        )
        move = pharma & (region == r) & ~at_gateway
        if gateway is not None and move.any():
            out["foreign"][idx[move]] = gateway
    out["whitelisted"][idx] = pharma & imports & draw.chance(mix.drug_whitelisted_share, size)
    cold = (cls == "reefer") | pharma
    for column in ("containers", "weight_kg", "volume_m3"):
        out[column][idx] = np.where(cold, cargo[f"cold_{column}"][prof], cargo[column][prof])
    out["value_cny"][idx] = np.where(
        pharma, cargo["pharma_value_cny"][prof], cargo["value_cny"][prof]
    )


def _quantile(table: Deadlines, u: np.ndarray) -> np.ndarray:
    """Deadline days (NaN: none) at quantiles ``u`` of a (days, probability) table."""
    days = np.array([np.nan if d is None else float(d) for d, _ in table])
    p = np.array([q for _, q in table], dtype=float)
    edges = np.cumsum(p / p.sum())
    return days[np.minimum(np.searchsorted(edges, u, side="right"), len(days) - 1)]


def _boxes(draw: _Draw, seg: Segment, m: int) -> dict[str, np.ndarray]:
    """Container cargo of ``m`` profiles: dry and temperature-controlled variants."""
    road = seg.name == "road"
    code = draw.pick(ROAD_BOX_TYPES if road else BOX_TYPES, m)
    cold_code = np.array(["45R1" if road else REEFER_BOX[c] for c in code], dtype=object)
    count = np.ones(m, dtype=int) if road else draw.pick(BOX_COUNTS, m).astype(int)
    teu = np.array([CONTAINER_TYPES[c].teu for c in code]) * count
    twenty = np.array([CONTAINER_TYPES[c].teu == 1 for c in code])
    kg = np.where(twenty, draw.pick(BOX_KG_20, m), draw.pick(BOX_KG_40, m)).astype(float)
    cold_kg = np.where(twenty, draw.pick(REEFER_KG_20, m), draw.pick(REEFER_KG_40, m))
    per_teu = draw.pick(VALUE_PER_TEU, m).astype(float)
    pharma_per_teu = draw.pick(PHARMA_VALUE_PER_TEU, m).astype(float)
    nan = np.full(m, np.nan)
    return {
        "containers": np.array(
            [f"{n}x{c}" for n, c in zip(count, code, strict=True)], dtype=object
        ),
        "cold_containers": np.array(
            [f"{n}x{c}" for n, c in zip(count, cold_code, strict=True)], dtype=object
        ),
        "weight_kg": kg * count,
        "cold_weight_kg": cold_kg.astype(float) * count,
        "volume_m3": nan,
        "cold_volume_m3": nan,
        "value_cny": per_teu * teu,
        "pharma_value_cny": pharma_per_teu * teu,
    }


def _loose(draw: _Draw, seg: Segment, m: int) -> dict[str, np.ndarray]:
    """Loose cargo of ``m`` profiles (the cold variant is the same cargo)."""
    air = seg.name == "air"
    kg = draw.pick(AIR_KG if air else LCL_KG, m).astype(float)
    density = AIR_KG_PER_M3 if air else LCL_KG_PER_M3
    volume = np.maximum(0.5, np.round(kg / density * 2.0) / 2.0)
    per_kg = draw.pick(AIR_VALUE_PER_KG if air else LCL_VALUE_PER_KG, m).astype(float)
    pharma_per_kg = draw.pick(PHARMA_VALUE_PER_KG, m).astype(float)
    none = np.full(m, None, dtype=object)
    return {
        "containers": none,
        "cold_containers": none,
        "weight_kg": kg,
        "cold_weight_kg": kg,
        "volume_m3": volume,
        "cold_volume_m3": volume,
        "value_cny": kg * per_kg,
        "pharma_value_cny": kg * pharma_per_kg,
    }


# ------------------------------------------------------------------------------- shares
def region_of(mix: DemandMix = DEFAULT_MIX) -> dict[str, str]:
    """Foreign node -> trade region, over every channel of ``mix``."""
    regions: dict[str, str] = {}
    for seg in mix.segments:
        for nodes in (seg.nodes, seg.import_nodes):
            for region, table in nodes.items():
                for node in table:
                    regions.setdefault(node, region)
    return regions


def expected_shares(mix: DemandMix = DEFAULT_MIX) -> dict[str, float]:
    """The shares a large draw from ``mix`` approaches (the keys of :func:`observed_shares`)."""
    out: dict[str, float] = {"import": mix.import_share, "aeo": mix.aeo_share}
    sums: dict[str, float] = {}

    def add(key: str, value: float) -> None:
        sums[key] = sums.get(key, 0.0) + value

    for imports, shares in ((False, mix.segment_shares()), (True, mix.import_segment_shares())):
        weight = mix.import_share if imports else 1.0 - mix.import_share
        for seg in mix.segments:
            p = weight * shares.get(seg.name, 0.0)
            if not p:
                continue
            add("loose", 0.0 if seg.containerised else p)
            add("air", p if seg.name == "air" else 0.0)
            classes = seg.import_classes if imports else seg.classes
            for c, q in classes.items():
                # Hong Kong shippers declare no (mainland) e-commerce regime
                hk = mix.hong_kong_share if c == "ecommerce" else 0.0
                add(f"class:{c}", p * q * (1.0 - hk))
            regions = seg.import_regions if imports else seg.regions
            total = sum(regions.values())
            for r, q in regions.items():
                add(f"region:{r}", p * q / total)
                add("no_deadline", p * q / total * dict(seg.deadlines[r]).get(None, 0.0))
    out.update(sums)
    return out


def observed_shares(df: pl.DataFrame, mix: DemandMix = DEFAULT_MIX) -> dict[str, float]:
    """Shares of a demand frame, by the keys of :func:`expected_shares`: imports (origin
    outside the mix's GBA nodes), loose cargo, air (an airport at the foreign end), trade region
    of the foreign end, cargo class, AEO, no deadline."""
    n = max(df.height, 1)
    gba = list(mix.gba_weights())
    air_nodes = [
        node
        for seg in mix.segments
        if seg.name == "air"
        for table in (*seg.nodes.values(), *seg.import_nodes.values())
        for node in table
    ]
    frame = df.with_columns(
        (~pl.col("origin").is_in(gba)).alias("__import__"),
    ).with_columns(
        pl.when(pl.col("__import__"))
        .then(pl.col("origin"))
        .otherwise(pl.col("destination"))
        .alias("__foreign__")
    )
    region = region_of(mix)
    out: dict[str, float] = {
        "import": int(frame["__import__"].sum()) / n,
        "aeo": int((frame["aeo_level"] == "advanced").sum()) / n,
        "loose": int(frame["containers"].is_null().sum()) / n,
        "air": int(frame["__foreign__"].is_in(air_nodes).sum()) / n,
        "no_deadline": int(frame["deadline"].is_null().sum()) / n,
    }
    regions = frame["__foreign__"].replace_strict(region, default="other")
    for r in sorted(set(region.values())):
        out[f"region:{r}"] = int((regions == r).sum()) / n
    for c in ("reefer", "dangerous", "pharma", "ecommerce"):
        out[f"class:{c}"] = int((frame["cargo_class"] == c).sum()) / n
    return out


# ----------------------------------------------------------------------------------- CLI
def main(argv: Sequence[str] | None = None) -> None:
    """``python -m router.scenarios.generate --shipments N --seed S --out PATH``."""
    from router.network import load_network

    parser = argparse.ArgumentParser(
        prog="python -m router.scenarios.generate",
        description="Write a seeded GBA demand table (CSV or Parquet by the suffix of --out).",
    )
    parser.add_argument("--shipments", type=int, default=SAMPLE_SHIPMENTS)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    parser.add_argument("--weeks", type=int, default=DEFAULT_WEEKS)
    parser.add_argument(
        "--shipments-per-profile",
        type=int,
        default=DEFAULT_MIX.shipments_per_profile,
        help="mean shipments of a shipper profile (1: every shipment its own shipper)",
    )
    parser.add_argument("--data", type=Path, default=Path("data"), help="network dataset")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    network = load_network(args.data)
    mix = dataclasses.replace(DEFAULT_MIX, shipments_per_profile=args.shipments_per_profile)
    df = generate_demand(network, args.shipments, args.seed, args.start, args.weeks, mix)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_demand(df, args.out)
    print(f"wrote {df.height} shipments to {args.out}")
    expected = expected_shares(mix)
    for key, value in observed_shares(df, mix).items():
        print(f"  {key:28s} {value:7.2%}  (target {expected.get(key, 0.0):7.2%})")


if __name__ == "__main__":
    main()
