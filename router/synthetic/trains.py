"""Reproducible train-load-planning instances: realistic weeks and bin packing with known optima.

Realistic instances model a week of China–Europe / Central Asia departures from Pinghu South
(Shenzhen). Figures and where they come from (see data/README.md, "Sample inputs"):

* wagon ``NX70A``: 70 t load capacity, 23.8 t tare, 13.966 m long, two 20' or one 40', each
  container at most 35 t (railwaywagons.com, "NX70A Intermodal Wagon", CRRC data);
* China Railway rules for China–Europe trains as reported by sinoeurorailway.com ("How much cargo
  can a single container of the China-Europe Railway Express carry"): a 20' at most 24 t, a 40'
  at most 25 t, all container cargo on a train at most 1,300 t; the per-container limit used
  here is 25 t;
* 55 FEU per train on the domestic section since 2023 (newsilkroaddiscovery.com);
* ``SGNS60`` 60 ft wagon for 45' boxes (1x45, 1x40+1x20 or 3x20; 69 t payload, 20 t tare,
  19.74 m): **estimate** of a European Sgns-type wagon, not a CR type;
* maximum train length 850 m: **estimate** (the common effective length of Chinese
  arrival-departure tracks); routes and stop order from gba-facts.md §3 (Alataw Pass – Moscow –
  Minsk – Małaszewicze – Warsaw – Hamburg – Duisburg);
* container mix, weights, readiness, deadlines, customs status, DG share and priorities:
  **estimates** drawn with a fixed seed.

Bin-packing instances are perfect packings: bins are filled exactly (item sizes drawn so that
each bin's items sum to its capacity), so the optimum number of bins is known by construction.
The ``triplet`` class follows Falkenauer (1996, "A hybrid grouping genetic algorithm for bin
packing", J. Heuristics 2:5-30): three items per bin, each between a quarter and a half of the
capacity, so no bin can hold four.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from router.optimise.consolidation import (
    BookedContainer,
    CustomsStatus,
    TrainDeparture,
    WagonType,
    parse_patterns,
)

NX70A = WagonType(
    code="NX70A",
    patterns=parse_patterns("1x40/2x20"),
    payload_kg=70_000.0,
    tare_kg=23_800.0,
    length_m=13.966,
    max_container_kg=25_000.0,
)
SGNS60 = WagonType(
    code="SGNS60",
    patterns=parse_patterns("1x45/1x40+1x20/3x20"),
    payload_kg=69_000.0,
    tare_kg=20_000.0,
    length_m=19.74,
    max_container_kg=25_000.0,
)
#: (service, destinations in the order served, share of demand)
SERVICES: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("X8428-EU", ("PLWAW", "DEHAM", "DEDUI"), 0.6),
    ("CIS", ("KZALA", "RUMOW"), 0.25),
    ("CA", ("KZALA", "UZTAS"), 0.15),
)
TRAIN_CARGO_LIMIT_KG = 1_300_000.0
TRAIN_MAX_LENGTH_M = 850.0
DG_CLASSES = ("3", "8", "9", "2.1", "5.1", "6.1", "4.1")


def wagon_set(n_nx70a: int = 50, n_sgns: int = 5) -> tuple[WagonType, ...]:
    """A departure's wagon pool: ``n_nx70a`` NX70A and ``n_sgns`` 60 ft wagons."""
    return (NX70A,) * n_nx70a + (SGNS60,) * n_sgns


