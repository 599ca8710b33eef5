"""Type stub of the compiled label loop (router/routing/_labelloop.pyx)."""

from collections.abc import Callable
from typing import Any

class LabelLoop:
    labels_created: int
    labels_settled: int
    pruned_by_target: int
    complete: bool
    def __init__(
        self,
        tables: dict[str, Any],
        room_fn: Callable[[int, int], bool] | None = ...,
        gap_fn: Callable[[int], int] | None = ...,
    ) -> None: ...
    def run(self, initial: list[tuple[int, int, int, int, int, int]]) -> None: ...
    def fronts_of(self) -> list[list[int]]: ...
    def criteria(self, label: int) -> tuple[int, int, int, int]: ...
    def chain(self, label: int) -> list[tuple[int, int, int]]: ...
