"""Load a network dataset folder (data/FORMAT.md) into a validated, immutable :class:`Network`.

Every problem in every file is collected first; a dataset with any error raises
:class:`~router.errors.DatasetError` listing them all and nothing is returned.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import shapely
from shapely.geometry import shape

from router.errors import DatasetError, Problem, Severity
from router.network.emissions import (
    EMISSION_COLUMNS,
    EMISSION_FACTORS_FILE,
    read_emission_factors,
)
from router.network.fields import Row, parse_hhmm
from router.network.geo import path_km
from router.network.model import (
    IMDG_CLASSES,
    IMDG_DIVISIONS,
    AdvanceDue,
    AdvanceInfo,
    AeoLevel,
    CargoClass,
    CustomsOp,
    CustomsProfile,
    Jurisdiction,
    Link,
    Mode,
    ModeParams,
    Network,
    Node,
    NodeFee,
    NodeKind,
    Regime,
    Schedule,
    ScheduleKind,
    Tariff,
    TariffUnit,
    WeeklyDeparture,
)
from router.network.pricing import PRICING_COLUMNS, read_pricing
from router.network.validate import cross_check

log = logging.getLogger(__name__)

NODES_FILE = "nodes.geojson"
LINKS_FILE = "links.csv"
GEOMETRY_FILE = "link_geometry.geojson"
SCHEDULES_FILE = "schedules.csv"
TARIFFS_FILE = "tariffs.csv"
FEES_FILE = "node_fees.csv"
MODES_FILE = "modes.csv"
JURISDICTIONS_FILE = "jurisdictions.csv"
PROFILES_FILE = "customs_profiles.csv"
FX_FILE = "fx.csv"
ADVANCE_INFO_FILE = "advance_info.csv"

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    LINKS_FILE: ("id", "from", "to", "mode", "transit_h", "regime", "cargo_classes", "schedule"),
    SCHEDULES_FILE: ("link_id", "weekday", "time"),
    TARIFFS_FILE: ("link_id", "unit", "fixed", "per_km", "currency"),
    FEES_FILE: ("node_id", "fee", "unit", "amount", "currency"),
    MODES_FILE: ("mode", "detour_factor", "co2e_g_per_tkm"),
    JURISDICTIONS_FILE: ("code", "name", "countries"),
    PROFILES_FILE: ("aeo_level", "inspection_probability", "clearance_time_factor"),
    FX_FILE: ("currency", "cny_per_unit"),
    ADVANCE_INFO_FILE: ("jurisdiction", "mode", "name", "due", "lead_h"),
    **PRICING_COLUMNS,
    **EMISSION_COLUMNS,
}

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: ``cfs``: container freight station charge for LCL (per revenue tonne), stuffing or unstuffing
FEE_KINDS = frozenset(
    {"thc", "port_dues", "document", "declaration", "inspection", "storage", "cfs"}
)
FEE_UNITS = frozenset({"20", "40", "40HC", "kg", "wm", "shipment", "declaration", "inspection"})


@dataclass
class _Context:
    """Where the dataset's tables come from (a folder, or in memory) and the problems found."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    memory_rows: dict[str, list[dict[str, Any]]] | None = None
    memory_features: dict[str, list[Any]] | None = None

    def file_problem(self, file: str, message: str, fld: str = "") -> None:
        self.problems.append(Problem(file, "file", fld, message))

    def unreadable(self, file: str) -> bool:
        """Whether ``file`` could not be read at all (missing, malformed, missing a column).

        References into such a table are not checked: every one would be a false report.
        """
        return any(p.file == file and p.location == "file" for p in self.problems)

    def rows(self, file: str, *, required: bool = True) -> Iterator[Row]:
        """Rows of a CSV file (every column read as text), numbered as in a spreadsheet."""
        if self.memory_rows is not None:
            records = self.memory_rows.get(file)
            if records is None:
                if required:
                    self.file_problem(file, "table is missing")
                return
            columns = set(records[0]) if records else set(REQUIRED_COLUMNS.get(file, ()))
        else:
            path = self.root / file
            if not path.exists():
                if required:
                    self.file_problem(file, "file is missing")
                return
            try:
                frame = pl.read_csv(path, infer_schema=False, raise_if_empty=True)
            except Exception as exc:  # polars raises several types for malformed text
                self.file_problem(file, f"not a valid CSV file: {exc}".splitlines()[0])
                return
            records = list(frame.iter_rows(named=True))
            columns = set(frame.columns)
        missing = [c for c in REQUIRED_COLUMNS.get(file, ()) if c not in columns]
        for column in missing:
            self.file_problem(file, "required column is missing", column)
        if missing:
            return
        for index, data in enumerate(records):
            yield Row(file, f"row {index + 2}", data, self.problems)

    def features(self, file: str, *, required: bool = True) -> Iterator[tuple[Row, Any]]:
        """(properties row, shapely geometry or None) for each feature of a GeoJSON file."""
        if self.memory_features is not None:
            features = self.memory_features.get(file)
            if features is None:
                if required:
                    self.file_problem(file, "features are missing")
                return
        else:
            path = self.root / file
            if not path.exists():
                if required:
                    self.file_problem(file, "file is missing")
                return
            features = self._read_features(file, path)
            if features is None:
                return
        for index, feature in enumerate(features):
            props = feature.get("properties") if isinstance(feature, dict) else None
            props = props if isinstance(props, dict) else {}
            ident = props.get("id")
            location = f"feature {ident}" if ident else f"feature #{index}"
            row = Row(file, location, props, self.problems)
            geometry = None
            try:
                raw_geometry = feature.get("geometry") if isinstance(feature, dict) else None
                geometry = shape(raw_geometry) if raw_geometry else None
            except Exception as exc:  # shapely raises several types for bad geometry
                row.error("geometry", f"invalid geometry: {exc}")
            if geometry is None and not any(p.location == location for p in self.problems):
                row.error("geometry", "is missing")
            yield row, geometry

    def _read_features(self, file: str, path: Path) -> list[Any] | None:
        doc = read_geojson(path, file, self.problems)
        return None if doc is None else doc["features"]


