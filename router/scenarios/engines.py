"""Engines that route a demand table in parallel: ``local`` (a process pool on this machine) and
``ray`` (coarse Ray tasks on a cluster, or on a local in-process Ray).

Work is cut into chunks of whole one-to-many groups (shipments that share everything but the
destination, :func:`router.routing.many.group_key`), so a chunk's answers do not depend on how
the demand was cut: every engine and every worker count gives the same tables, in the demand's
order. The network goes to each worker process once (the pool's initializer; one
``ray.put``), is compiled there once and kept for the worker's later chunks (keyed by the
network's checksum).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import polars as pl

from router.errors import InvalidRequestError
from router.network.model import Network
from router.routing.compiled import CompiledNetwork, compile_network
from router.scenarios.demand import demand_requests
from router.scenarios.runner import route_shipments
from router.scenarios.tables import LEGS_SCHEMA, SHIPMENTS_SCHEMA

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
#: progress callback: (shipments done, shipments in all)
Progress = Callable[[int, int], None]

#: demand columns that do not decide a one-to-many group (:func:`router.scenarios.runner.group_shipments`)
_NOT_GROUPING = ("id", "destination", "deadline")


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """``engine``: ``local`` or ``ray``; ``workers``: processes (local) or CPUs asked of Ray
    (None: the machine's CPU count); ``address``: an existing Ray cluster (None: start a local
    one for this run); ``chunks_per_worker``: how finely the work is cut (more: smoother
    progress and balance, more overhead)."""

    engine: str = "local"
    workers: int | None = None
    address: str | None = None
    chunks_per_worker: int = 8

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InvalidRequestError(
                "engine", f"unknown engine {self.engine!r} (use {' or '.join(ENGINES)})"
            )
        if self.workers is not None and self.workers < 1:
            raise InvalidRequestError("workers", "must be at least 1")
        if self.chunks_per_worker < 1:
            raise InvalidRequestError("chunks_per_worker", "must be at least 1")

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


def chunk_demand(demand: pl.DataFrame, chunks: int) -> list[pl.DataFrame]:
    """``demand`` cut into at most ``chunks`` frames of whole one-to-many groups (with their
    equivalents of other weeks), balanced by rows, each keeping a ``_row`` column (the row's
    position in ``demand``)."""
    grouping: list[str | pl.Expr] = [
        c for c in demand.columns if c not in _NOT_GROUPING and c != "ready"
    ]
    # the ready time within its week: equivalent weeks share searches
    # (router.scenarios.weeks), so they go to one chunk
    grouping.append((pl.col("ready") - pl.col("ready").dt.truncate("1w")).alias("_in_week"))
    indexed = demand.with_row_index("_row").with_columns(
        pl.struct(grouping).hash(seed=2026).alias("_group")
    )
    sizes = indexed.group_by("_group").agg(pl.len().alias("n"), pl.col("_row").min().alias("first"))
    sizes = sizes.sort(["n", "first"], descending=[True, False])
    loads = [0] * max(1, min(chunks, sizes.height))
    assignment: dict[int, int] = {}
    for group, n in zip(sizes["_group"].to_list(), sizes["n"].to_list(), strict=True):
        k = min(range(len(loads)), key=loads.__getitem__)  # largest first, to the least loaded
        loads[k] += n
        assignment[group] = k
    chunk_of = pl.DataFrame(
        {"_group": list(assignment), "_chunk": list(assignment.values())},
        schema={"_group": pl.UInt64, "_chunk": pl.Int64},
    )
    tagged = indexed.join(chunk_of, on="_group").drop("_group").sort("_row")
    return [
        part.drop("_chunk")
        for part in tagged.partition_by("_chunk", maintain_order=True)
        if part.height
    ]


# Per worker process: the compiled network of the run, by checksum (each worker routes chunks
# of one network; a new checksum replaces it).
_compiled: dict[str, CompiledNetwork] = {}


def _network_in_worker(checksum: str, network: Network | None) -> CompiledNetwork:
    cn = _compiled.get(checksum)
    if cn is None:
        if network is None:
            raise RuntimeError("worker has no network for this run")
        _compiled.clear()
        cn = _compiled[checksum] = compile_network(network)
    return cn


def _init_worker(checksum: str, network: Network) -> None:
    os.environ.setdefault("ROUTER_SEARCH", "compiled")
    _network_in_worker(checksum, network)


@dataclass(frozen=True, slots=True)
class Part:
    """A routed chunk: its tables (with ``_row``, the rows' place in the demand) and the CPU
    seconds its worker spent on it."""

    shipments: pl.DataFrame
    legs: pl.DataFrame
    cpu_s: float


@dataclass(frozen=True, slots=True)
class Routed:
    """A routed demand: its tables in the demand's order, the CPU seconds the workers spent
    routing it (set-up and transfer not included) and the chunks it was cut into."""

    shipments: pl.DataFrame
    legs: pl.DataFrame
    cpu_s: float
    chunks: int


def route_chunk(cn: CompiledNetwork, chunk: pl.DataFrame) -> Part:
    """Route one chunk (with its ``_row`` column)."""
    started = time.process_time()
    shipments = list(demand_requests(chunk.drop("_row")))
    table, legs = route_shipments(cn, shipments)
    rows = chunk.select(pl.col("id").alias("shipment_id"), "_row")
    return Part(table.join(rows, on="shipment_id", how="left"), legs, time.process_time() - started)


def _route_in_worker(checksum: str, chunk: pl.DataFrame) -> Part:
    return route_chunk(_network_in_worker(checksum, None), chunk)


def route_demand(
    network: Network,
    checksum: str,
    demand: pl.DataFrame,
    options: EngineOptions | None = None,
    progress: Progress | None = None,
) -> Routed:
    """``demand`` routed on ``network`` (identified by ``checksum``) with the engine of
    ``options``: the ``shipments`` and ``legs`` tables in the demand's order."""
    options = options or EngineOptions()
    total = demand.height
    if total == 0:
        empty = pl.DataFrame(schema=SHIPMENTS_SCHEMA), pl.DataFrame(schema=LEGS_SCHEMA)
        return Routed(*empty, cpu_s=0.0, chunks=0)
    workers = options.worker_count
    chunks = chunk_demand(demand, workers * options.chunks_per_worker)
    parts: list[Part] = []
    if options.engine == "ray":
        parts = _ray_parts(network, checksum, chunks, options, progress, total)
    elif workers == 1 or len(chunks) == 1:
        cn = compile_network(network)
        for chunk in chunks:
            parts.append(route_chunk(cn, chunk))
            _report(progress, parts, total)
    else:
        parts = _pool_parts(network, checksum, chunks, workers, progress, total)
    return _assemble(parts)


def _report(progress: Progress | None, parts: Sequence[Part], total: int) -> None:
    if progress is not None:
        progress(sum(p.shipments.height for p in parts), total)


def _pool_parts(
    network: Network,
    checksum: str,
    chunks: list[pl.DataFrame],
    workers: int,
    progress: Progress | None,
    total: int,
) -> list[Part]:
    done: list[Part] = []
    # spawn: a fork would copy polars' and OR-Tools' thread pools mid-use
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)),
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(checksum, network),
    )
    try:
        futures = [pool.submit(_route_in_worker, checksum, chunk) for chunk in chunks]
        for future in as_completed(futures):
            done.append(future.result())
            _report(progress, done, total)  # may raise to stop the run (a cancelled job)
    finally:
        # on an error or a stop, chunks not started are dropped instead of waited for
        pool.shutdown(wait=True, cancel_futures=True)
    return done


