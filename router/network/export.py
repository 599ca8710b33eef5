"""Write a :class:`Network` back out: as a dataset folder (CSV tables) or one GeoJSON file.

Both forms load again with :func:`router.network.load_network` into an equal network.
The GeoJSON form is RFC 7946: nodes are ``Point`` features, links ``LineString`` features with
their properties; the remaining tables ride along in the foreign member ``router:tables``.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from router.network import load as files
from router.network.emissions import emission_factor_rows
from router.network.model import Link, Network, Node
from router.network.pricing import pricing_rows

WEEKDAY_NAMES = files.WEEKDAYS
TABLES_MEMBER = "router:tables"


def _num(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def node_properties(node: Node) -> dict[str, Any]:
    """The GeoJSON properties of a node, as in ``nodes.geojson``."""
    hours = node.opening_hours
    return {
        "id": node.id,
        "name": node.name,
        "name_zh": node.name_zh,
        "kind": node.kind.value,
        "unlocode": node.unlocode,
        "country": node.country,
        "jurisdiction": node.jurisdiction,
        "customs_district": node.customs_district,
        "operations": sorted(op.value for op in node.operations),
        "reefer": node.reefer,
        "dg_classes": sorted(node.dg_classes),
        "handling_h": node.handling_h,
        "export_clearance_h": node.export_clearance_h,
        "import_clearance_h": node.import_clearance_h,
        "inspection_h": node.inspection_h,
        "border_transit_h": node.border_transit_h,
        "dwell_export_h": node.dwell_export_h,
        "dwell_import_h": node.dwell_import_h,
        "dwell_direct_h": node.dwell_direct_h,
        "dwell_combined_h": node.dwell_combined_h,
        "free_storage_h": node.free_storage_h,
        "transit_declaration_h": node.transit_declaration_h,
        "joint_clearance_h": node.joint_clearance_h,
        "drug_permit_h": node.drug_permit_h,
        "document_h": node.document_h,
        "ecommerce_regimes": sorted(node.ecommerce_regimes),
        "inspect_first_h": node.inspect_first_h,
        "combined_port_hub": node.combined_port_hub,
        "opening_hours": f"{_hhmm(hours[0])}-{_hhmm(hours[1])}" if hours else None,
        "closed_modes": sorted(m.value for m in node.closed_modes),
        "closed_since": node.closed_since.isoformat() if node.closed_since else None,
        "capacity_teu_per_day": node.capacity_teu_per_day,
        "source": node.source,
    }


def link_row(link: Link) -> dict[str, str]:
    """The ``links.csv`` row of a link (all cells as text)."""
    schedule = link.schedule
    return {
        "id": link.id,
        "from": link.origin,
        "to": link.destination,
        "mode": link.mode.value,
        "operator": link.operator,
        "service": link.service,
        "distance_km": _num(link.distance_km) if link.distance_given else "",
        "transit_h": _num(link.transit_h),
        "regime": link.regime.value,
        "cargo_classes": ";".join(sorted(c.value for c in link.cargo_classes)),
        "schedule": schedule.kind.value,
        "headway_h": _num(schedule.headway_h) if schedule.kind.value == "headway" else "",
        "offset_h": _num(schedule.offset_h) if schedule.kind.value == "headway" else "",
        "cutoff_h": _num(schedule.cutoff_h),
        "capacity_teu": _num(link.capacity_teu),
        "capacity_kg": _num(link.capacity_kg),
        "co2e_g_per_tkm": _num(link.co2e_g_per_tkm),
        "via": ";".join(link.via),
        "dg_banned": ";".join(sorted(link.dg_banned)),
        "mixed_trade": "yes" if link.mixed_trade else "",
        "closed_since": link.closed_since.isoformat() if link.closed_since else "",
        "source": link.source,
    }


def dataset_tables(network: Network) -> dict[str, list[dict[str, str]]]:
    """Every CSV table of the dataset format, as rows of text cells."""
    links = sorted(network.links.values(), key=lambda lk: lk.id)
    return {
        files.LINKS_FILE: [link_row(lk) for lk in links],
        files.SCHEDULES_FILE: [
            {"link_id": lk.id, "weekday": WEEKDAY_NAMES[d.weekday], "time": _hhmm(d.minute)}
            for lk in links
            for d in lk.schedule.weekly
        ],
        files.TARIFFS_FILE: [
            {
                "link_id": lk.id,
                "unit": t.unit.value,
                "fixed": _num(t.fixed),
                "per_km": _num(t.per_km),
                "currency": t.currency,
                "as_of": "" if t.as_of is None else t.as_of.isoformat(),
                "valid_until": "" if t.valid_until is None else t.valid_until.isoformat(),
                "source": t.source,
            }
            for lk in links
            for t in sorted(lk.tariffs.values(), key=lambda t: t.unit.value)
        ],
        files.FEES_FILE: [
            {
                "node_id": f.node_id,
                "fee": f.fee,
                "unit": f.unit,
                "amount": _num(f.amount),
                "currency": f.currency,
                "source": f.source,
            }
            for f in network.fees
        ],
        files.MODES_FILE: [
            {
                "mode": m.mode.value,
                "detour_factor": _num(m.detour_factor),
                "co2e_g_per_tkm": _num(m.co2e_g_per_tkm),
                "reefer_surcharge_pct": _num(m.reefer_surcharge_pct),
                "transfer_co2e_kg_per_teu": _num(m.transfer_co2e_kg_per_teu),
                "dg_surcharge_per_teu": _num(m.dg_surcharge_per_teu),
                "dg_currency": m.dg_currency,
                "source": m.source,
            }
            for m in network.modes.values()
        ],
        files.JURISDICTIONS_FILE: [
            {
                "code": j.code,
                "name": j.name,
                "countries": ";".join(j.countries),
                "free_port": "yes" if j.free_port else "no",
                "aeo_mra_cn": "yes" if j.aeo_mra_cn else "no",
                "export_procedure": j.export_procedure,
                "import_procedure": j.import_procedure,
                "transit_procedure": j.transit_procedure,
                "transhipment_procedure": j.transhipment_procedure,
                "exit_procedure": j.exit_procedure,
                "source": j.source,
            }
            for j in network.jurisdictions.values()
        ],
        files.ADVANCE_INFO_FILE: [
            {
                "jurisdiction": a.jurisdiction,
                "mode": a.mode.value,
                "name": a.name,
                "due": a.due.value,
                "lead_h": _num(a.lead_h),
                "source": a.source,
            }
            for a in network.advance_info
        ],
        files.PROFILES_FILE: [
            {
                "aeo_level": p.aeo_level.value,
                "inspection_probability": _num(p.inspection_probability),
                "clearance_time_factor": _num(p.clearance_time_factor),
                "source": p.source,
            }
            for p in network.customs_profiles.values()
        ],
        files.FX_FILE: [
            {"currency": c, "cny_per_unit": _num(r)}
            for c, r in network.fx_cny.items()
            if c != "CNY"
        ],
        **pricing_rows(network.pricing),
        **emission_factor_rows(network.emission_factors),
    }


def node_features(network: Network) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [n.lon, n.lat]},
            "properties": node_properties(n),
        }
        for n in sorted(network.nodes.values(), key=lambda n: n.id)
    ]


def link_features(network: Network, properties: bool = True) -> list[dict[str, Any]]:
    """LineString features of the links, with the ``links.csv`` cells as properties."""
    result = []
    for link in sorted(network.links.values(), key=lambda lk: lk.id):
        props: dict[str, Any] = link_row(link) if properties else {"id": link.id}
        if properties:
            props["distance_km"] = link.distance_km
            props["distance_given"] = link.distance_given
        result.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [list(p) for p in link.geometry]},
                "properties": props,
            }
        )
    return result


def _atomic_write(path: Path, write: Any) -> None:
    """Write via a temporary file in the same folder, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_csv(path: Path, rows: Iterable[Mapping[str, str]], columns: list[str]) -> None:
    def write(handle: Any) -> None:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)

    _atomic_write(path, write)


