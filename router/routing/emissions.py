"""ISO 14083 / GLEC well-to-wheel emissions of a cargo on a compiled link and at a transfer.

With the network's emission factors (``emission_factors.csv``, :mod:`router.network.emissions`):

* container shipping (deep sea, feeder): grams per TEU-km by trade lane, the lane read from the
  countries of the link's ends (:func:`trade_lane`); independent of weight and tare;
* rail: grams per tonne-km of cargo, the link's distance split by country along its route
  (stops origin, ``via`` border nodes, destination; a stretch between two stops belongs to
  their country, or half to each when they differ), each country with its traction's factor;
* truck, TIR, barge: grams per tonne-km of cargo (the factor includes empty running);
* air: grams per tonne-km of actual cargo weight on the great-circle distance + 95 km (EN 16258);
* a transfer at a hub: grams per TEU handled (loose cargo: per 10 t).

Without factors (test and built networks) the modes' ``co2e_g_per_tkm`` apply per gross
tonne-km as before, all reported as TTW (:data:`FALLBACK_METHOD`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from router.network.emissions import DEFAULT_REGION, EmissionBasis, EmissionFactor
from router.network.geo import fraction_along, geodesic_km
from router.network.model import Link, Mode, Network
from router.routing.compiled import TERMINAL_MODES, CLink, CompiledNetwork
from router.routing.request import Cargo

METHOD = (
    "ISO 14083:2023 / GLEC Framework well-to-wheel (TTW + WTT): container shipping per TEU-km "
    "by trade lane; rail per cargo t-km by country and traction along the route; truck, barge "
    "per cargo t-km; air per cargo t-km on great-circle distance + 95 km; hub emissions per TEU "
    "transferred"
)
FALLBACK_METHOD = (
    "fallback: mode intensity (modes.csv co2e_g_per_tkm) per gross t-km, no emission factors; "
    "not split (all reported as TTW)"
)
#: EN 16258 air distance: great-circle distance plus 95 km
AIR_GCD_UPLIFT_KM = 95.0
#: loose cargo counts one TEU per 10 t at a transfer (the search's convention)
KG_PER_TEU_TRANSFER = 10_000.0
SEA_MODES = (Mode.DEEPSEA, Mode.FEEDER)

#: ISO country -> trade-lane region
LANE_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        ("CN", "HK", "MO", "TW", "JP", "KR", "SG", "MY", "TH", "VN", "ID", "PH", "KH"), "asia"
    ),
    **dict.fromkeys(
        ("NL", "BE", "DE", "GB", "FR", "PL", "DK", "SE", "NO", "FI", "IE", "EE", "LV", "LT"),
        "north_europe",
    ),
    **dict.fromkeys(("US", "CA"), "north_america"),
    **dict.fromkeys(("AE", "SA", "OM", "QA", "KW", "BH", "IR", "IQ", "IN", "PK"), "middle_east"),
}
#: pair of regions -> lane code of ``emission_factors.csv``
LANES: dict[frozenset[str], str] = {
    frozenset({"asia"}): "intra_asia",
    frozenset({"asia", "north_europe"}): "asia-north_europe",
    frozenset({"asia", "north_america"}): "transpacific",
    frozenset({"asia", "middle_east"}): "asia-middle_east",
}


class Unit(StrEnum):
    """What a link's grams are per, for a cargo."""

    TEU = "teu"
    CARGO_T = "cargo_t"
    GROSS_T = "gross_t"  # fallback: gross tonnes (cargo + tare; cargo only by air)


@dataclass(frozen=True, slots=True)
class LinkEmissions:
    """A link's emissions per unit of cargo over its whole distance, TTW and WTT grams."""

    unit: Unit
    ttw_g: float
    wtt_g: float
    factor_ids: tuple[str, ...] = ()


@dataclass
class _Tables:
    factors: dict[tuple[Mode, EmissionBasis, str], EmissionFactor]
    links: dict[int, LinkEmissions] = field(default_factory=dict)


