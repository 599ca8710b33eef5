"""Wire format of the optimisation endpoints: batch assignment and train load planning.

Each record model mirrors one row of the CLI's CSV tables (``data/samples/``, formats in
:mod:`router.optimise.io`), with types; :mod:`router.api.optimise_convert` builds the
optimisers' dataclasses from them and reports the domain's problems by path
(``shipments.3.containers``), as the CSV readers report rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
)

from router.api.schemas import (
    ID_PATTERN,
    IMDG,
    TEXT_PATTERN,
    ContainerIn,
    EcommerceRegime,
    IsoDateTime,
    Open,
    PlausibleDate,
    Strict,
)
from router.network.model import AeoLevel, CargoClass, parse_aeo_level
from router.optimise.consolidation.model import MAX_CONTAINER_GROSS_KG

Text = Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)]
Where = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        description="A node id or UN/LOCODE, or `lon,lat` (reached by truck)",
        examples=["CN-SZ-CITY"],
    ),
]


class DepartureRefIn(Strict):
    link_id: Text = Field(examples=["RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI"])
    departure: IsoDateTime = Field(description="Scheduled departure (naive: CST)")


# ------------------------------------------------------------------------------ assignment
class ShipmentIn(Strict):
    """One shipment of the batch (a row of shipments.csv)."""

    @field_validator("aeo_level", mode="before")
    @classmethod
    def _aeo_level(cls, value: Any) -> Any:
        return parse_aeo_level(value) if isinstance(value, str) else value

    id: Text
    origin: Where
    destination: Where
    containers: list[ContainerIn] = Field(min_length=1, max_length=6)
    ready: IsoDateTime
    deadline: IsoDateTime | None = None
    cargo_class: CargoClass = CargoClass.GENERAL
    imdg_class: IMDG | None = None
    aeo_level: AeoLevel = Field(AeoLevel.NONE, description="none or advanced")
    direct_eligible: StrictBool = False
    combined_port_allowed: StrictBool = True
    joint_declaration_eligible: StrictBool = False
    drug_whitelisted: StrictBool = False
    inspect_first_pilot: StrictBool = Field(
        False, description="先查验后装运 pilot trader (inspect first, then load; seed §8)"
    )
    ecommerce_regime: EcommerceRegime | None = Field(
        None, description="For ecommerce cargo: 9610, 9710, 9810 or 1210 (see the quote request)"
    )
    weight_kg: StrictFloat | None = Field(
        None, gt=0, le=10_000_000, description="Gross cargo weight"
    )
    value_cny: StrictFloat | None = Field(None, ge=0, le=1e13, description="Declared cargo value")
    booked: list[DepartureRefIn] = Field(
        default_factory=list,
        max_length=10,
        description="Departures this shipment is already booked on outside this service",
    )
    penalty_cny: StrictFloat | None = Field(
        None, ge=0, le=1e12, description="Cost of leaving it unassigned (default: 10x its cheapest)"
    )
    origins: list[Text] = Field(
        default_factory=list,
        max_length=20,
        description="Depots (node codes) it may leave from instead of `origin`: the model "
        "chooses within each depot's stock (`supplies`)",
    )


class MinLoadIn(Strict):
    """A departure that only runs with at least this much booked (a row of min_loads.csv)."""

    link_id: Text
    departure: IsoDateTime | None = Field(None, description="Omit for every departure of the link")
    min_teu: StrictFloat = Field(0.0, ge=0, le=100_000)
    min_t: StrictFloat = Field(0.0, ge=0, le=10_000_000)
    fixed_cost_cny: StrictFloat = Field(0.0, ge=0, le=1e12, description="Cost of running it")
    hard: StrictBool = Field(
        False,
        description="true: the departure must carry at least this much (it runs; no fixed cost); "
        "false: it only runs with at least this much booked (on/off)",
    )


class SharedBoxesIn(Strict):
    """A departure (or every departure of a link) on which the batch's LCL shipments may share
    boxes (seed §8, 拼箱): the model books whole boxes at the link's per-box freight."""

    link_id: Text
    departure: IsoDateTime | None = Field(None, description="Omit for every departure of the link")
    box_type: str = Field("45G1", max_length=4, description="ISO size-type of the shared boxes")
    box_m3: StrictFloat = Field(68.0, gt=0, le=100, description="Loadable volume of one box, m3")


class SupplyIn(Strict):
    """Stock at a depot that shipments with `origins` may take (TEU)."""

    node: Text
    teu: StrictFloat = Field(ge=0, le=1e9)


