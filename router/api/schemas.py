"""Pydantic models of the HTTP edge, and their conversion to the solver's frozen dataclasses.

Only this module knows the wire format. Requests are validated here (bounds keep the work per
request limited), then turned into :class:`router.routing.request.QuoteRequest` and friends; the
domain's own checks raise :class:`~router.errors.InvalidRequestError` with a field path, which the
API reports as 422 like any schema violation.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)

from router.errors import InvalidRequestError
from router.network.model import AeoLevel, CargoClass, Mode, NodeKind, parse_aeo_level
from router.routing.request import (
    CONTAINER_TYPES,
    INCOTERMS,
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    Preferences,
    QuoteRequest,
    TraderProfile,
)
from router.units import DATE_RANGE, plausible_date

T = TypeVar("T")


def _iso_8601(value: Any) -> Any:
    """Only ISO 8601 text is a date-time here (not a number of seconds since 1970)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string, e.g. 2027-03-01T08:00:00+08:00")
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            "must be an ISO 8601 date-time, e.g. 2027-03-01T08:00:00+08:00 (naive: CST)"
        ) from None


def _plausible(value: datetime) -> datetime:
    if not plausible_date(value):
        raise ValueError(DATE_RANGE)
    return value


def _plausible_day(value: date) -> date:
    _plausible(datetime(value.year, value.month, value.day))
    return value


#: the years a request may name (2000-2099, units.plausible_date), as the schema states them
YEAR_PATTERN = r"^20[0-9]{2}-"

#: an ISO 8601 date-time in 2000-2099 (a bare date means its midnight); naive values are China
#: Standard Time
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(_iso_8601),
    AfterValidator(_plausible),
    Field(json_schema_extra={"pattern": YEAR_PATTERN}),
]
#: a calendar date in 2000-2099
PlausibleDate = Annotated[
    date, AfterValidator(_plausible_day), Field(json_schema_extra={"pattern": YEAR_PATTERN})
]

#: printable text (no control characters; PostgreSQL cannot store NUL) with a visible character
TEXT_PATTERN = r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$"
#: quote and booking ids, key prefixes
ID_PATTERN = r"^[A-Za-z0-9_-]+$"

NodeId = Annotated[str, Field(min_length=1, max_length=100, examples=["CNYTN"])]
ContainerCode = Literal["22G1", "42G1", "45G1", "22R1", "42R1", "45R1"]
assert set(ContainerCode.__args__) == set(CONTAINER_TYPES)  # type: ignore[attr-defined]


class Strict(BaseModel):
    """Request models: unknown fields, NaN and infinity are errors; numbers and booleans are
    what JSON Schema says they are (``StrictInt``/``StrictFloat``/``StrictBool``: no "5" for 5,
    no ``false`` for 0), so the API accepts exactly what its OpenAPI schema allows."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Open(BaseModel):
    """Response models: documented fields, and any further ones the engine adds."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


# ------------------------------------------------------------------------------ errors
class ErrorDetail(Open):
    field: str | None = Field(None, description="Dotted path of the offending field")
    loc: list[str | int] | None = Field(None, description="Location as a list (body, query...)")
    message: str | None = None
    type: str | None = None


class ErrorBody(BaseModel):
    """Every error response has this body."""

    code: str = Field(description="Machine-readable error code, e.g. not_found")
    message: str = Field(description="Readable explanation")
    details: list[dict[str, Any]] = Field(default_factory=list)
    suggestions: list[str] | None = Field(None, description="Close matches, for unknown nodes")


# ------------------------------------------------------------------------ quote request
class PointIn(Strict):
    lon: StrictFloat = Field(ge=-180, le=180, description="Longitude, WGS84 degrees")
    lat: StrictFloat = Field(ge=-90, le=90, description="Latitude, WGS84 degrees")


#: a node id or UN/LOCODE: not blank
PlaceCode = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]