def _tables(cn: CompiledNetwork) -> _Tables:
    key = ("emission-tables",)
    tables = cn.memo_get(key)
    if tables is None:
        factors = {(f.mode, f.basis, f.region): f for f in cn.network.emission_factors}
        tables = _Tables(factors)
        cn.memo_put(key, tables)
    assert isinstance(tables, _Tables)
    return tables


def emissions_method(cn: CompiledNetwork) -> str:
    """The method statement of the quote (:data:`METHOD`, or :data:`FALLBACK_METHOD`)."""
    return METHOD if cn.network.emission_factors else FALLBACK_METHOD


def trade_lane(network: Network, link: Link) -> str:
    """The trade-lane code of a sea link, from its ends' countries (``default`` if unknown)."""
    regions = frozenset(
        LANE_REGIONS.get(network.nodes[n].country, "other") for n in (link.origin, link.destination)
    )
    return LANES.get(regions, DEFAULT_REGION)


def _find(
    tables: _Tables, modes: Iterable[Mode], basis: EmissionBasis, regions: Iterable[str]
) -> EmissionFactor | None:
    for mode in modes:
        for region in regions:
            factor = tables.factors.get((mode, basis, region))
            if factor is not None:
                return factor
    return None


def _country_km(network: Network, link: Link) -> dict[str, float]:
    """The link's distance by country: stops origin, via..., destination placed along its
    geometry; a stretch between two stops is its country's, or half each's when they differ."""
    stops = [network.nodes[n] for n in (link.origin, *link.via, link.destination)]
    fractions = [0.0]
    for node in stops[1:-1]:
        fractions.append(max(fractions[-1], fraction_along(link.geometry, node.lon, node.lat)))
    fractions.append(1.0)
    out: dict[str, float] = {}
    for k in range(len(stops) - 1):
        km = link.distance_km * (fractions[k + 1] - fractions[k])
        a, b = stops[k].country, stops[k + 1].country
        for country, share in ((a, 1.0),) if a == b else ((a, 0.5), (b, 0.5)):
            out[country] = out.get(country, 0.0) + km * share
    return out


def _link_emissions(cn: CompiledNetwork, cl: CLink, tables: _Tables) -> LinkEmissions:
    network, link = cn.network, cl.link
    mode = link.mode
    origin_country = network.nodes[link.origin].country
    if mode in SEA_MODES:
        regions = (trade_lane(network, link), DEFAULT_REGION)
        factor = _find(tables, (mode, Mode.DEEPSEA), EmissionBasis.TEU_KM, regions)
        if factor is not None:
            km = link.distance_km
            return LinkEmissions(Unit.TEU, factor.ttw_g * km, factor.wtt_g * km, (factor.id,))
    if mode is Mode.RAIL and tables.factors:
        ttw = wtt = 0.0
        ids: list[str] = []
        found = True
        for country, km in sorted(_country_km(network, link).items()):
            factor = _find(tables, (mode,), EmissionBasis.TKM, (country, DEFAULT_REGION))
            if factor is None:
                found = False
                break
            ttw += factor.ttw_g * km
            wtt += factor.wtt_g * km
            if factor.id not in ids:
                ids.append(factor.id)
        if found:
            return LinkEmissions(Unit.CARGO_T, ttw, wtt, tuple(ids))
    elif tables.factors:
        factor = _find(tables, (mode,), EmissionBasis.TKM, (origin_country, DEFAULT_REGION))
        if factor is not None:
            km = link.distance_km
            if mode is Mode.AIR:
                a, b = network.nodes[link.origin], network.nodes[link.destination]
                km = geodesic_km(a.lon, a.lat, b.lon, b.lat) + AIR_GCD_UPLIFT_KM
            return LinkEmissions(Unit.CARGO_T, factor.ttw_g * km, factor.wtt_g * km, (factor.id,))
    return LinkEmissions(Unit.GROSS_T, cl.co2e_g_per_tkm * link.distance_km, 0.0)


