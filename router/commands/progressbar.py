"""A progress bar (rich, on standard error) for long commands.

Shown only when standard error is a terminal, so scripts and ``--json`` pipelines get clean
output. The solvers report no progress of their own: a solve is shown as the share of its time
limit used (:class:`router.services.progress.Progress`), an upper bound of the time left.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar

from router.services.progress import Progress

T = TypeVar("T")
REFRESH_S = 0.2


def _bar(console: Console) -> Bar:
    return Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def with_progress(work: Callable[[], T], *, time_limit_s: float, what: str) -> T:
    """``work()``, with a bar over its time limit while it runs (when stderr is a terminal)."""
    console = Console(stderr=True)
    if not console.is_terminal:
        return work()
    progress = Progress()
    progress.expect(time_limit_s, what)
    done = threading.Event()
    with _bar(console) as bar:
        task = bar.add_task(what, total=1.0)

        def follow() -> None:
            while not done.wait(REFRESH_S):
                snap = progress.snapshot()
                bar.update(task, completed=snap.fraction, description=snap.message)

        follower = threading.Thread(target=follow, daemon=True)
        follower.start()
        try:
            return work()
        finally:
            done.set()
            follower.join()


def follow_job(read: Callable[[], tuple[str, float, str]], poll_s: float = 0.5) -> None:
    """Show a job's progress until it finishes; ``read()`` gives (status, progress, message)."""
    console = Console(stderr=True)
    status, fraction, message = read()
    if not console.is_terminal:
        while status in ("queued", "running"):
            time.sleep(poll_s)
            status, fraction, message = read()
        return
    with _bar(console) as bar:
        task = bar.add_task(message, total=1.0)
        bar.update(task, completed=fraction)
        while status in ("queued", "running"):
            time.sleep(poll_s)
            status, fraction, message = read()
            bar.update(task, completed=fraction, description=f"{status}: {message}")


@contextmanager
def fraction_bar(what: str) -> Iterator[Callable[[float, str], None]]:
    """A bar the work moves itself: yields ``update(fraction 0-1, message)`` (a no-op when
    standard error is not a terminal)."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda fraction, message: None
        return
    with _bar(console) as bar:
        task = bar.add_task(what, total=1.0)

        def update(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

        yield update
