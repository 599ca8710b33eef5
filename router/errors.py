"""The RouterError tree. Infeasible routing is a result status, never an exception."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class RouterError(Exception):
    """Base of every error the router raises on purpose."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a dataset: where it is and what is wrong."""

    file: str
    location: str  # "row 12", "feature CNYTN", "file"
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{self.severity.value}: {where}: {self.message}"


class DatasetError(RouterError):
    """A dataset failed validation; ``problems`` lists every problem found (errors and warnings)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        head = f"dataset has {len(errors)} error(s)"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in errors))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


class NotFoundError(RouterError):
    """A named object (node, quote, booking) does not exist."""

    def __init__(self, kind: str, key: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.key = key
        self.suggestions = tuple(suggestions)
        msg = f"unknown {kind} '{key}'"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(self.suggestions)
        super().__init__(msg)


class InvalidRequestError(RouterError):
    """A request is malformed or inconsistent; ``field`` names the offending part."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        """(field path, message) of each problem: here the one."""
        return ((self.field, self.message),)


class InvalidRecordsError(InvalidRequestError):
    """Problems in the rows of an input table (a CSV file or a JSON array), all found at once.

    ``problems`` holds (where, message) pairs: for a JSON array a field path
    ``<array>.<index>.<field>`` (e.g. ``shipments.3.containers``), for a CSV file
    ``row <n>, field '<field>'``.
    """

    def __init__(self, source: str, problems: Sequence[tuple[str, str]], shown: int = 50) -> None:
        self._problems = tuple(problems)
        more = len(self._problems) - shown
        text = "; ".join(f"{f}: {m}" for f, m in self._problems[:shown])
        if more > 0:
            text += f"; ... and {more} more"
        super().__init__(source, f"{len(self._problems)} problem(s): {text}")

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        return self._problems