Place = Annotated[
    PlaceCode | PointIn,
    Field(
        description="A node id or UN/LOCODE (`CNYTN`), or a point {lon, lat} reached by truck",
        examples=["CNYTN", {"lon": 114.06, "lat": 22.54}],
    ),
]


#: China's cross-border e-commerce regimes (customs supervision codes)
EcommerceRegime = Literal["9610", "9710", "9810", "1210"]


class ContainerIn(Strict):
    type: ContainerCode = Field(description="ISO 6346 size-type code")
    count: StrictInt = Field(ge=1, le=500)


#: the IMDG classes and divisions the service knows (network.model.IMDG_CLASSES, IMDG_DIVISIONS)
IMDG = Annotated[
    str,
    Field(
        pattern=r"^(1(\.[1-6])?|2(\.[1-3])?|3|4(\.[1-3])?|5(\.[12])?|6(\.[12])?|7|8|9)$",
        description="IMDG class or division: 1.1..1.6, 2.1..2.3, 3, 4.1..4.3, 5.1, 5.2, 6.1, "
        "6.2, 7, 8, 9 (or the class alone)",
    ),
]


class CargoIn(Strict):
    """Containers, or loose cargo by weight (``weight_kg``): one of the two is required."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["containers"], "properties": {"containers": {"minItems": 1}}},
                {"required": ["weight_kg"], "properties": {"weight_kg": {"type": "number"}}},
            ]
        }
    )

    containers: list[ContainerIn] = Field(default_factory=list, max_length=6)
    weight_kg: StrictFloat | None = Field(
        None, gt=0, le=10_000_000, description="Gross, without tare"
    )
    volume_m3: StrictFloat | None = Field(None, gt=0, le=100_000)
    cargo_class: CargoClass = CargoClass.GENERAL
    imdg_class: IMDG | None = None
    value_cny: StrictFloat | None = Field(None, ge=0, le=1e13)
    ecommerce_regime: EcommerceRegime | None = Field(
        None,
        description="For ecommerce cargo: China's cross-border e-commerce regime, cleared only at "
        "e-commerce supervised sites listing it: 9610 B2C parcels (export or import), 9710 B2B "
        "direct export, 9810 export to an overseas warehouse, 1210 bonded e-commerce import "
        "(only into a bonded zone)",
    )


def trader_profile(source: Any) -> TraderProfile:
    """The core trader profile from an API model carrying its fields by the same names (a
    quote's ``trader`` object, or a batch shipment row)."""
    return TraderProfile(
        **{f.name: getattr(source, f.name) for f in dataclasses.fields(TraderProfile)}
    )


class TraderIn(Strict):
    aeo_level: AeoLevel = Field(
        AeoLevel.NONE,
        description="Chinese AEO status: none or advanced (the general level was abolished by "
        "GAC Decree 251 in 2021); effective in China and where an MRA with China applies",
    )
    direct_eligible: StrictBool = Field(
        False, description="Ship-side direct loading / pick-up (直提直装) at eligible terminals"
    )
    combined_port_allowed: StrictBool = Field(
        True, description="May declare under the GBA Combined Port at feeder terminals"
    )
    joint_declaration_eligible: StrictBool = Field(
        False, description="一单两报 at SZ–HK land crossings: one data entry for both declarations"
    )
    drug_whitelisted: StrictBool = Field(
        False, description="Listed importer of a listed drug: no 进口药品通关单 needed"
    )
    inspect_first_pilot: StrictBool = Field(
        False,
        description="In the 先查验后装运 (inspect first, then load) pilot: where a node offers it, "
        "the export declaration and its inspection take the procedure's hours (seed §8)",
    )

    @field_validator("aeo_level", mode="before")
    @classmethod
    def _aeo_level(cls, value: Any) -> Any:
        return parse_aeo_level(value) if isinstance(value, str) else value


class ConstraintsIn(Strict):
    allowed_modes: list[Mode] | None = Field(
        None, min_length=1, max_length=7, description="Default: all"
    )
    max_transfers: StrictInt | None = Field(None, ge=0, le=20)
    required_nodes: list[NodeId] = Field(default_factory=list, max_length=8)
    excluded_nodes: list[NodeId] = Field(default_factory=list, max_length=100)
    excluded_operators: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    max_truck_km: StrictFloat = Field(150.0, gt=0, le=1000)


class PreferencesIn(Strict):
    value_of_time_cny_per_h: StrictFloat | None = Field(None, ge=0, le=1e7)
    carbon_price_cny_per_t: StrictFloat = Field(100.0, ge=0, le=1e5)
    alternatives: StrictInt = Field(5, ge=1, le=20, description="Bounded by the service's limit")


QUOTE_EXAMPLE: dict[str, Any] = {
    "origin": "CNYTN",
    "destination": "DEDUI",
    "cargo": {"containers": [{"type": "42G1", "count": 2}], "weight_kg": 18000},
    "ready": "2027-03-01T08:00:00+08:00",
    "trader": {"aeo_level": "advanced"},
    "preferences": {"alternatives": 5},
}


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


#: an Incoterms 2020 rule in any case (JSON Schema patterns have no case-insensitive flag)
INCOTERM_PATTERN = r"^\s*(" + "|".join(_any_case(t) for t in INCOTERMS) + r")\s*$"


class QuoteRequestIn(Strict):
    """A shipment to quote."""

    model_config = ConfigDict(json_schema_extra={"examples": [QUOTE_EXAMPLE]})

    origin: Place
    destination: Place
    cargo: CargoIn
    ready: IsoDateTime = Field(description="Cargo ready; naive times are China Standard Time")
    deadline: IsoDateTime | None = Field(None, description="Latest arrival, after `ready`")
    trader: TraderIn = Field(default_factory=lambda: TraderIn.model_validate({}))
    customs_scope: CustomsScope = CustomsScope.BOTH
    incoterm: str | None = Field(
        None,
        description="Incoterms 2020 rule of the sale (EXW, FCA, FAS, FOB, CPT, CIP, CFR, CIF, DAP, "
        "DPU, DDP; any case): echoed in each alternative's scope with who pays the main carriage",
        pattern=INCOTERM_PATTERN,
    )
    constraints: ConstraintsIn = Field(default_factory=lambda: ConstraintsIn.model_validate({}))
    preferences: PreferencesIn = Field(default_factory=lambda: PreferencesIn.model_validate({}))
    split: StrictBool = Field(
        False,
        description="Also split the containers over departures and modes at least generalised "
        "cost (`split` in the quote). Without it the split is added only when no single "
        "departure has room for all of the containers.",
    )


def _place(value: str | PointIn, field: str) -> PlaceRef:
    try:
        if isinstance(value, PointIn):
            return PlaceRef(lon=value.lon, lat=value.lat)
        return PlaceRef.parse(value)
    except InvalidRequestError as exc:
        raise InvalidRequestError(field, exc.message) from None


def to_quote_request(body: QuoteRequestIn, max_alternatives: int) -> QuoteRequest:
    """The solver's request for ``body``; InvalidRequestError names the offending field."""
    prefs = body.preferences
    if prefs.alternatives > max_alternatives:
        raise InvalidRequestError(
            "preferences.alternatives", f"at most {max_alternatives} alternatives per quote"
        )
    cons = body.constraints
    cargo = body.cargo
    counts: dict[str, int] = {}
    for box in cargo.containers:
        counts[box.type] = counts.get(box.type, 0) + box.count
    return QuoteRequest(
        origin=_place(body.origin, "origin"),
        destination=_place(body.destination, "destination"),
        cargo=Cargo(
            containers=tuple(counts.items()),
            weight_kg=cargo.weight_kg,
            volume_m3=cargo.volume_m3,
            cargo_class=cargo.cargo_class,
            imdg_class=cargo.imdg_class,
            value_cny=cargo.value_cny,
            ecommerce_regime=cargo.ecommerce_regime,
        ),
        ready=body.ready,
        deadline=body.deadline,
        trader=trader_profile(body.trader),
        customs_scope=body.customs_scope,
        incoterm=body.incoterm,
        constraints=Constraints(
            allowed_modes=(
                frozenset(cons.allowed_modes) if cons.allowed_modes is not None else frozenset(Mode)
            ),
            max_transfers=cons.max_transfers,
            required_nodes=tuple(cons.required_nodes),
            excluded_nodes=frozenset(cons.excluded_nodes),
            excluded_operators=frozenset(cons.excluded_operators),
            max_truck_km=cons.max_truck_km,
        ),
        preferences=Preferences(
            prefs.value_of_time_cny_per_h, prefs.carbon_price_cny_per_t, prefs.alternatives
        ),
    )


# ------------------------------------------------------------------------ quote document
class LineString(Open):
    type: Literal["LineString"]
    coordinates: list[list[float]]


class LegOut(Open):
    mode: str
    service: str
    operator: str
    link_id: str | None = None
    from_: str = Field(alias="from")
    to: str
    departure: datetime
    arrival: datetime
    distance_km: float
    duration_h: float
    cost: float
    co2e_kg: float
    geometry: LineString
    space_unit: str | None = Field(None, description="teu or kg, when the departure has capacity")
    space_remaining: float | None = Field(
        None, description="Remaining space on this departure when quoted"
    )


class CustomsEventOut(Open):
    node: str
    operation: str
    state_before: str
    state_after: str
    expected_h: float
    cost: float


class CostLineOut(Open):
    """One charge: its name, how it was counted, the amount in its own currency and in CNY,
    and where it applies (``leg k``, a node id, or ``route``)."""

    name: str
    basis: str
    amount: float
    currency: str
    amount_cny: float
    where: str


class CostOut(Open):
    total: float
    currency: str
    breakdown: dict[str, float]
    lines: list[CostLineOut] = Field(default_factory=list)


class Co2eOut(Open):
    """ISO 14083 well-to-wheel CO2e, split tank-to-wheel / well-to-tank, and the method used."""

    total_kg: float
    ttw_kg: float
    wtt_kg: float
    method: str


class AlternativeOut(Open):
    tags: list[str]
    summary: str
    departure: datetime
    arrival: datetime
    duration_h: float
    transfers: int
    cost: CostOut
    time_breakdown_h: dict[str, float]
    co2e_kg: float
    co2e: Co2eOut
    legs: list[LegOut]
    customs_events: list[CustomsEventOut]
    valid_until: date | None = Field(None, description="Earliest expiry of the rates used")
    scope: dict[str, Any] = Field(
        description="Door or terminal at each end, the customs scope and the Incoterm if given"
    )
    included: list[str]
    excluded: list[str]
    cargo_plan: dict[str, str] = Field(
        description="How the cargo travels on this alternative: as requested, as a full "
        "container load (fcl), or by air as loose cargo (air_loose)"
    )


class QuoteOut(Open):
    """The quote document (DESIGN.md §4.1), as ``router quote --json`` prints it, with the
    stored quote's creation time, expiry and links (``created_at``, ``expires_at``, ``links``)."""

    id: str
    status: Literal["ok", "split", "no_route"] = Field(
        description="`ok`: bookable alternatives; `split`: no single route carries the cargo "
        "but the split carries all of it (book it with `split: true`); `no_route`: nothing "
        "carries the whole cargo (see `reasons`)"
    )
    reasons: list[str]
    notes: list[str] = Field(default_factory=list)
    request: dict[str, Any]
    alternatives: list[AlternativeOut]
    valid_until: date | None = Field(None, description="Earliest expiry over the alternatives")
    created_at: datetime
    expires_at: datetime
    links: dict[str, str] = Field(default_factory=dict)


class Feature(Open):
    type: Literal["Feature"]
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(Open):
    type: Literal["FeatureCollection"]
    features: list[Feature]


# -------------------------------------------------------------------------------- bookings
class BookingIn(Strict):
    """Book one alternative of an unexpired quote."""

    quote_id: str = Field(min_length=1, max_length=64, pattern=ID_PATTERN)
    alternative: StrictInt = Field(
        0, ge=0, le=19, description="Index into the quote's alternatives"
    )
    split: StrictBool = Field(
        False,
        description="Book every part of the quote's split instead of one alternative (leave "
        "`alternative` out)",
    )
    reference: str | None = Field(
        None, max_length=100, pattern=TEXT_PATTERN, description="Your own reference"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "quote_id": "4f1c2a9e0b7d4e8f9a6b5c4d3e2f1a0b",
                    "alternative": 0,
                    "reference": "PO-7781",
                }
            ],
            # either an alternative or the split, not both
            "not": {"required": ["alternative", "split"], "properties": {"split": {"const": True}}},
        }
    )

    @model_validator(mode="after")
    def _one_choice(self) -> BookingIn:
        if self.split and "alternative" in self.model_fields_set:
            raise ValueError("give either an alternative or split: true, not both")
        return self


