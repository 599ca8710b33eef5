"""Reading a scenario file's YAML with line numbers: typed field access on the composed YAML
nodes (:func:`yaml.compose`) that records every problem as a :class:`SpecIssue` naming the
file, the line and the field path (``modifications[3].service``) instead of raising, so one
read reports all of them.

Scalars are read by their YAML type: a number must be a YAML number, a flag ``true``/``false``,
a date ``YYYY-MM-DD``; codes and texts take the scalar as written (so ``unit: 20`` and
``time: 14:30``, which YAML 1.1 would read as the number 870, keep their text).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

import yaml

E = TypeVar("E", bound=StrEnum)

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class SpecIssue:
    """One problem in a scenario: the file, the line (1-based; None if unknown), the field path
    (``modifications[3].service``) and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass(frozen=True, slots=True)
class Where:
    """Where a part of the spec was written: file, field path, line, and the lines of its own
    fields (so a later check can point at the field it is about)."""

    file: str = "<scenario>"
    path: str = ""
    line: int | None = None
    fields: tuple[tuple[str, int], ...] = ()

    def line_of(self, name: str) -> int | None:
        """The line of field ``name`` (``services[1]``: that item's line, else the field's)."""
        lines = dict(self.fields)
        item = name.split(".", 1)[0]
        head = re.split(r"[.\[]", name, maxsplit=1)[0]
        return lines.get(item, lines.get(head, self.line))

    def issue(self, name: str, message: str, line: int | None = None) -> SpecIssue:
        """An issue about field ``name`` (a path below this part; "" for the part itself)."""
        path = f"{self.path}.{name}" if name and self.path else name or self.path
        return SpecIssue(self.file, line if line is not None else self.line_of(name), path, message)


def did_you_mean(name: str, candidates: Iterable[str], n: int = 3) -> str:
    """``"; did you mean X?"`` with the closest candidate (difflib; those as close as it too, up
    to ``n``), or ``""``."""
    pool = sorted(set(candidates))
    close = [c for c in pool if c.casefold() == name.casefold()]
    if not close:
        scored = sorted(
            ((difflib.SequenceMatcher(None, name, c).ratio(), c) for c in pool),
            key=lambda item: (-item[0], item[1]),
        )
        best = scored[0][0] if scored else 0.0
        close = [c for score, c in scored[:n] if score >= 0.6 and score >= best - 0.02]
    return f"; did you mean {' or '.join(close)}?" if close else ""


def unknown(what: str, name: str, candidates: Iterable[str]) -> str:
    """``"unknown service 'BAX-DUX'; did you mean BAX-DUI?"``."""
    return f"unknown {what} {name!r}{did_you_mean(name, candidates)}"


def line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def scalar_texts(node: yaml.Node) -> frozenset[str]:
    """Every non-empty scalar value below ``node`` as written (keys left out): the names a part
    of the spec that could not be read mentions."""
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value).strip()
        return frozenset({text}) if text and node.tag != NULL_TAG else frozenset()
    if isinstance(node, yaml.SequenceNode):
        return frozenset().union(*(scalar_texts(item) for item in node.value))
    if isinstance(node, yaml.MappingNode):
        return frozenset().union(*(scalar_texts(value) for _, value in node.value))
    return frozenset()


@dataclass
class Sink:
    """The file being read and the issues found so far."""

    file: str
    issues: list[SpecIssue] = field(default_factory=list)

    def error(self, node: yaml.Node | None, path: str, message: str) -> None:
        self.issues.append(
            SpecIssue(self.file, None if node is None else line(node), path, message)
        )

    def compose(self, text: str) -> yaml.Node | None:
        """The YAML document's root node, or None with an issue (syntax error, no document,
        several documents)."""
        try:
            documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = None if mark is None else int(mark.line) + 1
            problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
            self.issues.append(SpecIssue(self.file, where, "", f"not valid YAML: {problem}"))
            return None
        except yaml.YAMLError as exc:
            self.issues.append(SpecIssue(self.file, None, "", f"not valid YAML: {exc}"))
            return None
        if not documents:
            self.issues.append(SpecIssue(self.file, None, "", "the file is empty"))
            return None
        if len(documents) > 1:
            self.error(documents[1], "", "a scenario file holds one YAML document, not several")
        return documents[0]