def _write_json(path: Path, doc: Any) -> None:
    _atomic_write(path, lambda handle: json.dump(doc, handle, ensure_ascii=False, indent=1))


def _columns(rows: list[dict[str, str]], fallback: tuple[str, ...]) -> list[str]:
    return list(rows[0]) if rows else list(fallback)


def write_dataset(network: Network, folder: str | Path) -> None:
    """Write the network as a dataset folder in the native format (data/FORMAT.md)."""
    root = Path(folder)
    for name, rows in dataset_tables(network).items():
        _write_csv(root / name, rows, _columns(rows, files.REQUIRED_COLUMNS[name]))
    _write_json(
        root / files.NODES_FILE, {"type": "FeatureCollection", "features": node_features(network)}
    )
    _write_json(
        root / files.GEOMETRY_FILE,
        {"type": "FeatureCollection", "features": link_features(network, properties=False)},
    )


def geojson_document(network: Network) -> dict[str, Any]:
    """One RFC 7946 FeatureCollection of nodes and links, carrying the other tables along."""
    tables = dataset_tables(network)
    tables.pop(files.LINKS_FILE)
    return {
        "type": "FeatureCollection",
        "name": network.name,
        "features": [
            *(
                {**f, "properties": {**f["properties"], "feature_type": "node"}}
                for f in node_features(network)
            ),
            *(
                {**f, "properties": {**f["properties"], "feature_type": "link"}}
                for f in link_features(network)
            ),
        ],
        TABLES_MEMBER: tables,
    }


def write_geojson(network: Network, path: str | Path) -> None:
    """Write the network as one GeoJSON file (nodes as Points, links as LineStrings)."""
    _write_json(Path(path), geojson_document(network))
