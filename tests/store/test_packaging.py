"""The migrations ship in the wheel, and run from an installed (non-editable) package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_contains_the_migrations_and_they_run_from_it(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("gba_freight_router-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for member in (
        "router/store/migrations/env.py",
        "router/store/migrations/script.py.mako",
        "router/store/migrations/alembic.ini",
        "router/store/migrations/versions/0001_initial_schema.py",
        "router/store/migrations/versions/0002_optimisation_runs.py",
        "router/store/migrations/versions/0003_jobs_idempotency_events.py",
    ):
        assert member in names, member
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    script = (
        "import router.store.db as d; db = d.Database('sqlite:///"
        + str(tmp_path / "x.sqlite")
        + "');"
        "db.migrate(); print(d.MIGRATIONS_DIR, db.current_revision())"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    ).stdout
    assert out.startswith(str(target)) and out.strip().endswith("0004")