def read_geojson(path: Path, file: str, problems: list[Problem]) -> dict[str, Any] | None:
    """A GeoJSON FeatureCollection as a dict, or None with a problem saying why it is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(file, "file", "", f"not valid GeoJSON (JSON error: {exc})"))
        return None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.append(
            Problem(file, "file", "", "not valid GeoJSON: top level must be a FeatureCollection")
        )
        return None
    if not isinstance(doc.get("features"), list):
        problems.append(
            Problem(file, "file", "features", "not valid GeoJSON: 'features' must be a list")
        )
        return None
    return doc


def _bundle_context(path: Path) -> _Context:
    """A context over one exported GeoJSON file (router.network.export.geojson_document)."""
    ctx = _Context(path.parent, memory_rows={}, memory_features={})
    doc = read_geojson(path, path.name, ctx.problems)
    if doc is None:
        ctx.memory_rows = ctx.memory_features = None
        return ctx
    tables = doc.get("router:tables")
    assert ctx.memory_rows is not None and ctx.memory_features is not None
    if isinstance(tables, dict):
        ctx.memory_rows.update({k: v for k, v in tables.items() if isinstance(v, list)})
    nodes, links, geometry = [], [], []
    for feature in doc["features"]:
        props = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        kind = props.pop("feature_type", None)
        if kind == "node":
            nodes.append({**feature, "properties": props})
        elif kind == "link":
            if not props.pop("distance_given", True):
                props["distance_km"] = None
            links.append({k: "" if v is None else str(v) for k, v in props.items()})
            geometry.append({**feature, "properties": {"id": props.get("id")}})
    ctx.memory_features[NODES_FILE] = nodes
    ctx.memory_features[GEOMETRY_FILE] = geometry
    ctx.memory_rows[LINKS_FILE] = links
    return ctx


def _unique(row: Row, key: str | None, seen: set[str], fld: str = "id") -> bool:
    if key is None:
        return False
    if key in seen:
        row.error(fld, f"duplicate id {key!r}")
        return False
    seen.add(key)
    return True


def _jurisdictions(ctx: _Context) -> dict[str, Jurisdiction]:
    result: dict[str, Jurisdiction] = {}
    seen: set[str] = set()
    for row in ctx.rows(JURISDICTIONS_FILE):
        code = row.text("code")
        name = row.text("name")
        if _unique(row, code, seen, "code") and code and name:
            procedures = {
                f"{step}_procedure": text
                for step in ("export", "import", "transit", "transhipment", "exit")
                if (text := row.text(f"{step}_procedure", required=False))
            }
            result[code] = Jurisdiction(
                code,
                name,
                row.items("countries"),
                row.text("source", required=False) or "",
                free_port=row.flag("free_port"),
                aeo_mra_cn=row.flag("aeo_mra_cn"),
                **procedures,
            )
    return result


def _advance_info(ctx: _Context, jurisdictions: dict[str, Jurisdiction]) -> list[AdvanceInfo]:
    """Advance cargo information filings (optional file): one per jurisdiction and mode."""
    result: list[AdvanceInfo] = []
    seen: set[str] = set()
    for row in ctx.rows(ADVANCE_INFO_FILE, required=False):
        code = row.text("jurisdiction")
        if code is not None and jurisdictions and code not in jurisdictions:
            row.error(
                "jurisdiction", f"unknown jurisdiction {code!r} (not in {JURISDICTIONS_FILE})"
            )
            code = None
        mode = row.enum("mode", Mode)
        name = row.text("name")
        due = row.enum("due", AdvanceDue)
        lead = row.number("lead_h")
        if code is None or mode is None or name is None or due is None or lead is None:
            continue
        if _unique(row, f"{code}/{mode.value}", seen, "mode"):
            result.append(
                AdvanceInfo(code, mode, name, due, lead, row.text("source", required=False) or "")
            )
    return result


def _mixed_trade(row: Row, regime: Regime) -> bool:
    """The ``mixed_trade`` flag (内外贸同船): only a domestic service can also carry sealed cargo."""
    mixed = row.flag("mixed_trade")
    if mixed and regime is not Regime.DOMESTIC:
        row.error("mixed_trade", f"only a domestic link can be mixed-trade, not {regime.value}")
        return False
    return mixed


def _dg_entries(row: Row, fld: str) -> frozenset[str]:
    """IMDG classes ("3") or divisions ("1.4") listed in ``fld``; unknown ones are errors."""
    entries = frozenset(row.items(fld))
    for entry in sorted(entries - set(IMDG_CLASSES) - set(IMDG_DIVISIONS)):
        row.error(fld, f"unknown IMDG class or division {entry!r} (allowed: 1..9, 1.1..6.2)")
    return entries


def _modes(ctx: _Context, fx: dict[str, float]) -> dict[Mode, ModeParams]:
    result: dict[Mode, ModeParams] = {}
    for row in ctx.rows(MODES_FILE):
        mode = row.enum("mode", Mode)
        detour = row.number("detour_factor", minimum=1.0)
        co2 = row.number("co2e_g_per_tkm")
        reefer = row.number("reefer_surcharge_pct", required=False, default=0.0)
        transfer = row.number("transfer_co2e_kg_per_teu", required=False, default=0.0)
        if mode is None or detour is None or co2 is None:
            continue
        if mode in result:
            row.error("mode", f"duplicate id {mode.value!r}")
            continue
        dg_currency = row.text("dg_currency", required=False) or "CNY"
        if dg_currency not in fx:
            row.error("dg_currency", f"unknown currency {dg_currency!r} (not in {FX_FILE})")
        result[mode] = ModeParams(
            mode,
            detour,
            co2,
            reefer or 0.0,
            transfer or 0.0,
            row.text("source", required=False) or "",
            dg_surcharge_per_teu=row.number("dg_surcharge_per_teu", required=False, default=0.0)
            or 0.0,
            dg_currency=dg_currency,
        )
    for mode in Mode:
        if mode not in result and not any(
            p.file == MODES_FILE and p.location == "file" for p in ctx.problems
        ):
            ctx.file_problem(MODES_FILE, f"no row for mode {mode.value!r}", "mode")
    return result


def _fx(ctx: _Context) -> dict[str, float]:
    result: dict[str, float] = {"CNY": 1.0}
    for row in ctx.rows(FX_FILE):
        currency = row.text("currency")
        rate = row.number("cny_per_unit", positive=True)
        if currency is None or rate is None:
            continue
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            row.error("currency", f"must be an ISO 4217 code like 'USD', got {currency!r}")
            continue
        if currency in result and currency != "CNY":
            row.error("currency", f"duplicate id {currency!r}")
            continue
        result[currency] = rate
    return result


def _profiles(ctx: _Context) -> dict[AeoLevel, CustomsProfile]:
    result: dict[AeoLevel, CustomsProfile] = {}
    for row in ctx.rows(PROFILES_FILE):
        level = row.enum("aeo_level", AeoLevel)
        probability = row.number("inspection_probability", maximum=1.0)
        factor = row.number("clearance_time_factor", positive=True)
        if level is None or probability is None or factor is None:
            continue
        if level in result:
            row.error("aeo_level", f"duplicate id {level.value!r}")
            continue
        result[level] = CustomsProfile(
            level, probability, factor, row.text("source", required=False) or ""
        )
    for level in AeoLevel:
        if level not in result and not any(
            p.file == PROFILES_FILE and p.location == "file" for p in ctx.problems
        ):
            ctx.file_problem(PROFILES_FILE, f"no row for AEO level {level.value!r}", "aeo_level")
    return result


_NODE_HOURS = (
    "handling_h",
    "export_clearance_h",
    "import_clearance_h",
    "inspection_h",
    "border_transit_h",
    "dwell_export_h",
    "dwell_import_h",
    "dwell_direct_h",
    "dwell_combined_h",
    "free_storage_h",
)


def _nodes(
    ctx: _Context, jurisdictions: dict[str, Jurisdiction]
) -> tuple[dict[str, Node], dict[str, Row]]:
    result: dict[str, Node] = {}
    rows: dict[str, Row] = {}
    seen: set[str] = set()
    for row, geometry in ctx.features(NODES_FILE):
        node_id = row.text("id")
        name = row.text("name")
        kind = row.enum("kind", NodeKind)
        country = row.text("country")
        jurisdiction = row.text("jurisdiction")
        if jurisdiction is not None and jurisdictions and jurisdiction not in jurisdictions:
            row.error(
                "jurisdiction",
                f"unknown jurisdiction {jurisdiction!r} (not in {JURISDICTIONS_FILE})",
            )
        lon = lat = None
        if geometry is not None:
            if geometry.geom_type != "Point":
                row.error("geometry", f"must be a Point, got {geometry.geom_type}")
            else:
                lon, lat = float(geometry.x), float(geometry.y)
                if not -180.0 <= lon <= 180.0:
                    row.error("geometry", f"longitude {lon:g} is out of range [-180, 180]")
                    lon = None
                if not -90.0 <= lat <= 90.0:
                    row.error("geometry", f"latitude {lat:g} is out of range [-90, 90]")
                    lat = None
        hours = {h: row.number(h, required=False, default=0.0) for h in _NODE_HOURS}
        operations = row.enum_set("operations", CustomsOp)
        dg = _dg_entries(row, "dg_classes")
        node = None
        if (
            node_id
            and name
            and kind
            and country
            and jurisdiction
            and lon is not None
            and lat is not None
        ):
            node = Node(
                id=node_id,
                name=name,
                name_zh=row.text("name_zh", required=False) or "",
                kind=kind,
                lon=lon,
                lat=lat,
                country=country,
                jurisdiction=jurisdiction,
                unlocode=row.text("unlocode", required=False),
                customs_district=row.text("customs_district", required=False) or "",
                operations=operations,
                reefer=row.flag("reefer"),
                dg_classes=dg,
                combined_port_hub=row.text("combined_port_hub", required=False),
                opening_hours=row.hours_range("opening_hours"),
                closed_modes=row.enum_set("closed_modes", Mode),
                closed_since=row.day("closed_since"),
                capacity_teu_per_day=row.number(
                    "capacity_teu_per_day", required=False, positive=True
                ),
                transit_declaration_h=row.number(
                    "transit_declaration_h", required=False, default=1.0
                )
                or 0.0,
                joint_clearance_h=row.number("joint_clearance_h", required=False),
                drug_permit_h=row.number("drug_permit_h", required=False, default=0.0) or 0.0,
                document_h=row.number("document_h", required=False, default=0.0) or 0.0,
                ecommerce_regimes=frozenset(row.items("ecommerce_regimes")),
                inspect_first_h=row.number("inspect_first_h", required=False),
                source=row.text("source", required=False) or "",
                **{k: v or 0.0 for k, v in hours.items()},
            )
        if _unique(row, node_id, seen) and node is not None and node_id is not None:
            result[node_id] = node
            rows[node_id] = row
    return result, rows


def _schedules(ctx: _Context) -> dict[str, list[WeeklyDeparture]]:
    result: dict[str, list[WeeklyDeparture]] = defaultdict(list)
    for row in ctx.rows(SCHEDULES_FILE):
        link_id = row.text("link_id")
        weekday = row.text("weekday")
        time = row.text("time")
        day_index = WEEKDAYS.index(weekday) if weekday in WEEKDAYS else None
        if weekday is not None and day_index is None:
            row.error(
                "weekday",
                f"malformed schedule: weekday must be one of {', '.join(WEEKDAYS)}, got {weekday!r}",
            )
        minute = parse_hhmm(time) if time is not None else None
        if time is not None and (minute is None or minute >= 24 * 60):
            row.error("time", f"malformed schedule: time must be HH:MM (00:00-23:59), got {time!r}")
            minute = None
        if link_id and day_index is not None and minute is not None:
            result[link_id].append(WeeklyDeparture(day_index, minute))
        if link_id:
            result.setdefault(link_id, [])
    return result


def _tariffs(ctx: _Context, fx: dict[str, float]) -> dict[str, dict[TariffUnit, Tariff]]:
    result: dict[str, dict[TariffUnit, Tariff]] = defaultdict(dict)
    for row in ctx.rows(TARIFFS_FILE):
        link_id = row.text("link_id")
        unit = row.enum("unit", TariffUnit)
        fixed = row.number("fixed")
        per_km = row.number("per_km")
        currency = row.text("currency")
        if currency is not None and currency not in fx:
            row.error("currency", f"unknown currency {currency!r} (not in {FX_FILE})")
            currency = None
        if link_id is None or unit is None or fixed is None or per_km is None or currency is None:
            continue
        if unit in result[link_id]:
            row.error("unit", f"duplicate tariff for link {link_id!r} unit {unit.value!r}")
            continue
        as_of, valid_until = row.day("as_of"), row.day("valid_until")
        if as_of and valid_until and valid_until < as_of:
            row.error("valid_until", f"{valid_until} is before as_of {as_of}")
        result[link_id][unit] = Tariff(
            unit,
            fixed,
            per_km,
            currency,
            row.text("source", required=False) or "",
            as_of=as_of,
            valid_until=valid_until,
        )
    return result


def _geometries(ctx: _Context) -> dict[str, tuple[tuple[float, float], ...]]:
    result: dict[str, tuple[tuple[float, float], ...]] = {}
    for row, geometry in ctx.features(GEOMETRY_FILE, required=False):
        link_id = row.text("id")
        if geometry is None or link_id is None:
            continue
        if geometry.geom_type != "LineString":
            row.error("geometry", f"must be a LineString, got {geometry.geom_type}")
            continue
        coords = tuple(
            (float(x), float(y)) for x, y, *_ in shapely.get_coordinates(geometry).tolist()
        )
        if any(not (-180 <= x <= 180 and -90 <= y <= 90) for x, y in coords):
            row.error("geometry", "coordinates out of range")
            continue
        if link_id in result:
            row.error("id", f"duplicate id {link_id!r}")
            continue
        result[link_id] = coords
    return result


def _schedule(row: Row, kind: ScheduleKind, weekly: list[WeeklyDeparture] | None) -> Schedule:
    cutoff = row.number("cutoff_h", required=False, default=0.0) or 0.0
    if kind is ScheduleKind.WEEKLY:
        if not weekly:
            row.error(
                "schedule",
                f"malformed schedule: 'weekly' link has no departures in {SCHEDULES_FILE}",
            )
        return Schedule(
            kind,
            tuple(sorted(set(weekly or []), key=lambda d: (d.weekday, d.minute))),
            cutoff_h=cutoff,
        )
    if weekly:
        row.error(
            "schedule", f"malformed schedule: {kind.value!r} link has rows in {SCHEDULES_FILE}"
        )
    if kind is ScheduleKind.HEADWAY:
        headway = row.number("headway_h", positive=True)
        if headway is None:
            row.error("headway_h", "malformed schedule: 'headway' needs headway_h > 0")
        elif (168 * 60) % max(1, round(headway * 60)) != 0:
            row.error(
                "headway_h",
                f"malformed schedule: headway {headway:g} h must divide a week (168 h) so the "
                "timetable repeats weekly",
            )
        offset = row.number("offset_h", required=False, default=0.0) or 0.0
        return Schedule(kind, headway_h=headway or 1.0, offset_h=offset, cutoff_h=cutoff)
    return Schedule(kind, cutoff_h=cutoff)


def _links(
    ctx: _Context,
    nodes: dict[str, Node],
    modes: dict[Mode, ModeParams],
    schedules: dict[str, list[WeeklyDeparture]],
    tariffs: dict[str, dict[TariffUnit, Tariff]],
    geometries: dict[str, tuple[tuple[float, float], ...]],
) -> tuple[dict[str, Link], dict[str, Row]]:
    result: dict[str, Link] = {}
    rows: dict[str, Row] = {}
    seen: set[str] = set()
    check_nodes = not ctx.unreadable(NODES_FILE)
    for row in ctx.rows(LINKS_FILE):
        link_id = row.text("id")
        ends = {}
        for fld in ("from", "to"):
            node_id = row.text(fld)
            if node_id is not None and node_id not in nodes and check_nodes:
                row.error(fld, f"unknown node {node_id!r}")
            ends[fld] = node_id
        via = row.items("via")
        for node_id in via:
            if node_id not in nodes and check_nodes:
                row.error("via", f"unknown node {node_id!r}")
        mode = row.enum("mode", Mode)
        regime = row.enum("regime", Regime)
        kind = row.enum("schedule", ScheduleKind)
        transit = row.number("transit_h", positive=True)
        classes = row.enum_set("cargo_classes", CargoClass)
        if not classes and row.raw("cargo_classes") in (None, ""):
            row.error("cargo_classes", "is required but empty")
        given = row.number("distance_km", required=False, positive=True)
        capacity_teu = row.number("capacity_teu", required=False, positive=True)
        capacity_kg = row.number("capacity_kg", required=False, positive=True)
        co2 = row.number("co2e_g_per_tkm", required=False)
        dg_banned = _dg_entries(row, "dg_banned")
        schedule = _schedule(row, kind, schedules.get(link_id or "")) if kind else None
        origin, destination = ends["from"], ends["to"]
        if (
            link_id is None
            or origin not in nodes
            or destination not in nodes
            or any(v not in nodes for v in via)
            or mode is None
            or regime is None
            or schedule is None
            or transit is None
        ):
            _unique(row, link_id, seen)
            continue
        assert origin is not None and destination is not None
        stops = [nodes[origin], *(nodes[v] for v in via), nodes[destination]]
        straight = tuple((n.lon, n.lat) for n in stops)
        geometry = geometries.get(link_id, straight)
        distance = given
        if distance is None:
            detour = modes[mode].detour_factor if mode in modes else 1.0
            distance = max(path_km(straight) * detour, 0.1)
        link = Link(
            id=link_id,
            origin=origin,
            destination=destination,
            mode=mode,
            operator=row.text("operator", required=False) or "",
            service=row.text("service", required=False) or "",
            distance_km=distance,
            transit_h=transit,
            regime=regime,
            cargo_classes=classes,
            schedule=schedule,
            tariffs=dict(tariffs.get(link_id, {})),
            geometry=geometry,
            via=via,
            capacity_teu=capacity_teu,
            capacity_kg=capacity_kg,
            co2e_g_per_tkm=co2,
            distance_given=given is not None,
            dg_banned=dg_banned,
            mixed_trade=_mixed_trade(row, regime),
            closed_since=row.day("closed_since"),
            source=row.text("source", required=False) or "",
        )
        if _unique(row, link_id, seen):
            result[link_id] = link
            rows[link_id] = row
    if ctx.unreadable(LINKS_FILE):
        return result, rows
    for link_id in sorted(set(schedules) - set(result) - {""}):
        if link_id not in seen:
            ctx.problems.append(
                Problem(
                    SCHEDULES_FILE, f"link_id {link_id}", "link_id", f"unknown link {link_id!r}"
                )
            )
    for link_id in sorted(set(tariffs) - set(result)):
        if link_id not in seen:
            ctx.problems.append(
                Problem(TARIFFS_FILE, f"link_id {link_id}", "link_id", f"unknown link {link_id!r}")
            )
    for link_id in sorted(set(geometries) - seen):
        ctx.problems.append(
            Problem(GEOMETRY_FILE, f"feature {link_id}", "id", f"unknown link {link_id!r}")
        )
    return result, rows


def _fees(ctx: _Context, nodes: dict[str, Node], fx: dict[str, float]) -> list[NodeFee]:
    result: list[NodeFee] = []
    seen: set[tuple[str, str, str]] = set()
    for row in ctx.rows(FEES_FILE):
        node_id = row.text("node_id")
        if node_id is not None and node_id not in nodes:
            if not ctx.unreadable(NODES_FILE):
                row.error("node_id", f"unknown node {node_id!r}")
            node_id = None
        fee = row.text("fee")
        if fee is not None and fee not in FEE_KINDS:
            row.error("fee", f"unknown value {fee!r} (allowed: {', '.join(sorted(FEE_KINDS))})")
            fee = None
        unit = row.text("unit")
        if unit is not None and unit not in FEE_UNITS:
            row.error("unit", f"unknown value {unit!r} (allowed: {', '.join(sorted(FEE_UNITS))})")
            unit = None
        amount = row.number("amount")
        currency = row.text("currency")
        if currency is not None and currency not in fx:
            row.error("currency", f"unknown currency {currency!r} (not in {FX_FILE})")
            currency = None
        if node_id is None or fee is None or unit is None or amount is None or currency is None:
            continue
        key = (node_id, fee, unit)
        if key in seen:
            row.error("unit", f"duplicate fee {fee!r} per {unit!r} at node {node_id!r}")
            continue
        seen.add(key)
        result.append(
            NodeFee(node_id, fee, unit, amount, currency, row.text("source", required=False) or "")
        )
    return result


def inspect_dataset(path: str | Path) -> tuple[Network | None, list[Problem]]:
    """Read and validate a dataset; return the network (None if any error) and all problems."""
    root = Path(path)
    if root.is_file() and root.suffix.lower() in {".geojson", ".json"}:
        ctx = _bundle_context(root)
        if ctx.memory_rows is None:
            return None, ctx.problems
    else:
        ctx = _Context(root)
        if not root.is_dir():
            ctx.file_problem(str(root), "dataset folder (or exported .geojson file) does not exist")
            return None, ctx.problems
    jurisdictions = _jurisdictions(ctx)
    fx = _fx(ctx)
    modes = _modes(ctx, fx)
    profiles = _profiles(ctx)
    nodes, node_rows = _nodes(ctx, jurisdictions)
    schedules = _schedules(ctx)
    tariffs = _tariffs(ctx, fx)
    geometries = _geometries(ctx)
    links, link_rows = _links(ctx, nodes, modes, schedules, tariffs, geometries)
    fees = _fees(ctx, nodes, fx)
    advance_info = _advance_info(ctx, jurisdictions)
    pricing = read_pricing(lambda file: ctx.rows(file, required=False), fx, jurisdictions, nodes)
    emission_factors = read_emission_factors(ctx.rows(EMISSION_FACTORS_FILE, required=False))
    cross_check(nodes, node_rows, links, link_rows, fees, ctx.problems)
    if any(p.severity is Severity.ERROR for p in ctx.problems):
        return None, ctx.problems
    network = Network(
        nodes=nodes,
        links=links,
        jurisdictions=jurisdictions,
        modes=modes,
        customs_profiles=profiles,
        fees=tuple(fees),
        fx_cny=fx,
        advance_info=tuple(advance_info),
        pricing=pricing,
        emission_factors=emission_factors,
        name=root.resolve().stem,
        warnings=tuple(str(p) for p in ctx.problems),
    )
    return network, ctx.problems


def load_network(path: str | Path) -> Network:
    """Load and validate the dataset at ``path``; raise :class:`DatasetError` listing every problem."""
    network, problems = inspect_dataset(path)
    if network is None:
        raise DatasetError(problems)
    for warning in network.warnings:
        log.warning("%s", warning)
    return network
