"""Published one-dimensional bin-packing instances with known optima (``benchmarks/data/binpacking``).

Each instance is a text file in the BPPLIB format (Delorme, Iori and Martello 2018, "BPPLIB: a
library for bin packing and cutting stock problems", Optimization Letters 12:235-250): the
number of items, the bin capacity, then one item weight per line. ``index.csv`` lists, per
instance, its file, its published optimum and where both come from (see the README there);
the optimum is read from the index, never computed here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from router.synthetic.trains import BinPackingInstance

#: where the published instances live in a checkout
DATA_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "binpacking"
#: scaled capacity of a wagon, kg (weights are scaled by capacity // this, whole kg)
TARGET_CAPACITY_KG = 30_000


@dataclass(frozen=True, slots=True)
class PublishedInstance:
    """One row of ``index.csv``: name, file, published optimum (bins) and its source."""

    name: str
    file: str
    optimum: int
    source: str

    def load(self, directory: Path = DATA_DIR) -> BinPackingInstance:
        """The instance with weights scaled to a wagon of about 30 t (integer kg; the optimum is
        unchanged by scaling) and wagon slots that never bind (pure bin packing)."""
        values = [int(v) for v in (directory / self.file).read_text(encoding="utf-8").split()]
        n, capacity, sizes = values[0], values[1], values[2:]
        if len(sizes) != n:
            raise ValueError(f"{self.file}: {len(sizes)} weights, header says {n}")
        scale = max(1, TARGET_CAPACITY_KG // capacity)
        return BinPackingInstance(
            self.name,
            float(capacity * scale),
            tuple(float(s * scale) for s in sizes),
            self.optimum,
            slots=None,
        )


def published_instances(directory: Path = DATA_DIR) -> list[PublishedInstance]:
    """The rows of ``index.csv`` in file order."""
    with (directory / "index.csv").open(encoding="utf-8", newline="") as fh:
        return [
            PublishedInstance(r["name"], r["file"], int(r["optimum"]), r["source"])
            for r in csv.DictReader(fh)
        ]
