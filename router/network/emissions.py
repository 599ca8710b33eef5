"""Emission factors of the network (DESIGN.md §2.3): ISO 14083 / GLEC well-to-wheel intensities,
split tank-to-wheel (TTW) and well-to-tank (WTT), on one basis per mode.

One row of the optional ``emission_factors.csv`` (data/FORMAT.md) is one factor:

* ``teu_km``: grams per TEU-km, container shipping by trade lane (``region`` is a lane code,
  e.g. ``asia-north_europe``; ``default`` for any other lane);
* ``tkm``: grams per tonne-km of cargo (truck, TIR, barge, air; rail by ``region`` = ISO country
  and ``traction``; ``default`` for a country without a row);
* ``transfer_teu``: grams per TEU for one transfer at a hub (``region`` is the mode of the
  terminal, ``default`` otherwise).

Electricity has no TTW emissions (ISO 14083): an electric row puts all of it under WTT.
:func:`read_emission_factors` reads the rows and reports every problem on its row;
:func:`emission_factor_rows` is its inverse (export).
"""

from __future__ import annotations

from collections.abc import Iterable

from router.network.fields import Row
from router.network.model import EmissionBasis, EmissionFactor, Mode, Traction

EMISSION_FACTORS_FILE = "emission_factors.csv"
EMISSION_COLUMNS: dict[str, tuple[str, ...]] = {
    EMISSION_FACTORS_FILE: ("id", "mode", "basis", "region", "ttw_g", "wtt_g"),
}
#: the region of the factor that applies where no more specific row does
DEFAULT_REGION = "default"


def read_emission_factors(rows: Iterable[Row]) -> tuple[EmissionFactor, ...]:
    """The factors of ``rows`` (none when the optional file is absent); one per (mode, basis,
    region), each problem reported on its row."""
    result: list[EmissionFactor] = []
    seen_ids: set[str] = set()
    seen_keys: set[tuple[Mode, EmissionBasis, str]] = set()
    for row in rows:
        factor_id = row.text("id")
        mode = row.enum("mode", Mode)
        basis = row.enum("basis", EmissionBasis)
        region = row.text("region")
        traction = row.enum("traction", Traction, required=False)
        ttw = row.number("ttw_g")
        wtt = row.number("wtt_g")
        load_factor = row.number("load_factor", required=False, positive=True, maximum=1.0)
        if factor_id is not None and factor_id in seen_ids:
            row.error("id", f"duplicate id {factor_id!r}")
            continue
        if None in (factor_id, mode, basis, region, ttw, wtt):
            continue
        assert factor_id is not None and mode is not None and basis is not None
        assert region is not None and ttw is not None and wtt is not None
        seen_ids.add(factor_id)
        if basis is EmissionBasis.TEU_KM and mode not in (Mode.DEEPSEA, Mode.FEEDER, Mode.BARGE):
            row.error("basis", f"'teu_km' is for container shipping, not {mode.value!r}")
            continue
        if traction is Traction.ELECTRIC and ttw > 0:
            row.error("ttw_g", "electric traction has no tank-to-wheel emissions (ISO 14083)")
            continue
        key = (mode, basis, region)
        if key in seen_keys:
            row.error("region", f"a second {basis.value} factor for {mode.value} in {region!r}")
            continue
        seen_keys.add(key)
        result.append(
            EmissionFactor(
                id=factor_id,
                mode=mode,
                basis=basis,
                region=region,
                ttw_g=ttw,
                wtt_g=wtt,
                traction=traction,
                load_factor=load_factor,
                source=row.text("source", required=False) or "",
            )
        )
    return tuple(result)


def _cell(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def emission_factor_rows(factors: Iterable[EmissionFactor]) -> dict[str, list[dict[str, str]]]:
    """The factors as rows of text cells (the inverse of :func:`read_emission_factors`); no
    file when there are none."""
    rows = [
        {
            "id": f.id,
            "mode": f.mode.value,
            "basis": f.basis.value,
            "region": f.region,
            "traction": f.traction.value if f.traction else "",
            "ttw_g": _cell(f.ttw_g),
            "wtt_g": _cell(f.wtt_g),
            "load_factor": _cell(f.load_factor),
            "source": f.source,
        }
        for f in factors
    ]
    return {EMISSION_FACTORS_FILE: rows} if rows else {}
