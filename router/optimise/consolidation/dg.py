"""Dangerous-goods segregation between IMDG classes, for train load planning.

The table is the general segregation table of the IMDG Code, chapter 7.2.4 (IMO), as reproduced
by OOCL ("IMDG - Segregation Rules", oocl.com/usa/eng/localinformation/dg) and SCL Logistics
("Segregation Table", scllogistics.com/container-services/segregation-table); the rows of the
two reproductions agree where they overlap, and the table is symmetric. Codes: 1 "away from",
2 "separated from", 3 "separated by a complete compartment or hold from", 4 "separated
longitudinally by an intervening complete compartment or hold from", 0 (X in the Code) no general
requirement. Within class 1 the Code refers to compatibility groups; here any two class 1
entries are treated as "separated from" (conservative).

The rail mapping is the router's own (an estimate, not a rule of RID or of China Railway): on a
train, classes with code >= 2 must be separated by at least one wagon (not on the same or on
adjacent wagons); code 1 ("away from") means not on the same wagon. Individual substances can
have stricter rules in the Dangerous Goods List; those are out of scope.
"""

from __future__ import annotations

from functools import lru_cache

from router.errors import InvalidRequestError

#: column / row order of the IMDG 7.2.4 table ("1.1" stands for 1.1, 1.2, 1.5; "1.3" for 1.3, 1.6)
CLASSES: tuple[str, ...] = (
    "1.1", "1.3", "1.4", "2.1", "2.2", "2.3", "3", "4.1", "4.2", "4.3",
    "5.1", "5.2", "6.1", "6.2", "7", "8", "9",
)  # fmt: skip

# rows of IMDG 7.2.4 (X -> 0; the class 1 x class 1 block -> 2, see the module docstring)
_ROWS: dict[str, str] = {
    "1.1": "2 2 2 4 2 2 4 4 4 4 4 4 2 4 2 4 0",
    "1.3": "2 2 2 4 2 2 4 3 3 4 4 4 2 4 2 2 0",
    "1.4": "2 2 2 2 1 1 2 2 2 2 2 2 0 4 2 2 0",
    "2.1": "4 4 2 0 0 0 2 1 2 0 2 2 0 4 2 1 0",
    "2.2": "2 2 1 0 0 0 1 0 1 0 0 1 0 2 1 0 0",
    "2.3": "2 2 1 0 0 0 2 0 2 0 0 2 0 2 1 0 0",
    "3": "4 4 2 2 1 2 0 0 2 1 2 2 0 3 2 0 0",
    "4.1": "4 3 2 1 0 0 0 0 1 0 1 2 0 3 2 1 0",
    "4.2": "4 3 2 2 1 2 2 1 0 1 2 2 1 3 2 1 0",
    "4.3": "4 4 2 0 0 0 1 0 1 0 2 2 0 2 2 1 0",
    "5.1": "4 4 2 2 0 0 2 1 2 2 0 2 1 3 1 2 0",
    "5.2": "4 4 2 2 1 2 2 2 2 2 2 0 1 3 2 2 0",
    "6.1": "2 2 0 0 0 0 0 0 1 0 1 1 0 1 0 0 0",
    "6.2": "4 4 4 4 2 2 3 3 3 2 3 3 1 0 3 3 0",
    "7": "2 2 2 2 1 1 2 2 2 2 1 2 0 3 0 2 0",
    "8": "4 2 2 1 0 0 0 1 1 1 2 2 0 3 2 0 0",
    "9": "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
}

#: bare or division codes that map onto the table's rows; a bare class maps to all its
#: divisions and takes the strictest code (e.g. "2" -> 2.1, 2.2, 2.3)
_ALIASES: dict[str, tuple[str, ...]] = {
    "1": ("1.1", "1.3", "1.4"),
    "1.1": ("1.1",),
    "1.2": ("1.1",),
    "1.5": ("1.1",),
    "1.3": ("1.3",),
    "1.6": ("1.3",),
    "1.4": ("1.4",),
    "2": ("2.1", "2.2", "2.3"),
    "4": ("4.1", "4.2", "4.3"),
    "5": ("5.1", "5.2"),
    "6": ("6.1", "6.2"),
}


@lru_cache(maxsize=1)
def segregation_table() -> dict[tuple[str, str], int]:
    table: dict[tuple[str, str], int] = {}
    for row, text in _ROWS.items():
        codes = [int(v) for v in text.split()]
        assert len(codes) == len(CLASSES), row
        for col, code in zip(CLASSES, codes, strict=True):
            table[row, col] = code
    for (a, b), code in table.items():  # the Code's table is symmetric; so is this copy
        assert table[b, a] == code, (a, b)
    return table


def normalise_class(text: str | None) -> str | None:
    """A DG class as written in bookings ("3", "2.1", "5.1", "none", "") -> table key or None."""
    if text is None:
        return None
    value = text.strip().lower().removeprefix("class").strip()
    if value in ("", "none", "-", "no", "0", "n/a"):
        return None
    if value in _ALIASES or value in _ROWS:
        return value
    raise InvalidRequestError(
        "dg_class", f"unknown IMDG class {text!r} (use 1.1..9, e.g. 3 or 5.1)"
    )


def segregation(a: str, b: str) -> int:
    """The IMDG 7.2.4 code between two (normalised) classes; the strictest over divisions."""
    table = segregation_table()
    rows = _ALIASES.get(a, (a,))
    cols = _ALIASES.get(b, (b,))
    return max(table[r, c] for r in rows for c in cols)


def wagon_gap(a: str, b: str) -> int:
    """Wagons needed between containers of classes ``a`` and ``b``: -1 no rule, 0 not on the
    same wagon ("away from"), 1 at least one wagon between (code >= 2)."""
    code = segregation(a, b)
    if code == 0:
        return -1
    return 0 if code == 1 else 1
