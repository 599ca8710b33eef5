"""Storage tests run on SQLite and, whenever one is reachable (dbkit.postgres_url), on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dbkit import backends, database_url, postgres_url

from router.store.db import Database

POSTGRES_URL = postgres_url()

BACKENDS = backends()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, tmp_path, POSTGRES_URL) as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()
