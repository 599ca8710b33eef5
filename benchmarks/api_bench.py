"""HTTP quote throughput and latency of the service, against in-process quoting.

Run: ``python benchmarks/api_bench.py [--requests 100] [--max-seconds 90] [--concurrency 8]
[--distinct N] [--search compiled|python] [--out FILE]``
Writes ``benchmarks/results/api.json`` and prints the figures.

1. In-process: ``quote_document`` (the service's quote, with the space of every departure as
   with an empty booking table) on a fixed, seeded list of quote requests, one after the other.
2. HTTP: uvicorn on 127.0.0.1 (random free port) with 2 worker processes and a fresh SQLite
   database; a second process drives ``POST /v1/quotes`` with the same list of requests from a
   pool of client threads.
Both runs do the same requests (``--requests``), each bounded in time (``--max-seconds``).
Reported: throughput, p50/p90/p99 latency (of every answer, and of the 2xx ones), answers by
   status (503 with Retry-After when the server is at its compute bound), the server's memory
   (all processes) before and after, and the ratio of HTTP throughput to in-process throughput (the ratio is what to watch:
   it is measured in one run on one machine, so machine speed largely cancels).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from router.api.schemas import QuoteRequestIn, to_quote_request  # noqa: E402
from router.config import Settings  # noqa: E402
from router.network import load_network  # noqa: E402
from router.network.model import Network, NodeKind  # noqa: E402
from router.routing.compiled import compile_network  # noqa: E402
from router.services import auth  # noqa: E402
from router.services.capacity import schedule_capacity  # noqa: E402
from router.services.context import open_database  # noqa: E402
from router.services.quoting import quote_document  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "api.json"
ENDPOINT_KINDS = {
    NodeKind.SEAPORT,
    NodeKind.CITY,
    NodeKind.RAIL_TERMINAL,
    NodeKind.AIRPORT,
    NodeKind.INLAND_DEPOT,
    NodeKind.RIVER_TERMINAL,
}
CONTAINERS = ("22G1", "42G1", "45G1")
#: unmeasured requests per client connection first (network compile, lazy imports per worker)
WARMUP_PER_CONNECTION = 5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {}
    ms = [s * 1000 for s in seconds]
    return {
        "p50": round(pct(ms, 50), 2),
        "p90": round(pct(ms, 90), 2),
        "p99": round(pct(ms, 99), 2),
        "mean": round(statistics.fmean(ms), 2),
        "max": round(max(ms), 2),
    }


def quote_bodies(network: Network, n: int, seed: int) -> list[dict[str, Any]]:
    """A seeded mix of container (85 %) and loose-cargo quote requests between terminals."""
    rng = random.Random(seed)
    ids = sorted(i for i, node in network.nodes.items() if node.kind in ENDPOINT_KINDS)
    start = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=30)
    bodies = []
    for _ in range(n):
        origin, destination = rng.sample(ids, 2)
        if rng.random() < 0.85:
            cargo: dict[str, Any] = {
                "containers": [{"type": rng.choice(CONTAINERS), "count": rng.randint(1, 3)}]
            }
        else:
            cargo = {
                "weight_kg": round(rng.uniform(200, 5000)),
                "volume_m3": round(rng.uniform(1, 20), 1),
            }
        ready = start + timedelta(hours=rng.randrange(0, 24 * 28))
        bodies.append(
            {
                "origin": origin,
                "destination": destination,
                "cargo": cargo,
                "ready": ready.isoformat(),
            }
        )
    return bodies


def in_process(
    network: Network, bodies: list[dict[str, Any]], duration_s: float, max_quotes: int
) -> dict[str, Any]:
    """Quotes per second of the engine alone, as the service calls it (one thread)."""
    capacity = schedule_capacity(network)
    cn = compile_network(network)
    every = [to_quote_request(QuoteRequestIn.model_validate(b), 20) for b in bodies]
    for request in every[:WARMUP_PER_CONNECTION]:  # warm-up: compile, lazy imports
        quote_document(cn, request, capacity=capacity)
    requests = every[WARMUP_PER_CONNECTION:]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    i = 0
    while i < max_quotes and time.perf_counter() - started < duration_s:
        t0 = time.perf_counter()
        doc = quote_document(cn, requests[i % len(requests)], capacity=capacity)
        latencies.append(time.perf_counter() - t0)
        statuses[doc["status"]] = statuses.get(doc["status"], 0) + 1
        i += 1
    elapsed = time.perf_counter() - started
    return {
        "quotes": i,
        "duration_s": round(elapsed, 2),
        "throughput_qps": round(i / elapsed, 2),
        "latency_ms": latency_ms(latencies),
        "statuses": statuses,
    }


def drive(
    url: str,
    key: str,
    bodies: list[dict[str, Any]],
    duration_s: float,
    max_requests: int,
    concurrency: int,
    out: Any,
) -> None:
    """The load generator (runs in its own process): POST /v1/quotes from a pool of threads."""
    import httpx

    lock = threading.Lock()
    latencies: list[float] = []
    accepted: list[float] = []  # latencies of 2xx answers
    codes: dict[int, int] = {}
    errors: list[str] = []
    counter = iter(range(max_requests))
    measured = bodies[WARMUP_PER_CONNECTION:]
    clock: dict[str, float] = {}

    def start_clock() -> None:  # runs once, when every connection is warm, before any is released
        clock["start"] = time.perf_counter()
        clock["deadline"] = clock["start"] + duration_s

    ready = threading.Barrier(concurrency, action=start_clock)

    def worker() -> None:
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60.0) as client:
            for body in bodies[:WARMUP_PER_CONNECTION]:  # warm this connection's worker process
                client.post("/v1/quotes", json=body)
            ready.wait()
            while time.perf_counter() < clock["deadline"]:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    body = measured[i % len(measured)]
                    response = client.post("/v1/quotes", json=body)
                    code = response.status_code
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(repr(exc))
                    continue
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if code < 300:
                        accepted.append(elapsed)
                    codes[code] = codes.get(code, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.send(
        {
            "latencies": latencies,
            "accepted": accepted,
            "codes": codes,
            "errors": errors[:10],
            "elapsed": time.perf_counter() - clock.get("start", time.perf_counter()),
        }
    )


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), MiB."""
    total_kb = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total_kb += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return round(total_kb / 1024, 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, timeout_s: float, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            response = httpx.get(f"{url}/v1/health", timeout=2.0)
            if response.status_code == 200:
                return
            if not response.json()["network"]["ok"]:
                raise RuntimeError(f"the server has no network: {response.json()['network']}")
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server at {url} did not become healthy in {timeout_s:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="dataset folder")
    parser.add_argument("--requests", type=int, default=100, help="quotes per measurement")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="time bound per run")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--distinct", type=int, default=None, help="distinct quote requests (default: --requests)"
    )
    parser.add_argument(
        "--search",
        choices=("compiled", "python"),
        default="compiled",
        help="search implementation of the server and the in-process run (ROUTER_SEARCH)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.data = args.data.resolve()

    network = load_network(args.data)
    os.environ["ROUTER_SEARCH"] = args.search  # the in-process run and the server's workers
    distinct = args.distinct if args.distinct is not None else args.requests
    bodies = quote_bodies(network, distinct + WARMUP_PER_CONNECTION, args.seed)
    print(f"network {network.name}: {len(network.nodes)} nodes, {len(network.links)} links")
    print(
        f"in-process: {args.requests} quotes with quote_document (at most {args.max_seconds:.0f} s)"
    )
    local = in_process(network, bodies, args.max_seconds, args.requests)
    print(f"  {local['throughput_qps']} quotes/s, latency {local['latency_ms']}")

    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'router.sqlite'}"
        with open_database(Settings(database_url=db_url)) as db:
            key = auth.create_key(db, name="bench", role="shipper").secret
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "ROUTER_DATABASE_URL": db_url,
            "ROUTER_DATA_DIR": str(args.data),
            "ROUTER_LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "router.api.app:app_factory",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        print(f"HTTP: uvicorn with {args.workers} workers on {url}")
        server = subprocess.Popen(command, env=env, cwd=tmp)
        try:
            wait_healthy(url, 90.0, server)
            memory_before_mb = tree_rss_mb(server.pid)
            receiver, sender = mp.get_context("spawn").Pipe(duplex=False)
            driver = mp.get_context("spawn").Process(
                target=drive,
                args=(url, key, bodies, args.max_seconds, args.requests, args.concurrency, sender),
            )
            driver.start()
            result = receiver.recv()
            driver.join()
            memory_after_mb = tree_rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    done = len(result["latencies"])
    rps = done / result["elapsed"] if result["elapsed"] else 0.0
    http = {
        "requests": done,
        "duration_s": round(result["elapsed"], 2),
        "throughput_rps": round(rps, 2),
        "latency_ms": latency_ms(result["latencies"]),
        "accepted_latency_ms": latency_ms(result["accepted"]),
        "status_codes": {str(k): v for k, v in sorted(result["codes"].items())},
        "transport_errors": result["errors"],
        "server_memory_mb": {"before": memory_before_mb, "after": memory_after_mb},
    }
    print(f"  {http['throughput_rps']} requests/s, latency {http['latency_ms']}")
    print(f"  status codes {http['status_codes']} (2xx latency {http['accepted_latency_ms']})")
    print(f"  server memory {memory_before_mb} -> {memory_after_mb} MiB")
    ratio = rps / local["throughput_qps"] if local["throughput_qps"] else None
    doc = {
        "benchmark": "api",
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "config": {
            "network": network.name,
            "nodes": len(network.nodes),
            "links": len(network.links),
            "requests": args.requests,
            "max_seconds": args.max_seconds,
            "concurrency": args.concurrency,
            "workers": args.workers,
            "seed": args.seed,
            "distinct_requests": distinct,
            "search": args.search,
            "database": "sqlite (fresh file)",
        },
        "in_process": local,
        "http": http,
        "ratio_http_to_in_process": None if ratio is None else round(ratio, 3),
        "note": "HTTP runs 2 uvicorn workers and stores every quote in SQLite; in-process is one "
        "thread calling quote_document. Client and server share the machine's CPUs.",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"HTTP / in-process throughput ratio: {doc['ratio_http_to_in_process']}")
    print(f"wrote {args.out}")
    # 503 with Retry-After is the service refusing work beyond its compute bound, by design
    if any(int(code) >= 500 and code != "503" for code in http["status_codes"]) or result["errors"]:
        sys.exit("server errors during the benchmark")


if __name__ == "__main__":
    main()
