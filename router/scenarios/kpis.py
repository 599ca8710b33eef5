"""KPIs of scenario runs (DESIGN.md §7; issue 14): what a planner compares between the baseline
and each scenario, computed with polars from the tables a run writes
(:data:`router.scenarios.tables.SHIPMENTS_SCHEMA`, :data:`~router.scenarios.tables.LEGS_SCHEMA`).

Units are in the column names (``_cny`` yuan, ``_days``, ``_h`` hours, ``_kg``, ``teu``,
``teu_km``, ``_share`` a fraction 0-1). Definitions (docs/scenario-reports.md has the full list):

* costs, times, CO2e and customs hours are over *routed* shipments; ``teu`` and ``weight_kg``
  count the whole demand, ``teu_routed`` / ``weight_kg_routed`` the routed part;
* loose cargo has ``teu`` 0, so per-TEU figures (``cost_cny_per_teu``) cover containerised
  shipments only and loose cargo gets its own per-tonne figure (``cost_cny_per_tonne_loose``);
  mode shares are given by TEU and by weight;
* ``door_to_door_days_p90`` is the linearly interpolated 90th percentile;
* ``on_time_share``: routed shipments with a deadline that arrive by it / routed shipments with
  a deadline; ``on_time_share_all`` counts a shipment with a deadline and no route as late;
* utilisation per service: space carried on the service's departures / space offered
  (per-departure capacity x the departures the timetable lists within the demand's horizon);
  TEU on container services, kg on air services (their capacity is in kg);
* select-link: the shipments whose route touches a chosen node (a leg from or to it, a link
  passing it, or a border crossing on the route), runs on a chosen link or uses a service.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import polars as pl

from router.errors import NotFoundError
from router.network.capacity import tracked_links
from router.network.model import Network, NodeKind, ScheduleKind
from router.network.timetable import departures

log = logging.getLogger(__name__)

#: how :func:`changed_routes` classifies a shipment, baseline -> scenario
CHANGE_CLASSES = (
    "same_route",
    "other_route_same_mode",
    "mode_shift",
    "newly_routed",
    "lost_route",
    "never_routed",
)
#: what a select-link item names
SELECT_KINDS = ("node", "border", "link", "service", "absent")
#: the tables :func:`run_kpis` returns
KPI_TABLES = (
    "totals",
    "by_od",
    "mode_share",
    "mode_share_by_od",
    "teu_km_by_mode",
    "utilisation",
    "utilisation_links",
    "select_link",
)
OD = ["origin", "destination"]
P90 = 0.9

_ROUTED = pl.col("status") == "routed"


#: KPI inputs are rounded to multiples of 2**-10 (about 0.001 of their unit) before they are
#: summed: a sum of such numbers is exact in float64 while it stays below 2**43 (8.8e12), so it
#: does not depend on the order of its terms, and the KPI tables of equal runs are equal
#: whatever way polars splits an aggregation over its threads (it does not fix that order) or
#: the engine's parts were concatenated
_QUANTUM = 1024.0


def exact_summands(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with its float columns rounded to multiples of 2**-10 (see :data:`_QUANTUM`)."""
    floats = [name for name, dtype in df.schema.items() if dtype.is_float()]
    return df.with_columns(
        (pl.col(name) * _QUANTUM).round().truediv(_QUANTUM).cast(df.schema[name]) for name in floats
    )


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num / den, null when den is 0 (no inf/NaN in the tables)."""
    return pl.when(den > 0).then(num / den).otherwise(None)


def _kpi_exprs() -> list[pl.Expr]:
    """The KPI aggregations over a shipments table joined with its legs' ``teu_km`` /
    ``tonne_km`` (the same expressions give the totals and each OD's row)."""
    routed = _ROUTED
    boxed = routed & (pl.col("teu") > 0)
    loose = routed & (pl.col("teu") <= 0)
    deadline = pl.col("deadline").is_not_null()
    days = pl.col("door_to_door_days").filter(routed)
    on_time = pl.col("on_time").fill_null(False)

    def routed_sum(name: str) -> pl.Expr:
        return pl.col(name).filter(routed).sum().cast(pl.Float64)

    def routed_mean(name: str) -> pl.Expr:
        return pl.col(name).filter(routed).cast(pl.Float64).mean()

    def count(cond: pl.Expr) -> pl.Expr:
        return cond.sum().cast(pl.Int64)

    return [
        pl.len().cast(pl.Int64).alias("shipments"),
        count(routed).alias("shipments_routed"),
        count(pl.col("status") == "no_route").alias("shipments_no_route"),
        count(pl.col("status") == "unassigned").alias("shipments_unassigned"),
        count(pl.col("teu") <= 0).alias("shipments_loose"),
        pl.col("teu").sum().cast(pl.Float64).alias("teu"),
        routed_sum("teu").alias("teu_routed"),
        pl.col("weight_kg").sum().cast(pl.Float64).alias("weight_kg"),
        routed_sum("weight_kg").alias("weight_kg_routed"),
        routed_sum("cost_cny").alias("cost_cny"),
        _ratio(pl.col("cost_cny").filter(boxed).sum(), pl.col("teu").filter(boxed).sum()).alias(
            "cost_cny_per_teu"
        ),
        _ratio(
            pl.col("cost_cny").filter(loose).sum(),
            pl.col("weight_kg").filter(loose).sum() / 1000.0,
        ).alias("cost_cny_per_tonne_loose"),
        days.cast(pl.Float64).mean().alias("door_to_door_days_mean"),
        days.cast(pl.Float64).quantile(P90, "linear").alias("door_to_door_days_p90"),
        count(deadline).alias("shipments_with_deadline"),
        _ratio(
            on_time.filter(routed & deadline).sum().cast(pl.Float64),
            (routed & deadline).sum().cast(pl.Float64),
        ).alias("on_time_share"),
        _ratio(
            on_time.filter(routed & deadline).sum().cast(pl.Float64),
            deadline.sum().cast(pl.Float64),
        ).alias("on_time_share_all"),
        routed_sum("co2e_ttw_kg").alias("co2e_ttw_kg"),
        routed_sum("co2e_wtt_kg").alias("co2e_wtt_kg"),
        (routed_sum("co2e_ttw_kg") + routed_sum("co2e_wtt_kg")).alias("co2e_wtw_kg"),
        routed_mean("customs_h").alias("customs_h_mean"),
        routed_sum("customs_h").alias("customs_h_total"),
        routed_mean("dwell_h").alias("dwell_h_mean"),
        routed_mean("waiting_h").alias("waiting_h_mean"),
        routed_mean("transit_h").alias("transit_h_mean"),
        routed_mean("transfers").alias("transfers_mean"),
        routed_sum("teu_km").alias("teu_km"),
        routed_sum("tonne_km").alias("tonne_km"),
    ]


def _with_leg_totals(shipments: pl.DataFrame, legs: pl.DataFrame) -> pl.DataFrame:
    """``shipments`` with each shipment's ``teu_km`` and ``tonne_km`` summed over its legs."""
    per_shipment = legs.group_by("shipment_id").agg(
        pl.col("teu_km").sum().cast(pl.Float64), pl.col("tonne_km").sum().cast(pl.Float64)
    )
    return shipments.join(per_shipment, on="shipment_id", how="left").with_columns(
        pl.col("teu_km").fill_null(0.0), pl.col("tonne_km").fill_null(0.0)
    )


def totals(shipments: pl.DataFrame, legs: pl.DataFrame) -> pl.DataFrame:
    """The KPIs over every shipment: one row."""
    return _with_leg_totals(shipments, legs).select(_kpi_exprs())


def by_od(shipments: pl.DataFrame, legs: pl.DataFrame) -> pl.DataFrame:
    """The KPIs of each origin-destination pair (demand codes), one row per pair."""
    return _with_leg_totals(shipments, legs).group_by(OD).agg(_kpi_exprs()).sort(OD)


def mode_share(shipments: pl.DataFrame, od: bool = False) -> pl.DataFrame:
    """Routed shipments by their ``main_mode``: count, TEU, weight and their shares (0-1) of the
    routed total (of the OD's routed total with ``od``). Loose cargo counts in the weight share
    only (its TEU are 0)."""
    keys = [*OD, "main_mode"] if od else ["main_mode"]
    over = OD if od else None
    grouped = (
        shipments.filter(_ROUTED)
        .group_by(keys)
        .agg(
            pl.len().cast(pl.Int64).alias("shipments"),
            pl.col("teu").sum().cast(pl.Float64).alias("teu"),
            pl.col("weight_kg").sum().cast(pl.Float64).alias("weight_kg"),
        )
    )

    def share(name: str) -> pl.Expr:
        total = pl.col(name).sum() if over is None else pl.col(name).sum().over(over)
        return _ratio(pl.col(name), total)

    return grouped.with_columns(
        share("teu").alias("teu_share"), share("weight_kg").alias("weight_share")
    ).sort(keys)


def teu_km_by_mode(legs: pl.DataFrame) -> pl.DataFrame:
    """Legs by mode: TEU-km, tonne-km, CO2e and cost, with the TEU-km and tonne-km shares."""
    grouped = legs.group_by("mode").agg(
        pl.len().cast(pl.Int64).alias("legs"),
        pl.col("shipment_id").n_unique().cast(pl.Int64).alias("shipments"),
        *(
            pl.col(c).sum().cast(pl.Float64)
            for c in ("teu_km", "tonne_km", "co2e_ttw_kg", "co2e_wtt_kg", "cost_cny")
        ),
    )
    return grouped.with_columns(
        _ratio(pl.col("teu_km"), pl.col("teu_km").sum()).alias("teu_km_share"),
        _ratio(pl.col("tonne_km"), pl.col("tonne_km").sum()).alias("tonne_km_share"),
    ).sort("mode")


# ------------------------------------------------------------------ utilisation
def demand_horizon(shipments: pl.DataFrame) -> tuple[datetime, datetime] | None:
    """The days the demand is ready in: midnight of the first ready day to midnight after the
    last (Asia/Shanghai); None for an empty table."""
    ready = shipments.get_column("ready").drop_nulls()
    if ready.is_empty():
        return None
    first, last = ready.min(), ready.max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    start = first.replace(hour=0, minute=0, second=0, microsecond=0)
    end = last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return start, end


def service_key(service: str, link_id: str) -> str:
    """The service a link belongs to: its service code, or its own id when it has none."""
    return service or link_id


_LINK_OFFER_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "link_id": pl.String,
    "service": pl.String,
    "mode": pl.String,
    "space_unit": pl.String,
    "capacity_per_departure": pl.Float64,
    "departures": pl.Int64,
}


