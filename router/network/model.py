"""Frozen domain objects of the freight network (DESIGN.md §2.1–2.3).

Units are in the attribute names: ``_h`` hours, ``_km`` kilometres, ``_teu`` twenty-foot
equivalent units, ``_kg`` kilograms, ``_cny`` Chinese yuan. Money in the data files may be in any
currency listed in the FX table; :class:`Tariff` and :class:`NodeFee` keep the currency they were
given in and the network converts with :meth:`Network.to_cny`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class NodeKind(StrEnum):
    SEAPORT = "seaport"
    RIVER_TERMINAL = "river_terminal"
    RAIL_TERMINAL = "rail_terminal"
    AIRPORT = "airport"
    AIR_TERMINAL = "air_terminal"
    BORDER_CROSSING = "border_crossing"
    BONDED_ZONE = "bonded_zone"
    INLAND_DEPOT = "inland_depot"
    CITY = "city"


class Mode(StrEnum):
    TRUCK = "truck"
    BARGE = "barge"
    FEEDER = "feeder"
    DEEPSEA = "deepsea"
    RAIL = "rail"
    AIR = "air"
    TIR = "tir"


class Regime(StrEnum):
    """Customs regime a link carries cargo under (DESIGN.md §2.2)."""

    DOMESTIC = "domestic"
    SUPERVISED = "supervised"
    INTERNATIONAL = "international"


class CustomsOp(StrEnum):
    """Customs operations a node offers (DESIGN.md §2.2)."""

    EXPORT_CLEARANCE = "export_clearance"
    IMPORT_CLEARANCE = "import_clearance"
    EXIT = "exit"
    ENTRY = "entry"
    SUPERVISED_SITE = "supervised_site"
    COMBINED_PORT = "combined_port"
    DIRECT_LOADING = "direct_loading"
    DIRECT_PICKUP = "direct_pickup"
    #: designated drug-import port (CN: 药品进口口岸); pharma enters a jurisdiction that has any
    #: only through one of them
    DRUG_PORT = "drug_port"
    ECOMMERCE = "ecommerce"
    TRANSIT_BORDER = "transit_border"
    #: accepts transit declarations to an inland office (EU NCTS T1, mainland 转关, EAEU transit)
    TRANSIT_DECLARATION = "transit_declaration"
    #: SZ–HK 一单两报: one data entry serves the mainland and the Hong Kong declaration
    JOINT_DECLARATION = "joint_declaration"


class CargoClass(StrEnum):
    GENERAL = "general"
    REEFER = "reefer"
    DANGEROUS = "dangerous"
    PHARMA = "pharma"
    ECOMMERCE = "ecommerce"


#: China's cross-border e-commerce customs supervision codes (海关监管方式, GAC announcements 2014
#: No. 12 and 57, 2020 No. 75) and what each covers; they apply in the Chinese mainland
#: customs territory (:data:`ECOMMERCE_JURISDICTION`)
ECOMMERCE_REGIMES: dict[str, str] = {
    "9610": "B2C parcels",
    "9710": "B2B direct export",
    "9810": "export to an overseas warehouse",
    "1210": "bonded e-commerce import",
}
#: regimes declared on export (9610 covers both directions of B2C parcels)
ECOMMERCE_EXPORT_REGIMES = frozenset({"9610", "9710", "9810"})
#: regimes declared on import; 1210 only into a bonded zone (保税区/综合保税区)
ECOMMERCE_IMPORT_REGIMES = frozenset({"9610", "1210"})
#: the customs territory whose e-commerce supervision codes these are
ECOMMERCE_JURISDICTION = "CN"


class CustomsState(StrEnum):
    """Customs state of cargo as it moves (DESIGN.md §2.2)."""

    FREE = "free"
    CLEARED_EXPORT = "cleared_export"
    IN_TRANSIT = "in_transit"
    IN_BOND = "in_bond"


class AeoLevel(StrEnum):
    """Chinese AEO levels. The "general" level was abolished by GAC Decree 251 (2021), leaving
    certified (advanced) enterprises and the rest."""

    NONE = "none"
    ADVANCED = "advanced"


#: why a level that users may still name is no longer accepted
ABOLISHED_AEO_LEVELS = {
    "general": (
        "the 'general' AEO level was abolished by GAC Decree 251 (effective 1 November 2021); "
        "Chinese AEO status is now 'advanced' (certified enterprise) or 'none'"
    )
}


def parse_aeo_level(text: str) -> AeoLevel:
    """An AEO level from user input; a clear ValueError for an abolished or unknown level."""
    value = text.strip().lower()
    if value in ABOLISHED_AEO_LEVELS:
        raise ValueError(ABOLISHED_AEO_LEVELS[value])
    try:
        return AeoLevel(value)
    except ValueError:
        allowed = ", ".join(level.value for level in AeoLevel)
        raise ValueError(f"unknown AEO level {text!r} (allowed: {allowed})") from None


class ScheduleKind(StrEnum):
    ANY = "any"  # departs whenever cargo is ready (trucks)
    WEEKLY = "weekly"  # fixed weekday/time departures from the schedules table
    HEADWAY = "headway"  # every ``headway_h`` hours from Monday 00:00 + ``offset_h``


class TariffUnit(StrEnum):
    """What one tariff line prices: a container of a size, a revenue tonne (LCL) or a kg (air)."""

    C20 = "20"
    C40 = "40"
    C40HC = "40HC"
    WM = "wm"  # weight-or-measure revenue tonne (LCL): max(t, m3)
    KG = "kg"


CONTAINER_UNITS: tuple[TariffUnit, ...] = (TariffUnit.C20, TariffUnit.C40, TariffUnit.C40HC)

#: IMDG dangerous-goods classes (main classes).
IMDG_CLASSES: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8", "9")
#: IMDG divisions a ban or a terminal's permission may name instead of a whole class
IMDG_DIVISIONS: tuple[str, ...] = (
    *(f"1.{d}" for d in range(1, 7)),
    "2.1",
    "2.2",
    "2.3",
    "4.1",
    "4.2",
    "4.3",
    "5.1",
    "5.2",
    "6.1",
    "6.2",
)


def dg_listed(entries: frozenset[str], imdg_class: str) -> bool:
    """Whether a list of IMDG classes/divisions names the cargo's ``imdg_class`` ("3", "1.4S"):
    its whole class ("1") or its division ("1.4")."""
    main, _, rest = imdg_class.partition(".")
    return main in entries or (bool(rest) and f"{main}.{rest[:1]}" in entries)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A customs territory (CN, HK, EU, EAEU, ...) and the procedures its law names.

    ``free_port``: no bonded regime for general cargo; cargo in transit is carried between
    places under the carrier's control and stays in transit (Hong Kong). ``aeo_mra_cn``: an AEO
    mutual-recognition agreement with China is in force, so a Chinese AEO status has effect here.
    The ``*_procedure`` texts name the legal instrument of each customs step in the quote.
    """

    code: str
    name: str
    countries: tuple[str, ...]
    source: str = ""
    free_port: bool = False
    aeo_mra_cn: bool = False
    export_procedure: str = "export declaration"
    import_procedure: str = "import declaration"
    transit_procedure: str = "transit declaration"
    transhipment_procedure: str = "transhipment under the carrier's manifest"
    exit_procedure: str = "exit confirmation"


