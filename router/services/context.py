"""The service's long-lived state: settings, the database, and the network loaded at start-up
with its compiled handle (reloadable). The API holds one context per process; the CLI opens a
database or loads a dataset through the helpers here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from router.config import Settings
from router.errors import DatasetError
from router.network.model import Network
from router.routing.compiled import CompiledNetwork, compile_network
from router.store.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedNetwork:
    """A network in service: the network, its compiled handle (passed to every search), when it
    was loaded, and caches derived from it (GeoJSON layers), dropped with it on reload."""

    network: Network
    compiled: CompiledNetwork
    loaded_at: datetime  # UTC
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def load_dataset(data_dir: Path) -> LoadedNetwork:
    """Load, validate and compile the dataset at ``data_dir`` (DatasetError if it is invalid)."""
    from router.network import load_network

    network = load_network(data_dir)
    return LoadedNetwork(network, compile_network(network), datetime.now(UTC))


@dataclass
class ServiceContext:
    """Settings, database and the loaded network of one service process.

    ``loaded`` is replaced as a whole on reload, so a use case that took it once sees one network
    and its own compiled handle throughout, whatever reloads happen meanwhile.
    """

    settings: Settings
    db: Database
    loaded: LoadedNetwork | None = None
    #: why the network is not loaded (the first line of the error), if it is not
    network_error: str | None = None
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, settings: Settings) -> ServiceContext:
        """A context on the database of ``settings`` (no network loaded, no migration run)."""
        return cls(settings=settings, db=Database(settings.database_url))

    def migrate(self) -> None:
        """Bring the database schema to the latest migration."""
        self.db.migrate()

    def close(self) -> None:
        self.db.dispose()

    # ---------------------------------------------------------------------------- network
    @property
    def network(self) -> Network | None:
        return None if self.loaded is None else self.loaded.network

    @property
    def compiled(self) -> CompiledNetwork | None:
        return None if self.loaded is None else self.loaded.compiled

    @property
    def loaded_at(self) -> datetime | None:
        return None if self.loaded is None else self.loaded.loaded_at

    def load_network(self, *, strict: bool = False) -> LoadedNetwork | None:
        """(Re)load the network from ``settings.data_dir`` and compile it for search.

        ``strict``: raise DatasetError (keeping the current network) instead of recording it.
        """
        with self._reload_lock:
            try:
                loaded = load_dataset(self.settings.data_dir)
            except (DatasetError, OSError) as exc:
                if strict:
                    raise
                self.network_error = str(exc).splitlines()[0]
                log.error("network not loaded from %s: %s", self.settings.data_dir, exc)
                return None
            self.loaded = loaded
            self.network_error = None
            network = loaded.network
            log.info(
                "network %s loaded: %d nodes, %d links",
                network.name,
                len(network.nodes),
                len(network.links),
            )
            return loaded

    # --------------------------------------------------------------------------- database
    @property
    def database_dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.db.dialect

    def database_reachable(self) -> bool:
        return self.db.ping()

    def schema_revision(self) -> str | None:
        """The database's migration revision; None when it cannot be read."""
        try:
            return self.db.current_revision()
        except Exception:  # an unreachable database must not break a status report
            return None


@contextmanager
def open_database(settings: Settings) -> Iterator[Database]:
    """The database of ``settings``, migrated to the latest schema, disposed of on exit (for
    one-off commands such as key management)."""
    db = Database(settings.database_url)
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