def _ray_parts(
    network: Network,
    checksum: str,
    chunks: list[pl.DataFrame],
    options: EngineOptions,
    progress: Progress | None,
    total: int,
) -> list[Part]:
    ray = start_ray(options)
    started_here = options.address is None
    try:
        network_ref = ray.put(network)
        task = ray.remote(num_cpus=1)(_ray_route)
        pending = [task.remote(checksum, network_ref, chunk) for chunk in chunks]
        done: list[Part] = []
        try:
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                done.extend(ray.get(ready))
                _report(progress, done, total)  # may raise to stop the run
        finally:
            for ref in pending:
                ray.cancel(ref)
        return done
    finally:
        if started_here:
            ray.shutdown()


def _ray_route(checksum: str, network: Network, chunk: pl.DataFrame) -> Part:
    """A Ray task: route ``chunk`` (the network arrives from the object store, compiled once per
    worker process)."""
    os.environ.setdefault("ROUTER_SEARCH", "compiled")
    return route_chunk(_network_in_worker(checksum, network), chunk)


def start_ray(options: EngineOptions) -> Any:
    """Connect to the cluster at ``options.address``, or start a local Ray for this run with
    ``options.workers`` CPUs: usage statistics off, token authentication off (a local cluster
    reached by this process only), the dashboard off."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    if options.address is None:
        os.environ["RAY_AUTH_MODE"] = "disabled"
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - the ray extra is installed by make setup
        raise InvalidRequestError(
            "engine", "the ray engine needs Ray: pip install 'gba-freight-router[ray]'"
        ) from exc
    if not ray.is_initialized():
        if options.address is None:
            ray.init(
                num_cpus=options.worker_count,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        else:
            ray.init(address=options.address, log_to_driver=False, configure_logging=False)
    return ray


def _assemble(parts: list[Part]) -> Routed:
    """The chunks' tables in the demand's order (legs by shipment, then leg)."""
    shipments = pl.concat([p.shipments for p in parts]).sort("_row")
    order = shipments.select("shipment_id", "_row")
    legs = pl.concat([p.legs for p in parts]).join(order, on="shipment_id").sort(["_row", "seq"])
    cpu_s = sum(p.cpu_s for p in parts)
    return Routed(shipments.drop("_row"), legs.drop("_row"), cpu_s, len(parts))
