"""Regenerate data/samples/bookings.csv and trains.csv (fixed seed; see data/README.md).

    python data/samples/make_samples.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from router.synthetic.trains import realistic_instance
from router.optimise.io import write_bookings, write_trains

HERE = Path(__file__).resolve().parent


def main() -> None:
    containers, trains = realistic_instance(160, days=4, start=date(2025, 3, 3), seed=7)
    write_bookings(HERE / "bookings.csv", containers)
    write_trains(HERE / "trains.csv", trains)
    print(f"wrote {len(containers)} containers and {len(trains)} departures to {HERE}")


if __name__ == "__main__":
    main()
