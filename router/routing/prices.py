"""What one cargo pays on the compiled network (DESIGN.md §2.3): freight per link as a base rate
plus named surcharges, each a :class:`PriceLine`; the fixed part of a truck haul (charged once
per haul); transfer costs by mode pair; storage per minute at a terminal; road weight limits.

Money is kept twice on every line: the amount in the currency the data gives, and CNY fen (the
search's integer unit). A price's total is the sum of its lines' fen, so cost lines in a quote
add up exactly to the total the search ranked by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from router.network.model import CargoClass, Mode, TariffUnit
from router.network.pricing import AdValoremScope, ChargeUnit, PricingTables, Surcharge
from router.routing.compiled import CLink, CompiledNetwork
from router.routing.request import CONTAINER_TYPES, Cargo
from router.units import MINUTES_PER_DAY, fen

_BOX_UNITS = {ChargeUnit.C20: TariffUnit.C20, ChargeUnit.C40: TariffUnit.C40}
_BOX_UNITS[ChargeUnit.C40HC] = TariffUnit.C40HC
_UNIT_LABEL = {TariffUnit.C20: "20'", TariffUnit.C40: "40'", TariffUnit.C40HC: "40'HC"}


@dataclass(frozen=True, slots=True)
class PriceLine:
    """One charge: ``name`` (base freight, BAF, THC, ...), how it was counted (``basis``), the
    ``amount`` in ``currency`` and its value in CNY fen."""

    name: str
    basis: str
    amount: float
    currency: str
    fen: int
    #: the last day the rate applies (None: no stated expiry)
    valid_until: date | None = None

    def document(self) -> dict[str, object]:
        return {
            "name": self.name,
            "basis": self.basis,
            "amount": round(self.amount, 2),
            "currency": self.currency,
            "amount_cny": round(self.fen / 100.0, 2),
        }


def _fmt(amount: float) -> str:
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


class CargoPrices:
    """The prices of one cargo on one compiled network, from the day ``on`` (surcharges whose
    validity starts later do not apply)."""

    def __init__(self, cn: CompiledNetwork, cargo: Cargo, on: date) -> None:
        self.cn = cn
        self.cargo = cargo
        self.on = on
        network = cn.network
        self.tables = network.pricing or PricingTables()
        self.boxes: dict[TariffUnit, int] = {}
        for code, count in cargo.containers:
            unit = CONTAINER_TYPES[code].unit
            self.boxes[unit] = self.boxes.get(unit, 0) + count
        self.reefer = cargo.cargo_class is CargoClass.REEFER or any(
            CONTAINER_TYPES[c].reefer for c, _ in cargo.containers
        )
        self.box_cargo_kg = (
            cargo.cargo_kg / cargo.container_count if cargo.is_containerised else 0.0
        )
        self._named = {s.name for s in self.tables.surcharges}
        self.surcharges = current_surcharges(self.tables.surcharges, on)
        # the surcharges in force by mode, in table order (a surcharge names one mode)
        self._by_mode: dict[Mode, list[Surcharge]] = {}
        for s in self.surcharges:
            self._by_mode.setdefault(s.mode, []).append(s)

    # ------------------------------------------------------------------ freight of a link
    def freight_lines(self, cl: CLink) -> tuple[PriceLine, ...] | None:
        """Base freight and surcharges of this cargo on ``cl``, or None if the link has no rate
        for it (loose cargo needs a per-revenue-tonne rate; containers never fly, they are
        quoted by air as loose cargo: :mod:`router.quotes.plans`)."""
        base = self._base(cl)
        if base is None:
            return None
        lines = [base]
        for s in self._by_mode.get(cl.link.mode, ()):
            if self._matches(s, cl):
                line = self._surcharge_line(s, base)
                if line is not None and line.fen:
                    lines.append(line)
        lines.extend(self._mode_defaults(cl, base))
        return tuple(lines)

    def _base(self, cl: CLink) -> PriceLine | None:
        link = cl.link
        cargo = self.cargo
        network = self.cn.network
        if link.mode is Mode.AIR:
            tariff = link.tariffs.get(TariffUnit.KG)
            if tariff is None or cargo.is_containerised:
                return None
            kg = cargo.chargeable_air_kg
            per_kg = tariff.fixed + tariff.per_km * link.distance_km
            basis = f"{_fmt(kg)} chargeable kg (max of gross and volumetric) x {_fmt(per_kg)}"
            amount = per_kg * kg
            return PriceLine(
                "base freight",
                basis,
                amount,
                tariff.currency,
                fen(network.to_cny(amount, tariff.currency)),
                tariff.valid_until,
            )
        if cargo.is_containerised:
            amount = 0.0
            parts: list[str] = []
            currency = None
            expiry: date | None = None
            for unit, count in self.boxes.items():
                tariff = link.tariffs.get(unit)
                if tariff is None or (currency is not None and tariff.currency != currency):
                    return None
                currency = tariff.currency
                each = tariff.fixed + tariff.per_km * link.distance_km
                amount += each * count
                parts.append(f"{count} x {_UNIT_LABEL[unit]} at {_fmt(each)}")
                expiry = _earlier(expiry, tariff.valid_until)
            assert currency is not None
            return PriceLine(
                "base freight",
                "; ".join(parts),
                amount,
                currency,
                fen(network.to_cny(amount, currency)),
                expiry,
            )
        tariff = link.tariffs.get(TariffUnit.WM)
        if tariff is None:
            return None  # loose cargo is not priced as a whole box
        rt = cargo.revenue_tonnes
        each = tariff.fixed + tariff.per_km * link.distance_km
        amount = each * rt
        return PriceLine(
            "base freight",
            f"{_fmt(rt)} revenue tonnes (max of t and m3) x {_fmt(each)}",
            amount,
            tariff.currency,
            fen(network.to_cny(amount, tariff.currency)),
            tariff.valid_until,
        )

    def haul_fixed_fen(self, cl: CLink) -> int:
        """The fixed part of a truck link's base freight (fen): charged once per truck haul, so
        waived on a truck leg that continues the haul of the road leg before it. (A TIR leg is
        priced as a whole trip under its carnet: nothing of it is waived.)"""
        link = cl.link
        if link.mode is not Mode.TRUCK:
            return 0
        cargo = self.cargo
        network = self.cn.network
        # only a rate built as a fixed charge plus a distance rate has a haul charge to waive;
        # a flat lane price (no per-km part) is the whole price of that leg
        if cargo.is_containerised:
            total = 0.0
            for unit, count in self.boxes.items():
                tariff = link.tariffs.get(unit)
                if tariff is None or not tariff.per_km:
                    return 0
                total += network.to_cny(tariff.fixed, tariff.currency) * count
            return fen(total)
        tariff = link.tariffs.get(TariffUnit.WM)
        if tariff is None or not tariff.per_km:
            return 0
        return fen(network.to_cny(tariff.fixed, tariff.currency) * cargo.revenue_tonnes)

    def _matches(self, s: Surcharge, cl: CLink) -> bool:
        link = cl.link
        nodes = self.cn.nodes
        if s.mode is not link.mode or (s.service is not None and s.service != link.service):
            return False
        if s.from_jurisdiction and nodes[cl.origin].jurisdiction != s.from_jurisdiction:
            return False
        if s.to_jurisdiction and nodes[cl.destination].jurisdiction != s.to_jurisdiction:
            return False
        if s.cargo_class is CargoClass.REEFER:
            if not self.reefer:
                return False
        elif s.cargo_class is not None and s.cargo_class is not self.cargo.cargo_class:
            return False
        return s.min_box_cargo_kg is None or self.box_cargo_kg > s.min_box_cargo_kg

    def _surcharge_line(self, s: Surcharge, base: PriceLine) -> PriceLine | None:
        cargo = self.cargo
        unit = s.unit
        if unit is ChargeUnit.PCT:
            amount = base.amount * s.amount / 100.0
            basis = f"{_fmt(s.amount)} % of the base freight"
            currency = base.currency
        else:
            counted = self._quantity(unit, cargo.chargeable_air_kg, "chargeable kg")
            if counted is None:
                return None
            quantity, what = counted
            amount = s.amount * quantity
            basis = f"{what} at {_fmt(s.amount)}"
            currency = s.currency
        return PriceLine(
            s.name,
            f"{s.title}: {basis}",
            amount,
            currency,
            fen(self.cn.network.to_cny(amount, currency)),
            s.valid_until,
        )

    def _quantity(self, unit: ChargeUnit, kg: float, kg_what: str) -> tuple[float, str] | None:
        """How many ``unit`` this cargo counts (and the words for it): boxes of a size, TEU of
        space, revenue tonnes (loose cargo only) or ``kg``; None if the unit does not apply."""
        cargo = self.cargo
        if unit in _BOX_UNITS:
            count = self.boxes.get(_BOX_UNITS[unit], 0)
            return (count, f"{count} x {_UNIT_LABEL[_BOX_UNITS[unit]]}") if count else None
        if unit is ChargeUnit.TEU:
            return cargo.space_teu, f"{_fmt(cargo.space_teu)} TEU"
        if unit is ChargeUnit.WM:
            if cargo.is_containerised:
                return None
            return cargo.revenue_tonnes, f"{_fmt(cargo.revenue_tonnes)} revenue tonnes"
        if unit is ChargeUnit.KG:
            return kg, f"{_fmt(kg)} {kg_what}"
        return None

    def _mode_defaults(self, cl: CLink, base: PriceLine) -> list[PriceLine]:
        """The reefer and dangerous-goods surcharges of ``modes.csv`` for networks whose
        surcharge table names none (networks built in code, older datasets)."""
        out: list[PriceLine] = []
        params = self.cn.network.modes.get(cl.link.mode)
        if params is None:
            return out
        if self.reefer and "reefer" not in self._named and params.reefer_surcharge_pct:
            pct = params.reefer_surcharge_pct
            amount = base.amount * pct / 100.0
            out.append(
                PriceLine(
                    "reefer",
                    f"reefer surcharge: {_fmt(pct)} % of the base freight",
                    amount,
                    base.currency,
                    fen(self.cn.network.to_cny(amount, base.currency)),
                )
            )
        if (
            self.cargo.cargo_class is CargoClass.DANGEROUS
            and "DG" not in self._named
            and params.dg_surcharge_per_teu
        ):
            teu = self.cargo.space_teu
            amount = params.dg_surcharge_per_teu * teu
            out.append(
                PriceLine(
                    "DG",
                    f"dangerous-goods surcharge: {_fmt(teu)} TEU at "
                    f"{_fmt(params.dg_surcharge_per_teu)}",
                    amount,
                    params.dg_currency,
                    fen(self.cn.network.to_cny(amount, params.dg_currency)),
                )
            )
        return out

    # ------------------------------------------------------------------ at nodes
    def transfer_lines(self, from_mode: Mode, to_mode: Mode) -> tuple[PriceLine, ...]:
        """The cost of changing from a ``from_mode`` vehicle to a ``to_mode`` one (on top of the
        terminal's handling charges)."""
        out = []
        cargo = self.cargo
        for t in self.tables.transfer_costs:
            if t.from_mode is not from_mode or t.to_mode is not to_mode:
                continue
            if t.unit is ChargeUnit.KG and cargo.is_containerised:
                continue
            counted = self._quantity(t.unit, cargo.cargo_kg, "kg")
            if counted is None:
                continue
            quantity, basis = counted
            amount = t.amount * quantity
            if amount:
                out.append(
                    PriceLine(
                        "transfer",
                        f"{from_mode.value} to {to_mode.value}: {basis} at {_fmt(t.amount)}",
                        amount,
                        t.currency,
                        fen(self.cn.network.to_cny(amount, t.currency)),
                    )
                )
        return tuple(out)

    def ad_valorem_lines(
        self, scope: AdValoremScope, jurisdiction: str | None = None
    ) -> tuple[PriceLine, ...]:
        """Charges in percent of the declared cargo value (none without a declared value): the
        route's cargo insurance, or the cost of a transit guarantee in ``jurisdiction``."""
        value = self.cargo.value_cny
        if not value:
            return ()
        out = []
        network = self.cn.network
        for a in self.tables.ad_valorem:
            if a.applies is not scope or (
                jurisdiction is not None and a.jurisdiction != jurisdiction
            ):
                continue
            amount_cny = max(value * a.rate_pct / 100.0, network.to_cny(a.minimum, a.currency))
            out.append(
                PriceLine(
                    a.name,
                    f"{_fmt(a.rate_pct)} % of the declared value CNY {_fmt(value)}"
                    + (f" (minimum {_fmt(a.minimum)} {a.currency})" if a.minimum else ""),
                    amount_cny,
                    "CNY",
                    fen(amount_cny),
                )
            )
        return tuple(out)

    def road_overweight(self, jurisdiction: str) -> str | None:
        """Why a box of this cargo may not go by road in ``jurisdiction`` (None: it may)."""
        limits = self.tables.road_limits or {}
        limit = limits.get(jurisdiction)
        if limit is None or not self.cargo.is_containerised:
            return None
        for code, _ in self.cargo.containers:
            gross = self.box_cargo_kg + CONTAINER_TYPES[code].tare_kg
            if gross > limit.max_box_gross_kg + 1e-6:
                return (
                    f"a {code} box of {gross:,.0f} kg gross (cargo {self.box_cargo_kg:,.0f} kg + "
                    f"tare) is overweight for road in {jurisdiction}: at most "
                    f"{limit.max_box_gross_kg:,.0f} kg ({limit.max_gross_vehicle_kg:,.0f} kg "
                    f"gross vehicle weight less {limit.tractor_chassis_kg:,.0f} kg of tractor "
                    "and chassis)"
                )
        return None


def current_surcharges(rows: tuple[Surcharge, ...], on: date) -> tuple[Surcharge, ...]:
    """The surcharges that apply on day ``on``: of the rows with the same name and selectors,
    the one valid that day; if none is (the rate sheet has lapsed), the one that expired last,
    whose ``valid_until`` the quote then reports; rows that start later never apply."""
    best: dict[tuple[object, ...], Surcharge] = {}
    for s in rows:
        if s.valid_from is not None and s.valid_from > on:
            continue
        key = (
            s.name,
            s.mode,
            s.service,
            s.from_jurisdiction,
            s.to_jurisdiction,
            s.cargo_class,
            s.min_box_cargo_kg,
            s.unit,
        )
        held = best.get(key)
        if held is None or _rank(s, on) > _rank(held, on):
            best[key] = s
    return tuple(best.values())


def _rank(s: Surcharge, on: date) -> tuple[bool, date]:
    valid = s.valid_until is None or s.valid_until >= on
    return valid, s.valid_until or date.max


def storage_fen(per_day_fen: float, free_min: int, stay_min: int) -> int:
    """Storage of a stay of ``stay_min`` minutes with ``free_min`` free, pro rata per day."""
    extra = stay_min - free_min
    return round(per_day_fen * extra / MINUTES_PER_DAY) if extra > 0 else 0


def _earlier(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
