"""Customs legality of every route the engine returns on the bundled network (DESIGN.md §6).

Runs a seeded stream of random quote requests over the bundled GBA dataset and checks every
returned alternative with the independent checker :mod:`router.verify.legality`.
"""

from __future__ import annotations

import copy
import random
import re
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from router.network import Network, load_network
from router.network.model import AeoLevel, CargoClass, CustomsState, Mode
from router.quotes.document import make_quote
from router.routing.compiled import compile_network
from router.routing.request import (
    Cargo,
    Constraints,
    CustomsScope,
    PlaceRef,
    Preferences,
    QuoteRequest,
    TraderProfile,
)
from router.units import CST
from router.verify.legality import EXPORT_OPS, check_alternative, check_quote

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
QUERIES = 2_000
SEED = 20261201
MIN_ROUTED_SHARE = 0.4

DRY_BOXES = ("22G1", "42G1", "45G1")
REEFER_BOXES = ("22R1", "42R1")
IMDG = ("1.4", "2.1", "2.2", "3", "4.1", "5.1", "6.1", "8", "9")
READY_FROM = datetime(2026, 12, 1, tzinfo=CST)
READY_SPAN_MIN = (datetime(2027, 3, 1, tzinfo=CST) - READY_FROM) // timedelta(minutes=1)


def random_request(rng: random.Random, network: Network) -> QuoteRequest:
    """A random but valid quote request between two nodes of ``network``."""
    ids = sorted(network.nodes)
    origin, destination = rng.sample(ids, 2)
    cargo_class = rng.choices(list(CargoClass), weights=(45, 15, 15, 12, 13))[0]
    imdg = rng.choice(IMDG) if cargo_class is CargoClass.DANGEROUS else None
    value = rng.choice((None, None, rng.uniform(5e4, 5e6)))
    shape = rng.random()
    if shape < 0.6 and cargo_class is not CargoClass.ECOMMERCE:
        boxes: tuple[str, ...]
        if cargo_class is CargoClass.REEFER:
            boxes = REEFER_BOXES
        elif cargo_class is CargoClass.DANGEROUS:
            boxes = DRY_BOXES
        else:  # general and pharma cargo may ride in reefer boxes too
            boxes = DRY_BOXES + REEFER_BOXES
        kinds = rng.sample(boxes, rng.choice((1, 1, 2)))
        cargo = Cargo(
            containers=tuple((k, rng.randint(1, 3)) for k in kinds),
            cargo_class=cargo_class,
            imdg_class=imdg,
            value_cny=value,
        )
    elif shape < 0.85:  # LCL
        cargo = Cargo(
            weight_kg=rng.uniform(200, 12_000),
            volume_m3=rng.choice((None, rng.uniform(1, 30))),
            cargo_class=cargo_class,
            imdg_class=imdg,
            value_cny=value,
        )
    else:  # small air-sized consignment
        cargo = Cargo(
            weight_kg=rng.uniform(20, 2_000),
            volume_m3=rng.choice((None, rng.uniform(0.1, 8))),
            cargo_class=cargo_class,
            imdg_class=imdg,
            value_cny=value,
        )
    modes = frozenset(Mode)
    if rng.random() < 0.25:
        modes = frozenset(rng.sample(list(Mode), rng.randint(1, len(Mode))))
        if rng.random() < 0.7:
            modes |= {Mode.TRUCK}
    constraints = Constraints(
        allowed_modes=modes,
        max_transfers=rng.choice((None, None, None, None, 1, 2, 3, 5)),
        excluded_nodes=frozenset(rng.sample(ids, 2)) if rng.random() < 0.1 else frozenset(),
    )
    ready = READY_FROM + timedelta(minutes=rng.randrange(READY_SPAN_MIN))
    deadline = ready + timedelta(hours=rng.uniform(12, 60 * 24)) if rng.random() < 0.2 else None
    return QuoteRequest(
        origin=PlaceRef(origin),
        destination=PlaceRef(destination),
        cargo=cargo,
        ready=ready,
        deadline=deadline,
        trader=TraderProfile(
            aeo_level=rng.choice(list(AeoLevel)),
            direct_eligible=rng.random() < 0.4,
            combined_port_allowed=rng.random() < 0.85,
        ),
        customs_scope=rng.choice(list(CustomsScope)),
        constraints=constraints,
        preferences=Preferences(alternatives=rng.randint(1, 8)),
    )


