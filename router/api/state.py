"""The service's long-lived state: settings, database, and the network loaded at start-up."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from router.config import Settings
from router.errors import DatasetError
from router.network.model import Network
from router.routing.compiled import CompiledNetwork, compile_network
from router.store.db import Database
from router.store.models import utcnow

log = logging.getLogger(__name__)


@dataclass
class ServiceState:
    settings: Settings
    db: Database
    network: Network | None = None
    #: the explicit compiled handle of ``network`` (built once per load), passed to every search
    compiled: CompiledNetwork | None = None
    network_error: str | None = None
    loaded_at: datetime | None = None
    #: per-network caches (GeoJSON features, node search keys), dropped on reload
    cache: dict[str, Any] = field(default_factory=dict)
    _reload_lock: threading.Lock = field(default_factory=threading.Lock)

    def load_network(self, *, strict: bool = False) -> Network | None:
        """(Re)load the network from ``settings.data_dir`` and compile it for search.

        ``strict``: raise DatasetError (keeping the current network) instead of recording it.
        """
        from router.network import load_network

        with self._reload_lock:
            try:
                network = load_network(self.settings.data_dir)
            except (DatasetError, OSError) as exc:
                if strict:
                    raise
                self.network_error = str(exc).splitlines()[0]
                log.error("network not loaded from %s: %s", self.settings.data_dir, exc)
                return None
            compiled = compile_network(network)
            self.network, self.compiled = network, compiled
            self.network_error = None
            self.loaded_at = utcnow()
            self.cache = {}
            log.info(
                "network %s loaded: %d nodes, %d links",
                network.name,
                len(network.nodes),
                len(network.links),
            )
            return network