def offered_space(network: Network, start: datetime, end: datetime) -> pl.DataFrame:
    """Every capacity-tracked timetabled link with its departures in ``[start, end)`` (the one
    departure rule of :mod:`router.network.timetable`, closures respected) and its space per
    departure (``space_unit`` teu, or kg on air links)."""
    rows = []
    for link_id, space in tracked_links(network).items():
        link = network.links[link_id]
        if link.schedule.kind is ScheduleKind.ANY:
            continue
        count = sum(1 for _ in departures(network, link, start, end))
        rows.append(
            (
                link_id,
                service_key(link.service, link_id),
                link.mode.value,
                space.unit,
                space.capacity,
                count,
            )
        )
    return pl.DataFrame(rows, schema=_LINK_OFFER_SCHEMA, orient="row")


def utilisation(
    legs: pl.DataFrame, network: Network, horizon: tuple[datetime, datetime] | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per service, per link) utilisation over ``horizon``: space carried on the departures
    leaving within it / space offered by them. Space is TEU on container services (loose cargo
    takes none: the run tables carry no volume) and kg on air services.

    Columns: ``service`` (code; a link without one is its own service), ``mode``,
    ``space_unit``, ``links``, ``departures``, ``departures_used``, ``capacity_teu_offered`` /
    ``capacity_kg_offered`` (the one of the unit; the other null), ``teu_carried``,
    ``weight_kg_carried``, ``utilisation`` (0-1, above 1 when overbooked),
    ``peak_departure_utilisation`` and ``departures_over_capacity``.
    """
    if horizon is None:
        offer = pl.DataFrame(schema=_LINK_OFFER_SCHEMA)
    else:
        offer = offered_space(network, *horizon)
    legs_in = legs.filter(pl.col("link_id").is_in(offer.get_column("link_id").to_list()))
    if horizon is not None:
        legs_in = legs_in.filter(pl.col("departure").is_between(*horizon, closed="left"))
    per_departure = (
        legs_in.group_by("link_id", "departure")
        .agg(pl.col("teu").sum().cast(pl.Float64), pl.col("weight_kg").sum().cast(pl.Float64))
        .join(offer.select("link_id", "space_unit", "capacity_per_departure"), on="link_id")
        .with_columns(
            (
                pl.when(pl.col("space_unit") == "kg")
                .then(pl.col("weight_kg"))
                .otherwise(pl.col("teu"))
                / pl.col("capacity_per_departure")
            ).alias("load")
        )
    )
    carried = per_departure.group_by("link_id").agg(
        pl.len().cast(pl.Int64).alias("departures_used"),
        pl.col("teu").sum().alias("teu_carried"),
        pl.col("weight_kg").sum().alias("weight_kg_carried"),
        pl.col("load").max().alias("peak_departure_utilisation"),
        (pl.col("load") > 1 + 1e-9).sum().cast(pl.Int64).alias("departures_over_capacity"),
    )
    is_kg = pl.col("space_unit") == "kg"
    offered = pl.col("capacity_per_departure") * pl.col("departures")
    links = (
        offer.join(carried, on="link_id", how="left")
        .with_columns(
            pl.col("departures_used", "departures_over_capacity").fill_null(0),
            pl.col("teu_carried", "weight_kg_carried").fill_null(0.0),
            pl.when(~is_kg).then(offered).otherwise(None).alias("capacity_teu_offered"),
            pl.when(is_kg).then(offered).otherwise(None).alias("capacity_kg_offered"),
        )
        .with_columns(pl.col("peak_departure_utilisation").fill_null(0.0))
    )

    util = (
        pl.when(is_kg)
        .then(_ratio(pl.col("weight_kg_carried"), pl.col("capacity_kg_offered")))
        .otherwise(_ratio(pl.col("teu_carried"), pl.col("capacity_teu_offered")))
    )
    links = links.with_columns(util.alias("utilisation")).sort("link_id")
    services = (
        links.group_by("service", "space_unit")
        .agg(
            pl.col("mode").unique().sort().str.join("+").alias("mode"),
            pl.len().cast(pl.Int64).alias("links"),
            pl.col("departures").sum(),
            pl.col("departures_used").sum(),
            pl.col("capacity_teu_offered").sum(),
            pl.col("capacity_kg_offered").sum(),
            pl.col("teu_carried").sum(),
            pl.col("weight_kg_carried").sum(),
            pl.col("peak_departure_utilisation").max(),
            pl.col("departures_over_capacity").sum(),
        )
        .with_columns(
            pl.when(is_kg)
            .then(None)
            .otherwise(pl.col("capacity_teu_offered"))
            .alias("capacity_teu_offered"),
            pl.when(is_kg)
            .then(pl.col("capacity_kg_offered"))
            .otherwise(None)
            .alias("capacity_kg_offered"),
        )
        .with_columns(util.alias("utilisation"))
        .select(
            "service",
            "mode",
            "space_unit",
            "links",
            "departures",
            "departures_used",
            "capacity_teu_offered",
            "capacity_kg_offered",
            "teu_carried",
            "weight_kg_carried",
            "utilisation",
            "peak_departure_utilisation",
            "departures_over_capacity",
        )
        .sort("service")
    )
    link_cols = [
        "link_id",
        "service",
        "mode",
        "space_unit",
        "capacity_per_departure",
        "departures",
        "departures_used",
        "capacity_teu_offered",
        "capacity_kg_offered",
        "teu_carried",
        "weight_kg_carried",
        "utilisation",
        "peak_departure_utilisation",
        "departures_over_capacity",
    ]
    return services, links.select(link_cols)


# ------------------------------------------------------------------ select-link
def select_kind(item: str, network: Network, legs: pl.DataFrame | None = None) -> str:
    """What ``item`` names: ``border`` (a border-crossing node), ``node``, ``link``,
    ``service`` (a service code of the network, or seen on the legs), or ``absent``."""
    node = network.nodes.get(item)
    if node is not None:
        return "border" if node.kind is NodeKind.BORDER_CROSSING else "node"
    if item in network.links:
        return "link"
    if any(link.service == item for link in network.links.values()):
        return "service"
    if legs is not None and not legs.filter(pl.col("service") == item).is_empty():
        return "service"
    return "absent"


def _touching(
    item: str, kind: str, shipments: pl.DataFrame, legs: pl.DataFrame, network: Network
) -> pl.DataFrame:
    """shipment_id of the shipments whose route touches ``item``."""
    if kind in ("node", "border"):
        via = [lid for lid, link in network.links.items() if item in link.via]
        on_legs = legs.filter(
            (pl.col("from_node") == item)
            | (pl.col("to_node") == item)
            | pl.col("link_id").is_in(via)
        ).select("shipment_id")
        crossing = shipments.filter(
            pl.col("border_crossings").fill_null("").str.split("+").list.contains(item)
        ).select("shipment_id")
        return pl.concat([on_legs, crossing])
    if kind == "link":
        return legs.filter(pl.col("link_id") == item).select("shipment_id")
    if kind == "service":
        return legs.filter(pl.col("service") == item).select("shipment_id")
    return pl.DataFrame(schema={"shipment_id": pl.String})


def select_link(
    shipments: pl.DataFrame, legs: pl.DataFrame, network: Network, select: Sequence[str]
) -> pl.DataFrame:
    """Flows through each selected node / border crossing / link / service: the shipments
    whose route touches it, counted once each. One ``level`` "total" row per item (origin and
    destination null; zeros when nothing passes) and one "od" row per OD pair that passes.

    Columns: ``select``, ``kind``, ``level``, ``origin``, ``destination``, ``shipments``,
    ``teu``, ``weight_kg``, ``cost_cny``, ``co2e_ttw_kg``, ``co2e_wtt_kg``, ``teu_share`` (of
    the routed TEU; of the OD's routed TEU on "od" rows).
    """
    items = list(dict.fromkeys(select))
    kinds = pl.DataFrame(
        {"select": items, "kind": [select_kind(i, network, legs) for i in items]},
        schema={"select": pl.String, "kind": pl.String},
    )
    for item, kind in kinds.iter_rows():
        if kind == "absent":
            log.warning("select-link: %r is no node, link or service of the network", item)
    frames = [
        _touching(item, kind, shipments, legs, network).with_columns(
            pl.lit(item, pl.String).alias("select")
        )
        for item, kind in kinds.iter_rows()
    ]
    touched = (
        pl.concat(frames)
        if frames
        else pl.DataFrame(schema={"shipment_id": pl.String, "select": pl.String})
    ).unique()
    joined = touched.join(shipments.filter(_ROUTED), on="shipment_id")
    measures = [
        pl.len().cast(pl.Int64).alias("shipments"),
        *(
            pl.col(c).sum().cast(pl.Float64)
            for c in ("teu", "weight_kg", "cost_cny", "co2e_ttw_kg", "co2e_wtt_kg")
        ),
    ]
    routed = shipments.filter(_ROUTED)
    all_teu = float(routed.get_column("teu").sum() or 0.0)
    od_teu = routed.group_by(OD).agg(pl.col("teu").sum().cast(pl.Float64).alias("od_teu"))
    total = (
        kinds.join(joined.group_by("select").agg(measures), on="select", how="left")
        .with_columns(
            pl.col("shipments").fill_null(0),
            pl.col("teu", "weight_kg", "cost_cny", "co2e_ttw_kg", "co2e_wtt_kg").fill_null(0.0),
            pl.lit("total").alias("level"),
            pl.lit(None, pl.String).alias("origin"),
            pl.lit(None, pl.String).alias("destination"),
        )
        .with_columns(_ratio(pl.col("teu"), pl.lit(all_teu)).alias("teu_share"))
    )
    per_od = (
        joined.group_by("select", *OD)
        .agg(measures)
        .join(kinds, on="select")
        .join(od_teu, on=OD, how="left")
        .with_columns(
            pl.lit("od").alias("level"),
            _ratio(pl.col("teu"), pl.col("od_teu")).alias("teu_share"),
        )
    )
    cols = [
        "select",
        "kind",
        "level",
        *OD,
        "shipments",
        "teu",
        "weight_kg",
        "cost_cny",
        "co2e_ttw_kg",
        "co2e_wtt_kg",
        "teu_share",
    ]
    order = {item: i for i, item in enumerate(items)}
    return (
        pl.concat([total.select(cols), per_od.select(cols)])
        .with_columns(
            pl.col("select").replace_strict(order, return_dtype=pl.Int64).alias("_order"),
            (pl.col("level") == "od").alias("_od"),
        )
        .sort("_order", "_od", *OD)
        .drop("_order", "_od")
    )


# ------------------------------------------------------------------ one run
def run_kpis(
    shipments: pl.DataFrame,
    legs: pl.DataFrame,
    network: Network,
    select: Sequence[str] = (),
    *,
    horizon: tuple[datetime, datetime] | None = None,
) -> dict[str, pl.DataFrame]:
    """Every KPI table of one run (:data:`KPI_TABLES`). ``network`` is the run's own network
    (the scenario's, for its timetable and capacities); ``select`` the select-link items;
    ``horizon`` the window utilisation is measured over (default: :func:`demand_horizon`)."""
    shipments, legs = exact_summands(shipments), exact_summands(legs)
    window = horizon or demand_horizon(shipments)
    services, links = utilisation(legs, network, window)
    return {
        "totals": totals(shipments, legs),
        "by_od": by_od(shipments, legs),
        "mode_share": mode_share(shipments),
        "mode_share_by_od": mode_share(shipments, od=True),
        "teu_km_by_mode": teu_km_by_mode(legs),
        "utilisation": services,
        "utilisation_links": links,
        "select_link": select_link(shipments, legs, network, select),
    }


# ------------------------------------------------------------------ comparisons
def _numeric(frame: pl.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    return [c for c, t in frame.schema.items() if t.is_numeric() and c not in exclude]


def against_baseline(
    frames: Mapping[str, pl.DataFrame],
    baseline: str,
    keys: Sequence[str],
    metrics: Sequence[str],
    zero_missing: bool = False,
) -> pl.DataFrame:
    """Each run's rows beside the baseline's of the same ``keys``: ``run``, the keys, and per
    metric ``<m>``, ``<m>_baseline``, ``<m>_delta`` (run - baseline). Rows only one side has are
    kept (full join); ``zero_missing`` counts a missing side as 0 (flows, counts), otherwise
    it stays null (means, shares of a thing that does not exist)."""
    keys = list(keys)
    string_keys = [k for k in keys if frames[baseline].schema[k] == pl.String]

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(*keys, *metrics).with_columns(
            pl.col(k).fill_null("\x00") for k in string_keys
        )

    base = keyed(frames[baseline]).rename({m: f"{m}_baseline" for m in metrics})
    out = []
    for run, frame in frames.items():
        joined = keyed(frame).join(base, on=keys, how="full", coalesce=True)
        if zero_missing:
            joined = joined.with_columns(
                pl.col(*metrics, *(f"{m}_baseline" for m in metrics)).fill_null(0)
            )
        joined = joined.with_columns(
            (pl.col(m) - pl.col(f"{m}_baseline")).alias(f"{m}_delta") for m in metrics
        ).with_columns(
            pl.lit(run).alias("run"),
            *(
                pl.when(pl.col(k) == "\x00").then(None).otherwise(pl.col(k)).alias(k)
                for k in string_keys
            ),
        )
        cols = [c for m in metrics for c in (m, f"{m}_baseline", f"{m}_delta")]
        out.append(joined.select("run", *keys, *cols).sort(keys, nulls_last=False))
    return pl.concat(out, how="vertical_relaxed")


def compare_runs(
    kpis: Mapping[str, Mapping[str, pl.DataFrame]], baseline: str
) -> dict[str, pl.DataFrame]:
    """Baseline vs every run, from :func:`run_kpis` of each (the baseline included, its deltas
    0). Tables: ``totals`` (one row per run, the totals' columns), ``deltas`` (long: run,
    metric, value, baseline, delta, delta_pct), and ``by_od``, ``mode_share``,
    ``teu_km_by_mode``, ``utilisation``, ``select_link`` with ``<m>``, ``<m>_baseline``,
    ``<m>_delta`` columns (see :func:`against_baseline`)."""
    if baseline not in kpis:
        raise NotFoundError("baseline run", baseline, sorted(kpis))
    runs = list(kpis)

    def table(name: str) -> dict[str, pl.DataFrame]:
        return {run: kpis[run][name] for run in runs}

    totals_wide = pl.concat(
        [kpis[r]["totals"].with_columns(pl.lit(r).alias("run")) for r in runs],
        how="vertical_relaxed",
    )
    totals_wide = totals_wide.select("run", *(c for c in totals_wide.columns if c != "run"))
    metrics = _numeric(totals_wide)
    long = totals_wide.unpivot(index="run", on=metrics, variable_name="metric").with_columns(
        pl.col("value").cast(pl.Float64)
    )
    base = long.filter(pl.col("run") == baseline).select(
        "metric", pl.col("value").alias("baseline")
    )
    deltas = (
        long.join(base, on="metric", how="left")
        .with_columns((pl.col("value") - pl.col("baseline")).alias("delta"))
        .with_columns(
            pl.when(pl.col("baseline") != 0)
            .then(pl.col("delta") / pl.col("baseline").abs() * 100.0)
            .otherwise(None)
            .alias("delta_pct")
        )
    )
    od_metrics = _numeric(kpis[baseline]["by_od"])
    util = table("utilisation")
    sel = table("select_link")
    return {
        "totals": totals_wide,
        "deltas": deltas,
        "by_od": against_baseline(table("by_od"), baseline, OD, od_metrics),
        "mode_share": against_baseline(
            table("mode_share"),
            baseline,
            ["main_mode"],
            ["shipments", "teu", "weight_kg", "teu_share", "weight_share"],
            zero_missing=True,
        ),
        "teu_km_by_mode": against_baseline(
            table("teu_km_by_mode"),
            baseline,
            ["mode"],
            ["teu_km", "tonne_km", "co2e_ttw_kg", "co2e_wtt_kg", "teu_km_share"],
            zero_missing=True,
        ),
        "utilisation": against_baseline(
            util,
            baseline,
            ["service", "mode", "space_unit"],
            ["teu_carried", "weight_kg_carried", "utilisation", "peak_departure_utilisation"],
        ),
        "select_link": against_baseline(
            sel,
            baseline,
            ["select", "level", *OD],
            ["shipments", "teu", "weight_kg", "cost_cny"],
            zero_missing=True,
        ),
    }


# ------------------------------------------------------------------ changed routes
_CHANGE_COLS = (
    "status",
    "route_key",
    "main_mode",
    "modes",
    "cost_cny",
    "door_to_door_days",
    "co2e_ttw_kg",
    "co2e_wtt_kg",
)


def changed_routes(base: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    """How each shipment's route changed from ``base`` to ``other`` (shipments tables of two
    runs of the same demand), one row per shipment: ``change`` (:data:`CHANGE_CLASSES`),
    ``mode_shift`` ("rail->barge" for a mode shift, else null), both sides' status, main mode,
    modes and route key, and the deltas of cost, door-to-door days and CO2e (WTW) for shipments
    routed in both. A shipment missing from one table counts as not routed there."""

    def side(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return frame.select(
            "shipment_id",
            *(pl.col(c).alias(f"{c}_{suffix}") for c in ("origin", "destination", "teu")),
            pl.col("weight_kg").alias(f"weight_kg_{suffix}"),
            *(pl.col(c).alias(f"{c}_{suffix}") for c in _CHANGE_COLS),
        )

    j = side(base, "base").join(side(other, "other"), on="shipment_id", how="full", coalesce=True)
    rb = (pl.col("status_base") == "routed").fill_null(False)
    ro = (pl.col("status_other") == "routed").fill_null(False)
    both = rb & ro
    change = (
        pl.when(both & (pl.col("route_key_base") == pl.col("route_key_other")).fill_null(False))
        .then(pl.lit("same_route"))
        .when(both & (pl.col("main_mode_base") == pl.col("main_mode_other")).fill_null(False))
        .then(pl.lit("other_route_same_mode"))
        .when(both)
        .then(pl.lit("mode_shift"))
        .when(ro)
        .then(pl.lit("newly_routed"))
        .when(rb)
        .then(pl.lit("lost_route"))
        .otherwise(pl.lit("never_routed"))
    )

    def delta(name: str) -> pl.Expr:
        return pl.when(both).then(pl.col(f"{name}_other") - pl.col(f"{name}_base"))

    wtw_base = pl.col("co2e_ttw_kg_base") + pl.col("co2e_wtt_kg_base")
    wtw_other = pl.col("co2e_ttw_kg_other") + pl.col("co2e_wtt_kg_other")
    return (
        j.with_columns(change.alias("change"))
        .with_columns(
            pl.coalesce("origin_base", "origin_other").alias("origin"),
            pl.coalesce("destination_base", "destination_other").alias("destination"),
            pl.coalesce("teu_base", "teu_other").alias("teu"),
            pl.coalesce("weight_kg_base", "weight_kg_other").alias("weight_kg"),
            pl.when(pl.col("change") == "mode_shift")
            .then(pl.concat_str("main_mode_base", pl.lit("->"), "main_mode_other"))
            .alias("mode_shift"),
            delta("cost_cny").alias("cost_cny_delta"),
            delta("door_to_door_days").alias("door_to_door_days_delta"),
            pl.when(both).then(wtw_other - wtw_base).alias("co2e_wtw_kg_delta"),
        )
        .select(
            "shipment_id",
            *OD,
            "teu",
            "weight_kg",
            "change",
            "mode_shift",
            *(
                f"{c}_{s}"
                for c in ("status", "main_mode", "modes", "route_key")
                for s in ("base", "other")
            ),
            "cost_cny_delta",
            "door_to_door_days_delta",
            "co2e_wtw_kg_delta",
        )
        .sort("shipment_id")
    )


def summarise_changes(changes: pl.DataFrame, od: bool = False) -> pl.DataFrame:
    """:func:`changed_routes` counted by change class and main modes (base -> other), by OD
    with ``od``: shipments, TEU, weight, and the summed cost / CO2e deltas (null for classes
    not routed in both runs, which have none)."""
    keys = [*(OD if od else []), "change", "main_mode_base", "main_mode_other"]
    return (
        exact_summands(changes)
        .group_by(keys)
        .agg(
            pl.len().cast(pl.Int64).alias("shipments"),
            pl.col("teu").sum().cast(pl.Float64),
            pl.col("weight_kg").sum().cast(pl.Float64),
            *(
                pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).cast(pl.Float64)
                for c in ("cost_cny_delta", "co2e_wtw_kg_delta")
            ),
        )
        .sort(keys, nulls_last=True)
    )