def link_emissions(cn: CompiledNetwork, cl: CLink) -> LinkEmissions:
    """The emissions of ``cl`` per unit of cargo (computed once per link, kept on ``cn``)."""
    tables = _tables(cn)
    cached = tables.links.get(cl.index)
    if cached is None:
        cached = tables.links[cl.index] = _link_emissions(cn, cl, tables)
    return cached


def _units(unit: Unit, mode: Mode, cargo: Cargo) -> float:
    if unit is Unit.TEU:
        return float(cargo.teu) if cargo.is_containerised else cargo.space_teu
    if unit is Unit.CARGO_T:
        return cargo.cargo_kg / 1000.0
    return (cargo.cargo_kg if mode is Mode.AIR else cargo.gross_kg) / 1000.0


def leg_emissions_g(cn: CompiledNetwork, cl: CLink, cargo: Cargo) -> tuple[int, int]:
    """(TTW grams, WTT grams) CO2e of ``cargo`` on the compiled link ``cl``; their sum is the
    well-to-wheel emission."""
    per_unit = link_emissions(cn, cl)
    units = _units(per_unit.unit, cl.link.mode, cargo)
    return int(round(per_unit.ttw_g * units)), int(round(per_unit.wtt_g * units))


def transfer_emissions_g(
    cn: CompiledNetwork, node_index: int, mode: Mode, cargo: Cargo
) -> tuple[int, int]:
    """(TTW grams, WTT grams) CO2e of one transfer of ``cargo`` at node ``node_index`` onto or
    off a vehicle of ``mode`` (hub emissions); per TEU handled, loose cargo per 10 t."""
    teu = float(cargo.teu) if cargo.is_containerised else cargo.cargo_kg / KG_PER_TEU_TRANSFER
    tables = _tables(cn)
    if not tables.factors:
        params = cn.network.modes.get(mode)
        return (int(round(params.transfer_co2e_kg_per_teu * 1000.0 * teu)) if params else 0), 0
    country = cn.nodes[node_index].country
    factor = _find(tables, (mode,), EmissionBasis.TRANSFER_TEU, (country, DEFAULT_REGION))
    if factor is None:
        return 0, 0
    return int(round(factor.ttw_g * teu)), int(round(factor.wtt_g * teu))


def road_emissions_g(cn: CompiledNetwork, country: str, km: float, cargo: Cargo) -> tuple[int, int]:
    """(TTW, WTT) grams of ``cargo`` trucked ``km`` in ``country`` off the network (first and
    last mile), on the same basis as the network's truck links."""
    tables = _tables(cn)
    factor = _find(tables, (Mode.TRUCK,), EmissionBasis.TKM, (country, DEFAULT_REGION))
    if factor is None:
        params = cn.network.modes.get(Mode.TRUCK)
        per_tkm = params.co2e_g_per_tkm if params else 0.0
        return int(round(cargo.gross_kg / 1000.0 * km * per_tkm)), 0
    tonnes = cargo.cargo_kg / 1000.0
    return int(round(tonnes * km * factor.ttw_g)), int(round(tonnes * km * factor.wtt_g))


def leg_co2e_split(cn: CompiledNetwork, cl: CLink, cargo: Cargo) -> tuple[int, int]:
    """(TTW, WTT) grams CO2e of ``cargo`` on ``cl`` (ISO 14083 / GLEC well-to-wheel), with the
    hub emissions of the transfer at its origin for vessels, barges, trains and aircraft."""
    ttw, wtt = leg_emissions_g(cn, cl, cargo)
    if cl.link.mode in TERMINAL_MODES:
        hub_ttw, hub_wtt = transfer_emissions_g(cn, cl.origin, cl.link.mode, cargo)
        ttw, wtt = ttw + hub_ttw, wtt + hub_wtt
    return ttw, wtt
