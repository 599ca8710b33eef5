"""A seeded generator of large synthetic networks with schedules and customs attributes.

Used by benchmarks to measure the search on a network far larger than the bundled one. The
network is a grid of jurisdictions; each has cities and depots joined by domestic trucking, a
few seaports, a rail terminal, an airport, a bonded zone and border crossings to its neighbours.
Ports, rail terminals and airports are joined internationally by weekly services.
"""

from __future__ import annotations

import math
import random

from router.network.builder import NetworkBuilder, container_tariffs
from router.network.model import CustomsOp, Mode, Network, NodeKind, Regime, Tariff, TariffUnit

GATEWAY_OPS = frozenset(
    {
        CustomsOp.EXPORT_CLEARANCE,
        CustomsOp.IMPORT_CLEARANCE,
        CustomsOp.EXIT,
        CustomsOp.ENTRY,
        CustomsOp.SUPERVISED_SITE,
    }
)


def _nearest(points: list[tuple[float, float]], i: int, k: int, pool: list[int]) -> list[int]:
    x, y = points[i]
    ranked = sorted(pool, key=lambda j: (points[j][0] - x) ** 2 + (points[j][1] - y) ** 2)
    return [j for j in ranked if j != i][:k]


def generate_network(
    nodes: int = 10_000, links: int = 100_000, seed: int = 7, grid: int = 5
) -> Network:
    """A network of about ``nodes`` nodes and ``links`` links (fixed ``seed``)."""
    rng = random.Random(seed)
    b = NetworkBuilder(name=f"synthetic-{nodes}-{links}-s{seed}")
    jurisdictions = [f"J{r}{c}" for r in range(grid) for c in range(grid)]
    per = max(12, nodes // len(jurisdictions))
    cell = 6.0  # degrees per jurisdiction cell
    ids: dict[str, list[str]] = {}
    coords: dict[str, tuple[float, float]] = {}
    gateways: dict[str, dict[str, list[str]]] = {}
    for jn, j in enumerate(jurisdictions):
        r, c = divmod(jn, grid)
        lon0, lat0 = 60.0 + c * cell, -10.0 + r * cell
        members: list[str] = []
        gw: dict[str, list[str]] = {"port": [], "rail": [], "air": [], "border": []}
        for n in range(per):
            lon = lon0 + rng.uniform(0.2, cell - 0.2)
            lat = lat0 + rng.uniform(0.2, cell - 0.2)
            node_id = f"{j}-N{n}"
            if n < 3:
                kind, ops, role = NodeKind.SEAPORT, GATEWAY_OPS, "port"
            elif n == 3:
                kind, ops, role = NodeKind.RAIL_TERMINAL, GATEWAY_OPS, "rail"
            elif n == 4:
                kind, ops, role = NodeKind.AIRPORT, GATEWAY_OPS, "air"
            elif n == 5:
                kind, ops, role = (
                    NodeKind.BONDED_ZONE,
                    GATEWAY_OPS - {CustomsOp.EXIT, CustomsOp.ENTRY},
                    "",
                )
            elif n < 10:
                kind, ops, role = (
                    NodeKind.BORDER_CROSSING,
                    GATEWAY_OPS | {CustomsOp.TRANSIT_BORDER},
                    "border",
                )
            else:
                kind, ops, role = (
                    (NodeKind.INLAND_DEPOT if n % 10 == 0 else NodeKind.CITY),
                    frozenset(),
                    "",
                )
            b.add_node(
                node_id,
                lon,
                lat,
                kind=kind,
                jurisdiction=j,
                operations=ops,
                reefer=kind is not NodeKind.CITY,
                dg_classes=frozenset("23689"),
                handling_h=rng.choice((1.0, 2.0, 4.0)) if ops else 0.5,
                export_clearance_h=rng.uniform(1, 12) if ops else 0.0,
                import_clearance_h=rng.uniform(4, 36) if ops else 0.0,
                inspection_h=24.0 if ops else 0.0,
                border_transit_h=rng.uniform(2, 24) if role == "border" else 0.0,
                dwell_export_h=rng.uniform(24, 96) if role in ("port", "rail") else 0.0,
                dwell_import_h=rng.uniform(24, 72) if role in ("port", "rail") else 0.0,
                dwell_direct_h=2.0,
                free_storage_h=96.0,
            )
            members.append(node_id)
            coords[node_id] = (lon, lat)
            if role:
                gw[role].append(node_id)
        ids[j] = members
        gateways[j] = gw
    count = 0

    def link(origin: str, dest: str, mode: Mode, regime: Regime, **kw: object) -> None:
        nonlocal count
        b.add_link(f"L{count}", origin, dest, mode, regime=regime, **kw)  # type: ignore[arg-type]
        count += 1

    def hours(a: str, d: str, speed_kmh: float) -> float:
        (x1, y1), (x2, y2) = coords[a], coords[d]
        km = math.hypot((x2 - x1) * 111 * math.cos(math.radians((y1 + y2) / 2)), (y2 - y1) * 111)
        return max(0.5, km * 1.3 / speed_kmh)

    truck_tariff = {
        u: Tariff(u, 300.0 * f, 7.0 * f, "CNY")
        for u, f in ((TariffUnit.C20, 1.0), (TariffUnit.C40, 1.5), (TariffUnit.C40HC, 1.55))
    }
    # international scheduled services between gateways of different jurisdictions
    weekly_budget = links // 10
    gw_all = [
        (j, role, n)
        for j in jurisdictions
        for role in ("port", "rail", "air")
        for n in gateways[j][role]
    ]
    by_role = {
        role: [(j, n) for j, r, n in gw_all if r == role] for role in ("port", "rail", "air")
    }
    mode_of = {"port": Mode.DEEPSEA, "rail": Mode.RAIL, "air": Mode.AIR}
    speed = {"port": 30.0, "rail": 45.0, "air": 700.0}
    while count < weekly_budget:
        role = rng.choice(("port", "port", "port", "rail", "air"))
        (ja, a), (jd, d) = rng.sample(by_role[role], 2)
        if ja == jd:
            continue
        mode = mode_of[role]
        departures = tuple(
            (rng.randrange(7), rng.randrange(0, 1440, 30)) for _ in range(rng.randint(1, 3))
        )
        tariffs = (
            {TariffUnit.KG: Tariff(TariffUnit.KG, rng.uniform(20, 40), 0.0, "CNY")}
            if mode is Mode.AIR
            else container_tariffs(rng.uniform(800, 4000))
        )
        link(
            a,
            d,
            mode,
            Regime.INTERNATIONAL,
            transit_h=hours(a, d, speed[role]) + 6,
            weekly=departures,
            cutoff_h=rng.choice((2.0, 12.0, 24.0)),
            tariffs=tariffs,
            capacity_kg=80_000.0 if mode is Mode.AIR else None,
            capacity_teu=None if mode is Mode.AIR else float(rng.choice((90, 500, 2000))),
        )
    # border crossings between neighbouring jurisdictions (international trucking)
    for jn, j in enumerate(jurisdictions):
        r, c = divmod(jn, grid)
        for dr, dc in ((0, 1), (1, 0)):
            if r + dr < grid and c + dc < grid:
                k = jurisdictions[(r + dr) * grid + c + dc]
                for a, d in zip(gateways[j]["border"], gateways[k]["border"], strict=False):
                    link(
                        a,
                        d,
                        Mode.TRUCK,
                        Regime.INTERNATIONAL,
                        transit_h=hours(a, d, 50),
                        tariffs=truck_tariff,
                    )
                    link(
                        d,
                        a,
                        Mode.TRUCK,
                        Regime.INTERNATIONAL,
                        transit_h=hours(a, d, 50),
                        tariffs=truck_tariff,
                    )
    # domestic and supervised trucking inside each jurisdiction, nearest neighbours
    remaining = links - count
    per_j = remaining // len(jurisdictions)
    for j in jurisdictions:
        members = ids[j]
        pts = [coords[n] for n in members]
        supervised = [i for i, n in enumerate(members) if b.nodes[n].is_supervised]
        made = 0
        fan_out = max(2, per_j // len(members) + 1)
        for i, here in enumerate(members):
            for t in _nearest(pts, i, fan_out, list(range(len(members)))):
                if made >= per_j:
                    break
                link(
                    here,
                    members[t],
                    Mode.TRUCK,
                    Regime.DOMESTIC,
                    transit_h=hours(here, members[t], 55),
                    tariffs=truck_tariff,
                )
                made += 1
        for i in supervised:
            for t in _nearest(pts, i, 3, supervised):
                link(
                    members[i],
                    members[t],
                    Mode.TRUCK,
                    Regime.SUPERVISED,
                    transit_h=hours(members[i], members[t], 50),
                    tariffs=truck_tariff,
                )
    return b.build()