class AdvanceDue(StrEnum):
    """When advance cargo information is due: before loading at the place of departure (sea,
    air) or before arrival at the border (road, rail)."""

    LOADING = "loading"
    ARRIVAL = "arrival"


@dataclass(frozen=True, slots=True)
class AdvanceInfo:
    """An advance cargo information filing a jurisdiction requires for one mode (EU ICS2 ENS,
    US AMS/ISF, HK ROCARS, EAEU preliminary information), ``lead_h`` hours before ``due``."""

    jurisdiction: str
    mode: Mode
    name: str
    due: AdvanceDue
    lead_h: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class ModeParams:
    """Per-mode defaults: detour over the geodesic, emission intensity, reefer surcharge."""

    mode: Mode
    detour_factor: float
    co2e_g_per_tkm: float
    reefer_surcharge_pct: float
    transfer_co2e_kg_per_teu: float
    source: str = ""
    #: carrier's dangerous-goods surcharge per TEU of space (IMDG cargo), in ``dg_currency``
    dg_surcharge_per_teu: float = 0.0
    dg_currency: str = "CNY"


@dataclass(frozen=True, slots=True)
class CustomsProfile:
    """Customs behaviour for one AEO level: inspection probability and clearance-time factor."""

    aeo_level: AeoLevel
    inspection_probability: float
    clearance_time_factor: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class Node:
    """A place cargo can be at: port, terminal, border crossing, bonded zone, city.

    Times are hours; ``dwell_*_h`` are minimum yard dwell before loading onto an outgoing
    long-haul service (export) or after arrival before release (import).
    """

    id: str
    name: str
    name_zh: str
    kind: NodeKind
    lon: float
    lat: float
    country: str
    jurisdiction: str
    unlocode: str | None = None
    customs_district: str = ""
    operations: frozenset[CustomsOp] = frozenset()
    reefer: bool = False
    dg_classes: frozenset[str] = frozenset()
    handling_h: float = 0.0
    export_clearance_h: float = 0.0
    import_clearance_h: float = 0.0
    inspection_h: float = 0.0
    border_transit_h: float = 0.0
    dwell_export_h: float = 0.0
    dwell_import_h: float = 0.0
    dwell_direct_h: float = 0.0
    dwell_combined_h: float = 0.0
    free_storage_h: float = 0.0
    #: hours to lodge a transit declaration here (EU T1, mainland 转关, EAEU transit)
    transit_declaration_h: float = 1.0
    #: clearance hours at a 一单两报 crossing for eligible traders (None: not offered)
    joint_clearance_h: float | None = None
    #: extra import hours for a drug importer not on the white list (进口药品通关单, port test)
    drug_permit_h: float = 0.0
    #: extra hours for paper documents at the terminal (0: paperless)
    document_h: float = 0.0
    #: e-commerce regimes (:data:`ECOMMERCE_REGIMES`) the node's supervised site handles
    ecommerce_regimes: frozenset[str] = frozenset()
    #: hours of the 先查验后装运 (inspect first, then load) export procedure for pilot traders
    #: where offered (None: not offered)
    inspect_first_h: float | None = None
    combined_port_hub: str | None = None
    opening_hours: tuple[int, int] | None = None  # (open minute, close minute) of the day
    closed_modes: frozenset[Mode] = frozenset()
    closed_since: date | None = None
    capacity_teu_per_day: float | None = None
    source: str = ""

    def offers(self, op: CustomsOp) -> bool:
        return op in self.operations

    @property
    def is_supervised(self) -> bool:
        """Whether cargo under customs supervision may be handled here."""
        return bool(
            self.operations
            & {
                CustomsOp.SUPERVISED_SITE,
                CustomsOp.EXIT,
                CustomsOp.ENTRY,
                CustomsOp.TRANSIT_BORDER,
                CustomsOp.COMBINED_PORT,
            }
        )


