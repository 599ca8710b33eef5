"""Cargo plans: the ways one request's cargo may travel, each searched on its own and merged into
one Pareto set (DESIGN.md §2.3).

* Loose cargo (LCL) is also quoted as a full container load when a box it fits in may be cheaper:
  the FCL plan ships it in the smallest box (or boxes) that hold its volume and weight. The
  merged Pareto set then switches from LCL to FCL exactly where a full box is cheaper.
* A container request is never flown: it gets an air option only as its declared weight and
  volume (loose cargo by chargeable weight), labelled so; without both it gets none, and the
  quote says why.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from router.network.model import CargoClass, Mode
from router.routing.request import CONTAINER_TYPES, Cargo, QuoteRequest

#: share of a box's internal volume that general cargo fills in practice (estimate, data/README)
STOWAGE_FACTOR = 0.9
#: internal volume (m3) of the boxes an FCL plan uses, ISO 668 dry and reefer boxes (typical)
BOX_VOLUME_M3 = {"22G1": 33.2, "42G1": 67.7, "45G1": 76.3, "22R1": 28.3, "42R1": 59.3}
#: the most boxes an FCL plan of one loose consignment may use
MAX_FCL_BOXES = 10


@dataclass(frozen=True, slots=True)
class CargoPlan:
    """One way to ship the request's cargo: ``name`` (``as_requested``, ``fcl``, ``air_loose``),
    what it means for the shipper, and the request it is searched with."""

    name: str
    description: str
    request: QuoteRequest
    #: keep only routes that fly (the plan exists for its air option)
    air_only: bool = False


def fcl_boxes(cargo: Cargo) -> tuple[tuple[str, int], ...] | None:
    """The smallest box set that holds loose ``cargo`` (by volume at the stowage factor and by
    payload), or None if it needs more than :data:`MAX_FCL_BOXES` boxes."""
    volume = cargo.volume_m3 or 0.0
    weight = cargo.cargo_kg
    reefer = cargo.cargo_class is CargoClass.REEFER
    sizes = ("22R1", "42R1") if reefer else ("22G1", "42G1", "45G1")
    for code in sizes:
        box = CONTAINER_TYPES[code]
        if volume <= BOX_VOLUME_M3[code] * STOWAGE_FACTOR and weight <= box.max_payload_kg:
            return ((code, 1),)
    code = sizes[-1]
    box = CONTAINER_TYPES[code]
    count = max(
        math.ceil(volume / (BOX_VOLUME_M3[code] * STOWAGE_FACTOR)),
        math.ceil(weight / box.max_payload_kg),
    )
    return ((code, count),) if count <= MAX_FCL_BOXES else None


def cargo_plans(request: QuoteRequest) -> tuple[list[CargoPlan], list[str]]:
    """The plans to search for ``request`` and notes on options it does not get."""
    cargo = request.cargo
    plans = [CargoPlan("as_requested", _describe(cargo), request)]
    notes: list[str] = []
    allowed = request.constraints.allowed_modes
    if cargo.is_containerised:
        if Mode.AIR in allowed:
            if cargo.weight_kg and cargo.volume_m3:
                loose = dataclasses.replace(cargo, containers=())
                plans.append(
                    CargoPlan(
                        "air_loose",
                        f"by air as loose cargo of the declared {cargo.weight_kg:,.0f} kg and "
                        f"{cargo.volume_m3:,.1f} m3 (chargeable {loose.chargeable_air_kg:,.0f} kg);"
                        " containers are not flown",
                        # road to and from the airports and the flights: a loose surface
                        # route is not an option for a container shipper
                        _with(request, loose, allowed & {Mode.AIR, Mode.TRUCK, Mode.TIR}),
                        air_only=True,
                    )
                )
            else:
                notes.append(
                    "no air option: containers are not flown, and a container request is quoted "
                    "by air only as its declared weight_kg and volume_m3 (give both)"
                )
        return plans, notes
    boxes = fcl_boxes(cargo)
    modes = allowed - {Mode.AIR}
    if boxes is not None and modes:
        full = dataclasses.replace(cargo, containers=boxes)
        count = sum(n for _, n in boxes)
        plans.append(
            CargoPlan(
                "fcl",
                f"as a full container load: {count} x {boxes[0][0]} holding the "
                f"{cargo.weight_kg or 0:,.0f} kg / {cargo.volume_m3 or 0:,.1f} m3",
                _with(request, full, modes),
            )
        )
    return plans, notes


def _with(request: QuoteRequest, cargo: Cargo, modes: frozenset[Mode]) -> QuoteRequest:
    constraints = dataclasses.replace(request.constraints, allowed_modes=modes)
    return dataclasses.replace(request, cargo=cargo, constraints=constraints)


def _describe(cargo: Cargo) -> str:
    if cargo.is_containerised:
        boxes = ", ".join(f"{n} x {code}" for code, n in cargo.containers)
        return f"full container load: {boxes}"
    parts = [f"{cargo.cargo_kg:,.0f} kg"]
    if cargo.volume_m3:
        parts.append(f"{cargo.volume_m3:,.1f} m3")
    return (
        f"loose cargo ({' / '.join(parts)}): LCL by revenue tonne, or by air by chargeable weight"
    )
