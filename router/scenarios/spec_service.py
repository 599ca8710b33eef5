"""The ``add_service`` scenario modification: a new rail, barge, sea, air, truck or TIR service
with its schedule, tariff and customs regime, built as the loader builds a links.csv row
(:func:`router.network.edits.new_link`).

Link ids: ``id`` if given, else ``<PREFIX>-<from>-<to>-<service>`` as in the bundled data
(``RAIL-SZ-PINGHU-RAIL-DEDUI-...``); with ``both_directions`` the return link is
``<PREFIX>-<to>-<from>-<service>`` (or ``return_id``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from router.network import edits
from router.network.model import (
    IMDG_CLASSES,
    IMDG_DIVISIONS,
    CargoClass,
    Link,
    Mode,
    Network,
    Regime,
    Schedule,
    ScheduleKind,
    WeeklyDeparture,
)
from router.network.validate import required_tariff_units
from router.scenarios.modifications import (
    Modification,
    TariffLine,
    parse_tariffs,
    services_of,
    tariff_issues,
)
from router.scenarios.spec_yaml import MapView, SpecIssue, unknown
from router.units import MINUTES_PER_DAY, MINUTES_PER_WEEK

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: link id prefix per mode, as in the bundled links.csv
ID_PREFIX: dict[Mode, str] = {
    Mode.TRUCK: "TRK",
    Mode.BARGE: "BRG",
    Mode.FEEDER: "FDR",
    Mode.DEEPSEA: "SEA",
    Mode.RAIL: "RAIL",
    Mode.AIR: "AIR",
    Mode.TIR: "TIR",
}
SCHEDULE_FIELDS = ("weekly", "headway_h", "offset_h", "any", "cutoff_h")


def link_id(mode: Mode, origin: str, destination: str, service: str) -> str:
    """The generated id of a new service's link."""
    slug = re.sub(r"[^A-Za-z0-9-]+", "-", service).strip("-")
    return f"{ID_PREFIX[mode]}-{origin}-{destination}-{slug}"


def parse_schedule(view: MapView) -> Schedule | None:
    """``{weekly: [{weekday, time}], cutoff_h}``, ``{headway_h, offset_h, cutoff_h}`` or
    ``{any: true, cutoff_h}``."""
    sched = view.mapping("schedule", required=True)
    if sched is None:
        return None
    sched.check_keys(SCHEDULE_FIELDS)
    cutoff = sched.number("cutoff_h", minimum=0.0, maximum=24.0 * 14)
    if sched.has("cutoff_h") and cutoff is None:
        return None
    which = sched.exactly_one("weekly", "headway_h", "any")
    if which != "headway_h" and sched.has("offset_h"):
        sched.error("offset_h", "goes with headway_h")
        return None
    if which == "any":
        flag = sched.flag("any")
        if flag is not True:
            if flag is False:
                sched.error("any", "must be true (or give weekly or headway_h)")
            return None
        return Schedule(ScheduleKind.ANY, cutoff_h=cutoff or 0.0)
    if which == "headway_h":
        headway = sched.number("headway_h", positive=True, maximum=168.0)
        offset = sched.number("offset_h", minimum=0.0, maximum=168.0)
        if headway is None or (sched.has("offset_h") and offset is None):
            return None
        if MINUTES_PER_WEEK % max(1, round(headway * 60)):
            sched.error(
                "headway_h",
                f"{headway:g} h must divide a week (168 h) so the timetable repeats weekly "
                "(e.g. 6, 8, 12, 24, 42, 84)",
            )
            return None
        return Schedule(
            ScheduleKind.HEADWAY, headway_h=headway, offset_h=offset or 0.0, cutoff_h=cutoff or 0.0
        )
    if which != "weekly":
        return None
    items = sched.mappings("weekly", required=True)
    if items is None:
        return None
    departures: list[WeeklyDeparture] = []
    ok = True
    for item in items:
        item.check_keys(("weekday", "time"))
        day = item.text("weekday", required=True)
        minute = item.hhmm("time", required=True)
        if day is not None and day not in WEEKDAYS:
            item.error(
                "weekday", f"{unknown('weekday', day, WEEKDAYS)} (allowed: {', '.join(WEEKDAYS)})"
            )
            ok = False
            continue
        if day is None or minute is None:
            ok = False
            continue
        departure = WeeklyDeparture(WEEKDAYS.index(day), minute)
        if departure in departures:
            item.error("time", f"{day} {minute // 60:02d}:{minute % 60:02d} is listed twice")
            ok = False
            continue
        departures.append(departure)
    if not ok:
        return None
    weekly = tuple(sorted(departures, key=lambda d: d.weekday * MINUTES_PER_DAY + d.minute))
    return Schedule(ScheduleKind.WEEKLY, weekly, cutoff_h=cutoff or 0.0)