@dataclass(frozen=True, slots=True)
class WeeklyDeparture:
    """One weekly departure: weekday 0=Monday..6=Sunday, minute of the day (local time)."""

    weekday: int
    minute: int


@dataclass(frozen=True, slots=True)
class Schedule:
    kind: ScheduleKind
    weekly: tuple[WeeklyDeparture, ...] = ()
    headway_h: float = 0.0
    offset_h: float = 0.0
    cutoff_h: float = 0.0


@dataclass(frozen=True, slots=True)
class Tariff:
    """One price line of a link: ``fixed + per_km * distance_km`` per unit, in ``currency``."""

    unit: TariffUnit
    fixed: float
    per_km: float
    currency: str
    source: str = ""
    #: the date the rate was read or quoted; the rate applies to departures until ``valid_until``
    as_of: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A service between two nodes.

    ``transit_h`` is running time; border stops of ``via`` nodes add their ``border_transit_h``.
    ``distance_km`` is given in the data or derived as geodesic × mode detour factor.
    ``geometry`` is a sequence of (lon, lat) points from origin to destination.
    """

    id: str
    origin: str
    destination: str
    mode: Mode
    operator: str
    service: str
    distance_km: float
    transit_h: float
    regime: Regime
    cargo_classes: frozenset[CargoClass]
    schedule: Schedule
    tariffs: Mapping[TariffUnit, Tariff]
    geometry: tuple[tuple[float, float], ...]
    via: tuple[str, ...] = ()
    capacity_teu: float | None = None
    capacity_kg: float | None = None
    co2e_g_per_tkm: float | None = None
    distance_given: bool = True
    #: IMDG classes or divisions barred on this link (e.g. "1", "1.4", "3")
    dg_banned: frozenset[str] = frozenset()
    #: 内外贸同船 (seed §12): a domestic service whose departures also carry export-cleared or
    #: bonded cargo under seal, sharing one capacity with the domestic cargo
    mixed_trade: bool = False
    #: no departure leaves on or after this day (a dated closure of the service; scenarios)
    closed_since: date | None = None
    source: str = ""

    @property
    def is_plain_road_crossing(self) -> bool:
        """An international truck haul without a TIR carnet: it crosses its border under a plain
        road clearance, so only cargo export-cleared in the jurisdiction it leaves may board it
        (DESIGN.md §2.2: plain road crossings need clearance at each border)."""
        return self.mode is Mode.TRUCK and self.regime is Regime.INTERNATIONAL


@dataclass(frozen=True, slots=True)
class NodeFee:
    """A fee charged at a node: ``fee`` kind, per ``unit``, ``amount`` in ``currency``."""

    node_id: str
    fee: str
    unit: str
    amount: float
    currency: str
    source: str = ""


# ------------------------------------------------------------------ emission factors
class EmissionBasis(StrEnum):
    """What one factor's grams are per."""

    TEU_KM = "teu_km"  # per TEU-km (container shipping by trade lane)
    TKM = "tkm"  # per tonne-km of cargo
    TRANSFER_TEU = "transfer_teu"  # per TEU handled in one transfer at a hub


