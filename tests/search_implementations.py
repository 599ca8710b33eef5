"""The fixture that runs a test directory's tests once per search implementation: the compiled
label loop and the pure-Python reference (DESIGN.md §8). Imported by the conftest of
``tests/routing`` and ``tests/verify``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from router.config import get_settings


@pytest.fixture(params=["compiled", "python"], autouse=True)
def search_implementation(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("ROUTER_SEARCH", request.param)
    get_settings.cache_clear()
    yield request.param
    get_settings.cache_clear()
