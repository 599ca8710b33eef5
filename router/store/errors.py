"""Errors of the booking store. The API maps them to HTTP statuses in router/api/errors.py."""

from __future__ import annotations

from typing import Any

from router.errors import RouterError


class ConflictError(RouterError):
    """The request cannot be applied to the current state (e.g. a quote is already booked)."""

    code = "conflict"

    def __init__(self, message: str, **details: Any) -> None:
        self.message = message
        self.details = details
        super().__init__(message)


class AlreadyBookedError(ConflictError):
    code = "already_booked"


class CapacityError(ConflictError):
    """A departure has no room left for the cargo."""

    code = "capacity_exhausted"


class NotBookableError(ConflictError):
    """A quote (or booking) is in a state that does not allow the action."""

    code = "not_bookable"


class ExpiredError(RouterError):
    """A quote's validity has ended."""

    code = "quote_expired"

    def __init__(self, message: str, **details: Any) -> None:
        self.message = message
        self.details = details
        super().__init__(message)
