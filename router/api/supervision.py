"""Worker processes that end with their supervisor.

``router serve --workers N`` runs uvicorn's supervisor in the ``router serve`` process and N
worker processes under it. If the supervisor is killed outright (``kill -9``), its workers would
go on serving the port, and a restart would fail with "address already in use". Each worker
therefore asks the kernel for SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``), and ends
at once if the supervisor is already gone; SIGTERM lets uvicorn finish in-flight requests.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys

from router.config import SUPERVISOR_ENV

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def end_with_supervisor() -> None:
    """In a worker of ``router serve``: receive SIGTERM when the supervisor dies."""
    value = os.environ.get(SUPERVISOR_ENV)
    if not value or not value.isdigit() or int(value) == os.getpid():
        return  # not a worker of router serve (or the supervisor itself)
    supervisor = int(value)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            log.warning("could not ask for SIGTERM on the supervisor's death")
    else:  # pragma: no cover - the service runs on Linux
        log.warning("workers outlive a killed supervisor on %s", sys.platform)
    if os.getppid() != supervisor:  # it died before we asked
        os.kill(os.getpid(), signal.SIGTERM)