class BookedLegOut(Open):
    seq: int
    mode: str
    service: str
    link_id: str | None
    from_: str = Field(alias="from")
    to: str
    departure: datetime
    arrival: datetime
    space: dict[str, Any] | None = Field(
        None, description="Space held on the departure: unit, amount, capacity, remaining"
    )


class BookingOut(Open):
    id: str
    quote_id: str
    alternative: int | None = Field(description="The alternative booked; null for a split")
    split: bool = False
    status: Literal["confirmed", "cancelled"]
    reference: str | None
    created_at: datetime
    cancelled_at: datetime | None
    summary: str
    departure: datetime
    arrival: datetime
    cost: CostOut
    legs: list[BookedLegOut]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="Offset of the next page, if any")


# ------------------------------------------------------------------------ network, nodes
class NodeOut(Open):
    id: str
    name: str
    name_zh: str
    kind: NodeKind
    unlocode: str | None
    country: str
    jurisdiction: str
    lon: float
    lat: float
    operations: list[str]


class NodeDetailOut(NodeOut):
    outgoing_links: int
    incoming_links: int
    modes: list[str]


class NetworkSummaryOut(Open):
    name: str
    nodes: int
    links: int
    nodes_by_kind: dict[str, int]
    links_by_mode: dict[str, int]
    loaded_at: datetime | None = None


# ------------------------------------------------------------------------------ departures
class DepartureOut(BaseModel):
    link_id: str
    service: str
    operator: str
    mode: Mode
    from_: str = Field(alias="from")
    to: str
    departure: datetime
    unit: Literal["teu", "kg"]
    capacity: float
    booked: float
    remaining: float

    model_config = ConfigDict(populate_by_name=True)


# --------------------------------------------------------------------------------- service
class ComponentHealth(BaseModel):
    ok: bool
    detail: str = ""


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    network: ComponentHealth
    database: ComponentHealth


class VersionOut(BaseModel):
    version: str
    api: str
    network: str | None
    database: str
    schema_revision: str | None


# ------------------------------------------------------------------------------------ keys
class KeyIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={"examples": [{"name": "ACME Forwarding", "role": "shipper"}]},
    )

    name: str = Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)
    role: Literal["shipper", "operator", "planner", "admin"]
    tenant: str | None = Field(
        None, min_length=1, max_length=100, pattern=TEXT_PATTERN, description="Default: the name"
    )


class KeyOut(BaseModel):
    prefix: str
    name: str
    tenant: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


class KeyCreatedOut(KeyOut):
    key: str = Field(description="The API key; shown once, store it now")
