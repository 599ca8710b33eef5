"""The files under ``data/`` are their own source of truth, and stay documented and reproducible.

* The bundled network's CSV/GeoJSON files are edited directly (there is no generator): every
  ``source`` key they use must be explained in ``data/README.md``, so every figure keeps its
  provenance. (That the files load and validate is tests/network/test_bundled.py.)
* ``data/samples/bookings.csv`` and ``trains.csv`` are draws of a seeded generator,
  ``data/samples/make_samples.py``: regenerating them reproduces the committed files byte for byte.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = DATA / "samples"
#: a key as README.md explains it: in backticks, e.g. `cp-shipsh` or `estimate:dwell`
DOCUMENTED = re.compile(r"`([a-z0-9:\-]+)`")


def source_texts() -> dict[str, list[str]]:
    """file name -> the ``source`` values of its rows or features."""
    texts: dict[str, list[str]] = {}
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames and "source" in reader.fieldnames, f"{path.name}: no source"
            texts[path.name] = [row["source"] for row in reader]
    with (DATA / "nodes.geojson").open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    texts["nodes.geojson"] = [f["properties"].get("source") or "" for f in features]
    return texts


def test_every_row_has_a_source() -> None:
    for name, texts in source_texts().items():
        missing = [i for i, text in enumerate(texts) if not text.strip()]
        assert not missing, f"{name}: rows {missing[:10]} have no source"


def test_every_source_key_is_explained_in_the_readme() -> None:
    documented = set(DOCUMENTED.findall((DATA / "README.md").read_text(encoding="utf-8")))
    unexplained = {
        f"{name}: {key}"
        for name, texts in source_texts().items()
        for text in texts
        for key in text.split(";")
        if key and key not in documented
    }
    assert not unexplained, sorted(unexplained)


def test_samples_regenerate_byte_for_byte(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_samples(tmp_path)
    for name in ("bookings.csv", "trains.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), (
            f"data/samples/{name} is not make_samples.py's output; run "
            "`python data/samples/make_samples.py` and commit the result"
        )
