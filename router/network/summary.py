"""Plain-data summaries of a network: counts by kind, mode, jurisdiction; capacity and schedules."""

from __future__ import annotations

from collections import Counter
from typing import Any

from router.network.model import Network, ScheduleKind


def network_summary(network: Network) -> dict[str, Any]:
    """Counts and capacity figures of a network, as JSON-ready data."""
    links = list(network.links.values())
    weekly = [lk for lk in links if lk.schedule.kind is ScheduleKind.WEEKLY]
    departures_per_week = sum(len(lk.schedule.weekly) for lk in weekly) + sum(
        round(168 / lk.schedule.headway_h)
        for lk in links
        if lk.schedule.kind is ScheduleKind.HEADWAY
    )
    weekly_teu = sum((lk.capacity_teu or 0) * len(lk.schedule.weekly) for lk in weekly) + sum(
        (lk.capacity_teu or 0) * 168 / lk.schedule.headway_h
        for lk in links
        if lk.schedule.kind is ScheduleKind.HEADWAY
    )
    weekly_kg = sum((lk.capacity_kg or 0) * len(lk.schedule.weekly) for lk in weekly)
    return {
        "name": network.name,
        "nodes": len(network.nodes),
        "links": len(links),
        "nodes_by_kind": dict(
            sorted(Counter(n.kind.value for n in network.nodes.values()).items())
        ),
        "nodes_by_jurisdiction": dict(
            sorted(Counter(n.jurisdiction for n in network.nodes.values()).items())
        ),
        "links_by_mode": dict(sorted(Counter(lk.mode.value for lk in links).items())),
        "links_by_regime": dict(sorted(Counter(lk.regime.value for lk in links).items())),
        "links_by_schedule": dict(sorted(Counter(lk.schedule.kind.value for lk in links).items())),
        "scheduled_departures_per_week": departures_per_week,
        "weekly_capacity_teu": round(weekly_teu, 1),
        "weekly_capacity_kg": round(weekly_kg, 1),
        "total_distance_km": round(sum(lk.distance_km for lk in links), 1),
        "warnings": len(network.warnings),
    }
