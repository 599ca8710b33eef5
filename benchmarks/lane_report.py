"""Five reference lanes quoted on the bundled network: days, price lines and CO2e per alternative.

Run: ``python benchmarks/lane_report.py [--out benchmarks/results/lanes.json]``

A forwarder's view of the quotes (issue 10's closing note compares this output before and after
the commercial-realism changes). Each lane prints its alternatives with tags, door-to-door days,
the total and every cost line (name, basis, amount in its currency, CNY), and CO2e (total and,
where the document has it, tank-to-wheel / well-to-tank).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from router.network import load_network  # noqa: E402
from router.quotes.document import make_quote  # noqa: E402
from router.routing.compiled import compile_network  # noqa: E402
from router.routing.request import Cargo, PlaceRef, QuoteRequest  # noqa: E402

READY = datetime(2026, 12, 7, 9, 0)

#: (name, origin, destination, cargo)
LANES: tuple[tuple[str, str, str, Cargo], ...] = (
    ("Yantian -> Rotterdam, 1x40' FCL", "CNYTN", "NLRTM", Cargo(containers=(("42G1", 1),))),
    ("Shenzhen -> Duisburg, 1x40' FCL", "CN-SZ-CITY", "DEDUI", Cargo(containers=(("42G1", 1),))),
    ("Shunde Xingang -> Shekou, 1x40'", "CN-FS-SDXG", "CNSHK", Cargo(containers=(("42G1", 1),))),
    (
        "Shenzhen -> Rotterdam, LCL 60 m3 / 9 t",
        "CN-SZ-CITY",
        "NLRTM",
        Cargo(weight_kg=9_000, volume_m3=60),
    ),
    (
        "Shenzhen -> Frankfurt, 400 kg / 3 m3 loose",
        "CN-SZ-CITY",
        "DEFRA",
        Cargo(weight_kg=400, volume_m3=3),
    ),
)


def _lines(alt: dict[str, Any]) -> list[dict[str, Any]]:
    cost = alt["cost"]
    if "lines" in cost:
        return list(cost["lines"])
    return [
        {"name": k, "basis": "", "amount": v, "currency": "CNY", "amount_cny": v}
        for k, v in cost["breakdown"].items()
        if v
    ]


def lane_figures(cn: Any, name: str, origin: str, dest: str, cargo: Cargo) -> dict[str, Any]:
    req = QuoteRequest(PlaceRef(origin), PlaceRef(dest), cargo, READY)
    doc = make_quote(cn, req)
    alts = []
    for alt in doc["alternatives"]:
        co2 = alt.get("co2e") or {"total_kg": alt["co2e_kg"]}
        alts.append(
            {
                "tags": alt["tags"],
                "modes": "+".join(dict.fromkeys(leg["mode"] for leg in alt["legs"])),
                "days": round(alt["duration_h"] / 24.0, 1),
                "total_cny": alt["cost"]["total"],
                "lines": _lines(alt),
                "co2e": co2,
                "valid_until": doc.get("valid_until") or alt.get("valid_until"),
            }
        )
    return {"lane": name, "status": doc["status"], "alternatives": alts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "lanes.json"))
    args = parser.parse_args()
    cn = compile_network(load_network(ROOT / "data"))
    report = [lane_figures(cn, *lane) for lane in LANES]
    for lane in report:
        print(f"\n== {lane['lane']} ({lane['status']})")
        for alt in lane["alternatives"]:
            co2 = alt["co2e"]
            split = (
                f" (TTW {co2['ttw_kg']:,.0f}, WTT {co2['wtt_kg']:,.0f})" if "ttw_kg" in co2 else ""
            )
            print(
                f"  [{', '.join(alt['tags'])}] {alt['modes']}: {alt['days']} d, "
                f"CNY {alt['total_cny']:,.0f}, CO2e {co2['total_kg']:,.0f} kg{split}"
            )
            for line in alt["lines"]:
                basis = f" ({line['basis']})" if line.get("basis") else ""
                print(
                    f"      {line['name']}{basis}: {line['amount']:,.2f} {line['currency']}"
                    f" = CNY {line['amount_cny']:,.2f}"
                )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"ready": READY.isoformat(), "lanes": report}, indent=1))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
