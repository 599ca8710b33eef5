"""Test support: throw-away databases (a SQLite file, or a fresh PostgreSQL schema).

Used by the test suite to run the same storage and API tests on SQLite and PostgreSQL without
runs colliding: each PostgreSQL database gets its own schema, selected through ``search_path``
in the URL and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

#: the PostgreSQL server DEVELOPERS.md promises on every machine (trust auth, database "test")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@cache
def postgres_url() -> str | None:
    """The PostgreSQL the tests run against: ``ROUTER_TEST_POSTGRES_URL`` if set, else the
    default server when it answers within 2 s; None when there is none."""
    given = os.environ.get("ROUTER_TEST_POSTGRES_URL")
    if given:
        return given
    engine = create_engine(DEFAULT_POSTGRES_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # no server, no database, or no driver: the tests say so and skip
        return None
    finally:
        engine.dispose()
    return DEFAULT_POSTGRES_URL


SKIP_NO_POSTGRES = (
    "no PostgreSQL: set ROUTER_TEST_POSTGRES_URL, or start a server at 127.0.0.1:5432 "
    "(trust auth, database 'test')"
)


def backends() -> list:
    """Test parameters: SQLite always, PostgreSQL when :func:`postgres_url` finds one."""
    return [
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(postgres_url() is None, reason=SKIP_NO_POSTGRES),
            ],
        ),
    ]


def with_search_path(url: str, schema: str) -> str:
    """``url`` with the PostgreSQL ``search_path`` set to ``schema`` for every connection."""
    parsed = make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@contextmanager
def postgres_schema(base_url: str, prefix: str = "t") -> Iterator[str]:
    """A database URL bound to a new, empty schema of ``base_url``; dropped on exit."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield with_search_path(base_url, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def database_url(backend: str, folder: Path, postgres_url: str | None = None) -> Iterator[str]:
    """A fresh database URL: ``sqlite`` (a file in ``folder``) or ``postgres`` (a new schema)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'router-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    if backend == "postgres":
        if not postgres_url:
            raise RuntimeError("a PostgreSQL URL is needed (ROUTER_TEST_POSTGRES_URL)")
        with postgres_schema(postgres_url) as url:
            yield url
        return
    raise ValueError(f"unknown backend {backend!r}")