class Traction(StrEnum):
    ELECTRIC = "electric"
    DIESEL = "diesel"


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """One emission intensity: ``ttw_g`` + ``wtt_g`` grams CO2e per ``basis`` unit (their sum is
    the well-to-wheel intensity). ``load_factor`` (0-1, optional) is the load, empty running
    included, the intensity assumes; ``traction`` is given for rail."""

    id: str
    mode: Mode
    basis: EmissionBasis
    region: str
    ttw_g: float
    wtt_g: float
    traction: Traction | None = None
    load_factor: float | None = None
    source: str = ""

    @property
    def wtw_g(self) -> float:
        return self.ttw_g + self.wtt_g


# ------------------------------------------------------------------ prices
#: the surcharges a carrier may name (IMO/industry abbreviations where one exists)
SURCHARGE_NAMES: dict[str, str] = {
    "BAF": "bunker adjustment factor",
    "LSS": "low-sulphur surcharge",
    "war_risk": "war-risk / Red Sea contingency surcharge",
    "EU_ETS": "EU Emissions Trading System surcharge",
    "peak_season": "peak-season surcharge",
    "DG": "dangerous-goods surcharge",
    "reefer": "reefer surcharge",
    "overweight": "overweight surcharge",
    "fuel": "fuel surcharge",
    "security": "security surcharge",
}


class ChargeUnit(StrEnum):
    """What one charge is counted per: a box of a size, a TEU of space, a revenue tonne, a
    chargeable kg, or a percentage of the base freight."""

    C20 = "20"
    C40 = "40"
    C40HC = "40HC"
    TEU = "teu"
    WM = "wm"
    KG = "kg"
    PCT = "pct"


class AdValoremScope(StrEnum):
    """Where an ad-valorem charge is incurred: once per route (cargo insurance) or per transit
    declaration lodged in a jurisdiction (the transit guarantee's cost)."""

    ROUTE = "route"
    TRANSIT_DECLARATION = "transit_declaration"