@dataclass(frozen=True, kw_only=True)
class AddService(Modification):
    """Add a service (one link, or two with ``both_directions``)."""

    kind: ClassVar[str] = "add_service"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "service",
        "mode",
        "operator",
        "from",
        "to",
        "via",
        "transit_h",
        "distance_km",
        "regime",
        "cargo_classes",
        "schedule",
        "capacity_teu",
        "capacity_kg",
        "tariffs",
        "co2e_g_per_tkm",
        "both_directions",
        "id",
        "return_id",
        "dg_banned",
        "mixed_trade",
    )
    service: str
    mode: Mode
    operator: str
    origin: str
    destination: str
    via: tuple[str, ...] = ()
    transit_h: float
    distance_km: float | None = None
    regime: Regime
    cargo_classes: tuple[CargoClass, ...]
    schedule: Schedule
    capacity_teu: float | None = None
    capacity_kg: float | None = None
    tariffs: tuple[TariffLine, ...]
    co2e_g_per_tkm: float | None = None
    both_directions: bool = False
    link_id: str | None = None
    return_id: str | None = None
    dg_banned: tuple[str, ...] = ()
    mixed_trade: bool = False

    @classmethod
    def parse(cls, view: MapView) -> AddService | None:
        service = view.text("service", required=True)
        mode = view.enum("mode", Mode, required=True, what="mode")
        operator = view.text("operator", required=True)
        origin = view.text("from", required=True)
        destination = view.text("to", required=True)
        transit = view.number("transit_h", required=True, positive=True, maximum=24.0 * 120)
        regime = view.enum("regime", Regime, required=True, what="regime")
        classes = view.enums("cargo_classes", CargoClass, required=True, what="cargo class")
        schedule = parse_schedule(view)
        tariffs = parse_tariffs(view)
        via = view.texts("via")
        distance = view.number("distance_km", positive=True, maximum=40_000.0)
        capacity_teu = view.number("capacity_teu", positive=True, maximum=30_000.0)
        capacity_kg = view.number("capacity_kg", positive=True)
        co2e = view.number("co2e_g_per_tkm", minimum=0.0, maximum=5_000.0)
        both = view.flag("both_directions")
        forward_id, return_id = view.text("id"), view.text("return_id")
        banned = view.texts("dg_banned")
        mixed = view.flag("mixed_trade")
        optional = {
            "via": via,
            "distance_km": distance,
            "capacity_teu": capacity_teu,
            "capacity_kg": capacity_kg,
            "co2e_g_per_tkm": co2e,
            "both_directions": both,
            "id": forward_id,
            "return_id": return_id,
            "dg_banned": banned,
            "mixed_trade": mixed,
        }
        ok = all(value is not None or not view.has(name) for name, value in optional.items())
        for i, entry in enumerate(banned or ()):
            if entry not in IMDG_CLASSES and entry not in IMDG_DIVISIONS:
                view.error(
                    f"dg_banned[{i}]", f"unknown IMDG class or division {entry!r} (1..9, 1.1..6.2)"
                )
                ok = False
        if return_id is not None and not both:
            view.error("return_id", "goes with both_directions: true")
            ok = False
        if origin is not None and origin == destination:
            view.error("to", "a service joins two different nodes")
            ok = False
        if (
            not ok
            or service is None
            or mode is None
            or operator is None
            or origin is None
            or destination is None
            or transit is None
            or regime is None
            or classes is None
            or schedule is None
            or tariffs is None
        ):
            return None
        return cls(
            service=service,
            mode=mode,
            operator=operator,
            origin=origin,
            destination=destination,
            via=via or (),
            transit_h=transit,
            distance_km=distance,
            regime=regime,
            cargo_classes=classes,
            schedule=schedule,
            capacity_teu=capacity_teu,
            capacity_kg=capacity_kg,
            tariffs=tariffs,
            co2e_g_per_tkm=co2e,
            both_directions=bool(both),
            link_id=forward_id,
            return_id=return_id,
            dg_banned=banned or (),
            mixed_trade=bool(mixed),
            **cls.common(view),
        )

    def link_ids(self) -> tuple[str, ...]:
        forward = self.link_id or link_id(self.mode, self.origin, self.destination, self.service)
        if not self.both_directions:
            return (forward,)
        back = self.return_id or link_id(self.mode, self.destination, self.origin, self.service)
        return forward, back

    def barge_ends(self) -> tuple[tuple[str, str], ...]:
        """(from, to) of the links this adds that can carry export-cleared cargo by water to a
        Combined Port hub (supervised or mixed-trade barge or feeder)."""
        if self.mode not in (Mode.BARGE, Mode.FEEDER) or not (
            self.regime is Regime.SUPERVISED
            or (self.regime is Regime.DOMESTIC and self.mixed_trade)
        ):
            return ()
        ends = [(self.origin, self.destination)]
        if self.both_directions:
            ends.append((self.destination, self.origin))
        return tuple(ends)

    def declares(self) -> frozenset[str]:
        return frozenset({self.service, *self.link_ids()})

    @classmethod
    def may_declare(cls, view: MapView) -> frozenset[str]:
        quiet = view.quiet()
        service = quiet.text("service")
        names = {n for n in (service, quiet.text("id"), quiet.text("return_id")) if n}
        mode = quiet.enum("mode", Mode)
        origin, destination = quiet.text("from"), quiet.text("to")
        if service and mode and origin and destination:
            names |= {
                link_id(mode, origin, destination, service),
                link_id(mode, destination, origin, service),
            }
        return frozenset(names)

    def validate(self, network: Network, pending: frozenset[str] = frozenset()) -> list[SpecIssue]:
        issues: list[SpecIssue] = []
        if self.service in services_of(network):
            count = len(edits.service_links(network, self.service))
            issues.append(
                self.issue(
                    "service",
                    f"service {self.service!r} already exists ({count} link(s)); pick a new code",
                )
            )
        ids = self.link_ids()
        if len(set(ids)) < len(ids):
            issues.append(
                self.issue("return_id", f"the return link needs its own id, not {ids[0]!r}")
            )
        for name, link in zip(("id", "return_id"), ids, strict=False):
            if link in network.links:
                issues.append(self.issue(name, f"link {link!r} already exists"))
        for name, node_id in (("from", self.origin), ("to", self.destination)):
            if node_id not in network.nodes:
                issues.append(self.issue(name, unknown("node", node_id, network.nodes)))
        for i, node_id in enumerate(self.via):
            if node_id not in network.nodes:
                issues.append(self.issue(f"via[{i}]", unknown("node", node_id, network.nodes)))
        issues += tariff_issues(network, self.tariffs)
        needed = required_tariff_units(self._probe())
        have = {line.unit for line in self.tariffs}
        missing = [u.value for u in needed if u not in have]
        if missing:
            issues.append(
                self.issue(
                    "tariffs",
                    f"a {self.mode.value} service needs tariff lines for {', '.join(missing)}",
                )
            )
        if self.mode is Mode.AIR and self.capacity_teu is not None:
            issues.append(
                self.issue("capacity_teu", "air services give capacity_kg, not capacity_teu")
            )
        if self.mode is not Mode.AIR and self.capacity_kg is not None:
            issues.append(self.issue("capacity_kg", "capacity_kg is for air services"))
        if self.mixed_trade and self.regime is not Regime.DOMESTIC:
            issues.append(
                self.issue(
                    "mixed_trade",
                    f"only a domestic service can be mixed-trade, not {self.regime.value}",
                )
            )
        return issues

    def _probe(self) -> Link:
        """A stand-in link to ask which tariff units a service of this mode needs."""
        return Link(
            id="",
            origin="",
            destination="",
            mode=self.mode,
            operator="",
            service="",
            distance_km=1.0,
            transit_h=1.0,
            regime=self.regime,
            cargo_classes=frozenset(),
            schedule=self.schedule,
            tariffs={},
            geometry=(),
        )

    def links(self, network: Network) -> list[Link]:
        tariffs = {line.unit: line.tariff() for line in self.tariffs}
        ids = self.link_ids()
        forward = edits.new_link(
            network,
            link_id=ids[0],
            origin=self.origin,
            destination=self.destination,
            mode=self.mode,
            transit_h=self.transit_h,
            regime=self.regime,
            cargo_classes=self.cargo_classes,
            schedule=self.schedule,
            tariffs=tariffs,
            operator=self.operator,
            service=self.service,
            via=self.via,
            distance_km=self.distance_km,
            capacity_teu=self.capacity_teu,
            capacity_kg=self.capacity_kg,
            co2e_g_per_tkm=self.co2e_g_per_tkm,
            dg_banned=self.dg_banned,
            mixed_trade=self.mixed_trade,
            source=self.source,
        )
        if not self.both_directions:
            return [forward]
        return [forward, edits.reversed_link(network, forward, ids[1])]

    def apply(self, network: Network) -> Network:
        return edits.add_links(network, self.links(network))