class CapacityIn(Strict):
    """Space of one departure for this run (a row of capacities.csv; TEU, kg for air)."""

    link_id: Text
    departure: IsoDateTime
    capacity: StrictFloat = Field(ge=0, le=1e9)


class AssignmentIn(Strict):
    """Many shipments competing for limited departures."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "shipments": [
                        {
                            "id": "S01",
                            "origin": "CN-SZ-CITY",
                            "destination": "DEDUI",
                            "containers": [{"type": "42G1", "count": 20}],
                            "ready": "2027-03-01T08:00:00+08:00",
                            "deadline": "2027-04-05T00:00:00+08:00",
                            "aeo_level": "advanced",
                        },
                        {
                            "id": "S02",
                            "origin": "CN-DG-SHATIAN",
                            "destination": "DEDUI",
                            "containers": [{"type": "42G1", "count": 10}],
                            "ready": "2027-03-02T08:00:00+08:00",
                        },
                    ],
                    "min_loads": [{"link_id": "RAIL-SZ-PINGHU-RAIL-DEDUI-BAX-DUI", "min_teu": 60}],
                    "time_limit_s": 10,
                }
            ]
        },
    )

    shipments: list[ShipmentIn] = Field(min_length=1, max_length=200)
    min_loads: list[MinLoadIn] = Field(default_factory=list, max_length=500)
    capacities: list[CapacityIn] = Field(
        default_factory=list,
        max_length=5000,
        description="Overrides the space of these departures for this run",
    )
    space: Literal["live", "schedule"] = Field(
        "live",
        description="`live`: each departure's capacity less what is booked through this service; "
        "`schedule`: the full per-departure capacity of the dataset (a plan from scratch)",
    )
    supplies: list[SupplyIn] = Field(
        default_factory=list,
        max_length=500,
        description="Stock per depot: the paths leaving a depot take no more than its stock",
    )
    shared_boxes: list[SharedBoxesIn] = Field(default_factory=list, max_length=500)
    keep_existing: StrictBool = Field(True, description="Keep the shipments' `booked` departures")
    method: Literal["column_generation", "candidates"] = Field(
        "column_generation",
        description="`column_generation`: status and bound over every legal path (within "
        "`horizon_days`); `candidates`: the label search's candidate paths, no bound",
    )
    horizon_days: StrictFloat = Field(
        60.0, gt=0, le=366, description="Paths arrive within this many days of the ready time"
    )
    backend: Literal["SCIP", "CBC", "CP_SAT"] = "SCIP"
    time_limit_s: StrictFloat = Field(
        10.0, gt=0, le=3600, description="Bounded by the service limit"
    )
    seed: StrictInt = Field(0, ge=0, lt=2**31)


# --------------------------------------------------------------------------- consolidation
class BookedContainerIn(Strict):
    """A booked container to load (a row of bookings.csv)."""

    model_config = ConfigDict(
        json_schema_extra={
            # the box's length must be known: from length_ft, or from a non-empty iso_type
            "anyOf": [
                {"required": ["length_ft"], "properties": {"length_ft": {"type": "integer"}}},
                {"required": ["iso_type"], "properties": {"iso_type": {"minLength": 4}}},
            ]
        }
    )

    container_id: Text
    iso_type: str = Field(
        "",
        max_length=4,
        pattern=r"^([24L][0-9A-Z]{3})?$",
        description="ISO 6346 size-type code of a 20', 40' or 45' box (first character 2, 4 or "
        "L); give it or `length_ft`",
        examples=["42G1"],
    )
    length_ft: Literal[20, 40, 45] | None = Field(None, description="Default: from iso_type")
    gross_kg: StrictFloat = Field(gt=0, le=MAX_CONTAINER_GROSS_KG)
    dg_class: IMDG | None = None
    destination: Text = Field(description="Destination station served by a departure")
    ready: PlausibleDate
    deadline: PlausibleDate | None = None
    customs_status: Literal["export_cleared", "declared", "not_declared", "held"] = Field(
        "export_cleared", description="Only export-cleared containers may be loaded"
    )
    priority: StrictInt = Field(1, ge=1, le=9, description="1 (normal) to 9 (most urgent)")


#: one wagon's loading patterns: ``[n x]length`` slots (n 1-9; 20, 40 or 45 ft) joined by ``+``,
#: patterns separated by ``/`` (router.optimise.consolidation.model.parse_patterns)
_SLOT = r"\s*([1-9]\s*[xX×]\s*)?(20|40|45)'?\s*"
_ONE_PATTERN = rf"{_SLOT}(\+{_SLOT})*"
SLOT_PATTERN = rf"^{_ONE_PATTERN}([/|]{_ONE_PATTERN})*$"


class WagonGroupIn(Strict):
    """A group of identical wagons of one departure (a row of trains.csv): the departure's
    fields are repeated on each of its groups, which come in marshalling order."""

    departure_id: Text
    date: PlausibleDate
    origin: str = Field("", max_length=100)
    service: str = Field("", max_length=100)
    destinations: list[Text] = Field(
        min_length=1, max_length=20, json_schema_extra={"uniqueItems": True}
    )
    max_gross_t: StrictFloat = Field(gt=0, le=20_000)
    max_length_m: StrictFloat = Field(gt=0, le=5_000)
    wagon_type: Text
    wagons: StrictInt = Field(1, ge=1, le=200)
    slot_pattern: str = Field(
        min_length=1,
        max_length=100,
        pattern=SLOT_PATTERN,
        description="Loading patterns separated by `/`, e.g. `1x40/2x20`",
        examples=["1x45/1x40+1x20/3x20"],
    )
    payload_t: StrictFloat = Field(gt=0, le=200)
    tare_t: StrictFloat = Field(0.0, ge=0, le=100)
    wagon_length_m: StrictFloat = Field(0.0, ge=0, le=100)
    max_container_t: StrictFloat | None = Field(None, gt=0, le=100)


class ConsolidationIn(Strict):
    """Booked containers and train departures with their wagon sets."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "containers": [
                        {
                            "container_id": "MSKU0000001",
                            "iso_type": "42G1",
                            "gross_kg": 18_000,
                            "destination": "DEDUI",
                            "ready": "2027-03-01",
                        },
                        {
                            "container_id": "MSKU0000002",
                            "iso_type": "22G1",
                            "gross_kg": 21_000,
                            "dg_class": "3",
                            "destination": "DEDUI",
                            "ready": "2027-03-01",
                        },
                    ],
                    "trains": [
                        {
                            "departure_id": "BAX-DUI-0302",
                            "date": "2027-03-02",
                            "origin": "SZ-PINGHU-RAIL",
                            "destinations": ["DEDUI"],
                            "max_gross_t": 2590,
                            "max_length_m": 850,
                            "wagon_type": "NX70A",
                            "wagons": 50,
                            "slot_pattern": "1x40/2x20",
                            "payload_t": 70,
                            "tare_t": 23.8,
                            "wagon_length_m": 13.966,
                        }
                    ],
                    "time_limit_s": 10,
                }
            ]
        },
    )

    containers: list[BookedContainerIn] = Field(min_length=1, max_length=5000)
    trains: list[WagonGroupIn] = Field(min_length=1, max_length=1000)
    method: Literal["auto", "exact", "decomposed"] = "auto"
    require_all: StrictBool = Field(
        False, description="Infeasible unless every container is loaded"
    )
    time_limit_s: StrictFloat = Field(
        10.0, gt=0, le=3600, description="Bounded by the service limit"
    )
    seed: StrictInt = Field(0, ge=0, lt=2**31)


