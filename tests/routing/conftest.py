"""Every routing test runs against both search implementations (``search_implementation``);
``routing_testkit.solve`` also asserts that the other implementation returns the same Pareto
set, routes and label counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from search_implementations import search_implementation

from router.network import load_network
from router.routing.compiled import CompiledNetwork, compile_network

__all__ = ["bundled", "search_implementation"]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundled() -> CompiledNetwork:
    """The bundled network, compiled (one handle per test module)."""
    return compile_network(load_network(REPO / "data"))
