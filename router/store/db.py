"""Engine and sessions from a database URL; migrations run programmatically.

SQLite (the default) gets WAL journaling, a busy timeout, foreign keys, and transactions that
SQLAlchemy begins itself: read transactions with ``BEGIN`` and write transactions with
``BEGIN IMMEDIATE``, which takes the database's write lock up front so concurrent writers queue
(waiting up to the busy timeout) instead of failing on a stale snapshot. PostgreSQL uses its
default READ COMMITTED isolation; writers that must not race lock rows (``SELECT ... FOR UPDATE``)
or use conditional ``UPDATE ... WHERE`` statements whose row count tells whether they applied.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")
#: PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
RETRY_ATTEMPTS = 5
RETRY_PAUSE_S = 0.02


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _retryable(exc: DBAPIError) -> bool:
    return _sqlstate(exc) in RETRYABLE_SQLSTATES


#: how long a SQLite writer waits for the write lock before giving up, seconds
SQLITE_BUSY_TIMEOUT_S = 30.0
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_IMMEDIATE = "router_sqlite_immediate"
#: PostgreSQL advisory-lock key serialising concurrent migration runs (several workers starting)
_MIGRATION_LOCK_KEY = 0x6762_726F_7574  # "gbrout"


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created and the pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see "begin")
        cursor = dbapi_connection.cursor()
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """One database: engine, read and write sessions, migrations, reachability check."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_db_engine(url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        writer = self.engine.execution_options(**{_IMMEDIATE: True})
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)

    @property
    def display_url(self) -> str:
        """The database URL with any password hidden, for messages."""
        return self.engine.url.render_as_string()

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; closing it ends the transaction (loaded objects stay usable)."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction, committed on success, rolled back on error.

        On SQLite the transaction holds the write lock from its first statement on.
        """
        with self._writer() as session, session.begin():
            yield session

    def write_retrying(self, work: Callable[[Session], T], attempts: int = RETRY_ATTEMPTS) -> T:
        """``work(session)`` in one write transaction, run again (up to ``attempts`` times in
        all, after a short growing pause) when the database aborts it as a deadlock victim or a
        serialization failure: those leave nothing written, and running again is safe."""
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except DBAPIError as exc:
                if attempt == attempts or not _retryable(exc):
                    raise
                log.info("write transaction retried (%s, attempt %d)", _sqlstate(exc), attempt)
                time.sleep(RETRY_PAUSE_S * attempt * (1 + random.random()))
        raise AssertionError("unreachable")

    def ping(self) -> bool:
        """Whether the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:  # any driver error means "not reachable"
            log.warning("database not reachable: %s", exc)
            return False

    def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema to ``revision`` with the packaged Alembic migrations.

        Concurrent callers (several workers starting) are serialised: on PostgreSQL by an
        advisory lock, on SQLite by the database's write lock.
        """
        self._alembic("upgrade", revision)

    def downgrade(self, revision: str) -> None:
        """Downgrade the schema to ``revision`` (``base``: drop everything)."""
        self._alembic("downgrade", revision)

    def _alembic(self, action: str, revision: str) -> None:
        from alembic import command

        config = alembic_config()
        with self.engine.execution_options(**{_IMMEDIATE: True}).begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            config.attributes["connection"] = conn
            getattr(command, action)(config, revision)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config() -> Any:
    """An Alembic config pointing at the packaged migrations (works from an installed wheel)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
