"""Checks across the alternatives of one quote: tags and Pareto optimality."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from router.verify.document import Malformed, get_field, num_field, time_field

TAGS = ("cheapest", "fastest", "greenest", "recommended")


def _criteria(alt: Mapping[str, Any]) -> tuple[datetime, float, float, int] | None:
    try:
        return (
            time_field(alt, "arrival", "alternative"),
            num_field(get_field(alt, "cost", "alternative"), "total", "cost"),
            num_field(alt, "co2e_kg", "alternative"),
            int(get_field(alt, "transfers", "alternative")),
        )
    except (Malformed, TypeError, ValueError):
        return None


def _surely_dominates(
    a: tuple[datetime, float, float, int], b: tuple[datetime, float, float, int]
) -> bool:
    """a beats b for certain although money and CO2e are rounded in the document.

    Arrival and transfers are exact; equal rounded cost or CO2e could hide either order, so a
    counts as no worse there only when its rounded value is strictly smaller.
    """
    return a[0] <= b[0] and a[3] <= b[3] and a[1] < b[1] and a[2] < b[2]


def check_set(alternatives: list[Mapping[str, Any]]) -> list[str]:
    """Tags and Pareto optimality across the alternatives of one quote.

    ``recommended`` is on exactly one alternative; ``cheapest``/``fastest``/``greenest`` on at most
    one (fewer alternatives than tags may drop some), and if present on the best alternative for
    that criterion. No alternative may be dominated by another.
    """
    problems: list[str] = []
    tagged: dict[str, list[int]] = {t: [] for t in TAGS}
    for i, alt in enumerate(alternatives):
        tags = alt.get("tags", [])
        for tag in tags if isinstance(tags, list) else []:
            if tag not in tagged:
                problems.append(f"alternative {i}: unknown tag {tag!r}")
            else:
                tagged[tag].append(i)
    for tag, holders in tagged.items():
        if len(holders) > 1 or (tag == "recommended" and alternatives and not holders):
            problems.append(f"tag {tag!r} is on {len(holders)} alternatives")
    crit = [_criteria(a) for a in alternatives]
    full = [c for c in crit if c is not None]
    if len(full) != len(crit):
        return problems
    best_arrival = min((c[0] for c in full), default=None)
    best_cost = min((c[1] for c in full), default=None)
    best_co2 = min((c[2] for c in full), default=None)
    for tag, value, best in (
        ("fastest", lambda c: c[0], best_arrival),
        ("cheapest", lambda c: c[1], best_cost),
        ("greenest", lambda c: c[2], best_co2),
    ):
        for i in tagged[tag]:
            if value(full[i]) != best:
                problems.append(f"alternative {i} is tagged {tag} but another alternative beats it")
    for i, b in enumerate(full):
        for j, a in enumerate(full):
            if i != j and _surely_dominates(a, b):
                problems.append(f"alternative {i} is dominated by alternative {j}")
                break
    return problems