def realistic_instance(
    n_containers: int, *, days: int = 7, start: date = date(2025, 3, 3), seed: int = 0,
    origin: str = "SZ-PINGHU-RAIL",
) -> tuple[list[BookedContainer], list[TrainDeparture]]:  # fmt: skip
    """``n_containers`` booked boxes and enough departures over ``days`` days for them."""
    rng = random.Random(seed)
    containers = []
    for k in range(n_containers):
        service = rng.choices(SERVICES, weights=[s[2] for s in SERVICES])[0]
        dest = rng.choice(service[1])
        r = rng.random()
        length, iso = (
            (20, "22G1")
            if r < 0.35
            else (40, rng.choice(("42G1", "45G1")))
            if r < 0.93
            else (45, "L5G1")
        )
        if rng.random() < 0.03:
            gross = rng.uniform(25.5, 30.0)  # overweight for China–Europe trains
        elif length == 20:
            gross = rng.uniform(6.0, 24.0)
        else:
            gross = rng.uniform(8.0, 25.0)
        ready = start + timedelta(days=rng.randrange(max(1, days - 1)))
        deadline = ready + timedelta(days=rng.randint(2, 6)) if rng.random() < 0.7 else None
        c = rng.random()
        status = (
            CustomsStatus.EXPORT_CLEARED if c < 0.90 else CustomsStatus.DECLARED if c < 0.96
            else CustomsStatus.NOT_DECLARED if c < 0.99 else CustomsStatus.HELD
        )  # fmt: skip
        p = rng.random()
        containers.append(
            BookedContainer(
                id=f"C{k + 1:05d}",
                iso_type=iso,
                length_ft=length,
                gross_kg=round(gross * 1000.0, -1),
                destination=dest,
                ready=ready,
                deadline=deadline,
                dg_class=rng.choice(DG_CLASSES) if rng.random() < 0.04 else None,
                customs_status=status,
                priority=1 if p < 0.8 else 2 if p < 0.95 else 3,
            )
        )
    wagons = wagon_set()
    tare = sum(w.tare_kg for w in wagons)
    trains = []
    per_train = sum(w.max_teu() for w in wagons)
    for name, dests, _ in SERVICES:
        # Almaty is served by two services: each gets the capacity for half its boxes
        demand = sum(
            c.teu * (0.5 if c.destination == "KZALA" else 1.0)
            for c in containers
            if c.destination in dests
        )
        # enough trains for the demand, and at least one every three days
        n = max(1, math.ceil(demand / per_train), math.ceil(days / 3))
        for j in range(n):
            day = start + timedelta(days=(j * days) // n)
            trains.append(
                TrainDeparture(
                    id=f"{name}-{day:%m%d}-{j + 1}",
                    date=day,
                    destinations=dests,
                    max_gross_kg=tare + TRAIN_CARGO_LIMIT_KG,
                    max_length_m=TRAIN_MAX_LENGTH_M,
                    wagons=wagons,
                    origin=origin,
                    service=name,
                )
            )
    trains.sort(key=lambda t: (t.date, t.id))
    return containers, trains


@dataclass(frozen=True, slots=True)
class BinPackingInstance:
    name: str
    capacity_kg: float
    sizes_kg: tuple[float, ...]
    optimum: int  # bins, known by construction or published
    #: 20' slots per wagon; None: as many as the lightest items that fit by weight (the slots
    #: never bind). Perfect packings use 4: none of their bins holds more than four items
    slots: int | None = 4

    def as_consolidation(
        self, spare: float = 0.25
    ) -> tuple[list[BookedContainer], list[TrainDeparture]]:
        """Items -> 20' containers of that gross weight; bins -> identical wagons (payload =
        capacity, ``slots`` 20' slots); one departure with ``spare`` extra wagons and no
        weight/length binding. Minimum wagons used with every container loaded = the
        bin-packing optimum."""
        day = date(2025, 1, 6)
        slots = self.slots
        if slots is None:
            total, slots = 0.0, 0
            for s in sorted(self.sizes_kg):
                if total + s > self.capacity_kg:
                    break
                total, slots = total + s, slots + 1
        wagon = WagonType("BIN", parse_patterns(f"{max(1, slots)}x20"), self.capacity_kg, 0.0, 1.0)
        n_wagons = self.optimum + max(2, math.ceil(spare * self.optimum))
        train = TrainDeparture(
            id=self.name, date=day, destinations=("X",), max_gross_kg=sum(self.sizes_kg) * 2,
            max_length_m=float(n_wagons) * 2, wagons=(wagon,) * n_wagons,
        )  # fmt: skip
        boxes = [
            BookedContainer(f"{self.name}-{k:04d}", "22G1", 20, s, "X", day)
            for k, s in enumerate(self.sizes_kg)
        ]
        return boxes, [train]


def perfect_packing(
    n_bins: int, *, kind: str = "triplet", capacity_kg: float = 30_000.0, seed: int = 0
) -> BinPackingInstance:
    """A bin-packing instance whose optimum is ``n_bins`` (every bin exactly full).

    ``triplet``: three items per bin in (C/4, C/2), as Falkenauer's t-class; ``mixed``: two to
    four items per bin, sizes split uniformly at random (at least 1 t each). Sizes are whole kg
    and each bin's items sum exactly to the capacity.
    """
    rng = random.Random(seed)
    cap = int(capacity_kg)
    sizes: list[int] = []
    for _ in range(n_bins):
        if kind == "triplet":
            while True:
                a = rng.randint(cap // 4 + 1, cap // 2 - 1)
                b = rng.randint(cap // 4 + 1, cap // 2 - 1)
                c = cap - a - b
                if cap // 4 < c < cap // 2:
                    sizes += [a, b, c]
                    break
        elif kind == "mixed":
            k = rng.randint(2, 4)
            cuts = sorted(rng.sample(range(1000, cap - 1000), k - 1))
            parts = [b - a for a, b in zip([0, *cuts], [*cuts, cap], strict=True)]
            if min(parts) < 1000:
                parts = [cap // k] * (k - 1) + [cap - (cap // k) * (k - 1)]
            sizes += parts
        else:
            raise ValueError(f"unknown kind {kind!r}")
    rng.shuffle(sizes)
    return BinPackingInstance(
        f"{kind}-{n_bins}-s{seed}", float(cap), tuple(float(s) for s in sizes), n_bins
    )
