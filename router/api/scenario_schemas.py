"""Wire format of the scenario endpoints: a run of bundled or inline scenarios against a
bundled or uploaded demand table (DESIGN.md §7)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt, model_validator

from router.api.optimise_schemas import JobOut
from router.api.schemas import Open, Strict

ScenarioName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        examples=["bay-area-express-double"],
    ),
]
SpecText = Annotated[str, Field(min_length=1, max_length=65_536)]
Selected = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]


class ScenarioRunIn(Strict):
    """A scenario run: each scenario against the baseline (the bundled network unmodified), on
    one demand table. At least one scenario, bundled or inline."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["scenarios"], "properties": {"scenarios": {"minItems": 1}}},
                {"required": ["specs"], "properties": {"specs": {"minItems": 1}}},
            ]
        }
    )

    @model_validator(mode="after")
    def _a_scenario(self) -> ScenarioRunIn:
        if not self.scenarios and not self.specs:
            raise ValueError("name at least one scenario (scenarios or specs) to run")
        return self

    scenarios: list[ScenarioName] = Field(
        default_factory=list,
        max_length=20,
        description="Bundled scenarios by name (`GET /v1/scenarios/bundled` lists them)",
    )
    specs: list[SpecText] = Field(
        default_factory=list,
        max_length=20,
        description="Scenario specifications as YAML text (the format of data/scenarios/; "
        "`base` must be `bundled`). Every problem of every spec is reported at once (422, "
        "with file, line and field).",
    )
    demand: str = Field(
        "gba-100k",
        min_length=1,
        max_length=100,
        pattern=r"^(upload:[0-9a-f]{32}|[A-Za-z0-9][A-Za-z0-9_.-]*)$",
        description="A bundled demand table by name, or `upload:<id>` from "
        "`POST /v1/scenarios/demand`",
    )
    limit: StrictInt | None = Field(
        None, ge=1, le=10_000_000, description="Route only the first `limit` shipments"
    )
    capacity: StrictBool = Field(
        False,
        description="Capacity-aware: the batch assignment (column generation) over the "
        "departures' space instead of each shipment's recommended route; at most 5,000 "
        "shipments",
    )
    time_limit_s: StrictFloat = Field(
        60.0, gt=0, le=3600, description="Capacity-aware: solver time limit per run, seconds"
    )
    select: list[Selected] = Field(
        default_factory=list,
        max_length=50,
        description="Nodes, links, services or border crossings whose flows the KPIs and the "
        "report show (select-link), besides the scenarios' own",
    )


class ScenarioRunOut(JobOut):
    """A scenario run: its job's state and progress; once it succeeded, its result (manifest
    and KPI totals per run), whether the base data changed since (`stale`), and its files."""

    result: dict[str, Any] | None = None
    stale: bool | None = Field(
        None, description="The base dataset changed since this run: its figures are out of date"
    )
    stale_reasons: list[str] | None = None
    files: dict[str, str] | None = Field(
        None, description="Downloads: file name -> URL (tables, KPIs, charts, maps, report)"
    )


class DemandUploadOut(Open):
    id: str = Field(description="Use as `demand` of a run", examples=["upload:" + "0" * 32])
    rows: int
    columns: list[str]


class BundledScenarioOut(Open):
    name: str
    title: str
    description: str
    seed_section: str | None = None
    modifications: int
