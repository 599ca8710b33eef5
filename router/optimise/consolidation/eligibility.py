"""Which departures a container may go on at all (before capacity), and why none can."""

from __future__ import annotations

import math
from collections.abc import Sequence

from router.errors import InvalidRequestError
from router.optimise.consolidation.model import BookedContainer, TrainDeparture


def check_input(containers: Sequence[BookedContainer], trains: Sequence[TrainDeparture]) -> None:
    if not containers:
        raise InvalidRequestError("containers", "give at least one booked container")
    if not trains:
        raise InvalidRequestError("trains", "give at least one train departure")
    for what, ids in (
        ("containers.id", [c.id for c in containers]),
        ("trains.id", [t.id for t in trains]),
    ):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise InvalidRequestError(what, f"duplicate ids: {', '.join(dup[:10])}")


def in_window(c: BookedContainer, d: TrainDeparture) -> bool:
    return c.ready <= d.date and (c.deadline is None or d.date <= c.deadline)


def eligible(c: BookedContainer, d: TrainDeparture) -> bool:
    """Whether the container may go on the departure at all (before capacity)."""
    return (
        c.cleared
        and c.destination in d.destinations
        and in_window(c, d)
        and any(w.takes(c) for w in d.wagons)
        and c.gross_kg + min(w.tare_kg for w in d.wagons if w.takes(c)) <= d.max_gross_kg
    )


def ineligibility_reasons(c: BookedContainer, trains: Sequence[TrainDeparture]) -> list[str]:
    """Why no departure can take the container (empty if one can)."""
    if not c.cleared:
        return [
            f"not export-cleared (customs status {c.customs_status.value}): only export-cleared "
            "containers may be loaded"
        ]
    serving = [d for d in trains if c.destination in d.destinations]
    if not serving:
        return [f"no departure serves destination {c.destination}"]
    window = [d for d in serving if in_window(c, d)]
    if not window:
        dates = ", ".join(sorted({d.date.isoformat() for d in serving})[:8])
        until = f" and deadline {c.deadline}" if c.deadline else ""
        return [
            f"no departure to {c.destination} between ready date {c.ready}{until} "
            f"(departures to {c.destination}: {dates})"
        ]
    slot = [d for d in window if any(w.slots(c.length_ft) for w in d.wagons)]
    if not slot:
        return [
            f"no wagon on the departures to {c.destination} in its window has a {c.length_ft}' slot"
        ]
    heavy = [d for d in slot if any(w.takes(c) for w in d.wagons)]
    if not heavy:
        limits = sorted(
            {
                min(w.payload_kg, w.max_container_kg or math.inf)
                for d in slot
                for w in d.wagons
                if w.slots(c.length_ft)
            }
        )
        return [
            f"gross weight {c.gross_kg / 1000:g} t exceeds every suitable wagon's limit "
            f"(at most {limits[-1] / 1000:g} t per container)"
        ]
    if not any(eligible(c, d) for d in heavy):
        return [f"gross weight {c.gross_kg / 1000:g} t exceeds the trains' gross-weight limit"]
    return []


def eligible_departures(
    containers: Sequence[BookedContainer], trains: Sequence[TrainDeparture]
) -> dict[int, list[int]]:
    """Container index -> indices of the departures it may go on (:func:`eligible`)."""
    return {
        i: [d for d, t in enumerate(trains) if eligible(c, t)] for i, c in enumerate(containers)
    }
