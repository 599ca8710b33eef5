"""Commercial price tables of the network (DESIGN.md §2.3): named freight surcharges, transfer
costs by mode pair, ad-valorem charges, demurrage and detention tariffs, and road weight limits.

Every figure keeps the currency it was given in (converted with the network's FX table when
priced) and a ``source``; surcharges carry their ``as_of`` date and validity, so a quote can
state ``valid_until`` (the earliest expiry of the rates it uses). The tables are read from
optional CSV files (``surcharges.csv``, ``transfer_costs.csv``, ``ad_valorem.csv``,
``demurrage.csv``, ``road_limits.csv``; data/FORMAT.md) by :func:`read_pricing`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum

from router.network.fields import Row
from router.network.model import (
    SURCHARGE_NAMES,
    AdValorem,
    AdValoremScope,
    CargoClass,
    ChargeUnit,
    DemurrageTariff,
    Mode,
    PricingTables,
    RoadLimit,
    Surcharge,
    TransferCost,
)

SURCHARGES_FILE = "surcharges.csv"
TRANSFER_COSTS_FILE = "transfer_costs.csv"
AD_VALOREM_FILE = "ad_valorem.csv"
DEMURRAGE_FILE = "demurrage.csv"
ROAD_LIMITS_FILE = "road_limits.csv"

__all__ = [
    "SURCHARGE_NAMES",
    "AdValorem",
    "AdValoremScope",
    "ChargeUnit",
    "DemurrageTariff",
    "PricingTables",
    "RoadLimit",
    "Surcharge",
    "TransferCost",
    "pricing_rows",
    "read_pricing",
]

PRICING_COLUMNS: dict[str, tuple[str, ...]] = {
    SURCHARGES_FILE: ("id", "name", "mode", "unit", "amount", "currency", "as_of"),
    TRANSFER_COSTS_FILE: ("from_mode", "to_mode", "unit", "amount", "currency"),
    AD_VALOREM_FILE: ("name", "applies", "rate_pct", "currency"),
    DEMURRAGE_FILE: ("node_id", "charge", "unit", "free_days", "amount_per_day", "currency"),
    ROAD_LIMITS_FILE: ("jurisdiction", "max_gross_vehicle_kg", "tractor_chassis_kg"),
}

RowsFn = Callable[[str], Iterable[Row]]


def _currency(row: Row, fx: Mapping[str, float], fld: str = "currency") -> str | None:
    currency = row.text(fld)
    if currency is not None and currency not in fx:
        row.error(fld, f"unknown currency {currency!r} (not in fx.csv)")
        return None
    return currency


def _known(row: Row, fld: str, value: str | None, allowed: Iterable[str], what: str) -> str | None:
    if value is not None and value not in set(allowed):
        row.error(fld, f"unknown {what} {value!r}")
        return None
    return value


def _surcharges(rows: Iterable[Row], fx: Mapping[str, float], codes: set[str]) -> list[Surcharge]:
    out: list[Surcharge] = []
    seen: set[str] = set()
    for row in rows:
        ident = row.text("id")
        if ident is not None and ident in seen:
            row.error("id", f"duplicate id {ident!r}")
            continue
        name = row.text("name")
        mode = row.enum("mode", Mode)
        unit = row.enum("unit", ChargeUnit)
        amount = row.number("amount")
        currency = _currency(row, fx)
        as_of = row.day("as_of")
        if as_of is None and row.text("as_of", required=False) is None:
            row.error("as_of", "is required but empty")
        valid_from, valid_until = row.day("valid_from"), row.day("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            row.error("valid_until", f"{valid_until} is before valid_from {valid_from}")
        cargo_class = row.enum("cargo_class", CargoClass, required=False)
        j_from = _known(
            row,
            "from_jurisdiction",
            row.text("from_jurisdiction", required=False),
            codes,
            "jurisdiction",
        )
        j_to = _known(
            row,
            "to_jurisdiction",
            row.text("to_jurisdiction", required=False),
            codes,
            "jurisdiction",
        )
        min_kg = row.number("min_box_cargo_kg", required=False)
        if None in (ident, name, mode, unit, amount, currency, as_of):
            continue
        assert ident and name and mode and unit and currency and as_of and amount is not None
        seen.add(ident)
        out.append(
            Surcharge(
                ident,
                name,
                mode,
                unit,
                amount,
                currency,
                as_of,
                service=row.text("service", required=False),
                from_jurisdiction=j_from,
                to_jurisdiction=j_to,
                cargo_class=cargo_class,
                min_box_cargo_kg=min_kg,
                valid_from=valid_from,
                valid_until=valid_until,
                source=row.text("source", required=False) or "",
            )
        )
    return out


def _transfer_costs(rows: Iterable[Row], fx: Mapping[str, float]) -> list[TransferCost]:
    out: list[TransferCost] = []
    seen: set[tuple[Mode, Mode, ChargeUnit]] = set()
    for row in rows:
        a, b = row.enum("from_mode", Mode), row.enum("to_mode", Mode)
        unit = row.enum("unit", ChargeUnit)
        if unit is ChargeUnit.PCT or unit is ChargeUnit.TEU:
            row.error("unit", f"a transfer is priced per box, wm or kg, not {unit.value!r}")
            unit = None
        amount, currency = row.number("amount"), _currency(row, fx)
        if a is None or b is None or unit is None or amount is None or currency is None:
            continue
        if (a, b, unit) in seen:
            row.error("unit", f"duplicate transfer cost {a.value} -> {b.value} per {unit.value}")
            continue
        seen.add((a, b, unit))
        out.append(
            TransferCost(a, b, unit, amount, currency, row.text("source", required=False) or "")
        )
    return out


def _ad_valorem(rows: Iterable[Row], fx: Mapping[str, float], codes: set[str]) -> list[AdValorem]:
    out: list[AdValorem] = []
    for row in rows:
        name = row.text("name")
        applies = row.enum("applies", AdValoremScope)
        rate = row.number("rate_pct", maximum=100.0)
        currency = _currency(row, fx)
        jurisdiction = _known(
            row, "jurisdiction", row.text("jurisdiction", required=False), codes, "jurisdiction"
        )
        if applies is AdValoremScope.TRANSIT_DECLARATION and jurisdiction is None:
            row.error("jurisdiction", "a transit-declaration charge names its jurisdiction")
            continue
        minimum = row.number("minimum", required=False, default=0.0) or 0.0
        if name is None or applies is None or rate is None or currency is None:
            continue
        out.append(
            AdValorem(
                name,
                applies,
                rate,
                currency,
                jurisdiction,
                minimum,
                row.text("source", required=False) or "",
            )
        )
    return out


def _demurrage(
    rows: Iterable[Row], fx: Mapping[str, float], node_ids: set[str]
) -> list[DemurrageTariff]:
    out: list[DemurrageTariff] = []
    for row in rows:
        node_id = _known(row, "node_id", row.text("node_id"), node_ids, "node")
        charge = _known(row, "charge", row.text("charge"), ("demurrage", "detention"), "charge")
        unit = row.enum("unit", ChargeUnit)
        if unit is not None and unit not in (ChargeUnit.C20, ChargeUnit.C40, ChargeUnit.C40HC):
            row.error("unit", f"demurrage is per box (20, 40, 40HC), not {unit.value!r}")
            unit = None
        free, per_day = row.number("free_days"), row.number("amount_per_day")
        currency = _currency(row, fx)
        if None in (node_id, charge, unit, free, per_day, currency):
            continue
        assert node_id and charge and unit and currency and free is not None and per_day is not None
        out.append(
            DemurrageTariff(
                node_id,
                charge,
                unit,
                free,
                per_day,
                currency,
                row.text("source", required=False) or "",
            )
        )
    return out


def _road_limits(rows: Iterable[Row], codes: set[str]) -> dict[str, RoadLimit]:
    out: dict[str, RoadLimit] = {}
    for row in rows:
        code = _known(row, "jurisdiction", row.text("jurisdiction"), codes, "jurisdiction")
        gvw = row.number("max_gross_vehicle_kg", positive=True)
        tare = row.number("tractor_chassis_kg", positive=True)
        if code is None or gvw is None or tare is None:
            continue
        if tare >= gvw:
            row.error("tractor_chassis_kg", f"{tare:g} kg leaves no payload under {gvw:g} kg")
            continue
        if code in out:
            row.error("jurisdiction", f"duplicate id {code!r}")
            continue
        out[code] = RoadLimit(code, gvw, tare, row.text("source", required=False) or "")
    return out


def read_pricing(
    rows: RowsFn, fx: Mapping[str, float], jurisdictions: Iterable[str], node_ids: Iterable[str]
) -> PricingTables:
    """The price tables from ``rows(file)`` (rows of an optional file; none if it is absent),
    with every problem reported on its row."""
    codes, nodes = set(jurisdictions), set(node_ids)
    return PricingTables(
        surcharges=tuple(_surcharges(rows(SURCHARGES_FILE), fx, codes)),
        transfer_costs=tuple(_transfer_costs(rows(TRANSFER_COSTS_FILE), fx)),
        ad_valorem=tuple(_ad_valorem(rows(AD_VALOREM_FILE), fx, codes)),
        demurrage=tuple(_demurrage(rows(DEMURRAGE_FILE), fx, nodes)),
        road_limits=_road_limits(rows(ROAD_LIMITS_FILE), codes),
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else repr(value)
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def pricing_rows(tables: PricingTables | None) -> dict[str, list[dict[str, str]]]:
    """The price tables as rows of text cells, per file (the inverse of :func:`read_pricing`);
    empty tables are left out."""
    if tables is None:
        return {}
    out: dict[str, list[dict[str, str]]] = {
        SURCHARGES_FILE: [
            {
                "id": s.id,
                "name": s.name,
                "mode": s.mode.value,
                "service": _cell(s.service),
                "from_jurisdiction": _cell(s.from_jurisdiction),
                "to_jurisdiction": _cell(s.to_jurisdiction),
                "cargo_class": _cell(s.cargo_class),
                "unit": s.unit.value,
                "amount": _cell(s.amount),
                "currency": s.currency,
                "min_box_cargo_kg": _cell(s.min_box_cargo_kg),
                "valid_from": _cell(s.valid_from),
                "valid_until": _cell(s.valid_until),
                "as_of": _cell(s.as_of),
                "source": s.source,
            }
            for s in tables.surcharges
        ],
        TRANSFER_COSTS_FILE: [
            {
                "from_mode": t.from_mode.value,
                "to_mode": t.to_mode.value,
                "unit": t.unit.value,
                "amount": _cell(t.amount),
                "currency": t.currency,
                "source": t.source,
            }
            for t in tables.transfer_costs
        ],
        AD_VALOREM_FILE: [
            {
                "name": a.name,
                "applies": a.applies.value,
                "jurisdiction": _cell(a.jurisdiction),
                "rate_pct": _cell(a.rate_pct),
                "minimum": _cell(a.minimum),
                "currency": a.currency,
                "source": a.source,
            }
            for a in tables.ad_valorem
        ],
        DEMURRAGE_FILE: [
            {
                "node_id": d.node_id,
                "charge": d.charge,
                "unit": d.unit.value,
                "free_days": _cell(d.free_days),
                "amount_per_day": _cell(d.amount_per_day),
                "currency": d.currency,
                "source": d.source,
            }
            for d in tables.demurrage
        ],
        ROAD_LIMITS_FILE: [
            {
                "jurisdiction": r.jurisdiction,
                "max_gross_vehicle_kg": _cell(r.max_gross_vehicle_kg),
                "tractor_chassis_kg": _cell(r.tractor_chassis_kg),
                "source": r.source,
            }
            for r in (tables.road_limits or {}).values()
        ],
    }
    return {name: rows for name, rows in out.items() if rows}
