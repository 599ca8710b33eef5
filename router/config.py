"""Settings from the environment (prefix ``ROUTER_``), read lazily on first use."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The bundled dataset: ``data/`` beside the package (editable install or source checkout)."""
    beside_package = Path(__file__).resolve().parent.parent / "data"
    return beside_package if beside_package.is_dir() else Path.cwd() / "data"


def default_var_dir() -> Path:
    """Where the service keeps its state: ``var/`` of the source checkout (beside ``data/``),
    whatever the working directory; for an installed package, the user's data folder
    (``$XDG_DATA_HOME/gba-freight-router``)."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "var"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gba-freight-router"


def default_database_url() -> str:
    """SQLite in ``router.sqlite`` of :func:`default_var_dir`, so ``router serve`` and
    ``router keys ...`` share one database."""
    return f"sqlite:///{default_var_dir() / 'router.sqlite'}"


class Settings(BaseSettings):
    """Service and CLI settings. Every field can be set as ``ROUTER_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="ROUTER_", extra="ignore")

    data_dir: Path = default_data_dir()
    #: empty: :func:`default_database_url`
    database_url: str = ""
    quote_ttl_h: float = 72.0
    idempotency_ttl_h: float = 24.0  # how long a response to an Idempotency-Key is kept
    max_alternatives: int = 10
    max_body_bytes: int = 262_144
    max_optimise_body_bytes: int = 4_194_304  # POST /v1/assignments, /v1/consolidation/plans
    max_solve_s: float = 60.0  # longest solver time limit an optimisation request may ask for
    max_job_solve_s: float = 3600.0  # longest solver time limit of a job (assignment, plan)
    #: run a job worker inside each service process (``router worker`` runs more, elsewhere)
    embedded_worker: bool = True
    job_poll_s: float = 1.0  # how often an idle worker looks for queued jobs, seconds
    job_heartbeat_s: float = 2.0  # how often a running job's worker reports, seconds
    #: a running job whose worker has not reported for this long is taken as lost (seconds)
    job_stale_after_s: float = 60.0
    job_max_attempts: int = 3  # runs of a job before a lost one is failed instead of re-queued
    #: on shutdown, how long a worker lets its running job go on before re-queueing it, seconds
    job_shutdown_grace_s: float = 10.0
    #: on shutdown, how long requests in flight may take to finish, seconds
    shutdown_grace_s: float = 30.0
    #: quote and in-request solve computations at once per service process (0: no bound);
    #: a request waits up to compute_queue_wait_s for a slot, then gets 503 with Retry-After
    max_concurrent_compute: int = 8
    compute_queue_wait_s: float = 2.0
    #: requests per second per API key and process (0: no limit), with bursts of rate_limit_burst
    rate_limit_per_s: float = 200.0
    rate_limit_burst: int = 400
    cors_origins: list[str] = []  # CORS is off unless origins are listed
    auto_migrate: bool = True  # run the database migrations (upgrade head) at start-up
    log_level: str = "INFO"
    #: scenario runs of the service (per tenant, per run: tables, charts, report); empty:
    #: ``scenarios/`` of :func:`default_var_dir`. Workers on several hosts need it shared.
    scenario_dir: Path | None = None
    #: worker processes of one scenario run (0: the machine's CPU count)
    scenario_workers: int = 0
    #: the largest demand table a scenario run of the service takes (rows)
    max_scenario_shipments: int = 1_000_000
    #: the largest demand upload (bytes)
    max_demand_upload_bytes: int = 67_108_864
    #: the quote search's label loop: "compiled" (Cython extension) or "python" (the reference)
    search: str = "compiled"

    def model_post_init(self, context: object, /) -> None:
        if not self.database_url:
            self.database_url = default_database_url()
        if self.scenario_dir is None:
            self.scenario_dir = default_var_dir() / "scenarios"


#: set by ``router serve --workers N`` for its workers: the supervisor's process id (the
#: workers end with it, router/api/supervision.py)
SUPERVISOR_ENV = "ROUTER_SUPERVISOR_PID"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first call."""
    return Settings()
