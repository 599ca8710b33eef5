"""Pages of listings: ``{items, total, limit, offset, next_offset}``."""

from __future__ import annotations

from typing import Any


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    """One page of a listing of ``total`` items, starting at ``offset`` (at most ``limit``)."""
    following = offset + len(items)
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": following if following < total else None,
    }