# --------------------------------------------------------------------------------- results
class RunOut(Open):
    """A stored optimisation run: its id, solver outcome and the result document."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["assignment", "consolidation", "scenario"]
    status: str = Field(description="The solver status (see `result.solve`)")
    created_at: datetime
    result: dict[str, Any]
    links: dict[str, str] = Field(default_factory=dict)


class RunSummaryOut(BaseModel):
    id: str
    kind: Literal["assignment", "consolidation", "scenario"]
    status: str
    created_at: datetime
    links: dict[str, str] = Field(default_factory=dict)


# ------------------------------------------------------------------------------------ jobs
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class JobOut(BaseModel):
    """Long work run by a worker: its state, progress and, once it succeeded, its result."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["assignment", "consolidation", "scenario"]
    status: JobStatus
    progress: float = Field(
        ge=0,
        le=1,
        description="0-1; while solving, the share of the solver's time limit used (an upper "
        "bound of the wait, not the solver's own estimate)",
    )
    message: str
    error: str | None = Field(None, description="Why a failed job failed")
    attempt: int = Field(description="Runs started (a job lost with its worker runs again)")
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result_id: str | None = Field(None, description="The stored run of a succeeded job")
    links: dict[str, str] = Field(
        default_factory=dict, description="`self`, `cancel`, and `result` once it succeeded"
    )