@dataclass(frozen=True, slots=True)
class Surcharge:
    """A named freight surcharge on the services it matches: ``mode`` and, when given, the
    ``service`` code, the jurisdictions of the link's ends and the cargo class. ``unit`` says
    what ``amount`` is per; ``pct`` is a percentage of the base freight. ``min_box_cargo_kg``:
    applies only to boxes whose cargo is heavier (overweight surcharges)."""

    id: str
    name: str
    mode: Mode
    unit: ChargeUnit
    amount: float
    currency: str
    as_of: date
    service: str | None = None
    from_jurisdiction: str | None = None
    to_jurisdiction: str | None = None
    cargo_class: CargoClass | None = None
    min_box_cargo_kg: float | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    source: str = ""

    @property
    def title(self) -> str:
        return SURCHARGE_NAMES.get(self.name, self.name)


@dataclass(frozen=True, slots=True)
class TransferCost:
    """The cost of one change of vehicle from ``from_mode`` to ``to_mode`` (on top of the
    terminals' handling charges), per ``unit``."""

    from_mode: Mode
    to_mode: Mode
    unit: ChargeUnit
    amount: float
    currency: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class AdValorem:
    """A charge in percent of the declared cargo value, at least ``minimum`` (in ``currency``)."""

    name: str
    applies: AdValoremScope
    rate_pct: float
    currency: str
    jurisdiction: str | None = None
    minimum: float = 0.0
    source: str = ""


@dataclass(frozen=True, slots=True)
class DemurrageTariff:
    """A carrier's demurrage (box held in the terminal) or detention (box held outside) tariff
    at a node: ``free_days`` free, then ``amount_per_day`` per box of ``unit``."""

    node_id: str
    charge: str
    unit: ChargeUnit
    free_days: float
    amount_per_day: float
    currency: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class RoadLimit:
    """A jurisdiction's road weight limit for a container truck: the maximum gross vehicle
    weight and the weight of the tractor and chassis, so a box may weigh (cargo + tare) at most
    ``max_box_gross_kg``."""

    jurisdiction: str
    max_gross_vehicle_kg: float
    tractor_chassis_kg: float
    source: str = ""

    @property
    def max_box_gross_kg(self) -> float:
        return self.max_gross_vehicle_kg - self.tractor_chassis_kg


@dataclass(frozen=True, slots=True)
class PricingTables:
    surcharges: tuple[Surcharge, ...] = ()
    transfer_costs: tuple[TransferCost, ...] = ()
    ad_valorem: tuple[AdValorem, ...] = ()
    demurrage: tuple[DemurrageTariff, ...] = ()
    road_limits: Mapping[str, RoadLimit] | None = None


@dataclass(frozen=True, slots=True)
class Network:
    """An immutable, validated freight network. Build it with :func:`router.network.load_network`."""

    nodes: Mapping[str, Node]
    links: Mapping[str, Link]
    jurisdictions: Mapping[str, Jurisdiction]
    modes: Mapping[Mode, ModeParams]
    customs_profiles: Mapping[AeoLevel, CustomsProfile]
    fees: tuple[NodeFee, ...]
    fx_cny: Mapping[str, float]
    advance_info: tuple[AdvanceInfo, ...] = ()
    #: surcharges, transfer costs, ad-valorem charges, demurrage tariffs, road limits
    pricing: PricingTables | None = field(default=None, compare=False)
    #: ISO 14083 / GLEC emission factors (none: the modes' co2e_g_per_tkm, as a fallback)
    emission_factors: tuple[EmissionFactor, ...] = ()
    name: str = field(default="network", compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def get_node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def find_node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    def to_cny(self, amount: float, currency: str) -> float:
        """Convert ``amount`` in ``currency`` (ISO 4217) to CNY with the network's FX table."""
        return amount * self.fx_cny[currency]

    def fees_at(self, node_id: str) -> tuple[NodeFee, ...]:
        return tuple(f for f in self.fees if f.node_id == node_id)

    def out_links(self, node_id: str) -> tuple[Link, ...]:
        return tuple(lk for lk in self.links.values() if lk.origin == node_id)
