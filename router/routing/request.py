"""A shipper's quote request: places, cargo, trader profile, constraints, preferences.

All times are in the network's reference time zone, China Standard Time (UTC+08:00); naive
datetimes are read as such. Weights are kilograms, volumes cubic metres, money CNY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from router.errors import InvalidRequestError
from router.network.model import ECOMMERCE_REGIMES, AeoLevel, CargoClass, Mode, TariffUnit
from router.units import M3_PER_TEU, as_cst


@dataclass(frozen=True, slots=True)
class ContainerType:
    """An ISO 6346 size-type code and what the router needs of it."""

    code: str
    unit: TariffUnit
    teu: int
    tare_kg: float
    max_payload_kg: float
    reefer: bool
    length_ft: int


#: supported ISO 6346 size-type codes; tare and payload are typical figures (estimate, see data/README.md)
CONTAINER_TYPES: dict[str, ContainerType] = {
    "22G1": ContainerType("22G1", TariffUnit.C20, 1, 2_200, 28_200, False, 20),
    "42G1": ContainerType("42G1", TariffUnit.C40, 2, 3_750, 26_730, False, 40),
    "45G1": ContainerType("45G1", TariffUnit.C40HC, 2, 3_900, 26_580, False, 40),
    "22R1": ContainerType("22R1", TariffUnit.C20, 1, 3_000, 27_400, True, 20),
    "42R1": ContainerType("42R1", TariffUnit.C40, 2, 4_800, 29_200, True, 40),
    "45R1": ContainerType("45R1", TariffUnit.C40HC, 2, 4_800, 29_200, True, 40),
}

#: default cargo load per TEU when the request gives no weight (estimate: GLEC-style average load)
DEFAULT_CARGO_KG_PER_TEU = 10_000.0
#: air volumetric conversion, kg per m3 (IATA 1:6000 cm3/kg)
AIR_KG_PER_M3 = 166.67


#: Incoterms 2020 (ICC): rule -> who pays the main carriage
INCOTERMS: dict[str, str] = {
    "EXW": "buyer",
    "FCA": "buyer",
    "FAS": "buyer",
    "FOB": "buyer",
    "CPT": "seller",
    "CIP": "seller",
    "CFR": "seller",
    "CIF": "seller",
    "DAP": "seller",
    "DPU": "seller",
    "DDP": "seller",
}


class CustomsScope(StrEnum):
    EXPORT = "export"
    IMPORT = "import"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """Where cargo starts or ends: a node id, a UN/LOCODE, or a lon/lat point."""

    code: str | None = None
    lon: float | None = None
    lat: float | None = None

    def __post_init__(self) -> None:
        has_point = self.lon is not None or self.lat is not None
        if (self.code is None) == (not has_point):
            raise InvalidRequestError("place", "give either a node id / UN/LOCODE or lon and lat")
        if self.code is not None:
            if not self.code.strip():
                raise InvalidRequestError("place", "a node id or UN/LOCODE may not be empty")
            try:
                self.code.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidRequestError(
                    "place", "is not valid Unicode text (it holds a lone surrogate)"
                ) from None
        if has_point:
            if self.lon is None or self.lat is None:
                raise InvalidRequestError("place", "a point needs both lon and lat")
            if not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90):
                raise InvalidRequestError("place", f"lon/lat out of range: {self.lon}, {self.lat}")

    @property
    def is_point(self) -> bool:
        return self.code is None

    def __str__(self) -> str:
        return self.code if self.code is not None else f"{self.lon:.4f},{self.lat:.4f}"

    @classmethod
    def parse(cls, text: str) -> PlaceRef:
        """``CNYTN``, a node id, or ``lon,lat``."""
        parts = text.split(",")
        if len(parts) == 2:
            try:
                return cls(lon=float(parts[0]), lat=float(parts[1]))
            except ValueError:
                pass
        return cls(code=text.strip())


@dataclass(frozen=True, slots=True)
class Cargo:
    """Containers (``containers``: ISO size-type → count) or loose cargo (LCL/air) by weight.

    ``weight_kg`` is the cargo's gross weight without container tare; ``volume_m3`` its volume.
    ``ecommerce_regime``: for ``ecommerce`` cargo, China's cross-border e-commerce customs
    regime (seed §7–8): "9610" B2C parcels (export or import), "9710" B2B direct export, "9810"
    export to an overseas warehouse, "1210" bonded e-commerce import (None: not declared under
    an e-commerce regime).
    """

    containers: tuple[tuple[str, int], ...] = ()
    weight_kg: float | None = None
    volume_m3: float | None = None
    cargo_class: CargoClass = CargoClass.GENERAL
    imdg_class: str | None = None
    value_cny: float | None = None
    ecommerce_regime: str | None = None

    def __post_init__(self) -> None:
        if self.ecommerce_regime is not None:
            if self.ecommerce_regime not in ECOMMERCE_REGIMES:
                raise InvalidRequestError(
                    "cargo.ecommerce_regime",
                    f"unknown e-commerce regime {self.ecommerce_regime!r} "
                    f"(one of {', '.join(ECOMMERCE_REGIMES)})",
                )
            if self.cargo_class is not CargoClass.ECOMMERCE:
                raise InvalidRequestError(
                    "cargo.ecommerce_regime",
                    f"an e-commerce regime needs cargo_class ecommerce, not "
                    f"{self.cargo_class.value}",
                )
        for code, count in self.containers:
            if code not in CONTAINER_TYPES:
                raise InvalidRequestError(
                    "cargo.containers",
                    f"unknown ISO size-type {code!r} (supported: {', '.join(CONTAINER_TYPES)})",
                )
            if count <= 0:
                raise InvalidRequestError("cargo.containers", f"count for {code} must be > 0")
        if not self.containers and not self.weight_kg:
            raise InvalidRequestError("cargo", "give containers, or weight_kg for loose cargo")
        if self.weight_kg is not None and self.weight_kg <= 0:
            raise InvalidRequestError("cargo.weight_kg", "must be > 0")
        if self.volume_m3 is not None and self.volume_m3 <= 0:
            raise InvalidRequestError("cargo.volume_m3", "must be > 0")
        imdg_ok = self.imdg_class is not None and self.imdg_class.split(".")[0] in set("123456789")
        if self.cargo_class is CargoClass.DANGEROUS and not imdg_ok:
            raise InvalidRequestError("cargo.imdg_class", "dangerous goods need an IMDG class 1..9")
        reefer_boxes = any(CONTAINER_TYPES[c].reefer for c, _ in self.containers)
        if self.cargo_class is CargoClass.REEFER and self.containers and not reefer_boxes:
            raise InvalidRequestError(
                "cargo.containers", "reefer cargo needs reefer containers (22R1/42R1/45R1)"
            )
        if self.weight_kg is not None and self.containers:
            payload = sum(CONTAINER_TYPES[c].max_payload_kg * n for c, n in self.containers)
            if self.weight_kg > payload:
                raise InvalidRequestError(
                    "cargo.weight_kg",
                    f"{self.weight_kg:g} kg exceeds the containers' payload {payload:g} kg",
                )
        if self.value_cny is not None and self.value_cny < 0:
            raise InvalidRequestError("cargo.value_cny", "must be >= 0")

    @property
    def is_containerised(self) -> bool:
        return bool(self.containers)

    @property
    def teu(self) -> int:
        return sum(CONTAINER_TYPES[c].teu * n for c, n in self.containers)

    @property
    def space_teu(self) -> float:
        """Departure space the cargo takes on container services, TEU: its boxes' TEU, or for
        loose cargo its volume / :data:`router.units.M3_PER_TEU` (1 m3 if no volume given)."""
        return float(self.teu) if self.is_containerised else (self.volume_m3 or 1.0) / M3_PER_TEU

    @property
    def container_count(self) -> int:
        return sum(n for _, n in self.containers)

    @property
    def cargo_kg(self) -> float:
        if self.weight_kg is not None:
            return self.weight_kg
        return DEFAULT_CARGO_KG_PER_TEU * self.teu

    @property
    def gross_kg(self) -> float:
        """Cargo plus container tare: what a vehicle hauls (used for tonne-km)."""
        return self.cargo_kg + sum(CONTAINER_TYPES[c].tare_kg * n for c, n in self.containers)

    @property
    def chargeable_air_kg(self) -> float:
        volumetric = (self.volume_m3 or 0.0) * AIR_KG_PER_M3
        return max(self.cargo_kg, volumetric)

    @property
    def revenue_tonnes(self) -> float:
        """LCL freight basis: the larger of tonnes and cubic metres (at least 1)."""
        return max(1.0, self.cargo_kg / 1000.0, self.volume_m3 or 0.0)

    @property
    def imdg_main_class(self) -> str | None:
        return self.imdg_class.split(".")[0] if self.imdg_class else None


@dataclass(frozen=True, slots=True)
class TraderProfile:
    """What the trader's status changes at customs (DESIGN.md §2.2, seed §1, 4, 9, 13, 16).

    ``aeo_level``: Chinese AEO status (effective in China and where an MRA applies);
    ``direct_eligible``: ship-side direct loading / pick-up (直提直装) at eligible terminals;
    ``combined_port_allowed``: may declare under the GBA Combined Port at feeder terminals;
    ``joint_declaration_eligible``: 一单两报 at SZ–HK land crossings (one data entry for both);
    ``drug_whitelisted``: listed importer of a listed drug (no 进口药品通关单 needed);
    ``inspect_first_pilot``: in the 先查验后装运 (inspect first, then load) pilot (seed §8): at a
    node offering it, the export inspection is done before loading.
    """

    aeo_level: AeoLevel = AeoLevel.NONE
    direct_eligible: bool = False
    combined_port_allowed: bool = True
    joint_declaration_eligible: bool = False
    drug_whitelisted: bool = False
    inspect_first_pilot: bool = False


@dataclass(frozen=True, slots=True)
class Constraints:
    allowed_modes: frozenset[Mode] = frozenset(Mode)
    max_transfers: int | None = None
    required_nodes: tuple[str, ...] = ()
    excluded_nodes: frozenset[str] = frozenset()
    excluded_operators: frozenset[str] = frozenset()
    max_truck_km: float = 150.0

    def __post_init__(self) -> None:
        if not self.allowed_modes:
            raise InvalidRequestError("constraints.allowed_modes", "allow at least one mode")
        if self.max_transfers is not None and self.max_transfers < 0:
            raise InvalidRequestError("constraints.max_transfers", "must be >= 0")
        if len(self.required_nodes) > 8:
            raise InvalidRequestError("constraints.required_nodes", "at most 8 required nodes")
        if self.max_truck_km <= 0:
            raise InvalidRequestError("constraints.max_truck_km", "must be > 0")


@dataclass(frozen=True, slots=True)
class Preferences:
    """Ranking preferences. ``value_of_time_cny_per_h`` None: derived from the cargo value."""

    value_of_time_cny_per_h: float | None = None
    carbon_price_cny_per_t: float = 100.0
    alternatives: int = 5

    def __post_init__(self) -> None:
        if self.value_of_time_cny_per_h is not None and self.value_of_time_cny_per_h < 0:
            raise InvalidRequestError("preferences.value_of_time_cny_per_h", "must be >= 0")
        if self.carbon_price_cny_per_t < 0:
            raise InvalidRequestError("preferences.carbon_price_cny_per_t", "must be >= 0")
        if not 1 <= self.alternatives <= 20:
            raise InvalidRequestError("preferences.alternatives", "must be between 1 and 20")


#: inventory carrying rate used to derive a value of time from cargo value (estimate: 10 %/year)
CARRYING_RATE_PER_H = 0.10 / 8760.0
#: value of time when no cargo value is given, per TEU or per tonne of loose cargo (estimate)
DEFAULT_VOT_CNY_PER_TEU_H = 15.0


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    origin: PlaceRef
    destination: PlaceRef
    cargo: Cargo
    ready: datetime
    deadline: datetime | None = None
    trader: TraderProfile = field(default_factory=TraderProfile)
    customs_scope: CustomsScope = CustomsScope.BOTH
    constraints: Constraints = field(default_factory=Constraints)
    preferences: Preferences = field(default_factory=Preferences)
    #: the Incoterms 2020 rule of the sale, when the shipper gives one (echoed in the quote's
    #: scope with who pays the main carriage)
    incoterm: str | None = None

    def __post_init__(self) -> None:
        if self.incoterm is not None:
            term = self.incoterm.strip().upper()
            if term not in INCOTERMS:
                raise InvalidRequestError(
                    "incoterm",
                    f"unknown Incoterms 2020 rule {self.incoterm!r} (one of {', '.join(INCOTERMS)})",
                )
            object.__setattr__(self, "incoterm", term)
        object.__setattr__(self, "ready", as_cst(self.ready))
        if self.deadline is not None:
            object.__setattr__(self, "deadline", as_cst(self.deadline))
            if self.deadline <= self.ready:
                raise InvalidRequestError("deadline", "must be after the ready time")

    @property
    def value_of_time_cny_per_h(self) -> float:
        given = self.preferences.value_of_time_cny_per_h
        if given is not None:
            return given
        if self.cargo.value_cny is not None:
            return self.cargo.value_cny * CARRYING_RATE_PER_H
        basis = self.cargo.teu if self.cargo.is_containerised else self.cargo.cargo_kg / 1000.0
        return DEFAULT_VOT_CNY_PER_TEU_H * max(basis, 1.0)
