"""Progress of long work, as a fraction (0-1) and a message, shared between the thread doing
the work and the one showing or reporting it (the CLI's progress bar, a job's heartbeat).

The solvers run within a time limit and do not report how far they are, so a solving stage is
shown as the share of its time limit used (``expect``), which is what it is: an upper bound of
the time still to wait, not an estimate of the solver's progress.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


class JobCancelled(Exception):
    """The work was asked to stop (raised at the work's next checkpoint)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    fraction: float
    message: str


#: a stage timed by its time limit ends at this fraction; the rest is storing the result
SOLVED_FRACTION = 0.95


class Progress:
    """Thread-safe progress: the worker sets stages, a reporter reads snapshots."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fraction = 0.0
        self._message = "started"
        self._budget: tuple[float, float, float, str] | None = None  # start, seconds, from, what
        self._cancel = threading.Event()

    def stage(self, fraction: float, message: str) -> None:
        """Progress ``fraction`` (never going back) with ``message``."""
        with self._lock:
            self._budget = None
            self._fraction = max(self._fraction, min(1.0, fraction))
            self._message = message

    def expect(self, seconds: float, what: str) -> None:
        """A stage bounded by a time limit of ``seconds``: reported as the share of it used."""
        with self._lock:
            self._budget = (time.monotonic(), max(seconds, 1e-3), self._fraction, what)
            self._message = what

    def snapshot(self) -> Snapshot:
        with self._lock:
            if self._budget is None:
                return Snapshot(self._fraction, self._message)
            start, seconds, base, what = self._budget
            used_s = time.monotonic() - start
            share = min(1.0, used_s / seconds)
            fraction = base + (SOLVED_FRACTION - base) * share
            return Snapshot(
                max(self._fraction, fraction),
                f"{what}: {used_s:.0f} s of the {seconds:g} s time limit used",
            )

    def request_cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def checkpoint(self) -> None:
        """Raise :class:`JobCancelled` if the work was asked to stop."""
        if self._cancel.is_set():
            raise JobCancelled