def mutations(rng: random.Random, alt: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Broken copies of a legal alternative that the checker must reject (it can fail)."""
    out = []
    events = alt["customs_events"]
    exports = [i for i, e in enumerate(events) if e["operation"] in EXPORT_OPS]
    if exports:
        broken = copy.deepcopy(alt)
        del broken["customs_events"][exports[0]]
        out.append(("export clearance dropped", broken))
    if events:
        broken = copy.deepcopy(alt)
        event = rng.choice(broken["customs_events"])
        states = [s for s in CustomsState if s.value != event["state_before"]]
        event["state_before"] = rng.choice(states).value
        out.append(("wrong state_before", broken))
    crossings = [i for i, e in enumerate(events) if e["operation"] in ("exit", "entry")]
    if crossings:
        broken = copy.deepcopy(alt)
        del broken["customs_events"][rng.choice(crossings)]
        out.append(("border event dropped", broken))
        broken = copy.deepcopy(alt)
        event = broken["customs_events"][rng.choice(crossings)]
        event["node"] = rng.choice(
            [e["node"] for e in events if e["node"] != event["node"]] or ["?"]
        )
        out.append(("border event moved to another node", broken))
    steps = [
        i
        for i, e in enumerate(events)
        if e["operation"] in ("import_clearance", "transit_declaration")
    ]
    if steps:
        broken = copy.deepcopy(alt)
        del broken["customs_events"][rng.choice(steps)]
        out.append(("import or transit declaration dropped", broken))
    broken = copy.deepcopy(alt)
    leg = rng.choice(broken["legs"])
    leg["arrival"] = (datetime.fromisoformat(leg["arrival"]) - timedelta(hours=2)).isoformat()
    out.append(("leg arrives 2 h early", broken))
    return out


@pytest.mark.slow
@pytest.mark.skipif(
    not (DATA_DIR / "nodes.geojson").exists(), reason="bundled dataset data/ not built yet"
)
def test_every_returned_route_is_legal() -> None:
    network = load_network(DATA_DIR)
    cn = compile_network(network)
    rng = random.Random(SEED)
    routed = 0
    alternatives = 0
    failures: list[str] = []
    mutated = 0
    missed: list[str] = []
    kinds: Counter[str] = Counter()  # violations by message, numbers blanked
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(QUERIES):
        request = random_request(rng, network)
        quote = make_quote(cn, request)
        problems = check_quote(network, request, quote)
        if quote["status"] == "ok":
            routed += 1
            alternatives += len(quote["alternatives"])
            for kind, broken in mutations(rng, quote["alternatives"][0]):
                mutated += 1
                if not check_alternative(network, request, broken):
                    missed.append(f"query {i}: the checker missed a mutation ({kind})")
        if problems:
            kinds.update(re.sub(r"\d[\d.:T+-]*", "#", p.split(": ", 1)[-1])[:100] for p in problems)
            failures.append(
                f"query {i}: {request.origin} -> {request.destination}, {request.cargo}, "
                f"ready {request.ready.isoformat()}, scope {request.customs_scope.value}, "
                f"{request.trader}, {request.constraints}: " + " | ".join(problems[:5])
            )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    share = routed / QUERIES
    print(
        f"\n{QUERIES} queries in {elapsed:.1f} s ({cpu:.1f} s CPU): {routed} routed ({share:.0%}), "
        f"{alternatives} alternatives checked, {len(failures)} with violations; "
        f"{mutated} mutated alternatives, {len(missed)} missed"
    )
    assert not failures, f"{len(failures)} illegal quotes; kinds {kinds.most_common(5)}:\n" + (
        "\n".join(failures[:10])
    )
    assert share >= MIN_ROUTED_SHARE, f"only {share:.0%} of random queries found a route"
    assert not missed, "\n".join(missed[:10])
