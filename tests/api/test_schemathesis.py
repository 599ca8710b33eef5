"""Property-based tests of the API against its own OpenAPI schema (schemathesis).

Every operation gets a bounded number of generated requests (its examples, then data derived
from the schema); no response may be a server error or violate the schema (status code, content
type, headers, body). Requests carry an admin key, so every operation is reachable. It runs once
per database backend: the generated requests go through a small dispatcher to the service of the
current backend, whose lifespan the fixture runs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_testkit import BACKENDS, POSTGRES_URL, make_settings
from dbkit import database_url
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from router.api import create_app
from router.store import repositories as repo

MAX_EXAMPLES = 25


class Dispatch:
    """An ASGI app forwarding HTTP requests to ``target`` (whose lifespan runs elsewhere)."""

    target: Any = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].rsplit(".", 1)[-1]
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        await self.target(scope, receive, send)


DISPATCH = Dispatch()
_DOC_APP = create_app(make_settings(f"sqlite:///{tempfile.gettempdir()}/unused-schema.sqlite"))
schema = schemathesis.openapi.from_dict(_DOC_APP.openapi())
schema.app = DISPATCH
schema.location = "/openapi.json"


@pytest.fixture(scope="session", params=BACKENDS)
def admin_key(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with database_url(str(request.param), folder, POSTGRES_URL) as url:
        app = create_app(make_settings(url))
        with TestClient(app):  # runs the lifespan: migrations, network
            with app.state.service.db.write() as session:
                _, key = repo.create_key(session, name="fuzzer", role="admin")
            DISPATCH.target = app
            yield key
            DISPATCH.target = None


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_has_no_server_errors_and_conforms_to_its_schema(case, admin_key: str) -> None:
    # a well-formed request can still name an unknown node (404) or an impossible date (422):
    # the schema cannot say which node ids exist, so "valid data is accepted" is not checked
    case.call_and_validate(
        headers={"X-API-Key": admin_key}, excluded_checks=[positive_data_acceptance]
    )
