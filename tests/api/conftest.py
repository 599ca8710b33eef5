"""API tests: one service per database backend (SQLite; PostgreSQL whenever one is reachable,
see dbkit.postgres_url), on the tiny fixture network, with one API key per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_testkit import BACKENDS, POSTGRES_URL, Service, make_settings
from dbkit import database_url
from fastapi.testclient import TestClient

from router.api import create_app
from router.services.context import ServiceContext
from router.store import repositories as repo


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def service_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with database_url(backend, tmp_path_factory.mktemp("db"), POSTGRES_URL) as url:
        yield url


@pytest.fixture(scope="session")
def running(service_url: str) -> Iterator[Service]:
    app = create_app(make_settings(service_url))
    with TestClient(app) as client:
        ctx: ServiceContext = app.state.service
        keys = {}
        for role, name in (
            ("admin", "root"),
            ("shipper", "ACME"),
            ("operator", "Rail Ops"),
            ("planner", "Planning"),
        ):
            with ctx.db.write() as session:
                _, keys[role] = repo.create_key(session, name=name, role=role)
        with ctx.db.write() as session:
            _, keys["other"] = repo.create_key(session, name="Globex", role="shipper")
        yield Service(client, ctx, keys, service_url)


@pytest.fixture
def svc(running: Service) -> Iterator[Service]:
    """The running service with no quotes, bookings or booked departures."""
    running.clear()
    yield running
