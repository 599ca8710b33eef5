"""The optimisation request models turned into the optimisers' inputs, at the edge.

Input rows go through the same readers as the CLI's CSV files (:mod:`router.optimise.io`), so
the API and the CLI validate them the same way and report problems by path
(``shipments.1.destination``).
"""

from __future__ import annotations

from dataclasses import dataclass

from router.api.optimise_schemas import AssignmentIn, ConsolidationIn, records, shipment_records
from router.network.timetable import DepartureKey
from router.optimise.assign import AssignmentOptions, MinLoad, Shipment
from router.optimise.consolidation import BookedContainer, ConsolidationOptions, TrainDeparture
from router.optimise.io import (
    capacities_from_records,
    containers_from_records,
    min_loads_from_records,
    shipments_from_records,
    trains_from_records,
)


@dataclass(frozen=True, slots=True)
class AssignmentInputs:
    """What a batch assignment solves: shipments, minimum loads, space overrides, options."""

    shipments: list[Shipment]
    min_loads: list[MinLoad]
    capacities: dict[DepartureKey, float] | None
    options: AssignmentOptions


def assignment_inputs(body: AssignmentIn, time_limit_s: float) -> AssignmentInputs:
    """The core inputs of ``body`` (InvalidRequestError names each bad field by path)."""
    shipments = shipments_from_records(shipment_records(body.shipments), "shipments", 0)
    rules = (
        min_loads_from_records(records(body.min_loads), "min_loads", 0) if body.min_loads else []
    )
    overrides = (
        capacities_from_records(records(body.capacities), "capacities", 0)
        if body.capacities
        else None
    )
    options = AssignmentOptions(
        time_limit_s=time_limit_s,
        seed=body.seed,
        backend=body.backend,
        keep_existing=body.keep_existing,
    )
    return AssignmentInputs(shipments, rules, overrides, options)


@dataclass(frozen=True, slots=True)
class ConsolidationInputs:
    """What a train load plan solves: booked containers, train departures, options."""

    containers: list[BookedContainer]
    trains: list[TrainDeparture]
    options: ConsolidationOptions


def consolidation_inputs(body: ConsolidationIn, time_limit_s: float) -> ConsolidationInputs:
    """The core inputs of ``body`` (InvalidRequestError names each bad field by path)."""
    containers = containers_from_records(records(body.containers), "containers", 0)
    trains = trains_from_records(records(body.trains), "trains", 0)
    options = ConsolidationOptions(
        time_limit_s=time_limit_s, seed=body.seed, method=body.method, require_all=body.require_all
    )
    return ConsolidationInputs(containers, trains, options)