def _kind(node: yaml.Node) -> str:
    """What a YAML node holds, for messages: "a list", "a mapping", "the number 3", ..."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if node.tag == NULL_TAG:
        return "nothing (null)"
    if node.tag == BOOL_TAG:
        return f"the flag {node.value}"
    if node.tag in (INT_TAG, FLOAT_TAG):
        return f"the number {node.value}"
    return f"the text {node.value!r}"


class MapView:
    """A YAML mapping at ``path`` with typed accessors; each records an issue and returns None
    when a field is missing (if required) or has the wrong type or range."""

    def __init__(self, node: yaml.MappingNode, path: str, sink: Sink) -> None:
        self.node = node
        self.path = path
        self.sink = sink
        self.keys: dict[str, yaml.Node] = {}
        self.values: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                sink.error(key, path, "a key must be a plain name")
                continue
            name = str(key.value)
            if name in self.keys:
                sink.error(
                    key,
                    self.sub(name),
                    f"duplicate key (first given at line {line(self.keys[name])})",
                )
                continue
            self.keys[name] = key
            self.values[name] = value

    @classmethod
    def of(cls, node: yaml.Node | None, path: str, sink: Sink) -> MapView | None:
        """A view of ``node`` if it is a mapping, else None with an issue."""
        if isinstance(node, yaml.MappingNode):
            return cls(node, path, sink)
        if node is not None:
            sink.error(node, path, f"must be a mapping of fields, got {_kind(node)}")
        return None

    # ------------------------------------------------------------------ structure
    def sub(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    @property
    def line(self) -> int:
        return line(self.node)

    def where(self) -> Where:
        lines = [(name, line(value)) for name, value in self.values.items()]
        for name, value in self.values.items():
            if isinstance(value, yaml.SequenceNode):
                lines += [(f"{name}[{i}]", line(item)) for i, item in enumerate(value.value)]
        return Where(self.sink.file, self.path, self.line, tuple(lines))

    def quiet(self) -> MapView:
        """The same mapping read without recording issues (to make out what a part of the spec
        that has issues would have said)."""
        return MapView(self.node, self.path, Sink(self.sink.file))

    def error(self, name: str, message: str) -> None:
        """An issue about field ``name`` ("" for the mapping itself)."""
        node = self.values.get(name, self.node) if name else self.node
        self.sink.error(node, self.sub(name) if name else self.path, message)

    def has(self, name: str) -> bool:
        """Whether ``name`` is given (a null counts as not given)."""
        value = self.values.get(name)
        return value is not None and not (
            isinstance(value, yaml.ScalarNode) and value.tag == NULL_TAG
        )

    def is_null(self, name: str) -> bool:
        value = self.values.get(name)
        return isinstance(value, yaml.ScalarNode) and value.tag == NULL_TAG

    def check_keys(self, allowed: Sequence[str], what: str = "field") -> None:
        """An issue for each key not in ``allowed``, with the closest allowed names."""
        for name, key in self.keys.items():
            if name not in allowed:
                self.sink.error(key, self.sub(name), unknown(what, name, allowed))

    def given(self, names: Iterable[str]) -> list[str]:
        return [n for n in names if self.has(n)]

    def exactly_one(self, *names: str) -> str | None:
        """The one of ``names`` given; an issue if none or several are."""
        present = self.given(names)
        if len(present) == 1:
            return present[0]
        listed = " | ".join(names)
        if not present:
            self.error("", f"needs exactly one of {listed}")
        else:
            self.error(present[1], f"give exactly one of {listed}, not {' and '.join(present)}")
        return None

    # ------------------------------------------------------------------ scalars
    def _absent(self, name: str, required: bool) -> bool:
        """Whether ``name`` is missing or null (an issue if ``required``)."""
        value = self.values.get(name)
        if value is None:
            if required:
                self.sink.error(self.node, self.sub(name), "is required")
            return True
        if isinstance(value, yaml.ScalarNode) and value.tag == NULL_TAG:
            if required:
                self.error(name, "is required but empty")
            return True
        return False

    def _scalar(self, name: str, required: bool) -> yaml.ScalarNode | None:
        if self._absent(name, required):
            return None
        value = self.values[name]
        if not isinstance(value, yaml.ScalarNode):
            self.error(name, f"must be a single value, got {_kind(value)}")
            return None
        return value

    def text(self, name: str, *, required: bool = False) -> str | None:
        """A text or code, as written (numbers and flags keep their text)."""
        value = self._scalar(name, required)
        if value is None:
            return None
        text = str(value.value).strip()
        if not text:
            self.error(name, "is empty")
            return None
        return text

    def number(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
    ) -> float | None:
        """A YAML number in range (``positive``: > 0)."""
        value = self._scalar(name, required)
        if value is None:
            return None
        if value.tag not in (INT_TAG, FLOAT_TAG):
            self.error(name, f"must be a number, got {_kind(value)}")
            return None
        number = _construct(value)
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
        ):
            self.error(name, f"must be a finite number, got {value.value}")
            return None
        result = float(number)
        if positive and result <= 0:
            self.error(name, f"must be > 0, got {value.value}")
            return None
        if minimum is not None and result < minimum:
            self.error(name, f"must be >= {minimum:g}, got {value.value}")
            return None
        if maximum is not None and result > maximum:
            self.error(name, f"must be <= {maximum:g}, got {value.value}")
            return None
        return result

    def flag(self, name: str, *, required: bool = False) -> bool | None:
        value = self._scalar(name, required)
        if value is None:
            return None
        if value.tag != BOOL_TAG:
            self.error(name, f"must be true or false, got {_kind(value)}")
            return None
        return bool(_construct(value))

    def day(self, name: str, *, required: bool = False) -> date | None:
        """A date ``YYYY-MM-DD`` (2000-2099)."""
        value = self._scalar(name, required)
        if value is None:
            return None
        text = str(value.value).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            result = date.fromisoformat(text)
        except ValueError:
            self.error(name, f"must be a date YYYY-MM-DD, got {text!r}")
            return None
        if not 2000 <= result.year <= 2099:
            self.error(name, f"must be a date in 2000-2099, got {text}")
            return None
        return result

    def hhmm(self, name: str, *, required: bool = False) -> int | None:
        """A time of day ``HH:MM`` as minutes after midnight."""
        text = self.text(name, required=required)
        if text is None:
            return None
        match = _HHMM.match(text)
        if match is None:
            self.error(name, f"must be a time HH:MM (00:00-23:59), got {text!r}")
            return None
        return int(match.group(1)) * 60 + int(match.group(2))

    def enum(
        self, name: str, enum: type[E], *, required: bool = False, what: str = "value"
    ) -> E | None:
        text = self.text(name, required=required)
        if text is None:
            return None
        try:
            return enum(text)
        except ValueError:
            self.error(
                name,
                f"{unknown(what, text, [e.value for e in enum])} (allowed: {', '.join(e.value for e in enum)})",
            )
            return None

    # ------------------------------------------------------------------ collections
    def seq(
        self, name: str, *, required: bool = False, non_empty: bool = True
    ) -> list[tuple[yaml.Node, str]] | None:
        """The items of a list with their paths (``name[i]``)."""
        if self._absent(name, required):
            return None
        value = self.values[name]
        if not isinstance(value, yaml.SequenceNode):
            self.error(name, f"must be a list, got {_kind(value)}")
            return None
        if non_empty and not value.value:
            self.error(name, "must not be an empty list")
            return None
        return [(item, f"{self.sub(name)}[{i}]") for i, item in enumerate(value.value)]

    def texts(
        self, name: str, *, required: bool = False, non_empty: bool = True
    ) -> tuple[str, ...] | None:
        """A list of texts or codes; duplicates are an issue."""
        items = self.seq(name, required=required, non_empty=non_empty)
        if items is None:
            return None
        result: list[str] = []
        ok = True
        for item, path in items:
            if (
                not isinstance(item, yaml.ScalarNode)
                or item.tag == NULL_TAG
                or not str(item.value).strip()
            ):
                self.sink.error(item, path, f"must be a name, got {_kind(item)}")
                ok = False
                continue
            text = str(item.value).strip()
            if text in result:
                self.sink.error(item, path, f"{text!r} is listed twice")
                ok = False
                continue
            result.append(text)
        return tuple(result) if ok else None

    def enums(
        self, name: str, enum: type[E], *, required: bool = False, what: str = "value"
    ) -> tuple[E, ...] | None:
        names = self.texts(name, required=required)
        if names is None:
            return None
        allowed = [e.value for e in enum]
        result = []
        for i, text in enumerate(names):
            if text not in allowed:
                path = f"{self.sub(name)}[{i}]"
                node = self.values[name].value[i]
                self.sink.error(
                    node, path, f"{unknown(what, text, allowed)} (allowed: {', '.join(allowed)})"
                )
            else:
                result.append(enum(text))
        return tuple(result) if len(result) == len(names) else None

    def mapping(self, name: str, *, required: bool = False) -> MapView | None:
        if self._absent(name, required):
            return None
        return MapView.of(self.values[name], self.sub(name), self.sink)

    def mappings(self, name: str, *, required: bool = False) -> list[MapView] | None:
        """A list of mappings (``tariffs``, ``assumptions``)."""
        items = self.seq(name, required=required)
        if items is None:
            return None
        views = [MapView.of(item, path, self.sink) for item, path in items]
        return None if any(v is None for v in views) else [v for v in views if v is not None]


def _construct(node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar node (YAML 1.1 core schema, as yaml.safe_load reads it)."""
    return yaml.constructor.SafeConstructor().construct_object(node)
