"""The errors the use cases raise beyond :mod:`router.errors`: the state of quotes, bookings and
departures forbids the action. Defined next to the store, which raises most of them inside its
transactions; re-exported here so that callers (the API's status mapping, the CLI) need not
import the store.
"""

from __future__ import annotations

from router.store.errors import (
    AlreadyBookedError,
    CapacityError,
    ConflictError,
    ExpiredError,
    NotBookableError,
)

__all__ = [
    "AlreadyBookedError",
    "CapacityError",
    "ConflictError",
    "ExpiredError",
    "NotBookableError",
]
