"""Train load planning inputs: booked containers, wagon types and slot patterns, train
departures, and the solve options."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from router.errors import InvalidRequestError
from router.optimise.consolidation.dg import normalise_class
from router.optimise.ortools_util import check_limits

#: TEU of a container by length; a 45' box counts 2.25 TEU (its length over 20')
TEU_BY_LENGTH: dict[int, float] = {20: 1.0, 40: 2.0, 45: 2.25}
#: ISO 6346 size code (first character of the size-type) -> length in feet
ISO_LENGTH = {"2": 20, "4": 40, "L": 45}
#: largest plausible gross weight of one container, kg (ISO 668 rates 30,480 kg; some 36,000)
MAX_CONTAINER_GROSS_KG = 40_000.0


class CustomsStatus(StrEnum):
    EXPORT_CLEARED = "export_cleared"  # declared and released: may be loaded
    DECLARED = "declared"  # declared, not yet released
    NOT_DECLARED = "not_declared"
    HELD = "held"  # held by customs (inspection)


@dataclass(frozen=True, slots=True)
class BookedContainer:
    id: str
    iso_type: str
    length_ft: int
    gross_kg: float
    destination: str
    ready: date
    deadline: date | None = None
    dg_class: str | None = None
    customs_status: CustomsStatus = CustomsStatus.EXPORT_CLEARED
    priority: int = 1

    def __post_init__(self) -> None:
        where = f"containers[{self.id}]"
        if not self.id:
            raise InvalidRequestError("containers.id", "every container needs an id")
        if self.length_ft not in TEU_BY_LENGTH:
            raise InvalidRequestError(f"{where}.length_ft", "must be 20, 40 or 45")
        size = ISO_LENGTH.get(self.iso_type[:1].upper()) if self.iso_type else None
        if size is not None and size != self.length_ft:
            raise InvalidRequestError(
                f"{where}.iso_type",
                f"size-type {self.iso_type} is a {size}' container, not {self.length_ft}'",
            )
        if not (0 < self.gross_kg <= MAX_CONTAINER_GROSS_KG):
            raise InvalidRequestError(
                f"{where}.gross_kg", f"must be > 0 and <= {MAX_CONTAINER_GROSS_KG:g}"
            )
        if self.deadline is not None and self.deadline < self.ready:
            raise InvalidRequestError(f"{where}.deadline", "must not be before the ready date")
        if not 1 <= self.priority <= 9:
            raise InvalidRequestError(f"{where}.priority", "must be between 1 and 9")
        try:
            object.__setattr__(self, "dg_class", normalise_class(self.dg_class))
        except InvalidRequestError as exc:
            raise InvalidRequestError(f"{where}.dg_class", exc.message) from None
        object.__setattr__(self, "customs_status", CustomsStatus(self.customs_status))

    @property
    def teu(self) -> float:
        return TEU_BY_LENGTH[self.length_ft]

    @property
    def cleared(self) -> bool:
        return self.customs_status is CustomsStatus.EXPORT_CLEARED


#: most slots of one length a loading pattern may name (real wagons carry 1 to 4 boxes)
MAX_SLOTS_OF_A_LENGTH = 9


def parse_patterns(text: str) -> tuple[tuple[int, ...], ...]:
    """``"1x40/2x20"`` -> ((40,), (20, 20)); ``"1x40+1x20/3x20"`` -> ((40, 20), (20, 20, 20))."""
    patterns: list[tuple[int, ...]] = []
    for alt in text.replace("|", "/").split("/"):
        lengths: list[int] = []
        for part in alt.replace("×", "x").replace("'", "").split("+"):
            count, _, length = part.strip().lower().partition("x")
            if not length:
                count, length = "1", count
            if not count.strip().isdigit() or not length.strip().isdigit():
                raise InvalidRequestError(
                    "slot_pattern", f"cannot read {text!r}: use e.g. 1x40/2x20"
                )
            if not 1 <= int(count) <= MAX_SLOTS_OF_A_LENGTH:
                raise InvalidRequestError(
                    "slot_pattern",
                    f"{count.strip()} slots of {length.strip()} ft: a wagon has 1 to "
                    f"{MAX_SLOTS_OF_A_LENGTH} slots of one length",
                )
            if int(length) not in TEU_BY_LENGTH:
                raise InvalidRequestError(
                    "slot_pattern", f"slot length {length} must be 20, 40 or 45"
                )
            lengths += [int(length)] * int(count)
        if not lengths:
            raise InvalidRequestError("slot_pattern", f"empty loading pattern in {text!r}")
        patterns.append(tuple(sorted(lengths, reverse=True)))
    return tuple(dict.fromkeys(patterns))


def pattern_text(pattern: Sequence[int]) -> str:
    counts = Counter(pattern)
    return (
        "+".join(f"{n}x{length}" for length, n in sorted(counts.items(), reverse=True)) or "empty"
    )


@dataclass(frozen=True, slots=True)
class WagonType:
    """A wagon: alternative slot patterns (container lengths), payload, tare and length."""

    code: str
    patterns: tuple[tuple[int, ...], ...]
    payload_kg: float
    tare_kg: float = 0.0
    length_m: float = 0.0
    max_container_kg: float | None = None

    def __post_init__(self) -> None:
        if not self.patterns:
            raise InvalidRequestError(
                f"wagons[{self.code}].slot_pattern", "give at least one pattern"
            )
        if self.payload_kg <= 0 or self.tare_kg < 0 or self.length_m < 0:
            raise InvalidRequestError(
                f"wagons[{self.code}]", "payload must be > 0, tare and length >= 0"
            )

    def slots(self, length: int) -> int:
        return max(p.count(length) for p in self.patterns)

    def max_teu(self) -> float:
        return max(sum(TEU_BY_LENGTH[x] for x in p) for p in self.patterns)

    def takes(self, c: BookedContainer) -> bool:
        return (
            self.slots(c.length_ft) > 0
            and c.gross_kg <= self.payload_kg
            and (self.max_container_kg is None or c.gross_kg <= self.max_container_kg)
        )

    def fits(self, lengths: Iterable[int]) -> tuple[int, ...] | None:
        """The first pattern that holds these container lengths, or None."""
        need = Counter(lengths)
        for p in self.patterns:
            have = Counter(p)
            if all(have[length] >= n for length, n in need.items()):
                return p
        return None


@dataclass(frozen=True, slots=True)
class TrainDeparture:
    """A dated train: destinations in the order served, limits, and its wagon set in order."""

    id: str
    date: date
    destinations: tuple[str, ...]
    max_gross_kg: float
    max_length_m: float
    wagons: tuple[WagonType, ...]
    origin: str = ""
    service: str = ""

    def __post_init__(self) -> None:
        where = f"trains[{self.id}]"
        if not self.id:
            raise InvalidRequestError("trains.id", "every departure needs an id")
        if not self.destinations:
            raise InvalidRequestError(f"{where}.destinations", "serve at least one destination")
        if len(set(self.destinations)) != len(self.destinations):
            raise InvalidRequestError(f"{where}.destinations", "a destination is listed twice")
        if not self.wagons:
            raise InvalidRequestError(f"{where}.wagons", "a departure needs a wagon set")
        if self.max_gross_kg <= 0 or self.max_length_m <= 0:
            raise InvalidRequestError(f"{where}", "max gross weight and length must be > 0")

    @property
    def teu_capacity(self) -> float:
        return sum(w.max_teu() for w in self.wagons)


@dataclass(frozen=True, slots=True)
class ConsolidationOptions:
    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 1
    method: str = "auto"  # auto | exact | decomposed
    require_all: bool = False  # infeasible unless every container is loaded
    exact_max_pairs: int = 12_000  # auto: exact model up to this many container-wagon pairs
    warm_start: bool = True  # hint the solver with the first-fit-decreasing plan

    def __post_init__(self) -> None:
        check_limits(self.time_limit_s, self.seed)
        if self.method not in ("auto", "exact", "decomposed"):
            raise InvalidRequestError("method", "must be auto, exact or decomposed")
        if not 1 <= self.workers <= 64:
            raise InvalidRequestError("workers", "must be between 1 and 64")
