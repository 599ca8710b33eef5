"""Backpressure: a bound on the quote and solve computations running at once in a service
process (beyond it, 503 with ``Retry-After``), and a request rate per API key (beyond it, 429
with ``Retry-After``), so that an overloaded service says so at once instead of queueing without
bound (at 64 clients, an unbounded service's p99 latency reached seconds with no signal).

Both are per process: with ``router serve --workers N`` the service as a whole admits N times
as much. Settings: ``ROUTER_MAX_CONCURRENT_COMPUTE`` (0: no bound),
``ROUTER_COMPUTE_QUEUE_WAIT_S``, ``ROUTER_RATE_LIMIT_PER_S`` and ``ROUTER_RATE_LIMIT_BURST``
(0: no limit).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from router.api.errors import ServiceUnavailable, TooManyRequests


class ComputeSlots:
    """At most ``slots`` computations at once; a caller waits up to ``wait_s`` for one."""

    def __init__(self, slots: int, wait_s: float) -> None:
        self.slots = slots
        self.wait_s = wait_s
        self._semaphore = threading.BoundedSemaphore(slots) if slots > 0 else None

    @contextmanager
    def hold(self) -> Iterator[None]:
        """A slot for the duration of the block; 503 with ``Retry-After`` if none frees in time."""
        if self._semaphore is None:
            yield
            return
        if not self._semaphore.acquire(timeout=self.wait_s):
            raise ServiceUnavailable(
                f"the service is at its limit of {self.slots} computations at once; "
                "retry after the time in Retry-After",
                retry_after_s=1,
            )
        try:
            yield
        finally:
            self._semaphore.release()


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per API key: ``per_s`` requests a second on average, ``burst`` at once."""

    def __init__(self, per_s: float, burst: int) -> None:
        self.per_s = per_s
        self.burst = max(1, burst)
        self._buckets: dict[int, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, key_id: int) -> None:
        """Take one request of ``key_id``'s allowance; 429 with ``Retry-After`` if none is left."""
        if self.per_s <= 0:
            return
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key_id)
            if bucket is None:
                bucket = self._buckets[key_id] = _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_s)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait_s = (1.0 - bucket.tokens) / self.per_s
        raise TooManyRequests(
            f"this API key's limit of {self.per_s:g} requests/s (bursts of {self.burst}) is "
            "reached; retry after the time in Retry-After",
            retry_after_s=max(1, math.ceil(wait_s)),
        )
