"""Regenerate data/samples/bookings.csv and trains.csv (fixed seed; see data/README.md).

    python data/samples/make_samples.py    # rewrites them here, byte for byte

The committed files are this script's output; tests/test_data_files.py checks that they still are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from router.synthetic.trains import realistic_instance
from router.optimise.io import write_bookings, write_trains

HERE = Path(__file__).resolve().parent


def write_samples(out_dir: Path) -> tuple[int, int]:
    """Write bookings.csv and trains.csv to ``out_dir``; (containers, departures) written."""
    containers, trains = realistic_instance(160, days=4, start=date(2025, 3, 3), seed=7)
    write_bookings(out_dir / "bookings.csv", containers)
    write_trains(out_dir / "trains.csv", trains)
    return len(containers), len(trains)


def main() -> None:
    containers, departures = write_samples(HERE)
    print(f"wrote {containers} containers and {departures} departures to {HERE}")


if __name__ == "__main__":
    main()
