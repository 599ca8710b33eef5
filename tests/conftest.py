"""Shared fixtures: where the test datasets live, and the tiny network loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.network import Network, load_network

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
REPO_DIR = TESTS_DIR.parent


@pytest.fixture(scope="session")
def test_data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    return DATA_DIR / "tiny"


@pytest.fixture(scope="session")
def broken_dir() -> Path:
    return DATA_DIR / "broken"


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    """The bundled dataset at the repository root (``data/``)."""
    return REPO_DIR / "data"


@pytest.fixture(scope="session")
def tiny_network(tiny_dir: Path) -> Network:
    return load_network(tiny_dir)


def pytest_report_header() -> str:
    """Say at the top of every run whether the PostgreSQL tests run, and against what."""
    from dbkit import SKIP_NO_POSTGRES, postgres_url

    url = postgres_url()
    return f"postgres: {url}" if url else f"postgres: skipped ({SKIP_NO_POSTGRES})"
