"""Use-case tests: a service context on the tiny network with a fresh database per test (SQLite;
PostgreSQL too whenever one is reachable: see dbkit.postgres_url)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dbkit import backends, database_url, postgres_url

from router.config import Settings
from router.services.context import ServiceContext

POSTGRES_URL = postgres_url()
TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"

BACKENDS = backends()


@pytest.fixture(params=BACKENDS)
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServiceContext]:
    """A migrated database and the tiny network loaded, as the API's lifespan leaves them."""
    with database_url(str(request.param), tmp_path, POSTGRES_URL) as url:
        context = ServiceContext.open(Settings(data_dir=TINY, database_url=url))
        context.migrate()
        assert context.load_network() is not None
        yield context
        context.close()
