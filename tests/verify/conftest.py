"""Every legality test runs against both search implementations: the compiled label loop and
the pure-Python reference (DESIGN.md §8); ``routing_testkit.solve`` also asserts that the other
implementation returns the same Pareto set, routes and label counts."""

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
