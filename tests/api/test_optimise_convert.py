"""The optimisation request models become the optimisers' dataclasses at the API edge: the same
inputs the CLI reads from CSV files, and the domain's problems reported by field path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from router.api.optimise_convert import assignment_inputs, consolidation_inputs
from router.api.optimise_schemas import (
    AssignmentIn,
    BookedContainerIn,
    CapacityIn,
    ConsolidationIn,
    MinLoadIn,
    ShipmentIn,
    WagonGroupIn,
)
from router.errors import InvalidRequestError
from router.optimise.io import (
    capacities_from_records,
    min_loads_from_records,
    read_bookings,
    read_csv,
    read_shipments,
    read_trains,
)

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _cells(row: dict[str, str], model: type[BaseModel]) -> dict[str, Any]:
    """A CSV row as the JSON a client sends for ``model``: blank cells left out, numbers and
    booleans as JSON numbers and booleans (the API takes them as its schema types them)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value == "":
            continue
        kinds = str(model.model_fields[key].annotation) if key in model.model_fields else ""
        if "bool" in kinds:
            out[key] = value.strip().lower() in ("true", "1", "yes")
        elif "int" in kinds or "Literal[20, 40, 45]" in kinds:
            out[key] = int(value)
        elif "float" in kinds:
            out[key] = float(value)
        else:
            out[key] = value
    return out


def _shipment_json(row: dict[str, str]) -> dict[str, Any]:
    out = _cells(row, ShipmentIn)
    out["containers"] = [
        {"type": code, "count": int(count)}
        for count, _, code in (p.partition("x") for p in row["containers"].split(";"))
    ]
    if "booked" in out:
        out["booked"] = [
            {"link_id": link, "departure": when}
            for link, _, when in (b.partition("@") for b in row["booked"].split(";"))
        ]
    return out


def _train_json(row: dict[str, str]) -> dict[str, Any]:
    return {**_cells(row, WagonGroupIn), "destinations": row["destinations"].split(";")}


def test_the_api_builds_the_inputs_the_cli_reads_from_the_sample_files() -> None:
    body = AssignmentIn.model_validate(
        {
            "shipments": [_shipment_json(r) for r in read_csv(SAMPLES / "shipments.csv")],
            "min_loads": [_cells(r, MinLoadIn) for r in read_csv(SAMPLES / "min_loads.csv")],
            "capacities": [_cells(r, CapacityIn) for r in read_csv(SAMPLES / "capacities.csv")],
        }
    )
    inputs = assignment_inputs(body, 5.0)
    assert inputs.shipments == read_shipments(SAMPLES / "shipments.csv")
    assert inputs.min_loads == min_loads_from_records(read_csv(SAMPLES / "min_loads.csv"))
    assert inputs.capacities == capacities_from_records(read_csv(SAMPLES / "capacities.csv"))
    assert inputs.options.time_limit_s == 5.0

    plan = ConsolidationIn.model_validate(
        {
            "containers": [
                _cells(r, BookedContainerIn) for r in read_csv(SAMPLES / "bookings.csv")
            ],
            "trains": [_train_json(r) for r in read_csv(SAMPLES / "trains.csv")],
            "method": "exact",
        }
    )
    loads = consolidation_inputs(plan, 5.0)
    assert loads.containers == read_bookings(SAMPLES / "bookings.csv")
    assert loads.trains == read_trains(SAMPLES / "trains.csv")
    assert loads.options.method == "exact"


SHIPMENT = {
    "id": "S1",
    "origin": "SZ-CITY",
    "destination": "DEDUI",
    "containers": [{"type": "42G1", "count": 1}],
    "ready": "2027-03-01T08:00:00",
}


def _problems(exc: InvalidRequestError) -> dict[str, str]:
    return dict(exc.problems)


def test_every_problem_of_the_shipments_is_reported_by_path() -> None:
    body = AssignmentIn.model_validate(
        {
            "shipments": [
                SHIPMENT,
                {**SHIPMENT, "id": "S2", "cargo_class": "reefer"},  # reefer cargo, dry box
                {**SHIPMENT, "id": "S3", "origin": "   "},
                {**SHIPMENT, "id": "S4", "deadline": "2027-02-01T00:00:00"},
            ]
        }
    )
    with pytest.raises(InvalidRequestError) as err:
        assignment_inputs(body, 5.0)
    problems = _problems(err.value)
    assert set(problems) == {
        "shipments.1.containers",
        "shipments.2.origin",
        "shipments.3.deadline",
    }
    assert "reefer containers" in problems["shipments.1.containers"]
    assert problems["shipments.2.origin"] == "is required"
    duplicate = AssignmentIn.model_validate({"shipments": [SHIPMENT, SHIPMENT]})
    with pytest.raises(InvalidRequestError, match="duplicate id: S1"):
        assignment_inputs(duplicate, 5.0)


TRAIN = {
    "departure_id": "X1",
    "date": "2027-03-02",
    "destinations": ["DEDUI"],
    "max_gross_t": 2000,
    "max_length_m": 800,
    "wagon_type": "NX70A",
    "wagons": 2,
    "slot_pattern": "1x40/2x20",
    "payload_t": 70,
}
BOX = {"container_id": "C1", "iso_type": "L5G1", "gross_kg": 20_000, "destination": "DEDUI",
       "ready": "2027-03-01"}  # fmt: skip


def test_wagon_groups_make_departures_and_their_problems_name_the_row() -> None:
    plan = ConsolidationIn.model_validate(
        {"containers": [BOX], "trains": [TRAIN, {**TRAIN, "wagon_type": "SGNS", "wagons": 1}]}
    )
    inputs = consolidation_inputs(plan, 5.0)
    (train,) = inputs.trains
    assert [w.code for w in train.wagons] == ["NX70A", "NX70A", "SGNS"]
    assert train.max_gross_kg == 2_000_000.0 and train.wagons[0].payload_kg == 70_000.0
    assert inputs.containers[0].length_ft == 45  # from the ISO size code
    bad = ConsolidationIn.model_validate(
        {
            "containers": [BOX],
            "trains": [
                TRAIN,
                {**TRAIN, "max_gross_t": 900},
                {**TRAIN, "max_length_m": 700, "origin": ""},
            ],
        }
    )
    with pytest.raises(InvalidRequestError) as err:
        consolidation_inputs(bad, 5.0)
    problems = _problems(err.value)
    assert set(problems) == {"trains.1.max_gross_t", "trains.2.max_length_m"}
    assert "differs from the departure's first row (800.0)" in problems["trains.2.max_length_m"]
